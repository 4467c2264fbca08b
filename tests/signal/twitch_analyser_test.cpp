// twitch_analyser_test.cpp: the whole streaming analysis on synthetic per-frame metrics with noise:
// side, region, frequency, onset, blinks, voluntary movements, bilateral twitches, gaps, no false alarms.
#include <algorithm>
#include <cmath>
#include <cstdio>
#include <functional>
#include <random>

#include <gtest/gtest.h>

#include "signal/twitch_analyser.hpp"
#include "support/waveforms.hpp"

namespace ft {
namespace {

constexpr double kFps = 30.0;
constexpr double kNoise = 0.003;  // landmark jitter, IOD (as measured on the astronaut at IOD ~ 70 px)

using testing::pulse_train;

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
  std::function<double(double)> brow_left = [](double) { return 0.0; };  // rise of the brow
  std::function<double(double)> brow_right = [](double) { return 0.0; };
  std::function<double(double)> mouth_opening = [](double) { return 0.0; };  // jaw drop
  // Corners moved down and outward, across the muscles' pull (30 degrees above the outward
  // horizontal), as with the jaw while talking: a movement of the corner with no pull component.
  std::function<double(double)> mouth_left_jaw = [](double) { return 0.0; };
  std::function<double(double)> mouth_right_jaw = [](double) { return 0.0; };
  std::function<bool(double)> face = [](double) { return true; };
};

// Speech-like syllables from `start` for `duration` s: irregular intervals (0.16-0.30 s, ~4.5 Hz),
// each a Hann pulse over 85% of its interval with a strength of 0.5-1 times `amp`. Deterministic.
double syllables(double t, double start, double duration, double amp) {
  static const double kIntervals[] = {0.22, 0.17, 0.29, 0.20, 0.25, 0.16, 0.27, 0.21, 0.19, 0.30, 0.18, 0.24};
  static const double kStrength[] = {0.9, 0.6, 1.0, 0.5, 0.8, 0.7, 1.0, 0.55, 0.85, 0.65, 0.95, 0.75};
  double s = start;
  for (int k = 0; s < start + duration; ++k) {
    const double iv = kIntervals[k % 12], w = 0.85 * iv;
    if (t >= s && t <= s + w) return amp * kStrength[k % 12] * 0.5 * (1 - std::cos(2 * M_PI * (t - s) / w));
    s += iv;
  }
  return 0.0;
}

// A sustained contraction from `start` to `end`: 0.05 s rise, 0.15 s relaxation (as the generator).
double tonic(double t, double start, double end, double amp) {
  if (t < start || t > end) return 0.0;
  const double x = std::min({1.0, (t - start) / 0.05, (end - t) / 0.15});
  return amp * 0.5 * (1 - std::cos(M_PI * x));
}

// Every run also checks that an episode, once reported, never changes: episodes.csv is written as they
// come (a search's train extends the episode of its part only while that is held).
TwitchAnalyser run(const Motion& m, double duration, unsigned seed = 1, double noise = kNoise) {
  std::mt19937 rng(seed);
  std::mt19937 brow_rng(seed + 1000);
  std::mt19937 opening_rng(seed + 2000);
  std::normal_distribution<double> opening_noise(0.0, noise);  // its own: `n` caches a second draw
  std::normal_distribution<double> n(0.0, noise);
  TwitchAnalyser a;
  std::vector<Episode> reported;
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
    const double jc = std::cos(60 * M_PI / 180), js = std::sin(60 * M_PI / 180);
    const double jl = m.mouth_left_jaw(t), jr = m.mouth_right_jaw(t);
    fm.mouth_corner.left = cv::Point2f(static_cast<float>(0.52 + c * dl + jc * jl + n(rng)), static_cast<float>(-0.86 + s * dl - js * jl + n(rng)));
    fm.mouth_corner.right = cv::Point2f(static_cast<float>(-0.52 - c * dr - jc * jr + n(rng)), static_cast<float>(-0.86 + s * dr - js * jr + n(rng)));
    fm.eye_aperture_iod.left = 0.11 - m.eye_left(t) + n(rng);
    fm.eye_aperture_iod.right = 0.11 - m.eye_right(t) + n(rng);
    fm.brow_height_iod.left = 0.32 + m.brow_left(t) + n(brow_rng);  // own generator: the other
    fm.brow_height_iod.right = 0.32 + m.brow_right(t) + n(brow_rng);  // signals' noise is unchanged
    fm.mouth_opening_iod = 0.15 + m.mouth_opening(t) + opening_noise(opening_rng);
    a.push(fm);
    for (std::size_t k = 0; k < reported.size(); ++k) {
      const Episode& e = a.episodes()[k];
      if (e.start_s != reported[k].start_s || e.end_s != reported[k].end_s || e.twitch_count != reported[k].twitch_count ||
          !(e.frequency_hz == reported[k].frequency_hz || (std::isnan(e.frequency_hz) && std::isnan(reported[k].frequency_hz))) ||
          e.peak_amplitude_iod != reported[k].peak_amplitude_iod) {
        ADD_FAILURE() << "episode " << k << " changed after it was reported, at t = " << t << " s";
      }
    }
    reported = a.episodes();
  }
  a.finish();
  return a;
}

// Both lids blink (the right one 30 ms later, as on real faces); the side's lid also does `train`.
Motion one_lid_after_blink(Side side, const std::function<double(double)>& blink, const std::function<double(double)>& train) {
  Motion m;
  const std::function<double(double)> lid = [blink, train](double t) { return blink(t) + train(t); };
  m.eye_left = side == Side::Left ? lid : blink;
  m.eye_right = [f = side == Side::Right ? lid : blink](double t) { return f(t - 0.03); };
  return m;
}

// What the analyser found, for failure messages.
std::string describe(const TwitchAnalyser& a) {
  std::string out;
  char line[160];
  for (const Episode& e : a.episodes()) {
    std::snprintf(line, sizeof line, "\n  episode %s %s %.2f-%.2f s, %d twitches, %.2f Hz, peak %.4f", std::string(to_string(e.region)).c_str(), std::string(to_string(e.side)).c_str(),
                  e.start_s, e.end_s, e.twitch_count, e.frequency_hz, e.peak_amplitude_iod);
    out += line;
  }
  for (const IsolatedTwitch& e : a.isolated_twitches()) {
    std::snprintf(line, sizeof line, "\n  isolated %s %s %.2f-%.2f s", std::string(to_string(e.region)).c_str(), std::string(to_string(e.side)).c_str(), e.start_s, e.end_s);
    out += line;
  }
  for (const VoluntaryMovement& v : a.voluntary_movements()) {
    std::snprintf(line, sizeof line, "\n  voluntary %s %.2f-%.2f s", std::string(to_string(v.region)).c_str(), v.start_s, v.end_s);
    out += line;
  }
  return out;
}

}  // namespace

