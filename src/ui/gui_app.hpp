// gui_app.hpp: the facetwitch window (`facetwitch gui`): GLFW + OpenGL 3.3 core + Dear ImGui.
// The one entry point is run_gui(); everything else lives in src/ui. The window never exits on an
// error: a camera that is missing, busy or unplugged, or a file that cannot be read, is shown in
// the window. The headless-testing options (--run-for, --screenshot, --counters-json...) make it
// scriptable under xvfb-run.
#pragma once

#include <optional>
#include <string>

#include "signal/twitch_settings.hpp"

namespace ft::ui {

struct GuiOptions {
  std::string source;          // file, "paced:FILE", "camera:N", "/dev/videoN", "demo"; empty: none
  double fail_after_s = -1.0;  // paced sources: fail like an unplugged camera at this time
  bool loop = false;           // paced sources: loop the file
  double paced_speed = 1.0;    // paced sources: multiple of real time
  double run_for_s = -1.0;     // > 0: exit (code 0) this long after the source opened; in replay,
                               // also not before the whole file is analysed
  std::string screenshot;      // PNG of the whole window, taken just before exiting
  std::string counters_json;   // every counter shown, the episodes, the video rectangle, errors
  int width = 1440;
  int height = 900;
  double replay_speed = 1.0;  // <= 0: as fast as possible
  std::string record_dir;     // live: record from the first frame into this (new or empty) folder
  double seek_s = -1.0;       // replay: start at this time
  bool paused = false;        // replay: start paused
  bool fullscreen = false;
  std::string panel;  // "results" (default), "source", "settings", "asymmetry", "protocol", "history" or "help"
  std::string protocol;  // live: run the guided protocol from the first frame (step file, or "standard")
  std::string patient;   // patient / session identifier for the protocol
  std::string history_file;  // --history; empty: history::default_history_path()
  bool no_history = false;   // --no-history: recordings made in the window are not added to it
  std::string model;  // --model
  std::optional<TwitchSettings> twitch_override;  // sensitivity from the command line (not saved)
  std::string settings_file;  // empty: $XDG_CONFIG_HOME/facetwitch/settings.json
  double baseline_s = 0.0;    // --baseline-s: personal baseline for the summary (0: none)
  // --history-patient: the History tab shows this patient's sessions only (nullopt: all).
  std::optional<std::string> history_patient;
  // --save-session DIR: replay: once the whole file is analysed, save the session folder DIR (patient
  // id from `patient`, notes from `notes_file`) and make its report, as the Results tab's buttons do.
  std::string save_session;
  std::string notes_file;  // --notes FILE: the notes field's text at start
};

// Runs the window until it is closed (or --run-for elapses). Returns the process exit code: 0, or
// 3 when no window can be opened (no display, no OpenGL 3.3).
int run_gui(const GuiOptions& options);

}  // namespace ft::ui
