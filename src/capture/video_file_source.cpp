// video_file_source.cpp: a video file read with OpenCV's FFmpeg backend. Checks the path before
// handing it to OpenCV (so the user gets "file not found" rather than "cannot decode"), decodes the
// first frame at open to prove the file is readable, takes each frame's time from the container's
// presentation timestamps (falling back to the nominal frame rate where they are missing), tells a
// truncated file from a normal end, and seeks to the frame at or just before a time.
#include <algorithm>
#include <chrono>
#include <cmath>
#include <deque>
#include <fstream>
#include <memory>
#include <string>
#include <system_error>
#include <utility>

#include <opencv2/core.hpp>
#include <opencv2/videoio.hpp>

#include "capture/capture_util.hpp"
#include "capture/frame_source.hpp"
#include "core/file_write.hpp"

namespace ft {
namespace {

using capture_detail::in_quotes;
using capture_detail::input_error;
using capture_detail::kTimeEpsilon;
using capture_detail::seconds_text;

// OpenCV's CAP_PROP_FRAME_COUNT is an estimate for some containers; a stream is only called
// truncated when it stops clearly short of the declared count.
constexpr double kTruncatedFraction = 0.9;
constexpr std::int64_t kTruncatedMinMissing = 4;

class VideoFileSource final : public FrameSource {
 public:
  VideoFileSource(std::filesystem::path path, const VideoFileOptions& options)
      : path_(std::move(path)), options_(options) {}

  // Opens the file and decodes its first frame (kept to be returned by the first read()).
  Status open() {
    if (!cap_.open(path_.string(), cv::CAP_FFMPEG) || !cap_.isOpened())
      return undecodable();
    // Phone videos store the picture sideways with a rotation in the container's metadata: turn the
    // frames upright as players do. Done here, not by OpenCV: OpenCV 4.6's own rotation (on by
    // default) turns 90 and 270 degrees the wrong way with Debian 12's FFmpeg 5.1 (the picture comes
    // out upside down; tests/robustness checks both against what ffmpeg shows).
    cap_.set(cv::CAP_PROP_ORIENTATION_AUTO, 0.0);
    const double meta = cap_.get(cv::CAP_PROP_ORIENTATION_META);
    if (std::isfinite(meta)) rotation_deg_ = ((static_cast<int>(std::lround(meta)) % 360) + 360) % 360;
    const double fps = cap_.get(cv::CAP_PROP_FPS);
    info_.nominal_fps = (std::isfinite(fps) && fps > 0.0 && fps < 1000.0) ? fps : 0.0;
    step_ = info_.nominal_fps > 0.0 ? 1.0 / info_.nominal_fps : 1.0 / 30.0;
    const double count = cap_.get(cv::CAP_PROP_FRAME_COUNT);
    if (std::isfinite(count) && count >= 1.0)
      info_.frame_count = std::llround(count);
    if (info_.frame_count > 0 && info_.nominal_fps > 0.0) {
      info_.duration_s = static_cast<double>(info_.frame_count) / info_.nominal_fps;
    }

    Decoded first;
    if (!decode(first))
      return undecodable();
    info_.description = "video file " + path_.string();
    info_.width = first.image.cols;
    info_.height = first.image.rows;
    pending_.push_back(std::move(first));
    return {};
  }

  const SourceInfo& info() const override { return info_; }
  const Error& error() const override { return error_; }

  ReadStatus read(Frame& out) override {
    if (finished_ != ReadStatus::Frame)
      return finished_;
    if (!pending_.empty()) {
      Decoded& d = pending_.front();
      out.image = d.image;  // takes over the buffer; the next read decodes into it again
      out.t = d.t;
      out.index = d.position;
      pending_.pop_front();
    } else {
      // Decode straight into the caller's buffer (OpenCV reuses it when the size matches).
      if (!decode(out.image, out.t, out.index))
        return finish();
    }
    last_capture_time_ = std::chrono::steady_clock::now();
    return ReadStatus::Frame;
  }

