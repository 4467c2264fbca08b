// head_pose.cpp: the pose of a generic 3-D face from its projection (our own Levenberg-Marquardt;
// cv::solvePnP made ~300 heap allocations per call).
#include "metrics/head_pose.hpp"

#include <algorithm>
#include <array>
#include <cmath>

#include <opencv2/core/matx.hpp>

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

namespace {

// Rotation matrix of the rotation vector r (axis * angle, radians): Rodrigues' formula.
cv::Matx33d rotation(const cv::Vec3d& r) {
  const double th = std::sqrt(r.dot(r));
  if (th < 1e-12)
    return cv::Matx33d(1, -r[2], r[1], r[2], 1, -r[0], -r[1], r[0], 1);
  const cv::Vec3d k = r * (1.0 / th);
  const cv::Matx33d kx(0, -k[2], k[1], k[2], 0, -k[0], -k[1], k[0], 0);
  return cv::Matx33d::eye() + std::sin(th) * kx + (1.0 - std::cos(th)) * (kx * kx);
}

constexpr int kPoints = 10;
constexpr int kParams = 6;  // rotation vector, translation (mm)
using Params = cv::Vec<double, kParams>;
using Residuals = cv::Vec<double, 2 * kPoints>;

struct Problem {
  std::array<cv::Vec3d, kPoints> object;
  std::array<cv::Point2d, kPoints> image;
  double f = 1.0, cx = 0.0, cy = 0.0;

  // Reprojection residuals (pixels); false when a point falls behind the camera.
  bool residuals(const Params& p, Residuals& out) const {
    const cv::Matx33d r = rotation(cv::Vec3d(p[0], p[1], p[2]));
    const cv::Vec3d t(p[3], p[4], p[5]);
    for (int i = 0; i < kPoints; ++i) {
      const cv::Vec3d q = r * object[static_cast<std::size_t>(i)] + t;
      if (q[2] <= 1e-6)
        return false;
      out[2 * i] = f * q[0] / q[2] + cx - image[static_cast<std::size_t>(i)].x;
      out[2 * i + 1] = f * q[1] / q[2] + cy - image[static_cast<std::size_t>(i)].y;
    }
    return true;
  }
};

double squared(const Residuals& r) {
  return r.dot(r);
}

// Solves (a) x = b for a symmetric positive definite 6x6 matrix (Cholesky); false if it is not.
bool solve_spd(const cv::Matx<double, kParams, kParams>& a, const Params& b, Params& x) {
  cv::Matx<double, kParams, kParams> l = cv::Matx<double, kParams, kParams>::zeros();
  for (int i = 0; i < kParams; ++i) {
    for (int j = 0; j <= i; ++j) {
      double s = a(i, j);
      for (int k = 0; k < j; ++k)
        s -= l(i, k) * l(j, k);
      if (i == j) {
        if (!(s > 0.0))
          return false;
        l(i, i) = std::sqrt(s);
      } else {
        l(i, j) = s / l(j, j);
      }
    }
  }
  Params y;
  for (int i = 0; i < kParams; ++i) {
    double s = b[i];
    for (int k = 0; k < i; ++k)
      s -= l(i, k) * y[k];
    y[i] = s / l(i, i);
  }
  for (int i = kParams - 1; i >= 0; --i) {
    double s = y[i];
    for (int k = i + 1; k < kParams; ++k)
      s -= l(k, i) * x[k];
    x[i] = s / l(i, i);
  }
  return true;
}

// Levenberg-Marquardt on the reprojection error (what cv::solvePnP's iterative method minimises),
// from a frontal guess: no allocation, ~10 us. False when it does not find a pose in front of the
// camera.
bool solve_pose(const Problem& pb, Params& p) {
  Residuals res, moved;
  if (!pb.residuals(p, res))
    return false;
  double cost = squared(res);
  double lambda = 1e-3;
  for (int iter = 0; iter < 100; ++iter) {
    // Jacobian by forward differences.
    cv::Matx<double, 2 * kPoints, kParams> jac;
    for (int k = 0; k < kParams; ++k) {
      const double h = k < 3 ? 1e-7 : 1e-7 * std::max(1.0, std::abs(p[k]));
      Params q = p;
      q[k] += h;
      if (!pb.residuals(q, moved))
        return false;
      for (int i = 0; i < 2 * kPoints; ++i)
        jac(i, k) = (moved[i] - res[i]) / h;
    }
    const cv::Matx<double, kParams, kParams> jtj = jac.t() * jac;
    const Params jtr = jac.t() * res;
    bool improved = false;
    for (int tries = 0; tries < 20 && !improved; ++tries) {
      cv::Matx<double, kParams, kParams> a = jtj;
      for (int k = 0; k < kParams; ++k)
        a(k, k) += lambda * std::max(jtj(k, k), 1e-12);
      Params step;
      if (!solve_spd(a, -jtr, step)) {
        lambda *= 10.0;
        continue;
      }
      const Params q = p + step;
      if (pb.residuals(q, moved) && squared(moved) < cost) {
        const double gain = cost - squared(moved);
        p = q;
        res = moved;
        cost = squared(moved);
        lambda = std::max(lambda * 0.1, 1e-12);
        improved = true;
        if (gain <= 1e-14 * std::max(1.0, cost) || cv::norm(step) < 1e-12)
          return true;
      } else {
        lambda *= 10.0;
      }
    }
    if (!improved)
      return true;  // no step lowers the error: converged
  }
  return true;
}

}  // namespace

HeadPose estimate_head_pose(const Landmarks68& image_px, cv::Size image_size) {
  HeadPose pose;
  if (image_size.width <= 0 || image_size.height <= 0) return pose;
  Problem pb;
  const auto& model = generic_face_model();
  for (std::size_t i = 0; i < model.size(); ++i) {
    pb.object[i] = cv::Vec3d(model[i].mm.x, model[i].mm.y, model[i].mm.z);
    const cv::Point2f p = image_px[static_cast<std::size_t>(model[i].index)];
    pb.image[i] = cv::Point2d(p.x, p.y);
  }
  pb.f = std::max(image_size.width, image_size.height);
  pb.cx = image_size.width / 2.0;
  pb.cy = image_size.height / 2.0;
  // Frontal guess: distance from the outer eye corners' spacing (90 mm in the model), position from
  // the nose tip (the model's origin).
  const cv::Point2f eye_l = image_px[lm::EyeImageLeftOuter],
                    eye_r = image_px[lm::EyeImageRightOuter];
  const double eyes_px = std::hypot(eye_r.x - eye_l.x, eye_r.y - eye_l.y);
  if (!(eyes_px > 1.0))
    return pose;
  const double z = pb.f * 90.0 / eyes_px;
  const cv::Point2f nose = image_px[lm::NoseTip];
  Params p(0.0, 0.0, 0.0, (nose.x - pb.cx) * z / pb.f, (nose.y - pb.cy) * z / pb.f, z);
  if (!solve_pose(pb, p) || p[5] <= 0.0)
    return pose;
  const cv::Matx33d r = rotation(cv::Vec3d(p[0], p[1], p[2]));
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
