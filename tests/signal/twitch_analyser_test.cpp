// twitch_analyser_test.cpp: the whole streaming analysis on synthetic per-frame metrics with noise:
// side, region, frequency, onset, blinks, voluntary movements, bilateral twitches, gaps, no false alarms.
#include <cmath>
#include <cstdio>
#include <functional>
#include <random>

#include <gtest/gtest.h>

#include "signal/twitch_analyser.hpp"

namespace ft {
namespace {

constexpr double kFps = 30.0;
constexpr double kNoise = 0.003;  // landmark jitter, IOD (as measured on the astronaut at IOD ~ 70 px)

// Hann pulse train: n twitches at f Hz from `start`, each min(1/f, 0.2 s) wide.
double pulse_train(double t, double start, double f, int n, double amp) {
  const double w = std::min(1.0 / f, 0.2);
  double a = 0.0;
  for (int k = 0; k < n; ++k) {
    const double u = t - start - k / f;
    if (u >= 0 && u <= w) a += amp * 0.5 * (1 - std::cos(2 * M_PI * u / w));
  }
  return a;
}

double smoothstep(double x) {
  x = std::clamp(x, 0.0, 1.0);
  return x * x * (3 - 2 * x);
}

struct Motion {
  // Displacements (IOD) as functions of time.
  std::function<double(double)> mouth_left = [](double) { return 0.0; };
  std::function<double(double)> mouth_right = [](double) { return 0.0; };
  std::function<double(double)> eye_left = [](double) { return 0.0; };  // closure
  std::function<double(double)> eye_right = [](double) { return 0.0; };
  std::function<bool(double)> face = [](double) { return true; };
};

TwitchAnalyser run(const Motion& m, double duration, unsigned seed = 1) {
  std::mt19937 rng(seed);
  std::normal_distribution<double> n(0.0, kNoise);
  TwitchAnalyser a;
  const int frames = static_cast<int>(duration * kFps);
  for (int i = 0; i < frames; ++i) {
    const double t = i / kFps;
    FaceMetrics fm;
    fm.t = t;
    fm.frame_index = i;
    fm.face_found = m.face(t);
    fm.quality = fm.face_found ? kQualityOk : kQualityNoFace;
    // Corners pulled up and outward (50 degrees above horizontal).
    const double c = std::cos(50 * M_PI / 180), s = std::sin(50 * M_PI / 180);
    const double dl = m.mouth_left(t), dr = m.mouth_right(t);
    fm.mouth_corner.left = cv::Point2f(static_cast<float>(0.52 + c * dl + n(rng)), static_cast<float>(-0.86 + s * dl + n(rng)));
    fm.mouth_corner.right = cv::Point2f(static_cast<float>(-0.52 - c * dr + n(rng)), static_cast<float>(-0.86 + s * dr + n(rng)));
    fm.eye_aperture_iod.left = 0.11 - m.eye_left(t) + n(rng);
    fm.eye_aperture_iod.right = 0.11 - m.eye_right(t) + n(rng);
    a.push(fm);
  }
  a.finish();
  return a;
}

}  // namespace

TEST(TwitchAnalyser, NoiseAloneGivesNothing) {
  for (unsigned seed : {1u, 2u, 3u}) {
    const TwitchAnalyser a = run(Motion{}, 120.0, seed);
    EXPECT_TRUE(a.episodes().empty()) << "seed " << seed << ": " << a.episodes().size() << " false episodes";
    EXPECT_TRUE(a.blinks().empty());
  }
}

TEST(TwitchAnalyser, UnilateralMouthEpisodeSideFrequencyOnset) {
  for (Side side : kSides) {
    for (double f : {2.0, 6.0, 11.0}) {
      Motion m;
      const int n = static_cast<int>(std::round(f * 2.0));
      auto train = [f, n](double t) { return pulse_train(t, 3.0, f, n, 0.03); };
      (side == Side::Left ? m.mouth_left : m.mouth_right) = train;
      const TwitchAnalyser a = run(m, 10.0);
      ASSERT_EQ(a.episodes().size(), 1u) << to_string(side) << " " << f << " Hz";
      const Episode& e = a.episodes()[0];
      EXPECT_EQ(e.side, laterality(side));
      EXPECT_EQ(e.region, Region::Mouth);
      EXPECT_NEAR(e.frequency_hz, f, 0.5);
      EXPECT_NEAR(e.twitch_count, n, f > 10 ? 2 : 0);
      EXPECT_NEAR(e.start_s, 3.0, 0.1);
      EXPECT_NEAR(e.peak_amplitude_iod, 0.03, 0.008);
    }
  }
}

TEST(TwitchAnalyser, SeparateBurstsAreSeparateEpisodes) {
  Motion m;
  m.mouth_left = [](double t) { return pulse_train(t, 2.0, 5, 5, 0.03) + pulse_train(t, 6.0, 5, 5, 0.03); };
  const TwitchAnalyser a = run(m, 10.0);
  ASSERT_EQ(a.episodes().size(), 2u);
  EXPECT_NEAR(a.episodes()[0].start_s, 2.0, 0.1);
  EXPECT_NEAR(a.episodes()[1].start_s, 6.0, 0.1);
}

TEST(TwitchAnalyser, SlowSymmetricSmileIsVoluntaryNotATwitch) {
  Motion m;
  auto smile = [](double t) {
    return 0.07 * (smoothstep((t - 3.0) / 0.5) - smoothstep((t - 5.0) / 0.5));
  };
  m.mouth_left = smile;
  m.mouth_right = [smile](double t) { return 0.9 * smile(t); };
  const TwitchAnalyser a = run(m, 10.0);
  EXPECT_TRUE(a.episodes().empty());
  EXPECT_EQ(a.voluntary_movements().size(), 1u);
}

TEST(TwitchAnalyser, FastBilateralTwitchesAreBilateral) {
  Motion m;
  m.mouth_left = [](double t) { return pulse_train(t, 3.0, 6, 8, 0.03); };
  m.mouth_right = [](double t) { return pulse_train(t, 3.0, 6, 8, 0.028); };
  const TwitchAnalyser a = run(m, 8.0);
  ASSERT_EQ(a.episodes().size(), 1u) << a.voluntary_movements().size() << " voluntary";
  EXPECT_EQ(a.episodes()[0].side, Laterality::Bilateral);
}

TEST(TwitchAnalyser, OtherCornerDraggedAlongStaysUnilateral) {
  Motion m;
  m.mouth_left = [](double t) { return pulse_train(t, 3.0, 4, 6, 0.05); };
  m.mouth_right = [](double t) { return pulse_train(t, 3.0, 4, 6, 0.015); };  // 30% of the left
  const TwitchAnalyser a = run(m, 8.0);
  ASSERT_EQ(a.episodes().size(), 1u);
  EXPECT_EQ(a.episodes()[0].side, Laterality::Left);
}

TEST(TwitchAnalyser, BlinksAreCountedNeverTwitches) {
  Motion m;
  auto blinks = [](double t) { return pulse_train(t, 2.0, 1, 1, 0.08) + pulse_train(t, 5.0, 1, 1, 0.08) + pulse_train(t, 8.0, 1, 1, 0.08); };
  m.eye_left = blinks;
  m.eye_right = [blinks](double t) { return blinks(t - 0.03); };
  const TwitchAnalyser a = run(m, 10.0);
  EXPECT_TRUE(a.episodes().empty());
  EXPECT_EQ(a.blinks().size(), 3u);
}

TEST(TwitchAnalyser, OneEyeFlutterIsAnEyeEpisodeOnThatSide) {
  Motion m;
  m.eye_right = [](double t) { return pulse_train(t, 3.0, 5, 10, 0.03); };
  const TwitchAnalyser a = run(m, 8.0);
  ASSERT_EQ(a.episodes().size(), 1u);
  EXPECT_EQ(a.episodes()[0].region, Region::Eye);
  EXPECT_EQ(a.episodes()[0].side, Laterality::Right);
  EXPECT_NEAR(a.episodes()[0].frequency_hz, 5.0, 0.5);
}

TEST(TwitchAnalyser, AFaceThatLeavesAndComesBackInventsNothing) {
  Motion m;
  m.face = [](double t) { return t < 4.0 || t > 6.0; };
  // The face comes back displaced: a new baseline must be learnt, not a twitch reported.
  m.mouth_left = [](double t) { return t > 6.0 ? 0.05 : 0.0; };
  m.mouth_right = [](double t) { return t > 6.0 ? 0.02 : 0.0; };
  const TwitchAnalyser a = run(m, 12.0);
  EXPECT_TRUE(a.episodes().empty());
}

TEST(TwitchAnalyser, SignalsAreGapsWithoutAFace) {
  TwitchAnalyser a;
  FaceMetrics fm;
  fm.face_found = false;
  fm.quality = kQualityNoFace;
  const FrameSignals s = a.push(fm);
  EXPECT_FALSE(s.mouth.left.valid);
  EXPECT_FALSE(s.eye.right.valid);
}

}  // namespace ft
