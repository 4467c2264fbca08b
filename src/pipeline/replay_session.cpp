// replay_session.cpp: whole-file analysis with stored per-frame results, re-application of
// settings, and the display decoder (ReplayPlayer).
#include "pipeline/replay_session.hpp"

#include <pthread.h>

#include <algorithm>
#include <cmath>
#include <exception>

namespace ft {

namespace {
constexpr double kPublishEveryS = 0.1;  // snapshot refresh while analysing

SessionSummary header_for(const ReplaySessionOptions& o, const SourceInfo& info) {
  // The same header analyse_video() writes, so that the summaries agree field for field.
  SessionSummary header;
  header.video = o.video.string();
  header.source = "file";
  header.width = info.width;
  header.height = info.height;
  header.model_path = o.model_path;
  header.facetwitch_version = FACETWITCH_VERSION;
  record_options(header, o.analyser);
  header.mirrored_input = o.file.mirrored_input;
  record_date(header, o.video, false);
  return header;
}
}  // namespace

// ---------------------------------------------------------------------------------------------
// ReplaySession

Result<std::unique_ptr<ReplaySession>> ReplaySession::start(ReplaySessionOptions options) {
  auto opened = open_video_file(options.video, options.file);
  if (!opened)
    return opened.error();
  std::unique_ptr<ReplaySession> s(new ReplaySession(std::move(options)));
  s->source_ = std::move(opened).value();
  s->info_ = s->source_->info();
  auto initial = std::make_shared<ReplayAnalysisSnapshot>();
  initial->info = s->info_;
  initial->summary = header_for(s->options_, s->info_);
  s->snapshot_ = initial;
  s->thread_ = std::thread([p = s.get()] { p->run(); });
  return s;
}

ReplaySession::~ReplaySession() {
  stop_ = true;
  control_cv_.notify_all();
  if (thread_.joinable())
    thread_.join();
}

std::shared_ptr<const ReplayAnalysisSnapshot> ReplaySession::snapshot() const {
  std::lock_guard lock(snap_mutex_);
  return snapshot_;
}

void ReplaySession::apply_settings(const TwitchSettings& settings) {
  {
    // Queue the settings and mark the snapshot as "reapplying" in one step (lock order: control,
    // then snapshot). The analysis thread can only take the settings after the mark, so its
    // publication after re-applying them (which reads the queue, now empty) is the last word and
    // clears the flag. Marking after releasing the queue let a fast re-application publish first,
    // and the flag then stayed set for good.
    std::lock_guard control(control_mutex_);
    pending_settings_ = settings;
    std::lock_guard snap(snap_mutex_);
    if (snapshot_ && !snapshot_->reapplying) {
      auto s = std::make_shared<ReplayAnalysisSnapshot>(*snapshot_);
      s->reapplying = true;
      snapshot_ = s;
    }
  }
  control_cv_.notify_all();
}

std::optional<TwitchSettings> ReplaySession::take_pending_settings() {
  std::lock_guard lock(control_mutex_);
  std::optional<TwitchSettings> s = std::move(pending_settings_);
  pending_settings_.reset();
  return s;
}

const FrameRecord& ReplaySession::at(std::int64_t i) const {
  const auto u = static_cast<std::size_t>(i);
  return (*chunks_[u / kChunk])[u % kChunk];
}

std::int64_t ReplaySession::frames_stored() const {
  std::lock_guard lock(data_mutex_);
  return count_;
}

bool ReplaySession::record(std::int64_t index, FrameRecord& out) const {
  std::lock_guard lock(data_mutex_);
  if (index < 0 || index >= count_)
    return false;
  out = at(index);
  return true;
}

void ReplaySession::records(std::int64_t first, std::int64_t last,
                            std::vector<FrameRecord>& out) const {
  std::lock_guard lock(data_mutex_);
  first = std::max<std::int64_t>(first, 0);
  last = std::min<std::int64_t>(last, count_ - 1);
  for (std::int64_t i = first; i <= last; ++i)
    out.push_back(at(i));
}

std::int64_t ReplaySession::index_at_or_before(double t) const {
  std::lock_guard lock(data_mutex_);
  // Times increase with the index: binary search for the last t' <= t.
  std::int64_t lo = 0, hi = count_;  // answer in [lo - 1, hi - 1]
  while (lo < hi) {
    const std::int64_t mid = lo + (hi - lo) / 2;
    if (at(mid).metrics.t <= t + 1e-9) {
      lo = mid + 1;
    } else {
      hi = mid;
    }
  }
  return lo - 1;
}

void ReplaySession::plot_samples(double t0, double t1, std::vector<ReplayPlotSample>& out) const {
  out.clear();
  std::int64_t first = std::max<std::int64_t>(index_at_or_before(t0), 0);
  std::lock_guard lock(data_mutex_);
  for (std::int64_t i = first; i < count_; ++i) {
    const FrameRecord& r = at(i);
    if (r.metrics.t < t0)
      continue;
    if (r.metrics.t > t1)
      break;
    ReplayPlotSample p;
    p.t = r.metrics.t;
    p.measurable = frame_is_measurable(r.metrics);
    p.signals = r.signals;
    p.height_diff_iod = r.metrics.mouth_corner_height_diff_iod;
    out.push_back(p);
  }
}

SessionSummary ReplaySession::header() const {
  return header_for(options_, info_);
}

void ReplaySession::publish(bool done) {
  auto s = std::make_shared<ReplayAnalysisSnapshot>();
  s->info = info_;
  std::int64_t n = 0;
  {
    std::lock_guard lock(data_mutex_);
    n = count_;
    if (n > 0)
      s->analysed_t = at(n - 1).metrics.t;
  }
  s->frames_analysed = n;
  s->done = done;
  if (done) {
    s->progress = 1.0;
  } else if (info_.frame_count > 0) {
    s->progress =
        std::clamp(static_cast<double>(n) / static_cast<double>(info_.frame_count), 0.0, 0.999);
  } else if (info_.duration_s > 0) {
    s->progress = std::clamp(s->analysed_t / info_.duration_s, 0.0, 0.999);
  }
  s->analysis_wall_s =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - t_start_).count();
  s->analysis_fps = s->analysis_wall_s > 0 ? static_cast<double>(n) / s->analysis_wall_s : 0.0;
  s->mean_analyse_ms = n > 0 ? analyse_ms_sum_ / static_cast<double>(n) : 0.0;
  s->settings_generation = generation_;
  {
    std::lock_guard lock(control_mutex_);
    s->reapplying = pending_settings_.has_value();
  }
  s->summary = totals_->summarise(*twitch_, done);
  s->summary.partial = partial_;
  s->summary.partial_reason = partial_reason_;
  if (!done)
    s->open_episodes = twitch_->open_episodes();
  std::lock_guard lock(snap_mutex_);
  snapshot_ = s;
}

