// history_file_test.cpp: the session history file given with --history is not a history (issue 13,
// docs/ROBUSTNESS.md): a path where none exists yet is not created by the commands that only read it,
// and a FIFO or device node is refused before SQLite opens it (it used to fail as "disk I/O error" and
// leave a stray -journal file beside it).
#include <sys/stat.h>
#include <sys/sysmacros.h>

#include <gtest/gtest.h>

#include "robustness/robust_videos.hpp"

namespace ft {
namespace {

namespace fs = std::filesystem;
using testing::fresh_dir;

bool contains(const std::string& text, const std::string& what) { return text.find(what) != std::string::npos; }

TEST(RobustHistory, ReadingANewHistoryPathSaysThereIsNoneAndCreatesNothing) {
  const auto dir = fresh_dir("robust_history_new");
  const auto file = dir / "not" / "yet" / "history.sqlite";
  for (const std::vector<std::string>& cmd : {std::vector<std::string>{"history", "list"},
                                              std::vector<std::string>{"history", "trend"},
                                              std::vector<std::string>{"history", "show", "1"}}) {
    std::vector<std::string> args = cmd;
    args.insert(args.end(), {"--history", file.string()});
    const auto r = testing::run_facetwitch(args);
    EXPECT_EQ(r.exit_code, 0) << cmd[1] << "\n" << r.err;
    EXPECT_TRUE(contains(r.out, "No session history at '" + file.string() + "'")) << cmd[1] << "\n" << r.out;
    EXPECT_TRUE(contains(r.out, "nothing was created")) << r.out;
    EXPECT_FALSE(fs::exists(dir / "not")) << cmd[1] << " created the history's folder";
  }
}

TEST(RobustHistory, FifoOrDeviceAsHistoryIsRefusedBeforeSqliteOpensIt) {
  const auto dir = fresh_dir("robust_history_fifo");
  fs::create_directories(dir);
  const auto fifo = dir / "history.sqlite";
  ASSERT_EQ(::mkfifo(fifo.c_str(), 0644), 0);
  const auto dev = dir / "zero.sqlite";
  const bool have_dev = ::mknod(dev.c_str(), S_IFCHR | 0666, makedev(1, 5)) == 0;  // /dev/zero's numbers
  std::vector<std::pair<fs::path, std::string>> cases = {{fifo, "a FIFO (named pipe)"}};
  if (have_dev) cases.emplace_back(dev, "a device");
  for (const auto& [path, kind] : cases) {
    for (const char* cmd : {"list", "import"}) {
      std::vector<std::string> args = {"history", cmd, "--history", path.string()};
      if (std::string(cmd) == "import") args.push_back(dir.string());
      std::string log;
      std::vector<std::string> argv = {"timeout", "-s", "KILL", "30", FT_FACETWITCH_EXE};
      argv.insert(argv.end(), args.begin(), args.end());
      const int code = testing::run_program(argv, &log);
      EXPECT_EQ(code, 5) << cmd << " " << path << "\n" << log;
      EXPECT_TRUE(contains(log, "session history '" + path.string() + "' is " + kind + ", not a regular file")) << log;
      EXPECT_FALSE(contains(log, "disk I/O error")) << log;
      EXPECT_FALSE(fs::exists(path.string() + "-journal")) << "a stray journal beside " << path;
      EXPECT_FALSE(fs::exists(path.string() + "-wal")) << "a stray WAL beside " << path;
    }
  }
}

}  // namespace
}  // namespace ft
