// appearance_gate.cpp: see appearance_gate.hpp.
#include "pipeline/appearance_gate.hpp"

#include <algorithm>
#include <cmath>
#include <cstdint>

namespace ft {

namespace {
cv::Rect clipped(const cv::Rect& r, const cv::Mat& m) { return r & cv::Rect(0, 0, m.cols, m.rows); }
}  // namespace

bool appearance_stats(const cv::Mat& grey, const Landmarks68& landmarks, AppearanceStats& out) {
  if (grey.empty() || grey.type() != CV_8UC1) return false;
  float x0 = 1e9f, y0 = 1e9f, x1 = -1e9f, y1 = -1e9f;
  for (int i = lm::MouthCornerImageLeft; i <= lm::MouthCornerImageLeft + 11; ++i) {
    const cv::Point2f p = landmarks[static_cast<std::size_t>(i)];
    x0 = std::min(x0, p.x);
    y0 = std::min(y0, p.y);
    x1 = std::max(x1, p.x);
    y1 = std::max(y1, p.y);
  }
  if (!(x1 > x0 && y1 > y0)) return false;
  const float gx = 0.25f * (x1 - x0), gy = 0.5f * (y1 - y0);
  const cv::Rect mouth = clipped(cv::Rect(cv::Point(static_cast<int>(x0 - gx), static_cast<int>(y0 - gy)),
                                          cv::Point(static_cast<int>(x1 + gx), static_cast<int>(y1 + gy))),
                                 grey);
  if (mouth.area() < 16) return false;
  cv::Scalar mean, spread;
  cv::meanStdDev(grey(mouth), mean, spread);
  out.mouth_mean = mean[0];
  out.mouth_spread = spread[0];
  // Gradient energy, central differences, no allocation.
  double energy = 0.0;
  std::int64_t n = 0;
  for (int y = mouth.y + 1; y < mouth.y + mouth.height - 1; ++y) {
    const std::uint8_t* up = grey.ptr<std::uint8_t>(y - 1);
    const std::uint8_t* row = grey.ptr<std::uint8_t>(y);
    const std::uint8_t* down = grey.ptr<std::uint8_t>(y + 1);
    for (int x = mouth.x + 1; x < mouth.x + mouth.width - 1; ++x) {
      const double dx = static_cast<double>(row[x + 1]) - static_cast<double>(row[x - 1]);
      const double dy = static_cast<double>(down[x]) - static_cast<double>(up[x]);
      energy += dx * dx + dy * dy;
      ++n;
    }
  }
  out.mouth_sharpness = n > 0 ? energy / static_cast<double>(n) : 0.0;
  return true;
}

bool AppearanceGate::update(double t, bool face, const AppearanceStats& s) {
  if (!face) {
    have_ref_ = false;
    flagged_ = false;
    return false;
  }
  if (!have_ref_) {
    have_ref_ = true;
    ref_ = s;
    prev_t_ = t;
    return false;
  }
  const double spread_ratio = ref_.mouth_spread > 1e-6 ? s.mouth_spread / ref_.mouth_spread : 1.0;
  const double sharpness_ratio = ref_.mouth_sharpness > 1e-6 ? s.mouth_sharpness / ref_.mouth_sharpness : 1.0;
  const bool changed = std::abs(s.mouth_mean - ref_.mouth_mean) > o_.max_mouth_mean ||
                       spread_ratio < o_.min_spread_ratio || spread_ratio > o_.max_spread_ratio;
  const bool blurred = sharpness_ratio < o_.min_sharpness_ratio;
  const bool abrupt = changed || blurred;
  if (abrupt) blurred_ = blurred && !changed;
  if (abrupt) {
    if (!flagged_) flagged_since_ = t;
    flagged_ = true;
    last_abrupt_t_ = t;
    if (t - flagged_since_ > o_.accept_after_s) {
      ref_ = s;  // the new normal; flagged for hold_s more while the twitch baselines settle
      flagged_since_ = t;
    }
  } else if (flagged_ && t - last_abrupt_t_ >= o_.hold_s) {
    flagged_ = false;
  }
  if (!flagged_) {
    const double dt = std::max(0.0, t - prev_t_);
    const double a = 1.0 - std::exp(-dt / o_.tau_s);
    ref_.mouth_mean += a * (s.mouth_mean - ref_.mouth_mean);
    ref_.mouth_spread += a * (s.mouth_spread - ref_.mouth_spread);
    ref_.mouth_sharpness += a * (s.mouth_sharpness - ref_.mouth_sharpness);
  }
  prev_t_ = t;
  return flagged_;
}

}  // namespace ft
