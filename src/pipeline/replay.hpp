// replay.hpp: analysis of a recorded video, every frame, deterministic: the same file analysed twice
// gives identical output. Decoding runs on its own thread ("ft-decode") ahead of the analysis through a
// small blocking queue of recycled frame buffers (no allocation per frame in the steady state).
#pragma once

#include <atomic>
#include <filesystem>
#include <functional>
#include <memory>
#include <string>

#include "capture/frame_source.hpp"
#include "core/error.hpp"
#include "io/session.hpp"
#include "pipeline/analyser.hpp"

namespace ft {

struct ReplayProgress {
  std::int64_t frames = 0;
  double t = 0.0;
  double duration_s = -1.0;  // -1 when unknown
};

struct ReplayRequest {
  std::filesystem::path video;
  std::filesystem::path out_dir;  // empty: no files written
  std::shared_ptr<const LandmarkModel> model;
  std::string model_path;         // recorded in summary.json
  AnalyserOptions analyser;
  VideoFileOptions file;
  std::function<void(const ReplayProgress&)> on_progress;                 // optional, analysis thread
  std::function<void(const Frame&, const FrameResult&)> on_frame;        // optional, analysis thread
  const std::atomic<bool>* stop = nullptr;                               // optional: stop early
  // summary.json's partial reason when `stop` ended the analysis; empty: "stopped by the user".
  std::function<std::string()> stop_reason;
};

// Errors: the video cannot be opened (Input), output cannot be written (Output). A read failure in the
// middle of the file is not an error: the summary is returned with partial = true and the reason. When
// `stop` is set the decoding stops, the frames already decoded are analysed, and the session's files are
// finished as at the end of the video (frames.csv holds every frame the summary counts), partial.
Result<SessionSummary> analyse_video(const ReplayRequest& request);

}  // namespace ft
