// history_db.cpp: the history database: schema migrations, add/replace, list, get, trend, remove.
#include <algorithm>
#include <array>
#include <cmath>
#include <cstdlib>
#include <ctime>
#include <string_view>
#include <system_error>

#include <fmt/format.h>
#include <unistd.h>

#include "core/file_write.hpp"
#include "history/history.hpp"
#include "history/sqlite.hpp"

namespace ft::history {
namespace fs = std::filesystem;

namespace {

// The migrations, in order: kMigrations[i] takes the schema from version i to i + 1. Never edit one
// that has shipped; add a new one (and raise kSchemaVersion).
constexpr std::array<const char*, kSchemaVersion> kMigrations{
    // 1: sessions, per side x region metrics, resting asymmetry per measure.
    R"sql(
CREATE TABLE IF NOT EXISTS sessions (
  id INTEGER PRIMARY KEY,
  folder TEXT NOT NULL UNIQUE,
  patient_id TEXT NOT NULL DEFAULT '',
  created_utc TEXT NOT NULL,
  source TEXT NOT NULL DEFAULT '',
  video TEXT NOT NULL DEFAULT '',
  duration_s REAL NOT NULL DEFAULT 0,
  frames INTEGER NOT NULL DEFAULT 0,
  frames_good_quality INTEGER NOT NULL DEFAULT 0,
  fps REAL NOT NULL DEFAULT 0,
  partial INTEGER NOT NULL DEFAULT 0,
  added_utc TEXT NOT NULL,
  mouth_corner_height_iod REAL,
  asymmetry_index REAL
);
CREATE TABLE IF NOT EXISTS side_metrics (
  session_id INTEGER NOT NULL REFERENCES sessions(id) ON DELETE CASCADE,
  region TEXT NOT NULL CHECK (region IN ('mouth', 'eye')),
  side TEXT NOT NULL CHECK (side IN ('left', 'right', 'bilateral')),
  episodes INTEGER NOT NULL,
  twitches INTEGER NOT NULL,
  twitches_per_min REAL NOT NULL,
  time_in_spasm_pct REAL,
  median_frequency_hz REAL,
  peak_amplitude_iod REAL,
  PRIMARY KEY (session_id, region, side)
);
CREATE TABLE IF NOT EXISTS resting_asymmetry (
  session_id INTEGER NOT NULL REFERENCES sessions(id) ON DELETE CASCADE,
  measure TEXT NOT NULL,
  left_value REAL,
  right_value REAL,
  diff REAL,
  diff_mm REAL,
  PRIMARY KEY (session_id, measure)
);
)sql",
    // 2: free-text notes per session (kept when a folder is re-imported); listing by patient and
    // date.
    R"sql(
ALTER TABLE sessions ADD COLUMN notes TEXT NOT NULL DEFAULT '';
CREATE INDEX IF NOT EXISTS sessions_by_patient_date ON sessions (patient_id, created_utc);
)sql",
    // 3: when the video was recorded (the sessions are dated by it); rows already there only know
    // when they were analysed.
    R"sql(
ALTER TABLE sessions ADD COLUMN recorded_at TEXT NOT NULL DEFAULT '';
ALTER TABLE sessions ADD COLUMN recorded_at_source TEXT NOT NULL DEFAULT '';
UPDATE sessions SET recorded_at = created_utc, recorded_at_source = 'analysis time';
CREATE INDEX IF NOT EXISTS sessions_by_patient_recorded ON sessions (patient_id, recorded_at);
)sql",
};

std::string now_utc() {
  const std::time_t t = std::time(nullptr);
  std::tm tm{};
  gmtime_r(&t, &tm);
  char buf[32];
  std::strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%SZ", &tm);
  return buf;
}

// What to do about an error on the history file, from SQLite's message.
std::string advice(const std::string& sqlite_message) {
  if (sqlite_message.find("not a database") != std::string::npos ||
      sqlite_message.find("malformed") != std::string::npos) {
    return "the file is damaged or is not a facetwitch history: move it aside (facetwitch then "
           "starts a new, "
           "empty history, and `facetwitch history import FOLDER` adds your session folders back), "
           "or choose "
           "another file with --history";
  }
  if (sqlite_message.find("readonly") != std::string::npos ||
      sqlite_message.find("unable to open") != std::string::npos ||
      sqlite_message.find("permission") != std::string::npos) {
    return "check that the file and its folder exist and are writable, or choose another file with "
           "--history";
  }
  if (sqlite_message.find("locked") != std::string::npos ||
      sqlite_message.find("busy") != std::string::npos) {
    return "another facetwitch is writing to it: try again in a moment";
  }
  return "check the disk (space, permissions), or choose another file with --history";
}

