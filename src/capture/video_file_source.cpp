// video_file_source.cpp: a video file read with OpenCV's FFmpeg backend. Checks the path before
// handing it to OpenCV (so the user gets "file not found" rather than "cannot decode"), decodes the
// first frame at open to prove the file is readable, takes each frame's time from the container's
// presentation timestamps (falling back to the nominal frame rate where they are missing), tells a
// truncated file from a normal end, and seeks to the frame at or just before a time. What OpenCV does
// not tell (a stream cut short by a damaged fragment header, a frame size that changes mid-stream,
// damaged frame data the decoder conceals) comes from FFmpeg itself (ffmpeg_evidence.hpp): the first
// two stop the video with a partial result, the third flags the frames (Frame::damaged). An MP4 whose
// index declares more frames than the file has bytes is refused before OpenCV opens it
// (mp4_sample_count.hpp).
#include <algorithm>
#include <chrono>
#include <cmath>
#include <deque>
#include <fstream>
#include <limits>
#include <memory>
#include <optional>
#include <string>
#include <system_error>
#include <utility>

#include <opencv2/core.hpp>
#include <opencv2/videoio.hpp>

#include "capture/capture_util.hpp"
#include "capture/ffmpeg_evidence.hpp"
#include "capture/frame_source.hpp"
#include "capture/mp4_sample_count.hpp"
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
// A stream whose packets end this far before the end of the file, and account for less than
// kMinPacketShare of its bytes, stopped early: a damaged fragment header (or index) ends the demuxer's
// stream without an error, and shrinks the frame count and duration the container reports with it.
// Normal files measured (MP4 with its index at either end, fragmented MP4, MKV, MPEG-TS): packets
// account for 94-99.9% of the bytes and end in the last 0.5%; a 160x120 MP4 of 11 KB, 79% (its index).
constexpr std::int64_t kUnreadTailMinBytes = 256 * 1024;
constexpr double kUnreadTailMinFraction = 0.1;
constexpr double kMinPacketShare = 0.9;
// How many frames OpenCV's decoder may work on ahead of the one read() returns (its frame threads, one
// per core, and the reordering delay): a decoder error logged during a read may belong to any of them.
constexpr double kDecodeAheadFrames = 16;

std::string size_text(int w, int h) { return std::to_string(w) + "x" + std::to_string(h); }

class VideoFileSource final : public FrameSource {
 public:
  VideoFileSource(std::filesystem::path path, const VideoFileOptions& options)
      : path_(std::move(path)), options_(options) {}

  // Opens the file and decodes its first frame (kept to be returned by the first read()).
  Status open() {
    try {
      if (!cap_.open(path_.string(), cv::CAP_FFMPEG) || !cap_.isOpened())
        return undecodable();
    } catch (const cv::Exception&) {
      return undecodable();
    }
    capture_detail::converter_errors_in_this_thread();  // installs FFmpeg's log watch before reading
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

    // Where the frame size changes (libavcodec on the key frames): OpenCV 4.6 goes on returning
    // pictures of the first size there, frozen (the conversion fails: seen below), cropped (640x480 to
    // 648x480: the left 640 columns of the new picture) or garbled (to 320x240: the small picture
    // repeated across rows), and says nothing. The same read of the file counts every packet's bytes
    // (stopped_early). Before the first frame is decoded: the scan's own decoder errors are not the
    // frames'.
    file_scan_ = capture_detail::scan_file(path_);
    decoder_errors_ = capture_detail::decoder_errors();

    Decoded first;
    if (!decode(first))
      return undecodable();
    info_.description = "video file " + path_.string();
    info_.width = first.image.cols;
    info_.height = first.image.rows;
    stored_width_ = stored_last_width_;
    stored_height_ = stored_last_height_;
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
      out.damaged = d.damaged;
      pending_.pop_front();
    } else {
      // Decode straight into the caller's buffer (OpenCV reuses it when the size matches).
      if (!decode(out.image, out.t, out.index, out.damaged))
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
    size_change_t_.reset();
    damaged_until_ = -1.0;
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
    bool damaged = false;       // Frame::damaged
  };

  Status undecodable() const {
    return input_error(in_quotes(path_) +
                       " could not be decoded: not a video OpenCV/FFmpeg can read (is it a video? "
                       "is it complete? try re-encoding it with ffmpeg -i in.mov -c:v libx264 "
                       "out.mp4)");
  }

