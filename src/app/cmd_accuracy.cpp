// cmd_accuracy.cpp: `facetwitch accuracy`: the accuracy benchmark. Generates the fixed suite of
// ground-truth videos (cached; regenerated when the generator changes), analyses every video with the
// current analyser, scores the results against truth.json and prints one table.
#include <atomic>
#include <cstdio>
#include <mutex>
#include <thread>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "app/analysis_options.hpp"
#include "app/commands.hpp"
#include "core/paths.hpp"
#include "io/session.hpp"
#include "capture/frame_source.hpp"
#include "pipeline/analyser.hpp"
#include "pipeline/replay.hpp"
#include "synth/accuracy.hpp"
#include "synth/evaluation.hpp"
#include "synth/generator.hpp"

namespace ft::app {

namespace {

struct AccuracyCli {
  std::string out;
  std::string face;
  int jobs = 0;
  bool verbose = false;
  AnalysisCli analysis;
};

bool cached(const std::filesystem::path& dir, const Scenario& s) {
  auto truth = read_truth(dir / "truth.json");
  std::error_code ec;
  return truth && truth->generator_version == kSynthGeneratorVersion && truth->scenario &&
         to_json(*truth->scenario) == to_json(s) && std::filesystem::is_regular_file(dir / "video.mp4", ec);
}

int run(const AccuracyCli& o) {
  auto model = load_model(o.analysis.model);
  if (!model) return report(model.error());
  std::filesystem::path photo = o.face;
  if (photo.empty()) {
    auto p = find_demo_photo();
    if (!p) return report(make_error(ErrorKind::Input, "the astronaut portrait is not in the cache: run scripts/setup.sh"));
    photo = *p;
  }
  const std::filesystem::path root = o.out.empty() ? cache_dir() / "accuracy" : std::filesystem::path(o.out);
  const std::vector<SuiteVideo> suite = accuracy_suite();
  std::vector<VideoResult> results(suite.size());
  std::vector<std::string> errors(suite.size());
  std::atomic<std::size_t> next{0};
  std::atomic<int> done{0};
  std::mutex print;
  auto worker = [&] {
    for (std::size_t i = next++; i < suite.size(); i = next++) {
      const auto& v = suite[i];
      const std::filesystem::path dir = root / v.name;
      if (!cached(dir, v.scenario)) {
        auto g = generate_video(v.scenario, photo, dir, model->path);
        if (!g) {
          errors[i] = g.error().message;
          continue;
        }
      }
      auto truth = read_truth(dir / "truth.json");
      if (!truth) {
        errors[i] = truth.error().message;
        continue;
      }
      ReplayRequest req;
      req.video = dir / "video.mp4";
      req.out_dir = dir / "analysis";
      if (Status st = prepare_output_dir(req.out_dir, true); !st) {
        errors[i] = st.error().message;
        continue;
      }
      req.model = model->model;
      req.model_path = model->path;
      req.analyser = o.analysis.resolved();
      auto s = analyse_video(req);
      if (!s) {
        errors[i] = s.error().message;
        continue;
      }
      results[i].video = &v;
      results[i].truth = truth.value();
      results[i].found = s->episodes;
      results[i].blinks = s->blinks;
      results[i].duration_s = s->duration_s;
      std::lock_guard lock(print);
      ++done;
      std::fprintf(stderr, "\r[%d/%zu] %s          ", done.load(), suite.size(), v.name.c_str());
      if (o.verbose) {
        const Evaluation ev = evaluate_episodes(results[i].truth, results[i].found);
        std::fprintf(stderr, "\n%s", format_evaluation(results[i].truth, results[i].found, ev).c_str());
      }
    }
  };
  const unsigned hw = std::max(1u, std::thread::hardware_concurrency());
  const std::size_t jobs = o.jobs > 0 ? static_cast<std::size_t>(o.jobs) : hw;
  std::vector<std::thread> pool;
  for (std::size_t j = 1; j < jobs; ++j) pool.emplace_back(worker);
  worker();
  for (auto& t : pool) t.join();
  std::fprintf(stderr, "\n");
  for (std::size_t i = 0; i < suite.size(); ++i) {
    if (!errors[i].empty()) {
      std::fprintf(stderr, "facetwitch: %s: %s\n", suite[i].name.c_str(), errors[i].c_str());
      return exit_code(ErrorKind::Internal);
    }
  }
  const AccuracyReport rep = score_suite(results);
  std::fputs(format_accuracy_report(rep, suite.size()).c_str(), stdout);

  // Jitter on a still face, landmark only vs refined by the flow.
  {
    const Scenario still = jitter_scenario();
    const std::filesystem::path dir = root / "still";
    if (!cached(dir, still)) {
      auto g = generate_video(still, photo, dir, model->path);
      if (!g) return report(g.error());
    }
    auto measure = [&](bool flow) -> Result<std::vector<FaceMetrics>> {
      auto src = open_video_file(dir / "video.mp4");
      if (!src) return src.error();
      AnalyserOptions opts = o.analysis.resolved();
      opts.local_motion.enabled = flow;
      FrameAnalyser analyser(model->model, opts);
      std::vector<FaceMetrics> out;
      Frame frame;
      while ((*src)->read(frame) == ReadStatus::Frame) out.push_back(analyser.process(frame).metrics);
      return out;
    };
    auto plain = measure(false);
    if (!plain) return report(plain.error());
    auto flow = measure(true);
    if (!flow) return report(flow.error());
    std::fputs(format_jitter_report(measure_jitter(plain.value(), flow.value(), still.noise_sigma)).c_str(), stdout);
  }
  std::fputs(fmt::format("\n  videos and per-video analyses in {}\n", root.string()).c_str(), stdout);
  return 0;
}

}  // namespace

void register_accuracy(CLI::App& root, int& exit_code) {
  auto o = std::make_shared<AccuracyCli>();
  CLI::App* cmd = root.add_subcommand("accuracy", "accuracy benchmark: generate the ground-truth suite, analyse it, print the table");
  cmd->add_option("--out,-o", o->out, "folder for the suite's videos and analyses (default: <cache>/accuracy)");
  cmd->add_option("--face", o->face, "face photo (default: the cached astronaut portrait)");
  cmd->add_option("--jobs,-j", o->jobs, "videos processed in parallel (default: one per core)")->check(CLI::Range(1, 64));
  cmd->add_flag("--verbose,-v", o->verbose, "print each video's truth-vs-found table");
  add_analysis_options(cmd, o->analysis);
  cmd->callback([o, &exit_code] { exit_code = run(*o); });
}

}  // namespace ft::app
