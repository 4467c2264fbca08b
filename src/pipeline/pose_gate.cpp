// pose_gate.cpp: head-pose gating with hysteresis against the recording's typical pitch.
#include "pipeline/pose_gate.hpp"

#include <cmath>

namespace ft {

bool PoseGate::update(double t, const HeadPose& pose) {
  if (!pose.valid) return false;
  // The reference takes every frame's pitch (a head held tilted for a long time becomes the new
  // normal within about half the window); the median keeps brief nods out of it.
  pitch_ref_.push(t, pose.pitch_deg);
  const double ref = pitch_ref_.median();
  const double margin = flagged_ ? o_.hysteresis_deg : 0.0;
  const bool out = std::abs(pose.yaw_deg) > o_.max_abs_yaw_deg - margin ||
                   std::abs(pose.pitch_deg - ref) > o_.max_pitch_change_deg - margin ||
                   std::abs(pose.pitch_deg) > o_.max_abs_pitch_deg - margin;
  flagged_ = out;
  return out;
}

}  // namespace ft
