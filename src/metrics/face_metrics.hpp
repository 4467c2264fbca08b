// face_metrics.hpp: one frame's face-normalised measurements (FaceMetrics, core/measurements.hpp) from
// its landmarks: the canonical alignment, mouth-corner positions, eyelid apertures, brow heights, the
// mouth-corner height difference, the mirror asymmetry index, the regional asymmetry measures
// (commissure excursion, smile angle, CCE angle: metrics/regional_asymmetry.hpp), head pose and quality
// flags.
// Pure functions; thread-safe.
#pragma once

#include <opencv2/core.hpp>

#include "core/measurements.hpp"
#include "metrics/alignment.hpp"
#include "metrics/quality.hpp"

namespace ft {

// Geometry only (no image): everything in FaceMetrics that follows from the landmarks.
// `canonical` receives the fitted canonical face when non-null.
void fill_geometry(const Landmarks68& image_px, FaceMetrics& out, CanonicalFace* canonical = nullptr);

// Mouth opening: mean distance between the inner upper and inner lower lip (61-67, 62-66, 63-65)
// of 68 points (canonical units: IOD; image pixels: px).
double mouth_opening(const std::array<cv::Point2f, 68>& points);

// Mean over the asymmetry_pairs() of |left - mirror(right)| in canonical units.
double mirror_asymmetry_index(const CanonicalFace& face);

// Full per-frame metrics. `found` false gives a no-face record. `scratch`: reused buffers (one per
// thread).
FaceMetrics compute_face_metrics(std::int64_t frame_index, double t, bool found,
                                 const Landmarks68& image_px, const cv::Rect2f& box,
                                 const cv::Mat& gray, ExposureScratch& scratch,
                                 const QualityLimits& limits = {});

}  // namespace ft
