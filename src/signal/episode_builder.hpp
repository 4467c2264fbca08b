// episode_builder.hpp: merges classified twitch events of one region and laterality into episodes.
// Events whose gap is at most merge_gap_s belong to one episode. Not thread-safe.
// Frequency: twitches per second from the peak times, (n - 1) / (last - first) (refined for fast
// trains by the analyser, see twitch_analyser.hpp).
#pragma once

#include <optional>
#include <vector>

#include "core/measurements.hpp"
#include "signal/event_detector.hpp"

namespace ft {

class EpisodeBuilder {
 public:
  EpisodeBuilder(Region region, Laterality side, double merge_gap_s)
      : region_(region), side_(side), merge_gap_s_(merge_gap_s) {}

  // Events must arrive in order of onset. May close the previous episode into `closed`.
  void add(const TwitchEvent& e, std::vector<Episode>& closed);
  // Closes the open episode if nothing was added for merge_gap_s before `t`.
  void tick(double t, std::vector<Episode>& closed);
  void flush(std::vector<Episode>& closed);
  // The open episode so far (for live display).
  std::optional<Episode> open_episode() const;

 private:
  Episode make() const;
  Region region_;
  Laterality side_;
  double merge_gap_s_;
  bool open_ = false;
  double start_s_ = 0.0, end_s_ = 0.0, peak_ = 0.0;
  bool cut_by_end_ = false;
  std::vector<double> twitch_times_;
};

}  // namespace ft
