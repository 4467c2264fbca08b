// quality.cpp: per-frame quality flags.
#include "metrics/quality.hpp"

#include <cmath>

#include <opencv2/imgproc.hpp>

namespace ft {

ExposureStats face_exposure(const cv::Mat& gray, const cv::Rect2f& box, cv::Mat& scratch) {
  ExposureStats s;
  cv::Rect r(static_cast<int>(box.x), static_cast<int>(box.y), static_cast<int>(box.width),
             static_cast<int>(box.height));
  r &= cv::Rect(0, 0, gray.cols, gray.rows);
  if (r.width < 8 || r.height < 8) return s;
  const double scale = 128.0 / r.width;
  cv::resize(gray(r), scratch, cv::Size(128, std::max(8, static_cast<int>(std::lround(r.height * scale)))), 0,
             0, cv::INTER_AREA);
  s.mean_grey = cv::mean(scratch)[0];
  s.saturated_fraction = static_cast<double>(cv::countNonZero(scratch >= 250)) / static_cast<double>(scratch.total());
  cv::Mat lap;
  cv::Laplacian(scratch, lap, CV_16S);
  cv::Scalar mean, sd;
  cv::meanStdDev(lap, mean, sd);
  s.sharpness = sd[0] * sd[0];
  return s;
}

std::uint32_t quality_flags(const HeadPose& pose, double iod_px, const ExposureStats& e,
                            const QualityLimits& limits) {
  std::uint32_t f = kQualityOk;
  if (pose.valid && (std::abs(pose.yaw_deg) > limits.max_abs_yaw_deg ||
                     std::abs(pose.pitch_deg) > limits.max_abs_pitch_deg)) {
    f |= kQualityPose;
  }
  if (!(iod_px >= limits.min_iod_px)) f |= kQualitySmall;
  if (e.mean_grey < limits.min_mean_grey) f |= kQualityDark;
  if (e.mean_grey > limits.max_mean_grey || e.saturated_fraction > limits.max_saturated_fraction) {
    f |= kQualityBright;
  }
  if (e.sharpness < limits.min_sharpness) f |= kQualityBlur;
  return f;
}

}  // namespace ft
