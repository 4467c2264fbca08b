// live.cpp: capture thread, newest-frame-wins slot, analysis thread, snapshots.
#include "pipeline/live.hpp"

#include <pthread.h>

#include <algorithm>
#include <chrono>
#include <deque>
#include <exception>

#include "pipeline/bounded_queue.hpp"
#include "pipeline/session_recorder.hpp"

namespace ft {

struct LivePipeline::Shared {
  LatestSlot<Frame> slot;
  std::atomic<std::uint64_t> captured{0};
  std::mutex status_mutex;
  bool source_failed = false;
  bool source_ended = false;
  std::string status;
  std::chrono::steady_clock::time_point last_capture{};
};

LivePipeline::LivePipeline(std::shared_ptr<const LandmarkModel> model, AnalyserOptions options, std::string model_path)
    : model_(std::move(model)), options_(std::move(options)), model_path_(std::move(model_path)) {}

LivePipeline::~LivePipeline() { stop(); }

Status LivePipeline::start(std::unique_ptr<FrameSource> source, const std::filesystem::path& record_dir) {
  stop();
  if (!source) return make_error(ErrorKind::Internal, "no source");
  source_ = std::move(source);
  record_dir_ = record_dir;
  shared_ = std::make_unique<Shared>();
  stop_ = false;
  running_ = true;
  {
    auto initial = std::make_shared<LiveSnapshot>();
    initial->status = "starting " + source_->info().description;
    publish(initial);
  }
  capture_thread_ = std::thread([this] { capture_loop(); });
  analyse_thread_ = std::thread([this] { analyse_loop(); });
  return {};
}

void LivePipeline::stop() {
  stop_ = true;
  if (shared_) shared_->slot.close();
  if (capture_thread_.joinable()) capture_thread_.join();
  if (analyse_thread_.joinable()) analyse_thread_.join();
  running_ = false;
}

std::shared_ptr<const LiveSnapshot> LivePipeline::snapshot() const {
  std::lock_guard lock(snap_mutex_);
  return snapshot_;
}

void LivePipeline::publish(std::shared_ptr<const LiveSnapshot> s) {
  std::lock_guard lock(snap_mutex_);
  snapshot_ = std::move(s);
}

SessionSummary LivePipeline::final_summary() const { return final_; }

void LivePipeline::capture_loop() {
  pthread_setname_np(pthread_self(), "ft-capture");
  try {
    while (!stop_) {
      Frame f;  // a fresh buffer: the previous one may still be read by the analysis or the window
      const ReadStatus st = source_->read(f);
      if (st != ReadStatus::Frame) {
        std::lock_guard lock(shared_->status_mutex);
        if (st == ReadStatus::Failed) {
          shared_->source_failed = true;
          shared_->status = source_->error().message;
        } else {
          shared_->source_ended = true;
          shared_->status = "end of " + source_->info().description;
        }
        break;
      }
      {
        std::lock_guard lock(shared_->status_mutex);
        shared_->last_capture = source_->last_capture_time();
      }
      shared_->captured++;
      shared_->slot.put(std::move(f));
    }
  } catch (const std::exception& e) {
    std::lock_guard lock(shared_->status_mutex);
    shared_->source_failed = true;
    shared_->status = std::string("capture stopped: ") + e.what();
  }
  shared_->slot.close();
}

void LivePipeline::analyse_loop() {
  pthread_setname_np(pthread_self(), "ft-analyse");
  std::unique_ptr<SessionRecorder> recorder;
  std::string record_error;
  try {
    SessionSummary header;
    header.video = source_->info().description;
    header.source = source_->info().live ? "camera" : "file";
    header.width = source_->info().width;
    header.height = source_->info().height;
    header.model_path = model_path_;
    header.facetwitch_version = FACETWITCH_VERSION;
    header.settings = options_.twitch;
    if (!record_dir_.empty()) {
      auto rec = SessionRecorder::open(record_dir_, header);
      if (rec) {
        recorder = std::move(rec).value();
      } else {
        record_error = rec.error().message;
      }
    }
    SummaryAccumulator totals(header);
    FrameAnalyser analyser(model_, options_);
    std::uint64_t analysed = 0;
    std::deque<double> recent_t;        // wall times of recent results, for the fps
    std::deque<double> recent_latency;  // ms
    const auto t0 = std::chrono::steady_clock::now();
    while (!stop_) {
      std::optional<Frame> f = shared_->slot.take();
      if (!f) break;
      const FrameResult& r = analyser.process(*f);
      totals.add(r);
      if (recorder) {
        if (Status st = recorder->add(r, analyser.twitch()); !st) {
          record_error = st.error().message;
          recorder.reset();  // stop recording; what was written stays readable
        }
      }
      const auto now = std::chrono::steady_clock::now();
      auto snap = std::make_shared<LiveSnapshot>();
      snap->frame = *f;
      snap->result = r;
      snap->episodes = analyser.twitch().episodes();
      std::stable_sort(snap->episodes.begin(), snap->episodes.end(),
                       [](const Episode& a, const Episode& b) { return a.start_s < b.start_s; });
      snap->open_episodes = analyser.twitch().open_episodes();
      snap->blink_count = analyser.twitch().blinks().size();
      snap->voluntary_count = analyser.twitch().voluntary_movements().size();
      auto& st = snap->stats;
      st.captured = shared_->captured.load();
      st.dropped = shared_->slot.dropped();
      st.analysed = ++analysed;
      const double now_s = std::chrono::duration<double>(now - t0).count();
      recent_t.push_back(now_s);
      while (recent_t.size() > 2 && recent_t.front() < now_s - 2.0) recent_t.pop_front();
      st.analysis_fps = recent_t.size() > 1 ? static_cast<double>(recent_t.size() - 1) / (recent_t.back() - recent_t.front()) : 0.0;
      {
        std::lock_guard lock(shared_->status_mutex);
        st.latency_ms = std::chrono::duration<double, std::milli>(now - source_->last_capture_time()).count();
      }
      recent_latency.push_back(st.latency_ms);
      if (recent_latency.size() > 256) recent_latency.pop_front();
      std::vector<double> lat(recent_latency.begin(), recent_latency.end());
      std::nth_element(lat.begin(), lat.begin() + static_cast<std::ptrdiff_t>(lat.size() / 2), lat.end());
      st.latency_median_ms = lat[lat.size() / 2];
      st.analyse_ms = r.analyse_ms;
      snap->recording_dir = recorder ? recorder->dir() : std::filesystem::path();
      snap->status = record_error.empty() ? "" : "recording stopped: " + record_error;
      publish(snap);
    }
    analyser.finish();
    bool failed = false;
    std::string status;
    {
      std::lock_guard lock(shared_->status_mutex);
      failed = shared_->source_failed;
      status = shared_->status;
    }
    const bool partial = failed || stop_;
    const std::string reason = failed ? status : (stop_ ? "stopped by the user" : "");
    if (recorder) {
      auto fin = recorder->finish(analyser.twitch(), failed, failed ? status : "", static_cast<std::int64_t>(shared_->slot.dropped()));
      if (fin) final_ = fin.value();
    } else {
      final_ = totals.summarise(analyser.twitch());
      final_.partial = partial;
      final_.partial_reason = reason;
      final_.frames_dropped = static_cast<std::int64_t>(shared_->slot.dropped());
    }
    auto last = std::make_shared<LiveSnapshot>();
    if (auto prev = snapshot()) *last = *prev;
    last->episodes = final_.episodes;
    last->open_episodes.clear();
    last->running = false;
    last->source_failed = failed;
    last->status = status;
    last->stats.dropped = shared_->slot.dropped();
    last->recording_dir.clear();
    publish(last);
  } catch (const std::exception& e) {
    auto last = std::make_shared<LiveSnapshot>();
    last->running = false;
    last->source_failed = true;
    last->status = std::string("analysis stopped: ") + e.what();
    publish(last);
  }
  running_ = false;
}

}  // namespace ft
