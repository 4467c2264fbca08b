// face_warp.hpp: smooth local image warps that move facial features by exact sub-pixel amounts, composed
// with a global similarity (head motion). Twitches in synthetic videos are made ONLY this way: pixels
// are moved, nothing is drawn.
//
// A local warp is a sum of Gaussian bumps: control point c_i with radius s_i carries displacement d_i. The
// backward map used by cv::remap is
//     source(y) = y - sum_i b_i exp(-|y - c_i|^2 / (2 s_i^2)),
// where the backward weights b_i are solved (a small linear system) so that the content at each c_i lands
// exactly at c_i + d_i. With head motion S (a similarity about a centre), the output pixel x shows
// source(S^-1(x)): the features move with the head. The map stays fold-free while |d_i| <= 0.75 s_i
// (larger displacements are clamped to that).
//
// Units: pixels. Pure functions; thread safe (each call writes only its own output maps).
#pragma once

#include <vector>

#include <opencv2/core.hpp>
#include <opencv2/imgproc.hpp>

namespace ft {

// One control point of the local warp (pixels, in the undeformed, unmoved image).
struct WarpControl {
  cv::Point2f centre;
  cv::Point2f displacement;  // where the content at `centre` moves: centre + displacement
  float radius = 1.0f;       // Gaussian sigma
};

// Largest |displacement| / radius that build_warp_maps accepts (beyond it the displacement is scaled down).
inline constexpr float kMaxWarpRatio = 0.75f;

// A similarity transform p -> centre + translation + scale * R(angle) * (p - centre). angle_deg is
// clockwise on screen (image y points down).
struct Similarity {
  cv::Point2d centre{0.0, 0.0};
  cv::Point2d translation{0.0, 0.0};
  double angle_deg = 0.0;
  double scale = 1.0;

  bool is_identity() const {
    return translation.x == 0.0 && translation.y == 0.0 && angle_deg == 0.0 && scale == 1.0;
  }
  cv::Point2d apply(cv::Point2d p) const;
  cv::Point2d invert(cv::Point2d p) const;  // apply(invert(p)) == p
};

// The backward Gaussian weights b_i for the given controls (see the top of this file), after clamping
// each displacement to kMaxWarpRatio * radius. Exposed for tests.
std::vector<cv::Point2f> solve_backward_weights(const std::vector<WarpControl>& controls);

// Fills map_x, map_y (CV_32FC1, `size`; reallocated only when the size changes, so keep them between
// frames) with the backward map of the local warp composed with `motion`. Gaussians are evaluated only
// within 3.5 radii of their centres.
void build_warp_maps(cv::Size size, const std::vector<WarpControl>& controls, const Similarity& motion,
                     cv::Mat& map_x, cv::Mat& map_y);

// cv::remap with BORDER_REPLICATE.
void apply_warp(const cv::Mat& src, const cv::Mat& map_x, const cv::Mat& map_y, cv::Mat& dst,
                int interpolation = cv::INTER_CUBIC);

// Where the content at `p` ends up under the local warp alone (solves source(y) = p by fixed-point
// iteration). For tests and for predicting landmark motion.
cv::Point2f forward_position(const std::vector<WarpControl>& controls, cv::Point2f p);

// Smallest Jacobian determinant of the backward map (central differences over the interior). A valid,
// non-folding warp has it > 0 everywhere.
double min_jacobian_determinant(const cv::Mat& map_x, const cv::Mat& map_y);

}  // namespace ft
