// save_session_test.cpp: the window's "Save session" (save_replay_session): the folder saved from a
// finished replay is the folder `analyse` writes for the same video (summary.json field for field but
// its creation time, episodes.csv and frames.csv byte for byte), with the patient id and notes.txt; an
// unfinished analysis, a bad patient id, a folder that is not empty are refused.
#include <chrono>
#include <ctime>
#include <fstream>
#include <iterator>
#include <thread>

#include <gtest/gtest.h>

#include "io/session.hpp"
#include "pipeline/replay.hpp"
#include "pipeline/replay_session.hpp"
#include "pipeline/save_session.hpp"
#include "support/pipeline_helpers.hpp"
#include "support/test_videos.hpp"

namespace ft {
namespace {

Scenario save_scenario() {
  Scenario s;
  s.duration_s = 6.0;
  s.face_scale = 2.2;
  s.seed = 52;
  TwitchEpisodeSpec t;
  t.side = Side::Right;
  t.start_s = 2.5;
  t.duration_s = 1.5;
  t.frequency_hz = 5.0;
  t.amplitude_iod = 0.035;
  s.twitches = {t};
  BlinkSpec b;
  b.start_s = 4.8;
  s.blinks = {b};
  return s;
}

std::string slurp(const std::filesystem::path& p) {
  std::ifstream in(p, std::ios::binary);
  return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}

}  // namespace

TEST(SaveSession, FolderSavedFromTheReplayIsTheFolderAnalyseWrites) {
  std::string why;
  // The same scenario as replay_session_test.cpp's, so the generated video is shared.
  auto video_dir = testing::ensure_video("replay_session", save_scenario(), &why);
  if (!video_dir) GTEST_SKIP() << why;
  auto m = testing::test_model();
  ASSERT_TRUE(m);

  const auto analysed = testing::fresh_dir("save_session_analyse");
  std::filesystem::create_directories(analysed);
  ReplayRequest req;
  req.video = *video_dir / "video.mp4";
  req.out_dir = analysed;
  req.model = m;
  req.analyser.patient_id = "P-07";
  auto ref = analyse_video(req);
  ASSERT_TRUE(ref.ok()) << ref.error().message;
  ASSERT_FALSE(ref->episodes.empty());

  ReplaySessionOptions o;
  o.video = req.video;
  o.model = m;  // no patient id: the one typed when saving goes into summary.json
  auto opened = ReplaySession::start(o);
  ASSERT_TRUE(opened.ok()) << opened.error().message;
  ReplaySession& replay = *opened.value();

  const auto saved = testing::fresh_dir("save_session_saved") / "2026-12-06_1430_P-07";
  SaveSessionOptions so;
  so.dir = saved;
  so.patient_id = "P-07";
  so.notes = "Medication: clonazepam 0.5 mg\r\nsecond line\n\n";
  const auto until = std::chrono::steady_clock::now() + std::chrono::seconds(120);
  while (!replay.snapshot()->done && std::chrono::steady_clock::now() < until) {
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  ASSERT_TRUE(replay.snapshot()->done);
  auto written = save_replay_session(replay, so);
  ASSERT_TRUE(written.ok()) << written.error().message;
  EXPECT_EQ(written->episodes.size(), ref->episodes.size());

  auto a = read_summary_json(analysed / "summary.json");
  auto b = read_summary_json(saved / "summary.json");
  ASSERT_TRUE(a.ok());
  ASSERT_TRUE(b.ok());
  EXPECT_EQ(b->patient_id, "P-07");
  EXPECT_EQ(b->frames, a->frames);
  EXPECT_EQ(b->episodes.size(), a->episodes.size());
  EXPECT_FALSE(b->partial);
  SessionSummary bb = b.value();
  bb.created_utc = a->created_utc;
  EXPECT_EQ(summary_to_json_string(bb), summary_to_json_string(a.value()));
  EXPECT_EQ(slurp(saved / "episodes.csv"), slurp(analysed / "episodes.csv"));
  const std::string frames_a = slurp(analysed / "frames.csv");
  EXPECT_FALSE(frames_a.empty());
  EXPECT_EQ(slurp(saved / "frames.csv"), frames_a);
  EXPECT_EQ(slurp(saved / "notes.txt"), "Medication: clonazepam 0.5 mg\nsecond line\n");
  EXPECT_FALSE(std::filesystem::exists(saved / OutputDirLock::kFileName));  // released

  // Saved again into the same (now full) folder: refused, nothing changed; --force-like overwrite works.
  auto again = save_replay_session(replay, so);
  ASSERT_FALSE(again.ok());
  EXPECT_EQ(again.error().kind, ErrorKind::Output);
  EXPECT_NE(again.error().message.find("choose a new or empty folder"), std::string::npos) << again.error().message;
  EXPECT_EQ(again.error().message.find("--out"), std::string::npos) << again.error().message;
  so.force = true;
  EXPECT_TRUE(save_replay_session(replay, so).ok());

  // A patient id with a line break is refused before anything is written.
  SaveSessionOptions bad;
  bad.dir = testing::fresh_dir("save_session_bad") / "x";
  bad.patient_id = "P\n1";
  auto refused = save_replay_session(replay, bad);
  ASSERT_FALSE(refused.ok());
  EXPECT_EQ(refused.error().kind, ErrorKind::BadArguments);
  EXPECT_FALSE(std::filesystem::exists(bad.dir));
  bad.patient_id = "P1";
  bad.notes = std::string("bad \xff bytes");
  EXPECT_FALSE(save_replay_session(replay, bad).ok());
}

TEST(SaveSession, FolderNameIsDatePlusASafePatientId) {
  std::tm tm{};
  tm.tm_year = 2026 - 1900;
  tm.tm_mon = 11;
  tm.tm_mday = 6;
  tm.tm_hour = 14;
  tm.tm_min = 30;
  tm.tm_isdst = -1;
  const std::time_t t = std::mktime(&tm);
  EXPECT_EQ(session_folder_name(t, ""), "2026-12-06_1430");
  EXPECT_EQ(session_folder_name(t, "P01"), "2026-12-06_1430_P01");
  EXPECT_EQ(session_folder_name(t, "a/b c"), "2026-12-06_1430_a_b_c");
}

}  // namespace ft