Error db_error(const fs::path& path, const std::string& doing, const Error& e) {
  return make_error(ErrorKind::Output,
                    fmt::format("session history '{}': cannot {}: {}; {}", path.string(), doing,
                                e.message, advice(e.message)));
}

Laterality parse_side(const std::string& s) {
  if (s == "right")
    return Laterality::Right;
  if (s == "bilateral")
    return Laterality::Bilateral;
  return Laterality::Left;
}

constexpr const char* kSessionColumns =
    "id, folder, patient_id, created_utc, source, video, duration_s, frames, frames_good_quality, "
    "fps, partial, "
    "added_utc, notes, mouth_corner_height_iod, asymmetry_index, recorded_at, recorded_at_source";

SessionRecord session_from_row(const sql::Statement& q) {
  SessionRecord s;
  s.id = q.column_int(0);
  s.folder = q.column_text(1);
  s.patient_id = q.column_text(2);
  s.created_utc = q.column_text(3);
  s.source = q.column_text(4);
  s.video = q.column_text(5);
  s.duration_s = q.column_double(6);
  s.frames = q.column_int(7);
  s.frames_good_quality = q.column_int(8);
  s.fps = q.column_double(9);
  s.partial = q.column_int(10) != 0;
  s.added_utc = q.column_text(11);
  s.notes = q.column_text(12);
  s.mouth_corner_height_iod = q.column_double(13);
  s.asymmetry_index = q.column_double(14);
  s.recorded_at = q.column_text(15);
  s.recorded_at_source = q.column_text(16);
  return s;
}

}  // namespace

struct HistoryDb::Impl {
  std::unique_ptr<sql::Connection> conn;
  int version = 0;

  Result<int> user_version() {
    auto q = conn->prepare("PRAGMA user_version");
    if (!q)
      return q.error();
    auto row = q->step();
    if (!row)
      return row.error();
    return row.value() ? static_cast<int>(q->column_int(0)) : 0;
  }

  // Fills `s.metrics` and `s.regions` from the database.
  Status load_details(SessionRecord& s) {
    auto m = conn->prepare(
        "SELECT region, side, episodes, twitches, twitches_per_min, time_in_spasm_pct, "
        "median_frequency_hz, "
        "peak_amplitude_iod FROM side_metrics WHERE session_id = ?1 "
        "ORDER BY CASE region WHEN 'mouth' THEN 0 ELSE 1 END, CASE side WHEN 'left' THEN 0 WHEN "
        "'right' THEN 1 ELSE 2 END");
    if (!m)
      return m.error();
    m->bind(1, s.id);
    for (;;) {
      auto row = m->step();
      if (!row)
        return row.error();
      if (!row.value())
        break;
      SideRegionMetrics x;
      x.region = m->column_text(0) == "eye" ? Region::Eye : Region::Mouth;
      x.side = parse_side(m->column_text(1));
      x.episodes = m->column_int(2);
      x.twitches = m->column_int(3);
      x.twitches_per_min = m->column_double(4);
      x.time_in_spasm_pct = m->column_double(5);
      x.median_frequency_hz = m->column_double(6);
      x.peak_amplitude_iod = m->column_double(7);
      s.metrics.push_back(x);
    }
    auto a = conn->prepare(
        "SELECT measure, left_value, right_value, diff, diff_mm FROM resting_asymmetry WHERE "
        "session_id = ?1 "
        "ORDER BY rowid");
    if (!a)
      return a.error();
    a->bind(1, s.id);
    for (;;) {
      auto row = a->step();
      if (!row)
        return row.error();
      if (!row.value())
        break;
      s.regions.push_back(RegionDiff{a->column_text(0), a->column_double(1), a->column_double(2),
                                     a->column_double(3), a->column_double(4)});
    }
    // One value for the resting mouth-corner height difference: the resting table's. Rows added by
    // older versions hold the median over every good frame in sessions.mouth_corner_height_iod.
    if (const RegionDiff* h = s.region("mouth_corner_height"); h != nullptr && std::isfinite(h->diff))
      s.mouth_corner_height_iod = h->diff;
    return {};
  }

