// alignment.hpp: the canonical face frame, fitted per frame by a least-squares similarity (Procrustes:
// rotation, uniform scale, translation; no reflection) of the rigid landmarks (eye corners 36, 39, 42, 45
// and nose bridge 27-30) onto a fixed symmetric frontal template.
//
// The fit is split so that eyelid movement cannot move the frame: rotation and scale come from the
// vector between the centroids of the two eyes' corners (a blink lowers both eyes' corner landmarks
// together, which leaves that vector unchanged), translation from the nose tip and base (30, 31, 33, 35;
// dlib moves the upper bridge, 27-28, with the eyes during a blink). A plain least-squares similarity of all eight points shifted the whole frame by half
// the eye corners' movement during a blink, enough to look like both mouth corners twitching.
//
// Rigid points: eye corners 36, 39, 42, 45; nose bridge 27-30; nose base 31, 33, 35.
// Canonical frame: origin midway between the eye centres, x toward the PERSON's left, y UP, 1 unit =
// the inter-ocular distance (IOD). The template's midline is x = 0, so mirroring a canonical point
// across the fitted facial midline is (x, y) -> (-x, y). Pure functions; thread-safe.
#pragma once

#include <array>
#include <span>

#include <opencv2/core/types.hpp>

#include "core/landmarks.hpp"

namespace ft {

// p -> [a -b; b a] p + (tx, ty)
struct Similarity {
  double a = 1.0, b = 0.0, tx = 0.0, ty = 0.0;
  cv::Point2d apply(cv::Point2d p) const { return {a * p.x - b * p.y + tx, b * p.x + a * p.y + ty}; }
  double scale() const;
  double angle_rad() const;
  Similarity inverse() const;
};

// Least-squares similarity mapping src[i] to dst[i] (Umeyama 1991 without reflection, 2-D closed form).
// Returns the identity when the points are degenerate. Optional per-point weights.
Similarity fit_similarity(std::span<const cv::Point2d> src, std::span<const cv::Point2d> dst,
                          std::span<const double> weights = {});

// The rigid landmark indices and their template positions (canonical frame, IOD units). The template was
// measured from dlib's landmarks on a frontal face and made exactly left-right symmetric.
const std::array<int, 11>& rigid_indices();
const std::array<cv::Point2d, 11>& rigid_template();

struct CanonicalFace {
  Similarity image_to_canonical;    // applied to (x, -y) of an image point (the y flip makes y point up)
  double iod_px = 0.0;              // pixels per canonical unit
  double fit_rms = 0.0;             // RMS residual of the rigid points after the fit, IOD
  std::array<cv::Point2f, 68> points{};  // all 68 landmarks in the canonical frame

  cv::Point2f to_canonical(cv::Point2f image_px) const;
  cv::Point2f to_image(cv::Point2f canonical) const;
};

// Aligns landmarks from an UNMIRRORED image (person's left = image right).
CanonicalFace align_to_canonical(const Landmarks68& image_px);

}  // namespace ft
