// session.hpp: the session folder written by `facetwitch analyse` and by recording in the window:
//   frames.csv    one row per frame (written and flushed as frames are analysed)
//   episodes.csv  one row per twitch episode (appended as episodes close)
//   summary.json  totals, episodes, asymmetry, settings (rewritten atomically)
// Formats are documented field by field in docs/OUTPUT.md; the names are stable.
//
// Thread safety: each writer is used by one thread at a time.
#pragma once

#include <array>
#include <cstdint>
#include <filesystem>
#include <fstream>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "core/error.hpp"
#include "core/file_write.hpp"
#include "core/measurements.hpp"
#include "metrics/regional_asymmetry.hpp"
#include "signal/twitch_settings.hpp"

namespace ft {

// One analysed frame as stored in frames.csv.
struct FrameRecord {
  FaceMetrics metrics;
  FrameSignals signals;
};

// Medians of the signed left - right difference of each regional measure over one block of time.
struct AsymmetryBlock {
  double start_s = 0.0;
  double end_s = 0.0;
  std::int64_t frames = 0;                              // measurable frames in the block
  std::array<double, kAsymmetryMeasureCount> diff{};    // by AsymmetryMeasure; IOD or degrees
};

// How small a twitch one signal stream (region x side) could have shown during the personal baseline.
struct StreamDetectability {
  // Median of the detection threshold in force (SignalSample::threshold_iod) over the window's valid
  // samples: the smallest displacement from rest that the detector counts. NaN when no sample had one.
  double smallest_twitch_iod = kNaN;
  // Robust noise sigma (1.4826 * MAD) of the signal value over the same samples, IOD.
  double noise_sigma_iod = kNaN;
  std::int64_t samples = 0;
};

// Length of the blocks of AsymmetrySummary::over_time.
inline constexpr double kAsymmetryBlockS = 10.0;

struct AsymmetrySummary {
  // The resting mouth-corner height difference, left - right (IOD, signed, positive when the person's
  // left corner is higher): the one value of this quantity, resting[MouthCornerHeight].diff (the
  // difference of the two corners' medians over the resting frames, below). Every place that shows it
  // (terminal, window, summary.json's mouth_corner_height_iod, report, history) reads it from here.
  // NaN when no resting frame was measured.
  double mouth_corner_height_iod() const {
    return resting[static_cast<std::size_t>(AsymmetryMeasure::MouthCornerHeight)].diff;
  }
  // Median of the mirror asymmetry index (FaceMetrics::asymmetry_index_iod) over the same resting
  // frames, IOD. NaN when none.
  double index = kNaN;

