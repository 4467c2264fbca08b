// running_stats.hpp: robust statistics over a trailing time window (median, MAD), for the resting
// baseline and the noise floor. Samples older than the window are dropped; the count is also capped,
// so memory stays bounded whatever the frame rate. Not thread-safe (one stream, one thread).
#pragma once

#include <cstddef>
#include <deque>
#include <utility>
#include <vector>

namespace ft {

class WindowedStats {
 public:
  WindowedStats(double window_s, std::size_t max_samples = 4096)
      : window_s_(window_s), max_samples_(max_samples) {}
  void push(double t, double v);
  void clear() { samples_.clear(); }
  std::size_t size() const { return samples_.size(); }
  double span_s() const { return samples_.empty() ? 0.0 : samples_.back().first - samples_.front().first; }
  double median() const;                  // NaN when empty
  double mad() const;                     // median absolute deviation from the median; NaN when empty
  double robust_sigma() const { return 1.4826 * mad(); }  // equals sigma for Gaussian data

 private:
  double window_s_;
  std::size_t max_samples_;
  std::deque<std::pair<double, double>> samples_;
  mutable std::vector<double> scratch_;
};

// Median of a vector (copied: the input is not reordered). NaN when empty.
double median_of(std::vector<double> v);

}  // namespace ft
