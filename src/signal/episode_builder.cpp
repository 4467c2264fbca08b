// episode_builder.cpp: events -> episodes.
#include "signal/episode_builder.hpp"

#include <algorithm>

namespace ft {

Episode EpisodeBuilder::make() const {
  Episode ep;
  ep.start_s = start_s_;
  ep.end_s = end_s_;
  ep.side = side_;
  ep.region = region_;
  ep.twitch_count = static_cast<int>(twitch_times_.size());
  ep.frequency_hz = twitch_frequency_hz(twitch_times_);
  ep.peak_amplitude_iod = peak_;
  ep.twitch_times_s = twitch_times_;
  ep.cut_by_end = cut_by_end_;
  return ep;
}

void EpisodeBuilder::add(const TwitchEvent& e, std::vector<Episode>& closed) {
  if (open_ && e.onset_s - end_s_ > merge_gap_s_) flush(closed);
  if (!open_) {
    open_ = true;
    start_s_ = e.onset_s;
    end_s_ = e.offset_s;
    peak_ = 0.0;
    cut_by_end_ = false;
    twitch_times_.clear();
  }
  cut_by_end_ = cut_by_end_ || e.cut_by_end;
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
