// source_controller.hpp: what the window is looking at: nothing, a live source (camera, or a file
// paced like a camera) through LivePipeline, or a recorded video through ReplaySession +
// ReplayPlayer.
//
// Everything slow happens off the UI thread: the landmark model is loaded by a background thread at
// start; opening a source (and generating the demo video into the cache the first time) runs on a
// worker thread ("ft-open", started with the controller, so the pipelines it starts do not inherit
// a lowered priority of the UI thread) whose result the UI thread installs in poll(); a source that
// is replaced or closed is destroyed (threads stopped and joined, recording finished) by a reaper
// thread. A source that cannot be opened leaves the current one running and sets error(). No
// exception leaves a thread.
//
// Thread safety: the public interface is for the UI thread only (one thread); the workers
// communicate with it through atomics and a mutex inside.
#pragma once

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <filesystem>
#include <functional>
#include <future>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include "capture/frame_source.hpp"
#include "core/error.hpp"
#include "pipeline/live.hpp"
#include "pipeline/replay_session.hpp"

namespace ft::ui {

struct SourceSpec {
  enum class Kind { File, Paced, Camera, Demo };
  Kind kind = Kind::File;
  std::string path;            // File/Paced: the video; Camera: "0" or "/dev/video2"
  CameraMode camera_mode;      // Camera: 0 = the driver's default
  double fail_after_s = -1.0;  // Paced: fail like an unplugged camera once t passes this
  bool loop = false;           // Paced: play the file in a loop
  double paced_speed = 1.0;    // Paced: multiple of real time
  // File: recorded as a mirror image (selfie): analysed and shown flipped back, as `analyse
  // --mirrored-input`, so that sides are the person's (the window sets it from the per-file setting).
  bool mirrored_input = false;
  bool live() const { return kind == Kind::Paced || kind == Kind::Camera; }
  std::string label() const;  // short, for the window
};

// "demo", "paced:FILE", "camera:N", "/dev/videoN"; anything else is a video file.
SourceSpec parse_source_spec(const std::string& spec);

// The demo video in the cache (cache_dir()/demo/video.mp4) and whether it is there and current.
std::filesystem::path demo_video_path();
bool demo_video_ready();

enum class SourceMode { None, Live, Replay };

class SourceController {
 public:
  struct Config {
    std::string model_cli;     // --model, or empty for the default lookup
    AnalyserOptions analyser;  // twitch settings are replaced by set_settings()
  };
  explicit SourceController(Config config);
  ~SourceController();
  SourceController(const SourceController&) = delete;
  SourceController& operator=(const SourceController&) = delete;

  // Opens `spec` in the background; the current source keeps running until the new one is ready.
  // `record_dir` (live sources only; an existing, empty folder): record from the first frame.
  void open(const SourceSpec& spec, const std::filesystem::path& record_dir = {});
  void close();
  // UI thread, once per frame: installs a source that finished opening, reaps old ones.
  void poll();

  SourceMode mode() const { return mode_; }
  const SourceSpec& spec() const { return spec_; }
  LivePipeline* live() { return live_.get(); }
  ReplaySession* replay() { return replay_.get(); }
  ReplayPlayer* player() { return player_.get(); }
  std::uint64_t generation() const { return generation_; }  // +1 at every source installed

  bool busy() const { return job_ != nullptr; }
  std::string busy_text() const;
  double busy_progress() const;  // 0..1, or -1 when unknown
  bool model_loading() const;
  std::string model_error() const;

  const std::string& error() const { return error_; }
  void set_error(std::string e) { error_ = std::move(e); }
  void clear_error() { error_.clear(); }
  // When the current source became active, or when the last open failed; nullopt before either.
  std::optional<std::chrono::steady_clock::time_point> settled_at() const { return settled_at_; }

  // Recording of live sources (LivePipeline::start_recording). `dir` must exist.
  // `patient_id`: for this recording's summary.json (nullopt: the analyser options').
  Status start_recording(const std::filesystem::path& dir, std::optional<std::string> patient_id = std::nullopt);
  void stop_recording();

  void set_settings(const TwitchSettings& twitch);
  // The personal baseline (AnalyserOptions::baseline_s) of the sources opened from now on.
  void set_baseline_s(double seconds) { config_.analyser.baseline_s = seconds; }
  double baseline_s() const { return config_.analyser.baseline_s; }
  const TwitchSettings& settings() const { return config_.analyser.twitch; }

 private:
  struct Loaded {
    std::shared_ptr<const LandmarkModel> model;
    std::string path;
    std::string error;
  };
  struct Job;
  void start_job(const SourceSpec& spec, const std::filesystem::path& record_dir);
  static void run_job(Job& job, const std::shared_future<Loaded>& model, AnalyserOptions analyser);
  void worker_loop();
  void reap(std::function<void()> destroy);

  Config config_;
  std::shared_future<Loaded> model_;
  SourceMode mode_ = SourceMode::None;
  SourceSpec spec_;
  std::unique_ptr<LivePipeline> live_;
  std::unique_ptr<ReplaySession> replay_;
  std::unique_ptr<ReplayPlayer> player_;
  std::uint64_t generation_ = 0;
  std::string error_;
  std::optional<std::chrono::steady_clock::time_point> settled_at_;

  std::unique_ptr<Job> job_;
  std::optional<std::pair<SourceSpec, std::filesystem::path>> queued_;
  std::thread worker_;
  std::mutex worker_mutex_;
  std::condition_variable worker_cv_;
  Job* worker_job_ = nullptr;  // handed to the worker, guarded by worker_mutex_
  bool worker_quit_ = false;

  struct Reaper {
    std::thread thread;
    std::shared_ptr<std::atomic<bool>> done;
  };
  std::vector<Reaper> reapers_;
};

}  // namespace ft::ui
