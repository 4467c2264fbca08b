// scenario.hpp: what a synthetic ground-truth video shows, and the truth file written next to it.
//
// A Scenario is plain data: a list of timed events (twitch episodes, blinks, smiles), a static
// mouth-corner droop, head motion, and sensor effects (noise, lighting drift). The generator
// (generator.hpp) turns it into a video by warping the pixels of a real face photo; the truth file
// (truth.json) says exactly what was put in, so that the analyser can be scored against it.
//
// Units: times in seconds from the start of the video; amplitudes in IOD (fractions of the
// inter-ocular distance of the rendered face, see core/measurements.hpp); pixels where a name says
// _px. Sides are always the PERSON's (the person's left is the image's right in an unmirrored
// video). Thread safety: plain values; the functions are pure and thread safe.
#pragma once

#include <cstdint>
#include <filesystem>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json_fwd.hpp>

#include "core/error.hpp"
#include "core/side.hpp"

namespace ft {

// A burst of involuntary twitches of one region on one side. Twitch k (k = 0 .. n-1, with
// n = max(1, round(frequency_hz * duration_s))) starts at start_s + k / frequency_hz and is a
// raised-cosine (Hann) contraction pulse of width w = min(1 / frequency_hz, 0.2 s) peaking at
// amplitude_iod at its centre. Mouth: the corner moves up and outward. Eye: the lid aperture closes
// by amplitude_iod (upper lid 75 %, lower lid 25 %).
// A tonic spasm (tonic = true) is one sustained contraction instead: it rises to amplitude_iod in
// 0.05 s (half a raised cosine), holds until 0.15 s before start_s + duration_s and relaxes over
// those 0.15 s; frequency_hz is then unused.
// brow_lift_iod (eye only): the same side's brow rises by this much at full closure, in proportion
// to the closure (the brow-lift sign of hemifacial spasm).
struct TwitchEpisodeSpec {
  Region region = Region::Mouth;
  Side side = Side::Left;
  double start_s = 0.0;
  double duration_s = 1.0;
  double frequency_hz = 5.0;
  double amplitude_iod = 0.03;
  bool tonic = false;
  double brow_lift_iod = 0.0;

  int twitch_count() const;
  double pulse_width_s() const;
  double twitch_start_s(int k) const;
  double end_s() const;              // start_s + (n - 1) / f + w: the end of the last pulse
  double value_iod(double t) const;  // displacement at time t (0 outside the pulses)
};

// A twitch episode spec in one line (tests, the accuracy suite).
TwitchEpisodeSpec twitch_spec(Region region, Side side, double start_s, double duration_s, double frequency_hz,
                              double amplitude_iod);
// A tonic spasm in one line.
TwitchEpisodeSpec tonic_spec(Region region, Side side, double start_s, double duration_s, double amplitude_iod);

// A blink of both eyes: a raised-cosine pulse closing `closure` of each eye's measured aperture at
// its centre.
struct BlinkSpec {
  double start_s = 0.0;
  double duration_s = 0.25;
  double closure = 0.8;  // fraction of the eye aperture, 0..1

  double end_s() const { return start_s + duration_s; }
  double closure_at(double t) const;  // fraction closed at time t
};

// A slow voluntary smile: both mouth corners move up and outward, rising smoothly (smoothstep) over
// 0.4 s, holding, and falling over 0.4 s (rise and fall shrink to half the duration when it is
// shorter than 0.8 s).
struct SmileSpec {
  double start_s = 0.0;
  double duration_s = 1.5;
  double amplitude_iod = 0.04;

  double end_s() const { return start_s + duration_s; }
  double value_iod(double t) const;
};

// A held voluntary expression, as asked for by a facial grading protocol (Sunnybrook, eFACE; see
// protocol/protocol.hpp), with its own strength on each side of the face, so that a weak side (a
// facial palsy) or an involuntary co-movement (synkinesis) can be put in with a known size:
//  - BrowRaise: the brow (outer, middle, inner landmarks) moves up by amount IOD;
//  - EyeClosure: the lids close by amount x the eye's aperture (0..0.9; 75 % upper lid, 25 % lower);
//  - Smile: the mouth corner moves up and outward (30 degrees above the lateral direction), amount IOD;
//  - Snarl: the lateral upper lip (above the corner) rises by amount IOD, the corner by a third of it;
//  - Pucker: the mouth corner moves toward the midline by amount IOD.
// Envelope: a smoothstep rise over rise_s, a hold, a smoothstep fall over rise_s (each at most half
// the duration).
enum class ExpressionKind { BrowRaise, EyeClosure, Smile, Snarl, Pucker };
std::string_view to_string(ExpressionKind k);  // "brow_raise", "eye_closure", "smile", "snarl", "pucker"
std::optional<ExpressionKind> parse_expression_kind(const std::string& s);

struct ExpressionSpec {
  ExpressionKind kind = ExpressionKind::Smile;
  double start_s = 0.0;
  double duration_s = 3.0;
  PerSide<double> amount{0.0, 0.0};  // per person side: IOD, or a fraction of the aperture (EyeClosure)
  double rise_s = 0.4;

