// analyser.hpp: the per-frame analysis chain, used by replay, live capture and benchmarks alike:
// frame -> grey -> face tracker (landmarks) -> local optical-flow refinement of the measured points
// -> face metrics -> twitch analyser -> FrameResult. While a face is tracked only the face and its
// surroundings are converted to grey (LazyGrey); the whole frame only when the detector looks for a
// face. Buffers are reused between frames: in the steady state the chain makes no heap allocation
// of its own (tests/bench counts them). Thread safety: one FrameAnalyser per thread.
#pragma once

#include <array>
#include <memory>
#include <string>

#include <opencv2/core.hpp>

#include "core/frame.hpp"
#include "core/measurements.hpp"
#include "face/face_tracker.hpp"
#include "metrics/local_motion.hpp"
#include "metrics/quality.hpp"
#include "pipeline/appearance_gate.hpp"
#include "pipeline/pose_gate.hpp"
#include "signal/twitch_analyser.hpp"

namespace ft {

struct AnalyserOptions {
  TrackerOptions tracker;
  LocalMotionOptions local_motion;
  TwitchSettings twitch;
  QualityLimits quality;
  // Personal baseline for the summary (SummaryAccumulator): the first baseline_s seconds of measurable
  // frames give the resting asymmetry and the detectability; 0: none (docs/METRICS.md).
  double baseline_s = 0.0;
  // The patient identifier written into summary.json (SessionSummary::patient_id); "" for none. Validated
  // by the caller (validate_patient_id).
  std::string patient_id;
  // Frames where the mouth is covered or the light changes abruptly are not measured
  // (kQualityOccluded; pipeline/appearance_gate.hpp).
  bool appearance_gate = true;
  AppearanceGateOptions appearance;
};

// Wall time of each stage of FrameAnalyser::process() for one frame, milliseconds (steady clock).
struct StageTimes {
  double grey_ms = 0.0;     // colour conversion
  double track_ms = 0.0;    // face tracker: landmarks (and the detector when it ran synchronously)
  double refine_ms = 0.0;   // optical-flow refinement of the measured points
  double metrics_ms = 0.0;  // alignment, head pose, quality
  double signal_ms = 0.0;   // twitch analyser
};

struct FrameResult {
  FaceMetrics metrics;
  FrameSignals signals;
  bool detector_ran = false;
  double recheck_wait_ms =
      0.0;                  // time spent waiting for the background detector re-check (normally 0)
  double analyse_ms = 0.0;  // wall time of process() for this frame
  StageTimes stages;        // its split by stage (profiling; the sum is about analyse_ms)
};

// A frame converted to grey region by region, on demand (FaceTracker's GreySource). The grey buffer
// is frame-sized and reused; a frame already grey is used as it is. One per analyser.
class LazyGrey final : public GreySource {
 public:
  void reset(const cv::Mat& image);  // a new frame: nothing converted yet
  void release();                    // drops the references to the frame (its buffer can be reused)
  cv::Size size() const override { return image_.size(); }
  const cv::Mat& grey(const cv::Rect& region) override;

 private:
  cv::Mat image_;
  cv::Mat grey_;
  std::array<cv::Rect, 4> done_{};  // regions converted for this frame
  std::size_t done_count_ = 0;
};

class FrameAnalyser {
 public:
  FrameAnalyser(std::shared_ptr<const LandmarkModel> model, const AnalyserOptions& options);
  // Analyses one frame. The reference stays valid until the next call.
  const FrameResult& process(const Frame& frame);
  void finish() { twitch_.finish(); }
  const TwitchAnalyser& twitch() const { return twitch_; }
  // Starts the twitch analysis again with new settings (episodes, baselines and noise estimates are
  // forgotten); face tracking and the landmark refinement go on undisturbed.
  void reset_twitch(const TwitchSettings& settings) {
    options_.twitch = settings;
    twitch_ = TwitchAnalyser(settings);
  }
  const AnalyserOptions& options() const { return options_; }

 private:
  AnalyserOptions options_;
  FaceTracker tracker_;
  LocalMotionRefiner refiner_;
  TwitchAnalyser twitch_;
  AppearanceGate gate_;
  PoseGate pose_gate_;
  double prev_t_ = 0.0;
  LazyGrey grey_;
  ExposureScratch scratch_;
  FrameResult result_;
};

// Process-wide, once at start-up (main): OpenCV's own worker pool off (cv::setNumThreads(1)),
// unless $FACETWITCH_CV_THREADS gives another count. facetwitch already runs its stages on threads
// of their own (decode, analysis, detector re-check, window) and several videos in parallel; OpenCV
// splitting a 0.2 ms conversion over the same two cores only added wake-ups, and its pool allocated
// on every call.
void configure_opencv_threads();

}  // namespace ft
