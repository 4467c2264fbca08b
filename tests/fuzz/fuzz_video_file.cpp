// fuzz_video_file.cpp: the video file source on arbitrary bytes: open_source() (-> open_video_file:
// OpenCV's FFmpeg backend plus facetwitch's own checks of truncated, damaged and size-changing files,
// capture/ffmpeg_evidence.hpp) then read() until the end, an error, or 300 frames. An error (with a
// message) or frames, never a crash, a hang or undefined behaviour. Seeded with small generated MP4
// (plain and fragmented, as facetwitch records), MKV and AVI files, tests/fuzz/corpus/video_file/.
//
// The reader takes a path and looks at it (a regular file, not a link or a FIFO), so the bytes go to
// a real temporary file (one per process, rewritten for each input, removed at exit).
#include <fcntl.h>
#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <string>
#include <system_error>

#include "capture/frame_source.hpp"
#include "fuzz/fuzz_support.hpp"

namespace {

// At most this many frames are read per input: enough to reach every check of the reader (the end of
// the stream, a frame size change, a stream cut short), bounded so that an input declaring hours of
// video does not make a slow input.
constexpr int kMaxFrames = 300;

class TempVideo {
 public:
  TempVideo() {
    const char* tmp = std::getenv("TMPDIR");
    std::string pattern = std::string(tmp && *tmp ? tmp : "/tmp") + "/ft-fuzz-video-XXXXXX";
    if (::mkdtemp(pattern.data()) != nullptr) dir_ = pattern;
  }
  ~TempVideo() {
    std::error_code ec;
    if (!dir_.empty()) std::filesystem::remove_all(dir_, ec);
  }
  TempVideo(const TempVideo&) = delete;
  TempVideo& operator=(const TempVideo&) = delete;

  // The file holding exactly `data`; empty on failure.
  std::filesystem::path write(const std::uint8_t* data, std::size_t size) const {
    if (dir_.empty()) return {};
    const std::filesystem::path path = dir_ / "input";
    const int fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
    if (fd < 0) return {};
    std::size_t done = 0;
    while (done < size) {
      const ssize_t n = ::write(fd, data + done, size - done);
      if (n <= 0) break;
      done += static_cast<std::size_t>(n);
    }
    ::close(fd);
    return done == size ? path : std::filesystem::path();
  }

 private:
  std::filesystem::path dir_;
};

}  // namespace

FT_FUZZ_TARGET(video_file) {
  static const TempVideo temp;
  const std::filesystem::path path = temp.write(data, size);
  if (path.empty()) return 0;  // the machine's problem, not the reader's
  auto opened = ft::open_source(path.string());
  if (!opened.ok()) {
    if (opened.error().message.empty()) __builtin_trap();  // every error says what is wrong
    return 0;
  }
  ft::FrameSource& source = *opened.value();
  const ft::SourceInfo info = source.info();
  (void)info;
  ft::Frame frame;
  volatile double last_t = 0.0;
  for (int i = 0; i < kMaxFrames; ++i) {
    const ft::ReadStatus st = source.read(frame);
    if (st == ft::ReadStatus::End) break;
    if (st == ft::ReadStatus::Failed) {
      if (source.error().message.empty()) __builtin_trap();
      break;
    }
    if (frame.image.empty()) __builtin_trap();  // a frame is a picture
    last_t = frame.t;
  }
  (void)last_t;
  return 0;
}
