// report_test.cpp: `facetwitch report` on sessions made by the real `facetwitch analyse` from short
// ground-truth videos: the HTML and JSON hold the session's numbers, --no-face-images embeds no image data,
// the protocol table and the before / after comparison, bad input gives clear errors and exit codes, the
// patient identifier, and the page rendered by headless Chromium (label "report").
#include <algorithm>
#include <cctype>
#include <cstdio>
#include <fstream>
#include <sstream>
#include <string>

#include <fmt/format.h>
#include <gtest/gtest.h>
#include <nlohmann/json.hpp>
#include <opencv2/imgcodecs.hpp>
#include <opencv2/imgproc.hpp>

#include "io/session.hpp"
#include "report/report.hpp"
#include "support/test_videos.hpp"

namespace ft {
namespace {

namespace fs = std::filesystem;
using Json = nlohmann::json;

std::string slurp(const fs::path& p) {
  std::ifstream in(p, std::ios::binary);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

void spit(const fs::path& p, const std::string& text) {
  std::ofstream out(p, std::ios::binary);
  out << text;
}

std::string lower(std::string s) {
  std::transform(s.begin(), s.end(), s.begin(), [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return s;
}

std::size_t count_of(const std::string& text, const std::string& what) {
  std::size_t n = 0;
  for (std::size_t p = text.find(what); p != std::string::npos; p = text.find(what, p + 1)) ++n;
  return n;
}

// Session A: a mouth twitch train on the person's left and an eyelid one on the right; B: one weaker
// mouth twitch train on the left (the "after" of the comparison).
Scenario scenario_a() {
  Scenario s = webcam_scenario(8.0, 501, 2.2);
  s.twitches = {twitch_spec(Region::Mouth, Side::Left, 2.0, 1.5, 6.0, 0.03), twitch_spec(Region::Eye, Side::Right, 5.0, 1.5, 4.0, 0.03)};
  return s;
}
Scenario scenario_b() {
  Scenario s = webcam_scenario(8.0, 502, 2.2);
  s.twitches = {twitch_spec(Region::Mouth, Side::Left, 3.0, 1.0, 8.0, 0.025)};
  return s;
}

// Analyses the scenario's video into a fresh folder; nullopt (and a skip) when the photo is missing.
std::optional<fs::path> analysed(const std::string& video_name, const Scenario& scenario, const std::string& out_name,
                                 std::vector<std::string> extra = {}) {
  std::string why;
  auto video = testing::ensure_video(video_name, scenario, &why);
  if (!video) return std::nullopt;
  const fs::path out = testing::fresh_dir(out_name);
  std::vector<std::string> args{"analyse", (*video / "video.mp4").string(), "--out", out.string(), "--quiet"};
  args.insert(args.end(), extra.begin(), extra.end());
  const auto r = testing::run_facetwitch(args);
  EXPECT_EQ(r.exit_code, 0) << r.err;
  return out;
}

#define SESSION_OR_SKIP(var, ...)                                          \
  auto var##_opt = analysed(__VA_ARGS__);                                   \
  if (!var##_opt) GTEST_SKIP() << "the astronaut photo is missing: run scripts/setup.sh"; \
  const fs::path var = *var##_opt

Json read_json(const fs::path& p) {
  try {
    return Json::parse(slurp(p));
  } catch (const std::exception& e) {
    ADD_FAILURE() << p << ": " << e.what();
    return Json::object();
  }
}

// The strings the report must show for a session, formatted as the report formats them.
std::vector<std::string> expected_numbers(const Json& summary) {
  std::vector<std::string> out;
  const std::size_t n = summary["episodes"].size();
  out.push_back(fmt::format("{} episode{} in total", n, n == 1 ? "" : "s"));
  for (const Json& e : summary["episodes"]) {
    if (e["frequency_hz"].is_number()) out.push_back(fmt::format("<td>{:.2f}</td>", e["frequency_hz"].get<double>()));
    out.push_back(fmt::format("<td>{:.2f}</td>", 100.0 * e["peak_amplitude_iod"].get<double>()));
  }
  out.push_back(fmt::format("<td>{:.1f}</td>", summary["counts"]["mouth"]["left"]["twitches_per_min"].get<double>()));
  return out;
}

const char* kProtocolFixture = R"json({
  "format": "facetwitch-protocol-result", "format_version": 1,
  "protocol": {"name": "Facial screening (Sunnybrook / eFACE movements)", "file": "protocols/screening.json"},
  "steps": [
    {"id": "rest", "label": "Rest", "movement": "rest", "prompt": "Relax your face", "start_s": 0.0, "end_s": 5.0,
     "frames": 150, "frames_good": 150, "quality_ok": true, "quality_problems": [], "retakes": 0,
     "measures": [], "synkinesis": [], "episode_count": 0, "twitch_count": 0},
    {"id": "smile", "label": "Open-mouth smile", "movement": "smile", "prompt": "Smile broadly, showing your teeth",
     "start_s": 40.0, "end_s": 45.0, "frames": 150, "frames_good": 141, "quality_ok": true,
     "quality_problems": ["head turned (pose) in 12% of frames"], "retakes": 1,
     "measures": [
       {"key": "commissure_excursion", "label": "Commissure excursion", "unit": "iod",
        "left": 0.061, "right": 0.032, "diff": 0.029, "diff_mm": 1.83, "percent_of_stronger": 47.5, "weaker_side": "right"},
       {"key": "smile_angle", "label": "Smile angle", "unit": "deg",
        "left": 101.5, "right": null, "diff": null, "diff_mm": null, "percent_of_stronger": null, "weaker_side": null}],
     "synkinesis": [
       {"side": "left", "region": "eye", "what": "eye narrowing", "value": 24.0, "unit": "%", "threshold": 20.0, "flag": true},
       {"side": "right", "region": "eye", "what": "eye narrowing", "value": 3.0, "unit": "%", "threshold": 20.0, "flag": false}],
     "episode_count": 1, "twitch_count": 6}
  ],
  "summary": {"steps": 2, "steps_quality_ok": 2, "synkinesis_flags": 1}
})json";

testing::CommandResult report(std::vector<std::string> args) {
  args.insert(args.begin(), "report");
  return testing::run_facetwitch(args);
}

// ---- content ------------------------------------------------------------------------------------

TEST(Report, HtmlAndJsonHoldTheSessionNumbers) {
  SESSION_OR_SKIP(dir, "report_a", scenario_a(), "report_content", {"--patient", "P-0042 (test)"});
  const Json summary = read_json(dir / "summary.json");
  ASSERT_EQ(summary["patient_id"], "P-0042 (test)");
  ASSERT_GE(summary["episodes"].size(), 2u) << "the video's two twitch trains should be found";

  const auto r = report({dir.string()});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  const std::string html = slurp(dir / "report.html");
  ASSERT_FALSE(html.empty());
  EXPECT_NE(html.find("P-0042 (test)"), std::string::npos);
  for (const std::string& s : expected_numbers(summary)) EXPECT_NE(html.find(s), std::string::npos) << "missing: " << s;
  // Self-contained: no reference outside the file, no script.
  EXPECT_EQ(lower(html).find("http"), std::string::npos);
  EXPECT_EQ(lower(html).find("<script"), std::string::npos);
  EXPECT_EQ(lower(html).find("url("), std::string::npos);
  EXPECT_EQ(count_of(html, "src=\""), count_of(html, "src=\"data:image/jpeg;base64,"));
  EXPECT_NE(html.find("@media print"), std::string::npos);
  EXPECT_NE(html.find("size: A4"), std::string::npos);
  // Two signal plots, with episodes shaded and the thresholds drawn.
  EXPECT_EQ(count_of(html, "<figure class=\"plot keep\">"), 2u);
  EXPECT_GE(count_of(html, "fill-opacity=\"0.18\""), summary["episodes"].size());
  EXPECT_EQ(count_of(html, "stroke-dasharray"), 4u);
  // Key frames from the video: real JPEGs of the face, decodable.
  const std::string tag = "src=\"data:image/jpeg;base64,";
  const std::size_t at = html.find(tag);
  ASSERT_NE(at, std::string::npos) << "the video exists: key frames should show it";
  const std::string b64 = html.substr(at + tag.size(), html.find('"', at + tag.size()) - at - tag.size());
  std::vector<unsigned char> bytes;
  {
    static const std::string alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    unsigned acc = 0;
    int bits = 0;
    for (char c : b64) {
      if (c == '=') break;
      acc = (acc << 6) | static_cast<unsigned>(alphabet.find(c));
      bits += 6;
      if (bits >= 8) {
        bits -= 8;
        bytes.push_back(static_cast<unsigned char>((acc >> bits) & 0xFF));
      }
    }
  }
  const cv::Mat jpeg = cv::imdecode(bytes, cv::IMREAD_COLOR);
  ASSERT_FALSE(jpeg.empty());
  EXPECT_EQ(jpeg.cols, 360);

  const Json j = read_json(dir / "report.json");
  EXPECT_EQ(j["format"], "facetwitch-report");
  EXPECT_EQ(j["patient_id"], "P-0042 (test)");
  EXPECT_EQ(j["episodes"].size(), summary["episodes"].size());
  ASSERT_EQ(j["twitch_summary"].size(), 6u);
  for (const Json& row : j["twitch_summary"]) {
    const Json& c = summary["counts"][row["region"].get<std::string>()][row["side"].get<std::string>()];
    EXPECT_EQ(row["episodes"], c["episodes"]);
    EXPECT_EQ(row["twitches"], c["twitches"]);
    EXPECT_NEAR(row["twitches_per_min"].get<double>(), c["twitches_per_min"].get<double>(), 1e-3);
    if (row["side"] != "bilateral") {
      EXPECT_NEAR(row["time_in_spasm_pct"].get<double>(), c["time_in_spasm_pct"].get<double>(), 0.01);
    }
  }
  ASSERT_EQ(j["resting_asymmetry"]["regions"].size(), 6u);
  const Json& mch = summary["asymmetry"]["regions"]["mouth_corner_height"];
  EXPECT_EQ(j["resting_asymmetry"]["regions"][0]["key"], "mouth_corner_height");
  EXPECT_NEAR(j["resting_asymmetry"]["regions"][0]["diff"].get<double>(), mch["diff"].get<double>(), 2e-5);
  EXPECT_EQ(j["resting_asymmetry"]["regions"][0]["verdict"], mch["verdict"]);
  EXPECT_TRUE(j["protocol"].is_null());
  EXPECT_TRUE(j["compare"].is_null());
  ASSERT_FALSE(j["key_frames"].empty());
  EXPECT_TRUE(j["key_frames"][0]["image_embedded"].get<bool>());
  // The strongest episode's key frame lies inside that episode.
  const Json& kf = j["key_frames"][0];
  const Json& ep = j["episodes"][kf["episode"].get<int>() - 1];
  EXPECT_GE(kf["time_s"].get<double>(), ep["start_s"].get<double>() - 1e-6);
  EXPECT_LE(kf["time_s"].get<double>(), ep["end_s"].get<double>() + 1e-6);
  for (const Json& e : j["episodes"]) EXPECT_LE(e["peak_amplitude_iod"].get<double>(), ep["peak_amplitude_iod"].get<double>());

  // --patient on the report overrides the session's, --title is shown, --out/--json elsewhere.
  const fs::path other = testing::fresh_dir("report_content_out");
  fs::create_directories(other);
  const auto r2 = report({dir.string(), "--out", (other / "r.html").string(), "--patient", "Q-7", "--title", "Clinic <A>"});
  ASSERT_EQ(r2.exit_code, 0) << r2.err;
  const std::string html2 = slurp(other / "r.html");
  EXPECT_NE(html2.find("Q-7"), std::string::npos);
  EXPECT_EQ(html2.find("P-0042"), std::string::npos);
  EXPECT_NE(html2.find("Clinic &lt;A&gt;"), std::string::npos);
  EXPECT_EQ(read_json(other / "r.json")["patient_id"], "Q-7");
}

TEST(Report, NoFaceImagesEmbedsNoImageData) {
  SESSION_OR_SKIP(dir, "report_a", scenario_a(), "report_privacy");
  const auto r = report({dir.string(), "--no-face-images"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  const std::string html = slurp(dir / "report.html");
  const std::string l = lower(html);
  for (const char* bad : {"<img", "data:", "base64", "/9j/", "jfif", "<image", "url(", "http"}) {
    EXPECT_EQ(l.find(bad), std::string::npos) << "found '" << bad << "' in a report without face images";
  }
  // Landmark drawings instead: one per key frame, with the 68 points.
  const Json j = read_json(dir / "report.json");
  ASSERT_FALSE(j["key_frames"].empty());
  EXPECT_FALSE(j["face_images"].get<bool>());
  EXPECT_EQ(count_of(html, "<svg class=\"face\""), j["key_frames"].size());
  EXPECT_EQ(count_of(html, "r=\"1.8\""), 68 * j["key_frames"].size());
  for (const Json& k : j["key_frames"]) EXPECT_FALSE(k["image_embedded"].get<bool>());
  // The whole file is text a person could read: no long run of base64-like characters either.
  std::size_t run = 0, longest = 0;
  for (char c : html) {
    run = (std::isalnum(static_cast<unsigned char>(c)) || c == '+' || c == '/') ? run + 1 : 0;
    longest = std::max(longest, run);
  }
  EXPECT_LT(longest, 80u);

  // A session whose video is gone: landmark drawings, said why, exit 0.
  Json summary = read_json(dir / "summary.json");
  summary["video"] = (dir / "no-such-video.mp4").string();
  spit(dir / "summary.json", summary.dump(2));
  const auto r2 = report({dir.string()});
  ASSERT_EQ(r2.exit_code, 0) << r2.err;
  const std::string html2 = slurp(dir / "report.html");
  EXPECT_EQ(lower(html2).find("data:"), std::string::npos);
  EXPECT_NE(html2.find("is not available: landmarks only"), std::string::npos);
}

// ---- protocol and comparison ----------------------------------------------------------------------

TEST(Report, ProtocolTableFromProtocolJson) {
  SESSION_OR_SKIP(dir, "report_a", scenario_a(), "report_protocol");
  spit(dir / "protocol.json", kProtocolFixture);
  const auto r = report({dir.string(), "--no-face-images"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  const std::string html = slurp(dir / "report.html");
  for (const char* s : {"Movement protocol", "Open-mouth smile", "Commissure excursion", "<td>6.10</td>", "<td>3.20</td>",
                        "<td>+2.90</td>", "<td>+1.83</td>", "<td>47.5</td>", "eye narrowing", "head turned (pose) in 12% of frames",
                        "2 steps, 2 with good quality, 1 synkinesis flag.", "1 retake"}) {
    EXPECT_NE(html.find(s), std::string::npos) << "missing: " << s;
  }
  // The steps are marked on both signal plots (only the ones inside the recording: the smile at 40 s is not).
  EXPECT_EQ(count_of(html, "class=\"protocol-step\""), 2u);
  EXPECT_NE(html.find("class=\"step\">Rest</text>"), std::string::npos);
  // The unflagged co-movement (3%) is not shown as a flag.
  EXPECT_EQ(html.find("right eye narrowing"), std::string::npos);
  const Json j = read_json(dir / "report.json");
  ASSERT_TRUE(j["protocol"].is_object());
  ASSERT_EQ(j["protocol"]["steps"].size(), 2u);
  EXPECT_EQ(j["protocol"]["steps"][1]["measures"][0]["percent_of_stronger"], 47.5);
  EXPECT_TRUE(j["protocol"]["steps"][1]["measures"][1]["right"].is_null());
  EXPECT_EQ(j["protocol"]["summary"]["synkinesis_flags"], 1);

  // A damaged protocol.json is an input error naming the file.
  spit(dir / "protocol.json", "{\"format\": \"facetwitch-protocol-result\", \"format_version\": 1, \"steps\": [{\"start_s\": \"x\"}]}");
  const auto bad = report({dir.string()});
  EXPECT_EQ(bad.exit_code, 3);
  EXPECT_NE(bad.err.find("protocol.json"), std::string::npos) << bad.err;
  EXPECT_NE(bad.err.find("steps[0].start_s"), std::string::npos) << bad.err;
  spit(dir / "protocol.json", "{\"format\": \"something-else\", \"format_version\": 1}");
  EXPECT_EQ(report({dir.string()}).exit_code, 3);
}

// A summary.json without the numbers every session has (issue 13): `{}` used to give a "0 frames" report,
// exit 0. Now the session folder is refused as bad input, naming what is missing or wrong.
TEST(Report, SummaryWithoutTheSessionFieldsIsRefused) {
  const fs::path root = testing::fresh_dir("report_not_a_session");
  struct Case {
    const char* json;
    std::vector<std::string> says;
  };
  const std::vector<Case> cases = {
      {"{}", {"lacks", "'frames'", "'duration_s'", "not a facetwitch session summary", "analyse"}},
      {"{\"frames\": 300}", {"lacks", "'duration_s'"}},
      {"{\"frames\": 2.5, \"duration_s\": 1.0}", {"'frames'", "a whole number"}},
      {"{\"frames\": -3, \"duration_s\": 1.0}", {"'frames'", "must not be negative"}},
      {"{\"frames\": 10, \"duration_s\": -1.0}", {"'duration_s'", "must not be negative"}},
      {"{\"frames\": 10, \"duration_s\": 1.0, \"frames_with_face\": 20}", {"'frames_with_face'", "more than"}},
      {"[]", {"not a facetwitch session summary"}},
  };
  int n = 0;
  for (const Case& c : cases) {
    const fs::path dir = root / fmt::format("s{}", n++);
    fs::create_directories(dir);
    spit(dir / "summary.json", c.json);
    const auto r = report({dir.string()});
    EXPECT_EQ(r.exit_code, 3) << c.json << "\n" << r.err;
    EXPECT_NE(r.err.find((dir / "summary.json").string()), std::string::npos) << c.json << "\n" << r.err;
    for (const std::string& part : c.says) EXPECT_NE(r.err.find(part), std::string::npos) << c.json << "\n" << r.err;
    EXPECT_EQ(std::count(r.err.begin(), r.err.end(), '\n'), 1) << r.err;
    EXPECT_FALSE(fs::exists(dir / "report.html")) << c.json;
    EXPECT_FALSE(fs::exists(dir / "report.json")) << c.json;
  }
}

TEST(Report, CompareShowsBeforeAfterAndChange) {
  SESSION_OR_SKIP(a, "report_a", scenario_a(), "report_compare_a");
  SESSION_OR_SKIP(b, "report_b", scenario_b(), "report_compare_b");
  // A is the earlier session whatever the order on the command line.
  Json sa = read_json(a / "summary.json"), sb = read_json(b / "summary.json");
  sa["created_utc"] = "2026-01-10T09:00:00Z";
  sb["created_utc"] = "2026-03-02T09:00:00Z";
  spit(a / "summary.json", sa.dump(2));
  spit(b / "summary.json", sb.dump(2));
  spit(a / "protocol.json", kProtocolFixture);
  Json protocol_b = Json::parse(kProtocolFixture);
  protocol_b["steps"][1]["measures"][0]["percent_of_stronger"] = 20.0;
  spit(b / "protocol.json", protocol_b.dump());

  for (const auto& [subject, other] : {std::pair{b, a}, std::pair{a, b}}) {
    const auto r = report({subject.string(), "--compare", other.string(), "--no-face-images"});
    ASSERT_EQ(r.exit_code, 0) << r.err;
    const std::string html = slurp(subject / "report.html");
    EXPECT_NE(html.find("Before / after"), std::string::npos);
    EXPECT_NE(html.find("Before: 2026-01-10 09:00:00 UTC"), std::string::npos);
    EXPECT_NE(html.find("After: 2026-03-02 09:00:00 UTC"), std::string::npos);
    const Json j = read_json(subject / "report.json");
    ASSERT_TRUE(j["compare"].is_object());
    EXPECT_EQ(j["compare"]["before"]["dir"], a.string());
    auto row = [&](const std::string& key) {
      for (const Json& x : j["compare"]["rows"]) {
        if (x["key"] == key) return x;
      }
      ADD_FAILURE() << "no row " << key;
      return Json::object();
    };
    for (const char* region : {"mouth", "eye"}) {
      const Json x = row(fmt::format("twitches.{}.left.episodes", region));
      EXPECT_EQ(x["before"], sa["counts"][region]["left"]["episodes"].get<double>());
      EXPECT_EQ(x["after"], sb["counts"][region]["left"]["episodes"].get<double>());
      EXPECT_EQ(x["change"], x["after"].get<double>() - x["before"].get<double>());
    }
    const Json tpm = row("twitches.mouth.left.twitches_per_min");
    EXPECT_NEAR(tpm["before"].get<double>(), sa["counts"]["mouth"]["left"]["twitches_per_min"].get<double>(), 1e-3);
    EXPECT_NEAR(tpm["after"].get<double>(), sb["counts"]["mouth"]["left"]["twitches_per_min"].get<double>(), 1e-3);
    const Json p = row("protocol.smile.commissure_excursion.percent_of_stronger");
    EXPECT_EQ(p["before"], 47.5);
    EXPECT_EQ(p["after"], 20.0);
    EXPECT_EQ(p["change"], -27.5);
    EXPECT_NE(html.find("<td>47.5</td><td>20.0</td><td>-27.5</td>"), std::string::npos);
  }
}

// ---- bad input and the patient identifier ---------------------------------------------------------

TEST(Report, BadInputGivesClearErrorsAndExitCodes) {
  const fs::path root = testing::fresh_dir("report_bad");
  fs::create_directories(root / "empty");
  auto r = report({(root / "missing").string()});
  EXPECT_EQ(r.exit_code, 3);
  EXPECT_NE(r.err.find("does not exist"), std::string::npos) << r.err;
  r = report({(root / "empty").string()});
  EXPECT_EQ(r.exit_code, 3);
  EXPECT_NE(r.err.find("no summary.json"), std::string::npos) << r.err;
  fs::create_directories(root / "corrupt");
  spit(root / "corrupt" / "summary.json", "{\"video\": \"x.mp4\", \"episodes\": [");
  r = report({(root / "corrupt").string()});
  EXPECT_EQ(r.exit_code, 3);
  EXPECT_NE(r.err.find("not valid JSON"), std::string::npos) << r.err;
  spit(root / "corrupt" / "summary.json", "{\"duration_s\": \"long\"}");
  r = report({(root / "corrupt").string()});
  EXPECT_EQ(r.exit_code, 3);
  EXPECT_NE(r.err.find("duration_s"), std::string::npos) << r.err;
  EXPECT_FALSE(fs::exists(root / "corrupt" / "report.html"));

  // A minimal valid session (summary.json only): a report with notes, exit 0.
  fs::create_directories(root / "minimal");
  spit(root / "minimal" / "summary.json", "{\"video\": \"x.mp4\", \"duration_s\": 10.0, \"frames\": 300}");
  r = report({(root / "minimal").string()});
  EXPECT_EQ(r.exit_code, 0) << r.err;
  EXPECT_NE(slurp(root / "minimal" / "report.html").find("frames.csv is missing"), std::string::npos);

  // Unwritable output: a missing folder, a path under a file, a folder given as the file.
  r = report({(root / "minimal").string(), "--out", (root / "nope" / "r.html").string()});
  EXPECT_EQ(r.exit_code, 5);
  EXPECT_NE(r.err.find("does not exist"), std::string::npos) << r.err;
  r = report({(root / "minimal").string(), "--out", (root / "minimal" / "summary.json" / "r.html").string()});
  EXPECT_EQ(r.exit_code, 5) << r.err;
  r = report({(root / "minimal").string(), "--json", (root / "minimal").string()});
  EXPECT_EQ(r.exit_code, 5) << r.err;
  // Bad arguments.
  EXPECT_EQ(report({(root / "minimal").string(), "--patient", "tab\there"}).exit_code, 2);
  EXPECT_EQ(report({(root / "minimal").string(), "--patient", std::string(65, 'x')}).exit_code, 2);
  EXPECT_EQ(report({}).exit_code, 2);
}

TEST(Report, PatientIdentifierIsValidatedStoredAndOptional) {
  EXPECT_TRUE(validate_patient_id(""));
  EXPECT_TRUE(validate_patient_id("P-0042 / Müller, J."));
  EXPECT_TRUE(validate_patient_id(std::string(64, 'x')));
  std::string accented;
  for (int i = 0; i < 64; ++i) accented += "\xc3\xa9";  // 64 x e-acute: 128 bytes, 64 characters
  EXPECT_TRUE(validate_patient_id(accented));
  EXPECT_FALSE(validate_patient_id(accented + "x"));
  const Status too_long = validate_patient_id(std::string(65, 'x'));
  ASSERT_FALSE(too_long);
  EXPECT_NE(too_long.error().message.find("at most 64"), std::string::npos);
  EXPECT_FALSE(validate_patient_id("a\nb"));
  EXPECT_FALSE(validate_patient_id("a\x7f"));
  EXPECT_FALSE(validate_patient_id("\xff\xfe"));
  EXPECT_FALSE(validate_patient_id("caf\xc3"));  // cut-off UTF-8

  // Round trip, and an old summary without the field reads as "".
  const fs::path dir = testing::fresh_dir("report_patient");
  fs::create_directories(dir);
  SessionSummary s;
  s.patient_id = "P-1";
  s.mirrored_input = true;
  ASSERT_TRUE(write_summary_json(dir / "summary.json", s));
  auto back = read_summary_json(dir / "summary.json");
  ASSERT_TRUE(back.ok());
  EXPECT_EQ(back.value().patient_id, "P-1");
  EXPECT_TRUE(back.value().mirrored_input);
  spit(dir / "old.json", "{\"video\": \"x.mp4\", \"duration_s\": 3.0}");
  auto old = read_summary_json(dir / "old.json");
  ASSERT_TRUE(old.ok());
  EXPECT_EQ(old.value().patient_id, "");
  EXPECT_FALSE(old.value().mirrored_input);

  // The command line refuses a bad identifier before doing anything.
  const auto r = testing::run_facetwitch({"analyse", "x.mp4", "--out", (dir / "o").string(), "--patient", "line\nbreak"});
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_NE(r.err.find("control character"), std::string::npos) << r.err;
  EXPECT_FALSE(fs::exists(dir / "o"));
}

TEST(Report, RecordedSessionKeepsThePatientAndShowsItsVideo) {
  std::string why;
  auto video = testing::ensure_video("report_a", scenario_a(), &why);
  if (!video) GTEST_SKIP() << why;
  const fs::path out = testing::fresh_dir("report_record");
  // Through the mouth twitch train (2.0 .. 3.5 s).
  const auto r = testing::run_facetwitch({"record", (*video / "video.mp4").string(), "--out", out.string(), "--duration", "4",
                                          "--patient", "REC-9"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(read_json(out / "summary.json")["patient_id"], "REC-9");
  const auto rep = report({out.string()});
  ASSERT_EQ(rep.exit_code, 0) << rep.err;
  EXPECT_NE(slurp(out / "report.html").find("<b>REC-9</b>"), std::string::npos);
  // The live session's "video" is a device description: the key frames come from its recorded video.mp4.
  const Json j = read_json(out / "report.json");
  ASSERT_FALSE(j["key_frames"].empty()) << "the twitch train should give an episode";
  EXPECT_TRUE(j["key_frames"][0]["image_embedded"].get<bool>()) << j["key_frames"][0]["image_note"];
}

// ---- rendered by a real browser ---------------------------------------------------------------------

// ---- the plain-language summary, notes, comparison warnings, long eye closures ----------------------

// A session folder holding only summary.json (a report with notes, no plots), for the fixture tests.
fs::path minimal_session(const fs::path& dir, const Json& summary) {
  fs::create_directories(dir);
  spit(dir / "summary.json", summary.dump(2));
  return dir;
}

Json minimal_summary() {
  return Json{{"video", "x.mp4"}, {"duration_s", 130.0}, {"frames", 3900}, {"frames_with_face", 3800},
              {"frames_good_quality", 3744}, {"created_utc", "2026-05-01T10:00:00Z"}};
}

Episode episode_at(Region region, Laterality side, double start, double freq) {
  Episode e;
  e.region = region;
  e.side = side;
  e.start_s = start;
  e.end_s = start + 1.0;
  e.twitch_count = 5;
  e.frequency_hz = freq;
  e.peak_amplitude_iod = 0.03;
  return e;
}

TEST(ReportSummary, SentencesComeFromTheSummarysNumbers) {
  SessionData s;
  s.summary.duration_s = 130.0;
  s.summary.frames = 3900;
  s.summary.frames_good_quality = 3744;  // 96.0%
  s.episodes = {episode_at(Region::Mouth, Laterality::Left, 10, 4.0), episode_at(Region::Mouth, Laterality::Left, 40, 4.2),
                episode_at(Region::Eye, Laterality::Left, 70, 5.5)};
  s.summary.asymmetry.mouth_detect[Side::Left].smallest_twitch_iod = 0.009;
  s.summary.asymmetry.mouth_detect[Side::Right].smallest_twitch_iod = 0.011;
  std::vector<std::string> v = plain_summary(s, twitch_rows(s.summary, s.episodes));
  ASSERT_GE(v.size(), 4u);
  EXPECT_EQ(v[0], "facetwitch measured 2 min 10 s of video (96.0% of frames measurable).");
  EXPECT_EQ(v[1], "It found 3 twitch episodes, all on the person's left side: 2 at the mouth corner (4.10 Hz median), "
                  "1 at the eyelid (5.50 Hz median).");
  EXPECT_EQ(v[2], "Resting mouth-corner asymmetry (left - right): not measured.");
  EXPECT_EQ(v[3], "Reliability: good (96.0% of frames measurable; twitches smaller than about 1.10% IOD (0.69 mm) at the "
                  "mouth corner could be missed).");
  EXPECT_EQ(v.back(), "This is a measurement, not a diagnosis; show it to your doctor.");
  for (std::size_t i = 0; i + 1 < v.size(); ++i) EXPECT_EQ(lower(v[i]).find("diagnos"), std::string::npos) << v[i];

  // Both sides: each group names its side; none: says so; a low measurable share is "limited".
  s.episodes = {episode_at(Region::Mouth, Laterality::Left, 10, 4.0), episode_at(Region::Eye, Laterality::Right, 70, 5.5)};
  v = plain_summary(s, twitch_rows(s.summary, s.episodes));
  EXPECT_EQ(v[1], "It found 2 twitch episodes: 1 at the mouth corner on the person's left side (4.00 Hz median), 1 at the "
                  "eyelid on the person's right side (5.50 Hz median).");
  s.episodes = {episode_at(Region::Eye, Laterality::Bilateral, 70, 5.5)};
  v = plain_summary(s, twitch_rows(s.summary, s.episodes));
  EXPECT_EQ(v[1], "It found 1 twitch episode at the eyelid on both sides together (5.50 Hz median).");
  s.episodes.clear();
  s.summary.frames_good_quality = 1000;
  v = plain_summary(s, twitch_rows(s.summary, s.episodes));
  EXPECT_EQ(v[1], "It found no twitch episode.");
  EXPECT_EQ(v[3].rfind("Reliability: limited (25.6% of frames measurable", 0), 0u) << v[3];
  s.summary.settings.eye_enabled = false;
  s.summary.frames_good_quality = 0;
  v = plain_summary(s, twitch_rows(s.summary, s.episodes));
  EXPECT_EQ(v[0], "facetwitch measured 2 min 10 s of video (no frame measurable).");
  EXPECT_EQ(v[1], "It found no twitch episode (eyelid twitches were not looked for: detection off).");
  EXPECT_EQ(v[3].rfind("Reliability: limited (no frame measurable", 0), 0u) << v[3];
}

TEST(Report, PlainSummaryIsAtTheTopOfHtmlAndJson) {
  SESSION_OR_SKIP(dir, "report_a", scenario_a(), "report_summary");
  const Json summary = read_json(dir / "summary.json");
  const auto r = report({dir.string(), "--no-face-images"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  const std::string html = slurp(dir / "report.html");
  const Json j = read_json(dir / "report.json");
  ASSERT_TRUE(j["plain_summary"].is_array());
  ASSERT_GE(j["plain_summary"].size(), 4u);
  const std::size_t at = html.find("<section id=\"summary\"");
  ASSERT_NE(at, std::string::npos);
  EXPECT_LT(at, html.find("<section id=\"twitches\""));
  for (const Json& sentence : j["plain_summary"]) {
    std::string escaped;
    for (char c : sentence.get<std::string>()) escaped += c == '\'' ? std::string("&#39;") : std::string(1, c);
    EXPECT_NE(html.find("<p>" + escaped + "</p>"), std::string::npos) << sentence;
  }
  const std::string text = j["plain_summary"].dump();
  const std::size_t n = summary["episodes"].size();
  EXPECT_NE(text.find(fmt::format("It found {} twitch episode", n)), std::string::npos) << text;
  EXPECT_NE(text.find("on the person's left side"), std::string::npos) << text;   // the mouth train
  EXPECT_NE(text.find("on the person's right side"), std::string::npos) << text;  // the eyelid train
  const double mch = summary["asymmetry"]["regions"]["mouth_corner_height"]["diff"].get<double>();
  EXPECT_NE(text.find(describe_corner_height_diff(mch)), std::string::npos) << text;
  EXPECT_NE(text.find("not a diagnosis"), std::string::npos);
}

TEST(Report, NotesFromOptionOrSessionFolderAreEscapedAndKept) {
  const fs::path root = testing::fresh_dir("report_notes");
  const fs::path dir = minimal_session(root / "s", minimal_summary());
  const std::string text = "Medication: clonazepam 0.5 mg\nBotulinum toxin injection: 2026-09-14\n"
                           "Worse when tired <script>alert(1)</script> & \"stressed\"\r\nsecond line";
  spit(root / "my notes.txt", text);
  auto r = report({dir.string(), "--notes", (root / "my notes.txt").string()});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  std::string html = slurp(dir / "report.html");
  EXPECT_EQ(lower(html).find("<script"), std::string::npos);
  EXPECT_NE(html.find("<section id=\"notes\""), std::string::npos);
  EXPECT_NE(html.find("Worse when tired &lt;script&gt;alert(1)&lt;/script&gt; &amp; &quot;stressed&quot;\nsecond line"),
            std::string::npos);
  EXPECT_NE(html.find("<tr><th>Medication</th><td>clonazepam 0.5 mg</td></tr>"), std::string::npos);
  EXPECT_NE(html.find("<tr><th>Botulinum toxin injection</th><td>2026-09-14</td></tr>"), std::string::npos);
  Json j = read_json(dir / "report.json");
  EXPECT_EQ(j["notes"]["text"], "Medication: clonazepam 0.5 mg\nBotulinum toxin injection: 2026-09-14\n"
                                "Worse when tired <script>alert(1)</script> & \"stressed\"\nsecond line");
  EXPECT_EQ(j["notes"]["fields"][1]["key"], "Botulinum toxin injection");
  EXPECT_EQ(j["notes"]["fields"][1]["value"], "2026-09-14");

  // Without --notes: none, then the folder's notes.txt.
  r = report({dir.string()});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_TRUE(read_json(dir / "report.json")["notes"].is_null());
  EXPECT_EQ(slurp(dir / "report.html").find("<section id=\"notes\""), std::string::npos);
  spit(dir / "notes.txt", "Free text only, no table.\n\n");
  r = report({dir.string()});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  j = read_json(dir / "report.json");
  EXPECT_EQ(j["notes"]["text"], "Free text only, no table.");
  EXPECT_TRUE(j["notes"]["fields"].empty());
  html = slurp(dir / "report.html");
  EXPECT_NE(html.find("Free text only, no table."), std::string::npos);
  // The report never writes over the notes it reads.
  r = report({dir.string(), "--out", (dir / "notes.txt").string()});
  EXPECT_EQ(r.exit_code, 5) << r.err;
  r = report({dir.string(), "--notes", (root / "my notes.txt").string(), "--json", (root / "my notes.txt").string()});
  EXPECT_EQ(r.exit_code, 5) << r.err;
  EXPECT_EQ(slurp(root / "my notes.txt"), text);

  // Bad notes files: input errors (exit 3) that say what is wrong; no report written.
  fs::remove(dir / "report.html");
  r = report({dir.string(), "--notes", (root / "missing.txt").string()});
  EXPECT_EQ(r.exit_code, 3);
  EXPECT_NE(r.err.find("does not exist"), std::string::npos) << r.err;
  r = report({dir.string(), "--notes", root.string()});
  EXPECT_EQ(r.exit_code, 3);
  EXPECT_NE(r.err.find("not a regular file"), std::string::npos) << r.err;
  spit(root / "big.txt", std::string(64 * 1024 + 1, 'x'));
  r = report({dir.string(), "--notes", (root / "big.txt").string()});
  EXPECT_EQ(r.exit_code, 3);
  EXPECT_NE(r.err.find("at most 64 KiB"), std::string::npos) << r.err;
  spit(root / "latin1.txt", "Medikament: L\xf6sung");
  r = report({dir.string(), "--notes", (root / "latin1.txt").string()});
  EXPECT_EQ(r.exit_code, 3);
  EXPECT_NE(r.err.find("not UTF-8 text"), std::string::npos) << r.err;
  EXPECT_FALSE(fs::exists(dir / "report.html"));
  // A damaged notes.txt in the folder is a note in the report, not a failure.
  spit(dir / "notes.txt", "bad \xff byte");
  r = report({dir.string()});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_NE(slurp(dir / "report.html").find("notes.txt could not be read"), std::string::npos);
  const UserNotes parsed = parse_notes("\xEF\xBB\xBF medication :  levetiracetam \r\nDose:\rOld Mac line\r\n\r\n", "x");
  EXPECT_EQ(parsed.text, " medication :  levetiracetam \nDose:\nOld Mac line");  // BOM dropped, CR LF and CR as LF
  ASSERT_EQ(parsed.fields.size(), 1u);                                           // "Dose:" has no value
  EXPECT_EQ(parsed.fields[0], std::make_pair(std::string("medication"), std::string("levetiracetam")));
  EXPECT_TRUE(is_valid_utf8("M\xc3\xbcller \xe2\x82\xac \xf0\x9f\x98\x80"));
  EXPECT_FALSE(is_valid_utf8("\xc0\xaf"));          // overlong
  EXPECT_FALSE(is_valid_utf8("\xed\xa0\x80"));      // surrogate
  EXPECT_FALSE(is_valid_utf8("\xe2\x82"));          // cut off
}

// analyse --notes writes notes.txt into the session; --force replaces it with new --notes but never removes
// it (it may be the person's own file: tests/robustness/write_test.cpp keeps it as "not ours").
TEST(Report, AnalyseNotesAreCopiedIntoTheSession) {
  const fs::path root = testing::fresh_dir("report_analyse_notes");
  fs::create_directories(root);
  spit(root / "n.txt", "Medication: none\r\n");
  SESSION_OR_SKIP(dir, "report_b", scenario_b(), "report_analyse_notes_s", {"--notes", (root / "n.txt").string()});
  EXPECT_EQ(slurp(dir / "notes.txt"), "Medication: none\n");
  auto r = report({dir.string()});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_NE(slurp(dir / "report.html").find("<tr><th>Medication</th><td>none</td></tr>"), std::string::npos);
  // A bad notes file is refused before any analysis: the folder keeps the previous run's files.
  auto video = testing::ensure_video("report_b", scenario_b(), nullptr);
  ASSERT_TRUE(video);
  const std::string summary_before = slurp(dir / "summary.json");
  r = testing::run_facetwitch({"analyse", (*video / "video.mp4").string(), "--out", dir.string(), "--force", "--quiet", "--notes",
                               (root / "missing.txt").string()});
  EXPECT_EQ(r.exit_code, 3);
  EXPECT_NE(r.err.find("the notes file"), std::string::npos) << r.err;
  EXPECT_EQ(slurp(dir / "summary.json"), summary_before);
  // --force with new notes replaces them; --force without --notes leaves notes.txt alone.
  spit(root / "n2.txt", "Botulinum toxin injection: 2026-09-14\n");
  r = testing::run_facetwitch({"analyse", (*video / "video.mp4").string(), "--out", dir.string(), "--force", "--quiet", "--notes",
                               (root / "n2.txt").string()});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(slurp(dir / "notes.txt"), "Botulinum toxin injection: 2026-09-14\n");
  r = testing::run_facetwitch({"analyse", (*video / "video.mp4").string(), "--out", dir.string(), "--force", "--quiet"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(slurp(dir / "notes.txt"), "Botulinum toxin injection: 2026-09-14\n");
}

TEST(Report, CompareWarnsAboutDifferentPeopleAndRefusesTheSameSession) {
  const fs::path root = testing::fresh_dir("report_compare_people");
  Json sa = minimal_summary(), sb = minimal_summary();
  sa["patient_id"] = "P-1 <Anna>";
  sb["patient_id"] = "P-2";
  sb["created_utc"] = "2026-06-01T10:00:00Z";
  sb["duration_s"] = 60.0;
  const fs::path a = minimal_session(root / "a", sa), b = minimal_session(root / "b", sb);
  auto r = report({a.string(), "--compare", b.string()});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_NE(r.err.find("warning: These are different people"), std::string::npos) << r.err;
  std::string html = slurp(a / "report.html");
  EXPECT_NE(html.find(fmt::format("<p class=\"warnbox\" role=\"alert\">Warning: These are different people: &#39;{}&#39; is "
                                  "patient &#39;P-1 &lt;Anna&gt;&#39;, &#39;{}&#39; is patient &#39;P-2&#39;.",
                                  a.string(), b.string())),
            std::string::npos)
      << html.substr(0, 3000);
  EXPECT_LT(html.find("class=\"warnbox\""), html.find("<section id=\"compare\""));
  Json j = read_json(a / "report.json");
  ASSERT_EQ(j["warnings"].size(), 1u);
  // Only one named: a softer warning. Both unnamed or the same person: none.
  sb.erase("patient_id");
  spit(b / "summary.json", sb.dump());
  r = report({a.string(), "--compare", b.string()});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_NE(r.err.find("Only one of the two sessions names a patient"), std::string::npos) << r.err;
  sb["patient_id"] = sa["patient_id"];
  spit(b / "summary.json", sb.dump());
  r = report({a.string(), "--compare", b.string()});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(r.err.find("warning"), std::string::npos) << r.err;
  EXPECT_TRUE(read_json(a / "report.json")["warnings"].empty());
  EXPECT_EQ(slurp(a / "report.html").find("class=\"warnbox\""), std::string::npos);

  // The same session: the same folder (by another name), a copy of it, or the same video: refused, exit 2.
  fs::remove(a / "report.html");
  r = report({a.string(), "--compare", (a / "." ).string()});
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_NE(r.err.find("is the same session folder"), std::string::npos) << r.err;
  fs::create_directories(root / "copy");
  fs::copy_file(a / "summary.json", root / "copy" / "summary.json");
  r = report({a.string(), "--compare", (root / "copy").string()});
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_NE(r.err.find("identical summary.json"), std::string::npos) << r.err;
  spit(root / "v1.mp4", "same bytes");
  spit(root / "v2.mp4", "same bytes");
  sa["video"] = (root / "v1.mp4").string();
  sb["video"] = (root / "v2.mp4").string();
  spit(a / "summary.json", sa.dump());
  spit(b / "summary.json", sb.dump());
  r = report({a.string(), "--compare", b.string()});
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_NE(r.err.find("from the same video"), std::string::npos) << r.err;
  EXPECT_FALSE(fs::exists(a / "report.html"));
  spit(root / "v2.mp4", "other byte");
  EXPECT_EQ(report({a.string(), "--compare", b.string()}).exit_code, 0);
}

TEST(Report, LongEyeClosureIsReportedAsSuchNotAsABlink) {
  const fs::path root = testing::fresh_dir("report_closure");
  Json s = minimal_summary();
  s["blinks"] = Json::array({Json{{"start_s", 1.0}, {"end_s", 1.2}, {"peak_closure_iod", 0.1}},
                             Json{{"start_s", 3.0}, {"end_s", 6.8}, {"peak_closure_iod", 0.2}},
                             Json{{"start_s", 9.0}, {"end_s", 9.25}, {"peak_closure_iod", 0.1}}});
  s["blink_count"] = 3;
  const fs::path dir = minimal_session(root / "s", s);
  const auto r = report({dir.string()});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  const std::string html = slurp(dir / "report.html");
  EXPECT_NE(html.find("2 blinks, 1 eye closure (3.8 s) and 0 voluntary movements"), std::string::npos);
  EXPECT_EQ(html.find("3 blinks"), std::string::npos);
  EXPECT_NE(html.find("Both eyes were closed for 1 s or longer once (3.8 s): a long eye closure, counted neither as a blink nor as a twitch."), std::string::npos);
  const Json j = read_json(dir / "report.json");
  EXPECT_EQ(j["blinks"], 2);
  ASSERT_EQ(j["long_eye_closures"].size(), 1u);
  EXPECT_EQ(j["long_eye_closures"][0]["duration_s"], 3.8);
  // The text for the other cases.
  auto blink = [](double start, double end) { return Blink{start, end, 0.1}; };
  EXPECT_EQ(blinks_text({}), "no blink");
  EXPECT_EQ(blinks_text({blink(0, 0.2)}), "1 blink");
  EXPECT_EQ(blinks_text({blink(0, 1.0), blink(2, 3.2)}), "2 eye closures (1.0 s, 1.2 s)");
  EXPECT_EQ(blinks_text({blink(0, 0.99)}), "1 blink");
}


std::string find_chromium() {
  for (const char* name : {"chromium", "chromium-browser"}) {
    const std::string cmd = fmt::format("command -v {} 2>/dev/null", name);
    FILE* p = popen(cmd.c_str(), "r");
    if (p == nullptr) continue;
    char buf[512] = {0};
    const bool got = std::fgets(buf, sizeof buf, p) != nullptr;
    pclose(p);
    if (got) {
      std::string path(buf);
      while (!path.empty() && std::isspace(static_cast<unsigned char>(path.back()))) path.pop_back();
      if (!path.empty()) return path;
    }
  }
  return {};
}

int run_shell(const std::string& cmd) {
  const int status = std::system(cmd.c_str());
  return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}

TEST(ReportChromium, RendersToAScreenshotAndTheDomHoldsTheNumbers) {
  const std::string chromium = find_chromium();
  ASSERT_FALSE(chromium.empty()) << "Chromium is not installed: run scripts/setup.sh (it installs Debian's chromium)";
  SESSION_OR_SKIP(dir, "report_a", scenario_a(), "report_chromium", {"--patient", "P-77"});
  const auto r = report({dir.string()});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  const fs::path html = fs::absolute(dir / "report.html");
  const fs::path png = dir / "screenshot.png";
  const fs::path dom = dir / "dom.html";
  const fs::path log = dir / "chromium.log";
  const std::string common = fmt::format("timeout 180 '{}' --headless --no-sandbox --disable-gpu --hide-scrollbars "
                                         "--user-data-dir='{}'", chromium, (dir / "chromium-profile").string());
  ASSERT_EQ(run_shell(fmt::format("{} --screenshot='{}' --window-size=1200,3000 'file://{}' >'{}' 2>&1", common, png.string(),
                                  html.string(), log.string())),
            0)
      << slurp(log);
  const cv::Mat shot = cv::imread(png.string(), cv::IMREAD_COLOR);
  ASSERT_FALSE(shot.empty()) << "the screenshot does not decode: " << slurp(log);
  EXPECT_EQ(shot.cols, 1200);
  EXPECT_EQ(shot.rows, 3000);
  cv::Mat grey;
  cv::cvtColor(shot, grey, cv::COLOR_BGR2GRAY);
  double lo = 0, hi = 0;
  cv::minMaxLoc(grey, &lo, &hi);
  EXPECT_LT(lo, 60) << "no dark text";
  EXPECT_GT(hi, 240) << "no white page";
  const double inked = static_cast<double>(cv::countNonZero(grey < 200)) / static_cast<double>(grey.total());
  EXPECT_GT(inked, 0.01) << "almost nothing drawn";
  // The person's left is drawn in amber (#e07b00) and the right in blue (#0277bd): both appear.
  cv::Mat amber, blue;
  cv::inRange(shot, cv::Scalar(0, 100, 200), cv::Scalar(60, 150, 240), amber);
  cv::inRange(shot, cv::Scalar(170, 100, 0), cv::Scalar(210, 140, 30), blue);
  EXPECT_GT(cv::countNonZero(amber), 50);
  EXPECT_GT(cv::countNonZero(blue), 50);

  ASSERT_EQ(run_shell(fmt::format("{} --dump-dom 'file://{}' >'{}' 2>'{}'", common, html.string(), dom.string(), log.string())), 0)
      << slurp(log);
  const std::string text = slurp(dom);
  ASSERT_FALSE(text.empty()) << slurp(log);
  EXPECT_NE(text.find("P-77"), std::string::npos);
  for (const std::string& s : expected_numbers(read_json(dir / "summary.json")))
    EXPECT_NE(text.find(s), std::string::npos) << "missing in the DOM: " << s;

  // Printed: A4 pages (595 x 842 points), more than one (the signals start a new page).
  const fs::path pdf = dir / "report.pdf";
  ASSERT_EQ(run_shell(fmt::format("{} --no-pdf-header-footer --print-to-pdf='{}' 'file://{}' >'{}' 2>&1", common, pdf.string(),
                                  html.string(), log.string())),
            0)
      << slurp(log);
  const std::string pdf_bytes = slurp(pdf);
  ASSERT_EQ(pdf_bytes.rfind("%PDF", 0), 0u) << slurp(log);
  // Every "/MediaBox [0 0 W H]" is a page (no std::regex: it trips GCC 12's -Wmaybe-uninitialized in
  // sanitizer builds).
  const std::string key = "/MediaBox [0 0 ";
  std::size_t pages = 0;
  for (std::size_t at = pdf_bytes.find(key); at != std::string::npos; at = pdf_bytes.find(key, at + 1)) {
    ++pages;
    std::istringstream box(pdf_bytes.substr(at + key.size(), 40));
    double w = 0.0, h = 0.0;
    box >> w >> h;
    EXPECT_NEAR(w, 595.0, 1.0) << "page width, points";
    EXPECT_NEAR(h, 842.0, 1.0) << "page height, points";
  }
  EXPECT_GE(pages, 2u);
}

}  // namespace
}  // namespace ft
