// landmarks.cpp: person-side and mirror mappings of the 68-point scheme.
#include "core/landmarks.hpp"

namespace ft {

int person_index(Feature f, Side s) {
  // Person's left is the image's right in an unmirrored picture.
  const bool image_right = (s == Side::Left);
  switch (f) {
    case Feature::MouthCorner: return image_right ? lm::MouthCornerImageRight : lm::MouthCornerImageLeft;
    case Feature::EyeOuterCorner: return image_right ? lm::EyeImageRightOuter : lm::EyeImageLeftOuter;
    case Feature::EyeInnerCorner: return image_right ? lm::EyeImageRightInner : lm::EyeImageLeftInner;
    case Feature::EyeUpperLidOuter:
      return image_right ? lm::EyeImageRightUpperOuter : lm::EyeImageLeftUpperOuter;
    case Feature::EyeUpperLidInner:
      return image_right ? lm::EyeImageRightUpperInner : lm::EyeImageLeftUpperInner;
    case Feature::EyeLowerLidOuter:
      return image_right ? lm::EyeImageRightLowerOuter : lm::EyeImageLeftLowerOuter;
    case Feature::EyeLowerLidInner:
      return image_right ? lm::EyeImageRightLowerInner : lm::EyeImageLeftLowerInner;
    case Feature::BrowOuter: return image_right ? lm::BrowImageRightOuter : lm::BrowImageLeftOuter;
    case Feature::BrowMiddle: return image_right ? lm::BrowImageRightMiddle : lm::BrowImageLeftMiddle;
    case Feature::BrowInner: return image_right ? lm::BrowImageRightInner : lm::BrowImageLeftInner;
  }
  return 0;
}

std::array<int, 6> person_eye_indices(Side s) {
  if (s == Side::Left) return {42, 43, 44, 45, 46, 47};  // image-right eye
  return {36, 37, 38, 39, 40, 41};                        // image-left eye
}

int mirror_index(int i) {
  static const std::array<int, 68> kMirror = [] {
    std::array<int, 68> m{};
    for (int k = 0; k < 68; ++k) m[static_cast<std::size_t>(k)] = k;
    auto pair = [&m](int a, int b) {
      m[static_cast<std::size_t>(a)] = b;
      m[static_cast<std::size_t>(b)] = a;
    };
    for (int k = 0; k < 8; ++k) pair(k, 16 - k);  // jaw
    for (int k = 0; k < 5; ++k) pair(17 + k, 26 - k);  // brows
    pair(31, 35);
    pair(32, 34);
    pair(36, 45);
    pair(37, 44);
    pair(38, 43);
    pair(39, 42);
    pair(40, 47);
    pair(41, 46);
    pair(48, 54);
    pair(49, 53);
    pair(50, 52);
    pair(59, 55);
    pair(58, 56);
    pair(60, 64);
    pair(61, 63);
    pair(67, 65);
    return m;
  }();
  return (i >= 0 && i < 68) ? kMirror[static_cast<std::size_t>(i)] : i;
}

const std::array<std::pair<int, int>, 21>& asymmetry_pairs() {
  static const std::array<std::pair<int, int>, 21> kPairs{{
      {17, 26}, {18, 25}, {19, 24}, {20, 23}, {21, 22},            // brows
      {36, 45}, {37, 44}, {38, 43}, {39, 42}, {40, 47}, {41, 46},  // eyes
      {31, 35}, {32, 34},                                          // nose base
      {48, 54}, {49, 53}, {50, 52}, {59, 55}, {58, 56},            // outer lip
      {60, 64}, {61, 63}, {67, 65},                                // inner lip
  }};
  return kPairs;
}

}  // namespace ft
