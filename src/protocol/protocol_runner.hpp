// protocol_runner.hpp: the guided protocol as the window runs it, step by step, on a live recording:
// a countdown before each step (held while the picture is not usable, saying why), the step's recording
// time, a check of the take's quality at its end (at least kMinUsableFraction usable frames, see
// protocol_score.hpp) with a re-take or an explicit "keep it" when it fails, and the timing of the
// accepted takes (ProtocolTiming) for scoring. No drawing and no clock of its own: the window feeds it
// the recording time of each analysed frame, so it is testable without a window.
//
// Phases: Idle -> (start) Prepare -> Record -> [Review ->] Prepare of the next step ... -> Done.
// retake() from Record or Review goes back to the step's Prepare; skip() leaves the step out; cancel()
// ends the run (Cancelled, no timing of the unfinished step).
// The window sees a sample of the frames (it redraws at its own pace): the usable share is taken over
// the frames it saw, the frame rate from the frames' indices and times.
// Not thread-safe: the window's thread only.
#pragma once

#include <cstdint>
#include <string>

#include "protocol/protocol.hpp"

namespace ft {

class ProtocolRunner {
 public:
  enum class Phase { Idle, Prepare, Record, Review, Done, Cancelled };

  explicit ProtocolRunner(Protocol protocol);

  // Begins with the first step's countdown at recording time t.
  void start(double t);
  // One analysed frame of the recording: its time, index (repeated indices are counted once) and
  // quality flags (core/measurements.hpp; face_found false counts as no face).
  void update(double t, std::int64_t frame_index, bool face_found, std::uint32_t quality);
  void retake();
  void accept();  // Review: keep the take although its quality check failed
  void skip();    // leave the current step out and go to the next one
  void cancel();

  Phase phase() const { return phase_; }
  bool running() const { return phase_ == Phase::Prepare || phase_ == Phase::Record || phase_ == Phase::Review; }
  const Protocol& protocol() const { return protocol_; }
  std::size_t step_index() const { return step_; }  // == steps.size() when done
  const ProtocolStep* current() const;
  // Seconds left in the current phase (Prepare: countdown; Record: recording), 0 otherwise.
  double remaining_s() const;
  // Fraction of the current phase done, 0..1 (for a progress bar).
  double progress() const;
  // Prepare: why the countdown is held ("face not found", "head turned"...), empty when it runs.
  const std::string& waiting_for() const { return waiting_for_; }
  // Record / Review: the take's frames so far and the usable share.
  std::int64_t take_frames() const { return take_frames_; }
  double take_usable_fraction() const;
  // Review: why the take failed its check.
  const std::string& review_reason() const { return review_reason_; }
  int retakes_of_current() const { return retakes_; }
  // The accepted takes so far, in time order (protocol_file: the protocol's).
  const ProtocolTiming& timing() const { return timing_; }

 private:
  void begin_prepare(double t);
  void finish_take();
  void next_step(double t);

  Protocol protocol_;
  Phase phase_ = Phase::Idle;
  std::size_t step_ = 0;
  double phase_start_ = 0.0;
  double held_s_ = 0.0;      // Prepare: time the countdown was held
  double last_t_ = 0.0;
  std::int64_t last_index_ = -1;
  std::string waiting_for_;
  std::int64_t take_frames_ = 0;
  std::int64_t take_usable_ = 0;
  std::int64_t take_first_index_ = -1;  // frame indices: the source's frame rate, whatever the window saw
  double take_first_t_ = 0.0;
  double take_end_ = 0.0;
  int retakes_ = 0;
  std::string review_reason_;
  ProtocolTiming timing_;
};

std::string_view to_string(ProtocolRunner::Phase p);  // "idle", "prepare", "record", "review", "done", "cancelled"

}  // namespace ft
