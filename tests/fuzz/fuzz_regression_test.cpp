// fuzz_regression_test.cpp: runs every fuzz target (built without libFuzzer) over its checked-in seeds
// and past findings, tests/fuzz/corpus/<target>/: a finding that was fixed stays fixed in every build,
// including the sanitizer builds. The fuzzers themselves: tests/fuzz/CMakeLists.txt, docs/ROBUSTNESS.md.
#include <filesystem>
#include <fstream>
#include <iterator>
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "fuzz/fuzz_support.hpp"

FT_FUZZ_DECLARE(frames_csv);
FT_FUZZ_DECLARE(episodes_csv);
FT_FUZZ_DECLARE(summary_json);
FT_FUZZ_DECLARE(settings);
FT_FUZZ_DECLARE(video_file);

namespace {

using Target = int (*)(const std::uint8_t*, std::size_t);

std::size_t run_corpus(const std::string& name, Target target) {
  const std::filesystem::path dir = std::filesystem::path(FT_FUZZ_CORPUS_DIR) / name;
  std::size_t n = 0;
  for (const auto& entry : std::filesystem::directory_iterator(dir)) {
    if (!entry.is_regular_file()) continue;
    std::ifstream in(entry.path(), std::ios::binary);
    const std::vector<char> bytes((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    SCOPED_TRACE(entry.path().string());
    target(reinterpret_cast<const std::uint8_t*>(bytes.data()), bytes.size());
    ++n;
  }
  // And a few inputs every reader must survive.
  const std::string edge[] = {"", "\n", ",", "\"", "\xff\xfe", std::string(1, '\0'), "{", "[]", "null", "1e999999"};
  for (const auto& e : edge) target(reinterpret_cast<const std::uint8_t*>(e.data()), e.size());
  return n;
}

}  // namespace

TEST(FuzzRegression, FramesCsv) { EXPECT_GE(run_corpus("frames_csv", ft_fuzz_frames_csv), 2u); }
TEST(FuzzRegression, EpisodesCsv) { EXPECT_GE(run_corpus("episodes_csv", ft_fuzz_episodes_csv), 2u); }
TEST(FuzzRegression, SummaryJson) { EXPECT_GE(run_corpus("summary_json", ft_fuzz_summary_json), 2u); }
TEST(FuzzRegression, Settings) { EXPECT_GE(run_corpus("settings", ft_fuzz_settings), 2u); }
// MP4 (plain, index first, fragmented, cut), MKV (also with a frame size change) and AVI seeds.
TEST(FuzzRegression, VideoFile) { EXPECT_GE(run_corpus("video_file", ft_fuzz_video_file), 8u); }
