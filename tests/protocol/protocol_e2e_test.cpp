// protocol_e2e_test.cpp: the screening protocol end to end: a generated recording that follows the step
// timing with a known weak side and synkinesis, analysed by the real `facetwitch analyse --protocol`,
// and scored per step (protocol.json). A symmetric recording is the control: no weak side, no flags.
#include <fstream>
#include <iterator>

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "protocol/protocol.hpp"
#include "protocol/protocol_scenario.hpp"
#include "support/test_videos.hpp"

namespace ft {
namespace {

namespace fs = std::filesystem;
using json = nlohmann::json;
using testing::ensure_video;
using testing::fresh_dir;
using testing::run_facetwitch;

struct Scored {
  json protocol;  // protocol.json
  std::string out;
  fs::path session;
};

// Generates the protocol recording for `o`, analyses it with --protocol and reads protocol.json.
// `out_name`: this test's own output folder (tests run in parallel processes).
std::optional<Scored> run_protocol(const std::string& name, const ProtocolScenarioOptions& o, const std::string& out_name,
                                   std::string* why) {
  auto p = load_protocol(default_protocol_path());
  EXPECT_TRUE(p.ok()) << (p.ok() ? "" : p.error().message);
  if (!p.ok()) return std::nullopt;
  const ProtocolScenario ps = protocol_scenario(*p, o);
  auto video = ensure_video(name, ps.scenario, why);
  if (!video) return std::nullopt;
  const fs::path out = fresh_dir(out_name);
  fs::create_directories(out);
  const fs::path timing = out / "timing.json";
  EXPECT_TRUE(write_timing(timing, ps.timing).ok());
  const fs::path session = out / "session";
  const auto r = run_facetwitch({"analyse", (*video / "video.mp4").string(), "--out", session.string(), "--quiet",
                                 "--protocol", timing.string()});
  EXPECT_EQ(r.exit_code, 0) << r.err;
  std::ifstream in(session / "protocol.json");
  EXPECT_TRUE(in.good()) << "no protocol.json in " << session;
  if (!in.good()) return std::nullopt;
  Scored s;
  s.protocol = json::parse(in);
  s.out = r.out;
  s.session = session;
  EXPECT_TRUE(fs::exists(session / "protocol_timing.json"));
  return s;
}

const json& step(const json& protocol, const std::string& id) {
  for (const auto& s : protocol.at("steps"))
    if (s.at("id") == id) return s;
  throw std::runtime_error("no step " + id);
}

bool flagged(const json& s, const std::string& side) {
  for (const auto& k : s.at("synkinesis"))
    if (k.at("side") == side && k.at("flag").get<bool>()) return true;
  return false;
}

TEST(ProtocolEndToEnd, WeakRightSideAndRightEyeSynkinesisAreFoundStepByStep) {
  std::string why;
  ProtocolScenarioOptions o;  // weak right side (half the movement), right eye closing 60 % in mouth steps
  auto s = run_protocol("protocol-weak-right", o, "protocol-weak", &why);
  if (!s && !why.empty()) GTEST_SKIP() << why;
  ASSERT_TRUE(s);
  const json& p = s->protocol;
  EXPECT_EQ(p.at("format"), "facetwitch-protocol-result");
  EXPECT_EQ(p.at("steps").size(), 8u);
  EXPECT_TRUE(p.at("steps_missing").empty());
  EXPECT_EQ(p.at("summary").at("steps_quality_ok"), 8);
  // Each movement: the person's right side is the weaker one, clearly.
  for (const char* id : {"brow_raise", "gentle_eye_closure", "tight_eye_closure", "smile", "snarl", "pucker"}) {
    const json& m = step(p, id).at("measures").at(0);
    EXPECT_EQ(m.at("weaker_side"), "right") << id;
    EXPECT_GE(m.at("percent_of_stronger").get<double>(), 12.0) << id;
    EXPECT_GT(m.at("left").get<double>(), 0.0) << id;
  }
  // Synkinesis: the right eye narrows in the mouth movements, never flagged on the left; no oral flags.
  for (const char* id : {"smile", "snarl", "pucker"}) {
    EXPECT_TRUE(flagged(step(p, id), "right")) << id;
    EXPECT_FALSE(flagged(step(p, id), "left")) << id;
  }
  for (const char* id : {"brow_raise", "gentle_eye_closure", "tight_eye_closure", "speech"}) {
    EXPECT_FALSE(flagged(step(p, id), "left")) << id;
    EXPECT_FALSE(flagged(step(p, id), "right")) << id;
  }
  EXPECT_EQ(p.at("summary").at("synkinesis_flags"), 3);
  // The one twitch episode (left mouth corner, 5 Hz) is in the rest step; the held movements are not twitches.
  EXPECT_EQ(step(p, "rest").at("episode_count"), 1);
  int elsewhere = 0;
  for (const auto& st : p.at("steps"))
    if (st.at("id") != "rest") elsewhere += st.at("episode_count").get<int>();
  EXPECT_EQ(elsewhere, 0);
  // The rest step carries the resting values with their normal-band verdicts.
  const json& rest = step(p, "rest").at("measures");
  ASSERT_EQ(rest.size(), 5u);
  EXPECT_EQ(rest.at(0).at("key"), "brow_height");
  EXPECT_TRUE(rest.at(0).contains("verdict"));
  // The terminal table says it too.
  EXPECT_NE(s->out.find("SYNKINESIS right eye narrowing"), std::string::npos) << s->out;

  // The report reads the real protocol.json: every step, the flags, the patient.
  const auto rep = run_facetwitch({"report", s->session.string(), "--patient", "P-0042"});
  ASSERT_EQ(rep.exit_code, 0) << rep.err;
  std::ifstream rj(s->session / "report.json");
  const json report = json::parse(rj);
  ASSERT_TRUE(report.at("protocol").is_object());
  EXPECT_EQ(report.at("protocol").at("steps").size(), 8u);
  std::ifstream rh(s->session / "report.html");
  const std::string html((std::istreambuf_iterator<char>(rh)), std::istreambuf_iterator<char>());
  EXPECT_NE(html.find("right eye narrowing"), std::string::npos);
  EXPECT_NE(html.find("Open-mouth smile"), std::string::npos);
}

// The control: the same protocol with both sides moving alike gives no synkinesis flag, no episode,
// and for every movement a right/left ratio clearly above the weak recording's (the synthetic face and
// the landmark model are not perfectly symmetric, so the control's own ratio is not exactly 1).
TEST(ProtocolEndToEnd, SymmetricControlHasNoFlagsAndLessAsymmetryThanTheWeakSide) {
  std::string why;
  ProtocolScenarioOptions sym;
  sym.weak_ratio = 1.0;
  sym.synkinesis_closure = 0.0;
  sym.rest_twitch = false;
  sym.seed = 11;
  auto control = run_protocol("protocol-symmetric", sym, "protocol-control", &why);
  if (!control && !why.empty()) GTEST_SKIP() << why;
  ASSERT_TRUE(control);
  auto weak = run_protocol("protocol-weak-right", ProtocolScenarioOptions{}, "protocol-control-weak", &why);
  ASSERT_TRUE(weak);
  const json& p = control->protocol;
  EXPECT_EQ(p.at("summary").at("synkinesis_flags"), 0);
  int episodes = 0;
  for (const auto& st : p.at("steps")) episodes += st.at("episode_count").get<int>();
  EXPECT_EQ(episodes, 0);
  for (const char* id : {"brow_raise", "gentle_eye_closure", "tight_eye_closure", "smile", "snarl", "pucker"}) {
    const json& c = step(p, id).at("measures").at(0);
    const json& w = step(weak->protocol, id).at("measures").at(0);
    const double control_ratio = c.at("right").get<double>() / c.at("left").get<double>();
    const double weak_ratio = w.at("right").get<double>() / w.at("left").get<double>();
    EXPECT_GT(control_ratio, 0.8) << id;
    EXPECT_LT(weak_ratio, control_ratio - 0.1) << id;
  }
}

TEST(ProtocolEndToEnd, BadTimingIsRefusedBeforeAnythingIsAnalysed) {
  const fs::path out = fresh_dir("protocol-bad-timing");
  fs::create_directories(out);
  const fs::path timing = out / "timing.csv";
  std::ofstream(timing) << "id,start_s,end_s\nrest,0,10\nwhistle,11,15\n";
  const auto r = run_facetwitch({"analyse", "/nonexistent.mp4", "--out", (out / "s").string(), "--protocol", timing.string()});
  EXPECT_EQ(r.exit_code, exit_code(ErrorKind::Input));
  EXPECT_NE(r.err.find("whistle"), std::string::npos) << r.err;
  EXPECT_NE(r.err.find("no step of the protocol"), std::string::npos) << r.err;
  EXPECT_FALSE(fs::exists(out / "s"));
  const auto two = run_facetwitch({"analyse", "a.mp4", "b.mp4", "--out", (out / "t").string(), "--protocol", timing.string()});
  EXPECT_EQ(two.exit_code, exit_code(ErrorKind::BadArguments));
  EXPECT_NE(two.err.find("exactly one video"), std::string::npos) << two.err;
}

}  // namespace
}  // namespace ft
