// save_session.cpp: a replay's finished analysis written as a session folder (save_session.hpp).
#include "pipeline/save_session.hpp"

#include <ctime>
#include <optional>

#include "pipeline/session_recorder.hpp"
#include "report/notes.hpp"

namespace ft {

namespace {
void replace_all(std::string& s, const std::string& from, const std::string& to) {
  for (std::size_t at = s.find(from); at != std::string::npos; at = s.find(from, at + to.size()))
    s.replace(at, from.size(), to);
}
}  // namespace

Result<SessionSummary> save_replay_session(const ReplaySession& replay, const SaveSessionOptions& o) {
  const auto snap = replay.snapshot();
  if (!snap || !snap->done) {
    return make_error(ErrorKind::BadArguments, "the analysis of the video is not finished yet: save it once it is");
  }
  if (snap->reapplying) {
    return make_error(ErrorKind::BadArguments, "new settings are being applied: save once they are");
  }
  if (o.dir.empty()) return make_error(ErrorKind::BadArguments, "choose a folder to save the session in");
  if (Status st = validate_patient_id(o.patient_id); !st) return st.error();
  std::optional<UserNotes> notes;
  if (!o.notes.empty()) {
    auto n = notes_from_text(o.notes, "typed in the window");
    if (!n) return n.error();
    if (!n->text.empty()) notes = std::move(n).value();
  }
  // As analyse: the folder is ours while it is written (taken before it is checked).
  auto lock = OutputDirLock::acquire(o.dir);
  if (!lock) return lock.error();
  if (Status st = prepare_output_dir(o.dir, o.force); !st) {
    // Its advice is for the command line (--out, --force): said here for a folder chosen in the window.
    Error e = st.error();
    replace_all(e.message, "choose another --out, or pass --force to overwrite", "choose a new or empty folder");
    replace_all(e.message, "choose another --out", "choose another folder");
    replace_all(e.message, "pass --out <folder>", "choose a folder");
    return e;
  }
  SessionSummary header = replay.header();
  header.patient_id = o.patient_id;
  const std::int64_t count = snap->frames_analysed;
  FrameRecord rec;
  auto frame = [&](std::int64_t i, FaceMetrics& out) {
    if (!replay.record(i, rec)) return false;
    out = rec.metrics;
    return true;
  };
  auto written = write_session_from_metrics(o.dir, header, snap->summary.settings, count, frame, snap->summary.partial,
                                            snap->summary.partial_reason);
  if (!written) return written.error();
  if (notes) {
    if (Status st = write_notes_txt(o.dir, *notes); !st) return st.error();
  }
  return written;
}

std::string session_folder_name(std::time_t when, const std::string& patient_id) {
  std::tm tm{};
  localtime_r(&when, &tm);
  char buf[32];
  std::strftime(buf, sizeof buf, "%Y-%m-%d_%H%M", &tm);
  std::string name = buf;
  if (!patient_id.empty()) {
    name += '_';
    for (const char c : patient_id) {
      const bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-' ||
                      c == '_' || c == '.';
      name += ok ? c : '_';
    }
  }
  return name;
}

}  // namespace ft
