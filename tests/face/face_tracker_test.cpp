// face_tracker_test.cpp: detection and tracking on the astronaut portrait; the side convention on a
// horizontally flipped picture; staying with the same person when there are two faces.
#include <cmath>

#include <gtest/gtest.h>
#include <opencv2/imgcodecs.hpp>
#include <opencv2/imgproc.hpp>

#include "core/paths.hpp"
#include "face/face_tracker.hpp"
#include "face/model_locator.hpp"
#include "metrics/face_metrics.hpp"

namespace ft {
namespace {

class FaceTrackerTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    auto path = locate_model("");
    ASSERT_TRUE(path.ok());
    auto m = load_landmark_model(path.value());
    ASSERT_TRUE(m.ok()) << m.error().message;
    model_ = m.value();
  }
  void SetUp() override {
    const auto photo = find_demo_photo();
    if (!photo) GTEST_SKIP() << "astronaut portrait not in the cache: run scripts/setup.sh";
    cv::Mat bgr = cv::imread(photo->string());
    ASSERT_FALSE(bgr.empty());
    cv::resize(bgr, bgr, cv::Size(), 1.5, 1.5, cv::INTER_CUBIC);
    cv::cvtColor(bgr, gray_, cv::COLOR_BGR2GRAY);
  }
  static std::shared_ptr<const LandmarkModel> model_;
  cv::Mat gray_;
};
std::shared_ptr<const LandmarkModel> FaceTrackerTest::model_;

}  // namespace

TEST_F(FaceTrackerTest, FindsTheFaceWithPlausibleLandmarks) {
  FaceTracker t(model_);
  auto faces = t.detect_all(gray_);
  ASSERT_GE(faces.size(), 1u);
  const auto& lm = faces[0].landmarks;
  // Eyes above the nose tip, above the mouth, above the chin (image y grows downward).
  EXPECT_LT(lm[37].y, lm[30].y);
  EXPECT_LT(lm[30].y, lm[51].y);
  EXPECT_LT(lm[57].y, lm[8].y);
  // Landmark 48 on the image's left of 54, 36 left of 45.
  EXPECT_LT(lm[48].x, lm[54].x);
  EXPECT_LT(lm[36].x, lm[45].x);
  // All inside the box, give or take the chin.
  const cv::Rect2f box = faces[0].box;
  EXPECT_TRUE(box.contains(lm[30]));
}

TEST_F(FaceTrackerTest, TrackingFollowsAMovingFaceWithoutRunningTheDetectorEveryFrame) {
  TrackerOptions opt;
  opt.recheck_interval_s = 1.0;
  FaceTracker t(model_, opt);
  int detector_runs = 0;
  cv::Point2f first_nose;
  for (int i = 0; i < 30; ++i) {
    const cv::Mat shift = (cv::Mat_<double>(2, 3) << 1, 0, i * 1.0, 0, 1, i * 0.5);
    cv::Mat moved;
    cv::warpAffine(gray_, moved, shift, gray_.size(), cv::INTER_LINEAR, cv::BORDER_REPLICATE);
    const FaceObservation o = t.track(moved, i / 30.0);
    ASSERT_TRUE(o.found) << "frame " << i;
    if (o.detector_ran) ++detector_runs;
    if (i == 0) first_nose = o.landmarks[30];
    if (i == 29) {
      EXPECT_NEAR(o.landmarks[30].x - first_nose.x, 29.0, 3.0);
      EXPECT_NEAR(o.landmarks[30].y - first_nose.y, 14.5, 3.0);
    }
  }
  EXPECT_LE(detector_runs, 2);  // the first frame, and at most one re-check
}

TEST_F(FaceTrackerTest, FlippedPictureSwapsThePersonsSides) {
  // A picture and its mirror image: what is the person's left in one is their right in the other.
  FaceTracker t(model_);
  auto faces = t.detect_all(gray_);
  ASSERT_FALSE(faces.empty());
  cv::Mat flipped;
  cv::flip(gray_, flipped, 1);
  auto faces_f = t.detect_all(flipped);
  ASSERT_FALSE(faces_f.empty());
  FaceMetrics a, b;
  fill_geometry(faces[0].landmarks, a);
  fill_geometry(faces_f[0].landmarks, b);
  // The person's left mouth corner of the flipped picture is the mirror of the original's right.
  EXPECT_NEAR(b.mouth_corner.left.x, -a.mouth_corner.right.x, 0.03);
  EXPECT_NEAR(b.mouth_corner.left.y, a.mouth_corner.right.y, 0.03);
  EXPECT_NEAR(b.eye_aperture_iod.left, a.eye_aperture_iod.right, 0.02);
  // So the signed height difference changes sign.
  EXPECT_NEAR(b.mouth_corner_height_diff_iod, -a.mouth_corner_height_diff_iod, 0.02);
  // The person's left corner is at canonical x > 0 in both.
  EXPECT_GT(a.mouth_corner.left.x, 0.2f);
  EXPECT_GT(b.mouth_corner.left.x, 0.2f);
}

TEST_F(FaceTrackerTest, TwoFacesPicksTheLargestCentralOneAndDoesNotJump) {
  // Canvas with a large face in the middle and a smaller one at the side.
  cv::Mat canvas(900, 1500, CV_8UC1, cv::Scalar(90));
  cv::Mat big = gray_(cv::Rect(gray_.cols / 4, 0, gray_.cols / 2, gray_.rows / 2)).clone();
  cv::Mat small;
  cv::resize(big, small, cv::Size(), 0.75, 0.75, cv::INTER_AREA);
  const cv::Rect big_at((canvas.cols - big.cols) / 2, 100, big.cols, big.rows);
  const cv::Rect small_at(20, 150, small.cols, small.rows);
  big.copyTo(canvas(big_at));
  small.copyTo(canvas(small_at));
  FaceTracker t(model_);
  FaceObservation o = t.track(canvas, 0.0);
  ASSERT_TRUE(o.found);
  EXPECT_TRUE(big_at.contains(cv::Point(static_cast<int>(o.landmarks[30].x), static_cast<int>(o.landmarks[30].y))));
  // The chosen person leaves the picture: the tracker reports no face rather than jumping to the other.
  cv::Mat without = canvas.clone();
  without(big_at).setTo(cv::Scalar(90));
  for (int i = 1; i <= 20; ++i) {
    o = t.track(without, i / 30.0);
    EXPECT_FALSE(o.found) << "jumped to the other face at frame " << i;
  }
  // They come back: found again, at their place.
  o = t.track(canvas, 25 / 30.0);
  ASSERT_TRUE(o.found);
  EXPECT_TRUE(big_at.contains(cv::Point(static_cast<int>(o.landmarks[30].x), static_cast<int>(o.landmarks[30].y))));
}

TEST_F(FaceTrackerTest, NoFaceIsNotAnError) {
  FaceTracker t(model_);
  cv::Mat blank(480, 640, CV_8UC1, cv::Scalar(128));
  EXPECT_FALSE(t.track(blank, 0.0).found);
  EXPECT_TRUE(t.detect_all(blank).empty());
}

}  // namespace ft
