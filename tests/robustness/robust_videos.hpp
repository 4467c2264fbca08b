// robust_videos.hpp: the inputs of the robustness tests, all made from the synth generator's videos of
// the astronaut portrait: a still face (no twitch, no blink), re-encoded by Debian's ffmpeg into every
// kind of awkward file (4K, 160x120, grayscale, variable frame rate, rotation metadata, a cover over
// the mouth...), truncated or corrupted. Cached next to the synth videos (<cache>/test-data/) and made
// again when the source video is newer. Also: running facetwitch as a child process that the test can
// kill, or with a file-size limit standing in for a full disk.
#pragma once

#include <sys/types.h>

#include <cstdint>
#include <filesystem>
#include <string>
#include <vector>

#include "io/session.hpp"
#include "support/test_videos.hpp"

// Skips the test when the synth videos could not be made (the astronaut photo is missing).
#define REQUIRE_VIDEO(v) \
  if ((v).empty()) GTEST_SKIP() << "no test video (run scripts/setup.sh)"

namespace ft::testing {

// A still face, 640x480 at 30 fps, `seconds` long (no twitch, no blink, no smile; sensor noise only):
// anything measured on it as a twitch is invented. Empty path when the photo is missing (skip).
std::filesystem::path still_face_video(double seconds = 4.0);

// `from` re-encoded by `ffmpeg -i from <args> out`; cached as <dir of from>/derived/<name>.
// Fails the test (empty path) when ffmpeg fails.
std::filesystem::path derived_video(const std::string& name, const std::filesystem::path& from,
                                    const std::vector<std::string>& ffmpeg_args);

// Runs a program (argv[0] looked up in PATH) and waits; returns its exit code (-1: killed / not run).
int run_program(const std::vector<std::string>& argv, std::string* output = nullptr);

// Starts facetwitch with `args`, stdout and stderr to files in `log_dir` (out.txt, err.txt). When
// `file_size_limit` > 0 the child runs with RLIMIT_FSIZE at that many bytes and SIGXFSZ ignored (it
// and its ffmpeg see EFBIG, as on a full disk). Returns the child's pid.
pid_t spawn_facetwitch(const std::vector<std::string>& args, const std::filesystem::path& log_dir,
                       std::int64_t file_size_limit = 0);
// Waits for the child at most `timeout_s`; kills it (SIGKILL) past that. Exit code, or -1 if killed.
int wait_child(pid_t pid, double timeout_s);

std::string slurp_text(const std::filesystem::path& path);

// Does `text` hold `what`? (The messages and files the robustness tests look into.)
inline bool contains(const std::string& text, const std::string& what) { return text.find(what) != std::string::npos; }

// What a video file really holds, decoded by OpenCV: frames and the last frame's time (s).
struct DecodedVideo {
  bool opened = false;
  std::int64_t frames = 0;
  double last_t = -1.0;  // (frames - 1) / the declared rate
  int width = 0, height = 0;
};
DecodedVideo decode_video(const std::filesystem::path& path);

// `facetwitch analyse video --out out --quiet [extra]`.
CommandResult analyse(const std::filesystem::path& video, const std::filesystem::path& out,
                      const std::vector<std::string>& extra = {});

// Counts of frames.csv rows by quality over [t0, t1).
struct QualityCounts {
  std::int64_t rows = 0, ok = 0, no_face = 0, flagged = 0;  // flagged: any flag (no_face included)
};
QualityCounts count_quality(const FramesCsvContents& frames, double t0 = -1e9, double t1 = 1e9);

}  // namespace ft::testing
