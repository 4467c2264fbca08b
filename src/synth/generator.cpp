// generator.cpp: canvas preparation, per-frame animation and rendering, and the video + truth
// writer.
#include "synth/generator.hpp"

#include <algorithm>
#include <chrono>
#include <cmath>
#include <condition_variable>
#include <deque>
#include <map>
#include <mutex>
#include <numbers>
#include <optional>
#include <system_error>
#include <thread>

#include <opencv2/imgcodecs.hpp>
#include <opencv2/imgproc.hpp>

#include "face/face_tracker.hpp"
#include "face/model_locator.hpp"
#include "io/video_writer.hpp"

namespace ft {
namespace {

// Shape of the effects, in IOD or as fractions (see scenario.hpp for what each event means).
// The mouth angle was chosen with dlib's predictor on the astronaut portrait (face scale 2): dlib's
// shape prior couples the two mouth corners (smiles are symmetric in its training data), the more
// so the more vertical the movement. At 50 degrees a 5 % IOD twitch of one corner moved the other
// corner's re-detected landmark by ~1-1.7 % IOD; at 30 degrees its own corner moves ~3 % IOD and
// the other < 1 % IOD (averaged over frames; dlib's frame-to-frame jitter with sensor noise is ~1 %
// IOD).
constexpr double kMouthRadiusIod = 0.12;  // Gaussian radius around a mouth corner
constexpr double kTwitchAngleDeg = 30.0;  // mouth twitch: up-and-outward, above the eye line
constexpr double kSmileAngleDeg = 30.0;   // smile: the same pull, on both sides
constexpr double kLipShare = 0.35;        // the lips next to a moving corner follow this much
constexpr double kLipRadiusIod = 0.08;
constexpr double kBrowRadiusIod = 0.12;   // brow lift: Gaussian radius at each brow landmark
constexpr double kUpperLidShare = 0.75;  // eye closure split between the lids
constexpr double kLidReachAbove = 1.0;   // the skin above the upper lid follows, fading over this
constexpr double kLidReachBelow = 0.8;   //   (and below the lower lid), times the eye width
constexpr double kMaxClosureOfAperture = 0.9;  // never close an eye completely: the lids would meet
constexpr double kUpperLipShare = 0.2;   // talking: the upper lip's part of the mouth opening
constexpr double kJawReachBelowIod = 0.5;  // below the chin the skin follows the jaw, fading over this
constexpr double kLipReachAboveShare = 0.8;  // the skin above the upper lip follows over this share
                                             // of the slit-to-nose-base distance

cv::Point2f mean_of(const Landmarks68& l, const std::array<int, 6>& idx) {
  cv::Point2f m(0.0f, 0.0f);
  for (int i : idx)
    m += l[static_cast<std::size_t>(i)];
  return m * (1.0f / 6.0f);
}

float dist(cv::Point2f a, cv::Point2f b) {
  return std::hypot(a.x - b.x, a.y - b.y);
}

cv::Point2f pt(const Landmarks68& l, int i) {
  return l[static_cast<std::size_t>(i)];
}

cv::Point2f landmarks_centre(const Landmarks68& l) {
  cv::Point2f m(0.0f, 0.0f);
  for (const auto& p : l)
    m += p;
  return m * (1.0f / 68.0f);
}

std::uint64_t splitmix64(std::uint64_t x) {
  x += 0x9e3779b97f4a7c15ULL;
  x = (x ^ (x >> 30)) * 0xbf58476d1ce4e5b9ULL;
  x = (x ^ (x >> 27)) * 0x94d049bb133111ebULL;
  return x ^ (x >> 31);
}

// Largest face of a grey image, or nullopt.
std::optional<Landmarks68> largest_face(FaceTracker& tracker, const cv::Mat& bgr) {
  cv::Mat gray;
  cv::cvtColor(bgr, gray, cv::COLOR_BGR2GRAY);
  auto faces = tracker.detect_all(gray);
  if (faces.empty() || !faces.front().found)
    return std::nullopt;
  return faces.front().landmarks;
}

// A bounded hand-over of frames from the rendering thread to the writer thread.
class FrameQueue {
 public:
  explicit FrameQueue(std::size_t capacity) : capacity_(capacity) {}

