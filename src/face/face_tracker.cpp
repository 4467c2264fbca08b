// face_tracker.cpp: dlib HOG face detector + 68-point shape predictor, with tracking between frames.
// This file is the only one in facetwitch that includes dlib.
#include "face/face_tracker.hpp"

#include <algorithm>
#include <cmath>
#include <exception>
#include <fstream>
#include <optional>

#include <dlib/image_processing.h>
#include <dlib/image_processing/frontal_face_detector.h>
#include <dlib/opencv/cv_image.h>
#include <dlib/serialize.h>
#include <opencv2/imgproc.hpp>

namespace ft {

class LandmarkModel {
 public:
  dlib::shape_predictor predictor;
};

Result<std::shared_ptr<const LandmarkModel>> load_landmark_model(const std::filesystem::path& path) {
  std::error_code ec;
  if (!std::filesystem::is_regular_file(path, ec)) {
    return make_error(ErrorKind::Model, "landmark model '" + path.string() +
                                            "' is not a readable file: install Debian's "
                                            "libdlib-data or pass --model FILE");
  }
  auto model = std::make_shared<LandmarkModel>();
  try {
    std::ifstream in(path, std::ios::binary);
    if (!in) {
      return make_error(ErrorKind::Model, "cannot read landmark model '" + path.string() +
                                              "': check its permissions");
    }
    dlib::deserialize(model->predictor, in);
  } catch (const std::exception& e) {
    std::string what = e.what();
    while (!what.empty() && (what.back() == '\n' || what.back() == ' ')) what.pop_back();
    for (auto& c : what) {
      if (c == '\n') c = ' ';
    }
    return make_error(ErrorKind::Model, "landmark model '" + path.string() +
                                            "' is corrupt or not a dlib shape predictor (" + what +
                                            "): reinstall Debian's libdlib-data (apt-get install "
                                            "--reinstall libdlib-data) or pass --model FILE");
  }
  if (model->predictor.num_parts() != 68) {
    return make_error(ErrorKind::Model, "landmark model '" + path.string() + "' has " +
                                            std::to_string(model->predictor.num_parts()) +
                                            " points, facetwitch needs the 68-point model "
                                            "(shape_predictor_68_face_landmarks.dat)");
  }
  return std::shared_ptr<const LandmarkModel>(std::move(model));
}

namespace {

cv::Rect2f to_cv(const dlib::rectangle& r) {
  return {static_cast<float>(r.left()), static_cast<float>(r.top()),
          static_cast<float>(r.width()), static_cast<float>(r.height())};
}

dlib::rectangle to_dlib(const cv::Rect2f& r) {
  return dlib::rectangle(std::lround(r.x), std::lround(r.y), std::lround(r.x + r.width - 1.0f),
                         std::lround(r.y + r.height - 1.0f));
}

cv::Rect2f landmark_bounds(const Landmarks68& lms) {
  float x0 = lms[0].x, x1 = lms[0].x, y0 = lms[0].y, y1 = lms[0].y;
  for (const auto& p : lms) {
    x0 = std::min(x0, p.x);
    x1 = std::max(x1, p.x);
    y0 = std::min(y0, p.y);
    y1 = std::max(y1, p.y);
  }
  return {x0, y0, std::max(1.0f, x1 - x0), std::max(1.0f, y1 - y0)};
}

float iou(const cv::Rect2f& a, const cv::Rect2f& b) {
  const float inter = (a & b).area();
  const float uni = a.area() + b.area() - inter;
  return uni > 0 ? inter / uni : 0.0f;
}

cv::Point2f centre(const cv::Rect2f& r) { return {r.x + r.width / 2, r.y + r.height / 2}; }

// How the detector's box sits relative to the landmarks' bounding box, in units of that box. The shape
// predictor was trained on detector boxes, so tracking feeds it boxes of the same geometry.
struct BoxRelation {
  float dx0 = 0.0f, dy0 = 0.0f, dx1 = 0.0f, dy1 = 0.0f;
  static BoxRelation between(const cv::Rect2f& landmarks, const cv::Rect2f& detection) {
    BoxRelation r;
    r.dx0 = (detection.x - landmarks.x) / landmarks.width;
    r.dy0 = (detection.y - landmarks.y) / landmarks.height;
    r.dx1 = (detection.br().x - landmarks.br().x) / landmarks.width;
    r.dy1 = (detection.br().y - landmarks.br().y) / landmarks.height;
    return r;
  }
  cv::Rect2f apply(const cv::Rect2f& l) const {
    const float x0 = l.x + dx0 * l.width, y0 = l.y + dy0 * l.height;
    const float x1 = l.br().x + dx1 * l.width, y1 = l.br().y + dy1 * l.height;
    return {x0, y0, x1 - x0, y1 - y0};
  }
};

}  // namespace

struct FaceTracker::Impl {
  std::shared_ptr<const LandmarkModel> model;
  TrackerOptions options;
  dlib::frontal_face_detector detector = dlib::get_frontal_face_detector();
  cv::Mat small;  // reused downscale buffer

