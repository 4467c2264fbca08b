// camera_source.cpp: a V4L2 webcam through OpenCV (cv::CAP_V4L2), and the list of cameras present
// with the modes they offer (asked to the driver with V4L2 ioctls). Frames are stamped with the
// steady clock, in seconds since the first frame. Opening waits for a first frame so that a camera
// held by another program is reported at once rather than as an empty stream.
#include <fcntl.h>
#include <linux/videodev2.h>
#include <sys/ioctl.h>
#include <unistd.h>

#include <algorithm>
#include <cctype>
#include <cerrno>
#include <chrono>
#include <cmath>
#include <cstdlib>
#include <cstring>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <system_error>
#include <thread>
#include <tuple>
#include <utility>
#include <vector>

#include <opencv2/core.hpp>
#include <opencv2/videoio.hpp>

#include "capture/capture_util.hpp"
#include "capture/frame_source.hpp"

namespace ft {
namespace {

using capture_detail::in_quotes;
using capture_detail::input_error;

using Clock = std::chrono::steady_clock;

// How long open_camera() waits for the first frame.
constexpr std::chrono::seconds kFirstFrameTimeout{4};

// OpenCV's V4L2 backend waits OPENCV_VIDEOIO_V4L_SELECT_TIMEOUT seconds (10 by default) for each
// frame; it reads the variable once, at the first frame ever grabbed. A few seconds is enough to
// call a camera stuck, and keeps open_camera() and the "stopped sending frames" error prompt. A
// value the user has set is kept.
void shorten_v4l2_read_timeout() {
  static std::once_flag once;
  std::call_once(once, [] { ::setenv("OPENCV_VIDEOIO_V4L_SELECT_TIMEOUT", "3", 0); });
}

// "0" -> /dev/video0; "/dev/video2" stays as it is. nullopt for anything else.
std::optional<std::string> device_path(const std::string& device) {
  if (device.empty())
    return std::nullopt;
  if (std::all_of(device.begin(), device.end(),
                  [](unsigned char c) { return std::isdigit(c) != 0; })) {
    if (device.size() > 4)
      return std::nullopt;
    return "/dev/video" + std::to_string(std::stoi(device));
  }
  if (device.rfind("/dev/", 0) == 0)
    return device;
  return std::nullopt;
}

class CameraSource final : public FrameSource {
 public:
  CameraSource(std::string path, const CameraOptions& options)
      : path_(std::move(path)), options_(options) {}

  Status open() {
    shorten_v4l2_read_timeout();
    if (!cap_.open(path_, cv::CAP_V4L2) || !cap_.isOpened()) {
      if (::access(path_.c_str(), R_OK | W_OK) != 0 && errno == EACCES) {
        return input_error("cannot open camera " + path_ +
                           ": permission denied; add yourself to the 'video' group (sudo usermod "
                           "-aG video $USER) and log in again");
      }
      return input_error("cannot open camera " + path_ +
                         ": it is not a video capture device, or it is busy; check `ls "
                         "/dev/video*` and close other programs using the camera");
    }
    if (options_.width > 0)
      cap_.set(cv::CAP_PROP_FRAME_WIDTH, options_.width);
    if (options_.height > 0)
      cap_.set(cv::CAP_PROP_FRAME_HEIGHT, options_.height);
    if (options_.fps > 0)
      cap_.set(cv::CAP_PROP_FPS, options_.fps);

    // Some cameras return a few empty frames while they start: keep trying until the deadline.
    const auto deadline = Clock::now() + kFirstFrameTimeout;
    bool got = false;
    while (!got && Clock::now() < deadline) {
      got = cap_.read(first_) && !first_.empty();
      if (!got)
        std::this_thread::sleep_for(std::chrono::milliseconds(50));
    }
    if (!got) {
      return input_error("camera " + path_ +
                         " opened but sends no frames: is another program using it?");
    }
    start_ = Clock::now();  // t = 0: the first frame
    if (options_.mirrored_input)
      cv::flip(first_, first_, 1);

    info_.description = "camera " + path_;
    info_.live = true;
    const double fps = cap_.get(cv::CAP_PROP_FPS);
    info_.nominal_fps = (std::isfinite(fps) && fps > 0.0 && fps < 1000.0) ? fps : 0.0;
    info_.width = first_.cols;
    info_.height = first_.rows;
    info_.frame_count = -1;
    info_.duration_s = -1.0;
    return {};
  }

