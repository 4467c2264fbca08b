// replay_session_test.cpp: the window's replay back end. ReplaySession analyses every frame and its
// totals and episodes are exactly analyse_video()'s; new settings are re-applied to the whole
// recording and then equal a fresh analysis with those settings; per-frame records are there for
// every frame. ReplayPlayer steps, seeks and plays to the end.
#include <chrono>
#include <thread>

#include <gtest/gtest.h>

#include "face/face_tracker.hpp"
#include "face/model_locator.hpp"
#include "pipeline/replay.hpp"
#include "pipeline/replay_session.hpp"
#include "support/pipeline_helpers.hpp"
#include "support/test_videos.hpp"

namespace ft {
namespace {

Scenario session_scenario() {
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

template <class Pred>
bool wait_for(Pred pred, double timeout_s) {
  const auto until = std::chrono::steady_clock::now() + std::chrono::duration<double>(timeout_s);
  while (std::chrono::steady_clock::now() < until) {
    if (pred())
      return true;
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  return pred();
}

void expect_same_episodes(const std::vector<Episode>& a, const std::vector<Episode>& b) {
  ASSERT_EQ(a.size(), b.size());
  for (std::size_t i = 0; i < a.size(); ++i) {
    EXPECT_EQ(a[i].side, b[i].side) << i;
    EXPECT_EQ(a[i].region, b[i].region) << i;
    EXPECT_DOUBLE_EQ(a[i].start_s, b[i].start_s) << i;
    EXPECT_DOUBLE_EQ(a[i].end_s, b[i].end_s) << i;
    EXPECT_EQ(a[i].twitch_count, b[i].twitch_count) << i;
    EXPECT_DOUBLE_EQ(a[i].peak_amplitude_iod, b[i].peak_amplitude_iod) << i;
  }
}

}  // namespace

TEST(ReplaySession, AgreesExactlyWithAnalyseVideoAndReappliesSettingsToTheWholeRecording) {
  std::string why;
  auto dir = testing::ensure_video("replay_session", session_scenario(), &why);
  if (!dir)
    GTEST_SKIP() << why;
  auto m = testing::test_model();
  ASSERT_TRUE(m);
  ReplayRequest req;
  req.video = *dir / "video.mp4";
  req.model = m;
  auto ref = analyse_video(req);
  ASSERT_TRUE(ref.ok());

  ReplaySessionOptions o;
  o.video = req.video;
  o.model = m;
  auto opened = ReplaySession::start(o);
  ASSERT_TRUE(opened.ok()) << opened.error().message;
  ReplaySession& s = *opened.value();
  ASSERT_TRUE(wait_for([&] { return s.snapshot()->done; }, 120.0));
  auto snap = s.snapshot();
  EXPECT_EQ(snap->frames_analysed, ref->frames);
  EXPECT_EQ(snap->summary.frames, ref->frames);
  EXPECT_EQ(snap->summary.frames_with_face, ref->frames_with_face);
  EXPECT_EQ(snap->summary.frames_good_quality, ref->frames_good_quality);
  EXPECT_EQ(snap->summary.blinks.size(), ref->blinks.size());
  EXPECT_DOUBLE_EQ(snap->summary.asymmetry.index, ref->asymmetry.index);
  EXPECT_FALSE(snap->summary.partial);
  ASSERT_FALSE(ref->episodes.empty());
  expect_same_episodes(snap->summary.episodes, ref->episodes);

  // Every frame is stored; times are in order; look-ups by time work.
  EXPECT_EQ(s.frames_stored(), ref->frames);
  FrameRecord r;
  ASSERT_TRUE(s.record(0, r));
  EXPECT_EQ(r.metrics.frame_index, 0);
  ASSERT_TRUE(s.record(ref->frames - 1, r));
  EXPECT_FALSE(s.record(ref->frames, r));
  EXPECT_EQ(s.index_at_or_before(-1.0), -1);
  EXPECT_EQ(s.index_at_or_before(2.0), 60);
  EXPECT_EQ(s.index_at_or_before(2.0 + 0.5 / 30.0), 60);
  std::vector<ReplayPlotSample> plot;
  s.plot_samples(1.0, 2.0, plot);
  EXPECT_EQ(plot.size(), 31u);

  // New settings, re-applied to the whole recording = a fresh analysis with them.
  TwitchSettings strict;
  strict.threshold_k = 14.0;
  strict.min_amplitude_iod = 0.05;  // above the injected 3.5%: nothing is left
  const std::uint64_t gen = snap->settings_generation;
  s.apply_settings(strict);
  {
    // From the moment apply_settings returns, the snapshot says the results are changing, or has
    // already changed them (the idle analysis thread can finish within microseconds).
    const auto now = s.snapshot();
    EXPECT_TRUE(now->reapplying || now->settings_generation > gen);
  }
  ASSERT_TRUE(wait_for(
      [&] { return s.snapshot()->settings_generation > gen && !s.snapshot()->reapplying; }, 30.0));
  ReplayRequest strict_req = req;
  strict_req.analyser.twitch = strict;
  auto strict_ref = analyse_video(strict_req);
  ASSERT_TRUE(strict_ref.ok());
  expect_same_episodes(s.snapshot()->summary.episodes, strict_ref->episodes);
  EXPECT_EQ(s.snapshot()->summary.settings.threshold_k, 14.0);

  // And back to the defaults: the original episodes again.
  const std::uint64_t gen2 = s.snapshot()->settings_generation;
  s.apply_settings(TwitchSettings{});
  ASSERT_TRUE(wait_for(
      [&] { return s.snapshot()->settings_generation > gen2 && !s.snapshot()->reapplying; }, 30.0));
  expect_same_episodes(s.snapshot()->summary.episodes, ref->episodes);
}

TEST(ReplaySession, UnreadableFileIsAnInputError) {
  ReplaySessionOptions o;
  o.video = testing::fresh_dir("replay_session_missing") / "nope.mp4";
  o.model = nullptr;
  auto opened = ReplaySession::start(o);
  ASSERT_FALSE(opened.ok());
  EXPECT_EQ(opened.error().kind, ErrorKind::Input);
  EXPECT_FALSE(ReplayPlayer::open(o.video).ok());
}

TEST(ReplayPlayer, StepsSeeksAndPlaysToTheEnd) {
  std::string why;
  auto dir = testing::ensure_video("replay_session", session_scenario(), &why);
  if (!dir)
    GTEST_SKIP() << why;
  auto opened = ReplayPlayer::open(*dir / "video.mp4");
  ASSERT_TRUE(opened.ok());
  ReplayPlayer& p = *opened.value();
  auto index_is = [&](std::int64_t i) {
    return wait_for([&] { return p.current()->frame.index == i; }, 10.0);
  };
  ASSERT_TRUE(index_is(0));
  EXPECT_FALSE(p.current()->playing);
  p.step(5);
  ASSERT_TRUE(index_is(5));
  p.step(-2);
  ASSERT_TRUE(index_is(3));
  p.step(-1);
  ASSERT_TRUE(index_is(2));
  p.seek(2.0);
  ASSERT_TRUE(index_is(60));
  EXPECT_NEAR(p.current()->frame.t, 2.0, 1e-3);
  p.seek(2.0 + 0.5 / 30.0);  // between frames: the one at or before
  ASSERT_TRUE(wait_for([&] { return p.current()->frame.index == 60; }, 10.0));
  p.step(1);
  ASSERT_TRUE(index_is(61));
  // As fast as possible to the end, then it stops there.
  p.set_speed(0.0);
  p.play();
  ASSERT_TRUE(wait_for([&] { return p.current()->at_end; }, 30.0));
  EXPECT_FALSE(p.current()->playing);
  EXPECT_EQ(p.current()->frame.index, 179);
  EXPECT_TRUE(p.current()->error.empty());
  // Playing again starts from the beginning.
  p.set_speed(1.0);
  p.play();
  ASSERT_TRUE(
      wait_for([&] { return p.current()->playing && p.current()->frame.index < 60; }, 10.0));
  p.pause();
  ASSERT_TRUE(wait_for([&] { return !p.current()->playing; }, 10.0));
}

}  // namespace ft
