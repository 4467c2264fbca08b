// recording_test.cpp: a recording is never lost (issue 6, docs/ROBUSTNESS.md): the camera disappears
// mid-session (the paced source failing, standing in for it), the process is killed with SIGKILL, the
// disk fills up (a file-size limit standing in for it), and the window's settings file is unreadable.
// The recordings are made by `facetwitch record` on the still-face video played in real time as a camera.
#include <signal.h>
#include <sys/wait.h>

#include <chrono>
#include <fstream>
#include <thread>

#include <gtest/gtest.h>

#include "io/session.hpp"
#include "robustness/robust_videos.hpp"
#include "ui/settings_store.hpp"

namespace ft {
namespace {

namespace fs = std::filesystem;
using testing::fresh_dir;
using testing::still_face_video;

using testing::contains;

// Rows of frames.csv on disk now (0 when missing).
std::size_t rows_on_disk(const fs::path& csv) {
  auto f = read_frames_csv(csv);
  return f ? f->rows.size() : 0;
}

// Waits until `path` has stopped growing for `quiet_s` (an orphaned ffmpeg finishing the file).
void wait_until_stable(const fs::path& path, double quiet_s, double timeout_s) {
  const auto until = std::chrono::steady_clock::now() + std::chrono::duration<double>(timeout_s);
  std::error_code ec;
  std::uintmax_t last = 0;
  auto since = std::chrono::steady_clock::now();
  while (std::chrono::steady_clock::now() < until) {
    const auto size = fs::file_size(path, ec);
    if (ec || size != last) {
      last = ec ? 0 : size;
      since = std::chrono::steady_clock::now();
    } else if (std::chrono::duration<double>(std::chrono::steady_clock::now() - since).count() >= quiet_s) {
      return;
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
}

// The camera (the paced source) stops sending frames at t = 2.5 s: facetwitch says so, exits with the
// input error code, and the session is closed cleanly, complete up to that moment, marked partial.
TEST(RobustRecording, CameraLostMidSessionClosesTheRecording) {
  const auto still = still_face_video();
  REQUIRE_VIDEO(still);
  const auto dir = fresh_dir("robust_camera_lost");
  const auto out = dir / "session";
  const auto r = testing::run_facetwitch(
      {"record", still.string(), "--out", out.string(), "--duration", "30", "--simulate-camera-loss", "2.5"});
  EXPECT_EQ(r.exit_code, 3) << r.err;
  EXPECT_TRUE(contains(r.err, "stopped sending frames")) << r.err;
  EXPECT_TRUE(contains(r.err, "complete up to that moment")) << r.err;
  EXPECT_TRUE(contains(r.err, "check the camera")) << r.err;
  auto s = read_summary_json(out / "summary.json");
  ASSERT_TRUE(s.ok());
  EXPECT_TRUE(s->partial);
  EXPECT_TRUE(contains(s->partial_reason, "stopped sending frames")) << s->partial_reason;
  auto frames = read_frames_csv(out / "frames.csv");
  ASSERT_TRUE(frames.ok());
  EXPECT_FALSE(frames->truncated);
  ASSERT_FALSE(frames->rows.empty());
  EXPECT_GT(frames->rows.back().metrics.t, 1.5);
  EXPECT_LT(frames->rows.back().metrics.t, 2.6);
  const auto video = testing::decode_video(out / "video.mp4");
  ASSERT_TRUE(video.opened);
  EXPECT_GE(video.frames, 60);  // 2.5 s at 30 fps, give or take the start
  EXPECT_LE(video.frames, 76);
  EXPECT_EQ(s->episodes.size(), 0u);
}

// SIGKILL while recording: the session folder holds a playable video up to about the moment of the
// kill, frames.csv rows up to then, and both can be read and analysed again.
TEST(RobustRecording, KilledWhileRecordingLeavesAPlayableVideoAndRows) {
  const auto still = still_face_video();
  REQUIRE_VIDEO(still);
  const auto dir = fresh_dir("robust_sigkill");
  const auto out = dir / "session";
  const pid_t pid = testing::spawn_facetwitch({"record", still.string(), "--loop", "--out", out.string(), "--duration", "120"}, dir / "logs");
  ASSERT_GT(pid, 0);
  // Wait for the recording to begin (model loaded, first rows written), then record ~3 s more.
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(60);
  while (rows_on_disk(out / "frames.csv") < 5 && std::chrono::steady_clock::now() < deadline)
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  ASSERT_GE(rows_on_disk(out / "frames.csv"), 5u) << testing::slurp_text(dir / "logs" / "err.txt");
  const double t_started = rows_on_disk(out / "frames.csv") / 30.0;
  std::this_thread::sleep_for(std::chrono::seconds(3));
  ASSERT_EQ(::kill(pid, SIGKILL), 0);
  int status = 0;
  ::waitpid(pid, &status, 0);
  ASSERT_TRUE(WIFSIGNALED(status));
  // Every completed row is on disk: its last time is about 3 s after the first rows.
  auto frames = read_frames_csv(out / "frames.csv");
  ASSERT_TRUE(frames.ok()) << frames.error().message;
  ASSERT_FALSE(frames->rows.empty());
  const double last_row_t = frames->rows.back().metrics.t;
  EXPECT_GT(last_row_t, t_started + 2.0);
  // ffmpeg, left alone, finishes the video from what it received.
  wait_until_stable(out / "video.mp4", 1.0, 20.0);
  const auto video = testing::decode_video(out / "video.mp4");
  ASSERT_TRUE(video.opened);
  EXPECT_GE(video.last_t, last_row_t - 1.0) << "video ends at " << video.last_t << " s, rows at " << last_row_t << " s";
  // summary.json (refreshed every few seconds) is whole and says the session did not finish.
  auto s = read_summary_json(out / "summary.json");
  ASSERT_TRUE(s.ok());
  EXPECT_TRUE(s->partial);
  // A last line cut off in the middle (as when the kill lands mid-write) is skipped, not an error.
  const auto cut = dir / "cut_frames.csv";
  fs::copy_file(out / "frames.csv", cut);
  fs::resize_file(cut, fs::file_size(cut) - 40);
  auto cut_read = read_frames_csv(cut);
  ASSERT_TRUE(cut_read.ok()) << cut_read.error().message;
  EXPECT_TRUE(cut_read->truncated);
  EXPECT_EQ(cut_read->rows.size(), frames->rows.size() - 1);
  // And the cut video analyses like any other.
  const auto again = testing::analyse(out / "video.mp4", dir / "reanalysed");
  EXPECT_EQ(again.exit_code, 0) << again.err;
  auto s2 = read_summary_json(dir / "reanalysed" / "summary.json");
  ASSERT_TRUE(s2.ok());
  EXPECT_EQ(s2->frames, video.frames);
  EXPECT_GE(static_cast<double>(s2->frames_good_quality), 0.9 * static_cast<double>(s2->frames));
  EXPECT_EQ(s2->episodes.size(), 0u);
}

// The disk fills up (RLIMIT_FSIZE at 600 kB: the video reaches it after ~2 s): the recording stops with
// a message and the output error code, and what was written stays readable.
TEST(RobustRecording, DiskFullStopsTheRecordingWithAMessage) {
  const auto still = still_face_video();
  REQUIRE_VIDEO(still);
  const auto dir = fresh_dir("robust_disk_full");
  const auto out = dir / "session";
  const pid_t pid = testing::spawn_facetwitch({"record", still.string(), "--loop", "--out", out.string(), "--duration", "40"},
                                              dir / "logs", 600 * 1024);
  ASSERT_GT(pid, 0);
  const int code = testing::wait_child(pid, 60.0);
  const std::string err = testing::slurp_text(dir / "logs" / "err.txt");
  EXPECT_EQ(code, 5) << err;
  EXPECT_TRUE(contains(err, "recording stopped")) << err;
  EXPECT_TRUE(contains(err, "File too large")) << err;
  EXPECT_TRUE(contains(err, "free some disk space")) << err;
  EXPECT_TRUE(contains(err, "kept in")) << err;
  auto s = read_summary_json(out / "summary.json");
  ASSERT_TRUE(s.ok());
  EXPECT_TRUE(s->partial);
  EXPECT_TRUE(contains(s->partial_reason, "video could not be written")) << s->partial_reason;
  auto frames = read_frames_csv(out / "frames.csv");
  ASSERT_TRUE(frames.ok()) << frames.error().message;
  EXPECT_GT(frames->rows.size(), 30u);
  EXPECT_LE(fs::file_size(out / "video.mp4"), 600u * 1024u);
  const auto video = testing::decode_video(out / "video.mp4");
  ASSERT_TRUE(video.opened);
  EXPECT_GT(video.frames, 15);
  const auto again = testing::analyse(out / "video.mp4", dir / "reanalysed");
  EXPECT_TRUE(again.exit_code == 0 || again.exit_code == 3) << again.err;  // 3: its cut last fragment
  EXPECT_TRUE(read_summary_json(dir / "reanalysed" / "summary.json").ok());
}

// The window's settings: a file that cannot be read (a folder in its place) or holds garbage gives
// the defaults and a message; it never stops the window from starting.
TEST(RobustSettings, UnreadableSettingsGiveDefaultsAndAMessage) {
  const auto dir = fresh_dir("robust_settings");
  fs::create_directories(dir / "folder.json");
  const auto a = ui::load_settings(dir / "folder.json");
  EXPECT_FALSE(a.message.empty());
  EXPECT_EQ(a.settings.plot_window_s, ui::UiSettings{}.plot_window_s);
  std::ofstream(dir / "garbage.json") << "\x01\x02{{{ not json";
  const auto b = ui::load_settings(dir / "garbage.json");
  EXPECT_FALSE(b.message.empty());
  EXPECT_EQ(b.settings.twitch.threshold_k, ui::UiSettings{}.twitch.threshold_k);
  const auto c = ui::load_settings(dir / "missing.json");
  EXPECT_TRUE(c.message.empty());  // a first run: silently the defaults
}

}  // namespace
}  // namespace ft
