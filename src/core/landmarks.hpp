// landmarks.hpp: the 68-point face landmarks (iBUG 300-W / dlib order) with named indices.
//
// dlib's own examples use bare numbers 48..67; we do not. Index names say which side of the IMAGE a point
// is on ("ImageLeft" = smaller x in an unmirrored frame). In an unmirrored picture the image's left is the
// PERSON's right, so person-side code must go through person_index() below, never through these names
// directly.
#pragma once

#include <array>
#include <cstddef>
#include <utility>

#include <opencv2/core/types.hpp>

#include "core/side.hpp"

namespace ft {

using Landmarks68 = std::array<cv::Point2f, 68>;

namespace lm {
// Jaw line 0..16 (0 on the image's left), chin centre 8.
inline constexpr int JawImageLeftFirst = 0;
inline constexpr int Chin = 8;
inline constexpr int JawImageRightLast = 16;
// Eyebrows: image-left brow 17 (outer) .. 21 (inner); image-right brow 22 (inner) .. 26 (outer).
inline constexpr int BrowImageLeftOuter = 17;
inline constexpr int BrowImageLeftMiddle = 19;
inline constexpr int BrowImageLeftInner = 21;
inline constexpr int BrowImageRightInner = 22;
inline constexpr int BrowImageRightMiddle = 24;
inline constexpr int BrowImageRightOuter = 26;
// Nose: bridge 27 (top) .. 30 (tip); lower nose 31 (image left) .. 35 (image right), 33 centre.
inline constexpr int NoseBridgeTop = 27;
inline constexpr int NoseBridge2 = 28;
inline constexpr int NoseBridge3 = 29;
inline constexpr int NoseTip = 30;
inline constexpr int NoseBase = 33;
// Image-left eye: 36 outer corner, 37/38 upper lid, 39 inner corner, 40/41 lower lid.
inline constexpr int EyeImageLeftOuter = 36;
inline constexpr int EyeImageLeftUpperOuter = 37;
inline constexpr int EyeImageLeftUpperInner = 38;
inline constexpr int EyeImageLeftInner = 39;
inline constexpr int EyeImageLeftLowerInner = 40;
inline constexpr int EyeImageLeftLowerOuter = 41;
// Image-right eye: 42 inner corner, 43/44 upper lid, 45 outer corner, 46/47 lower lid.
inline constexpr int EyeImageRightInner = 42;
inline constexpr int EyeImageRightUpperInner = 43;
inline constexpr int EyeImageRightUpperOuter = 44;
inline constexpr int EyeImageRightOuter = 45;
inline constexpr int EyeImageRightLowerOuter = 46;
inline constexpr int EyeImageRightLowerInner = 47;
// Mouth: outer lip 48..59, inner lip 60..67.
inline constexpr int MouthCornerImageLeft = 48;
inline constexpr int UpperLipTop = 51;
inline constexpr int MouthCornerImageRight = 54;
inline constexpr int LowerLipBottom = 57;
inline constexpr int InnerLipTop = 62;
inline constexpr int InnerLipBottom = 66;
}  // namespace lm

// Facial features that exist once per side of the person.
enum class Feature {
  MouthCorner,
  EyeOuterCorner,
  EyeInnerCorner,
  EyeUpperLidOuter,
  EyeUpperLidInner,
  EyeLowerLidOuter,
  EyeLowerLidInner,
  BrowOuter,
  BrowMiddle,
  BrowInner,
};

// Landmark index of a person-side feature in an UNMIRRORED picture (person's left = image right).
int person_index(Feature f, Side s);

// The six landmarks of one eye of the person, in dlib order (outer/inner corner first/fourth for the
// image-left eye; the mapping is handled inside).
std::array<int, 6> person_eye_indices(Side s);

// Index of the landmark that mirrors `i` across the facial midline (iBUG 68 symmetry); midline points
// (8, 27..30, 33, 51, 57, 62, 66) map to themselves.
int mirror_index(int i);

// Mirror pairs (image-left index, image-right index) used by the asymmetry index: brows, eyes, nose base
// and mouth. The jaw outline is left out: it is poorly localised by the predictor.
const std::array<std::pair<int, int>, 21>& asymmetry_pairs();

}  // namespace ft
