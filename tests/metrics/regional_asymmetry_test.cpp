// regional_asymmetry_test.cpp: the regional asymmetry measures on known landmark configurations give
// exact values (commissure excursion, smile angle, CCE angle); the comparison of two sides gives the
// documented signed difference, percentage of the stronger side, weaker side, millimetres and band
// verdict; and a mirrored face swaps the sides and keeps the values.
#include <cmath>

#include <gtest/gtest.h>

#include "metrics/face_metrics.hpp"
#include "metrics/regional_asymmetry.hpp"

namespace ft {
namespace {

constexpr double kPi = 3.14159265358979323846;

// A canonical face (x toward the person's left, y up, IOD units) with the points the measures use.
// Mouth corners at (+-0.4, -1.1), the outer lower lip a symmetric curve through (0, -1.25), inner eye
// corners at (+-0.2, 0).
std::array<cv::Point2f, 68> canonical_face() {
  std::array<cv::Point2f, 68> c{};
  auto set = [&](Feature f, Side s, cv::Point2f p) { c[static_cast<std::size_t>(person_index(f, s))] = p; };
  set(Feature::MouthCorner, Side::Left, {0.4f, -1.1f});
  set(Feature::MouthCorner, Side::Right, {-0.4f, -1.1f});
  set(Feature::EyeInnerCorner, Side::Left, {0.2f, 0.0f});
  set(Feature::EyeInnerCorner, Side::Right, {-0.2f, 0.0f});
  // Outer lower lip between the corners (image-left 48 = person's right): 59, 58 right of the midline,
  // 57 on it, 56, 55 left of it.
  c[59] = {-0.3f, -1.18f};
  c[58] = {-0.15f, -1.23f};
  c[57] = {0.0f, -1.25f};
  c[56] = {0.15f, -1.23f};
  c[55] = {0.3f, -1.18f};
  return c;
}

double deg(double rad) { return rad * 180.0 / kPi; }

}  // namespace

TEST(RegionalGeometry, SymmetricFaceGivesKnownValues) {
  const RegionalGeometry g = regional_geometry(canonical_face());
  EXPECT_FLOAT_EQ(g.lower_lip_mid.x, 0.0f);
  EXPECT_FLOAT_EQ(g.lower_lip_mid.y, -1.25f);
  for (Side s : kSides) {
    // Corner (+-0.4, -1.1) from the midpoint (0, -1.25): dx 0.4, dy +0.15.
    EXPECT_NEAR(g.commissure_excursion_iod[s], std::hypot(0.4, 0.15), 1e-6);
    EXPECT_NEAR(g.smile_angle_deg[s], 90.0 + deg(std::atan2(0.15, 0.4)), 1e-4);
    // CCE: at (0.4, -1.1), to the other corner (-0.8, 0) = 180 deg, to the endocanthion (-0.2, 1.1).
    EXPECT_NEAR(g.cce_angle_deg[s], 180.0 - deg(std::atan2(1.1, -0.2)), 1e-4);
  }
}

TEST(RegionalGeometry, LowerLipMidpointIsInterpolatedAtTheMidline) {
  auto c = canonical_face();
  c[57] = {0.1f, -1.25f};  // the lowest lip point off the midline: the crossing lies between 58 and 57
  const RegionalGeometry g = regional_geometry(c);
  EXPECT_FLOAT_EQ(g.lower_lip_mid.x, 0.0f);
  // 58 (-0.15, -1.23) to 57 (0.1, -1.25): at x = 0, u = 0.6, y = -1.23 - 0.6 * 0.02.
  EXPECT_NEAR(g.lower_lip_mid.y, -1.242, 1e-6);
}

TEST(RegionalGeometry, ALoweredLeftCornerLowersItsSmileAngle) {
  auto c = canonical_face();
  c[static_cast<std::size_t>(person_index(Feature::MouthCorner, Side::Left))].y = -1.2f;
  const RegionalGeometry g = regional_geometry(c);
  EXPECT_NEAR(g.smile_angle_deg.left, 90.0 + deg(std::atan2(0.05, 0.4)), 1e-4);
  EXPECT_LT(g.smile_angle_deg.left, g.smile_angle_deg.right);
  EXPECT_LT(g.commissure_excursion_iod.left, g.commissure_excursion_iod.right);
  EXPECT_LT(g.cce_angle_deg.left, g.cce_angle_deg.right);
}

TEST(CompareSides, LengthsGiveDiffPercentWeakerSideMillimetresAndVerdict) {
  // Brow heights 0.30 (left) and 0.27 (right) IOD: the right brow is lower, so weaker.
  const RegionalAsymmetry r = compare_sides(AsymmetryMeasure::BrowHeight, 0.30, 0.27);
  EXPECT_NEAR(r.diff, 0.03, 1e-12);
  EXPECT_NEAR(r.diff_mm, 0.03 * kAssumedIodMm, 1e-9);  // 1.89 mm
  EXPECT_NEAR(r.percent, 10.0, 1e-9);                  // 0.03 / 0.30
  ASSERT_TRUE(r.has_weaker);
  EXPECT_EQ(r.weaker, Side::Right);
  EXPECT_EQ(r.verdict, BandVerdict::Within);  // 1.89 mm < 3 mm (provisional band)
  const RegionalAsymmetry big = compare_sides(AsymmetryMeasure::BrowHeight, 0.25, 0.31);
  EXPECT_EQ(big.weaker, Side::Left);
  EXPECT_EQ(big.verdict, BandVerdict::Above);  // 3.78 mm
}

TEST(CompareSides, MouthCornerHeightIsSignedAndTheLowerCornerIsWeaker) {
  // Left corner at y = -1.12, right at -1.10: left 0.02 IOD (1.26 mm) lower.
  const RegionalAsymmetry r = compare_sides(AsymmetryMeasure::MouthCornerHeight, -1.12, -1.10);
  EXPECT_NEAR(r.diff, -0.02, 1e-12);
  EXPECT_NEAR(r.diff_mm, -1.26, 1e-9);
  EXPECT_EQ(r.weaker, Side::Left);
  EXPECT_NEAR(r.percent, 100.0 * 0.02 / 1.10, 1e-9);  // of the higher (stronger) corner's depth
  EXPECT_EQ(r.verdict, BandVerdict::Within);          // 1.26 mm < 2.5 mm
  EXPECT_EQ(compare_sides(AsymmetryMeasure::MouthCornerHeight, -1.15, -1.10).verdict, BandVerdict::Above);
}

TEST(CompareSides, TheWiderEyeIsTheWeakerOne) {
  // Palpebral fissure 0.16 (left) vs 0.14 (right) IOD: 1.26 mm, above the 1 mm band; the stronger
  // (narrower) eye is the right one, so the percentage is of 0.14.
  const RegionalAsymmetry r = compare_sides(AsymmetryMeasure::PalpebralFissure, 0.16, 0.14);
  EXPECT_EQ(r.weaker, Side::Left);
  EXPECT_NEAR(r.percent, 100.0 * 0.02 / 0.14, 1e-9);
  EXPECT_EQ(r.verdict, BandVerdict::Above);
}

TEST(CompareSides, AnglesHaveNoMillimetresAndUseDegreeBands) {
  const RegionalAsymmetry r = compare_sides(AsymmetryMeasure::CceAngle, 80.0, 86.5);
  EXPECT_NEAR(r.diff, -6.5, 1e-12);
  EXPECT_TRUE(std::isnan(r.diff_mm));
  EXPECT_EQ(r.weaker, Side::Left);
  EXPECT_NEAR(r.percent, 100.0 * 6.5 / 86.5, 1e-9);
  EXPECT_EQ(r.verdict, BandVerdict::Above);  // 6.5 deg > 6.2 deg
  EXPECT_EQ(compare_sides(AsymmetryMeasure::CceAngle, 80.0, 86.0).verdict, BandVerdict::Within);
}

TEST(CompareSides, EqualOrMissingValues) {
  const RegionalAsymmetry eq = compare_sides(AsymmetryMeasure::SmileAngle, 100.0, 100.0);
  EXPECT_FALSE(eq.has_weaker);
  EXPECT_EQ(eq.percent, 0.0);
  EXPECT_EQ(eq.verdict, BandVerdict::Within);
  const RegionalAsymmetry nan = compare_sides(AsymmetryMeasure::SmileAngle, kNaN, 100.0);
  EXPECT_FALSE(nan.has_weaker);
  EXPECT_TRUE(std::isnan(nan.diff));
  EXPECT_EQ(nan.verdict, BandVerdict::Unknown);
}

TEST(CompareSides, EveryMeasureHasABandWithASource) {
  for (AsymmetryMeasure m : kAsymmetryMeasures) {
    const AsymmetryMeasureInfo& info = measure_info(m);
    EXPECT_GT(info.band.limit, 0.0) << info.key;
    EXPECT_FALSE(info.band.source.empty()) << info.key;
    EXPECT_FALSE(info.key.empty());
  }
}

// The same face seen in a mirror (image x -> W - x, landmark i -> mirror_index(i)) is the face of a
// person whose left and right are swapped: every per-side value swaps sides, the signed differences
// change sign, the weaker side swaps, and the magnitudes stay.
TEST(RegionalAsymmetry, MirroredInputSwapsSidesAndKeepsValues) {
  // An asymmetric face in image pixels: a generic 68-point layout (IOD ~ 100 px) with the person's
  // left corner (image right, 54) lowered, the left brow raised and the left eye opened wider.
  Landmarks68 img{};
  const double cx = 320.0, cy = 240.0;
  auto put = [&](int i, double x, double y) { img[static_cast<std::size_t>(i)] = cv::Point2f(static_cast<float>(cx + x), static_cast<float>(cy + y)); };
  for (int i = 0; i <= 16; ++i) put(i, -90.0 + 180.0 * i / 16.0, 40.0 + 60.0 * std::sin(kPi * i / 16.0));
  const double brow[5] = {-85, -70, -50, -30, -12};
  for (int i = 0; i < 5; ++i) put(17 + i, brow[i], -40.0 - (i == 2 ? 6 : 3));
  for (int i = 0; i < 5; ++i) put(26 - i, -brow[i], -40.0 - (i == 2 ? 9 : 4));  // person's left brow higher
  for (int i = 0; i < 4; ++i) put(27 + i, 0.0, -20.0 + 12.0 * i);
  const double nose[5] = {-16, -8, 0, 8, 16};
  for (int i = 0; i < 5; ++i) put(31 + i, nose[i], 34.0 + (i == 2 ? 3 : 0));
  // Eyes: image-left (person's right) 36..41, image-right 42..47 (the left eye a little wider).
  put(36, -70, -10); put(37, -60, -16); put(38, -40, -16); put(39, -30, -10); put(40, -40, -5); put(41, -60, -5);
  put(42, 30, -10); put(43, 40, -17); put(44, 60, -17); put(45, 70, -10); put(46, 60, -4); put(47, 40, -4);
  // Mouth: 48 (person's right corner) .. 54 (person's left corner, lowered by 4 px).
  put(48, -40, 70); put(49, -25, 62); put(50, -10, 60); put(51, 0, 61); put(52, 10, 60); put(53, 25, 62); put(54, 40, 74);
  put(55, 28, 82); put(56, 12, 86); put(57, 0, 87); put(58, -12, 86); put(59, -28, 81);
  put(60, -34, 70); put(61, -10, 67); put(62, 0, 67); put(63, 10, 67); put(64, 34, 73); put(65, 10, 74); put(66, 0, 74); put(67, -10, 74);

  Landmarks68 mirrored{};
  for (int i = 0; i < 68; ++i) {
    const cv::Point2f p = img[static_cast<std::size_t>(i)];
    mirrored[static_cast<std::size_t>(mirror_index(i))] = cv::Point2f(640.0f - p.x, p.y);
  }
  FaceMetrics a, b;
  a.face_found = b.face_found = true;
  fill_geometry(img, a);
  fill_geometry(mirrored, b);
  for (AsymmetryMeasure m : kAsymmetryMeasures) {
    const PerSide<double> va = side_values(a, m);
    const PerSide<double> vb = side_values(b, m);
    const double tol = measure_info(m).angle ? 1e-3 : 1e-5;
    EXPECT_NEAR(va.left, vb.right, tol) << measure_info(m).key;
    EXPECT_NEAR(va.right, vb.left, tol) << measure_info(m).key;
    const RegionalAsymmetry ra = compare_sides(m, va.left, va.right);
    const RegionalAsymmetry rb = compare_sides(m, vb.left, vb.right);
    EXPECT_NEAR(ra.diff, -rb.diff, tol) << measure_info(m).key;
    EXPECT_NEAR(ra.percent, rb.percent, 1e-2) << measure_info(m).key;
    ASSERT_TRUE(ra.has_weaker && rb.has_weaker) << measure_info(m).key;
    EXPECT_NE(ra.weaker, rb.weaker) << measure_info(m).key;
  }
  // The lowered corner is the person's left one: the height difference is negative and left is weaker.
  const RegionalAsymmetry h = compare_sides(AsymmetryMeasure::MouthCornerHeight, a.mouth_corner.left.y, a.mouth_corner.right.y);
  EXPECT_LT(h.diff, 0.0);
  EXPECT_EQ(h.weaker, Side::Left);
  EXPECT_EQ(compare_sides(AsymmetryMeasure::SmileAngle, a.smile_angle_deg.left, a.smile_angle_deg.right).weaker, Side::Left);
  // The mouth opening (inner lips 7 px apart, IOD ~100 px) is the same in the mirrored face.
  EXPECT_NEAR(a.mouth_opening_iod, 7.0 / a.iod_px, 0.005);
  EXPECT_NEAR(a.mouth_opening_iod, b.mouth_opening_iod, 1e-5);
}

TEST(MouthOpening, MeanGapBetweenTheInnerLips) {
  std::array<cv::Point2f, 68> c{};
  c[61] = {-0.1f, -1.0f};
  c[67] = {-0.1f, -1.08f};
  c[62] = {0.0f, -1.0f};
  c[66] = {0.0f, -1.10f};
  c[63] = {0.1f, -1.0f};
  c[65] = {0.12f, -1.06f};  // a little sideways: the distance, not the vertical gap
  EXPECT_NEAR(mouth_opening(c), (0.08 + 0.10 + std::hypot(0.02, 0.06)) / 3.0, 1e-6);
  for (int i : {65, 66, 67}) c[static_cast<std::size_t>(i)].y -= 0.05f;  // the jaw drops
  EXPECT_NEAR(mouth_opening(c), (0.13 + 0.15 + std::hypot(0.02, 0.11)) / 3.0, 1e-6);
}

}  // namespace ft
