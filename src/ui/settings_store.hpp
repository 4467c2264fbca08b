// settings_store.hpp: the window's settings persisted between runs in
// $XDG_CONFIG_HOME/facetwitch/settings.json (default ~/.config/facetwitch/settings.json): the
// sensitivity of the twitch detector, display preferences, the recordings folder, recent files.
//
// Reading never fails: a missing file gives the defaults silently; an unreadable or corrupt file,
// or a field of the wrong type or out of range, gives the defaults for what could not be used plus
// a message for the window. Writing goes to a temporary file renamed over the old one (never
// half-written). No GUI dependency; plain functions, thread-safe (no shared state).
// Units: as in TwitchSettings (IOD fractions, seconds); plot_window_s in seconds.
#pragma once

#include <filesystem>
#include <string>
#include <vector>

#include "core/error.hpp"
#include "signal/twitch_settings.hpp"

namespace ft::ui {

struct UiSettings {
  // Sensitivity: only the user-facing fields of TwitchSettings are persisted (threshold_k, the two
  // minimum amplitudes, merge_gap_s, mouth_enabled, eye_enabled); the others keep their defaults.
  TwitchSettings twitch;
  // Personal baseline (AnalyserOptions::baseline_s): the first baseline_s seconds of measurable frames
  // of each source opened afterwards give the resting asymmetry and the noise floor; 0: none.
  double baseline_s = 0.0;  // 0, or 2..600
  bool mirror_live = true;      // show a camera as a mirror (selfie view)
  bool mirror_replay = false;   // show a recorded video as recorded
  double plot_window_s = 20.0;  // 10..30
  bool show_landmarks = true;
  bool show_midline = true;
  bool show_motion = true;     // mouth-corner arrows and eyelid bars
  double arrow_gain = 10.0;    // mouth-corner displacement arrows are drawn this many times longer
  std::string recordings_dir;  // empty: ~/facetwitch-sessions
  std::vector<std::string> recent_files;  // most recent first
  std::string browser_dir;                // last folder shown by the file browser
};

inline constexpr std::size_t kMaxRecentFiles = 10;

// $XDG_CONFIG_HOME/facetwitch/settings.json, else $HOME/.config/facetwitch/settings.json.
std::filesystem::path default_settings_path();
// Default recordings folder: $HOME/facetwitch-sessions.
std::filesystem::path default_recordings_dir();

struct LoadedSettings {
  UiSettings settings;
  std::string message;  // non-empty when something in the file could not be used
};
LoadedSettings load_settings(const std::filesystem::path& path);
// Creates the folder if needed. ErrorKind::Output on failure.
Status save_settings(const std::filesystem::path& path, const UiSettings& settings);

// Puts `file` first in the recent list (absolute path, no duplicates, at most kMaxRecentFiles).
void add_recent_file(UiSettings& settings, const std::string& file);

}  // namespace ft::ui