  Result<AddResult> add(const SessionRecord& s) {
    auto tx = sql::Transaction::begin(*conn);
    if (!tx)
      return tx.error();
    AddResult out;
    {
      auto find = conn->prepare("SELECT id FROM sessions WHERE folder = ?1");
      if (!find)
        return find.error();
      find->bind(1, s.folder);
      auto row = find->step();
      if (!row)
        return row.error();
      if (row.value()) {
        out.id = find->column_int(0);
        out.updated = true;
      }
    }
    // Re-importing keeps the id, the date it was first added and the notes.
    auto up = out.updated
                  ? conn->prepare(
                        "UPDATE sessions SET patient_id = ?2, created_utc = ?3, source = ?4, video "
                        "= ?5, duration_s = ?6, "
                        "frames = ?7, frames_good_quality = ?8, fps = ?9, partial = ?10, "
                        "mouth_corner_height_iod = ?11, "
                        "asymmetry_index = ?12, recorded_at = ?15, recorded_at_source = ?16 "
                        "WHERE id = ?1")
                  : conn->prepare(
                        "INSERT INTO sessions (folder, patient_id, created_utc, source, video, "
                        "duration_s, frames, "
                        "frames_good_quality, fps, partial, mouth_corner_height_iod, "
                        "asymmetry_index, added_utc, notes, recorded_at, recorded_at_source) "
                        "VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, "
                        "?16)");
    if (!up)
      return up.error();
    if (out.updated) {
      up->bind(1, out.id);
    } else {
      up->bind(1, s.folder)
          .bind(13, s.added_utc.empty() ? now_utc() : s.added_utc)
          .bind(14, s.notes);
    }
    up->bind(2, s.patient_id)
        .bind(3, s.created_utc)
        .bind(4, s.source)
        .bind(5, s.video)
        .bind(6, s.duration_s)
        .bind(7, s.frames)
        .bind(8, s.frames_good_quality)
        .bind(9, s.fps)
        .bind(10, s.partial ? 1 : 0)
        .bind(11, s.mouth_corner_height_iod)
        .bind(12, s.asymmetry_index)
        .bind(15, s.recorded_at.empty() ? s.created_utc : s.recorded_at)
        .bind(16, s.recorded_at.empty() ? std::string("analysis time") : s.recorded_at_source);
    if (Status st = up->run(); !st)
      return st.error();
    if (!out.updated)
      out.id = conn->last_insert_rowid();

    for (const char* del : {"DELETE FROM side_metrics WHERE session_id = ?1",
                            "DELETE FROM resting_asymmetry WHERE session_id = ?1"}) {
      auto d = conn->prepare(del);
      if (!d)
        return d.error();
      d->bind(1, out.id);
      if (Status st = d->run(); !st)
        return st.error();
    }
    auto ins = conn->prepare(
        "INSERT INTO side_metrics (session_id, region, side, episodes, twitches, twitches_per_min, "
        "time_in_spasm_pct, "
        "median_frequency_hz, peak_amplitude_iod) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)");
    if (!ins)
      return ins.error();
    for (const SideRegionMetrics& m : s.metrics) {
      ins->reset();
      ins->bind(1, out.id)
          .bind(2, std::string(to_string(m.region)))
          .bind(3, std::string(to_string(m.side)))
          .bind(4, m.episodes)
          .bind(5, m.twitches)
          .bind(6, m.twitches_per_min)
          .bind(7, m.time_in_spasm_pct)
          .bind(8, m.median_frequency_hz)
          .bind(9, m.peak_amplitude_iod);
      if (Status st = ins->run(); !st)
        return st.error();
    }
    auto ra = conn->prepare(
        "INSERT INTO resting_asymmetry (session_id, measure, left_value, right_value, diff, "
        "diff_mm) "
        "VALUES (?1, ?2, ?3, ?4, ?5, ?6)");
    if (!ra)
      return ra.error();
    for (const RegionDiff& r : s.regions) {
      ra->reset();
      ra->bind(1, out.id)
          .bind(2, r.key)
          .bind(3, r.left)
          .bind(4, r.right)
          .bind(5, r.diff)
          .bind(6, r.diff_mm);
      if (Status st = ra->run(); !st)
        return st.error();
    }
    if (Status st = tx->commit(); !st)
      return st.error();
    return out;
  }
};

