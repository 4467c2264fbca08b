// quality.cpp: per-frame quality flags, and the face region's exposure and sharpness.
#include "metrics/quality.hpp"

#include <algorithm>
#include <cmath>

#include <opencv2/imgproc.hpp>

namespace ft {

namespace {

constexpr int kWidth = 128;  // the face region is measured at this width

// Area-averaging weights from `src_len` pixels to `dst_len` (dst_len <= src_len): destination pixel
// d covers source [d s, (d + 1) s), s = src_len / dst_len, each source pixel weighted by its
// overlap / s.
void area_taps(int src_len, int dst_len, std::vector<ExposureScratch::Tap>& taps) {
  taps.clear();
  const double s = static_cast<double>(src_len) / dst_len;
  for (int d = 0; d < dst_len; ++d) {
    const double lo = d * s, hi = std::min<double>(src_len, (d + 1) * s);
    for (int i = static_cast<int>(std::floor(lo)); i < hi; ++i) {
      const double w = std::min<double>(i + 1, hi) - std::max<double>(i, lo);
      if (w > 1e-9)
        taps.push_back({i, d, static_cast<float>(w / s)});
    }
  }
}

// gray(r) resized to `out` (out's size) by area averaging; out must be no larger than r. Vertical
// pass first (whole rows, vectorised), then the horizontal one on the out.rows rows left.
void area_resize(const cv::Mat& gray, const cv::Rect& r, cv::Mat& out, ExposureScratch& sc) {
  area_taps(r.width, out.cols, sc.x_taps);
  area_taps(r.height, out.rows, sc.y_taps);
  const auto width = static_cast<std::size_t>(r.width);
  sc.rows.assign(static_cast<std::size_t>(out.rows) * width, 0.0f);
  for (const auto& t : sc.y_taps) {
    const unsigned char* src = gray.ptr<unsigned char>(r.y + t.src) + r.x;
    float* row = &sc.rows[static_cast<std::size_t>(t.dst) * width];
    const float w = t.weight;
    for (std::size_t x = 0; x < width; ++x)
      row[x] += w * static_cast<float>(src[x]);
  }
  const ExposureScratch::Tap* taps = sc.x_taps.data();
  const std::size_t n_taps = sc.x_taps.size();
  for (int y = 0; y < out.rows; ++y) {
    const float* row = &sc.rows[static_cast<std::size_t>(y) * width];
    unsigned char* dst = out.ptr<unsigned char>(y);
    std::size_t k = 0;
    for (int d = 0; d < out.cols; ++d) {
      float acc = 0.0f;
      for (; k < n_taps && taps[k].dst == d; ++k)
        acc += taps[k].weight * row[taps[k].src];
      // Rounded half up, as OpenCV's integer-ratio path does (ties are rare otherwise).
      dst[d] = static_cast<unsigned char>(std::min(255.0f, acc + 0.5f));
    }
  }
}

}  // namespace

ExposureStats face_exposure(const cv::Mat& gray, const cv::Rect2f& box, ExposureScratch& scratch) {
  ExposureStats s;
  cv::Rect r(static_cast<int>(box.x), static_cast<int>(box.y), static_cast<int>(box.width),
             static_cast<int>(box.height));
  r &= cv::Rect(0, 0, gray.cols, gray.rows);
  if (r.width < 8 || r.height < 8) return s;
  const double scale = static_cast<double>(kWidth) / r.width;
  const int rows = std::max(8, static_cast<int>(std::lround(r.height * scale)));
  // A buffer of fixed capacity viewed at this frame's size: no reallocation as the box changes.
  const int capacity = std::max(rows, 256);
  if (scratch.resized.rows < capacity || scratch.resized.cols != kWidth)
    scratch.resized.create(capacity, kWidth, CV_8UC1);
  cv::Mat img = scratch.resized(cv::Rect(0, 0, kWidth, rows));
  if (r.width >= kWidth && r.height >= rows) {
    area_resize(gray, r, img, scratch);
  } else {
    cv::resize(gray(r), img, img.size(), 0, 0, cv::INTER_AREA);  // a face under 128 px: enlarged
  }
  // One pass: mean, saturated pixels, 4-neighbour Laplacian (reflect-101 borders) mean and
  // variance.
  std::int64_t sum = 0, saturated = 0, lap_sum = 0, lap_sq = 0;
  for (int y = 0; y < rows; ++y) {
    const unsigned char* c = img.ptr<unsigned char>(y);
    const unsigned char* u = img.ptr<unsigned char>(y > 0 ? y - 1 : 1);
    const unsigned char* d = img.ptr<unsigned char>(y + 1 < rows ? y + 1 : rows - 2);
    for (int x = 0; x < kWidth; ++x) {
      const int left = c[x > 0 ? x - 1 : 1], right = c[x + 1 < kWidth ? x + 1 : kWidth - 2];
      const int lap = u[x] + d[x] + left + right - 4 * c[x];
      sum += c[x];
      saturated += c[x] >= 250 ? 1 : 0;
      lap_sum += lap;
      lap_sq += lap * lap;
    }
  }
  const double n = static_cast<double>(rows) * kWidth;
  s.mean_grey = static_cast<double>(sum) / n;
  s.saturated_fraction = static_cast<double>(saturated) / n;
  const double lap_mean = static_cast<double>(lap_sum) / n;
  s.sharpness = std::max(0.0, static_cast<double>(lap_sq) / n - lap_mean * lap_mean);
  return s;
}

std::uint32_t quality_flags(double iod_px, const ExposureStats& e, const QualityLimits& limits) {
  std::uint32_t f = kQualityOk;
  if (!(iod_px >= limits.min_iod_px)) f |= kQualitySmall;
  if (e.mean_grey < limits.min_mean_grey) f |= kQualityDark;
  if (e.mean_grey > limits.max_mean_grey || e.saturated_fraction > limits.max_saturated_fraction) {
    f |= kQualityBright;
  }
  if (e.sharpness < limits.min_sharpness) f |= kQualityBlur;
  return f;
}

}  // namespace ft
