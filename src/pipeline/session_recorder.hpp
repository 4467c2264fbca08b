// session_recorder.hpp: writes a session folder as the analysis runs (frames.csv row by row, episodes.csv
// as episodes close, summary.json every few seconds and at the end) and accumulates the summary.
// Shared by `facetwitch analyse` and recording in the window, so both produce the same files.
// Thread safety: one thread at a time (the analysis thread).
#pragma once

#include <array>
#include <cstdint>
#include <filesystem>
#include <functional>
#include <memory>
#include <vector>

#include "core/error.hpp"
#include "io/session.hpp"
#include "pipeline/analyser.hpp"

namespace ft {

// The part of a session's header that records the analysis options in force: the twitch settings, the
// smallest face measured, the personal baseline requested and the patient identifier. One place for the
// replay, the window's replay session and live capture.
void record_options(SessionSummary& header, const AnalyserOptions& options);

// When the session was recorded (header.recorded_at, recorded_at_source): a live recording by its start
// (now), a video file by its container's creation time, else the file's modification time
// (capture/recording_date.hpp). A session left undated is dated by its analysis (summarise()).
void record_date(SessionSummary& header, const std::filesystem::path& video, bool live);

// Accumulates the totals of a session; no files. Used by the recorder and by analyses without output.
// The regional asymmetry and the detectability follow header.asymmetry.baseline_requested_s (0: no
// personal baseline); docs/METRICS.md says how each summary number is made.
// Memory: about 160 bytes per frame (the per-frame regional values and the signal samples are kept for
// the medians): about 17 MB for an hour at 30 fps.
class SummaryAccumulator {
 public:
  explicit SummaryAccumulator(SessionSummary header) : s_(std::move(header)) {}
  void add(const FrameResult& r);
  // Fills the totals and copies episodes, blinks and voluntary movements (sorted by start) from `twitch`.
  // The resting asymmetry (every measure, the mouth-corner height difference and the mirror index) is
  // made here and only here, from the resting frames (docs/METRICS.md 4.3).
  // `final` false (a summary while the analysis runs): the regional asymmetry, blocks and detectability
  // (medians over every frame so far) are recomputed only when the frames grew by 10% since they were
  // last computed, else the last ones are reused, so that frequent in-progress summaries cost O(1)
  // amortised per frame. `final` true: everything computed from every frame.
  SessionSummary summarise(const TwitchAnalyser& twitch, bool final = true) const;

 private:
  // One measurable frame's regional values: left, right per AsymmetryMeasure.
  struct RegionalRow {
    double t = 0.0;
    std::array<float, 2 * kAsymmetryMeasureCount> v{};
    float index = 0.0f;  // the mirror asymmetry index, IOD
  };
  // One valid signal sample of a stream.
  struct StreamSample {
    double t = 0.0;
    float value = 0.0f;
    float threshold = 0.0f;    // NaN before the detector's warm-up
    float noise_sigma = 0.0f;  // the detector's noise sigma behind that threshold (NaN likewise)
    bool active = false;
  };
  bool in_baseline(double t) const;
  void fill_regional(AsymmetrySummary& a, const SessionSummary& events) const;
  SessionSummary s_;
  double first_t_ = 0.0, last_t_ = 0.0;
  double first_measurable_t_ = kNaN;
  std::vector<RegionalRow> regional_;
  std::array<std::vector<StreamSample>, 4> streams_;  // mouth L, R, eye L, R
  mutable AsymmetrySummary regional_cache_;  // the last regional computation (see summarise)
  mutable std::size_t regional_cache_rows_ = 0;
  mutable bool regional_cache_valid_ = false;
};

class SessionRecorder {
 public:
  // `dir` must exist (see prepare_output_dir). `header` gives the fields known up front.
  static Result<std::unique_ptr<SessionRecorder>> open(const std::filesystem::path& dir, const SessionSummary& header);
  Status add(const FrameResult& r, const TwitchAnalyser& twitch);
  // Writes the remaining episodes and the final summary.json.
  Result<SessionSummary> finish(const TwitchAnalyser& twitch, bool partial, const std::string& reason,
                                std::int64_t frames_dropped = 0);
  // After add() failed (a write error: disk full), closes the session as far as it was written:
  // summary.json final, marked partial with `reason`, counting exactly the frames whose rows are in
  // frames.csv and the episodes in episodes.csv; nothing more is written to the CSV files. An error
  // when summary.json itself cannot be written (then the last one written while running stays).
  Result<SessionSummary> finish_after_write_error(const TwitchAnalyser& twitch, const std::string& reason);
  const std::filesystem::path& dir() const { return dir_; }

 private:
  SessionRecorder(std::filesystem::path dir, SessionSummary header) : dir_(std::move(dir)), acc_(std::move(header)) {}
  Status write_new_episodes(const TwitchAnalyser& twitch);
  std::filesystem::path dir_;
  SummaryAccumulator acc_;
  std::unique_ptr<FramesCsvWriter> frames_;
  std::unique_ptr<EpisodesCsvWriter> episodes_;
  std::size_t episodes_written_ = 0;
  double last_summary_t_ = -1e9;
};

// Writes the session folder `dir` (it must exist: prepare_output_dir) from frames measured before, in
// file order: a fresh TwitchAnalyser with `settings` over their metrics and each frame through a
// SessionRecorder, exactly as analyse_video() does while it analyses, so that the files are those
// `facetwitch analyse` writes for the same frames (the window's replay saves its analysis so).
// `frame(i, out)` gives frame i, 0 <= i < count; false when it cannot (an error). `partial` and `reason`
// go into summary.json as analyse_video() would write them.
Result<SessionSummary> write_session_from_metrics(const std::filesystem::path& dir, const SessionSummary& header,
                                                  const TwitchSettings& settings, std::int64_t count,
                                                  const std::function<bool(std::int64_t, FaceMetrics&)>& frame,
                                                  bool partial, const std::string& reason);

}  // namespace ft
