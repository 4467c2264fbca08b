// session.hpp: the session folder written by `facetwitch analyse` and by recording in the window:
//   frames.csv    one row per frame (written and flushed as frames are analysed)
//   episodes.csv  one row per twitch episode (appended as episodes close)
//   summary.json  totals, episodes, asymmetry, settings (rewritten atomically)
// Formats are documented field by field in docs/OUTPUT.md; the names are stable.
//
// Thread safety: each writer is used by one thread at a time.
#pragma once

#include <cstdint>
#include <filesystem>
#include <fstream>
#include <memory>
#include <string>
#include <vector>

#include "core/error.hpp"
#include "core/measurements.hpp"
#include "signal/twitch_settings.hpp"

namespace ft {

// One analysed frame as stored in frames.csv.
struct FrameRecord {
  FaceMetrics metrics;
  FrameSignals signals;
};

struct AsymmetrySummary {
  // Median over frames with good quality of FaceMetrics::mouth_corner_height_diff_iod (signed, positive
  // when the person's left corner is higher) and of the asymmetry index. NaN when no frame qualified.
  double mouth_corner_height_iod = kNaN;
  double index = kNaN;
  std::int64_t frames_used = 0;
};

struct SessionSummary {
  std::string video;               // path of the analysed file, or the camera device
  std::string source = "file";     // "file", "camera", "folder", "paced"
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
  bool partial = false;            // the source ended early (error, camera lost, interrupted)
  std::string partial_reason;
};

// Time in spasm: the percentage of `duration_s` spent inside an episode of `region` that involves
// `side` (that side's own episodes and bilateral ones), overlapping episodes counted once.
double time_in_episodes_pct(const std::vector<Episode>& episodes, Region region, Side side, double duration_s);

// Creates the output folder. An existing non-empty folder is refused (ErrorKind::Output) unless `force`.
Status prepare_output_dir(const std::filesystem::path& dir, bool force);

// frames.csv, streaming. Each row is flushed to the OS as it is written, so a killed process leaves
// every completed row on disk.
class FramesCsvWriter {
 public:
  static Result<std::unique_ptr<FramesCsvWriter>> open(const std::filesystem::path& path);
  Status write(const FrameRecord& record);
  Status close();
 private:
  std::ofstream out_;
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
  std::ofstream out_;
  std::filesystem::path path_;
};

// summary.json: written to a temporary file then renamed over the old one (never half-written).
Status write_summary_json(const std::filesystem::path& path, const SessionSummary& summary);
std::string summary_to_json_string(const SessionSummary& summary);

// Readers. A last line cut off by a crash is skipped (reported in `truncated`), never an error.
struct FramesCsvContents {
  std::vector<FrameRecord> rows;
  bool truncated = false;
};
Result<FramesCsvContents> read_frames_csv(const std::filesystem::path& path);
Result<std::vector<Episode>> read_episodes_csv(const std::filesystem::path& path);
Result<SessionSummary> read_summary_json(const std::filesystem::path& path);

}  // namespace ft
