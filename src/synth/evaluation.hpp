// evaluation.hpp: compares the episodes an analysis found with a ground-truth video's truth.json.
// A found episode matches a truth episode of the same region when their time spans overlap (with
// `slack_s` added on each side of the truth); each is used at most once, best overlap first.
// Pure functions; thread-safe.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "core/measurements.hpp"
#include "synth/scenario.hpp"

namespace ft {

struct EpisodeMatch {
  std::size_t truth_index = 0;
  std::optional<std::size_t> found_index;  // nullopt: missed
  bool side_correct = false;
  double onset_error_s = kNaN;      // found start - truth start
  double end_error_s = kNaN;        // found end - truth end (positive: the episode was reported too long)
  double frequency_error_hz = kNaN; // found - truth (NaN when the found episode has no frequency)
  double amplitude_error_iod = kNaN;
};

struct Evaluation {
  std::vector<EpisodeMatch> matches;      // one per truth episode, in truth order
  std::vector<std::size_t> false_found;   // found episodes matching no truth episode
  int detected() const;
  int sides_correct() const;
};

Evaluation evaluate_episodes(const GroundTruth& truth, const std::vector<Episode>& found, double slack_s = 0.3);

// A plain-text table: each truth episode beside what was found for it, then the false detections.
std::string format_evaluation(const GroundTruth& truth, const std::vector<Episode>& found, const Evaluation& ev);

}  // namespace ft
