// ui_model_test.cpp: the window's logic without a window: settings.json (round trip, XDG path,
// corrupt or out-of-range content gives defaults and a message), source specs, the counters shown
// and written by --counters-json, the flash classification and the resting positions drawn under
// the overlays, and the fit-and-mirror mapping shared by the picture and the overlays.
#include <cstdlib>
#include <fstream>

#include <gtest/gtest.h>

#include "support/test_videos.hpp"
#include "ui/gl_video.hpp"
#include "ui/settings_store.hpp"
#include "ui/source_controller.hpp"
#include "ui/view_model.hpp"

namespace ft::ui {
namespace {

FrameRecord rest_frame(double t, float mouth_x, double aperture, bool active = false) {
  FrameRecord r;
  r.metrics.t = t;
  r.metrics.face_found = true;
  r.metrics.quality = kQualityOk;
  r.metrics.mouth_corner.left = {mouth_x, -1.1f};
  r.metrics.mouth_corner.right = {-mouth_x, -1.1f};
  r.metrics.eye_aperture_iod = {aperture, aperture};
  r.signals.mouth.left.active = active;
  return r;
}

}  // namespace

TEST(SettingsStore, RoundTripAndDefaults) {
  const auto dir = testing::fresh_dir("ui_settings_roundtrip");
  const auto path = dir / "facetwitch" / "settings.json";
  LoadedSettings missing = load_settings(path);
  EXPECT_TRUE(missing.message.empty());
  EXPECT_EQ(missing.settings.twitch.threshold_k, TwitchSettings{}.threshold_k);

  UiSettings s;
  s.twitch.threshold_k = 9.5;
  s.twitch.min_amplitude_iod = 0.02;
  s.twitch.eye_enabled = false;
  s.mirror_live = false;
  s.plot_window_s = 25;
  s.baseline_s = 5;
  s.recordings_dir = "/tmp/x";
  add_recent_file(s, "/a/b.mp4");
  add_recent_file(s, "/a/c.mp4");
  add_recent_file(s, "/a/b.mp4");
  ASSERT_EQ(s.recent_files.size(), 2u);
  EXPECT_EQ(s.recent_files[0], "/a/b.mp4");
  ASSERT_TRUE(save_settings(path, s).ok());
  LoadedSettings back = load_settings(path);
  EXPECT_TRUE(back.message.empty()) << back.message;
  EXPECT_EQ(back.settings.twitch.threshold_k, 9.5);
  EXPECT_EQ(back.settings.twitch.min_amplitude_iod, 0.02);
  EXPECT_FALSE(back.settings.twitch.eye_enabled);
  EXPECT_FALSE(back.settings.mirror_live);
  EXPECT_EQ(back.settings.plot_window_s, 25);
  EXPECT_EQ(back.settings.baseline_s, 5);
  EXPECT_EQ(back.settings.recordings_dir, "/tmp/x");
  EXPECT_EQ(back.settings.recent_files, s.recent_files);
  for (int i = 0; i < 20; ++i)
    add_recent_file(s, "/v/" + std::to_string(i) + ".mp4");
  EXPECT_EQ(s.recent_files.size(), kMaxRecentFiles);
}

// The per-file "recorded as a mirror image" setting: keyed by the absolute path (a relative name and
// its absolute path are one file), saved and read back, cleared again; another file is not affected.
TEST(SettingsStore, MirroredFilesAreRememberedPerFileByAbsolutePath) {
  const auto dir = testing::fresh_dir("ui_settings_mirrored");
  const auto path = dir / "facetwitch" / "settings.json";
  UiSettings s;
  const std::string rel = "clips/../selfie.mp4";
  const std::string abs = (std::filesystem::current_path() / "selfie.mp4").string();
  EXPECT_FALSE(file_is_mirrored(s, rel));
  set_file_mirrored(s, rel, true);
  set_file_mirrored(s, "/videos/other.mp4", false);
  EXPECT_TRUE(file_is_mirrored(s, abs));
  EXPECT_FALSE(file_is_mirrored(s, "/videos/other.mp4"));
  ASSERT_EQ(s.mirrored_files, std::vector<std::string>{abs});
  ASSERT_TRUE(save_settings(path, s).ok());
  LoadedSettings back = load_settings(path);
  EXPECT_TRUE(back.message.empty()) << back.message;
  EXPECT_TRUE(file_is_mirrored(back.settings, abs));
  set_file_mirrored(back.settings, abs, false);
  EXPECT_FALSE(file_is_mirrored(back.settings, rel));
  EXPECT_TRUE(back.settings.mirrored_files.empty());
  // A wrong type is reported and ignored, the rest of the file is used.
  std::ofstream(path) << R"({"version": 1, "files": {"mirrored": "/a.mp4"}, "display": {"plot_window_s": 12}})";
  LoadedSettings bad = load_settings(path);
  EXPECT_NE(bad.message.find("files.mirrored"), std::string::npos) << bad.message;
  EXPECT_TRUE(bad.settings.mirrored_files.empty());
  EXPECT_EQ(bad.settings.plot_window_s, 12);
}

TEST(SettingsStore, CorruptOrOutOfRangeGivesDefaultsAndAMessage) {
  const auto dir = testing::fresh_dir("ui_settings_corrupt");
  std::filesystem::create_directories(dir);
  const auto path = dir / "settings.json";
  std::ofstream(path) << "{\"sensitivity\": {\"threshold_k\": ";
  LoadedSettings a = load_settings(path);
  EXPECT_NE(a.message.find("not valid JSON"), std::string::npos);
  EXPECT_EQ(a.settings.twitch.threshold_k, TwitchSettings{}.threshold_k);

  std::ofstream(path, std::ios::trunc)
      << R"({"sensitivity": {"threshold_k": 500, "merge_gap_s": "long", "min_amplitude_iod": 0.03},
            "display": {"plot_window_s": 15}, "files": {"recent": 7}})";
  LoadedSettings b = load_settings(path);
  EXPECT_NE(b.message.find("threshold_k"), std::string::npos) << b.message;
  EXPECT_NE(b.message.find("merge_gap_s"), std::string::npos) << b.message;
  EXPECT_NE(b.message.find("files.recent"), std::string::npos) << b.message;
  EXPECT_EQ(b.settings.twitch.threshold_k, TwitchSettings{}.threshold_k);
  EXPECT_EQ(b.settings.twitch.merge_gap_s, TwitchSettings{}.merge_gap_s);
  EXPECT_EQ(b.settings.twitch.min_amplitude_iod, 0.03);  // the valid fields are kept
  EXPECT_EQ(b.settings.plot_window_s, 15);
}

