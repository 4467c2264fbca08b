// robust_videos.cpp: see robust_videos.hpp.
#include "robustness/robust_videos.hpp"

#include <fcntl.h>
#include <signal.h>
#include <spawn.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <fstream>
#include <iterator>
#include <sstream>
#include <thread>

#include <gtest/gtest.h>
#include <opencv2/videoio.hpp>

extern char** environ;

namespace ft::testing {

namespace fs = std::filesystem;

std::filesystem::path still_face_video(double seconds) {
  Scenario s;
  s.duration_s = seconds;
  s.face_scale = 2.2;
  s.seed = 11;
  std::string why;
  const std::string name = "robust_still_" + std::to_string(static_cast<int>(seconds * 10));
  auto dir = ensure_video(name, s, &why);
  return dir ? *dir / "video.mp4" : fs::path();
}

namespace {
std::vector<char*> c_args(std::vector<std::string>& args) {
  std::vector<char*> out;
  for (auto& a : args) out.push_back(a.data());
  out.push_back(nullptr);
  return out;
}
}  // namespace

int run_program(const std::vector<std::string>& argv, std::string* output) {
  std::vector<std::string> args = argv;
  auto cargs = c_args(args);
  const fs::path log = fs::temp_directory_path() / ("ft_run_" + std::to_string(::getpid()) + ".txt");
  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0);
  posix_spawn_file_actions_addopen(&actions, 1, log.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
  posix_spawn_file_actions_adddup2(&actions, 1, 2);
  pid_t pid = -1;
  const int rc = posix_spawnp(&pid, cargs[0], &actions, nullptr, cargs.data(), environ);
  posix_spawn_file_actions_destroy(&actions);
  if (rc != 0) return -1;
  int status = 0;
  while (::waitpid(pid, &status, 0) < 0 && errno == EINTR) {
  }
  if (output) *output = slurp_text(log);
  fs::remove(log);
  return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}

std::filesystem::path derived_video(const std::string& name, const std::filesystem::path& from,
                                    const std::vector<std::string>& ffmpeg_args) {
  if (from.empty()) return {};
  const fs::path dir = from.parent_path() / "derived";
  const fs::path out = dir / name;
  // The ffmpeg arguments are kept beside the video: a test whose filter changes makes its video again.
  const fs::path stamp = dir / (name + ".args");
  std::string args;
  for (const auto& a : ffmpeg_args) args += a + '\n';
  auto stamped = [&] {
    std::ifstream in(stamp);
    std::stringstream text;
    text << in.rdbuf();
    return in.good() || in.eof() ? text.str() == args : false;
  };
  std::error_code ec;
  if (fs::is_regular_file(out, ec) && fs::last_write_time(out) >= fs::last_write_time(from) && stamped()) return out;
  fs::create_directories(dir);
  // Written under a unique name and renamed: parallel test processes may make the same file.
  const fs::path tmp = dir / (std::to_string(::getpid()) + ".tmp." + name);
  std::vector<std::string> argv = {"ffmpeg", "-nostdin", "-y", "-v", "error", "-i", from.string()};
  argv.insert(argv.end(), ffmpeg_args.begin(), ffmpeg_args.end());
  // The muxer is chosen from the final name's extension.
  const std::string ext = out.extension().string();
  argv.insert(argv.end(), {"-f", ext == ".mkv" ? "matroska" : ext == ".avi" ? "avi" : "mp4", tmp.string()});
  std::string log;
  const int rc = run_program(argv, &log);
  if (rc != 0) {
    ADD_FAILURE() << "ffmpeg failed making " << name << ":\n" << log;
    fs::remove(tmp, ec);
    return {};
  }
  fs::rename(tmp, out);
  const fs::path stamp_tmp = dir / (std::to_string(::getpid()) + ".tmp." + name + ".args");
  std::ofstream(stamp_tmp) << args;
  fs::rename(stamp_tmp, stamp, ec);
  return out;
}

pid_t spawn_facetwitch(const std::vector<std::string>& args, const std::filesystem::path& log_dir,
                       std::int64_t file_size_limit) {
  fs::create_directories(log_dir);
  const std::string out = (log_dir / "out.txt").string(), err = (log_dir / "err.txt").string();
  std::vector<std::string> argv = {FT_FACETWITCH_EXE};
  argv.insert(argv.end(), args.begin(), args.end());
  auto cargs = c_args(argv);
  const pid_t pid = ::fork();
  if (pid == 0) {
    // Child: only async-signal-safe calls until exec.
    const int in = ::open("/dev/null", O_RDONLY);
    const int o = ::open(out.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
    const int e = ::open(err.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
    if (in < 0 || o < 0 || e < 0) ::_exit(126);
    ::dup2(in, 0);
    ::dup2(o, 1);
    ::dup2(e, 2);
    if (file_size_limit > 0) {
      ::signal(SIGXFSZ, SIG_IGN);  // inherited through exec, by ffmpeg too: writes fail with EFBIG
      struct rlimit lim {};
      lim.rlim_cur = lim.rlim_max = static_cast<rlim_t>(file_size_limit);
      ::setrlimit(RLIMIT_FSIZE, &lim);
    }
    ::execv(cargs[0], cargs.data());
    ::_exit(127);
  }
  return pid;
}

int wait_child(pid_t pid, double timeout_s) {
  const auto until = std::chrono::steady_clock::now() + std::chrono::duration<double>(timeout_s);
  int status = 0;
  while (true) {
    const pid_t r = ::waitpid(pid, &status, WNOHANG);
    if (r == pid) break;
    if (r < 0) return -1;
    if (std::chrono::steady_clock::now() > until) {
      ADD_FAILURE() << "facetwitch did not finish within " << timeout_s << " s: killed";
      ::kill(pid, SIGKILL);
      ::waitpid(pid, &status, 0);
      return -1;
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}

std::string slurp_text(const std::filesystem::path& path) {
  std::ifstream in(path, std::ios::binary);
  return std::string((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
}

DecodedVideo decode_video(const std::filesystem::path& path) {
  DecodedVideo d;
  cv::VideoCapture cap(path.string(), cv::CAP_FFMPEG);
  if (!cap.isOpened()) return d;
  d.opened = true;
  cv::Mat img;
  double fps = cap.get(cv::CAP_PROP_FPS);
  if (!(fps > 0 && fps < 1000)) fps = 30.0;
  while (cap.read(img)) {
    ++d.frames;
    d.width = img.cols;
    d.height = img.rows;
  }
  // (Presentation times are not reported for every container: fragmented MP4 gives 0.)
  d.last_t = d.frames > 0 ? static_cast<double>(d.frames - 1) / fps : -1.0;
  return d;
}

CommandResult analyse(const std::filesystem::path& video, const std::filesystem::path& out,
                      const std::vector<std::string>& extra) {
  std::vector<std::string> args = {"analyse", video.string(), "--out", out.string(), "--quiet"};
  args.insert(args.end(), extra.begin(), extra.end());
  return run_facetwitch(args);
}

QualityCounts count_quality(const FramesCsvContents& frames, double t0, double t1) {
  QualityCounts c;
  for (const auto& r : frames.rows) {
    if (r.metrics.t < t0 || r.metrics.t >= t1) continue;
    ++c.rows;
    if (r.metrics.quality == kQualityOk) ++c.ok;
    if (r.metrics.quality & kQualityNoFace) ++c.no_face;
    if (r.metrics.quality != kQualityOk) ++c.flagged;
  }
  return c;
}

}  // namespace ft::testing
