// protocol_test.cpp: step files, timing files and their checks (protocol/protocol.hpp), and the
// protocol scenario's layout (protocol/protocol_scenario.hpp).
#include <cmath>
#include <fstream>

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "core/measurements.hpp"
#include "protocol/protocol.hpp"
#include "protocol/protocol_runner.hpp"
#include "protocol/protocol_scenario.hpp"

namespace ft {
namespace {

namespace fs = std::filesystem;

fs::path write_file(const std::string& name, const std::string& text) {
  const fs::path dir = fs::temp_directory_path() / "facetwitch-protocol-test";
  fs::create_directories(dir);
  const fs::path p = dir / name;
  std::ofstream(p, std::ios::binary) << text;
  return p;
}

const char* kTwoSteps = R"({"format": "facetwitch-protocol", "format_version": 1, "name": "Short",
  "steps": [{"id": "rest", "movement": "rest", "label": "Rest", "prompt": "Relax", "duration_s": 10},
            {"id": "smile", "movement": "smile", "label": "Smile", "duration_s": 4, "prepare_s": 2}]})";

TEST(Protocol, TheStandardStepFileLoadsWithTheEightMovements) {
  auto p = load_protocol(default_protocol_path());
  ASSERT_TRUE(p.ok()) << p.error().message;
  ASSERT_EQ(p->steps.size(), 8u);
  const std::vector<Movement> expected{Movement::Rest,  Movement::BrowRaise, Movement::GentleEyeClosure,
                                       Movement::TightEyeClosure, Movement::Smile, Movement::Snarl,
                                       Movement::Pucker, Movement::Speech};
  for (std::size_t i = 0; i < expected.size(); ++i) EXPECT_EQ(p->steps[i].movement, expected[i]) << i;
  EXPECT_DOUBLE_EQ(p->steps[0].duration_s, 30.0);
  EXPECT_FALSE(p->steps[4].prompt.empty());
}

TEST(Protocol, DefaultsAndLookup) {
  auto p = protocol_from_json_text(kTwoSteps, "short.json");
  ASSERT_TRUE(p.ok()) << p.error().message;
  EXPECT_DOUBLE_EQ(p->steps[0].prepare_s, 3.0);  // the default
  EXPECT_DOUBLE_EQ(p->steps[1].prepare_s, 2.0);
  EXPECT_DOUBLE_EQ(p->total_s(), 3.0 + 10.0 + 2.0 + 4.0);
  ASSERT_NE(p->find("smile"), nullptr);
  EXPECT_EQ(p->find("pucker"), nullptr);
}

struct BadStepFile {
  std::string text;
  std::string expected;  // part of the message
};

TEST(Protocol, BadStepFilesAreRefusedWithAMessageNamingTheProblem) {
  const std::vector<BadStepFile> cases{
      {"not json", "not a JSON object"},
      {R"({"format": "facetwitch-protocol-timing", "name": "x", "steps": []})", "expected \"facetwitch-protocol\""},
      {R"({"name": "x", "format_version": 2, "steps": []})", "format_version 2"},
      {R"({"name": "x", "steps": [{"id": "smile", "movement": "smile", "label": "S", "duration_s": 4}]})",
       "no step has the movement \"rest\""},
      {R"({"name": "x", "steps": [{"id": "rest", "movement": "sleep", "label": "R", "duration_s": 4}]})",
       "movement \"sleep\""},
      {R"({"name": "x", "steps": [{"id": "rest", "movement": "rest", "label": "R", "duration_s": 0.2}]})",
       "duration 0.2 s is outside 1-300 s"},
      {R"({"name": "x", "steps": [{"id": "rest", "movement": "rest", "label": "R", "duration_s": 5},
                                  {"id": "rest", "movement": "smile", "label": "S", "duration_s": 5}]})",
       "used twice"},
      {R"({"name": "x", "steps": [{"id": "Rest Step", "movement": "rest", "label": "R", "duration_s": 5}]})",
       "\"id\" must be"},
      {R"({"name": "x", "steps": [{"id": "rest", "movement": "rest", "duration_s": 5}]})", "missing key \"label\""},
      {R"({"name": "x", "steps": [{"id": "rest", "movement": "rest", "label": "R", "duration_s": "long"}]})",
       "\"duration_s\" has the wrong type"},
  };
  for (const auto& c : cases) {
    auto p = protocol_from_json_text(c.text, "steps.json");
    ASSERT_FALSE(p.ok()) << c.text;
    EXPECT_EQ(p.error().kind, ErrorKind::Input);
    EXPECT_NE(p.error().message.find(c.expected), std::string::npos) << p.error().message;
    EXPECT_NE(p.error().message.find("steps.json"), std::string::npos) << p.error().message;
  }
}