  // Blocks while full. False once the consumer gave up (abort).
  bool push(cv::Mat frame) {
    std::unique_lock lock(mutex_);
    changed_.wait(lock, [this] { return aborted_ || frames_.size() < capacity_; });
    if (aborted_)
      return false;
    frames_.push_back(std::move(frame));
    changed_.notify_all();
    return true;
  }
  // Blocks while empty. nullopt when the producer finished and everything was taken, or on abort.
  std::optional<cv::Mat> pop() {
    std::unique_lock lock(mutex_);
    changed_.wait(lock, [this] { return aborted_ || finished_ || !frames_.empty(); });
    if (aborted_ || frames_.empty())
      return std::nullopt;
    cv::Mat f = std::move(frames_.front());
    frames_.pop_front();
    changed_.notify_all();
    return f;
  }
  void finish() {
    std::lock_guard lock(mutex_);
    finished_ = true;
    changed_.notify_all();
  }
  void abort() {
    std::lock_guard lock(mutex_);
    aborted_ = true;
    changed_.notify_all();
  }

 private:
  std::size_t capacity_;
  std::mutex mutex_;
  std::condition_variable changed_;
  std::deque<cv::Mat> frames_;
  bool finished_ = false;
  bool aborted_ = false;
};

}  // namespace

// ---- canvas ----

Result<FaceCanvas> prepare_face_canvas(const Scenario& s, const std::filesystem::path& photo,
                                       std::shared_ptr<const LandmarkModel> model) {
  std::error_code ec;
  if (!std::filesystem::is_regular_file(photo, ec)) {
    return make_error(ErrorKind::Input,
                      "face photo " + photo.string() +
                          " not found: run scripts/setup.sh to fetch the astronaut "
                          "portrait, or pass --face FILE");
  }
  cv::Mat img = cv::imread(photo.string(), cv::IMREAD_COLOR);
  if (img.empty()) {
    return make_error(ErrorKind::Input, "cannot read the face photo " + photo.string() +
                                            ": not an image OpenCV can decode");
  }
  cv::Mat resized;
  if (s.face_scale == 1.0) {
    resized = img;
  } else {
    cv::resize(img, resized, cv::Size(), s.face_scale, s.face_scale,
               s.face_scale < 1.0 ? cv::INTER_AREA : cv::INTER_CUBIC);
  }

  FaceTracker tracker(std::move(model));
  auto on_photo = largest_face(tracker, resized);
  if (!on_photo) {
    return make_error(ErrorKind::Input, "no face found in " + photo.string() + " (at face scale " +
                                            std::to_string(s.face_scale) +
                                            "): use a frontal portrait, or another --face-scale");
  }
  const cv::Point2f centre = landmarks_centre(*on_photo);
  // Whole-pixel shift: the canvas is an exact copy of the resized photo.
  const double ox = std::round(s.width / 2.0 - centre.x);
  const double oy = std::round(s.height / 2.0 - centre.y);
  const cv::Matx23d shift(1.0, 0.0, ox, 0.0, 1.0, oy);
  FaceCanvas c;
  cv::warpAffine(resized, c.bgr, shift, cv::Size(s.width, s.height), cv::INTER_NEAREST,
                 cv::BORDER_REPLICATE);

  auto on_canvas = largest_face(tracker, c.bgr);
  if (on_canvas) {
    c.landmarks = *on_canvas;
  } else {  // the canvas crops the photo; fall back on the photo's landmarks, shifted
    c.landmarks = *on_photo;
    for (auto& p : c.landmarks)
      p += cv::Point2f(static_cast<float>(ox), static_cast<float>(oy));
  }
  c.iod_px = landmark_iod_px(c.landmarks);
  return c;
}

// ---- animation ----

FaceAnimator::FaceAnimator(const Scenario& scenario, const Landmarks68& base)
    : scenario_(scenario), base_(base) {
  const cv::Point2f eye_l = mean_of(base, person_eye_indices(Side::Left));
  const cv::Point2f eye_r = mean_of(base, person_eye_indices(Side::Right));
  iod_px_ = dist(eye_l, eye_r);
  centre_ = landmarks_centre(base);
  if (iod_px_ > 0.0)
    left_ = (eye_l - eye_r) * static_cast<float>(1.0 / iod_px_);
  up_ = cv::Point2f(left_.y, -left_.x);
  // `up` must point from the mouth toward the eyes.
  const cv::Point2f mouth =
      0.5f * (pt(base, lm::MouthCornerImageLeft) + pt(base, lm::MouthCornerImageRight));
  if (up_.dot(0.5f * (eye_l + eye_r) - mouth) < 0.0f)
    up_ = -up_;
  for (Side sd : kSides) {
    aperture_[sd] = 0.5 * (dist(pt(base, person_index(Feature::EyeUpperLidOuter, sd)),
                                pt(base, person_index(Feature::EyeLowerLidOuter, sd))) +
                           dist(pt(base, person_index(Feature::EyeUpperLidInner, sd)),
                                pt(base, person_index(Feature::EyeLowerLidInner, sd))));
    eye_width_[sd] = dist(pt(base, person_index(Feature::EyeOuterCorner, sd)),
                          pt(base, person_index(Feature::EyeInnerCorner, sd)));
  }
}

LocalWarp FaceAnimator::warp_at(double t) const {
  struct Acc {
    cv::Point2f d{0.0f, 0.0f};
    float radius = 0.0f;
  };
  std::map<int, Acc> acc;  // by landmark index: deterministic order
  auto add = [&](int index, cv::Point2f d, double radius) {
    auto& a = acc[index];
    a.d += d;
    a.radius = std::max(a.radius, static_cast<float>(radius));
  };
  const auto iod = static_cast<float>(iod_px_);
  auto corner_dir = [&](Side sd, double angle_deg) {
    const double a = angle_deg * std::numbers::pi / 180.0;
    const cv::Point2f lateral = sd == Side::Left ? left_ : -left_;
    return static_cast<float>(std::cos(a)) * lateral + static_cast<float>(std::sin(a)) * up_;
  };
  auto move_corner = [&](Side sd, cv::Point2f d) {
    const int corner = person_index(Feature::MouthCorner, sd);
    add(corner, d, kMouthRadiusIod * iod_px_);
    if (kLipShare > 0.0) {
      // The lips next to the corner follow part of the way (upper 49/53, lower 59/55).
      const bool image_left = corner == lm::MouthCornerImageLeft;
      add(image_left ? 49 : 53, static_cast<float>(kLipShare) * d, kLipRadiusIod * iod_px_);
      add(image_left ? 59 : 55, static_cast<float>(kLipShare) * d, kLipRadiusIod * iod_px_);
    }
  };
  PerSide<double> closure{0.0, 0.0};  // px of aperture to close, per eye

  for (const auto& e : scenario_.twitches) {
    const double v = e.value_iod(t);
    if (v <= 0.0)
      continue;
    if (e.region == Region::Mouth) {
      move_corner(e.side, static_cast<float>(v) * iod * corner_dir(e.side, kTwitchAngleDeg));
    } else {
      closure[e.side] += v * iod_px_;
      if (e.brow_lift_iod > 0.0) {
        // The brow rises with the closure (frontalis with orbicularis oculi).
        const cv::Point2f d = static_cast<float>(e.brow_lift_iod * v / e.amplitude_iod) * iod * up_;
        for (Feature f : {Feature::BrowOuter, Feature::BrowMiddle, Feature::BrowInner})
          add(person_index(f, e.side), d, kBrowRadiusIod * iod_px_);
      }
    }
  }
  for (const auto& b : scenario_.blinks) {
    const double c = b.closure_at(t);
    if (c <= 0.0)
      continue;
    for (Side sd : kSides)
      closure[sd] += c * aperture_[sd];
  }
  for (const auto& m : scenario_.smiles) {
    const double v = m.value_iod(t);
    if (v <= 0.0)
      continue;
    for (Side sd : kSides)
      move_corner(sd, static_cast<float>(v) * iod * corner_dir(sd, kSmileAngleDeg));
  }
  for (const auto& x : scenario_.expressions) {
    const double env = x.envelope(t);
    if (env <= 0.0)
      continue;
    for (Side sd : kSides) {
      const double a = x.amount[sd] * env;
      if (a <= 0.0)
        continue;
      const cv::Point2f lateral = sd == Side::Left ? left_ : -left_;
      switch (x.kind) {
        case ExpressionKind::BrowRaise:
          for (Feature f : {Feature::BrowOuter, Feature::BrowMiddle, Feature::BrowInner})
            add(person_index(f, sd), static_cast<float>(a) * iod * up_, kBrowRadiusIod * iod_px_);
          break;
        case ExpressionKind::EyeClosure:
          closure[sd] += a * aperture_[sd];
          break;
        case ExpressionKind::Smile:
          move_corner(sd, static_cast<float>(a) * iod * corner_dir(sd, kSmileAngleDeg));
          break;
        case ExpressionKind::Snarl: {
          // The lateral upper lip (levator labii superioris): 50/49 on the image's left, 52/53 on its
          // right; the corner follows by a third.
          const bool image_left = person_index(Feature::MouthCorner, sd) == lm::MouthCornerImageLeft;
          const cv::Point2f d = static_cast<float>(a) * iod * up_;
          add(image_left ? 50 : 52, d, kLipRadiusIod * iod_px_);
          add(image_left ? 49 : 53, 0.8f * d, kLipRadiusIod * iod_px_);
          move_corner(sd, (1.0f / 3.0f) * d);
          break;
        }
        case ExpressionKind::Pucker:
          move_corner(sd, -static_cast<float>(a) * iod * lateral);
          break;
      }
    }
  }
  double opening = 0.0;  // IOD
  for (const auto& k : scenario_.talks) {
    opening += k.opening_iod_at(t);
    const PerSide<double> c = k.corner_iod_at(t);
    for (Side sd : kSides) {
      if (c[sd] != 0.0)
        move_corner(sd, static_cast<float>(c[sd]) * iod * corner_dir(sd, 0.0));
    }
  }
  if (scenario_.rest_motion.active()) {
    const auto& r = scenario_.rest_motion;
    const PerSide<RestMotion::Corner> c = r.corner_at(t);
    const PerSide<double> lid = r.lid_closure_iod_at(t);
    for (Side sd : kSides) {
      if (c[sd].lateral_iod != 0.0 || c[sd].up_iod != 0.0) {
        move_corner(sd, static_cast<float>(c[sd].lateral_iod) * iod * corner_dir(sd, 0.0) +
                            static_cast<float>(c[sd].up_iod) * iod * up_);
      }
      closure[sd] += lid[sd] * iod_px_;
    }
  }
  if (scenario_.droop) {
    move_corner(scenario_.droop->side,
                static_cast<float>(scenario_.droop->amplitude_iod) * iod * -up_);
  }

  LocalWarp out;
  for (const auto& [index, a] : acc) {
    if (a.d.x == 0.0f && a.d.y == 0.0f)
      continue;
    out.controls.push_back({pt(base_, index), a.d, a.radius});
  }
  if (opening > 0.0)
    out.mouths.push_back(mouth_opening(opening * iod_px_));
  for (Side sd : kSides) {
    const double c = std::min(closure[sd], kMaxClosureOfAperture * aperture_[sd]);
    if (c <= 0.0)
      continue;
    LidClosure lid;
    const auto p = [&](Feature f) { return pt(base_, person_index(f, sd)); };
    lid.upper = {p(Feature::EyeOuterCorner), p(Feature::EyeUpperLidOuter),
                 p(Feature::EyeUpperLidInner), p(Feature::EyeInnerCorner)};
    lid.lower = {p(Feature::EyeOuterCorner), p(Feature::EyeLowerLidOuter),
                 p(Feature::EyeLowerLidInner), p(Feature::EyeInnerCorner)};
    lid.up = up_;
    lid.upper_shift = static_cast<float>(kUpperLidShare * c);
    lid.lower_shift = static_cast<float>((1.0 - kUpperLidShare) * c);
    lid.reach_above = static_cast<float>(kLidReachAbove * eye_width_[sd]);
    lid.reach_below = static_cast<float>(kLidReachBelow * eye_width_[sd]);
    out.lids.push_back(lid);
  }
  return out;
}

MouthOpening FaceAnimator::mouth_opening(double opening_px) const {
  // The slit: the inner mouth corners (60, 64) and the points midway between the inner lips
  // (61/67 and 63/65).
  const auto mid = [&](int a, int b) { return 0.5f * (pt(base_, a) + pt(base_, b)); };
  MouthOpening m;
  m.slit = {pt(base_, 60), mid(61, 67), mid(63, 65), pt(base_, 64)};
  m.up = up_;
  const float gap =
      (dist(pt(base_, 61), pt(base_, 67)) + dist(pt(base_, 62), pt(base_, 66)) + dist(pt(base_, 63), pt(base_, 65))) /
      3.0f;
  m.half_gap = std::max(1.0f, 0.5f * gap);
  m.upper_shift = static_cast<float>(kUpperLipShare * opening_px);
  m.lower_shift = static_cast<float>((1.0 - kUpperLipShare) * opening_px);
  const cv::Point2f slit_centre = mid(62, 66);
  m.jaw_depth = std::max(m.half_gap, (slit_centre - pt(base_, 8)).dot(up_));
  m.reach_below = static_cast<float>(kJawReachBelowIod * iod_px_);
  m.reach_above = static_cast<float>(
      std::max<double>(2.0 * m.half_gap, kLipReachAboveShare * (pt(base_, 33) - slit_centre).dot(up_)));
  return m;
}

Similarity FaceAnimator::motion_at(double t) const {
  const HeadMotionSample h = head_motion_at(scenario_.head_motion, t);
  Similarity s;
  s.centre = cv::Point2d(centre_.x, centre_.y);
  s.translation = cv::Point2d(h.dx_px, h.dy_px);
  s.angle_deg = h.angle_deg;
  s.scale = h.scale;
  return s;
}

// ---- rendering ----

FrameRenderer::FrameRenderer(const Scenario& scenario, FaceCanvas canvas)
    : scenario_(scenario), canvas_(std::move(canvas)), animator_(scenario, canvas_.landmarks) {
  float x0 = canvas_.landmarks[0].x, x1 = x0, y0 = canvas_.landmarks[0].y, y1 = y0;
  for (const auto& p : canvas_.landmarks) {
    x0 = std::min(x0, p.x);
    x1 = std::max(x1, p.x);
    y0 = std::min(y0, p.y);
    y1 = std::max(y1, p.y);
  }
  const double margin = 0.6 * animator_.iod_px();
  face_box_ = cv::Rect2d(x0 - margin, y0 - margin, x1 - x0 + 2 * margin, y1 - y0 + 2 * margin);
  if (scenario_.noise_sigma > 0.0) {
    cv::RNG rng(splitmix64(scenario_.seed ^ 0x6e6f697365ULL));  // "noise"
    for (int k = 0; k < kNoisePlanes; ++k) {
      cv::Mat plane(scenario_.height + kNoiseMargin, scenario_.width + kNoiseMargin, CV_32FC3);
      rng.fill(plane, cv::RNG::NORMAL, 0.0, scenario_.noise_sigma);
      noise_bank_.push_back(plane);
    }
  }
}

void FrameRenderer::render(int frame_index, cv::Mat& out) {
  const double t = scenario_.frame_time(frame_index);
  const LocalWarp warp = animator_.warp_at(t);
  const Similarity motion = animator_.motion_at(t);
  const cv::Mat& canvas = canvas_.bgr;
  const cv::Mat* warped = &canvas;
  if (!warp.empty() || !motion.is_identity()) {
    build_warp_maps(canvas.size(), warp, motion, map_x_, map_y_);
    // Output pixels showing the face: the face box after the head motion.
    double fx0 = 1e18, fy0 = 1e18, fx1 = -1e18, fy1 = -1e18;
    for (int corner = 0; corner < 4; ++corner) {
      const cv::Point2d q = motion.apply({face_box_.x + ((corner & 1) ? face_box_.width : 0.0),
                                          face_box_.y + ((corner & 2) ? face_box_.height : 0.0)});
      fx0 = std::min(fx0, q.x);
      fx1 = std::max(fx1, q.x);
      fy0 = std::min(fy0, q.y);
      fy1 = std::max(fy1, q.y);
    }
    const cv::Rect face =
        cv::Rect(
            cv::Point(static_cast<int>(std::floor(fx0)), static_cast<int>(std::floor(fy0))),
            cv::Point(static_cast<int>(std::ceil(fx1)) + 1, static_cast<int>(std::ceil(fy1)) + 1)) &
        cv::Rect(0, 0, canvas.cols, canvas.rows);
    if (motion.is_identity()) {
      canvas.copyTo(warped_);  // the local warp lives inside the face box
    } else {
      apply_warp(canvas, map_x_, map_y_, warped_, cv::INTER_LINEAR);
    }
    if (face.area() > 0) {
      cv::Mat roi = warped_(face);
      cv::remap(canvas, roi, map_x_(face), map_y_(face), cv::INTER_CUBIC, cv::BORDER_REPLICATE);
    }
    warped = &warped_;
  }
  const double gain = scenario_.lighting_gain(t);
  cv::Mat& target = scenario_.mirrored ? flipped_ : out;
  if (!noise_bank_.empty() || gain != 1.0) {
    warped->convertTo(work_f32_, CV_32F, gain);
    if (!noise_bank_.empty()) {
      cv::RNG rng(splitmix64(scenario_.seed ^ splitmix64(static_cast<std::uint64_t>(frame_index))));
      const cv::Mat& plane = noise_bank_[static_cast<std::size_t>(rng.uniform(0, kNoisePlanes))];
      const int dx = rng.uniform(0, kNoiseMargin + 1);
      const int dy = rng.uniform(0, kNoiseMargin + 1);
      work_f32_ += plane(cv::Rect(dx, dy, scenario_.width, scenario_.height));
    }
    work_f32_.convertTo(target, CV_8U);
  } else {
    warped->copyTo(target);
  }
  if (scenario_.mirrored)
    cv::flip(flipped_, out, 1);
}

// ---- generation ----

double landmark_iod_px(const Landmarks68& l) {
  return dist(mean_of(l, person_eye_indices(Side::Left)), mean_of(l, person_eye_indices(Side::Right)));
}

Status encode_frames(VideoWriter& video, int frames, const std::function<Status(int, cv::Mat&)>& render,
                     const GenerateProgress& progress) {
  // Rendering (this thread) and feeding ffmpeg (a writer thread) overlap; ffmpeg encodes in
  // parallel.
  FrameQueue queue(4);
  Status write_status;
  Status render_status;
  {
    std::jthread feeder([&queue, &video, &write_status] {
      while (auto f = queue.pop()) {
        if (Status st = video.write(*f); !st) {
          write_status = st;
          queue.abort();
          return;
        }
      }
    });
    for (int i = 0; i < frames; ++i) {
      cv::Mat frame;
      render_status = render(i, frame);
      if (!render_status) {
        queue.abort();
        break;
      }
      if (!queue.push(std::move(frame)))
        break;  // the writer failed
      if (progress)
        progress(i + 1, frames);
    }
    queue.finish();
  }  // joins the writer thread
  if (!render_status || !write_status) {
    (void)video.close();
    return !render_status ? render_status : write_status;
  }
  return video.close();
}

Result<GenerateReport> generate_video(const Scenario& scenario, const std::filesystem::path& photo,
                                      const std::filesystem::path& out_dir,
                                      const std::filesystem::path& model_path,
                                      const GenerateProgress& progress) {
  const auto t0 = std::chrono::steady_clock::now();
  if (Status st = validate(scenario); !st)
    return st.error();

  std::filesystem::path model_file = model_path;
  if (model_file.empty()) {
    auto located = locate_model("");
    if (!located)
      return located.error();
    model_file = located.value();
  }
  auto model = load_landmark_model(model_file);
  if (!model)
    return model.error();
  auto canvas = prepare_face_canvas(scenario, photo, model.value());
  if (!canvas)
    return canvas.error();

  std::error_code ec;
  std::filesystem::create_directories(out_dir, ec);
  if (ec || !std::filesystem::is_directory(out_dir, ec)) {
    return make_error(ErrorKind::Output, "cannot create the output folder " + out_dir.string() +
                                             (ec ? ": " + ec.message() : std::string()));
  }
  GenerateReport report;
  report.video_path = out_dir / "video.mp4";
  report.truth_path = out_dir / "truth.json";
  report.fps = scenario.fps;
  report.iod_px = canvas->iod_px;
  report.landmarks = canvas->landmarks;

  auto writer = VideoWriter::open(report.video_path, scenario.width, scenario.height, scenario.fps);
  if (!writer)
    return writer.error();
  FrameRenderer renderer(scenario, std::move(canvas.value()));
  const int n = scenario.frame_count();
  const Status encoded = encode_frames(
      *writer.value(), n,
      [&renderer](int i, cv::Mat& frame) {
        renderer.render(i, frame);
        return Status{};
      },
      progress);
  if (!encoded)
    return encoded.error();
  report.frames = n;

  if (Status st = write_truth(report.truth_path, make_truth(scenario, report.iod_px)); !st) {
    return st.error();
  }
  report.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  return report;
}

}  // namespace ft
