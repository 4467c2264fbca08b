// bench.hpp: the end-to-end performance benchmark behind `facetwitch bench` (docs/PERFORMANCE.md).
//
// One run measures, on one video and on this machine:
//  - start-up: landmark model load, analyser construction, first frame decoded and analysed;
//  - the per-frame analysis (decode and analysis in one thread, only FrameAnalyser::process timed):
//    median / p99 / max per stage, over all frames and over tracking frames (no detector);
//  - replay throughput: `facetwitch analyse`'s path (decode thread + analysis thread + session
//    files) beside a plain OpenCV read loop over the same file (the decode-only baseline), and the
//    ratio of the two; also how many times real time;
//  - the naive loop (HOG face detection on every full-resolution frame + landmarks) and our ratio
//  to it;
//  - several videos at once: 1 worker vs 2 workers (`analyse --jobs`);
//  - live: the paced file source standing in for a camera at 30 and 60 frames/s, latency from a
//    frame's capture to its results being published, frames dropped;
//  - optionally a memory soak: resident memory sampled while a long (looped) video is analysed.
// Every measurement is wall time on the steady clock; figures are milliseconds unless named
// otherwise. Thread safety: run_bench() uses its own threads and objects; call it from one thread.
#pragma once

#include <cstdint>
#include <filesystem>
#include <functional>
#include <limits>
#include <string>
#include <vector>

#include "core/error.hpp"
#include "pipeline/analyser.hpp"
#include "synth/generator.hpp"
#include "synth/scenario.hpp"

namespace ft {

// The benchmark's generated test video: the astronaut at `width` x `height`, `fps`, 20 s, a face of
// about 0.12 of the width in IOD (face_scale 3.5 at 1280x720: IOD ~150 px; 2.0 at 640x480), slow
// head motion, noise, lighting drift, two twitch episodes, two blinks and a smile: a realistic
// tracking load.
Scenario bench_scenario(int width = 1280, int height = 720, double fps = 30.0,
                        double duration_s = 20.0);

// The folder where bench_scenario(...) is cached: <cache>/bench/<w>x<h>_<fps>fps_<dur>s.
std::filesystem::path bench_video_dir(const Scenario& scenario);

// Generates `scenario` into bench_video_dir() unless the same scenario (and generator version) is
// already there; returns the video's path. Errors as generate_video (the photo missing: Input).
Result<std::filesystem::path> ensure_bench_video(const Scenario& scenario,
                                                 const std::filesystem::path& model_path,
                                                 const GenerateProgress& progress = {});

// Order statistics of a sample (milliseconds or any unit). NaN fields when empty.
struct Percentiles {
  std::size_t n = 0;
  double median = std::numeric_limits<double>::quiet_NaN();
  double p99 = std::numeric_limits<double>::quiet_NaN();
  double max = std::numeric_limits<double>::quiet_NaN();
  double mean = std::numeric_limits<double>::quiet_NaN();
};
Percentiles percentiles(std::vector<double> values);

// Resident set size of this process now and its peak (VmRSS, VmHWM from /proc/self/status), MiB.
double resident_mib();
double peak_resident_mib();

struct BenchOptions {
  std::filesystem::path video;
  std::filesystem::path model_path;  // located by the caller
  AnalyserOptions analyser;
  std::int64_t frames =
      0;           // frames of the video used by the per-frame and throughput passes; 0 = all
  int repeat = 3;  // throughput passes (decode-only and analysis each); the median is kept
  int naive_frames = 30;     // frames of the naive loop
  bool jobs = true;          // 1 vs 2 workers on two copies of the video
  bool live = true;          // the paced-source latency runs
  double live_seconds = 10;  // per live run
  double soak_minutes = 0;   // > 0: memory soak on the video looped to this length (ffmpeg)
  // Process launch, for "launch to first analysed frame" (steady clock; epoch = unknown).
  std::chrono::steady_clock::time_point launched{};
  std::function<void(const std::string&)> log;  // progress lines (stderr); may be empty
};

struct StageRow {
  std::string name;
  Percentiles all;       // every frame
  Percentiles tracking;  // frames where the detector did not run on the analysis thread
};

struct LiveRun {
  double speed = 1.0;      // paced source speed (1 = the file's rate)
  double fps = 0.0;        // frames per second delivered by the source
  Percentiles latency_ms;  // capture -> results published, per analysed frame
  Percentiles analyse_ms;  // FrameAnalyser::process on the live thread
  std::uint64_t captured = 0, analysed = 0, dropped = 0;
};

struct JobsRow {
  int workers = 1;
  int videos = 2;
  double wall_s = 0.0;
  double fps = 0.0;  // frames analysed per second, all videos together
};

struct SoakSample {
  double video_s = 0.0;  // position in the video
  double rss_mib = 0.0;
};

struct BenchReport {
  std::string video;
  int width = 0, height = 0;
  double video_fps = 0.0;
  std::int64_t frames = 0;  // analysed in the per-frame pass
  std::string cpu;          // /proc/cpuinfo model name
  unsigned cores = 0;
  // Start-up.
  double model_load_ms = 0.0, analyser_ms = 0.0, first_frame_ms = 0.0, startup_total_ms = 0.0;
  double launch_to_first_frame_ms = -1.0;  // from process launch; -1 when unknown
  // Per frame.
  std::vector<StageRow> stages;  // grey, track, refine, metrics, signal, total, total CPU
  std::int64_t detector_frames = 0;
  std::int64_t recheck_waits = 0;  // frames that waited for the background re-check
  double recheck_wait_max_ms = 0.0;
  // Throughput.
  double decode_fps = 0.0;       // median of `repeat` plain OpenCV read loops
  double analyse_fps = 0.0;      // median of `repeat` analyse_video() passes (files written)
  double analyse_ratio = 0.0;    // analyse_fps / decode_fps
  double realtime_factor = 0.0;  // analyse_fps / video fps
  std::vector<double> decode_runs, analyse_runs;
  // Naive loop.
  int naive_frames = 0;
  double naive_ms = 0.0;  // median per frame
  double naive_fps = 0.0;
  double speedup_vs_naive = 0.0;  // naive median ms / our median ms per frame (all frames)
  std::vector<JobsRow> jobs;
  std::vector<LiveRun> live;
  std::vector<SoakSample> soak;
  double soak_video_s = 0.0;
  double peak_rss_mib = 0.0;
};

Result<BenchReport> run_bench(const BenchOptions& options);

// The report as printed by `facetwitch bench` (plain text, fixed-width tables).
std::string format_bench_report(const BenchReport& report);

}  // namespace ft
