// recording_date_test.cpp: when a video was recorded (capture/recording_date.hpp): the creation_time
// tag in its forms, the container's creation time of MP4, MOV and Matroska files made by ffmpeg at
// test time with -metadata creation_time (skipped without ffmpeg), and the fallback to the file's
// modification time.
#include <gtest/gtest.h>

#include <sys/time.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <string>

#include "capture/recording_date.hpp"

namespace ft {
namespace {

namespace fs = std::filesystem;

fs::path fresh(const std::string& name) {
  const fs::path dir = fs::path(FT_TEST_BINARY_DIR) / "test-out" / "recording_date" / name;
  fs::remove_all(dir);
  fs::create_directories(dir);
  return dir;
}

bool have_ffmpeg() { return std::system("ffmpeg -version >/dev/null 2>&1") == 0; }

// A 1-s test-pattern video at `out`; `creation_time` as its metadata unless empty.
bool make_video(const fs::path& out, const std::string& creation_time) {
  std::string cmd = "ffmpeg -nostdin -y -v error -f lavfi -i testsrc=size=64x48:rate=5 -t 1";
  if (!creation_time.empty()) cmd += " -metadata creation_time=" + creation_time;
  cmd += " '";
  cmd += out.string();
  cmd += "'";
  return std::system(cmd.c_str()) == 0 && fs::exists(out);
}

void set_mtime(const fs::path& f, std::time_t t) {
  const struct timeval tv[2] = {{t, 0}, {t, 0}};
  ASSERT_EQ(::utimes(f.c_str(), tv), 0);
}

TEST(RecordingDate, CreationTimeTagForms) {
  EXPECT_EQ(normalise_creation_time("2026-10-01T09:30:00.000000Z"), "2026-10-01T09:30:00Z");
  EXPECT_EQ(normalise_creation_time("2026-10-01T09:30:00Z"), "2026-10-01T09:30:00Z");
  EXPECT_EQ(normalise_creation_time("2026-10-01 09:30:00"), "2026-10-01T09:30:00Z");
  EXPECT_EQ(normalise_creation_time("2026-10-01T23:59:59.5"), "2026-10-01T23:59:59Z");
  // No clock in the camera: 0 seconds since 1904 or 1970.
  EXPECT_FALSE(normalise_creation_time("1904-01-01T00:00:00.000000Z"));
  EXPECT_FALSE(normalise_creation_time("1970-01-01T00:00:00.000000Z"));
  EXPECT_FALSE(normalise_creation_time(""));
  EXPECT_FALSE(normalise_creation_time("yesterday"));
  EXPECT_FALSE(normalise_creation_time("2026-13-01T09:30:00Z"));
  EXPECT_FALSE(normalise_creation_time("2026-10-01T09:30:00+02:00"));
}

TEST(RecordingDate, IsoUtc) {
  EXPECT_EQ(iso_utc(0), "1970-01-01T00:00:00Z");
  EXPECT_EQ(iso_utc(1790847000), "2026-10-01T09:30:00Z");
}

TEST(RecordingDate, ContainerCreationTimeOfMp4MovAndMkv) {
  if (!have_ffmpeg()) GTEST_SKIP() << "ffmpeg is not installed";
  const fs::path dir = fresh("containers");
  for (const char* ext : {"mp4", "mov", "mkv"}) {
    const fs::path v = dir / (std::string("clip.") + ext);
    ASSERT_TRUE(make_video(v, "2026-10-01T09:30:00Z")) << ext;
    set_mtime(v, 1796000000);  // 2026-11-30: the metadata wins over the file time
    EXPECT_EQ(video_creation_time(v), "2026-10-01T09:30:00Z") << ext;
    const RecordingDate d = video_recording_date(v);
    EXPECT_EQ(d.utc, "2026-10-01T09:30:00Z") << ext;
    EXPECT_EQ(d.source, kRecordedFromMetadata) << ext;
  }
}

TEST(RecordingDate, FallsBackToTheFileTime) {
  if (!have_ffmpeg()) GTEST_SKIP() << "ffmpeg is not installed";
  const fs::path dir = fresh("fallback");
  const fs::path v = dir / "no_metadata.mp4";
  ASSERT_TRUE(make_video(v, ""));
  set_mtime(v, 1790847000);
  EXPECT_FALSE(video_creation_time(v));
  const RecordingDate d = video_recording_date(v);
  EXPECT_EQ(d.utc, "2026-10-01T09:30:00Z");
  EXPECT_EQ(d.source, kRecordedFromFileTime);

  // Not a video at all: the file time too.
  const fs::path txt = dir / "notes.txt";
  std::ofstream(txt) << "not a video";
  set_mtime(txt, 1790847000);
  EXPECT_EQ(video_recording_date(txt).source, kRecordedFromFileTime);

  // Nothing there: nothing known.
  const RecordingDate none = video_recording_date(dir / "missing.mp4");
  EXPECT_EQ(none.utc, "");
  EXPECT_EQ(none.source, "");
}

}  // namespace
}  // namespace ft