Result<std::unique_ptr<HistoryDb>> HistoryDb::open(const fs::path& path,
                                                   const OpenOptions& options) {
  std::error_code ec;
  if (fs::is_directory(path, ec)) {
    return make_error(ErrorKind::Output,
                      fmt::format("session history '{}' is a folder, not a file: pass a file name "
                                  "such as {}/history.sqlite with --history",
                                  path.string(), path.string()));
  }
  // A FIFO, device or socket is refused before SQLite opens it: it would fail there as "disk I/O
  // error" (or block on a FIFO) and leave a stray -journal file beside it.
  if (const std::string kind = non_regular_kind(path, true); !kind.empty()) {
    return make_error(ErrorKind::Output,
                      fmt::format("session history '{}' is {}, not a regular file: a history is a file "
                                  "facetwitch creates; pass a file name such as history.sqlite in a "
                                  "folder of yours with --history (this one was not opened)",
                                  path.string(), kind));
  }
  if (!options.read_only && path.has_parent_path() && !fs::exists(path.parent_path(), ec)) {
    fs::create_directories(path.parent_path(), ec);
    if (ec) {
      return make_error(ErrorKind::Output,
                        fmt::format("cannot create the folder of the session history '{}': {}; "
                                    "choose another file with --history",
                                    path.string(), ec.message()));
    }
  }
  auto conn = sql::Connection::open(path, options.read_only);
  if (!conn)
    return db_error(path, "open it", conn.error());
  auto impl = std::make_unique<Impl>();
  impl->conn = std::move(conn).value();
  auto version = impl->user_version();
  if (!version)
    return db_error(path, "read its schema version", version.error());
  const auto newer_error = [&path](int found) {
    return make_error(
        ErrorKind::Output,
        fmt::format(
            "session history '{}' was written by a newer facetwitch (schema version {}; this "
            "program knows up to {}): update facetwitch, or choose another file with --history. "
            "The file was not changed.",
            path.string(), found, kSchemaVersion));
  };
  if (version.value() > kSchemaVersion)
    return newer_error(version.value());
  const int target = std::min(std::max(options.target_version, 1), kSchemaVersion);
  if (options.read_only && version.value() < target) {
    // An older history that this user may write (the usual case after updating facetwitch) is upgraded
    // once, so reading commands keep working; one that is not writable is left as it is.
    const fs::path folder = path.has_parent_path() ? path.parent_path() : fs::path(".");
    if (options.upgrade_if_writable && ::access(path.c_str(), W_OK) == 0 && ::access(folder.c_str(), W_OK) == 0) {
      impl.reset();
      OpenOptions writable = options;
      writable.read_only = false;
      return open(path, writable);
    }
    return make_error(
        ErrorKind::Output,
        fmt::format("session history '{}' has schema version {} and this program reads version {}: it "
                    "is opened for reading only, so it cannot be upgraded here; run a command that "
                    "writes it once (e.g. `facetwitch history import`) where it is writable, or choose "
                    "another file with --history",
                    path.string(), version.value(), target));
  }
  if (version.value() < target) {
    // Creating or upgrading the schema: several facetwitch runs (threads or processes) may open a
    // new file at the same moment. BEGIN IMMEDIATE takes the write lock (waiting up to the busy
    // timeout), then the version is read again: whoever came first has already created the
    // schema, and the others see its version and have nothing left to do.
    auto tx = sql::Transaction::begin(*impl->conn);
    if (!tx)
      return db_error(path, "create or upgrade its schema", tx.error());
    version = impl->user_version();
    if (!version)
      return db_error(path, "read its schema version", version.error());
    if (version.value() > kSchemaVersion)
      return newer_error(version.value());
    if (version.value() == 0) {
      // A new file is empty; a SQLite file with tables but no version is someone else's database.
      auto q = impl->conn->prepare("SELECT count(*) FROM sqlite_master");
      if (!q)
        return db_error(path, "read it", q.error());
      auto row = q->step();
      if (!row)
        return db_error(path, "read it", row.error());
      if (q->column_int(0) > 0) {
        return make_error(
            ErrorKind::Output,
            fmt::format(
                "'{}' is a SQLite database but not a facetwitch session history: choose another "
                "file with --history (this one was not changed)",
                path.string()));
      }
    }
    for (int v = version.value(); v < target; ++v) {
      Status st = impl->conn->exec(kMigrations[static_cast<std::size_t>(v)]);
      if (st)
        st = impl->conn->exec(fmt::format("PRAGMA user_version = {}", v + 1).c_str());
      if (!st)
        return db_error(path, fmt::format("upgrade it to schema version {}", v + 1), st.error());
    }
    if (Status st = tx->commit(); !st)
      return db_error(path, "create or upgrade its schema", st.error());
  }
  impl->version = std::max(version.value(), target);
  return std::unique_ptr<HistoryDb>(new HistoryDb(path, std::move(impl)));
}

