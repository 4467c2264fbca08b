// main.cpp: the `facetwitch` executable: command-line parsing and wiring only.
#include <signal.h>

#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <exception>
#include <string>
#include <string_view>
#include <vector>

#include <CLI/CLI.hpp>

#include "app/analysis_options.hpp"
#include "app/commands.hpp"
#include "core/error.hpp"
#include "pipeline/analyser.hpp"

namespace {

// Edit distance (insertions, deletions, substitutions, adjacent transpositions), for suggestions.
std::size_t distance(std::string_view a, std::string_view b) {
  std::vector<std::vector<std::size_t>> d(a.size() + 1, std::vector<std::size_t>(b.size() + 1));
  for (std::size_t i = 0; i <= a.size(); ++i) d[i][0] = i;
  for (std::size_t j = 0; j <= b.size(); ++j) d[0][j] = j;
  for (std::size_t i = 1; i <= a.size(); ++i) {
    for (std::size_t j = 1; j <= b.size(); ++j) {
      d[i][j] = std::min({d[i - 1][j] + 1, d[i][j - 1] + 1, d[i - 1][j - 1] + (a[i - 1] == b[j - 1] ? 0 : 1)});
      if (i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1]) d[i][j] = std::min(d[i][j], d[i - 2][j - 2] + 1);
    }
  }
  return d[a.size()][b.size()];
}

// The nearest of `names` to `word`, or "" when none is close (at most a third of the word's letters wrong).
std::string nearest(std::string_view word, const std::vector<std::string>& names) {
  std::string best;
  std::size_t best_d = std::max<std::size_t>(1, word.size() / 3) + 1;
  for (const auto& n : names) {
    const std::size_t dd = distance(word, n);
    if (dd < best_d) {
      best_d = dd;
      best = n;
    }
  }
  return best;
}

// "facetwitch COMMAND ...", then one line per command.
std::string command_list(const CLI::App& app) {
  std::string out = "usage: facetwitch COMMAND [options]   (facetwitch COMMAND --help for its options)\n\ncommands:\n";
  for (const CLI::App* c : app.get_subcommands([](const CLI::App*) { return true; })) {
    out += "  " + c->get_name() + std::string(c->get_name().size() < 10 ? 10 - c->get_name().size() : 1, ' ') +
           c->get_description() + "\n";
  }
  out += "\n  --version  print the version\n";
  return out;
}

}  // namespace

int main(int argc, char** argv) {
  // A file-size limit (ulimit -f) is met like a full disk: without this its signal, SIGXFSZ, would kill
  // the process mid-write without a word; ignored, the write fails with EFBIG and the command reports
  // "cannot write to 'F': File too large (is the disk full?)" and exits 5, its files closed.
  ::signal(SIGXFSZ, SIG_IGN);
  // FFmpeg's and OpenCV's own log lines ("[h264 @ 0x...] Invalid NAL unit size") mean nothing to the
  // user next to our messages, which say what happened and what to do. Set these variables to see them.
  ::setenv("OPENCV_FFMPEG_LOGLEVEL", "-8", 0);
  ::setenv("OPENCV_LOG_LEVEL", "SILENT", 0);
  ft::configure_opencv_threads();
  CLI::App app{"facetwitch: measures involuntary twitching of the lip corners and eyelids, and facial "
               "asymmetry, from a webcam or a recorded video."};
  app.set_version_flag("--version", FACETWITCH_VERSION);
  app.require_subcommand(1);
  int exit_code = 0;
  ft::app::register_analyse(app, exit_code);
  ft::app::register_synth(app, exit_code);
  ft::app::register_demo(app, exit_code);
  ft::app::register_bench(app, exit_code);
  ft::app::register_accuracy(app, exit_code);
  ft::app::register_record(app, exit_code);
  ft::app::register_report(app, exit_code);
  ft::app::register_history(app, exit_code);
  ft::app::register_gui(app, exit_code);
  ft::app::reject_non_finite_numbers(app);
  // No command, `help`, or a word that is not a command: say what there is.
  std::vector<std::string> names{"help", "--help", "--version"};
  for (const CLI::App* c : app.get_subcommands([](const CLI::App*) { return true; })) {
    names.push_back(c->get_name());
    for (const auto& a : c->get_aliases()) names.push_back(a);
  }
  if (argc < 2) {
    std::fprintf(stderr, "facetwitch: a command is required\n\n%s", command_list(app).c_str());
    return ft::exit_code(ft::ErrorKind::BadArguments);
  }
  const std::string first = argv[1];
  if (first == "help") {
    std::fputs(command_list(app).c_str(), stdout);
    return 0;
  }
  if (std::find(names.begin(), names.end(), first) == names.end() && first != "-h") {
    const std::string near = nearest(first, names);
    const bool dash = first.rfind("-", 0) == 0;
    if (!dash || !near.empty()) {
      std::fprintf(stderr, "facetwitch: '%s' is not a %s%s\n\n%s", first.c_str(), dash ? "command or option" : "command",
                   near.empty() ? "" : (". Did you mean '" + near + "'?").c_str(), command_list(app).c_str());
      return ft::exit_code(ft::ErrorKind::BadArguments);
    }
  }
  try {
    app.parse(argc, argv);
  } catch (const CLI::CallForHelp& e) {
    return app.exit(e);
  } catch (const CLI::CallForAllHelp& e) {
    return app.exit(e);
  } catch (const CLI::CallForVersion& e) {
    return app.exit(e);
  } catch (const CLI::ParseError& e) {
    app.exit(e);
    return ft::exit_code(ft::ErrorKind::BadArguments);
  } catch (const std::exception& e) {
    std::fprintf(stderr, "facetwitch: internal error: %s\n", e.what());
    return ft::exit_code(ft::ErrorKind::Internal);
  }
  return exit_code;
}
