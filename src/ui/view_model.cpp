// view_model.cpp: counters, JSON, live history, resting positions.
#include "ui/view_model.hpp"

#include <algorithm>
#include <cmath>
#include <cstdio>

#include "signal/twitch_analyser.hpp"

namespace ft::ui {

const char* flash_kind_name(FlashKind k) {
  switch (k) {
    case FlashKind::Twitch:
      return "twitch";
    case FlashKind::Blink:
      return "blink";
    case FlashKind::Voluntary:
      return "voluntary";
    case FlashKind::Movement:
      return "movement";
    case FlashKind::None:
      break;
  }
  return "";
}

namespace {

void count_isolated(Counters& c, const std::vector<IsolatedTwitch>& isolated) {
  for (const IsolatedTwitch& t : isolated)
    (t.region == Region::Mouth ? c.isolated_mouth : c.isolated_eye)[t.side] += 1;
}

void count_episodes(Counters& c) {
  for (const Episode& e : c.episodes) {
    SideCounts& ep = e.region == Region::Mouth ? c.episodes_mouth : c.episodes_eye;
    SideCounts& tw = e.region == Region::Mouth ? c.twitches_mouth : c.twitches_eye;
    ep[e.side] += 1;
    tw[e.side] += e.twitch_count;
    c.episodes_total += 1;
    c.twitches_total += e.twitch_count;
  }
  if (!c.open_episodes.empty()) {
    // The strongest open episode is the one shown as "now".
    const Episode& o = *std::max_element(c.open_episodes.begin(), c.open_episodes.end(),
                                         [](const Episode& a, const Episode& b) {
                                           return a.peak_amplitude_iod < b.peak_amplitude_iod;
                                         });
    c.open_episode_hz = o.frequency_hz;
    c.open_episode_twitches = o.twitch_count;
    c.open_episode = std::string(to_string(o.side)) + " " + std::string(to_string(o.region));
  }
  c.twitches_per_minute =
      c.session_time_s > 1.0 ? c.twitches_total / (c.session_time_s / 60.0) : 0.0;
}

nlohmann::json number_or_null(double v) {
  if (!std::isfinite(v))
    return nullptr;
  return v;
}

nlohmann::json to_json(const SideCounts& s) {
  return {{"left", s.left}, {"right", s.right}, {"bilateral", s.bilateral}, {"total", s.total()}};
}

double median_of_copy(std::vector<double> v) {
  if (v.empty())
    return kNaN;
  const auto mid = v.begin() + static_cast<std::ptrdiff_t>(v.size() / 2);
  std::nth_element(v.begin(), mid, v.end());
  return *mid;
}

}  // namespace

Counters counters_from_live(const LiveSnapshot& s) {
  Counters c;
  c.mode = "live";
  c.episodes = s.episodes;
  c.open_episodes = s.open_episodes;
  c.blinks = static_cast<int>(s.blink_count);
  c.voluntary_movements = static_cast<int>(s.voluntary_count);
  count_isolated(c, s.isolated_twitches);
  c.session_time_s = s.stats.analysed > 0 ? s.frame.t : 0.0;
  c.frames_analysed = static_cast<std::int64_t>(s.stats.analysed);
  c.frames_dropped = static_cast<std::int64_t>(s.stats.dropped);
  c.frames_captured = static_cast<std::int64_t>(s.stats.captured);
  c.analysis_fps = s.stats.analysis_fps;
  c.latency_ms = s.stats.latency_ms;
  c.latency_median_ms = s.stats.latency_median_ms;
  c.analyse_ms = s.stats.analyse_ms;
  c.settings = s.settings;
  c.partial = s.source_failed;
  c.partial_reason = s.source_failed ? s.status : "";
  count_episodes(c);
  return c;
}

Counters counters_from_replay(const ReplayAnalysisSnapshot& s) {
  Counters c;
  c.mode = "replay";
  const SessionSummary& sum = s.summary;
  c.episodes = sum.episodes;
  c.open_episodes = s.open_episodes;
  c.blinks = static_cast<int>(blink_count(sum.blinks));
  c.voluntary_movements = static_cast<int>(sum.voluntary_movements.size());
  count_isolated(c, sum.isolated_twitches);
  c.session_time_s = s.done ? sum.duration_s : s.analysed_t;
  c.frames_analysed = s.frames_analysed;
  c.analysis_fps = s.analysis_fps;
  c.analyse_ms = s.mean_analyse_ms;
  if (sum.frames > 0) {
    c.face_found_percent =
        100.0 * static_cast<double>(sum.frames_with_face) / static_cast<double>(sum.frames);
    c.measurable_percent =
        100.0 * static_cast<double>(sum.frames_good_quality) / static_cast<double>(sum.frames);
  }
  c.asymmetry_height_iod = sum.asymmetry.mouth_corner_height_iod();
  c.asymmetry_index_iod = sum.asymmetry.index;
  c.analysis_progress = s.progress;
  c.analysis_done = s.done;
  c.partial = sum.partial;
  c.partial_reason = sum.partial_reason;
  c.settings = sum.settings;
  count_episodes(c);
  return c;
}

nlohmann::json to_json(const Episode& e) {
  return {{"start_s", e.start_s},
          {"end_s", e.end_s},
          {"duration_s", e.duration_s()},
          {"side", std::string(to_string(e.side))},
          {"region", std::string(to_string(e.region))},
          {"twitch_count", e.twitch_count},
          {"frequency_hz", number_or_null(e.frequency_hz)},
          {"peak_amplitude_iod", e.peak_amplitude_iod},
          {"peak_amplitude_mm", e.peak_amplitude_mm()}};
}

nlohmann::json to_json(const Counters& c) {
  nlohmann::json eps = nlohmann::json::array();
  for (const Episode& e : c.episodes)
    eps.push_back(to_json(e));
  nlohmann::json open = nlohmann::json::array();
  for (const Episode& e : c.open_episodes)
    open.push_back(to_json(e));
  return {{"mode", c.mode},
          {"episodes_total", c.episodes_total},
          {"twitches_total", c.twitches_total},
          {"episodes_by_side",
           {{"mouth", to_json(c.episodes_mouth)}, {"eye", to_json(c.episodes_eye)}}},
          {"twitches_by_side",
           {{"mouth", to_json(c.twitches_mouth)}, {"eye", to_json(c.twitches_eye)}}},
          {"twitches_per_minute", c.twitches_per_minute},
          {"blinks", c.blinks},
          {"isolated_twitches_by_side",
           {{"mouth", to_json(c.isolated_mouth)}, {"eye", to_json(c.isolated_eye)}}},
          {"voluntary_movements", c.voluntary_movements},
          {"open_episode", c.open_episode},
          {"open_episode_hz", number_or_null(c.open_episode_hz)},
          {"open_episode_twitches", c.open_episode_twitches},
          {"session_time_s", c.session_time_s},
          {"frames_analysed", c.frames_analysed},
          {"frames_dropped", c.frames_dropped},
          {"frames_captured", c.frames_captured},
          {"analysis_fps", c.analysis_fps},
          {"latency_ms", c.latency_ms},
          {"latency_median_ms", c.latency_median_ms},
          {"analyse_ms", c.analyse_ms},
          {"face_found_percent", number_or_null(c.face_found_percent)},
          {"measurable_percent", number_or_null(c.measurable_percent)},
          {"asymmetry_mouth_corner_height_iod", number_or_null(c.asymmetry_height_iod)},
          {"asymmetry_index_iod", number_or_null(c.asymmetry_index_iod)},
          {"analysis_progress", c.analysis_progress},
          {"analysis_done", c.analysis_done},
          {"partial", c.partial},
          {"partial_reason", c.partial_reason},
          {"settings",
           {{"threshold_k", c.settings.threshold_k},
            {"min_amplitude_iod", c.settings.min_amplitude_iod},
            {"eye_min_amplitude_iod", c.settings.eye_min_amplitude_iod},
            {"merge_gap_s", c.settings.merge_gap_s},
            {"mouth_enabled", c.settings.mouth_enabled},
            {"eye_enabled", c.settings.eye_enabled}}},
          {"episodes", eps},
          {"open_episodes", open}};
}

Flash classify_flash(const FrameSignals& signals, double t, const std::vector<Episode>& episodes,
                     const std::vector<Blink>* blinks,
                     const std::vector<VoluntaryMovement>* voluntary) {
  constexpr double kSlack = 0.05;  // an event's first crossing is interpolated between frames
  Flash f;
  for (Region r : kRegions) {
    const bool both = signals[r].left.active && signals[r].right.active;
    for (Side s : kSides) {
      bool in_episode = false;
      for (const Episode& e : episodes) {
        if (e.region == r && (e.side == laterality(s) || e.side == Laterality::Bilateral) &&
            t >= e.start_s - kSlack && t <= e.end_s + kSlack) {
          in_episode = true;
        }
      }
      f.episode(r)[s] = in_episode;
      if (!signals[r][s].active)
        continue;
      FlashKind k = in_episode ? FlashKind::Twitch : FlashKind::None;
      if (k == FlashKind::None && r == Region::Eye && blinks) {
        for (const Blink& b : *blinks) {
          if (t >= b.start_s - kSlack && t <= b.end_s + kSlack)
            k = FlashKind::Blink;
        }
      }
      if (k == FlashKind::None && r == Region::Mouth && voluntary) {
        for (const VoluntaryMovement& v : *voluntary) {
          if (v.region == r && t >= v.start_s - kSlack && t <= v.end_s + kSlack)
            k = FlashKind::Voluntary;
        }
      }
      if (k == FlashKind::None) {
        if (blinks || voluntary) {
          k = FlashKind::Movement;  // classified, and not a twitch (dragged along, slow drift)
        } else if (both) {
          k = r == Region::Eye ? FlashKind::Blink : FlashKind::Movement;
        } else {
          k = FlashKind::Twitch;
        }
      }
      f[r][s] = k;
    }
  }
  return f;
}

bool Flash::any() const {
  for (Side s : kSides) {
    if (mouth[s] != FlashKind::None || eye[s] != FlashKind::None || mouth_episode[s] ||
        eye_episode[s])
      return true;
  }
  return false;
}

RestingState resting_state(const std::vector<FrameRecord>& before) {
  RestingState rest;
  if (before.empty())
    return rest;
  const double t_end = before.back().metrics.t;
  for (Side s : kSides) {
    std::vector<double> mx, my, ap;
    double mouth_span = 0.0, eye_span = 0.0;
    double prev_mouth_t = kNaN, prev_eye_t = kNaN;
    for (auto it = before.rbegin(); it != before.rend(); ++it) {
      const FaceMetrics& m = it->metrics;
      if (t_end - m.t > kRestLookbackS)
        break;
      if (!frame_is_measurable(m))
        continue;
      if (mouth_span < kRestWindowS && !it->signals.mouth[s].active) {
        mx.push_back(m.mouth_corner[s].x);
        my.push_back(m.mouth_corner[s].y);
        if (std::isfinite(prev_mouth_t))
          mouth_span += prev_mouth_t - m.t;
        prev_mouth_t = m.t;
      }
      if (eye_span < kRestWindowS && !it->signals.eye[s].active &&
          std::isfinite(m.eye_aperture_iod[s])) {
        ap.push_back(m.eye_aperture_iod[s]);
        if (std::isfinite(prev_eye_t))
          eye_span += prev_eye_t - m.t;
        prev_eye_t = m.t;
      }
    }
    if (mx.size() >= 5) {
      rest.mouth_valid[s] = true;
      rest.mouth_corner[s] = cv::Point2f(static_cast<float>(median_of_copy(mx)),
                                         static_cast<float>(median_of_copy(my)));
    }
    if (ap.size() >= 5) {
      rest.eye_valid[s] = true;
      rest.eye_aperture_iod[s] = median_of_copy(ap);
    }
  }
  return rest;
}

void LiveHistory::clear() {
  records_.clear();
}

void LiveHistory::update(const LivePipeline& pipeline, std::uint64_t epoch) {
  if (epoch != epoch_) {
    records_.clear();
    epoch_ = epoch;
  }
  scratch_.clear();
  seq_ = pipeline.records_after(seq_, scratch_);
  for (LiveRecord& r : scratch_) {
    if (r.epoch != epoch_) {
      if (r.epoch < epoch_)
        continue;  // from before the restart
      records_.clear();
      epoch_ = r.epoch;
    }
    if (!records_.empty() && r.record.metrics.t <= records_.back().metrics.t)
      continue;
    records_.push_back(std::move(r.record));
  }
  while (!records_.empty() && records_.back().metrics.t - records_.front().metrics.t > kHistoryS)
    records_.pop_front();
}

void LiveHistory::plot_samples(double t0, double t1, std::vector<ReplayPlotSample>& out) const {
  out.clear();
  auto it = std::lower_bound(records_.begin(), records_.end(), t0,
                             [](const FrameRecord& r, double t) { return r.metrics.t < t; });
  for (; it != records_.end() && it->metrics.t <= t1; ++it) {
    ReplayPlotSample p;
    p.t = it->metrics.t;
    p.measurable = frame_is_measurable(it->metrics);
    p.signals = it->signals;
    p.height_diff_iod = it->metrics.mouth_corner_height_diff_iod;
    out.push_back(p);
  }
}

void LiveHistory::records_before(double before_t, double span_s,
                                 std::vector<FrameRecord>& out) const {
  auto it = std::lower_bound(records_.begin(), records_.end(), before_t - span_s,
                             [](const FrameRecord& r, double t) { return r.metrics.t < t; });
  for (; it != records_.end() && it->metrics.t < before_t; ++it)
    out.push_back(*it);
}

const FrameRecord* LiveHistory::find(double t) const {
  auto it = std::lower_bound(records_.begin(), records_.end(), t - 5e-4,
                             [](const FrameRecord& r, double x) { return r.metrics.t < x; });
  if (it != records_.end() && std::abs(it->metrics.t - t) <= 5e-4)
    return &*it;
  return nullptr;
}

std::string format_clock(double seconds) {
  if (!std::isfinite(seconds) || seconds < 0)
    return "—";
  const int total_tenths = static_cast<int>(std::floor(seconds * 10.0 + 1e-6));
  const int minutes = total_tenths / 600;
  const int tenths = total_tenths % 600;
  char buf[32];
  std::snprintf(buf, sizeof buf, "%d:%02d.%d", minutes, tenths / 10, tenths % 10);
  return buf;
}

}  // namespace ft::ui