  const SourceInfo& info() const override { return info_; }
  const Error& error() const override { return error_; }

  ReadStatus read(Frame& out) override {
    if (failed_)
      return ReadStatus::Failed;
    Clock::time_point captured;
    if (!first_.empty()) {
      out.image = first_;  // grabbed at open
      first_.release();
      captured = start_;
    } else {
      if (!cap_.read(out.image) || out.image.empty()) {
        error_ = input_error("camera " + path_ + " stopped sending frames (unplugged?)");
        failed_ = true;
        return ReadStatus::Failed;
      }
      captured = Clock::now();
      if (options_.mirrored_input)
        cv::flip(out.image, out.image, 1);
    }
    out.t = std::chrono::duration<double>(captured - start_).count();
    out.index = delivered_++;
    last_capture_time_ = captured;
    return ReadStatus::Frame;
  }

 private:
  std::string path_;
  CameraOptions options_;
  cv::VideoCapture cap_;
  cv::Mat first_;
  Clock::time_point start_{};
  SourceInfo info_;
  Error error_;
  bool failed_ = false;
  std::int64_t delivered_ = 0;
};

// ioctl that retries when interrupted by a signal.
template <class T>
bool xioctl(int fd, unsigned long request, T* arg) {
  int r;
  do {
    r = ::ioctl(fd, request, arg);
  } while (r == -1 && errno == EINTR);
  return r != -1;
}

// Closes a file descriptor when it goes out of scope.
class Fd {
 public:
  explicit Fd(int fd) : fd_(fd) {}
  ~Fd() {
    if (fd_ >= 0)
      ::close(fd_);
  }
  Fd(const Fd&) = delete;
  Fd& operator=(const Fd&) = delete;
  int get() const { return fd_; }

