// face_warp.hpp: smooth local image warps that move facial features by exact sub-pixel amounts,
// composed with a global similarity (head motion). Twitches in synthetic videos are made ONLY this
// way: pixels are moved, nothing is drawn.
//
// Two kinds of local warp:
//  * Gaussian bumps (mouth corners, lips). Control point c_i with radius s_i carries displacement
//    d_i. The backward map used by cv::remap is
//        source(y) = y - sum_i b_i exp(-|y - c_i|^2 / (2 s_i^2)),
//    where the backward weights b_i are solved (a small linear system) so that the content at each
//    c_i lands exactly at c_i + d_i. The map stays fold-free while |d_i| <= 0.75 s_i (larger
//    displacements are clamped to that).
//  * Lid closures (eyes). Gaussians cannot squeeze the narrow gap between two lids (past ~40 % of
//    the aperture they fold or drag the brow down), so an eye closes by a monotone 1-D remapping
//    across the eye (along `up`): the lid lines move toward each other by exact amounts, the
//    eyeball between them is compressed, the skin above and below follows with a smooth fade, and
//    the eye corners stay put. Fold-free for any closure below the aperture.
// With head motion S (a similarity about a centre), the output pixel x shows source(S^-1(x)): the
// features move with the head.
//
// Units: pixels. Pure functions; thread safe (each call writes only its own output maps).
#pragma once

#include <array>
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

// An eye closing (see the top of this file). Points are pixels in the undeformed, unmoved image.
struct LidClosure {
  // Each lid line: both eye corners and the two lid landmarks between them, in any order.
  std::array<cv::Point2f, 4> upper{};
  std::array<cv::Point2f, 4> lower{};
  // Unit vector from the lower lid toward the upper lid (toward the brow).
  cv::Point2f up{0.0f, -1.0f};
  float upper_shift = 0.0f;  // how far the upper lid's two landmarks move toward the lower lid, px
  float lower_shift = 0.0f;  // how far the lower lid's two landmarks move toward the upper lid, px
  float reach_above = 0.0f;  // the skin this far above the upper lid follows (fading), px
  float reach_below = 0.0f;  // the same below the lower lid, px
};

// The mouth opening (see the top of this file). Points are pixels in the undeformed, unmoved image.
struct MouthOpening {
  // The slit between the lips: both inner mouth corners and two points between the inner lips, in
  // any order.
  std::array<cv::Point2f, 4> slit{};
  // Unit vector from the lower lip toward the upper lip (toward the nose).
  cv::Point2f up{0.0f, -1.0f};
  float half_gap = 1.0f;     // half-height of the band along the slit that is stretched open, px
  float lower_shift = 0.0f;  // how far the lower lip (and the chin) moves down, px
  float upper_shift = 0.0f;  // how far the upper lip moves up, px
  float jaw_depth = 0.0f;    // below the slit the skin moves rigidly down to this depth (the chin), px
  float reach_below = 0.0f;  // ... then follows with a fade over this distance, px
  float reach_above = 0.0f;  // the skin this far above the slit follows the upper lip (fading), px
};

// Everything that moves locally in one frame.
struct LocalWarp {
  std::vector<WarpControl> controls;
  std::vector<LidClosure> lids;
  std::vector<MouthOpening> mouths;
  bool empty() const { return controls.empty() && lids.empty() && mouths.empty(); }
};

// Largest |displacement| / radius that build_warp_maps accepts (beyond it the displacement is
// scaled down).
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

// The backward Gaussian weights b_i for the given controls (see the top of this file), after
// clamping each displacement to kMaxWarpRatio * radius. Exposed for tests.
std::vector<cv::Point2f> solve_backward_weights(const std::vector<WarpControl>& controls);

// Fills map_x, map_y (CV_32FC1, `size`; reallocated only when the size changes, so keep them
// between frames) with the backward map of the local warp composed with `motion`. Gaussians are
// evaluated only within 3.5 radii of their centres.
void build_warp_maps(cv::Size size, const LocalWarp& warp, const Similarity& motion, cv::Mat& map_x,
                     cv::Mat& map_y);
inline void build_warp_maps(cv::Size size, const std::vector<WarpControl>& controls,
                            const Similarity& motion, cv::Mat& map_x, cv::Mat& map_y) {
  build_warp_maps(size, LocalWarp{controls, {}, {}}, motion, map_x, map_y);
}

// cv::remap with BORDER_REPLICATE.
void apply_warp(const cv::Mat& src, const cv::Mat& map_x, const cv::Mat& map_y, cv::Mat& dst,
                int interpolation = cv::INTER_CUBIC);

// Where the content at `p` ends up under the Gaussian controls alone (solves source(y) = p by
// fixed-point iteration). For tests and for predicting landmark motion.
cv::Point2f forward_position(const std::vector<WarpControl>& controls, cv::Point2f p);

// The backward map of one lid closure alone at canvas point p (where the content shown at p comes
// from). build_warp_maps evaluates exactly this at every pixel centre. For tests.
cv::Point2d lid_closure_source(const LidClosure& lid, cv::Point2d p);

// The backward map of one mouth opening alone at canvas point p. For tests.
cv::Point2d mouth_opening_source(const MouthOpening& mouth, cv::Point2d p);

// Smallest Jacobian determinant of the backward map (central differences over the interior). A
// valid, non-folding warp has it > 0 everywhere.
double min_jacobian_determinant(const cv::Mat& map_x, const cv::Mat& map_y);

}  // namespace ft