TEST(SettingsStore, FollowsXdgConfigHome) {
  const char* old = std::getenv("XDG_CONFIG_HOME");
  const std::string keep = old ? old : "";
  setenv("XDG_CONFIG_HOME", "/some/where", 1);
  EXPECT_EQ(default_settings_path(), std::filesystem::path("/some/where/facetwitch/settings.json"));
  unsetenv("XDG_CONFIG_HOME");
  const char* home = std::getenv("HOME");
  if (home) {
    EXPECT_EQ(default_settings_path(),
              std::filesystem::path(home) / ".config/facetwitch/settings.json");
  }
  if (old)
    setenv("XDG_CONFIG_HOME", keep.c_str(), 1);
}

TEST(SourceSpec, Parses) {
  EXPECT_EQ(parse_source_spec("demo").kind, SourceSpec::Kind::Demo);
  const SourceSpec p = parse_source_spec("paced:/x/y.mp4");
  EXPECT_EQ(p.kind, SourceSpec::Kind::Paced);
  EXPECT_EQ(p.path, "/x/y.mp4");
  EXPECT_TRUE(p.live());
  const SourceSpec c = parse_source_spec("camera:1");
  EXPECT_EQ(c.kind, SourceSpec::Kind::Camera);
  EXPECT_EQ(c.path, "1");
  EXPECT_EQ(parse_source_spec("/dev/video2").kind, SourceSpec::Kind::Camera);
  const SourceSpec f = parse_source_spec("clip.mov");
  EXPECT_EQ(f.kind, SourceSpec::Kind::File);
  EXPECT_FALSE(f.live());
}

TEST(Counters, FromReplayCountBySideAndRegion) {
  ReplayAnalysisSnapshot s;
  s.done = true;
  s.frames_analysed = 600;
  s.summary.frames = 600;
  s.summary.frames_with_face = 600;
  s.summary.frames_good_quality = 540;
  s.summary.duration_s = 20.0;
  Episode a;
  a.region = Region::Mouth;
  a.side = Laterality::Left;
  a.twitch_count = 9;
  Episode b = a;
  b.region = Region::Eye;
  b.side = Laterality::Right;
  b.twitch_count = 8;
  Episode c = a;
  c.side = Laterality::Bilateral;
  c.twitch_count = 3;
  s.summary.episodes = {a, b, c};
  s.summary.blinks.resize(2);
  const Counters k = counters_from_replay(s);
  EXPECT_EQ(k.episodes_total, 3);
  EXPECT_EQ(k.twitches_total, 20);
  EXPECT_EQ(k.episodes_mouth.left, 1);
  EXPECT_EQ(k.episodes_mouth.bilateral, 1);
  EXPECT_EQ(k.episodes_eye.right, 1);
  EXPECT_EQ(k.twitches_mouth.left, 9);
  EXPECT_DOUBLE_EQ(k.twitches_per_minute, 60.0);
  EXPECT_EQ(k.blinks, 2);
  EXPECT_DOUBLE_EQ(k.measurable_percent, 90.0);
  const nlohmann::json j = to_json(k);
  EXPECT_EQ(j["episodes_by_side"]["mouth"]["bilateral"], 1);
  EXPECT_EQ(j["episodes"].size(), 3u);
  EXPECT_TRUE(j["episodes"][0]["frequency_hz"].is_null());  // NaN: fewer than 2 twitches known
}

