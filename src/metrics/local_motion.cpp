// local_motion.cpp: landmark refinement by pyramidal Lucas-Kanade flow fused with the landmark.
#include "metrics/local_motion.hpp"

#include <algorithm>
#include <cmath>

#include <opencv2/video/tracking.hpp>

namespace ft {

const std::array<int, 18>& LocalMotionRefiner::refined_indices() {
  // The nose bridge (27-29) is left to the landmarks: along the ridge its patches have no texture to
  // follow. The nose tip and base have.
  static const std::array<int, 18> k{36, 39, 42, 45, 30, 31, 33, 35,      // alignment
                                     48, 54,                              // mouth corners
                                     37, 38, 40, 41, 43, 44, 46, 47};     // eyelids
  return k;
}

namespace {
constexpr int kPyramidLevels = 2;    // above the full resolution
constexpr double kKeepMarginIod = 1.0;  // of the previous frame, this much around the refined points is kept
}  // namespace

void LocalMotionRefiner::keep(const cv::Mat& gray, double iod_px) {
  cv::Rect2f b(prev_pts_[0], prev_pts_[0]);
  for (const auto& p : prev_pts_) b |= cv::Rect2f(p, cv::Size2f(1, 1));
  const float m = static_cast<float>(kKeepMarginIod * iod_px);
  kept_ = cv::Rect(static_cast<int>(std::floor(b.x - m)), static_cast<int>(std::floor(b.y - m)),
                   static_cast<int>(std::ceil(b.width + 2 * m)), static_cast<int>(std::ceil(b.height + 2 * m))) &
          cv::Rect(0, 0, gray.cols, gray.rows);
  prev_gray_.create(gray.size(), CV_8UC1);  // once: the frame size does not change
  gray(kept_).copyTo(prev_gray_(kept_));
  have_prev_ = true;
}

Landmarks68 LocalMotionRefiner::refine(const cv::Mat& gray, const Landmarks68& landmarks, bool found, double iod_px,
                                       double dt) {
  Landmarks68 out = landmarks;
  const auto& idx = refined_indices();
  if (!options_.enabled || !found || !(iod_px > 1.0) || gray.empty()) {
    have_prev_ = false;
    return out;
  }
  if (!have_prev_ || !(dt > 0.0) || dt > 0.5) {
    // (Re)start: take the landmarks as they are.
    prev_pts_.resize(idx.size());
    for (std::size_t i = 0; i < idx.size(); ++i) prev_pts_[i] = landmarks[static_cast<std::size_t>(idx[i])];
    keep(gray, iod_px);
    return out;
  }
  // Flow in a window around the face only (the pyramids of a full 720p frame would cost milliseconds).
  cv::Rect2f bounds(prev_pts_[0], prev_pts_[0]);
  for (std::size_t i = 0; i < idx.size(); ++i) {
    bounds |= cv::Rect2f(prev_pts_[i], cv::Size2f(1, 1));
    bounds |= cv::Rect2f(landmarks[static_cast<std::size_t>(idx[i])], cv::Size2f(1, 1));
  }
  const float margin = static_cast<float>(0.5 * iod_px);
  cv::Rect roi(static_cast<int>(bounds.x - margin), static_cast<int>(bounds.y - margin),
               static_cast<int>(bounds.width + 2 * margin), static_cast<int>(bounds.height + 2 * margin));
  roi &= cv::Rect(0, 0, gray.cols, gray.rows);
  const int win = std::max(7, static_cast<int>(std::lround(options_.patch_iod * iod_px)) | 1);
  // The flow reads the window and `win` pixels around it (the pyramid's border): all of it must be in
  // the region kept of the previous frame (it is unless the face jumped by ~0.4 IOD in one frame).
  const cv::Rect needed = cv::Rect(roi.x - win, roi.y - win, roi.width + 2 * win, roi.height + 2 * win) &
                          cv::Rect(0, 0, gray.cols, gray.rows);
  if (roi.area() <= 0 || prev_gray_.size() != gray.size() || (needed & kept_) != needed) {
    have_prev_ = false;
    return refine(gray, landmarks, found, iod_px, dt);
  }
  const cv::Point2f offset(static_cast<float>(roi.x), static_cast<float>(roi.y));
  std::vector<cv::Point2f>& local_prev = local_prev_;
  local_prev.resize(prev_pts_.size());
  for (std::size_t i = 0; i < prev_pts_.size(); ++i) local_prev[i] = prev_pts_[i] - offset;
  next_pts_ = local_prev;
  // Both pyramids once (with the derivatives each needs as the "previous" image of one of the two
  // flows), what cv::calcOpticalFlowPyrLK would build twice per call.
  const cv::Size win_size(win, win);
  cv::buildOpticalFlowPyramid(prev_gray_(roi), prev_pyramid_, win_size, kPyramidLevels, true);
  cv::buildOpticalFlowPyramid(gray(roi), next_pyramid_, win_size, kPyramidLevels, true);
  if (!lk_) {
    lk_ = cv::SparsePyrLKOpticalFlow::create(win_size, kPyramidLevels,
                                             cv::TermCriteria(cv::TermCriteria::COUNT | cv::TermCriteria::EPS, 20, 0.01),
                                             cv::OPTFLOW_USE_INITIAL_FLOW);
  }
  lk_->setWinSize(win_size);
  lk_->calc(prev_pyramid_, next_pyramid_, local_prev, next_pts_, status_, err_);
  // Forward-backward check: track the new positions back to the previous frame; a point that does not
  // come back to where it started was lost (a blink hides the eye, an occlusion, a reflection) and is
  // reset to its landmark. (Kalal, Mikolajczyk, Matas, "Forward-backward error: automatic detection of
  // tracking failures", ICPR 2010.)
  back_pts_ = local_prev;
  lk_->calc(next_pyramid_, prev_pyramid_, next_pts_, back_pts_, back_status_, err_);
  const double max_fb = options_.max_forward_backward_iod * iod_px;
  // The anchor gain is per 1/30 s; keep the same time constant at other frame rates.
  const double gain = 1.0 - std::pow(1.0 - options_.anchor_gain, std::clamp(dt * 30.0, 0.1, 10.0));
  const double max_dis = options_.max_disagreement_iod * iod_px;
  for (std::size_t i = 0; i < idx.size(); ++i) {
    const cv::Point2f lmk = landmarks[static_cast<std::size_t>(idx[i])];
    cv::Point2f p = next_pts_[i] + offset;
    const bool lost = !status_[i] || !back_status_[i] || cv::norm(back_pts_[i] - local_prev[i]) > max_fb;
    if (lost || !std::isfinite(p.x) || !std::isfinite(p.y) || cv::norm(p - lmk) > max_dis) {
      p = lmk;  // flow lost or drifted: re-anchor
    } else {
      p += static_cast<float>(gain) * (lmk - p);
    }
    prev_pts_[i] = p;
    out[static_cast<std::size_t>(idx[i])] = p;
  }
  keep(gray, iod_px);
  return out;
}

}  // namespace ft
