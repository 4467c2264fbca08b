// cmd_bench.cpp: `facetwitch bench [VIDEO]`: the end-to-end performance benchmark
// (pipeline/bench.hpp). Without VIDEO it generates (once, cached under <cache>/bench/) a 20 s test
// video of the astronaut at
// --size (default 1280x720) and 30 fps, so that it runs anywhere the demo runs.
#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <fstream>
#include <sstream>
#include <string>

#include <fmt/format.h>

#include "app/analysis_options.hpp"
#include "app/commands.hpp"
#include "app/terminal.hpp"
#include "face/model_locator.hpp"
#include "pipeline/bench.hpp"

namespace ft::app {

namespace {

struct BenchCli {
  std::string video;
  std::string size = "1280x720";
  std::int64_t frames = 0;
  int repeat = 3;
  int naive_frames = 30;
  bool no_live = false;
  bool no_jobs = false;
  double live_seconds = 10.0;
  double soak_minutes = 0.0;
  AnalysisCli analysis;
};

// When this process was launched, on the steady clock (from /proc: 10 ms resolution).
std::chrono::steady_clock::time_point process_launch() {
  const auto now = std::chrono::steady_clock::now();
  std::ifstream stat("/proc/self/stat"), up("/proc/uptime");
  std::string text((std::istreambuf_iterator<char>(stat)), std::istreambuf_iterator<char>());
  const auto paren = text.rfind(')');
  double uptime = 0.0;
  if (paren == std::string::npos || !(up >> uptime))
    return {};
  std::istringstream fields(text.substr(paren + 2));
  std::string field;
  // Fields after the command name start at 3 (state); starttime is field 22.
  for (int i = 3; i <= 22 && (fields >> field); ++i) {
  }
  const double ticks = static_cast<double>(::sysconf(_SC_CLK_TCK));
  const double started_s = std::stod(field) / ticks;
  const double age_s = std::max(0.0, uptime - started_s);
  return now - std::chrono::duration_cast<std::chrono::steady_clock::duration>(
                   std::chrono::duration<double>(age_s));
}

int run(const BenchCli& o) {
  const auto launched = process_launch();
  auto model_path = locate_model(o.analysis.model);
  if (!model_path)
    return report(model_path.error());

  BenchOptions b;
  b.model_path = model_path.value();
  b.analyser = o.analysis.resolved();
  b.frames = o.frames;
  b.repeat = o.repeat;
  b.naive_frames = o.naive_frames;
  b.live = !o.no_live;
  b.jobs = !o.no_jobs;
  b.live_seconds = o.live_seconds;
  b.soak_minutes = o.soak_minutes;
  b.log = [](const std::string& line) { std::fprintf(stderr, "bench: %s\n", line.c_str()); };
  if (o.video.empty()) {
    int w = 0, h = 0;
    if (std::sscanf(o.size.c_str(), "%dx%d", &w, &h) != 2 || w < 160 || h < 120) {
      return report(make_error(ErrorKind::BadArguments, "--size must be WxH, e.g. 1280x720"));
    }
    const Scenario scenario = bench_scenario(w, h);
    std::fprintf(stderr, "bench: test video %s\n", bench_video_dir(scenario).string().c_str());
    ProgressBar bar("bench video");
    auto video = ensure_bench_video(scenario, b.model_path, [&bar](int done, int total) {
      bar.update(static_cast<double>(done) / total, done, 0.0);
    });
    bar.done();
    if (!video)
      return report(video.error());
    b.video = video.value();
  } else {
    b.video = o.video;
    b.launched =
        launched;  // with a generated video, launch-to-first-frame would include generating it
  }
  auto rep = run_bench(b);
  if (!rep)
    return report(rep.error());
  std::fputs(format_bench_report(rep.value()).c_str(), stdout);
  return 0;
}

}  // namespace

void register_bench(CLI::App& root, int& exit_code) {
  auto opts = std::make_shared<BenchCli>();
  CLI::App* cmd = root.add_subcommand(
      "bench",
      "measure speed: per-stage times, replay vs decode-only, naive loop, workers, live latency");
  cmd->add_option("video", opts->video,
                  "video to measure (default: a generated 20 s test video, cached)");
  cmd->add_option("--size", opts->size, "size of the generated test video, WxH")
      ->capture_default_str();
  cmd->add_option("--frames", opts->frames, "frames used (0: the whole video)")
      ->check(CLI::Range(0, 100000000));
  cmd->add_option("--repeat", opts->repeat, "throughput runs (median kept)")
      ->check(CLI::Range(1, 20))
      ->capture_default_str();
  cmd->add_option("--naive-frames", opts->naive_frames,
                  "frames of the naive detect-every-frame loop (0: skip)")
      ->check(CLI::Range(0, 10000))
      ->capture_default_str();
  cmd->add_flag("--no-live", opts->no_live, "skip the live latency runs");
  cmd->add_flag("--no-jobs", opts->no_jobs, "skip the 1 vs 2 workers runs");
  cmd->add_option("--live-seconds", opts->live_seconds, "length of each live run")
      ->check(CLI::Range(2.0, 600.0))
      ->capture_default_str();
  cmd->add_option("--soak-minutes", opts->soak_minutes,
                  "memory soak on the video looped to this length (0: skip)")
      ->check(CLI::Range(0.0, 600.0));
  add_analysis_options(cmd, opts->analysis);
  cmd->callback([opts, &exit_code] { exit_code = run(*opts); });
}

}  // namespace ft::app