TEST(Protocol, MissingStepFileSaysSo) {
  auto p = load_protocol("/nonexistent/steps.json");
  ASSERT_FALSE(p.ok());
  EXPECT_NE(p.error().message.find("not found"), std::string::npos) << p.error().message;
}

TEST(ProtocolTiming, JsonAndCsvReadTheSameAndResolveTheProtocolPath) {
  const fs::path steps = write_file("short.json", kTwoSteps);
  const fs::path json_timing = write_file("timing.json", R"({"format": "facetwitch-protocol-timing",
    "protocol": "short.json", "steps": [{"id": "rest", "start_s": 0.5, "end_s": 10.5},
    {"id": "smile", "start_s": 12.5, "end_s": 16.5, "retakes": 1}]})");
  const fs::path csv_timing = write_file("timing.csv", "id,start_s,end_s,retakes\nrest,0.5,10.5,0\nsmile,12.5,16.5,1\n");
  auto a = load_timing(json_timing);
  auto b = load_timing(csv_timing);
  ASSERT_TRUE(a.ok()) << a.error().message;
  ASSERT_TRUE(b.ok()) << b.error().message;
  EXPECT_EQ(a->protocol_file, steps);
  EXPECT_TRUE(b->protocol_file.empty());
  ASSERT_EQ(a->steps.size(), 2u);
  ASSERT_EQ(b->steps.size(), 2u);
  for (std::size_t i = 0; i < 2; ++i) {
    EXPECT_EQ(a->steps[i].id, b->steps[i].id);
    EXPECT_DOUBLE_EQ(a->steps[i].start_s, b->steps[i].start_s);
    EXPECT_DOUBLE_EQ(a->steps[i].end_s, b->steps[i].end_s);
    EXPECT_EQ(a->steps[i].retakes, b->steps[i].retakes);
  }
  auto p = load_protocol(steps);
  ASSERT_TRUE(p.ok());
  EXPECT_TRUE(validate(*a, *p).ok());

  // Written and read back.
  const fs::path again = write_file("again.json", "");
  ASSERT_TRUE(write_timing(again, *a).ok());
  auto c = load_timing(again);
  ASSERT_TRUE(c.ok()) << c.error().message;
  EXPECT_EQ(fs::canonical(c->protocol_file), fs::canonical(steps));
  EXPECT_DOUBLE_EQ(c->steps[1].end_s, 16.5);
}

TEST(ProtocolTiming, InconsistentTimingsAreRefused) {
  auto p = protocol_from_json_text(kTwoSteps, "short.json");
  ASSERT_TRUE(p.ok());
  struct Case {
    ProtocolTiming t;
    std::string expected;
  };
  const std::vector<Case> cases{
      {{{}, {{"rest", 0, 10, 0}, {"pucker", 11, 14, 0}}}, "no step of the protocol"},
      {{{}, {{"rest", 0, 10, 0}, {"smile", 9, 14, 0}}}, "before the previous step ends"},
      {{{}, {{"rest", 5, 5, 0}}}, "must come after the start"},
      {{{}, {{"rest", -1, 5, 0}}}, "0 or more"},
      {{{}, {{"rest", 0, 5, 0}, {"rest", 6, 8, 0}}}, "listed twice"},
      {{{}, {}}, "no steps"},
  };
  for (const auto& c : cases) {
    const Status st = validate(c.t, *p);
    ASSERT_FALSE(st.ok()) << c.expected;
    EXPECT_NE(st.error().message.find(c.expected), std::string::npos) << st.error().message;
  }
  const fs::path bad_csv = write_file("bad.csv", "id,start_s,end_s\nrest,zero,10\n");
  auto t = load_timing(bad_csv);
  ASSERT_FALSE(t.ok());
  EXPECT_NE(t.error().message.find("start_s"), std::string::npos) << t.error().message;
  const fs::path no_header = write_file("noheader.csv", "step,from,to\nrest,0,10\n");
  auto u = load_timing(no_header);
  ASSERT_FALSE(u.ok());
  EXPECT_NE(u.error().message.find("id, start_s and end_s"), std::string::npos) << u.error().message;
}

