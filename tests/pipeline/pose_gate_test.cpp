// pose_gate_test.cpp: the head-pose gate: against the person's own pitch, with hysteresis.
#include <gtest/gtest.h>

#include "pipeline/pose_gate.hpp"

namespace ft {
namespace {

HeadPose pose(double yaw, double pitch) {
  HeadPose p;
  p.valid = true;
  p.yaw_deg = yaw;
  p.pitch_deg = pitch;
  return p;
}

}  // namespace

// A near-frontal face whose fitted pitch sits at 22 degrees (the generic 3-D face and the camera height),
// wavering by a degree or two: never flagged (a fixed 20-degree limit flagged about half its frames).
TEST(PoseGate, TypicalPitchOfTheRecordingIsNotATurn) {
  PoseGate g;
  int flagged = 0;
  for (int i = 0; i < 600; ++i) flagged += g.update(i / 30.0, pose(2.0, 22.0 + ((i % 7) - 3) * 0.6)) ? 1 : 0;
  EXPECT_EQ(flagged, 0);
}

TEST(PoseGate, PitchChangeAgainstTheTypicalPitchIsFlagged) {
  PoseGate g;
  for (int i = 0; i < 300; ++i) ASSERT_FALSE(g.update(i / 30.0, pose(0.0, 10.0)));
  EXPECT_TRUE(g.update(10.0, pose(0.0, 10.0 + 21.0)));  // tilted back 21 degrees from the usual
  EXPECT_TRUE(g.update(10.04, pose(0.0, 10.0 - 25.0)));  // then down
  EXPECT_FALSE(g.update(10.08, pose(0.0, 10.0)));
}

TEST(PoseGate, AbsoluteLimitsStillHold) {
  PoseGate g;
  for (int i = 0; i < 900; ++i) g.update(i / 30.0, pose(0.0, 33.0));  // the typical pitch becomes 33
  EXPECT_TRUE(g.update(30.0, pose(0.0, 36.0)));                     // past the absolute 35
  PoseGate y;
  EXPECT_TRUE(y.update(0.0, pose(26.0, 0.0)));  // yaw past 25
  EXPECT_FALSE(PoseGate().update(0.0, HeadPose{}));  // no pose: not judged here
}

// A head hovering at the limit gives one flagged stretch, not a flicker: once flagged it stays so until
// it is back 5 degrees inside.
TEST(PoseGate, HysteresisAtTheLimit) {
  PoseGate g;
  EXPECT_FALSE(g.update(0.0, pose(24.0, 0.0)));
  EXPECT_TRUE(g.update(0.04, pose(25.5, 0.0)));
  EXPECT_TRUE(g.update(0.08, pose(24.0, 0.0)));
  EXPECT_TRUE(g.update(0.12, pose(21.0, 0.0)));
  EXPECT_FALSE(g.update(0.16, pose(19.5, 0.0)));
  EXPECT_FALSE(g.update(0.20, pose(24.0, 0.0)));
}

}  // namespace ft