  // Appearance of the face at the last detection: the box resized to 32x32, zero mean, unit norm.
  // Every tracked frame is compared with it (normalised cross-correlation, ~20 us): the predictor
  // happily fits a face to an empty patch, this notices that the face has gone.
  static constexpr int kAppearancePx = 32;
  static constexpr double kMinAppearance = 0.5;
  cv::Mat reference, appearance_buf, appearance_f;
  bool tracking = false;
  bool ever_seen = false;
  Landmarks68 last{};
  cv::Rect2f last_box{};
  BoxRelation relation{};
  double last_seen_t = -1e9;
  double last_check_t = -1e9;

  // dlib returns landmarks as whole pixels. Its cost does not depend on the image size (it samples a
  // fixed set of pixel pairs), so the predictor runs on a crop around the box upsampled until the box is
  // kPredictBoxPx wide: the rounding then falls to a fraction of an original pixel.
  static constexpr float kPredictBoxPx = 400.0f;
  mutable cv::Mat crop_up;  // reused buffer

  Landmarks68 predict(const cv::Mat& gray, const cv::Rect2f& box) const {
    const float scale = std::max(1.0f, kPredictBoxPx / std::max(1.0f, box.width));
    const cv::Rect image_rect(0, 0, gray.cols, gray.rows);
    cv::Rect roi(static_cast<int>(std::floor(box.x - 0.25f * box.width)),
                 static_cast<int>(std::floor(box.y - 0.25f * box.height)),
                 static_cast<int>(std::ceil(1.5f * box.width)), static_cast<int>(std::ceil(1.5f * box.height)));
    roi &= image_rect;
    Landmarks68 out{};
    if (roi.area() <= 0) return out;
    const cv::Mat* input = &gray;
    cv::Rect2f local_box = box;
    float s = 1.0f;
    cv::Point2f origin(0, 0);
    if (scale > 1.0f) {
      cv::resize(gray(roi), crop_up, cv::Size(), scale, scale, cv::INTER_LINEAR);
      input = &crop_up;
      s = static_cast<float>(crop_up.cols) / static_cast<float>(roi.width);
      origin = cv::Point2f(static_cast<float>(roi.x), static_cast<float>(roi.y));
      local_box = cv::Rect2f((box.x - origin.x) * s, (box.y - origin.y) * s, box.width * s, box.height * s);
    }
    dlib::cv_image<unsigned char> img(*input);
    const dlib::full_object_detection shape = model->predictor(img, to_dlib(local_box));
    for (unsigned long i = 0; i < 68 && i < shape.num_parts(); ++i) {
      // Pixel-centre convention of cv::resize: source x = (x_up + 0.5) / s - 0.5.
      const float x = static_cast<float>(shape.part(i).x());
      const float y = static_cast<float>(shape.part(i).y());
      out[i] = s > 1.0f ? cv::Point2f(origin.x + (x + 0.5f) / s - 0.5f, origin.y + (y + 0.5f) / s - 0.5f)
                        : cv::Point2f(x, y);
    }
    return out;
  }

