// regional_summary_test.cpp: summary.json carries the regional asymmetry, the baseline window, the
// 10-s blocks and the detectability, and reads them back (derived fields recomputed from left/right).
#include <cmath>
#include <fstream>

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "io/session.hpp"

namespace ft {
namespace {

std::filesystem::path temp_file(const char* name) {
  const auto dir = std::filesystem::temp_directory_path() / "ft_regional_summary_test";
  std::filesystem::create_directories(dir);
  return dir / name;
}

}  // namespace

TEST(RegionalSummaryJson, RoundTripAndDocumentedKeys) {
  SessionSummary s;
  AsymmetrySummary& a = s.asymmetry;
  a.baseline_requested_s = 5.0;
  a.rest_basis = "baseline";
  a.rest_start_s = 0.5;
  a.rest_end_s = 5.4667;
  a.rest_frames = 150;
  a.resting[static_cast<std::size_t>(AsymmetryMeasure::MouthCornerHeight)] =
      compare_sides(AsymmetryMeasure::MouthCornerHeight, -1.15, -1.10);
  a.resting[static_cast<std::size_t>(AsymmetryMeasure::SmileAngle)] =
      compare_sides(AsymmetryMeasure::SmileAngle, 118.25, 121.5);
  AsymmetryBlock b;
  b.start_s = 0.0;
  b.end_s = 10.0;
  b.frames = 300;
  b.diff.fill(kNaN);
  b.diff[0] = -0.05;
  a.over_time.push_back(b);
  a.mouth_detect.right = {0.0135, 0.0011, 120};
  const auto path = temp_file("summary.json");
  ASSERT_TRUE(write_summary_json(path, s).ok());

  std::ifstream in(path);
  const auto j = nlohmann::json::parse(in);
  const auto& h = j["asymmetry"]["regions"]["mouth_corner_height"];
  EXPECT_EQ(h["weaker_side"], "left");
  EXPECT_EQ(h["verdict"], "above");  // 3.15 mm
  EXPECT_NEAR(h["diff_mm"].get<double>(), -3.15, 1e-9);
  EXPECT_EQ(h["normal_band"]["limit"], 2.5);
  EXPECT_EQ(h["normal_band"]["provisional"], false);
  EXPECT_TRUE(j["asymmetry"]["regions"]["brow_height"]["left"].is_null());
  EXPECT_EQ(j["asymmetry"]["regions"]["brow_height"]["verdict"], "unknown");
  EXPECT_TRUE(j["asymmetry"]["regions"]["smile_angle"]["diff_mm"].is_null());
  EXPECT_EQ(j["detectability"]["mouth"]["right"]["samples"], 120);
  EXPECT_NEAR(j["detectability"]["mouth"]["right"]["smallest_twitch_mm"].get<double>(), 0.851, 1e-9);

  auto back = read_summary_json(path);
  ASSERT_TRUE(back.ok()) << back.error().message;
  const AsymmetrySummary& r = back->asymmetry;
  EXPECT_EQ(r.baseline_requested_s, 5.0);
  EXPECT_EQ(r.rest_basis, "baseline");
  EXPECT_EQ(r.rest_frames, 150);
  const RegionalAsymmetry& rh = r.resting[static_cast<std::size_t>(AsymmetryMeasure::MouthCornerHeight)];
  EXPECT_NEAR(rh.diff, -0.05, 1e-9);
  EXPECT_EQ(rh.weaker, Side::Left);
  EXPECT_EQ(rh.measure, AsymmetryMeasure::MouthCornerHeight);
  EXPECT_NEAR(r.resting[static_cast<std::size_t>(AsymmetryMeasure::SmileAngle)].diff, -3.25, 1e-9);
  ASSERT_EQ(r.over_time.size(), 1u);
  EXPECT_EQ(r.over_time[0].frames, 300);
  EXPECT_NEAR(r.over_time[0].diff[0], -0.05, 1e-9);
  EXPECT_TRUE(std::isnan(r.over_time[0].diff[1]));
  EXPECT_NEAR(r.mouth_detect.right.smallest_twitch_iod, 0.0135, 1e-9);
  EXPECT_EQ(r.mouth_detect.right.samples, 120);
  EXPECT_TRUE(std::isnan(r.eye_detect.left.smallest_twitch_iod));
}

TEST(RegionalSummaryJson, AnOldSummaryWithoutTheNewFieldsStillReads) {
  const auto path = temp_file("old.json");
  {
    std::ofstream out(path);
    out << R"({"frames": 10, "asymmetry": {"mouth_corner_height_iod": 0.01, "index": 0.03, "frames_used": 10}})";
  }
  auto back = read_summary_json(path);
  ASSERT_TRUE(back.ok()) << back.error().message;
  EXPECT_EQ(back->asymmetry.rest_basis, "outside_events");
  EXPECT_TRUE(std::isnan(back->asymmetry.resting[0].diff));
  // The old top-level value was the median over every good frame, another definition: it is not
  // shown as the resting value.
  EXPECT_TRUE(std::isnan(back->asymmetry.mouth_corner_height_iod()));
  EXPECT_DOUBLE_EQ(back->asymmetry.index, 0.03);
  EXPECT_TRUE(back->asymmetry.over_time.empty());
}

}  // namespace ft
