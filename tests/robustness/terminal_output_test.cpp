// terminal_output_test.cpp: text that comes from the user or from files (folder and file names, patient
// identifiers in imported summary.json files) is printed with its control characters escaped (issue 13,
// docs/ROBUSTNESS.md): an escape sequence in a name must not reach the terminal, where it could change
// colours, the window title or what earlier lines seem to say.
#include <fstream>

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "robustness/robust_videos.hpp"

namespace ft {
namespace {

namespace fs = std::filesystem;
using testing::fresh_dir;
using testing::still_face_video;

using testing::contains;

// No byte below 0x20 but the line ends, no DEL.
void expect_no_control_characters(const std::string& text, const std::string& what) {
  for (const char c : text) {
    const auto u = static_cast<unsigned char>(c);
    EXPECT_FALSE((u < 0x20 && c != '\n') || u == 0x7f) << what << " prints a raw control character " << int(u) << ":\n"
                                                       << text;
  }
}

TEST(RobustTerminal, EscapeSequencesInNamesAndPatientIdsArePrintedEscaped) {
  const auto still = still_face_video();
  if (still.empty()) GTEST_SKIP() << "no test video (run scripts/setup.sh)";
  const auto dir = fresh_dir("robust_terminal");
  const auto history = dir / "history.sqlite";
  // A folder whose name sets the text red and the window title.
  const auto out = dir / "red\x1b[31mX\x1b]0;owned\x07";
  const auto r = testing::run_facetwitch({"analyse", still.string(), "--out", out.string(), "--history", history.string()});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  expect_no_control_characters(r.out, "analyse (stdout)");
  expect_no_control_characters(r.err, "analyse (stderr)");
  EXPECT_TRUE(contains(r.out, "red\\x1b[31mX\\x1b]0;owned\\x07")) << r.out;

  // A patient identifier with an escape sequence, in a summary.json imported from elsewhere.
  const auto other = dir / "other";
  fs::create_directories(other);
  for (const char* f : {"frames.csv", "episodes.csv"}) fs::copy_file(out / f, other / f);
  nlohmann::json s;
  std::ifstream(out / "summary.json") >> s;
  s["patient_id"] = "P\x1b[2J\x1b[1;1HQ";
  std::ofstream(other / "summary.json") << s.dump(2);
  const auto imported = testing::run_facetwitch({"history", "import", other.string(), "--history", history.string()});
  expect_no_control_characters(imported.out, "history import (stdout)");
  expect_no_control_characters(imported.err, "history import (stderr)");
  const auto list = testing::run_facetwitch({"history", "list", "--history", history.string()});
  EXPECT_EQ(list.exit_code, 0) << list.err;
  expect_no_control_characters(list.out, "history list (stdout)");
  expect_no_control_characters(list.err, "history list (stderr)");
  EXPECT_TRUE(contains(list.out, "red\\x1b[31mX\\x1b]0;owned\\x07")) << list.out;
  if (imported.exit_code == 0) {
    EXPECT_TRUE(contains(list.out, "P\\x1b[2J\\x1b[1;1HQ")) << list.out;
    const auto show = testing::run_facetwitch({"history", "show", "2", "--history", history.string()});
    expect_no_control_characters(show.out, "history show (stdout)");
  }
  // A video path with a control character in an error message.
  const auto missing = testing::run_facetwitch({"analyse", (dir / "no\x1b[8mpe.mp4").string(), "--out", (dir / "o2").string()});
  EXPECT_EQ(missing.exit_code, 3);
  expect_no_control_characters(missing.err, "analyse of a missing file (stderr)");
  EXPECT_TRUE(contains(missing.err, "no\\x1b[8mpe.mp4")) << missing.err;
}

}  // namespace
}  // namespace ft
