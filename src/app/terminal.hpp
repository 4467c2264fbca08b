// terminal.hpp: what the command line prints: a progress bar on stderr (only when stderr is a
// terminal) and the result table on stdout.
#pragma once

#include <cstdio>
#include <string>
#include <string_view>

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

// Why the measurement paused: frames whose quality was not "ok", counted by reason (a frame can have
// several). Fed one frame at a time (any thread, one at a time), printed after the result table.
// `analyse`: a video gave no measurable frame (its files are written; they say why). docs/OUTPUT.md.
inline constexpr int kExitNothingMeasured = 6;

struct GapCounts {
  std::int64_t frames = 0, paused = 0;
  std::int64_t no_face = 0, small = 0, pose = 0, dark = 0, bright = 0, blur = 0, occluded = 0, damaged = 0;
  double frame_s = 0.0;  // mean frame interval, for the seconds shown
  double first_t = 0.0, last_t = 0.0;
  double min_face_iod_px = 40.0;  // the limit in force, named in the "face too small" line
  void add(double t, std::uint32_t quality);
};
// "" when every frame was measurable; else lines such as
// "  measurement paused in 30 of 120 frames (1.0 s): no face 30 (...what to do...)".
std::string format_gaps(const GapCounts& g);

// User-supplied text (a file or folder name, a patient identifier or other text read from a file) made
// safe to print on a terminal: control characters (bytes below 0x20, DEL, and the C1 controls
// U+0080-U+009F in UTF-8) become \xNN escapes, so an escape sequence in a name cannot change colours,
// the window title or what the terminal shows; other text, UTF-8 included, is kept. Every line the
// command line prints that holds such text goes through it (error messages through report()).
std::string printable(std::string_view text);

// "left"/"right"/"bilateral" and friends, for messages.
std::string format_amplitude(double iod);

}  // namespace ft::app
