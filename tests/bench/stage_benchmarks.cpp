// stage_benchmarks.cpp: one Google Benchmark per stage of the per-frame analysis, on real frames of
// the benchmark videos (argument 0: 1280x720, IOD ~150 px; 1: 640x480, IOD ~100 px), and the whole
// FrameAnalyser in its steady state with the heap allocations it makes per frame ("allocs/frame",
// counted by alloc_counter.cpp on the analysing thread).
#include <unistd.h>

#include <benchmark/benchmark.h>

#include <filesystem>

#include <opencv2/imgproc.hpp>

#include "alloc_counter.hpp"
#include "bench_scene.hpp"
#include "metrics/alignment.hpp"
#include "metrics/face_metrics.hpp"
#include "metrics/head_pose.hpp"
#include "metrics/local_motion.hpp"
#include "metrics/quality.hpp"
#include "pipeline/analyser.hpp"
#include "pipeline/session_recorder.hpp"
#include "signal/twitch_analyser.hpp"

namespace ft::bench {
namespace {

const char* size_label(int i) {
  return i == 0 ? "1280x720" : "640x480";
}

// Heap allocations per iteration made by this thread since `before`.
void count_allocations(benchmark::State& state, std::uint64_t before) {
  trace_allocations(false);
  state.counters["allocs/frame"] = benchmark::Counter(
      static_cast<double>(thread_allocations() - before), benchmark::Counter::kAvgIterations);
}

// Full-frame BGR -> grey, as FrameAnalyser does it.
void BM_GreyFullFrame(benchmark::State& state) {
  const SceneVideo& v = scene().video(static_cast<int>(state.range(0)));
  cv::Mat grey;
  std::size_t i = 0;
  for (auto _ : state) {
    cv::cvtColor(v.frames[i++ % v.frames.size()].image, grey, cv::COLOR_BGR2GRAY);
    benchmark::DoNotOptimize(grey.data);
  }
  state.SetLabel(size_label(static_cast<int>(state.range(0))));
}
BENCHMARK(BM_GreyFullFrame)->Arg(0)->Arg(1)->Unit(benchmark::kMicrosecond);

// Tracking: the landmarks from the previous frame's box (predictor + appearance check), no
// detector.
void BM_TrackLandmarks(benchmark::State& state) {
  const SceneVideo& v = scene().video(static_cast<int>(state.range(0)));
  TrackerOptions o;
  o.recheck_interval_s = 1e9;
  FaceTracker tracker(scene().model, o);
  tracker.track(v.grey[0], 0.0);  // acquire
  std::size_t i = 1;
  double t = 0.0;
  const std::uint64_t a0 = thread_allocations();
  trace_allocations(true);
  for (auto _ : state) {
    t += 1.0 / 30.0;
    benchmark::DoNotOptimize(tracker.track(v.grey[i++ % v.grey.size()], t));
  }
  count_allocations(state, a0);
  state.SetLabel(size_label(static_cast<int>(state.range(0))));
}
BENCHMARK(BM_TrackLandmarks)->Arg(0)->Arg(1)->Unit(benchmark::kMicrosecond);

// The periodic re-check on the background thread: recheck_interval 0 makes every frame start one
// (or apply the previous one's answer, waiting for it when it is late): the analysis thread's
// share.
// Tracks the scene video frame after frame with the detector re-checking every frame.
void track_with_recheck(benchmark::State& state, bool background) {
  const SceneVideo& v = scene().video(static_cast<int>(state.range(0)));
  TrackerOptions o;
  o.recheck_interval_s = 0.0;
  o.background_recheck = background;
  FaceTracker tracker(scene().model, o);
  tracker.track(v.grey[0], 0.0);
  std::size_t i = 1;
  double t = 0.0;
  for (auto _ : state) {
    t += 1.0 / 30.0;
    benchmark::DoNotOptimize(tracker.track(v.grey[i++ % v.grey.size()], t));
  }
  state.SetLabel(size_label(static_cast<int>(state.range(0))));
}

void BM_TrackWithRecheck(benchmark::State& state) { track_with_recheck(state, true); }
BENCHMARK(BM_TrackWithRecheck)->Arg(0)->Arg(1)->Unit(benchmark::kMillisecond);

// The re-check's detection as it ran before on the analysis thread (background re-check off, every
// frame a re-check): predict + detector in the window around the face.
void BM_TrackWithRecheckOnThread(benchmark::State& state) { track_with_recheck(state, false); }
BENCHMARK(BM_TrackWithRecheckOnThread)->Arg(0)->Arg(1)->Unit(benchmark::kMillisecond);

// Acquisition (no track): HOG detector on the whole frame downscaled to a long side of range(1) px
// (the 720p frame; 1280 = full resolution, the naive loop), then the landmarks.
void BM_DetectAcquire(benchmark::State& state) {
  const SceneVideo& v = scene().hd;
  TrackerOptions o;
  o.detect_max_side = static_cast<int>(state.range(0));
  FaceTracker tracker(scene().model, o);
  std::size_t i = 0;
  for (auto _ : state) {
    tracker.reset();
    const FaceObservation obs = tracker.track(v.grey[i++ % v.grey.size()], 0.0);
    if (!obs.found)
      state.SkipWithError("no face found at this scale");
  }
  state.SetLabel("1280x720 detected at long side " + std::to_string(state.range(0)));
}
BENCHMARK(BM_DetectAcquire)->Arg(1280)->Arg(640)->Arg(480)->Arg(320)->Unit(benchmark::kMillisecond);

// Canonical alignment of one frame's landmarks.
void BM_Alignment(benchmark::State& state) {
  const SceneVideo& v = scene().hd;
  std::size_t i = 0;
  for (auto _ : state)
    benchmark::DoNotOptimize(align_to_canonical(v.landmarks[i++ % v.landmarks.size()]));
}
BENCHMARK(BM_Alignment)->Unit(benchmark::kMicrosecond);

// solvePnP head pose.
void BM_HeadPose(benchmark::State& state) {
  const SceneVideo& v = scene().hd;
  std::size_t i = 0;
  for (auto _ : state) {
    benchmark::DoNotOptimize(
        estimate_head_pose(v.landmarks[i++ % v.landmarks.size()], cv::Size(v.width, v.height)));
  }
}
BENCHMARK(BM_HeadPose)->Unit(benchmark::kMicrosecond);

// Exposure and sharpness (Laplacian) of the face region.
void BM_FaceExposure(benchmark::State& state) {
  const SceneVideo& v = scene().video(static_cast<int>(state.range(0)));
  ExposureScratch scratch;
  std::size_t i = 0;
  for (auto _ : state) {
    const std::size_t k = i++ % v.grey.size();
    benchmark::DoNotOptimize(face_exposure(v.grey[k], v.boxes[k], scratch));
  }
  state.SetLabel(size_label(static_cast<int>(state.range(0))));
}
BENCHMARK(BM_FaceExposure)->Arg(0)->Arg(1)->Unit(benchmark::kMicrosecond);

// Every per-frame metric: alignment, geometry, head pose, quality.
void BM_FaceMetrics(benchmark::State& state) {
  const SceneVideo& v = scene().video(static_cast<int>(state.range(0)));
  ExposureScratch scratch;
  std::size_t i = 0;
  compute_face_metrics(0, 0.0, true, v.landmarks[0], v.boxes[0], v.grey[0], scratch);
  const std::uint64_t a0 = thread_allocations();
  trace_allocations(true);
  for (auto _ : state) {
    const std::size_t k = i++ % v.grey.size();
    benchmark::DoNotOptimize(compute_face_metrics(static_cast<std::int64_t>(k), v.frames[k].t, true,
                                                  v.landmarks[k], v.boxes[k], v.grey[k], scratch));
  }
  count_allocations(state, a0);
  state.SetLabel(size_label(static_cast<int>(state.range(0))));
}
BENCHMARK(BM_FaceMetrics)->Arg(0)->Arg(1)->Unit(benchmark::kMicrosecond);

// Lucas-Kanade refinement of the 18 measured points between consecutive frames.
void BM_LocalMotionRefine(benchmark::State& state) {
  const SceneVideo& v = scene().video(static_cast<int>(state.range(0)));
  LocalMotionRefiner refiner;
  const double iod = align_to_canonical(v.landmarks[0]).iod_px;
  refiner.refine(v.grey[0], v.landmarks[0], true, iod, 1.0 / 30.0);
  std::size_t i = 1;
  refiner.refine(v.grey[1], v.landmarks[1], true, iod, 1.0 / 30.0);
  const std::uint64_t a0 = thread_allocations();
  trace_allocations(true);
  for (auto _ : state) {
    const std::size_t k = i++ % v.grey.size();
    benchmark::DoNotOptimize(refiner.refine(v.grey[k], v.landmarks[k], true, iod, 1.0 / 30.0));
  }
  count_allocations(state, a0);
  state.SetLabel(size_label(static_cast<int>(state.range(0))));
}
BENCHMARK(BM_LocalMotionRefine)->Arg(0)->Arg(1)->Unit(benchmark::kMicrosecond);

// The twitch analyser's update with one frame's metrics (after 20 s of history: full windows).
void BM_SignalUpdate(benchmark::State& state) {
  const SceneVideo& v = scene().hd;
  std::vector<FaceMetrics> metrics;
  ExposureScratch scratch;
  for (std::size_t k = 0; k < v.grey.size(); ++k) {
    metrics.push_back(compute_face_metrics(static_cast<std::int64_t>(k), 0.0, true, v.landmarks[k],
                                           v.boxes[k], v.grey[k], scratch));
  }
  TwitchAnalyser twitch;
  double t = 0.0;
  std::size_t i = 0;
  auto push = [&] {
    FaceMetrics m = metrics[i++ % metrics.size()];
    t += 1.0 / 30.0;
    m.t = t;
    return twitch.push(m);
  };
  for (int k = 0; k < 600; ++k)
    push();
  const std::uint64_t a0 = thread_allocations();
  trace_allocations(true);
  for (auto _ : state)
    benchmark::DoNotOptimize(push());
  count_allocations(state, a0);
}
BENCHMARK(BM_SignalUpdate)->Unit(benchmark::kMicrosecond);

// Writing one frame's row of frames.csv (and the summary bookkeeping) as `facetwitch analyse` does.
void BM_SessionRecorderAdd(benchmark::State& state) {
  const SceneVideo& v = scene().hd;
  const auto dir =
      std::filesystem::temp_directory_path() / ("ft_benchmarks_" + std::to_string(::getpid()));
  std::filesystem::create_directories(dir);
  auto recorder = SessionRecorder::open(dir, SessionSummary{});
  if (!recorder) {
    state.SkipWithError(recorder.error().message.c_str());
    return;
  }
  FrameAnalyser analyser(scene().model, AnalyserOptions{});
  std::vector<FrameResult> results;
  for (std::size_t k = 0; k < v.frames.size(); ++k)
    results.push_back(analyser.process(v.frames[k]));
  std::size_t i = 0;
  double t = 0.0;
  auto add = [&] {
    FrameResult r = results[i++ % results.size()];
    t += 1.0 / 30.0;
    r.metrics.t = t;
    return recorder.value()->add(r, analyser.twitch()).ok();
  };
  for (int k = 0; k < 300; ++k)
    add();
  const std::uint64_t a0 = thread_allocations();
  trace_allocations(true);
  for (auto _ : state)
    benchmark::DoNotOptimize(add());
  count_allocations(state, a0);
  recorder.value().reset();
  std::filesystem::remove_all(dir);
}
BENCHMARK(BM_SessionRecorderAdd)->Unit(benchmark::kMicrosecond);

// The whole chain (FrameAnalyser::process) in its steady state: tracking, refinement, metrics,
// signal, with the periodic detector re-check as configured by default. Frames cycle with
// increasing times.
void BM_AnalyserSteadyState(benchmark::State& state) {
  const SceneVideo& v = scene().video(static_cast<int>(state.range(0)));
  FrameAnalyser analyser(scene().model, AnalyserOptions{});
  Frame f;
  std::size_t i = 0;
  auto next = [&] {
    const Frame& src = v.frames[i % v.frames.size()];
    f.image = src.image;
    f.index = static_cast<std::int64_t>(i);
    f.t = static_cast<double>(i) / 30.0;
    ++i;
    return analyser.process(f).analyse_ms;
  };
  for (int k = 0; k < 90; ++k)
    next();  // acquisition, warm-up, buffers sized
  const std::uint64_t a0 = thread_allocations();
  trace_allocations(true);
  for (auto _ : state)
    benchmark::DoNotOptimize(next());
  count_allocations(state, a0);
  state.SetLabel(size_label(static_cast<int>(state.range(0))));
}
BENCHMARK(BM_AnalyserSteadyState)->Arg(0)->Arg(1)->Unit(benchmark::kMicrosecond);

}  // namespace
}  // namespace ft::bench

// OpenCV's thread pool as in the facetwitch executable (off; $FACETWITCH_CV_THREADS to compare).
int main(int argc, char** argv) {
  ft::configure_opencv_threads();
  benchmark::Initialize(&argc, argv);
  if (benchmark::ReportUnrecognizedArguments(argc, argv))
    return 1;
  benchmark::RunSpecifiedBenchmarks();
  benchmark::Shutdown();
  return 0;
}
