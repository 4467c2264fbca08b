// summary_json.cpp: summary.json, written and read back. Writing goes through write_file_atomically
// (a new temporary, fsync and rename), so readers only ever see a complete file. NaN is written as null (JSON has no NaN)
// and read back as NaN. Key names are stable and documented in docs/OUTPUT.md; reading and writing
// live here together so they cannot drift apart.
#include <fcntl.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cmath>
#include <fstream>
#include <iterator>
#include <limits>
#include <sstream>
#include <system_error>
#include <utility>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "io/session.hpp"
#include "io/session_format.hpp"

namespace ft {
namespace fs = std::filesystem;
namespace sf = session_format;

double time_in_episodes_pct(const std::vector<Episode>& episodes, Region region, Side side, double duration_s) {
  if (!(duration_s > 0.0)) return 0.0;
  std::vector<std::pair<double, double>> spans;
  for (const Episode& e : episodes) {
    if (e.region == region && (e.side == laterality(side) || e.side == Laterality::Bilateral)) {
      spans.emplace_back(e.start_s, e.end_s);
    }
  }
  std::sort(spans.begin(), spans.end());
  double total = 0.0, cur_a = 0.0, cur_b = -1e300;
  for (const auto& [a, b] : spans) {
    if (a > cur_b) {
      if (cur_b > cur_a) total += cur_b - cur_a;
      cur_a = a;
      cur_b = b;
    } else {
      cur_b = std::max(cur_b, b);
    }
  }
  if (cur_b > cur_a) total += cur_b - cur_a;
  return std::min(100.0, 100.0 * total / duration_s);
}

Status validate_patient_id(std::string_view id) {
  std::size_t chars = 0;
  for (std::size_t i = 0; i < id.size(); ++chars) {
    const auto c = static_cast<unsigned char>(id[i]);
    std::size_t len = 0;  // 0: a continuation byte or an invalid lead byte
    if (c < 0x80) len = 1;
    else if (c >= 0xC2 && c <= 0xDF) len = 2;
    else if (c >= 0xE0 && c <= 0xEF) len = 3;
    else if (c >= 0xF0 && c <= 0xF4) len = 4;
    bool valid = len > 0 && i + len <= id.size();
    for (std::size_t k = 1; valid && k < len; ++k) valid = (static_cast<unsigned char>(id[i + k]) & 0xC0) == 0x80;
    if (!valid) {
      return make_error(ErrorKind::BadArguments,
                        "the patient identifier is not valid UTF-8 text: type it again (letters, digits, spaces, "
                        "punctuation)");
    }
    if (len == 1 && (c < 0x20 || c == 0x7F)) {
      return make_error(ErrorKind::BadArguments,
                        fmt::format("the patient identifier contains a control character (code {}) at position {}: "
                                    "use printable characters only (no tabs or line breaks)",
                                    static_cast<int>(c), chars + 1));
    }
    i += len;
  }
  if (chars > kMaxPatientIdChars) {
    return make_error(ErrorKind::BadArguments,
                      fmt::format("the patient identifier is {} characters long: at most {} are allowed",
                                  chars, kMaxPatientIdChars));
  }
  return {};
}

double rounded_as_written(double v, int decimals) {
  if (!std::isfinite(v) || std::fabs(v) >= 1e12)
    return v;
  const double scale = std::pow(10.0, decimals);
  v = std::round(v * scale) / scale;
  return v == 0.0 ? 0.0 : v;  // no "-0.0"
}

double resting_value_as_written(double v, bool angle) {
  return rounded_as_written(v, angle ? sf::kDegDecimals : sf::kIodDecimals);
}

RegionalAsymmetry compare_resting_sides(AsymmetryMeasure m, double left, double right) {
  const bool angle = measure_info(m).angle;
  RegionalAsymmetry r =
      compare_sides(m, resting_value_as_written(left, angle), resting_value_as_written(right, angle));
  r.diff = resting_value_as_written(r.diff, angle);
  if (!angle)
    r.diff_mm = r.diff * kAssumedIodMm;
  return r;
}

std::string format_corner_height_diff(double iod) {
  if (!std::isfinite(iod))
    return "not measured";
  // From the value as written, so an in-memory value and the one read back from summary.json (equal
  // after rounding) give the same text.
  const double v = resting_value_as_written(iod, false);
  return fmt::format("{:+.2f}% IOD ({:+.2f} mm)", 100.0 * v, v * kAssumedIodMm);
}

std::string describe_corner_height_diff(double iod) {
  if (!std::isfinite(iod))
    return "not measured";
  const double v = resting_value_as_written(iod, false);
  const char* which = v > 0.0 ? ", the person's left corner higher"
                      : v < 0.0 ? ", the person's right corner higher"
                                : ", level";
  return fmt::format("{}{}", format_corner_height_diff(v), which);
}

std::string describe_rest_basis(const std::string& rest_basis) {
  if (rest_basis == "baseline")
    return "the personal baseline";
  if (rest_basis == "outside_events")
    return "the frames outside detected events";
  return "the frames outside twitches and blinks, speech and expressions included";
}

std::size_t count_isolated_twitches(const std::vector<IsolatedTwitch>& list, Region region, Laterality side) {
  return static_cast<std::size_t>(std::count_if(list.begin(), list.end(), [&](const IsolatedTwitch& t) {
    return t.region == region && t.side == side;
  }));
}

std::string describe_isolated_twitches(const std::vector<IsolatedTwitch>& list) {
  std::string out = "isolated twitches (single, not in an episode): ";
  if (list.empty())
    return out + "none";
  out += std::to_string(list.size());
  std::string parts;
  for (Region r : kRegions) {
    std::string sides;
    for (Laterality l : {Laterality::Left, Laterality::Right, Laterality::Bilateral}) {
      const std::size_t n = count_isolated_twitches(list, r, l);
      if (n == 0)
        continue;
      sides += fmt::format("{}{} {}", sides.empty() ? "" : ", ", to_string(l), n);
    }
    if (!sides.empty())
      parts += fmt::format("{}{}: {}", parts.empty() ? "" : "; ", to_string(r), sides);
  }
  return fmt::format("{} ({})", out, parts);
}

namespace {

using Json = nlohmann::ordered_json;

// A measured value rounded to `decimals` (as in the CSV files), or null when not finite.
Json num(double v, int decimals) {
  if (!std::isfinite(v))
    return nullptr;
  return rounded_as_written(v, decimals);
}

// A setting: kept exactly, so the run can be reproduced; null when not finite.
Json exact(double v) {
  return std::isfinite(v) ? Json(v) : Json(nullptr);
}

Json counts_json(const std::vector<Episode>& episodes, const std::vector<IsolatedTwitch>& isolated, double duration_s) {
  Json counts = Json::object();
  const double minutes = (std::isfinite(duration_s) && duration_s > 0.0) ? duration_s / 60.0 : 0.0;
  for (Region r : kRegions) {
    Json per_region = Json::object();
    for (Laterality l : {Laterality::Left, Laterality::Right, Laterality::Bilateral}) {
      std::int64_t n = 0;
      std::int64_t twitches = 0;
      std::int64_t co = 0;
      std::int64_t brow = 0;
      Json by_type = Json::object();
      for (EpisodePattern p : {EpisodePattern::Clonic, EpisodePattern::Tonic, EpisodePattern::ClonicTonic}) {
        by_type[std::string(sf::pattern_name(p))] = 0;
      }
      for (const Episode& e : episodes) {
        if (e.region == r && e.side == l) {
          ++n;
          twitches += e.twitch_count;
          co += e.co_contraction ? 1 : 0;
          brow += e.brow_lift ? 1 : 0;
          auto& c = by_type[std::string(sf::pattern_name(e.pattern))];
          c = c.get<std::int64_t>() + 1;
        }
      }
      const double per_min = minutes > 0.0 ? static_cast<double>(twitches) / minutes : 0.0;
      Json item{{"episodes", n},
                {"twitches", twitches},
                {"twitches_per_min", num(per_min, 3)},
                {"episodes_by_pattern", std::move(by_type)},
                {"co_contraction_episodes", co},
                {"isolated_twitches", count_isolated_twitches(isolated, r, l)}};
      if (r == Region::Eye) item["brow_lift_episodes"] = brow;
      if (l != Laterality::Bilateral) {
        // Time in spasm: the share of the recording inside an episode of this region that involves
        // this side (its own or a bilateral one); overlapping episodes counted once.
        item["time_in_spasm_pct"] = num(time_in_episodes_pct(episodes, r, l == Laterality::Left ? Side::Left : Side::Right, duration_s), 2);
      }
      per_region[std::string(to_string(l))] = std::move(item);
    }
    counts[std::string(to_string(r))] = std::move(per_region);
  }
  return counts;
}

Json settings_json(const TwitchSettings& s) {
  return Json{
      {"mouth_enabled", s.mouth_enabled},
      {"eye_enabled", s.eye_enabled},
      {"threshold_k", exact(s.threshold_k)},
      {"min_amplitude_iod", exact(s.min_amplitude_iod)},
      {"eye_min_amplitude_iod", exact(s.eye_min_amplitude_iod)},
      {"baseline_window_s", exact(s.baseline_window_s)},
      {"noise_window_s", exact(s.noise_window_s)},
      {"warmup_s", exact(s.warmup_s)},
      {"merge_gap_s", exact(s.merge_gap_s)},
      {"bilateral_ratio", exact(s.bilateral_ratio)},
      {"blink_sync_s", exact(s.blink_sync_s)},
      {"voluntary_rise_s", exact(s.voluntary_rise_s)},
  };
}

std::string side_name(const RegionalAsymmetry& r) {
  return r.has_weaker ? std::string(to_string(r.weaker)) : std::string();
}

Json regions_json(const AsymmetrySummary& a) {
  Json regions = Json::object();
  for (std::size_t i = 0; i < kAsymmetryMeasureCount; ++i) {
    const RegionalAsymmetry& r = a.resting[i];
    const AsymmetryMeasureInfo& info = measure_info(kAsymmetryMeasures[i]);
    const int dec = info.angle ? sf::kDegDecimals : sf::kIodDecimals;
    const std::string weaker = side_name(r);
    regions[std::string(info.key)] = Json{
        {"unit", info.angle ? "deg" : "iod"},
        {"left", num(r.left, dec)},
        {"right", num(r.right, dec)},
        {"diff", num(r.diff, dec)},
        {"diff_mm", num(r.diff_mm, sf::kMmDecimals)},
        {"percent_of_stronger", num(r.percent, 2)},
        {"weaker_side", weaker.empty() ? Json(nullptr) : Json(weaker)},
        {"verdict", std::string(to_string(r.verdict))},
        {"normal_band",
         Json{{"limit", exact(info.band.limit)},
              {"unit", info.angle ? "deg" : "mm"},
              {"provisional", info.band.provisional},
              {"source", std::string(info.band.source)}}},
    };
  }
  return regions;
}

Json over_time_json(const AsymmetrySummary& a) {
  Json blocks = Json::array();
  for (const AsymmetryBlock& b : a.over_time) {
    Json diff = Json::object();
    for (std::size_t i = 0; i < kAsymmetryMeasureCount; ++i) {
      const AsymmetryMeasureInfo& info = measure_info(kAsymmetryMeasures[i]);
      diff[std::string(info.key)] = num(b.diff[i], info.angle ? sf::kDegDecimals : sf::kIodDecimals);
    }
    blocks.push_back(Json{{"start_s", num(b.start_s, sf::kTimeDecimals)},
                          {"end_s", num(b.end_s, sf::kTimeDecimals)},
                          {"frames", b.frames},
                          {"diff", std::move(diff)}});
  }
  return Json{{"block_s", kAsymmetryBlockS}, {"blocks", std::move(blocks)}};
}

Json detectability_json(const AsymmetrySummary& a, const TwitchSettings& settings) {
  Json j = Json{{"window", a.rest_basis},
                {"start_s", num(a.rest_start_s, sf::kTimeDecimals)},
                {"end_s", num(a.rest_end_s, sf::kTimeDecimals)}};
  for (Region r : kRegions) {
    Json per_region = Json::object();
    for (Side side : kSides) {
      const StreamDetectability& d = a.detect(r)[side];
      // The threshold is max(noise-based threshold, the minimum amplitude setting): say which one set it.
      const double floor = r == Region::Mouth ? settings.min_amplitude_iod : settings.eye_min_amplitude_iod;
      const char* limited_by = !std::isfinite(d.smallest_twitch_iod) ? "unknown"
                               : std::fabs(d.smallest_twitch_iod - floor) < 1e-9 ? "min_amplitude_setting"
                                                                               : "noise";
      per_region[std::string(to_string(side))] = Json{
          {"smallest_twitch_iod", num(d.smallest_twitch_iod, sf::kIodDecimals)},
          {"smallest_twitch_mm", num(d.smallest_twitch_iod * kAssumedIodMm, sf::kMmDecimals)},
          {"noise_sigma_iod", num(d.noise_sigma_iod, sf::kIodDecimals)},
          {"noise_sigma_mm", num(d.noise_sigma_iod * kAssumedIodMm, sf::kMmDecimals)},
          {"samples", d.samples},
          {"limited_by", limited_by},
      };
    }
    j[std::string(to_string(r))] = std::move(per_region);
  }
  return j;
}

Json summary_json(const SessionSummary& s) {
  Json j = Json::object();
  j["patient_id"] = s.patient_id;
  j["video"] = s.video;
  j["source"] = s.source;
  j["mirrored_input"] = s.mirrored_input;
  j["created_utc"] = s.created_utc;
  j["recorded_at"] = s.recorded_at;
  j["recorded_at_source"] = s.recorded_at_source;
  j["facetwitch_version"] = s.facetwitch_version;
  j["model_path"] = s.model_path;
  j["width"] = s.width;
  j["height"] = s.height;
  j["duration_s"] = num(s.duration_s, sf::kTimeDecimals);
  j["frames"] = s.frames;
  j["frames_with_face"] = s.frames_with_face;
  j["frames_good_quality"] = s.frames_good_quality;
  j["frames_dropped"] = s.frames_dropped;
  j["fps"] = num(s.fps, sf::kFpsDecimals);
  j["partial"] = s.partial;
  j["partial_reason"] = s.partial_reason;
  j["units"] = Json{
      {"iod", "fraction of the inter-ocular distance (eye centre to eye centre)"},
      {"mm", fmt::format("approximate, assuming an IOD of {:g} mm", kAssumedIodMm)},
      {"time", "seconds from the first frame"},
      {"sides", "the person's own left and right, never the image's"},
  };
  j["assumed_iod_mm"] = kAssumedIodMm;
  j["asymmetry"] = Json{
      // The resting values (regions.mouth_corner_height.diff, diff_mm), repeated at the top for readers
      // of older files; frames_used is rest_frames.
      {"mouth_corner_height_iod", num(s.asymmetry.mouth_corner_height_iod(), sf::kIodDecimals)},
      {"mouth_corner_height_mm",
       num(s.asymmetry.mouth_corner_height_iod() * kAssumedIodMm, sf::kMmDecimals)},
      {"index", num(s.asymmetry.index, sf::kIodDecimals)},
      {"frames_used", s.asymmetry.rest_frames},
      {"baseline_requested_s", exact(s.asymmetry.baseline_requested_s)},
      {"rest_basis", s.asymmetry.rest_basis},
      {"rest_start_s", num(s.asymmetry.rest_start_s, sf::kTimeDecimals)},
      {"rest_end_s", num(s.asymmetry.rest_end_s, sf::kTimeDecimals)},
      {"rest_frames", s.asymmetry.rest_frames},
      {"regions", regions_json(s.asymmetry)},
      {"over_time", over_time_json(s.asymmetry)},
  };
  j["detectability"] = detectability_json(s.asymmetry, s.settings);
  j["counts"] = counts_json(s.episodes, s.isolated_twitches, s.duration_s);
  Json episodes = Json::array();
  for (const Episode& e : s.episodes) {
    episodes.push_back(Json{
        {"start_s", num(e.start_s, sf::kTimeDecimals)},
        {"end_s", num(e.end_s, sf::kTimeDecimals)},
        {"duration_s", num(e.duration_s(), sf::kTimeDecimals)},
        {"side", std::string(to_string(e.side))},
        {"region", std::string(to_string(e.region))},
        {"twitch_count", e.twitch_count},
        {"frequency_hz", num(e.frequency_hz, sf::kHzDecimals)},
        {"peak_amplitude_iod", num(e.peak_amplitude_iod, sf::kIodDecimals)},
        {"peak_amplitude_mm", num(e.peak_amplitude_mm(), sf::kMmDecimals)},
        {"type", std::string(episode_type_name(e.region, e.pattern))},
        {"pattern", std::string(sf::pattern_name(e.pattern))},
        {"longest_contraction_s", num(e.longest_contraction_s, sf::kTimeDecimals)},
        {"median_contraction_s", num(e.median_contraction_s, sf::kTimeDecimals)},
        {"co_contraction", e.co_contraction},
        {"brow_change_iod", num(e.brow_change_iod, sf::kIodDecimals)},
        {"brow_lift", e.region == Region::Eye ? Json(e.brow_lift) : Json(nullptr)},
        {"cut_by_end", e.cut_by_end},
    });
  }
  j["episodes"] = std::move(episodes);
  Json blinks = Json::array();
  for (const Blink& b : s.blinks) {
    blinks.push_back(Json{{"start_s", num(b.start_s, sf::kTimeDecimals)},
                          {"end_s", num(b.end_s, sf::kTimeDecimals)},
                          {"peak_closure_iod", num(b.peak_closure_iod, sf::kIodDecimals)}});
  }
  j["blinks"] = std::move(blinks);
  j["blink_count"] = s.blinks.size();
  Json isolated = Json::array();
  for (const IsolatedTwitch& t : s.isolated_twitches) {
    isolated.push_back(Json{{"time_s", num(t.time_s, sf::kTimeDecimals)},
                            {"start_s", num(t.start_s, sf::kTimeDecimals)},
                            {"end_s", num(t.end_s, sf::kTimeDecimals)},
                            {"side", std::string(to_string(t.side))},
                            {"region", std::string(to_string(t.region))},
                            {"peak_amplitude_iod", num(t.peak_amplitude_iod, sf::kIodDecimals)},
                            {"peak_amplitude_mm", num(t.peak_amplitude_mm(), sf::kMmDecimals)}});
  }
  j["isolated_twitches"] = std::move(isolated);
  Json voluntary = Json::array();
  for (const VoluntaryMovement& v : s.voluntary_movements) {
    voluntary.push_back(Json{{"start_s", num(v.start_s, sf::kTimeDecimals)},
                             {"end_s", num(v.end_s, sf::kTimeDecimals)},
                             {"region", std::string(to_string(v.region))}});
  }
  j["voluntary_movements"] = std::move(voluntary);
  j["settings"] = settings_json(s.settings);
  j["settings"]["min_face_iod_px"] = exact(s.min_face_iod_px);
  return j;
}

Result<std::string> summary_text(const SessionSummary& summary) {
  try {
    // Invalid UTF-8 (a file name in another encoding) is replaced, never an exception.
    std::string text = summary_json(summary).dump(2, ' ', false, Json::error_handler_t::replace);
    text += '\n';
    return text;
  } catch (const std::exception& e) {
    return make_error(ErrorKind::Internal, std::string("cannot build summary.json: ") + e.what());
  }
}

Error output_error(const fs::path& path, const std::string& what, int err) {
  std::string message = fmt::format("cannot write '{}'", path.string());
  if (!what.empty())
    message += ": " + what;
  if (err != 0)
    message += ": " + std::generic_category().message(err);
  return make_error(ErrorKind::Output, std::move(message));
}

// ---- reading ------------------------------------------------------------------------------------

// Reads optional fields with type checks; the first problem becomes the error (naming file and
// field).
class JsonReader {
 public:
  explicit JsonReader(const fs::path& path) : path_(path) {}
  bool ok() const { return error_.empty(); }
  Error error() const {
    return make_error(ErrorKind::Input, fmt::format("'{}': {}", path_.string(), error_));
  }

