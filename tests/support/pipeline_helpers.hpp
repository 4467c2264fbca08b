// pipeline_helpers.hpp: what the pipeline tests share: the landmark model (loaded once per test
// process; it is immutable), and the paced file source standing in for a camera, slowed down in
// sanitizer builds, which analyse several times slower than real time, so that the analysis keeps up
// and the detection checks stay meaningful.
#pragma once

#include <filesystem>
#include <memory>

#include <gtest/gtest.h>

#include "capture/frame_source.hpp"
#include "face/face_tracker.hpp"
#include "face/model_locator.hpp"

namespace ft::testing {

#if defined(__SANITIZE_THREAD__)
inline constexpr double kLiveSpeed = 0.1;  // ThreadSanitizer: 5-15 times slower than a normal build
#elif defined(__SANITIZE_ADDRESS__)
inline constexpr double kLiveSpeed = 0.25;
#else
inline constexpr double kLiveSpeed = 1.0;
#endif

inline std::shared_ptr<const LandmarkModel> test_model() {
  static const std::shared_ptr<const LandmarkModel> model = [] {
    auto p = locate_model("");
    return p ? load_landmark_model(p.value()).value() : nullptr;
  }();
  return model;
}

// `video` delivered in real time (times kLiveSpeed); fail_after_s >= 0 fails like an unplugged camera.
inline std::unique_ptr<FrameSource> paced_source(const std::filesystem::path& video, double fail_after_s = -1) {
  auto file = open_video_file(video);
  EXPECT_TRUE(file.ok());
  PacedOptions o;
  o.speed = kLiveSpeed;
  o.fail_after_s = fail_after_s;
  return make_paced_source(std::move(file).value(), o);
}

}  // namespace ft::testing
