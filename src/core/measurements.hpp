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
#include <string>

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
  // Mean distance between each left landmark and its right partner mirrored across the fitted midline
  // (brows, eyes, nose base, lips), IOD. 0 for a perfectly symmetric face.
  double asymmetry_index_iod = kNaN;
};

// One sample of a twitch signal (from signal/twitch_analyser), per side and region.
struct SignalSample {
  bool valid = false;          // false when the frame had no usable face (a gap)
  double value_iod = kNaN;     // displacement (mouth) or closure (eye) from the resting baseline, IOD
  double threshold_iod = kNaN; // detection threshold in force at this sample, IOD
  bool active = false;         // inside a detected twitch event
};

struct FrameSignals {
  PerSide<SignalSample> mouth;
  PerSide<SignalSample> eye;
  const PerSide<SignalSample>& operator[](Region r) const { return r == Region::Mouth ? mouth : eye; }
  PerSide<SignalSample>& operator[](Region r) { return r == Region::Mouth ? mouth : eye; }
};

// A twitch episode: a cluster of twitches of one region, on one side or on both together.
struct Episode {
  double start_s = 0.0;
  double end_s = 0.0;
  Laterality side = Laterality::Left;
  Region region = Region::Mouth;
  int twitch_count = 0;
  double frequency_hz = kNaN;        // twitches per second within the episode; NaN with fewer than 2
  double peak_amplitude_iod = 0.0;   // largest displacement from baseline, IOD
  double duration_s() const { return end_s - start_s; }
  double peak_amplitude_mm() const { return peak_amplitude_iod * kAssumedIodMm; }
};

// A blink: both eyes closing together. Counted, never as a twitch.
struct Blink {
  double start_s = 0.0;
  double end_s = 0.0;
  double peak_closure_iod = 0.0;
};

// A voluntary movement: both mouth corners moving together, slowly (smile, speech). Not a twitch.
struct VoluntaryMovement {
  double start_s = 0.0;
  double end_s = 0.0;
  Region region = Region::Mouth;
};

}  // namespace ft
