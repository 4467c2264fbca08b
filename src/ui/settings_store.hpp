// settings_store.hpp: the window's settings persisted between runs in
// $XDG_CONFIG_HOME/facetwitch/settings.json (default ~/.config/facetwitch/settings.json): the
// sensitivity of the twitch detector, display preferences, the recordings folder, recent files, and
// which video files were recorded as a mirror image (selfie), remembered per file.
//
// Reading never fails: a missing file gives the defaults silently; an unreadable or corrupt file,
// or a field of the wrong type or out of range, gives the defaults for what could not be used plus
// a message for the window; a file that could not be read at all is never overwritten by the window
// (save_settings_for_window). Writing goes to a temporary file renamed over the old one (never
// half-written, never through a link). No GUI dependency; plain functions, thread-safe (no shared state).
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
  // Video files recorded as a mirror image (a selfie camera that saved what the screen showed), by
  // absolute path (file_key): they are analysed flipped back, as `analyse --mirrored-input`, so that
  // sides are the person's. Most recently set first, at most kMaxMirroredFiles.
  std::vector<std::string> mirrored_files;
};

inline constexpr std::size_t kMaxMirroredFiles = 500;

inline constexpr std::size_t kMaxRecentFiles = 10;

// $XDG_CONFIG_HOME/facetwitch/settings.json, else $HOME/.config/facetwitch/settings.json.
std::filesystem::path default_settings_path();
// Default recordings folder: $HOME/facetwitch-sessions.
std::filesystem::path default_recordings_dir();

struct LoadedSettings {
  UiSettings settings;
  std::string message;  // non-empty when something in the file could not be used
  // The file exists but could not be read as a whole (unreadable, not JSON, not a regular file): the
  // window must not overwrite it (save_settings_for_window).
  bool keep_file = false;
};
// A FIFO, device or folder is not opened (keep_file, message).
LoadedSettings load_settings(const std::filesystem::path& path);
// Creates the folder if needed; write_file_atomically (a link or a non-regular file is refused).
// ErrorKind::Output on failure.
Status save_settings(const std::filesystem::path& path, const UiSettings& settings);

// Where save_settings_for_window moves a file it could not read: "<path>.unreadable" (then -1, -2...
// when taken).
std::filesystem::path aside_path(const std::filesystem::path& path);

// The window's save (on a change, and at exit). As save_settings, except for a file that could not be
// read at start (`loaded.keep_file`): it is left untouched unless `user_changed` (the user changed a
// setting, not only the recent files or the browser's folder); then it is first moved to
// aside_path(path), keep_file is cleared and the new file written. `note`: what happened, for the
// window and the terminal ("" when the file was simply written).
Status save_settings_for_window(const std::filesystem::path& path, const UiSettings& settings,
                                bool user_changed, LoadedSettings& loaded, std::string& note);

// Puts `file` first in the recent list (absolute path, no duplicates, at most kMaxRecentFiles).
void add_recent_file(UiSettings& settings, const std::string& file);

// The key a file is remembered by: its absolute, normalised path (as in the recent list).
std::string file_key(const std::string& file);
// Whether `file` was marked as recorded as a mirror image (selfie); set or clear the mark.
bool file_is_mirrored(const UiSettings& settings, const std::string& file);
void set_file_mirrored(UiSettings& settings, const std::string& file, bool mirrored);

}  // namespace ft::ui
