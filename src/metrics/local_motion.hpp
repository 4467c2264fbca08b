// local_motion.hpp: refines the landmarks that carry the measurements (mouth corners, eyelids) and the
// rigid points of the alignment by sparse optical flow.
//
// Why: dlib's predictor fits the whole 68-point shape at once, so a twitch of one mouth corner also moves
// the other corner's landmark (its shape model couples them), and on a still face each landmark jitters by
// about half a pixel. Pyramidal Lucas-Kanade flow on a small patch follows the pixels of that patch only.
// How: a complementary filter per point. Each frame the point moves by the patch's flow from the previous
// frame (fast, local, precise), then is pulled a fraction `anchor_gain` of the way toward the landmark
// (slow, absolute: stops drift). High frequencies come from the flow, low frequencies from the landmark.
// A point is reset to its landmark when the track (re)starts, the flow fails, or the two disagree by more
// than `max_disagreement_iod`.
// Thread safety: one instance per analysis thread (it keeps the previous frame).
#pragma once

#include <array>
#include <vector>

#include <opencv2/core.hpp>

#include "core/landmarks.hpp"

namespace ft {

struct LocalMotionOptions {
  bool enabled = true;
  double anchor_gain = 0.03;          // per frame at 30 fps (time constant ~1.1 s); scaled with the frame rate
  double patch_iod = 0.12;            // LK window side as a fraction of the IOD
  double max_disagreement_iod = 0.08; // beyond this the point is reset to the landmark
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
  bool have_prev_ = false;
  cv::Mat prev_gray_;
  std::vector<cv::Point2f> prev_pts_, next_pts_;
  std::vector<unsigned char> status_;
  std::vector<float> err_;
};

}  // namespace ft
