// real_accuracy.hpp: the real-video benchmark (`facetwitch accuracy --real`): real clips of people (no
// twitches in them) from one or more corpus folders (MANIFEST.md + videos/), each analysed clean and with
// known twitch trains and a droop drawn into it (synth/base_video.hpp), scored against truth.json.
//
// Corpus folder: MANIFEST.md holds a markdown table whose header names at least the columns `kind` and
// `file` (a cell starting with "file"), optionally `sha256`; the clips are in videos/. Kinds: calm,
// talking, expressive, small-face, robustness. Robustness clips get no injected events (they are counted
// in the clean false-episode rates only); small-face clips are scored apart from the others.
// Pure functions except where a path is read; thread safe.
#pragma once

#include <cstdint>
#include <filesystem>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json_fwd.hpp>

#include "core/error.hpp"
#include "core/measurements.hpp"
#include "synth/accuracy.hpp"
#include "synth/base_video.hpp"
#include "synth/scenario.hpp"

namespace ft {

struct CorpusClip {
  std::string kind;        // calm, talking, expressive, small-face, robustness (as in the manifest)
  std::string file;        // file name in videos/
  std::filesystem::path path;
  std::string sha256;      // from the manifest; "" when it has none
  std::string content;     // the manifest's description
};

// The clips listed in dir/MANIFEST.md (files that do not exist are left out and named in `missing`).
// ErrorKind::Input when the manifest cannot be read or has no table with kind and file columns.
Result<std::vector<CorpusClip>> read_corpus_manifest(const std::filesystem::path& dir,
                                                     std::vector<std::string>* missing = nullptr);

// The default corpus folders, in order, each only if it exists and has a MANIFEST.md: every folder of
// $FACETWITCH_REALFACES (':'-separated), <source>/../shared/realfaces, <cache>/real. Duplicates
// (same canonical path) once.
std::vector<std::filesystem::path> default_corpus_dirs();

// The scenarios of one clip: "clean"; for every kind but robustness also "mouth", "eye", "mixed" and
// "droop". Deterministic given the track and the seed. Twitch trains (2.5-5 % IOD three times in four,
// otherwise 1-2.5 %; 3-9 Hz, at most 0.4 x the frame rate; 0.6-2.2 s) lie only where the face is
// tracked, from 1.5 s after the start of each tracked run (so never in the first 1.5 s), ending 0.5 s
// before its end, at least 1.5 s apart; a short clip gets fewer (possibly none). "mixed" cycles through a
// co-contraction (mouth and eye of one side, same start and frequency), mouth and eye at once on
// opposite sides, and single episodes. "droop": one corner lowered by 2-6 % IOD for the whole clip.
struct RealScenario {
  std::string name;
  Scenario scenario;
};
std::vector<RealScenario> real_scenarios(const BaseTrack& track, const std::string& kind, std::uint64_t seed);

// A seed from a clip's sha256 (its first 16 hex digits).
std::uint64_t clip_seed(const std::string& sha256);

// One analysed video of the benchmark.
struct RealVideoResult {
  const CorpusClip* clip = nullptr;
  std::string scenario;                 // "clean", "mouth", ...
  GroundTruth truth;
  std::vector<Episode> found;
  double duration_s = 0.0;
  std::int64_t frames = 0;
  std::int64_t frames_good_quality = 0;
  double mouth_corner_height_iod = kNaN;  // summary.json asymmetry (left minus right corner height)
  // Noise floor: summary.json's detectability, the mean over both sides of the robust noise sigma of
  // the signal (1.4826 MAD over the recording's valid samples), IOD.
  double mouth_noise_iod = kNaN;
  double eye_noise_iod = kNaN;
};

// Amplitude bins of the table, IOD: [0.01, 0.02), [0.02, 0.03), [0.03, 0.04), [0.04, 0.06].
inline constexpr double kRealAmplitudeBins[] = {0.01, 0.02, 0.03, 0.04, 0.06};
inline constexpr int kRealAmplitudeBinCount = 4;
inline constexpr double kRealTargetAmplitude = 0.025;  // the target line: F1 at >= 2.5 % IOD

struct RealRegionScores {
  RegionScore all, target;                               // target: truth >= 2.5 % IOD
  std::array<RegionScore, kRealAmplitudeBinCount> bins{};
};

// Scores of one group of clips (calm + talking + expressive, or small-face).
struct RealGroupScore {
  int clips = 0, videos = 0;
  RealRegionScores mouth, eye;
  int matched = 0, sides_correct = 0;
  double median_onset_error_s = kNaN;
  double median_end_error_s = kNaN;          // |found end - truth end|
  int ended_late = 0;                        // matched episodes ending > kLateEndS after the truth
  double median_frequency_error_hz = kNaN;  // truth episodes with >= 3 twitches
  int injected_false_episodes = 0;           // in the videos with injected events, matching no truth
  double injected_minutes = 0.0;
  int droops = 0, droops_side_correct = 0;   // droops >= 2 % IOD with a clean clip to compare
  double median_droop_change_ratio = kNaN;   // |change of the corner height difference| / injected
};

struct CleanRate {
  int clips = 0, episodes = 0;
  double minutes = 0.0;
};

struct RealClipRow {
  std::string file, kind;
  double duration_s = 0.0;
  double measurable_share = kNaN;   // good-quality frames / frames, clean analysis
  double median_iod_px = kNaN;
  double tracked_share = kNaN;
  int truth_episodes = 0, detected = 0;
  double smallest_found_iod = kNaN;  // smallest injected amplitude that was found
  int clean_false_episodes = 0;
  double mouth_noise_iod = kNaN, eye_noise_iod = kNaN;  // clean analysis (RealVideoResult)
  std::string note;                  // e.g. "no twitch fits"
};

struct RealAccuracyReport {
  RealGroupScore main, small_face;
  std::map<std::string, CleanRate> clean;  // by kind
  std::vector<RealClipRow> clips;
  std::vector<std::string> corpora;
  std::vector<std::pair<std::string, std::string>> skipped;  // clip file, why (e.g. no face found)
  double wall_time_s = kNaN;
  int videos_rendered = 0, videos_reused = 0;
};

// `results` holds every analysed video (clean ones included); `tracks` the median IOD and tracked share
// per clip file.
RealAccuracyReport score_real(const std::vector<RealVideoResult>& results,
                              const std::map<std::string, const BaseTrack*>& tracks);
std::string format_real_report(const RealAccuracyReport& r);
nlohmann::json real_report_json(const RealAccuracyReport& r);

}  // namespace ft
