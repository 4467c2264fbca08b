// landmark_regressor_test.cpp: our evaluation of the shape predictor (face/landmark_regressor.hpp)
// against dlib's own, on the astronaut portrait with fresh sensor noise in every frame (a still
// face: all the movement is jitter). It must find the same landmarks (within a fraction of a pixel
// on average) and jitter no more than dlib on a crop upsampled to a 400 px face, which is what the
// tracker did before. Prints the jitter of each method (docs/PERFORMANCE.md quotes it).
#include <cstdio>
#include <fstream>
#include <sstream>

#include <dlib/image_processing.h>
#include <dlib/opencv/cv_image.h>
#include <gtest/gtest.h>
#include <opencv2/imgcodecs.hpp>
#include <opencv2/imgproc.hpp>

#include "core/paths.hpp"
#include "face/face_tracker.hpp"
#include "face/landmark_regressor.hpp"
#include "face/model_locator.hpp"

namespace ft {
namespace {

// dlib's predictor on the box's crop (box +- 25 %) upsampled until the box is `box_px` wide (no
// upsampling when box_px <= the box), mapped back to the image.
Landmarks68 dlib_upsampled(const dlib::shape_predictor& sp, const cv::Mat& gray,
                           const cv::Rect2f& box, float box_px) {
  const float scale = std::max(1.0f, box_px / box.width);
  cv::Rect roi(static_cast<int>(std::floor(box.x - 0.25f * box.width)),
               static_cast<int>(std::floor(box.y - 0.25f * box.height)),
               static_cast<int>(std::ceil(1.5f * box.width)),
               static_cast<int>(std::ceil(1.5f * box.height)));
  roi &= cv::Rect(0, 0, gray.cols, gray.rows);
  cv::Mat up;
  cv::resize(gray(roi), up, cv::Size(), scale, scale, cv::INTER_LINEAR);
  const float s = static_cast<float>(up.cols) / static_cast<float>(roi.width);
  const float x0 = (box.x - static_cast<float>(roi.x)) * s,
              y0 = (box.y - static_cast<float>(roi.y)) * s;
  dlib::cv_image<unsigned char> img(up);
  const dlib::rectangle r(std::lround(x0), std::lround(y0), std::lround(x0 + box.width * s - 1.0f),
                          std::lround(y0 + box.height * s - 1.0f));
  const auto shape = sp(img, r);
  Landmarks68 out{};
  for (unsigned long i = 0; i < 68; ++i) {
    out[i] = cv::Point2f(
        static_cast<float>(roi.x) + (static_cast<float>(shape.part(i).x()) + 0.5f) / s - 0.5f,
        static_cast<float>(roi.y) + (static_cast<float>(shape.part(i).y()) + 0.5f) / s - 0.5f);
  }
  return out;
}

struct Track {
  std::vector<Landmarks68> frames;
  // Mean over the 68 points of the RMS distance from the point's mean position (pixels).
  double jitter() const {
    double total = 0.0;
    for (std::size_t p = 0; p < 68; ++p) {
      cv::Point2d mean(0, 0);
      for (const auto& f : frames)
        mean += cv::Point2d(f[p].x, f[p].y);
      mean *= 1.0 / static_cast<double>(frames.size());
      double sq = 0.0;
      for (const auto& f : frames) {
        const cv::Point2d d = cv::Point2d(f[p].x, f[p].y) - mean;
        sq += d.dot(d);
      }
      total += std::sqrt(sq / static_cast<double>(frames.size()));
    }
    return total / 68.0;
  }
  cv::Point2d mean(std::size_t p) const {
    cv::Point2d m(0, 0);
    for (const auto& f : frames)
      m += cv::Point2d(f[p].x, f[p].y);
    return m * (1.0 / static_cast<double>(frames.size()));
  }
};

}  // namespace

TEST(LandmarkRegressor, SameLandmarksAsDlibWithLessJitter) {
  const auto photo = find_demo_photo();
  if (!photo)
    GTEST_SKIP() << "astronaut portrait not in the cache: run scripts/setup.sh";
  const auto path = locate_model("");
  ASSERT_TRUE(path.ok());
  dlib::shape_predictor sp;
  {
    std::ifstream in(path.value(), std::ios::binary);
    dlib::deserialize(sp, in);
  }
  std::ifstream in(path.value(), std::ios::binary);
  auto regressor = LandmarkRegressor::from_dlib_stream(in);
  ASSERT_TRUE(regressor.ok()) << regressor.error().message;
  auto model = load_landmark_model(path.value());
  ASSERT_TRUE(model.ok());

  for (const double zoom : {1.0, 1.6, 3.2}) {  // face boxes of ~90, ~150 and ~300 px
    cv::Mat bgr = cv::imread(photo->string());
    ASSERT_FALSE(bgr.empty());
    cv::Mat still;
    cv::resize(bgr, bgr, cv::Size(), zoom, zoom, cv::INTER_CUBIC);
    cv::cvtColor(bgr, still, cv::COLOR_BGR2GRAY);
    FaceTracker tracker(model.value());
    const auto faces = tracker.detect_all(still);
    ASSERT_FALSE(faces.empty());
    const cv::Rect2f box = faces[0].box;

    Track ours, up400, up250, up200, native;
    LandmarkRegressor::Workspace ws;
    cv::RNG rng(17);
    for (int i = 0; i < 40; ++i) {
      cv::Mat noise(still.size(), CV_16SC1);
      rng.fill(noise, cv::RNG::NORMAL, 0.0, 2.0);  // sensor noise, sigma 2 grey levels
      cv::Mat noisy;
      cv::add(still, noise, noisy, cv::noArray(), CV_8U);
      Landmarks68 lm{};
      regressor->predict(noisy, cv::Rect(0, 0, noisy.cols, noisy.rows), box, lm, ws);
      ours.frames.push_back(lm);
      up400.frames.push_back(dlib_upsampled(sp, noisy, box, 400.0f));
      up250.frames.push_back(dlib_upsampled(sp, noisy, box, 250.0f));
      up200.frames.push_back(dlib_upsampled(sp, noisy, box, 200.0f));
      native.frames.push_back(dlib_upsampled(sp, noisy, box, 0.0f));
    }
    double offset = 0.0;
    for (std::size_t p = 0; p < 68; ++p)
      offset += cv::norm(ours.mean(p) - up400.mean(p));
    offset /= 68.0;
    std::printf(
        "face box %.0f px: landmark jitter (mean RMS, px): ours %.3f | dlib on a crop upsampled to "
        "a "
        "400 px face %.3f, 250 px %.3f, 200 px %.3f, not upsampled %.3f; mean offset ours - dlib "
        "400: "
        "%.3f px\n",
        box.width, ours.jitter(), up400.jitter(), up250.jitter(), up200.jitter(), native.jitter(),
        offset);
    EXPECT_LE(ours.jitter(), 1.1 * up400.jitter() + 0.02);
    EXPECT_LT(offset, 0.75);
  }
}

// The compact form (the model cache) reads back exactly; a truncated or altered copy is refused.
TEST(LandmarkRegressor, CompactFormRoundTripsAndRefusesDamage) {
  const auto path = locate_model("");
  ASSERT_TRUE(path.ok());
  std::ifstream in(path.value(), std::ios::binary);
  auto regressor = LandmarkRegressor::from_dlib_stream(in);
  ASSERT_TRUE(regressor.ok());
  std::stringstream buffer;
  ASSERT_TRUE(regressor->write(buffer));
  const std::string bytes = buffer.str();
  std::istringstream back(bytes);
  auto copy = LandmarkRegressor::read(back);
  ASSERT_TRUE(copy.has_value());
  EXPECT_EQ(copy->memory_bytes(), regressor->memory_bytes());
  // The same landmarks on a synthetic picture (bit for bit: the same arrays).
  cv::Mat img(300, 300, CV_8UC1);
  cv::randu(img, 0, 255);
  cv::GaussianBlur(img, img, cv::Size(9, 9), 3.0);
  LandmarkRegressor::Workspace ws;
  Landmarks68 a{}, b{};
  regressor->predict(img, cv::Rect(0, 0, 300, 300), cv::Rect2f(80, 80, 140, 140), a, ws);
  copy->predict(img, cv::Rect(0, 0, 300, 300), cv::Rect2f(80, 80, 140, 140), b, ws);
  for (std::size_t i = 0; i < 68; ++i) {
    EXPECT_EQ(a[i].x, b[i].x);
    EXPECT_EQ(a[i].y, b[i].y);
  }
  std::istringstream truncated(bytes.substr(0, bytes.size() / 2));
  EXPECT_FALSE(LandmarkRegressor::read(truncated).has_value());
  std::string altered = bytes;
  altered[altered.size() / 2] = static_cast<char>(altered[altered.size() / 2] ^ 0x10);
  std::istringstream damaged(altered);
  EXPECT_FALSE(LandmarkRegressor::read(damaged).has_value());
  std::istringstream garbage(std::string(1000, 'x'));
  EXPECT_FALSE(LandmarkRegressor::read(garbage).has_value());
}

}  // namespace ft
