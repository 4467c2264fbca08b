// running_stats.cpp: trailing-window median and MAD.
#include "signal/running_stats.hpp"

#include <algorithm>
#include <cmath>
#include <limits>

namespace ft {
namespace {
double median_inplace(std::vector<double>& v) {
  if (v.empty()) return std::numeric_limits<double>::quiet_NaN();
  const std::size_t n = v.size();
  auto mid = v.begin() + static_cast<std::ptrdiff_t>(n / 2);
  std::nth_element(v.begin(), mid, v.end());
  double m = *mid;
  if (n % 2 == 0) m = 0.5 * (m + *std::max_element(v.begin(), mid));
  return m;
}
}  // namespace

double median_of(std::vector<double> v) { return median_inplace(v); }

void WindowedStats::push(double t, double v) {
  samples_.emplace_back(t, v);
  while (!samples_.empty() && (samples_.front().first < t - window_s_ || samples_.size() > max_samples_)) {
    samples_.pop_front();
  }
}

double WindowedStats::median() const {
  scratch_.clear();
  for (const auto& s : samples_) scratch_.push_back(s.second);
  return median_inplace(scratch_);
}

double WindowedStats::mad() const {
  const double m = median();
  if (std::isnan(m)) return m;
  scratch_.clear();
  for (const auto& s : samples_) scratch_.push_back(std::abs(s.second - m));
  return median_inplace(scratch_);
}

}  // namespace ft