  // The personal baseline: the first `baseline_requested_s` seconds of measurable frames (from the
  // first measurable frame on). 0: none requested; resting values then come from every measurable
  // frame outside twitches (episodes, isolated twitches) and blinks, speech and expressions included,
  // and the detectability from every valid sample outside events. docs/METRICS.md 4.3.
  double baseline_requested_s = 0.0;
  // "baseline", "outside_twitches"; "outside_events" in files written before session 18 (the frames
  // outside every detected event, voluntary movements included).
  std::string rest_basis = "outside_twitches";
  double rest_start_s = kNaN;                 // the frames used: first and last time
  double rest_end_s = kNaN;
  std::int64_t rest_frames = 0;
  // Resting asymmetry per region: medians of each side's value over the resting frames, compared.
  std::array<RegionalAsymmetry, kAsymmetryMeasureCount> resting = unmeasured_asymmetry();
  // Over time: medians of each measure's per-frame left - right difference per kAsymmetryBlockS block of
  // the recording (all measurable frames).
  std::vector<AsymmetryBlock> over_time;
  // Smallest detectable twitch and noise floor per stream, over the same window as `resting` (the
  // baseline; otherwise the whole recording's valid samples).
  PerSide<StreamDetectability> mouth_detect{};
  PerSide<StreamDetectability> eye_detect{};
  const PerSide<StreamDetectability>& detect(Region r) const { return r == Region::Mouth ? mouth_detect : eye_detect; }
  PerSide<StreamDetectability>& detect(Region r) { return r == Region::Mouth ? mouth_detect : eye_detect; }
};

struct SessionSummary {
  std::string video;               // path of the analysed file, or the camera device
  // The patient (or session) identifier typed by the user: "" when none was given. Free text chosen by
  // the user (validate_patient_id); never derived from the video.
  std::string patient_id;
  std::string source = "file";     // "file", "camera", "folder", "paced"
  bool mirrored_input = false;     // the video was flipped back before the analysis (--mirrored-input)
  std::string created_utc;         // ISO 8601, e.g. 2026-11-21T10:00:00Z
  std::string facetwitch_version;
  std::string model_path;
  int width = 0;
  int height = 0;
  double duration_s = 0.0;         // last timestamp - first timestamp + one frame interval
  std::int64_t frames = 0;         // frames analysed
  std::int64_t frames_with_face = 0;
  std::int64_t frames_good_quality = 0;
  std::int64_t frames_dropped = 0; // live only: frames the analysis could not keep up with
  double fps = 0.0;                // measured from timestamps
  std::vector<Episode> episodes;
  std::vector<Blink> blinks;
  std::vector<VoluntaryMovement> voluntary_movements;
  AsymmetrySummary asymmetry;
  TwitchSettings settings;
  double min_face_iod_px = 40.0;   // faces smaller than this (IOD, px) were not measured (QualityLimits)
  bool partial = false;            // the source ended early (error, camera lost, interrupted)
  std::string partial_reason;
  std::vector<IsolatedTwitch> isolated_twitches;  // single brief twitches, not episodes (in time order)
  // When the video was recorded (ISO 8601 UTC) and how that is known: "video metadata" (the container's
  // creation time), "file time" (the file's modification time), "recording start" (a live recording) or
  // "analysis time" (nothing better: created_utc). The session history dates sessions by it.
  std::string recorded_at;
  std::string recorded_at_source;
};

// Time in spasm: the percentage of `duration_s` spent inside an episode of `region` that involves
// `side` (that side's own episodes and bilateral ones), overlapping episodes counted once.
double time_in_episodes_pct(const std::vector<Episode>& episodes, Region region, Side side, double duration_s);

// A patient identifier: at most kMaxPatientIdChars characters (UTF-8 code points), valid UTF-8, no
// control characters (tabs, line breaks). "" is valid (none). Errors are ErrorKind::BadArguments and say
// what is wrong.
inline constexpr std::size_t kMaxPatientIdChars = 64;
Status validate_patient_id(std::string_view id);

// Creates the output folder. An existing non-empty folder is refused (ErrorKind::Output) unless `force`.
// The lock file of OutputDirLock does not count as content.
Status prepare_output_dir(const std::filesystem::path& dir, bool force);

// A lock on an output folder for a whole run, so that two facetwitch runs never write into the same
// folder at once: flock(LOCK_EX | LOCK_NB) on `<dir>/.facetwitch.lock` (created, with the folder when
// it does not exist). The kernel drops the lock when the process ends, so a crashed run leaves at
// most a stale file, which the next run takes over. The file is removed when the lock is released.
// A folder locked by another run is refused (ErrorKind::Output) with a message naming it.
class OutputDirLock {
 public:
  static constexpr const char* kFileName = ".facetwitch.lock";
  static Result<OutputDirLock> acquire(const std::filesystem::path& dir);
  OutputDirLock() = default;
  OutputDirLock(OutputDirLock&& o) noexcept;
  OutputDirLock& operator=(OutputDirLock&& o) noexcept;
  OutputDirLock(const OutputDirLock&) = delete;
  OutputDirLock& operator=(const OutputDirLock&) = delete;
  ~OutputDirLock();
  void release();
  bool held() const { return fd_ >= 0; }

