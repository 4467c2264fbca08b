// input_test.cpp: robustness of `facetwitch analyse` against bad and awkward input files (issue 6,
// docs/ROBUSTNESS.md): each case checks the exit code, that the message names the problem and says
// what to do, that partial results are kept and marked, and that nothing is invented (no episode on a
// still face).
#include <chrono>
#include <cstdint>
#include <fstream>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include <gtest/gtest.h>

#include "core/measurements.hpp"
#include "io/session.hpp"
#include "robustness/robust_videos.hpp"

namespace ft {
namespace {

namespace fs = std::filesystem;
using testing::analyse;
using testing::derived_video;
using testing::fresh_dir;
using testing::still_face_video;

using testing::contains;

// A successful analysis of a still face: every frame read, the face found, nothing invented.
void expect_still_face_measured(const fs::path& out, std::int64_t frames, double min_face_fraction = 0.9) {
  auto s = read_summary_json(out / "summary.json");
  ASSERT_TRUE(s.ok()) << s.error().message;
  EXPECT_FALSE(s->partial) << s->partial_reason;
  EXPECT_EQ(s->frames, frames);
  EXPECT_GE(static_cast<double>(s->frames_with_face), min_face_fraction * static_cast<double>(frames));
  EXPECT_GE(static_cast<double>(s->frames_good_quality), min_face_fraction * static_cast<double>(frames));
  EXPECT_EQ(s->episodes.size(), 0u) << "twitches invented on a still face";
}

// Analyses `video` into a fresh folder and checks it as above, and the frame size when given.
void expect_analysed_as_still(const fs::path& video, const std::string& out_name, std::int64_t frames, int width = 0,
                              int height = 0) {
  ASSERT_FALSE(video.empty());
  const auto out = fresh_dir(out_name);
  const auto r = analyse(video, out);
  ASSERT_EQ(r.exit_code, 0) << r.err;
  expect_still_face_measured(out, frames);
  if (width > 0) {
    auto s = read_summary_json(out / "summary.json");
    ASSERT_TRUE(s.ok());
    EXPECT_EQ(s->width, width);
    EXPECT_EQ(s->height, height);
  }
}

// A partial result (exit code 3) in `out`: the message names each of `says` and says the results are
// kept "marked partial"; summary.json is partial with `reason` in its reason. Returns the summary
// (nothing when summary.json cannot be read, which fails the test).
std::optional<SessionSummary> expect_partial(const testing::CommandResult& r, const fs::path& out,
                                             const std::vector<std::string>& says, const std::string& reason) {
  EXPECT_EQ(r.exit_code, 3) << r.err;
  for (const std::string& part : says) EXPECT_TRUE(contains(r.err, part)) << r.err;
  EXPECT_TRUE(contains(r.err, "marked partial")) << r.err;
  auto s = read_summary_json(out / "summary.json");
  EXPECT_TRUE(s.ok());
  if (!s.ok()) return std::nullopt;
  EXPECT_TRUE(s->partial);
  EXPECT_TRUE(contains(s->partial_reason, reason)) << s->partial_reason;
  return std::move(s.value());
}

// ---- Files that are not videos, or not whole ones.

TEST(RobustInput, MissingPathNamesItAndSaysCheckThePath) {
  const auto out = fresh_dir("robust_missing");
  const auto r = analyse("/nonexistent/sé ance/where.mp4", out);
  EXPECT_EQ(r.exit_code, 3);
  EXPECT_TRUE(contains(r.err, "/nonexistent/sé ance/where.mp4")) << r.err;
  EXPECT_TRUE(contains(r.err, "not found")) << r.err;
  EXPECT_TRUE(contains(r.err, "check the path")) << r.err;
  EXPECT_FALSE(fs::exists(out / "summary.json"));
}

TEST(RobustInput, FolderInsteadOfFileIsRefused) {
  const auto dir = fresh_dir("robust_folder");
  fs::create_directories(dir / "clip.mp4");
  const auto r = analyse(dir / "clip.mp4", dir / "out");
  EXPECT_EQ(r.exit_code, 3);
  EXPECT_TRUE(contains(r.err, "is a folder")) << r.err;
  EXPECT_TRUE(contains(r.err, "pass a video file")) << r.err;
}

TEST(RobustInput, ZeroByteFileIsEmpty) {
  const auto dir = fresh_dir("robust_zero");
  fs::create_directories(dir);
  std::ofstream(dir / "empty.mp4").close();
  const auto r = analyse(dir / "empty.mp4", dir / "out");
  EXPECT_EQ(r.exit_code, 3);
  EXPECT_TRUE(contains(r.err, "empty (0 bytes)")) << r.err;
  EXPECT_TRUE(contains(r.err, "recorded or copied completely")) << r.err;
}

TEST(RobustInput, TextFileNamedMp4CannotBeDecoded) {
  const auto dir = fresh_dir("robust_text");
  fs::create_directories(dir);
  std::ofstream(dir / "notes.mp4") << "shopping list: milk, eggs\n";
  const auto r = analyse(dir / "notes.mp4", dir / "out");
  EXPECT_EQ(r.exit_code, 3);
  EXPECT_TRUE(contains(r.err, "notes.mp4' could not be decoded")) << r.err;
  EXPECT_TRUE(contains(r.err, "re-encoding")) << r.err;
}

// Cut in the middle of the data (fragmented MP4, as facetwitch records, and a "faststart" MP4 with its
// index first): the frames before the cut are analysed and kept, marked partial, exit code 3.
TEST(RobustInput, TruncatedMp4KeepsTheFramesBeforeTheCutMarkedPartial) {
  const auto still = still_face_video();
  REQUIRE_VIDEO(still);
  const auto faststart = derived_video("faststart.mp4", still, {"-c", "copy", "-movflags", "+faststart"});
  ASSERT_FALSE(faststart.empty());
  for (const fs::path& whole : {still, faststart}) {
    SCOPED_TRACE(whole.string());
    const auto dir = fresh_dir("robust_truncated");
    fs::create_directories(dir);
    const auto cut = dir / "cut.mp4";
    fs::copy_file(whole, cut);
    fs::resize_file(cut, fs::file_size(whole) / 2);
    const auto s = expect_partial(analyse(cut, dir / "out"), dir / "out", {"appears truncated or corrupt"}, "truncated");
    ASSERT_TRUE(s);
    EXPECT_GT(s->frames, 20);
    EXPECT_LT(s->frames, 120);
    EXPECT_EQ(s->episodes.size(), 0u);
    auto frames = read_frames_csv(dir / "out" / "frames.csv");
    ASSERT_TRUE(frames.ok());
    EXPECT_EQ(static_cast<std::int64_t>(frames->rows.size()), s->frames);
  }
}

// An MP4 whose index (moov, at the end) was cut off cannot be opened at all.
TEST(RobustInput, TruncatedMp4WithoutItsIndexIsAnInputError) {
  const auto still = still_face_video();
  REQUIRE_VIDEO(still);
  const auto plain = derived_video("plain.mp4", still, {"-c", "copy"});
  ASSERT_FALSE(plain.empty());
  const auto dir = fresh_dir("robust_truncated_moov");
  fs::create_directories(dir);
  fs::copy_file(plain, dir / "cut.mp4");
  fs::resize_file(dir / "cut.mp4", fs::file_size(plain) / 2);
  const auto r = analyse(dir / "cut.mp4", dir / "out");
  EXPECT_EQ(r.exit_code, 3);
  EXPECT_TRUE(contains(r.err, "could not be decoded")) << r.err;
  EXPECT_TRUE(contains(r.err, "is it complete?")) << r.err;
}

// Damage that shrinks what the container declares (issue 13): random bytes over the header of the
// fragmented MP4's second fragment (its "moof" box) end the demuxer's stream there without an error, and
// the frame count and duration OpenCV reports shrink with it (60 of 120 frames, 2 of 4 s, "complete").
// FFmpeg's packets then account for half of the file's bytes: the frames before the damage are kept,
// marked partial with the truncated file's message, exit code 3.
TEST(RobustInput, DamagedFragmentHeaderIsMarkedPartialNotACompleteShortVideo) {
  const auto still = still_face_video();
  REQUIRE_VIDEO(still);
  const std::string whole = testing::slurp_text(still);
  std::vector<std::size_t> moofs;  // box starts (the size field, 4 bytes before the type)
  for (auto p = whole.find("moof"); p != std::string::npos; p = whole.find("moof", p + 4)) moofs.push_back(p - 4);
  ASSERT_GE(moofs.size(), 2u) << "the still video is expected to be a fragmented MP4";
  struct Case {
    const char* name;
    std::size_t bytes;
  };
  // 584 bytes: one fragment header and a little more; 256 KiB: a block of random bytes in the middle.
  for (const Case c : {Case{"fragment_header.mp4", 584}, Case{"random_block.mp4", 256 * 1024}}) {
    SCOPED_TRACE(c.name);
    std::string bytes = whole;
    std::uint32_t x = 12345;  // a fixed xorshift sequence: the same damage every run
    for (std::size_t i = 0; i < c.bytes && moofs[1] + i < bytes.size(); ++i) {
      x ^= x << 13;
      x ^= x >> 17;
      x ^= x << 5;
      bytes[moofs[1] + i] = static_cast<char>(x & 0xff);
    }
    const auto dir = fresh_dir("robust_damaged_fragment");
    fs::create_directories(dir);
    std::ofstream(dir / c.name, std::ios::binary) << bytes;
    const auto s = expect_partial(analyse(dir / c.name, dir / "out"), dir / "out",
                                  {c.name, "appears truncated or corrupt", "into the file"}, "truncated");
    ASSERT_TRUE(s);
    EXPECT_GT(s->frames, 20);
    EXPECT_LE(s->frames, 60);
    EXPECT_EQ(s->episodes.size(), 0u);
  }
}

// Random bytes over frame data, not a header (issue 13): the stream keeps its length, and the decoder
// conceals the damage (fills the broken macroblocks in from the frame before) and returns the frames as
// if nothing happened; only its log says "error while decoding MB 0 21, bytestream 5042". 64 bytes at
// the middle of the still video's first fragment hit the P frame at 0.93 s; the frames predicted from it
// carry the concealment on to the next key frame (2.00 s). Those frames are flagged `damaged` (not
// measured, the reason on the terminal); the frames well before the damage and from the key frame on
// are measured as usual, and the result is complete (exit code 0).
TEST(RobustInput, DamagedFrameDataIsFlaggedDamagedNotMeasured) {
  const auto still = still_face_video();
  REQUIRE_VIDEO(still);
  std::string bytes = testing::slurp_text(still);
  const auto mdat = bytes.find("mdat");
  ASSERT_NE(mdat, std::string::npos);
  const auto be32 = [&](std::size_t at) {
    std::uint32_t v = 0;
    for (std::size_t i = 0; i < 4; ++i) v = (v << 8) | static_cast<unsigned char>(bytes[at + i]);
    return v;
  };
  const std::size_t payload = be32(mdat - 4) - 8;
  std::uint32_t x = 12345;  // a fixed xorshift sequence: the same damage every run
  for (std::size_t i = 0; i < 64; ++i) {
    x ^= x << 13;
    x ^= x >> 17;
    x ^= x << 5;
    bytes[mdat + 4 + payload / 2 + i] = static_cast<char>(x & 0xff);
  }
  const auto dir = fresh_dir("robust_damaged_frames");
  fs::create_directories(dir);
  std::ofstream(dir / "damaged frames.mp4", std::ios::binary) << bytes;
  const auto r = analyse(dir / "damaged frames.mp4", dir / "out");
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_TRUE(contains(r.out, "frames: damaged in the file (the decoder reported errors")) << r.out;
  auto frames = read_frames_csv(dir / "out" / "frames.csv");
  ASSERT_TRUE(frames.ok());
  ASSERT_EQ(frames->rows.size(), 120u);
  std::int64_t damaged = 0;
  for (const auto& row : frames->rows) {
    const double t = row.metrics.t;
    const bool flagged = (row.metrics.quality & kQualityDamaged) != 0;
    damaged += flagged ? 1 : 0;
    if (t > 0.9 && t < 1.95) {
      EXPECT_TRUE(flagged) << "t " << t << " (the damaged frame or one predicted from it)";
    } else if (t < 0.4 || t > 2.01) {
      EXPECT_FALSE(flagged) << "t " << t;
    }
  }
  EXPECT_GE(damaged, 30);
  auto s = read_summary_json(dir / "out" / "summary.json");
  ASSERT_TRUE(s.ok());
  EXPECT_FALSE(s->partial);
  EXPECT_LE(s->frames_good_quality, 120 - damaged);
  EXPECT_EQ(s->episodes.size(), 0u);
}

// An index that declares far more frames than the file holds (issue 13; fuzz_video_file's "slow unit":
// an 8.8 KB fragmented MP4 whose fragment header declares 33,882,117 frames took 11 s and 1.2 GB while
// FFmpeg's MP4 demuxer built its index). The same damage in the fragment header (trun) of the still
// video, and in the sample table (stsz, constant sample size) of a plain MP4: refused before FFmpeg opens
// the file, exit code 3, the message says what is wrong and what to do. The undamaged file is analysed.
TEST(RobustInput, IndexDeclaringMoreFramesThanTheFileHoldsIsRefusedAtOnce) {
  const auto still = still_face_video();
  REQUIRE_VIDEO(still);
  const auto plain = derived_video("plain.mp4", still, {"-c", "copy"});
  ASSERT_FALSE(plain.empty());
  const auto put32 = [](std::string& bytes, std::size_t at, std::uint32_t v) {
    for (int i = 0; i < 4; ++i) bytes[at + static_cast<std::size_t>(i)] = static_cast<char>((v >> (24 - 8 * i)) & 0xff);
  };
  struct Case {
    fs::path from;
    const char* box;      // the box to damage (its first occurrence)
    std::size_t field;    // the damaged field's offset from the box's type
    std::uint32_t value;  // 33,882,117 frames declared; a constant sample size (stsz) of 517 bytes
    std::size_t field2 = 0;
    std::uint32_t value2 = 0;
  };
  for (const Case& c : {Case{still, "trun", 8, 33882117}, Case{plain, "stsz", 12, 33882117, 8, 517}}) {
    SCOPED_TRACE(c.box);
    std::string bytes = testing::slurp_text(c.from);
    const auto box = bytes.find(c.box);
    ASSERT_NE(box, std::string::npos);
    put32(bytes, box + c.field, c.value);
    if (c.field2 > 0) put32(bytes, box + c.field2, c.value2);
    const auto dir = fresh_dir("robust_huge_index");
    fs::create_directories(dir);
    const auto damaged = dir / "huge index.mp4";
    std::ofstream(damaged, std::ios::binary) << bytes;
    const auto start = std::chrono::steady_clock::now();
    const auto r = analyse(damaged, dir / "out");
    const double took = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    EXPECT_EQ(r.exit_code, 3) << r.err;
    EXPECT_TRUE(contains(r.err, "huge index.mp4' is damaged: its index declares 3388")) << r.err;
    EXPECT_TRUE(contains(r.err, std::string("frames (") + c.box + " box) in a file of " + std::to_string(bytes.size()) +
                                    " bytes"))
        << r.err;
    EXPECT_TRUE(contains(r.err, "copy it again from the original")) << r.err;
    EXPECT_FALSE(fs::exists(dir / "out" / "summary.json"));
    EXPECT_LT(took, 20.0) << "a generous bound: the refusal takes about as long as starting facetwitch";
  }
  expect_analysed_as_still(still, "robust_huge_index_undamaged", 120);
}

// A video whose frame size changes partway through (two recordings joined without re-encoding, as the
// concat demuxer does; issue 13): OpenCV 4.6 returns pictures of the first size after the change, and
// says nothing. To 1280x960 it cannot convert them and returns the last picture again and again; to
// 648x480 it returns the left 640 columns of the new picture (stretched by 648/640, cropped); to 320x240
// a garbled picture (the small one repeated across the rows, the rest left from before). Each was
// analysed as a complete, "100% measurable" video. The analysis stops at the change, keeps the frames
// before it marked partial, exit code 3, and the message names the time, both sizes and an ffmpeg
// command that makes one size.
TEST(RobustInput, FrameSizeChangeMidStreamStopsThereMarkedPartial) {
  const auto still = still_face_video();
  REQUIRE_VIDEO(still);
  const auto first = derived_video("first_2s_640.mp4", still, {"-t", "2", "-c:v", "libx264", "-crf", "18"});
  ASSERT_FALSE(first.empty());
  for (const std::string size : {"1280x960", "648x480", "320x240"}) {
    std::string scale = size;
    scale[scale.find('x')] = ':';
    const auto second = derived_video("last_2s_" + size.substr(0, size.find('x')) + ".mp4", still,
                                      {"-ss", "2", "-vf", "scale=" + scale, "-c:v", "libx264", "-crf", "18"});
    ASSERT_FALSE(second.empty());
    for (const std::string ext : {"mp4", "mkv"}) {
      SCOPED_TRACE(size + " " + ext);
      const auto dir = fresh_dir("robust_size_change_" + ext);
      fs::create_directories(dir);
      std::ofstream(dir / "parts.txt") << "file '" << first.string() << "'\nfile '" << second.string() << "'\n";
      const auto joined = dir / ("joined." + ext);
      std::string log;
      ASSERT_EQ(testing::run_program({"ffmpeg", "-nostdin", "-y", "-v", "error", "-f", "concat", "-safe", "0", "-i",
                                      (dir / "parts.txt").string(), "-c", "copy", joined.string()},
                                     &log),
                0)
          << log;
      const auto s = expect_partial(analyse(joined, dir / "out"), dir / "out",
                                    {"joined." + ext, "changes its frame size at 2.00 s", "from 640x480 to " + size,
                                     "ffmpeg -i"},
                                    "changes its frame size");
      ASSERT_TRUE(s);
      EXPECT_GE(s->frames, 50);
      EXPECT_LE(s->frames, 60);
      EXPECT_EQ(s->width, 640);
      auto frames = read_frames_csv(dir / "out" / "frames.csv");
      ASSERT_TRUE(frames.ok());
      EXPECT_EQ(static_cast<std::int64_t>(frames->rows.size()), s->frames);
    }
  }
}

// A stream whose codec no decoder knows (the sample entry's four-character code overwritten).
TEST(RobustInput, UndecodableCodecIsAnInputError) {
  const auto still = still_face_video();
  REQUIRE_VIDEO(still);
  const auto dir = fresh_dir("robust_codec");
  fs::create_directories(dir);
  std::string bytes = testing::slurp_text(still);
  std::size_t n = 0;
  for (auto p = bytes.find("avc1"); p != std::string::npos; p = bytes.find("avc1", p + 4), ++n) bytes.replace(p, 4, "zq9x");
  ASSERT_GT(n, 0u);
  std::ofstream(dir / "odd codec.mp4", std::ios::binary) << bytes;
  const auto r = analyse(dir / "odd codec.mp4", dir / "out");
  EXPECT_EQ(r.exit_code, 3);
  EXPECT_TRUE(contains(r.err, "odd codec.mp4' could not be decoded")) << r.err;
  EXPECT_TRUE(contains(r.err, "ffmpeg -i")) << r.err;
}

// ---- Output folders and names.

TEST(RobustInput, ExistingOutputFolderIsNeverOverwrittenSilently) {
  const auto still = still_face_video();
  REQUIRE_VIDEO(still);
  const auto dir = fresh_dir("robust_existing");
  const auto out = dir / "résultats été";
  fs::create_directories(dir);
  ASSERT_EQ(analyse(still, out).exit_code, 0);
  const auto before = fs::last_write_time(out / "summary.json");
  const auto r = analyse(still, out);
  EXPECT_EQ(r.exit_code, 5);
  EXPECT_TRUE(contains(r.err, "--force")) << r.err;
  EXPECT_TRUE(contains(r.err, out.string())) << r.err;
  EXPECT_EQ(fs::last_write_time(out / "summary.json"), before);
  const auto r2 = analyse(still, out, {"--force"});
  EXPECT_EQ(r2.exit_code, 0) << r2.err;
}

TEST(RobustInput, PathsWithSpacesAndNonAsciiCharacters) {
  const auto still = still_face_video();
  REQUIRE_VIDEO(still);
  const auto dir = fresh_dir("robust_names") / "séance d'été 2";
  fs::create_directories(dir);
  fs::copy_file(still, dir / "clip ünïcode 日本.mp4");
  const auto out = dir / "sortie à part";
  const auto r = analyse(dir / "clip ünïcode 日本.mp4", out);
  ASSERT_EQ(r.exit_code, 0) << r.err;
  expect_still_face_measured(out, 120);
  auto s = read_summary_json(out / "summary.json");
  ASSERT_TRUE(s.ok());
  EXPECT_TRUE(contains(s->video, "clip ünïcode 日本.mp4")) << s->video;
}

// ---- Unusual but valid videos: analysed like any other.

TEST(RobustInput, VeryLargeFrames4K) {
  const auto still = still_face_video();
  REQUIRE_VIDEO(still);
  const auto v = derived_video("uhd.mp4", still,
                               {"-t", "1", "-vf", "scale=-2:2160,pad=3840:2160:(ow-iw)/2:0", "-c:v", "libx264", "-preset",
                                "ultrafast", "-crf", "18"});
  expect_analysed_as_still(v, "robust_4k", 30, 3840, 2160);
}

// 160x120: the face (~45 px) is below what the detector finds: nothing measured, nothing invented,
// and the output says why and what to do.
TEST(RobustInput, TinyFramesSayTheFaceIsNotFoundAndWhy) {
  const auto still = still_face_video();
  REQUIRE_VIDEO(still);
  const auto v = derived_video("tiny.mp4", still, {"-vf", "scale=160:120", "-c:v", "libx264", "-crf", "18"});
  ASSERT_FALSE(v.empty());
  const auto out = fresh_dir("robust_tiny");
  const auto r = analyse(v, out);
  ASSERT_EQ(r.exit_code, 6) << r.err;  // nothing measured
  auto s = read_summary_json(out / "summary.json");
  ASSERT_TRUE(s.ok());
  EXPECT_EQ(s->frames, 120);
  EXPECT_EQ(s->frames_good_quality, 0);
  EXPECT_EQ(s->episodes.size(), 0u);
  EXPECT_TRUE(contains(r.err, "no face found in any frame")) << r.err;
  EXPECT_TRUE(contains(r.err, "at least ~80 pixels wide")) << r.err;
  EXPECT_TRUE(contains(r.out, "measurement paused in 120 of 120 frames")) << r.out;
}

TEST(RobustInput, GrayscaleVideo) {
  const auto still = still_face_video();
  REQUIRE_VIDEO(still);
  const auto v = derived_video("gray.mp4", still, {"-pix_fmt", "gray", "-c:v", "libx264", "-crf", "16"});
  expect_analysed_as_still(v, "robust_gray", 120);
}

// Every 4th frame dropped with the others keeping their times: rates come from timestamps.
TEST(RobustInput, VariableFrameRate) {
  const auto still = still_face_video();
  REQUIRE_VIDEO(still);
  const auto v = derived_video("vfr.mp4", still,
                               {"-vf", "select='not(eq(mod(n\\,4)\\,1))+lt(n\\,2)'", "-fps_mode", "vfr", "-c:v", "libx264",
                                "-crf", "16"});
  ASSERT_FALSE(v.empty());
  const auto out = fresh_dir("robust_vfr");
  const auto r = analyse(v, out);
  ASSERT_EQ(r.exit_code, 0) << r.err;
  auto s = read_summary_json(out / "summary.json");
  ASSERT_TRUE(s.ok());
  EXPECT_EQ(s->frames, 91);
  EXPECT_NEAR(s->duration_s, 4.0, 0.05);  // not 91 / 30 = 3.03 s
  EXPECT_NEAR(s->fps, 91.0 / 4.0, 0.5);
  EXPECT_EQ(s->episodes.size(), 0u);
  auto frames = read_frames_csv(out / "frames.csv");
  ASSERT_TRUE(frames.ok());
  double max_gap = 0;
  for (std::size_t i = 1; i < frames->rows.size(); ++i)
    max_gap = std::max(max_gap, frames->rows[i].metrics.t - frames->rows[i - 1].metrics.t);
  EXPECT_NEAR(max_gap, 2.0 / 30.0, 0.005);  // the dropped frames leave their gap in the times
}

// Phone videos: the picture stored sideways (both ways), with the rotation that turns it upright in the
// container's metadata, as ffmpeg shows it.
TEST(RobustInput, PhoneVideoWithRotationMetadataIsTurnedUpright) {
  const auto still = still_face_video();
  REQUIRE_VIDEO(still);
  struct Case {
    const char* name;
    const char* transpose;
    const char* rotate;
  };
  for (const Case c : {Case{"rotated90.mp4", "transpose=1", "rotate=90"}, Case{"rotated270.mp4", "transpose=2", "rotate=270"},
                       Case{"rotated180.mp4", "hflip,vflip", "rotate=180"}}) {
    SCOPED_TRACE(c.name);
    const auto sideways = derived_video(std::string("raw_") + c.name, still, {"-vf", c.transpose, "-c:v", "libx264", "-crf", "16"});
    ASSERT_FALSE(sideways.empty());
    const auto v = derived_video(c.name, sideways, {"-c", "copy", "-metadata:s:v:0", c.rotate});
    expect_analysed_as_still(v, "robust_rotated", 120, 640, 480);
  }
}

TEST(RobustInput, HighFrameRates60And120) {
  for (const double fps : {60.0, 120.0}) {
    Scenario sc;
    sc.duration_s = 1.5;
    sc.fps = fps;
    sc.face_scale = 2.2;
    sc.seed = 12;
    std::string why;
    auto dir = testing::ensure_video("robust_fps" + std::to_string(static_cast<int>(fps)), sc, &why);
    if (!dir) GTEST_SKIP() << why;
    const auto out = fresh_dir("robust_fps");
    const auto r = analyse(*dir / "video.mp4", out);
    ASSERT_EQ(r.exit_code, 0) << r.err;
    expect_still_face_measured(out, static_cast<std::int64_t>(1.5 * fps));
    auto s = read_summary_json(out / "summary.json");
    EXPECT_NEAR(s->fps, fps, 0.5);
  }
}

}  // namespace
}  // namespace ft
