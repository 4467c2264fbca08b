// generator.cpp: canvas preparation, per-frame animation and rendering, and the video + truth writer.
#include "synth/generator.hpp"

#include <algorithm>
#include <chrono>
#include <cmath>
#include <map>
#include <numbers>
#include <system_error>

#include <opencv2/imgcodecs.hpp>
#include <opencv2/imgproc.hpp>

#include "face/face_tracker.hpp"
#include "face/model_locator.hpp"
#include "io/video_writer.hpp"

namespace ft {
namespace {

// Shape of the effects, in IOD or as fractions (see scenario.hpp for what each event means).
constexpr double kMouthRadiusIod = 0.12;        // Gaussian radius around a mouth corner
constexpr double kTwitchAngleDeg = 50.0;        // mouth twitch: up-and-outward, above the eye line
constexpr double kSmileAngleDeg = 30.0;         // smile: more outward than up
constexpr double kLipShare = 0.35;              // the upper lip next to a moving corner follows this much
constexpr double kLipRadiusIod = 0.08;
constexpr double kUpperLidShare = 0.75;         // eye closure split between the lids
constexpr double kEyeRadiusOfHalfWidth = 0.6;   // lid Gaussian radius, times half the eye width
constexpr double kMaxClosureOfAperture = 0.9;   // never close an eye completely: the lids would cross

cv::Point2f mean_of(const Landmarks68& l, const std::array<int, 6>& idx) {
  cv::Point2f m(0.0f, 0.0f);
  for (int i : idx) m += l[static_cast<std::size_t>(i)];
  return m * (1.0f / 6.0f);
}

float dist(cv::Point2f a, cv::Point2f b) { return std::hypot(a.x - b.x, a.y - b.y); }

cv::Point2f pt(const Landmarks68& l, int i) { return l[static_cast<std::size_t>(i)]; }

double iod_of(const Landmarks68& l) {
  return dist(mean_of(l, person_eye_indices(Side::Left)), mean_of(l, person_eye_indices(Side::Right)));
}

cv::Point2f landmarks_centre(const Landmarks68& l) {
  cv::Point2f m(0.0f, 0.0f);
  for (const auto& p : l) m += p;
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
  if (faces.empty() || !faces.front().found) return std::nullopt;
  return faces.front().landmarks;
}

}  // namespace

// ---- canvas ----

Result<FaceCanvas> prepare_face_canvas(const Scenario& s, const std::filesystem::path& photo,
                                       std::shared_ptr<const LandmarkModel> model) {
  std::error_code ec;
  if (!std::filesystem::is_regular_file(photo, ec)) {
    return make_error(ErrorKind::Input, "face photo " + photo.string() +
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
    return make_error(ErrorKind::Input,
                      "no face found in " + photo.string() + " (at face scale " +
                          std::to_string(s.face_scale) + "): use a frontal portrait, or another --face-scale");
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
    for (auto& p : c.landmarks) p += cv::Point2f(static_cast<float>(ox), static_cast<float>(oy));
  }
  c.iod_px = iod_of(c.landmarks);
  return c;
}

// ---- animation ----

FaceAnimator::FaceAnimator(const Scenario& scenario, const Landmarks68& base)
    : scenario_(scenario), base_(base) {
  const cv::Point2f eye_l = mean_of(base, person_eye_indices(Side::Left));
  const cv::Point2f eye_r = mean_of(base, person_eye_indices(Side::Right));
  iod_px_ = dist(eye_l, eye_r);
  centre_ = landmarks_centre(base);
  if (iod_px_ > 0.0) left_ = (eye_l - eye_r) * static_cast<float>(1.0 / iod_px_);
  up_ = cv::Point2f(left_.y, -left_.x);
  // `up` must point from the mouth toward the eyes.
  const cv::Point2f mouth = 0.5f * (pt(base, lm::MouthCornerImageLeft) + pt(base, lm::MouthCornerImageRight));
  if (up_.dot(0.5f * (eye_l + eye_r) - mouth) < 0.0f) up_ = -up_;
  for (Side sd : kSides) {
    aperture_[sd] = 0.5 * (dist(pt(base, person_index(Feature::EyeUpperLidOuter, sd)),
                                pt(base, person_index(Feature::EyeLowerLidOuter, sd))) +
                           dist(pt(base, person_index(Feature::EyeUpperLidInner, sd)),
                                pt(base, person_index(Feature::EyeLowerLidInner, sd))));
    eye_width_[sd] = dist(pt(base, person_index(Feature::EyeOuterCorner, sd)),
                          pt(base, person_index(Feature::EyeInnerCorner, sd)));
  }
}

std::vector<WarpControl> FaceAnimator::controls_at(double t) const {
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
    // The upper lip next to the corner (49 beside 48, 53 beside 54) follows part of the way.
    const int lip = corner == lm::MouthCornerImageLeft ? 49 : 53;
    add(lip, static_cast<float>(kLipShare) * d, kLipRadiusIod * iod_px_);
  };
  auto close_eye = [&](Side sd, double closure_px) {
    closure_px = std::min(closure_px, kMaxClosureOfAperture * aperture_[sd]);
    if (closure_px <= 0.0) return;
    const double radius =
        std::max(kEyeRadiusOfHalfWidth * eye_width_[sd] / 2.0,
                 kUpperLidShare * kMaxClosureOfAperture * aperture_[sd] / kMaxWarpRatio);
    const cv::Point2f down = -up_;
    const auto upper = static_cast<float>(kUpperLidShare * closure_px);
    const auto lower = static_cast<float>((1.0 - kUpperLidShare) * closure_px);
    add(person_index(Feature::EyeUpperLidOuter, sd), upper * down, radius);
    add(person_index(Feature::EyeUpperLidInner, sd), upper * down, radius);
    add(person_index(Feature::EyeLowerLidOuter, sd), lower * up_, radius);
    add(person_index(Feature::EyeLowerLidInner, sd), lower * up_, radius);
  };

  for (const auto& e : scenario_.twitches) {
    const double v = e.value_iod(t);
    if (v <= 0.0) continue;
    if (e.region == Region::Mouth) {
      move_corner(e.side, static_cast<float>(v) * iod * corner_dir(e.side, kTwitchAngleDeg));
    } else {
      close_eye(e.side, v * iod_px_);
    }
  }
  for (const auto& b : scenario_.blinks) {
    const double c = b.closure_at(t);
    if (c <= 0.0) continue;
    for (Side sd : kSides) close_eye(sd, c * aperture_[sd]);
  }
  for (const auto& m : scenario_.smiles) {
    const double v = m.value_iod(t);
    if (v <= 0.0) continue;
    for (Side sd : kSides) move_corner(sd, static_cast<float>(v) * iod * corner_dir(sd, kSmileAngleDeg));
  }
  if (scenario_.droop) {
    move_corner(scenario_.droop->side, static_cast<float>(scenario_.droop->amplitude_iod) * iod * -up_);
  }

  std::vector<WarpControl> out;
  out.reserve(acc.size());
  for (const auto& [index, a] : acc) {
    if (a.d.x == 0.0f && a.d.y == 0.0f) continue;
    out.push_back({pt(base_, index), a.d, a.radius});
  }
  return out;
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
    : scenario_(scenario), canvas_(std::move(canvas)), animator_(scenario, canvas_.landmarks) {}

void FrameRenderer::render(int frame_index, cv::Mat& out) {
  const double t = scenario_.frame_time(frame_index);
  const auto controls = animator_.controls_at(t);
  const Similarity motion = animator_.motion_at(t);
  const cv::Mat* warped = &canvas_.bgr;
  if (!controls.empty() || !motion.is_identity()) {
    build_warp_maps(canvas_.bgr.size(), controls, motion, map_x_, map_y_);
    apply_warp(canvas_.bgr, map_x_, map_y_, warped_, cv::INTER_CUBIC);
    warped = &warped_;
  }
  const double gain = scenario_.lighting_gain(t);
  cv::Mat& target = scenario_.mirrored ? flipped_ : out;
  if (scenario_.noise_sigma > 0.0 || gain != 1.0) {
    warped->convertTo(work_f32_, CV_32F, gain);
    if (scenario_.noise_sigma > 0.0) {
      noise_f32_.create(work_f32_.size(), work_f32_.type());
      cv::RNG rng(splitmix64(scenario_.seed ^ splitmix64(static_cast<std::uint64_t>(frame_index))));
      rng.fill(noise_f32_, cv::RNG::NORMAL, 0.0, scenario_.noise_sigma);
      work_f32_ += noise_f32_;
    }
    work_f32_.convertTo(target, CV_8U);
  } else {
    warped->copyTo(target);
  }
  if (scenario_.mirrored) cv::flip(flipped_, out, 1);
}

// ---- generation ----

Result<GenerateReport> generate_video(const Scenario& scenario, const std::filesystem::path& photo,
                                      const std::filesystem::path& out_dir,
                                      const std::filesystem::path& model_path,
                                      const GenerateProgress& progress) {
  const auto t0 = std::chrono::steady_clock::now();
  if (Status st = validate(scenario); !st) return st.error();

  std::filesystem::path model_file = model_path;
  if (model_file.empty()) {
    auto located = locate_model("");
    if (!located) return located.error();
    model_file = located.value();
  }
  auto model = load_landmark_model(model_file);
  if (!model) return model.error();
  auto canvas = prepare_face_canvas(scenario, photo, model.value());
  if (!canvas) return canvas.error();

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
  if (!writer) return writer.error();
  FrameRenderer renderer(scenario, std::move(canvas.value()));
  const int n = scenario.frame_count();
  cv::Mat frame;
  for (int i = 0; i < n; ++i) {
    renderer.render(i, frame);
    if (Status st = (*writer)->write(frame); !st) return st.error();
    if (progress) progress(i + 1, n);
  }
  if (Status st = (*writer)->close(); !st) return st.error();
  report.frames = n;

  if (Status st = write_truth(report.truth_path, make_truth(scenario, report.iod_px)); !st) {
    return st.error();
  }
  report.seconds =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  return report;
}

}  // namespace ft
