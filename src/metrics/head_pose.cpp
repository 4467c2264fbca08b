// head_pose.cpp: solvePnP on a generic 3-D face.
#include "metrics/head_pose.hpp"

#include <algorithm>
#include <cmath>
#include <vector>

#include <opencv2/calib3d.hpp>

namespace ft {

const std::array<ModelPoint, 10>& generic_face_model() {
  // Approximate adult averages, nose tip at the origin; our own rounded values from typical
  // anthropometric proportions (eye width ~30 mm, outer canthal width ~90 mm, mouth width ~50 mm).
  static const std::array<ModelPoint, 10> k{{
      {lm::NoseTip, {0.0, 0.0, 0.0}},
      {lm::NoseBridgeTop, {0.0, -40.0, 20.0}},
      {lm::NoseBase, {0.0, 12.0, 14.0}},
      {lm::Chin, {0.0, 72.0, 22.0}},
      {lm::EyeImageLeftOuter, {-45.0, -35.0, 30.0}},
      {lm::EyeImageLeftInner, {-15.0, -35.0, 22.0}},
      {lm::EyeImageRightInner, {15.0, -35.0, 22.0}},
      {lm::EyeImageRightOuter, {45.0, -35.0, 30.0}},
      {lm::MouthCornerImageLeft, {-25.0, 32.0, 24.0}},
      {lm::MouthCornerImageRight, {25.0, 32.0, 24.0}},
  }};
  return k;
}

HeadPose estimate_head_pose(const Landmarks68& image_px, cv::Size image_size) {
  HeadPose pose;
  if (image_size.width <= 0 || image_size.height <= 0) return pose;
  std::vector<cv::Point3d> object;
  std::vector<cv::Point2d> image;
  object.reserve(10);
  image.reserve(10);
  for (const auto& mp : generic_face_model()) {
    object.push_back(mp.mm);
    const cv::Point2f p = image_px[static_cast<std::size_t>(mp.index)];
    image.emplace_back(p.x, p.y);
  }
  const double f = std::max(image_size.width, image_size.height);
  const cv::Matx33d k(f, 0, image_size.width / 2.0, 0, f, image_size.height / 2.0, 0, 0, 1);
  cv::Vec3d rvec, tvec;
  bool ok = false;
  try {
    ok = cv::solvePnP(object, image, k, cv::noArray(), rvec, tvec, false, cv::SOLVEPNP_ITERATIVE);
  } catch (const cv::Exception&) {
    ok = false;
  }
  if (!ok || tvec[2] <= 0.0) return pose;
  cv::Matx33d r;
  cv::Rodrigues(rvec, r);
  // r maps model axes (x image-right, y down, z away) to camera axes. Decompose R = Ry(yaw) Rx(pitch)
  // Rz(roll) in the camera frame.
  const double yaw = std::asin(std::clamp(-r(2, 0), -1.0, 1.0));
  const double pitch = std::atan2(r(2, 1), r(2, 2));
  const double roll = std::atan2(r(1, 0), r(0, 0));
  constexpr double kDeg = 180.0 / 3.14159265358979323846;
  pose.valid = true;
  // The person turning toward their left moves the nose toward the image right: a rotation about the
  // camera's y axis with negative angle in this convention; sign flips below give the documented signs.
  pose.yaw_deg = -yaw * kDeg;
  pose.pitch_deg = -pitch * kDeg;
  pose.roll_deg = roll * kDeg;
  return pose;
}

}  // namespace ft
