// history.hpp: the session history, a local SQLite database of analysed and recorded sessions
// (date, duration, twitches per minute per side and region, time in spasm, resting asymmetry), so a
// person can follow their twitching over weeks. Schema, location and fields: docs/OUTPUT.md
// ("Session history").
//
// The database is versioned with `PRAGMA user_version`; opening an older file applies the missing
// migrations in order, each in its own transaction. A file written by a newer facetwitch is
// refused. Every write is one transaction (WAL journal), so a crash mid-write leaves the previous
// state. Sides are always the PERSON's left and right.
//
// Thread safety: a HistoryDb is used by one thread at a time; several processes may share one file
// (SQLite locking, 5 s busy timeout).
#pragma once

#include <cstdint>
#include <filesystem>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "core/error.hpp"
#include "core/measurements.hpp"
#include "core/side.hpp"
#include "core/utc_time.hpp"  // utc_seconds, for the trend's times

namespace ft::history {

// The schema this program writes (PRAGMA user_version). 1: the first; 2: sessions.notes and the
// (patient_id, created_utc) index; 3: sessions.recorded_at and recorded_at_source (when the video was
// recorded; rows of older versions get their analysis time, source "analysis time").
inline constexpr int kSchemaVersion = 3;

// Counts and sizes of one region x laterality of a session (as summary.json's `counts`).
struct SideRegionMetrics {
  Region region = Region::Mouth;
  Laterality side = Laterality::Left;
  std::int64_t episodes = 0;
  std::int64_t twitches = 0;
  double twitches_per_min = 0.0;  // twitches / (duration_s / 60); 0 when duration_s is 0
  double time_in_spasm_pct =
      kNaN;  // left/right only (bilateral episodes count for both); NaN for bilateral
  double median_frequency_hz = kNaN;  // median of the episodes' frequency_hz; NaN when none had one
  double peak_amplitude_iod = kNaN;   // largest episode peak_amplitude_iod; NaN without episodes
};

// The resting asymmetry of one summary.json `asymmetry.regions` measure.
struct RegionDiff {
  std::string key;     // e.g. "mouth_corner_height"
  double left = kNaN;  // IOD or degrees
  double right = kNaN;
  double diff = kNaN;     // left - right
  double diff_mm = kNaN;  // NaN for angles
};

// One session as stored in the history.
struct SessionRecord {
  std::int64_t id = 0;  // 0 until stored
  std::string folder;   // absolute path of the session folder (unique)
  std::string patient_id;
  std::string created_utc;  // ISO 8601 UTC, from summary.json
  std::string source;
  std::string video;
  double duration_s = 0.0;
  std::int64_t frames = 0;
  std::int64_t frames_good_quality = 0;
  double fps = 0.0;
  bool partial = false;
  std::string added_utc;  // when it entered the history
  std::string notes;      // schema 2
  // The resting mouth-corner height difference (summary.json's asymmetry.regions.mouth_corner_height
  // diff, the same value the terminal, window and report show): signed, + when the person's left corner
  // is higher. IOD.
  double mouth_corner_height_iod = kNaN;
  double asymmetry_index = kNaN;  // the mirror asymmetry index over the resting frames, IOD
  std::vector<SideRegionMetrics> metrics;  // 2 regions x (left, right, bilateral)
  std::vector<RegionDiff> regions;         // one per summary.json asymmetry.regions key
  // Schema 3: when the video was recorded (summary.json recorded_at; created_utc for older folders) and
  // how that is known ("video metadata", "file time", "recording start", "analysis time"). Sessions are
  // listed, filtered and plotted by it.
  std::string recorded_at;
  std::string recorded_at_source;