  bool seek(double t) override {
    if (!std::isfinite(t))
      return false;
    t = std::max(t, 0.0);
    pending_.clear();
    finished_ = ReadStatus::Frame;
    error_ = {};
    // A time past the end means the last frame (the frame at or just before t).
    double target = t;
    if (info_.frame_count > 0) {
      target = std::min(target, static_cast<double>(info_.frame_count - 1) * step_);
    }
    // OpenCV rounds the time to the nearest frame: aim half a frame early, then further back when
    // the container's index makes it land late (or past the end of a file shorter than declared).
    for (int attempt = 0; attempt < 6; ++attempt) {
      const double back = attempt == 0 ? 0.5 : static_cast<double>(1 << (attempt + 1));
      const double aim = std::max(0.0, target - back * step_);
      if (!cap_.set(cv::CAP_PROP_POS_MSEC, origin_ms_ + aim * 1000.0))
        return fail_seek();
      have_last_ = false;
      Decoded at;
      if (!decode(at)) {
        if (aim <= 0.0)
          break;
        continue;
      }
      if (at.t > t + kTimeEpsilon && aim > 0.0)
        continue;
      // Walk forward to the last frame at or before t, keeping the one after it for the next read.
      for (;;) {
        Decoded next;
        if (!decode(next)) {
          pending_.push_back(std::move(at));
          break;
        }
        if (next.t <= t + kTimeEpsilon) {
          at = std::move(next);
          continue;
        }
        pending_.push_back(std::move(at));
        pending_.push_back(std::move(next));
        break;
      }
      return true;
    }
    return fail_seek();
  }

 private:
  struct Decoded {
    cv::Mat image;
    double t = 0.0;
    std::int64_t position = 0;  // 0-based frame number in the file
  };

  Status undecodable() const {
    return input_error(in_quotes(path_) +
                       " could not be decoded: not a video OpenCV/FFmpeg can read (is it a video? "
                       "is it complete? try re-encoding it with ffmpeg -i in.mov -c:v libx264 "
                       "out.mp4)");
  }

  bool decode(Decoded& d) { return decode(d.image, d.t, d.position); }

  // Decodes the next frame into `image` and gives it a timestamp and its position in the file.
  // False at the end of the stream or when the decoder fails.
  bool decode(cv::Mat& image, double& t, std::int64_t& position) {
    if (!cap_.read(image) || image.empty())
      return false;
    // The metadata's angle (FFmpeg's display matrix) is counter-clockwise.
    if (rotation_deg_ == 90) {
      cv::rotate(image, image, cv::ROTATE_90_COUNTERCLOCKWISE);
    } else if (rotation_deg_ == 180) {
      cv::rotate(image, image, cv::ROTATE_180);
    } else if (rotation_deg_ == 270) {
      cv::rotate(image, image, cv::ROTATE_90_CLOCKWISE);
    }
    if (options_.mirrored_input)
      cv::flip(image, image, 1);

    // OpenCV's frame counter after a read is the 1-based number of the frame just decoded.
    const double pos_frames = cap_.get(cv::CAP_PROP_POS_FRAMES);
    position = (std::isfinite(pos_frames) && pos_frames >= 1.0) ? std::llround(pos_frames) - 1
                                                                : last_position_ + 1;
    if (have_last_ && position <= last_position_)
      position = last_position_ + 1;

    const double raw_ms = cap_.get(cv::CAP_PROP_POS_MSEC);
    if (!have_origin_) {
      origin_ms_ = std::isfinite(raw_ms) ? raw_ms : 0.0;
      have_origin_ = true;
    }
    const double candidate = (raw_ms - origin_ms_) / 1000.0;
    if (have_last_) {
      // A missing or non-increasing presentation time (FFmpeg reports 0 for the frames flushed at
      // the end of some streams): continue at the nominal rate.
      t = (std::isfinite(candidate) && candidate > last_t_ + kTimeEpsilon) ? candidate
                                                                           : last_t_ + step_;
    } else {
      // First frame of the file, or the first after a seek.
      const bool plausible =
          std::isfinite(candidate) && candidate >= 0.0 && (position == 0 || candidate > 0.0);
      t = plausible ? candidate : static_cast<double>(position) * step_;
    }
    last_t_ = t;
    last_position_ = position;
    have_last_ = true;
    return true;
  }

