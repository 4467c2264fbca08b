// alignment.cpp: Procrustes similarity fit and the canonical face frame.
#include "metrics/alignment.hpp"

#include <cmath>

namespace ft {

double Similarity::scale() const { return std::hypot(a, b); }
double Similarity::angle_rad() const { return std::atan2(b, a); }

Similarity Similarity::inverse() const {
  const double d = a * a + b * b;
  Similarity inv;
  if (d <= 0.0) return inv;
  inv.a = a / d;
  inv.b = -b / d;
  inv.tx = -(inv.a * tx - inv.b * ty);
  inv.ty = -(inv.b * tx + inv.a * ty);
  return inv;
}

Similarity fit_similarity(std::span<const cv::Point2d> src, std::span<const cv::Point2d> dst,
                          std::span<const double> weights) {
  Similarity s;
  const std::size_t n = std::min(src.size(), dst.size());
  if (n < 2) return s;
  double wsum = 0.0;
  cv::Point2d ms(0, 0), md(0, 0);
  for (std::size_t i = 0; i < n; ++i) {
    const double w = weights.empty() ? 1.0 : weights[i];
    wsum += w;
    ms += w * src[i];
    md += w * dst[i];
  }
  if (wsum <= 0.0) return s;
  ms /= wsum;
  md /= wsum;
  double sxx = 0.0, dot = 0.0, cross = 0.0;
  for (std::size_t i = 0; i < n; ++i) {
    const double w = weights.empty() ? 1.0 : weights[i];
    const cv::Point2d p = src[i] - ms, q = dst[i] - md;
    sxx += w * (p.x * p.x + p.y * p.y);
    dot += w * (p.x * q.x + p.y * q.y);
    cross += w * (p.x * q.y - p.y * q.x);
  }
  if (sxx <= 1e-12) return s;
  s.a = dot / sxx;
  s.b = cross / sxx;
  s.tx = md.x - (s.a * ms.x - s.b * ms.y);
  s.ty = md.y - (s.b * ms.x + s.a * ms.y);
  return s;
}

const std::array<int, 11>& rigid_indices() {
  static const std::array<int, 11> k{lm::EyeImageLeftOuter, lm::EyeImageLeftInner, lm::EyeImageRightInner,
                                     lm::EyeImageRightOuter, lm::NoseBridgeTop,    lm::NoseBridge2,
                                     lm::NoseBridge3,        lm::NoseTip,          31,
                                     lm::NoseBase,           35};
  return k;
}

const std::array<cv::Point2d, 11>& rigid_template() {
  // Canonical (x toward the person's left, y up, IOD units). Image-left eye = person's right = x < 0.
  static const std::array<cv::Point2d, 11> k{{
      {-0.6965, -0.0010},  // 36 person's right eye, outer corner
      {-0.2908, -0.0420},  // 39 person's right eye, inner corner
      {0.2908, -0.0420},   // 42 person's left eye, inner corner
      {0.6965, -0.0010},   // 45 person's left eye, outer corner
      {0.0, 0.0138},       // 27 nose bridge, top
      {0.0, -0.1834},      // 28
      {0.0, -0.3751},      // 29
      {0.0, -0.5668},      // 30 nose tip
      {-0.2358, -0.6664},  // 31 nose base, person's right
      {0.0, -0.7321},      // 33 nose base, centre
      {0.2358, -0.6664},   // 35 nose base, person's left
  }};
  return k;
}

cv::Point2f CanonicalFace::to_canonical(cv::Point2f p) const {
  const cv::Point2d c = image_to_canonical.apply({p.x, -static_cast<double>(p.y)});
  return {static_cast<float>(c.x), static_cast<float>(c.y)};
}

cv::Point2f CanonicalFace::to_image(cv::Point2f c) const {
  const cv::Point2d p = image_to_canonical.inverse().apply({c.x, c.y});
  return {static_cast<float>(p.x), static_cast<float>(-p.y)};
}

CanonicalFace align_to_canonical(const Landmarks68& image_px) {
  std::array<cv::Point2d, 11> src{};
  const auto& idx = rigid_indices();
  const auto& tpl = rigid_template();
  for (std::size_t i = 0; i < idx.size(); ++i) {
    const cv::Point2f p = image_px[static_cast<std::size_t>(idx[i])];
    src[i] = cv::Point2d(p.x, -static_cast<double>(p.y));
  }
  // Rotation and scale: person's-right-eye corners (0, 1) -> person's-left-eye corners (2, 3).
  const cv::Point2d v_img = 0.5 * (src[2] + src[3]) - 0.5 * (src[0] + src[1]);
  const cv::Point2d v_tpl = 0.5 * (tpl[2] + tpl[3]) - 0.5 * (tpl[0] + tpl[1]);
  CanonicalFace face;
  Similarity& s = face.image_to_canonical;
  const double n2 = v_img.x * v_img.x + v_img.y * v_img.y;
  if (n2 > 1e-12) {
    // Complex division v_tpl / v_img.
    s.a = (v_tpl.x * v_img.x + v_tpl.y * v_img.y) / n2;
    s.b = (v_tpl.y * v_img.x - v_tpl.x * v_img.y) / n2;
  }
  // Translation: the centroid of the nose tip and base (30, 31, 33, 35) lands on the template's. The
  // upper bridge (27, 28) is left out: dlib moves it with the eyes during a blink.
  cv::Point2d c_img(0, 0), c_tpl(0, 0);
  for (std::size_t i = 7; i < 11; ++i) {
    c_img += 0.25 * src[i];
    c_tpl += 0.25 * tpl[i];
  }
  s.tx = c_tpl.x - (s.a * c_img.x - s.b * c_img.y);
  s.ty = c_tpl.y - (s.b * c_img.x + s.a * c_img.y);

  const double scale = s.scale();
  face.iod_px = scale > 0.0 ? 1.0 / scale : 0.0;
  double ss = 0.0;
  for (std::size_t i = 0; i < idx.size(); ++i) {
    const cv::Point2d d = s.apply(src[i]) - tpl[i];
    ss += d.x * d.x + d.y * d.y;
  }
  face.fit_rms = std::sqrt(ss / static_cast<double>(idx.size()));
  for (std::size_t i = 0; i < 68; ++i) face.points[i] = face.to_canonical(image_px[i]);
  return face;
}

}  // namespace ft
