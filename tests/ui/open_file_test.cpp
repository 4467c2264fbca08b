// open_file_test.cpp: the window's "Open report" back end (ui/open_file.hpp), without a display: the
// xdg-open found in $PATH is started on the file and the call returns at once; without one, the error
// says where the file is.
#include <chrono>
#include <cstdlib>
#include <fstream>
#include <sstream>
#include <thread>

#include <sys/stat.h>

#include <gtest/gtest.h>

#include "support/test_videos.hpp"
#include "ui/open_file.hpp"

namespace ft::ui {
namespace {

// Sets PATH for the scope of the object.
class ScopedPath {
 public:
  explicit ScopedPath(const std::string& value) {
    const char* old = std::getenv("PATH");
    had_ = old != nullptr;
    if (had_)
      old_ = old;
    ::setenv("PATH", value.c_str(), 1);
  }
  ~ScopedPath() {
    if (had_)
      ::setenv("PATH", old_.c_str(), 1);
    else
      ::unsetenv("PATH");
  }

 private:
  bool had_ = false;
  std::string old_;
};

std::string slurp(const std::filesystem::path& p) {
  std::ifstream in(p);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

}  // namespace

TEST(OpenFile, StartsXdgOpenFromThePathOnTheFile) {
  const auto dir = testing::fresh_dir("open_file");
  std::filesystem::create_directories(dir / "bin");
  const auto log = dir / "opened.txt";
  {
    std::ofstream script(dir / "bin" / "xdg-open");
    script << "#!/bin/sh\nprintf '%s' \"$1\" > '" << log.string() << ".tmp' && mv '" << log.string() << ".tmp' '"
           << log.string() << "'\n";
  }
  ASSERT_EQ(::chmod((dir / "bin" / "xdg-open").c_str(), 0755), 0);
  const auto report = dir / "session" / "report.html";
  {
    ScopedPath path((dir / "bin").string() + ":/usr/bin:/bin");
    EXPECT_EQ(find_in_path("xdg-open"), (dir / "bin" / "xdg-open").string());
    const Status st = open_with_default_app(report);
    ASSERT_TRUE(st.ok()) << st.error().message;
  }
  const auto until = std::chrono::steady_clock::now() + std::chrono::seconds(10);
  while (!std::filesystem::exists(log) && std::chrono::steady_clock::now() < until)
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  EXPECT_EQ(slurp(log), report.string());
}

TEST(OpenFile, WithoutXdgOpenTheErrorSaysWhereTheFileIs) {
  const auto dir = testing::fresh_dir("open_file_missing");
  std::filesystem::create_directories(dir);
  ScopedPath path(dir.string());
  EXPECT_EQ(find_in_path("xdg-open"), "");
  const Status st = open_with_default_app("/tmp/some session/report.html");
  ASSERT_FALSE(st.ok());
  EXPECT_NE(st.error().message.find("xdg-open is not installed"), std::string::npos) << st.error().message;
  EXPECT_NE(st.error().message.find("/tmp/some session/report.html"), std::string::npos) << st.error().message;
}

}  // namespace ft::ui
