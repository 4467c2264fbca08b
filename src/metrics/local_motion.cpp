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
    gray.copyTo(prev_gray_);
    have_prev_ = true;
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
  if (roi.area() <= 0 || prev_gray_.size() != gray.size()) {
    have_prev_ = false;
    return refine(gray, landmarks, found, iod_px, dt);
  }
  const cv::Point2f offset(static_cast<float>(roi.x), static_cast<float>(roi.y));
  std::vector<cv::Point2f> local_prev(prev_pts_.size());
  for (std::size_t i = 0; i < prev_pts_.size(); ++i) local_prev[i] = prev_pts_[i] - offset;
  next_pts_ = local_prev;
  const int win = std::max(7, static_cast<int>(std::lround(options_.patch_iod * iod_px)) | 1);
  cv::calcOpticalFlowPyrLK(prev_gray_(roi), gray(roi), local_prev, next_pts_, status_, err_, cv::Size(win, win), 2,
                           cv::TermCriteria(cv::TermCriteria::COUNT | cv::TermCriteria::EPS, 20, 0.01),
                           cv::OPTFLOW_USE_INITIAL_FLOW);
  // The anchor gain is per 1/30 s; keep the same time constant at other frame rates.
  const double gain = 1.0 - std::pow(1.0 - options_.anchor_gain, std::clamp(dt * 30.0, 0.1, 10.0));
  const double max_dis = options_.max_disagreement_iod * iod_px;
  for (std::size_t i = 0; i < idx.size(); ++i) {
    const cv::Point2f lmk = landmarks[static_cast<std::size_t>(idx[i])];
    cv::Point2f p = next_pts_[i] + offset;
    if (!status_[i] || !std::isfinite(p.x) || !std::isfinite(p.y) || cv::norm(p - lmk) > max_dis) {
      p = lmk;  // flow lost or drifted: re-anchor
    } else {
      p += static_cast<float>(gain) * (lmk - p);
    }
    prev_pts_[i] = p;
    out[static_cast<std::size_t>(idx[i])] = p;
  }
  gray.copyTo(prev_gray_);
  return out;
}

}  // namespace ft
