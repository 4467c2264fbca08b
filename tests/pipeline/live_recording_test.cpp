// live_recording_test.cpp: recording started and stopped while the live pipeline runs (the window's
// R key): the session folder gets the raw video of every captured frame plus frames.csv,
// episodes.csv and summary.json timed from the recording's first frame; the analysis goes on after
// the recording stops; new settings restart the twitch analysis, and wait while a recording runs.
#include <chrono>
#include <thread>

#include <gtest/gtest.h>

#include "face/face_tracker.hpp"
#include "face/model_locator.hpp"
#include "io/session.hpp"
#include "pipeline/live.hpp"
#include "support/pipeline_helpers.hpp"
#include "support/test_videos.hpp"

namespace ft {
namespace {

Scenario recording_scenario() {
  Scenario s;
  s.duration_s = 8.0;
  s.face_scale = 2.2;
  s.seed = 63;
  TwitchEpisodeSpec t;
  t.side = Side::Left;
  t.start_s = 3.5;
  t.duration_s = 1.5;
  t.frequency_hz = 5.0;
  t.amplitude_iod = 0.04;
  s.twitches = {t};
  return s;
}

template <class Pred>
bool wait_for(Pred pred, double timeout_s) {
  const auto until =
      std::chrono::steady_clock::now() + std::chrono::duration<double>(timeout_s / testing::kLiveSpeed);
  while (std::chrono::steady_clock::now() < until) {
    if (pred())
      return true;
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  return pred();
}

}  // namespace

TEST(LiveRecording, StartedMidSessionRecordsVideoAndSessionTimedFromItsStart) {
  std::string why;
  auto dir = testing::ensure_video("live_recording", recording_scenario(), &why);
  if (!dir)
    GTEST_SKIP() << why;
  const auto out = testing::fresh_dir("live_recording_session");
  std::filesystem::create_directories(out);
  LivePipeline p(testing::test_model(), AnalyserOptions{});
  ASSERT_TRUE(p.start(testing::paced_source(*dir / "video.mp4")).ok());
  ASSERT_TRUE(wait_for([&] { return p.snapshot()->stats.analysed > 30; }, 10.0));
  const std::uint64_t epoch0 = p.snapshot()->analysis_epoch;
  LiveRecordingOptions recording;
  recording.patient_id = "W-12";  // typed in the window for this recording
  ASSERT_TRUE(p.start_recording(out, recording).ok());
  EXPECT_FALSE(p.start_recording(out).ok());  // one at a time
  ASSERT_TRUE(wait_for([&] { return p.snapshot()->recording.active; }, 5.0));
  auto rec = p.snapshot();
  EXPECT_GT(rec->analysis_epoch, epoch0);
  EXPECT_EQ(rec->recording.dir, out);
  EXPECT_LT(rec->frame.t, 1.0);  // times restart with the recording
  // Record through the twitch (3.5 .. 5 s of the video), then stop; the analysis goes on.
  ASSERT_TRUE(wait_for([&] { return p.snapshot()->frame.t > 4.5; }, 10.0));
  p.stop_recording();
  ASSERT_TRUE(wait_for([&] { return !p.snapshot()->recording.active; }, 5.0));
  const std::uint64_t analysed = p.snapshot()->stats.analysed;
  ASSERT_TRUE(wait_for([&] { return p.snapshot()->stats.analysed > analysed + 5; }, 5.0));
  EXPECT_TRUE(p.snapshot()->running);
  p.stop();
  // Frames the encoder could not take in time (a loaded machine) are counted, never waited for.
  const std::int64_t lost = p.snapshot()->recording.video_frames_lost;

  auto s = read_summary_json(out / "summary.json");
  ASSERT_TRUE(s.ok()) << s.error().message;
  EXPECT_FALSE(s->partial) << s->partial_reason;
  EXPECT_EQ(s->patient_id, "W-12");
  auto rows = read_frames_csv(out / "frames.csv");
  ASSERT_TRUE(rows.ok());
  ASSERT_FALSE(rows->rows.empty());
  EXPECT_EQ(static_cast<std::int64_t>(rows->rows.size()), s->frames);
  EXPECT_LT(rows->rows.front().metrics.t, 0.1);
  EXPECT_EQ(rows->rows.front().metrics.frame_index, 0);
  // The raw video: every captured frame of the recording (analysed or dropped).
  auto video = open_video_file(out / "video.mp4");
  ASSERT_TRUE(video.ok()) << video.error().message;
  Frame f;
  std::int64_t n = 0;
  while ((*video)->read(f) == ReadStatus::Frame)
    ++n;
  EXPECT_EQ(n + lost, s->frames + s->frames_dropped);
  ASSERT_EQ(s->episodes.size(), 1u);
  EXPECT_EQ(s->episodes[0].side, Laterality::Left);
}

TEST(LiveRecording, SettingsRestartTheTwitchAnalysisAndWaitDuringARecording) {
  std::string why;
  auto dir = testing::ensure_video("live_recording", recording_scenario(), &why);
  if (!dir)
    GTEST_SKIP() << why;
  LivePipeline p(testing::test_model(), AnalyserOptions{});
  ASSERT_TRUE(p.start(testing::paced_source(*dir / "video.mp4")).ok());
  ASSERT_TRUE(wait_for([&] { return p.snapshot()->stats.analysed > 10; }, 10.0));
  const std::uint64_t e0 = p.snapshot()->analysis_epoch;
  TwitchSettings t;
  t.threshold_k = 9.0;
  p.set_twitch_settings(t);
  ASSERT_TRUE(wait_for([&] { return p.snapshot()->analysis_epoch > e0; }, 5.0));
  EXPECT_EQ(p.snapshot()->settings.threshold_k, 9.0);

  const auto out = testing::fresh_dir("live_recording_settings");
  std::filesystem::create_directories(out);
  ASSERT_TRUE(p.start_recording(out).ok());
  ASSERT_TRUE(wait_for([&] { return p.snapshot()->recording.active; }, 5.0));
  t.threshold_k = 12.0;
  p.set_twitch_settings(t);
  ASSERT_TRUE(wait_for([&] { return p.snapshot()->settings_pending; }, 5.0));
  EXPECT_EQ(p.snapshot()->settings.threshold_k, 9.0);
  p.stop_recording();
  ASSERT_TRUE(wait_for(
      [&] { return !p.snapshot()->settings_pending && p.snapshot()->settings.threshold_k == 12.0; },
      5.0));
  p.stop();
  auto s = read_summary_json(out / "summary.json");
  ASSERT_TRUE(s.ok());
  EXPECT_EQ(s->settings.threshold_k, 9.0);  // the recording kept one set of settings
}

TEST(LiveRecording, MissingFolderIsRefused) {
  LivePipeline p(nullptr, AnalyserOptions{});
  EXPECT_FALSE(p.start_recording(testing::fresh_dir("live_recording_missing") / "nope").ok());
}

}  // namespace ft