 private:
  int fd_;
};

template <std::size_t N>
std::string fixed_string(const __u8 (&bytes)[N]) {
  const char* text = reinterpret_cast<const char*>(bytes);
  return std::string(text, strnlen(text, N));
}

// Frame rates the driver offers for one pixel format and size (0 when it does not say).
std::vector<double> frame_rates(int fd, __u32 pixel_format, __u32 width, __u32 height) {
  std::vector<double> rates;
  for (__u32 i = 0; i < 64; ++i) {
    v4l2_frmivalenum interval{};
    interval.index = i;
    interval.pixel_format = pixel_format;
    interval.width = width;
    interval.height = height;
    if (!xioctl(fd, VIDIOC_ENUM_FRAMEINTERVALS, &interval))
      break;
    if (interval.type == V4L2_FRMIVAL_TYPE_DISCRETE) {
      if (interval.discrete.numerator > 0) {
        rates.push_back(static_cast<double>(interval.discrete.denominator) /
                        static_cast<double>(interval.discrete.numerator));
      }
    } else {
      // Continuous or stepwise range: report its fastest rate.
      if (interval.stepwise.min.numerator > 0) {
        rates.push_back(static_cast<double>(interval.stepwise.min.denominator) /
                        static_cast<double>(interval.stepwise.min.numerator));
      }
      break;
    }
  }
  if (rates.empty())
    rates.push_back(0.0);
  return rates;
}

std::vector<CameraMode> camera_modes(int fd) {
  std::vector<CameraMode> modes;
  for (__u32 f = 0; f < 64; ++f) {
    v4l2_fmtdesc format{};
    format.index = f;
    format.type = V4L2_BUF_TYPE_VIDEO_CAPTURE;
    if (!xioctl(fd, VIDIOC_ENUM_FMT, &format))
      break;
    for (__u32 s = 0; s < 256; ++s) {
      v4l2_frmsizeenum size{};
      size.index = s;
      size.pixel_format = format.pixelformat;
      if (!xioctl(fd, VIDIOC_ENUM_FRAMESIZES, &size))
        break;
      if (size.type != V4L2_FRMSIZE_TYPE_DISCRETE)
        break;  // discrete sizes only
      for (double fps :
           frame_rates(fd, format.pixelformat, size.discrete.width, size.discrete.height)) {
        modes.push_back(CameraMode{static_cast<int>(size.discrete.width),
                                   static_cast<int>(size.discrete.height), fps});
      }
    }
  }
  // Largest first, fastest first; the same mode offered in several pixel formats appears once.
  const auto key = [](const CameraMode& m) {
    return std::make_tuple(-static_cast<long long>(m.width) * m.height, -m.width,
                           -std::round(m.fps * 1000.0));
  };
  std::sort(modes.begin(), modes.end(),
            [&](const CameraMode& a, const CameraMode& b) { return key(a) < key(b); });
  modes.erase(
      std::unique(modes.begin(), modes.end(),
                  [&](const CameraMode& a, const CameraMode& b) { return key(a) == key(b); }),
      modes.end());
  return modes;
}

}  // namespace

Result<std::unique_ptr<FrameSource>> open_camera(const std::string& device,
                                                 const CameraOptions& options) {
  const auto path = device_path(device);
  if (!path) {
    return input_error(in_quotes(device) +
                       " is not a camera: give its number (0 for /dev/video0) or its device path "
                       "(/dev/video0)");
  }
  std::error_code ec;
  if (!std::filesystem::exists(*path, ec)) {
    return input_error("no camera at " + *path + ": connect one, or check `ls /dev/video*`");
  }
  auto source = std::make_unique<CameraSource>(*path, options);
  if (Status s = source->open(); !s)
    return s.error();
  return std::unique_ptr<FrameSource>(std::move(source));
}

std::vector<CameraDevice> list_cameras() {
  // /dev/videoN, in the order of N.
  std::vector<std::pair<int, std::string>> nodes;
  std::error_code ec;
  std::filesystem::directory_iterator it("/dev", ec);
  if (ec)
    return {};
  for (const std::filesystem::directory_iterator end; it != end; it.increment(ec)) {
    if (ec)
      break;
    const std::string name = it->path().filename().string();
    if (name.size() <= 5 || name.rfind("video", 0) != 0 || name.size() > 9)
      continue;
    const std::string digits = name.substr(5);
    if (!std::all_of(digits.begin(), digits.end(),
                     [](unsigned char c) { return std::isdigit(c) != 0; })) {
      continue;
    }
    nodes.emplace_back(std::stoi(digits), it->path().string());
  }
  std::sort(nodes.begin(), nodes.end());

  std::vector<CameraDevice> cameras;
  for (const auto& node : nodes) {
    Fd fd(::open(node.second.c_str(), O_RDONLY | O_NONBLOCK | O_CLOEXEC));
    if (fd.get() < 0)
      continue;
    v4l2_capability cap{};
    if (!xioctl(fd.get(), VIDIOC_QUERYCAP, &cap))
      continue;
    const __u32 caps =
        (cap.capabilities & V4L2_CAP_DEVICE_CAPS) ? cap.device_caps : cap.capabilities;
    // Metadata nodes of the same webcam (a second /dev/videoN) have no video capture.
    if (!(caps & V4L2_CAP_VIDEO_CAPTURE))
      continue;
    CameraDevice device;
    device.path = node.second;
    device.name = fixed_string(cap.card);
    device.modes = camera_modes(fd.get());
    cameras.push_back(std::move(device));
  }
  return cameras;
}

}  // namespace ft