  double end_s() const { return start_s + duration_s; }
  double envelope(double t) const;  // 0..1
};

// A held expression in one line (the accuracy suite, the protocol's recording).
ExpressionSpec expression_spec(ExpressionKind kind, double start_s, double duration_s, PerSide<double> amount,
                               double rise_s = 0.4);

// Talking (or chewing): a train of syllables. Each syllable opens the mouth by a raised-cosine pulse
// (of the opening, the lower lip and the chin below it move down 80 %, the upper lip up 20 %) and moves
// both mouth corners inward or outward together (rounded vs spread vowels), the person's left corner
// by (1 + imbalance) and the right by (1 - imbalance) of the syllable's corner movement, as real
// speech is never exactly symmetric. Syllable k starts where syllable k-1's interval ended; the
// intervals are 1 / rate_hz times a seeded factor in 0.65-1.35, each pulse lasts 75-95 % of its
// interval, and its strength is a seeded 45-100 % of opening_iod (about one syllable in eight is
// weak, 15-30 %). The corner movement of a syllable is a seeded -1..1 times corner_iod (positive:
// outward). Syllables that would end after start_s + duration_s are left out (at least one is kept).
struct TalkSpec {
  double start_s = 0.0;
  double duration_s = 4.0;
  double rate_hz = 4.5;        // mean syllable rate
  double opening_iod = 0.06;   // jaw / lower-lip opening of a full-strength syllable, IOD
  double corner_iod = 0.012;   // mouth-corner movement of a full-strength syllable, IOD
  double imbalance = 0.1;      // left corner x (1 + imbalance), right x (1 - imbalance); -0.5..0.5
  std::uint64_t seed = 1;      // the irregular timing and strengths

  struct Syllable {
    double start_s = 0.0;
    double width_s = 0.0;
    double strength = 0.0;  // 0..1 of opening_iod
    double corner = 0.0;    // -1..1 of corner_iod, positive outward
  };
  std::vector<Syllable> syllables() const;  // deterministic given the fields
  double end_s() const { return start_s + duration_s; }
  double opening_iod_at(double t) const;  // lower-lip drop plus upper-lip rise at t, IOD
  // Outward movement of each corner at t, IOD (negative: inward). Both at once (one pass over the
  // syllables).
  PerSide<double> corner_iod_at(double t) const;
};

// Talking in one line.
TalkSpec talk_spec(double start_s, double duration_s, double rate_hz, double opening_iod, double corner_iod,
                   double imbalance, std::uint64_t seed);

// A static asymmetry: one mouth corner lowered by amplitude_iod for the whole video.
struct DroopSpec {
  Side side = Side::Left;
  double amplitude_iod = 0.02;
};

// What a real face does between events (the real corpus, docs/METRICS.md "Real faces": at rest the
// mouth-corner signals of real people move by 1-3% IOD, against 0.1-0.3% on the still photo): each mouth
// corner wanders slowly (expression, gaze shifts, breathing) sideways and up or down, and each lid
// narrows a little and opens again. Every component is a sum of five sines from 1 / period_s up to
// 6.9 / period_s (each 1.618 times the previous frequency, 1 / sqrt(k + 1) as strong; seeded phases),
// scaled to peaks near the amplitude; the two sides share `shared` of their movement (an expression
// moves both sides mostly together, never exactly). Units: IOD, seconds.
struct RestMotion {
  double corner_iod = 0.0;  // each mouth corner's wander, sideways and vertically, IOD (peaks near it, < 1.6x)
  double lid_iod = 0.0;     // each lid aperture's narrowing, IOD (it varies in 0..lid_iod)
  double period_s = 2.5;    // the slowest sine's period (the fastest: period_s / 6.85)
  double shared = 0.6;      // 0..1: the part common to both sides
  std::uint64_t seed = 1;   // the phases

