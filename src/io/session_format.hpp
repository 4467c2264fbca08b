// session_format.hpp (private to src/io): the names and number formats shared by the session
// writers and readers, so that both sides agree by construction. Documented in docs/OUTPUT.md;
// names are stable.
#pragma once

#include <array>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/side.hpp"

namespace ft::session_format {

inline constexpr const char* kFramesCsv = "frames.csv";
inline constexpr const char* kEpisodesCsv = "episodes.csv";
inline constexpr const char* kSummaryJson = "summary.json";

// Every file facetwitch writes into a session folder: the three above, the protocol's results
// (protocol.json, protocol_timing.json: analyse --protocol, src/report/protocol_result.hpp) and the
// report (report.html, report.json: facetwitch report, src/report/report.hpp). `analyse --force`
// removes all of them (and their left-over temporaries) before a new run, so that no file of the
// previous run is left beside the new one; nothing else in the folder is touched.
inline constexpr std::array<const char*, 7> kSessionFiles{
    kFramesCsv, kEpisodesCsv, kSummaryJson, "protocol.json", "protocol_timing.json", "report.html", "report.json"};

// Digits after the decimal point, per unit.
inline constexpr int kTimeDecimals = 4;  // seconds
inline constexpr int kIodDecimals = 5;   // fractions of the inter-ocular distance
inline constexpr int kPxDecimals = 2;    // image pixels
inline constexpr int kDegDecimals = 2;   // degrees
inline constexpr int kMmDecimals = 3;    // millimetres (approximate)
inline constexpr int kHzDecimals = 4;    // hertz
inline constexpr int kFpsDecimals = 3;   // frames per second

inline constexpr int kLandmarkCount = 68;

// frames.csv: these columns, in this order, then lm0_x,lm0_y,...,lm67_x,lm67_y.
inline constexpr std::array<const char*, 34> kFramesBaseColumns{
    "frame",
    "time_s",
    "face_found",
    "quality",
    "yaw_deg",
    "pitch_deg",
    "roll_deg",
    "iod_px",
    "mouth_left_iod",
    "mouth_right_iod",
    "eye_left_iod",
    "eye_right_iod",
    "mouth_left_active",
    "mouth_right_active",
    "eye_left_active",
    "eye_right_active",
    "mouth_threshold_left_iod",
    "mouth_threshold_right_iod",
    "eye_threshold_left_iod",
    "eye_threshold_right_iod",
    "eye_aperture_left_iod",
    "eye_aperture_right_iod",
    "brow_height_left_iod",
    "brow_height_right_iod",
    "mouth_corner_left_x_iod",
    "mouth_corner_left_y_iod",
    "mouth_corner_right_x_iod",
    "mouth_corner_right_y_iod",
    "mouth_corner_height_diff_iod",
    "asymmetry_index_iod",
    "face_box_x",
    "face_box_y",
    "face_box_w",
    "face_box_h",
};

// frames.csv columns added in 0.3, written after the landmarks; the reader takes them when present
// (older files lack them).
inline constexpr std::array<const char*, 1> kFramesLateColumns{
    "mouth_opening_iod",
};

// The frames.csv columns every reader requires, in file order (base columns, then the 136 landmark
// coordinates).
inline const std::vector<std::string>& frames_required_columns() {
  static const std::vector<std::string> columns = [] {
    std::vector<std::string> c(kFramesBaseColumns.begin(), kFramesBaseColumns.end());
    for (int i = 0; i < kLandmarkCount; ++i) {
      c.push_back("lm" + std::to_string(i) + "_x");
      c.push_back("lm" + std::to_string(i) + "_y");
    }
    return c;
  }();
  return columns;
}

// Every frames.csv column name, in file order (the required columns, then the late ones).
inline const std::vector<std::string>& frames_columns() {
  static const std::vector<std::string> columns = [] {
    std::vector<std::string> c = frames_required_columns();
    c.insert(c.end(), kFramesLateColumns.begin(), kFramesLateColumns.end());
    return c;
  }();
  return columns;
}

// episodes.csv columns, in file order. duration_s and peak_amplitude_mm are derived (Episode
// computes them), so the reader does not require them.
// The columns after peak_amplitude_mm (type .. brow_lift) were added in 0.2; the reader takes them
// when present.
inline constexpr std::array<const char*, 16> kEpisodesColumns{
    "start_s",
    "end_s",
    "duration_s",
    "side",
    "region",
    "twitch_count",
    "frequency_hz",
    "peak_amplitude_iod",
    "peak_amplitude_mm",
    "type",
    "pattern",
    "longest_contraction_s",
    "median_contraction_s",
    "co_contraction",
    "brow_change_iod",
    "brow_lift",
};

// The pattern's file name: "clonic", "tonic", "clonic-tonic" (whatever the region).
inline std::string_view pattern_name(EpisodePattern p) { return episode_type_name(Region::Mouth, p); }

inline std::optional<Laterality> parse_laterality(std::string_view s) {
  for (Laterality l : {Laterality::Left, Laterality::Right, Laterality::Bilateral}) {
    if (s == to_string(l))
      return l;
  }
  return std::nullopt;
}

inline std::optional<Region> parse_region(std::string_view s) {
  for (Region r : kRegions) {
    if (s == to_string(r))
      return r;
  }
  return std::nullopt;
}

}  // namespace ft::session_format
