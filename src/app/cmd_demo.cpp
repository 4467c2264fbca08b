// cmd_demo.cpp: `facetwitch demo`: the built-in default job. Generates the ground-truth demo video from
// the public-domain astronaut portrait (once; cached), analyses it, prints the result table and the
// comparison with what was injected. With a display and the window built, opens the window on it.
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <vector>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "app/analysis_options.hpp"
#include "app/commands.hpp"
#include "app/terminal.hpp"
#include "core/paths.hpp"
#include "io/session.hpp"
#include "pipeline/replay.hpp"
#include "synth/evaluation.hpp"
#include "synth/generator.hpp"
#include "synth/scenario.hpp"

namespace ft::app {

namespace {

struct DemoCli {
  std::string out;
  std::string face;
  bool regenerate = false;
  bool no_window = false;
  AnalysisCli analysis;
};

// The demo video, generated on first use into the cache; regenerated when the demo scenario changed.
Result<std::filesystem::path> ensure_demo_video(const DemoCli& o, const std::string& model_path) {
  const std::filesystem::path dir = cache_dir() / "demo";
  const Scenario scenario = demo_scenario();
  std::error_code ec;
  if (!o.regenerate && std::filesystem::is_regular_file(dir / "video.mp4", ec)) {
    auto truth = read_truth(dir / "truth.json");
    if (truth && truth->generator_version == kSynthGeneratorVersion && truth->scenario &&
        to_json(*truth->scenario) == to_json(scenario)) {
      return dir;
    }
  }
  std::filesystem::path photo = o.face;
  if (photo.empty()) {
    auto cached = find_demo_photo();
    if (!cached) {
      std::string msg = "the demo photo is not in ";
      msg += (cache_dir() / "astronaut.png").string();
      msg += " nor in ";
      msg += (installed_data_dir() / "astronaut.png").string();
      msg += ": pass --face PHOTO (a frontal face photo), or put the public-domain astronaut portrait "
             "(skimage/data/astronaut.png in Debian's python3-skimage) in the cache; from a source tree, "
             "scripts/setup.sh fetches it";
      return make_error(ErrorKind::Input, msg);
    }
    photo = *cached;
  }
  std::fprintf(stderr, "generating the demo video (once) into %s ...\n", dir.string().c_str());
  ProgressBar bar("demo video");
  auto report = generate_video(scenario, photo, dir, model_path, [&bar](int done, int total) {
    bar.update(static_cast<double>(done) / total, done, 0.0);
  });
  bar.done();
  if (!report) return report.error();
  return dir;
}

#if FACETWITCH_HAVE_GUI
bool display_available() {
  const char* d = std::getenv("DISPLAY");
  const char* w = std::getenv("WAYLAND_DISPLAY");
  return (d && *d) || (w && *w);
}
#endif

int run(const DemoCli& o) {
  auto model = load_model(o.analysis.model);
  if (!model) return report(model.error());
  auto dir = ensure_demo_video(o, model->path);
  if (!dir) return report(dir.error());
  const std::filesystem::path video = dir.value() / "video.mp4";
  const std::filesystem::path out = o.out.empty() ? dir.value() / "analysis" : std::filesystem::path(o.out);
  auto out_lock = OutputDirLock::acquire(out);  // a second run into the same folder is refused
  if (!out_lock) return report(out_lock.error());
  if (Status st = prepare_output_dir(out, o.out.empty()); !st) return report(st.error());


  ReplayRequest req;
  req.video = video;
  req.out_dir = out;
  req.model = model->model;
  req.model_path = model->path;
  req.analyser = o.analysis.resolved();
  ProgressBar bar("analysing");
  req.on_progress = [&bar](const ReplayProgress& p) {
    bar.update(p.duration_s > 0 ? p.t / p.duration_s : -1.0, static_cast<long>(p.frames), p.t);
  };
  auto summary = analyse_video(req);
  bar.done();
  if (!summary) return report(summary.error());
  std::fputs(format_summary_table(summary.value()).c_str(), stdout);
  std::fputs(fmt::format("  written to {}\n\n", out.string()).c_str(), stdout);
  if (auto truth = read_truth(dir.value() / "truth.json")) {
    std::fputs("Compared with what the demo video contains (truth.json):\n", stdout);
    const Evaluation ev = evaluate_episodes(truth.value(), summary->episodes);
    std::fputs(format_evaluation(truth.value(), summary->episodes, ev).c_str(), stdout);
    std::fputs(fmt::format("  blinks injected {}, counted {}\n", truth->blinks.size(), summary->blinks.size()).c_str(), stdout);
  }
#if FACETWITCH_HAVE_GUI
  if (!o.no_window && display_available()) {
    // With a display: open the analyser window on the demo video (the same executable, `gui`).
    std::fflush(stdout);
    const std::string self = (executable_dir() / "facetwitch").string();
    const std::string source = video.string();
    std::vector<char*> argv{const_cast<char*>("facetwitch"), const_cast<char*>("gui"), const_cast<char*>("--source"),
                            const_cast<char*>(source.c_str()), nullptr};
    execv(self.c_str(), argv.data());
    std::fprintf(stderr, "facetwitch: could not open the window (%s); the results above stand\n", std::strerror(errno));
  }
#endif
  return 0;
}

}  // namespace

void register_demo(CLI::App& root, int& exit_code) {
  auto opts = std::make_shared<DemoCli>();
  CLI::App* cmd = root.add_subcommand("demo", "generate the built-in demo video (once), analyse it, print the results");
  cmd->add_option("--out,-o", opts->out, "output folder for the analysis (default: <cache>/demo/analysis)");
  cmd->add_option("--face", opts->face, "face photo for the demo video (default: the cached astronaut portrait)");
  cmd->add_flag("--regenerate", opts->regenerate, "generate the demo video again");
  cmd->add_flag("--no-window", opts->no_window, "never open the window, even with a display");
  add_analysis_options(cmd, opts->analysis);
  cmd->callback([opts, &exit_code] { exit_code = run(*opts); });
}

}  // namespace ft::app
