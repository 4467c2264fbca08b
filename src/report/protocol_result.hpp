// protocol_result.hpp: reading protocol.json, the result of the guided movement protocol written into a
// session folder (format "facetwitch-protocol-result", version 1; docs/OUTPUT.md). Used by the report.
// All sides are the PERSON's. A value that was not measured is NaN (null in the file).
//
// Thread safety: pure functions.
#pragma once

#include <cstdint>
#include <filesystem>
#include <string>
#include <vector>

#include "core/error.hpp"
#include "core/measurements.hpp"

namespace ft {

inline constexpr const char* kProtocolJson = "protocol.json";
inline constexpr const char* kProtocolFormat = "facetwitch-protocol-result";
inline constexpr int kProtocolFormatVersion = 1;

// One regional value at the movement's peak, relative to the rest step.
struct ReportedMeasure {
  std::string key;    // e.g. "commissure_excursion"
  std::string label;  // e.g. "Commissure excursion"
  std::string unit;   // "iod", "deg" or "%"
  double left = kNaN;
  double right = kNaN;
  double diff = kNaN;
  double diff_mm = kNaN;
  double percent_of_stronger = kNaN;
  std::string weaker_side;  // "left", "right" or "" (none)
};

// Involuntary co-movement of another region during a step.
struct ReportedSynkinesis {
  std::string side;  // "left" or "right"
  std::string region;
  std::string what;  // e.g. "eye narrowing"
  double value = kNaN;
  std::string unit;
  double threshold = kNaN;
  bool flag = false;
};

struct ReportedStep {
  std::string id;
  std::string label;
  std::string movement;  // rest, brow_raise, gentle_eye_closure, tight_eye_closure, smile, snarl, pucker, speech
  std::string prompt;
  double start_s = kNaN;
  double end_s = kNaN;
  std::int64_t frames = 0;
  std::int64_t frames_good = 0;
  bool quality_ok = false;
  std::vector<std::string> quality_problems;
  std::int64_t retakes = 0;
  std::vector<ReportedMeasure> measures;
  std::vector<ReportedSynkinesis> synkinesis;
  std::int64_t episode_count = 0;
  std::int64_t twitch_count = 0;
};

struct ReportedProtocol {
  std::string name;  // protocol.name
  std::string file;  // protocol.file: the step file it ran
  std::vector<ReportedStep> steps;
  std::int64_t steps_quality_ok = 0;  // summary.steps_quality_ok (counted from the steps when absent)
  std::int64_t synkinesis_flags = 0;  // summary.synkinesis_flags (counted from the steps when absent)
};

// Reads `path`. Errors (ErrorKind::Input) name the file and the field: not JSON, another format, a newer
// format_version, a field of the wrong type. Unknown fields are ignored; absent optional fields keep
// their defaults.
Result<ReportedProtocol> read_protocol_json(const std::filesystem::path& path);

}  // namespace ft
