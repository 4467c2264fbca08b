// face_at_rest_test.cpp: the accuracy suite's videos of a face at rest (synth/accuracy.cpp, the "rest"
// group: both mouth corners wandering by up to 2% IOD and the lids by 0.6%, as real faces do) analysed
// as a user's recording is: a one-sided smirk and a wink are no twitch episode, and twitch trains on the
// wandering face, and one during a held smile, are found on their side, at their time and frequency.
// The generated suite scores the whole group (`facetwitch accuracy`); this keeps three of its videos in
// every test run.
#include <algorithm>
#include <cmath>
#include <string>

#include <gtest/gtest.h>

#include "pipeline/replay.hpp"
#include "support/pipeline_helpers.hpp"
#include "support/test_videos.hpp"
#include "synth/accuracy.hpp"

namespace ft {
namespace {

// The suite's video `name`, analysed; nullopt (with a skip reason) without the photo.
std::optional<SessionSummary> analyse_suite_video(const std::string& name, GroundTruth& truth, std::string& why) {
  const auto suite = accuracy_suite();
  const auto it = std::find_if(suite.begin(), suite.end(), [&](const SuiteVideo& v) { return v.name == name; });
  EXPECT_NE(it, suite.end()) << name;
  if (it == suite.end()) return std::nullopt;
  auto dir = testing::ensure_video("rest_" + name, it->scenario, &why);
  if (!dir) return std::nullopt;
  auto t = read_truth(*dir / "truth.json");
  EXPECT_TRUE(t.ok()) << (t.ok() ? "" : t.error().message);
  if (!t.ok()) return std::nullopt;
  truth = *t;
  ReplayRequest req;
  req.video = *dir / "video.mp4";
  req.model = testing::test_model();
  auto s = analyse_video(req);
  EXPECT_TRUE(s.ok()) << (s.ok() ? "" : s.error().message);
  if (!s.ok()) return std::nullopt;
  return *s;
}

}  // namespace

TEST(FaceAtRest, SmirkAndWinkOnAWanderingFaceAreNoTwitchEpisode) {
  std::string why;
  GroundTruth truth;
  const auto s = analyse_suite_video("rest_smirk_wink", truth, why);
  if (!s && !why.empty()) GTEST_SKIP() << why;
  ASSERT_TRUE(s);
  ASSERT_TRUE(truth.episodes.empty());
  EXPECT_TRUE(s->episodes.empty()) << s->episodes.size() << " episodes, the first at " << s->episodes[0].start_s << " s";
  EXPECT_GT(s->frames_good_quality, 0.9 * static_cast<double>(s->frames));
}

TEST(FaceAtRest, TrainsOnAWanderingFaceAreFound) {
  std::string why;
  GroundTruth truth;
  const auto s = analyse_suite_video("rest_twitch_3pct", truth, why);
  if (!s && !why.empty()) GTEST_SKIP() << why;
  ASSERT_TRUE(s);
  ASSERT_EQ(truth.episodes.size(), 2u);
  ASSERT_EQ(s->episodes.size(), 2u);
  for (const auto& te : truth.episodes) {
    const auto e = std::find_if(s->episodes.begin(), s->episodes.end(), [&](const Episode& x) { return x.region == te.region; });
    ASSERT_NE(e, s->episodes.end()) << to_string(te.region);
    EXPECT_EQ(e->side, laterality(te.side)) << to_string(te.region);
    EXPECT_NEAR(e->start_s, te.start_s, 0.1) << to_string(te.region);
    EXPECT_NEAR(e->frequency_hz, te.frequency_hz, 0.5) << to_string(te.region);
    EXPECT_GE(e->twitch_count, te.twitch_count - 1) << to_string(te.region);
  }
}

// A 3% IOD train of six pulses at 6 Hz on the person's left corner, 1.5 s into a smile of both corners
// held for 4 s: missed before session 18 (the baseline follows the held smile after 2 s, the last pulse
// then opened an event of its own, an isolated twitch, which blocked the train found by the search).
TEST(FaceAtRest, ATrainDuringAHeldSmileIsFound) {
  std::string why;
  GroundTruth truth;
  const auto s = analyse_suite_video("rest_smile_twitch", truth, why);
  if (!s && !why.empty()) GTEST_SKIP() << why;
  ASSERT_TRUE(s);
  ASSERT_EQ(truth.episodes.size(), 1u);
  const auto& te = truth.episodes[0];
  ASSERT_EQ(s->episodes.size(), 1u);
  const Episode& e = s->episodes[0];
  EXPECT_EQ(e.region, Region::Mouth);
  EXPECT_EQ(e.side, laterality(te.side));
  EXPECT_NEAR(e.start_s, te.start_s, 0.1);
  EXPECT_NEAR(e.end_s, te.end_s, 0.2);
  EXPECT_NEAR(e.frequency_hz, te.frequency_hz, 0.5);
  EXPECT_GE(e.twitch_count, te.twitch_count - 1);
  // Its last pulse is the train's, not an isolated twitch as well.
  for (const IsolatedTwitch& x : s->isolated_twitches) {
    EXPECT_FALSE(x.region == Region::Mouth && x.time_s >= e.start_s && x.time_s <= e.end_s) << "isolated twitch at " << x.time_s << " s";
  }
}

}  // namespace ft
