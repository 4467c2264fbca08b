// pose_gate.hpp: is the head turned or tilted too far to measure (kQualityPose)? With hysteresis and
// against the person's own usual pitch.
//
// The head pose comes from fitting a generic average 3-D face (metrics/head_pose.hpp). Its yaw is
// near 0 for every frontal face, but its pitch depends on the person's proportions and the camera's
// height: a near-frontal face can read 15-25 degrees (measured on a webcam clip, issue 15). A fixed
// pitch limit then flickers frame by frame, and every gap restarts the signal's warm-up. So:
//  - pitch is compared with the recording's own typical pitch (the median over the last
//    `reference_s` of frames with a face), as well as with a wider absolute limit;
//  - a frame is flagged when it passes a limit and stays flagged until it is back below the limit
//    minus `hysteresis_deg` (a head hovering at the limit gives one stretch, not a flicker).
// What the limits protect: the face-normalised measures use a 2-D similarity; a head turned far
// foreshortens one side and the landmark model itself degrades beyond about 25-30 degrees of yaw.
// Units: degrees, seconds. Thread safety: one instance per analyser thread.
#pragma once

#include "core/measurements.hpp"
#include "signal/running_stats.hpp"

namespace ft {

struct PoseGateOptions {
  double max_abs_yaw_deg = 25.0;        // |yaw|
  double max_pitch_change_deg = 20.0;   // |pitch - the recording's typical pitch|
  double max_abs_pitch_deg = 35.0;      // |pitch| (the estimate itself)
  double hysteresis_deg = 5.0;          // flagged until this far back inside every limit
  double reference_s = 20.0;            // the typical pitch: median over this trailing window
};

class PoseGate {
 public:
  explicit PoseGate(const PoseGateOptions& options = {}) : o_(options), pitch_ref_(options.reference_s) {}
  // True when the frame at time t must not be measured for its pose. Call for every frame with a
  // face (an invalid pose is never flagged).
  bool update(double t, const HeadPose& pose);
  void reset() { *this = PoseGate(o_); }
  const PoseGateOptions& options() const { return o_; }

 private:
  PoseGateOptions o_;
  WindowedStats pitch_ref_;
  bool flagged_ = false;
};

}  // namespace ft
