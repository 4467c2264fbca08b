// session_recorder.cpp: streaming session folder and summary totals.
#include "pipeline/session_recorder.hpp"

#include <algorithm>
#include <chrono>
#include <cmath>
#include <ctime>

#include <fmt/format.h>

#include "capture/recording_date.hpp"
#include "signal/running_stats.hpp"

namespace ft {

namespace {
constexpr double kSummaryEveryS = 5.0;  // summary.json is refreshed this often while running

std::string utc_now() {
  const std::time_t now = std::chrono::system_clock::to_time_t(std::chrono::system_clock::now());
  std::tm tm{};
  gmtime_r(&now, &tm);
  char buf[32];
  std::strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%SZ", &tm);
  return buf;
}


std::size_t stream_index(Region r, Side s) {
  return 2 * static_cast<std::size_t>(r) + static_cast<std::size_t>(s);
}

// Inside [start, end] of any of `events` (by their start_s / end_s).
template <class Events>
bool inside_any(const Events& events, double t) {
  for (const auto& e : events) {
    if (t >= e.start_s && t <= e.end_s) return true;
  }
  return false;
}

}  // namespace

void record_options(SessionSummary& header, const AnalyserOptions& options) {
  header.settings = options.twitch;
  header.min_face_iod_px = options.quality.min_iod_px;
  header.asymmetry.baseline_requested_s = options.baseline_s;
  header.patient_id = options.patient_id;
}

void record_date(SessionSummary& header, const std::filesystem::path& video, bool live) {
  if (live) {
    header.recorded_at = utc_now();
    header.recorded_at_source = kRecordedFromStart;
    return;
  }
  const RecordingDate d = video_recording_date(video);
  header.recorded_at = d.utc;
  header.recorded_at_source = d.source;
}

bool SummaryAccumulator::in_baseline(double t) const {
  const double b = s_.asymmetry.baseline_requested_s;
  return b > 0.0 && std::isfinite(first_measurable_t_) && t < first_measurable_t_ + b;
}

void SummaryAccumulator::add(const FrameResult& r) {
  const auto& m = r.metrics;
  if (s_.frames == 0) first_t_ = m.t;
  last_t_ = m.t;
  ++s_.frames;
  if (m.face_found) ++s_.frames_with_face;
  for (Region reg : kRegions) {
    for (Side side : kSides) {
      const SignalSample& x = r.signals[reg][side];
      if (!x.valid || !std::isfinite(x.value_iod)) continue;
      streams_[stream_index(reg, side)].push_back(
          {m.t, static_cast<float>(x.value_iod), static_cast<float>(x.threshold_iod),
           static_cast<float>(x.noise_sigma_iod), x.active});
    }
  }
  if (frame_is_measurable(m)) {
    ++s_.frames_good_quality;
    if (!std::isfinite(first_measurable_t_)) first_measurable_t_ = m.t;
    RegionalRow row;
    row.t = m.t;
    row.index = static_cast<float>(m.asymmetry_index_iod);
    for (std::size_t i = 0; i < kAsymmetryMeasureCount; ++i) {
      const PerSide<double> v = side_values(m, kAsymmetryMeasures[i]);
      row.v[2 * i] = static_cast<float>(v.left);
      row.v[2 * i + 1] = static_cast<float>(v.right);
    }
    regional_.push_back(row);
  }
}

SessionSummary SummaryAccumulator::summarise(const TwitchAnalyser& twitch, bool final) const {
  SessionSummary s = s_;
  if (s.created_utc.empty()) s.created_utc = utc_now();
  if (s.recorded_at.empty()) {
    s.recorded_at = s.created_utc;
    s.recorded_at_source = kRecordedFromAnalysis;
  }
  const double span = last_t_ - first_t_;
  s.fps = (s.frames > 1 && span > 0) ? static_cast<double>(s.frames - 1) / span : 0.0;
  s.duration_s = s.frames == 0 ? 0.0 : span + (s.fps > 0 ? 1.0 / s.fps : 0.0);
  s.episodes = twitch.episodes();
  std::stable_sort(s.episodes.begin(), s.episodes.end(),
                   [](const Episode& a, const Episode& b) { return a.start_s < b.start_s; });
  s.blinks = twitch.blinks();
  s.isolated_twitches = twitch.isolated_twitches();
  std::stable_sort(s.isolated_twitches.begin(), s.isolated_twitches.end(),
                   [](const IsolatedTwitch& a, const IsolatedTwitch& b) { return a.time_s < b.time_s; });
  s.voluntary_movements = twitch.voluntary_movements();
  s.settings = twitch.settings();
  AsymmetrySummary& a = s.asymmetry;

  const std::size_t rows = regional_.size();
  if (!final && regional_cache_valid_ && rows * 10 < regional_cache_rows_ * 11) {
    const AsymmetrySummary& c = regional_cache_;
    a.rest_basis = c.rest_basis;
    a.rest_start_s = c.rest_start_s;
    a.rest_end_s = c.rest_end_s;
    a.rest_frames = c.rest_frames;
    a.resting = c.resting;
    a.index = c.index;
    a.over_time = c.over_time;
    a.mouth_detect = c.mouth_detect;
    a.eye_detect = c.eye_detect;
    return s;
  }
  fill_regional(a, s);
  regional_cache_ = a;
  regional_cache_rows_ = rows;
  regional_cache_valid_ = true;
  return s;
}

void SummaryAccumulator::fill_regional(AsymmetrySummary& a, const SessionSummary& events) const {
  const SessionSummary& s = events;
  // Resting asymmetry: the baseline window, or every frame outside twitches and blinks. Speech and
  // expressions stay in: on a face that talks or moves most of the time the frames outside every
  // movement are few and differ from one recording of the face to the next (docs/METRICS.md 4.3).
  const bool baseline = a.baseline_requested_s > 0.0;
  a.rest_basis = baseline ? "baseline" : "outside_twitches";
  auto at_rest = [&](double t) {
    if (baseline) return in_baseline(t);
    return !inside_any(s.episodes, t) && !inside_any(s.blinks, t) && !inside_any(s.isolated_twitches, t);
  };
  std::array<std::vector<double>, 2 * kAsymmetryMeasureCount> rest;
  std::vector<double> rest_index;
  a.rest_frames = 0;
  a.rest_start_s = kNaN;
  a.rest_end_s = kNaN;
  for (const RegionalRow& row : regional_) {
    if (!at_rest(row.t)) continue;
    ++a.rest_frames;
    if (!std::isfinite(a.rest_start_s)) a.rest_start_s = row.t;
    a.rest_end_s = row.t;
    for (std::size_t k = 0; k < row.v.size(); ++k) {
      if (std::isfinite(row.v[k])) rest[k].push_back(row.v[k]);
    }
    if (std::isfinite(row.index)) rest_index.push_back(row.index);
  }
  // Each side's median as summary.json stores it, so that the difference shown from memory (terminal,
  // window) and the one recomputed from the file (report, history) are the same number.
  for (std::size_t i = 0; i < kAsymmetryMeasureCount; ++i)
    a.resting[i] = compare_resting_sides(kAsymmetryMeasures[i], median_of(rest[2 * i]), median_of(rest[2 * i + 1]));
  a.index = resting_value_as_written(median_of(rest_index), false);

  // Over time: per-frame differences, medians per block from the recording's first frame.
  a.over_time.clear();
  std::array<std::vector<double>, kAsymmetryMeasureCount> block;
  AsymmetryBlock current;
  long current_index = -1;
  auto close_block = [&] {
    if (current_index < 0 || current.frames == 0) return;
    for (std::size_t i = 0; i < kAsymmetryMeasureCount; ++i) {
      current.diff[i] = median_of(block[i]);
      block[i].clear();
    }
    a.over_time.push_back(current);
  };
  for (const RegionalRow& row : regional_) {
    const long index = static_cast<long>(std::floor((row.t - first_t_) / kAsymmetryBlockS));
    if (index != current_index) {
      close_block();
      current = AsymmetryBlock{};
      current.start_s = first_t_ + static_cast<double>(index) * kAsymmetryBlockS;
      current.end_s = std::min(current.start_s + kAsymmetryBlockS, last_t_);
      current_index = index;
    }
    ++current.frames;
    for (std::size_t i = 0; i < kAsymmetryMeasureCount; ++i) {
      const double d = static_cast<double>(row.v[2 * i]) - static_cast<double>(row.v[2 * i + 1]);
      if (std::isfinite(d)) block[i].push_back(d);
    }
  }
  close_block();

  // Smallest detectable twitch and noise floor per stream.
  for (Region reg : kRegions) {
    for (Side side : kSides) {
      // Both are the detector's own: the threshold and the noise sigma it was made from, at each sample.
      std::vector<double> thresholds, sigmas;
      std::int64_t samples = 0;
      for (const StreamSample& x : streams_[stream_index(reg, side)]) {
        if (baseline ? !in_baseline(x.t) : x.active) continue;
        ++samples;
        if (std::isfinite(x.threshold)) thresholds.push_back(x.threshold);
        if (std::isfinite(x.noise_sigma)) sigmas.push_back(x.noise_sigma);
      }
      StreamDetectability& d = a.detect(reg)[side];
      d.samples = samples;
      d.smallest_twitch_iod = median_of(thresholds);
      d.noise_sigma_iod = median_of(sigmas);
    }
  }
}

Result<std::unique_ptr<SessionRecorder>> SessionRecorder::open(const std::filesystem::path& dir,
                                                               const SessionSummary& header) {
  std::unique_ptr<SessionRecorder> rec(new SessionRecorder(dir, header));
  auto frames = FramesCsvWriter::open(dir / "frames.csv");
  if (!frames) return frames.error();
  rec->frames_ = std::move(frames).value();
  auto episodes = EpisodesCsvWriter::open(dir / "episodes.csv");
  if (!episodes) return episodes.error();
  rec->episodes_ = std::move(episodes).value();
  return rec;
}

Status SessionRecorder::write_new_episodes(const TwitchAnalyser& twitch) {
  const auto& eps = twitch.episodes();
  for (; episodes_written_ < eps.size(); ++episodes_written_) {
    if (Status st = episodes_->write(eps[episodes_written_]); !st) return st;
  }
  return {};
}

Status SessionRecorder::add(const FrameResult& r, const TwitchAnalyser& twitch) {
  // Counted once its row is written, so that a write error leaves the totals equal to frames.csv.
  if (Status st = frames_->write({r.metrics, r.signals}); !st) return st;
  acc_.add(r);
  if (Status st = write_new_episodes(twitch); !st) return st;
  if (r.metrics.t - last_summary_t_ >= kSummaryEveryS) {
    last_summary_t_ = r.metrics.t;
    SessionSummary s = acc_.summarise(twitch, false);
    s.partial = true;
    s.partial_reason = "in progress";
    if (Status st = write_summary_json(dir_ / "summary.json", s); !st) return st;
  }
  return {};
}

Result<SessionSummary> SessionRecorder::finish(const TwitchAnalyser& twitch, bool partial, const std::string& reason,
                                               std::int64_t frames_dropped) {
  if (Status st = write_new_episodes(twitch); !st) return st.error();
  SessionSummary s = acc_.summarise(twitch);
  s.partial = partial;
  s.partial_reason = reason;
  s.frames_dropped = frames_dropped;
  if (Status st = frames_->close(); !st) return st.error();
  if (Status st = episodes_->close(); !st) return st.error();
  if (Status st = write_summary_json(dir_ / "summary.json", s); !st) return st.error();
  return s;
}

Result<SessionSummary> SessionRecorder::finish_after_write_error(const TwitchAnalyser& twitch,
                                                                 const std::string& reason) {
  // The CSV files are closed as they are (a row cut by the error is skipped by their readers).
  if (frames_) (void)frames_->close();
  if (episodes_) (void)episodes_->close();
  SessionSummary s = acc_.summarise(twitch);
  // Only the episodes that reached episodes.csv: those closed later were not written.
  const auto& all = twitch.episodes();
  for (std::size_t i = episodes_written_; i < all.size(); ++i) {
    const Episode& lost = all[i];
    auto same = [&lost](const Episode& e) {
      return e.start_s == lost.start_s && e.end_s == lost.end_s && e.side == lost.side && e.region == lost.region;
    };
    if (auto it = std::find_if(s.episodes.begin(), s.episodes.end(), same); it != s.episodes.end()) s.episodes.erase(it);
  }
  s.partial = true;
  s.partial_reason = reason;
  if (Status st = write_summary_json(dir_ / "summary.json", s); !st) return st.error();
  return s;
}

Result<SessionSummary> write_session_from_metrics(const std::filesystem::path& dir, const SessionSummary& header,
                                                  const TwitchSettings& settings, std::int64_t count,
                                                  const std::function<bool(std::int64_t, FaceMetrics&)>& frame,
                                                  bool partial, const std::string& reason) {
  auto rec = SessionRecorder::open(dir, header);
  if (!rec) return rec.error();
  SessionRecorder& recorder = *rec.value();
  TwitchAnalyser twitch(settings);
  FrameResult r;
  for (std::int64_t i = 0; i < count; ++i) {
    if (!frame(i, r.metrics)) {
      return make_error(ErrorKind::Internal, fmt::format("frame {} of {} is not available to be saved", i, count));
    }
    r.signals = twitch.push(r.metrics);
    if (Status st = recorder.add(r, twitch); !st) {
      auto closed = recorder.finish_after_write_error(twitch, "writing stopped: " + st.error().message);
      (void)closed;
      return st.error();
    }
  }
  twitch.finish();
  return recorder.finish(twitch, partial, reason);
}

}  // namespace ft