  bool active() const { return corner_iod > 0.0 || lid_iod > 0.0; }
  struct Corner {
    double lateral_iod = 0.0;  // positive: outward
    double up_iod = 0.0;       // positive: up
  };
  PerSide<Corner> corner_at(double t) const;
  PerSide<double> lid_closure_iod_at(double t) const;  // 0..lid_iod
};

// Smooth in-plane head motion about the face centre: each component is a sine starting at 0 with
// its own period (period_s times 1, 1.618, 1.414, 2.236: never in step). 0 amplitudes = no motion.
struct HeadMotion {
  double translate_px = 0.0;  // amplitude of the horizontal shift (vertical: 0.6 of it), pixels
  double rotate_deg = 0.0;    // amplitude of the in-plane rotation, degrees
  double scale = 0.0;         // relative amplitude of the zoom, e.g. 0.02 = +-2 %
  double period_s = 6.0;

  bool active() const { return translate_px != 0.0 || rotate_deg != 0.0 || scale != 0.0; }
};

// Head motion at one instant. angle_deg is clockwise on screen (image y points down).
struct HeadMotionSample {
  double dx_px = 0.0;
  double dy_px = 0.0;
  double angle_deg = 0.0;
  double scale = 1.0;
};
HeadMotionSample head_motion_at(const HeadMotion& m, double t);

struct Scenario {
  double duration_s = 10.0;
  double fps = 30.0;
  int width = 640;
  int height = 480;
  // The photo is resized by this factor and placed with the face centre at the canvas centre;
  // outside the photo the border is replicated. 2.0 gives the astronaut an IOD of ~86 px (face box
  // ~175 px).
  double face_scale = 2.0;
  std::uint64_t seed = 1;
  double noise_sigma = 2.0;     // Gaussian sensor noise, grey levels (per channel, per frame)
  double lighting_drift = 0.0;  // gain(t) = 1 + lighting_drift * sin(2 pi t / lighting_period_s)
  double lighting_period_s = 8.0;
  bool mirrored = false;  // flip the whole output horizontally (a selfie-style video)
  std::vector<TwitchEpisodeSpec> twitches;
  std::vector<BlinkSpec> blinks;
  std::vector<SmileSpec> smiles;
  std::vector<ExpressionSpec> expressions;
  std::vector<TalkSpec> talks;
  std::optional<DroopSpec> droop;
  HeadMotion head_motion;
  RestMotion rest_motion;

