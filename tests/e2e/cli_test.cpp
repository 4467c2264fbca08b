// cli_test.cpp: the command line's contract: one exit code per error class and messages that say what
// to do; several videos go to one sub-folder each; an existing output folder is never overwritten
// silently; percent options take "1.2%" or "0.012".
#include <fstream>
#include <initializer_list>

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "io/session.hpp"
#include "support/test_videos.hpp"

namespace ft {
namespace {

Scenario small_scenario() {
  Scenario s;
  s.duration_s = 3.0;
  s.face_scale = 2.2;
  s.seed = 7;
  return s;
}

std::filesystem::path small_video() {
  std::string why;
  auto dir = testing::ensure_video("cli_small", small_scenario(), &why);
  return dir ? *dir / "video.mp4" : std::filesystem::path();
}

// A bad value of a `synth` event option (`option` SPEC) and the words its message must hold.
struct BadSpec {
  const char* spec;
  const char* says;
};
// Each bad spec of `option` is refused with exit code 2 and a message naming the problem, before anything
// is written (no truth.json in the output folder under `out`).
void expect_synth_specs_refused(const std::filesystem::path& out, const std::string& option,
                                std::initializer_list<BadSpec> bad) {
  for (const BadSpec& b : bad) {
    const auto r = testing::run_facetwitch({"synth", "--out", (out / "v").string(), "--preset", "none", option, b.spec});
    EXPECT_EQ(r.exit_code, 2) << option << " " << b.spec << "\n" << r.err;
    EXPECT_NE(r.err.find(b.says), std::string::npos) << option << " " << b.spec << "\n" << r.err;
    EXPECT_FALSE(std::filesystem::exists(out / "v" / "truth.json")) << option << " " << b.spec;
  }
}

}  // namespace

TEST(Cli, NoArgumentsIsABadArgumentsError) {
  const auto r = testing::run_facetwitch({});
  EXPECT_EQ(r.exit_code, 2);
  const auto r2 = testing::run_facetwitch({"analyse", "--out"});
  EXPECT_EQ(r2.exit_code, 2);
  const auto r3 = testing::run_facetwitch({"analyse", "x.mp4", "--out", "y", "--threshold-k", "0.1"});
  EXPECT_EQ(r3.exit_code, 2);
}

TEST(Cli, HelpListsTheCommandsAndATypoGetsASuggestion) {
  // Bare: an error that lists what there is.
  const auto bare = testing::run_facetwitch({});
  EXPECT_NE(bare.err.find("a command is required"), std::string::npos) << bare.err;
  EXPECT_NE(bare.err.find("  analyse "), std::string::npos) << bare.err;
  // `help`: one line per command, success.
  const auto help = testing::run_facetwitch({"help"});
  EXPECT_EQ(help.exit_code, 0);
  for (const char* c : {"analyse", "synth", "demo", "bench", "accuracy", "record", "report", "history", "gui"}) {
    EXPECT_NE(help.out.find(std::string("\n  ") + c + " "), std::string::npos) << c << "\n" << help.out;
  }
  // A typo: the nearest command or option.
  const auto typo = testing::run_facetwitch({"anlyse", "x.mp4"});
  EXPECT_EQ(typo.exit_code, 2);
  EXPECT_NE(typo.err.find("'anlyse' is not a command. Did you mean 'analyse'?"), std::string::npos) << typo.err;
  const auto version_typo = testing::run_facetwitch({"--verison"});
  EXPECT_EQ(version_typo.exit_code, 2);
  EXPECT_NE(version_typo.err.find("Did you mean '--version'?"), std::string::npos) << version_typo.err;
  const auto far = testing::run_facetwitch({"xyz"});
  EXPECT_EQ(far.exit_code, 2);
  EXPECT_NE(far.err.find("'xyz' is not a command\n"), std::string::npos) << far.err;
  const auto version = testing::run_facetwitch({"--version"});
  EXPECT_EQ(version.exit_code, 0);
  EXPECT_EQ(version.out, std::string(FACETWITCH_VERSION) + "\n");
}

// `facetwitch gui FILE` (the desktop entry's "Open with") and --source name the same thing: both at once
// must agree. Refused before any window opens, so no display is needed.
TEST(Cli, GuiTakesAFileOrASourceNotTwoDifferentOnes) {
  const auto r = testing::run_facetwitch({"gui", "a.mp4", "--source", "b.mp4"});
  if (r.err.find("this build has no window") != std::string::npos)
    GTEST_SKIP() << "built without the window";
  EXPECT_EQ(r.exit_code, 2) << r.err;
  EXPECT_NE(r.err.find("one source"), std::string::npos) << r.err;
  const auto help = testing::run_facetwitch({"gui", "--help"});
  EXPECT_NE(help.out.find("[file]"), std::string::npos) << help.out;
}

TEST(Cli, MissingVideoIsAnInputErrorNamingThePath) {
  const auto out = testing::fresh_dir("cli_missing");
  const auto r = testing::run_facetwitch({"analyse", "/nonexistent/where.mp4", "--out", out.string(), "--quiet"});
  EXPECT_EQ(r.exit_code, 3);
  EXPECT_NE(r.err.find("/nonexistent/where.mp4"), std::string::npos) << r.err;
}

TEST(Cli, TextFileNamedMp4IsAnInputError) {
  const auto dir = testing::fresh_dir("cli_text");
  std::filesystem::create_directories(dir);
  std::ofstream(dir / "notes.mp4") << "this is not a video\n";
  const auto r = testing::run_facetwitch({"analyse", (dir / "notes.mp4").string(), "--out", (dir / "out").string(), "--quiet"});
  EXPECT_EQ(r.exit_code, 3);
  EXPECT_NE(r.err.find("notes.mp4"), std::string::npos) << r.err;
}

TEST(Cli, MissingModelIsAModelErrorNamingPathsAndPackage) {
  const auto video = small_video();
  if (video.empty()) GTEST_SKIP() << "no test video (run scripts/setup.sh)";
  const auto out = testing::fresh_dir("cli_model");
  const auto r = testing::run_facetwitch({"analyse", video.string(), "--out", out.string(), "--model", "/nonexistent/model.dat"});
  EXPECT_EQ(r.exit_code, 4);
  EXPECT_NE(r.err.find("/nonexistent/model.dat"), std::string::npos) << r.err;
  EXPECT_NE(r.err.find("libdlib-data"), std::string::npos) << r.err;
  // The message is one line.
  EXPECT_EQ(r.err.find('\n'), r.err.size() - 1) << r.err;
}

TEST(Cli, CorruptModelIsAModelError) {
  const auto video = small_video();
  if (video.empty()) GTEST_SKIP() << "no test video (run scripts/setup.sh)";
  const auto dir = testing::fresh_dir("cli_corrupt_model");
  std::filesystem::create_directories(dir);
  {
    std::ofstream f(dir / "model.dat", std::ios::binary);
    for (int i = 0; i < 100000; ++i) f.put(static_cast<char>(i * 37));
  }
  const auto r = testing::run_facetwitch({"analyse", video.string(), "--out", (dir / "out").string(), "--model", (dir / "model.dat").string()});
  EXPECT_EQ(r.exit_code, 4);
  EXPECT_NE(r.err.find("corrupt"), std::string::npos) << r.err;
  // Through the environment variable too.
  const auto r2 = testing::run_facetwitch({"analyse", video.string(), "--out", (dir / "out2").string()},
                                          "FACETWITCH_MODEL=" + (dir / "model.dat").string());
  EXPECT_EQ(r2.exit_code, 4) << r2.err;
}

TEST(Cli, ExistingOutputFolderIsRefusedUnlessForced) {
  const auto video = small_video();
  if (video.empty()) GTEST_SKIP() << "no test video (run scripts/setup.sh)";
  const auto out = testing::fresh_dir("cli_existing");
  std::filesystem::create_directories(out);
  std::ofstream(out / "keep.txt") << "mine\n";
  const auto r = testing::run_facetwitch({"analyse", video.string(), "--out", out.string(), "--quiet"});
  EXPECT_EQ(r.exit_code, 5);
  EXPECT_NE(r.err.find("--force"), std::string::npos) << r.err;
  EXPECT_FALSE(std::filesystem::exists(out / "summary.json"));
  const auto r2 = testing::run_facetwitch({"analyse", video.string(), "--out", out.string(), "--quiet", "--force"});
  EXPECT_EQ(r2.exit_code, 0) << r2.err;
  EXPECT_TRUE(std::filesystem::exists(out / "summary.json"));
  EXPECT_TRUE(std::filesystem::exists(out / "keep.txt"));
}

TEST(Cli, SeveralVideosGoToOneSubFolderEach) {
  const auto video = small_video();
  if (video.empty()) GTEST_SKIP() << "no test video (run scripts/setup.sh)";
  const auto out = testing::fresh_dir("cli_several");
  const auto dir = testing::fresh_dir("cli_several_in");
  std::filesystem::create_directories(dir);
  std::filesystem::copy_file(video, dir / "first clip.mp4");
  std::filesystem::copy_file(video, dir / "séance 2.mp4");
  const auto r = testing::run_facetwitch({"analyse", (dir / "first clip.mp4").string(), (dir / "séance 2.mp4").string(), "--out",
                                          out.string(), "--jobs", "2"});
  EXPECT_EQ(r.exit_code, 0) << r.err;
  for (const char* sub : {"first clip", "séance 2"}) {
    auto s = read_summary_json(out / sub / "summary.json");
    ASSERT_TRUE(s.ok()) << sub;
    EXPECT_EQ(s->frames, 90);
    EXPECT_TRUE(std::filesystem::exists(out / sub / "frames.csv"));
    EXPECT_TRUE(std::filesystem::exists(out / sub / "episodes.csv"));
  }
  // The result table is on stdout, one block per video.
  EXPECT_NE(r.out.find("first clip.mp4"), std::string::npos);
  EXPECT_NE(r.out.find("séance 2.mp4"), std::string::npos);
}

TEST(Cli, SummaryHasTheDocumentedFields) {
  const auto video = small_video();
  if (video.empty()) GTEST_SKIP() << "no test video (run scripts/setup.sh)";
  const auto out = testing::fresh_dir("cli_fields");
  const auto r = testing::run_facetwitch({"analyse", video.string(), "--out", out.string(), "--quiet"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  std::ifstream in(out / "summary.json");
  const std::string text((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  for (const char* key : {"\"video\"", "\"duration_s\"", "\"frames\"", "\"frames_with_face\"", "\"fps\"", "\"episodes\"",
                          "\"asymmetry\"", "\"mouth_corner_height_iod\"", "\"index\"", "\"regions\"",
                          "\"commissure_excursion\"", "\"smile_angle\"", "\"cce_angle\"", "\"palpebral_fissure\"",
                          "\"brow_height\"", "\"percent_of_stronger\"", "\"weaker_side\"", "\"normal_band\"",
                          "\"over_time\"", "\"detectability\"", "\"smallest_twitch_mm\"", "\"rest_basis\""}) {
    EXPECT_NE(text.find(key), std::string::npos) << key;
  }
}

// A percent option (--min-amplitude, --eye-min-amplitude: "% IOD" in the window) takes "1.5%" and the
// fraction "0.015" alike, and the analysis uses it (summary.json's settings); a bare "1.5" (150%),
// garbage and NaN are usage errors (exit 2) naming the option, before anything is written.
TEST(Cli, PercentOptionsTakeAPercentageOrAFraction) {
  const auto video = small_video();
  if (video.empty()) GTEST_SKIP() << "no test video (run scripts/setup.sh)";
  for (const std::vector<std::string>& given : {std::vector<std::string>{"--min-amplitude", "1.5%", "--eye-min-amplitude", "0.8 %"},
                                                std::vector<std::string>{"--min-amplitude", "0.015", "--eye-min-amplitude", "0.008"}}) {
    const auto out = testing::fresh_dir("cli_percent");
    std::vector<std::string> args{"analyse", video.string(), "--out", out.string(), "--quiet"};
    args.insert(args.end(), given.begin(), given.end());
    const auto r = testing::run_facetwitch(args);
    ASSERT_EQ(r.exit_code, 0) << given[1] << "\n" << r.err;
    auto s = read_summary_json(out / "summary.json");
    ASSERT_TRUE(s.ok());
    EXPECT_NEAR(s->settings.min_amplitude_iod, 0.015, 1e-12) << given[1];
    EXPECT_NEAR(s->settings.eye_min_amplitude_iod, 0.008, 1e-12) << given[3];
  }
  for (const char* bad : {"1.5", "abc", "nan", "-1%", "30%", ""}) {
    const auto out = testing::fresh_dir("cli_percent_bad");
    const auto r = testing::run_facetwitch({"analyse", video.string(), "--out", (out / "o").string(), "--min-amplitude", bad});
    EXPECT_EQ(r.exit_code, 2) << bad << "\n" << r.err;
    EXPECT_NE(r.err.find("--min-amplitude"), std::string::npos) << r.err;
    EXPECT_NE(r.err.find("0.2% to 20%"), std::string::npos) << bad << "\n" << r.err;
    EXPECT_FALSE(std::filesystem::exists(out / "o")) << bad;
  }
}

}  // namespace ft

namespace ft {

// `synth --talk`: bad talking specs are refused with exit code 2 and a message naming the problem,
// before anything is written.
TEST(Cli, SynthTalkSpecsAreChecked) {
  expect_synth_specs_refused(testing::fresh_dir("cli_synth_talk"), "--talk",
                             {{"rate=4", "start is required"},
                              {"start=1,lips=2", "unknown key 'lips'"},
                              {"start=1,rate=fast", "rate='fast' is not a number"},
                              {"start=1,rate=12", "syllable rate 12 Hz is outside 1-8 Hz"},
                              {"start=18,dur=5", "talk 1: ends at 23 s, past the end of the video"},
                              {"start=1,seed=-2", "--talk 'start=1,seed=-2': seed must be a whole number >= 0"}});
}

}  // namespace ft

namespace ft {

// `synth --rest`: a face at rest is drawn and recorded in truth.json's scenario; bad specs are refused
// with exit code 2 and a message naming the problem, before anything is written; a real base video
// keeps its own motion.
TEST(Cli, SynthRestIsDrawnAndChecked) {
  const auto out = testing::fresh_dir("cli_synth_rest");
  expect_synth_specs_refused(out, "--rest",
                             {{"corner=0.02,gaze=1", "unknown key 'gaze'"},
                              {"corner=lots", "corner='lots' is not a number"},
                              {"corner=0.2", "resting corner wander 0.2 IOD is outside 0-0.05"},
                              {"corner=0.02,period=0.1", "resting wander period 0.1 s is outside 0.5-60 s"},
                              {"corner=0.02,seed=1.5", "--rest 'corner=0.02,seed=1.5': seed must be a whole number >= 0"}});
  const auto base = testing::run_facetwitch({"synth", "--out", (out / "b").string(), "--base-video", "/nonexistent.mp4",
                                             "--rest", "corner=0.02"});
  EXPECT_EQ(base.exit_code, 2) << base.err;
  EXPECT_NE(base.err.find("--rest does not apply with --base-video"), std::string::npos) << base.err;

  const auto ok = testing::run_facetwitch({"synth", "--out", (out / "ok").string(), "--preset", "none", "--duration", "2",
                                           "--rest", "corner=0.02,lid=0.006,seed=5"});
  ASSERT_EQ(ok.exit_code, 0) << ok.err;
  EXPECT_NE(ok.out.find("resting wander 2.0% IOD (corners) 0.6% IOD (lids)"), std::string::npos) << ok.out;
  std::ifstream in(out / "ok" / "truth.json");
  const auto truth = nlohmann::json::parse(in);
  EXPECT_EQ(truth["scenario"]["rest_motion"]["corner_iod"].get<double>(), 0.02);
  EXPECT_EQ(truth["scenario"]["rest_motion"]["lid_iod"].get<double>(), 0.006);
  EXPECT_EQ(truth["scenario"]["rest_motion"]["seed"].get<std::uint64_t>(), 5u);
}

}  // namespace ft
