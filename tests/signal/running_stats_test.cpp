// running_stats_test.cpp: trailing-window median / MAD and the twitch peak detector, with numbers.
#include <cmath>
#include <random>

#include <gtest/gtest.h>

#include "signal/event_detector.hpp"
#include "signal/running_stats.hpp"
#include "support/waveforms.hpp"

namespace ft {

TEST(WindowedStats, MedianAndMadOfKnownValues) {
  WindowedStats w(100.0);
  for (double v : {1.0, 9.0, 2.0, 8.0, 3.0}) w.push(0.0, v);
  EXPECT_DOUBLE_EQ(w.median(), 3.0);
  EXPECT_DOUBLE_EQ(w.mad(), 2.0);  // |v-3| = 2,6,1,5,0 -> median 2
  w.push(0.0, 4.0);
  EXPECT_DOUBLE_EQ(w.median(), 3.5);
}

TEST(WindowedStats, DropsSamplesOlderThanTheWindow) {
  WindowedStats w(1.0);
  w.push(0.0, 100.0);
  w.push(0.5, 1.0);
  w.push(1.6, 2.0);
  EXPECT_EQ(w.size(), 1u);
  EXPECT_DOUBLE_EQ(w.median(), 2.0);
}

TEST(WindowedStats, RobustSigmaOfGaussianNoise) {
  std::mt19937 rng(7);
  std::normal_distribution<double> n(5.0, 0.3);
  WindowedStats w(1e9);
  for (int i = 0; i < 20000; ++i) w.push(i, n(rng));
  EXPECT_NEAR(w.median(), 5.0, 0.01);
  EXPECT_NEAR(w.robust_sigma(), 0.3, 0.01);
}

TEST(WindowedStats, CountIsCapped) {
  WindowedStats w(1e9, 100);
  for (int i = 0; i < 1000; ++i) w.push(i, i);
  EXPECT_EQ(w.size(), 100u);
}

// Pulse trains sampled at 30 fps with noise: the peak detector counts every twitch and the frequency
// comes out within 0.3 Hz, from 2 to 12 Hz (Nyquist is 15 Hz).
TEST(TwitchPeaks, CountsAndFrequencyOfSampledPulseTrains) {
  std::mt19937 rng(11);
  std::normal_distribution<double> noise(0.0, 0.002);
  for (double f : {2.0, 3.0, 5.0, 7.5, 10.0, 12.0}) {
    for (double phase : {0.0, 0.013, 0.021}) {
      const int n_twitches = static_cast<int>(std::round(f * 2.0));
      std::vector<double> t, v;
      for (int i = 0; i < 90; ++i) {
        const double ti = i / 30.0;
        t.push_back(ti);
        v.push_back(testing::pulse_train(ti, phase, f, n_twitches, 0.03) + noise(rng));
      }
      const auto peaks = find_twitch_peaks(t, v, std::max(0.01, 0.3 * 0.03), 0.01);
      EXPECT_NEAR(static_cast<double>(peaks.size()), n_twitches, f >= 10 ? 1.0 : 0.0) << f << " Hz phase " << phase;
      EXPECT_NEAR(twitch_frequency_hz(peaks), f, 0.3) << f << " Hz phase " << phase;
    }
  }
}

TEST(TwitchPeaks, NoiseBelowDeltaIsNotATwitch) {
  std::vector<double> t, v;
  for (int i = 0; i < 30; ++i) {
    t.push_back(i / 30.0);
    v.push_back(0.02 + ((i % 2) ? 0.002 : -0.002));  // a plateau with ripple
  }
  EXPECT_EQ(find_twitch_peaks(t, v, 0.01).size(), 1u);
  EXPECT_TRUE(std::isnan(twitch_frequency_hz({1.0})));
}

}  // namespace ft
