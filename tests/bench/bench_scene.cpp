// bench_scene.cpp: loads the model and decodes the benchmark videos once.
#include "bench_scene.hpp"

#include <cstdio>
#include <cstdlib>

#include <opencv2/imgproc.hpp>

#include "capture/frame_source.hpp"
#include "face/model_locator.hpp"
#include "pipeline/bench.hpp"

namespace ft::bench {
namespace {

constexpr int kFrames = 60;  // 2 s at 30 fps: head motion and a blink

[[noreturn]] void die(const std::string& why) {
  std::fprintf(stderr, "ft_benchmarks: %s\n", why.c_str());
  std::exit(2);
}

SceneVideo load(const std::filesystem::path& model_path, std::shared_ptr<const LandmarkModel> model,
                int w, int h) {
  auto video = ensure_bench_video(bench_scenario(w, h), model_path);
  if (!video)
    die(video.error().message);
  auto src = open_video_file(video.value());
  if (!src)
    die(src.error().message);
  SceneVideo v;
  v.width = w;
  v.height = h;
  FaceTracker tracker(model);
  for (int i = 0; i < kFrames; ++i) {
    Frame f;
    if ((*src)->read(f) != ReadStatus::Frame)
      break;
    cv::Mat g;
    cv::cvtColor(f.image, g, cv::COLOR_BGR2GRAY);
    const FaceObservation obs = tracker.track(g, f.t);
    if (!obs.found)
      die("no face in frame " + std::to_string(i) + " of " + video->string());
    v.frames.push_back(f);
    v.grey.push_back(g);
    v.landmarks.push_back(obs.landmarks);
    v.boxes.push_back(obs.box);
  }
  if (v.frames.empty())
    die("no frame in " + video->string());
  return v;
}

Scene build() {
  auto path = locate_model("");
  if (!path)
    die(path.error().message);
  auto model = load_landmark_model(path.value());
  if (!model)
    die(model.error().message);
  Scene s;
  s.model = model.value();
  s.hd = load(path.value(), s.model, 1280, 720);
  s.vga = load(path.value(), s.model, 640, 480);
  return s;
}

}  // namespace

const Scene& scene() {
  static const Scene s = build();
  return s;
}

}  // namespace ft::bench