 private:
  int fd_ = -1;
  std::filesystem::path file_;
};

// frames.csv, streaming. Each row is flushed to the OS as it is written, so a killed process leaves
// every completed row on disk.
class FramesCsvWriter {
 public:
  static Result<std::unique_ptr<FramesCsvWriter>> open(const std::filesystem::path& path);
  Status write(const FrameRecord& record);
  Status close();
 private:
  OutputFile out_;  // never through a link, never a FIFO or device (core/file_write.hpp)
  std::filesystem::path path_;
  std::string line_;  // reused buffer
};

// episodes.csv, streaming (one row per closed episode).
class EpisodesCsvWriter {
 public:
  static Result<std::unique_ptr<EpisodesCsvWriter>> open(const std::filesystem::path& path);
  Status write(const Episode& episode);
  Status close();
 private:
  OutputFile out_;
  std::filesystem::path path_;
};

// summary.json: written to a temporary file then renamed over the old one (never half-written).
Status write_summary_json(const std::filesystem::path& path, const SessionSummary& summary);
// A measured value as summary.json stores it: rounded to `decimals` (no "-0"). The summariser rounds
// the resting medians so at the source (resting_value_as_written: IOD or degrees), so that the terminal
// and the window (in memory) and every reader of summary.json (report, history) compare the same two
// numbers and show the same difference.
double rounded_as_written(double v, int decimals);
double resting_value_as_written(double v, bool angle);
// compare_sides of the two resting medians as written (each side's value and the difference rounded as
// summary.json stores them; diff_mm from that difference): what the summariser makes and what reading
// summary.json gives back, bit for bit.
RegionalAsymmetry compare_resting_sides(AsymmetryMeasure m, double left, double right);
// The resting mouth-corner height difference as people read it, everywhere it is shown (terminal,
// window, report, history): "+1.57% IOD (+0.99 mm)", signed left - right, % IOD and mm (approximate,
// kAssumedIodMm) with 2 decimals, from the value rounded as written; "not measured" when NaN.
std::string format_corner_height_diff(double iod);
// The same with its meaning: "+1.57% IOD (+0.99 mm), the person's left corner higher" ("level" at 0).
std::string describe_corner_height_diff(double iod);
// Which frames the resting values came from, for people: "the personal baseline", "the frames outside
// twitches and blinks, speech and expressions included", or for older files "the frames outside
// detected events".
std::string describe_rest_basis(const std::string& rest_basis);
// Isolated twitches of `region` on `side` (Laterality::Bilateral: those of both sides together).
std::size_t count_isolated_twitches(const std::vector<IsolatedTwitch>& list, Region region, Laterality side);
// One line for people: "isolated twitches (single, not in an episode): 3 (mouth: left 2, right 1)", or
// "...: none". Sides are the person's.
std::string describe_isolated_twitches(const std::vector<IsolatedTwitch>& list);
std::string summary_to_json_string(const SessionSummary& summary);
// write_file_atomically (core/file_write.hpp): a temporary file renamed over the target; links and
// non-regular targets are refused.

// Readers. A last line cut off by a crash is skipped (reported in `truncated`), never an error.
struct FramesCsvContents {
  std::vector<FrameRecord> rows;
  bool truncated = false;
};
Result<FramesCsvContents> read_frames_csv(const std::filesystem::path& path);
Result<std::vector<Episode>> read_episodes_csv(const std::filesystem::path& path);
Result<SessionSummary> read_summary_json(const std::filesystem::path& path);
// read_summary_json for a session to be shown as one (`facetwitch report`): also refuses (Input) a file
// without the numbers every session has: `frames` and `duration_s`, of the right types, not negative,
// and frame counts that do not exceed `frames` (`{}` is not a session with 0 frames).
Result<SessionSummary> read_session_summary_json(const std::filesystem::path& path);

}  // namespace ft