void ReplaySession::reapply(const TwitchSettings& settings, bool final) {
  // A fresh streaming analyser over the stored metrics, exactly as if the file had been analysed
  // with these settings from the start. Metrics are only appended by this thread, so reading them
  // here needs no lock; the new signals are swapped in under the lock.
  auto fresh = std::make_unique<TwitchAnalyser>(settings);
  std::int64_t n = 0;
  {
    std::lock_guard lock(data_mutex_);
    n = count_;
  }
  std::vector<FrameSignals> signals(static_cast<std::size_t>(n));
  for (std::int64_t i = 0; i < n; ++i) {
    if (stop_)
      return;
    signals[static_cast<std::size_t>(i)] = fresh->push(at(i).metrics);
  }
  if (final)
    fresh->finish();
  {
    std::lock_guard lock(data_mutex_);
    for (std::int64_t i = 0; i < n; ++i) {
      const auto u = static_cast<std::size_t>(i);
      (*chunks_[u / kChunk])[u % kChunk].signals = signals[u];
    }
  }
  twitch_ = std::move(fresh);
  ++generation_;
}

void ReplaySession::analyse_all() {
  FrameAnalyser analyser(options_.model, options_.analyser);
  Frame frame;
  auto last_publish = std::chrono::steady_clock::now();
  while (!stop_) {
    if (auto s = take_pending_settings())
      reapply(*s, false);
    const ReadStatus st = source_->read(frame);
    if (st == ReadStatus::End)
      break;
    if (st == ReadStatus::Failed) {
      partial_ = true;
      partial_reason_ = source_->error().message;
      break;
    }
    const FrameResult& r = analyser.process(frame);
    totals_->add(r);
    analyse_ms_sum_ += r.analyse_ms;
    FrameRecord rec{r.metrics, twitch_->push(r.metrics)};
    {
      std::lock_guard lock(data_mutex_);
      const auto u = static_cast<std::size_t>(count_);
      if (u / kChunk >= chunks_.size()) {
        chunks_.push_back(std::make_unique<std::vector<FrameRecord>>());
        chunks_.back()->reserve(kChunk);
      }
      chunks_[u / kChunk]->push_back(std::move(rec));
      ++count_;
    }
    const auto now = std::chrono::steady_clock::now();
    if (std::chrono::duration<double>(now - last_publish).count() >= kPublishEveryS) {
      last_publish = now;
      publish(false);
    }
  }
}

