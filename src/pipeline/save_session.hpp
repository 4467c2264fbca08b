// save_session.hpp: the window's "Save session": the finished whole-file analysis of a replay
// (ReplaySession) written as a session folder, the same files `facetwitch analyse VIDEO --out DIR`
// writes (frames.csv, episodes.csv, summary.json through SessionRecorder; notes.txt as `analyse
// --notes` writes it), with the patient id typed in the window.
//
// Thread safety: save_replay_session reads the replay's stored frames under its lock; it may run on
// any thread (the window runs it on the UI thread: milliseconds per minute of video).
#pragma once

#include <ctime>
#include <filesystem>
#include <string>

#include "core/error.hpp"
#include "io/session.hpp"
#include "pipeline/replay_session.hpp"

namespace ft {

struct SaveSessionOptions {
  std::filesystem::path dir;  // the session folder: new, or empty (else refused unless `force`)
  std::string patient_id;     // validate_patient_id; "" none
  std::string notes;          // typed notes (notes_from_text); "" writes no notes.txt
  bool force = false;         // write into an existing non-empty folder (as analyse --force)
};

// Errors: the analysis is not finished or new settings are still being applied (BadArguments), a bad
// patient id or notes (BadArguments), the folder is locked by another run, not empty, or cannot be
// written (Output). The folder is locked (OutputDirLock) while it is written, as analyse does.
// Returns the summary written to summary.json.
Result<SessionSummary> save_replay_session(const ReplaySession& replay, const SaveSessionOptions& options);

// A folder name for a saved session: local date and time and the patient id, "2026-12-06_1430_P01"
// ("2026-12-06_1430" without a patient); characters other than letters, digits, '-', '_' and '.' in the
// id become '_'.
std::string session_folder_name(std::time_t when, const std::string& patient_id);

}  // namespace ft
