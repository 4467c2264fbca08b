// realsynth_e2e_test.cpp: `facetwitch synth --base-video` on a short real clip of the corpus (the video
// keeps its size, rate and frame count; frames outside events are the source's; the mouth corner moves by
// about the requested amount at a twitch's peak; truth.json names the base video), its errors, and
// `facetwitch accuracy --real` on two clips (a table and JSON whose numbers agree). The corpus is found
// through $FACETWITCH_REALFACES or <source>/../shared/realfaces; without it the tests are skipped.
#include <cmath>
#include <cstdlib>
#include <fstream>
#include <sstream>

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>
#include <opencv2/imgproc.hpp>
#include <opencv2/video/tracking.hpp>

#include "capture/frame_source.hpp"
#include "core/paths.hpp"
#include "face/face_tracker.hpp"
#include "face/model_locator.hpp"
#include "synth/base_video.hpp"
#include "support/test_videos.hpp"

namespace ft {
namespace {

namespace fs = std::filesystem;

// A talking woman, frontal, 524x524 at 25 fps, 4.9 s, her face tracked in every frame.
constexpr const char* kClip = "videoretalking_5.mp4";
constexpr const char* kShortClip = "liveportrait_d0.mp4";

fs::path corpus_dir() {
  if (const char* env = std::getenv("FACETWITCH_REALFACES"); env && *env) {
    const std::string first = std::string(env).substr(0, std::string(env).find(':'));
    return first;
  }
  return source_dir().parent_path() / "shared" / "realfaces";
}

fs::path clip_path(const char* name) {
  const fs::path p = corpus_dir() / "videos" / name;
  std::error_code ec;
  return fs::is_regular_file(p, ec) ? p : fs::path();
}

#define REQUIRE_CLIP(var, name)                                                                           \
  const fs::path var = clip_path(name);                                                                   \
  if (var.empty())                                                                                        \
  GTEST_SKIP() << "the real-face corpus folder is absent (" << (corpus_dir() / "videos" / name).string() \
               << " not found; set FACETWITCH_REALFACES)"

std::vector<cv::Mat> read_frames(const fs::path& video, SourceInfo* info = nullptr) {
  std::vector<cv::Mat> frames;
  auto src = open_video_file(video);
  if (!src) {
    ADD_FAILURE() << src.error().message;
    return frames;
  }
  if (info) *info = (*src)->info();
  Frame f;
  while ((*src)->read(f) == ReadStatus::Frame) frames.push_back(f.image.clone());
  return frames;
}

double mean_abs_diff(const cv::Mat& a, const cv::Mat& b, const cv::Rect& roi) {
  cv::Mat d;
  cv::absdiff(a(roi), b(roi), d);
  const cv::Scalar m = cv::mean(d);
  return (m[0] + m[1] + m[2]) / 3.0;
}

}  // namespace

TEST(RealSynth, TwitchDrawnIntoARealClipMovesTheCornerAndNothingElse) {
  REQUIRE_CLIP(source, kClip);
  const auto out = testing::fresh_dir("realsynth_twitch");
  // One mouth train of the person's left corner, 4 % IOD at 5 Hz; its first pulse peaks at 2.0 s
  // (frame 50 at 25 fps).
  const auto r = testing::run_facetwitch({"synth", "--base-video", source.string(), "--out", out.string(), "--twitch",
                                          "region=mouth,side=left,start=1.9,dur=1,freq=5,amp=0.04"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_NE(r.out.find("face tracked in 100.0% of the frames"), std::string::npos) << r.out;

  SourceInfo src_info, out_info;
  const auto src_frames = read_frames(source, &src_info);
  const auto out_frames = read_frames(out / "video.mp4", &out_info);
  ASSERT_FALSE(src_frames.empty());
  EXPECT_EQ(out_frames.size(), src_frames.size());
  EXPECT_EQ(out_info.width, src_info.width);
  EXPECT_EQ(out_info.height, src_info.height);
  EXPECT_NEAR(out_info.nominal_fps, src_info.nominal_fps, 1e-6);

  auto truth = read_truth(out / "truth.json");
  ASSERT_TRUE(truth.ok()) << truth.error().message;
  EXPECT_EQ(truth->frames, static_cast<int>(src_frames.size()));
  ASSERT_EQ(truth->episodes.size(), 1u);
  ASSERT_TRUE(truth->base_video.has_value());
  EXPECT_EQ(truth->base_video->path, source.string());
  EXPECT_EQ(truth->base_video->sha256, "f664ca850492bbe151898174f83e054ca90f7390696232a9935e10f88a31dfd4");
  EXPECT_DOUBLE_EQ(truth->base_video->tracked_share, 1.0);
  EXPECT_GT(truth->iod_px, 60.0);
  EXPECT_EQ(truth->noise_sigma, 0.0);

  // Where the corner is: the landmarks of the source's frame at the peak.
  auto model_path = locate_model("");
  ASSERT_TRUE(model_path.ok()) << model_path.error().message;
  auto model = load_landmark_model(model_path.value());
  ASSERT_TRUE(model.ok());
  BaseTrackOptions to;
  to.max_frames = 60;
  auto track = track_base_video(source, model.value(), to);
  ASSERT_TRUE(track.ok()) << track.error().message;
  const int peak = 50;
  ASSERT_TRUE(track->smoothed[peak].has_value());
  const Landmarks68& lm = *track->smoothed[peak];
  const cv::Point2f corner = lm[static_cast<std::size_t>(person_index(Feature::MouthCorner, Side::Left))];
  const double iod = landmark_iod_px(lm);
  const double expected_px = 0.04 * iod;

  // Outside the event the frames are the source's, re-encoded: about 2 grey levels on average, the floor
  // of decoding 4:2:0 to BGR and encoding it again (even a lossless x264 encode of the decoded source
  // differs by as much: PSNR 45 dB); at the peak the mouth region differs clearly.
  const cv::Rect whole(0, 0, src_frames[0].cols, src_frames[0].rows);
  const cv::Rect mouth(cv::Point(static_cast<int>(corner.x - 0.3 * iod), static_cast<int>(corner.y - 0.2 * iod)),
                       cv::Size(static_cast<int>(0.4 * iod), static_cast<int>(0.4 * iod)));
  double outside_max = 0.0, outside_mouth_max = 0.0;
  for (int i = 0; i < static_cast<int>(src_frames.size()); ++i) {
    const double t = i / truth->fps;
    if (t >= 1.85 && t <= 3.0) continue;
    outside_max = std::max(outside_max, mean_abs_diff(src_frames[static_cast<std::size_t>(i)], out_frames[static_cast<std::size_t>(i)], whole));
    outside_mouth_max =
        std::max(outside_mouth_max, mean_abs_diff(src_frames[static_cast<std::size_t>(i)], out_frames[static_cast<std::size_t>(i)], mouth & whole));
  }
  EXPECT_LT(outside_max, 3.0);
  const double at_peak = mean_abs_diff(src_frames[peak], out_frames[peak], mouth & whole);
  EXPECT_GT(at_peak, 2.0 * outside_mouth_max + 1.0) << "outside " << outside_mouth_max;

  // The corner's displacement between the source frame and the rendered frame at the peak (the same
  // instant, so only the warp moves it), by pyramidal Lucas-Kanade on the corner.
  cv::Mat a, b;
  cv::cvtColor(src_frames[peak], a, cv::COLOR_BGR2GRAY);
  cv::cvtColor(out_frames[peak], b, cv::COLOR_BGR2GRAY);
  std::vector<cv::Point2f> p0{corner}, p1;
  std::vector<unsigned char> ok;
  std::vector<float> err;
  cv::calcOpticalFlowPyrLK(a, b, p0, p1, ok, err, cv::Size(15, 15), 2);
  ASSERT_TRUE(ok[0]);
  const cv::Point2f d = p1[0] - p0[0];
  const double moved = std::hypot(d.x, d.y);
  RecordProperty("corner_moved_px", std::to_string(moved));
  RecordProperty("corner_requested_px", std::to_string(expected_px));
  EXPECT_GT(moved, 0.6 * expected_px) << "moved " << moved << " px, requested " << expected_px;
  EXPECT_LT(moved, 1.4 * expected_px) << "moved " << moved << " px, requested " << expected_px;
  EXPECT_LT(d.y, 0.0f);  // up
  EXPECT_GT(d.x, 0.0f);  // outward: the person's left corner is on the image's right
}

TEST(RealSynth, ErrorsAreClear) {
  REQUIRE_CLIP(source, kShortClip);
  const auto out = testing::fresh_dir("realsynth_errors");
  const auto missing = testing::run_facetwitch({"synth", "--base-video", "/nonexistent/clip.mp4", "--out", out.string()});
  EXPECT_EQ(missing.exit_code, 3);
  EXPECT_NE(missing.err.find("/nonexistent/clip.mp4"), std::string::npos) << missing.err;
  const auto late = testing::run_facetwitch({"synth", "--base-video", source.string(), "--out", out.string(), "--twitch",
                                             "region=eye,side=right,start=2.5,dur=1"});
  EXPECT_EQ(late.exit_code, 2);
  EXPECT_NE(late.err.find("past the end of the video"), std::string::npos) << late.err;
  const auto noise = testing::run_facetwitch({"synth", "--base-video", source.string(), "--out", out.string(), "--noise", "2"});
  EXPECT_EQ(noise.exit_code, 2);
  EXPECT_NE(noise.err.find("--noise does not apply with --base-video"), std::string::npos) << noise.err;
  // Nothing was written by the refused runs.
  std::error_code ec;
  EXPECT_FALSE(fs::exists(out / "video.mp4", ec));
  // A text file is not a video.
  const auto dir = testing::fresh_dir("realsynth_text");
  fs::create_directories(dir);
  std::ofstream(dir / "notes.mp4") << "not a video\n";
  const auto text = testing::run_facetwitch({"synth", "--base-video", (dir / "notes.mp4").string(), "--out", (dir / "o").string()});
  EXPECT_EQ(text.exit_code, 3);
}

TEST(RealAccuracy, TableAndJsonOnTwoClips) {
  REQUIRE_CLIP(a, kClip);
  REQUIRE_CLIP(b, kShortClip);
  const auto out = testing::fresh_dir("realsynth_accuracy");
  const auto json_path = out / "table.json";
  const auto r = testing::run_facetwitch({"accuracy", "--real", "--corpus", corpus_dir().string(), "--clips", "videoretalking_5",
                                          "--clips", "liveportrait_d0", "--out", (out / "cache").string(), "--json",
                                          json_path.string(), "-j", "2"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_NE(r.out.find("REAL faces with injected twitches"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find(">= 2.5 (target)"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("wall time"), std::string::npos) << r.out;
  std::ifstream f(json_path);
  ASSERT_TRUE(f.good());
  const auto j = nlohmann::json::parse(f);
  EXPECT_EQ(j["clips"].size(), 2u);
  EXPECT_EQ(j["main"]["clips"], 2);
  EXPECT_EQ(j["main"]["videos"], 8);  // mouth, eye, mixed, droop per clip
  int truth = 0;
  for (const char* region : {"mouth", "eye"}) {
    const auto& g = j["main"][region];
    EXPECT_LE(g["all"]["found"].get<int>(), g["all"]["truth"].get<int>());
    EXPECT_LE(g["target"]["found"].get<int>(), g["target"]["truth"].get<int>());
    EXPECT_LE(g["target"]["truth"].get<int>(), g["all"]["truth"].get<int>());
    int bins = 0;
    for (const auto& bin : g["bins"]) {
      EXPECT_LE(bin["found"].get<int>(), bin["truth"].get<int>());
      bins += bin["truth"].get<int>();
    }
    EXPECT_EQ(bins, g["all"]["truth"].get<int>());
    truth += g["all"]["truth"].get<int>();
  }
  EXPECT_GT(truth, 0);
  EXPECT_LE(j["main"]["sides_correct"].get<int>(), j["main"]["matched"].get<int>());
  EXPECT_EQ(j["main"]["droops"], 2);
  EXPECT_EQ(j["videos_rendered"], 10);
  // A second run reuses every video.
  const auto again = testing::run_facetwitch({"accuracy", "--real", "--corpus", corpus_dir().string(), "--clips", "videoretalking_5",
                                              "--clips", "liveportrait_d0", "--out", (out / "cache").string(), "--json",
                                              json_path.string(), "-j", "2"});
  ASSERT_EQ(again.exit_code, 0) << again.err;
  EXPECT_NE(again.out.find("0 videos rendered, 10 reused"), std::string::npos) << again.out;
}

TEST(RealAccuracy, FaceSizeCurveResizesEachClipToTheAskedIod) {
  REQUIRE_CLIP(clip, kShortClip);
  const auto out = testing::fresh_dir("realsynth_face_size");
  const auto json_path = out / "table.json";
  const auto r = testing::run_facetwitch({"accuracy", "--real", "--corpus", corpus_dir().string(), "--clips",
                                          clip.filename().string(), "--face-iod", "40", "--min-face-iod", "16", "--out",
                                          (out / "cache").string(), "--json", json_path.string(), "-j", "2"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  std::ifstream f(json_path);
  ASSERT_TRUE(f.good());
  const auto j = nlohmann::json::parse(f);
  ASSERT_EQ(j["clips"].size(), 1u);
  const auto& c = j["clips"][0];
  EXPECT_NE(c["file"].get<std::string>().find("@40px"), std::string::npos) << c["file"];
  // The median IOD of the resized clip, tracked again: within a few pixels of the one asked for.
  EXPECT_NEAR(c["median_iod_px"].get<double>(), 40.0, 4.0);
  EXPECT_TRUE(c["mouth_noise_sigma_iod"].is_number()) << c;
  EXPECT_GT(c["measurable_share"].get<double>(), 0.5);  // --min-face-iod 16: faces of 40 px are measured
  // The analyses say which limit they used.
  bool found_summary = false;
  for (const auto& e : fs::recursive_directory_iterator(out / "cache")) {
    if (e.path().filename() != "summary.json") continue;
    std::ifstream in(e.path());
    const auto s = nlohmann::json::parse(in);
    EXPECT_DOUBLE_EQ(s["settings"]["min_face_iod_px"].get<double>(), 16.0) << e.path();
    found_summary = true;
  }
  EXPECT_TRUE(found_summary);
  // A face already smaller than asked is skipped, not enlarged; the options are refused where they do not apply.
  const auto large = testing::run_facetwitch({"accuracy", "--real", "--corpus", corpus_dir().string(), "--clips",
                                              clip.filename().string(), "--face-iod", "390", "--out", (out / "cache").string(),
                                              "--json", (out / "large.json").string()});
  EXPECT_NE(large.err.find("not larger than --face-iod 390"), std::string::npos) << large.err;
  const auto upscale = testing::run_facetwitch({"accuracy", "--real", "--corpus", corpus_dir().string(), "--upscale", "2"});
  EXPECT_EQ(upscale.exit_code, 2);
  EXPECT_NE(upscale.err.find("--upscale goes with --face-iod"), std::string::npos) << upscale.err;
  const auto generated = testing::run_facetwitch({"accuracy", "--face-iod", "40"});
  EXPECT_EQ(generated.exit_code, 2);
  EXPECT_NE(generated.err.find("go with --real"), std::string::npos) << generated.err;
}

}  // namespace ft

namespace ft {

// ---- The detector on real faces (issue 15, part 5) ----
//
// Real clips without any twitch must give no twitch episode. The budgets below are what the detector
// gives today (docs/METRICS.md, "Real faces"): 0 is the goal for every calm and talking clip, and a
// budget above 0 is a known false detection that is written down, not accepted. A change that adds
// one fails here; a change that removes one lowers the budget.
namespace {

struct CleanClip {
  const char* file;
  const char* kind;
  int budget;  // false episodes allowed today
};

std::string fmt_episode(const nlohmann::json& e) {
  std::ostringstream out;
  out << ' ' << e["region"].get<std::string>() << '/' << e["side"].get<std::string>() << '@' << e["start_s"].get<double>();
  return out.str();
}

int episodes_in(const fs::path& summary) {
  std::ifstream in(summary);
  const auto j = nlohmann::json::parse(in, nullptr, false);
  return j.is_discarded() || !j.contains("episodes") ? -1 : static_cast<int>(j["episodes"].size());
}

}  // namespace

TEST(RealFaces, CleanClipsGiveNoMoreFalseEpisodesThanKnown) {
  const CleanClip clips[] = {
      // fsgan_conan_obrien: a bilateral eyelid episode at 2.1 s where a blink was (since session 5's
      // 0.4-s resting baseline; 3 twitches) until session 15: its twitches come at 1.5 Hz, slower than a
      // train, so they are 3 isolated twitches (docs/METRICS.md, "Isolated twitch"). liveportrait_d0 (a 2% IOD left-lid twitch at 1.4 s) and
      // liveportrait_d19 had one single-twitch episode each: since session 10 a single brief twitch is an
      // isolated twitch, not an episode (docs/METRICS.md, "Isolated twitch").
      {"openface_changeLighting.wmv", "calm", 0},  {"fsgan_conan_obrien.mp4", "talking", 0},
      {"liveportrait_d13.mp4", "talking", 0},      {"liveportrait_d20.mp4", "talking", 0},
      {"videoretalking_1.mp4", "talking", 0},      {"videoretalking_5.mp4", "talking", 0},
      {"liveportrait_d0.mp4", "expressive", 0},    {"liveportrait_d19.mp4", "expressive", 0},
      // liveportrait_d14 (winks, one-sided eye closures, fast smiles): since session 10 (threshold k 5,
      // single twitches are isolated twitches) three mouth episodes of 2-4 twitches: left at 9.7 s and
      // 11.2 s (2.9% and 8.1% IOD), bilateral at 12.0 s (the corners pulled up fast together). Before:
      // 4 (k 6, single-twitch episodes counted), of which two eyelid ones (one-eye closures). Session 16
      // (the mouth's noise floor from fast changes, which finds 20 more injected mouth trains on the real
      // corpus) added one: 4 mouth episodes, left at 3.9 s and right at 6.6 s (5 twitches at 4-6 Hz, 8-12%
      // IOD: the corners pulled up fast, one side at a time), bilateral at 11.2 s, left at 17.5 s (2
      // twitches, 2.5% IOD).
      {"liveportrait_d14.mp4", "expressive", 4},
  };
  int checked = 0;
  for (const auto& c : clips) {
    const fs::path video = clip_path(c.file);
    if (video.empty()) continue;
    const auto out = testing::fresh_dir(std::string("realfaces_clean_") + c.file);
    const auto r = testing::run_facetwitch({"analyse", video.string(), "--out", out.string(), "--quiet", "--no-history"});
    ASSERT_EQ(r.exit_code, 0) << c.file << ": " << r.err;
    const int n = episodes_in(out / "summary.json");
    EXPECT_GE(n, 0) << c.file;
    EXPECT_LE(n, c.budget) << c.file << " (" << c.kind << ", no twitch in it): " << n << " twitch episodes, "
                           << c.budget << " known";
    ++checked;
  }
  if (checked == 0) GTEST_SKIP() << "the real-face corpus folder is absent (" << corpus_dir().string() << ")";
}

// Twitch trains drawn into real clips by `synth --base-video` are found, on the person's correct side.
TEST(RealFaces, InjectedTwitchesAreFoundOnTheCorrectSide) {
  struct Case {
    const char* file;
    const char* twitch;  // synth's --twitch
    const char* region;
    const char* side;
    double start_s;
  };
  const Case cases[] = {
      {"liveportrait_d0.mp4", "region=mouth,side=right,start=1.68,dur=0.904,freq=6.748,amp=0.03", "mouth", "right", 1.68},
      {"liveportrait_d20.mp4", "region=eye,side=left,start=5.541,dur=0.959,freq=4.66,amp=0.037", "eye", "left", 5.541},
      {"liveportrait_d13.mp4", "region=eye,side=right,start=5.895,dur=1.446,freq=5.182,amp=0.049", "eye", "right", 5.895},
  };
  int checked = 0;
  for (const auto& c : cases) {
    const fs::path video = clip_path(c.file);
    if (video.empty()) continue;
    const auto dir = testing::fresh_dir(std::string("realfaces_inject_") + c.file);
    const auto s = testing::run_facetwitch({"synth", "--base-video", video.string(), "--out", (dir / "v").string(), "--twitch", c.twitch});
    ASSERT_EQ(s.exit_code, 0) << c.file << ": " << s.err;
    const auto a = testing::run_facetwitch(
        {"analyse", (dir / "v" / "video.mp4").string(), "--out", (dir / "a").string(), "--quiet", "--no-history"});
    ASSERT_EQ(a.exit_code, 0) << c.file << ": " << a.err;
    std::ifstream in(dir / "a" / "summary.json");
    const auto j = nlohmann::json::parse(in);
    bool found = false;
    std::string seen;
    for (const auto& e : j["episodes"]) {
      seen += fmt_episode(e);
      if (e["region"] == c.region && e["side"] == c.side && std::abs(e["start_s"].get<double>() - c.start_s) < 0.5)
        found = true;
    }
    EXPECT_TRUE(found) << c.file << ": " << c.twitch << " not found on the " << c.side << " side; episodes:" << seen;
    ++checked;
  }
  if (checked == 0) GTEST_SKIP() << "the real-face corpus folder is absent (" << corpus_dir().string() << ")";
}

}  // namespace ft
