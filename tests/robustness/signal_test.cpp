// signal_test.cpp: `facetwitch analyse` and `facetwitch record` stopped from outside (issue 13,
// docs/ROBUSTNESS.md): Ctrl-C (SIGINT) or SIGTERM in the middle of a video or a recording finish the
// session folder consistently (frames.csv holds as many rows as summary.json counts, summary.json is
// final and marked partial "interrupted"), say where the partial results are and exit 128 + the
// signal; a file-size limit (SIGXFSZ) is a full disk.
#include <signal.h>

#include <algorithm>
#include <chrono>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include <gtest/gtest.h>

#include "io/session.hpp"
#include "robustness/robust_videos.hpp"

namespace ft {
namespace {

namespace fs = std::filesystem;
using testing::fresh_dir;
using testing::still_face_video;

using testing::contains;

// A still face for 60 s (the 4-s video looped 15 times): long enough that the analysis is still
// running when the test stops it.
fs::path long_still_video() {
  const auto still = still_face_video();
  if (still.empty()) return {};
  return testing::derived_video("still_60s.mp4", still,
                                {"-vf", "loop=loop=14:size=120:start=0", "-c:v", "libx264", "-preset", "ultrafast"});
}

std::size_t rows_on_disk(const fs::path& csv) {
  auto f = read_frames_csv(csv);
  return f ? f->rows.size() : 0;
}

// Runs facetwitch with `args` under a file-size limit of `kib` KiB (ulimit -f, as a shell sets it; killed
// after 120 s at most); its exit code, stdout and stderr in `log`.
int run_with_file_limit(int kib, const std::vector<std::string>& args, std::string* log) {
  std::string script = "ulimit -f " + std::to_string(kib) + "; exec '" + std::string(FT_FACETWITCH_EXE) + "'";
  for (const auto& a : args) script += " '" + a + "'";
  return testing::run_program({"timeout", "-s", "KILL", "120", "bash", "-c", script}, log);
}

// A session that a write error (File too large) stopped: summary.json final (not the "in progress" one
// written while running) and marked partial with the error as its reason, frames.csv complete with more
// than `min_rows` rows, as many as summary.json counts. Both files, for the caller's own checks.
struct StoppedSession {
  SessionSummary summary;
  FramesCsvContents frames;
};
std::optional<StoppedSession> expect_stopped_by_write_error(const fs::path& out, std::size_t min_rows) {
  auto s = read_summary_json(out / "summary.json");
  if (!s.ok()) {
    ADD_FAILURE() << s.error().message;
    return std::nullopt;
  }
  EXPECT_TRUE(s->partial);
  EXPECT_FALSE(contains(s->partial_reason, "in progress")) << s->partial_reason;
  EXPECT_TRUE(contains(s->partial_reason, "File too large")) << s->partial_reason;
  auto frames = read_frames_csv(out / "frames.csv");
  if (!frames.ok()) {
    ADD_FAILURE() << frames.error().message;
    return std::nullopt;
  }
  if (frames->rows.size() <= min_rows) {
    ADD_FAILURE() << frames->rows.size() << " rows in frames.csv, expected more than " << min_rows;
    return std::nullopt;
  }
  EXPECT_EQ(static_cast<std::int64_t>(frames->rows.size()), s->frames);
  return StoppedSession{std::move(s.value()), std::move(frames.value())};
}

// Starts `analyse` on the long video, sends `sig` once frames.csv has rows, and checks what is left.
void expect_interrupted_cleanly(int sig, int expected_exit, const std::string& signal_name, const std::string& name) {
  const auto video = long_still_video();
  ASSERT_FALSE(video.empty());
  const auto dir = fresh_dir(name);
  const auto out = dir / "session";
  const pid_t pid =
      testing::spawn_facetwitch({"analyse", video.string(), "--out", out.string(), "--quiet", "--no-history"}, dir / "logs");
  ASSERT_GT(pid, 0);
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(60);
  while (rows_on_disk(out / "frames.csv") < 20 && std::chrono::steady_clock::now() < deadline)
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  ASSERT_GE(rows_on_disk(out / "frames.csv"), 20u) << testing::slurp_text(dir / "logs" / "err.txt");
  ASSERT_EQ(::kill(pid, sig), 0);
  const int code = testing::wait_child(pid, 60);
  const std::string err = testing::slurp_text(dir / "logs" / "err.txt");
  EXPECT_EQ(code, expected_exit) << err;
  EXPECT_TRUE(contains(err, "interrupted by " + signal_name)) << err;
  EXPECT_TRUE(contains(err, out.string())) << err;
  EXPECT_TRUE(contains(err, "marked partial in summary.json")) << err;
  // One line on stderr.
  EXPECT_EQ(std::count(err.begin(), err.end(), '\n'), 1) << err;
  auto s = read_summary_json(out / "summary.json");
  ASSERT_TRUE(s.ok());
  EXPECT_TRUE(s->partial);
  EXPECT_TRUE(contains(s->partial_reason, "interrupted")) << s->partial_reason;
  EXPECT_FALSE(contains(s->partial_reason, "in progress")) << s->partial_reason;
  auto frames = read_frames_csv(out / "frames.csv");
  ASSERT_TRUE(frames.ok());
  EXPECT_FALSE(frames->truncated);
  EXPECT_EQ(static_cast<std::int64_t>(frames->rows.size()), s->frames);
  EXPECT_GE(s->frames, 20);
  EXPECT_LT(s->frames, 1800);
  // No lock file or temporary left behind.
  for (const auto& e : fs::directory_iterator(out)) {
    const std::string f = e.path().filename().string();
    EXPECT_TRUE(f == "frames.csv" || f == "episodes.csv" || f == "summary.json") << f;
  }
}

TEST(RobustSignals, CtrlCDuringAnalyseFinishesTheFilesMarkedPartial) {
  REQUIRE_VIDEO(still_face_video());
  expect_interrupted_cleanly(SIGINT, 130, "SIGINT", "robust_sigint");
}

TEST(RobustSignals, SigtermDuringAnalyseFinishesTheFilesMarkedPartial) {
  REQUIRE_VIDEO(still_face_video());
  expect_interrupted_cleanly(SIGTERM, 143, "SIGTERM", "robust_sigterm");
}

// `facetwitch record` (the still face played in a loop in real time as a camera) stopped by `sig` once
// the recording has rows: the recording is finished as at a normal end (video.mp4 playable, frames.csv
// holding exactly the frames summary.json counts), summary.json final and marked partial
// "interrupted by ...", one line on stderr saying where it is, exit 128 + the signal. Before: exit 0,
// summary.json not partial.
void expect_record_interrupted_cleanly(int sig, int expected_exit, const std::string& reason, const std::string& name) {
  const auto still = still_face_video();
  ASSERT_FALSE(still.empty());
  const auto dir = fresh_dir(name);
  const auto out = dir / "session";
  const pid_t pid = testing::spawn_facetwitch(
      {"record", still.string(), "--loop", "--out", out.string(), "--duration", "120", "--quiet", "--no-history"},
      dir / "logs");
  ASSERT_GT(pid, 0);
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(60);
  while (rows_on_disk(out / "frames.csv") < 20 && std::chrono::steady_clock::now() < deadline)
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  ASSERT_GE(rows_on_disk(out / "frames.csv"), 20u) << testing::slurp_text(dir / "logs" / "err.txt");
  ASSERT_EQ(::kill(pid, sig), 0);
  const int code = testing::wait_child(pid, 60);
  const std::string err = testing::slurp_text(dir / "logs" / "err.txt");
  EXPECT_EQ(code, expected_exit) << err;
  EXPECT_TRUE(contains(err, "facetwitch: " + reason + " after ")) << err;
  EXPECT_TRUE(contains(err, "kept in " + out.string())) << err;
  EXPECT_TRUE(contains(err, "marked partial in summary.json")) << err;
  EXPECT_EQ(std::count(err.begin(), err.end(), '\n'), 1) << err;
  auto s = read_summary_json(out / "summary.json");
  ASSERT_TRUE(s.ok());
  EXPECT_TRUE(s->partial);
  EXPECT_EQ(s->partial_reason, reason);
  auto frames = read_frames_csv(out / "frames.csv");
  ASSERT_TRUE(frames.ok());
  EXPECT_FALSE(frames->truncated);
  EXPECT_EQ(static_cast<std::int64_t>(frames->rows.size()), s->frames);
  EXPECT_GE(s->frames, 20);
  EXPECT_TRUE(read_episodes_csv(out / "episodes.csv").ok());
  // The video is finished (ffmpeg closed it before the exit): every analysed frame is in it.
  const auto video = testing::decode_video(out / "video.mp4");
  ASSERT_TRUE(video.opened);
  EXPECT_GE(video.frames, s->frames);
  EXPECT_LE(video.frames, s->frames + s->frames_dropped + 30) << s->frames_dropped;
}

TEST(RobustSignals, CtrlCDuringRecordFinishesTheRecordingMarkedPartial) {
  REQUIRE_VIDEO(still_face_video());
  expect_record_interrupted_cleanly(SIGINT, 130, "interrupted by SIGINT (Ctrl-C)", "robust_record_sigint");
}

TEST(RobustSignals, SigtermDuringRecordFinishesTheRecordingMarkedPartial) {
  REQUIRE_VIDEO(still_face_video());
  expect_record_interrupted_cleanly(SIGTERM, 143, "interrupted by SIGTERM", "robust_record_sigterm");
}

// The end of `record --duration` is a normal end: exit 0, summary.json not partial.
TEST(RobustSignals, RecordDurationEndingIsANormalEnd) {
  const auto still = still_face_video();
  REQUIRE_VIDEO(still);
  const auto dir = fresh_dir("robust_record_duration");
  const auto out = dir / "session";
  const auto r = testing::run_facetwitch({"record", still.string(), "--loop", "--out", out.string(), "--duration", "2",
                                          "--quiet", "--no-history"});
  EXPECT_EQ(r.exit_code, 0) << r.err;
  auto s = read_summary_json(out / "summary.json");
  ASSERT_TRUE(s.ok());
  EXPECT_FALSE(s->partial) << s->partial_reason;
  // Something was recorded (how many frames the analysis keeps up with depends on the machine's load:
  // 20 of the 2 s under a load average of 8).
  EXPECT_GT(s->frames, 0);
}

// A file-size limit (ulimit -f, as a shell sets it) stops the writes with SIGXFSZ: facetwitch ignores the
// signal, so the write fails with EFBIG and is reported as a full disk (exit 5), not killed by it.
TEST(RobustSignals, FileSizeLimitDuringAnalyseIsReportedAsAFullDisk) {
  const auto video = long_still_video();
  REQUIRE_VIDEO(video);
  const auto dir = fresh_dir("robust_sigxfsz");
  const auto out = dir / "session";
  std::string log;
  // 64 KiB: frames.csv reaches it after a few hundred rows.
  const int code = run_with_file_limit(64, {"analyse", video.string(), "--out", out.string(), "--quiet", "--no-history"}, &log);
  EXPECT_EQ(code, 5) << log;
  EXPECT_TRUE(contains(log, "cannot write to '" + (out / "frames.csv").string() + "': File too large (is the disk full?)"))
      << log;
  EXPECT_TRUE(fs::exists(out / "frames.csv"));
}

// After that write error the session is closed as far as it was written: summary.json final (not the
// "in progress" one written while running), marked partial with the error as its reason, counting
// exactly the rows frames.csv holds; the message says where the results are and what to do. Before:
// summary.json stayed "in progress", its frame count that of its last refresh (a multiple of 5 s).
TEST(RobustSignals, WriteErrorDuringAnalyseLeavesAFinalPartialSummary) {
  const auto video = long_still_video();
  REQUIRE_VIDEO(video);
  const auto dir = fresh_dir("robust_write_error_summary");
  const auto out = dir / "session";
  std::string log;
  const int code = run_with_file_limit(64, {"analyse", video.string(), "--out", out.string(), "--quiet", "--no-history"}, &log);
  EXPECT_EQ(code, 5) << log;
  EXPECT_TRUE(contains(log, "File too large (is the disk full?): the ")) << log;
  EXPECT_TRUE(contains(log, "are kept in " + out.string() + ", marked partial in summary.json")) << log;
  EXPECT_TRUE(contains(log, "free some disk space")) << log;
  const auto stopped = expect_stopped_by_write_error(out, 30);
  ASSERT_TRUE(stopped);
  const SessionSummary& s = stopped->summary;
  EXPECT_TRUE(contains(s.partial_reason, "writing stopped: cannot write to")) << s.partial_reason;
  EXPECT_LT(s.frames, 1800);
  EXPECT_NEAR(s.duration_s, stopped->frames.rows.back().metrics.t + 1.0 / 30.0, 0.05);
  // No temporary left behind.
  for (const auto& e : fs::directory_iterator(out)) {
    const std::string f = e.path().filename().string();
    EXPECT_TRUE(f == "frames.csv" || f == "episodes.csv" || f == "summary.json") << f;
  }
}

// The same limit during a live recording (`facetwitch record`, the paced file standing in for a camera;
// issue 13): whichever file reaches it first (the video or frames.csv), the recording stops with exit 5
// and a message that names the error, says where what was recorded is kept and what to do; the session
// is closed as far as it was written (summary.json final and partial, counting the rows frames.csv
// holds), not left "in progress".
TEST(RobustSignals, WriteErrorDuringARecordingLeavesAFinalPartialSession) {
  const auto still = still_face_video();
  REQUIRE_VIDEO(still);
  const auto dir = fresh_dir("robust_record_write_error");
  const auto out = dir / "session";
  std::string log;
  const int code = run_with_file_limit(
      128, {"record", still.string(), "--loop", "--out", out.string(), "--duration", "60", "--quiet", "--no-history"}, &log);
  EXPECT_EQ(code, 5) << log;
  EXPECT_TRUE(contains(log, "recording stopped: ")) << log;
  EXPECT_TRUE(contains(log, "File too large")) << log;
  EXPECT_TRUE(contains(log, "What was recorded until then is kept in " + out.string())) << log;
  EXPECT_TRUE(contains(log, "free some disk space")) << log;
  const auto stopped = expect_stopped_by_write_error(out, 10);
  ASSERT_TRUE(stopped);
  EXPECT_LT(stopped->summary.duration_s, 60.0);
}

}  // namespace
}  // namespace ft
