// replay_session.hpp: a recorded video opened in the window. Two independent parts:
//
//  - ReplaySession analyses EVERY frame of the file, as fast as the machine allows, on its own
//  thread
//    ("ft-replay"), and keeps each frame's FaceMetrics and FrameSignals (about 1 KB per frame: an
//    hour at 30 fps is ~110 MB). Its totals and episodes are exactly those of `facetwitch analyse`
//    (the same FrameAnalyser over the same frames, the same TwitchAnalyser over the same metrics,
//    the same SummaryAccumulator). Changing the sensitivity settings re-runs a fresh TwitchAnalyser
//    over the stored metrics (no decoding, no face tracking: milliseconds per minute of video), so
//    a setting is re-applied to the WHOLE recording.
//  - ReplayPlayer decodes the DISPLAYED frame with its own decoder (its own open_video_file) on its
//    own thread ("ft-player"): play/pause, step, seek, speed. The window shows the stored metrics
//    of the displayed frame when the analysis has reached it.
//
// Thread safety: every public member of both classes may be called from any thread. Results are
// published as immutable snapshots behind shared_ptr (the lock is held only to copy the pointer),
// and the per-frame store is read under a mutex that the analysis thread holds only to append one
// frame or to swap in re-applied signals, never while analysing: a reader never waits on the
// analysis. No exception leaves a thread; errors end up in the snapshot's message. Units: seconds
// (the file's presentation times), IOD as in core/measurements.hpp.
#pragma once

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <filesystem>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include "capture/frame_source.hpp"
#include "core/error.hpp"
#include "io/session.hpp"
#include "pipeline/analyser.hpp"
#include "pipeline/session_recorder.hpp"

namespace ft {

struct ReplaySessionOptions {
  std::filesystem::path video;
  std::shared_ptr<const LandmarkModel> model;
  std::string model_path;  // recorded in the summary, as `analyse` does
  AnalyserOptions analyser;
  VideoFileOptions file;
};

// The state of the whole-file analysis, immutable once published.
struct ReplayAnalysisSnapshot {
  SourceInfo info;  // of the analysed file
  std::int64_t frames_analysed = 0;
  double analysed_t = 0.0;       // time of the last analysed frame
  double progress = 0.0;         // 0..1
  bool done = false;             // every frame analysed (or the file broke off: summary.partial)
  double analysis_fps = 0.0;     // frames analysed per second of wall time, whole run so far
  double analysis_wall_s = 0.0;  // wall time spent so far
  double mean_analyse_ms = 0.0;  // mean per-frame analysis time
  std::uint64_t settings_generation = 0;  // incremented each time new settings have been applied
  bool reapplying = false;                // new settings are queued or being applied
  // Totals, episodes, blinks, voluntary movements, asymmetry for the frames analysed so far with
  // the current settings. When `done`, field for field what `facetwitch analyse` writes to
  // summary.json (except created_utc).
  SessionSummary summary;
  std::vector<Episode> open_episodes;  // while the analysis runs
};

// One frame of the plots: the signals and the asymmetry.
struct ReplayPlotSample {
  double t = 0.0;
  bool measurable = false;
  FrameSignals signals;
  double height_diff_iod = kNaN;
};

class ReplaySession {
 public:
  // Opens the file (an unreadable file is reported here, ErrorKind::Input) and starts the analysis.
  static Result<std::unique_ptr<ReplaySession>> start(ReplaySessionOptions options);
  ~ReplaySession();  // stops the analysis and joins
  ReplaySession(const ReplaySession&) = delete;
  ReplaySession& operator=(const ReplaySession&) = delete;

  std::shared_ptr<const ReplayAnalysisSnapshot> snapshot() const;
  // Re-applies `settings` to the whole recording (and to the frames still to be analysed). Returns
  // at once; the snapshot's settings_generation increments when done.
  void apply_settings(const TwitchSettings& settings);

  const SourceInfo& info() const { return info_; }
  const std::filesystem::path& video() const { return options_.video; }
  // The summary header analyse_video() starts from for this file and these options (video, size,
  // model, options, recording date).
  SessionSummary header() const;

