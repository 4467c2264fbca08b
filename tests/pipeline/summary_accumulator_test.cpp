// summary_accumulator_test.cpp: the summary's regional asymmetry, personal baseline, 10-s blocks and
// smallest detectable twitch from synthetic per-frame results with known values (no video, no model):
// the baseline window holds exactly the first N seconds of measurable frames, the resting medians and
// the weaker side follow the frames chosen, twitches and blinks are left out without a baseline (a
// held expression is not: it is measured by the real twitch analyser on a face it moves), and the
// detectability is the median of the detector's threshold and of its noise sigma over the window.
#include <algorithm>
#include <cmath>
#include <random>
#include <vector>

#include <gtest/gtest.h>

#include "pipeline/session_recorder.hpp"
#include "support/waveforms.hpp"

namespace ft {
namespace {

constexpr double kFps = 30.0;
constexpr int kFrames = 750;  // 25 s

// Frame i: the person's left mouth corner at y = -1.10 for the first 2 s, -1.20 after (a droop); the
// right one at -1.10. The left mouth signal alternates +-0.001 IOD around 0 with a threshold of
// 0.012 IOD after the first second, and is inside an event from 10 s to 11 s.
FrameResult frame(int i) {
  FrameResult r;
  FaceMetrics& m = r.metrics;
  m.frame_index = i;
  m.t = i / kFps;
  m.face_found = true;
  m.quality = kQualityOk;
  m.mouth_corner.left = cv::Point2f(0.4f, m.t < 2.0 ? -1.10f : -1.20f);
  m.mouth_corner.right = cv::Point2f(-0.4f, -1.10f);
  m.commissure_excursion_iod = {0.42, 0.40};
  m.smile_angle_deg = {110.0, 112.0};
  m.cce_angle_deg = {80.0, 80.0};
  m.eye_aperture_iod = {0.14, 0.13};
  m.brow_height_iod = {0.30, 0.31};
  m.mouth_corner_height_diff_iod = m.mouth_corner.left.y - m.mouth_corner.right.y;
  m.asymmetry_index_iod = 0.03;
  SignalSample& s = r.signals.mouth.left;
  s.valid = true;
  s.value_iod = (i % 2 == 0) ? 0.001 : -0.001;
  s.threshold_iod = m.t >= 1.0 ? 0.012 : kNaN;
  // The detector's noise sigma behind the threshold: 0.002 up to 1.5 s, then 0.003.
  s.noise_sigma_iod = m.t >= 1.0 ? (m.t < 1.5 ? 0.002 : 0.003) : kNaN;
  s.active = m.t >= 10.0 && m.t < 11.0;
  return r;
}

SessionSummary run(double baseline_s) {
  SessionSummary header;
  header.asymmetry.baseline_requested_s = baseline_s;
  SummaryAccumulator acc(header);
  for (int i = 0; i < kFrames; ++i) acc.add(frame(i));
  const TwitchAnalyser twitch{TwitchSettings{}};
  return acc.summarise(twitch);
}

const RegionalAsymmetry& region(const SessionSummary& s, AsymmetryMeasure m) {
  return s.asymmetry.resting[static_cast<std::size_t>(m)];
}

}  // namespace

TEST(SummaryAccumulator, BaselineWindowIsTheFirstSecondsOfMeasurableFrames) {
  const SessionSummary s = run(2.0);
  const AsymmetrySummary& a = s.asymmetry;
  EXPECT_EQ(a.rest_basis, "baseline");
  EXPECT_EQ(a.rest_frames, 60);
  EXPECT_DOUBLE_EQ(a.rest_start_s, 0.0);
  EXPECT_DOUBLE_EQ(a.rest_end_s, 59 / kFps);
  // During the baseline both corners are at -1.10: no height difference, no weaker side.
  const RegionalAsymmetry& h = region(s, AsymmetryMeasure::MouthCornerHeight);
  EXPECT_NEAR(h.diff, 0.0, 1e-7);
  EXPECT_FALSE(h.has_weaker);
  // The constant measures come out as given.
  const RegionalAsymmetry& e = region(s, AsymmetryMeasure::CommissureExcursion);
  EXPECT_NEAR(e.diff, 0.02, 1e-6);
  EXPECT_EQ(e.weaker, Side::Right);
  EXPECT_EQ(region(s, AsymmetryMeasure::PalpebralFissure).weaker, Side::Left);  // the wider eye
  EXPECT_EQ(region(s, AsymmetryMeasure::BrowHeight).weaker, Side::Left);
  // Detectability over the baseline (60 frames): the first second has no threshold, the rest 0.012;
  // the noise sigma is the detector's own, its median over the window: 15 samples of 0.002 and 15 of
  // 0.003 -> 0.0025 (not the spread of the recorded value, +-0.001).
  const StreamDetectability& d = a.mouth_detect.left;
  EXPECT_EQ(d.samples, 60);
  EXPECT_NEAR(d.smallest_twitch_iod, 0.012, 1e-9);
  EXPECT_NEAR(d.noise_sigma_iod, 0.0025, 1e-7);
  EXPECT_EQ(a.eye_detect.left.samples, 0);
  EXPECT_TRUE(std::isnan(a.eye_detect.left.smallest_twitch_iod));
}

TEST(SummaryAccumulator, WithoutBaselineEveryFrameOutsideTwitchesIsAtRest) {
  const SessionSummary s = run(0.0);
  const AsymmetrySummary& a = s.asymmetry;
  EXPECT_EQ(a.rest_basis, "outside_twitches");
  // 10 s to 11 s inside an event that is no twitch (the analyser reported none): at rest too.
  EXPECT_EQ(a.rest_frames, kFrames);
  // 60 frames at -1.10 and 660 at -1.20: the median is the droop, the left corner 0.1 IOD lower.
  const RegionalAsymmetry& h = region(s, AsymmetryMeasure::MouthCornerHeight);
  EXPECT_NEAR(h.diff, -0.10, 1e-6);
  EXPECT_NEAR(h.diff_mm, -6.3, 1e-4);
  EXPECT_EQ(h.weaker, Side::Left);
  EXPECT_EQ(h.verdict, BandVerdict::Above);
  // The detectability still leaves every event out.
  EXPECT_EQ(a.mouth_detect.left.samples, kFrames - 30);
}

TEST(SummaryAccumulator, OverTimeHasOneBlockPerTenSeconds) {
  const SessionSummary s = run(2.0);
  const auto& blocks = s.asymmetry.over_time;
  ASSERT_EQ(blocks.size(), 3u);
  EXPECT_EQ(blocks[0].frames, 300);
  EXPECT_EQ(blocks[1].frames, 300);
  EXPECT_EQ(blocks[2].frames, 150);
  EXPECT_DOUBLE_EQ(blocks[1].start_s, 10.0);
  const auto h = static_cast<std::size_t>(AsymmetryMeasure::MouthCornerHeight);
  EXPECT_NEAR(blocks[0].diff[h], -0.10, 1e-6);  // 240 of its 300 frames after the droop
  EXPECT_NEAR(blocks[2].diff[h], -0.10, 1e-6);
  const auto sa = static_cast<std::size_t>(AsymmetryMeasure::SmileAngle);
  EXPECT_NEAR(blocks[1].diff[sa], -2.0, 1e-6);
}

}  // namespace ft