  // Each get: a missing key leaves `out` unchanged; null gives NaN (doubles only).
  void get(const Json& obj, const char* key, const std::string& where, double& out) {
    const Json* v = find(obj, key);
    if (v == nullptr)
      return;
    if (v->is_null()) {
      out = kNaN;
    } else if (v->is_number()) {
      out = v->get<double>();
    } else {
      fail(where, key, "a number or null");
    }
  }
  void get(const Json& obj, const char* key, const std::string& where, std::int64_t& out) {
    const Json* v = find(obj, key);
    if (v == nullptr)
      return;
    if (v->is_number_integer() &&
        !(v->is_number_unsigned() &&
          v->get<std::uint64_t>() >
              static_cast<std::uint64_t>(std::numeric_limits<std::int64_t>::max()))) {
      out = v->get<std::int64_t>();
    } else if (v->is_number_float() && std::isfinite(v->get<double>()) &&
               std::trunc(v->get<double>()) == v->get<double>() &&
               std::fabs(v->get<double>()) < 9e15) {
      out = static_cast<std::int64_t>(v->get<double>());
    } else {
      fail(where, key, "a whole number");
    }
  }
  void get(const Json& obj, const char* key, const std::string& where, int& out) {
    std::int64_t wide = out;
    get(obj, key, where, wide);
    if (wide < std::numeric_limits<int>::min() || wide > std::numeric_limits<int>::max()) {
      fail(where, key, "a whole number in range");
    } else {
      out = static_cast<int>(wide);
    }
  }
  void get(const Json& obj, const char* key, const std::string& where, bool& out) {
    const Json* v = find(obj, key);
    if (v == nullptr)
      return;
    if (v->is_boolean()) {
      out = v->get<bool>();
    } else {
      fail(where, key, "true or false");
    }
  }
  void get(const Json& obj, const char* key, const std::string& where, std::string& out) {
    const Json* v = find(obj, key);
    if (v == nullptr || v->is_null())
      return;
    if (v->is_string()) {
      out = v->get<std::string>();
    } else {
      fail(where, key, "a string");
    }
  }
  void get(const Json& obj, const char* key, const std::string& where, Laterality& out) {
    std::string text;
    get(obj, key, where, text);
    if (text.empty())
      return;
    if (auto l = sf::parse_laterality(text)) {
      out = *l;
    } else {
      fail(where, key, "\"left\", \"right\" or \"bilateral\"");
    }
  }
  void get(const Json& obj, const char* key, const std::string& where, Region& out) {
    std::string text;
    get(obj, key, where, text);
    if (text.empty())
      return;
    if (auto r = sf::parse_region(text)) {
      out = *r;
    } else {
      fail(where, key, "\"mouth\" or \"eye\"");
    }
  }

