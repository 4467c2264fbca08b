// main.cpp: the `facetwitch` executable: command-line parsing and wiring only.
#include <cstdio>
#include <cstdlib>
#include <exception>

#include <CLI/CLI.hpp>

#include "app/commands.hpp"
#include "core/error.hpp"
#include "pipeline/analyser.hpp"

int main(int argc, char** argv) {
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