TEST(ProtocolScenario, StepsFollowEachOtherWithTheWeakSideMovingLess) {
  auto p = load_protocol(default_protocol_path());
  ASSERT_TRUE(p.ok());
  ProtocolScenarioOptions o;
  const ProtocolScenario ps = protocol_scenario(*p, o);
  ASSERT_EQ(ps.timing.steps.size(), p->steps.size());
  EXPECT_DOUBLE_EQ(ps.timing.steps[0].start_s, o.lead_s);
  EXPECT_DOUBLE_EQ(ps.timing.steps[0].end_s, o.lead_s + o.rest_s);
  for (std::size_t i = 1; i < ps.timing.steps.size(); ++i) {
    EXPECT_DOUBLE_EQ(ps.timing.steps[i].start_s, ps.timing.steps[i - 1].end_s + o.gap_s);
    EXPECT_DOUBLE_EQ(ps.timing.steps[i].end_s - ps.timing.steps[i].start_s, o.step_s);
  }
  EXPECT_TRUE(validate(ps.timing, *p).ok());
  EXPECT_TRUE(validate(ps.scenario).ok()) << validate(ps.scenario).error().message;
  // Smile: the strong (left) side moves 6 % IOD, the weak (right) side half of it; the right eye narrows.
  bool smile = false, synkinesis = false;
  for (const auto& x : ps.scenario.expressions) {
    if (x.kind == ExpressionKind::Smile) {
      smile = true;
      EXPECT_DOUBLE_EQ(x.amount.left, 0.06);
      EXPECT_DOUBLE_EQ(x.amount.right, 0.03);
    }
    if (x.kind == ExpressionKind::EyeClosure && x.amount.left == 0.0) {
      synkinesis = true;
      EXPECT_DOUBLE_EQ(x.amount.right, o.synkinesis_closure);
    }
  }
  EXPECT_TRUE(smile);
  EXPECT_TRUE(synkinesis);
  ASSERT_EQ(ps.scenario.twitches.size(), 1u);
  EXPECT_EQ(ps.scenario.twitches[0].side, Side::Left);
}

TEST(ProtocolScenario, ExpressionsRoundTripThroughJsonAndAreValidated) {
  Scenario s;
  s.duration_s = 6.0;
  ExpressionSpec x;
  x.kind = ExpressionKind::Snarl;
  x.start_s = 1.0;
  x.duration_s = 3.0;
  x.amount = {0.04, 0.01};
  s.expressions.push_back(x);
  ASSERT_TRUE(validate(s).ok());
  auto back = scenario_from_json(to_json(s));
  ASSERT_TRUE(back.ok()) << back.error().message;
  ASSERT_EQ(back->expressions.size(), 1u);
  EXPECT_EQ(back->expressions[0].kind, ExpressionKind::Snarl);
  EXPECT_DOUBLE_EQ(back->expressions[0].amount.left, 0.04);
  EXPECT_DOUBLE_EQ(back->expressions[0].amount.right, 0.01);
  EXPECT_DOUBLE_EQ(x.envelope(2.5), 1.0);
  EXPECT_DOUBLE_EQ(x.envelope(0.5), 0.0);
  EXPECT_GT(x.envelope(1.2), 0.0);
  EXPECT_LT(x.envelope(1.2), 1.0);
  s.expressions[0].kind = ExpressionKind::EyeClosure;
  s.expressions[0].amount = {0.95, 0.0};
  const Status st = validate(s);
  ASSERT_FALSE(st.ok());
  EXPECT_NE(st.error().message.find("fraction of the eye aperture"), std::string::npos) << st.error().message;
  s.expressions[0].amount = {0.5, 0.0};
  s.expressions[0].duration_s = 10.0;
  EXPECT_FALSE(validate(s).ok());  // past the end of the video
}