  bool decode(Decoded& d) { return decode(d.image, d.t, d.position, d.damaged); }

  // Decodes the next frame into `image` and gives it a timestamp, its position in the file and whether
  // the decoder reported damage in it. False at the end of the stream or when the decoder fails.
  bool decode(cv::Mat& image, double& t, std::int64_t& position, bool& damaged) {
    const std::uint64_t converter_errors = capture_detail::converter_errors_in_this_thread();
    const auto size_changed = [this] {
      const double raw_ms = cap_.get(cv::CAP_PROP_POS_MSEC);
      const double at = (std::isfinite(raw_ms) ? raw_ms - origin_ms_ : 0.0) / 1000.0;
      size_change_t_ = (have_last_ && at <= last_t_) ? last_t_ + step_ : std::max(at, 0.0);
      return false;
    };
    try {
      if (!cap_.read(image) || image.empty())
        return false;
    } catch (const cv::Exception&) {
      // OpenCV 4.6 throws from read() ("_step >= minstep" in cv::Mat) when a frame is wider than
      // the first one by more than its row padding (found by fuzz_video_file: 64x48 then 96x64).
      // After the first frame that is the size change below; before it, a file it cannot decode.
      image.release();
      if (stored_width_ > 0)
        return size_changed();
      return false;
    }
    // A frame of another size than the first: OpenCV 4.6 cannot convert it (FFmpeg logs "Slice
    // parameters ... are invalid") and returns the previous picture again; a later OpenCV may return
    // it at its own size, or throw (above). Either way the frames from here on are not comparable:
    // stop (finish()).
    stored_last_width_ = image.cols;
    stored_last_height_ = image.rows;
    if (capture_detail::converter_errors_in_this_thread() != converter_errors ||
        (stored_width_ > 0 && (image.cols != stored_width_ || image.rows != stored_height_))) {
      return size_changed();
    }
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
    // A frame at or past a size change that OpenCV did not notice (cropped or garbled: above).
    for (const capture_detail::SizeChange& change : file_scan_.key_frames.changes) {
      if (t > change.t - 0.5 * step_) {
        size_change_t_ = change.t;
        return false;
      }
    }
    // Damaged frame data (the decoder logged errors since the last read): the decoder conceals it and
    // the frames predicted from it carry it on, until the next key frame. The errors belong to this
    // frame or one of the next few OpenCV's decoder threads work on ahead of it, so the frames are not
    // measured from this one up to the first key frame past that look-ahead (the whole rest of the file
    // when the key frames are not known).
    if (const std::uint64_t errors = capture_detail::decoder_errors(); errors != decoder_errors_) {
      decoder_errors_ = errors;
      const double ahead = t + kDecodeAheadFrames * step_;
      const auto key = std::upper_bound(file_scan_.key_frames.key_times.begin(), file_scan_.key_frames.key_times.end(),
                                        ahead + 0.5 * step_);
      damaged_until_ = std::max(damaged_until_, key != file_scan_.key_frames.key_times.end()
                                                    ? *key - 0.5 * step_
                                                    : std::numeric_limits<double>::infinity());
    }
    damaged = t < damaged_until_;
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
    if (size_change_t_) {
      finished_ = ReadStatus::Failed;
      error_ = input_error(size_change_message(decoded));
      return finished_;
    }
    if (declared > 0 && decoded < kTruncatedFraction * static_cast<double>(declared) &&
        declared - decoded >= kTruncatedMinMissing) {
      error_ = input_error(stopped_after(decoded) + " of the " + std::to_string(declared) +
                           " it declares; the rest cannot be read (was it copied completely?)");
      finished_ = ReadStatus::Failed;
    } else if (std::string why = stopped_early(decoded); !why.empty()) {
      error_ = input_error(std::move(why));
      finished_ = ReadStatus::Failed;
    } else {
      finished_ = ReadStatus::End;
    }
    return finished_;
  }

  // The start of the truncated file's message: "'PATH' appears truncated or corrupt: decoding stopped
  // after N frames (T s)".
  std::string stopped_after(std::int64_t decoded) const {
    return in_quotes(path_) + " appears truncated or corrupt: decoding stopped after " + std::to_string(decoded) +
           " frames (" + seconds_text(last_t_) + " s)";
  }

