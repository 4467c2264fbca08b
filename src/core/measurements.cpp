// measurements.cpp: quality flag names.
#include "core/measurements.hpp"

#include <array>
#include <sstream>
#include <utility>

namespace ft {
namespace {
constexpr std::array<std::pair<std::uint32_t, const char*>, 7> kNames{{
    {kQualityNoFace, "noface"},
    {kQualityPose, "pose"},
    {kQualitySmall, "small"},
    {kQualityDark, "dark"},
    {kQualityBright, "bright"},
    {kQualityBlur, "blur"},
    {kQualityOccluded, "occluded"},
}};
}  // namespace

std::string quality_to_string(std::uint32_t flags) {
  if (flags == kQualityOk) return "ok";
  std::string out;
  for (const auto& [bit, name] : kNames) {
    if (flags & bit) {
      if (!out.empty()) out += '|';
      out += name;
    }
  }
  return out;
}

std::uint32_t quality_from_string(const std::string& s) {
  if (s.empty() || s == "ok") return kQualityOk;
  std::uint32_t flags = 0;
  std::stringstream ss(s);
  std::string part;
  while (std::getline(ss, part, '|')) {
    for (const auto& [bit, name] : kNames) {
      if (part == name) flags |= bit;
    }
  }
  return flags;
}

}  // namespace ft
