// face_tracker.cpp: dlib HOG face detector + our landmark regressor, with tracking between frames
// and the periodic re-check on a background thread. src/face is the only module that includes dlib.
#include "face/face_tracker.hpp"

#include <pthread.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <condition_variable>
#include <cstdlib>
#include <exception>
#include <fstream>
#include <functional>
#include <future>
#include <mutex>
#include <optional>
#include <sstream>
#include <stdexcept>
#include <thread>

#include <dlib/image_processing.h>
#include <dlib/image_processing/frontal_face_detector.h>
#include <dlib/opencv/cv_image.h>
#include <dlib/serialize.h>
#include <opencv2/imgproc.hpp>

#include "core/file_write.hpp"
#include "core/paths.hpp"
#include "face/landmark_regressor.hpp"

namespace ft {

namespace {

// dlib's frontal face detector is built by decoding a serialised string (~0.4 s). It is built once
// per process (on a thread started by load_landmark_model, so that it overlaps loading the model)
// and each tracker copies it (a copy is cheap; one detector object cannot be used by two threads at
// once).
std::shared_future<dlib::frontal_face_detector>& detector_prototype() {
  static std::shared_future<dlib::frontal_face_detector> f =
      std::async(std::launch::async, [] { return dlib::get_frontal_face_detector(); }).share();
  return f;
}

dlib::frontal_face_detector new_detector() {
  return detector_prototype().get();
}

}  // namespace

class LandmarkModel {
 public:
  LandmarkRegressor regressor;
  std::filesystem::path path;

  // dlib's own predictor, for FaceTracker::detect_all(); read from `path` on first use.
  const dlib::shape_predictor& exact() const {
    std::call_once(exact_once_, [this] {
      std::ifstream in(path, std::ios::binary);
      dlib::deserialize(exact_,
                        in);  // the file was read once already; an error here is exceptional
    });
    return exact_;
  }

