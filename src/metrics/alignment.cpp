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

const std::array<int, 8>& rigid_indices() {
  static const std::array<int, 8> k{lm::EyeImageLeftOuter, lm::EyeImageLeftInner, lm::EyeImageRightInner,
                                    lm::EyeImageRightOuter, lm::NoseBridgeTop,    lm::NoseBridge2,
                                    lm::NoseBridge3,        lm::NoseTip};
  return k;
}

const std::array<cv::Point2d, 8>& rigid_template() {
  // Canonical (x toward the person's left, y up, IOD units). Image-left eye = person's right = x < 0.
  static const std::array<cv::Point2d, 8> k{{
      {-0.6965, -0.0010},  // 36 person's right eye, outer corner
      {-0.2908, -0.0420},  // 39 person's right eye, inner corner
      {0.2908, -0.0420},   // 42 person's left eye, inner corner
      {0.6965, -0.0010},   // 45 person's left eye, outer corner
      {0.0, 0.0138},       // 27 nose bridge, top
      {0.0, -0.1834},      // 28
      {0.0, -0.3751},      // 29
      {0.0, -0.5668},      // 30 nose tip
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
  std::array<cv::Point2d, 8> src{};
  const auto& idx = rigid_indices();
  for (std::size_t i = 0; i < idx.size(); ++i) {
    const cv::Point2f p = image_px[static_cast<std::size_t>(idx[i])];
    src[i] = cv::Point2d(p.x, -static_cast<double>(p.y));
  }
  CanonicalFace face;
  face.image_to_canonical = fit_similarity(src, rigid_template());
  const double s = face.image_to_canonical.scale();
  face.iod_px = s > 0.0 ? 1.0 / s : 0.0;
  double ss = 0.0;
  for (std::size_t i = 0; i < idx.size(); ++i) {
    const cv::Point2d q = face.image_to_canonical.apply(src[i]);
    const cv::Point2d d = q - rigid_template()[i];
    ss += d.x * d.x + d.y * d.y;
  }
  face.fit_rms = std::sqrt(ss / static_cast<double>(idx.size()));
  for (std::size_t i = 0; i < 68; ++i) face.points[i] = face.to_canonical(image_px[i]);
  return face;
}

}  // namespace ft
