// face_metrics.cpp: per-frame face-normalised measurements.
#include "metrics/face_metrics.hpp"

#include <cmath>

#include "metrics/head_pose.hpp"
#include "metrics/regional_asymmetry.hpp"

namespace ft {
namespace {

double dist(cv::Point2f a, cv::Point2f b) { return std::hypot(a.x - b.x, a.y - b.y); }

}  // namespace

double mouth_opening(const std::array<cv::Point2f, 68>& c) {
  double sum = 0.0;
  for (const auto& [upper, lower] : {std::pair{61, 67}, std::pair{62, 66}, std::pair{63, 65}})
    sum += dist(c[static_cast<std::size_t>(upper)], c[static_cast<std::size_t>(lower)]);
  return sum / 3.0;
}

double mirror_asymmetry_index(const CanonicalFace& face) {
  double sum = 0.0;
  const auto& pairs = asymmetry_pairs();
  for (const auto& [a, b] : pairs) {
    const cv::Point2f pa = face.points[static_cast<std::size_t>(a)];
    const cv::Point2f pb = face.points[static_cast<std::size_t>(b)];
    sum += dist(pa, cv::Point2f(-pb.x, pb.y));
  }
  return sum / static_cast<double>(pairs.size());
}

void fill_geometry(const Landmarks68& image_px, FaceMetrics& out, CanonicalFace* canonical) {
  const CanonicalFace face = align_to_canonical(image_px);
  out.landmarks_px = image_px;
  out.iod_px = face.iod_px;
  out.fit_rms_iod = face.fit_rms;
  const auto& c = face.points;
  for (Side s : kSides) {
    auto at = [&](Feature f) { return c[static_cast<std::size_t>(person_index(f, s))]; };
    out.mouth_corner[s] = at(Feature::MouthCorner);
    out.eye_aperture_iod[s] = 0.5 * (dist(at(Feature::EyeUpperLidOuter), at(Feature::EyeLowerLidOuter)) +
                                     dist(at(Feature::EyeUpperLidInner), at(Feature::EyeLowerLidInner)));
    double eye_y = 0.0;
    for (int i : person_eye_indices(s)) eye_y += c[static_cast<std::size_t>(i)].y;
    eye_y /= 6.0;
    out.brow_height_iod[s] = at(Feature::BrowMiddle).y - eye_y;
  }
  out.mouth_corner_height_diff_iod = out.mouth_corner.left.y - out.mouth_corner.right.y;
  out.asymmetry_index_iod = mirror_asymmetry_index(face);
  out.mouth_opening_iod = mouth_opening(c);
  const RegionalGeometry g = regional_geometry(c);
  out.commissure_excursion_iod = g.commissure_excursion_iod;
  out.smile_angle_deg = g.smile_angle_deg;
  out.cce_angle_deg = g.cce_angle_deg;
  if (canonical) *canonical = face;
}

FaceMetrics compute_face_metrics(std::int64_t frame_index, double t, bool found,
                                 const Landmarks68& image_px, const cv::Rect2f& box,
                                 const cv::Mat& gray, ExposureScratch& scratch,
                                 const QualityLimits& limits) {
  FaceMetrics m;
  m.frame_index = frame_index;
  m.t = t;
  m.face_found = found;
  if (!found) {
    m.quality = kQualityNoFace;
    return m;
  }
  m.face_box_px = box;
  fill_geometry(image_px, m);
  m.pose = estimate_head_pose(image_px, gray.size());
  const ExposureStats e = face_exposure(gray, box, scratch);
  m.quality = quality_flags(m.iod_px, e, limits);
  return m;
}

}  // namespace ft
