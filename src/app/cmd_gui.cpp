// cmd_gui.cpp: `facetwitch gui`: the analyser window (Dear ImGui + GLFW + OpenGL 3.3). The command
// always exists; in a build without the window (-DFACETWITCH_GUI=OFF, or its libraries missing) it
// says so and exits with code 2.
#include <cstdio>
#include <string>

#include "app/analysis_options.hpp"
#include "app/commands.hpp"
#include "core/error.hpp"

#if FACETWITCH_HAVE_GUI
#include "ui/gui_app.hpp"
#endif

namespace ft::app {

namespace {

struct GuiCli {
  std::string source;
  std::string file;  // positional: `facetwitch gui FILE` (the desktop entry's "Open with")
  double fail_after = -1.0;
  double paced_speed = 1.0;
  bool loop = false;
  double run_for = -1.0;
  bool until_analysed = false;
  std::string screenshot;
  std::string counters_json;
  std::string size = "1440x900";
  std::string replay_speed = "1";
  std::string record;
  double seek = -1.0;
  bool paused = false;
  bool fullscreen = false;
  std::string panel;
  std::string history;
  bool no_history = false;
  std::string history_patient;
  bool history_patient_given = false;
  std::string settings;
  std::string protocol;
  std::string patient;
  std::string save_session;
  std::string notes;
  AnalysisCli analysis;
};

[[maybe_unused]] bool parse_size(const std::string& s, int& w, int& h) {
  const auto x = s.find_first_of("xX");
  if (x == std::string::npos)
    return false;
  try {
    std::size_t used = 0;
    w = std::stoi(s.substr(0, x), &used);
    if (used != x)
      return false;
    const std::string hs = s.substr(x + 1);
    h = std::stoi(hs, &used);
    if (used != hs.size())
      return false;
  } catch (...) {
    return false;
  }
  return w >= 320 && h >= 240 && w <= 16384 && h <= 16384;
}

}  // namespace

void register_gui(CLI::App& root, int& exit_code) {
  auto o = std::make_shared<GuiCli>();
  CLI::App* cmd =
      root.add_subcommand("gui", "open the analyser window (camera, recorded video, demo)");
  cmd->alias("window");
  cmd->add_option(
      "--source", o->source,
      "what to open: a video file, paced:FILE (a file delivered in real time, standing in for a "
      "camera), camera:N or /dev/videoN, or demo");
  cmd->add_option("file", o->file,
                  "a video file to open, as with --source FILE (what a file manager's \"Open with\" passes)");
  cmd->add_option(
      "--fail-after", o->fail_after,
      "with paced:FILE, fail like an unplugged camera after this many seconds (testing)");
  cmd->add_flag("--loop", o->loop, "with paced:FILE, play the file in a loop");
  cmd->add_option("--paced-speed", o->paced_speed,
                  "with paced:FILE, deliver frames at this multiple of real time (testing)")
      ->check(CLI::Range(0.05, 16.0));
  cmd->add_option(
         "--run-for", o->run_for,
         "exit (code 0) this many seconds after the source opened; a replay also waits until every "
         "frame is analysed, so the counts are final")
      ->check(CLI::Range(0.0, 86400.0));
  cmd->add_flag(
      "--until-analysed", o->until_analysed,
      "with --run-for: wait for the whole file to be analysed (always the case in replay)");
  cmd->add_option("--save-session", o->save_session,
                  "replay: once the file is analysed, save the session folder DIR (with --patient and --notes) "
                  "and make its report.html, as the Results tab's Save session and Make report buttons do");
  cmd->add_option("--notes", o->notes,
                  "a text file (UTF-8, at most 64 KiB) put in the Save session notes field");
  cmd->add_option("--screenshot", o->screenshot,
                  "write a PNG of the whole window just before exiting");
  cmd->add_option("--counters-json", o->counters_json,
                  "write every counter shown, the episodes and the video's rectangle to this JSON "
                  "file at exit");
  cmd->add_option("--size", o->size, "window size WxH (default 1440x900)");
  cmd->add_option("--replay-speed", o->replay_speed,
                  "replay speed: 0.25, 0.5, 1, 2, 4 or max (default 1)");
  cmd->add_option("--record", o->record,
                  "live source: record from the first frame into this new or empty folder");
  cmd->add_option("--seek", o->seek, "replay: start at this time (seconds)")
      ->check(CLI::Range(0.0, 1e7));
  cmd->add_flag("--paused", o->paused, "replay: start paused");
  cmd->add_flag("--fullscreen", o->fullscreen, "start full screen");
  cmd->add_option("--panel", o->panel,
                  "show this panel at start: results, source, settings, asymmetry, protocol, history or help")
      ->check(CLI::IsMember({"results", "source", "settings", "asymmetry", "protocol", "history", "help"}));
  cmd->add_option("--protocol", o->protocol,
                  "live source: run the guided screening protocol from the first frame (a step file, or 'standard'); "
                  "records into --record, or a new folder in the recordings folder");
  add_patient_option(cmd, o->patient, "the recordings' summary.json and protocol.json");
  cmd->add_option("--history", o->history,
                  "session history file for the History tab (default $FACETWITCH_HISTORY, else "
                  "$XDG_DATA_HOME/facetwitch/history.sqlite)");
  cmd->add_flag("--no-history", o->no_history,
                "do not add recordings made in the window to the session history");
  cmd->add_option("--history-patient", o->history_patient,
                  "the History tab shows this patient's sessions only (its Patient filter)")
      ->each([o](const std::string&) { o->history_patient_given = true; });
  cmd->add_option(
      "--settings", o->settings,
      "settings file (default $XDG_CONFIG_HOME/facetwitch/settings.json, ~/.config/...)");
  add_analysis_options(cmd, o->analysis);
  cmd->callback([o, cmd, &exit_code] {
#if FACETWITCH_HAVE_GUI
    ft::ui::GuiOptions g;
    if (!parse_size(o->size, g.width, g.height)) {
      std::fprintf(stderr, "facetwitch: --size must be WxH, e.g. 1440x900 (at least 320x240)\n");
      exit_code = ft::exit_code(ErrorKind::BadArguments);
      return;
    }
    if (o->replay_speed == "max") {
      g.replay_speed = 0.0;
    } else {
      try {
        std::size_t used = 0;
        g.replay_speed = std::stod(o->replay_speed, &used);
        if (used != o->replay_speed.size() || !(g.replay_speed > 0.0) || g.replay_speed > 64.0)
          throw 0;
      } catch (...) {
        std::fprintf(stderr,
                     "facetwitch: --replay-speed must be a number such as 0.5, 1, 4, or max\n");
        exit_code = ft::exit_code(ErrorKind::BadArguments);
        return;
      }
    }
    if (!o->file.empty() && !o->source.empty() && o->file != o->source) {
      std::fprintf(stderr, "facetwitch: gui takes one source: a FILE or --source, not both\n");
      exit_code = ft::exit_code(ErrorKind::BadArguments);
      return;
    }
    g.source = o->file.empty() ? o->source : o->file;
    g.fail_after_s = o->fail_after;
    g.paced_speed = o->paced_speed;
    g.loop = o->loop;
    g.run_for_s = o->run_for;
    g.screenshot = o->screenshot;
    g.counters_json = o->counters_json;
    g.record_dir = o->record;
    g.seek_s = o->seek;
    g.paused = o->paused;
    g.fullscreen = o->fullscreen;
    g.panel = o->panel;
    g.protocol = o->protocol;
    g.patient = o->patient;
    g.save_session = o->save_session;
    g.notes_file = o->notes;
    g.history_file = o->history;
    g.no_history = o->no_history;
    if (o->history_patient_given) g.history_patient = o->history_patient;
    g.model = o->analysis.model;
    g.settings_file = o->settings;
    g.baseline_s = o->analysis.analyser.baseline_s;
    // Sensitivity given on the command line wins over the saved settings (and is not saved).
    const char* twitch_options[] = {"--threshold-k", "--min-amplitude", "--eye-min-amplitude",
                                    "--merge-gap",   "--no-mouth",      "--no-eye"};
    for (const char* name : twitch_options) {
      if (cmd->count(name) > 0)
        g.twitch_override = o->analysis.resolved().twitch;
    }
    exit_code = ft::ui::run_gui(g);
#else
    (void)o;
    (void)cmd;
    std::fprintf(
        stderr,
        "facetwitch: this build has no window (it was configured with -DFACETWITCH_GUI=OFF, or "
        "Dear "
        "ImGui / GLFW / OpenGL were missing): use `facetwitch analyse`, or rebuild with the window "
        "(apt install libimgui-dev libglfw3-dev; cmake -DFACETWITCH_GUI=ON)\n");
    exit_code = ft::exit_code(ErrorKind::BadArguments);
#endif
  });
}

}  // namespace ft::app
