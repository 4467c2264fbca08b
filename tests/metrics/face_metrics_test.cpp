// face_metrics_test.cpp: the face region's exposure statistics (quality.hpp), computed in one pass
// without OpenCV temporaries, agree with the OpenCV formulation they replace (cv::resize INTER_AREA
// to 128 px width, cv::mean, countNonZero(>= 250), cv::Laplacian ksize 1 + meanStdDev), for face
// boxes of several sizes and positions, including one wider than the picture and one under 128 px.
#include <random>

#include <gtest/gtest.h>
#include <opencv2/imgproc.hpp>

#include "metrics/quality.hpp"

namespace ft {
namespace {

ExposureStats opencv_reference(const cv::Mat& gray, const cv::Rect2f& box) {
  ExposureStats s;
  cv::Rect r(static_cast<int>(box.x), static_cast<int>(box.y), static_cast<int>(box.width),
             static_cast<int>(box.height));
  r &= cv::Rect(0, 0, gray.cols, gray.rows);
  const double scale = 128.0 / r.width;
  cv::Mat small;
  cv::resize(gray(r), small,
             cv::Size(128, std::max(8, static_cast<int>(std::lround(r.height * scale)))), 0, 0,
             cv::INTER_AREA);
  s.mean_grey = cv::mean(small)[0];
  s.saturated_fraction =
      static_cast<double>(cv::countNonZero(small >= 250)) / static_cast<double>(small.total());
  cv::Mat lap;
  cv::Laplacian(small, lap, CV_16S);
  cv::Scalar mean, sd;
  cv::meanStdDev(lap, mean, sd);
  s.sharpness = sd[0] * sd[0];
  return s;
}

// A textured test picture: smooth shading, edges, noise and a few saturated patches.
cv::Mat picture() {
  cv::Mat img(720, 1280, CV_8UC1);
  std::mt19937 rng(5);
  std::normal_distribution<double> noise(0.0, 6.0);
  for (int y = 0; y < img.rows; ++y) {
    for (int x = 0; x < img.cols; ++x) {
      double v = 110 + 60 * std::sin(x * 0.05) * std::cos(y * 0.031) +
                 ((x / 37 + y / 29) % 2 ? 25 : -25) + noise(rng);
      img.at<unsigned char>(y, x) = cv::saturate_cast<unsigned char>(v);
    }
  }
  cv::rectangle(img, cv::Rect(600, 300, 40, 30), cv::Scalar(255), cv::FILLED);
  return img;
}

}  // namespace

TEST(FaceExposure, AgreesWithTheOpenCvFormulation) {
  const cv::Mat img = picture();
  ExposureScratch scratch;
  for (const cv::Rect2f box :
       {cv::Rect2f(500, 200, 310, 311), cv::Rect2f(520.4f, 233.7f, 217.3f, 240.9f),
        cv::Rect2f(100, 100, 128, 128), cv::Rect2f(1100, 500, 400, 380),
        cv::Rect2f(300, 300, 90, 96), cv::Rect2f(580, 280, 256, 256)}) {
    const ExposureStats ours = face_exposure(img, box, scratch);
    const ExposureStats ref = opencv_reference(img, box);
    EXPECT_NEAR(ours.mean_grey, ref.mean_grey, 0.05) << box;
    EXPECT_NEAR(ours.saturated_fraction, ref.saturated_fraction, 0.002) << box;
    EXPECT_NEAR(ours.sharpness, ref.sharpness, 0.01 * ref.sharpness) << box;
  }
}

TEST(FaceExposure, TooSmallOrOutsideGivesZeros) {
  const cv::Mat img = picture();
  ExposureScratch scratch;
  const ExposureStats s = face_exposure(img, cv::Rect2f(2000, 2000, 100, 100), scratch);
  EXPECT_EQ(s.mean_grey, 0.0);
  EXPECT_EQ(s.sharpness, 0.0);
}

}  // namespace ft
