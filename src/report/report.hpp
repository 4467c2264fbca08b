// report.hpp: the session report (`facetwitch report`): a self-contained HTML page (inline CSS and SVG, no
// script, no external reference; prints to A4 from a browser) and the same data as JSON (report.json).
// Contents and field names: docs/OUTPUT.md ("report.html, report.json"). All sides are the PERSON's.
//
// The report is built in three steps: load_session() reads a session folder, make_report() derives every
// number shown (twitch summary per region x side, key frames, the before/after comparison), and
// report_html() / report_json() render that one Report, so the two files carry the same numbers.
//
// Thread safety: pure functions except attach_face_images() (reads the video file); no shared state.
#pragma once

#include <cstdint>
#include <filesystem>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include <opencv2/core/types.hpp>

#include "core/error.hpp"
#include "core/landmarks.hpp"
#include "io/session.hpp"
#include "report/notes.hpp"
#include "report/protocol_result.hpp"

namespace ft {

inline constexpr const char* kReportHtml = "report.html";
inline constexpr const char* kReportJson = "report.json";
inline constexpr const char* kRecordedVideo = "video.mp4";  // the raw video of a live recording
inline constexpr const char* kReportFormat = "facetwitch-report";
inline constexpr int kReportFormatVersion = 1;
inline constexpr const char* kDefaultReportTitle = "Facial twitch and asymmetry report";

// A session folder as read for the report.
struct SessionData {
  std::filesystem::path dir;
  SessionSummary summary;           // summary.json (required)
  std::vector<Episode> episodes;    // episodes.csv; summary.json's list when the file is missing
  std::vector<FrameRecord> frames;  // frames.csv; empty when missing (no plots, no key frames)
  std::optional<ReportedProtocol> protocol;  // protocol.json when present
  std::vector<std::string> notes;   // what was missing or cut off, said in the report
  UserNotes user_notes;             // notes.txt in the folder when present (report/notes.hpp)
};

// Errors (ErrorKind::Input): the folder is missing or not a folder, summary.json is missing or damaged,
// protocol.json is damaged. A missing or damaged frames.csv / episodes.csv is a note, not an error.
Result<SessionData> load_session(const std::filesystem::path& dir);

// One row of the twitch summary: one region, one side (left, right, or both together).
struct TwitchRow {
  Region region = Region::Mouth;
  Laterality side = Laterality::Left;
  std::int64_t episodes = 0;
  std::int64_t twitches = 0;
  double twitches_per_min = 0.0;      // twitches / recording minutes
  double time_in_spasm_pct = kNaN;    // time_in_episodes_pct (NaN for the bilateral row)
  double median_frequency_hz = kNaN;  // median of the episodes' frequencies (NaN: none measured)
  double peak_amplitude_iod = kNaN;   // largest episode peak (NaN: no episode)
  std::map<std::string, std::int64_t> types;  // episode_type_name -> episodes
};
std::vector<TwitchRow> twitch_rows(const SessionSummary& summary, const std::vector<Episode>& episodes);

// A key frame: the frame at the peak of one of the strongest episodes.
struct KeyFrame {
  std::size_t episode = 0;   // index into SessionData::episodes
  std::int64_t frame = -1;   // frames.csv frame index
  double t = kNaN;           // seconds
  double value_iod = kNaN;   // the episode's signal at that frame
  Landmarks68 landmarks{};   // image pixels of the analysed frame
  cv::Rect crop;             // the face region shown, image pixels
  std::string jpeg_base64;   // the cropped frame with the landmarks drawn; "" when not embedded
  std::string image_note;    // why there is no image ("" when there is one)
};

// One number of the before / after comparison.
struct CompareRow {
  std::string section;  // "Recording", "Twitches", "Resting asymmetry", "Protocol"
  std::string key;      // stable id, e.g. "twitches.mouth.left.twitches_per_min"
  std::string label;    // for people
  std::string unit;     // "s", "%", "/min", "Hz", "% IOD", "mm", "deg", "IOD", ""
  double before = kNaN;
  double after = kNaN;
  double change() const { return after - before; }
};

struct ReportOptions {
  std::string title;          // "" -> kDefaultReportTitle
  std::string patient_id;     // "" -> the session's summary.json patient_id
  bool face_images = true;    // false (--no-face-images): landmark drawings only, no pixel of the face
  int key_frames = 4;         // at most this many key frames
  // --notes FILE, already read (read_notes_file); replaces the session folder's notes.txt when set.
  std::optional<UserNotes> notes;
};

struct Report {
  std::string title;
  std::string patient_id;
  bool face_images = true;
  SessionData session;
  std::vector<TwitchRow> twitches;
  std::vector<KeyFrame> key_frames;
  // --compare: the two sessions in time order (before = the earlier created_utc; on a tie or an unknown
  // date the --compare session), and the rows present in at least one of them.
  std::optional<SessionData> before_session;
  std::optional<SessionData> after_session;
  std::vector<CompareRow> compare;
  // The plain-language summary at the top (plain_summary()), one sentence per entry.
  std::vector<std::string> plain_summary;
  // The notes shown (--notes FILE, else the session folder's notes.txt; empty text: none).
  UserNotes notes;
  // Warnings about the comparison (compare_warnings()), shown in a box at the top and printed.
  std::vector<std::string> warnings;
};

// "3 blinks", "1 blink, 1 eye closure (3.8 s)", "2 eye closures (1.2 s, 3.8 s)", "no blink".
std::string blinks_text(const std::vector<Blink>& blinks);

// The plain-language summary of a session: what was measured (duration, measurable share), what was
// found (episodes per region and side, the person's sides, median frequency; long eye closures), the
// resting asymmetry, how reliable it is (measurable share, smallest detectable twitch), and that it is
// not a diagnosis. Built only from the summary's numbers, formatted as the rest of the report shows them.
std::vector<std::string> plain_summary(const SessionData& session, const std::vector<TwitchRow>& twitches);

// --compare of `a` with `b` is refused (BadArguments) when they are the same session: the same folder, a
// byte-identical summary.json, or the same video file content (SHA-256, computed only for equal sizes).
Status check_not_same_session(const SessionData& a, const SessionData& b);
// The warnings to show about comparing `a` with `b`: their summaries name different patients, or only one
// names a patient. Empty when none.
std::vector<std::string> compare_warnings(const SessionData& a, const SessionData& b);

// Derives the report (no file access except attach_face_images when options.face_images is set).
Report make_report(SessionData session, const ReportOptions& options, std::optional<SessionData> other = std::nullopt);

// The key frames of `session`: the peak frame of up to `count` episodes, strongest first.
std::vector<KeyFrame> select_key_frames(const SessionData& session, int count);
// Reads each key frame from the session's video (summary.video when it is a readable file, else the
// session folder's recorded video.mp4) and embeds it, cropped to the face, as a base64 JPEG with the
// landmarks drawn. When no video is available or readable, image_note says why.
void attach_face_images(const SessionData& session, std::vector<KeyFrame>& key_frames);

std::string report_html(const Report& report);
std::string report_json(const Report& report);

// Writes report_html(report) to `html` and report_json(report) to `json` (each atomically).
Status write_report_files(const Report& report, const std::filesystem::path& html, const std::filesystem::path& json);
// `facetwitch report DIR` with its defaults: load_session(dir), make_report(options) and report.html /
// report.json written into the folder. Returns the report (the path of the page is dir / kReportHtml).
Result<Report> write_session_report(const std::filesystem::path& dir, const ReportOptions& options = {});

}  // namespace ft
