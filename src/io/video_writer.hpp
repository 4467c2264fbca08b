// video_writer.hpp: writes BGR frames to an H.264 video file through Debian's `ffmpeg` program.
//
// OpenCV's own writer cannot choose the encoder's quality, and twitches are movements of a few
// pixels that a lossy default would smear; so we start `ffmpeg` as a separate process
// (posix_spawnp, argument vector, no shell: any file name works) and feed it raw bgr24 frames
// through a pipe. A fragmented MP4 (the default) stays playable up to its last complete fragment
// even if our process is killed, and ffmpeg, a separate process, finishes the file by itself when
// our end of the pipe closes.
#pragma once

#include <filesystem>
#include <memory>
#include <string>

#include <opencv2/core.hpp>

#include "core/error.hpp"

namespace ft {

struct VideoWriterOptions {
  int crf = 14;  // x264 constant rate factor: 0 lossless .. 51 worst; 14 is near-transparent
  std::string preset = "veryfast";  // x264 speed preset
  bool fragmented = true;  // .mp4 only: fragmented MP4 (playable when the writer is killed)
  int gop = 0;             // keyframe interval in frames; 0 = 2 * fps
  // "yuv420p" (players everywhere; even sizes only) or "yuv444p" (no chroma subsampling; any size,
  // for odd-sized sources such as 320x239 clips).
  std::string pix_fmt = "yuv420p";
};

// One output video being written. Frame size and rate are fixed at open(); every frame must be
// 8-bit BGR of exactly that size. Not thread safe: one thread writes. Sizes are pixels, fps frames
// per second.
class VideoWriter {
 public:
  // Starts ffmpeg writing `path` (overwritten if it exists). Errors (ErrorKind::Output): ffmpeg not
  // installed, the folder does not exist, bad size or rate.
  static Result<std::unique_ptr<VideoWriter>> open(const std::filesystem::path& path, int width,
                                                   int height, double fps,
                                                   const VideoWriterOptions& options = {});
  ~VideoWriter();  // closes (errors are ignored; call close() to see them)
  VideoWriter(const VideoWriter&) = delete;
  VideoWriter& operator=(const VideoWriter&) = delete;

  // Sends one frame (CV_8UC3, width x height). Blocks while ffmpeg is busy. ErrorKind::Output when
  // ffmpeg has stopped (its message is included) or the frame has the wrong size or type.
  Status write(const cv::Mat& bgr);

  // Ends the stream and waits for ffmpeg to finish the file. Safe to call more than once (returns
  // the first result again).
  Status close();

  const std::filesystem::path& path() const { return path_; }
  int frames_written() const { return frames_written_; }

 private:
  VideoWriter() = default;
  Status fail_from_ffmpeg(const std::string& what);

  std::filesystem::path path_;
  int width_ = 0;
  int height_ = 0;
  int pipe_fd_ = -1;    // our (write) end of ffmpeg's stdin
  int stderr_fd_ = -1;  // unlinked temp file holding ffmpeg's stderr
  int pid_ = -1;
  int frames_written_ = 0;
  bool closed_ = false;
  Status close_status_;
};

}  // namespace ft
