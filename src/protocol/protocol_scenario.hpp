// protocol_scenario.hpp: a synthetic recording of the screening protocol with a known answer: the
// face at rest, then each movement of the protocol held for a step, with one side moving only a
// fraction of the other (a weak side, as after a facial palsy), that side's eye narrowing during the
// mouth movements (synkinesis), talking in the speech step, and optionally a twitch episode during the rest step. The timing of the
// steps comes with it, so that `facetwitch analyse VIDEO --protocol TIMING` can be checked against the
// known per-step asymmetry (tests, `facetwitch synth --preset protocol`).
// Pure functions; thread-safe.
#pragma once

#include <cstdint>

#include "protocol/protocol.hpp"
#include "synth/scenario.hpp"

namespace ft {

struct ProtocolScenarioOptions {
  double rest_s = 8.0;     // the rest step (the analyser's baseline takes its first 2 s)
  double step_s = 4.0;     // every other step
  double gap_s = 1.5;      // neutral face between steps (the window's countdown)
  double lead_s = 0.5;     // neutral face before the first step
  Side weak_side = Side::Right;
  double weak_ratio = 0.5;          // the weak side moves this fraction of the strong side
  double synkinesis_closure = 0.6;  // the weak side's eye closes this fraction during mouth movements (0: none)
  bool rest_twitch = true;          // a clonic twitch episode of the STRONG side's mouth corner during rest
  std::uint64_t seed = 7;
};

// The strong side's movement for each movement (IOD, or the fraction of the eye aperture for eye closures).
// Rest and speech: 0 (the speech step is talking: synth::TalkSpec, 3 syllables per second, the weak
// side's corner moving weak_ratio of the strong side's).
double protocol_movement_amount(Movement m);

struct ProtocolScenario {
  Scenario scenario;
  ProtocolTiming timing;
};

// Lays the protocol's steps out in order with the options' durations (the protocol's own durations are
// for people; a test needs a short video). The scenario is the webcam-like one (synth::webcam_scenario)
// without head motion.
ProtocolScenario protocol_scenario(const Protocol& protocol, const ProtocolScenarioOptions& options = {});

}  // namespace ft