void ReplaySession::run() {
  pthread_setname_np(pthread_self(), "ft-replay");
  try {
    t_start_ = std::chrono::steady_clock::now();
    twitch_ = std::make_unique<TwitchAnalyser>(options_.analyser.twitch);
    totals_ = std::make_unique<SummaryAccumulator>(header_for(options_, info_));
    analyse_all();
    if (stop_)
      return;
    twitch_->finish();
    source_.reset();  // the file is no longer needed
    publish(true);
    // Idle: re-apply settings on request until the session is closed.
    while (!stop_) {
      std::optional<TwitchSettings> s;
      {
        std::unique_lock lock(control_mutex_);
        control_cv_.wait(lock, [&] { return stop_.load() || pending_settings_.has_value(); });
        if (stop_)
          break;
        s = std::move(pending_settings_);
        pending_settings_.reset();
      }
      reapply(*s, true);
      publish(true);
    }
  } catch (const std::exception& e) {
    // Keep what was analysed; say why it stopped.
    partial_ = true;
    partial_reason_ = std::string("analysis stopped: ") + e.what();
    try {
      if (twitch_ && totals_)
        publish(true);
    } catch (...) {
    }
  } catch (...) {
  }
}

// ---------------------------------------------------------------------------------------------
// ReplayPlayer

Result<std::unique_ptr<ReplayPlayer>> ReplayPlayer::open(const std::filesystem::path& video,
                                                         const VideoFileOptions& options) {
  auto opened = open_video_file(video, options);
  if (!opened)
    return opened.error();
  std::unique_ptr<ReplayPlayer> p(new ReplayPlayer());
  p->source_ = std::move(opened).value();
  p->info_ = p->source_->info();
  p->current_ = std::make_shared<PlayerFrame>();
  p->thread_ = std::thread([raw = p.get()] { raw->run(); });
  return p;
}

ReplayPlayer::~ReplayPlayer() {
  stop_ = true;
  cv_.notify_all();
  if (thread_.joinable())
    thread_.join();
}

void ReplayPlayer::play() {
  std::lock_guard lock(mutex_);
  pending_.play = true;
  pending_.toggle = false;
  has_pending_ = true;
  cv_.notify_all();
}

void ReplayPlayer::pause() {
  std::lock_guard lock(mutex_);
  pending_.play = false;
  pending_.toggle = false;
  has_pending_ = true;
  cv_.notify_all();
}

void ReplayPlayer::toggle_play() {
  std::lock_guard lock(mutex_);
  if (pending_.play) {
    pending_.play = !*pending_.play;
  } else {
    pending_.toggle = !pending_.toggle;
  }
  has_pending_ = true;
  cv_.notify_all();
}

void ReplayPlayer::step(int frames) {
  std::lock_guard lock(mutex_);
  pending_.step += frames;
  pending_.play = false;
  pending_.toggle = false;
  has_pending_ = true;
  cv_.notify_all();
}

void ReplayPlayer::seek(double t) {
  std::lock_guard lock(mutex_);
  pending_.seek_t = t;
  pending_.step = 0;
  has_pending_ = true;
  cv_.notify_all();
}

void ReplayPlayer::set_speed(double speed) {
  std::lock_guard lock(mutex_);
  pending_.speed = speed;
  has_pending_ = true;
  cv_.notify_all();
}

std::shared_ptr<const PlayerFrame> ReplayPlayer::current() const {
  std::lock_guard lock(frame_mutex_);
  return current_;
}

