// face_tracker.hpp: face detection and 68-point landmarks. The only part of facetwitch that sees dlib.
//
// Per frame the shape predictor runs from the box implied by the previous frame's landmarks (tracking).
// The HOG detector runs only when there is no track, and on a periodic re-check (in a window around the
// track, on a downscaled image) that confirms the face is still there and re-anchors the box.
// Several faces: at start the largest, most central face is chosen; afterwards only a face near the
// current track is accepted, so the tracker does not jump to another person.
//
// Thread safety: LandmarkModel is immutable after loading and may be shared by several trackers in
// different threads. A FaceTracker is used by one thread at a time.
#pragma once

#include <filesystem>
#include <memory>
#include <vector>

#include <opencv2/core.hpp>

#include "core/error.hpp"
#include "core/landmarks.hpp"

namespace ft {

class LandmarkModel;  // opaque: dlib's shape_predictor

// Loads the model file (about 0.4 s for the 100 MB model). A corrupt file gives an ErrorKind::Model error.
Result<std::shared_ptr<const LandmarkModel>> load_landmark_model(const std::filesystem::path& path);

struct TrackerOptions {
  double recheck_interval_s = 1.0;   // periodic detector re-check while tracking
  int detect_max_side = 640;         // the detector runs on a copy downscaled to at most this long side
  double lost_after_s = 2.0;         // after this long without a face, re-acquire anywhere (largest+central)
};

struct FaceObservation {
  bool found = false;
  Landmarks68 landmarks{};   // image pixels
  cv::Rect2f box{};          // the box the predictor ran on
  bool detector_ran = false; // the detector ran on this frame (for profiling)
};

class FaceTracker {
 public:
  FaceTracker(std::shared_ptr<const LandmarkModel> model, TrackerOptions options = {});
  ~FaceTracker();
  FaceTracker(const FaceTracker&) = delete;
  FaceTracker& operator=(const FaceTracker&) = delete;

  // `gray` is the frame as 8-bit single channel; t in seconds (for the re-check schedule).
  FaceObservation track(const cv::Mat& gray, double t);
  void reset();  // forget the track (after a seek)

  // One-shot: detect faces in a still image (all faces, largest first) and fit landmarks to each.
  std::vector<FaceObservation> detect_all(const cv::Mat& gray);

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace ft
