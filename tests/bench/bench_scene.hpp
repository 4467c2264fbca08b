// bench_scene.hpp: what the micro-benchmarks run on: the landmark model and the first frames of the
// `facetwitch bench` test videos (bench_scenario at 1280x720 and 640x480, generated and cached on
// first use), decoded once and kept in memory, with their grey versions and tracked landmarks.
// Thread safety: scene() builds the scene once (thread-safe static); it is read-only afterwards.
#pragma once

#include <memory>
#include <vector>

#include <opencv2/core.hpp>

#include "core/frame.hpp"
#include "core/landmarks.hpp"
#include "face/face_tracker.hpp"

namespace ft::bench {

struct SceneVideo {
  int width = 0, height = 0;
  std::vector<Frame> frames;           // BGR, t from the file
  std::vector<cv::Mat> grey;           // the same frames, 8-bit grey
  std::vector<Landmarks68> landmarks;  // tracked on each frame
  std::vector<cv::Rect2f> boxes;       // the predictor's box on each frame
};

struct Scene {
  std::shared_ptr<const LandmarkModel> model;
  SceneVideo hd;   // 1280x720
  SceneVideo vga;  // 640x480
  const SceneVideo& video(int index) const { return index == 0 ? hd : vga; }
};

// Aborts the benchmark binary with a message when the model or the astronaut photo is missing.
const Scene& scene();

}  // namespace ft::bench
