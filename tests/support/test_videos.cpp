// test_videos.cpp: generated test videos and running the CLI.
#include "support/test_videos.hpp"

#include <fcntl.h>
#include <sys/file.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstdio>
#include <fstream>
#include <sstream>

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "core/paths.hpp"
#include "synth/generator.hpp"

namespace ft::testing {

namespace {

// `facetwitch analyse` and `record` add their sessions to the session history. Tests must never write
// to the user's real one: every facetwitch started by a test process (run_facetwitch, fork/exec)
// inherits this, unless the test sets FACETWITCH_HISTORY (or passes --history) itself.
[[maybe_unused]] const bool kHistoryRedirected = [] {
  const std::string file = std::string(FT_TEST_BINARY_DIR) + "/test-out/history-of-tests.sqlite";
  return ::setenv("FACETWITCH_HISTORY", file.c_str(), 0) == 0;
}();
// Serialises generation of one video across test processes (ctest runs tests in parallel processes).
class FileLock {
 public:
  explicit FileLock(const std::filesystem::path& p) : fd_(::open(p.c_str(), O_RDWR | O_CREAT, 0644)) {
    if (fd_ >= 0) ::flock(fd_, LOCK_EX);
  }
  ~FileLock() {
    if (fd_ >= 0) {
      ::flock(fd_, LOCK_UN);
      ::close(fd_);
    }
  }
  FileLock(const FileLock&) = delete;
  FileLock& operator=(const FileLock&) = delete;

 private:
  int fd_;
};
}  // namespace

std::optional<std::filesystem::path> ensure_video(const std::string& name, const Scenario& scenario, std::string* why) {
  const auto photo = find_demo_photo();
  if (!photo) {
    if (why) *why = "astronaut portrait not in the cache: run scripts/setup.sh";
    return std::nullopt;
  }
  // Shared by every build (Release, sanitizers): the videos depend only on the scenario and the
  // generator version, both checked below.
  const std::filesystem::path dir = cache_dir() / "test-data" / name;
  std::filesystem::create_directories(dir.parent_path());
  FileLock lock(dir.parent_path() / (name + ".lock"));
  std::error_code ec;
  if (std::filesystem::is_regular_file(dir / "video.mp4", ec)) {
    auto truth = read_truth(dir / "truth.json");
    if (truth && truth->generator_version == kSynthGeneratorVersion && truth->scenario &&
        to_json(*truth->scenario) == to_json(scenario)) {
      return dir;
    }
  }
  auto report = generate_video(scenario, *photo, dir, "");
  if (!report) {
    ADD_FAILURE() << "generating " << name << ": " << report.error().message;
    if (why) *why = report.error().message;
    return std::nullopt;
  }
  return dir;
}

namespace {
// Single-quoted for /bin/sh. (Built with an ostringstream: GCC 12 gives a false -Wrestrict on
// std::string concatenation here.)
std::string quote(const std::string& s) {
  std::ostringstream q;
  q << '\'';
  for (char c : s) {
    if (c == '\'') {
      q << "'\\''";
    } else {
      q << c;
    }
  }
  q << '\'';
  return q.str();
}
std::string slurp(const std::filesystem::path& p) {
  std::ifstream in(p);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}
}  // namespace

CommandResult run_facetwitch(const std::vector<std::string>& args, const std::string& env) {
  static int counter = 0;
  const std::filesystem::path tmp = std::filesystem::path(FT_TEST_BINARY_DIR) / "test-out" / "cmd";
  std::filesystem::create_directories(tmp);
  std::ostringstream tag;
  tag << getpid() << '_' << counter++;
  const auto out_path = tmp / ("out_" + tag.str()), err_path = tmp / ("err_" + tag.str());
  std::ostringstream cmd;
  if (!env.empty()) cmd << env << ' ';
  cmd << quote(FT_FACETWITCH_EXE);
  for (const auto& a : args) cmd << ' ' << quote(a);
  cmd << " >" << quote(out_path.string()) << " 2>" << quote(err_path.string()) << " </dev/null";
  const int status = std::system(cmd.str().c_str());
  CommandResult r;
  r.exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
  r.out = slurp(out_path);
  r.err = slurp(err_path);
  std::filesystem::remove(out_path);
  std::filesystem::remove(err_path);
  return r;
}

std::filesystem::path fresh_dir(const std::string& name) {
  const std::filesystem::path dir = std::filesystem::path(FT_TEST_BINARY_DIR) / "test-out" / name;
  std::filesystem::remove_all(dir);
  std::filesystem::create_directories(dir.parent_path());
  return dir;
}

}  // namespace ft::testing
