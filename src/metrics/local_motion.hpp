// local_motion.hpp: refines the landmarks that carry the measurements (mouth corners, eyelids) and the
// rigid points of the alignment by sparse optical flow.
//
// Why: dlib's predictor fits the whole 68-point shape at once, so a twitch of one mouth corner also moves
// the other corner's landmark (its shape model couples them), and on a still face each landmark jitters by
// about half a pixel. Pyramidal Lucas-Kanade flow on a small patch follows the pixels of that patch only.
// How: a complementary filter per point. Each frame the point moves by the patch's flow from the previous
// frame (fast, local, precise), then is pulled a fraction `anchor_gain` of the way toward the landmark
// (slow, absolute: stops drift). High frequencies come from the flow, low frequencies from the landmark.
// A point is reset to its landmark when the track (re)starts, the flow fails or does not track back to
// where it started (forward-backward check), or the two disagree by more than `max_disagreement_iod`.
// Cost: the flow runs in a window around the face only; of the previous frame only the region around
// the refined points is kept (copied into a frame-sized buffer allocated once, at the same place, so
// the window's geometry is exactly that of the full frame); each frame's image pyramid is built once
// and serves both the forward and the backward flow.
// Thread safety: one instance per analysis thread (it keeps the previous frame's face region).
#pragma once

#include <array>
#include <vector>

#include <opencv2/core.hpp>
#include <opencv2/video/tracking.hpp>

#include "core/landmarks.hpp"

namespace ft {

struct LocalMotionOptions {
  bool enabled = true;
  double anchor_gain = 0.03;          // per frame at 30 fps (time constant ~1.1 s); scaled with the frame rate
  double patch_iod = 0.12;            // LK window side as a fraction of the IOD
  double max_disagreement_iod = 0.08; // beyond this the point is reset to the landmark
  double max_forward_backward_iod = 0.01;  // flow that does not track back within this is lost
};

class LocalMotionRefiner {
 public:
  explicit LocalMotionRefiner(LocalMotionOptions options = {}) : options_(options) {}
  // `landmarks` are dlib's for this frame (image px); `iod_px` the face scale; `dt` seconds since the
  // previous frame. Returns the landmarks with the refined points replaced. `found` false resets.
  Landmarks68 refine(const cv::Mat& gray, const Landmarks68& landmarks, bool found, double iod_px, double dt);
  void reset() { have_prev_ = false; }

  // The refined landmark indices: eye corners, nose tip and base, mouth corners, eyelids.
  static const std::array<int, 18>& refined_indices();

 private:
  LocalMotionOptions options_;
  // Copies the region of `gray` around the refined points (prev_pts_) for the next frame's flow.
  void keep(const cv::Mat& gray, double iod_px);

  bool have_prev_ = false;
  cv::Mat prev_gray_;   // frame-sized; only `kept_` is up to date
  cv::Rect kept_;       // the previous frame's region kept in prev_gray_
  std::vector<cv::Mat> prev_pyramid_, next_pyramid_;  // reused buffers
  cv::Ptr<cv::SparsePyrLKOpticalFlow> lk_;
  std::vector<cv::Point2f> prev_pts_, next_pts_, local_prev_;
  std::vector<cv::Point2f> back_pts_;
  std::vector<unsigned char> status_, back_status_;
  std::vector<float> err_;
};

}  // namespace ft
