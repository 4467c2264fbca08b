// video_writer.cpp: the ffmpeg child process behind VideoWriter (see video_writer.hpp).
#include "io/video_writer.hpp"

#include <fcntl.h>
#include <pthread.h>
#include <spawn.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <cctype>
#include <cerrno>
#include <cmath>
#include <csignal>
#include <cstring>
#include <ctime>
#include <sstream>
#include <system_error>
#include <vector>

extern char** environ;  // NOLINT: POSIX, passed on to ffmpeg

namespace ft {
namespace {

std::string errno_text(int e) {
  return std::strerror(e);
}

// Blocks SIGPIPE in the calling thread while alive, so that a write to a pipe whose reader has gone
// returns EPIPE instead of killing the process. A SIGPIPE raised meanwhile is consumed (not
// delivered) unless one was already pending before.
class SigpipeBlock {
 public:
  SigpipeBlock() {
    sigemptyset(&set_);
    sigaddset(&set_, SIGPIPE);
    pthread_sigmask(SIG_BLOCK, &set_, &old_);
    sigset_t pending;
    sigemptyset(&pending);
    sigpending(&pending);
    was_pending_ = sigismember(&pending, SIGPIPE) == 1;
  }
  ~SigpipeBlock() { pthread_sigmask(SIG_SETMASK, &old_, nullptr); }
  SigpipeBlock(const SigpipeBlock&) = delete;
  SigpipeBlock& operator=(const SigpipeBlock&) = delete;

  void consume_raised() {
    if (was_pending_)
      return;
    timespec zero{};
    while (sigtimedwait(&set_, nullptr, &zero) < 0 && errno == EINTR) {
    }
  }

