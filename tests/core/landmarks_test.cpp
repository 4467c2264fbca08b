// landmarks_test.cpp: person-side mapping and mirror symmetry of the 68-point scheme.
#include <set>

#include <gtest/gtest.h>

#include "core/landmarks.hpp"
#include "core/measurements.hpp"

namespace ft {

TEST(Landmarks, PersonLeftIsImageRightInUnmirroredPicture) {
  EXPECT_EQ(person_index(Feature::MouthCorner, Side::Left), 54);
  EXPECT_EQ(person_index(Feature::MouthCorner, Side::Right), 48);
  EXPECT_EQ(person_index(Feature::EyeOuterCorner, Side::Left), 45);
  EXPECT_EQ(person_index(Feature::EyeOuterCorner, Side::Right), 36);
  EXPECT_EQ(person_eye_indices(Side::Left)[0], 42);
  EXPECT_EQ(person_eye_indices(Side::Right)[0], 36);
}

TEST(Landmarks, EveryFeatureMirrorsToTheOtherSide) {
  for (Feature f : {Feature::MouthCorner, Feature::EyeOuterCorner, Feature::EyeInnerCorner, Feature::EyeUpperLidOuter,
                    Feature::EyeUpperLidInner, Feature::EyeLowerLidOuter, Feature::EyeLowerLidInner,
                    Feature::BrowOuter, Feature::BrowMiddle, Feature::BrowInner}) {
    EXPECT_EQ(mirror_index(person_index(f, Side::Left)), person_index(f, Side::Right));
  }
}

TEST(Landmarks, MirrorIsAnInvolutionAndFixesTheMidline) {
  for (int i = 0; i < 68; ++i) EXPECT_EQ(mirror_index(mirror_index(i)), i) << i;
  for (int i : {8, 27, 28, 29, 30, 33, 51, 57, 62, 66}) EXPECT_EQ(mirror_index(i), i);
  EXPECT_EQ(mirror_index(0), 16);
  EXPECT_EQ(mirror_index(48), 54);
  EXPECT_EQ(mirror_index(37), 44);
}

TEST(Landmarks, AsymmetryPairsAreMirrorPairsWithoutRepeats) {
  std::set<int> seen;
  for (const auto& [a, b] : asymmetry_pairs()) {
    EXPECT_EQ(mirror_index(a), b);
    EXPECT_TRUE(seen.insert(a).second);
    EXPECT_TRUE(seen.insert(b).second);
  }
}

TEST(Quality, FlagsRoundTripThroughText) {
  EXPECT_EQ(quality_to_string(kQualityOk), "ok");
  EXPECT_EQ(quality_to_string(kQualityPose | kQualitySmall), "pose|small");
  for (std::uint32_t f : {0u, 1u, 6u, 63u, 40u}) EXPECT_EQ(quality_from_string(quality_to_string(f)), f);
}

}  // namespace ft