  // Faces in `gray` restricted to `roi` (full image when empty), detected on a copy downscaled so that
  // its long side is at most max_side. Boxes in full-image pixels.
  std::vector<cv::Rect2f> detect(const cv::Mat& gray, cv::Rect roi, int max_side) {
    if (roi.area() <= 0) roi = cv::Rect(0, 0, gray.cols, gray.rows);
    roi &= cv::Rect(0, 0, gray.cols, gray.rows);
    if (roi.area() <= 0) return {};
    const cv::Mat view = gray(roi);
    const double scale = std::min(1.0, static_cast<double>(max_side) / std::max(view.cols, view.rows));
    const cv::Mat* input = &view;
    if (scale < 1.0) {
      cv::resize(view, small, cv::Size(), scale, scale, cv::INTER_AREA);
      input = &small;
    }
    dlib::cv_image<unsigned char> img(*input);
    std::vector<dlib::rectangle> dets = detector(img);
    std::vector<cv::Rect2f> out;
    out.reserve(dets.size());
    const float inv = static_cast<float>(1.0 / scale);
    for (const auto& d : dets) {
      cv::Rect2f r = to_cv(d);
      out.emplace_back(r.x * inv + static_cast<float>(roi.x), r.y * inv + static_cast<float>(roi.y),
                       r.width * inv, r.height * inv);
    }
    return out;
  }

  // Normalised appearance of `box` in `gray` (empty when the box is outside the picture).
  cv::Mat appearance(const cv::Mat& gray, const cv::Rect2f& box) {
    cv::Rect r(static_cast<int>(box.x), static_cast<int>(box.y), static_cast<int>(box.width), static_cast<int>(box.height));
    r &= cv::Rect(0, 0, gray.cols, gray.rows);
    if (r.width < 8 || r.height < 8) return {};
    cv::resize(gray(r), appearance_buf, cv::Size(kAppearancePx, kAppearancePx), 0, 0, cv::INTER_AREA);
    appearance_buf.convertTo(appearance_f, CV_32F);
    appearance_f -= cv::mean(appearance_f)[0];
    const double n = cv::norm(appearance_f);
    if (n < 1e-3) return cv::Mat::zeros(kAppearancePx, kAppearancePx, CV_32F);
    return appearance_f / n;
  }

  void anchor(const cv::Mat& gray, const cv::Rect2f& detection, double t) {
    reference = appearance(gray, detection).clone();
    last = predict(gray, detection);
    last_box = detection;
    relation = BoxRelation::between(landmark_bounds(last), detection);
    tracking = true;
    ever_seen = true;
    last_seen_t = t;
    last_check_t = t;
  }

  // Choice among detections when there is no track. Right after losing the face only a face near the
  // last position and of similar size is accepted (never jump to another person); after lost_after_s,
  // or at start, the largest and most central face wins.
  std::optional<cv::Rect2f> choose(const std::vector<cv::Rect2f>& dets, const cv::Size& image, double t) const {
    if (dets.empty()) return std::nullopt;
    const bool recent = ever_seen && (t - last_seen_t) < options.lost_after_s;
    if (recent) {
      const cv::Point2f c0 = centre(last_box);
      std::optional<cv::Rect2f> best;
      float best_d = 1e30f;
      for (const auto& d : dets) {
        const float ratio = d.width / std::max(1.0f, last_box.width);
        const cv::Point2f c = centre(d);
        const float dist = std::hypot(c.x - c0.x, c.y - c0.y);
        if (ratio < 0.6f || ratio > 1.6f || dist > 1.0f * last_box.width) continue;
        if (dist < best_d) {
          best_d = dist;
          best = d;
        }
      }
      return best;
    }
    const cv::Point2f ic(static_cast<float>(image.width) / 2, static_cast<float>(image.height) / 2);
    const float half_diag = std::hypot(ic.x, ic.y);
    std::optional<cv::Rect2f> best;
    float best_score = -1.0f;
    for (const auto& d : dets) {
      const cv::Point2f c = centre(d);
      const float off = std::hypot(c.x - ic.x, c.y - ic.y) / half_diag;
      const float score = d.area() * (1.0f - 0.5f * off);
      if (score > best_score) {
        best_score = score;
        best = d;
      }
    }
    return best;
  }

