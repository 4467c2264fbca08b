// base_video.cpp: tracking a real video, smoothing the tracks, and drawing a scenario's events into it
// (see base_video.hpp).
#include "synth/base_video.hpp"

#include <algorithm>
#include <chrono>
#include <cmath>
#include <fstream>
#include <system_error>

#include <fmt/format.h>
#include <nlohmann/json.hpp>
#include <opencv2/imgproc.hpp>

#include "capture/frame_source.hpp"
#include "core/sha256.hpp"
#include "face/face_tracker.hpp"
#include "io/session.hpp"
#include "io/video_writer.hpp"
#include "signal/running_stats.hpp"
#include "synth/face_warp.hpp"

namespace ft {
namespace {

using nlohmann::json;

constexpr double kFaceMarginIod = 0.6;   // the resampled region: landmark box plus this much
constexpr double kRateTolerance = 0.02;  // container rate vs frame times (variable-rate files)
constexpr float kQuantum = 64.0f;        // landmarks are kept in 1/64 px

float quantised(float v) { return std::round(v * kQuantum) / kQuantum; }

std::string span_text(double a, double b) { return fmt::format("{:.2f}-{:.2f} s", a, b); }

// The tracked spans as text ("0.00-2.37 s, 2.63-5.00 s"), at most `most` of them.
std::string runs_text(const std::vector<FrameRun>& runs, double fps, std::size_t most = 6) {
  std::string out;
  for (std::size_t k = 0; k < runs.size() && k < most; ++k) {
    if (k) out += ", ";
    out += span_text(runs[k].first / fps, (runs[k].last + 1) / fps);
  }
  if (runs.size() > most) out += fmt::format(" and {} more", runs.size() - most);
  return out.empty() ? "nowhere" : out;
}

// How much of a droop is drawn at frame i: 1 inside a run of tracked frames, fading (smoothstep) over
// kDroopFadeS where the run begins or ends at a gap (not at the video's own first and last frame).
double droop_weight(const std::vector<FrameRun>& runs, int i, int frames, double fps) {
  const double fade = std::max(1.0, kDroopFadeS * fps);
  for (const auto& r : runs) {
    if (i < r.first || i > r.last) continue;
    double w = 1.0;
    auto ramp = [&](double d) {
      const double x = std::clamp((d + 1.0) / fade, 0.0, 1.0);
      return x * x * (3.0 - 2.0 * x);
    };
    if (r.first > 0) w = std::min(w, ramp(i - r.first));
    if (r.last < frames - 1) w = std::min(w, ramp(r.last - i));
    return w;
  }
  return 0.0;
}

// The face region of a frame: the landmarks' box plus kFaceMarginIod, clipped to the frame.
cv::Rect face_region(const Landmarks68& l, double iod_px, cv::Size size) {
  float x0 = l[0].x, x1 = x0, y0 = l[0].y, y1 = y0;
  for (const auto& p : l) {
    x0 = std::min(x0, p.x);
    x1 = std::max(x1, p.x);
    y0 = std::min(y0, p.y);
    y1 = std::max(y1, p.y);
  }
  const double m = kFaceMarginIod * iod_px + 2.0;
  const cv::Rect box(cv::Point(static_cast<int>(std::floor(x0 - m)), static_cast<int>(std::floor(y0 - m))),
                     cv::Point(static_cast<int>(std::ceil(x1 + m)) + 1, static_cast<int>(std::ceil(y1 + m)) + 1));
  return box & cv::Rect(cv::Point(0, 0), size);
}

}  // namespace

LandmarkTrack smooth_landmark_track(const LandmarkTrack& raw, double sigma_frames) {
  if (!(sigma_frames > 0.0)) return raw;
  const int reach = static_cast<int>(std::ceil(3.0 * sigma_frames));
  std::vector<double> kernel(static_cast<std::size_t>(reach) + 1);
  for (int d = 0; d <= reach; ++d) kernel[static_cast<std::size_t>(d)] = std::exp(-0.5 * d * d / (sigma_frames * sigma_frames));
  LandmarkTrack out(raw.size());
  for (const FrameRun& run : tracked_runs(raw)) {
    for (int i = run.first; i <= run.last; ++i) {
      std::array<cv::Point2d, 68> acc{};
      double wsum = 0.0;
      for (int j = std::max(run.first, i - reach); j <= std::min(run.last, i + reach); ++j) {
        const double w = kernel[static_cast<std::size_t>(std::abs(j - i))];
        const Landmarks68& l = *raw[static_cast<std::size_t>(j)];
        for (std::size_t k = 0; k < 68; ++k) acc[k] += w * cv::Point2d(l[k].x, l[k].y);
        wsum += w;
      }
      Landmarks68 s{};
      for (std::size_t k = 0; k < 68; ++k)
        s[k] = cv::Point2f(static_cast<float>(acc[k].x / wsum), static_cast<float>(acc[k].y / wsum));
      out[static_cast<std::size_t>(i)] = s;
    }
  }
  return out;
}

std::vector<FrameRun> tracked_runs(const LandmarkTrack& track) {
  std::vector<FrameRun> runs;
  const int n = static_cast<int>(track.size());
  for (int i = 0; i < n; ++i) {
    if (!track[static_cast<std::size_t>(i)]) continue;
    if (!runs.empty() && runs.back().last == i - 1) {
      runs.back().last = i;
    } else {
      runs.push_back({i, i});
    }
  }
  return runs;
}

int BaseTrack::tracked_frames() const {
  return static_cast<int>(std::count_if(raw.begin(), raw.end(), [](const auto& l) { return l.has_value(); }));
}

namespace {

// Fills the derived fields (smoothed track, median IOD) and checks that a face was found.
Status finish_track(BaseTrack& t) {
  t.smoothed = smooth_landmark_track(t.raw, kTrackSmoothingSigmaFrames);
  std::vector<double> iods;
  for (const auto& l : t.raw) {
    if (l) iods.push_back(landmark_iod_px(*l));
  }
  if (iods.empty()) {
    return make_error(ErrorKind::Input, fmt::format("no face found in any of the {} frames of {}: a base video must show a "
                                                    "face (frontal, IOD of 40 px or more)",
                                                    t.frames, t.video.string()));
  }
  t.median_iod_px = median_of(std::move(iods));
  return {};
}

}  // namespace

Result<BaseTrack> track_base_video(const std::filesystem::path& video, std::shared_ptr<const LandmarkModel> model,
                                   const BaseTrackOptions& options) {
  VideoFileOptions vf;
  vf.mirrored_input = options.mirrored_input;
  auto source = open_video_file(video, vf);
  if (!source) return source.error();
  FrameSource& src = *source.value();
  auto hash = sha256_file(video);
  if (!hash) return hash.error();

  BaseTrack t;
  t.video = video;
  t.sha256 = hash.value();
  t.mirrored_input = options.mirrored_input;
  FaceTracker tracker(std::move(model));
  const std::int64_t expected =
      options.max_frames > 0 ? options.max_frames : std::max<std::int64_t>(src.info().frame_count, 1);
  Frame frame;
  cv::Mat grey;
  double first_t = 0.0, last_t = 0.0;
  while (options.max_frames <= 0 || t.frames < options.max_frames) {
    const ReadStatus st = src.read(frame);
    if (st == ReadStatus::End) break;
    if (st == ReadStatus::Failed) {
      if (t.frames == 0) return src.error();
      break;  // a damaged tail: the frames before it are the video (pass 2 stops at the same place)
    }
    if (t.frames == 0) {
      t.width = frame.image.cols;
      t.height = frame.image.rows;
      first_t = frame.t;
    }
    last_t = frame.t;
    cv::cvtColor(frame.image, grey, cv::COLOR_BGR2GRAY);
    const FaceObservation& obs = tracker.track(grey, frame.t);
    if (obs.found) {
      Landmarks68 l = obs.landmarks;
      for (auto& p : l) p = cv::Point2f(quantised(p.x), quantised(p.y));
      t.raw.push_back(l);
    } else {
      t.raw.emplace_back(std::nullopt);
    }
    ++t.frames;
    if (options.progress) options.progress(t.frames, static_cast<int>(std::max<std::int64_t>(expected, t.frames)));
  }
  if (t.frames == 0) return make_error(ErrorKind::Input, "no frame could be read from " + video.string());
  const double nominal = src.info().nominal_fps;
  const double measured = t.frames > 1 && last_t > first_t ? (t.frames - 1) / (last_t - first_t) : 0.0;
  if (nominal > 0.0 && (measured <= 0.0 || std::abs(measured / nominal - 1.0) <= kRateTolerance)) {
    t.fps = nominal;
  } else {
    t.fps = measured > 0.0 ? measured : 30.0;
  }
  if (Status st = finish_track(t); !st) return st.error();
  return t;
}

Status write_base_track(const std::filesystem::path& path, const BaseTrack& t) {
  json lms = json::array();
  for (const auto& l : t.raw) {
    if (!l) {
      lms.push_back(nullptr);
      continue;
    }
    json xy = json::array();
    for (const auto& p : *l) {
      xy.push_back(p.x);
      xy.push_back(p.y);
    }
    lms.push_back(std::move(xy));
  }
  const json j{{"renderer_version", kBaseVideoRendererVersion},
               {"video", t.video.string()},
               {"sha256", t.sha256},
               {"width", t.width},
               {"height", t.height},
               {"frames", t.frames},
               {"fps", t.fps},
               {"mirrored_input", t.mirrored_input},
               {"landmarks", std::move(lms)}};
  return write_file_atomically(path, j.dump() + "\n");
}

Result<BaseTrack> read_base_track(const std::filesystem::path& path) {
  std::ifstream f(path, std::ios::binary);
  if (!f) return make_error(ErrorKind::Input, "cannot open the landmark track " + path.string());
  const json j = json::parse(f, nullptr, /*allow_exceptions=*/false);
  auto bad = [&path](const std::string& why) { return make_error(ErrorKind::Input, path.string() + ": " + why); };
  if (j.is_discarded() || !j.is_object()) return bad("not valid JSON");
  try {
    if (j.at("renderer_version").get<int>() != kBaseVideoRendererVersion) return bad("made by another renderer version");
    BaseTrack t;
    t.video = j.at("video").get<std::string>();
    t.sha256 = j.at("sha256").get<std::string>();
    t.width = j.at("width").get<int>();
    t.height = j.at("height").get<int>();
    t.frames = j.at("frames").get<int>();
    t.fps = j.at("fps").get<double>();
    t.mirrored_input = j.at("mirrored_input").get<bool>();
    for (const auto& e : j.at("landmarks")) {
      if (e.is_null()) {
        t.raw.emplace_back(std::nullopt);
        continue;
      }
      if (e.size() != 136) return bad("a frame without 68 landmarks");
      Landmarks68 l{};
      for (std::size_t k = 0; k < 68; ++k) l[k] = cv::Point2f(e[2 * k].get<float>(), e[2 * k + 1].get<float>());
      t.raw.push_back(l);
    }
    if (static_cast<int>(t.raw.size()) != t.frames) return bad("the landmark count does not match the frame count");
    if (Status st = finish_track(t); !st) return st.error();
    return t;
  } catch (const json::exception& e) {
    return bad(e.what());
  }
}

Scenario base_video_scenario(const BaseTrack& track, double duration_s) {
  Scenario s;
  s.fps = track.fps;
  s.width = track.width;
  s.height = track.height;
  s.duration_s = track.duration_s();
  if (duration_s > 0.0) s.duration_s = std::min(s.duration_s, std::round(duration_s * track.fps) / track.fps);
  s.face_scale = 1.0;
  s.seed = 0;
  s.noise_sigma = 0.0;
  s.lighting_drift = 0.0;
  s.mirrored = track.mirrored_input;
  return s;
}

Status check_events_tracked(const Scenario& s, const BaseTrack& track) {
  const auto runs = tracked_runs(track.raw);
  for (std::size_t k = 0; k < s.twitches.size(); ++k) {
    const auto& e = s.twitches[k];
    const int first = std::max(0, static_cast<int>(std::ceil(e.start_s * track.fps - 1e-9)));
    const int last = std::min(track.frames - 1, static_cast<int>(std::floor(e.end_s() * track.fps + 1e-9)));
    int gap_first = -1, gap_last = -1;
    for (int i = first; i <= last; ++i) {
      if (track.raw[static_cast<std::size_t>(i)]) continue;
      if (gap_first < 0) gap_first = i;
      gap_last = i;
    }
    if (gap_first < 0) continue;
    return make_error(ErrorKind::BadArguments,
                      fmt::format("twitch {} ({} {}, {}) covers frames where no face is tracked ({}): it would not be "
                                  "drawn; the face is tracked in {} of {}: move the event there",
                                  k + 1, to_string(e.side), to_string(e.region), span_text(e.start_s, e.end_s()),
                                  span_text(gap_first / track.fps, (gap_last + 1) / track.fps),
                                  runs_text(runs, track.fps), track.video.string()));
  }
  return {};
}

Status downscale_video(const std::filesystem::path& video, double scale, double fps, const std::filesystem::path& out,
                       double upscale) {
  if (!(scale > 0.0 && scale <= 1.0) || !(fps > 0.0 && fps < 1000.0) || !(upscale >= 1.0 && upscale <= 8.0)) {
    return make_error(ErrorKind::BadArguments,
                      fmt::format("downscale_video: scale {} not in (0, 1], upscale {} not in [1, 8] or fps {} not valid", scale,
                                  upscale, fps));
  }
  auto source = open_video_file(video, VideoFileOptions{});
  if (!source) return source.error();
  FrameSource& src = *source.value();
  const SourceInfo info = src.info();
  const int w = std::max(2, 2 * static_cast<int>(std::lround(info.width * scale / 2.0)));
  const int h = std::max(2, 2 * static_cast<int>(std::lround(info.height * scale / 2.0)));
  std::error_code ec;
  std::filesystem::create_directories(out.parent_path(), ec);
  const cv::Size out_size(2 * static_cast<int>(std::lround(w * upscale / 2.0)), 2 * static_cast<int>(std::lround(h * upscale / 2.0)));
  auto writer = VideoWriter::open(out, out_size.width, out_size.height, fps);
  if (!writer) return writer.error();
  Frame frame;
  cv::Mat small, large;
  while (true) {
    const ReadStatus st = src.read(frame);
    if (st == ReadStatus::End) break;
    if (st != ReadStatus::Frame) return make_error(ErrorKind::Input, video.string() + ": a frame cannot be read");
    cv::resize(frame.image, small, cv::Size(w, h), 0.0, 0.0, cv::INTER_AREA);
    if (upscale > 1.0) cv::resize(small, large, out_size, 0.0, 0.0, cv::INTER_CUBIC);
    if (Status s = writer.value()->write(upscale > 1.0 ? large : small); !s) return s;
  }
  if (writer.value()->frames_written() == 0) return make_error(ErrorKind::Input, video.string() + ": no frame");
  return writer.value()->close();
}

Result<GenerateReport> render_on_base_video(const Scenario& s, const BaseTrack& track,
                                            const std::filesystem::path& out_dir, const GenerateProgress& progress) {
  const auto t0 = std::chrono::steady_clock::now();
  if (Status st = validate_events(s); !st) return st.error();
  if (s.width != track.width || s.height != track.height || std::abs(s.fps - track.fps) > 1e-9 ||
      s.frame_count() > track.frames) {
    return make_error(ErrorKind::Internal, "render_on_base_video: the scenario does not match the base video");
  }
  if (Status st = check_events_tracked(s, track); !st) return st.error();
  auto hash = sha256_file(track.video);
  if (!hash) return hash.error();
  if (hash.value() != track.sha256) {
    return make_error(ErrorKind::Input, track.video.string() + " changed after its faces were tracked: track it again");
  }
  VideoFileOptions vf;
  vf.mirrored_input = track.mirrored_input;
  auto source = open_video_file(track.video, vf);
  if (!source) return source.error();
  FrameSource& src = *source.value();

  std::error_code ec;
  std::filesystem::create_directories(out_dir, ec);
  if (ec || !std::filesystem::is_directory(out_dir, ec)) {
    return make_error(ErrorKind::Output,
                      "cannot create the output folder " + out_dir.string() + (ec ? ": " + ec.message() : std::string()));
  }
  GenerateReport report;
  report.video_path = out_dir / "video.mp4";
  report.truth_path = out_dir / "truth.json";
  report.fps = s.fps;
  report.iod_px = track.median_iod_px;

  VideoWriterOptions wo;
  if (s.width % 2 != 0 || s.height % 2 != 0) wo.pix_fmt = "yuv444p";  // 4:2:0 needs even sizes
  auto writer = VideoWriter::open(report.video_path, s.width, s.height, s.fps, wo);
  if (!writer) return writer.error();

  const auto runs = tracked_runs(track.raw);
  const int n = s.frame_count();
  Frame frame;
  cv::Mat map_x, map_y, patch;
  Scenario frame_scenario = s;
  auto render = [&](int i, cv::Mat& out) -> Status {
    const ReadStatus st = src.read(frame);
    if (st != ReadStatus::Frame) {
      return make_error(ErrorKind::Input, fmt::format("{} ended after {} frames, but {} were tracked", track.video.string(),
                                                      i, track.frames));
    }
    if (frame.image.cols != s.width || frame.image.rows != s.height) {
      return make_error(ErrorKind::Input, track.video.string() + " changes its frame size: not supported as a base video");
    }
    out = frame.image;
    frame.image = cv::Mat();  // the next frame gets its own buffer (this one goes to the writer)
    const auto& lm = track.smoothed[static_cast<std::size_t>(i)];
    if (lm) {
      if (s.droop) frame_scenario.droop->amplitude_iod = s.droop->amplitude_iod * droop_weight(runs, i, track.frames, s.fps);
      const FaceAnimator animator(frame_scenario, *lm);
      const LocalWarp warp = animator.warp_at(s.frame_time(i));
      if (!warp.empty()) {
        const cv::Rect roi = face_region(*lm, animator.iod_px(), out.size());
        if (roi.area() > 0) {
          // The maps cover the face region only; their values are frame coordinates.
          Similarity to_roi;
          to_roi.translation = cv::Point2d(-roi.x, -roi.y);
          build_warp_maps(roi.size(), warp, to_roi, map_x, map_y);
          cv::remap(out, patch, map_x, map_y, cv::INTER_CUBIC, cv::BORDER_REPLICATE);
          patch.copyTo(out(roi));
        }
      }
    }
    if (track.mirrored_input) cv::flip(out, out, 1);
    return {};
  };
  if (Status st = encode_frames(*writer.value(), n, render, progress); !st) return st.error();
  report.frames = n;

  GroundTruth truth = make_truth(s, track.median_iod_px);
  int tracked = 0;
  for (int i = 0; i < n; ++i) tracked += track.raw[static_cast<std::size_t>(i)] ? 1 : 0;
  truth.base_video = BaseVideoTruth{track.video.string(),
                                    track.sha256,
                                    track.median_iod_px,
                                    static_cast<double>(tracked) / n,
                                    tracked,
                                    track.mirrored_input,
                                    kBaseVideoRendererVersion,
                                    kTrackSmoothingSigmaFrames};
  if (Status st = write_truth(report.truth_path, truth); !st) return st.error();
  report.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  return report;
}

}  // namespace ft
