// appearance_gate_test.cpp: the gate that pauses the measurement when the mouth is covered or the light
// switches (pipeline/appearance_gate.hpp), on numbers: slow drifts and small changes pass, an abrupt
// change is flagged until it is over and hold_s has passed, and a lasting change becomes the new normal.
#include <gtest/gtest.h>

#include "pipeline/appearance_gate.hpp"

namespace ft {
namespace {

AppearanceStats look(double mean, double spread = 30.0) {
  AppearanceStats s;
  s.mouth_mean = mean;
  s.mouth_spread = spread;
  return s;
}

TEST(AppearanceGate, SlowDriftAndSmallChangesPass) {
  AppearanceGate g;
  for (int i = 0; i < 300; ++i) {
    const double t = i / 30.0;
    EXPECT_FALSE(g.update(t, true, look(150.0 + 3.0 * t + (i % 2 ? 2.0 : -2.0), 30.0 + 0.5 * (i % 3)))) << t;
  }
}

TEST(AppearanceGate, AbruptChangeIsFlaggedUntilItIsOverPlusHold) {
  AppearanceGateOptions o;
  AppearanceGate g(o);
  int frame = 0;
  auto step = [&](double mean, double spread = 30.0) { return g.update(frame++ / 30.0, true, look(mean, spread)); };
  for (int i = 0; i < 60; ++i) ASSERT_FALSE(step(150.0));
  for (int i = 0; i < 30; ++i) EXPECT_TRUE(step(175.0)) << i;  // a hand: brighter
  int flagged_after = 0;
  for (int i = 0; i < 30; ++i) flagged_after += step(150.0) ? 1 : 0;
  EXPECT_NEAR(flagged_after, o.hold_s * 30.0, 1.5);
  // Texture alone (a flat cover of the same brightness) is flagged too.
  for (int i = 0; i < 30; ++i) step(150.0);
  EXPECT_TRUE(step(150.0, 10.0));
}

TEST(AppearanceGate, LastingChangeBecomesTheNewNormal) {
  AppearanceGateOptions o;
  AppearanceGate g(o);
  double t = 0.0;
  for (int i = 0; i < 60; ++i, t += 1.0 / 30) g.update(t, true, look(150.0));
  bool flagged_late = true;
  for (int i = 0; i < 150; ++i, t += 1.0 / 30) flagged_late = g.update(t, true, look(100.0));  // light off, 5 s
  EXPECT_FALSE(flagged_late);
}

TEST(AppearanceGate, NoFaceForgetsTheReference) {
  AppearanceGate g;
  for (int i = 0; i < 30; ++i) g.update(i / 30.0, true, look(150.0));
  EXPECT_FALSE(g.update(1.0, false, {}));
  EXPECT_FALSE(g.update(1.1, true, look(90.0)));  // the first frame back is the new reference
  EXPECT_FALSE(g.update(1.13, true, look(91.0)));
}

}  // namespace
}  // namespace ft