HistoryDb::HistoryDb(fs::path path, std::unique_ptr<Impl> impl)
    : path_(std::move(path)), impl_(std::move(impl)) {}
HistoryDb::~HistoryDb() = default;

int HistoryDb::schema_version() const {
  return impl_->version;
}

void HistoryDb::fail_after_steps_for_testing(int n) {
  impl_->conn->fail_after_steps(n);
}

Result<AddResult> HistoryDb::add(const SessionRecord& session) {
  auto r = impl_->add(session);
  if (!r)
    return db_error(path_, fmt::format("add the session '{}'", session.folder), r.error());
  return r;
}

Result<std::vector<SessionRecord>> HistoryDb::list(const ListFilter& filter) const {
  std::vector<SessionRecord> out;
  auto q = impl_->conn->prepare(fmt::format(
      "SELECT {} FROM sessions WHERE (?1 IS NULL OR patient_id = ?1) AND (?2 = '' OR recorded_at "
      ">= ?2) "
      "AND (?3 = '' OR substr(recorded_at, 1, length(?3)) <= ?3) ORDER BY recorded_at, created_utc, "
      "id",
      kSessionColumns));
  if (!q)
    return db_error(path_, "list the sessions", q.error());
  if (filter.patient) {
    q->bind(1, *filter.patient);
  } else {
    q->bind_null(1);
  }
  q->bind(2, filter.since).bind(3, filter.until);
  for (;;) {
    auto row = q->step();
    if (!row)
      return db_error(path_, "list the sessions", row.error());
    if (!row.value())
      break;
    out.push_back(session_from_row(q.value()));
  }
  for (SessionRecord& s : out) {
    if (Status st = impl_->load_details(s); !st)
      return db_error(path_, "list the sessions", st.error());
  }
  return out;
}

Result<std::optional<SessionRecord>> HistoryDb::get(std::int64_t id) const {
  auto q =
      impl_->conn->prepare(fmt::format("SELECT {} FROM sessions WHERE id = ?1", kSessionColumns));
  if (!q)
    return db_error(path_, "read a session", q.error());
  q->bind(1, id);
  auto row = q->step();
  if (!row)
    return db_error(path_, "read a session", row.error());
  if (!row.value())
    return std::optional<SessionRecord>();
  SessionRecord s = session_from_row(q.value());
  if (Status st = impl_->load_details(s); !st)
    return db_error(path_, "read a session", st.error());
  return std::optional<SessionRecord>(std::move(s));
}

Result<std::vector<TrendPoint>> HistoryDb::trend(const Measure& measure,
                                                 const ListFilter& filter) const {
  auto sessions = list(filter);
  if (!sessions)
    return sessions.error();
  std::vector<TrendPoint> out;
  for (const SessionRecord& s : sessions.value()) {
    const double v = measure_value(s, measure);
    if (std::isfinite(v))
      out.push_back(TrendPoint{s.id, s.created_utc, v, s.recorded_at});
  }
  return out;
}

Result<bool> HistoryDb::remove(std::int64_t id) {
  auto tx = sql::Transaction::begin(*impl_->conn);
  if (!tx)
    return db_error(path_, "delete a session", tx.error());
  auto q = impl_->conn->prepare("DELETE FROM sessions WHERE id = ?1");
  if (!q)
    return db_error(path_, "delete a session", q.error());
  q->bind(1, id);
  if (Status st = q->run(); !st)
    return db_error(path_, "delete a session", st.error());
  const bool removed = impl_->conn->changes() > 0;
  if (Status st = tx->commit(); !st)
    return db_error(path_, "delete a session", st.error());
  return removed;
}

fs::path default_history_path() {
  if (const char* env = std::getenv("FACETWITCH_HISTORY"); env != nullptr && *env != '\0')
    return fs::path(env);
  if (const char* xdg = std::getenv("XDG_DATA_HOME"); xdg != nullptr && *xdg != '\0') {
    return fs::path(xdg) / "facetwitch" / "history.sqlite";
  }
  const char* home = std::getenv("HOME");
  return fs::path(home != nullptr && *home != '\0' ? home : ".") / ".local" / "share" /
         "facetwitch" / "history.sqlite";
}

fs::path resolve_history_path(const std::string& option) {
  return option.empty() ? default_history_path() : fs::path(option);
}

}  // namespace ft::history
