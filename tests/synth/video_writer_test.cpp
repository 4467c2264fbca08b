// video_writer_test.cpp: io/video_writer through the real ffmpeg: frame count and size read back,
// odd file names, and errors (missing folder, wrong frame size).
#include "io/video_writer.hpp"

#include <cstdlib>
#include <filesystem>

#include <gtest/gtest.h>
#include <opencv2/imgproc.hpp>
#include <opencv2/videoio.hpp>

namespace ft {
namespace {

namespace fs = std::filesystem;

fs::path fresh_dir(const std::string& name) {
  const fs::path d = fs::temp_directory_path() / ("facetwitch_vw_" + name);
  fs::remove_all(d);
  fs::create_directories(d);
  return d;
}

cv::Mat test_frame(int w, int h, int i) {
  cv::Mat f(h, w, CV_8UC3, cv::Scalar(40, 80, 120));
  cv::circle(f, {w / 4 + i * 3, h / 2}, 12, cv::Scalar(255, 255, 255), cv::FILLED);
  return f;
}

struct ReadBack {
  int frames = 0;
  int width = 0;
  int height = 0;
  double fps = 0.0;
};

ReadBack read_back(const fs::path& p) {
  ReadBack r;
  cv::VideoCapture cap(p.string());
  if (!cap.isOpened())
    return r;
  r.fps = cap.get(cv::CAP_PROP_FPS);
  cv::Mat f;
  while (cap.read(f)) {
    ++r.frames;
    r.width = f.cols;
    r.height = f.rows;
  }
  return r;
}

TEST(VideoWriter, WritesFramesThatReadBack) {
  const auto dir = fresh_dir("basic");
  const auto path = dir / "out.mp4";
  auto w = VideoWriter::open(path, 160, 120, 25.0);
  ASSERT_TRUE(w.ok()) << w.error().message;
  for (int i = 0; i < 17; ++i)
    ASSERT_TRUE((*w)->write(test_frame(160, 120, i)).ok());
  EXPECT_EQ((*w)->frames_written(), 17);
  auto st = (*w)->close();
  ASSERT_TRUE(st.ok()) << st.error().message;
  EXPECT_TRUE((*w)->close().ok());  // idempotent
  const ReadBack r = read_back(path);
  EXPECT_EQ(r.frames, 17);
  EXPECT_EQ(r.width, 160);
  EXPECT_EQ(r.height, 120);
  EXPECT_NEAR(r.fps, 25.0, 0.01);
  fs::remove_all(dir);
}

TEST(VideoWriter, HighQualityKeepsSmallDetail) {
  const auto dir = fresh_dir("quality");
  const auto path = dir / "q.mp4";
  cv::Mat frame(96, 128, CV_8UC3);
  cv::randu(frame, cv::Scalar::all(60), cv::Scalar::all(200));
  cv::GaussianBlur(frame, frame, {0, 0}, 1.5);
  {
    auto w = VideoWriter::open(path, 128, 96, 30.0);
    ASSERT_TRUE(w.ok());
    for (int i = 0; i < 5; ++i)
      ASSERT_TRUE((*w)->write(frame).ok());
    ASSERT_TRUE((*w)->close().ok());
  }
  cv::VideoCapture cap(path.string());
  cv::Mat back;
  ASSERT_TRUE(cap.read(back));
  cv::Mat diff;
  cv::absdiff(frame, back, diff);
  // Chroma subsampling costs a little; the mean error stays small at crf 14.
  EXPECT_LT(cv::mean(diff)[0], 4.0);
  fs::remove_all(dir);
}

TEST(VideoWriter, PathWithSpacesAndNonAscii) {
  const auto dir = fresh_dir("names") / "dossier avec espaces ü é 表情";
  fs::create_directories(dir);
  const auto path = dir / "vidéo de test.mp4";
  {
    auto w = VideoWriter::open(path, 64, 48, 30.0);
    ASSERT_TRUE(w.ok()) << w.error().message;
    for (int i = 0; i < 6; ++i)
      ASSERT_TRUE((*w)->write(test_frame(64, 48, i)).ok());
    // The destructor closes.
  }
  ASSERT_TRUE(fs::exists(path));
  EXPECT_EQ(read_back(path).frames, 6);
  fs::remove_all(dir.parent_path());
}

TEST(VideoWriter, MissingFolderIsAnOutputError) {
  auto w = VideoWriter::open("/nonexistent/facetwitch/sub/out.mp4", 64, 48, 30.0);
  ASSERT_FALSE(w.ok());
  EXPECT_EQ(w.error().kind, ErrorKind::Output);
  EXPECT_NE(w.error().message.find("does not exist"), std::string::npos) << w.error().message;
}

TEST(VideoWriter, FfmpegFailureIsReportedWithItsMessage) {
  // An extension ffmpeg has no muxer for: it fails, and its own message must come through.
  const auto dir = fresh_dir("fail");
  auto w = VideoWriter::open(dir / "out.notavideoformat", 64, 48, 30.0);
  ASSERT_TRUE(w.ok()) << w.error().message;
  Status st;
  for (int i = 0; i < 50 && st.ok(); ++i)
    st = (*w)->write(test_frame(64, 48, i));
  if (st.ok())
    st = (*w)->close();
  ASSERT_FALSE(st.ok());
  EXPECT_EQ(st.error().kind, ErrorKind::Output);
  EXPECT_NE(st.error().message.find("ffmpeg"), std::string::npos) << st.error().message;
  fs::remove_all(dir);
}

TEST(VideoWriter, WrongFrameSizeIsRejected) {
  const auto dir = fresh_dir("size");
  auto w = VideoWriter::open(dir / "s.mp4", 64, 48, 30.0);
  ASSERT_TRUE(w.ok());
  auto st = (*w)->write(test_frame(80, 48, 0));
  ASSERT_FALSE(st.ok());
  EXPECT_EQ(st.error().kind, ErrorKind::Output);
  EXPECT_TRUE((*w)->write(test_frame(64, 48, 0)).ok());
  EXPECT_TRUE((*w)->close().ok());
  fs::remove_all(dir);
}

TEST(VideoWriter, MissingFfmpegSaysWhatToInstall) {
  const char* old = std::getenv("PATH");
  const std::string saved = old ? old : "";
  setenv("PATH", "/nonexistent-facetwitch-test", 1);
  auto w = VideoWriter::open(fs::temp_directory_path() / "noffmpeg.mp4", 64, 48, 30.0);
  setenv("PATH", saved.c_str(), 1);
  ASSERT_FALSE(w.ok());
  EXPECT_EQ(w.error().kind, ErrorKind::Output);
  EXPECT_EQ(w.error().message, "ffmpeg not found: install Debian's ffmpeg package");
}

TEST(VideoWriter, OddSizeIsRejected) {
  auto w = VideoWriter::open(fs::temp_directory_path() / "odd.mp4", 65, 48, 30.0);
  ASSERT_FALSE(w.ok());
}

}  // namespace
}  // namespace ft
