// live.hpp: real-time analysis of a live source (camera, or the paced file source standing in for one).
//
// Threads: "ft-capture" reads frames as fast as the source delivers them into a capacity-1 slot where
// the newest frame wins (frames the analysis could not keep up with are counted as dropped, never
// queued); "ft-analyse" takes the newest frame, analyses it, optionally records it, and publishes an
// immutable LiveSnapshot. Readers (the window) call snapshot() and get a shared pointer: the lock is held
// only to copy that pointer, so the UI never waits on the analysis. Threads stop on an atomic flag and
// are joined by stop() and by the destructor; no exception leaves a thread.
#pragma once

#include <atomic>
#include <cstdint>
#include <deque>
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
#include "io/video_writer.hpp"
#include "pipeline/analyser.hpp"

namespace ft {

struct LiveStats {
  std::uint64_t captured = 0;       // frames delivered by the source
  std::uint64_t analysed = 0;
  std::uint64_t dropped = 0;        // replaced in the slot before the analysis took them
  double analysis_fps = 0.0;        // over the last ~2 s
  double latency_ms = 0.0;          // capture -> result published, last frame
  double latency_median_ms = 0.0;   // over the last 256 frames
  double analyse_ms = 0.0;          // per-frame analysis time, last frame
};

// A recording started while the pipeline runs (start_recording(): the window's R key).
struct LiveRecordingOptions {
  bool video = true;                     // also write the raw video of every captured frame, video.mp4
  VideoWriterOptions video_options;
  std::size_t video_queue_frames = 150;  // frames waiting for the encoder (a writer thread); when full,
                                         // a frame is left out of the video and counted, never waited for
  double fallback_fps = 30.0;            // the video's rate when the source declares none
  // The patient identifier for this recording's summary.json (validate_patient_id); nullopt: the
  // pipeline's AnalyserOptions::patient_id.
  std::optional<std::string> patient_id;
};

struct LiveRecordingStatus {
  bool active = false;                   // frames are being recorded
  std::filesystem::path dir;             // of the current (or last) recording started by start_recording()
  std::int64_t video_frames_written = 0;
  std::int64_t video_frames_lost = 0;    // captured while the encoder's queue was full
  std::uint64_t captured = 0;            // frames captured since the recording began
};

struct LiveSnapshot {
  Frame frame;                      // the analysed frame (image shared, read-only)
  FrameResult result;
  std::vector<Episode> episodes;    // closed so far, by start time
  std::vector<Episode> open_episodes;
  std::size_t blink_count = 0;  // blinks shorter than kLongEyeClosureS (longer ones are eye closures)
  std::size_t voluntary_count = 0;
  std::vector<IsolatedTwitch> isolated_twitches;  // single twitches that formed no episode
  LiveStats stats;
  bool running = true;
  bool source_failed = false;
  std::string status;               // e.g. "camera /dev/video0 stopped sending frames (unplugged?)"
  std::filesystem::path recording_dir;  // non-empty while recording
  // Incremented each time the analysis starts again from scratch: a recording started with
  // start_recording() (then times restart at 0 with the recording), or new twitch settings applied.
  // Counters, episodes and stats are those of the current epoch.
  std::uint64_t analysis_epoch = 0;
  TwitchSettings settings;               // in force for this snapshot
  bool settings_pending = false;         // new settings wait for the recording to stop
  LiveRecordingStatus recording;         // recordings started with start_recording()
};

// One analysed frame, numbered in the order of analysis (LivePipeline::records_after).
struct LiveRecord {
  std::uint64_t seq = 0;    // 1, 2, 3... over the pipeline's life
  std::uint64_t epoch = 0;  // LiveSnapshot::analysis_epoch of the frame
  FrameRecord record;       // metrics and signals (times of the epoch)
  double latency_ms = 0.0;  // from the frame's capture to its results being published
};

class LivePipeline {
 public:
  LivePipeline(std::shared_ptr<const LandmarkModel> model, AnalyserOptions options, std::string model_path = {});
  ~LivePipeline();
  LivePipeline(const LivePipeline&) = delete;
  LivePipeline& operator=(const LivePipeline&) = delete;