  // FFmpeg's evidence that the stream ended before the file does (every packet's bytes, from the scan
  // at open): a message for a truncated file, or empty.
  std::string stopped_early(std::int64_t decoded) const {
    const capture_detail::PacketScan& scan = file_scan_.packets;
    if (!scan.ok || scan.file_size <= 0)
      return {};
    const double size = static_cast<double>(scan.file_size);
    const std::int64_t unread_tail = scan.file_size - scan.last_byte;
    // (A demuxer that gives no byte positions leaves last_byte at 0: no evidence then.)
    if (scan.last_byte <= 0 || unread_tail < kUnreadTailMinBytes ||
        !(static_cast<double>(unread_tail) > kUnreadTailMinFraction * size) ||
        !(static_cast<double>(scan.packet_bytes) < kMinPacketShare * size))
      return {};
    std::string message = stopped_after(decoded);
    message += ", but the video's data ends ";
    message += std::to_string(static_cast<int>(std::lround(100.0 * static_cast<double>(scan.last_byte) / size)));
    message += "% into the file (the remaining ";
    message += std::to_string((unread_tail + 512) / 1024);
    message += " KiB hold frames that cannot be read: a damaged part of the file ends the stream there; was it "
               "copied completely?)";
    return message;
  }

  std::string size_change_message(std::int64_t decoded) const {
    // OpenCV's time for the frame it could not convert can lag behind by the decoder's delay (a
    // second at most): FFmpeg's key frames tell where the size really changes.
    const capture_detail::SizeChange* change = nullptr;
    for (const capture_detail::SizeChange& c : file_scan_.key_frames.changes) {
      if (c.t > *size_change_t_ - 1.0) {
        change = &c;
        break;
      }
    }
    std::string message = in_quotes(path_);
    message += " changes its frame size at ";
    message += seconds_text(change ? change->t : *size_change_t_);
    message += " s (after ";
    message += std::to_string(decoded);
    message += " frames): from ";
    message += size_text(stored_width_, stored_height_);
    message += " to ";
    message += change ? size_text(change->width, change->height) : std::string("another size");
    message += "; the frames after it cannot be measured against the ones before (OpenCV returns them "
               "frozen, cropped or garbled at the first size), so the analysis stops there; to analyse all of "
               "it, re-encode it to one size first (ffmpeg -i ";
    message += in_quotes(path_);
    message += " -vf scale=";
    message += std::to_string(info_.width);  // ffmpeg turns the picture upright first, as shown here
    message += ":";
    message += std::to_string(info_.height);
    message += ",setsar=1 -c:v libx264 -crf 18 one-size.mp4)";
    return message;
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
  int stored_width_ = 0, stored_height_ = 0;            // the first frame's size, before rotation
  int stored_last_width_ = 0, stored_last_height_ = 0;  // the last frame's, before rotation
  std::optional<double> size_change_t_;                 // when the frame size changed (stop there)
  capture_detail::FileScan file_scan_;  // at open: the packets' bytes, the key frames' times and sizes
  std::uint64_t decoder_errors_ = 0;                    // FFmpeg's decoder errors counted so far
  double damaged_until_ = -1.0;  // frames before this time are damaged (decoder errors; Frame::damaged)
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

  // An index that declares more frames than the file has bytes: FFmpeg would spend seconds and
  // gigabytes building it before finding out (mp4_sample_count.hpp).
  if (const auto count = capture_detail::mp4_sample_count(path); count.is_mp4) {
    std::error_code size_ec;
    const auto bytes = std::filesystem::file_size(path, size_ec);
    if (!size_ec && count.declared > bytes) {
      std::string message = in_quotes(path);
      message += " is damaged: its index declares ";
      message += std::to_string(count.declared);
      message += " frames (";
      message += count.where;
      message += " box) in a file of ";
      message += std::to_string(bytes);
      message += " bytes, where each frame takes at least one byte, so it cannot be read (it is not opened: "
                 "FFmpeg would spend seconds and gigabytes indexing frames that are not there); was it copied "
                 "completely? copy it again from the original, or re-record it";
      return input_error(message);
    }
  }
  auto source = std::make_unique<VideoFileSource>(path, options);
  if (Status s = source->open(); !s)
    return s.error();
  return std::unique_ptr<FrameSource>(std::move(source));
}

}  // namespace ft
