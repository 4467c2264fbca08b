// generator.hpp: renders a Scenario into a ground-truth video (video.mp4 + truth.json) from one
// face photo.
//
// The photo is resized and centred on a canvas; dlib's landmarks are found ONCE on that undeformed
// canvas; every frame is then the canvas warped (face_warp.hpp) so that the scenario's twitches,
// blinks, smiles, talking and droop move the pixels around the right landmarks, moved by the head motion,
// with lighting gain and Gaussian sensor noise, optionally mirrored. Rendering is deterministic
// given the scenario (and photo).
//
// Units: pixels, seconds, IOD as in scenario.hpp. Sides are the person's.
#pragma once

#include <filesystem>
#include <functional>
#include <memory>
#include <vector>

#include <opencv2/core.hpp>

#include "core/error.hpp"
#include "core/landmarks.hpp"
#include "synth/face_warp.hpp"
#include "synth/scenario.hpp"

namespace ft {

class LandmarkModel;

// The undeformed canvas and the landmarks found on it (unmirrored image pixels).
struct FaceCanvas {
  cv::Mat bgr;  // scenario width x height, 8-bit BGR
  Landmarks68 landmarks{};
  double iod_px = 0.0;  // distance between the eye centres (each the mean of its 6 landmarks)
};

// Loads `photo`, resizes it by scenario.face_scale, places the face centre at the canvas centre
// (replicating the border) and fits the landmarks with FaceTracker::detect_all (largest face).
// Errors: ErrorKind::Input for a missing/unreadable photo or no face in it.
Result<FaceCanvas> prepare_face_canvas(const Scenario& scenario, const std::filesystem::path& photo,
                                       std::shared_ptr<const LandmarkModel> model);

// Turns the scenario's events at time t into warp controls and head motion. Immutable; thread safe.
class FaceAnimator {
 public:
  FaceAnimator(const Scenario& scenario, const Landmarks68& base_landmarks);

  double iod_px() const { return iod_px_; }
  cv::Point2f face_centre() const { return centre_; }
  // Unit vectors in the image: `up` is perpendicular to the eye line toward the forehead;
  // `person_left` along the eye line toward the person's left (image right in an unmirrored
  // picture).
  cv::Point2f up() const { return up_; }
  cv::Point2f person_left() const { return left_; }
  double eye_aperture_px(Side s) const {
    return s == Side::Left ? aperture_.left : aperture_.right;
  }

  // The local warp (undeformed canvas pixels) at time t: Gaussian controls for the mouth, lid
  // closures for the eyes; empty when nothing moves.
  LocalWarp warp_at(double t) const;
  // Head motion at t (about the face centre).
  Similarity motion_at(double t) const;
  // The mouth opened by opening_px (talking): the slit between the inner lips stretched open, the
  // lower lip and chin moving down, the upper lip up (face_warp.hpp).
  MouthOpening mouth_opening(double opening_px) const;

 private:
  Scenario scenario_;
  Landmarks68 base_{};
  double iod_px_ = 0.0;
  cv::Point2f centre_{};
  cv::Point2f up_{0.0f, -1.0f};
  cv::Point2f left_{1.0f, 0.0f};
  PerSide<double> aperture_{};
  PerSide<double> eye_width_{};
};

// Renders frames of a scenario. Keeps its buffers between frames: one thread at a time.
// Resampling: bicubic over the face (landmark box plus 0.6 IOD), bilinear elsewhere (OpenCV's
// bicubic remap is ~8x slower); without head motion the pixels outside the face are an exact copy
// of the canvas. Sensor noise comes from a bank of pre-drawn Gaussian planes, each frame taking one
// at an offset drawn from a generator seeded by (scenario seed, frame index).
class FrameRenderer {
 public:
  FrameRenderer(const Scenario& scenario, FaceCanvas canvas);
  // Frame i (t = i / fps) into `out` (8-bit BGR, scenario size). Deterministic.
  void render(int frame_index, cv::Mat& out);
  const FaceAnimator& animator() const { return animator_; }
  const FaceCanvas& canvas() const { return canvas_; }

 private:
  static constexpr int kNoisePlanes = 8;
  static constexpr int kNoiseMargin = 32;  // noise planes are this much larger than the frame

  Scenario scenario_;
  FaceCanvas canvas_;
  FaceAnimator animator_;
  cv::Rect2d face_box_;              // canvas pixels, where bicubic resampling is used
  std::vector<cv::Mat> noise_bank_;  // CV_32FC3, (height + margin) x (width + margin)
  cv::Mat map_x_, map_y_, warped_, work_f32_, flipped_;
};

using GenerateProgress = std::function<void(int frames_done, int frames_total)>;

class VideoWriter;
// Renders frames 0 .. frames-1 with `render` (on this thread) while a second thread feeds them to
// `video`, then closes it. Stops at the first error of either (the render's error first).
Status encode_frames(VideoWriter& video, int frames, const std::function<Status(int, cv::Mat&)>& render,
                     const GenerateProgress& progress = {});

// The distance between the two eye centres (each the mean of its 6 landmarks), pixels: the IOD in
// which the generator's amplitudes are given (FaceAnimator::iod_px).
double landmark_iod_px(const Landmarks68& landmarks);

struct GenerateReport {
  int frames = 0;
  double fps = 0.0;
  double iod_px = 0.0;
  std::filesystem::path video_path;  // out_dir/video.mp4
  std::filesystem::path truth_path;  // out_dir/truth.json
  double seconds = 0.0;              // wall time of the whole generation
  Landmarks68 landmarks{};           // base landmarks on the undeformed canvas (unmirrored)
};

// Writes out_dir/video.mp4 and out_dir/truth.json (creating out_dir; existing files are
// overwritten). `model_path` empty = locate_model(""). Errors: BadArguments (invalid scenario),
// Input (photo), Model, Output (folder, ffmpeg).
Result<GenerateReport> generate_video(const Scenario& scenario, const std::filesystem::path& photo,
                                      const std::filesystem::path& out_dir,
                                      const std::filesystem::path& model_path,
                                      const GenerateProgress& progress = {});

}  // namespace ft
