// base_video_test.cpp: the pieces of `synth --base-video` and `accuracy --real` that need no video: the
// temporal smoothing of landmark tracks (zero phase, never across a gap), the tracked runs, refusing
// events over untracked frames, the benchmark's event placement, the manifest reader, the truth file's
// base_video block and the scoring's bookkeeping.
#include "synth/base_video.hpp"

#include <cmath>
#include <filesystem>
#include <fstream>

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "synth/real_accuracy.hpp"

namespace ft {
namespace {

Landmarks68 face_at(float x, float y) {
  Landmarks68 l{};
  for (std::size_t k = 0; k < 68; ++k) l[k] = cv::Point2f(x + static_cast<float>(k % 9), y + static_cast<float>(k / 9));
  return l;
}

// A track of `n` frames whose face moves along x by `slope` px per frame, with gaps where `gap(i)`.
LandmarkTrack moving_track(int n, float slope, const std::function<bool(int)>& gap = {}) {
  LandmarkTrack t(static_cast<std::size_t>(n));
  for (int i = 0; i < n; ++i) {
    if (gap && gap(i)) continue;
    t[static_cast<std::size_t>(i)] = face_at(100.0f + slope * static_cast<float>(i), 50.0f);
  }
  return t;
}

BaseTrack track_of(LandmarkTrack raw, double fps) {
  BaseTrack t;
  t.video = "clip.mp4";
  t.width = 640;
  t.height = 480;
  t.fps = fps;
  t.frames = static_cast<int>(raw.size());
  t.raw = std::move(raw);
  t.smoothed = smooth_landmark_track(t.raw, kTrackSmoothingSigmaFrames);
  t.median_iod_px = 80.0;
  return t;
}

}  // namespace

TEST(LandmarkSmoothing, FollowsLinearMotionWithoutLagAndRemovesJitter) {
  // Linear motion plus alternating +-1 px jitter: the zero-phase filter keeps the line (no lag) and
  // removes most of the jitter in the interior of the run.
  LandmarkTrack raw = moving_track(60, 2.0f);
  for (std::size_t i = 0; i < raw.size(); ++i) (*raw[i])[30].x += (i % 2 == 0) ? 1.0f : -1.0f;
  const LandmarkTrack s = smooth_landmark_track(raw, 2.5);
  ASSERT_EQ(s.size(), raw.size());
  for (int i = 10; i < 50; ++i) {
    const float expected = 100.0f + 2.0f * static_cast<float>(i);
    EXPECT_NEAR((*s[static_cast<std::size_t>(i)])[0].x, expected, 1e-3) << i;   // no lag on a straight line
    EXPECT_NEAR((*s[static_cast<std::size_t>(i)])[30].x, expected + 3.0f, 0.05) << i;  // jitter mostly gone
  }
  // sigma 0: unchanged.
  const LandmarkTrack same = smooth_landmark_track(raw, 0.0);
  EXPECT_EQ((*same[11])[30].x, (*raw[11])[30].x);
}

TEST(LandmarkSmoothing, NeverAcrossAGapAndGapsStayEmpty) {
  // Frames 20-24 without a face; the face jumps by 100 px across the gap.
  LandmarkTrack raw(50);
  for (int i = 0; i < 50; ++i) {
    if (i >= 20 && i < 25) continue;
    raw[static_cast<std::size_t>(i)] = face_at(i < 20 ? 100.0f : 200.0f, 50.0f);
  }
  const LandmarkTrack s = smooth_landmark_track(raw, 2.5);
  for (int i = 0; i < 50; ++i) {
    const auto& f = s[static_cast<std::size_t>(i)];
    if (i >= 20 && i < 25) {
      EXPECT_FALSE(f.has_value()) << i;
      continue;
    }
    ASSERT_TRUE(f.has_value()) << i;
    EXPECT_FLOAT_EQ((*f)[0].x, i < 20 ? 100.0f : 200.0f) << i;  // the run's ends are not pulled across
  }
  const auto runs = tracked_runs(raw);
  ASSERT_EQ(runs.size(), 2u);
  EXPECT_EQ(runs[0].first, 0);
  EXPECT_EQ(runs[0].last, 19);
  EXPECT_EQ(runs[1].first, 25);
  EXPECT_EQ(runs[1].last, 49);
}

TEST(BaseVideo, EventsOverUntrackedFramesAreRefused) {
  // 10 s at 30 fps, no face from 4 to 5 s.
  const BaseTrack t = track_of(moving_track(300, 0.0f, [](int i) { return i >= 120 && i < 150; }), 30.0);
  EXPECT_NEAR(t.tracked_share(), 0.9, 1e-9);
  Scenario s = base_video_scenario(t);
  EXPECT_EQ(s.frame_count(), 300);
  EXPECT_EQ(s.noise_sigma, 0.0);
  EXPECT_FALSE(s.head_motion.active());
  s.twitches = {twitch_spec(Region::Mouth, Side::Left, 1.5, 1.0, 5.0, 0.03)};
  EXPECT_TRUE(check_events_tracked(s, t).ok());
  s.twitches.push_back(twitch_spec(Region::Eye, Side::Right, 3.5, 1.0, 5.0, 0.03));
  const Status st = check_events_tracked(s, t);
  ASSERT_FALSE(st.ok());
  EXPECT_EQ(st.error().kind, ErrorKind::BadArguments);
  EXPECT_NE(st.error().message.find("twitch 2"), std::string::npos) << st.error().message;
  EXPECT_NE(st.error().message.find("(4.00-4.53 s)"), std::string::npos) << st.error().message;
  EXPECT_NE(st.error().message.find("0.00-4.00 s, 5.00-10.00 s"), std::string::npos) << st.error().message;
  // A shorter base video scenario (--duration).
  EXPECT_EQ(base_video_scenario(t, 2.0).frame_count(), 60);
}

TEST(BaseVideo, TrackFileRoundTrips) {
  BaseTrack t = track_of(moving_track(40, 0.5f, [](int i) { return i == 7; }), 25.0);
  t.sha256 = std::string(64, 'a');
  const auto path = std::filesystem::temp_directory_path() / "facetwitch-track-test.json";
  ASSERT_TRUE(write_base_track(path, t).ok());
  auto back = read_base_track(path);
  ASSERT_TRUE(back.ok()) << back.error().message;
  EXPECT_EQ(back->frames, 40);
  EXPECT_EQ(back->sha256, t.sha256);
  EXPECT_FALSE(back->raw[7].has_value());
  EXPECT_EQ((*back->raw[8])[3].x, (*t.raw[8])[3].x);
  EXPECT_EQ((*back->smoothed[20])[3].x, (*t.smoothed[20])[3].x);
  std::filesystem::remove(path);
}

TEST(BaseVideo, TruthCarriesTheBaseVideo) {
  Scenario s;
  s.width = 523;
  s.height = 239;
  s.duration_s = 3.0;
  GroundTruth truth = make_truth(s, 31.5);
  truth.base_video = BaseVideoTruth{"/x/clip.avi", std::string(64, 'b'), 31.5, 0.75, 56, true, kBaseVideoRendererVersion, 2.5};
  auto back = truth_from_json(to_json(truth));
  ASSERT_TRUE(back.ok()) << back.error().message;
  ASSERT_TRUE(back->base_video.has_value());
  EXPECT_EQ(back->base_video->path, "/x/clip.avi");
  EXPECT_EQ(back->base_video->tracked_frames, 56);
  EXPECT_TRUE(back->base_video->mirrored_input);
  EXPECT_DOUBLE_EQ(back->base_video->tracked_share, 0.75);
  // A photo-made truth has none.
  EXPECT_FALSE(truth_from_json(to_json(make_truth(s, 80.0)))->base_video.has_value());
}

TEST(RealBenchmark, TrainsLieWhereTheFaceIsTrackedApartAndAfterTheStart) {
  // 20 s at 30 fps; no face 8-10 s.
  const BaseTrack t = track_of(moving_track(600, 0.1f, [](int i) { return i >= 240 && i < 300; }), 30.0);
  const auto scenarios = real_scenarios(t, "expressive", 12345);
  ASSERT_EQ(scenarios.size(), 5u);
  EXPECT_EQ(scenarios[0].name, "clean");
  EXPECT_TRUE(scenarios[0].scenario.twitches.empty());
  EXPECT_FALSE(scenarios[0].scenario.droop.has_value());
  for (const auto& sc : scenarios) {
    const Scenario& s = sc.scenario;
    EXPECT_TRUE(validate_events(s).ok()) << sc.name;
    EXPECT_TRUE(check_events_tracked(s, t).ok()) << sc.name;
    for (const auto& e : s.twitches) {
      EXPECT_GE(e.start_s, 1.5) << sc.name;
      EXPECT_FALSE(e.start_s < 11.5 && e.end_s() > 7.5) << sc.name << " " << e.start_s;  // 1.5 s after the gap, 0.5 s before
      EXPECT_LE(e.end_s(), 19.5 + 1e-9) << sc.name;
      EXPECT_GE(e.amplitude_iod, 0.01 - 1e-9);
      EXPECT_LE(e.amplitude_iod, 0.05 + 1e-9);
      EXPECT_GE(e.frequency_hz, 3.0 - 1e-9);
      EXPECT_LE(e.frequency_hz, 9.0 + 1e-9);
      EXPECT_GE(e.duration_s, 0.6 - 1e-9);
      EXPECT_LE(e.duration_s, 2.2 + 1e-9);
    }
    // Trains that do not start together are at least 1.5 s apart.
    for (const auto& a : s.twitches) {
      for (const auto& b : s.twitches) {
        if (a.start_s < b.start_s) {
          EXPECT_GE(b.start_s - a.end_s(), 1.5 - 1e-9) << sc.name;
        }
      }
    }
  }
  EXPECT_GE(scenarios[1].scenario.twitches.size(), 2u);  // mouth
  for (const auto& e : scenarios[1].scenario.twitches) EXPECT_EQ(e.region, Region::Mouth);
  for (const auto& e : scenarios[2].scenario.twitches) EXPECT_EQ(e.region, Region::Eye);
  // mixed: starts with a co-contraction (mouth and eye, one side, same start and frequency).
  const auto& mixed = scenarios[3].scenario.twitches;
  ASSERT_GE(mixed.size(), 2u);
  EXPECT_EQ(mixed[0].region, Region::Mouth);
  EXPECT_EQ(mixed[1].region, Region::Eye);
  EXPECT_EQ(mixed[0].side, mixed[1].side);
  EXPECT_EQ(mixed[0].start_s, mixed[1].start_s);
  EXPECT_EQ(mixed[0].frequency_hz, mixed[1].frequency_hz);
  ASSERT_TRUE(scenarios[4].scenario.droop.has_value());
  EXPECT_GE(scenarios[4].scenario.droop->amplitude_iod, 0.02);
  EXPECT_LE(scenarios[4].scenario.droop->amplitude_iod, 0.06);
  // Deterministic; another seed differs; robustness clips stay clean; 15 fps caps the frequency.
  EXPECT_EQ(to_json(real_scenarios(t, "expressive", 12345)[3].scenario), to_json(scenarios[3].scenario));
  EXPECT_NE(to_json(real_scenarios(t, "expressive", 999)[1].scenario), to_json(scenarios[1].scenario));
  EXPECT_EQ(real_scenarios(t, "robustness", 1).size(), 1u);
  const auto slow_clip = real_scenarios(track_of(moving_track(300, 0.0f), 15.0), "calm", 7);  // kept alive for the loop
  for (const auto& e : slow_clip[1].scenario.twitches) {
    EXPECT_LE(e.frequency_hz, 6.0 + 1e-9);
  }
  // A 3-s clip gets at most one train per scenario.
  EXPECT_LE(real_scenarios(track_of(moving_track(75, 0.0f), 25.0), "talking", 3)[1].scenario.twitches.size(), 1u);
}

TEST(RealBenchmark, ManifestTableIsReadByColumnName) {
  const auto dir = std::filesystem::temp_directory_path() / "facetwitch-manifest-test";
  std::filesystem::remove_all(dir);
  std::filesystem::create_directories(dir / "videos");
  std::ofstream(dir / "videos" / "a.mp4") << "x";
  std::ofstream(dir / "videos" / "b c.avi") << "y";
  std::ofstream(dir / "MANIFEST.md") << "# Corpus\n\nSome text | with a bar.\n\n"
                                        "| kind | file (videos/) | fps | sha256 | content |\n"
                                        "|---|---|---|---|---|\n"
                                        "| calm | a.mp4 | 30 | ABC | A face. |\n"
                                        "| Small-Face | b c.avi | 25 |  | Small. |\n"
                                        "| talking | gone.mp4 | 25 | def | Missing. |\n";
  std::vector<std::string> missing;
  auto clips = read_corpus_manifest(dir, &missing);
  ASSERT_TRUE(clips.ok()) << clips.error().message;
  ASSERT_EQ(clips->size(), 2u);
  EXPECT_EQ((*clips)[0].kind, "calm");
  EXPECT_EQ((*clips)[0].sha256, "abc");
  EXPECT_EQ((*clips)[0].path, dir / "videos" / "a.mp4");
  EXPECT_EQ((*clips)[1].kind, "small-face");
  EXPECT_EQ((*clips)[1].file, "b c.avi");
  ASSERT_EQ(missing.size(), 1u);
  std::ofstream(dir / "MANIFEST.md") << "no table here\n";
  EXPECT_FALSE(read_corpus_manifest(dir).ok());
  std::filesystem::remove_all(dir);
  EXPECT_EQ(clip_seed("00000000000000ff"), 255u);
}

TEST(RealBenchmark, ScoresAreConsistent) {
  CorpusClip clip{"expressive", "a.mp4", "a.mp4", std::string(64, 'c'), ""};
  std::vector<RealVideoResult> results(3);
  results[0].clip = &clip;
  results[0].scenario = "clean";
  results[0].duration_s = 60.0;
  results[0].frames = 100;
  results[0].frames_good_quality = 80;
  results[0].mouth_corner_height_iod = 0.01;
  results[0].found.resize(1);
  // Mouth: 3 % found on the right side, 1.5 % missed; one false eye episode.
  results[1].clip = &clip;
  results[1].scenario = "mixed";
  results[1].duration_s = 60.0;
  results[1].truth.episodes = {{2.0, 3.0, Side::Left, Region::Mouth, 5.0, 0.03, 5, false, 0.0},
                               {6.0, 7.0, Side::Right, Region::Mouth, 5.0, 0.015, 5, false, 0.0}};
  Episode hit;
  hit.region = Region::Mouth;
  hit.side = Laterality::Left;
  hit.start_s = 2.05;
  hit.end_s = 3.7;  // 0.7 s after the injected end: "ended late"
  hit.frequency_hz = 5.5;
  Episode miss;
  miss.region = Region::Eye;
  miss.side = Laterality::Right;
  miss.start_s = 10.0;
  miss.end_s = 10.5;
  results[1].found = {hit, miss};
  // A left droop lowering the left corner by 0.02 against the clean clip.
  results[2].clip = &clip;
  results[2].scenario = "droop";
  results[2].duration_s = 60.0;
  results[2].truth.droop = DroopSpec{Side::Left, 0.04};
  results[2].mouth_corner_height_iod = -0.01;
  const RealAccuracyReport r = score_real(results, {});
  EXPECT_EQ(r.main.clips, 1);
  EXPECT_EQ(r.main.videos, 2);
  EXPECT_EQ(r.main.mouth.all.truth, 2);
  EXPECT_EQ(r.main.mouth.all.detected, 1);
  EXPECT_EQ(r.main.mouth.target.truth, 1);
  EXPECT_EQ(r.main.mouth.target.detected, 1);
  EXPECT_EQ(r.main.mouth.bins[0].truth, 1);  // 1-2 %
  EXPECT_EQ(r.main.mouth.bins[2].detected, 1);  // 3-4 %
  EXPECT_EQ(r.main.eye.all.false_found, 1);
  EXPECT_EQ(r.main.injected_false_episodes, 1);
  EXPECT_EQ(r.main.sides_correct, 1);
  EXPECT_NEAR(r.main.median_onset_error_s, 0.05, 1e-9);
  EXPECT_NEAR(r.main.median_end_error_s, 0.7, 1e-9);
  EXPECT_EQ(r.main.ended_late, 1);
  EXPECT_NEAR(r.main.median_frequency_error_hz, 0.5, 1e-9);
  EXPECT_EQ(r.main.droops, 1);
  EXPECT_EQ(r.main.droops_side_correct, 1);
  EXPECT_NEAR(r.main.median_droop_change_ratio, 0.5, 1e-9);
  EXPECT_EQ(r.clean.at("expressive").episodes, 1);
  ASSERT_EQ(r.clips.size(), 1u);
  EXPECT_NEAR(r.clips[0].measurable_share, 0.8, 1e-9);
  EXPECT_NEAR(r.clips[0].smallest_found_iod, 0.03, 1e-9);
  const std::string table = format_real_report(r);
  EXPECT_NE(table.find("REAL faces"), std::string::npos);
  const auto j = real_report_json(r);
  EXPECT_EQ(j["main"]["mouth"]["all"]["truth"], 2);
  EXPECT_EQ(j["main"]["ended_late"], 1);
  EXPECT_NE(table.find("episodes reported to end > 0.5 s late"), std::string::npos) << table;
  EXPECT_TRUE(j["main"]["eye"]["all"]["recall"].is_null());  // no eye truth: undefined, not 1
}

}  // namespace ft