  FaceObservation track(const cv::Mat& gray, double t) {
    FaceObservation obs;
    if (gray.empty() || gray.type() != CV_8UC1) return obs;
    const cv::Rect2f image_rect(0, 0, static_cast<float>(gray.cols), static_cast<float>(gray.rows));

    if (tracking) {
      cv::Rect2f box = relation.apply(landmark_bounds(last));
      // Lost when the face has left the picture.
      if ((box & image_rect).area() < 0.5f * box.area() || box.width < 20.0f) {
        tracking = false;
      } else {
        Landmarks68 lms = predict(gray, box);
        bool suspicious = false;
        if (!reference.empty()) {
          const cv::Mat now = appearance(gray, box);
          suspicious = now.empty() || now.dot(reference) < kMinAppearance;
        }
        if (suspicious || t - last_check_t >= options.recheck_interval_s) {
          // Re-check: is there still a face here? Detect in a window twice the box, downscaled so the
          // face is about 120 px (the HOG window is 80 px), and re-anchor to the detection.
          obs.detector_ran = true;
          last_check_t = t;
          const cv::Rect roi(cv::Point(static_cast<int>(box.x - box.width), static_cast<int>(box.y - box.height)),
                             cv::Size(static_cast<int>(3 * box.width), static_cast<int>(3 * box.height)));
          const int max_side = static_cast<int>(3.0f * 120.0f);
          auto dets = detect(gray, roi, max_side);
          std::optional<cv::Rect2f> match;
          float best = 0.3f;
          for (const auto& d : dets) {
            const float o = iou(d, box);
            if (o > best) {
              best = o;
              match = d;
            }
          }
          if (match) {
            anchor(gray, *match, t);
            lms = last;
            box = *match;
          } else {
            tracking = false;  // nothing there any more: fall through to a full detection
          }
        }
        if (tracking) {
          last = lms;
          last_box = box;
          last_seen_t = t;
          obs.found = true;
          obs.landmarks = lms;
          obs.box = box;
          return obs;
        }
      }
    }

    obs.detector_ran = true;
    auto dets = detect(gray, cv::Rect(), options.detect_max_side);
    auto chosen = choose(dets, gray.size(), t);
    if (!chosen) return obs;
    anchor(gray, *chosen, t);
    obs.found = true;
    obs.landmarks = last;
    obs.box = *chosen;
    return obs;
  }
};

FaceTracker::FaceTracker(std::shared_ptr<const LandmarkModel> model, TrackerOptions options)
    : impl_(std::make_unique<Impl>()) {
  impl_->model = std::move(model);
  impl_->options = options;
}

FaceTracker::~FaceTracker() = default;

FaceObservation FaceTracker::track(const cv::Mat& gray, double t) { return impl_->track(gray, t); }

void FaceTracker::reset() {
  impl_->tracking = false;
  impl_->ever_seen = false;
  impl_->last_seen_t = -1e9;
  impl_->last_check_t = -1e9;
}

std::vector<FaceObservation> FaceTracker::detect_all(const cv::Mat& gray) {
  std::vector<FaceObservation> out;
  if (gray.empty() || gray.type() != CV_8UC1) return out;
  auto dets = impl_->detect(gray, cv::Rect(), std::max(gray.cols, gray.rows));
  if (dets.empty()) {
    // Small faces: try once on an image upsampled 2x.
    cv::Mat up;
    cv::resize(gray, up, cv::Size(), 2.0, 2.0, cv::INTER_LINEAR);
    auto up_dets = impl_->detect(up, cv::Rect(), std::max(up.cols, up.rows));
    for (auto& d : up_dets) dets.emplace_back(d.x / 2, d.y / 2, d.width / 2, d.height / 2);
  }
  std::sort(dets.begin(), dets.end(), [](const cv::Rect2f& a, const cv::Rect2f& b) { return a.area() > b.area(); });
  for (const auto& d : dets) {
    FaceObservation o;
    o.found = true;
    o.box = d;
    o.landmarks = impl_->predict(gray, d);
    o.detector_ran = true;
    out.push_back(o);
  }
  return out;
}

}  // namespace ft
