// protocol.hpp: the guided screening protocol: its steps (a data file a clinician can edit), and the
// timing of one recording's steps (written by the window, or by hand for a video recorded elsewhere).
//
// Step file (assets/protocols/standard.json is the default), JSON:
//   {"format": "facetwitch-protocol", "format_version": 1, "name": "...",
//    "steps": [{"id": "rest", "movement": "rest", "label": "Rest", "prompt": "Relax ...",
//               "duration_s": 30, "prepare_s": 3}, ...]}
// Movements follow the Sunnybrook and eFACE grading systems (docs/METRICS.md, "Screening protocol").
// A protocol needs one rest step: every movement is measured against it.
//
// Timing file (`facetwitch analyse VIDEO --protocol TIMING`), JSON or CSV:
//   {"format": "facetwitch-protocol-timing", "format_version": 1, "protocol": "standard.json",
//    "steps": [{"id": "rest", "start_s": 0.0, "end_s": 30.0, "retakes": 0}, ...]}
//   or a CSV with the header `id,start_s,end_s` (and optionally `retakes`).
// Times are seconds from the first frame of the video. `protocol` (optional) names the step file,
// relative to the timing file; without it the default protocol is used.
//
// All functions are pure apart from the file reads and writes; thread-safe.
#pragma once

#include <filesystem>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/error.hpp"

namespace ft {

enum class Movement { Rest, BrowRaise, GentleEyeClosure, TightEyeClosure, Smile, Snarl, Pucker, Speech };
// "rest", "brow_raise", "gentle_eye_closure", "tight_eye_closure", "smile", "snarl", "pucker", "speech"
std::string_view to_string(Movement m);
std::optional<Movement> parse_movement(std::string_view s);
// Mouth movements (smile, snarl, pucker, speech): the eye is watched for synkinesis. Eye movements
// (brow raise, gentle and tight eye closure): the mouth is watched.
bool is_mouth_movement(Movement m);
bool is_eye_movement(Movement m);

struct ProtocolStep {
  std::string id;      // unique, [a-z0-9_-]
  Movement movement = Movement::Rest;
  std::string label;   // for people, e.g. "Open-mouth smile"
  std::string prompt;  // what the window says to do
  double duration_s = 5.0;  // recording time of the step
  double prepare_s = 3.0;   // countdown before it (the window), nothing is measured
};

struct Protocol {
  std::string name;
  std::filesystem::path file;  // where it was read from (empty when built in code)
  std::vector<ProtocolStep> steps;

  const ProtocolStep* find(std::string_view id) const;
  double total_s() const;  // sum of prepare and duration
};

// The default step file, protocols/standard.json in the first of data_dirs() that has it:
// <prefix>/share/facetwitch/ when installed, else <source tree>/assets/ (core/paths.hpp).
std::filesystem::path default_protocol_path();

// Errors are ErrorKind::Input naming the file and, for a bad step, the step ("step 3 (smile):
// duration 0 s is outside 1-300 s").
Result<Protocol> load_protocol(const std::filesystem::path& path);
Result<Protocol> protocol_from_json_text(std::string_view text, const std::filesystem::path& file);
Status validate(const Protocol& p);

// One recorded step: where it sits in the recording.
struct StepTiming {
  std::string id;
  double start_s = 0.0;
  double end_s = 0.0;
  int retakes = 0;  // times the step was recorded again (the window)
};

struct ProtocolTiming {
  std::filesystem::path protocol_file;  // the step file it refers to (empty: the default)
  std::vector<StepTiming> steps;        // in time order
};

// Reads a timing file (.json, or .csv), resolving `protocol` relative to the file.
Result<ProtocolTiming> load_timing(const std::filesystem::path& path);
// Checks the timing against the protocol: every id is a step of it, start < end, the steps are in time
// order and do not overlap.
Status validate(const ProtocolTiming& t, const Protocol& p);
// Writes the JSON form (temporary file, then renamed into place).
Status write_timing(const std::filesystem::path& path, const ProtocolTiming& t);

}  // namespace ft
