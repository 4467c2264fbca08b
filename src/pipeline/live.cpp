// live.cpp: capture thread, newest-frame-wins slot, analysis thread, snapshots.
#include "pipeline/live.hpp"

#include <pthread.h>

#include <algorithm>
#include <array>
#include <chrono>
#include <condition_variable>
#include <deque>
#include <exception>
#include <optional>
#include <utility>

#include "pipeline/bounded_queue.hpp"
#include "pipeline/session_recorder.hpp"

namespace ft {

namespace {

// The raw video of a recording: frames go through a bounded queue to a writer thread that feeds
// ffmpeg (io/VideoWriter), so neither capture nor analysis ever waits for the encoder. A frame that
// finds the queue full is left out and counted. Thread-safe; the writer thread catches everything.
class RawVideoWriter {
 public:
  RawVideoWriter(std::filesystem::path path, double fps, VideoWriterOptions options, std::size_t capacity)
      : path_(std::move(path)), fps_(fps), options_(std::move(options)), capacity_(std::max<std::size_t>(capacity, 2)) {
    thread_ = std::thread([this] { run(); });
  }
  ~RawVideoWriter() {
    close();
    join();
  }
  RawVideoWriter(const RawVideoWriter&) = delete;
  RawVideoWriter& operator=(const RawVideoWriter&) = delete;

  // Never blocks. The image is shared (cv::Mat reference), not copied: capture never writes into a
  // frame it has handed on.
  void push(const cv::Mat& bgr) {
    std::lock_guard lock(m_);
    if (closed_ || failed_) return;
    if (q_.size() >= capacity_) {
      ++lost_;
      return;
    }
    q_.push_back(bgr);
    cv_.notify_one();
  }
  void close() {
    std::lock_guard lock(m_);
    closed_ = true;
    cv_.notify_all();
  }
  void join() {
    if (thread_.joinable()) thread_.join();
  }
  bool finished() const { return finished_.load(); }
  std::string error() const {
    std::lock_guard lock(m_);
    return error_;
  }
  std::int64_t written() const { return written_.load(); }
  std::int64_t lost() const {
    std::lock_guard lock(m_);
    return lost_;
  }

 private:
  void fail(const std::string& message) {
    std::lock_guard lock(m_);
    failed_ = true;
    error_ = message;
    q_.clear();
  }
  void run() {
    pthread_setname_np(pthread_self(), "ft-video");
    try {
      std::unique_ptr<VideoWriter> writer;
      while (true) {
        cv::Mat img;
        {
          std::unique_lock lock(m_);
          cv_.wait(lock, [&] { return closed_ || failed_ || !q_.empty(); });
          if (failed_ || q_.empty()) break;  // failed, or closed and drained
          img = std::move(q_.front());
          q_.pop_front();
        }
        if (!writer) {
          auto w = VideoWriter::open(path_, img.cols, img.rows, fps_, options_);
          if (!w) {
            fail(w.error().message);
            break;
          }
          writer = std::move(w).value();
        }
        cv::Mat bgr = img;
        if (img.channels() != 3) break;  // cameras deliver BGR; anything else cannot be encoded
        if (Status st = writer->write(bgr); !st) {
          fail(st.error().message);
          break;
        }
        ++written_;
      }
      if (writer) {
        if (Status st = writer->close(); !st) fail(st.error().message);
      }
    } catch (const std::exception& e) {
      fail(std::string("video writer stopped: ") + e.what());
    } catch (...) {
      fail("video writer stopped");
    }
    finished_ = true;
  }