// Feeds the runner frames at 30 fps from `from` to `to` (s); `quality(t)` gives each frame's flags.
template <class Q>
void feed(ProtocolRunner& r, std::int64_t& index, double from, double to, Q quality) {
  const int n = static_cast<int>(std::lround((to - from) * 30.0));
  for (int k = 0; k < n; ++k) {
    const double t = from + k / 30.0;
    const std::uint32_t q = quality(t);
    r.update(t, index++, q != kQualityNoFace, q);
  }
}

TEST(ProtocolRunner, RunsTheStepsWithCountdownsAndRecordsTheirTiming) {
  auto p = protocol_from_json_text(kTwoSteps, "short.json");
  ASSERT_TRUE(p.ok());
  ProtocolRunner r(*p);
  EXPECT_EQ(r.phase(), ProtocolRunner::Phase::Idle);
  std::int64_t index = 0;
  r.start(0.0);
  EXPECT_EQ(r.phase(), ProtocolRunner::Phase::Prepare);
  feed(r, index, 0.0, 1.0, [](double) { return kQualityOk; });
  EXPECT_NEAR(r.remaining_s(), 2.0, 0.05);
  EXPECT_EQ(r.current()->id, "rest");
  feed(r, index, 1.0, 5.0, [](double) { return kQualityOk; });
  EXPECT_EQ(r.phase(), ProtocolRunner::Phase::Record);
  EXPECT_NEAR(r.remaining_s(), 8.0, 0.05);  // recording since 3 s, 10 s long
  feed(r, index, 5.0, 40.0, [](double) { return kQualityOk; });
  EXPECT_EQ(r.phase(), ProtocolRunner::Phase::Done);
  ASSERT_EQ(r.timing().steps.size(), 2u);
  EXPECT_EQ(r.timing().steps[0].id, "rest");
  EXPECT_NEAR(r.timing().steps[0].start_s, 3.0, 0.04);
  EXPECT_NEAR(r.timing().steps[0].end_s, 13.0, 0.04);
  EXPECT_EQ(r.timing().steps[1].id, "smile");
  EXPECT_NEAR(r.timing().steps[1].start_s, 15.0, 0.07);  // 2 s countdown after the rest step
  EXPECT_NEAR(r.timing().steps[1].end_s, 19.0, 0.07);
  EXPECT_TRUE(validate(r.timing(), *p).ok());
}

TEST(ProtocolRunner, CountdownWaitsForAUsablePicture) {
  auto p = protocol_from_json_text(kTwoSteps, "short.json");
  ASSERT_TRUE(p.ok());
  ProtocolRunner r(*p);
  std::int64_t index = 0;
  r.start(0.0);
  feed(r, index, 0.0, 2.0, [](double) { return kQualityNoFace; });
  EXPECT_EQ(r.phase(), ProtocolRunner::Phase::Prepare);
  EXPECT_EQ(r.waiting_for(), "no face found");
  EXPECT_NEAR(r.remaining_s(), 3.0, 0.05);  // held the whole time
  feed(r, index, 2.0, 2.5, [](double) { return kQualityPose; });
  EXPECT_EQ(r.waiting_for(), "head turned or tilted (pose)");
  feed(r, index, 2.5, 6.0, [](double) { return kQualityOk; });
  EXPECT_EQ(r.phase(), ProtocolRunner::Phase::Record);
  EXPECT_TRUE(r.waiting_for().empty());
  feed(r, index, 6.0, 20.0, [](double) { return kQualityOk; });
  ASSERT_FALSE(r.timing().steps.empty());
  EXPECT_NEAR(r.timing().steps[0].start_s, 5.5, 0.07);  // 3 s of countdown after the picture came good at 2.5 s
}