void ReplayPlayer::run() {
  pthread_setname_np(pthread_self(), "ft-player");
  using clock = std::chrono::steady_clock;
  bool playing = false;
  double speed = 1.0;
  bool at_end = false;
  std::string error;
  Frame shown;                 // the frame on screen
  std::optional<Frame> ahead;  // decoded, waiting for its time
  clock::time_point anchor_wall{};
  double anchor_t = 0.0;
  const double step_s = info_.nominal_fps > 0 ? 1.0 / info_.nominal_fps : 1.0 / 30.0;

  auto publish = [&] {
    auto f = std::make_shared<PlayerFrame>();
    f->frame = shown;
    f->playing = playing;
    f->speed = speed;
    f->at_end = at_end;
    f->error = error;
    std::lock_guard lock(frame_mutex_);
    current_ = f;
  };
  // Reads the next frame into `out`; false at the end or on failure (then stops playing).
  // A frame already read ahead (while playing) comes first.
  auto read_next = [&](Frame& out) {
    if (ahead) {
      out = std::move(*ahead);
      ahead.reset();
      return true;
    }
    Frame f;
    const ReadStatus st = source_->read(f);
    if (st == ReadStatus::Frame) {
      out = std::move(f);
      return true;
    }
    if (st == ReadStatus::Failed)
      error = source_->error().message;
    at_end = true;
    playing = false;
    return false;
  };
  auto seek_to = [&](double t) {
    ahead.reset();
    at_end = false;
    if (!source_->seek(t)) {
      error = "cannot seek in this file";
      return;
    }
    Frame f;
    if (read_next(f))
      shown = std::move(f);
  };
  auto reanchor = [&] {
    anchor_wall = clock::now();
    anchor_t = shown.t;
  };

  try {
    {
      Frame f;
      if (read_next(f))
        shown = std::move(f);
      publish();
    }
    while (!stop_) {
      Command cmd;
      bool have_cmd = false;
      {
        std::unique_lock lock(mutex_);
        if (!has_pending_) {
          if (!playing) {
            cv_.wait(lock, [&] { return stop_.load() || has_pending_; });
          } else if (ahead && speed > 0) {
            const auto due =
                anchor_wall + std::chrono::duration_cast<clock::duration>(
                                  std::chrono::duration<double>((ahead->t - anchor_t) / speed));
            cv_.wait_until(lock, due, [&] { return stop_.load() || has_pending_; });
          }
        }
        if (stop_)
          break;
        if (has_pending_) {
          cmd = pending_;
          pending_ = Command{};
          has_pending_ = false;
          have_cmd = true;
        }
      }
      if (have_cmd) {
        if (cmd.speed) {
          speed = *cmd.speed;
          reanchor();
        }
        if (cmd.seek_t)
          seek_to(*cmd.seek_t);
        if (cmd.step > 0) {
          for (int i = 0; i < cmd.step; ++i) {
            Frame f;
            if (!read_next(f))
              break;
            shown = std::move(f);
          }
        } else if (cmd.step < 0) {
          seek_to(shown.t + (cmd.step + 0.5) * step_s);
        }
        if (cmd.step != 0)
          playing = false;
        bool want_play = playing;
        if (cmd.toggle)
          want_play = !want_play;
        if (cmd.play)
          want_play = *cmd.play;
        if (want_play && !playing) {
          if (at_end)
            seek_to(0.0);  // play again from the start
          at_end = false;
          playing = true;
          reanchor();
        } else if (!want_play) {
          playing = false;  // a frame read ahead stays in `ahead`: it is the next one stepped to
        }
        if (playing && cmd.seek_t)
          reanchor();  // the clock restarts at the frame sought
        publish();
        continue;
      }
      if (!playing)
        continue;
      if (!ahead) {
        Frame f;
        if (!read_next(f)) {
          publish();
          continue;
        }
        ahead = std::move(f);
        if (speed > 0) {
          // Fell far behind (slow decoding, a pause in the scheduler): do not rush to catch up.
          const double late = std::chrono::duration<double>(clock::now() - anchor_wall).count() -
                              (ahead->t - anchor_t) / speed;
          if (late > 0.5) {
            anchor_wall = clock::now();
            anchor_t = ahead->t;
          }
          continue;  // wait for its time (or a command)
        }
      }
      if (speed > 0) {
        const auto due =
            anchor_wall + std::chrono::duration_cast<clock::duration>(
                              std::chrono::duration<double>((ahead->t - anchor_t) / speed));
        if (clock::now() < due)
          continue;
      }
      shown = std::move(*ahead);
      ahead.reset();
      publish();
    }
  } catch (const std::exception& e) {
    error = std::string("playback stopped: ") + e.what();
    playing = false;
    try {
      publish();
    } catch (...) {
    }
  } catch (...) {
  }
}

}  // namespace ft
