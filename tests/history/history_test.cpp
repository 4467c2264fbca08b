// history_test.cpp: the session history on test databases: schema migrations (a v1 file upgraded, a
// newer one refused), a write that fails mid-way leaves the database unchanged, damaged files give
// a clear error, session folders (written by the real summary.json writer) are read with the
// expected numbers, re-importing updates, list filters, trends, delete, and importing a folder of
// folders.
#include <sqlite3.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cmath>
#include <cstdio>
#include <atomic>
#include <cstdlib>
#include <fstream>
#include <thread>

#include <gtest/gtest.h>

#include "history/history.hpp"
#include "io/session.hpp"

namespace ft {
namespace {
namespace fs = std::filesystem;
using history::HistoryDb;

fs::path fresh(const std::string& name) {
  const fs::path dir = fs::path(FT_TEST_BINARY_DIR) / "test-out" / "history" / name;
  fs::remove_all(dir);
  fs::create_directories(dir);
  return dir;
}

Episode episode(Region r, Laterality side, double start, double end, int twitches, double freq,
                double peak_iod) {
  Episode e;
  e.region = r;
  e.side = side;
  e.start_s = start;
  e.end_s = end;
  e.twitch_count = twitches;
  e.frequency_hz = freq;
  e.peak_amplitude_iod = peak_iod;
  return e;
}

// A session folder as facetwitch writes it (summary.json by the real writer).
fs::path write_session(const fs::path& dir, const std::string& created, double duration_s,
                       std::vector<Episode> episodes, double corner_iod = 0.01) {
  fs::create_directories(dir);
  SessionSummary s;
  s.video = "clip.mp4";
  s.created_utc = created;
  s.duration_s = duration_s;
  s.frames = static_cast<std::int64_t>(duration_s * 30);
  s.frames_good_quality = s.frames - 3;
  s.fps = 30.0;
  s.episodes = std::move(episodes);
  s.asymmetry.index = 0.02;
  // The resting corner heights: the person's left corner `corner_iod` higher (the one value of the
  // resting mouth-corner height difference).
  s.asymmetry.resting[0] = compare_resting_sides(AsymmetryMeasure::MouthCornerHeight, -0.50 + corner_iod, -0.50);
  EXPECT_TRUE(write_summary_json(dir / "summary.json", s).ok());
  return dir;
}

// Sets when the video of a written summary.json was recorded.
void set_recorded(const fs::path& dir, const std::string& recorded, const std::string& source) {
  auto s = read_summary_json(dir / "summary.json");
  ASSERT_TRUE(s.ok()) << s.error().message;
  s->recorded_at = recorded;
  s->recorded_at_source = source;
  ASSERT_TRUE(write_summary_json(dir / "summary.json", *s).ok());
}

// Sets the patient_id of a written summary.json.
void set_patient(const fs::path& dir, const std::string& patient) {
  auto s = read_summary_json(dir / "summary.json");
  ASSERT_TRUE(s.ok()) << s.error().message;
  s->patient_id = patient;
  ASSERT_TRUE(write_summary_json(dir / "summary.json", *s).ok());
}

std::unique_ptr<HistoryDb> open_ok(const fs::path& file, int target = history::kSchemaVersion) {
  history::OpenOptions o;
  o.target_version = target;
  auto db = HistoryDb::open(file, o);
  EXPECT_TRUE(db.ok()) << (db.ok() ? "" : db.error().message);
  return db.ok() ? std::move(db).value() : nullptr;
}

// "<prefix><i><suffix>" (appended, not `"..." + std::string`: GCC 12 warns wrongly on that).
std::string fmt_name(int i, const char* prefix = "s", const char* suffix = "") {
  std::string name = prefix;
  name += std::to_string(i);
  name += suffix;
  return name;
}

history::SessionRecord read_ok(const fs::path& dir) {
  auto r = history::read_session_folder(dir);
  EXPECT_TRUE(r.ok()) << (r.ok() ? "" : r.error().message);
  return r.ok() ? r.value() : history::SessionRecord{};
}

// Raw SQL on a file, bypassing facetwitch (to build old or odd files).
void raw_exec(const fs::path& file, const std::string& sql) {
  sqlite3* db = nullptr;
  ASSERT_EQ(sqlite3_open(file.c_str(), &db), SQLITE_OK);
  char* err = nullptr;
  const int rc = sqlite3_exec(db, sql.c_str(), nullptr, nullptr, &err);
  EXPECT_EQ(rc, SQLITE_OK) << (err ? err : "");
  sqlite3_free(err);
  sqlite3_close(db);
}

std::int64_t raw_int(const fs::path& file, const std::string& sql) {
  sqlite3* db = nullptr;
  EXPECT_EQ(sqlite3_open(file.c_str(), &db), SQLITE_OK);
  sqlite3_stmt* st = nullptr;
  EXPECT_EQ(sqlite3_prepare_v2(db, sql.c_str(), -1, &st, nullptr), SQLITE_OK) << sqlite3_errmsg(db);
  std::int64_t v = -1;
  if (sqlite3_step(st) == SQLITE_ROW)
    v = sqlite3_column_int64(st, 0);
  sqlite3_finalize(st);
  sqlite3_close(db);
  return v;
}

TEST(HistoryRecord, NumbersFromASessionFolder) {
  const fs::path dir = fresh("record") / "s1";
  // 120 s; mouth left: two overlapping episodes (10-12 s, 11-14 s) with 3 and 5 twitches at 4 and 6
  // Hz; a bilateral mouth episode 50-52 s with 2 twitches; an eye right episode 30-33 s, 4
  // twitches, no frequency.
  write_session(dir, "2026-10-01T09:00:00Z", 120.0,
                {episode(Region::Mouth, Laterality::Left, 10, 12, 3, 4.0, 0.020),
                 episode(Region::Mouth, Laterality::Left, 11, 14, 5, 6.0, 0.035),
                 episode(Region::Mouth, Laterality::Bilateral, 50, 52, 2, kNaN, 0.010),
                 episode(Region::Eye, Laterality::Right, 30, 33, 4, kNaN, 0.040)},
                0.02);
  const auto r = read_ok(dir);
  EXPECT_EQ(r.created_utc, "2026-10-01T09:00:00Z");
  EXPECT_EQ(r.folder, fs::canonical(dir).string());
  EXPECT_EQ(r.patient_id, "");
  EXPECT_DOUBLE_EQ(r.duration_s, 120.0);
  ASSERT_EQ(r.metrics.size(), 6u);
  const auto* ml = r.metric(Region::Mouth, Laterality::Left);
  ASSERT_NE(ml, nullptr);
  EXPECT_EQ(ml->episodes, 2);
  EXPECT_EQ(ml->twitches, 8);
  EXPECT_NEAR(ml->twitches_per_min, 4.0, 1e-9);     // 8 twitches in 2 minutes
  EXPECT_NEAR(ml->median_frequency_hz, 5.0, 1e-9);  // median of 4 and 6
  EXPECT_NEAR(ml->peak_amplitude_iod, 0.035, 1e-9);
  EXPECT_NEAR(ml->time_in_spasm_pct, 100.0 * 6.0 / 120.0,
              1e-6);  // 10-14 s and the bilateral 50-52 s
  const auto* mr = r.metric(Region::Mouth, Laterality::Right);
  EXPECT_EQ(mr->twitches, 0);
  EXPECT_NEAR(mr->time_in_spasm_pct, 100.0 * 2.0 / 120.0, 1e-6);  // only the bilateral one
  EXPECT_TRUE(std::isnan(mr->median_frequency_hz));
  const auto* mb = r.metric(Region::Mouth, Laterality::Bilateral);
  EXPECT_EQ(mb->twitches, 2);
  EXPECT_NEAR(mb->twitches_per_min, 1.0, 1e-9);
  EXPECT_TRUE(std::isnan(mb->time_in_spasm_pct));
  const auto* er = r.metric(Region::Eye, Laterality::Right);
  EXPECT_NEAR(er->twitches_per_min, 2.0, 1e-9);
  EXPECT_NEAR(er->time_in_spasm_pct, 2.5, 1e-6);
  EXPECT_NEAR(r.mouth_corner_height_iod, 0.02, 1e-9);
  const auto* corner = r.region("mouth_corner_height");
  ASSERT_NE(corner, nullptr);
  EXPECT_NEAR(corner->diff, 0.02, 1e-5);
  EXPECT_NEAR(corner->diff_mm, 0.02 * kAssumedIodMm, 1e-3);

  // Measures read the same numbers.
  EXPECT_NEAR(history::measure_value(r, *history::find_measure("mouth-left-per-min")), 4.0, 1e-9);
  EXPECT_NEAR(history::measure_value(r, *history::find_measure("eye-right-spasm-pct")), 2.5, 1e-6);
  EXPECT_NEAR(history::measure_value(r, *history::find_measure("mouth-left-peak-mm")),
              0.035 * kAssumedIodMm, 1e-9);
  EXPECT_NEAR(history::measure_value(r, *history::find_measure("rest-mouth-corner-mm")),
              0.02 * kAssumedIodMm, 1e-9);
  EXPECT_EQ(history::find_measure("mouth-bilateral-spasm-pct"), nullptr);
  EXPECT_EQ(history::find_measure("nonsense"), nullptr);
}

TEST(HistoryRecord, NotASessionFolder) {
  const fs::path dir = fresh("notsession");
  std::ofstream(dir / "notes.txt") << "hello";
  auto r = history::read_session_folder(dir);
  ASSERT_FALSE(r.ok());
  EXPECT_NE(r.error().message.find("not a session folder"), std::string::npos) << r.error().message;
  EXPECT_NE(r.error().message.find(dir.string()), std::string::npos);
  EXPECT_EQ(r.error().kind, ErrorKind::Input);
}

TEST(HistoryDb, StoresAndReadsBackEveryField) {
  const fs::path root = fresh("roundtrip");
  const auto rec =
      read_ok(write_session(root / "s", "2026-10-01T09:00:00Z", 60.0,
                            {episode(Region::Eye, Laterality::Left, 5, 7, 3, 3.0, 0.05)}));
  auto db = open_ok(root / "h.sqlite");
  ASSERT_TRUE(db);
  EXPECT_EQ(db->schema_version(), history::kSchemaVersion);
  auto added = db->add(rec);
  ASSERT_TRUE(added.ok()) << added.error().message;
  EXPECT_FALSE(added->updated);
  auto got = db->get(added->id);
  ASSERT_TRUE(got.ok());
  ASSERT_TRUE(got.value().has_value());
  const auto& s = *got.value();
  EXPECT_EQ(s.folder, rec.folder);
  EXPECT_EQ(s.created_utc, rec.created_utc);
  EXPECT_EQ(s.frames, 1800);
  EXPECT_EQ(s.frames_good_quality, 1797);
  EXPECT_FALSE(s.added_utc.empty());
  ASSERT_EQ(s.metrics.size(), 6u);
  for (std::size_t i = 0; i < s.metrics.size(); ++i) {
    EXPECT_EQ(s.metrics[i].region, rec.metrics[i].region);
    EXPECT_EQ(s.metrics[i].side, rec.metrics[i].side);
    EXPECT_EQ(s.metrics[i].twitches, rec.metrics[i].twitches);
    EXPECT_DOUBLE_EQ(s.metrics[i].twitches_per_min, rec.metrics[i].twitches_per_min);
    EXPECT_EQ(std::isnan(s.metrics[i].time_in_spasm_pct),
              std::isnan(rec.metrics[i].time_in_spasm_pct));
  }
  EXPECT_NEAR(s.metric(Region::Eye, Laterality::Left)->twitches_per_min, 3.0, 1e-9);
  ASSERT_EQ(s.regions.size(), rec.regions.size());
  EXPECT_NEAR(s.region("mouth_corner_height")->diff, 0.01, 1e-5);
  EXPECT_DOUBLE_EQ(s.mouth_corner_height_iod, s.region("mouth_corner_height")->diff);
  EXPECT_TRUE(std::isnan(s.region("brow_height")->diff));  // not measured -> NULL -> NaN
  // A row added by an older version holds the every-frame median in sessions.mouth_corner_height_iod:
  // the resting value of its resting_asymmetry table is the one read.
  db.reset();
  raw_exec(root / "h.sqlite", "UPDATE sessions SET mouth_corner_height_iod = 0.5");
  db = open_ok(root / "h.sqlite");
  ASSERT_TRUE(db);
  auto old = db->get(added->id);
  ASSERT_TRUE(old.ok() && old.value().has_value());
  EXPECT_NEAR(old.value()->mouth_corner_height_iod, 0.01, 1e-5);
  auto none = db->get(added->id + 100);
  ASSERT_TRUE(none.ok());
  EXPECT_FALSE(none.value().has_value());
}

TEST(HistoryDb, ReimportUpdatesTheSameRow) {
  const fs::path root = fresh("reimport");
  const fs::path dir =
      write_session(root / "s", "2026-10-01T09:00:00Z", 60.0,
                    {episode(Region::Mouth, Laterality::Right, 5, 7, 3, 3.0, 0.05)});
  auto db = open_ok(root / "h.sqlite");
  auto first = db->add(read_ok(dir));
  ASSERT_TRUE(first.ok());
  // The folder changes (a longer analysis), then is added again.
  write_session(dir, "2026-10-01T09:00:00Z", 120.0,
                {episode(Region::Mouth, Laterality::Right, 5, 7, 3, 3.0, 0.05),
                 episode(Region::Mouth, Laterality::Right, 65, 67, 9, 3.0, 0.05)});
  auto second = db->add(read_ok(dir));
  ASSERT_TRUE(second.ok());
  EXPECT_TRUE(second->updated);
  EXPECT_EQ(second->id, first->id);
  auto all = db->list();
  ASSERT_TRUE(all.ok());
  ASSERT_EQ(all->size(), 1u);
  EXPECT_NEAR(all->front().metric(Region::Mouth, Laterality::Right)->twitches_per_min, 6.0,
              1e-9);  // 12 in 2 min
  EXPECT_DOUBLE_EQ(all->front().duration_s, 120.0);
  EXPECT_EQ(raw_int(root / "h.sqlite", "SELECT count(*) FROM side_metrics"), 6);
}

TEST(HistoryDb, ListFiltersAndTrendInDateOrder) {
  const fs::path root = fresh("list");
  auto db = open_ok(root / "h.sqlite");
  // Added out of date order; 60-s sessions so twitches per minute = twitches.
  struct S {
    const char* name;
    const char* date;
    const char* patient;
    int twitches;
  };
  const S sessions[] = {{"c", "2026-11-01T08:00:00Z", "A", 2},
                        {"a", "2026-10-01T08:00:00Z", "A", 9},
                        {"b", "2026-10-15T23:59:00Z", "B", 5}};
  for (const S& s : sessions) {
    const fs::path dir =
        write_session(root / s.name, s.date, 60.0,
                      {episode(Region::Mouth, Laterality::Left, 1, 3, s.twitches, 2.0, 0.03)});
    set_patient(dir, s.patient);
    ASSERT_TRUE(db->add(read_ok(dir)).ok());
  }
  auto dates = [](const std::vector<history::SessionRecord>& v) {
    std::vector<std::string> d;
    for (const auto& s : v)
      d.push_back(s.created_utc.substr(0, 10));
    return d;
  };
  auto all = db->list();
  ASSERT_TRUE(all.ok());
  EXPECT_EQ(dates(all.value()),
            (std::vector<std::string>{"2026-10-01", "2026-10-15", "2026-11-01"}));
  EXPECT_EQ(all->front().patient_id, "A");

  history::ListFilter f;
  f.patient = "A";
  EXPECT_EQ(dates(db->list(f).value()), (std::vector<std::string>{"2026-10-01", "2026-11-01"}));
  f = {};
  f.since = "2026-10-15";
  EXPECT_EQ(dates(db->list(f).value()), (std::vector<std::string>{"2026-10-15", "2026-11-01"}));
  f = {};
  f.until = "2026-10-15";  // the whole day, 23:59 included
  EXPECT_EQ(dates(db->list(f).value()), (std::vector<std::string>{"2026-10-01", "2026-10-15"}));
  f.patient = "nobody";
  EXPECT_TRUE(db->list(f).value().empty());

  auto trend = db->trend(*history::find_measure("mouth-left-per-min"));
  ASSERT_TRUE(trend.ok());
  ASSERT_EQ(trend->size(), 3u);
  EXPECT_DOUBLE_EQ((*trend)[0].value, 9.0);
  EXPECT_DOUBLE_EQ((*trend)[1].value, 5.0);
  EXPECT_DOUBLE_EQ((*trend)[2].value, 2.0);
  EXPECT_EQ((*trend)[2].created_utc, "2026-11-01T08:00:00Z");
  f = {};
  f.patient = "A";
  auto trend_a = db->trend(*history::find_measure("mouth-left-per-min"), f);
  ASSERT_EQ(trend_a->size(), 2u);
  EXPECT_DOUBLE_EQ((*trend_a)[1].value, 2.0);
  // A measure nobody has (no eye frequency anywhere): no points.
  EXPECT_TRUE(db->trend(*history::find_measure("eye-left-frequency-hz")).value().empty());
}

// A video made on 1 October and analysed on 5 December is listed, filtered and trended under
// 1 October; the analysis date is kept beside it.
TEST(HistoryDb, ListsFiltersAndTrendsByTheRecordingDate) {
  const fs::path root = fresh("recorded");
  auto db = open_ok(root / "h.sqlite");
  struct S {
    const char* name;
    const char* analysed;
    const char* recorded;  // "" : an older summary.json without recorded_at
    const char* patient;
    int twitches;
  };
  const S sessions[] = {
      {"oct1-late", "2026-12-05T10:00:00Z", "2026-10-01T18:00:00Z", "A", 7},
      {"nov", "2026-11-10T08:00:00Z", "", "A", 4},
      {"oct1-early", "2026-12-05T09:00:00Z", "2026-10-01T09:30:00Z", "A", 8},
      {"oct20-b", "2026-12-04T09:00:00Z", "2026-10-20T12:00:00Z", "B", 3},
  };
  for (const S& s : sessions) {
    const fs::path dir =
        write_session(root / s.name, s.analysed, 60.0,
                      {episode(Region::Mouth, Laterality::Left, 1, 3, s.twitches, 2.0, 0.03)});
    if (s.recorded[0] != '\0')
      set_recorded(dir, s.recorded, "video metadata");
    set_patient(dir, s.patient);
    ASSERT_TRUE(db->add(read_ok(dir)).ok());
  }
  auto names = [](const std::vector<history::SessionRecord>& v) {
    std::vector<std::string> d;
    for (const auto& s : v)
      d.push_back(fs::path(s.folder).filename().string());
    return d;
  };
  auto all = db->list();
  ASSERT_TRUE(all.ok()) << all.error().message;
  EXPECT_EQ(names(all.value()),
            (std::vector<std::string>{"oct1-early", "oct1-late", "oct20-b", "nov"}));
  EXPECT_EQ((*all)[0].recorded_at, "2026-10-01T09:30:00Z");
  EXPECT_EQ((*all)[0].recorded_at_source, "video metadata");
  EXPECT_EQ((*all)[0].created_utc, "2026-12-05T09:00:00Z");  // the analysis date, kept
  EXPECT_EQ((*all)[3].recorded_at, "2026-11-10T08:00:00Z");  // no recorded_at: analysed
  EXPECT_EQ((*all)[3].recorded_at_source, "analysis time");

  history::ListFilter f;
  f.until = "2026-10-01";  // by the recording date: not December
  EXPECT_EQ(names(db->list(f).value()), (std::vector<std::string>{"oct1-early", "oct1-late"}));
  f = {};
  f.since = "2026-10-02";
  EXPECT_EQ(names(db->list(f).value()), (std::vector<std::string>{"oct20-b", "nov"}));
  f = {};
  f.patient = "A";
  EXPECT_EQ(names(db->list(f).value()), (std::vector<std::string>{"oct1-early", "oct1-late", "nov"}));
  f.patient = "B";
  EXPECT_EQ(names(db->list(f).value()), (std::vector<std::string>{"oct20-b"}));

  f = {};
  f.patient = "A";
  auto trend = db->trend(*history::find_measure("mouth-left-per-min"), f);
  ASSERT_TRUE(trend.ok());
  ASSERT_EQ(trend->size(), 3u);
  EXPECT_EQ((*trend)[0].recorded_at, "2026-10-01T09:30:00Z");
  EXPECT_EQ((*trend)[0].created_utc, "2026-12-05T09:00:00Z");
  EXPECT_DOUBLE_EQ((*trend)[0].value, 8.0);
  EXPECT_DOUBLE_EQ((*trend)[1].value, 7.0);
  EXPECT_DOUBLE_EQ((*trend)[2].value, 4.0);

  // Re-importing a folder whose summary.json gained recorded_at updates the row.
  set_recorded(root / "nov", "2026-09-30T07:00:00Z", "file time");
  ASSERT_TRUE(db->add(read_ok(root / "nov")).ok());
  auto again = db->list();
  ASSERT_TRUE(again.ok());
  EXPECT_EQ(names(again.value()).front(), "nov");
  EXPECT_EQ(again->front().recorded_at_source, "file time");
}

TEST(HistoryTrend, UtcSeconds) {
  EXPECT_DOUBLE_EQ(utc_seconds("2026-10-01T09:30:00Z"), 1790847000.0);
  EXPECT_DOUBLE_EQ(utc_seconds("1970-01-01T00:00:00Z"), 0.0);
  EXPECT_TRUE(std::isnan(utc_seconds("")));
  EXPECT_TRUE(std::isnan(utc_seconds("1 October")));
}

// The trend's x positions: sessions at their own times, those of one day spread apart.
TEST(HistoryTrend, SessionsOfOneDaySpreadApart) {
  const double day = 86400.0, gap = 0.1 * day;
  const double oct1 = utc_seconds("2026-10-01T00:00:00Z");
  // Far apart: exactly at their times.
  {
    const std::vector<double> t{oct1, oct1 + 7 * day, oct1 + 14 * day};
    EXPECT_EQ(history::spread_trend_positions(t, gap), t);
  }
  // Two sessions 30 min apart on 1 October, one a week later: the pair is spread `gap` apart around
  // its mean time; the other does not move.
  {
    const std::vector<double> t{oct1 + 9 * 3600.0, oct1 + 9.5 * 3600.0, oct1 + 7 * day};
    const auto x = history::spread_trend_positions(t, gap);
    ASSERT_EQ(x.size(), 3u);
    const double mean = oct1 + 9.25 * 3600.0;
    EXPECT_NEAR(x[0], mean - gap / 2, 1e-6);
    EXPECT_NEAR(x[1], mean + gap / 2, 1e-6);
    EXPECT_NEAR(x[1] - x[0], gap, 1e-6);
    EXPECT_DOUBLE_EQ(x[2], t[2]);
  }
  // Three sessions at the same instant (dated to the day only): three distinct positions, in order,
  // centred on that instant.
  {
    const std::vector<double> t{oct1, oct1, oct1};
    const auto x = history::spread_trend_positions(t, gap);
    EXPECT_NEAR(x[0], oct1 - gap, 1e-6);
    EXPECT_NEAR(x[1], oct1, 1e-6);
    EXPECT_NEAR(x[2], oct1 + gap, 1e-6);
  }
  // A spread group that reaches into the next session takes it in too: every neighbour >= gap apart.
  {
    const std::vector<double> t{oct1, oct1 + 60.0, oct1 + 120.0, oct1 + 0.12 * day, oct1 + 3 * day};
    const auto x = history::spread_trend_positions(t, gap);
    ASSERT_EQ(x.size(), t.size());
    for (std::size_t i = 0; i + 1 < x.size(); ++i)
      EXPECT_GE(x[i + 1] - x[i], gap - 1e-6) << i;
    EXPECT_DOUBLE_EQ(x[4], t[4]);
    double mean = 0.0;
    for (int i = 0; i < 4; ++i)
      mean += t[static_cast<std::size_t>(i)] / 4.0;
    EXPECT_NEAR((x[0] + x[3]) / 2.0, mean, 1e-6);  // centred on the group's mean time
  }
  // A time that does not parse stays NaN and is skipped; no gap: the times themselves.
  {
    const std::vector<double> t{oct1, kNaN, oct1 + 10.0};
    const auto x = history::spread_trend_positions(t, gap);
    EXPECT_TRUE(std::isnan(x[1]));
    EXPECT_NEAR(x[2] - x[0], gap, 1e-6);
    EXPECT_EQ(history::spread_trend_positions(t, 0.0)[2], oct1 + 10.0);
  }
  EXPECT_TRUE(history::spread_trend_positions({}, gap).empty());
}

TEST(HistoryDb, DeleteRemovesOnlyTheRow) {
  const fs::path root = fresh("delete");
  const fs::path dir = write_session(root / "s", "2026-10-01T09:00:00Z", 60.0, {});
  auto db = open_ok(root / "h.sqlite");
  auto added = db->add(read_ok(dir));
  ASSERT_TRUE(added.ok());
  auto removed = db->remove(added->id);
  ASSERT_TRUE(removed.ok());
  EXPECT_TRUE(removed.value());
  EXPECT_FALSE(db->get(added->id).value().has_value());
  EXPECT_EQ(raw_int(root / "h.sqlite", "SELECT count(*) FROM side_metrics"), 0);  // cascaded
  EXPECT_TRUE(fs::exists(dir / "summary.json"));
  EXPECT_FALSE(db->remove(added->id).value());
}

// Issue 13: several facetwitch runs that add their sessions to the same new history file at the
// same moment each create the schema; the ones that came second used to fail with "table sessions
// already exists". Eight threads, each with its own connection, start together on a new file,
// several rounds: every add succeeds and all eight sessions are there.
TEST(HistoryDb, ConcurrentFirstWritersOfANewFileAllSucceed) {
  constexpr int kWriters = 8;
  constexpr int kRounds = 6;
  const fs::path root = fresh("concurrent");
  std::vector<history::SessionRecord> records;
  for (int i = 0; i < kWriters; ++i) {
    records.push_back(read_ok(write_session(root / fmt_name(i), "2026-10-01T09:00:00Z", 60.0,
                                            {episode(Region::Mouth, Laterality::Left, 1.0, 3.0, 4,
                                                     5.0, 0.02)})));
  }
  for (int round = 0; round < kRounds; ++round) {
    const fs::path file = root / fmt_name(round, "h", ".sqlite");
    std::atomic<int> ready{0};
    std::vector<std::string> errors(kWriters);
    std::vector<std::thread> threads;
    for (int i = 0; i < kWriters; ++i) {
      threads.emplace_back([&, i] {
        ready.fetch_add(1);
        while (ready.load() < kWriters)
          std::this_thread::yield();
        auto db = HistoryDb::open(file);
        if (!db.ok()) {
          errors[static_cast<std::size_t>(i)] = db.error().message;
          return;
        }
        auto added = db.value()->add(records[static_cast<std::size_t>(i)]);
        if (!added.ok())
          errors[static_cast<std::size_t>(i)] = added.error().message;
      });
    }
    for (std::thread& t : threads)
      t.join();
    for (int i = 0; i < kWriters; ++i)
      EXPECT_EQ(errors[static_cast<std::size_t>(i)], "") << "round " << round << ", writer " << i;
    EXPECT_EQ(raw_int(file, "SELECT count(*) FROM sessions"), kWriters) << "round " << round;
    EXPECT_EQ(raw_int(file, "SELECT count(*) FROM side_metrics"),
              static_cast<std::int64_t>(kWriters * records[0].metrics.size()))
        << "round " << round;
    EXPECT_EQ(raw_int(file, "PRAGMA user_version"), history::kSchemaVersion) << "round " << round;
  }
}

// The same with processes (what really happens: several `facetwitch analyse` at once): 8 children,
// each opening the new file and adding its session as soon as all are started, several rounds.
TEST(HistoryDb, ConcurrentFirstWriterProcessesAllSucceed) {
  constexpr int kWriters = 8;
  constexpr int kRounds = 4;
  const fs::path root = fresh("concurrent_processes");
  std::vector<history::SessionRecord> records;
  for (int i = 0; i < kWriters; ++i)
    records.push_back(read_ok(write_session(root / fmt_name(i), "2026-10-02T09:00:00Z", 30.0, {})));
  for (int round = 0; round < kRounds; ++round) {
    const fs::path file = root / fmt_name(round, "h", ".sqlite");
    const fs::path go = root / fmt_name(round, "go");
    std::vector<pid_t> children;
    for (int i = 0; i < kWriters; ++i) {
      const pid_t pid = ::fork();
      if (pid == 0) {
        while (!fs::exists(go))  // start together
          ::usleep(200);
        auto db = HistoryDb::open(file);
        if (!db.ok()) {
          std::fprintf(stderr, "writer %d: %s\n", i, db.error().message.c_str());
          ::_exit(1);
        }
        auto added = db.value()->add(records[static_cast<std::size_t>(i)]);
        if (!added.ok())
          std::fprintf(stderr, "writer %d: %s\n", i, added.error().message.c_str());
        ::_exit(added.ok() ? 0 : 2);
      }
      ASSERT_GT(pid, 0);
      children.push_back(pid);
    }
    std::ofstream(go) << "go\n";
    for (const pid_t pid : children) {
      int status = 0;
      ASSERT_EQ(::waitpid(pid, &status, 0), pid);
      EXPECT_TRUE(WIFEXITED(status) && WEXITSTATUS(status) == 0) << "round " << round;
    }
    EXPECT_EQ(raw_int(file, "SELECT count(*) FROM sessions"), kWriters) << "round " << round;
  }
}

TEST(HistoryDb, FailedWriteLeavesTheDatabaseUnchanged) {
  const fs::path root = fresh("tx");
  const fs::path a = write_session(root / "a", "2026-10-01T09:00:00Z", 60.0,
                                   {episode(Region::Mouth, Laterality::Left, 1, 2, 3, 3.0, 0.05)});
  const fs::path b = write_session(root / "b", "2026-10-02T09:00:00Z", 60.0,
                                   {episode(Region::Eye, Laterality::Right, 1, 2, 7, 3.0, 0.05)});
  auto db = open_ok(root / "h.sqlite");
  ASSERT_TRUE(db->add(read_ok(a)).ok());
  // Re-adding `a` with other numbers, and adding `b`, each failing at every possible step in turn.
  history::SessionRecord a2 = read_ok(a);
  a2.metrics[0].twitches = 99;
  a2.duration_s = 999.0;
  history::SessionRecord rb = read_ok(b);
  for (const history::SessionRecord* rec : {&a2, &rb}) {
    int failures = 0;
    for (int step = 0; step < 100; ++step) {
      db->fail_after_steps_for_testing(step);
      auto r = db->add(*rec);
      db->fail_after_steps_for_testing(-1);
      if (r.ok())
        break;
      ++failures;
      EXPECT_NE(r.error().message.find("injected"), std::string::npos) << r.error().message;
      auto all = db->list();
      ASSERT_TRUE(all.ok()) << all.error().message;
      ASSERT_EQ(all->size(), 1u) << "after a failure at step " << step;
      EXPECT_DOUBLE_EQ(all->front().duration_s, 60.0);
      EXPECT_EQ(all->front().metrics.size(), 6u);
      EXPECT_EQ(all->front().metric(Region::Mouth, Laterality::Left)->twitches, 3);
      EXPECT_EQ(raw_int(root / "h.sqlite", "SELECT count(*) FROM resting_asymmetry"), 6);
    }
    // Every statement of the write can fail: begin, find, upsert, 2 deletes, 6 + 6 inserts, commit.
    EXPECT_GE(failures, 17);
    // Restore `a` for the next round.
    ASSERT_TRUE(db->add(read_ok(a)).ok());
  }
  EXPECT_EQ(db->list().value().size(), 2u);
}

TEST(HistoryDb, UpgradesAVersion1File) {
  const fs::path root = fresh("migrate");
  const fs::path file = root / "h.sqlite";
  {
    auto v1 = open_ok(file, 1);
    ASSERT_TRUE(v1);
    EXPECT_EQ(v1->schema_version(), 1);
  }
  EXPECT_EQ(raw_int(file, "PRAGMA user_version"), 1);
  // A session as version 1 stored it (no notes column).
  raw_exec(
      file,
      "INSERT INTO sessions (id, folder, created_utc, duration_s, added_utc, "
      "mouth_corner_height_iod) "
      "VALUES (7, '/old/session', '2026-09-01T10:00:00Z', 90, '2026-09-01T10:05:00Z', -0.01);"
      "INSERT INTO side_metrics (session_id, region, side, episodes, twitches, twitches_per_min) "
      "VALUES (7, 'mouth', 'left', 2, 6, 4.0);");
  EXPECT_EQ(
      raw_int(file, "SELECT count(*) FROM pragma_table_info('sessions') WHERE name = 'notes'"), 0);
  auto db = open_ok(file);
  ASSERT_TRUE(db);
  EXPECT_EQ(db->schema_version(), 3);
  EXPECT_EQ(raw_int(file, "PRAGMA user_version"), 3);
  EXPECT_EQ(
      raw_int(file, "SELECT count(*) FROM pragma_table_info('sessions') WHERE name = 'notes'"), 1);
  EXPECT_EQ(
      raw_int(file, "SELECT count(*) FROM sqlite_master WHERE name = 'sessions_by_patient_date'"),
      1);
  auto s = db->get(7);
  ASSERT_TRUE(s.ok()) << s.error().message;
  ASSERT_TRUE(s.value().has_value());
  EXPECT_EQ(s.value()->folder, "/old/session");
  EXPECT_EQ(s.value()->notes, "");
  // Schema 3: a row of an older version is dated by its analysis.
  EXPECT_EQ(s.value()->recorded_at, "2026-09-01T10:00:00Z");
  EXPECT_EQ(s.value()->recorded_at_source, "analysis time");
  EXPECT_NEAR(s.value()->metric(Region::Mouth, Laterality::Left)->twitches_per_min, 4.0, 1e-12);
  // Opening again changes nothing.
  db.reset();
  EXPECT_EQ(open_ok(file)->schema_version(), 3);
}

TEST(HistoryDb, UpgradesAVersion2FileDatingOldRowsByTheirAnalysis) {
  const fs::path root = fresh("migrate2");
  const fs::path file = root / "h.sqlite";
  {
    auto v2 = open_ok(file, 2);
    ASSERT_TRUE(v2);
    EXPECT_EQ(v2->schema_version(), 2);
  }
  raw_exec(file,
           "INSERT INTO sessions (id, folder, created_utc, duration_s, added_utc, notes) VALUES "
           "(3, '/old/b', '2026-12-05T10:00:00Z', 60, '2026-12-05T10:01:00Z', 'after'),"
           "(4, '/old/a', '2026-11-20T10:00:00Z', 60, '2026-11-20T10:01:00Z', 'before');");
  EXPECT_EQ(raw_int(file, "SELECT count(*) FROM pragma_table_info('sessions') WHERE name = "
                          "'recorded_at'"),
            0);
  // Read-only (history list) on a file the user may not write: an older file is an error, not upgraded.
  history::OpenOptions ro;
  ro.read_only = true;
  ro.upgrade_if_writable = false;
  auto refused = HistoryDb::open(file, ro);
  ASSERT_FALSE(refused.ok());
  EXPECT_NE(refused.error().message.find("schema version 2"), std::string::npos)
      << refused.error().message;
  EXPECT_EQ(raw_int(file, "PRAGMA user_version"), 2);
  // The same on a file the user may write (after updating facetwitch): upgraded once, then read.
  {
    history::OpenOptions reading;
    reading.read_only = true;
    auto upgraded = HistoryDb::open(file, reading);
    ASSERT_TRUE(upgraded.ok()) << upgraded.error().message;
    EXPECT_EQ((*upgraded)->schema_version(), 3);
  }

  auto db = open_ok(file);
  ASSERT_TRUE(db);
  EXPECT_EQ(db->schema_version(), 3);
  EXPECT_EQ(raw_int(file, "PRAGMA user_version"), 3);
  EXPECT_EQ(raw_int(file, "SELECT count(*) FROM sqlite_master WHERE name = "
                          "'sessions_by_patient_recorded'"),
            1);
  auto all = db->list();
  ASSERT_TRUE(all.ok()) << all.error().message;
  ASSERT_EQ(all->size(), 2u);
  EXPECT_EQ((*all)[0].id, 4);  // by recording date = analysis date for old rows
  EXPECT_EQ((*all)[0].recorded_at, "2026-11-20T10:00:00Z");
  EXPECT_EQ((*all)[0].recorded_at_source, "analysis time");
  EXPECT_EQ((*all)[0].notes, "before");
  EXPECT_EQ((*all)[1].recorded_at, "2026-12-05T10:00:00Z");
}

TEST(HistoryDb, RefusesANewerFileWithoutChangingIt) {
  const fs::path root = fresh("newer");
  const fs::path file = root / "h.sqlite";
  open_ok(file).reset();
  raw_exec(file, "PRAGMA user_version = 9");
  auto db = HistoryDb::open(file);
  ASSERT_FALSE(db.ok());
  const std::string& msg = db.error().message;
  EXPECT_NE(msg.find("newer facetwitch"), std::string::npos) << msg;
  EXPECT_NE(msg.find("schema version 9"), std::string::npos) << msg;
  EXPECT_NE(msg.find(file.string()), std::string::npos) << msg;
  EXPECT_EQ(raw_int(file, "PRAGMA user_version"), 9);
}

TEST(HistoryDb, DamagedOrForeignFilesGiveAClearError) {
  const fs::path root = fresh("corrupt");
  const fs::path junk = root / "junk.sqlite";
  {
    std::ofstream out(junk, std::ios::binary);
    for (int i = 0; i < 200; ++i)
      out << "this is not a database at all ";
  }
  auto db = HistoryDb::open(junk);
  ASSERT_FALSE(db.ok());
  EXPECT_NE(db.error().message.find(junk.string()), std::string::npos) << db.error().message;
  EXPECT_NE(db.error().message.find("damaged or is not a facetwitch history"), std::string::npos)
      << db.error().message;
  EXPECT_NE(db.error().message.find("--history"), std::string::npos);

  const fs::path foreign = root / "foreign.sqlite";
  raw_exec(foreign, "CREATE TABLE recipes (name TEXT)");
  auto f = HistoryDb::open(foreign);
  ASSERT_FALSE(f.ok());
  EXPECT_NE(f.error().message.find("not a facetwitch session history"), std::string::npos)
      << f.error().message;
  EXPECT_EQ(raw_int(foreign, "SELECT count(*) FROM sqlite_master"), 1);  // untouched

  auto dir = HistoryDb::open(root);
  ASSERT_FALSE(dir.ok());
  EXPECT_NE(dir.error().message.find("is a folder"), std::string::npos) << dir.error().message;
}

TEST(HistoryImport, FolderOfSessionFolders) {
  const fs::path root = fresh("import");
  write_session(root / "sessions" / "2026-10-01", "2026-10-01T09:00:00Z", 60.0, {});
  write_session(root / "sessions" / "2026-10-08", "2026-10-08T09:00:00Z", 60.0, {});
  fs::create_directories(root / "sessions" / "not-a-session");
  fs::create_directories(root / "empty");
  auto db = open_ok(root / "h.sqlite");
  auto items = history::import_folders(
      *db, {root / "sessions", root / "empty", root / "sessions" / "2026-10-01"});
  ASSERT_EQ(items.size(), 4u);
  using O = history::ImportItem::Outcome;
  EXPECT_EQ(items[0].outcome, O::Imported);
  EXPECT_EQ(items[0].folder.filename(), "2026-10-01");
  EXPECT_EQ(items[1].outcome, O::Imported);
  EXPECT_EQ(items[2].outcome, O::Skipped);
  EXPECT_NE(items[2].reason.find("not a session folder"), std::string::npos) << items[2].reason;
  EXPECT_EQ(items[3].outcome, O::Updated);  // the same folder again
  EXPECT_EQ(items[3].id, items[0].id);
  EXPECT_EQ(db->list().value().size(), 2u);
}

TEST(HistoryPath, OptionThenEnvironmentThenXdg) {
  const char* keep_env = std::getenv("FACETWITCH_HISTORY");
  const std::string saved = keep_env ? keep_env : "";
  const char* keep_home = std::getenv("HOME");
  const std::string saved_home = keep_home ? keep_home : "";
  ::setenv("FACETWITCH_HISTORY", "/env/h.sqlite", 1);
  ::setenv("XDG_DATA_HOME", "/xdg", 1);
  EXPECT_EQ(history::resolve_history_path("/opt/h.sqlite"), fs::path("/opt/h.sqlite"));
  EXPECT_EQ(history::resolve_history_path(""), fs::path("/env/h.sqlite"));
  ::unsetenv("FACETWITCH_HISTORY");
  EXPECT_EQ(history::resolve_history_path(""), fs::path("/xdg/facetwitch/history.sqlite"));
  ::unsetenv("XDG_DATA_HOME");
  ::setenv("HOME", "/home/someone", 1);
  EXPECT_EQ(history::default_history_path(),
            fs::path("/home/someone/.local/share/facetwitch/history.sqlite"));
  if (!saved.empty())
    ::setenv("FACETWITCH_HISTORY", saved.c_str(), 1);
  if (!saved_home.empty())
    ::setenv("HOME", saved_home.c_str(), 1);
}

}  // namespace
}  // namespace ft
