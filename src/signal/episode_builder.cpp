// episode_builder.cpp: events -> episodes.
#include "signal/episode_builder.hpp"

#include <algorithm>
#include <cmath>

#include "signal/running_stats.hpp"

namespace ft {

Episode EpisodeBuilder::make() const {
  Episode ep;
  ep.start_s = start_s_;
  ep.end_s = end_s_;
  ep.side = side_;
  ep.region = region_;
  ep.twitch_count = static_cast<int>(twitch_times_.size());
  ep.frequency_hz = twitch_frequency_hz(twitch_times_);
  if (ep.twitch_count >= 3 && sample_t_.size() >= 6) {
    std::vector<double> dts;
    for (std::size_t i = 1; i < sample_t_.size(); ++i) {
      const double dt = sample_t_[i] - sample_t_[i - 1];
      if (dt > 0) dts.push_back(dt);
    }
    const double fps = dts.empty() ? 0.0 : 1.0 / median_of(dts);
    if (fps > 0 && ep.frequency_hz > fps / 5.0) {
      const double nyquist = fps / 2.0;
      // On a uniform grid from the first to the last sample; between events the signal was below half
      // the threshold, i.e. at rest: those samples are 0.
      const double dt = 1.0 / fps;
      const double t0 = sample_t_.front();
      const auto n = static_cast<std::size_t>(std::lround((sample_t_.back() - t0) / dt)) + 1;
      std::vector<double> gt(n), gv(n, 0.0);
      for (std::size_t i = 0; i < n; ++i) gt[i] = t0 + static_cast<double>(i) * dt;
      for (std::size_t i = 0; i < sample_t_.size(); ++i) {
        const auto k = static_cast<std::size_t>(std::lround((sample_t_[i] - t0) / dt));
        if (k < n) gv[k] = sample_v_[i];
      }
      const double f = dominant_frequency_hz(gt, gv, 0.7 * ep.frequency_hz,
                                             nyquist);
      if (!std::isnan(f)) {
        ep.frequency_hz = f;
        const double span = twitch_times_.back() - twitch_times_.front();
        ep.twitch_count = std::max(ep.twitch_count, static_cast<int>(std::lround(f * span)) + 1);
      }
    }
  }
  ep.peak_amplitude_iod = peak_;
  return ep;
}

void EpisodeBuilder::add(const TwitchEvent& e, std::vector<Episode>& closed) {
  if (open_ && e.onset_s - end_s_ > merge_gap_s_) flush(closed);
  if (!open_) {
    open_ = true;
    start_s_ = e.onset_s;
    end_s_ = e.offset_s;
    peak_ = 0.0;
    twitch_times_.clear();
    sample_t_.clear();
    sample_v_.clear();
  }
  sample_t_.insert(sample_t_.end(), e.sample_t.begin(), e.sample_t.end());
  sample_v_.insert(sample_v_.end(), e.sample_v.begin(), e.sample_v.end());
  end_s_ = std::max(end_s_, e.offset_s);
  peak_ = std::max(peak_, e.peak_iod);
  twitch_times_.insert(twitch_times_.end(), e.twitch_times_s.begin(), e.twitch_times_s.end());
  if (e.twitch_times_s.empty()) twitch_times_.push_back(e.peak_s);
  std::sort(twitch_times_.begin(), twitch_times_.end());
}

void EpisodeBuilder::tick(double t, std::vector<Episode>& closed) {
  if (open_ && t - end_s_ > merge_gap_s_) flush(closed);
}

void EpisodeBuilder::flush(std::vector<Episode>& closed) {
  if (!open_) return;
  closed.push_back(make());
  open_ = false;
}

std::optional<Episode> EpisodeBuilder::open_episode() const {
  if (!open_) return std::nullopt;
  return make();
}

}  // namespace ft
