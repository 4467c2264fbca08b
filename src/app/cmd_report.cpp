// cmd_report.cpp: `facetwitch report SESSION_DIR`: writes a self-contained HTML report of a session folder
// (report.html) and the same data as JSON (report.json); optionally compared with another session
// (--compare) and without any face image (--no-face-images). Formats: docs/OUTPUT.md.
#include <cstdio>
#include <filesystem>
#include <memory>
#include <string>
#include <vector>

#include <fmt/format.h>

#include "app/analysis_options.hpp"
#include "app/commands.hpp"
#include "app/terminal.hpp"
#include "io/session.hpp"
#include "report/protocol_result.hpp"
#include "report/report.hpp"

namespace ft::app {

namespace {

namespace fs = std::filesystem;

struct ReportCli {
  std::string session;
  std::string out;
  std::string json;
  std::string compare;
  std::string notes;
  bool no_face_images = false;
  ReportOptions report;
};

// The output file, refused early when its folder does not exist (the writer's own error would name the
// temporary file).
Status check_output(const fs::path& file) {
  const fs::path parent = file.parent_path().empty() ? fs::path(".") : file.parent_path();
  std::error_code ec;
  if (!fs::is_directory(parent, ec)) {
    return make_error(ErrorKind::Output, fmt::format("cannot write '{}': the folder '{}' does not exist (create it, or choose "
                                                     "another output file)", file.string(), parent.string()));
  }
  if (fs::is_directory(file, ec)) {
    return make_error(ErrorKind::Output, fmt::format("cannot write '{}': it is a folder; give a file name", file.string()));
  }
  return {};
}

// The files of a session folder that facetwitch reads or writes as the session itself (never a report's
// output): its measurements, its protocol results, and the video it was made from.
std::vector<fs::path> session_files(const SessionData& s) {
  std::vector<fs::path> files;
  for (const char* name : {"summary.json", "frames.csv", "episodes.csv", kProtocolJson, "protocol_timing.json", kNotesTxt})
    files.push_back(s.dir / name);
  if (!s.summary.video.empty())
    files.emplace_back(s.summary.video);
  return files;
}

// Refuses an output file that is one of the sessions' own files (the same file, by any name).
Status check_not_session_file(const fs::path& out, const char* option, const std::vector<fs::path>& inputs) {
  std::error_code ec;
  if (!fs::exists(out, ec))
    return {};
  for (const fs::path& in : inputs) {
    if (fs::exists(in, ec) && fs::equivalent(out, in, ec) && !ec) {
      return make_error(ErrorKind::Output,
                        fmt::format("cannot write '{}': it is the session's own {} (read by this report), which the "
                                    "report must not overwrite: choose another file for {}",
                                    out.string(), in.filename().string(), option));
    }
  }
  return {};
}

int run(const ReportCli& o) {
  auto session = load_session(o.session);
  if (!session) return report(session.error());
  std::optional<SessionData> other;
  if (!o.compare.empty()) {
    auto loaded = load_session(o.compare);
    if (!loaded) return report(loaded.error());
    other = std::move(loaded).value();
  }
  // The same session twice is refused; two different people (or an unnamed one) are warned about.
  if (other) {
    if (Status st = check_not_same_session(session.value(), *other); !st) return report(st.error());
  }
  std::optional<UserNotes> notes;
  if (!o.notes.empty()) {
    auto read = read_notes_file(o.notes);
    if (!read) return report(read.error());
    notes = std::move(read).value();
  }
  const fs::path html_path = o.out.empty() ? fs::path(o.session) / kReportHtml : fs::path(o.out);
  fs::path json_path = fs::path(o.session) / kReportJson;
  if (!o.json.empty()) {
    json_path = o.json;
  } else if (!o.out.empty()) {
    json_path = fs::path(o.out).replace_extension(".json");
  }
  if (json_path == html_path) {
    return report(make_error(ErrorKind::BadArguments, fmt::format("--out and --json name the same file '{}'", html_path.string())));
  }
  for (const fs::path& p : {html_path, json_path}) {
    if (Status st = check_output(p); !st) return report(st.error());
  }
  std::vector<fs::path> inputs = session_files(session.value());
  if (!o.notes.empty()) inputs.emplace_back(o.notes);
  if (other) {
    for (fs::path& p : session_files(*other))
      inputs.push_back(std::move(p));
  }
  if (Status st = check_not_session_file(html_path, "--out", inputs); !st) return report(st.error());
  if (Status st = check_not_session_file(json_path, o.json.empty() ? "--out (its .json twin) or --json" : "--json", inputs); !st)
    return report(st.error());
  ReportOptions options = o.report;
  options.face_images = !o.no_face_images;
  options.notes = std::move(notes);
  const Report r = make_report(std::move(session).value(), options, std::move(other));
  if (Status st = write_report_files(r, html_path, json_path); !st) return report(st.error());
  std::printf("report written to %s\n     and data to %s\n", printable(html_path.string()).c_str(), printable(json_path.string()).c_str());
  for (const std::string& w : r.warnings) std::fprintf(stderr, "warning: %s\n", printable(w).c_str());
  for (const KeyFrame& k : r.key_frames) {
    if (options.face_images && !k.image_note.empty()) {
      std::printf("  note: key frame %lld: %s\n", static_cast<long long>(k.frame), k.image_note.c_str());
      break;  // the same reason for every frame, as a rule
    }
  }
  return 0;
}

}  // namespace

void register_report(CLI::App& root, int& exit_code) {
  auto opts = std::make_shared<ReportCli>();
  CLI::App* cmd = root.add_subcommand("report", "write a self-contained HTML report (and JSON) of a session folder");
  cmd->add_option("session", opts->session, "session folder (written by `facetwitch analyse --out` or a recording)")->required();
  cmd->add_option("--out,-o", opts->out, "HTML file to write (default: SESSION/report.html)");
  cmd->add_option("--json", opts->json,
                  "JSON file to write (default: SESSION/report.json, or the --out file with the extension .json)");
  add_patient_option(cmd, opts->report.patient_id, "the report (default: the session's own, from summary.json)");
  cmd->add_flag("--no-face-images", opts->no_face_images,
                "leave out every image of the face: key frames as landmark drawings only (for privacy)");
  cmd->add_option("--compare", opts->compare,
                  "another session folder to compare with, side by side (before / after, ordered by date)");
  cmd->add_option("--notes", opts->notes,
                  "a text file (UTF-8, at most 64 KiB) of notes shown in the report: medication, injection dates... "
                  "(default: the session folder's notes.txt when there is one)");
  cmd->add_option("--title", opts->report.title, "title of the report");
  cmd->add_option("--key-frames", opts->report.key_frames, "key frames shown: the strongest episodes' peaks (default 4)")
      ->check(CLI::Range(0, 12));
  cmd->callback([opts, &exit_code] { exit_code = run(*opts); });
}

}  // namespace ft::app