  // Starts the threads on `source`. `record_dir` non-empty: frames.csv / episodes.csv / summary.json are
  // written there as frames are analysed (the folder must exist).
  Status start(std::unique_ptr<FrameSource> source, const std::filesystem::path& record_dir = {});
  // Stops and joins; closes the recording (summary says how many frames were dropped). Idempotent.
  void stop();
  // Stops as stop() does, but a recording still running is closed as partial, with `reason` as its
  // summary.json's partial_reason (`facetwitch record` stopped by Ctrl-C: "interrupted by SIGINT
  // (Ctrl-C)"). A source that failed first keeps its own reason.
  void stop_interrupted(const std::string& reason);

  // Starts recording into `dir` (which must exist) at the next captured frame, before or while the
  // pipeline runs: the raw video (video.mp4, every captured frame, written by a writer thread through a
  // bounded queue) plus frames.csv, episodes.csv and summary.json as for `start(source, dir)`. The
  // analysis restarts from scratch at the recording's first frame and its times are counted from it,
  // so the session folder is exactly what `facetwitch analyse` finds in its video.mp4. When the
  // recording fails (disk full, ffmpeg gone) it stops with a message in the snapshot's status and the
  // analysis goes on. Returns an error if a recording is already running or the folder is missing.
  // Never blocks on the analysis.
  Status start_recording(const std::filesystem::path& dir, const LiveRecordingOptions& options = {});
  // Ends the recording at the next captured frame (summary.json final, not partial; the video is
  // finished by its writer thread). The analysis goes on. No-op when not recording.
  void stop_recording();
  // New sensitivity settings: the twitch analysis restarts with them at the next frame (face tracking
  // goes on). While a recording runs they wait until it stops (a recording keeps one set of settings).
  void set_twitch_settings(const TwitchSettings& settings);
  bool running() const { return running_.load(); }
  std::shared_ptr<const LiveSnapshot> snapshot() const;
  // The records of the frames analysed after sequence number `after_seq` (the last kRecentRecords at
  // most), appended to `out`; returns the sequence number of the newest one (or after_seq). Lets the
  // window plot every analysed frame even when it polls snapshots more slowly than they come.
  std::uint64_t records_after(std::uint64_t after_seq, std::vector<LiveRecord>& out) const;
  static constexpr std::size_t kRecentRecords = 256;
  // The final summary after stop() (or after the source ended by itself and the threads finished).
  SessionSummary final_summary() const;

 private:
  void capture_loop();
  void analyse_loop();
  void record_capture(const Frame& f);                 // capture thread: recording boundaries, video
  void end_recording_capture(std::int64_t next_index);  // capture thread: the source ended
  void publish(std::shared_ptr<const LiveSnapshot> s);

  struct Shared;
  struct RecordControl;
  std::shared_ptr<const LandmarkModel> model_;
  AnalyserOptions options_;
  std::string model_path_;
  std::unique_ptr<Shared> shared_;
  std::unique_ptr<RecordControl> rec_;  // start_recording / stop_recording / settings requests
  std::unique_ptr<FrameSource> source_;
  std::filesystem::path record_dir_;
  std::thread capture_thread_, analyse_thread_;
  std::atomic<bool> stop_{false};
  std::atomic<bool> running_{false};
  mutable std::mutex snap_mutex_;
  std::shared_ptr<const LiveSnapshot> snapshot_;
  mutable std::mutex recent_mutex_;
  std::deque<LiveRecord> recent_;  // the last kRecentRecords analysed frames
  std::uint64_t recent_seq_ = 0;
  SessionSummary final_;
};

}  // namespace ft