  // Number of frames analysed and stored so far.
  std::int64_t frames_stored() const;
  // Frame `index` (0-based position in the file). False when it has not been analysed yet.
  bool record(std::int64_t index, FrameRecord& out) const;
  // Frames [first, last] that are stored (clipped), appended to `out`.
  void records(std::int64_t first, std::int64_t last, std::vector<FrameRecord>& out) const;
  // The stored frame at or just before t; -1 when none.
  std::int64_t index_at_or_before(double t) const;
  // Plot samples of the stored frames with t0 <= t <= t1 (out is cleared first).
  void plot_samples(double t0, double t1, std::vector<ReplayPlotSample>& out) const;

 private:
  explicit ReplaySession(ReplaySessionOptions options) : options_(std::move(options)) {}
  void run();
  void analyse_all();
  void reapply(const TwitchSettings& settings, bool final);
  void publish(bool done);
  std::optional<TwitchSettings> take_pending_settings();
  const FrameRecord& at(std::int64_t i) const;  // caller holds data_mutex_

  static constexpr std::size_t kChunk = 1024;  // records per chunk (chunks never move)

  ReplaySessionOptions options_;
  SourceInfo info_;
  std::unique_ptr<FrameSource> source_;

  // Owned by the analysis thread.
  std::unique_ptr<TwitchAnalyser> twitch_;
  std::unique_ptr<SummaryAccumulator> totals_;
  bool partial_ = false;
  std::string partial_reason_;
  double analyse_ms_sum_ = 0.0;
  std::chrono::steady_clock::time_point t_start_{};

  mutable std::mutex data_mutex_;
  std::vector<std::unique_ptr<std::vector<FrameRecord>>> chunks_;
  std::int64_t count_ = 0;

  mutable std::mutex control_mutex_;
  std::condition_variable control_cv_;
  std::optional<TwitchSettings> pending_settings_;
  std::uint64_t generation_ = 0;  // analysis thread only

  mutable std::mutex snap_mutex_;
  std::shared_ptr<const ReplayAnalysisSnapshot> snapshot_;

  std::atomic<bool> stop_{false};
  std::thread thread_;
};

// What the player shows: one decoded frame and the transport state when it was published.
struct PlayerFrame {
  Frame frame;  // image empty until the first frame is decoded
  bool playing = false;
  double speed = 1.0;   // <= 0: as fast as possible
  bool at_end = false;  // the last frame is shown
  std::string error;    // the decoder failed (the file broke off); playback stops
};

class ReplayPlayer {
 public:
  // Opens its own decoder on `video` and shows the first frame, paused.
  static Result<std::unique_ptr<ReplayPlayer>> open(const std::filesystem::path& video,
                                                    const VideoFileOptions& options = {});
  ~ReplayPlayer();
  ReplayPlayer(const ReplayPlayer&) = delete;
  ReplayPlayer& operator=(const ReplayPlayer&) = delete;

  void play();
  void pause();
  void toggle_play();
  // Steps `frames` frames forward (positive) or back (negative); pauses.
  void step(int frames);
  // Shows the frame at or just before t (seconds). Only the latest of several pending seeks is
  // done.
  void seek(double t);
  // Playback speed relative to real time; <= 0 means as fast as frames can be decoded.
  void set_speed(double speed);

  std::shared_ptr<const PlayerFrame> current() const;
  const SourceInfo& info() const { return info_; }

 private:
  ReplayPlayer() = default;
  void run();

  struct Command {
    std::optional<double> seek_t;
    int step = 0;
    std::optional<bool> play;
    bool toggle = false;
    std::optional<double> speed;
  };

  SourceInfo info_;
  std::unique_ptr<FrameSource> source_;
  mutable std::mutex mutex_;
  std::condition_variable cv_;
  Command pending_;
  bool has_pending_ = false;
  std::atomic<bool> stop_{false};
  mutable std::mutex frame_mutex_;
  std::shared_ptr<const PlayerFrame> current_;
  std::thread thread_;
};

}  // namespace ft
