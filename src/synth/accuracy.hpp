// accuracy.hpp: the accuracy benchmark: a fixed suite of ground-truth videos and the statistics that
// score an analysis against their truth.json (episode precision / recall / F1 per region, side
// accuracy, onset / frequency / amplitude errors, false episodes per minute on videos without twitches,
// blinks mistaken for twitches, and the smallest amplitude detected at each frequency).
// Pure functions; thread-safe.
#pragma once

#include <string>
#include <vector>

#include "core/measurements.hpp"
#include "synth/scenario.hpp"

namespace ft {

struct SuiteVideo {
  std::string name;    // folder name, e.g. "sweep_f06_a03"
  std::string group;   // "sweep", "duration", "cocontraction", "tonic", "browlift", "talk", "talk_twitch", "none"
  Scenario scenario;
};

// The fixed suite (deterministic): an amplitude x frequency sweep (1-6% IOD x 2-12 Hz, one mouth and one
// eyelid episode per video on opposite sides), episode durations from 0.3 to 5 s, co-contractions (eye
// and mouth of one side together), tonic spasms (1.2-5 s), co-contractions with the brow-lift sign,
// talking (3-8 s of syllables) without twitches and with a one-sided mouth twitch episode 1.5 s before,
// 1.5 s after or during it, and videos without twitches (blinks, smiles, head motion, noise, lighting drift). 640x480 at 30 fps,
// face scale 2.0 (IOD ~86 px).
std::vector<SuiteVideo> accuracy_suite();

struct VideoResult {
  const SuiteVideo* video = nullptr;
  GroundTruth truth;
  std::vector<Episode> found;
  std::vector<Blink> blinks;
  double duration_s = 0.0;
};

struct RegionScore {
  int truth = 0, detected = 0, found = 0, false_found = 0;
  double precision() const { return found ? static_cast<double>(found - false_found) / found : 1.0; }
  double recall() const { return truth ? static_cast<double>(detected) / truth : 1.0; }
  double f1() const {
    const double p = precision(), r = recall();
    return p + r > 0 ? 2 * p * r / (p + r) : 0.0;
  }
};

// A matched episode whose reported end is later than the injected end by more than this is "ended late"
// (its duration, twitch count and time in spasm are overstated). Both accuracy suites count them.
inline constexpr double kLateEndS = 0.5;

struct AccuracyReport {
  RegionScore mouth, eye, mouth_2pct, eye_2pct;  // *_2pct: truth amplitude >= 2% IOD only
  int matched = 0, sides_correct = 0;
  double median_onset_error_s = kNaN;        // |found start - truth start|
  double median_end_error_s = kNaN;          // |found end - truth end|
  int ended_late = 0;                        // matched episodes reported to end > kLateEndS after the truth
  double median_frequency_error_hz = kNaN;   // |found - truth|, episodes with >= 3 injected twitches
  double median_amplitude_error = kNaN;      // |found / truth - 1| (relative)
  double median_amplitude_ratio = kNaN;      // found / truth
  double no_twitch_minutes = 0.0;  // the "none" and "talk" videos
  int no_twitch_false_episodes = 0;
  double talk_minutes = 0.0;       // the "talk" videos alone
  int talk_false_episodes = 0;
  double rest_minutes = 0.0;       // the "rest" videos without twitches alone
  int rest_false_episodes = 0;
  int blinks_truth = 0, blinks_counted = 0, blinks_as_twitch = 0;
  int cocontraction_pairs = 0, cocontraction_both_found = 0;
  // Episode types: matched episodes whose pattern agrees with the truth (tonic: a sustained
  // contraction, Tonic or ClonicTonic; clonic: Clonic).
  int tonic_truth = 0, tonic_typed = 0, clonic_truth = 0, clonic_typed = 0;
  std::vector<double> tonic_duration_errors;       // |found - injected duration| of tonic spasms, s
  double median_tonic_duration_error_s = kNaN;
  // Co-contraction flag on matched episodes of the co-contraction videos, and on any other episode.
  int co_flag_truth = 0, co_flag_found = 0, co_flag_false = 0;
  // Brow-lift sign on matched eye episodes with and without an injected brow lift.
  int brow_truth = 0, brow_found = 0, brow_false = 0, brow_negative = 0;
  // Per sweep frequency: the smallest amplitude from which every sweep episode at that frequency (and at
  // every larger amplitude) was detected; NaN when none.
  std::vector<std::pair<double, double>> smallest_amplitude_by_frequency;
  int episodes_per_cell = 2;
};

AccuracyReport score_suite(const std::vector<VideoResult>& results);

// Landmark jitter on a still face: the noise floor that hides small twitches. A still video of the
// suite's framing (10 s, sensor noise sigma 2 grey levels, no head motion, no lighting drift, no
// events) is analysed twice: with the measured points as dlib's landmarks only, and refined by the
// optical flow (the normal chain). Per side, after the first second: the RMS distance of the mouth
// corner from its mean canonical position, and the standard deviation of the lid aperture, % IOD.
Scenario jitter_scenario();
struct JitterReport {
  int frames = 0;
  double noise_sigma = 0.0;
  PerSide<double> corner_landmark_pct{kNaN, kNaN}, corner_flow_pct{kNaN, kNaN};
  PerSide<double> aperture_landmark_pct{kNaN, kNaN}, aperture_flow_pct{kNaN, kNaN};
};
JitterReport measure_jitter(const std::vector<FaceMetrics>& landmark_only, const std::vector<FaceMetrics>& with_flow,
                            double noise_sigma);
std::string format_jitter_report(const JitterReport& j);

// The table printed by `facetwitch accuracy`, with the targets beside the measured values.
std::string format_accuracy_report(const AccuracyReport& r, std::size_t videos);

}  // namespace ft