  std::filesystem::path path_;
  double fps_;
  VideoWriterOptions options_;
  std::size_t capacity_;
  mutable std::mutex m_;
  std::condition_variable cv_;
  std::deque<cv::Mat> q_;
  bool closed_ = false;
  bool failed_ = false;
  std::string error_;
  std::int64_t lost_ = 0;
  std::atomic<std::int64_t> written_{0};
  std::atomic<bool> finished_{false};
  std::thread thread_;
};

}  // namespace

// Requests from the window (start/stop recording, settings) and the recording's boundaries, decided
// by the capture thread (which frame is the first and the first after the last) so that the video
// and the analysed frames agree. Guarded by `m`.
struct LivePipeline::RecordControl {
  std::mutex m;
  // Requests.
  std::optional<std::pair<std::filesystem::path, LiveRecordingOptions>> start_request;
  bool start_ready = false;  // the analysis has an analyser ready for it: the capture thread may begin
  bool stop_request = false;
  std::optional<TwitchSettings> settings_request;
  // The current (or last) recording, as decided by the capture thread.
  std::uint64_t generation = 0;  // recordings begun
  bool active = false;
  std::filesystem::path dir;
  std::optional<std::string> patient_id;  // LiveRecordingOptions::patient_id of the recording
  std::int64_t start_index = 0;  // first frame of the recording
  double start_t = 0.0;          // its time: the recording's time 0
  std::int64_t stop_index = -1;  // first frame after the recording; -1 while it runs
  std::uint64_t captured = 0;    // frames captured in the recording
  std::shared_ptr<RawVideoWriter> video;
  std::vector<std::shared_ptr<RawVideoWriter>> closing;  // finishing their files; joined by stop()
  std::uint64_t generation_at_start = 0;  // `generation` when the threads were started
  std::string interrupt_reason;  // stop_interrupted(): the recording is closed as partial with it
};

struct LivePipeline::Shared {
  LatestSlot<Frame> slot;
  std::atomic<std::uint64_t> captured{0};
  std::mutex status_mutex;
  bool source_failed = false;
  bool source_ended = false;
  std::string status;
  std::chrono::steady_clock::time_point last_capture{};
  // The capture thread waits until the analysis thread has built its analyser (~0.4 s: dlib's
  // detector), so that a source paced like a camera does not lose its first frames to it.
  std::mutex ready_mutex;
  std::condition_variable ready_cv;
  bool analysis_ready = false;
  void set_ready() {
    std::lock_guard lock(ready_mutex);
    analysis_ready = true;
    ready_cv.notify_all();
  }
};

LivePipeline::LivePipeline(std::shared_ptr<const LandmarkModel> model, AnalyserOptions options, std::string model_path)
    : model_(std::move(model)),
      options_(std::move(options)),
      model_path_(std::move(model_path)),
      rec_(std::make_unique<RecordControl>()) {}

LivePipeline::~LivePipeline() { stop(); }

Status LivePipeline::start(std::unique_ptr<FrameSource> source, const std::filesystem::path& record_dir) {
  stop();
  if (!source) return make_error(ErrorKind::Internal, "no source");
  source_ = std::move(source);
  record_dir_ = record_dir;
  shared_ = std::make_unique<Shared>();
  {
    std::lock_guard lock(rec_->m);
    rec_->generation_at_start = rec_->generation;
    rec_->stop_index = -1;
    rec_->interrupt_reason.clear();
  }
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
  if (shared_) {
    shared_->slot.close();
    shared_->set_ready();  // a capture thread still waiting for the analysis
  }
  if (capture_thread_.joinable()) capture_thread_.join();
  if (analyse_thread_.joinable()) analyse_thread_.join();
  running_ = false;
  // Let the raw videos' writer threads finish their files.
  std::vector<std::shared_ptr<RawVideoWriter>> closing;
  {
    std::lock_guard lock(rec_->m);
    if (rec_->video) {
      rec_->video->close();
      rec_->closing.push_back(std::move(rec_->video));
      rec_->video.reset();
    }
    closing.swap(rec_->closing);
    rec_->active = false;
    rec_->stop_request = false;
    // A pending start_request is kept: a recording requested before start() begins with its first frame.
  }
  for (auto& v : closing) v->join();
}

void LivePipeline::stop_interrupted(const std::string& reason) {
  {
    std::lock_guard lock(rec_->m);
    rec_->interrupt_reason = reason;
  }
  stop();
}

Status LivePipeline::start_recording(const std::filesystem::path& dir, const LiveRecordingOptions& options) {
  std::error_code ec;
  if (!std::filesystem::is_directory(dir, ec)) {
    return make_error(ErrorKind::Output, "cannot record into " + dir.string() + ": the folder does not exist");
  }
  if (!record_dir_.empty() && running_) {
    return make_error(ErrorKind::BadArguments, "this session is already recorded into " + record_dir_.string());
  }
  std::lock_guard lock(rec_->m);
  if (rec_->start_request || (rec_->active && !rec_->stop_request)) {
    return make_error(ErrorKind::BadArguments, "a recording is already running");
  }
  rec_->start_request = std::make_pair(dir, options);
  return {};
}

void LivePipeline::stop_recording() {
  std::lock_guard lock(rec_->m);
  rec_->start_request.reset();
  rec_->start_ready = false;
  if (rec_->active) rec_->stop_request = true;
}

void LivePipeline::set_twitch_settings(const TwitchSettings& settings) {
  std::lock_guard lock(rec_->m);
  rec_->settings_request = settings;
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

std::uint64_t LivePipeline::records_after(std::uint64_t after_seq, std::vector<LiveRecord>& out) const {
  std::lock_guard lock(recent_mutex_);
  for (const LiveRecord& r : recent_) {
    if (r.seq > after_seq) out.push_back(r);
  }
  return recent_.empty() ? after_seq : std::max(after_seq, recent_.back().seq);
}

void LivePipeline::capture_loop() {
  pthread_setname_np(pthread_self(), "ft-capture");
  std::int64_t last_index = -1;
  {
    std::unique_lock lock(shared_->ready_mutex);
    shared_->ready_cv.wait(lock, [&] { return shared_->analysis_ready || stop_.load(); });
  }
  // Image buffers are reused once nobody else holds them: the analysis, the window's snapshot and the
  // video writer keep a reference (cv::Mat is reference counted) while they read a frame, and a buffer
  // only the pool references (count 1) can be written again. No new 2.7 MB image per 720p frame.
  constexpr std::size_t kPool = 8;
  std::array<cv::Mat, kPool> pool;
  std::size_t next_buffer = 0;
  try {
    while (!stop_) {
      Frame f;
      std::size_t buffer = kPool;  // none free: the source allocates a fresh image
      for (std::size_t k = 0; k < kPool; ++k) {
        const std::size_t i = (next_buffer + k) % kPool;
        if (pool[i].empty() || CV_XADD(&pool[i].u->refcount, 0) == 1) {
          buffer = i;
          f.image = pool[i];
          break;
        }
      }
      const ReadStatus st = source_->read(f);
      if (buffer < kPool && st == ReadStatus::Frame) {
        pool[buffer] = f.image;  // the buffer the source filled (a new one the first time)
        next_buffer = (buffer + 1) % kPool;
      }
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
      f.captured = source_->last_capture_time();
      shared_->captured++;
      last_index = f.index;
      record_capture(f);
      shared_->slot.put(std::move(f));
    }
  } catch (const std::exception& e) {
    std::lock_guard lock(shared_->status_mutex);
    shared_->source_failed = true;
    shared_->status = std::string("capture stopped: ") + e.what();
  }
  end_recording_capture(last_index + 1);
  shared_->slot.close();
}

void LivePipeline::record_capture(const Frame& f) {
  std::lock_guard lock(rec_->m);
  RecordControl& r = *rec_;
  if (r.stop_request) {
    r.stop_request = false;
    if (r.active) {
      r.active = false;
      r.stop_index = f.index;
      if (r.video) {
        r.video->close();
        r.closing.push_back(std::move(r.video));
        r.video.reset();
      }
    }
  }
  if (r.start_request && r.start_ready && !r.active) {
    const auto [dir, options] = *r.start_request;
    r.start_request.reset();
    r.start_ready = false;
    ++r.generation;
    r.active = true;
    r.dir = dir;
    r.patient_id = options.patient_id;
    r.start_index = f.index;
    r.start_t = f.t;
    r.stop_index = -1;
    r.captured = 0;
    if (options.video) {
      const double fps = source_->info().nominal_fps > 0 ? source_->info().nominal_fps : options.fallback_fps;
      r.video = std::make_shared<RawVideoWriter>(dir / "video.mp4", fps, options.video_options,
                                                 options.video_queue_frames);
    }
  }
  if (r.active) {
    ++r.captured;
    if (r.video) r.video->push(f.image);
  }
  // Writer threads that have finished their files are joined here (at once: they are done).
  for (auto it = r.closing.begin(); it != r.closing.end();) {
    if ((*it)->finished()) {
      (*it)->join();
      it = r.closing.erase(it);
    } else {
      ++it;
    }
  }
}

void LivePipeline::end_recording_capture(std::int64_t next_index) {
  std::lock_guard lock(rec_->m);
  RecordControl& r = *rec_;
  if (!r.active) return;
  r.active = false;
  r.stop_request = false;
  r.stop_index = next_index;
  if (r.video) {
    r.video->close();
    r.closing.push_back(std::move(r.video));
    r.video.reset();
  }
}

void LivePipeline::analyse_loop() {
  pthread_setname_np(pthread_self(), "ft-analyse");
  std::unique_ptr<SessionRecorder> recorder;
  bool requested = false;  // `recorder` belongs to a start_recording() recording
  std::uint64_t recording_generation = 0;
  {
    std::lock_guard lock(rec_->m);
    recording_generation = rec_->generation_at_start;
  }
  std::string record_error;
  try {
    SessionSummary header;
    header.video = source_->info().description;
    header.source = source_->info().live ? "camera" : "file";
    header.width = source_->info().width;
    header.height = source_->info().height;
    header.model_path = model_path_;
    header.facetwitch_version = FACETWITCH_VERSION;
    record_options(header, options_);
    {
      // A file played here (not as a stand-in camera): its description is "video file PATH".
      const std::string& d = source_->info().description;
      const std::string prefix = "video file ";
      record_date(header, d.rfind(prefix, 0) == 0 ? d.substr(prefix.size()) : std::string(),
                  source_->info().live);
    }
    if (!record_dir_.empty()) {
      auto rec = SessionRecorder::open(record_dir_, header);
      if (rec) {
        recorder = std::move(rec).value();
      } else {
        record_error = rec.error().message;
      }
    }
    auto totals = std::make_unique<SummaryAccumulator>(header);
    auto analyser = std::make_unique<FrameAnalyser>(model_, options_);
    bool analyser_fresh = true;                // it has not seen a frame yet
    std::unique_ptr<FrameAnalyser> prepared;   // built ahead for a requested recording
    {
      // A recording requested before start() begins with the very first frame, on this analyser.
      std::lock_guard lock(rec_->m);
      if (rec_->start_request) rec_->start_ready = true;
    }
    shared_->set_ready();
    std::uint64_t analysed = 0;
    std::deque<double> recent_t;        // wall times of recent results, for the fps
    std::deque<double> recent_latency;  // ms
    std::vector<double> lat;            // scratch for their median
    lat.reserve(257);
    const auto t0 = std::chrono::steady_clock::now();
    // The current analysis epoch (see LiveSnapshot::analysis_epoch).
    std::uint64_t epoch = 0;
    std::uint64_t captured_base = 0, dropped_base = 0;
    double t_offset = 0.0;          // a recording's frames are timed from its first frame
    std::int64_t index_offset = 0;
    std::uint64_t rec_analysed = 0;  // frames analysed in the start_recording() recording
    std::uint64_t rec_captured = 0;
    std::shared_ptr<RawVideoWriter> rec_video;
    std::filesystem::path rec_dir;
    bool settings_pending = false;

    auto request_stop_recording = [&] {
      std::lock_guard lock(rec_->m);
      rec_->start_request.reset();
      if (rec_->active) rec_->stop_request = true;
    };
    // Closes the start_recording() recording: final episodes and summary.json.
    auto finish_requested = [&](bool partial, const std::string& reason, bool analysis_finished = false) {
      if (!recorder || !requested) return;
      const std::int64_t dropped =
          rec_captured > rec_analysed ? static_cast<std::int64_t>(rec_captured - rec_analysed) : 0;
      // The live analysis goes on, so the recording is closed on a copy of its twitch analysis,
      // finished as at the end of a file: episodes still open are closed into the recording, as
      // `facetwitch analyse` would on the recorded video.
      std::optional<TwitchAnalyser> closing;
      if (!analysis_finished) {
        closing.emplace(analyser->twitch());
        closing->finish();
      }
      auto fin = recorder->finish(closing ? *closing : analyser->twitch(), partial, reason, dropped);
      if (fin) {
        final_ = fin.value();
      } else {
        record_error = fin.error().message;
      }
      recorder.reset();
      requested = false;
    };
    auto restart_epoch = [&] {
      ++epoch;
      analysed = 0;
      captured_base = shared_->captured.load();
      dropped_base = shared_->slot.dropped();
      header.settings = options_.twitch;
      totals = std::make_unique<SummaryAccumulator>(header);
    };

    while (!stop_) {
      std::optional<Frame> f = shared_->slot.take();
      if (!f) break;

      // A recording was requested: build its analyser now (dlib's detector takes ~0.4 s), before the
      // capture thread begins the recording, so that its first frames are not dropped.
      bool prepare = false;
      {
        std::lock_guard lock(rec_->m);
        prepare = rec_->start_request && !rec_->start_ready;
      }
      if (prepare) {
        if (!prepared) prepared = std::make_unique<FrameAnalyser>(model_, options_);
        std::lock_guard lock(rec_->m);
        if (rec_->start_request) rec_->start_ready = true;
      }

      // Recording boundaries (decided by the capture thread) and settings requests.
      bool begin = false, end = false;
      std::filesystem::path begin_dir;
      std::optional<std::string> begin_patient;
      double begin_t = 0.0;
      std::int64_t begin_index = 0;
      std::optional<TwitchSettings> new_settings;
      {
        std::lock_guard lock(rec_->m);
        const RecordControl& r = *rec_;
        begin = r.generation != recording_generation && f->index >= r.start_index;
        end = requested && !begin && r.stop_index >= 0 && f->index >= r.stop_index;
        if (begin) {
          recording_generation = r.generation;
          begin_dir = r.dir;
          begin_patient = r.patient_id;
          begin_t = r.start_t;
          begin_index = r.start_index;
          rec_video = r.video;
        }
        if (r.generation == recording_generation) rec_captured = r.captured;
        // A recording keeps one set of settings: new ones wait until it stops.
        if (rec_->settings_request && (begin || end || !requested)) {
          new_settings = std::move(rec_->settings_request);
          rec_->settings_request.reset();
        }
        settings_pending = rec_->settings_request.has_value();
      }
      if (end || (begin && requested)) finish_requested(false, "");
      if (end) rec_video.reset();
      if (new_settings) options_.twitch = *new_settings;
      if (begin) {
        // A new session: the analysis restarts at the recording's first frame, timed from it.
        if (prepared) {
          analyser = std::move(prepared);
        } else if (!analyser_fresh) {
          analyser = std::make_unique<FrameAnalyser>(model_, options_);
        }
        analyser->reset_twitch(options_.twitch);
        t_offset = begin_t;
        index_offset = begin_index;
        restart_epoch();
        rec_analysed = 0;
        rec_dir = begin_dir;
        header.created_utc.clear();
        if (source_->info().live) record_date(header, {}, true);  // this recording's start
        header.patient_id = begin_patient.value_or(options_.patient_id);
        auto opened = SessionRecorder::open(begin_dir, header);
        if (opened) {
          recorder = std::move(opened).value();
          requested = true;
          record_error.clear();
        } else {
          record_error = opened.error().message;
          request_stop_recording();
        }
      } else if (new_settings) {
        analyser->reset_twitch(*new_settings);
        restart_epoch();
      }

      Frame& frame = *f;
      frame.t -= t_offset;
      frame.index -= index_offset;
      const FrameResult& r = analyser->process(frame);
      analyser_fresh = false;
      totals->add(r);
      if (recorder) {
        if (requested) ++rec_analysed;
        if (Status st = recorder->add(r, analyser->twitch()); !st) {
          record_error = st.error().message;
          if (requested) request_stop_recording();
          // summary.json final and partial, counting what frames.csv holds (not left "in progress").
          (void)recorder->finish_after_write_error(analyser->twitch(), "writing stopped: " + record_error);
          recorder.reset();  // stop recording; what was written stays readable
          requested = false;
        }
      }
      if (requested && rec_video) {
        if (std::string err = rec_video->error(); !err.empty()) {
          record_error = "video: " + err;
          request_stop_recording();
          finish_requested(true, "the video could not be written: " + err);
        }
      }
      // Latency: from this frame's capture to its results (published just below).
      const auto now = std::chrono::steady_clock::now();
      const double latency_ms = std::chrono::duration<double, std::milli>(now - frame.captured).count();
      {
        std::lock_guard lock(recent_mutex_);
        recent_.push_back(LiveRecord{++recent_seq_, epoch, FrameRecord{r.metrics, r.signals}, latency_ms});
        if (recent_.size() > kRecentRecords) recent_.pop_front();
      }
      auto snap = std::make_shared<LiveSnapshot>();
      snap->frame = frame;
      snap->result = r;
      snap->episodes = analyser->twitch().episodes();
      std::stable_sort(snap->episodes.begin(), snap->episodes.end(),
                       [](const Episode& a, const Episode& b) { return a.start_s < b.start_s; });
      snap->open_episodes = analyser->twitch().open_episodes();
      snap->blink_count = blink_count(analyser->twitch().blinks());
      snap->voluntary_count = analyser->twitch().voluntary_movements().size();
      snap->isolated_twitches = analyser->twitch().isolated_twitches();
      auto& st = snap->stats;
      st.captured = shared_->captured.load() - captured_base;
      st.dropped = shared_->slot.dropped() - dropped_base;
      st.analysed = ++analysed;
      const double now_s = std::chrono::duration<double>(now - t0).count();
      recent_t.push_back(now_s);
      while (recent_t.size() > 2 && recent_t.front() < now_s - 2.0) recent_t.pop_front();
      st.analysis_fps = recent_t.size() > 1 ? static_cast<double>(recent_t.size() - 1) / (recent_t.back() - recent_t.front()) : 0.0;
      st.latency_ms = latency_ms;
      recent_latency.push_back(st.latency_ms);
      if (recent_latency.size() > 256) recent_latency.pop_front();
      lat.assign(recent_latency.begin(), recent_latency.end());
      std::nth_element(lat.begin(), lat.begin() + static_cast<std::ptrdiff_t>(lat.size() / 2), lat.end());
      st.latency_median_ms = lat[lat.size() / 2];
      st.analyse_ms = r.analyse_ms;
      snap->recording_dir = recorder ? recorder->dir() : std::filesystem::path();
      snap->status = record_error.empty() ? "" : "recording stopped: " + record_error;
      snap->analysis_epoch = epoch;
      snap->settings = options_.twitch;
      snap->settings_pending = settings_pending;
      snap->recording.active = requested;
      snap->recording.dir = rec_dir;
      snap->recording.captured = rec_captured;
      if (rec_video) {
        snap->recording.video_frames_written = rec_video->written();
        snap->recording.video_frames_lost = rec_video->lost();
      }
      publish(snap);
    }
    analyser->finish();
    bool failed = false;
    std::string status;
    {
      std::lock_guard lock(shared_->status_mutex);
      failed = shared_->source_failed;
      status = shared_->status;
    }
    const bool partial = failed || stop_;
    const std::string reason = failed ? status : (stop_ ? "stopped by the user" : "");
    // A recording still running is closed as partial when the source failed or the pipeline was
    // stopped by stop_interrupted() (a signal); a plain stop() ends it normally.
    std::string interrupted;
    {
      std::lock_guard lock(rec_->m);
      interrupted = rec_->interrupt_reason;
    }
    const bool rec_partial = failed || !interrupted.empty();
    const std::string rec_reason = failed ? status : interrupted;
    std::uint64_t final_dropped = shared_->slot.dropped() - dropped_base;
    if (recorder && requested) {
      {
        std::lock_guard lock(rec_->m);
        if (rec_->generation == recording_generation) rec_captured = rec_->captured;
      }
      finish_requested(rec_partial, rec_reason, true);
      final_dropped = static_cast<std::uint64_t>(final_.frames_dropped);
    } else if (recorder) {
      auto fin = recorder->finish(analyser->twitch(), rec_partial, rec_reason, static_cast<std::int64_t>(shared_->slot.dropped()));
      if (fin) final_ = fin.value();
    } else {
      final_ = totals->summarise(analyser->twitch());
      final_.partial = partial;
      final_.partial_reason = reason;
      final_.frames_dropped = static_cast<std::int64_t>(final_dropped);
    }
    auto last = std::make_shared<LiveSnapshot>();
    if (auto prev = snapshot()) *last = *prev;
    last->episodes = final_.episodes;
    last->open_episodes.clear();
    last->running = false;
    last->source_failed = failed;
    last->status = status;
    if (!record_error.empty()) last->status += (status.empty() ? "" : "; ") + ("recording stopped: " + record_error);
    last->stats.dropped = final_dropped;
    last->recording_dir.clear();
    last->recording.active = false;
    if (rec_video) {
      last->recording.video_frames_written = rec_video->written();
      last->recording.video_frames_lost = rec_video->lost();
    }
    publish(last);
  } catch (const std::exception& e) {
    shared_->set_ready();
    shared_->slot.close();  // the capture thread stops too
    auto last = std::make_shared<LiveSnapshot>();
    last->running = false;
    last->source_failed = true;
    last->status = std::string("analysis stopped: ") + e.what();
    publish(last);
  }
  running_ = false;
}

}  // namespace ft
