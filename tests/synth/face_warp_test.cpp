// face_warp_test.cpp: the Gaussian local warp moves content by exactly the requested sub-pixel
// amount at its control points, leaves far content alone, composes with a similarity, and never
// folds; lid closures put the lids exactly where asked and keep the corners still.
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

cv::Mat warp(const cv::Mat& src, const std::vector<WarpControl>& controls,
             const Similarity& motion = {}) {
  cv::Mat mx, my, dst;
  build_warp_maps(src.size(), controls, motion, mx, my);
  apply_warp(src, mx, my, dst, cv::INTER_CUBIC);
  return dst;
}

TEST(FaceWarp, MovesTheControlPointBySubPixelAmount) {
  const cv::Point2f c(100.3f, 80.6f);
  const cv::Point2f far(c.x + 4 * 8.0f, c.y);  // 4 radii away
  const cv::Mat src = dots({220, 160}, {c, far});
  for (const cv::Point2f d :
       {cv::Point2f(1.3f, -0.7f), cv::Point2f(-0.4f, 0.25f), cv::Point2f(3.0f, 2.0f)}) {
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
  // The dots are 15 px apart, so each window also sees a little of the other: compare with the
  // source.
  const cv::Point2d sa = centroid(src, a, 5), sb = centroid(src, b, 5);
  EXPECT_NEAR(ma.y - sa.y, 2.5, 0.15);
  EXPECT_NEAR(mb.y - sb.y, -1.0, 0.15);
}

TEST(FaceWarp, NoControlsIsIdentity) {
  cv::Mat mx, my;
  build_warp_maps({50, 40}, LocalWarp{}, Similarity{}, mx, my);
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
  const cv::Point2d got_c =
      centroid(out, cv::Point2f(static_cast<float>(expect_c.x), static_cast<float>(expect_c.y)));
  // Dot centroids are offset from their nominal centres by 8-bit rounding: compare against the
  // source's.
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
  const cv::Point2f d(static_cast<float>(0.06 * iod * std::cos(a)),
                      static_cast<float>(-0.06 * iod * std::sin(a)));
  cv::Mat mx, my;
  build_warp_maps(
      {400, 300},
      {{corner, d, 0.12f * iod}, {corner + cv::Point2f(-6, -2), 0.35f * d, 0.08f * iod}},
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

LidClosure test_eye(float close, cv::Point2f up = {0.0f, -1.0f}) {
  // An eye 36 px wide with a 12 px aperture, centred on (100, 100), tilted with `up`.
  const cv::Point2f u(-up.y, up.x);
  const cv::Point2f o(100.0f, 100.0f);
  auto at = [&](float x, float y) { return o + x * u + y * up; };
  LidClosure lid;
  lid.upper = {at(-18, 0), at(-6, 6), at(6, 6), at(18, 0)};
  lid.lower = {at(-18, 0), at(-6, -6), at(6, -6), at(18, 0)};
  lid.up = up;
  lid.upper_shift = 0.75f * close;
  lid.lower_shift = 0.25f * close;
  lid.reach_above = 18.0f;
  lid.reach_below = 14.0f;
  return lid;
}

TEST(LidClosureWarp, LidsLandExactlyAndCornersStay) {
  for (const cv::Point2f up :
       {cv::Point2f(0.0f, -1.0f), cv::Point2f(0.2588f, -0.9659f)}) {  // level, 15 deg
    for (const float close : {1.0f, 4.0f, 8.0f, 0.9f * 12.0f}) {
      const LidClosure lid = test_eye(close, up);
      const cv::Point2d down(-up.x, -up.y);
      for (std::size_t k : {1u, 2u}) {
        const cv::Point2d old_u(lid.upper[k].x, lid.upper[k].y);
        const cv::Point2d old_l(lid.lower[k].x, lid.lower[k].y);
        // The lid's new place shows what was at its old place.
        EXPECT_NEAR(cv::norm(lid_closure_source(lid, old_u + down * lid.upper_shift) - old_u), 0.0,
                    1e-3)
            << "close " << close << " upper " << k;
        EXPECT_NEAR(cv::norm(lid_closure_source(lid, old_l - down * lid.lower_shift) - old_l), 0.0,
                    1e-3)
            << "close " << close << " lower " << k;
      }
      for (const auto& corner : {lid.upper[0], lid.upper[3]}) {
        const cv::Point2d c(corner.x, corner.y);
        EXPECT_NEAR(cv::norm(lid_closure_source(lid, c) - c), 0.0, 1e-6);
      }
      // Along the eye's vertical line the backward map is strictly increasing (no fold).
      double prev = -1e9;
      for (double t = -40.0; t <= 40.0; t += 0.05) {
        const cv::Point2d p = cv::Point2d(100.0, 100.0) + cv::Point2d(up.x, up.y) * t;
        const double v =
            (lid_closure_source(lid, p) - cv::Point2d(100.0, 100.0)).dot(cv::Point2d(up.x, up.y));
        EXPECT_GT(v, prev) << "close " << close << " at " << t;
        prev = v;
      }
      // The maps hold exactly this function at pixel centres, and never fold.
      cv::Mat mx, my;
      build_warp_maps({200, 200}, LocalWarp{{}, {lid}, {}}, Similarity{}, mx, my);
      for (int r = 80; r <= 120; r += 3) {
        for (int c = 80; c <= 120; c += 3) {
          const cv::Point2d s =
              lid_closure_source(lid, {static_cast<double>(c), static_cast<double>(r)});
          EXPECT_NEAR(mx.at<float>(r, c), s.x, 1e-3);
          EXPECT_NEAR(my.at<float>(r, c), s.y, 1e-3);
        }
      }
      EXPECT_GT(min_jacobian_determinant(mx, my), 0.0) << "close " << close;
      EXPECT_EQ(mx.at<float>(40, 100), 100.0f);  // far from the eye nothing moves
      EXPECT_EQ(my.at<float>(40, 100), 40.0f);
    }
  }
}

TEST(LidClosureWarp, ClosesTheGapOfAnImage) {
  // A dark slit between two bright lids: closing 8 of its 12 px leaves a slit of about 4 px.
  cv::Mat img(200, 200, CV_8UC1, cv::Scalar(200));
  cv::rectangle(img, cv::Point(70, 95), cv::Point(130, 105), cv::Scalar(20),
                cv::FILLED);  // rows 95..105
  LidClosure lid;
  lid.upper = {cv::Point2f(60, 100), cv::Point2f(88, 94.5f), cv::Point2f(112, 94.5f),
               cv::Point2f(140, 100)};
  lid.lower = {cv::Point2f(60, 100), cv::Point2f(88, 105.5f), cv::Point2f(112, 105.5f),
               cv::Point2f(140, 100)};
  lid.upper_shift = 6.0f;
  lid.lower_shift = 2.0f;
  lid.reach_above = 20.0f;
  lid.reach_below = 16.0f;
  cv::Mat mx, my, out;
  build_warp_maps(img.size(), LocalWarp{{}, {lid}, {}}, Similarity{}, mx, my);
  apply_warp(img, mx, my, out, cv::INTER_LINEAR);
  int dark = 0;
  for (int r = 80; r < 120; ++r)
    dark += out.at<unsigned char>(r, 100) < 110 ? 1 : 0;
  EXPECT_NEAR(dark, 11 - 8, 1);
}

TEST(LidClosureWarp, MovesWithTheHead) {
  const LidClosure lid = test_eye(6.0f);
  const Similarity motion{{100.0, 100.0}, {4.0, -3.0}, 5.0, 1.03};
  cv::Mat mx, my;
  build_warp_maps({200, 200}, LocalWarp{{}, {lid}, {}}, motion, mx, my);
  // Each output pixel shows the closed eye at S^-1 of its position.
  for (int r = 85; r <= 115; r += 5) {
    for (int c = 85; c <= 115; c += 5) {
      const cv::Point2d y = motion.invert({static_cast<double>(c), static_cast<double>(r)});
      const cv::Point2d s = lid_closure_source(lid, y);
      EXPECT_NEAR(mx.at<float>(r, c), s.x, 1e-3);
      EXPECT_NEAR(my.at<float>(r, c), s.y, 1e-3);
    }
  }
}


MouthOpening test_mouth(float open, cv::Point2f up = {0.0f, -1.0f}) {
  // A mouth 60 px wide between its inner corners, a 4 px slit, centred on (100, 100); the chin 40 px
  // below.
  const cv::Point2f u(-up.y, up.x);
  const cv::Point2f o(100.0f, 100.0f);
  auto at = [&](float x, float y) { return o + x * u + y * up; };
  MouthOpening m;
  m.slit = {at(-30, 0), at(-10, 0), at(10, 0), at(30, 0)};
  m.up = up;
  m.half_gap = 2.0f;
  m.upper_shift = 0.2f * open;
  m.lower_shift = 0.8f * open;
  m.jaw_depth = 40.0f;
  m.reach_below = 30.0f;
  m.reach_above = 20.0f;
  return m;
}

TEST(MouthOpeningWarp, LipsAndChinMoveByTheirShiftsCornersStayNoFold) {
  for (const cv::Point2f up : {cv::Point2f(0.0f, -1.0f), cv::Point2f(0.2588f, -0.9659f)}) {
    for (const float open : {1.0f, 5.0f, 12.0f}) {
      const MouthOpening m = test_mouth(open, up);
      const cv::Point2d o(100.0, 100.0), v(up.x, up.y), u(-up.y, up.x);
      // The upper band edge rises by upper_shift, the lower band edge and the chin drop by
      // lower_shift (between the two middle slit points, where the profile is 1).
      for (double x : {-10.0, 0.0, 10.0}) {
        const cv::Point2d top = o + u * x + v * m.half_gap, bottom = o + u * x - v * m.half_gap;
        const cv::Point2d chin = o + u * x - v * 35.0;
        EXPECT_NEAR(cv::norm(mouth_opening_source(m, top + v * m.upper_shift) - top), 0.0, 1e-3);
        EXPECT_NEAR(cv::norm(mouth_opening_source(m, bottom - v * m.lower_shift) - bottom), 0.0, 1e-3);
        EXPECT_NEAR(cv::norm(mouth_opening_source(m, chin - v * m.lower_shift) - chin), 0.0, 1e-3);
      }
      for (const auto& corner : {m.slit[0], m.slit[3]}) {
        const cv::Point2d c(corner.x, corner.y);
        EXPECT_NEAR(cv::norm(mouth_opening_source(m, c) - c), 0.0, 1e-6);
      }
      // Strictly increasing along the vertical through the middle: no fold.
      double prev = -1e9;
      for (double t = -90.0; t <= 40.0; t += 0.05) {
        const double s = (mouth_opening_source(m, o + v * t) - o).dot(v);
        EXPECT_GT(s, prev) << "open " << open << " at " << t;
        prev = s;
      }
      // Combined with the corners moving outward (Gaussians), the maps never fold.
      LocalWarp w;
      w.mouths = {m};
      const cv::Point2f lc = m.slit[0] - 4.0f * cv::Point2f(-up.y, up.x);
      const cv::Point2f rc = m.slit[3] + 4.0f * cv::Point2f(-up.y, up.x);
      w.controls = {{lc, -2.0f * cv::Point2f(-up.y, up.x), 10.0f}, {rc, 2.0f * cv::Point2f(-up.y, up.x), 10.0f}};
      cv::Mat mx, my;
      build_warp_maps({200, 200}, w, Similarity{{100.0, 100.0}, {3.0, 1.0}, 2.0, 1.01}, mx, my);
      EXPECT_GT(min_jacobian_determinant(mx, my), 0.0) << "open " << open;
    }
  }
}

TEST(MouthOpeningWarp, OpensTheSlitOfAnImage) {
  // A dark 4 px slit between bright lips: opening by 10 px leaves a dark band of about 14 px.
  cv::Mat img(200, 200, CV_8UC1, cv::Scalar(200));
  cv::rectangle(img, cv::Point(60, 98), cv::Point(140, 101), cv::Scalar(20), cv::FILLED);  // rows 98..101
  MouthOpening m = test_mouth(10.0f);
  cv::Mat mx, my, out;
  LocalWarp w;
  w.mouths = {m};
  build_warp_maps(img.size(), w, Similarity{}, mx, my);
  apply_warp(img, mx, my, out, cv::INTER_LINEAR);
  int dark = 0;
  for (int r = 60; r < 140; ++r) dark += out.at<unsigned char>(r, 100) < 110 ? 1 : 0;
  EXPECT_NEAR(dark, 4 + 10, 2);
  EXPECT_EQ(out.at<unsigned char>(100, 20), 200);  // beyond the mouth corners nothing moves
  EXPECT_EQ(mx.at<float>(100, 20), 20.0f);
}

}  // namespace
}  // namespace ft
