// alignment_test.cpp: the Procrustes similarity fit and the canonical frame, with numbers.
#include <cmath>
#include <random>

#include <gtest/gtest.h>
#include <opencv2/calib3d.hpp>

#include "metrics/alignment.hpp"
#include "metrics/head_pose.hpp"

namespace ft {

namespace {
// A frontal face placed in an image: template points scaled by `iod` px, rotated by `deg` and moved.
// Returns landmarks where only the rigid points (and any extra points given) are meaningful.
Landmarks68 place_template(double iod, double deg, cv::Point2d origin) {
  Landmarks68 lms{};
  const double a = deg * M_PI / 180.0;
  const auto& idx = rigid_indices();
  for (std::size_t i = 0; i < idx.size(); ++i) {
    const cv::Point2d c = rigid_template()[i];
    // canonical (x to person's left = image right, y up) -> image (y down)
    const double x = iod * c.x, y = -iod * c.y;
    lms[static_cast<std::size_t>(idx[i])] = cv::Point2f(static_cast<float>(origin.x + std::cos(a) * x - std::sin(a) * y),
                                                        static_cast<float>(origin.y + std::sin(a) * x + std::cos(a) * y));
  }
  return lms;
}
}  // namespace

TEST(Similarity, RecoversAKnownTransform) {
  Similarity truth;
  truth.a = 1.7 * std::cos(0.3);
  truth.b = 1.7 * std::sin(0.3);
  truth.tx = 12.0;
  truth.ty = -4.0;
  std::vector<cv::Point2d> src{{0, 0}, {1, 0}, {0, 2}, {3, 1}, {-1, -2}};
  std::vector<cv::Point2d> dst;
  for (auto p : src) dst.push_back(truth.apply(p));
  const Similarity s = fit_similarity(src, dst);
  EXPECT_NEAR(s.scale(), 1.7, 1e-9);
  EXPECT_NEAR(s.angle_rad(), 0.3, 1e-9);
  EXPECT_NEAR(s.tx, 12.0, 1e-9);
  EXPECT_NEAR(s.ty, -4.0, 1e-9);
  const cv::Point2d back = s.inverse().apply(s.apply({5.0, -7.0}));
  EXPECT_NEAR(back.x, 5.0, 1e-9);
  EXPECT_NEAR(back.y, -7.0, 1e-9);
}

TEST(Similarity, DegenerateInputGivesIdentity) {
  std::vector<cv::Point2d> same{{1, 1}, {1, 1}};
  const Similarity s = fit_similarity(same, same);
  EXPECT_EQ(s.a, 1.0);
  EXPECT_EQ(s.b, 0.0);
}

TEST(Template, IsSymmetricWithUnitEyeDistance) {
  const auto& t = rigid_template();
  EXPECT_NEAR(t[0].x, -t[3].x, 1e-12);
  EXPECT_NEAR(t[1].x, -t[2].x, 1e-12);
  for (int i = 4; i < 8; ++i) EXPECT_EQ(t[static_cast<std::size_t>(i)].x, 0.0);
}

TEST(Canonical, IodScaleAndRotationAreRemoved) {
  for (double deg : {-20.0, 0.0, 15.0}) {
    for (double iod : {50.0, 120.0}) {
      Landmarks68 lms = place_template(iod, deg, {320, 240});
      // A mouth corner 0.5 IOD to the person's left and 0.8 IOD below the eye line.
      const double a = deg * M_PI / 180.0;
      const double x = iod * 0.5, y = iod * 0.8;
      lms[54] = cv::Point2f(static_cast<float>(320 + std::cos(a) * x - std::sin(a) * y),
                            static_cast<float>(240 + std::sin(a) * x + std::cos(a) * y));
      const CanonicalFace f = align_to_canonical(lms);
      EXPECT_NEAR(f.iod_px, iod, 1e-3 * iod);
      EXPECT_LT(f.fit_rms, 1e-5);
      EXPECT_NEAR(f.points[54].x, 0.5, 1e-4);
      EXPECT_NEAR(f.points[54].y, -0.8, 1e-4);
      const cv::Point2f back = f.to_image(f.points[54]);
      EXPECT_NEAR(back.x, lms[54].x, 1e-2);
      EXPECT_NEAR(back.y, lms[54].y, 1e-2);
    }
  }
}

TEST(Canonical, NoisyRigidPointsStillGiveTheScaleWithinAPercent) {
  std::mt19937 rng(3);
  std::normal_distribution<double> n(0.0, 0.5);
  Landmarks68 lms = place_template(100.0, 5.0, {300, 200});
  for (int i : rigid_indices()) {
    lms[static_cast<std::size_t>(i)].x += static_cast<float>(n(rng));
    lms[static_cast<std::size_t>(i)].y += static_cast<float>(n(rng));
  }
  const CanonicalFace f = align_to_canonical(lms);
  EXPECT_NEAR(f.iod_px, 100.0, 1.0);
}

// Head pose: project the generic model rotated by known angles, then estimate.
namespace {
Landmarks68 project_model(double yaw_deg, double pitch_deg, double roll_deg, cv::Size size) {
  const double y = yaw_deg * M_PI / 180, p = pitch_deg * M_PI / 180, r = roll_deg * M_PI / 180;
  const cv::Matx33d ry(std::cos(y), 0, std::sin(y), 0, 1, 0, -std::sin(y), 0, std::cos(y));
  const cv::Matx33d rx(1, 0, 0, 0, std::cos(p), -std::sin(p), 0, std::sin(p), std::cos(p));
  const cv::Matx33d rz(std::cos(r), -std::sin(r), 0, std::sin(r), std::cos(r), 0, 0, 0, 1);
  const cv::Matx33d rot = ry * rx * rz;
  const double f = std::max(size.width, size.height);
  Landmarks68 lms{};
  for (const auto& mp : generic_face_model()) {
    // Rotate about the head's centre, ~90 mm behind the nose tip.
    const cv::Vec3d c(0, 0, 90);
    const cv::Vec3d q = rot * (cv::Vec3d(mp.mm.x, mp.mm.y, mp.mm.z) - c) + c + cv::Vec3d(0, 0, 600);
    lms[static_cast<std::size_t>(mp.index)] =
        cv::Point2f(static_cast<float>(f * q[0] / q[2] + size.width / 2.0), static_cast<float>(f * q[1] / q[2] + size.height / 2.0));
  }
  return lms;
}
}  // namespace

TEST(HeadPose, FrontalIsNearZero) {
  const HeadPose p = estimate_head_pose(project_model(0, 0, 0, {640, 480}), {640, 480});
  ASSERT_TRUE(p.valid);
  EXPECT_NEAR(p.yaw_deg, 0, 0.5);
  EXPECT_NEAR(p.pitch_deg, 0, 0.5);
  EXPECT_NEAR(p.roll_deg, 0, 0.5);
}

TEST(HeadPose, SignsFollowThePersonsLeftAndUp) {
  // The nose moving toward the image's right (the person's left, unmirrored) is a turn to the left.
  const Landmarks68 turned = project_model(-20, 0, 0, {640, 480});
  const Landmarks68 frontal = project_model(0, 0, 0, {640, 480});
  ASSERT_GT(turned[30].x, frontal[30].x);  // the nose went toward the image's right
  const HeadPose yaw = estimate_head_pose(turned, {640, 480});
  EXPECT_NEAR(yaw.yaw_deg, 20, 1.5);
  // Looking up: the nose tip rises in the image relative to the eye corners.
  for (double p : {-15.0, 15.0}) {
    const Landmarks68 lm = project_model(0, p, 0, {640, 480});
    const double eyes_y = 0.5 * (lm[36].y + lm[45].y), eyes_y0 = 0.5 * (frontal[36].y + frontal[45].y);
    const bool looks_up = (lm[30].y - eyes_y) < (frontal[30].y - eyes_y0);
    const HeadPose pose = estimate_head_pose(lm, {640, 480});
    EXPECT_NEAR(pose.pitch_deg, looks_up ? 15 : -15, 1.5) << "model pitch " << p;
  }
  // Tilting toward the left shoulder: the person's left eye (image right, 45) goes down.
  for (double r : {-10.0, 10.0}) {
    const Landmarks68 lm = project_model(0, 0, r, {640, 480});
    const bool to_left_shoulder = lm[45].y > lm[36].y;
    const HeadPose pose = estimate_head_pose(lm, {640, 480});
    EXPECT_NEAR(pose.roll_deg, to_left_shoulder ? 10 : -10, 1.5) << "model roll " << r;
  }
}

// Our Levenberg-Marquardt gives what cv::solvePnP (iterative) gives, on noisy projections of many
// poses.
TEST(HeadPose, AgreesWithOpenCvSolvePnP) {
  std::mt19937 rng(11);
  std::uniform_real_distribution<double> angle(-30.0, 30.0);
  std::normal_distribution<double> noise(0.0, 0.7);
  const cv::Size size(1280, 720);
  int opencv_flipped = 0;
  for (int k = 0; k < 40; ++k) {
    Landmarks68 lm = project_model(angle(rng), 0.6 * angle(rng), 0.5 * angle(rng), size);
    for (const auto& mp : generic_face_model()) {
      auto& p = lm[static_cast<std::size_t>(mp.index)];
      p.x += static_cast<float>(noise(rng));
      p.y += static_cast<float>(noise(rng));
    }
    const HeadPose ours = estimate_head_pose(lm, size);
    ASSERT_TRUE(ours.valid);
    // The same problem through OpenCV.
    std::vector<cv::Point3d> object;
    std::vector<cv::Point2d> image;
    for (const auto& mp : generic_face_model()) {
      object.push_back(mp.mm);
      image.emplace_back(lm[static_cast<std::size_t>(mp.index)].x,
                         lm[static_cast<std::size_t>(mp.index)].y);
    }
    const double f = std::max(size.width, size.height);
    const cv::Matx33d cam(f, 0, size.width / 2.0, 0, f, size.height / 2.0, 0, 0, 1);
    cv::Vec3d rvec, tvec;
    ASSERT_TRUE(
        cv::solvePnP(object, image, cam, cv::noArray(), rvec, tvec, false, cv::SOLVEPNP_ITERATIVE));
    cv::Matx33d r;
    cv::Rodrigues(rvec, r);
    const double deg = 180.0 / M_PI;
    const double cv_roll = std::atan2(r(1, 0), r(0, 0)) * deg;
    if (std::abs(cv_roll) > 90.0) {
      ++opencv_flipped;  // OpenCV's DLT start sometimes lands on the upside-down solution; ours
                         // does not
      EXPECT_LT(std::abs(ours.roll_deg), 30.0) << "pose " << k;
      continue;
    }
    EXPECT_NEAR(ours.yaw_deg, -std::asin(std::clamp(-r(2, 0), -1.0, 1.0)) * deg, 0.05)
        << "pose " << k;
    EXPECT_NEAR(ours.pitch_deg, -std::atan2(r(2, 1), r(2, 2)) * deg, 0.05) << "pose " << k;
    EXPECT_NEAR(ours.roll_deg, cv_roll, 0.05) << "pose " << k;
  }
  EXPECT_LE(opencv_flipped, 3);
}

}  // namespace ft
