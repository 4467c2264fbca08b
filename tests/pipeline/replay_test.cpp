// replay_test.cpp: recorded-video analysis through the decode + analysis threads: every frame analysed,
// deterministic, progress reported, stoppable, and the streaming session folder matches the summary.
#include <atomic>

#include <gtest/gtest.h>

#include "face/model_locator.hpp"
#include "io/session.hpp"
#include "pipeline/bounded_queue.hpp"
#include "pipeline/replay.hpp"
#include "support/pipeline_helpers.hpp"
#include "support/test_videos.hpp"

namespace ft {
namespace {

Scenario replay_scenario() {
  Scenario s;
  s.duration_s = 6.0;
  s.face_scale = 2.2;
  s.seed = 31;
  TwitchEpisodeSpec t;
  t.side = Side::Right;
  t.start_s = 2.5;
  t.duration_s = 1.5;
  t.frequency_hz = 5.0;
  t.amplitude_iod = 0.035;
  s.twitches = {t};
  return s;
}

}  // namespace

TEST(BoundedQueue, BlocksWhenFullAndDrainsAfterClose) {
  BoundedQueue<int> q(2);
  EXPECT_TRUE(q.push(1));
  EXPECT_TRUE(q.push(2));
  std::atomic<bool> pushed{false};
  std::thread producer([&] {
    q.push(3);
    pushed = true;
  });
  std::this_thread::sleep_for(std::chrono::milliseconds(50));
  EXPECT_FALSE(pushed.load());  // full: the producer waits
  EXPECT_EQ(q.pop(), 1);
  producer.join();
  EXPECT_TRUE(pushed.load());
  q.close();
  EXPECT_EQ(q.pop(), 2);
  EXPECT_EQ(q.pop(), 3);
  EXPECT_EQ(q.pop(), std::nullopt);
  EXPECT_FALSE(q.push(4));
}

TEST(LatestSlot, NewestWinsAndDropsAreCounted) {
  LatestSlot<int> s;
  s.put(1);
  s.put(2);
  s.put(3);
  EXPECT_EQ(s.take(), 3);
  EXPECT_EQ(s.dropped(), 2u);
  s.close();
  EXPECT_EQ(s.take(), std::nullopt);
}

TEST(Replay, AnalysesEveryFrameDeterministically) {
  std::string why;
  auto dir = testing::ensure_video("replay", replay_scenario(), &why);
  if (!dir) GTEST_SKIP() << why;
  ASSERT_TRUE(testing::test_model());
  std::vector<double> first_run;
  for (int run = 0; run < 2; ++run) {
    ReplayRequest req;
    req.video = *dir / "video.mp4";
    req.model = testing::test_model();
    std::vector<double> values;
    std::int64_t last_progress = 0;
    req.on_frame = [&](const Frame& f, const FrameResult& r) {
      EXPECT_EQ(f.index, r.metrics.frame_index);
      values.push_back(r.signals.mouth.right.valid ? r.signals.mouth.right.value_iod : -1.0);
    };
    req.on_progress = [&](const ReplayProgress& p) { last_progress = p.frames; };
    auto s = analyse_video(req);
    ASSERT_TRUE(s.ok()) << s.error().message;
    EXPECT_EQ(s->frames, 180);
    EXPECT_EQ(last_progress, 180);
    EXPECT_FALSE(s->partial);
    ASSERT_EQ(s->episodes.size(), 1u);
    EXPECT_EQ(s->episodes[0].side, Laterality::Right);
    if (run == 0) {
      first_run = values;
    } else {
      EXPECT_EQ(values, first_run);  // bit-identical
    }
  }
}

TEST(Replay, SessionFolderMatchesTheSummary) {
  std::string why;
  auto dir = testing::ensure_video("replay", replay_scenario(), &why);
  if (!dir) GTEST_SKIP() << why;
  const auto out = testing::fresh_dir("replay_session");
  ASSERT_TRUE(prepare_output_dir(out, false).ok());
  ReplayRequest req;
  req.video = *dir / "video.mp4";
  req.out_dir = out;
  req.model = testing::test_model();
  auto s = analyse_video(req);
  ASSERT_TRUE(s.ok());
  auto rows = read_frames_csv(out / "frames.csv");
  ASSERT_TRUE(rows.ok());
  EXPECT_EQ(static_cast<std::int64_t>(rows->rows.size()), s->frames);
  EXPECT_FALSE(rows->truncated);
  auto eps = read_episodes_csv(out / "episodes.csv");
  ASSERT_TRUE(eps.ok());
  EXPECT_EQ(eps->size(), s->episodes.size());
  auto back = read_summary_json(out / "summary.json");
  ASSERT_TRUE(back.ok());
  EXPECT_EQ(back->frames, s->frames);
  EXPECT_EQ(back->episodes.size(), s->episodes.size());
  EXPECT_FALSE(back->partial);
}

TEST(Replay, StopsEarlyWhenAskedAndSaysSo) {
  std::string why;
  auto dir = testing::ensure_video("replay", replay_scenario(), &why);
  if (!dir) GTEST_SKIP() << why;
  std::atomic<bool> stop{false};
  ReplayRequest req;
  req.video = *dir / "video.mp4";
  req.model = testing::test_model();
  req.stop = &stop;
  req.on_frame = [&](const Frame& f, const FrameResult&) {
    if (f.index == 30) stop = true;
  };
  auto s = analyse_video(req);
  ASSERT_TRUE(s.ok());
  EXPECT_TRUE(s->partial);
  EXPECT_LT(s->frames, 180);
  EXPECT_GE(s->frames, 31);
}

TEST(Replay, UnreadableVideoIsAnInputError) {
  ReplayRequest req;
  req.video = "/nonexistent/video.mp4";
  req.model = testing::test_model();
  auto s = analyse_video(req);
  ASSERT_FALSE(s.ok());
  EXPECT_EQ(s.error().kind, ErrorKind::Input);
}

}  // namespace ft
