// frame_source.hpp: where frames come from. One interface for a video file, a camera, a folder of images
// and the paced file source (a file delivered at its real frame rate: the stand-in camera for tests).
//
// Thread safety: a FrameSource is used by one thread at a time (the capture or decode thread).
// Timestamps: Frame::t comes from the source itself (the file's presentation time, the camera's capture
// clock, the folder's nominal rate); never from a counter of frames read by the consumer.
#pragma once

#include <chrono>
#include <cstdint>
#include <filesystem>
#include <memory>
#include <string>
#include <vector>

#include "core/error.hpp"
#include "core/frame.hpp"

namespace ft {

struct SourceInfo {
  std::string description;       // e.g. "video file /x/y.mp4", "camera /dev/video0"
  bool live = false;             // camera or paced source: frames come in real time and may be dropped
  double nominal_fps = 0.0;      // as declared by the container or the driver; 0 if unknown
  int width = 0;
  int height = 0;
  std::int64_t frame_count = -1; // -1 if unknown (camera, some containers)
  double duration_s = -1.0;      // -1 if unknown
};

enum class ReadStatus { Frame, End, Failed };

class FrameSource {
 public:
  virtual ~FrameSource() = default;
  virtual const SourceInfo& info() const = 0;
  // Reads the next frame into `out` (reusing out.image's buffer where it can). Returns Frame, End at the
  // normal end of the stream, or Failed (then error() says why: a camera unplugged, a corrupt file...).
  virtual ReadStatus read(Frame& out) = 0;
  virtual const Error& error() const = 0;
  // Seek to the frame at or just before time t (seconds). Returns false when the source cannot seek.
  virtual bool seek(double /*t*/) { return false; }
  // Wall-clock (steady_clock) time at which the last frame returned by read() was captured/delivered;
  // used to measure capture-to-result latency on live sources.
  std::chrono::steady_clock::time_point last_capture_time() const { return last_capture_time_; }

 protected:
  std::chrono::steady_clock::time_point last_capture_time_{};
};

struct VideoFileOptions {
  bool mirrored_input = false;  // the file is a mirror image (selfie video): flip it back
};
Result<std::unique_ptr<FrameSource>> open_video_file(const std::filesystem::path& path,
                                                     const VideoFileOptions& options = {});

struct CameraOptions {
  int width = 0;   // 0: the driver's default
  int height = 0;
  double fps = 0;  // 0: the driver's default
  bool mirrored_input = false;
};
// `device` is an index (0 for /dev/video0) or a path such as /dev/video2.
Result<std::unique_ptr<FrameSource>> open_camera(const std::string& device, const CameraOptions& options = {});

struct CameraMode {
  int width = 0;
  int height = 0;
  double fps = 0;
};
struct CameraDevice {
  std::string path;  // /dev/videoN
  std::string name;  // driver's card name
  std::vector<CameraMode> modes;
};
// Cameras present (V4L2 capture devices among /dev/video*), with the modes they offer.
std::vector<CameraDevice> list_cameras();

// A folder of images (png, jpg, jpeg, bmp, tif, tiff; sorted by name) delivered at `fps`.
Result<std::unique_ptr<FrameSource>> open_image_folder(const std::filesystem::path& dir, double fps = 30.0);

struct PacedOptions {
  double speed = 1.0;         // 1 = real time, 2 = twice as fast...
  double fail_after_s = -1;   // >= 0: fail like an unplugged camera once t passes this (tests)
  bool loop = false;          // start again at the end
};
// Wraps a file source and delivers its frames at their timestamps, in real time. info().live is true.
std::unique_ptr<FrameSource> make_paced_source(std::unique_ptr<FrameSource> inner, const PacedOptions& options = {});

// Opens "camera:N" / "/dev/videoN" as a camera, a directory as an image folder, anything else as a file.
Result<std::unique_ptr<FrameSource>> open_source(const std::string& spec);

}  // namespace ft
