// face_warp_test.cpp: the Gaussian local warp moves content by exactly the requested sub-pixel amount at
// its control points, leaves far content alone, composes with a similarity, and never folds.
#include "synth/face_warp.hpp"

#include <cmath>

#include <gtest/gtest.h>
#include <opencv2/imgproc.hpp>

namespace ft {
namespace {

// A dark image with smooth bright dots (Gaussian, sigma 1.6 px) at sub-pixel positions.
cv::Mat dots(cv::Size size, const std::vector<cv::Point2f>& centres) {
  cv::Mat img(size, CV_8UC1);
  for (int r = 0; r < size.height; ++r) {
    for (int c = 0; c < size.width; ++c) {
      double v = 10.0;
      for (const auto& p : centres) {
        const double d2 = (c - p.x) * (c - p.x) + (r - p.y) * (r - p.y);
        v += 235.0 * std::exp(-d2 / (2.0 * 1.6 * 1.6));
      }
      img.at<unsigned char>(r, c) = cv::saturate_cast<unsigned char>(v);
    }
  }
  return img;
}

// Intensity-weighted centroid (background removed) within `radius` px of `near`.
cv::Point2d centroid(const cv::Mat& img, cv::Point2f near, int radius = 6) {
  double sw = 0.0, sx = 0.0, sy = 0.0;
  const int cx = static_cast<int>(std::lround(near.x));
  const int cy = static_cast<int>(std::lround(near.y));
  for (int r = cy - radius; r <= cy + radius; ++r) {
    for (int c = cx - radius; c <= cx + radius; ++c) {
      const double w = std::max(0.0, img.at<unsigned char>(r, c) - 10.0);
      sw += w;
      sx += w * c;
      sy += w * r;
    }
  }
  return {sx / sw, sy / sw};
}

cv::Mat warp(const cv::Mat& src, const std::vector<WarpControl>& controls, const Similarity& motion = {}) {
  cv::Mat mx, my, dst;
  build_warp_maps(src.size(), controls, motion, mx, my);
  apply_warp(src, mx, my, dst, cv::INTER_CUBIC);
  return dst;
}

TEST(FaceWarp, MovesTheControlPointBySubPixelAmount) {
  const cv::Point2f c(100.3f, 80.6f);
  const cv::Point2f far(c.x + 4 * 8.0f, c.y);  // 4 radii away
  const cv::Mat src = dots({220, 160}, {c, far});
  for (const cv::Point2f d : {cv::Point2f(1.3f, -0.7f), cv::Point2f(-0.4f, 0.25f), cv::Point2f(3.0f, 2.0f)}) {
    const cv::Mat out = warp(src, {{c, d, 8.0f}});
    const cv::Point2d before = centroid(src, c);
    const cv::Point2d after = centroid(out, c + d);
    EXPECT_NEAR(after.x - before.x, d.x, 0.15) << d;
    EXPECT_NEAR(after.y - before.y, d.y, 0.15) << d;
    const cv::Point2d far_before = centroid(src, far);
    const cv::Point2d far_after = centroid(out, far);
    EXPECT_NEAR(far_after.x, far_before.x, 0.01);
    EXPECT_NEAR(far_after.y, far_before.y, 0.01);
  }
}

TEST(FaceWarp, SeveralOverlappingControlsLandExactly) {
  const cv::Point2f a(90.0f, 80.0f), b(104.0f, 86.0f);
  const std::vector<WarpControl> ctl = {{a, {0.0f, 2.5f}, 9.0f}, {b, {0.0f, -1.0f}, 9.0f}};
  // The solved weights put each control's content exactly on its target (analytically).
  EXPECT_NEAR(cv::norm(forward_position(ctl, a) - (a + ctl[0].displacement)), 0.0, 1e-3);
  EXPECT_NEAR(cv::norm(forward_position(ctl, b) - (b + ctl[1].displacement)), 0.0, 1e-3);
  const cv::Mat src = dots({200, 160}, {a, b});
  const cv::Mat out = warp(src, ctl);
  const cv::Point2d ma = centroid(out, a + ctl[0].displacement, 5);
  const cv::Point2d mb = centroid(out, b + ctl[1].displacement, 5);
  // The dots are 15 px apart, so each window also sees a little of the other: compare with the source.
  const cv::Point2d sa = centroid(src, a, 5), sb = centroid(src, b, 5);
  EXPECT_NEAR(ma.y - sa.y, 2.5, 0.15);
  EXPECT_NEAR(mb.y - sb.y, -1.0, 0.15);
}

TEST(FaceWarp, NoControlsIsIdentity) {
  cv::Mat mx, my;
  build_warp_maps({50, 40}, {}, Similarity{}, mx, my);
  for (int r = 0; r < 40; r += 7) {
    for (int c = 0; c < 50; c += 7) {
      EXPECT_EQ(mx.at<float>(r, c), static_cast<float>(c));
      EXPECT_EQ(my.at<float>(r, c), static_cast<float>(r));
    }
  }
}

TEST(FaceWarp, MapsAreReusedBetweenFrames) {
  cv::Mat mx, my;
  build_warp_maps({64, 48}, {{{30.0f, 20.0f}, {1.0f, 0.0f}, 5.0f}}, Similarity{}, mx, my);
  const auto* px = mx.data;
  build_warp_maps({64, 48}, {{{31.0f, 21.0f}, {0.0f, 1.0f}, 5.0f}}, Similarity{}, mx, my);
  EXPECT_EQ(px, mx.data);
}

TEST(Similarity, ApplyAndInvert) {
  Similarity s{{100.0, 80.0}, {3.25, -2.5}, 10.0, 1.1};
  for (const cv::Point2d p : {cv::Point2d(0, 0), cv::Point2d(100, 80), cv::Point2d(150.5, 20.25)}) {
    const cv::Point2d q = s.invert(s.apply(p));
    EXPECT_NEAR(q.x, p.x, 1e-9);
    EXPECT_NEAR(q.y, p.y, 1e-9);
  }
  // The centre moves by the translation only.
  EXPECT_NEAR(s.apply({100.0, 80.0}).x, 103.25, 1e-9);
  // Clockwise on screen: a point to the right of the centre moves down.
  Similarity rot{{0.0, 0.0}, {0.0, 0.0}, 90.0, 1.0};
  EXPECT_NEAR(rot.apply({1.0, 0.0}).y, 1.0, 1e-12);
}

TEST(FaceWarp, ComposesWithHeadMotion) {
  const cv::Point2f c(110.0f, 85.0f), other(60.0f, 60.0f);
  const cv::Mat src = dots({220, 170}, {c, other});
  const Similarity motion{{100.0, 80.0}, {3.25, -2.5}, 4.0, 1.05};
  const cv::Point2f d(1.2f, -0.8f);
  const cv::Mat out = warp(src, {{c, d, 8.0f}}, motion);
  // The moved feature goes where the head takes it: S(c + d).
  const cv::Point2d expect_c = motion.apply(cv::Point2d(c.x + d.x, c.y + d.y));
  const cv::Point2d got_c = centroid(out, cv::Point2f(static_cast<float>(expect_c.x), static_cast<float>(expect_c.y)));
  // Dot centroids are offset from their nominal centres by 8-bit rounding: compare against the source's.
  const cv::Point2d src_c = centroid(src, c);
  const cv::Point2d bias(src_c.x - c.x, src_c.y - c.y);
  EXPECT_NEAR(got_c.x, expect_c.x + bias.x * motion.scale, 0.2);
  EXPECT_NEAR(got_c.y, expect_c.y + bias.y * motion.scale, 0.2);
  // A feature outside the local warp only follows the head.
  const cv::Point2d expect_o = motion.apply(cv::Point2d(other.x, other.y));
  const cv::Point2d got_o =
      centroid(out, cv::Point2f(static_cast<float>(expect_o.x), static_cast<float>(expect_o.y)));
  EXPECT_NEAR(got_o.x, expect_o.x, 0.2);
  EXPECT_NEAR(got_o.y, expect_o.y, 0.2);
}

TEST(FaceWarp, SixPercentIodTwitchDoesNotFold) {
  // A 6 % IOD mouth twitch on a face with a 64 px IOD: 3.84 px at radius 0.12 IOD = 7.68 px.
  const float iod = 64.0f;
  const cv::Point2f corner(200.0f, 150.0f);
  const double a = 50.0 * CV_PI / 180.0;
  const cv::Point2f d(static_cast<float>(0.06 * iod * std::cos(a)), static_cast<float>(-0.06 * iod * std::sin(a)));
  cv::Mat mx, my;
  build_warp_maps({400, 300}, {{corner, d, 0.12f * iod}, {corner + cv::Point2f(-6, -2), 0.35f * d, 0.08f * iod}},
                  Similarity{}, mx, my);
  EXPECT_GT(min_jacobian_determinant(mx, my), 0.2);
}

TEST(FaceWarp, ExcessiveDisplacementIsClampedAndStaysValid) {
  cv::Mat mx, my;
  const cv::Point2f c(50.0f, 50.0f);
  build_warp_maps({100, 100}, {{c, {20.0f, 0.0f}, 5.0f}}, Similarity{}, mx, my);
  EXPECT_GT(min_jacobian_determinant(mx, my), 0.0);
  const cv::Point2f moved = forward_position({{c, {20.0f, 0.0f}, 5.0f}}, c);
  EXPECT_NEAR(moved.x - c.x, kMaxWarpRatio * 5.0f, 1e-3);
}

TEST(FaceWarp, ClosingLidsStayValid) {
  // Two upper-lid and two lower-lid controls 12 px apart closing 90 % of the gap, as in a blink.
  const float aperture = 12.0f, width = 36.0f;
  const float radius = std::max(0.3f * width, 0.75f * 0.9f * aperture / kMaxWarpRatio);
  const float close = 0.9f * aperture;
  std::vector<WarpControl> ctl = {{{88.0f, 94.0f}, {0.0f, 0.75f * close}, radius},
                                  {{100.0f, 94.0f}, {0.0f, 0.75f * close}, radius},
                                  {{88.0f, 106.0f}, {0.0f, -0.25f * close}, radius},
                                  {{100.0f, 106.0f}, {0.0f, -0.25f * close}, radius}};
  cv::Mat mx, my;
  build_warp_maps({200, 200}, ctl, Similarity{}, mx, my);
  EXPECT_GT(min_jacobian_determinant(mx, my), 0.0);
  for (const auto& c : ctl) {
    EXPECT_NEAR(cv::norm(forward_position(ctl, c.centre) - (c.centre + c.displacement)), 0.0, 0.05);
  }
}

}  // namespace
}  // namespace ft
