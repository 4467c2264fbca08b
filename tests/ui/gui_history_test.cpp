// gui_history_test.cpp: the window's History tab under xvfb-run, on a test history of four sessions
// imported with `facetwitch history import` (session folders written by the real summary.json
// writer, weeks apart, the person's left mouth corner twitching less and less): the tab lists them,
// compares the two newest, and plots both sides' trend in the side colours; a damaged history file
// is shown as an error in the tab, not a crash.
#include <fstream>
#include <sstream>

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>
#include <opencv2/core.hpp>
#include <opencv2/imgcodecs.hpp>

#include "io/session.hpp"
#include "support/test_videos.hpp"
#include "synth/scenario.hpp"
#include "ui/gui_support.hpp"

namespace ft {
namespace {
namespace fs = std::filesystem;

using testing::read_json;

// Pixels of `img` (BGR) within `tol` of the colour (r, g, b), in the columns from `x0` on.
int count_colour(const cv::Mat& img, int x0, int r, int g, int b, int tol) {
  int n = 0;
  for (int y = 0; y < img.rows; ++y) {
    for (int x = x0; x < img.cols; ++x) {
      const cv::Vec3b p = img.at<cv::Vec3b>(y, x);
      if (std::abs(p[2] - r) <= tol && std::abs(p[1] - g) <= tol && std::abs(p[0] - b) <= tol)
        ++n;
    }
  }
  return n;
}

void write_session(const fs::path& dir, const std::string& created, int left_mouth_twitches,
                   double corner_iod) {
  fs::create_directories(dir);
  SessionSummary s;
  s.video = "camera:0";
  s.source = "camera";
  s.created_utc = created;
  s.duration_s = 60.0;
  s.frames = 1800;
  s.frames_with_face = 1800;
  s.frames_good_quality = 1790;
  s.fps = 30.0;
  Episode e;
  e.region = Region::Mouth;
  e.side = Laterality::Left;
  e.start_s = 10.0;
  e.end_s = 10.0 + 0.25 * left_mouth_twitches;
  e.twitch_count = left_mouth_twitches;
  e.frequency_hz = 5.0;
  e.peak_amplitude_iod = 0.03;
  Episode r = e;
  r.side = Laterality::Right;
  r.twitch_count = 2;
  r.start_s = 40.0;
  r.end_s = 40.5;
  s.episodes = {e, r};
  s.asymmetry.resting[0] = compare_resting_sides(AsymmetryMeasure::MouthCornerHeight, -0.50 + corner_iod, -0.50);
  ASSERT_TRUE(write_summary_json(dir / "summary.json", s).ok());
}

TEST(GuiHistory, HistoryTabListsComparesAndPlotsTheTrend) {
  const fs::path out = testing::fresh_dir("gui_history");
  const fs::path db = out / "history.sqlite";
  write_session(out / "sessions" / "week1", "2026-09-07T18:00:00Z", 12, 0.030);
  write_session(out / "sessions" / "week2", "2026-09-14T18:05:00Z", 9, 0.026);
  write_session(out / "sessions" / "week4", "2026-09-28T17:40:00Z", 5, 0.020);
  write_session(out / "sessions" / "week6", "2026-10-12T18:10:00Z", 3, 0.018);
  const auto imp = testing::run_facetwitch(
      {"history", "import", (out / "sessions").string(), "--history", db.string()});
  ASSERT_EQ(imp.exit_code, 0) << imp.out << imp.err;
  EXPECT_NE(imp.out.find("4 imported, 0 updated, 0 skipped"), std::string::npos) << imp.out;

  const fs::path png = out / "history.png";
  const fs::path json = out / "counters.json";
  const auto r = testing::run_gui(
      {"--run-for", "0.5", "--size", "1440x900", "--panel", "history", "--history", db.string(),
       "--screenshot", png.string(), "--counters-json", json.string()},
      out / "config");
  ASSERT_EQ(r.exit_code, 0) << r.err;
  const nlohmann::json c = read_json(json);
  ASSERT_FALSE(c.is_discarded());
  EXPECT_EQ(c["history"]["sessions"], 4);
  EXPECT_EQ(c["history"]["error"], "");
  EXPECT_EQ(c["history"]["compare"], (nlohmann::json{3, 4}));  // the two newest, older as A
  const cv::Mat img = cv::imread(png.string());
  ASSERT_FALSE(img.empty());
  EXPECT_EQ(img.cols, 1440);
  // The side panel (right 35%) shows both sides' trend lines and values in the side colours.
  const int x0 = img.cols * 60 / 100;
  EXPECT_GT(count_colour(img, x0, 255, 167, 38, 30), 150)
      << "no amber (person's left) in the History tab";
  EXPECT_GT(count_colour(img, x0, 41, 182, 246, 30), 150)
      << "no blue (person's right) in the History tab";
}

// Sets the recording date and patient of a written summary.json.
void date_session(const fs::path& dir, const std::string& recorded, const std::string& patient) {
  auto s = read_summary_json(dir / "summary.json");
  ASSERT_TRUE(s.ok()) << s.error().message;
  s->recorded_at = recorded;
  s->recorded_at_source = "video metadata";
  s->patient_id = patient;
  ASSERT_TRUE(write_summary_json(dir / "summary.json", *s).ok());
}

// Three sessions recorded on one day (analysed weeks later) and one of another patient: with the
// patient filter the tab shows that patient's sessions only, by their recording dates, and the trend
// plot puts the three of one day at three distinct x positions, in order.
TEST(GuiHistory, PatientFilterAndSessionsOfOneDaySpreadApart) {
  const fs::path out = testing::fresh_dir("gui_history_patient");
  const fs::path db = out / "history.sqlite";
  const struct {
    const char* name;
    const char* analysed;
    const char* recorded;
    const char* patient;
    int twitches;
  } sessions[] = {
      {"a1", "2026-12-05T10:00:00Z", "2026-10-01T09:00:00Z", "P1", 12},
      {"a2", "2026-12-05T10:01:00Z", "2026-10-01T13:00:00Z", "P1", 9},
      {"a3", "2026-12-05T10:02:00Z", "2026-10-01T18:30:00Z", "P1", 7},
      {"a4", "2026-12-05T10:03:00Z", "2026-10-29T09:00:00Z", "P1", 4},
      {"b1", "2026-12-05T10:04:00Z", "2026-10-15T09:00:00Z", "P2", 2},
  };
  for (const auto& x : sessions) {
    write_session(out / "sessions" / x.name, x.analysed, x.twitches, 0.02);
    date_session(out / "sessions" / x.name, x.recorded, x.patient);
  }
  const auto imp = testing::run_facetwitch(
      {"history", "import", (out / "sessions").string(), "--history", db.string()});
  ASSERT_EQ(imp.exit_code, 0) << imp.out << imp.err;

  const fs::path png = out / "history_patient.png";
  const fs::path json = out / "counters.json";
  const auto r = testing::run_gui({"--run-for", "0.5", "--size", "1440x900", "--panel", "history",
                                   "--history", db.string(), "--history-patient", "P1",
                                   "--screenshot", png.string(), "--counters-json", json.string()},
                                  out / "config");
  ASSERT_EQ(r.exit_code, 0) << r.err;
  const nlohmann::json c = read_json(json);
  ASSERT_FALSE(c.is_discarded());
  EXPECT_EQ(c["history"]["total_sessions"], 5);
  EXPECT_EQ(c["history"]["sessions"], 4);
  EXPECT_EQ(c["history"]["patient"], "P1");
  EXPECT_EQ(c["history"]["patients"], (nlohmann::json{"P1", "P2"}));
  const nlohmann::json& tx = c["history"]["trend_x"];
  ASSERT_EQ(tx.size(), 4u) << tx.dump();
  // Oldest recording first; the three of 1 October at distinct, increasing positions within a day or
  // so of it, the fourth at its own time.
  const double oct1 = 1790812800.0;  // 2026-10-01T00:00:00Z
  for (std::size_t i = 0; i + 1 < tx.size(); ++i)
    EXPECT_GT(tx[i + 1]["x"].get<double>() - tx[i]["x"].get<double>(), 3600.0) << tx.dump();
  for (std::size_t i = 0; i < 3; ++i)
    EXPECT_NEAR(tx[i]["x"].get<double>(), oct1 + 43200.0, 3 * 86400.0) << tx.dump();
  EXPECT_NEAR(tx[3]["x"].get<double>(), oct1 + 28 * 86400.0 + 9 * 3600.0, 1.0) << tx.dump();
  const cv::Mat img = cv::imread(png.string());
  ASSERT_FALSE(img.empty());
}

TEST(GuiHistory, DamagedHistoryIsShownNotACrash) {
  const fs::path out = testing::fresh_dir("gui_history_damaged");
  fs::create_directories(out);
  const fs::path db = out / "history.sqlite";
  {
    std::ofstream junk(db, std::ios::binary);
    for (int i = 0; i < 100; ++i)
      junk << "not a database ";
  }
  const fs::path json = out / "counters.json";
  const auto r = testing::run_gui({"--run-for", "0.3", "--panel", "history", "--history",
                                   db.string(), "--counters-json", json.string()},
                                  out / "config");
  ASSERT_EQ(r.exit_code, 0) << r.err;
  const nlohmann::json c = read_json(json);
  ASSERT_FALSE(c.is_discarded());
  EXPECT_EQ(c["history"]["sessions"], 0);
  EXPECT_NE(c["history"]["error"].get<std::string>().find("damaged"), std::string::npos)
      << c["history"]["error"];
}

// A recording made in the window goes into the session history when it ends (here: the window
// closes while recording).
TEST(GuiHistory, WindowRecordingIsAddedToTheHistory) {
  std::string why;
  auto video = testing::ensure_video("gui_history_rec", webcam_scenario(4.0, 5, 2.2), &why);
  if (!video)
    GTEST_SKIP() << why;
  const fs::path out = testing::fresh_dir("gui_history_rec");
  fs::create_directories(out);
  const fs::path db = out / "history.sqlite";
  const fs::path rec = out / "session";
  const auto r = testing::run_gui(
      {"--source", "paced:" + (*video / "video.mp4").string(), "--record", rec.string(),
       "--run-for", "3", "--size", "1024x700", "--history", db.string()},
      out / "config");
  ASSERT_EQ(r.exit_code, 0) << r.err;
  ASSERT_TRUE(fs::exists(rec / "summary.json"));
  const auto l = testing::run_facetwitch({"history", "list", "--json", "--history", db.string()});
  ASSERT_EQ(l.exit_code, 0) << l.err;
  const nlohmann::json list = nlohmann::json::parse(l.out, nullptr, false);
  ASSERT_TRUE(list.is_array()) << l.out;
  ASSERT_EQ(list.size(), 1u) << l.out;
  EXPECT_EQ(list[0]["folder"], fs::canonical(rec).string());
  EXPECT_GT(list[0]["frames"].get<int>(), 0);

  // --no-history: the recording is made, the history is not touched.
  const fs::path db2 = out / "history2.sqlite";
  const auto r2 =
      testing::run_gui({"--source", "paced:" + (*video / "video.mp4").string(), "--record",
                        (out / "session2").string(), "--run-for", "2", "--size", "1024x700",
                        "--history", db2.string(), "--no-history"},
                       out / "config");
  ASSERT_EQ(r2.exit_code, 0) << r2.err;
  EXPECT_TRUE(fs::exists(out / "session2" / "summary.json"));
  EXPECT_FALSE(fs::exists(db2));
}

}  // namespace
}  // namespace ft
