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

const FrameResult& FrameAnalyser::process(const Frame& frame) {
  const auto start = std::chrono::steady_clock::now();
  if (frame.image.channels() == 3) {
    cv::cvtColor(frame.image, gray_, cv::COLOR_BGR2GRAY);
  } else if (frame.image.channels() == 4) {
    cv::cvtColor(frame.image, gray_, cv::COLOR_BGRA2GRAY);
  } else {
    gray_ = frame.image;
  }
  const FaceObservation obs = tracker_.track(gray_, frame.t);
  const double iod_px = obs.found ? align_to_canonical(obs.landmarks).iod_px : 0.0;
  const Landmarks68 refined = refiner_.refine(gray_, obs.landmarks, obs.found, iod_px, frame.t - prev_t_);
  prev_t_ = frame.t;
  result_.metrics = compute_face_metrics(frame.index, frame.t, obs.found, refined, obs.box, gray_, scratch_,
                                         options_.quality);
  result_.signals = twitch_.push(result_.metrics);
  result_.detector_ran = obs.detector_ran;
  result_.analyse_ms = std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - start).count();
  return result_;
}

}  // namespace ft
