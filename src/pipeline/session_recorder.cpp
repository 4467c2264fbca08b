// session_recorder.cpp: streaming session folder and summary totals.
#include "pipeline/session_recorder.hpp"

#include <algorithm>
#include <chrono>
#include <ctime>

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
}  // namespace

void SummaryAccumulator::add(const FrameResult& r) {
  const auto& m = r.metrics;
  if (s_.frames == 0) first_t_ = m.t;
  last_t_ = m.t;
  ++s_.frames;
  if (m.face_found) ++s_.frames_with_face;
  if (frame_is_measurable(m)) {
    ++s_.frames_good_quality;
    height_diff_.push_back(m.mouth_corner_height_diff_iod);
    index_.push_back(m.asymmetry_index_iod);
  }
}

SessionSummary SummaryAccumulator::summarise(const TwitchAnalyser& twitch) const {
  SessionSummary s = s_;
  if (s.created_utc.empty()) s.created_utc = utc_now();
  const double span = last_t_ - first_t_;
  s.fps = (s.frames > 1 && span > 0) ? static_cast<double>(s.frames - 1) / span : 0.0;
  s.duration_s = s.frames == 0 ? 0.0 : span + (s.fps > 0 ? 1.0 / s.fps : 0.0);
  s.episodes = twitch.episodes();
  std::stable_sort(s.episodes.begin(), s.episodes.end(),
                   [](const Episode& a, const Episode& b) { return a.start_s < b.start_s; });
  s.blinks = twitch.blinks();
  s.voluntary_movements = twitch.voluntary_movements();
  s.settings = twitch.settings();
  s.asymmetry.frames_used = static_cast<std::int64_t>(height_diff_.size());
  s.asymmetry.mouth_corner_height_iod = median_of(height_diff_);
  s.asymmetry.index = median_of(index_);
  return s;
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
  acc_.add(r);
  if (Status st = frames_->write({r.metrics, r.signals}); !st) return st;
  if (Status st = write_new_episodes(twitch); !st) return st;
  if (r.metrics.t - last_summary_t_ >= kSummaryEveryS) {
    last_summary_t_ = r.metrics.t;
    SessionSummary s = acc_.summarise(twitch);
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

}  // namespace ft