TEST(ProtocolRunner, APoorTakeAsksForARetakeAndTheRetakeIsCounted) {
  auto p = protocol_from_json_text(kTwoSteps, "short.json");
  ASSERT_TRUE(p.ok());
  ProtocolRunner r(*p);
  std::int64_t index = 0;
  r.start(0.0);
  // Rest: the head turns away for half of the recording.
  feed(r, index, 0.0, 13.5, [](double t) { return t > 6.0 && t < 11.0 ? kQualityPose : kQualityOk; });
  ASSERT_EQ(r.phase(), ProtocolRunner::Phase::Review);
  EXPECT_NE(r.review_reason().find("usable"), std::string::npos) << r.review_reason();
  EXPECT_TRUE(r.timing().steps.empty());
  r.retake();
  EXPECT_EQ(r.phase(), ProtocolRunner::Phase::Prepare);
  EXPECT_EQ(r.current()->id, "rest");
  feed(r, index, 13.5, 40.0, [](double) { return kQualityOk; });
  EXPECT_EQ(r.phase(), ProtocolRunner::Phase::Done);
  ASSERT_EQ(r.timing().steps.size(), 2u);
  EXPECT_EQ(r.timing().steps[0].retakes, 1);
  EXPECT_NEAR(r.timing().steps[0].start_s, 16.5, 0.07);
  EXPECT_EQ(r.timing().steps[1].retakes, 0);
}

TEST(ProtocolRunner, FrameRateComesFromTheSourceNotFromHowOftenTheWindowLooks) {
  auto p = protocol_from_json_text(kTwoSteps, "short.json");
  ASSERT_TRUE(p.ok());
  // A 30 fps camera of which the window sees every third frame: fine.
  ProtocolRunner seen(*p);
  seen.start(0.0);
  for (int k = 0; k < 30 * 14; k += 3) seen.update(k / 30.0, k, true, kQualityOk);
  EXPECT_EQ(seen.phase(), ProtocolRunner::Phase::Prepare);
  EXPECT_EQ(seen.timing().steps.size(), 1u);
  // A 10 fps camera: the take fails its check.
  ProtocolRunner slow(*p);
  slow.start(0.0);
  for (int k = 0; k < 10 * 14; ++k) slow.update(k / 10.0, k, true, kQualityOk);
  ASSERT_EQ(slow.phase(), ProtocolRunner::Phase::Review);
  EXPECT_NE(slow.review_reason().find("frame rate was 10.0 fps"), std::string::npos) << slow.review_reason();
}

TEST(ProtocolRunner, AcceptKeepsAPoorTakeAndSkipLeavesAStepOut) {
  auto p = protocol_from_json_text(kTwoSteps, "short.json");
  ASSERT_TRUE(p.ok());
  ProtocolRunner r(*p);
  std::int64_t index = 0;
  r.start(0.0);
  feed(r, index, 0.0, 13.5, [](double t) { return t > 6.0 && t < 11.0 ? kQualityDark : kQualityOk; });
  ASSERT_EQ(r.phase(), ProtocolRunner::Phase::Review);
  r.accept();
  EXPECT_EQ(r.phase(), ProtocolRunner::Phase::Prepare);
  ASSERT_EQ(r.timing().steps.size(), 1u);
  r.skip();
  EXPECT_EQ(r.phase(), ProtocolRunner::Phase::Done);
  EXPECT_EQ(r.timing().steps.size(), 1u);
  ProtocolRunner c(*p);
  c.start(0.0);
  c.cancel();
  EXPECT_EQ(c.phase(), ProtocolRunner::Phase::Cancelled);
  EXPECT_FALSE(c.running());
}

}  // namespace
}  // namespace ft