  const SideRegionMetrics* metric(Region r, Laterality l) const;
  const RegionDiff* region(const std::string& key) const;
};

// Reads a session folder (summary.json; episodes.csv when present) into a record. A folder without
// summary.json is ErrorKind::Input "not a session folder".
Result<SessionRecord> read_session_folder(const std::filesystem::path& folder);

// A measure whose trend can be followed, e.g. "mouth-left-per-min" or "rest-mouth-corner-mm".
struct Measure {
  std::string name;
  std::string label;  // for people, e.g. "Mouth, person's left: twitches per minute"
  std::string unit;   // e.g. "/min", "%", "mm"
};
const std::vector<Measure>& measures();
const Measure* find_measure(const std::string& name);
// The value of `measure` in `s` (NaN when not measured).
double measure_value(const SessionRecord& s, const Measure& measure);

// Where the sessions go on the time axis of a trend plot: `t` are their times (seconds, oldest first,
// e.g. utc_seconds(recorded_at)). Each session stays at its own time, except that sessions closer than
// `min_gap` to the next one (several sessions of one day on a plot of weeks) are spread out evenly,
// `min_gap` apart, around their mean time, so that each one can be seen. The order is kept; the result
// has one position per input. A NaN time keeps its NaN and is skipped.
std::vector<double> spread_trend_positions(const std::vector<double>& t, double min_gap);

struct ListFilter {
  std::optional<std::string> patient;  // exact patient_id
  std::string since;  // "YYYY-MM-DD" (or any ISO prefix): recorded_at on or after; "" = any
  std::string until;  // recorded on or before this day; "" = any
};

struct TrendPoint {
  std::int64_t id = 0;
  std::string created_utc;
  double value = kNaN;
  std::string recorded_at;
};

struct AddResult {
  std::int64_t id = 0;
  bool updated = false;  // the folder was already in the history: its row was replaced
};

struct OpenOptions {
  // Migrate up to this version only (tests: write an old file). Never above kSchemaVersion.
  int target_version = kSchemaVersion;
  // The commands that only read (history list, show, trend): open the file read-only, so a history the
  // user may not write can be read; it is never created, its folder never made, its schema never
  // upgraded (an older one is an error saying so).
  bool read_only = false;
  // With read_only: an older schema in a file (and folder) this user may write is upgraded once
  // (opened for writing) instead of being an error.
  bool upgrade_if_writable = true;
};

class HistoryDb {
 public:
  // Opens (creating it and its folder when missing) and migrates the database. Errors name the file
  // and say what to do: damaged or not a database, newer than this program, not writable.
  static Result<std::unique_ptr<HistoryDb>> open(const std::filesystem::path& path,
                                                 const OpenOptions& options = {});
  ~HistoryDb();
  HistoryDb(const HistoryDb&) = delete;
  HistoryDb& operator=(const HistoryDb&) = delete;

  const std::filesystem::path& path() const { return path_; }
  int schema_version() const;

  // Adds a session, or replaces it when its folder is already there (one transaction).
  Result<AddResult> add(const SessionRecord& session);
  // Sessions in recorded_at order (oldest first; then created_utc, id), with their metrics.
  Result<std::vector<SessionRecord>> list(const ListFilter& filter = {}) const;
  // nullopt when there is no such id.
  Result<std::optional<SessionRecord>> get(std::int64_t id) const;
  // Values of `measure` over the sessions of `filter`, oldest first; unmeasured sessions skipped.
  Result<std::vector<TrendPoint>> trend(const Measure& measure,
                                        const ListFilter& filter = {}) const;
  // Removes the history row of session `id` (never the folder). false when there was no such id.
  Result<bool> remove(std::int64_t id);

  // Tests only: make the n-th SQL step from now fail (as a full disk would), to check that a failed
  // write leaves the database unchanged. Negative: never.
  void fail_after_steps_for_testing(int n);

  struct Impl;

 private:
  HistoryDb(std::filesystem::path path, std::unique_ptr<Impl> impl);
  std::filesystem::path path_;
  std::unique_ptr<Impl> impl_;
};

// Where the history lives when no --history is given: $FACETWITCH_HISTORY, else
// $XDG_DATA_HOME/facetwitch/history.sqlite, else $HOME/.local/share/facetwitch/history.sqlite.
std::filesystem::path default_history_path();
// `option` when not empty, else default_history_path().
std::filesystem::path resolve_history_path(const std::string& option);

// Imports session folders: each path is a session folder, or a folder whose direct sub-folders are
// session folders. One line per folder found, with what happened.
struct ImportItem {
  std::filesystem::path folder;
  enum class Outcome { Imported, Updated, Skipped } outcome = Outcome::Skipped;
  std::int64_t id = 0;
  std::string reason;  // why it was skipped
};
std::vector<ImportItem> import_folders(HistoryDb& db,
                                       const std::vector<std::filesystem::path>& paths);

}  // namespace ft::history
