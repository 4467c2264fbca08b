// bench.cpp: the end-to-end benchmark (see bench.hpp): start-up, per-frame stages, replay
// throughput against a decode-only loop, the naive detect-every-frame loop, workers, live latency,
// memory soak.
#include "pipeline/bench.hpp"

#include <time.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <sstream>
#include <thread>

#include <fmt/format.h>
#include <nlohmann/json.hpp>
#include <opencv2/imgproc.hpp>
#include <opencv2/videoio.hpp>

#include "core/paths.hpp"
#include "io/session.hpp"
#include "pipeline/live.hpp"
#include "pipeline/replay.hpp"

namespace ft {

namespace {

using Clock = std::chrono::steady_clock;

double ms_since(Clock::time_point t0) {
  return std::chrono::duration<double, std::milli>(Clock::now() - t0).count();
}

// CPU time of the calling thread, ms (what a frame costs, without the time other processes took the
// core).
double thread_cpu_ms() {
  timespec ts{};
  clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
  return static_cast<double>(ts.tv_sec) * 1e3 + static_cast<double>(ts.tv_nsec) * 1e-6;
}

double seconds_since(Clock::time_point t0) {
  return std::chrono::duration<double>(Clock::now() - t0).count();
}

double median_of_runs(std::vector<double> v) {
  if (v.empty())
    return 0.0;
  std::sort(v.begin(), v.end());
  return v[v.size() / 2];
}

// "VmRSS:    123456 kB" -> MiB.
double status_field_mib(const char* key) {
  std::ifstream in("/proc/self/status");
  std::string line;
  const std::string k = key;
  while (std::getline(in, line)) {
    if (line.compare(0, k.size(), k) == 0) {
      std::istringstream fields(line.substr(k.size()));
      double kb = 0.0;
      fields >> kb;
      return kb / 1024.0;
    }
  }
  return 0.0;
}

std::string cpu_model() {
  std::ifstream in("/proc/cpuinfo");
  std::string line;
  while (std::getline(in, line)) {
    if (line.rfind("model name", 0) == 0) {
      const auto colon = line.find(':');
      if (colon != std::string::npos) {
        std::string v = line.substr(colon + 1);
        v.erase(0, v.find_first_not_of(' '));
        return v;
      }
    }
  }
  return "unknown CPU";
}

void say(const BenchOptions& o, const std::string& line) {
  if (o.log)
    o.log(line);
}

// A scratch output folder for the replay passes (removed at the end).
std::filesystem::path scratch_dir(const std::string& name) {
  return cache_dir() / "bench" / fmt::format("out-{}-{}", ::getpid(), name);
}

// analyse_video() as `facetwitch analyse` runs it (session files written), limited to `frames`.
Result<std::int64_t> timed_replay(const BenchOptions& o, std::shared_ptr<const LandmarkModel> model,
                                  const std::filesystem::path& out_dir) {
  if (Status st = prepare_output_dir(out_dir, true); !st)
    return st.error();
  std::atomic<bool> stop{false};
  std::int64_t analysed = 0;
  ReplayRequest req;
  req.video = o.video;
  req.out_dir = out_dir;
  req.model = std::move(model);
  req.model_path = o.model_path.string();
  req.analyser = o.analyser;
  req.stop = &stop;
  req.on_frame = [&](const Frame&, const FrameResult&) {
    if (++analysed >= o.frames && o.frames > 0)
      stop = true;
  };
  auto r = analyse_video(req);
  if (!r)
    return r.error();
  return analysed;
}

// Plain OpenCV read loop: the decode-only baseline.
double decode_only_fps(const std::filesystem::path& video, std::int64_t frames) {
  cv::VideoCapture cap(video.string(), cv::CAP_FFMPEG);
  if (!cap.isOpened())
    return 0.0;
  cv::Mat m;
  std::int64_t n = 0;
  const auto t0 = Clock::now();
  while ((frames <= 0 || n < frames) && cap.read(m))
    ++n;
  const double s = seconds_since(t0);
  return s > 0 ? static_cast<double>(n) / s : 0.0;
}

// The video looped to `minutes` (ffmpeg, stream copy: seconds), cached next to it.
Result<std::filesystem::path> looped_video(const std::filesystem::path& video, double minutes) {
  const auto out = video.parent_path() / fmt::format("soak_{:.0f}min.mp4", minutes);
  std::error_code ec;
  if (std::filesystem::is_regular_file(out, ec) && std::filesystem::file_size(out, ec) > 0)
    return out;
  auto quoted = [](const std::filesystem::path& p) {
    std::string q = "'";
    for (char c : p.string())
      q += c == '\'' ? std::string("'\\''") : std::string(1, c);
    return q + "'";
  };
  const std::string cmd =
      fmt::format("ffmpeg -nostdin -y -v error -stream_loop -1 -i {} -c copy -t {:.0f} {}",
                  quoted(video), minutes * 60.0, quoted(out));
  if (std::system(cmd.c_str()) != 0 || !std::filesystem::is_regular_file(out, ec)) {
    return make_error(ErrorKind::Output,
                      "could not make the looped soak video with ffmpeg: " + cmd);
  }
  return out;
}

std::string fmt_ms(double v) {
  return std::isnan(v) ? std::string("-") : fmt::format("{:.2f}", v);
}

}  // namespace

Scenario bench_scenario(int width, int height, double fps, double duration_s) {
  Scenario s;
  s.width = width;
  s.height = height;
  s.fps = fps;
  s.duration_s = duration_s;
  // 3.5 at 720 rows gives the astronaut an IOD of ~150 px; the same share of the height elsewhere.
  s.face_scale = 3.5 * static_cast<double>(height) / 720.0;
  s.seed = 7;
  s.noise_sigma = 2.0;
  s.lighting_drift = 0.03;
  s.lighting_period_s = 9.0;
  const double k = duration_s / 20.0;  // events laid out for 20 s, stretched to the duration
  s.blinks = {{3.0 * k, 0.25, 0.8}, {13.0 * k, 0.3, 0.85}};
  s.twitches.push_back({Region::Mouth, Side::Left, 5.0 * k, 1.5, 6.0, 0.03});
  s.smiles = {{8.0 * k, 2.0, 0.04}};
  s.twitches.push_back({Region::Eye, Side::Right, 15.5 * k, 2.0, 4.0, 0.03});
  s.head_motion = {3.0 * s.face_scale / 2.0, 1.0, 0.01, 6.0};
  return s;
}

std::filesystem::path bench_video_dir(const Scenario& s) {
  return cache_dir() / "bench" /
         fmt::format("{}x{}_{:g}fps_{:g}s", s.width, s.height, s.fps, s.duration_s);
}

Result<std::filesystem::path> ensure_bench_video(const Scenario& scenario,
                                                 const std::filesystem::path& model_path,
                                                 const GenerateProgress& progress) {
  const std::filesystem::path dir = bench_video_dir(scenario);
  std::error_code ec;
  if (std::filesystem::is_regular_file(dir / "video.mp4", ec)) {
    auto truth = read_truth(dir / "truth.json");
    if (truth && truth->generator_version == kSynthGeneratorVersion && truth->scenario &&
        to_json(*truth->scenario) == to_json(scenario)) {
      return dir / "video.mp4";
    }
  }
  auto photo = find_demo_photo();
  if (!photo) {
    return make_error(ErrorKind::Input, "the astronaut photo is not in " +
                                            (cache_dir() / "astronaut.png").string() +
                                            ": run scripts/setup.sh, or pass a VIDEO to benchmark");
  }
  // Soak videos made from an older version of this one are stale.
  std::filesystem::remove_all(dir, ec);
  auto report = generate_video(scenario, *photo, dir, model_path, progress);
  if (!report)
    return report.error();
  return report->video_path;
}

Percentiles percentiles(std::vector<double> v) {
  Percentiles p;
  p.n = v.size();
  if (v.empty())
    return p;
  std::sort(v.begin(), v.end());
  auto rank = [&v](double q) {
    const auto i = static_cast<std::size_t>(std::ceil(q * static_cast<double>(v.size())));
    return v[std::min(v.size() - 1, i == 0 ? 0 : i - 1)];
  };
  p.median = v.size() % 2 ? v[v.size() / 2] : 0.5 * (v[v.size() / 2 - 1] + v[v.size() / 2]);
  p.p99 = rank(0.99);
  p.max = v.back();
  double sum = 0.0;
  for (double x : v)
    sum += x;
  p.mean = sum / static_cast<double>(v.size());
  return p;
}

double resident_mib() {
  return status_field_mib("VmRSS:");
}
double peak_resident_mib() {
  return status_field_mib("VmHWM:");
}

Result<BenchReport> run_bench(const BenchOptions& o) {
  BenchReport rep;
  rep.video = o.video.string();
  rep.cpu = cpu_model();
  rep.cores = std::max(1u, std::thread::hardware_concurrency());

  // ---- Start-up: model, analyser, first frame (what the window waits for).
  say(o, "start-up: model load + first analysed frame");
  const auto t0 = Clock::now();
  auto loaded = load_landmark_model(o.model_path);
  if (!loaded)
    return loaded.error();
  std::shared_ptr<const LandmarkModel> model = loaded.value();
  rep.model_load_ms = ms_since(t0);
  {
    const auto t1 = Clock::now();
    FrameAnalyser first(model, o.analyser);
    rep.analyser_ms = ms_since(t1);
    const auto t2 = Clock::now();
    auto src = open_video_file(o.video);
    if (!src)
      return src.error();
    Frame f;
    if ((*src)->read(f) != ReadStatus::Frame)
      return make_error(ErrorKind::Input, "no frame in " + rep.video);
    first.process(f);
    rep.first_frame_ms = ms_since(t2);
    rep.startup_total_ms = ms_since(t0);
    if (o.launched != Clock::time_point{}) {
      rep.launch_to_first_frame_ms =
          std::chrono::duration<double, std::milli>(Clock::now() - o.launched).count();
    }
    const SourceInfo& info = (*src)->info();
    rep.width = info.width;
    rep.height = info.height;
    rep.video_fps = info.nominal_fps;
  }

  // ---- Per-frame pass: decode and analyse in this thread, time process() only.
  say(o, "per-frame stages");
  {
    auto src = open_video_file(o.video);
    if (!src)
      return src.error();
    FrameAnalyser analyser(model, o.analyser);
    std::vector<double> grey, track, refine, metrics, signal, total, cpu;
    std::vector<bool> detector;
    Frame f;
    while ((o.frames <= 0 || rep.frames < o.frames) && (*src)->read(f) == ReadStatus::Frame) {
      const double cpu0 = thread_cpu_ms();
      const FrameResult& r = analyser.process(f);
      cpu.push_back(thread_cpu_ms() - cpu0);
      if (r.recheck_wait_ms > 0.05) {
        ++rep.recheck_waits;
        rep.recheck_wait_max_ms = std::max(rep.recheck_wait_max_ms, r.recheck_wait_ms);
      }
      grey.push_back(r.stages.grey_ms);
      track.push_back(r.stages.track_ms);
      refine.push_back(r.stages.refine_ms);
      metrics.push_back(r.stages.metrics_ms);
      signal.push_back(r.stages.signal_ms);
      total.push_back(r.analyse_ms);
      detector.push_back(r.detector_ran);
      ++rep.frames;
    }
    for (bool d : detector)
      rep.detector_frames += d ? 1 : 0;
    auto row = [&detector](const std::string& name, const std::vector<double>& v) {
      std::vector<double> tracking;
      for (std::size_t i = 0; i < v.size(); ++i) {
        if (!detector[i])
          tracking.push_back(v[i]);
      }
      return StageRow{name, percentiles(v), percentiles(std::move(tracking))};
    };
    rep.stages = {row("grey", grey),       row("track", track),   row("refine", refine),
                  row("metrics", metrics), row("signal", signal), row("total", total),
                  row("total CPU", cpu)};
  }

  // ---- Throughput: decode-only loop vs analyse_video, alternating, `repeat` times each.
  say(o, "throughput: decode-only vs analyse");
  {
    const auto out = scratch_dir("replay");
    for (int i = 0; i < std::max(1, o.repeat); ++i) {
      rep.decode_runs.push_back(decode_only_fps(o.video, o.frames));
      const auto t = Clock::now();
      auto n = timed_replay(o, model, out);
      if (!n)
        return n.error();
      rep.analyse_runs.push_back(static_cast<double>(n.value()) / seconds_since(t));
    }
    std::error_code ec;
    std::filesystem::remove_all(out, ec);
    rep.decode_fps = median_of_runs(rep.decode_runs);
    rep.analyse_fps = median_of_runs(rep.analyse_runs);
    rep.analyse_ratio = rep.decode_fps > 0 ? rep.analyse_fps / rep.decode_fps : 0.0;
    rep.realtime_factor = rep.video_fps > 0 ? rep.analyse_fps / rep.video_fps : 0.0;
  }

  // ---- The naive loop: HOG detection on every full-resolution frame, then the landmarks.
  if (o.naive_frames > 0) {
    say(o, "naive loop (detect every frame at full resolution)");
    auto src = open_video_file(o.video);
    if (!src)
      return src.error();
    FaceTracker naive(model, o.analyser.tracker);
    std::vector<double> ms;
    Frame f;
    cv::Mat gray;
    while (static_cast<int>(ms.size()) < o.naive_frames && (*src)->read(f) == ReadStatus::Frame) {
      const auto t = Clock::now();
      cv::cvtColor(f.image, gray, cv::COLOR_BGR2GRAY);
      const auto faces = naive.detect_all(gray);
      ms.push_back(ms_since(t));
      if (faces.empty())
        say(o, "  (naive loop: no face in a frame)");
    }
    rep.naive_frames = static_cast<int>(ms.size());
    rep.naive_ms = percentiles(ms).median;
    rep.naive_fps = rep.naive_ms > 0 ? 1000.0 / rep.naive_ms : 0.0;
    const double ours = rep.stages.size() < 6 ? 0.0 : rep.stages[5].all.median;
    rep.speedup_vs_naive = ours > 0 ? rep.naive_ms / ours : 0.0;
  }

  // ---- Several videos: 1 worker vs 2 (the pattern of `analyse --jobs`).
  if (o.jobs) {
    say(o, "workers: 2 videos with 1 and 2 workers");
    for (int workers : {1, 2}) {
      JobsRow row;
      row.workers = workers;
      row.videos = 2;
      std::atomic<int> next{0};
      std::atomic<std::int64_t> frames{0};
      Error failure;
      std::atomic<bool> failed{false};
      const auto t = Clock::now();
      auto worker = [&] {
        for (int i = next++; i < row.videos; i = next++) {
          auto n = timed_replay(o, model, scratch_dir(fmt::format("jobs{}", i)));
          if (!n) {
            failed = true;
            failure = n.error();
            return;
          }
          frames += n.value();
        }
      };
      std::vector<std::thread> pool;
      for (int j = 1; j < workers; ++j)
        pool.emplace_back(worker);
      worker();
      for (auto& th : pool)
        th.join();
      if (failed)
        return failure;
      row.wall_s = seconds_since(t);
      row.fps = static_cast<double>(frames.load()) / row.wall_s;
      rep.jobs.push_back(row);
      for (int i = 0; i < row.videos; ++i) {
        std::error_code ec;
        std::filesystem::remove_all(scratch_dir(fmt::format("jobs{}", i)), ec);
      }
    }
  }

  // ---- Live: the paced file source as a camera at the file's rate and twice it.
  if (o.live) {
    for (double speed : {1.0, 2.0}) {
      say(o, fmt::format("live at {:g}x ({:.0f} frames/s) for {:.0f} s", speed,
                         rep.video_fps * speed, o.live_seconds));
      auto file = open_video_file(o.video);
      if (!file)
        return file.error();
      PacedOptions po;
      po.speed = speed;
      po.loop = true;
      LivePipeline live(model, o.analyser, o.model_path.string());
      if (Status st = live.start(make_paced_source(std::move(file).value(), po)); !st)
        return st.error();
      std::vector<LiveRecord> records;
      std::uint64_t seq = 0;
      const auto t = Clock::now();
      while (seconds_since(t) < o.live_seconds) {
        std::this_thread::sleep_for(std::chrono::milliseconds(100));
        seq = live.records_after(seq, records);
      }
      auto snap = live.snapshot();
      live.stop();
      LiveRun run;
      run.speed = speed;
      run.fps = rep.video_fps * speed;
      std::vector<double> latency;
      for (const LiveRecord& r : records) {
        if (r.record.metrics.t >= 1.0)
          latency.push_back(r.latency_ms);  // after acquisition
      }
      run.latency_ms = percentiles(latency);
      if (snap) {
        run.captured = snap->stats.captured;
        run.analysed = snap->stats.analysed;
        run.dropped = snap->stats.dropped;
      }
      rep.live.push_back(run);
    }
  }

  // ---- Memory soak: the video looped to soak_minutes, resident memory sampled as it is analysed.
  if (o.soak_minutes > 0) {
    say(o, fmt::format("memory soak: {:.0f} min of video", o.soak_minutes));
    auto looped = looped_video(o.video, o.soak_minutes);
    if (!looped)
      return looped.error();
    const auto out = scratch_dir("soak");
    if (Status st = prepare_output_dir(out, true); !st)
      return st.error();
    ReplayRequest req;
    req.video = looped.value();
    req.out_dir = out;
    req.model = model;
    req.model_path = o.model_path.string();
    req.analyser = o.analyser;
    double next_sample = 0.0;
    req.on_progress = [&](const ReplayProgress& p) {
      if (p.t >= next_sample) {
        rep.soak.push_back({p.t, resident_mib()});
        next_sample = p.t + 30.0;
      }
      rep.soak_video_s = p.t;
    };
    auto r = analyse_video(req);
    if (!r)
      return r.error();
    rep.soak.push_back({rep.soak_video_s, resident_mib()});
    std::error_code ec;
    std::filesystem::remove_all(out, ec);
  }
  rep.peak_rss_mib = peak_resident_mib();
  return rep;
}

std::string format_bench_report(const BenchReport& r) {
  std::string s;
  s += fmt::format("facetwitch bench: {} ({}x{}, {:.1f} fps)\n", r.video, r.width, r.height,
                   r.video_fps);
  s += fmt::format("  machine: {}, {} cores\n\n", r.cpu, r.cores);

  s += "start-up\n";
  s += fmt::format(
      "  model load {:.0f} ms, analyser {:.0f} ms, first frame decoded + analysed {:.0f} ms: "
      "total {:.0f} ms\n",
      r.model_load_ms, r.analyser_ms, r.first_frame_ms, r.startup_total_ms);
  if (r.launch_to_first_frame_ms >= 0) {
    s += fmt::format("  from process launch to the first analysed frame: {:.0f} ms\n",
                     r.launch_to_first_frame_ms);
  }

  s += fmt::format(
      "\nper frame, ms ({} frames, detector on the analysis thread in {}; decode excluded;\n"
      "  'total CPU' is the analysis thread's CPU time: the frame's cost without the time other\n"
      "  processes held the core)\n",
      r.frames, r.detector_frames);
  s += fmt::format("  {:<9} {:>8} {:>8} {:>8} | {:>13} {:>12}\n", "stage", "median", "p99", "max",
                   "tracking med", "tracking p99");
  for (const StageRow& row : r.stages) {
    s += fmt::format("  {:<9} {:>8} {:>8} {:>8} | {:>13} {:>12}\n", row.name,
                     fmt_ms(row.all.median), fmt_ms(row.all.p99), fmt_ms(row.all.max),
                     fmt_ms(row.tracking.median), fmt_ms(row.tracking.p99));
  }
  const double med = r.stages.size() < 6 ? 0.0 : r.stages[5].all.median;
  s += fmt::format(
      "  = {:.0f} frames/s of analysis alone (median); background re-check late on {} frames "
      "(longest wait {:.1f} ms)\n",
      med > 0 ? 1000.0 / med : 0.0, r.recheck_waits, r.recheck_wait_max_ms);

  s += "\nreplay throughput (frames/s, median of runs)\n";
  auto runs = [](const std::vector<double>& v) {
    std::string t;
    for (double x : v)
      t += fmt::format("{}{:.0f}", t.empty() ? "" : " ", x);
    return t;
  };
  s += fmt::format("  decode only (OpenCV read loop)   {:7.1f}   runs: {}\n", r.decode_fps,
                   runs(r.decode_runs));
  s += fmt::format("  analyse (decode thread + files)  {:7.1f}   runs: {}\n", r.analyse_fps,
                   runs(r.analyse_runs));
  s += fmt::format("  analyse / decode only = {:.2f}; {:.1f}x real time\n", r.analyse_ratio,
                   r.realtime_factor);

  if (r.naive_frames > 0) {
    s += fmt::format("\nnaive loop (HOG detection on every full frame + landmarks), {} frames\n",
                     r.naive_frames);
    s += fmt::format("  {:.1f} ms per frame ({:.1f} frames/s); ours {:.2f} ms: {:.0f}x faster\n",
                     r.naive_ms, r.naive_fps, med, r.speedup_vs_naive);
  }
  if (!r.jobs.empty()) {
    s += "\nseveral videos (analyse --jobs)\n";
    s += fmt::format("  {:>7} {:>6} {:>8} {:>9}\n", "workers", "videos", "wall s", "frames/s");
    for (const JobsRow& j : r.jobs) {
      s += fmt::format("  {:>7} {:>6} {:>8.1f} {:>9.1f}\n", j.workers, j.videos, j.wall_s, j.fps);
    }
  }
  if (!r.live.empty()) {
    s += "\nlive (paced file source as the camera), capture -> results published, ms\n";
    s += fmt::format("  {:>6} {:>8} {:>8} {:>8} {:>9} {:>9} {:>8}\n", "fps", "median", "p99", "max",
                     "captured", "analysed", "dropped");
    for (const LiveRun& l : r.live) {
      s += fmt::format("  {:>6.0f} {:>8} {:>8} {:>8} {:>9} {:>9} {:>8}\n", l.fps,
                       fmt_ms(l.latency_ms.median), fmt_ms(l.latency_ms.p99),
                       fmt_ms(l.latency_ms.max), l.captured, l.analysed, l.dropped);
    }
  }
  if (!r.soak.empty()) {
    s += fmt::format("\nmemory soak: {:.1f} min of video, resident MiB\n", r.soak_video_s / 60.0);
    for (const SoakSample& x : r.soak)
      s += fmt::format("  {:6.0f} s  {:7.1f}\n", x.video_s, x.rss_mib);
  }
  s += fmt::format("\npeak resident memory of this run: {:.0f} MiB\n", r.peak_rss_mib);
  return s;
}

}  // namespace ft