 private:
  mutable std::once_flag exact_once_;
  mutable dlib::shape_predictor exact_;
};

namespace {

// Where the compact form of `model` is cached: <cache>/models/<name>-<size>-<mtime>-<path
// hash>.ftlm, so a changed or different model file never meets a stale cache. Empty when the file
// cannot be stat'ed.
std::filesystem::path compact_cache_path(const std::filesystem::path& model) {
  std::error_code ec;
  const auto size = std::filesystem::file_size(model, ec);
  if (ec)
    return {};
  const auto mtime = std::filesystem::last_write_time(model, ec);
  if (ec)
    return {};
  const auto absolute = std::filesystem::absolute(model, ec);
  std::ostringstream name;
  name << model.stem().string() << '-' << size << '-' << std::hex
       << mtime.time_since_epoch().count() << '-' << std::hash<std::string>{}(absolute.string())
       << ".ftlm";
  return cache_dir() / "models" / name.str();
}

// The cached compact model, if it is there and intact. Only a regular file is read: a FIFO or a
// device under the cache's name would block or never end.
std::optional<LandmarkRegressor> read_compact(const std::filesystem::path& cached) {
  if (cached.empty())
    return std::nullopt;
  std::error_code ec;
  if (!std::filesystem::is_regular_file(cached, ec))
    return std::nullopt;
  std::ifstream in(cached, std::ios::binary);
  if (!in)
    return std::nullopt;
  return LandmarkRegressor::read(in);
}

// Writes the cache (write_file_atomically: another process never reads half a file, and a link or
// a non-regular file under the cache's name is left alone). Failures (read-only cache, disk full)
// only cost the next start-up its speed.
void write_compact(const std::filesystem::path& cached, const LandmarkRegressor& r) {
  if (cached.empty())
    return;
  std::error_code ec;
  std::filesystem::create_directories(cached.parent_path(), ec);
  std::ostringstream out(std::ios::binary);
  if (!r.write(out))
    return;
  (void)write_file_atomically(cached, out.str());
}

}  // namespace

Result<std::shared_ptr<const LandmarkModel>> load_landmark_model(
    const std::filesystem::path& path) {
  detector_prototype();  // starts building the face detector while the model loads
  std::error_code ec;
  if (!std::filesystem::is_regular_file(path, ec)) {
    return make_error(ErrorKind::Model, "landmark model '" + path.string() +
                                            "' is not a readable file: install Debian's "
                                            "libdlib-data or pass --model FILE");
  }
  auto model = std::make_shared<LandmarkModel>();
  model->path = path;
  const char* no_cache = std::getenv("FACETWITCH_NO_MODEL_CACHE");
  const std::filesystem::path cached =
      (no_cache && *no_cache) ? std::filesystem::path() : compact_cache_path(path);
  if (auto compact = read_compact(cached); compact && compact->num_parts() == 68) {
    model->regressor = std::move(*compact);
    return std::shared_ptr<const LandmarkModel>(std::move(model));
  }
  try {
    std::ifstream in(path, std::ios::binary);
    if (!in) {
      return make_error(ErrorKind::Model, "cannot read landmark model '" + path.string() +
                                              "': check its permissions");
    }
    auto regressor = LandmarkRegressor::from_dlib_stream(in);
    if (!regressor) {
      return make_error(ErrorKind::Model, "landmark model '" + path.string() +
                                              "' is corrupt: " + regressor.error().message +
                                              ": reinstall Debian's libdlib-data (apt-get install "
                                              "--reinstall libdlib-data) or pass --model FILE");
    }
    model->regressor = std::move(regressor).value();
  } catch (const std::exception& e) {
    std::string what = e.what();
    while (!what.empty() && (what.back() == '\n' || what.back() == ' '))
      what.pop_back();
    for (auto& c : what) {
      if (c == '\n')
        c = ' ';
    }
    return make_error(ErrorKind::Model, "landmark model '" + path.string() +
                                            "' is corrupt or not a dlib shape predictor (" + what +
                                            "): reinstall Debian's libdlib-data (apt-get install "
                                            "--reinstall libdlib-data) or pass --model FILE");
  }
  if (model->regressor.num_parts() != 68) {
    return make_error(ErrorKind::Model, "landmark model '" + path.string() + "' has " +
                                            std::to_string(model->regressor.num_parts()) +
                                            " points, facetwitch needs the 68-point model "
                                            "(shape_predictor_68_face_landmarks.dat)");
  }
  write_compact(cached, model->regressor);
  return std::shared_ptr<const LandmarkModel>(std::move(model));
}

namespace {

cv::Rect2f to_cv(const dlib::rectangle& r) {
  return {static_cast<float>(r.left()), static_cast<float>(r.top()), static_cast<float>(r.width()),
          static_cast<float>(r.height())};
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

cv::Point2f centre(const cv::Rect2f& r) {
  return {r.x + r.width / 2, r.y + r.height / 2};
}

// The predictor's pixels: the box and a quarter of it on each side (farther ones read as 0).
cv::Rect predictor_area(const cv::Rect2f& box) {
  return cv::Rect(static_cast<int>(std::floor(box.x - 0.25f * box.width)),
                  static_cast<int>(std::floor(box.y - 0.25f * box.height)),
                  static_cast<int>(std::ceil(1.5f * box.width)),
                  static_cast<int>(std::ceil(1.5f * box.height)));
}

// The re-check's window: twice the box, centred on it (a face must overlap the box by IoU > 0.3 to
// count, so it is well inside; the detector's 80 px window needs no more margin). Three times the
// box until this version: 2.25 times the pixels for the same answers.
constexpr float kRecheckWindow = 2.0f;
cv::Rect recheck_window(const cv::Rect2f& box) {
  const float margin = 0.5f * (kRecheckWindow - 1.0f);
  return cv::Rect(cv::Point(static_cast<int>(box.x - margin * box.width),
                            static_cast<int>(box.y - margin * box.height)),
                  cv::Size(static_cast<int>(kRecheckWindow * box.width),
                           static_cast<int>(kRecheckWindow * box.height)));
}
// The re-check detects on the window downscaled so that the face is about 120 px (the HOG window is
// 80).
constexpr int kRecheckMaxSide = static_cast<int>(kRecheckWindow * 120.0f);

// How the detector's box sits relative to the landmarks' bounding box, in units of that box. The
// shape predictor was trained on detector boxes, so tracking feeds it boxes of the same geometry.
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

// Faces in `gray` restricted to `roi` (full image when empty), detected on a copy downscaled so
// that its long side is at most max_side (`small` is its reused buffer). Boxes in `gray`'s pixels.
std::vector<cv::Rect2f> detect_faces(dlib::frontal_face_detector& detector, const cv::Mat& gray,
                                     cv::Rect roi, int max_side, cv::Mat& small) {
  if (roi.area() <= 0)
    roi = cv::Rect(0, 0, gray.cols, gray.rows);
  roi &= cv::Rect(0, 0, gray.cols, gray.rows);
  if (roi.area() <= 0)
    return {};
  const cv::Mat view = gray(roi);
  const double scale =
      std::min(1.0, static_cast<double>(max_side) / std::max(view.cols, view.rows));
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

// The face's appearance: the box as 32x32 cells (each the mean of 4x4 samples), zero mean, unit
// norm (no allocation once `out` exists). Every tracked frame is compared with the appearance at
// the last detection (normalised cross-correlation, ~15 us): the predictor happily fits a face to
// an empty patch, this notices that it left.
class Appearance {
 public:
  static constexpr int kPx = 32;
  static constexpr int kSamples = 4;  // per cell and direction
  // Fills `out` (kPx x kPx, CV_32F); false when the box is (nearly) outside the picture.
  static bool compute(const cv::Mat& gray, const cv::Rect2f& box, cv::Mat& out) {
    cv::Rect r(static_cast<int>(box.x), static_cast<int>(box.y), static_cast<int>(box.width),
               static_cast<int>(box.height));
    r &= cv::Rect(0, 0, gray.cols, gray.rows);
    if (r.width < 8 || r.height < 8)
      return false;
    out.create(kPx, kPx, CV_32F);
    constexpr int kGrid = kPx * kSamples;
    int xs[kGrid];
    for (int i = 0; i < kGrid; ++i)
      xs[i] = r.x + (2 * i + 1) * r.width / (2 * kGrid);
    for (int cy = 0; cy < kPx; ++cy) {
      float* row = out.ptr<float>(cy);
      for (int cx = 0; cx < kPx; ++cx)
        row[cx] = 0.0f;
      for (int sy = 0; sy < kSamples; ++sy) {
        const int i = cy * kSamples + sy;
        const unsigned char* src =
            gray.ptr<unsigned char>(r.y + (2 * i + 1) * r.height / (2 * kGrid));
        for (int cx = 0; cx < kPx; ++cx) {
          int s = 0;
          for (int sx = 0; sx < kSamples; ++sx)
            s += src[xs[cx * kSamples + sx]];
          row[cx] += static_cast<float>(s);
        }
      }
    }
    float* p = out.ptr<float>();
    const int n = kPx * kPx;
    double sum = 0.0;
    for (int i = 0; i < n; ++i)
      sum += p[i];
    const auto mean = static_cast<float>(sum / n);
    double sq = 0.0;
    for (int i = 0; i < n; ++i) {
      p[i] -= mean;
      sq += static_cast<double>(p[i]) * p[i];
    }
    const double norm = std::sqrt(sq);
    const float inv = norm < 1e-3 ? 0.0f : static_cast<float>(1.0 / norm);
    for (int i = 0; i < n; ++i)
      p[i] *= inv;
    return true;
  }
  static double correlation(const cv::Mat& a, const cv::Mat& b) {
    const float* pa = a.ptr<float>();
    const float* pb = b.ptr<float>();
    double s = 0.0;
    for (int i = 0; i < kPx * kPx; ++i)
      s += static_cast<double>(pa[i]) * pb[i];
    return s;
  }
};

// The periodic re-check on its own thread: is there still a face in the window around the track,
// and how does the detector's box sit on it (re-anchoring the box geometry and the reference
// appearance). The window is copied when the check starts, so the frame can be reused at once. One
// check at a time; start() only when idle (after wait()). Owned and driven by one tracker (one
// thread).
class RecheckWorker {
 public:
  struct Outcome {
    bool matched = false;
    BoxRelation relation;
    cv::Mat reference;  // appearance at the detection (Appearance::kPx square, CV_32F)
  };

  explicit RecheckWorker(std::shared_ptr<const LandmarkModel> model) : model_(std::move(model)) {}
  ~RecheckWorker() {
    {
      std::lock_guard lock(m_);
      quit_ = true;
    }
    cv_.notify_all();
    if (thread_.joinable())
      thread_.join();
  }
  RecheckWorker(const RecheckWorker&) = delete;
  RecheckWorker& operator=(const RecheckWorker&) = delete;

  // Copies gray(window) (clipped) and starts checking for a face overlapping `box`.
  void start(const cv::Mat& gray, cv::Rect window, const cv::Rect2f& box) {
    window &= cv::Rect(0, 0, gray.cols, gray.rows);
    // The copy goes into a buffer of fixed capacity (a view of it), so that it never reallocates
    // once the face size is stable.
    if (buffer_.rows < window.height || buffer_.cols < window.width) {
      buffer_.create(std::max(buffer_.rows, window.height), std::max(buffer_.cols, window.width),
                     CV_8UC1);
    }
    cv::Mat dst = buffer_(cv::Rect(0, 0, window.width, window.height));
    gray(window).copyTo(dst);
    if (!thread_.joinable()) {
      thread_ = std::thread([this] { run(); });
    }
    {
      std::lock_guard lock(m_);
      window_ = window;
      box_ = box;
      pending_ = true;
      done_ = false;
    }
    cv_.notify_all();
  }
  bool pending() const { return pending_; }
  // Waits for the answer of the check started last. The caller may take its buffers (swap).
  Outcome& wait() {
    std::unique_lock lock(m_);
    cv_.wait(lock, [&] { return done_; });
    pending_ = false;
    return outcome_;
  }

 private:
  void run() {
    pthread_setname_np(pthread_self(), "ft-recheck");
    // The tracker built its own detector from the same prototype, so this does not fail in
    // practice; if it did, every check answers "no face" and the tracker re-acquires on its own
    // thread.
    std::optional<dlib::frontal_face_detector> detector;
    try {
      detector = new_detector();
    } catch (...) {
    }
    LandmarkRegressor::Workspace ws;
    cv::Mat small;
    std::unique_lock lock(m_);
    while (true) {
      cv_.wait(lock, [&] { return quit_ || (pending_ && !done_); });
      if (quit_)
        return;
      const cv::Rect window = window_;
      const cv::Rect2f box = box_;
      lock.unlock();
      Outcome out;
      out.reference = outcome_.reference;  // reuse its buffer
      try {
        if (!detector)
          throw std::runtime_error("no face detector");
        const cv::Mat view = buffer_(cv::Rect(0, 0, window.width, window.height));
        const cv::Point2f offset(static_cast<float>(window.x), static_cast<float>(window.y));
        const cv::Rect2f local_box(box.x - offset.x, box.y - offset.y, box.width, box.height);
        const auto dets = detect_faces(*detector, view, cv::Rect(), kRecheckMaxSide, small);
        std::optional<cv::Rect2f> match;
        float best = 0.3f;
        for (const auto& d : dets) {
          const float o = iou(d, local_box);
          if (o > best) {
            best = o;
            match = d;
          }
        }
        if (match) {
          Landmarks68 lms{};
          model_->regressor.predict(view, predictor_area(*match), *match, lms, ws);
          out.relation = BoxRelation::between(landmark_bounds(lms), *match);
          out.matched = Appearance::compute(view, *match, out.reference);
        }
      } catch (const std::exception&) {
        out.matched = false;  // treated as "no face here": the tracker re-acquires on its thread
      }
      lock.lock();
      outcome_ = std::move(out);
      done_ = true;
      cv_.notify_all();
    }
  }

  std::shared_ptr<const LandmarkModel> model_;
  std::thread thread_;
  std::mutex m_;
  std::condition_variable cv_;
  bool quit_ = false;
  bool done_ = false;
  // Started and not yet waited for. Written only by the tracker's thread (under m_), read by it
  // freely and by run() under m_.
  bool pending_ = false;
  cv::Mat buffer_;  // window copy: written by the tracker's thread only while no check runs
  cv::Rect window_;
  cv::Rect2f box_;
  Outcome outcome_;
};

}  // namespace

struct FaceTracker::Impl {
  std::shared_ptr<const LandmarkModel> model;
  TrackerOptions options;
  dlib::frontal_face_detector detector = new_detector();
  cv::Mat small;  // reused downscale buffer of the detector
  LandmarkRegressor::Workspace workspace;
  std::unique_ptr<RecheckWorker> worker;  // created at the first background re-check
  int recheck_age = 0;                    // frames since the background re-check started

  static constexpr double kMinAppearance = 0.5;
  cv::Mat reference, now;  // appearance at the last detection, and on the current frame
  bool have_reference = false;
  bool tracking = false;
  bool ever_seen = false;
  Landmarks68 last{};
  cv::Rect2f last_box{};
  BoxRelation relation{};
  double last_seen_t = -1e9;
  double last_check_t = -1e9;
  FaceObservation obs;

  void predict(const cv::Mat& gray, const cv::Rect2f& box, Landmarks68& out) {
    model->regressor.predict(gray, predictor_area(box), box, out, workspace);
  }

  void anchor(const cv::Mat& gray, const cv::Rect2f& detection, double t) {
    have_reference = Appearance::compute(gray, detection, reference);
    predict(gray, detection, last);
    last_box = detection;
    relation = BoxRelation::between(landmark_bounds(last), detection);
    tracking = true;
    ever_seen = true;
    last_seen_t = t;
    last_check_t = t;
  }

  // Drops a background re-check in flight (its answer no longer applies).
  void cancel_recheck() {
    if (worker && worker->pending())
      worker->wait();
  }

  // Choice among detections when there is no track. Right after losing the face only a face near
  // the last position and of similar size is accepted (never jump to another person); after
  // lost_after_s, or at start, the largest and most central face wins.
  std::optional<cv::Rect2f> choose(const std::vector<cv::Rect2f>& dets, const cv::Size& image,
                                   double t) const {
    if (dets.empty())
      return std::nullopt;
    const bool recent = ever_seen && (t - last_seen_t) < options.lost_after_s;
    if (recent) {
      const cv::Point2f c0 = centre(last_box);
      std::optional<cv::Rect2f> best;
      float best_d = 1e30f;
      for (const auto& d : dets) {
        const float ratio = d.width / std::max(1.0f, last_box.width);
        const cv::Point2f c = centre(d);
        const float dist = std::hypot(c.x - c0.x, c.y - c0.y);
        if (ratio < 0.6f || ratio > 1.6f || dist > 1.0f * last_box.width)
          continue;
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

  // The synchronous re-check (first frame of a suspicious appearance, or background re-check off):
  // detect in the window around `box` on this thread and re-anchor to the detection. False: no
  // face.
  bool recheck_now(const cv::Mat& gray, cv::Rect2f& box, Landmarks68& lms, double t) {
    obs.detector_ran = true;
    last_check_t = t;
    const auto dets = detect_faces(detector, gray, recheck_window(box), kRecheckMaxSide, small);
    std::optional<cv::Rect2f> match;
    float best = 0.3f;
    for (const auto& d : dets) {
      const float o = iou(d, box);
      if (o > best) {
        best = o;
        match = d;
      }
    }
    if (!match)
      return false;
    anchor(gray, *match, t);
    lms = last;
    box = *match;
    return true;
  }

  const FaceObservation& track(GreySource& src, double t) {
    obs = FaceObservation{};
    const cv::Size size = src.size();
    if (size.width <= 0 || size.height <= 0)
      return obs;
    const cv::Rect2f image_rect(0, 0, static_cast<float>(size.width),
                                static_cast<float>(size.height));

    if (tracking) {
      cv::Rect2f box = relation.apply(landmark_bounds(last));
      // Lost when the face has left the picture.
      if ((box & image_rect).area() < 0.5f * box.area() || box.width < 20.0f) {
        tracking = false;
        cancel_recheck();
      } else {
        // The predictor and the appearance read the box and a quarter of it around.
        const cv::Mat& gray = src.grey(predictor_area(box));
        Landmarks68& lms = obs.landmarks;
        predict(gray, box, lms);
        bool suspicious = false;
        if (have_reference) {
          suspicious = !Appearance::compute(gray, box, now) ||
                       Appearance::correlation(now, reference) < kMinAppearance;
        }
        if (suspicious) {
          cancel_recheck();
          if (!recheck_now(src.grey(recheck_window(box)), box, lms, t))
            tracking = false;  // gone: full detection
        } else if (worker && worker->pending() && ++recheck_age >= kRecheckLagFrames) {
          // The background re-check started kRecheckLagFrames ago: apply its answer now.
          const auto wait_start = std::chrono::steady_clock::now();
          RecheckWorker::Outcome& out = worker->wait();
          obs.recheck_wait_ms = std::chrono::duration<double, std::milli>(
                                    std::chrono::steady_clock::now() - wait_start)
                                    .count();
          if (out.matched) {
            relation = out.relation;
            std::swap(reference, out.reference);
            have_reference = true;
          } else {
            tracking = false;  // no face in the window at that frame: re-acquire below
          }
        } else if (t - last_check_t >= options.recheck_interval_s &&
                   !(worker && worker->pending())) {
          if (options.background_recheck) {
            if (!worker)
              worker = std::make_unique<RecheckWorker>(model);
            worker->start(src.grey(recheck_window(box)), recheck_window(box), box);
            recheck_age = 0;
            last_check_t = t;
          } else if (!recheck_now(src.grey(recheck_window(box)), box, lms, t)) {
            tracking = false;
          }
        }
        if (tracking) {
          last = lms;
          last_box = box;
          last_seen_t = t;
          obs.found = true;
          obs.box = box;
          return obs;
        }
      }
    }

    obs.detector_ran = true;
    const cv::Mat& gray = src.grey(cv::Rect(0, 0, size.width, size.height));
    auto dets = detect_faces(detector, gray, cv::Rect(), options.detect_max_side, small);
    auto chosen = choose(dets, size, t);
    if (!chosen) {
      obs.landmarks = {};
      return obs;
    }
    anchor(gray, *chosen, t);
    obs.found = true;
    obs.landmarks = last;
    obs.box = *chosen;
    return obs;
  }

  // dlib's own predictor on a crop upsampled until the box is 400 px wide (it returns whole
  // pixels), mapped back to the image: the landmarks of detect_all().
  Landmarks68 predict_exact(const cv::Mat& gray, const cv::Rect2f& box) {
    constexpr float kPredictBoxPx = 400.0f;
    const float scale = std::max(1.0f, kPredictBoxPx / std::max(1.0f, box.width));
    cv::Rect roi = predictor_area(box) & cv::Rect(0, 0, gray.cols, gray.rows);
    Landmarks68 out{};
    if (roi.area() <= 0)
      return out;
    const cv::Mat* input = &gray;
    cv::Rect2f local_box = box;
    float s = 1.0f;
    cv::Point2f origin(0, 0);
    cv::Mat crop_up;
    if (scale > 1.0f) {
      cv::resize(gray(roi), crop_up, cv::Size(), scale, scale, cv::INTER_LINEAR);
      input = &crop_up;
      s = static_cast<float>(crop_up.cols) / static_cast<float>(roi.width);
      origin = cv::Point2f(static_cast<float>(roi.x), static_cast<float>(roi.y));
      local_box =
          cv::Rect2f((box.x - origin.x) * s, (box.y - origin.y) * s, box.width * s, box.height * s);
    }
    dlib::cv_image<unsigned char> img(*input);
    const dlib::full_object_detection shape = model->exact()(img, to_dlib(local_box));
    for (unsigned long i = 0; i < 68 && i < shape.num_parts(); ++i) {
      // Pixel-centre convention of cv::resize: source x = (x_up + 0.5) / s - 0.5.
      const float x = static_cast<float>(shape.part(i).x());
      const float y = static_cast<float>(shape.part(i).y());
      out[i] = s > 1.0f
                   ? cv::Point2f(origin.x + (x + 0.5f) / s - 0.5f, origin.y + (y + 0.5f) / s - 0.5f)
                   : cv::Point2f(x, y);
    }
    return out;
  }
};

FaceTracker::FaceTracker(std::shared_ptr<const LandmarkModel> model, TrackerOptions options)
    : impl_(std::make_unique<Impl>()) {
  impl_->model = std::move(model);
  impl_->options = options;
}

FaceTracker::~FaceTracker() = default;

namespace {
// A frame already entirely in grey.
class WholeGrey final : public GreySource {
 public:
  explicit WholeGrey(const cv::Mat& gray) : gray_(gray) {}
  cv::Size size() const override { return gray_.size(); }
  const cv::Mat& grey(const cv::Rect&) override { return gray_; }

 private:
  const cv::Mat& gray_;
};
}  // namespace

const FaceObservation& FaceTracker::track(const cv::Mat& gray, double t) {
  if (gray.empty() || gray.type() != CV_8UC1) {
    impl_->obs = FaceObservation{};
    return impl_->obs;
  }
  WholeGrey whole(gray);
  return impl_->track(whole, t);
}

const FaceObservation& FaceTracker::track(GreySource& frame, double t) {
  return impl_->track(frame, t);
}

cv::Rect FaceTracker::tracking_region() const {
  if (!impl_->tracking)
    return {};
  return predictor_area(impl_->relation.apply(landmark_bounds(impl_->last)));
}

void FaceTracker::reset() {
  impl_->cancel_recheck();
  impl_->tracking = false;
  impl_->ever_seen = false;
  impl_->last_seen_t = -1e9;
  impl_->last_check_t = -1e9;
}

std::vector<FaceObservation> FaceTracker::detect_all(const cv::Mat& gray) {
  std::vector<FaceObservation> out;
  if (gray.empty() || gray.type() != CV_8UC1)
    return out;
  auto dets =
      detect_faces(impl_->detector, gray, cv::Rect(), std::max(gray.cols, gray.rows), impl_->small);
  if (dets.empty()) {
    // Small faces: try once on an image upsampled 2x.
    cv::Mat up;
    cv::resize(gray, up, cv::Size(), 2.0, 2.0, cv::INTER_LINEAR);
    auto up_dets =
        detect_faces(impl_->detector, up, cv::Rect(), std::max(up.cols, up.rows), impl_->small);
    for (auto& d : up_dets)
      dets.emplace_back(d.x / 2, d.y / 2, d.width / 2, d.height / 2);
  }
  std::sort(dets.begin(), dets.end(),
            [](const cv::Rect2f& a, const cv::Rect2f& b) { return a.area() > b.area(); });
  for (const auto& d : dets) {
    FaceObservation o;
    o.found = true;
    o.box = d;
    o.landmarks = impl_->predict_exact(gray, d);
    o.detector_ran = true;
    out.push_back(o);
  }
  return out;
}

}  // namespace ft
