// protocol_scenario.cpp: the protocol laid out as a synthetic scenario with a known answer.
#include "protocol/protocol_scenario.hpp"

#include <algorithm>

namespace ft {

double protocol_movement_amount(Movement m) {
  switch (m) {
    case Movement::BrowRaise: return 0.06;
    case Movement::GentleEyeClosure: return 0.6;
    case Movement::TightEyeClosure: return 0.85;
    case Movement::Smile: return 0.06;
    case Movement::Snarl: return 0.045;
    case Movement::Pucker: return 0.04;
    case Movement::Rest:
    case Movement::Speech: return 0.0;
  }
  return 0.0;
}

namespace {

std::optional<ExpressionKind> expression_of(Movement m) {
  switch (m) {
    case Movement::BrowRaise: return ExpressionKind::BrowRaise;
    case Movement::GentleEyeClosure:
    case Movement::TightEyeClosure: return ExpressionKind::EyeClosure;
    case Movement::Smile: return ExpressionKind::Smile;
    case Movement::Snarl: return ExpressionKind::Snarl;
    case Movement::Pucker: return ExpressionKind::Pucker;
    case Movement::Rest:
    case Movement::Speech: return std::nullopt;
  }
  return std::nullopt;
}

}  // namespace

ProtocolScenario protocol_scenario(const Protocol& protocol, const ProtocolScenarioOptions& o) {
  ProtocolScenario out;
  out.timing.protocol_file = protocol.file;
  double t = o.lead_s;
  const Side weak = o.weak_side;
  const Side strong = weak == Side::Left ? Side::Right : Side::Left;
  std::vector<ExpressionSpec> expressions;
  std::vector<TwitchEpisodeSpec> twitches;
  std::vector<TalkSpec> talks;
  for (std::size_t i = 0; i < protocol.steps.size(); ++i) {
    const ProtocolStep& step = protocol.steps[i];
    if (i > 0)
      t += o.gap_s;
    const double d = step.movement == Movement::Rest ? o.rest_s : o.step_s;
    out.timing.steps.push_back({step.id, t, t + d, 0});
    if (const auto kind = expression_of(step.movement)) {
      PerSide<double> amount{0.0, 0.0};
      amount[strong] = protocol_movement_amount(step.movement);
      amount[weak] = o.weak_ratio * amount[strong];
      expressions.push_back(expression_spec(*kind, t, d, amount));
    }
    if (is_mouth_movement(step.movement) && step.movement != Movement::Speech && o.synkinesis_closure > 0.0) {
      PerSide<double> amount{0.0, 0.0};
      amount[weak] = o.synkinesis_closure;
      expressions.push_back(expression_spec(ExpressionKind::EyeClosure, t, d, amount));
    }
    if (step.movement == Movement::Speech) {
      // Counting aloud: syllables at 3 per second; the weak side's corner moves weak_ratio of the other's.
      const double r = std::clamp(o.weak_ratio, 0.0, 1.0);
      const double imbalance = (1.0 - r) / (1.0 + r) * (strong == Side::Left ? 1.0 : -1.0);
      talks.push_back(talk_spec(t + 0.3, d - 0.6, 3.0, 0.05, 0.012, imbalance, o.seed));
    }
    if (step.movement == Movement::Rest && o.rest_twitch && d >= 6.0) {
      // In the second half of the rest step, after the analyser's 2 s baseline.
      twitches.push_back(twitch_spec(Region::Mouth, strong, t + d / 2.0, 1.5, 5.0, 0.035));
    }
    t += d;
  }
  Scenario s = webcam_scenario(t + 3.0, o.seed, 2.2);  // 3 s to relax after the last step
  s.head_motion = HeadMotion{};
  s.expressions = std::move(expressions);
  s.twitches = std::move(twitches);
  s.talks = std::move(talks);
  out.scenario = std::move(s);
  return out;
}

}  // namespace ft
