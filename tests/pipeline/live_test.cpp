// live_test.cpp: the live path with the paced file source standing in for a camera: frames arrive in real
// time, the newest frame wins, snapshots are published without blocking, latency is measured, a session
// is recorded as it runs; and a source that fails mid-stream (an unplugged camera) is reported while
// everything measured and recorded so far is kept.
#include <chrono>
#include <thread>

#include <gtest/gtest.h>

#include "face/model_locator.hpp"
#include "io/session.hpp"
#include "pipeline/live.hpp"
#include "support/pipeline_helpers.hpp"
#include "support/test_videos.hpp"

namespace ft {
namespace {

Scenario live_scenario() {
  Scenario s;
  s.duration_s = 6.0;
  s.face_scale = 2.2;
  s.seed = 41;
  TwitchEpisodeSpec t;
  t.side = Side::Left;
  t.start_s = 2.5;
  t.duration_s = 1.5;
  t.frequency_hz = 4.0;
  t.amplitude_iod = 0.04;
  s.twitches = {t};
  return s;
}

std::shared_ptr<const LiveSnapshot> wait_until_stopped(LivePipeline& p, double timeout_s) {
  const auto until = std::chrono::steady_clock::now() + std::chrono::duration<double>(timeout_s);
  while (std::chrono::steady_clock::now() < until) {
    auto s = p.snapshot();
    if (s && !s->running) return s;
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  return p.snapshot();
}

}  // namespace

TEST(Live, PacedSourceRunsInRealTimeAndRecordsTheSession) {
  std::string why;
  auto dir = testing::ensure_video("live", live_scenario(), &why);
  if (!dir) GTEST_SKIP() << why;
  const auto out = testing::fresh_dir("live_session");
  ASSERT_TRUE(prepare_output_dir(out, false).ok());
  LivePipeline p(testing::test_model(), AnalyserOptions{});
  const auto t0 = std::chrono::steady_clock::now();
  ASSERT_TRUE(p.start(testing::paced_source(*dir / "video.mp4"), out).ok());
  // Snapshots come while it runs; reading one never waits for the analysis.
  std::shared_ptr<const LiveSnapshot> mid;
  for (int i = 0; i < 1000; ++i) {
    mid = p.snapshot();
    if (mid && mid->stats.analysed > 10) break;
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  ASSERT_TRUE(mid);
  EXPECT_TRUE(mid->running);
  EXPECT_GT(mid->stats.analysed, 10u);
  EXPECT_GT(mid->stats.latency_ms, 0.0);
  EXPECT_FALSE(mid->frame.image.empty());
  // frames.csv grows as frames are analysed, not only at the end.
  auto partial = read_frames_csv(out / "frames.csv");
  ASSERT_TRUE(partial.ok());
  EXPECT_GT(partial->rows.size(), 10u);

  auto last = wait_until_stopped(p, 15.0 / testing::kLiveSpeed);
  const double elapsed = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  ASSERT_TRUE(last);
  EXPECT_FALSE(last->running);
  EXPECT_FALSE(last->source_failed);
  EXPECT_GE(elapsed, 5.5 / testing::kLiveSpeed);  // real time: a 6 s video takes about 6 s
  p.stop();
  const SessionSummary s = p.final_summary();
  EXPECT_EQ(s.frames + s.frames_dropped, 180);
  ASSERT_EQ(s.episodes.size(), 1u);
  EXPECT_EQ(s.episodes[0].side, Laterality::Left);
  auto back = read_summary_json(out / "summary.json");
  ASSERT_TRUE(back.ok());
  EXPECT_EQ(back->frames, s.frames);
  EXPECT_EQ(back->frames_dropped, s.frames_dropped);
  EXPECT_EQ(back->episodes.size(), 1u);
  // No backlog builds: the latency is one frame's analysis, not a queue (its value is measured by
  // `facetwitch bench`, not here).
  EXPECT_LT(last->stats.latency_median_ms, 1000.0);
}

TEST(Live, SourceFailingMidStreamIsReportedAndTheRecordingKept) {
  std::string why;
  auto dir = testing::ensure_video("live", live_scenario(), &why);
  if (!dir) GTEST_SKIP() << why;
  const auto out = testing::fresh_dir("live_failing");
  ASSERT_TRUE(prepare_output_dir(out, false).ok());
  LivePipeline p(testing::test_model(), AnalyserOptions{});
  ASSERT_TRUE(p.start(testing::paced_source(*dir / "video.mp4", 2.0), out).ok());
  auto last = wait_until_stopped(p, 10.0 / testing::kLiveSpeed);
  ASSERT_TRUE(last);
  EXPECT_FALSE(last->running);
  EXPECT_TRUE(last->source_failed);
  EXPECT_NE(last->status.find("stopped sending frames"), std::string::npos) << last->status;
  p.stop();
  // The recording is closed cleanly, marked partial, and complete up to the failure.
  auto back = read_summary_json(out / "summary.json");
  ASSERT_TRUE(back.ok());
  EXPECT_TRUE(back->partial);
  EXPECT_NE(back->partial_reason.find("stopped sending frames"), std::string::npos);
  auto rows = read_frames_csv(out / "frames.csv");
  ASSERT_TRUE(rows.ok());
  EXPECT_FALSE(rows->truncated);
  EXPECT_GE(rows->rows.size() + static_cast<std::size_t>(back->frames_dropped), 59u);
  EXPECT_NEAR(rows->rows.back().metrics.t, 2.0, 0.1);
}

TEST(Live, StopIsPromptAndIdempotent) {
  std::string why;
  auto dir = testing::ensure_video("live", live_scenario(), &why);
  if (!dir) GTEST_SKIP() << why;
  LivePipeline p(testing::test_model(), AnalyserOptions{});
  ASSERT_TRUE(p.start(testing::paced_source(*dir / "video.mp4")).ok());
  std::this_thread::sleep_for(std::chrono::milliseconds(300));
  const auto t0 = std::chrono::steady_clock::now();
  p.stop();
  p.stop();
  // Stopping joins the threads after at most one frame's work: it never hangs.
  EXPECT_LT(std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count(), 5.0);
  EXPECT_FALSE(p.running());
}

}  // namespace ft
