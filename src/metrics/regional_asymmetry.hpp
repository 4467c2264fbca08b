// regional_asymmetry.hpp: left-right asymmetry of the face region by region (mouth-corner height,
// commissure excursion, smile angle, commissure-commissure-endocanthion angle, palpebral fissure
// height, brow height): the per-side values of one frame, and the comparison of a left and a right
// value (signed difference, percentage of the stronger side, the weaker side, millimetres at the
// assumed IOD, and where the difference sits against a normal band with the band's source).
//
// Definitions, units and the sources of the bands: docs/METRICS.md ("Regional asymmetry").
// All sides are the PERSON's. Lengths are in IOD (canonical frame, core/measurements.hpp), angles in
// degrees. Pure functions and constant tables; thread-safe.
#pragma once

#include <array>
#include <string_view>

#include <opencv2/core/types.hpp>

#include "core/measurements.hpp"

namespace ft {

enum class AsymmetryMeasure {
  MouthCornerHeight = 0,  // canonical y of the mouth corner (negative: below the eye line), IOD
  CommissureExcursion,    // lower-lip midpoint to mouth corner, IOD (Emotrics)
  SmileAngle,             // Emotrics' smile angle, degrees (90 = corner level with the lip midpoint)
  CceAngle,               // angle at the corner between the corner-corner and corner-endocanthion lines, deg
  PalpebralFissure,       // palpebral fissure height (FaceMetrics::eye_aperture_iod), IOD
  BrowHeight,             // brow middle above the eye centre (FaceMetrics::brow_height_iod), IOD
};
inline constexpr std::size_t kAsymmetryMeasureCount = 6;
inline constexpr std::array<AsymmetryMeasure, kAsymmetryMeasureCount> kAsymmetryMeasures{
    AsymmetryMeasure::MouthCornerHeight, AsymmetryMeasure::CommissureExcursion,
    AsymmetryMeasure::SmileAngle,        AsymmetryMeasure::CceAngle,
    AsymmetryMeasure::PalpebralFissure,  AsymmetryMeasure::BrowHeight};

// A normal band: a left-right difference whose magnitude is at most `limit` (mm, or degrees for
// angles) is within what was seen in people without facial disease. `provisional`: no published
// normal band was found for this quantity; the limit is reasoned (docs/METRICS.md says how).
struct NormalBand {
  double limit = kNaN;
  bool provisional = true;
  std::string_view source;  // short citation
};

struct AsymmetryMeasureInfo {
  std::string_view key;    // stable name in summary.json, e.g. "commissure_excursion"
  std::string_view label;  // for people, e.g. "Commissure excursion"
  bool angle = false;      // degrees (else a length in IOD)
  // Which side is the stronger one: the larger value (true) or the smaller one (false: the palpebral
  // fissure, where more orbicularis oculi tone narrows the eye).
  bool larger_is_stronger = true;
  NormalBand band;
};
const AsymmetryMeasureInfo& measure_info(AsymmetryMeasure m);

enum class BandVerdict { Unknown = 0, Within, Above };
std::string_view to_string(BandVerdict v);  // "unknown", "within", "above"

// The comparison of one measure's left and right values.
struct RegionalAsymmetry {
  AsymmetryMeasure measure = AsymmetryMeasure::MouthCornerHeight;
  double left = kNaN;        // IOD or degrees
  double right = kNaN;
  double diff = kNaN;        // left - right (IOD or degrees)
  double diff_mm = kNaN;     // diff * kAssumedIodMm for lengths; NaN for angles
  double percent = kNaN;     // |left - right| / |stronger side's value| * 100
  bool has_weaker = false;   // false when the values are equal or not finite
  Side weaker = Side::Left;  // the person's weaker side (see AsymmetryMeasureInfo::larger_is_stronger)
  BandVerdict verdict = BandVerdict::Unknown;
};

// Compares `left` and `right` of measure `m` (both in the measure's unit).
RegionalAsymmetry compare_sides(AsymmetryMeasure m, double left, double right);

// One not-measured comparison per measure, in kAsymmetryMeasures order.
std::array<RegionalAsymmetry, kAsymmetryMeasureCount> unmeasured_asymmetry();

// The per-side value of `m` in one frame's metrics (NaN when not measured).
PerSide<double> side_values(const FaceMetrics& f, AsymmetryMeasure m);

// The per-frame regional geometry from the 68 landmarks in the canonical frame.
struct RegionalGeometry {
  cv::Point2f lower_lip_mid{};  // where the outer lower-lip contour crosses the midline x = 0
  PerSide<double> commissure_excursion_iod{kNaN, kNaN};
  PerSide<double> smile_angle_deg{kNaN, kNaN};
  PerSide<double> cce_angle_deg{kNaN, kNaN};
};
RegionalGeometry regional_geometry(const std::array<cv::Point2f, 68>& canonical);

}  // namespace ft
