// appearance_gate.hpp: pauses the measurement when the mouth's appearance changes abruptly: a hand or
// an object over the mouth, or a light switched on or off. The landmark predictor still returns a
// mouth in such frames (it always does), and its corners jump: measured, they would be invented
// twitches. A twitch moves a mouth corner by a few pixels and leaves the mouth region's brightness
// and texture almost unchanged; a cover or a light change does not.
//
// Each frame's mouth region (the outer-lip landmarks' box, grown) is summarised by its mean grey level
// and grey-level spread (a light change shows there as much as anywhere; the face box is not used: it
// moves in steps when the detector re-checks it); a slow reference (time constant tau_s) follows
// them while nothing abrupt happens. A frame that departs from the reference by more than the limits
// is flagged (kQualityOccluded), and so are the frames after it until the appearance is back near
// the reference and has stayed there for hold_s; while flagged the reference does not move. A change
// that lasts longer than accept_after_s is taken as the new normal (a light that stays on).
// Units: grey levels (0..255), seconds. Thread safety: one instance per analyser thread.
#pragma once

#include <opencv2/core.hpp>

#include <cstdint>

#include "core/landmarks.hpp"
#include "core/measurements.hpp"

namespace ft {

struct AppearanceGateOptions {
  double tau_s = 1.0;             // reference time constant
  double max_mouth_mean = 12.0;   // |mouth mean - reference|, grey levels
  double min_spread_ratio = 0.6;  // mouth spread / reference spread outside [min, max]: texture changed
  double max_spread_ratio = 1.6;
  // Mouth sharpness / reference sharpness below this: the picture is blurred (motion blur, a focus
  // hunt). A global sharpness limit misses a directional blur that leaves edges across it; against the
  // face's own recent sharpness it is a sharp drop.
  double min_sharpness_ratio = 0.5;
  double hold_s = 0.3;            // stays flagged this long after the last abrupt frame
  double accept_after_s = 3.0;    // a change lasting this long becomes the reference
};

struct AppearanceStats {
  double mouth_mean = 0.0;
  double mouth_spread = 0.0;  // standard deviation of the mouth region's grey levels
  double mouth_sharpness = 0.0;  // mean squared central-difference gradient of the mouth region
};

// The stats of one frame; `grey` must hold the mouth region (image coordinates). False when the
// region falls outside the image.
bool appearance_stats(const cv::Mat& grey, const Landmarks68& landmarks, AppearanceStats& out);

class AppearanceGate {
 public:
  explicit AppearanceGate(const AppearanceGateOptions& options = {}) : o_(options) {}
  // True when the frame at time t must not be measured. Call for every frame; `face` false (no face,
  // or no stats) forgets the reference.
  bool update(double t, bool face, const AppearanceStats& s);
  // Why the last flagged frame was flagged: kQualityBlur when the sharpness fell (and nothing else
  // changed), otherwise kQualityOccluded (core/measurements.hpp).
  std::uint32_t flag() const { return blurred_ ? kQualityBlur : kQualityOccluded; }
  void reset() { *this = AppearanceGate(o_); }

 private:
  AppearanceGateOptions o_;
  bool have_ref_ = false;
  AppearanceStats ref_;
  double prev_t_ = 0.0;
  bool flagged_ = false;
  double flagged_since_ = 0.0;
  double last_abrupt_t_ = 0.0;
  bool blurred_ = false;
};

}  // namespace ft