  // The decoder returned no frame: a normal end, or a file that stops clearly short of what it
  // declares.
  ReadStatus finish() {
    const std::int64_t decoded = have_last_ ? last_position_ + 1 : 0;
    const std::int64_t declared = info_.frame_count;
    if (declared > 0 && decoded < kTruncatedFraction * static_cast<double>(declared) &&
        declared - decoded >= kTruncatedMinMissing) {
      error_ =
          input_error(in_quotes(path_) + " appears truncated or corrupt: decoding stopped after " +
                      std::to_string(decoded) + " frames (" + seconds_text(last_t_) +
                      " s) of the " + std::to_string(declared) +
                      " it declares; the rest cannot be read (was it copied completely?)");
      finished_ = ReadStatus::Failed;
    } else {
      finished_ = ReadStatus::End;
    }
    return finished_;
  }

  bool fail_seek() {
    pending_.clear();
    finished_ = ReadStatus::End;
    return false;
  }

  std::filesystem::path path_;
  VideoFileOptions options_;
  cv::VideoCapture cap_;
  SourceInfo info_;
  Error error_;
  std::deque<Decoded> pending_;  // frames decoded ahead (the first frame, frames read by seek)
  ReadStatus finished_ = ReadStatus::Frame;
  double step_ = 1.0 / 30.0;  // nominal frame interval
  double origin_ms_ = 0.0;    // presentation time of the first frame
  bool have_origin_ = false;
  bool have_last_ = false;  // false at the start and right after a seek
  double last_t_ = 0.0;
  std::int64_t last_position_ = -1;
  int rotation_deg_ = 0;  // from the container's metadata, counter-clockwise degrees: 0, 90, 180, 270
};

}  // namespace

Result<std::unique_ptr<FrameSource>> open_video_file(const std::filesystem::path& path,
                                                     const VideoFileOptions& options) {
  std::error_code ec;
  const auto status = std::filesystem::status(path, ec);
  if (!std::filesystem::exists(status)) {
    if (ec && ec != std::errc::no_such_file_or_directory) {
      return input_error("cannot open video " + in_quotes(path) + ": " + ec.message() +
                         "; check the path and its permissions");
    }
    return input_error("cannot open video " + in_quotes(path) + ": file not found; check the path");
  }
  if (std::filesystem::is_directory(status)) {
    return input_error(in_quotes(path) +
                       " is a folder, not a video file: pass a video file, or give the folder to "
                       "read its images");
  }
  // A FIFO would block the open (and a device never ends): only a regular file is read. A link to a
  // video is fine: its target is judged.
  if (const std::string kind = non_regular_kind(path, /*follow_links=*/true); !kind.empty()) {
    std::string message = "cannot open video ";
    message += in_quotes(path);
    message += ": it is ";
    message += kind;
    message += ", not a video file: save the video to a file first and pass that file (a camera is "
               "camera:N or /dev/videoN)";
    return input_error(message);
  }
  {
    const auto size = std::filesystem::file_size(path, ec);
    if (!ec && size == 0) {
      return input_error(in_quotes(path) +
                         " is empty (0 bytes): it holds no video; check that it was "
                         "recorded or copied completely");
    }
  }
  if (std::ifstream probe(path, std::ios::binary); !probe) {
    return input_error("cannot open video " + in_quotes(path) +
                       ": the file cannot be read (permission denied?); check its permissions");
  }

  auto source = std::make_unique<VideoFileSource>(path, options);
  if (Status s = source->open(); !s)
    return s.error();
  return std::unique_ptr<FrameSource>(std::move(source));
}

}  // namespace ft