  int frame_count() const;  // round(duration_s * fps), at least 1
  double frame_time(int i) const { return i / fps; }
  double lighting_gain(double t) const;
};

// Webcam-like conditions without events: 640x480 at 30 fps, the face scaled by face_scale, sensor
// noise sigma 2, lighting drift 0.03, small head motion (2 px, 0.8 degrees, period 7 s). The accuracy
// suite (face scale 2.0) and the end-to-end tests (2.2) add their events to it.
Scenario webcam_scenario(double duration_s, std::uint64_t seed, double face_scale);

// Checks ranges and that every event lies inside the video. ErrorKind::BadArguments with a message
// naming the event ("twitch 2: frequency 20 Hz is above half the frame rate (15 Hz)").
Status validate(const Scenario& s);
// The same without the rendering checks (size, face scale, noise, lighting): duration, frame rate,
// every event and its span, droop, head motion. For events drawn into a real video
// (synth/base_video.hpp), whose size is the video's.
Status validate_events(const Scenario& s);

// The fixed demonstration: 20 s, 640x480 at 30 fps; a left mouth-corner episode (6 Hz, 3 % IOD), a
// right eyelid episode (4 Hz), two blinks, a smile, small head motion, noise 2, small lighting
// drift. Nothing before t = 2 s (the analyser's baseline), events at least 1.5 s apart.
Scenario demo_scenario();

struct RandomScenarioOptions {
  double duration_s = 20.0;
  double fps = 30.0;
  int width = 640;
  int height = 480;
  double face_scale = 2.0;
  int min_episodes = 1;  // twitch episodes (random_scenario only)
  int max_episodes = 3;
  int max_blinks = 2;  // 0 .. max_blinks blinks
  int max_smiles = 0;  // 0 .. max_smiles smiles (no_twitch_scenario: at least 1)
  bool head_motion = true;
  double noise_sigma = 2.0;
  double lighting_drift = 0.03;
  double first_event_s = 2.0;  // nothing starts before this
  double min_gap_s = 1.5;      // between the end of one event and the start of the next
  double tail_s = 1.0;         // nothing ends within this much of the end
};

// 1-3 non-overlapping twitch episodes (random side and region, 2-12 Hz, 1-6 % IOD, 0.5-4 s) plus
// optional blinks. Deterministic: the same seed and options give the same scenario on every
// platform.
Scenario random_scenario(std::uint64_t seed, const RandomScenarioOptions& options = {});

// Only things that are NOT twitches: blinks, smiles, head motion, noise, lighting drift.
Scenario no_twitch_scenario(std::uint64_t seed, const RandomScenarioOptions& options = {});

// ---- Truth file (truth.json) ----

// Bumped whenever the same scenario renders differently (warp shapes, noise, resampling), so that
// cached videos can be told apart: truth.json key "generator_version".
inline constexpr int kSynthGeneratorVersion = 2;

struct TruthEpisode {
  double start_s = 0.0;
  double end_s = 0.0;
  Side side = Side::Left;
  Region region = Region::Mouth;
  double frequency_hz = 0.0;
  double amplitude_iod = 0.0;
  int twitch_count = 0;
  bool tonic = false;          // "type": "tonic" or "clonic"
  double brow_lift_iod = 0.0;
};

struct TruthBlink {
  double start_s = 0.0;
  double end_s = 0.0;
  double closure = 0.0;
};

struct TruthSmile {
  double start_s = 0.0;
  double end_s = 0.0;
  double amplitude_iod = 0.0;
};

struct TruthTalk {
  double start_s = 0.0;
  double end_s = 0.0;
  double rate_hz = 0.0;
  double opening_iod = 0.0;
  double corner_iod = 0.0;
  double imbalance = 0.0;
  int syllables = 0;
};

// The real recording a video was rendered into (synth --base-video, synth/base_video.hpp): truth.json
// key "base_video" (null for videos made from a photo).
struct BaseVideoTruth {
  std::string path;              // the source video as given
  std::string sha256;            // of the source file
  double median_iod_px = 0.0;    // median IOD over the tracked frames, pixels
  double tracked_share = 0.0;    // frames with a tracked face / frames, 0..1
  int tracked_frames = 0;
  bool mirrored_input = false;   // the source is a mirror image (selfie); the output is too
  int renderer_version = 0;      // kBaseVideoRendererVersion
  double smoothing_sigma_frames = 0.0;  // of the landmark tracks that place the warps
};

struct GroundTruth {
  std::string video = "video.mp4";                 // relative to the truth file's folder
  int generator_version = kSynthGeneratorVersion;  // 0 when the file has none
  double fps = 30.0;
  int width = 0;
  int height = 0;
  double duration_s = 0.0;
  int frames = 0;
  std::uint64_t seed = 0;
  double iod_px = 0.0;  // IOD of the rendered (undeformed, unmoved) face, pixels
  bool mirrored = false;
  std::vector<TruthEpisode> episodes;  // sorted by start
  std::vector<TruthBlink> blinks;
  std::vector<TruthSmile> smiles;
  std::vector<TruthTalk> talks;
  std::optional<DroopSpec> droop;
  HeadMotion head_motion;
  double noise_sigma = 0.0;
  double lighting_drift = 0.0;
  std::optional<Scenario> scenario;  // the full scenario (key "scenario"), to regenerate the video
  std::optional<BaseVideoTruth> base_video;
};

GroundTruth make_truth(const Scenario& s, double iod_px);

nlohmann::json to_json(const Scenario& s);
nlohmann::json to_json(const GroundTruth& t);
// Errors are ErrorKind::Input, naming the missing or malformed key.
Result<Scenario> scenario_from_json(const nlohmann::json& j);
Result<GroundTruth> truth_from_json(const nlohmann::json& j);

// File helpers: pretty-printed JSON, written to a temporary name and renamed into place.
Status write_truth(const std::filesystem::path& path, const GroundTruth& t);
Result<GroundTruth> read_truth(const std::filesystem::path& path);

// "left"/"right", "mouth"/"eye" (case-insensitive); nullopt for anything else.
std::optional<Side> parse_side(const std::string& s);
std::optional<Region> parse_region(const std::string& s);

}  // namespace ft
