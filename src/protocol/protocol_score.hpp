// protocol_score.hpp: scoring one recording of the screening protocol: per step, the regional
// left-right values of the movement (relative to the rest step), synkinesis (the other region moving
// along), the step's recording quality and its twitch episodes. Written to protocol.json in the session
// folder (docs/OUTPUT.md) and printed as a table.
//
// Definitions (docs/METRICS.md, "Screening protocol"), per side of the PERSON, in IOD unless said:
//  - rest: resting brow height, palpebral fissure, mouth-corner height, commissure excursion and smile
//    angle (medians), each compared with its normal band (metrics/regional_asymmetry.hpp);
//  - brow raise: brow height minus its rest value;
//  - gentle / tight eye closure: lid closure, % of the resting fissure height;
//  - smile: commissure-excursion gain, mouth-corner lift and smile angle;
//  - snarl: lift of the lateral upper lip (landmarks 50 and 52);
//  - pucker: movement of the mouth corner toward the midline;
//  - speech: range of the mouth corner's movement (90th minus 10th percentile of its distance from rest).
//  A movement's value is the 90th percentile of the per-frame value over the step's usable frames (the
//  held movement, not a single frame); the weaker side is the smaller movement.
//  - synkinesis: during mouth movements, the eye's narrowing (% of the resting fissure, median over the
//    step: blinks do not move it); during eye movements, the mouth corner's displacement from rest (median
//    position). Flagged on a side when it passes the threshold and exceeds the other side's by the margin
//    (a symmetric co-movement, such as the eyes narrowing in a broad smile, is normal).
// Pure functions; thread-safe.
#pragma once

#include <filesystem>
#include <optional>
#include <string>
#include <vector>

#include "core/measurements.hpp"
#include "core/side.hpp"
#include "io/session.hpp"
#include "protocol/protocol.hpp"

namespace ft {

// Synkinesis thresholds (provisional, docs/METRICS.md says why).
inline constexpr double kOcularSynkinesisPct = 20.0;      // eye narrowing, % of the resting fissure
inline constexpr double kOcularSynkinesisMarginPct = 10.0;  // more than the other eye, percentage points
inline constexpr double kOralSynkinesisIod = 0.02;        // mouth-corner displacement, IOD (~1.3 mm)
inline constexpr double kOralSynkinesisMarginIod = 0.01;  // more than the other corner
// Quality problems that make a frame unusable for the protocol. `occluded` (an abrupt change of the
// mouth's appearance) is not one of them: opening the mouth to smile or speak is exactly that.
inline constexpr std::uint32_t kProtocolUnusable =
    kQualityNoFace | kQualityPose | kQualitySmall | kQualityDark | kQualityBright | kQualityBlur | kQualityDamaged;
// What a quality flag means, in a few words ("head turned or tilted (pose)").
const char* protocol_quality_problem(std::uint32_t flag);
// A step is measured well when at least this fraction of its frames is usable, at >= kMinStepFps.
inline constexpr double kMinUsableFraction = 0.8;
inline constexpr double kMinStepFps = 15.0;
// Movements smaller than this on both sides name no weaker side (IOD; 2 % for the eye closure).
inline constexpr double kMinMovementIod = 0.005;

struct StepMeasure {
  std::string key;    // e.g. "commissure_excursion_gain"
  std::string label;  // e.g. "Commissure excursion gain"
  std::string unit;   // "iod", "deg" or "%"
  double left = kNaN;
  double right = kNaN;
  double diff = kNaN;       // left - right
  double diff_mm = kNaN;    // lengths only
  double percent_of_stronger = kNaN;
  std::optional<Side> weaker;
  std::string verdict;      // rest values: "within" / "above" / "unknown" their normal band; else empty
};

struct SynkinesisSign {
  Side side = Side::Left;
  Region region = Region::Eye;  // the region that moved along
  std::string what;             // "eye narrowing" or "mouth-corner movement"
  double value = kNaN;
  std::string unit;             // "%" or "iod"
  double threshold = kNaN;
  bool flag = false;
};

struct StepResult {
  ProtocolStep step;
  double start_s = 0.0;
  double end_s = 0.0;
  int retakes = 0;
  std::int64_t frames = 0;
  std::int64_t frames_good = 0;  // usable for measuring (face found, pose, size, light, sharpness ok)
  double fps = kNaN;
  bool quality_ok = false;
  std::vector<std::string> quality_problems;
  std::vector<StepMeasure> measures;
  std::vector<SynkinesisSign> synkinesis;
  int episode_count = 0;  // twitch episodes starting inside the step
  int twitch_count = 0;
};

struct ProtocolResult {
  std::string patient_id;  // as entered in the window (or given with --patient); "" when none
  std::string protocol_name;
  std::filesystem::path protocol_file;
  std::vector<StepResult> steps;          // in recording order
  std::vector<std::string> steps_missing; // ids of the protocol's steps the timing does not have
  int steps_quality_ok() const;
  int synkinesis_flags() const;
};

// Scores the frames of a recording (frames.csv rows, in time order) and its episodes against the
// protocol and the timing (validated with validate(timing, protocol) first; an invalid timing is an
// Input error).
Result<ProtocolResult> score_protocol(const Protocol& protocol, const ProtocolTiming& timing,
                                      const std::vector<FrameRecord>& frames, const std::vector<Episode>& episodes);

// Reads frames.csv and episodes.csv of a session folder and scores them.
Result<ProtocolResult> score_protocol_session(const std::filesystem::path& session_dir, const Protocol& protocol,
                                              const ProtocolTiming& timing);

// protocol.json (format "facetwitch-protocol-result", docs/OUTPUT.md).
std::string protocol_result_json(const ProtocolResult& r);
Status write_protocol_result(const std::filesystem::path& path, const ProtocolResult& r);

// A plain-text table for the terminal: one line per step and measure.
std::string protocol_table(const ProtocolResult& r);

}  // namespace ft
