// side.hpp: the PERSON's left and right (never the image's), facial regions, and a per-side pair.
// In an unmirrored picture the person's left is on the image's right.
#pragma once

#include <array>
#include <string_view>

namespace ft {

enum class Side { Left = 0, Right = 1 };
enum class Region { Mouth = 0, Eye = 1 };

// Episode side: one side, or both together.
enum class Laterality { Left, Right, Bilateral };

constexpr std::array<Side, 2> kSides{Side::Left, Side::Right};
constexpr std::array<Region, 2> kRegions{Region::Mouth, Region::Eye};

constexpr Side other_side(Side s) { return s == Side::Left ? Side::Right : Side::Left; }
constexpr std::string_view to_string(Side s) { return s == Side::Left ? "left" : "right"; }
constexpr std::string_view to_string(Region r) { return r == Region::Mouth ? "mouth" : "eye"; }
constexpr std::string_view to_string(Laterality l) {
  return l == Laterality::Left ? "left" : (l == Laterality::Right ? "right" : "bilateral");
}
constexpr Laterality laterality(Side s) { return s == Side::Left ? Laterality::Left : Laterality::Right; }

// A value for each of the person's sides, indexed by Side.
template <class T>
struct PerSide {
  T left{};
  T right{};
  T& operator[](Side s) { return s == Side::Left ? left : right; }
  const T& operator[](Side s) const { return s == Side::Left ? left : right; }
};

}  // namespace ft
