// face_tracker.hpp: face detection and 68-point landmarks. src/face is the only part of facetwitch
// that sees dlib.
//
// Per frame the landmarks come from the box implied by the previous frame's landmarks (tracking),
// by our own evaluation of dlib's shape predictor (face/landmark_regressor.hpp: sub-pixel, on the
// original image, no allocation). The HOG detector runs on the analysis thread only when there is
// no track (start, face lost) or when the face's appearance changed suddenly (it probably left).
// The periodic re-check that confirms the face is still there and re-anchors the box geometry (once
// a second) runs on a background thread: the window around the face is copied on frame n and the
// answer is applied on frame n + kRecheckLagFrames (waiting for it only if it is late), so the
// result depends on the frames alone, never on thread timing: replay stays deterministic.
// Several faces: at start the largest, most central face is chosen; afterwards only a face near the
// current track is accepted, so the tracker does not jump to another person.
//
// Thread safety: LandmarkModel is immutable after loading and may be shared by several trackers in
// different threads. A FaceTracker is used by one thread at a time (it owns its re-check thread).
// Units: image pixels; times in seconds.
#pragma once

#include <filesystem>
#include <memory>
#include <vector>

#include <opencv2/core.hpp>

#include "core/error.hpp"
#include "core/landmarks.hpp"

namespace ft {

class LandmarkModel;  // opaque: the landmark regressor (and, on demand, dlib's own shape_predictor)

// Loads the model file: the first time by parsing dlib's 100 MB file (~0.5-0.8 s), after which its
// compact form is cached in <cache>/models/ (keyed by the file's path, size and time) and loads in
// tens of milliseconds ($FACETWITCH_NO_MODEL_CACHE=1 skips the cache). Meanwhile the face detector
// is prepared on another thread. A corrupt file gives an ErrorKind::Model error.
Result<std::shared_ptr<const LandmarkModel>> load_landmark_model(const std::filesystem::path& path);

struct TrackerOptions {
  double recheck_interval_s = 1.0;  // periodic detector re-check while tracking
  int detect_max_side = 640;  // the detector runs on a copy downscaled to at most this long side
  double lost_after_s =
      2.0;  // after this long without a face, re-acquire anywhere (largest+central)
  bool background_recheck = true;  // false: the periodic re-check runs on the calling thread
};

// Frames between the start of a background re-check and the application of its answer.
inline constexpr int kRecheckLagFrames = 5;

// The frame in grey, region by region: FrameAnalyser converts only what the tracker and the metrics
// read (the face and its surroundings while tracking, the detector's window on a re-check, the
// whole frame to acquire a face). Used by one thread.
class GreySource {
 public:
  virtual ~GreySource() = default;
  virtual cv::Size size() const = 0;
  // The grey frame (frame-sized, 8-bit) with at least `region` (clipped to the frame) up to date;
  // pixels outside the regions asked for since the frame began may be stale.
  virtual const cv::Mat& grey(const cv::Rect& region) = 0;
};

struct FaceObservation {
  bool found = false;
  Landmarks68 landmarks{};    // image pixels
  cv::Rect2f box{};           // the box the predictor ran on
  bool detector_ran = false;  // the detector ran on the calling thread for this frame (profiling)
  double recheck_wait_ms = 0.0;  // waited this long for a late background re-check (profiling)
};

class FaceTracker {
 public:
  FaceTracker(std::shared_ptr<const LandmarkModel> model, TrackerOptions options = {});
  ~FaceTracker();
  FaceTracker(const FaceTracker&) = delete;
  FaceTracker& operator=(const FaceTracker&) = delete;

  // `gray` is the frame as 8-bit single channel; t in seconds (for the re-check schedule). The
  // returned reference stays valid until the next call.
  const FaceObservation& track(const cv::Mat& gray, double t);
  // The same on a frame converted to grey on demand (only the regions the tracker reads).
  const FaceObservation& track(GreySource& frame, double t);
  // While tracking: the region the next frame's landmarks will read (the box expected from the last
  // landmarks, and a quarter of it around); empty when not tracking.
  cv::Rect tracking_region() const;
  void reset();  // forget the track (after a seek)

  // One-shot: detect faces in a still image (all faces, largest first) and fit landmarks to each
  // with dlib's own predictor on a crop upsampled to a 400 px face (whole pixels; the landmarks
  // facetwitch has always given for stills, from which the synthetic videos are rendered). Loads
  // dlib's predictor on first use (~0.5 s).
  std::vector<FaceObservation> detect_all(const cv::Mat& gray);

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace ft
