// measurements.cpp: quality flag names.
#include "core/measurements.hpp"

#include <algorithm>
#include <array>
#include <sstream>
#include <utility>

namespace ft {
namespace {
constexpr std::array<std::pair<std::uint32_t, const char*>, 8> kNames{{
    {kQualityNoFace, "noface"},
    {kQualityPose, "pose"},
    {kQualitySmall, "small"},
    {kQualityDark, "dark"},
    {kQualityBright, "bright"},
    {kQualityBlur, "blur"},
    {kQualityOccluded, "occluded"},
    {kQualityDamaged, "damaged"},
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

namespace ft {

std::string_view episode_type_name(Region region, EpisodePattern pattern) {
  if (region == Region::Eye) return pattern == EpisodePattern::Clonic ? "flutter" : "spasm";
  switch (pattern) {
    case EpisodePattern::Clonic: return "clonic";
    case EpisodePattern::Tonic: return "tonic";
    case EpisodePattern::ClonicTonic: return "clonic-tonic";
  }
  return "clonic";
}

bool forms_episode(const Episode& e) {
  if (e.pattern != EpisodePattern::Clonic) return true;
  return e.twitch_count >= kMinEpisodeTwitches && !(e.frequency_hz < kMinClonicEpisodeHz);
}

std::size_t blink_count(const std::vector<Blink>& blinks) {
  return static_cast<std::size_t>(
      std::count_if(blinks.begin(), blinks.end(), [](const Blink& b) { return !is_long_eye_closure(b); }));
}

IsolatedTwitch isolated_twitch_of(const Episode& e) {
  IsolatedTwitch t;
  t.time_s = e.twitch_times_s.empty() ? e.start_s : e.twitch_times_s.front();
  t.start_s = e.start_s;
  t.end_s = e.end_s;
  t.side = e.side;
  t.region = e.region;
  t.peak_amplitude_iod = e.peak_amplitude_iod;
  return t;
}

std::optional<EpisodePattern> episode_pattern_from_name(std::string_view name) {
  if (name == "clonic" || name == "flutter") return EpisodePattern::Clonic;
  if (name == "tonic" || name == "spasm") return EpisodePattern::Tonic;
  if (name == "clonic-tonic") return EpisodePattern::ClonicTonic;
  return std::nullopt;
}

}  // namespace ft
