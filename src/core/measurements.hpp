// measurements.hpp: plain data that flows out of the analysis, per frame and per episode.
//
// Units: "iod" values are fractions of the inter-ocular distance (IOD: distance between the two eye
// centres, each the mean of that eye's six landmarks, as fitted by the canonical alignment). Millimetres
// are approximate and assume kAssumedIodMm. Times are seconds from the start of the source.
// The canonical face frame: origin midway between the eye centres, x toward the PERSON's left, y UP,
// 1 unit = 1 IOD. All sides are the person's.
#pragma once

#include <cstdint>
#include <limits>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <opencv2/core/types.hpp>

#include "core/landmarks.hpp"
#include "core/side.hpp"

namespace ft {

// Adult mean interpupillary distance, 63 mm (Dodgson 2004, "Variation and extrema of human
// interpupillary distance", Proc. SPIE 5291). Used only to give an approximate millimetre value.
inline constexpr double kAssumedIodMm = 63.0;

inline constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();

// Per-frame quality flags; 0 means the measurement is trustworthy.
enum QualityFlag : std::uint32_t {
  kQualityOk = 0,
  kQualityNoFace = 1u << 0,
  kQualityPose = 1u << 1,      // head turned or tilted past the measurable range
  kQualitySmall = 1u << 2,     // face too small for reliable landmarks
  kQualityDark = 1u << 3,      // face region too dark
  kQualityBright = 1u << 4,    // face region overexposed
  kQualityBlur = 1u << 5,      // face region blurred
  kQualityOccluded = 1u << 6,  // the mouth's appearance changed abruptly: a hand or object over it, or
                               // the light switched (pipeline/appearance_gate.hpp)
  kQualityDamaged = 1u << 7,   // the video file's decoder reported damage in this frame or one it is
                               // predicted from (Frame::damaged; capture/video_file_source.cpp)
};

// "ok" or flags joined by '|', e.g. "pose|small"; stable strings, used in frames.csv.
std::string quality_to_string(std::uint32_t flags);
std::uint32_t quality_from_string(const std::string& s);

struct HeadPose {
  bool valid = false;
  double yaw_deg = kNaN;    // positive: the person turns toward their left
  double pitch_deg = kNaN;  // positive: the person looks up
  double roll_deg = kNaN;   // positive: the person's head tilts toward their left shoulder
};

// Face-normalised measurements of one frame (from metrics/face_metrics).
struct FaceMetrics {
  std::int64_t frame_index = 0;
  double t = 0.0;
  bool face_found = false;
  std::uint32_t quality = kQualityNoFace;
  Landmarks68 landmarks_px{};   // image pixels of the analysed (unmirrored) frame
  cv::Rect2f face_box_px{};     // box the predictor ran on
  HeadPose pose{};
  double iod_px = kNaN;         // pixels per IOD (scale of the canonical fit)
  double fit_rms_iod = kNaN;    // RMS residual of the rigid-point fit, IOD
  PerSide<cv::Point2f> mouth_corner{};  // canonical position of each mouth corner, IOD
  PerSide<double> eye_aperture_iod{kNaN, kNaN};  // mean upper-to-lower lid distance
  PerSide<double> brow_height_iod{kNaN, kNaN};   // brow middle above the eye centre line
  // Height of the person's left mouth corner minus the right one's (canonical y), IOD. Positive when the
  // person's left corner is higher.
  double mouth_corner_height_diff_iod = kNaN;
  // Regional asymmetry measures (metrics/regional_asymmetry.hpp, docs/METRICS.md), per side:
  // distance from the lower-lip vermilion midpoint (the outer lower-lip contour at the midline) to the
  // mouth corner, IOD (Emotrics' commissure excursion);
  PerSide<double> commissure_excursion_iod{kNaN, kNaN};
  // Emotrics' smile angle: 90 deg plus the elevation of the midpoint-to-corner line above the canonical
  // horizontal (90: the corner level with the lower-lip midpoint; larger: the corner higher), degrees;
  PerSide<double> smile_angle_deg{kNaN, kNaN};
  // the angle at the mouth corner between the lines to the other corner and to the same side's inner
  // eye corner (endocanthion), degrees (the CCE angle of Klimach et al. 2020).
  PerSide<double> cce_angle_deg{kNaN, kNaN};
  // Mean distance between each left landmark and its right partner mirrored across the fitted midline
  // (brows, eyes, nose base, lips), IOD. 0 for a perfectly symmetric face.
  double asymmetry_index_iod = kNaN;
  // Mouth opening: mean distance between the inner upper and inner lower lip (landmarks 61-67, 62-66,
  // 63-65) in the canonical face, IOD. ~0 with the lips closed; rises as the jaw drops (speech,
  // chewing, yawning).
  double mouth_opening_iod = kNaN;
};

// One sample of a twitch signal (from signal/twitch_analyser), per side and region.
struct SignalSample {
  bool valid = false;          // false when the frame had no usable face (a gap)
  double value_iod = kNaN;     // displacement (mouth) or closure (eye) from the resting baseline, IOD
  double threshold_iod = kNaN; // detection threshold in force at this sample, IOD
  bool active = false;         // inside a detected twitch event
  double movement_iod = kNaN;  // mouth: the corner's distance from its resting baseline in any direction
  double noise_sigma_iod = kNaN;  // the noise sigma that threshold was made from (NaN before warm-up)
};

struct FrameSignals {
  PerSide<SignalSample> mouth;
  PerSide<SignalSample> eye;
  const PerSide<SignalSample>& operator[](Region r) const { return r == Region::Mouth ? mouth : eye; }
  PerSide<SignalSample>& operator[](Region r) { return r == Region::Mouth ? mouth : eye; }
};

// How an episode contracts (docs/METRICS.md, "Twitch types"). A contraction is a stretch of the
// episode's signal at or above half the episode's peak; it is brief (clonic) under 0.2 s and
// sustained (tonic) from 1 s.
enum class EpisodePattern {
  Clonic,       // every contraction shorter than 1 s: a train of brief twitches
  Tonic,        // a sustained contraction (1 s or more, < 3 twitch peaks/s), at most one other
  ClonicTonic,  // a sustained contraction and two or more other contractions (hemifacial spasm)
};
// Contraction lengths that define the patterns (seconds).
inline constexpr double kClonicMaxS = 0.2;
inline constexpr double kTonicMinS = 1.0;  // the Jankovic Rating Scale's 1 s for eyelid spasm
// A contraction of kTonicMinS or more is sustained only with fewer twitch peaks per second than this.
inline constexpr double kMaxSustainedPeakRate = 3.0;

// A twitch episode: a cluster of twitches of one region, on one side or on both together.
struct Episode {
  double start_s = 0.0;
  double end_s = 0.0;
  Laterality side = Laterality::Left;
  Region region = Region::Mouth;
  int twitch_count = 0;
  double frequency_hz = kNaN;        // twitches per second within the episode; NaN with fewer than 2
  double peak_amplitude_iod = 0.0;   // largest displacement from baseline, IOD
  EpisodePattern pattern = EpisodePattern::Clonic;
  double longest_contraction_s = kNaN;  // longest stretch at or above half the peak
  double median_contraction_s = kNaN;   // median length of its contractions
  // Eye and mouth of the same side twitching together: a twitch of this episode within
  // kCoContractionS of a twitch of an episode of the other region on the same side.
  bool co_contraction = false;
  // Eye episodes: the same side's brow height while the lid is closed (samples at or above half
  // the peak closure) minus before the episode (median of the second before it), IOD; positive when
  // the brow rises. NaN for mouth episodes or without measurable brow samples.
  double brow_change_iod = kNaN;
  // The brow-lift sign ("other Babinski sign"): the brow rises by at least kBrowLiftMinIod while the
  // eye closes. Frontalis contracting with orbicularis oculi; voluntary closure lowers the brow.
  bool brow_lift = false;
  // The recording ended while the episode's last contraction was still going on: its end, duration and
  // last twitch are where the recording stopped (signal/event_detector.hpp, StreamDetector::flush).
  bool cut_by_end = false;
  std::vector<double> twitch_times_s;  // the twitches' peak times (kept in memory, not written)
  double duration_s() const { return end_s - start_s; }
  double peak_amplitude_mm() const { return peak_amplitude_iod * kAssumedIodMm; }
};
inline constexpr double kCoContractionS = 0.15;
inline constexpr double kBrowLiftMinIod = 0.01;

// An isolated twitch: one brief (clonic) twitch with no other twitch of the same region and side within
// merge_gap_s, or one of a few twitches that come slower than a train (kMinClonicEpisodeHz). Not an
// episode: an episode needs at least kMinEpisodeTwitches twitches at a train's pace, or a sustained
// contraction (tonic, clonic-tonic). On real resting faces most single fast movements are not twitches
// (a glance, a swallow, a compression artefact), so single twitches are counted apart and never hidden
// (docs/METRICS.md, "Isolated twitches").
struct IsolatedTwitch {
  double time_s = 0.0;   // the twitch's peak
  double start_s = 0.0;  // the movement's start and end (the episode it would have been)
  double end_s = 0.0;
  Laterality side = Laterality::Left;
  Region region = Region::Mouth;
  double peak_amplitude_iod = 0.0;  // largest displacement from baseline, IOD
  double peak_amplitude_mm() const { return peak_amplitude_iod * kAssumedIodMm; }
};
inline constexpr int kMinEpisodeTwitches = 2;
// A clonic episode's twitches come at a train's pace: clonic trains run at 2-15 Hz (every train search
// of the detector uses that band), and twitches further apart, 0.5-0.75 s (merge_gap_s), are not one
// train but isolated twitches in a row. 1.9 Hz leaves room for the measured frequency of a 2-Hz train.
// Measured on the full real corpus (docs/METRICS.md, "Session 15"): false episodes on the clean clips
// 14 -> 9 (talking 4 -> 2), in the injected videos 54 -> 37, side accuracy 0.941 -> 0.956, for 3 mouth
// and 8 eyelid trains whose measured pace was slower than the truth's.
inline constexpr double kMinClonicEpisodeHz = 1.9;
// Whether a classified cluster of twitches is an episode (else an isolated twitch).
bool forms_episode(const Episode& e);
IsolatedTwitch isolated_twitch_of(const Episode& e);

// The clinical name of an episode's pattern: mouth "clonic", "tonic", "clonic-tonic"; eye
// "flutter" (no contraction of 1 s or more) or "spasm" (the Jankovic Rating Scale's distinction).
std::string_view episode_type_name(Region region, EpisodePattern pattern);
// Inverse of episode_type_name (either region's names); nullopt for anything else.
std::optional<EpisodePattern> episode_pattern_from_name(std::string_view name);

// A blink: both eyes closing together. Counted, never as a twitch.
struct Blink {
  double start_s = 0.0;
  double end_s = 0.0;
  double peak_closure_iod = 0.0;
};
// A blink at least this long (start to end, s) is a long eye closure: shown as "eye closure (3.8 s)" and
// never counted as a blink (terminal, window, report; docs/OUTPUT.md).
inline constexpr double kLongEyeClosureS = 1.0;
inline bool is_long_eye_closure(const Blink& b) { return b.end_s - b.start_s >= kLongEyeClosureS; }
// The blinks that count as blinks: those shorter than kLongEyeClosureS.
std::size_t blink_count(const std::vector<Blink>& blinks);

// A voluntary movement: both mouth corners moving together, slowly (smile, speech), or both eyes closing
// slowly together but too far apart for a blink (a deliberate eye closure). Not a twitch.
struct VoluntaryMovement {
  double start_s = 0.0;
  double end_s = 0.0;
  Region region = Region::Mouth;
};

}  // namespace ft
