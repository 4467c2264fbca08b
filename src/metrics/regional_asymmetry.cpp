// regional_asymmetry.cpp: per-region left-right asymmetry (see the header and docs/METRICS.md).
#include "metrics/regional_asymmetry.hpp"

#include <cmath>

namespace ft {
namespace {

constexpr double kRadToDeg = 180.0 / 3.14159265358979323846;

// The normal bands. Each `source` is what docs/METRICS.md cites in full; provisional bands say why.
const std::array<AsymmetryMeasureInfo, kAsymmetryMeasureCount> kInfo{{
    {"mouth_corner_height", "Mouth-corner height", false, true,
     {2.5, false,
      "Mathis et al. 2018, Turk J Orthod 31:32-6: a left-right difference >= 2.5 mm in the "
      "commissure-to-menton distance at rest in 1 of 54 untreated volunteers"}},
    {"commissure_excursion", "Commissure excursion", false, true,
     {3.0, true,
      "provisional: no normal band found; 3 mm is the smile asymmetry people detect over 90% of the "
      "time (Hohman et al. 2014, Laryngoscope, doi:10.1002/lary.24331)"}},
    {"smile_angle", "Smile angle", true, true,
     {6.0, true,
      "provisional: no normal band found; the 2.5 mm corner-height band over a ~25 mm excursion "
      "(atan(2.5/25) = 5.7 deg)"}},
    {"cce_angle", "Corner-corner-endocanthion angle", true, true,
     {6.2, false,
      "Klimach et al. 2020, J Plast Surg Hand Surg, doi:10.1080/2000656X.2020.1838915: 97.5th "
      "centile of |L-R| at rest in 104 volunteers"}},
    {"palpebral_fissure", "Palpebral fissure height", false, false,
     {1.0, false,
      "Lam, Lam & Walls, Am J Ophthalmol (pp. 518-522): a difference >= 1 mm in primary gaze in 5 "
      "of 88 healthy subjects (5.7%)"}},
    {"brow_height", "Brow height", false, true,
     {3.0, true,
      "provisional: no normal band found; differences under 3 mm are generally not perceived "
      "(Analysis of Facial Asymmetry, Arch Craniofac Surg 2017, PMC5556787)"}},
}};

// Angle at `at` between the rays to `a` and `b`, degrees in [0, 180].
double angle_at(cv::Point2f at, cv::Point2f a, cv::Point2f b) {
  const double ux = a.x - at.x, uy = a.y - at.y, vx = b.x - at.x, vy = b.y - at.y;
  return std::atan2(std::fabs(ux * vy - uy * vx), ux * vx + uy * vy) * kRadToDeg;
}

// The outer lower-lip contour from the person's right corner to the left one (image-left to
// image-right in dlib's numbering: 48, 59, 58, 57, 56, 55, 54).
constexpr std::array<int, 7> kLowerLipOuter{lm::MouthCornerImageLeft, 59, 58, lm::LowerLipBottom, 56, 55,
                                            lm::MouthCornerImageRight};

}  // namespace

const AsymmetryMeasureInfo& measure_info(AsymmetryMeasure m) { return kInfo[static_cast<std::size_t>(m)]; }

std::string_view to_string(BandVerdict v) {
  switch (v) {
    case BandVerdict::Within: return "within";
    case BandVerdict::Above: return "above";
    case BandVerdict::Unknown: break;
  }
  return "unknown";
}

RegionalAsymmetry compare_sides(AsymmetryMeasure m, double left, double right) {
  const AsymmetryMeasureInfo& info = measure_info(m);
  RegionalAsymmetry r;
  r.measure = m;
  r.left = left;
  r.right = right;
  if (!std::isfinite(left) || !std::isfinite(right)) return r;
  r.diff = left - right;
  r.diff_mm = info.angle ? kNaN : r.diff * kAssumedIodMm;
  if (left != right) {
    const bool left_larger = left > right;
    const bool left_stronger = info.larger_is_stronger ? left_larger : !left_larger;
    r.has_weaker = true;
    r.weaker = left_stronger ? Side::Right : Side::Left;
    const double stronger = std::fabs(left_stronger ? left : right);
    r.percent = stronger > 0.0 ? 100.0 * std::fabs(r.diff) / stronger : kNaN;
  } else {
    r.percent = 0.0;
  }
  const double magnitude = std::fabs(info.angle ? r.diff : r.diff_mm);
  r.verdict = magnitude < info.band.limit ? BandVerdict::Within : BandVerdict::Above;
  return r;
}

std::array<RegionalAsymmetry, kAsymmetryMeasureCount> unmeasured_asymmetry() {
  std::array<RegionalAsymmetry, kAsymmetryMeasureCount> out{};
  for (std::size_t i = 0; i < out.size(); ++i) out[i].measure = kAsymmetryMeasures[i];
  return out;
}

PerSide<double> side_values(const FaceMetrics& f, AsymmetryMeasure m) {
  switch (m) {
    case AsymmetryMeasure::MouthCornerHeight:
      if (!f.face_found) return {kNaN, kNaN};
      return {f.mouth_corner.left.y, f.mouth_corner.right.y};
    case AsymmetryMeasure::CommissureExcursion: return f.commissure_excursion_iod;
    case AsymmetryMeasure::SmileAngle: return f.smile_angle_deg;
    case AsymmetryMeasure::CceAngle: return f.cce_angle_deg;
    case AsymmetryMeasure::PalpebralFissure: return f.eye_aperture_iod;
    case AsymmetryMeasure::BrowHeight: return f.brow_height_iod;
  }
  return {kNaN, kNaN};
}

RegionalGeometry regional_geometry(const std::array<cv::Point2f, 68>& c) {
  RegionalGeometry g;
  // Lower-lip vermilion midpoint: the crossing of the outer lower-lip contour with the midline x = 0
  // (as Emotrics does with a spline through the same points; here linear between landmarks).
  g.lower_lip_mid = c[lm::LowerLipBottom];
  for (std::size_t i = 0; i + 1 < kLowerLipOuter.size(); ++i) {
    const cv::Point2f a = c[static_cast<std::size_t>(kLowerLipOuter[i])];
    const cv::Point2f b = c[static_cast<std::size_t>(kLowerLipOuter[i + 1])];
    if ((a.x <= 0.0f && b.x >= 0.0f) || (a.x >= 0.0f && b.x <= 0.0f)) {
      const float span = b.x - a.x;
      const float u = span != 0.0f ? -a.x / span : 0.5f;
      g.lower_lip_mid = cv::Point2f(0.0f, a.y + u * (b.y - a.y));
      break;
    }
  }
  for (Side s : kSides) {
    const cv::Point2f corner = c[static_cast<std::size_t>(person_index(Feature::MouthCorner, s))];
    const cv::Point2f other = c[static_cast<std::size_t>(person_index(Feature::MouthCorner, other_side(s)))];
    const cv::Point2f endocanthion = c[static_cast<std::size_t>(person_index(Feature::EyeInnerCorner, s))];
    const double dx = corner.x - g.lower_lip_mid.x;
    const double dy = corner.y - g.lower_lip_mid.y;  // canonical y is up
    const double d = std::hypot(dx, dy);
    g.commissure_excursion_iod[s] = d;
    // Emotrics: 90 deg plus the elevation of the midpoint-to-corner line above the horizontal, i.e. the
    // angle between the downward midline and that line.
    g.smile_angle_deg[s] = d > 0.0 ? 90.0 + std::atan2(dy, std::fabs(dx)) * kRadToDeg : kNaN;
    g.cce_angle_deg[s] = angle_at(corner, other, endocanthion);
  }
  return g;
}

}  // namespace ft
