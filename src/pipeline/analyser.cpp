// analyser.cpp: one frame through the whole analysis chain.
#include "pipeline/analyser.hpp"

#include <chrono>

#include <opencv2/imgproc.hpp>

#include "metrics/alignment.hpp"
#include "metrics/face_metrics.hpp"

namespace ft {

FrameAnalyser::FrameAnalyser(std::shared_ptr<const LandmarkModel> model, const AnalyserOptions& options)
    : options_(options),
      tracker_(std::move(model), options.tracker),
      refiner_(options.local_motion),
      twitch_(options.twitch) {}

namespace {
using Clock = std::chrono::steady_clock;
double ms_between(Clock::time_point a, Clock::time_point b) {
  return std::chrono::duration<double, std::milli>(b - a).count();
}
}  // namespace

const FrameResult& FrameAnalyser::process(const Frame& frame) {
  const auto start = Clock::now();
  if (frame.image.channels() == 3) {
    cv::cvtColor(frame.image, gray_, cv::COLOR_BGR2GRAY);
  } else if (frame.image.channels() == 4) {
    cv::cvtColor(frame.image, gray_, cv::COLOR_BGRA2GRAY);
  } else {
    gray_ = frame.image;
  }
  const auto t_grey = Clock::now();
  const FaceObservation& obs = tracker_.track(gray_, frame.t);
  const auto t_track = Clock::now();
  const double iod_px = obs.found ? align_to_canonical(obs.landmarks).iod_px : 0.0;
  const Landmarks68 refined = refiner_.refine(gray_, obs.landmarks, obs.found, iod_px, frame.t - prev_t_);
  prev_t_ = frame.t;
  const auto t_refine = Clock::now();
  result_.metrics = compute_face_metrics(frame.index, frame.t, obs.found, refined, obs.box, gray_, scratch_,
                                         options_.quality);
  const auto t_metrics = Clock::now();
  result_.signals = twitch_.push(result_.metrics);
  result_.detector_ran = obs.detector_ran;
  const auto end = Clock::now();
  result_.stages.grey_ms = ms_between(start, t_grey);
  result_.stages.track_ms = ms_between(t_grey, t_track);
  result_.stages.refine_ms = ms_between(t_track, t_refine);
  result_.stages.metrics_ms = ms_between(t_refine, t_metrics);
  result_.stages.signal_ms = ms_between(t_metrics, end);
  result_.analyse_ms = ms_between(start, end);
  return result_;
}

}  // namespace ft
