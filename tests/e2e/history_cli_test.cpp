// history_cli_test.cpp: the session history through the real `facetwitch` executable: `analyse`
// adds its session (the stored numbers are those of its summary.json), re-importing updates it,
// --no-history writes nothing, `history delete` needs a terminal or --yes and never touches the
// folder, and a damaged history file is a clear error for `history` and only a warning for
// `analyse`.
#include <array>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <sstream>

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "io/session.hpp"
#include "support/test_videos.hpp"

namespace ft {
namespace {
namespace fs = std::filesystem;

// A short webcam-like clip with one left mouth-corner episode.
fs::path history_video() {
  Scenario s = webcam_scenario(6.0, 31, 2.2);
  s.twitches = {twitch_spec(Region::Mouth, Side::Left, 2.0, 1.5, 5.0, 0.03)};
  std::string why;
  auto dir = testing::ensure_video("history_e2e", s, &why);
  return dir ? *dir / "video.mp4" : fs::path();
}

std::string env_for(const fs::path& db) {
  return "FACETWITCH_HISTORY='" + db.string() + "'";
}

nlohmann::json read_json(const fs::path& p) {
  std::ifstream in(p);
  std::stringstream ss;
  ss << in.rdbuf();
  return nlohmann::json::parse(ss.str(), nullptr, false);
}

nlohmann::json list_json(const fs::path& db) {
  const auto r = testing::run_facetwitch({"history", "list", "--json", "--history", db.string()});
  EXPECT_EQ(r.exit_code, 0) << r.err;
  return nlohmann::json::parse(r.out, nullptr, false);
}

// A video whose container says it was made on 1 October 2026 (copied with ffmpeg -metadata
// creation_time) is dated 1 October by `analyse`, in summary.json and in the history, whenever it is
// analysed; `history list --patient` and `history trend --patient` keep one patient's sessions.
TEST(HistoryCli, AnalyseDatesTheSessionByTheVideosCreationTime) {
  const fs::path video = history_video();
  if (video.empty())
    GTEST_SKIP() << "no test video (run scripts/setup.sh)";
  if (std::system("ffmpeg -version >/dev/null 2>&1") != 0)
    GTEST_SKIP() << "ffmpeg is not installed";
  const fs::path root = testing::fresh_dir("history_cli_recorded");
  fs::create_directories(root);
  const fs::path dated = root / "oct1.mp4";
  const std::string cmd = "ffmpeg -nostdin -y -v error -i '" + video.string() +
                          "' -c copy -metadata creation_time=2026-10-01T09:30:00Z '" +
                          dated.string() + "'";
  ASSERT_EQ(std::system(cmd.c_str()), 0) << cmd;
  const fs::path db = root / "history.sqlite";
  const auto a = testing::run_facetwitch({"analyse", dated.string(), "--out", (root / "s1").string(),
                                          "--patient", "P1", "--quiet"},
                                         env_for(db));
  ASSERT_EQ(a.exit_code, 0) << a.err;
  const nlohmann::json summary = read_json(root / "s1" / "summary.json");
  ASSERT_FALSE(summary.is_discarded());
  EXPECT_EQ(summary["recorded_at"], "2026-10-01T09:30:00Z");
  EXPECT_EQ(summary["recorded_at_source"], "video metadata");
  EXPECT_NE(summary["created_utc"].get<std::string>().substr(0, 10), "2026-10-01");  // analysed today

  // An undated copy (made now), for another patient: dated by its file time.
  const fs::path plain = root / "plain.mp4";
  fs::copy_file(video, plain);
  const auto b = testing::run_facetwitch({"analyse", plain.string(), "--out", (root / "s2").string(),
                                          "--patient", "P2", "--quiet"},
                                         env_for(db));
  ASSERT_EQ(b.exit_code, 0) << b.err;
  const nlohmann::json summary2 = read_json(root / "s2" / "summary.json");
  EXPECT_EQ(summary2["recorded_at_source"], "file time");

  const nlohmann::json list = list_json(db);
  ASSERT_EQ(list.size(), 2u) << list.dump(2);
  EXPECT_EQ(list[0]["recorded_at"], "2026-10-01T09:30:00Z");  // oldest recording first
  EXPECT_EQ(list[0]["recorded_at_source"], "video metadata");
  EXPECT_EQ(list[0]["created_utc"], summary["created_utc"]);

  const auto text = testing::run_facetwitch(
      {"history", "list", "--patient", "P1", "--history", db.string()});
  ASSERT_EQ(text.exit_code, 0) << text.err;
  EXPECT_NE(text.out.find("2026-10-01 09:30"), std::string::npos) << text.out;
  EXPECT_NE(text.out.find("1 session "), std::string::npos) << text.out;
  EXPECT_EQ(text.out.find("[P2]"), std::string::npos) << text.out;
  const auto until = testing::run_facetwitch(
      {"history", "list", "--json", "--until", "2026-10-01", "--history", db.string()});
  ASSERT_EQ(until.exit_code, 0) << until.err;
  const nlohmann::json u = nlohmann::json::parse(until.out, nullptr, false);
  ASSERT_EQ(u.size(), 1u) << until.out;
  EXPECT_EQ(u[0]["patient_id"], "P1");

  const auto trend = testing::run_facetwitch({"history", "trend", "--patient", "P2", "--measure",
                                              "mouth-left-per-min", "--history", db.string()});
  ASSERT_EQ(trend.exit_code, 0) << trend.err;
  EXPECT_EQ(trend.out.find("2026-10-01 09:30"), std::string::npos) << trend.out;
  EXPECT_NE(trend.out.find("1 sessions"), std::string::npos) << trend.out;
}

TEST(HistoryCli, AnalyseAddsItsSessionWithTheSummaryNumbers) {
  const fs::path video = history_video();
  if (video.empty())
    GTEST_SKIP() << "no test video (run scripts/setup.sh)";
  const fs::path root = testing::fresh_dir("history_cli_analyse");
  const fs::path db = root / "history.sqlite";
  const fs::path out = root / "session";
  const auto a = testing::run_facetwitch(
      {"analyse", video.string(), "--out", out.string(), "--quiet"}, env_for(db));
  ASSERT_EQ(a.exit_code, 0) << a.err;
  EXPECT_NE(a.out.find("added to the session history as #1"), std::string::npos) << a.out;

  const nlohmann::json summary = read_json(out / "summary.json");
  ASSERT_FALSE(summary.is_discarded());
  const nlohmann::json list = list_json(db);
  ASSERT_TRUE(list.is_array());
  ASSERT_EQ(list.size(), 1u);
  const nlohmann::json& s = list[0];
  EXPECT_EQ(s["folder"], fs::canonical(out).string());
  EXPECT_EQ(s["created_utc"], summary["created_utc"]);
  EXPECT_EQ(s["frames"], summary["frames"]);
  EXPECT_DOUBLE_EQ(s["duration_s"].get<double>(), summary["duration_s"].get<double>());
  ASSERT_GT(summary["counts"]["mouth"]["left"]["twitches"].get<int>(), 0)
      << "the analyser found no twitch";
  for (const char* region : {"mouth", "eye"}) {
    for (const char* side : {"left", "right", "bilateral"}) {
      const auto& want = summary["counts"][region][side];
      const auto& got = s["counts"][region][side];
      EXPECT_EQ(got["episodes"], want["episodes"]) << region << " " << side;
      EXPECT_EQ(got["twitches"], want["twitches"]) << region << " " << side;
      EXPECT_NEAR(got["twitches_per_min"].get<double>(), want["twitches_per_min"].get<double>(),
                  1e-3);
      if (want.contains("time_in_spasm_pct")) {
        EXPECT_NEAR(got["time_in_spasm_pct"].get<double>(), want["time_in_spasm_pct"].get<double>(),
                    0.01);
      }
    }
  }
  EXPECT_DOUBLE_EQ(s["mouth_corner_height_iod"].get<double>(),
                   summary["asymmetry"]["mouth_corner_height_iod"].get<double>());
  // The reader recomputes diff = left - right from the rounded sides: equal to the file's up to
  // rounding.
  EXPECT_NEAR(s["resting_asymmetry"]["smile_angle"]["diff"].get<double>(),
              summary["asymmetry"]["regions"]["smile_angle"]["diff"].get<double>(), 1e-6);

  // Importing the same folder again updates the same row.
  const auto imp =
      testing::run_facetwitch({"history", "import", out.string(), "--history", db.string()});
  EXPECT_EQ(imp.exit_code, 0) << imp.err;
  EXPECT_NE(imp.out.find("updated   #1"), std::string::npos) << imp.out;
  EXPECT_EQ(list_json(db).size(), 1u);

  // The trend of the left mouth corner has this session's value.
  const auto t = testing::run_facetwitch(
      {"history", "trend", "--measure", "mouth-left-per-min", "--history", db.string()});
  EXPECT_EQ(t.exit_code, 0) << t.err;
  char value[32];
  std::snprintf(value, sizeof value, "%.2f",
                summary["counts"]["mouth"]["left"]["twitches_per_min"].get<double>());
  EXPECT_NE(t.out.find(value), std::string::npos) << t.out;
  EXPECT_NE(t.out.find("trend"), std::string::npos) << t.out;
}

TEST(HistoryCli, RecordAddsItsSession) {
  const fs::path video = history_video();
  if (video.empty())
    GTEST_SKIP() << "no test video (run scripts/setup.sh)";
  const fs::path root = testing::fresh_dir("history_cli_record");
  const fs::path db = root / "history.sqlite";
  const fs::path out = root / "session";
  const auto r = testing::run_facetwitch({"record", video.string(), "--out", out.string(),
                                          "--duration", "2", "--history", db.string()});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_NE(r.out.find("added to the session history as #1"), std::string::npos) << r.out;
  const nlohmann::json list = list_json(db);
  ASSERT_EQ(list.size(), 1u);
  EXPECT_EQ(list[0]["folder"], fs::canonical(out).string());
  const nlohmann::json summary = read_json(out / "summary.json");
  EXPECT_EQ(list[0]["frames"], summary["frames"]);
  EXPECT_EQ(list[0]["source"], summary["source"]);
  // A live recording is dated by its start (before its summary was written), whatever the file's own date.
  EXPECT_EQ(summary["recorded_at_source"], "recording start");
  EXPECT_EQ(list[0]["recorded_at_source"], "recording start");
  EXPECT_EQ(list[0]["recorded_at"], summary["recorded_at"]);
  EXPECT_EQ(summary["recorded_at"].get<std::string>().size(), 20u) << summary["recorded_at"];
  EXPECT_LE(summary["recorded_at"].get<std::string>(), summary["created_utc"].get<std::string>());
}

TEST(HistoryCli, NoHistoryWritesNothing) {
  const fs::path video = history_video();
  if (video.empty())
    GTEST_SKIP() << "no test video (run scripts/setup.sh)";
  const fs::path root = testing::fresh_dir("history_cli_none");
  const fs::path db = root / "history.sqlite";
  const auto a = testing::run_facetwitch(
      {"analyse", video.string(), "--out", (root / "s").string(), "--quiet", "--no-history"},
      env_for(db));
  ASSERT_EQ(a.exit_code, 0) << a.err;
  EXPECT_FALSE(fs::exists(db));
  EXPECT_EQ(a.out.find("session history"), std::string::npos) << a.out;
}

TEST(HistoryCli, DeleteNeedsATerminalOrYesAndKeepsTheFolder) {
  const fs::path video = history_video();
  if (video.empty())
    GTEST_SKIP() << "no test video (run scripts/setup.sh)";
  const fs::path root = testing::fresh_dir("history_cli_delete");
  const fs::path db = root / "history.sqlite";
  const fs::path out = root / "session";
  ASSERT_EQ(testing::run_facetwitch({"analyse", video.string(), "--out", out.string(), "--quiet"},
                                    env_for(db))
                .exit_code,
            0);
  ASSERT_EQ(list_json(db).size(), 1u);

  // stdin is /dev/null: no terminal to ask on.
  const auto refused =
      testing::run_facetwitch({"history", "delete", "1", "--history", db.string()});
  EXPECT_EQ(refused.exit_code, 2);
  EXPECT_NE(refused.err.find("--yes"), std::string::npos) << refused.err;
  EXPECT_EQ(list_json(db).size(), 1u);

  const auto deleted =
      testing::run_facetwitch({"history", "delete", "1", "--yes", "--history", db.string()});
  EXPECT_EQ(deleted.exit_code, 0) << deleted.err;
  EXPECT_NE(deleted.out.find("not touched"), std::string::npos) << deleted.out;
  EXPECT_TRUE(list_json(db).empty());
  EXPECT_TRUE(fs::exists(out / "summary.json"));
  EXPECT_TRUE(fs::exists(out / "frames.csv"));

  const auto again =
      testing::run_facetwitch({"history", "delete", "1", "--yes", "--history", db.string()});
  EXPECT_EQ(again.exit_code, 2);
  EXPECT_NE(again.err.find("no session #1"), std::string::npos) << again.err;
  const auto show = testing::run_facetwitch({"history", "show", "7", "--history", db.string()});
  EXPECT_EQ(show.exit_code, 2);
  EXPECT_NE(show.err.find("no session #7"), std::string::npos) << show.err;
}

TEST(HistoryCli, DamagedHistoryIsAClearErrorAndOnlyAWarningForAnalyse) {
  const fs::path video = history_video();
  if (video.empty())
    GTEST_SKIP() << "no test video (run scripts/setup.sh)";
  const fs::path root = testing::fresh_dir("history_cli_damaged");
  fs::create_directories(root);
  const fs::path db = root / "history.sqlite";
  {
    std::ofstream junk(db, std::ios::binary);
    for (int i = 0; i < 100; ++i)
      junk << "garbage, not SQLite ";
  }
  const auto l = testing::run_facetwitch({"history", "list", "--history", db.string()});
  EXPECT_EQ(l.exit_code, 5);
  EXPECT_NE(l.err.find(db.string()), std::string::npos) << l.err;
  EXPECT_NE(l.err.find("damaged"), std::string::npos) << l.err;
  EXPECT_NE(l.err.find("move it aside"), std::string::npos) << l.err;

  const fs::path out = root / "session";
  const auto a = testing::run_facetwitch(
      {"analyse", video.string(), "--out", out.string(), "--quiet", "--history", db.string()});
  EXPECT_EQ(a.exit_code, 0) << a.err;
  EXPECT_NE(a.err.find("warning: the session was not added to the history"), std::string::npos)
      << a.err;
  EXPECT_NE(a.err.find("history import"), std::string::npos) << a.err;
  EXPECT_TRUE(fs::exists(out / "summary.json"));
}

TEST(HistoryCli, ImportReportsEachFolder) {
  const fs::path root = testing::fresh_dir("history_cli_import");
  fs::create_directories(root / "holiday-photos");
  const fs::path db = root / "history.sqlite";
  const auto r = testing::run_facetwitch(
      {"history", "import", (root / "holiday-photos").string(), "--history", db.string()});
  EXPECT_EQ(r.exit_code, 3);
  EXPECT_NE(r.out.find("skipped"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("not a session folder"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("0 imported, 0 updated, 1 skipped"), std::string::npos) << r.out;
  const auto bad = testing::run_facetwitch(
      {"history", "list", "--since", "last week", "--history", db.string()});
  EXPECT_EQ(bad.exit_code, 2);
  EXPECT_NE(bad.err.find("YYYY-MM-DD"), std::string::npos) << bad.err;
}

// A 60-s session folder with `twitches` left mouth-corner twitches (so as many per minute).
void write_minute(const fs::path& dir, const std::string& created, int twitches,
                  const std::string& patient) {
  fs::create_directories(dir);
  SessionSummary s;
  s.created_utc = created;
  s.duration_s = 60.0;
  Episode e;
  e.region = Region::Mouth;
  e.side = Laterality::Left;
  e.start_s = 5.0;
  e.end_s = 8.0;
  e.twitch_count = twitches;
  s.episodes = {e};
  s.patient_id = patient;
  ASSERT_TRUE(write_summary_json(dir / "summary.json", s).ok());
}

TEST(HistoryCli, TrendPrintsATableAndASparkline) {
  const fs::path root = testing::fresh_dir("history_cli_trend");
  const fs::path db = root / "history.sqlite";
  write_minute(root / "s" / "a", "2026-09-07T18:00:00Z", 12, "P1");
  write_minute(root / "s" / "b", "2026-09-14T18:00:00Z", 9, "P1");
  write_minute(root / "s" / "c", "2026-09-21T18:00:00Z", 40, "P2");
  write_minute(root / "s" / "d", "2026-09-28T18:00:00Z", 5, "P1");
  write_minute(root / "s" / "e", "2026-10-05T18:00:00Z", 3, "P1");
  ASSERT_EQ(testing::run_facetwitch(
                {"history", "import", (root / "s").string(), "--history", db.string()})
                .exit_code,
            0);
  const auto t = testing::run_facetwitch({"history", "trend", "--measure", "mouth-left-per-min",
                                          "--patient", "P1", "--history", db.string()});
  ASSERT_EQ(t.exit_code, 0) << t.err;
  // 12, 9, 5, 3 per minute: (v - 3) / 9 * 7 rounded gives the block heights 7, 5, 2, 0.
  EXPECT_NE(t.out.find("\u2588\u2586\u2583\u2581"), std::string::npos) << t.out;
  EXPECT_NE(t.out.find("2026-09-14 18:00       9.00"), std::string::npos) << t.out;
  EXPECT_EQ(t.out.find("40.00"), std::string::npos) << "another patient's session: " << t.out;
  EXPECT_NE(t.out.find("first 12.00 /min, last 3.00 /min"), std::string::npos) << t.out;

  const auto since = testing::run_facetwitch(
      {"history", "list", "--json", "--since", "2026-09-21", "--history", db.string()});
  ASSERT_EQ(since.exit_code, 0) << since.err;
  const nlohmann::json l = nlohmann::json::parse(since.out, nullptr, false);
  ASSERT_EQ(l.size(), 3u);
  EXPECT_EQ(l[0]["patient_id"], "P2");
}

// On a terminal, `history delete` asks; only "y" deletes.
TEST(HistoryCli, DeleteOnATerminalAsks) {
  if (std::system("command -v script >/dev/null 2>&1") != 0)
    GTEST_SKIP() << "no `script` (util-linux)";
  const fs::path root = testing::fresh_dir("history_cli_tty");
  const fs::path db = root / "history.sqlite";
  write_minute(root / "s" / "a", "2026-09-07T18:00:00Z", 12, "");
  ASSERT_EQ(testing::run_facetwitch(
                {"history", "import", (root / "s" / "a").string(), "--history", db.string()})
                .exit_code,
            0);
  // `script` gives the command a terminal; the answer comes on it.
  auto on_terminal = [&](const std::string& answer) {
    const std::string cmd = "printf '" + answer + "\\n' | script -qec \"'" +
                            std::string(FT_FACETWITCH_EXE) + "' history delete 1 --history '" +
                            db.string() + "'\" /dev/null";
    std::array<char, 512> buf{};
    std::string out;
    FILE* p = ::popen(cmd.c_str(), "r");
    while (p != nullptr && std::fgets(buf.data(), static_cast<int>(buf.size()), p) != nullptr)
      out += buf.data();
    if (p != nullptr)
      ::pclose(p);
    return out;
  };
  const std::string no = on_terminal("n");
  EXPECT_NE(no.find("[y/N]"), std::string::npos) << no;
  EXPECT_NE(no.find("Not deleted"), std::string::npos) << no;
  EXPECT_EQ(list_json(db).size(), 1u);
  const std::string yes = on_terminal("y");
  EXPECT_NE(yes.find("Deleted session 1"), std::string::npos) << yes;
  EXPECT_TRUE(list_json(db).empty());
  EXPECT_TRUE(fs::exists(root / "s" / "a" / "summary.json"));
}

}  // namespace
}  // namespace ft