  // The object or array under `key`, or nullptr when absent/null (a wrong type is an error).
  const Json* object(const Json& obj, const char* key, const std::string& where) {
    const Json* v = find(obj, key);
    if (v == nullptr || v->is_null())
      return nullptr;
    if (!v->is_object()) {
      fail(where, key, "an object");
      return nullptr;
    }
    return v;
  }
  const Json* array(const Json& obj, const char* key, const std::string& where) {
    const Json* v = find(obj, key);
    if (v == nullptr || v->is_null())
      return nullptr;
    if (!v->is_array()) {
      fail(where, key, "a list");
      return nullptr;
    }
    return v;
  }
  bool require_object(const Json& v, const std::string& where) {
    if (v.is_object())
      return true;
    if (error_.empty())
      error_ = fmt::format("'{}' must be an object", where);
    return false;
  }

 private:
  static const Json* find(const Json& obj, const char* key) {
    const auto it = obj.find(key);
    return it == obj.end() ? nullptr : &*it;
  }
  void fail(const std::string& where, const char* key, const char* expected) {
    if (!error_.empty())
      return;
    const std::string field = where.empty() ? std::string(key) : fmt::format("{}.{}", where, key);
    error_ = fmt::format("field '{}' must be {}", field, expected);
  }

  const fs::path& path_;
  std::string error_;
};

Result<SessionSummary> parse_summary(const Json& j, const fs::path& path) {
  JsonReader r(path);
  SessionSummary s;
  if (!r.require_object(j, "the top level"))
    return r.error();
  r.get(j, "patient_id", "", s.patient_id);  // absent in older files: ""
  r.get(j, "video", "", s.video);
  r.get(j, "source", "", s.source);
  r.get(j, "mirrored_input", "", s.mirrored_input);  // absent in older files: false
  r.get(j, "created_utc", "", s.created_utc);
  r.get(j, "recorded_at", "", s.recorded_at);                // absent in older files: ""
  r.get(j, "recorded_at_source", "", s.recorded_at_source);
  r.get(j, "facetwitch_version", "", s.facetwitch_version);
  r.get(j, "model_path", "", s.model_path);
  r.get(j, "width", "", s.width);
  r.get(j, "height", "", s.height);
  r.get(j, "duration_s", "", s.duration_s);
  r.get(j, "frames", "", s.frames);
  r.get(j, "frames_with_face", "", s.frames_with_face);
  r.get(j, "frames_good_quality", "", s.frames_good_quality);
  r.get(j, "frames_dropped", "", s.frames_dropped);
  r.get(j, "fps", "", s.fps);
  r.get(j, "partial", "", s.partial);
  r.get(j, "partial_reason", "", s.partial_reason);
  if (const Json* a = r.object(j, "asymmetry", "")) {
    // mouth_corner_height_iod and frames_used are not read: they are regions.mouth_corner_height.diff
    // and rest_frames (older files held the median over every good frame there, a second definition
    // that is no longer shown anywhere).
    r.get(*a, "index", "asymmetry", s.asymmetry.index);
    AsymmetrySummary& as = s.asymmetry;
    r.get(*a, "baseline_requested_s", "asymmetry", as.baseline_requested_s);
    as.rest_basis = "outside_events";  // a file without it predates the baseline and session 18's basis
    r.get(*a, "rest_basis", "asymmetry", as.rest_basis);
    r.get(*a, "rest_start_s", "asymmetry", as.rest_start_s);
    r.get(*a, "rest_end_s", "asymmetry", as.rest_end_s);
    r.get(*a, "rest_frames", "asymmetry", as.rest_frames);
    if (const Json* regions = r.object(*a, "regions", "asymmetry")) {
      for (std::size_t i = 0; i < kAsymmetryMeasureCount && r.ok(); ++i) {
        const std::string key(measure_info(kAsymmetryMeasures[i]).key);
        const std::string where = "asymmetry.regions";
        if (const Json* m = r.object(*regions, key.c_str(), where)) {
          double left = kNaN, right = kNaN;
          r.get(*m, "left", fmt::format("{}.{}", where, key), left);
          r.get(*m, "right", fmt::format("{}.{}", where, key), right);
          // The derived fields follow from the two values and the band table, as the summariser made them.
          as.resting[i] = compare_resting_sides(kAsymmetryMeasures[i], left, right);
        }
      }
    }
    if (const Json* ot = r.object(*a, "over_time", "asymmetry")) {
      if (const Json* list = r.array(*ot, "blocks", "asymmetry.over_time")) {
        for (std::size_t k = 0; k < list->size() && r.ok(); ++k) {
          const std::string where = fmt::format("asymmetry.over_time.blocks[{}]", k);
          const Json& item = (*list)[k];
          if (!r.require_object(item, where))
            break;
          AsymmetryBlock b;
          b.diff.fill(kNaN);
          r.get(item, "start_s", where, b.start_s);
          r.get(item, "end_s", where, b.end_s);
          r.get(item, "frames", where, b.frames);
          if (const Json* diff = r.object(item, "diff", where)) {
            for (std::size_t i = 0; i < kAsymmetryMeasureCount; ++i) {
              const std::string key(measure_info(kAsymmetryMeasures[i]).key);
              r.get(*diff, key.c_str(), fmt::format("{}.diff", where), b.diff[i]);
            }
          }
          as.over_time.push_back(b);
        }
      }
    }
  }
  if (const Json* d = r.object(j, "detectability", "")) {
    for (Region reg : kRegions) {
      const std::string rk(to_string(reg));
      if (const Json* per_region = r.object(*d, rk.c_str(), "detectability")) {
        for (Side side : kSides) {
          const std::string sk(to_string(side));
          const std::string where = fmt::format("detectability.{}", rk);
          if (const Json* x = r.object(*per_region, sk.c_str(), where)) {
            StreamDetectability& out = s.asymmetry.detect(reg)[side];
            r.get(*x, "smallest_twitch_iod", fmt::format("{}.{}", where, sk), out.smallest_twitch_iod);
            r.get(*x, "noise_sigma_iod", fmt::format("{}.{}", where, sk), out.noise_sigma_iod);
            r.get(*x, "samples", fmt::format("{}.{}", where, sk), out.samples);
          }
        }
      }
    }
  }
  if (const Json* list = r.array(j, "episodes", "")) {
    for (std::size_t i = 0; i < list->size() && r.ok(); ++i) {
      const std::string where = fmt::format("episodes[{}]", i);
      const Json& item = (*list)[i];
      if (!r.require_object(item, where))
        break;
      Episode e;
      r.get(item, "start_s", where, e.start_s);
      r.get(item, "end_s", where, e.end_s);
      r.get(item, "side", where, e.side);
      r.get(item, "region", where, e.region);
      r.get(item, "twitch_count", where, e.twitch_count);
      r.get(item, "frequency_hz", where, e.frequency_hz);
      r.get(item, "peak_amplitude_iod", where, e.peak_amplitude_iod);
      // Since 0.2; absent in older files.
      if (item.contains("pattern")) {
        std::string name;
        r.get(item, "pattern", where, name);
        if (auto p = episode_pattern_from_name(name)) e.pattern = *p;
      }
      if (item.contains("longest_contraction_s")) r.get(item, "longest_contraction_s", where, e.longest_contraction_s);
      if (item.contains("median_contraction_s")) r.get(item, "median_contraction_s", where, e.median_contraction_s);
      if (item.contains("co_contraction")) r.get(item, "co_contraction", where, e.co_contraction);
      if (item.contains("brow_change_iod")) r.get(item, "brow_change_iod", where, e.brow_change_iod);
      if (item.contains("brow_lift") && !item["brow_lift"].is_null()) r.get(item, "brow_lift", where, e.brow_lift);
      if (item.contains("cut_by_end")) r.get(item, "cut_by_end", where, e.cut_by_end);  // since session 8
      s.episodes.push_back(e);
    }
  }
  if (const Json* list = r.array(j, "blinks", "")) {
    for (std::size_t i = 0; i < list->size() && r.ok(); ++i) {
      const std::string where = fmt::format("blinks[{}]", i);
      const Json& item = (*list)[i];
      if (!r.require_object(item, where))
        break;
      Blink b;
      r.get(item, "start_s", where, b.start_s);
      r.get(item, "end_s", where, b.end_s);
      r.get(item, "peak_closure_iod", where, b.peak_closure_iod);
      s.blinks.push_back(b);
    }
  }
  // Since session 10; absent in older files.
  if (const Json* list = r.array(j, "isolated_twitches", "")) {
    for (std::size_t i = 0; i < list->size() && r.ok(); ++i) {
      const std::string where = fmt::format("isolated_twitches[{}]", i);
      const Json& item = (*list)[i];
      if (!r.require_object(item, where))
        break;
      IsolatedTwitch t;
      r.get(item, "time_s", where, t.time_s);
      r.get(item, "start_s", where, t.start_s);
      r.get(item, "end_s", where, t.end_s);
      r.get(item, "side", where, t.side);
      r.get(item, "region", where, t.region);
      r.get(item, "peak_amplitude_iod", where, t.peak_amplitude_iod);
      s.isolated_twitches.push_back(t);
    }
  }
  if (const Json* list = r.array(j, "voluntary_movements", "")) {
    for (std::size_t i = 0; i < list->size() && r.ok(); ++i) {
      const std::string where = fmt::format("voluntary_movements[{}]", i);
      const Json& item = (*list)[i];
      if (!r.require_object(item, where))
        break;
      VoluntaryMovement v;
      r.get(item, "start_s", where, v.start_s);
      r.get(item, "end_s", where, v.end_s);
      r.get(item, "region", where, v.region);
      s.voluntary_movements.push_back(v);
    }
  }
  if (const Json* t = r.object(j, "settings", "")) {
    TwitchSettings& ts = s.settings;
    const std::string w = "settings";
    r.get(*t, "mouth_enabled", w, ts.mouth_enabled);
    r.get(*t, "eye_enabled", w, ts.eye_enabled);
    r.get(*t, "threshold_k", w, ts.threshold_k);
    r.get(*t, "min_amplitude_iod", w, ts.min_amplitude_iod);
    r.get(*t, "eye_min_amplitude_iod", w, ts.eye_min_amplitude_iod);
    r.get(*t, "baseline_window_s", w, ts.baseline_window_s);
    r.get(*t, "noise_window_s", w, ts.noise_window_s);
    r.get(*t, "warmup_s", w, ts.warmup_s);
    r.get(*t, "merge_gap_s", w, ts.merge_gap_s);
    r.get(*t, "bilateral_ratio", w, ts.bilateral_ratio);
    r.get(*t, "blink_sync_s", w, ts.blink_sync_s);
    r.get(*t, "voluntary_rise_s", w, ts.voluntary_rise_s);
    r.get(*t, "min_face_iod_px", w, s.min_face_iod_px);  // absent in older files: 40
  }
  if (!r.ok())
    return r.error();
  return s;
}

}  // namespace

std::string summary_to_json_string(const SessionSummary& summary) {
  Result<std::string> text = summary_text(summary);
  return text.ok() ? std::move(text).value() : std::string("{}\n");
}

Status write_summary_json(const fs::path& path, const SessionSummary& summary) {
  Result<std::string> text = summary_text(summary);
  if (!text.ok())
    return output_error(path, text.error().message, 0);
  return write_file_atomically(path, text.value());
}

namespace {

// summary.json's text parsed as JSON; Input errors name the file.
Result<Json> read_json_file(const fs::path& path) {
  try {
    errno = 0;
    std::ifstream in(path, std::ios::binary);
    if (!in.is_open()) {
      const std::string reason =
          errno != 0 ? std::generic_category().message(errno) : std::string("cannot be opened");
      return make_error(ErrorKind::Input,
                        fmt::format("cannot open '{}': {}", path.string(), reason));
    }
    const std::string text{std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
    if (in.bad()) {
      return make_error(ErrorKind::Input, fmt::format("cannot read '{}'", path.string()));
    }
    try {
      return Json::parse(text);
    } catch (const Json::parse_error& e) {
      return make_error(ErrorKind::Input, fmt::format("'{}' is not valid JSON (damaged?): {}",
                                                      path.string(), e.what()));
    }
  } catch (const std::exception& e) {
    return make_error(ErrorKind::Input,
                      fmt::format("cannot read '{}': {}", path.string(), e.what()));
  } catch (...) {
    return make_error(ErrorKind::Input, fmt::format("cannot read '{}'", path.string()));
  }
}

// The numbers every session's summary.json has had since the first version: "" when they are there with
// the right types and agree with each other, else what is wrong.
std::string session_fields_problem(const Json& j) {
  if (!j.is_object()) return "it is not a JSON object";
  for (const char* key : {"frames", "frames_with_face", "frames_good_quality"}) {
    const auto it = j.find(key);
    if (it == j.end() || it->is_null()) continue;
    if (!it->is_number_integer()) return fmt::format("its '{}' must be a whole number, not {}", key, it->dump());
    if (it->get<std::int64_t>() < 0) return fmt::format("its '{}' must not be negative (it is {})", key, it->dump());
  }
  if (const auto d = j.find("duration_s"); d != j.end() && !d->is_null()) {
    if (!d->is_number()) return fmt::format("its 'duration_s' must be a number of seconds, not {}", d->dump());
    if (!(d->get<double>() >= 0.0)) return fmt::format("its 'duration_s' must not be negative (it is {})", d->dump());
  }
  std::vector<std::string> missing;
  for (const char* key : {"frames", "duration_s"}) {
    const auto it = j.find(key);
    if (it == j.end() || it->is_null()) missing.push_back(fmt::format("'{}'", key));
  }
  if (!missing.empty()) {
    return fmt::format("it lacks {} (the number of frames and the duration in seconds that every session has)",
                       fmt::join(missing, " and "));
  }
  const std::int64_t frames = j["frames"].get<std::int64_t>();
  for (const char* key : {"frames_with_face", "frames_good_quality"}) {
    const auto it = j.find(key);
    if (it != j.end() && it->is_number_integer() && it->get<std::int64_t>() > frames)
      return fmt::format("its '{}' ({}) is more than its 'frames' ({})", key, it->dump(), frames);
  }
  return {};
}

// parse_summary, with a JSON type error (a field of an unexpected kind) as an Input error naming the file.
Result<SessionSummary> parse_summary_of(const Json& j, const fs::path& path) {
  try {
    return parse_summary(j, path);
  } catch (const std::exception& e) {
    return make_error(ErrorKind::Input,
                      fmt::format("cannot read '{}': {}", path.string(), e.what()));
  }
}

}  // namespace

Result<SessionSummary> read_summary_json(const fs::path& path) {
  Result<Json> j = read_json_file(path);
  if (!j) return j.error();
  return parse_summary_of(j.value(), path);
}

Result<SessionSummary> read_session_summary_json(const fs::path& path) {
  Result<Json> j = read_json_file(path);
  if (!j) return j.error();
  if (const std::string problem = session_fields_problem(j.value()); !problem.empty()) {
    return make_error(ErrorKind::Input,
                      fmt::format("'{}' is not a facetwitch session summary: {}; give the folder written by "
                                  "`facetwitch analyse --out` or by a recording, or analyse the video again",
                                  path.string(), problem));
  }
  return parse_summary_of(j.value(), path);
}

}  // namespace ft
