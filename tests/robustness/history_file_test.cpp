// history_file_test.cpp: the session history file given with --history cannot be written or is not a
// history (issue 13, docs/ROBUSTNESS.md): a read-only history can still be read (list, show, trend,
// export), a path where none exists yet is not created by the commands that only read it,
// and a FIFO or device node is refused before SQLite opens it (it used to fail as "disk I/O error" and
// leave a stray -journal file beside it).
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <unistd.h>

#include <gtest/gtest.h>

#include "robustness/robust_videos.hpp"

namespace ft {
namespace {

namespace fs = std::filesystem;
using testing::fresh_dir;

using testing::contains;

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

// A history the user may read but not write (a colleague's file, a read-only share): the reading
// commands open it read-only and work; before, every one failed with "attempt to write a readonly
// database". As root (who may write any file) the commands run as `nobody` through setpriv.
TEST(RobustHistory, ReadOnlyHistoryCanStillBeRead) {
  const auto still = testing::still_face_video(2.0);
  if (still.empty()) GTEST_SKIP() << "no test video (run scripts/setup.sh)";
  const auto dir = fresh_dir("robust_history_readonly");
  const auto history = dir / "ro" / "history.sqlite";
  const auto out = dir / "session";
  const auto a = testing::analyse(still, out, {"--history", history.string()});
  ASSERT_EQ(a.exit_code, 0) << a.err;
  ASSERT_TRUE(fs::exists(history));
  // The file and its folder read-only for the user who runs the commands.
  fs::permissions(history, fs::perms::owner_read | fs::perms::group_read | fs::perms::others_read);
  fs::permissions(dir / "ro", fs::perms::owner_read | fs::perms::owner_exec | fs::perms::group_read |
                                  fs::perms::group_exec | fs::perms::others_read | fs::perms::others_exec);
  for (fs::path p = dir; p != p.parent_path(); p = p.parent_path()) {
    std::error_code ec;  // the folders above must be passable for `nobody`
    if (::geteuid() == 0 && (fs::status(p, ec).permissions() & fs::perms::others_exec) == fs::perms::none)
      GTEST_SKIP() << p << " cannot be entered by nobody";
  }
  std::vector<std::string> prefix = {FT_FACETWITCH_EXE};
  if (::geteuid() == 0) {
    if (::access("/usr/bin/setpriv", X_OK) != 0) GTEST_SKIP() << "running as root without setpriv";
    prefix = {"setpriv", "--reuid=65534", "--regid=65534", "--clear-groups", FT_FACETWITCH_EXE};
  }
  auto run = [&](std::vector<std::string> args) {
    std::vector<std::string> argv = prefix;
    argv.insert(argv.end(), args.begin(), args.end());
    argv.insert(argv.end(), {"--history", history.string()});
    std::string log;
    const int code = testing::run_program(argv, &log);
    return std::make_pair(code, log);
  };
  const auto [list_code, list] = run({"history", "list"});
  EXPECT_EQ(list_code, 0) << list;
  EXPECT_TRUE(contains(list, out.string())) << list;
  EXPECT_FALSE(contains(list, "readonly database")) << list;
  const auto [show_code, show] = run({"history", "show", "1"});
  EXPECT_EQ(show_code, 0) << show;
  EXPECT_TRUE(contains(show, "Session #1")) << show;
  const auto [trend_code, trend] = run({"history", "trend"});
  EXPECT_EQ(trend_code, 0) << trend;
  const auto [json_code, json] = run({"history", "list", "--json"});
  EXPECT_EQ(json_code, 0) << json;
  // Writing still fails, with the file named.
  const auto [import_code, import] = run({"history", "import", out.string()});
  EXPECT_EQ(import_code, 5) << import;
  EXPECT_TRUE(contains(import, history.string())) << import;
  EXPECT_FALSE(fs::exists(history.string() + "-journal"));
  fs::permissions(dir / "ro", fs::perms::owner_all, fs::perm_options::add);
}

}  // namespace
}  // namespace ft
