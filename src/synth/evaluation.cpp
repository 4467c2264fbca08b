// evaluation.cpp: truth vs found episodes.
#include "synth/evaluation.hpp"

#include <algorithm>
#include <cmath>
#include <cstdio>

namespace ft {

int Evaluation::detected() const {
  return static_cast<int>(std::count_if(matches.begin(), matches.end(), [](const EpisodeMatch& m) { return m.found_index.has_value(); }));
}

int Evaluation::sides_correct() const {
  return static_cast<int>(std::count_if(matches.begin(), matches.end(), [](const EpisodeMatch& m) { return m.side_correct; }));
}

Evaluation evaluate_episodes(const GroundTruth& truth, const std::vector<Episode>& found, double slack_s) {
  struct Candidate {
    double overlap;
    std::size_t t, f;
  };
  std::vector<Candidate> cands;
  for (std::size_t i = 0; i < truth.episodes.size(); ++i) {
    const auto& te = truth.episodes[i];
    for (std::size_t j = 0; j < found.size(); ++j) {
      if (found[j].region != te.region) continue;
      const double ov = std::min(te.end_s + slack_s, found[j].end_s) - std::max(te.start_s - slack_s, found[j].start_s);
      if (ov > 0) cands.push_back({ov, i, j});
    }
  }
  std::sort(cands.begin(), cands.end(), [](const Candidate& a, const Candidate& b) { return a.overlap > b.overlap; });
  Evaluation ev;
  ev.matches.resize(truth.episodes.size());
  std::vector<bool> used(found.size(), false);
  for (std::size_t i = 0; i < truth.episodes.size(); ++i) ev.matches[i].truth_index = i;
  for (const auto& c : cands) {
    auto& m = ev.matches[c.t];
    if (m.found_index || used[c.f]) continue;
    used[c.f] = true;
    m.found_index = c.f;
    const auto& te = truth.episodes[c.t];
    const auto& fe = found[c.f];
    m.side_correct = fe.side == laterality(te.side);
    m.onset_error_s = fe.start_s - te.start_s;
    m.end_error_s = fe.end_s - te.end_s;
    m.frequency_error_hz = std::isnan(fe.frequency_hz) ? kNaN : fe.frequency_hz - te.frequency_hz;
    m.amplitude_error_iod = fe.peak_amplitude_iod - te.amplitude_iod;
  }
  for (std::size_t j = 0; j < found.size(); ++j) {
    if (!used[j]) ev.false_found.push_back(j);
  }
  return ev;
}

std::string format_evaluation(const GroundTruth& truth, const std::vector<Episode>& found, const Evaluation& ev) {
  std::string out;
  char line[256];
  std::snprintf(line, sizeof line, "  %-38s | %s\n", "injected (truth.json)", "found by the analysis");
  out += line;
  for (const auto& m : ev.matches) {
    const auto& te = truth.episodes[m.truth_index];
    char left[64], right[96];
    std::snprintf(left, sizeof left, "%5.2f-%5.2f s %-5s %-5s %4.1f Hz %3.1f%%", te.start_s, te.end_s, std::string(to_string(te.side)).c_str(),
                  std::string(to_string(te.region)).c_str(), te.frequency_hz, 100 * te.amplitude_iod);
    if (m.found_index) {
      const auto& fe = found[*m.found_index];
      std::snprintf(right, sizeof right, "%5.2f-%5.2f s %-9s %-5s %4.1f Hz %3.1f%%  %s", fe.start_s, fe.end_s,
                    std::string(to_string(fe.side)).c_str(), std::string(to_string(fe.region)).c_str(),
                    std::isnan(fe.frequency_hz) ? 0.0 : fe.frequency_hz, 100 * fe.peak_amplitude_iod,
                    m.side_correct ? "ok" : "WRONG SIDE");
    } else {
      std::snprintf(right, sizeof right, "MISSED");
    }
    std::snprintf(line, sizeof line, "  %-38s | %s\n", left, right);
    out += line;
  }
  for (std::size_t j : ev.false_found) {
    const auto& fe = found[j];
    std::snprintf(line, sizeof line, "  %-38s | %5.2f-%5.2f s %-9s %-5s  FALSE DETECTION\n", "(nothing injected)", fe.start_s, fe.end_s,
                  std::string(to_string(fe.side)).c_str(), std::string(to_string(fe.region)).c_str());
    out += line;
  }
  std::snprintf(line, sizeof line, "  detected %d of %zu injected episodes, side correct for %d, %zu false detections\n",
                ev.detected(), truth.episodes.size(), ev.sides_correct(), ev.false_found.size());
  out += line;
  return out;
}

}  // namespace ft
