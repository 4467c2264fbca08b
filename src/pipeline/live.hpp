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
#include <filesystem>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "capture/frame_source.hpp"
#include "core/error.hpp"
#include "io/session.hpp"
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

struct LiveSnapshot {
  Frame frame;                      // the analysed frame (image shared, read-only)
  FrameResult result;
  std::vector<Episode> episodes;    // closed so far, by start time
  std::vector<Episode> open_episodes;
  std::size_t blink_count = 0;
  std::size_t voluntary_count = 0;
  LiveStats stats;
  bool running = true;
  bool source_failed = false;
  std::string status;               // e.g. "camera /dev/video0 stopped sending frames (unplugged?)"
  std::filesystem::path recording_dir;  // non-empty while recording
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
  bool running() const { return running_.load(); }
  std::shared_ptr<const LiveSnapshot> snapshot() const;
  // The final summary after stop() (or after the source ended by itself and the threads finished).
  SessionSummary final_summary() const;

 private:
  void capture_loop();
  void analyse_loop();
  void publish(std::shared_ptr<const LiveSnapshot> s);

  struct Shared;
  std::shared_ptr<const LandmarkModel> model_;
  AnalyserOptions options_;
  std::string model_path_;
  std::unique_ptr<Shared> shared_;
  std::unique_ptr<FrameSource> source_;
  std::filesystem::path record_dir_;
  std::thread capture_thread_, analyse_thread_;
  std::atomic<bool> stop_{false};
  std::atomic<bool> running_{false};
  mutable std::mutex snap_mutex_;
  std::shared_ptr<const LiveSnapshot> snapshot_;
  SessionSummary final_;
};

}  // namespace ft