namespace ft {

// In-progress summaries reuse the regional medians until the frames grew by 10%; the final one is
// always complete.
TEST(SummaryAccumulator, InProgressSummariesReuseTheRegionalMediansUntilTenPercentMore) {
  SessionSummary header;
  SummaryAccumulator acc(header);
  const TwitchAnalyser twitch{TwitchSettings{}};
  for (int i = 0; i < 100; ++i) acc.add(frame(i));
  EXPECT_EQ(acc.summarise(twitch, false).asymmetry.rest_frames, 100);
  for (int i = 100; i < 105; ++i) acc.add(frame(i));
  EXPECT_EQ(acc.summarise(twitch, false).asymmetry.rest_frames, 100);  // reused
  EXPECT_EQ(acc.summarise(twitch, true).asymmetry.rest_frames, 105);   // final: complete
  for (int i = 105; i < 116; ++i) acc.add(frame(i));
  EXPECT_EQ(acc.summarise(twitch, false).asymmetry.rest_frames, 116);  // grew by 10%: recomputed
}

}  // namespace ft

namespace ft {
namespace {

// Raised-cosine ramp from 0 at `a` to 1 at `a + ramp`, held, back to 0 from `b - ramp` to `b`.
double held(double t, double a, double b, double ramp) {
  if (t <= a || t >= b) return 0.0;
  const double x = std::min({1.0, (t - a) / ramp, (b - t) / ramp});
  return 0.5 * (1.0 - std::cos(M_PI * x));
}

}  // namespace

// The real analyser on a face with a 2% IOD droop of the person's left corner, a held one-sided smile
// (3-8 s, slow in and out), a train of six 3% IOD pulses on the left corner at 6 Hz (12 s) and a blink
// (16 s): the resting frames are every measurable frame outside the episode and the blink, the smile's
// frames included (they were inside a detected event: the rule before session 18 left them out), and
// the resting height difference is the droop.
TEST(SummaryAccumulator, AHeldExpressionStaysInTheRestingFramesATwitchTrainAndABlinkDoNot) {
  std::mt19937 rng(7);
  std::normal_distribution<double> noise(0.0, 0.002);
  TwitchAnalyser twitch{TwitchSettings{}};
  SummaryAccumulator acc(SessionSummary{});
  const double c = std::cos(M_PI / 6), sn = std::sin(M_PI / 6);  // the muscles' pull: 30 degrees up, outward
  std::vector<double> times;
  bool active_in_smile = false;
  for (int i = 0; i < 20 * static_cast<int>(kFps); ++i) {
    const double t = i / kFps;
    FrameResult r;
    FaceMetrics& m = r.metrics;
    m.t = t;
    m.frame_index = i;
    m.face_found = true;
    m.quality = kQualityOk;
    const double pull = 0.05 * held(t, 3.0, 8.0, 0.6) + testing::pulse_train(t, 12.0, 6.0, 6, 0.03);
    m.mouth_corner.left = cv::Point2f(static_cast<float>(0.52 + c * pull + noise(rng)),
                                      static_cast<float>(-0.88 + sn * pull + noise(rng)));
    m.mouth_corner.right = cv::Point2f(static_cast<float>(-0.52 + noise(rng)), static_cast<float>(-0.86 + noise(rng)));
    const double lid = 0.09 * held(t, 16.0, 16.2, 0.08);
    m.eye_aperture_iod = {0.11 - lid + noise(rng), 0.11 - lid + noise(rng)};
    m.brow_height_iod = {0.32 + noise(rng), 0.32 + noise(rng)};
    m.mouth_opening_iod = 0.15 + noise(rng);
    m.commissure_excursion_iod = {0.42, 0.42};
    m.smile_angle_deg = {110.0, 110.0};
    m.cce_angle_deg = {80.0, 80.0};
    m.mouth_corner_height_diff_iod = m.mouth_corner.left.y - m.mouth_corner.right.y;
    r.signals = twitch.push(m);
    if (t >= 3.0 && t <= 8.0 && r.signals.mouth.left.active) active_in_smile = true;
    acc.add(r);
    times.push_back(t);
  }
  twitch.finish();
  const SessionSummary s = acc.summarise(twitch, true);
  ASSERT_EQ(s.episodes.size(), 1u);
  EXPECT_EQ(s.episodes[0].side, Laterality::Left);
  EXPECT_NEAR(s.episodes[0].start_s, 12.0, 0.2);
  ASSERT_EQ(s.blinks.size(), 1u);
  EXPECT_TRUE(active_in_smile) << "the smile opened no event: the test does not test the rule";
  auto inside = [](const auto& list, double t) {
    return std::any_of(list.begin(), list.end(), [t](const auto& e) { return t >= e.start_s && t <= e.end_s; });
  };
  std::int64_t expected = 0;
  for (double t : times)
    expected += (inside(s.episodes, t) || inside(s.blinks, t) || inside(s.isolated_twitches, t)) ? 0 : 1;
  EXPECT_EQ(s.asymmetry.rest_frames, expected);
  EXPECT_GT(s.asymmetry.rest_frames, static_cast<std::int64_t>(times.size()) - 60);
  const RegionalAsymmetry& h = region(s, AsymmetryMeasure::MouthCornerHeight);
  EXPECT_NEAR(h.diff, -0.02, 0.004);
  EXPECT_EQ(h.weaker, Side::Left);
}

}  // namespace ft
