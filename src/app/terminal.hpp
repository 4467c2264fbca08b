// terminal.hpp: what the command line prints: a progress bar on stderr (only when stderr is a
// terminal) and the result table on stdout.
#pragma once

#include <cstdio>
#include <string>

#include "io/session.hpp"

namespace ft::app {

class ProgressBar {
 public:
  explicit ProgressBar(std::string label);
  ~ProgressBar();
  // fraction in [0, 1], or < 0 when unknown (then a frame counter is shown).
  void update(double fraction, long frames, double t_s);
  void done();

 private:
  std::string label_;
  bool enabled_;
  bool finished_ = false;
};

// The result table of one analysed video, as printed by `analyse` and `demo`.
std::string format_summary_table(const SessionSummary& s);

// "left"/"right"/"bilateral" and friends, for messages.
std::string format_amplitude(double iod);

}  // namespace ft::app