TEST(TwitchAnalyser, NoiseAloneGivesNothing) {
  // No episode in 6 minutes of landmark noise. A single crossing of noise alone is possible at k = 5 (the
  // threshold is 5 robust sigmas above the median): at most one isolated twitch in the 6 minutes (one in
  // these three seeds since session 10's k = 5), never an episode.
  std::size_t isolated = 0;
  for (unsigned seed : {1u, 2u, 3u}) {
    const TwitchAnalyser a = run(Motion{}, 120.0, seed);
    EXPECT_TRUE(a.episodes().empty()) << "seed " << seed << ": " << a.episodes().size() << " false episodes";
    isolated += a.isolated_twitches().size();
    EXPECT_TRUE(a.blinks().empty());
  }
  EXPECT_LE(isolated, 1u) << isolated << " isolated twitches in 6 minutes of noise";
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
      // At 6 Hz the Hann pulses are back to back and never rest: one pair of the 12 merges into one
      // twitch in one of the four runs (the dip between them stays 0.9% IOD above the baseline), which
      // takes the frequency from the peak span to 5.4 Hz. Measured since the baseline stopped following
      // a train's pulses (session 6, kTrainGapS); the generated suite's frequency error stays 0.01 Hz.
      EXPECT_NEAR(e.frequency_hz, f, f == 6.0 ? 0.7 : 0.5);
      EXPECT_NEAR(e.twitch_count, n, f > 10 ? 2 : (f == 6.0 ? 1 : 0));
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

TEST(TwitchAnalyser, ASingleBriefTwitchIsIsolatedNotAnEpisode) {
  // One brief twitch on the left corner at 3 s, one on the right eyelid at 6 s, and a pair of twitches
  // (0.3 s apart) on the left corner at 8 s: the single ones are isolated twitches, the pair an episode.
  Motion m;
  m.mouth_left = [](double t) { return pulse_train(t, 3.0, 5, 1, 0.03) + pulse_train(t, 8.0, 1.0 / 0.3, 2, 0.03); };
  m.eye_right = [](double t) { return pulse_train(t, 6.0, 5, 1, 0.03); };
  const TwitchAnalyser a = run(m, 11.0);
  ASSERT_EQ(a.episodes().size(), 1u);
  EXPECT_EQ(a.episodes()[0].twitch_count, 2);
  EXPECT_NEAR(a.episodes()[0].start_s, 8.0, 0.1);
  ASSERT_EQ(a.isolated_twitches().size(), 2u);
  std::vector<IsolatedTwitch> iso = a.isolated_twitches();
  std::sort(iso.begin(), iso.end(), [](const auto& x, const auto& y) { return x.time_s < y.time_s; });
  EXPECT_EQ(iso[0].region, Region::Mouth);
  EXPECT_EQ(iso[0].side, Laterality::Left);
  EXPECT_NEAR(iso[0].time_s, 3.1, 0.05);  // the peak of the 0.2-s Hann pulse
  EXPECT_NEAR(iso[0].peak_amplitude_iod, 0.03, 0.008);
  EXPECT_LE(iso[0].start_s, iso[0].time_s);
  EXPECT_GE(iso[0].end_s, iso[0].time_s);
  EXPECT_EQ(iso[1].region, Region::Eye);
  EXPECT_EQ(iso[1].side, Laterality::Right);
  EXPECT_NEAR(iso[1].time_s, 6.1, 0.05);
}

TEST(TwitchAnalyser, ASustainedContractionWithOnePeakIsStillAnEpisode) {
  // A tonic spasm holds one twitch peak: it is an episode (tonic), not an isolated twitch.
  Motion m;
  m.mouth_right = [](double t) { return tonic(t, 3.0, 4.6, 0.03); };
  const TwitchAnalyser a = run(m, 8.0);
  ASSERT_EQ(a.episodes().size(), 1u);
  EXPECT_EQ(a.episodes()[0].pattern, EpisodePattern::Tonic);
  EXPECT_EQ(a.episodes()[0].side, Laterality::Right);
  EXPECT_TRUE(a.isolated_twitches().empty());
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
  EXPECT_TRUE(a.isolated_twitches().empty()) << a.isolated_twitches().size() << " isolated twitches";
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
  EXPECT_TRUE(a.isolated_twitches().empty()) << a.isolated_twitches().size() << " isolated twitches";
  EXPECT_EQ(a.blinks().size(), 3u);
}

// Real faces (issue 15, session 20): a mouth corner that moves as both lids begin to close moves with
// the blink (dlib's corner landmarks jump with the lids; on a calm clip the jump, held by the frozen
// baseline, became a 4-s tonic spasm). The same pull half a second after the blink, or with one lid
// closing (a co-contraction of one side of the face), is a twitch.
TEST(TwitchAnalyser, ACornerMovingAsBothLidsCloseMovesWithTheBlink) {
  auto blink = [](double t) { return pulse_train(t, 3.0, 1, 1, 0.08); };
  for (double lead : {0.0, 0.1}) {
    Motion m;
    m.eye_left = blink;
    m.eye_right = [blink](double t) { return blink(t - 0.03); };
    m.mouth_left = [lead](double t) { return tonic(t, 3.0 + lead, 5.5, 0.03); };
    const TwitchAnalyser a = run(m, 8.0);
    EXPECT_EQ(a.blinks().size(), 1u) << lead;
    EXPECT_TRUE(a.episodes().empty()) << lead << " s after the blink began:" << describe(a);
  }
  Motion later;
  later.eye_left = blink;
  later.eye_right = [blink](double t) { return blink(t - 0.03); };
  later.mouth_left = [](double t) { return tonic(t, 3.5, 5.5, 0.03); };
  const TwitchAnalyser b = run(later, 8.0);
  ASSERT_EQ(b.episodes().size(), 1u) << describe(b);
  EXPECT_EQ(b.episodes()[0].region, Region::Mouth);
  EXPECT_EQ(b.episodes()[0].side, Laterality::Left);
  Motion one_side;
  one_side.eye_left = [](double t) { return tonic(t, 3.0, 5.5, 0.06); };
  one_side.mouth_left = [](double t) { return tonic(t, 3.0, 5.5, 0.03); };
  const TwitchAnalyser c = run(one_side, 8.0);
  EXPECT_TRUE(c.blinks().empty());
  EXPECT_TRUE(std::any_of(c.episodes().begin(), c.episodes().end(), [](const Episode& e) { return e.region == Region::Mouth && e.side == Laterality::Left; }))
      << describe(c);
}

TEST(TwitchAnalyser, AFlutterStartingRightAfterABlinkIsNotTheLidsSettling) {
  // A blink (8% IOD closure, both eyes) at 3 s; 0.35 s after it the right lid flutters at 5 Hz (3% IOD:
  // over a quarter of the blink's closure). On real faces the 1-s settling window after a blink used to
  // swallow such trains. A small one-sided closure after the other blink (1.5% IOD, under a quarter) is
  // still the lids settling.
  Motion m;
  auto blinks = [](double t) { return pulse_train(t, 3.0, 1, 1, 0.08) + pulse_train(t, 8.0, 1, 1, 0.08); };
  m.eye_left = [blinks](double t) { return blinks(t) + pulse_train(t, 8.3, 1, 1, 0.015); };
  m.eye_right = [blinks](double t) { return blinks(t - 0.03) + pulse_train(t, 3.35, 5, 6, 0.03); };
  const TwitchAnalyser a = run(m, 11.0);
  EXPECT_EQ(a.blinks().size(), 2u);
  ASSERT_EQ(a.episodes().size(), 1u);
  EXPECT_EQ(a.episodes()[0].region, Region::Eye);
  EXPECT_EQ(a.episodes()[0].side, Laterality::Right);
  EXPECT_NEAR(a.episodes()[0].start_s, 3.35, 0.15);
  // The train's first twitches at least (with the 0.4-s resting baseline a continuous flutter is
  // followed by the baseline after about half a second: docs/METRICS.md, "Real faces").
  EXPECT_GE(a.episodes()[0].twitch_count, 2);
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
  EXPECT_TRUE(a.isolated_twitches().empty()) << a.isolated_twitches().size() << " isolated twitches";
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

namespace ft {

TEST(TwitchAnalyser, EpisodeTypesFromTheLengthsOfTheirContractions) {
  struct Case {
    const char* name;
    Region region;
    std::function<double(double)> signal;
    EpisodePattern pattern;
    const char* type;
    double longest_lo, longest_hi;
  };
  const std::vector<Case> cases{
      {"clonic mouth train", Region::Mouth, [](double t) { return pulse_train(t, 3.0, 6.0, 12, 0.03); },
       EpisodePattern::Clonic, "clonic", 0.04, kClonicMaxS},
      {"tonic mouth spasm 3 s", Region::Mouth, [](double t) { return tonic(t, 3.0, 6.0, 0.03); },
       EpisodePattern::Tonic, "tonic", 2.7, 3.1},
      {"clonic then tonic", Region::Mouth,
       [](double t) { return pulse_train(t, 3.0, 5.0, 5, 0.03) + tonic(t, 4.0, 6.5, 0.03); },
       EpisodePattern::ClonicTonic, "clonic-tonic", 2.2, 2.6},
      {"eyelid flutter", Region::Eye, [](double t) { return pulse_train(t, 3.0, 8.0, 5, 0.03); },
       EpisodePattern::Clonic, "flutter", 0.02, kClonicMaxS},
      {"eyelid spasm 1.5 s", Region::Eye, [](double t) { return tonic(t, 3.0, 4.5, 0.03); },
       EpisodePattern::Tonic, "spasm", 1.2, 1.6},
  };
  for (const auto& c : cases) {
    Motion m;
    (c.region == Region::Mouth ? m.mouth_left : m.eye_left) = c.signal;
    const TwitchAnalyser a = run(m, 10.0);
    ASSERT_EQ(a.episodes().size(), 1u) << c.name;
    const Episode& e = a.episodes()[0];
    EXPECT_EQ(e.pattern, c.pattern) << c.name << ": longest " << e.longest_contraction_s;
    EXPECT_EQ(episode_type_name(e.region, e.pattern), c.type) << c.name;
    EXPECT_GE(e.longest_contraction_s, c.longest_lo) << c.name;
    EXPECT_LE(e.longest_contraction_s, c.longest_hi) << c.name;
    EXPECT_LE(e.median_contraction_s, e.longest_contraction_s) << c.name;
    EXPECT_FALSE(e.co_contraction) << c.name;
  }
}

TEST(TwitchAnalyser, EyeAndMouthOfOneSideTwitchingTogetherAreCoContractions) {
  auto train = [](double start) { return [start](double t) { return pulse_train(t, start, 5.0, 10, 0.03); }; };
  {
    Motion m;  // the same side, in step: both flagged
    m.mouth_right = train(3.0);
    m.eye_right = train(3.04);
    const TwitchAnalyser a = run(m, 10.0);
    ASSERT_EQ(a.episodes().size(), 2u);
    for (const Episode& e : a.episodes()) EXPECT_TRUE(e.co_contraction) << to_string(e.region);
  }
  {
    Motion m;  // opposite sides at the same time: not the pattern of hemifacial spasm
    m.mouth_right = train(3.0);
    m.eye_left = train(3.0);
    const TwitchAnalyser a = run(m, 10.0);
    ASSERT_EQ(a.episodes().size(), 2u);
    for (const Episode& e : a.episodes()) EXPECT_FALSE(e.co_contraction) << to_string(e.region);
  }
  {
    Motion m;  // the same side, one after the other
    m.mouth_left = train(3.0);
    m.eye_left = train(7.0);
    const TwitchAnalyser a = run(m, 12.0);
    ASSERT_EQ(a.episodes().size(), 2u);
    for (const Episode& e : a.episodes()) EXPECT_FALSE(e.co_contraction) << to_string(e.region);
  }
}

TEST(TwitchAnalyser, BrowRisingWhileTheEyeClosesIsTheBrowLiftSign) {
  for (bool lift : {true, false}) {
    Motion m;
    m.eye_left = [](double t) { return tonic(t, 3.0, 5.0, 0.04); };
    if (lift) m.brow_left = [](double t) { return tonic(t, 3.0, 5.0, 0.04) * 0.5; };  // 2% IOD at full closure
    const TwitchAnalyser a = run(m, 8.0);
    ASSERT_EQ(a.episodes().size(), 1u);
    const Episode& e = a.episodes()[0];
    EXPECT_EQ(e.brow_lift, lift);
    EXPECT_NEAR(e.brow_change_iod, lift ? 0.02 : 0.0, 0.006);
  }
}


// Talking: both corners move with each syllable (fast rises, roughly symmetric) while the mouth opens
// and closes. Without the mouth opening the same corner movement is a train of bilateral twitches.
TEST(TwitchAnalyser, CornersMovingWithTheMouthOpeningAreSpeechNotTwitches) {
  Motion m;
  m.mouth_left = [](double t) { return syllables(t, 3.0, 5.0, 0.025); };
  m.mouth_right = [](double t) { return 0.75 * syllables(t, 3.0, 5.0, 0.025); };
  const TwitchAnalyser without = run(m, 11.0);
  EXPECT_FALSE(without.episodes().empty()) << "the corner movement alone must look like twitches";
  m.mouth_opening = [](double t) { return syllables(t, 3.0, 5.0, 0.06); };
  const TwitchAnalyser a = run(m, 11.0);
  std::string found;
  for (const auto& e : a.episodes()) found += std::string(to_string(e.side)) + " at " + std::to_string(e.start_s) + "\n";
  EXPECT_TRUE(a.episodes().empty()) << found;
  EXPECT_TRUE(a.isolated_twitches().empty()) << a.isolated_twitches().size() << " isolated twitches";
  ASSERT_EQ(a.voluntary_movements().size(), 1u);
  EXPECT_NEAR(a.voluntary_movements()[0].start_s, 3.0, 0.3);
  EXPECT_NEAR(a.voluntary_movements()[0].end_s, 8.0, 0.4);
}

// Only one corner moving with the syllables (a strongly unbalanced speaker): still speech.
TEST(TwitchAnalyser, OneCornerMovingWithSpeechIsSpeech) {
  Motion m;
  m.mouth_left = [](double t) { return syllables(t, 3.0, 4.0, 0.02); };
  m.mouth_opening = [](double t) { return syllables(t, 3.0, 4.0, 0.06); };
  const TwitchAnalyser a = run(m, 10.0);
  EXPECT_TRUE(a.episodes().empty()) << describe(a);
  EXPECT_TRUE(a.isolated_twitches().empty()) << describe(a);
}

// A one-sided twitch train while talking (the corners hardly move with the speech): still a twitch
// on its side. And one 1.5 s after talking: found as without talking.
TEST(TwitchAnalyser, AOneSidedTwitchDuringOrAfterSpeechIsStillATwitch) {
  {
    Motion m;
    m.mouth_left = [](double t) { return pulse_train(t, 5.0, 6, 6, 0.045) + syllables(t, 3.0, 5.0, 0.005); };
    m.mouth_right = [](double t) { return syllables(t, 3.0, 5.0, 0.005); };
    m.mouth_opening = [](double t) { return syllables(t, 3.0, 5.0, 0.06); };
    const TwitchAnalyser a = run(m, 11.0);
    ASSERT_EQ(a.episodes().size(), 1u);
    EXPECT_EQ(a.episodes()[0].side, Laterality::Left);
    EXPECT_NEAR(a.episodes()[0].start_s, 5.0, 0.1);
  }
  {
    Motion m;
    auto speech_l = [](double t) { return syllables(t, 2.0, 4.0, 0.025); };
    m.mouth_left = speech_l;
    m.mouth_right = [speech_l](double t) { return 0.8 * speech_l(t) + pulse_train(t, 7.5, 5, 5, 0.04); };
    m.mouth_opening = [](double t) { return syllables(t, 2.0, 4.0, 0.06); };
    const TwitchAnalyser a = run(m, 11.0);
    ASSERT_EQ(a.episodes().size(), 1u);
    EXPECT_EQ(a.episodes()[0].side, Laterality::Right);
    EXPECT_NEAR(a.episodes()[0].start_s, 7.5, 0.1);
    EXPECT_EQ(a.voluntary_movements().size(), 1u);
  }
}

}  // namespace ft

namespace ft {

// Real faces (issue 15): a face that is already smiling, or squinting, when the warm-up ends is not
// having a twitch then. Before, the first warm sample above the (still minimal) threshold opened an event.
TEST(TwitchAnalyser, ExpressionHeldSinceTheStartIsNoOnset) {
  Motion m;
  // One eye narrowed just before the warm-up ends (1 s), until 1.1 s: at the first warm sample the
  // signal is already 2.5% IOD, over the threshold (still its 1% minimum), with no crossing seen.
  m.eye_left = [](double t) { return t > 0.95 && t < 1.1 ? 0.025 : 0.0; };
  const TwitchAnalyser a = run(m, 6.0);
  EXPECT_TRUE(a.episodes().empty()) << a.episodes().size() << " episodes, the first at "
                                    << (a.episodes().empty() ? 0.0 : a.episodes()[0].start_s) << " s";
  EXPECT_TRUE(a.isolated_twitches().empty()) << a.isolated_twitches().size() << " isolated twitches";
}

// ... while a twitch after the signal has once been seen at rest is found as before.
TEST(TwitchAnalyser, TwitchAfterAHeldStartIsFound) {
  Motion m;
  m.eye_left = [](double t) { return (t > 0.95 && t < 1.1 ? 0.025 : 0.0) + pulse_train(t, 4.0, 5, 5, 0.03); };
  const TwitchAnalyser a = run(m, 8.0);
  ASSERT_EQ(a.episodes().size(), 1u);
  EXPECT_EQ(a.episodes()[0].side, Laterality::Left);
  EXPECT_NEAR(a.episodes()[0].start_s, 4.0, 0.1);
}

}  // namespace ft

namespace ft {

// The end of an episode, its length and twitch count (neither accuracy suite scored them before
// session 6: the demo's 1.5-s mouth episode was reported 3.1 s long).

TEST(TwitchAnalyser, ALongTrainEndsWithItsLastTwitchAndCountsEachOnce) {
  // A 5-s mouth train at 6 Hz (30 twitches, 4% IOD). The dips between its pulses used to feed the
  // 0.4-s baseline, which moved into the train: the returns to rest then read as displacements the other
  // way (twice the twitches) and the episode ran on past the train's end.
  Motion m;
  m.mouth_left = [](double t) { return pulse_train(t, 3.0, 6, 30, 0.04); };
  const TwitchAnalyser a = run(m, 12.0);
  ASSERT_EQ(a.episodes().size(), 1u);
  const Episode& e = a.episodes()[0];
  EXPECT_NEAR(e.start_s, 3.0, 0.1);
  EXPECT_NEAR(e.end_s, 3.0 + 29 / 6.0 + 0.1, 0.25);  // the last pulse's peak
  EXPECT_NEAR(e.twitch_count, 30, 2);
  EXPECT_NEAR(e.frequency_hz, 6.0, 0.3);
}

TEST(TwitchAnalyser, AFaintFlutterIsFollowedToItsEnd) {
  // 2% IOD at 8 Hz for 1.5 s (Hann pulses back to back) is followed to its end. (The generated suite's
  // 2% trains still end early: that video's landmark noise is larger; docs/METRICS.md, "Episode end".)
  Motion m;
  m.mouth_right = [](double t) { return pulse_train(t, 2.5, 8, 12, 0.02); };
  const TwitchAnalyser a = run(m, 8.0);
  ASSERT_EQ(a.episodes().size(), 1u);
  EXPECT_NEAR(a.episodes()[0].end_s, 2.5 + 11 / 8.0 + 0.06, 0.3);
  EXPECT_GE(a.episodes()[0].twitch_count, 9);
}

TEST(TwitchAnalyser, TheReleaseOfAHeldOneSidedSmileIsNoTwitch) {
  // The left corner creeps up 4% IOD over a second (slowly enough for the baseline to follow), holds
  // for 1.5 s and drops back within 0.15 s. The drop used to open an event that was held as a sustained
  // contraction for 8 s (a "voluntary movement" to the end of the recording, or a tonic spasm).
  Motion m;
  m.mouth_left = [](double t) {
    if (t < 3.0) return 0.0;
    if (t < 4.0) return 0.04 * smoothstep(t - 3.0);
    if (t < 5.5) return 0.04;
    return 0.04 * (1.0 - smoothstep((t - 5.5) / 0.15));
  };
  const TwitchAnalyser a = run(m, 15.0);
  EXPECT_TRUE(a.episodes().empty()) << a.episodes().size() << " episodes, the first from " << a.episodes()[0].start_s;
  EXPECT_TRUE(a.isolated_twitches().empty()) << a.isolated_twitches().size() << " isolated twitches";
  for (const auto& v : a.voluntary_movements()) EXPECT_LT(v.end_s, 6.5) << "voluntary movement " << v.start_s << "-" << v.end_s;
}

}  // namespace ft

namespace ft {

// The mouth signal is the corner's movement along the muscles' pull (up and outward): the same train
// pulling the corner down and inward (speech, the jaw, puckering) is no twitch (session 8).
TEST(TwitchAnalyser, ACornerPulledDownAndInwardIsNoTwitch) {
  Motion down;
  down.mouth_left = [](double t) { return pulse_train(t, 3.0, 5.0, 8, -0.04); };
  const TwitchAnalyser d = run(down, 8.0);
  EXPECT_TRUE(d.episodes().empty());
  EXPECT_TRUE(d.isolated_twitches().empty());
  Motion up;
  up.mouth_left = [](double t) { return pulse_train(t, 3.0, 5.0, 8, 0.04); };
  const TwitchAnalyser a = run(up, 8.0);
  ASSERT_EQ(a.episodes().size(), 1u);
  EXPECT_EQ(a.episodes()[0].side, Laterality::Left);
}

// A recording that ends while a movement is still rising (the first tenths of a second of a smile or
// of a one-sided pull) has no twitch there: nothing has come back down yet (issue 13: cuts of the demo
// at 7.6-7.9 s reported a twitch at the end). A train whose earlier twitches are complete is kept, and
// says that the recording cut it off.
TEST(TwitchAnalyser, AMovementStillRisingWhenTheRecordingEndsIsNoTwitch) {
  for (double lead : {0.1, 0.2, 0.3}) {
    Motion m;
    m.mouth_left = [lead](double t) { return tonic(t, 10.0 - lead, 20.0, 0.05); };
    const TwitchAnalyser a = run(m, 10.0);
    EXPECT_TRUE(a.episodes().empty()) << lead << " s before the end: " << a.episodes().size() << " episodes";
    EXPECT_TRUE(a.isolated_twitches().empty()) << a.isolated_twitches().size() << " isolated twitches";
  }
  // A contraction with twitches on it from 9 s (the first rising with it), going on past the end at 10 s.
  Motion train;
  train.mouth_left = [](double t) { return tonic(t, 9.0, 20.0, 0.03) + pulse_train(t, 9.0, 5.0, 6, 0.03); };
  const TwitchAnalyser a = run(train, 10.0);
  ASSERT_EQ(a.episodes().size(), 1u);
  EXPECT_TRUE(a.episodes()[0].cut_by_end);
  EXPECT_GE(a.episodes()[0].twitch_count, 3);
  Motion done;
  done.mouth_left = [](double t) { return pulse_train(t, 6.0, 4.0, 8, 0.04); };  // over by 8 s
  const TwitchAnalyser b = run(done, 10.0);
  ASSERT_EQ(b.episodes().size(), 1u);
  EXPECT_FALSE(b.episodes()[0].cut_by_end);
}

}  // namespace ft

namespace ft {

// Real faces (issue 15, session 11): a train whose pulses mostly stay under the threshold, one of them
// crossing it. The crossing alone would be an isolated twitch; its neighbours at regular spacing, above
// half the threshold, make it the train's episode (TwitchAnalyser::extend_to_train). A quieter face
// (0.1% IOD of landmark noise) keeps the small pulses between half the threshold and the threshold.
TEST(TwitchAnalyser, ATrainWithOnePulseOverTheThresholdIsAnEpisode) {
  for (unsigned seed : {1u, 2u, 3u}) {
    for (Side side : kSides) {
      Motion m;
      // 2.5 Hz, six pulses of 0.9% IOD (the threshold is the 1.2% minimum amplitude here), the third 2.5%.
      auto train = [](double t) { return pulse_train(t, 3.0, 2.5, 6, 0.009) + pulse_train(t, 3.8, 2.5, 1, 0.016); };
      (side == Side::Left ? m.mouth_left : m.mouth_right) = train;
      const TwitchAnalyser a = run(m, 9.0, seed, 0.001);
      ASSERT_EQ(a.episodes().size(), 1u) << to_string(side) << " seed " << seed << ": " << a.isolated_twitches().size() << " isolated";
      const Episode& e = a.episodes()[0];
      EXPECT_EQ(e.side, laterality(side));
      EXPECT_GE(e.twitch_count, 4) << to_string(side) << " seed " << seed;
      EXPECT_NEAR(e.frequency_hz, 2.5, 0.3) << to_string(side) << " seed " << seed;
      EXPECT_NEAR(e.start_s, 3.0, 0.15) << to_string(side) << " seed " << seed;
      EXPECT_TRUE(a.isolated_twitches().empty());
    }
  }
  // The same crossing alone stays an isolated twitch.
  Motion alone;
  alone.mouth_left = [](double t) { return pulse_train(t, 3.0, 3, 1, 0.025); };
  const TwitchAnalyser b = run(alone, 9.0, 1, 0.001);
  EXPECT_TRUE(b.episodes().empty());
  EXPECT_EQ(b.isolated_twitches().size(), 1u);
}

// A fast twitch train (10 Hz, 4% IOD) on one corner while talking, the other corner moving with the
// speech: an event holding two twitches, the other corner's movement about half its peak (over the 35%
// allowed a single twitch, under the 70% allowed a train): a twitch on its side, not speech.
TEST(TwitchAnalyser, ATrainOnOneCornerWhileTalkingIsATwitch) {
  Motion m;
  m.mouth_left = [](double t) { return pulse_train(t, 5.0, 10, 8, 0.04) + syllables(t, 3.0, 5.0, 0.012); };
  m.mouth_right = [](double t) { return syllables(t, 3.0, 5.0, 0.027); };
  m.mouth_opening = [](double t) { return syllables(t, 3.0, 5.0, 0.06); };
  const TwitchAnalyser a = run(m, 11.0);
  ASSERT_EQ(a.episodes().size(), 1u);
  EXPECT_EQ(a.episodes()[0].side, Laterality::Left);
  EXPECT_NEAR(a.episodes()[0].start_s, 5.0, 0.15);
  EXPECT_GE(a.episodes()[0].twitch_count, 2);
}

// Real faces (issue 15, session 12): an eyelid train none of whose pulses reaches the threshold, just
// after a blink. No event starts, so no rule about events can find it; the scan of each lid's signal
// for regular one-sided pulses (TwitchAnalyser::scan_sample) does. The same pulses on both lids, or
// irregular ones on one lid, are no train.
TEST(TwitchAnalyser, AnEyelidTrainUnderTheThresholdIsFound) {
  auto blink = [](double t) { return pulse_train(t, 3.0, 1, 1, 0.08); };
  for (unsigned seed : {1u, 2u, 3u}) {
    for (Side side : kSides) {
      // 3 Hz, six pulses of 0.8% IOD (the threshold is the 1.2% minimum amplitude here), 0.6 s after the blink began.
      const Motion m = one_lid_after_blink(side, blink, [](double t) { return pulse_train(t, 3.6, 3.0, 6, 0.008); });
      const TwitchAnalyser a = run(m, 9.0, seed, 0.001);
      EXPECT_EQ(a.blinks().size(), 1u) << to_string(side) << " seed " << seed;
      ASSERT_EQ(a.episodes().size(), 1u) << to_string(side) << " seed " << seed << ": " << a.isolated_twitches().size() << " isolated";
      const Episode& e = a.episodes()[0];
      EXPECT_EQ(e.region, Region::Eye);
      EXPECT_EQ(e.side, laterality(side));
      EXPECT_GE(e.twitch_count, 4) << to_string(side) << " seed " << seed;
      EXPECT_NEAR(e.frequency_hz, 3.0, 0.3) << to_string(side) << " seed " << seed;
      EXPECT_NEAR(e.start_s, 3.6, 0.2) << to_string(side) << " seed " << seed;
      EXPECT_NEAR(e.end_s, 3.6 + 5.0 / 3.0 + 0.2, 0.2) << to_string(side) << " seed " << seed;
    }
  }
  // Both lids pulsing together (a bilateral flutter under the threshold): no one-sided train.
  Motion both;
  both.eye_left = [blink](double t) { return blink(t) + pulse_train(t, 3.6, 3.0, 6, 0.008); };
  both.eye_right = [blink](double t) { return blink(t - 0.03) + pulse_train(t, 3.6, 3.0, 6, 0.008); };
  EXPECT_TRUE(run(both, 9.0, 1, 0.001).episodes().empty());
  // Irregular pulses on one lid (intervals of 0.15 and 0.45 s in turn, 0.3 s on average): none.
  Motion irregular;
  irregular.eye_left = [](double t) {
    double a = 0.0;
    for (double start : {3.6, 3.75, 4.2, 4.35, 4.8, 4.95}) a += pulse_train(t, start, 5.0, 1, 0.010);
    return a;
  };
  EXPECT_TRUE(run(irregular, 9.0, 1, 0.001).episodes().empty());
}

}  // namespace ft

namespace ft {

// Real faces (issue 15, session 13): a twitch train on one corner while talking. Both corners move with
// the jaw at each syllable (down and outward, across the pull) as much as the train pulls, so every event
// of the train is over the 70% the speech rule allows a train and is taken as speech; but only this
// corner pulses, regularly. The same train on both corners is no twitch.
TEST(TwitchAnalyser, ARegularTrainOnOneCornerInsideSpeechIsFound) {
  auto jaw = [](double t) { return syllables(t, 3.0, 5.0, 0.045); };
  auto train = [](double t) { return pulse_train(t, 5.0, 6.0, 8, 0.035); };
  for (unsigned seed : {1u, 2u, 3u}) {
    for (Side side : kSides) {
      Motion m;
      (side == Side::Left ? m.mouth_left : m.mouth_right) = train;
      m.mouth_left_jaw = jaw;
      m.mouth_right_jaw = jaw;
      m.mouth_opening = [](double t) { return syllables(t, 3.0, 5.0, 0.06); };
      const TwitchAnalyser a = run(m, 11.0, seed);
      ASSERT_EQ(a.episodes().size(), 1u) << to_string(side) << " seed " << seed << describe(a);
      const Episode& e = a.episodes()[0];
      EXPECT_EQ(e.region, Region::Mouth);
      EXPECT_EQ(e.side, laterality(side));
      EXPECT_GE(e.twitch_count, 6) << to_string(side) << " seed " << seed << describe(a);
      EXPECT_NEAR(e.frequency_hz, 6.0, 0.5) << to_string(side) << " seed " << seed << describe(a);
      EXPECT_NEAR(e.start_s, 5.0, 0.25) << to_string(side) << " seed " << seed << describe(a);
      EXPECT_NEAR(e.end_s, 5.0 + 7.0 / 6.0 + 0.1, 0.25) << to_string(side) << " seed " << seed << describe(a);
      EXPECT_FALSE(a.voluntary_movements().empty());
    }
  }
  Motion both;
  both.mouth_left = train;
  both.mouth_right = train;
  both.mouth_left_jaw = jaw;
  both.mouth_right_jaw = jaw;
  both.mouth_opening = [](double t) { return syllables(t, 3.0, 5.0, 0.06); };
  const TwitchAnalyser b = run(both, 11.0);
  EXPECT_TRUE(b.episodes().empty()) << describe(b);
}

// The same over a long talk (70 s, more than the 60 s of signal history kept; both corners move with
// the first syllables, which starts the speech movement, and the jaw moves the corners more than the
// train, so no event of the train escapes speech): a train early in it is found while the talk goes on
// (searched once the talk ends, its samples would be gone). A cost written down: over these 70 s one
// run of 5 chance peaks (2.3 Hz, 1.1% IOD, 45 s) is reported too; 6 pulses instead of 5 drop it but
// lost 4 trains of the real corpus for 2 false episodes fewer (docs/METRICS.md, "Session 13").
TEST(TwitchAnalyser, ATrainEarlyInALongTalkIsFound) {
  Motion m;
  auto jaw = [](double t) { return syllables(t, 3.0, 70.0, 0.07); };
  auto first = [](double t) { return syllables(t, 3.0, 3.0, 0.03); };
  m.mouth_left = [first](double t) { return first(t) + pulse_train(t, 8.0, 6.0, 8, 0.035); };
  m.mouth_right = first;
  m.mouth_left_jaw = jaw;
  m.mouth_right_jaw = jaw;
  m.mouth_opening = [](double t) { return syllables(t, 3.0, 70.0, 0.06); };
  const TwitchAnalyser a = run(m, 75.0);
  ASSERT_FALSE(a.episodes().empty()) << describe(a);
  EXPECT_LE(a.episodes().size(), 2u) << describe(a);
  const Episode& e = a.episodes()[0];
  EXPECT_EQ(e.side, Laterality::Left) << describe(a);
  EXPECT_NEAR(e.start_s, 8.0, 0.25) << describe(a);
  EXPECT_NEAR(e.frequency_hz, 6.0, 0.5) << describe(a);
  EXPECT_GE(e.twitch_count, 6) << describe(a);
  for (std::size_t i = 1; i < a.episodes().size(); ++i) EXPECT_GT(a.episodes()[i].start_s, 30.0) << describe(a);
  ASSERT_EQ(a.voluntary_movements().size(), 1u) << describe(a);
  EXPECT_LT(a.voluntary_movements()[0].start_s, 4.0) << describe(a);
}

}  // namespace ft

namespace ft {

// Real faces (issue 15, session 14): an eyelid train that begins as a blink ends. A blink takes the eye
// events that start while the lids settle (a one-sided closure of under a quarter of the blink's), and
// the eyelid scan stops at an event, so such a train was lost: 31 of the injected eye trains of the real
// corpus. Each lid's signal around a blink is searched for a regular one-sided train.
TEST(TwitchAnalyser, AnEyelidTrainStartingAsABlinkEndsIsFound) {
  // A real blink's lids reopen with a slow tail (the last 1-2% IOD over about a second).
  auto blink = [](double t) { return pulse_train(t, 3.0, 1, 1, 0.08) + 0.015 * smoothstep((t - 3.0) / 0.1) * std::exp(-std::max(0.0, t - 3.1) / 0.6); };
  for (unsigned seed : {1u, 2u, 3u}) {
    for (Side side : kSides) {
      // 4 Hz, five pulses of 1.5% IOD (over the 1% threshold, under a quarter of the blink's 8%: the
      // blink takes their events), from 0.45 s after the blink began (it lasts 0.2 s, then its tail).
      const Motion m = one_lid_after_blink(side, blink, [](double t) { return pulse_train(t, 3.45, 4.0, 5, 0.015); });
      const TwitchAnalyser a = run(m, 9.0, seed, 0.001);
      const std::string what = std::string(to_string(side)) + " seed " + std::to_string(seed) + ":" + describe(a);
      EXPECT_EQ(a.blinks().size(), 1u) << what;
      ASSERT_EQ(a.episodes().size(), 1u) << what;
      const Episode& e = a.episodes()[0];
      EXPECT_EQ(e.region, Region::Eye) << what;
      EXPECT_EQ(e.side, laterality(side)) << what;
      EXPECT_GE(e.twitch_count, 5) << what;
      EXPECT_NEAR(e.frequency_hz, 4.0, 0.4) << what;
      EXPECT_NEAR(e.start_s, 3.45, 0.2) << what;
      EXPECT_LT(e.peak_amplitude_iod, 0.025) << what;  // the pulses, not the blink
    }
  }
  // Both lids pulsing so after the blink: no one-sided train.
  Motion both;
  both.eye_left = [blink](double t) { return blink(t) + pulse_train(t, 3.45, 4.0, 6, 0.015); };
  both.eye_right = [blink](double t) { return blink(t - 0.03) + pulse_train(t, 3.48, 4.0, 6, 0.015); };
  const TwitchAnalyser a = run(both, 9.0, 1, 0.001);
  EXPECT_TRUE(a.episodes().empty()) << describe(a);
}

}  // namespace ft

namespace ft {

// Real faces (issue 15, session 15): a train on one mouth corner at rest none of whose pulses reaches
// the threshold. No event starts, and the mouth has no eyelid scan (its lower pulses at 0.35 of the
// threshold made trains of a real face's expressions); the search over the whole recording for six
// regular one-sided pulses at half the threshold finds it. The same pulses on both corners, or irregular
// ones on one corner, are no train.
TEST(TwitchAnalyser, AMouthTrainUnderTheThresholdIsFound) {
  for (unsigned seed : {1u, 2u, 3u}) {
    for (Side side : kSides) {
      // 3 Hz, seven pulses of 1.1% IOD (the threshold is the 1.2% minimum amplitude here; the 0.4-s resting
      // baseline rides up on such pulses and lowers them by a fifth).
      Motion m;
      (side == Side::Left ? m.mouth_left : m.mouth_right) = [](double t) { return pulse_train(t, 4.0, 3.0, 7, 0.011); };
      const TwitchAnalyser a = run(m, 10.0, seed, 0.001);
      const std::string what = std::string(to_string(side)) + " seed " + std::to_string(seed) + ":" + describe(a);
      ASSERT_EQ(a.episodes().size(), 1u) << what;
      const Episode& e = a.episodes()[0];
      EXPECT_EQ(e.region, Region::Mouth) << what;
      EXPECT_EQ(e.side, laterality(side)) << what;
      EXPECT_GE(e.twitch_count, 6) << what;
      EXPECT_NEAR(e.frequency_hz, 3.0, 0.3) << what;
      EXPECT_NEAR(e.start_s, 4.0, 0.2) << what;
      EXPECT_NEAR(e.end_s, 4.0 + 2.0 + 0.1, 0.2) << what;
      EXPECT_TRUE(a.isolated_twitches().empty()) << what;
    }
  }
  Motion both;
  both.mouth_left = [](double t) { return pulse_train(t, 4.0, 3.0, 7, 0.011); };
  both.mouth_right = both.mouth_left;
  const TwitchAnalyser b = run(both, 10.0, 1, 0.001);
  EXPECT_TRUE(b.episodes().empty()) << describe(b);
  // Intervals of 0.15 and 0.35 s in turn (0.25 s on average), 0.2-s pulses: not a train.
  Motion irregular;
  irregular.mouth_left = [](double t) {
    double a = 0.0;
    for (double start : {4.0, 4.15, 4.5, 4.65, 5.0, 5.15, 5.5}) a += pulse_train(t, start, 5.0, 1, 0.011);
    return a;
  };
  const TwitchAnalyser c = run(irregular, 10.0, 1, 0.001);
  EXPECT_TRUE(c.episodes().empty()) << describe(c);
}

}  // namespace ft

namespace ft {

// Real faces (issue 15, session 15): twitches that come slower than a train (here 0.65 s apart, 1.5 Hz:
// within the 0.75 s that joins twitches, but clonic trains run at 2-15 Hz) are isolated twitches in a
// row, each with its own time and peak, not an episode: on real resting faces such pairs and triplets
// were 5 of the 14 false episodes of the clean clips. The same twitches at 2.5 Hz are a train.
TEST(TwitchAnalyser, TwitchesSlowerThanATrainAreIsolatedTwitches) {
  for (Side side : kSides) {
    Motion m;
    (side == Side::Left ? m.mouth_left : m.mouth_right) = [](double t) { return pulse_train(t, 3.0, 1.0 / 0.65, 2, 0.04) + pulse_train(t, 3.65, 1.0, 1, 0.02); };
    const TwitchAnalyser a = run(m, 8.0);
    const std::string what = std::string(to_string(side)) + ":" + describe(a);
    EXPECT_TRUE(a.episodes().empty()) << what;
    ASSERT_EQ(a.isolated_twitches().size(), 2u) << what;
    for (std::size_t i = 0; i < 2; ++i) {
      const IsolatedTwitch& x = a.isolated_twitches()[i];
      EXPECT_EQ(x.side, laterality(side)) << what;
      EXPECT_NEAR(x.time_s, 3.1 + 0.65 * static_cast<double>(i), 0.05) << what;
      EXPECT_LT(x.end_s, i == 0 ? 3.65 : 4.2) << what;
    }
    // Each its own peak: the second twitch's is that of its 4% + 2% pulse, the first's of its 4% one.
    EXPECT_GT(a.isolated_twitches()[1].peak_amplitude_iod, 1.2 * a.isolated_twitches()[0].peak_amplitude_iod) << what;
  }
  Motion train;
  train.mouth_left = [](double t) { return pulse_train(t, 3.0, 2.5, 3, 0.04); };
  const TwitchAnalyser b = run(train, 8.0);
  ASSERT_EQ(b.episodes().size(), 1u) << describe(b);
  EXPECT_EQ(b.episodes()[0].twitch_count, 3) << describe(b);
}

}  // namespace ft

namespace ft {

// Real faces (issue 15, session 16): a resting face's corners wander slowly (gaze, expression,
// breathing), and the 0.4-s baseline lags behind them, so the pull component alone made a noise floor
// of the wander, which a 3% twitch train's pulses crossed only in part (with that floor, here: 3-5 of
// the 6 twitches, a peak of 2.3-2.8%). The noise floor now also takes the component's frame-to-frame
// jitter (kJitterShare in event_detector.cpp), which the wander hardly has and a twitch's rise does.
// Wander alone is still no twitch. The other corner wanders too, on its way down while the train
// runs (a corner rising fast at the same moment would make the pair a bilateral movement: the
// pairing's question, not the floor's).
double wander(double t, double phase) {
  return 0.010 * std::sin(2 * M_PI * 0.4 * t + phase) + 0.006 * std::sin(2 * M_PI * 0.9 * t + 2 * phase);
}

TEST(TwitchAnalyser, ATrainIsFoundOnACornerThatWanders) {
  const PerSide<double> phase{0.0, 5.0};  // left, right
  auto at_rest = [&phase] {
    Motion m;
    m.mouth_left = [&phase](double t) { return wander(t, phase.left); };
    m.mouth_right = [&phase](double t) { return wander(t, phase.right); };
    return m;
  };
  for (unsigned seed : {1u, 2u, 3u}) {
    const TwitchAnalyser rest = run(at_rest(), 16.0, seed);
    EXPECT_TRUE(rest.episodes().empty()) << "seed " << seed << " at rest:" << describe(rest);
    for (Side side : kSides) {
      Motion m = at_rest();
      const double p = phase[side];
      (side == Side::Left ? m.mouth_left : m.mouth_right) = [p](double t) { return wander(t, p) + pulse_train(t, 11.0, 6.0, 6, 0.03); };
      const TwitchAnalyser a = run(m, 16.0, seed);
      const std::string what = std::string(to_string(side)) + " seed " + std::to_string(seed) + ":" + describe(a);
      ASSERT_EQ(a.episodes().size(), 1u) << what;
      const Episode& e = a.episodes()[0];
      EXPECT_EQ(e.region, Region::Mouth) << what;
      EXPECT_EQ(e.side, laterality(side)) << what;
      EXPECT_NEAR(e.start_s, 11.0, 0.2) << what;
      EXPECT_NEAR(e.frequency_hz, 6.0, 0.6) << what;
      EXPECT_GE(e.twitch_count, 6) << what;
      EXPECT_GT(e.peak_amplitude_iod, 0.03) << what;
    }
  }
}

}  // namespace ft
