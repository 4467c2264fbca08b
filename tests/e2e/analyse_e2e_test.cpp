// analyse_e2e_test.cpp: the real `facetwitch analyse` on ground-truth videos generated from the astronaut
// portrait: every injected episode is found on the correct side with its frequency within 0.5 Hz,
// nothing is found where only blinks, smiles, head motion, lighting drift and noise happen, sides survive
// a mirrored video, a drooping corner shows in the asymmetry, the resting asymmetry is one value in the
// terminal, summary.json and the report, and the output is deterministic.
#include <algorithm>
#include <cmath>
#include <cstdio>
#include <fstream>
#include <sstream>
#include <vector>

#include <fmt/format.h>
#include <gtest/gtest.h>
#include <nlohmann/json.hpp>
#include <opencv2/core.hpp>

#include "io/session.hpp"
#include "signal/running_stats.hpp"
#include "support/test_videos.hpp"
#include "synth/evaluation.hpp"

namespace ft {
namespace {

// Webcam-like framing: 640x480 with the face scaled so the IOD is about 95 px.
Scenario base_scenario(double duration_s, std::uint64_t seed) { return webcam_scenario(duration_s, seed, 2.2); }

BlinkSpec blink(double start) {
  BlinkSpec b;
  b.start_s = start;
  return b;
}

std::string slurp(const std::filesystem::path& p) {
  std::ifstream in(p, std::ios::binary);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

struct Analysed {
  testing::CommandResult cmd;
  SessionSummary summary;
  std::filesystem::path out;
};

Analysed analyse(const std::filesystem::path& video_dir, const std::string& name, std::vector<std::string> extra = {}) {
  Analysed a;
  a.out = testing::fresh_dir(name);
  std::vector<std::string> args{"analyse", (video_dir / "video.mp4").string(), "--out", a.out.string(), "--quiet"};
  args.insert(args.end(), extra.begin(), extra.end());
  a.cmd = testing::run_facetwitch(args);
  EXPECT_EQ(a.cmd.exit_code, 0) << a.cmd.err;
  auto s = read_summary_json(a.out / "summary.json");
  EXPECT_TRUE(s.ok()) << (s.ok() ? "" : s.error().message);
  if (s) a.summary = s.value();
  return a;
}

struct Case {
  std::string name;
  Scenario scenario;
};

std::vector<Case> twitch_cases() {
  std::vector<Case> cases;
  {
    Scenario s = base_scenario(13.0, 101);
    s.twitches = {twitch_spec(Region::Mouth, Side::Left, 2.5, 1.5, 6.0, 0.03), twitch_spec(Region::Eye, Side::Right, 6.0, 2.0, 4.0, 0.03)};
    s.blinks = {blink(10.0)};
    cases.push_back({"e2e_a", s});
  }
  {
    Scenario s = base_scenario(11.0, 202);
    s.twitches = {twitch_spec(Region::Mouth, Side::Right, 2.5, 2.4, 2.5, 0.04), twitch_spec(Region::Eye, Side::Left, 7.0, 1.2, 9.0, 0.03)};
    cases.push_back({"e2e_b", s});
  }
  {
    Scenario s = base_scenario(12.0, 303);
    s.twitches = {twitch_spec(Region::Mouth, Side::Left, 3.0, 1.0, 11.0, 0.03), twitch_spec(Region::Mouth, Side::Right, 6.5, 1.5, 4.0, 0.025)};
    s.blinks = {blink(9.5)};
    cases.push_back({"e2e_c", s});
  }
  return cases;
}

}  // namespace

TEST(AnalyseE2E, FindsEveryInjectedEpisodeOnTheCorrectSideWithItsFrequency) {
  for (const auto& c : twitch_cases()) {
    std::string why;
    auto dir = testing::ensure_video(c.name, c.scenario, &why);
    if (!dir) GTEST_SKIP() << why;
    const Analysed a = analyse(*dir, c.name);
    auto truth = read_truth(*dir / "truth.json");
    ASSERT_TRUE(truth.ok());
    const Evaluation ev = evaluate_episodes(truth.value(), a.summary.episodes);
    const std::string table = format_evaluation(truth.value(), a.summary.episodes, ev);
    EXPECT_EQ(ev.detected(), static_cast<int>(truth->episodes.size())) << c.name << "\n" << table;
    EXPECT_EQ(ev.sides_correct(), static_cast<int>(truth->episodes.size())) << c.name << "\n" << table;
    EXPECT_TRUE(ev.false_found.empty()) << c.name << "\n" << table;
    for (const auto& m : ev.matches) {
      if (!m.found_index) continue;
      EXPECT_LE(std::abs(m.frequency_error_hz), 0.5) << c.name << "\n" << table;
      EXPECT_LE(std::abs(m.onset_error_s), 0.15) << c.name << "\n" << table;
    }
    EXPECT_EQ(a.summary.blinks.size(), truth->blinks.size()) << c.name;
    EXPECT_EQ(a.summary.frames, truth->frames);
    EXPECT_EQ(a.summary.frames_with_face, truth->frames);
    EXPECT_NEAR(a.summary.fps, 30.0, 0.01);
  }
}

TEST(AnalyseE2E, BlinksSmilesHeadMotionAndNoiseAreNotTwitches) {
  Scenario s = base_scenario(20.0, 404);
  s.head_motion.translate_px = 4.0;
  s.head_motion.rotate_deg = 2.0;
  s.head_motion.scale = 0.02;
  s.lighting_drift = 0.06;
  s.blinks = {blink(3.0), blink(8.5), blink(15.0)};
  SmileSpec smile1;
  smile1.start_s = 5.0;
  smile1.duration_s = 2.0;
  smile1.amplitude_iod = 0.05;
  SmileSpec smile2 = smile1;
  smile2.start_s = 11.0;
  smile2.amplitude_iod = 0.07;
  s.smiles = {smile1, smile2};
  std::string why;
  auto dir = testing::ensure_video("e2e_none", s, &why);
  if (!dir) GTEST_SKIP() << why;
  const Analysed a = analyse(*dir, "e2e_none");
  std::string found;
  for (const auto& e : a.summary.episodes) found += std::string(to_string(e.side)) + " " + std::string(to_string(e.region)) + " at " + std::to_string(e.start_s) + "\n";
  EXPECT_TRUE(a.summary.episodes.empty()) << found;
  EXPECT_EQ(a.summary.blinks.size(), 3u);
  EXPECT_EQ(a.summary.voluntary_movements.size(), 2u);
}

TEST(AnalyseE2E, SidesAreThePersonsInAMirroredVideo) {
  // The same person (left mouth-corner twitch), filmed by a selfie camera that saved a mirror image.
  Scenario s = base_scenario(8.0, 505);
  s.twitches = {twitch_spec(Region::Mouth, Side::Left, 3.0, 1.5, 5.0, 0.035)};
  s.mirrored = true;
  std::string why;
  auto dir = testing::ensure_video("e2e_mirrored", s, &why);
  if (!dir) GTEST_SKIP() << why;
  // Told the video is mirrored, facetwitch flips it back and reports the person's left.
  const Analysed told = analyse(*dir, "e2e_mirrored_told", {"--mirrored-input"});
  ASSERT_EQ(told.summary.episodes.size(), 1u);
  EXPECT_EQ(told.summary.episodes[0].side, Laterality::Left);
  // Not told, the mirror image looks exactly like a person whose RIGHT corner twitches.
  const Analysed naive = analyse(*dir, "e2e_mirrored_naive");
  ASSERT_EQ(naive.summary.episodes.size(), 1u);
  EXPECT_EQ(naive.summary.episodes[0].side, Laterality::Right);
  // And the landmarks in frames.csv are those of the flipped-back picture: the person's left mouth corner
  // (landmark 54) is on the image's right.
  auto rows = read_frames_csv(told.out / "frames.csv");
  ASSERT_TRUE(rows.ok());
  ASSERT_FALSE(rows->rows.empty());
  const auto& lm = rows->rows[0].metrics.landmarks_px;
  EXPECT_GT(lm[54].x, lm[48].x);
}

// One truth for the resting mouth-corner asymmetry: on a video with a left mouth-corner twitch episode,
// an eyelid episode and a blink (so every-frame and resting medians differ), the terminal line of
// `analyse`, summary.json (top-level and regions) and `report`'s report.json and report.html carry the
// same value, and it is the resting one recomputed here from frames.csv.
TEST(AnalyseE2E, RestingCornerAsymmetryIsOneValueInTerminalSummaryAndReport) {
  const Case c = twitch_cases()[0];  // e2e_a
  std::string why;
  auto dir = testing::ensure_video(c.name, c.scenario, &why);
  if (!dir) GTEST_SKIP() << why;
  const std::filesystem::path out = testing::fresh_dir("e2e_one_truth");
  const auto cmd = testing::run_facetwitch({"analyse", (*dir / "video.mp4").string(), "--out", out.string()});
  ASSERT_EQ(cmd.exit_code, 0) << cmd.err;
  const auto rep = testing::run_facetwitch({"report", out.string(), "--no-face-images"});
  ASSERT_EQ(rep.exit_code, 0) << rep.err;

  const nlohmann::json summary = nlohmann::json::parse(slurp(out / "summary.json"));
  const nlohmann::json report = nlohmann::json::parse(slurp(out / "report.json"));
  const nlohmann::json& sa = summary["asymmetry"];
  const double top = sa["mouth_corner_height_iod"].get<double>();
  const double region = sa["regions"]["mouth_corner_height"]["diff"].get<double>();
  EXPECT_DOUBLE_EQ(top, region);
  EXPECT_DOUBLE_EQ(sa["mouth_corner_height_mm"].get<double>(),
                   sa["regions"]["mouth_corner_height"]["diff_mm"].get<double>());
  EXPECT_EQ(sa["frames_used"], sa["rest_frames"]);
  double in_report = kNaN;
  for (const auto& r : report["resting_asymmetry"]["regions"]) {
    if (r["key"] == "mouth_corner_height") {
      in_report = r["diff"].get<double>();
      EXPECT_DOUBLE_EQ(r["diff_mm"].get<double>(), sa["regions"]["mouth_corner_height"]["diff_mm"].get<double>());
    }
  }
  EXPECT_DOUBLE_EQ(in_report, top);
  EXPECT_DOUBLE_EQ(report["resting_asymmetry"]["index_iod"].get<double>(), sa["index"].get<double>());

  // The terminal and report.html say it in the same words, with the same digits.
  const std::string text = describe_corner_height_diff(top);
  EXPECT_NE(cmd.out.find(fmt::format("asymmetry at rest ({} frames): mouth-corner height, left - right {}",
                                     sa["rest_frames"].get<long>(), text)),
            std::string::npos)
      << cmd.out << "\nexpected: " << text;
  EXPECT_NE(cmd.out.find(fmt::format("mirror index {:.2f}% IOD", 100.0 * sa["index"].get<double>())), std::string::npos)
      << cmd.out;
  const std::string html = slurp(out / "report.html");
  std::string text_html = text;  // the page escapes the apostrophe
  text_html.replace(text_html.find('\''), 1, "&#39;");
  EXPECT_NE(html.find(text_html), std::string::npos) << text_html;

  // It is the resting value: recomputed from frames.csv over the measurable frames outside every
  // detected event (no signal active, not inside an episode, blink or voluntary movement).
  auto rows = read_frames_csv(out / "frames.csv");
  ASSERT_TRUE(rows.ok());
  auto sum = read_summary_json(out / "summary.json");
  ASSERT_TRUE(sum.ok());
  const auto inside = [](const auto& events, double t) {
    return std::any_of(events.begin(), events.end(), [t](const auto& e) { return t >= e.start_s && t <= e.end_s; });
  };
  std::vector<double> left, right, every;
  for (const FrameRecord& f : rows->rows) {
    const FaceMetrics& m = f.metrics;
    if (!m.face_found || m.quality != kQualityOk) continue;
    every.push_back(m.mouth_corner_height_diff_iod);
    const bool active = f.signals.mouth.left.active || f.signals.mouth.right.active || f.signals.eye.left.active ||
                        f.signals.eye.right.active;
    if (active || inside(sum->episodes, m.t) || inside(sum->blinks, m.t) || inside(sum->voluntary_movements, m.t))
      continue;
    const PerSide<double> v = side_values(m, AsymmetryMeasure::MouthCornerHeight);
    left.push_back(v.left);
    right.push_back(v.right);
  }
  ASSERT_FALSE(sum->episodes.empty());
  EXPECT_EQ(static_cast<long>(left.size()), sa["rest_frames"].get<long>());
  EXPECT_NEAR(top, median_of(left) - median_of(right), 2e-5);
  std::printf("resting mouth-corner height L-R %s over %zu frames (every measurable frame: %+.2f%% IOD over %zu); "
              "terminal: %s\n",
              text.c_str(), left.size(), 100.0 * median_of(every), every.size(),
              cmd.out.substr(cmd.out.find("asymmetry at rest")).c_str());
}

TEST(AnalyseE2E, ADroopingCornerShowsInTheAsymmetry) {
  Scenario level = base_scenario(5.0, 606);
  Scenario droop = level;
  DroopSpec d;
  d.side = Side::Left;
  d.amplitude_iod = 0.04;
  droop.droop = d;
  std::string why;
  auto dir_level = testing::ensure_video("e2e_level", level, &why);
  if (!dir_level) GTEST_SKIP() << why;
  auto dir_droop = testing::ensure_video("e2e_droop", droop, &why);
  ASSERT_TRUE(dir_droop);
  const Analysed a = analyse(*dir_level, "e2e_level");
  const Analysed b = analyse(*dir_droop, "e2e_droop");
  const double change = b.summary.asymmetry.mouth_corner_height_iod() - a.summary.asymmetry.mouth_corner_height_iod();
  // The person's left corner 4% IOD lower: the signed height difference (left - right) drops by about that.
  // dlib's landmarks read 60-65% of a static droop (measured on the synth videos).
  EXPECT_LT(change, -0.02);
  EXPECT_GT(change, -0.055);
  EXPECT_TRUE(b.summary.episodes.empty());

  // The regional table: the person's left corner is the weaker (lower) one, the signed difference is
  // negative, and the change from the level face is again 60-140% of the 4% IOD droop.
  const auto h = static_cast<std::size_t>(AsymmetryMeasure::MouthCornerHeight);
  const RegionalAsymmetry& level_h = a.summary.asymmetry.resting[h];
  const RegionalAsymmetry& droop_h = b.summary.asymmetry.resting[h];
  EXPECT_EQ(b.summary.asymmetry.rest_basis, "outside_twitches");
  EXPECT_GT(b.summary.asymmetry.rest_frames, 100);
  ASSERT_TRUE(droop_h.has_weaker);
  EXPECT_EQ(droop_h.weaker, Side::Left);
  EXPECT_LT(droop_h.diff, 0.0);
  const double regional_change = droop_h.diff - level_h.diff;
  EXPECT_LT(regional_change, -0.02);
  EXPECT_GT(regional_change, -0.055);
  EXPECT_NEAR(droop_h.diff_mm, droop_h.diff * kAssumedIodMm, 1e-3);
  // Lowering the left corner lowers its smile angle relative to the right one (by 2.7 deg when
  // measured; the portrait's own smile angles differ by 3.7 deg, so the weaker side by that measure
  // stays the right one here).
  const auto sa = static_cast<std::size_t>(AsymmetryMeasure::SmileAngle);
  EXPECT_LT(b.summary.asymmetry.resting[sa].diff, a.summary.asymmetry.resting[sa].diff - 1.0);
  std::ostringstream table;
  for (const Analysed* x : {&a, &b}) {
    for (const RegionalAsymmetry& r : x->summary.asymmetry.resting) {
      table << measure_info(r.measure).key << " L " << r.left << " R " << r.right << " diff " << r.diff << " mm "
            << r.diff_mm << " % " << r.percent << " weaker " << (r.has_weaker ? to_string(r.weaker) : "-") << " "
            << to_string(r.verdict) << "\n";
    }
  }
  std::printf("%s", table.str().c_str());
}

TEST(AnalyseE2E, APersonalBaselineGivesRestingAsymmetryAndTheSmallestDetectableTwitch) {
  // A mouth-corner twitch episode after a 4-s neutral start.
  Scenario s = base_scenario(9.0, 707);
  s.twitches = {twitch_spec(Region::Mouth, Side::Left, 5.0, 1.5, 5.0, 0.035)};
  std::string why;
  auto dir = testing::ensure_video("e2e_baseline", s, &why);
  if (!dir) GTEST_SKIP() << why;
  const Analysed a = analyse(*dir, "e2e_baseline", {"--baseline-s", "4"});
  const AsymmetrySummary& as = a.summary.asymmetry;
  EXPECT_EQ(as.baseline_requested_s, 4.0);
  EXPECT_EQ(as.rest_basis, "baseline");
  EXPECT_NEAR(as.rest_start_s, 0.0, 1e-9);
  EXPECT_LT(as.rest_end_s, 4.0);
  EXPECT_GT(as.rest_end_s, 3.9);
  EXPECT_EQ(as.rest_frames, 120);  // 4 s at 30 fps, every frame measurable
  for (const RegionalAsymmetry& r : as.resting) EXPECT_TRUE(std::isfinite(r.diff)) << measure_info(r.measure).key;
  for (Region reg : kRegions) {
    for (Side side : kSides) {
      const StreamDetectability& d = as.detect(reg)[side];
      // The threshold exists after the 1-s warm-up: about 3 s of samples; it is never below the
      // minimum amplitude setting, and the noise floor is below it.
      EXPECT_GT(d.samples, 100);
      const double floor = reg == Region::Mouth ? a.summary.settings.min_amplitude_iod : a.summary.settings.eye_min_amplitude_iod;
      EXPECT_GE(d.smallest_twitch_iod, floor - 1e-9);
      EXPECT_LT(d.smallest_twitch_iod, 0.05);
      EXPECT_GT(d.noise_sigma_iod, 0.0);
      EXPECT_LT(d.noise_sigma_iod, d.smallest_twitch_iod);
    }
  }
  // The twitch itself is outside the baseline and still found.
  ASSERT_EQ(a.summary.episodes.size(), 1u);
  EXPECT_EQ(a.summary.episodes[0].side, Laterality::Left);
  // Over time: 10-s blocks, here one.
  ASSERT_EQ(as.over_time.size(), 1u);
  EXPECT_EQ(as.over_time[0].frames, 270);
}

TEST(AnalyseE2E, BadBaselineValuesAreRefusedWithExitCode2) {
  for (const char* bad : {"0", "1", "-3", "nan", "inf", "abc", "700", "4s"}) {
    const auto r = testing::run_facetwitch({"analyse", "x.mp4", "--out", testing::fresh_dir("e2e_bad_baseline").string(), "--baseline-s", bad});
    EXPECT_EQ(r.exit_code, 2) << bad;
    EXPECT_NE(r.err.find("--baseline-s must be a number of seconds from 2 to 600"), std::string::npos) << bad << ": " << r.err;
  }
}

TEST(AnalyseE2E, TheSameFileAnalysedTwiceGivesIdenticalOutput) {
  const auto c = twitch_cases()[0];
  std::string why;
  auto dir = testing::ensure_video(c.name, c.scenario, &why);
  if (!dir) GTEST_SKIP() << why;
  const Analysed a = analyse(*dir, "e2e_det1");
  const Analysed b = analyse(*dir, "e2e_det2");
  EXPECT_EQ(slurp(a.out / "frames.csv"), slurp(b.out / "frames.csv"));
  EXPECT_EQ(slurp(a.out / "episodes.csv"), slurp(b.out / "episodes.csv"));
  EXPECT_FALSE(slurp(a.out / "frames.csv").empty());
}

}  // namespace ft

namespace ft {

// Twitch types, co-contraction and the brow-lift sign on real generated videos: a tonic spasm of the
// left mouth corner (2.5 s), then hemifacial-spasm-like twitching of the right eye and mouth together
// with the right brow rising as the eye closes, then a clonic left eyelid flutter alone.
TEST(AnalyseE2E, TonicSpasmCoContractionAndBrowLiftAreNamed) {
  Scenario s = base_scenario(16.0, 505);
  TwitchEpisodeSpec eye = twitch_spec(Region::Eye, Side::Right, 7.0, 2.0, 5.0, 0.04);
  eye.brow_lift_iod = 0.03;
  s.twitches = {tonic_spec(Region::Mouth, Side::Left, 2.5, 2.5, 0.035),
                twitch_spec(Region::Mouth, Side::Right, 7.0, 2.0, 5.0, 0.04), eye,
                twitch_spec(Region::Eye, Side::Left, 12.0, 0.8, 6.0, 0.035)};
  std::string why;
  auto dir = testing::ensure_video("e2e_types", s, &why);
  if (!dir) GTEST_SKIP() << why;
  const Analysed a = analyse(*dir, "e2e_types");
  auto truth = read_truth(*dir / "truth.json");
  ASSERT_TRUE(truth.ok());
  const Evaluation ev = evaluate_episodes(truth.value(), a.summary.episodes);
  const std::string table = format_evaluation(truth.value(), a.summary.episodes, ev);
  ASSERT_EQ(ev.detected(), 4) << table;
  ASSERT_EQ(ev.sides_correct(), 4) << table;
  EXPECT_TRUE(ev.false_found.empty()) << table;
  for (const auto& m : ev.matches) {
    const TruthEpisode& te = truth->episodes[m.truth_index];
    const Episode& fe = a.summary.episodes[*m.found_index];
    const std::string what = std::string(to_string(te.side)) + " " + std::string(to_string(te.region)) + " at " +
                             std::to_string(te.start_s) + "\n" + table;
    if (te.tonic) {
      EXPECT_EQ(fe.pattern, EpisodePattern::Tonic) << what;
      EXPECT_EQ(episode_type_name(fe.region, fe.pattern), "tonic") << what;
      EXPECT_NEAR(fe.longest_contraction_s, 2.5, 0.4) << what;
      EXPECT_NEAR(fe.duration_s(), 2.5, 0.4) << what;
    } else {
      EXPECT_EQ(fe.pattern, EpisodePattern::Clonic) << what;
      EXPECT_LT(fe.median_contraction_s, kClonicMaxS) << what;
    }
    const bool hfs = te.side == Side::Right;  // the right eye and mouth twitch together
    EXPECT_EQ(fe.co_contraction, hfs) << what;
    if (te.region == Region::Eye) {
      EXPECT_EQ(fe.brow_lift, hfs) << what << " brow change " << fe.brow_change_iod;
    }
  }
  // The same in episodes.csv, read back.
  auto csv = read_episodes_csv(a.out / "episodes.csv");
  ASSERT_TRUE(csv.ok());
  ASSERT_EQ(csv->size(), a.summary.episodes.size());
  int co = 0, brow = 0, tonic = 0;
  for (const Episode& e : csv.value()) {
    co += e.co_contraction;
    brow += e.brow_lift;
    tonic += e.pattern == EpisodePattern::Tonic;
  }
  EXPECT_EQ(co, 2);
  EXPECT_EQ(brow, 1);
  EXPECT_EQ(tonic, 1);
  // Time in spasm of the left mouth: the 2.5-s spasm in a 16-s video, about 16%.
  const auto json = nlohmann::json::parse(slurp(a.out / "summary.json"));
  EXPECT_NEAR(json["counts"]["mouth"]["left"]["time_in_spasm_pct"].get<double>(), 100.0 * 2.5 / 16.0, 3.0);
  EXPECT_EQ(json["counts"]["mouth"]["left"]["episodes_by_pattern"]["tonic"].get<int>(), 1);
  EXPECT_EQ(json["counts"]["eye"]["right"]["brow_lift_episodes"].get<int>(), 1);
  // The table on the terminal names each episode's type in its own column.
  EXPECT_NE(a.cmd.out.find(" type "), std::string::npos) << a.cmd.out;
  for (const Episode& e : a.summary.episodes) {
    const std::string row_part = fmt::format("{:<9} {:<6} {:<12} {:>8}", to_string(e.side), to_string(e.region),
                                             episode_type_name(e.region, e.pattern), e.twitch_count);
    EXPECT_NE(a.cmd.out.find(row_part), std::string::npos) << row_part << "\n" << a.cmd.out;
  }
}

// Talking (syllables opening the mouth and moving both corners) is voluntary, not twitching; a
// one-sided mouth twitch episode 1.5 s after it is still found on its side.
TEST(AnalyseE2E, TalkingIsNotATwitchAndATwitchAfterItIsFound) {
  Scenario s = base_scenario(13.0, 606);
  s.head_motion.translate_px = 3.0;
  s.talks = {talk_spec(2.5, 6.0, 4.5, 0.07, 0.02, 0.2, 606)};
  s.twitches = {twitch_spec(Region::Mouth, Side::Left, 10.0, 1.0, 5.0, 0.04)};
  std::string why;
  auto dir = testing::ensure_video("e2e_talk", s, &why);
  if (!dir) GTEST_SKIP() << why;
  const Analysed a = analyse(*dir, "e2e_talk");
  auto truth = read_truth(*dir / "truth.json");
  ASSERT_TRUE(truth.ok());
  ASSERT_EQ(truth->talks.size(), 1u);
  const Evaluation ev = evaluate_episodes(truth.value(), a.summary.episodes);
  const std::string table = format_evaluation(truth.value(), a.summary.episodes, ev);
  EXPECT_EQ(ev.detected(), 1) << table;
  EXPECT_EQ(ev.sides_correct(), 1) << table;
  EXPECT_TRUE(ev.false_found.empty()) << table;
  // The talking is seen: the mouth opening varies by several % IOD while talking and the corners
  // move by several % IOD (so it is the signal and the classification, not a still mouth, that keep it
  // out: since session 8 the mouth signal is the corner's movement along the muscles' pull, up and
  // outward, and speech moves the corners mostly down and inward with the jaw).
  auto frames = read_frames_csv(a.out / "frames.csv");
  ASSERT_TRUE(frames.ok());
  double lo = 1e9, hi = -1e9;
  std::vector<cv::Point2f> corner;
  for (const auto& row : frames->rows) {
    const double t = row.metrics.t;
    if (t < 2.5 || t > 8.5) continue;
    lo = std::min(lo, row.metrics.mouth_opening_iod);
    hi = std::max(hi, row.metrics.mouth_opening_iod);
    corner.push_back(row.metrics.mouth_corner.left);
  }
  // The left corner's largest distance from its median position while talking.
  double travel = 0.0;
  if (!corner.empty()) {
    std::vector<float> xs, ys;
    for (const auto& c : corner) {
      xs.push_back(c.x);
      ys.push_back(c.y);
    }
    std::nth_element(xs.begin(), xs.begin() + static_cast<std::ptrdiff_t>(xs.size() / 2), xs.end());
    std::nth_element(ys.begin(), ys.begin() + static_cast<std::ptrdiff_t>(ys.size() / 2), ys.end());
    const cv::Point2f mid(xs[xs.size() / 2], ys[ys.size() / 2]);
    for (const auto& c : corner) travel = std::max(travel, static_cast<double>(cv::norm(c - mid)));
  }
  EXPECT_GT(hi - lo, 0.03);
  EXPECT_GT(travel, 0.02);
  std::printf("talking: mouth opening range %.4f IOD, left corner travel %.4f IOD\n", hi - lo, travel);
  EXPECT_GE(a.summary.voluntary_movements.size(), 1u);
}

}  // namespace ft

namespace ft {

// A face below the smallest measurable size is named as the reason nothing was measured, with the limit
// and what to do, and `analyse` exits with 6; a lower --min-face-iod measures it and records the limit.
TEST(AnalyseE2E, ATooSmallFaceIsNamedWithItsLimitAndALowerLimitMeasuresIt) {
  std::string why;
  auto dir = testing::ensure_video("e2e_small_face", webcam_scenario(4.0, 909, 0.85), &why);  // IOD ~37 px
  if (!dir) GTEST_SKIP() << why;
  const auto out = testing::fresh_dir("e2e_small_face");
  const auto r = testing::run_facetwitch({"analyse", (*dir / "video.mp4").string(), "--out", out.string(), "--no-history"});
  EXPECT_EQ(r.exit_code, 6) << r.out << r.err;
  const std::string all = r.out + r.err;
  EXPECT_NE(all.find("face too small (eyes less than 40 px apart) (move closer or record at a higher resolution)"),
            std::string::npos)
      << all;
  EXPECT_NE(all.find("nothing could be measured"), std::string::npos) << all;

  const Analysed a = analyse(*dir, "e2e_small_face_30", {"--min-face-iod", "30"});
  EXPECT_EQ(a.cmd.out.find("face too small"), std::string::npos) << a.cmd.out;
  EXPECT_GT(a.summary.frames_good_quality, a.summary.frames / 2) << a.cmd.out;
  EXPECT_DOUBLE_EQ(a.summary.min_face_iod_px, 30.0);
}

}  // namespace ft