TEST(Flash, TwitchBlinkAndMovement) {
  FrameSignals sig;
  sig.mouth.left.active = true;
  Episode e;
  e.region = Region::Mouth;
  e.side = Laterality::Left;
  e.start_s = 1.0;
  e.end_s = 2.0;
  // Inside an episode: a twitch.
  EXPECT_EQ(classify_flash(sig, 1.5, {e}, nullptr, nullptr).mouth.left, FlashKind::Twitch);
  // Classified (replay) and in no episode: not a twitch.
  std::vector<Blink> blinks;
  std::vector<VoluntaryMovement> vol;
  EXPECT_EQ(classify_flash(sig, 3.0, {e}, &blinks, &vol).mouth.left, FlashKind::Movement);
  // Live, not yet classified: one side alone is shown as a twitch at once.
  EXPECT_EQ(classify_flash(sig, 3.0, {}, nullptr, nullptr).mouth.left, FlashKind::Twitch);
  EXPECT_EQ(classify_flash(sig, 3.0, {}, nullptr, nullptr).mouth.right, FlashKind::None);
  // Both eyes together: a blink (live heuristics, and the classified blink in replay).
  FrameSignals eyes;
  eyes.eye.left.active = eyes.eye.right.active = true;
  EXPECT_EQ(classify_flash(eyes, 3.0, {}, nullptr, nullptr).eye.right, FlashKind::Blink);
  blinks.push_back({2.9, 3.2, 0.05});
  EXPECT_EQ(classify_flash(eyes, 3.0, {e}, &blinks, &vol).eye.left, FlashKind::Blink);
}

TEST(RestingState, MedianOfTheLastSecondOutsideEvents) {
  std::vector<FrameRecord> before;
  for (int i = 0; i < 60; ++i)
    before.push_back(rest_frame(i / 30.0, 0.40f, 0.12));
  // The last 10 frames are inside an event with the corner pulled out: they are not rest.
  for (int i = 60; i < 70; ++i)
    before.push_back(rest_frame(i / 30.0, 0.46f, 0.12, true));
  const RestingState r = resting_state(before);
  ASSERT_TRUE(r.mouth_valid.left);
  EXPECT_FLOAT_EQ(r.mouth_corner.left.x, 0.40f);
  // The right side was not in an event: its last second is 20 frames at rest and 10 pulled.
  EXPECT_FLOAT_EQ(r.mouth_corner.right.x, -0.40f);
  ASSERT_TRUE(r.eye_valid.left);
  EXPECT_DOUBLE_EQ(r.eye_aperture_iod.left, 0.12);
  EXPECT_FALSE(resting_state({}).mouth_valid.left);
}

TEST(VideoMapping, FitsWithTheAspectRatioAndMirrors) {
  const VideoMapping m = fit_video(10, 20, 800, 300, 640, 480, false);
  EXPECT_FLOAT_EQ(m.scale, 300.0f / 480.0f);
  EXPECT_FLOAT_EQ(m.height(), 300.0f);
  EXPECT_FLOAT_EQ(m.x0, 10 + (800 - 400) * 0.5f);
  EXPECT_FLOAT_EQ(m.y0, 20.0f);
  // A point on the image's right is on the screen's right, and on the left once mirrored.
  const cv::Point2f p(600.0f, 100.0f);
  const VideoMapping mm = fit_video(10, 20, 800, 300, 640, 480, true);
  EXPECT_GT(m.to_screen(p).x, m.x0 + m.width() * 0.5f);
  EXPECT_LT(mm.to_screen(p).x, mm.x0 + mm.width() * 0.5f);
  EXPECT_FLOAT_EQ(m.to_screen(p).y, mm.to_screen(p).y);
  // Mirroring is symmetric about the picture's centre.
  EXPECT_NEAR(m.to_screen(p).x - m.x0, m.width() - (mm.to_screen(p).x - mm.x0), 1e-3);
  EXPECT_FLOAT_EQ(mm.direction_to_screen({1.0f, 0.0f}).x, -m.scale);
}

TEST(Clock, Formats) {
  EXPECT_EQ(format_clock(0.0), "0:00.0");
  EXPECT_EQ(format_clock(65.34), "1:05.3");
  EXPECT_EQ(format_clock(-1.0), "\xE2\x80\x94");
}

}  // namespace ft::ui
