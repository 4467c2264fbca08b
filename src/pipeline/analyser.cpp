// analyser.cpp: one frame through the whole analysis chain.
#include "pipeline/analyser.hpp"

#include <chrono>
#include <cmath>
#include <cstdlib>

#include <opencv2/imgproc.hpp>

#include "metrics/alignment.hpp"
#include "metrics/face_metrics.hpp"

namespace ft {

FrameAnalyser::FrameAnalyser(std::shared_ptr<const LandmarkModel> model, const AnalyserOptions& options)
    : options_(options),
      tracker_(std::move(model), options.tracker),
      refiner_(options.local_motion),
      twitch_(options.twitch),
      gate_(options.appearance) {}

namespace {
using Clock = std::chrono::steady_clock;
double ms_between(Clock::time_point a, Clock::time_point b) {
  return std::chrono::duration<double, std::milli>(b - a).count();
}

// `r` grown by `f` of its width / height on each side.
cv::Rect grown(const cv::Rect& r, double f) {
  const int dx = static_cast<int>(f * r.width), dy = static_cast<int>(f * r.height);
  return {r.x - dx, r.y - dy, r.width + 2 * dx, r.height + 2 * dy};
}

cv::Rect to_int(const cv::Rect2f& r) {
  return {static_cast<int>(std::floor(r.x)), static_cast<int>(std::floor(r.y)),
          static_cast<int>(std::ceil(r.width)), static_cast<int>(std::ceil(r.height))};
}
}  // namespace

void configure_opencv_threads() {
  int threads = 1;
  if (const char* env = std::getenv("FACETWITCH_CV_THREADS"); env && *env)
    threads = std::atoi(env);
  cv::setNumThreads(threads);
}

void LazyGrey::reset(const cv::Mat& image) {
  image_ = image;
  done_count_ = 0;
  if (image.channels() == 1) {
    grey_ = image;  // already grey: nothing to convert
  } else if (grey_.size() != image.size() || grey_.type() != CV_8UC1 || grey_.data == image.data) {
    grey_.create(image.size(), CV_8UC1);
  }
}

void LazyGrey::release() {
  if (image_.channels() == 1)
    grey_.release();
  image_.release();
}

const cv::Mat& LazyGrey::grey(const cv::Rect& region) {
  if (image_.channels() == 1)
    return grey_;
  const cv::Rect r = region & cv::Rect(0, 0, image_.cols, image_.rows);
  if (r.area() <= 0)
    return grey_;
  for (std::size_t i = 0; i < done_count_; ++i) {
    if ((done_[i] & r) == r)
      return grey_;
  }
  cv::Mat dst = grey_(r);  // a view: cvtColor writes in place, no reallocation
  cv::cvtColor(image_(r), dst, image_.channels() == 4 ? cv::COLOR_BGRA2GRAY : cv::COLOR_BGR2GRAY);
  if (done_count_ == done_.size())
    done_count_ = 0;  // rare: start the list again
  done_[done_count_++] = r;
  return grey_;
}

const FrameResult& FrameAnalyser::process(const Frame& frame) {
  const auto start = Clock::now();
  // While tracking, the face and what surrounds it in one conversion: the landmarks read the box
  // and a quarter of it around; the flow window and the region it keeps for the next frame reach
  // about half a box around it.
  grey_.reset(frame.image);
  if (const cv::Rect region = tracker_.tracking_region(); region.area() > 0)
    grey_.grey(grown(region, 0.2));
  const auto t_grey = Clock::now();
  const FaceObservation& obs = tracker_.track(grey_, frame.t);
  const auto t_track = Clock::now();
  const double iod_px = obs.found ? align_to_canonical(obs.landmarks).iod_px : 0.0;
  const cv::Mat& gray =
      obs.found ? grey_.grey(grown(to_int(obs.box), 0.55)) : grey_.grey(cv::Rect());
  const Landmarks68 refined =
      refiner_.refine(gray, obs.landmarks, obs.found, iod_px, frame.t - prev_t_);
  prev_t_ = frame.t;
  const auto t_refine = Clock::now();
  result_.metrics = compute_face_metrics(frame.index, frame.t, obs.found, refined, obs.box, gray,
                                         scratch_, options_.quality);
  if (result_.metrics.face_found && pose_gate_.update(frame.t, result_.metrics.pose))
    result_.metrics.quality |= kQualityPose;
  if (options_.appearance_gate) {
    AppearanceStats look;
    const bool have = result_.metrics.face_found && appearance_stats(gray, refined, look);
    if (gate_.update(frame.t, have, look)) result_.metrics.quality |= gate_.flag();
  }
  if (frame.damaged) {
    result_.metrics.quality |= kQualityDamaged;
  }
  const auto t_metrics = Clock::now();
  grey_.release();  // the frame's buffer is the caller's again (live capture reuses it)
  result_.signals = twitch_.push(result_.metrics);
  result_.detector_ran = obs.detector_ran;
  result_.recheck_wait_ms = obs.recheck_wait_ms;
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