 private:
  sigset_t set_{};
  sigset_t old_{};
  bool was_pending_ = false;
};

// The last non-empty line of what ffmpeg wrote to its stderr file (at most the last 8 KiB are
// read).
std::string last_line_of(int fd) {
  if (fd < 0)
    return {};
  struct stat st {};
  if (fstat(fd, &st) != 0)
    return {};
  const off_t size = st.st_size;
  const off_t start = std::max<off_t>(0, size - 8192);
  std::string text(static_cast<std::size_t>(size - start), '\0');
  std::size_t got = 0;
  while (got < text.size()) {
    const ssize_t n =
        pread(fd, text.data() + got, text.size() - got, start + static_cast<off_t>(got));
    if (n < 0 && errno == EINTR)
      continue;
    if (n <= 0)
      break;
    got += static_cast<std::size_t>(n);
  }
  text.resize(got);
  while (!text.empty() && std::isspace(static_cast<unsigned char>(text.back())))
    text.pop_back();
  const auto nl = text.find_last_of("\r\n");
  return nl == std::string::npos ? text : text.substr(nl + 1);
}

std::string format_number(double v) {
  std::ostringstream s;
  s.precision(12);
  s << v;
  return s.str();
}

bool is_mp4_like(const std::filesystem::path& p) {
  std::string ext = p.extension().string();
  std::transform(ext.begin(), ext.end(), ext.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return ext == ".mp4" || ext == ".m4v" || ext == ".mov";
}

// RAII holders for the posix_spawn attribute objects.
struct SpawnActions {
  posix_spawn_file_actions_t a{};
  SpawnActions() { posix_spawn_file_actions_init(&a); }
  ~SpawnActions() { posix_spawn_file_actions_destroy(&a); }
  SpawnActions(const SpawnActions&) = delete;
  SpawnActions& operator=(const SpawnActions&) = delete;
};
struct SpawnAttr {
  posix_spawnattr_t a{};
  SpawnAttr() { posix_spawnattr_init(&a); }
  ~SpawnAttr() { posix_spawnattr_destroy(&a); }
  SpawnAttr(const SpawnAttr&) = delete;
  SpawnAttr& operator=(const SpawnAttr&) = delete;
};

void close_fd(int& fd) {
  if (fd >= 0)
    ::close(fd);
  fd = -1;
}

}  // namespace

Result<std::unique_ptr<VideoWriter>> VideoWriter::open(const std::filesystem::path& path, int width,
                                                       int height, double fps,
                                                       const VideoWriterOptions& options) {
  if (options.pix_fmt != "yuv420p" && options.pix_fmt != "yuv444p") {
    return make_error(ErrorKind::BadArguments, "pixel format " + options.pix_fmt + " is not valid: use yuv420p or yuv444p");
  }
  const bool subsampled = options.pix_fmt == "yuv420p";
  if (width <= 0 || height <= 0 || (subsampled && (width % 2 != 0 || height % 2 != 0))) {
    return make_error(
        ErrorKind::BadArguments,
        "video size " + std::to_string(width) + "x" + std::to_string(height) +
            " is not valid: width and height must be positive and even (H.264 4:2:0)");
  }
  if (!(fps > 0.0 && fps <= 1000.0)) {
    return make_error(ErrorKind::BadArguments,
                      "frame rate " + format_number(fps) + " is not valid: use 1 to 1000 fps");
  }
  std::error_code ec;
  const auto parent =
      path.parent_path().empty() ? std::filesystem::current_path(ec) : path.parent_path();
  if (!std::filesystem::is_directory(parent, ec)) {
    return make_error(ErrorKind::Output, "cannot write video " + path.string() + ": folder " +
                                             parent.string() + " does not exist");
  }

  const int gop =
      options.gop > 0 ? options.gop : std::max(1, static_cast<int>(std::lround(2.0 * fps)));
  std::vector<std::string> args = {"ffmpeg",   "-hide_banner",
                                   "-nostdin", "-loglevel",
                                   "error",    "-y",
                                   "-f",       "rawvideo",
                                   "-pix_fmt", "bgr24",
                                   "-s",       std::to_string(width) + "x" + std::to_string(height),
                                   "-r",       format_number(fps),
                                   "-i",       "-",
                                   "-c:v",     "libx264",
                                   "-preset",  options.preset,
                                   "-crf",     std::to_string(options.crf),
                                   "-pix_fmt", options.pix_fmt};
  if (options.fragmented && is_mp4_like(path)) {
    args.insert(args.end(), {"-movflags", "+frag_keyframe+empty_moov+default_base_moof"});
  }
  args.insert(args.end(), {"-g", std::to_string(gop), path.string()});
  std::vector<char*> argv;
  argv.reserve(args.size() + 1);
  for (auto& a : args)
    argv.push_back(a.data());
  argv.push_back(nullptr);

  // ffmpeg's stderr goes to an anonymous temp file so that its last line can be shown on failure.
  std::string tmpl =
      (std::filesystem::temp_directory_path(ec) / "facetwitch-ffmpeg-XXXXXX").string();
  int err_fd = mkostemp(tmpl.data(), O_CLOEXEC);
  if (err_fd >= 0)
    unlink(tmpl.c_str());

  int fds[2] = {-1, -1};
  if (pipe2(fds, O_CLOEXEC) != 0) {
    const int e = errno;
    close_fd(err_fd);
    return make_error(ErrorKind::Output, "cannot start ffmpeg: pipe: " + errno_text(e));
  }
  // A bigger pipe lets us render the next frame while ffmpeg still reads this one (best effort).
  fcntl(fds[1], F_SETPIPE_SZ, 1 << 20);

  SpawnActions actions;
  posix_spawn_file_actions_adddup2(&actions.a, fds[0], 0);
  posix_spawn_file_actions_addopen(&actions.a, 1, "/dev/null", O_WRONLY, 0);
  if (err_fd >= 0) {
    posix_spawn_file_actions_adddup2(&actions.a, err_fd, 2);
  } else {
    posix_spawn_file_actions_addopen(&actions.a, 2, "/dev/null", O_WRONLY, 0);
  }
  // ffmpeg gets default signal handling and an empty mask, whatever our process uses.
  SpawnAttr attr;
  sigset_t def;
  sigemptyset(&def);
  sigaddset(&def, SIGPIPE);
  sigaddset(&def, SIGINT);
  sigaddset(&def, SIGTERM);
  sigset_t empty;
  sigemptyset(&empty);
  posix_spawnattr_setsigdefault(&attr.a, &def);
  posix_spawnattr_setsigmask(&attr.a, &empty);
  posix_spawnattr_setflags(&attr.a, POSIX_SPAWN_SETSIGDEF | POSIX_SPAWN_SETSIGMASK);

  pid_t pid = -1;
  const int rc = posix_spawnp(&pid, "ffmpeg", &actions.a, &attr.a, argv.data(), environ);
  ::close(fds[0]);
  if (rc != 0) {
    ::close(fds[1]);
    close_fd(err_fd);
    if (rc == ENOENT) {
      return make_error(ErrorKind::Output, "ffmpeg not found: install Debian's ffmpeg package");
    }
    return make_error(ErrorKind::Output, "cannot start ffmpeg: " + errno_text(rc));
  }

  std::unique_ptr<VideoWriter> w(new VideoWriter());
  w->path_ = path;
  w->width_ = width;
  w->height_ = height;
  w->pipe_fd_ = fds[1];
  w->stderr_fd_ = err_fd;
  w->pid_ = pid;
  return w;
}

VideoWriter::~VideoWriter() {
  (void)close();
}

Status VideoWriter::write(const cv::Mat& bgr) {
  if (closed_) {
    return close_status_.ok() ? make_error(ErrorKind::Internal, "VideoWriter::write after close")
                              : close_status_;
  }
  if (bgr.type() != CV_8UC3 || bgr.cols != width_ || bgr.rows != height_) {
    return make_error(ErrorKind::Output,
                      "cannot write video " + path_.string() + ": frame is " +
                          std::to_string(bgr.cols) + "x" + std::to_string(bgr.rows) + " (type " +
                          std::to_string(bgr.type()) + "), expected " + std::to_string(width_) +
                          "x" + std::to_string(height_) + " 8-bit BGR");
  }
  SigpipeBlock block;
  const std::size_t row_bytes = static_cast<std::size_t>(width_) * 3;
  const int chunks = bgr.isContinuous() ? 1 : height_;
  const std::size_t chunk_bytes =
      bgr.isContinuous() ? row_bytes * static_cast<std::size_t>(height_) : row_bytes;
  for (int c = 0; c < chunks; ++c) {
    const auto* p = bgr.ptr<unsigned char>(c);
    std::size_t left = chunk_bytes;
    while (left > 0) {
      const ssize_t n = ::write(pipe_fd_, p, left);
      if (n < 0) {
        const int e = errno;
        if (e == EINTR)
          continue;
        if (e == EPIPE)
          block.consume_raised();
        return fail_from_ffmpeg(e == EPIPE ? "ffmpeg stopped reading frames" : errno_text(e));
      }
      p += n;
      left -= static_cast<std::size_t>(n);
    }
  }
  ++frames_written_;
  return {};
}

Status VideoWriter::fail_from_ffmpeg(const std::string& what) {
  Status st = close();
  if (!st.ok())
    return st;  // ffmpeg's own message explains it
  close_status_ =
      make_error(ErrorKind::Output, "cannot write video " + path_.string() + ": " + what);
  return close_status_;
}

Status VideoWriter::close() {
  if (closed_)
    return close_status_;
  closed_ = true;
  close_fd(pipe_fd_);
  int status = 0;
  pid_t r = -1;
  do {
    r = waitpid(pid_, &status, 0);
  } while (r < 0 && errno == EINTR);
  const std::string message = last_line_of(stderr_fd_);
  close_fd(stderr_fd_);
  if (r < 0) {
    close_status_ =
        make_error(ErrorKind::Output, "cannot write video " + path_.string() +
                                          ": lost the ffmpeg process: " + errno_text(errno));
  } else if (WIFSIGNALED(status)) {
    close_status_ = make_error(ErrorKind::Output, "cannot write video " + path_.string() +
                                                      ": ffmpeg was killed by signal " +
                                                      std::to_string(WTERMSIG(status)));
  } else if (WIFEXITED(status) && WEXITSTATUS(status) != 0) {
    close_status_ = make_error(
        ErrorKind::Output, "cannot write video " + path_.string() + ": ffmpeg failed (exit code " +
                               std::to_string(WEXITSTATUS(status)) + ")" +
                               (message.empty() ? std::string() : ": " + message));
  }
  pid_ = -1;
  return close_status_;
}

}  // namespace ft
