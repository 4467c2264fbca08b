// source_controller.cpp: background opening of sources, demo generation, reaping.
#include "ui/source_controller.hpp"

#include <pthread.h>

#include <exception>
#include <system_error>

#include <nlohmann/json.hpp>

#include "core/paths.hpp"
#include "face/face_tracker.hpp"
#include "face/model_locator.hpp"
#include "synth/generator.hpp"
#include "synth/scenario.hpp"

namespace ft::ui {

// ---------------------------------------------------------------------------------------------
// Source specs

std::string SourceSpec::label() const {
  const std::string name = std::filesystem::path(path).filename().string();
  switch (kind) {
    case Kind::Demo:
      return "demo video";
    case Kind::File:
      return name.empty() ? path : name;
    case Kind::Paced:
      return (name.empty() ? path : name) + " (as a live camera)";
    case Kind::Camera:
      return "camera " + path;
  }
  return path;
}

SourceSpec parse_source_spec(const std::string& spec) {
  SourceSpec s;
  if (spec == "demo") {
    s.kind = SourceSpec::Kind::Demo;
  } else if (spec.rfind("paced:", 0) == 0) {
    s.kind = SourceSpec::Kind::Paced;
    s.path = spec.substr(6);
  } else if (spec.rfind("camera:", 0) == 0) {
    s.kind = SourceSpec::Kind::Camera;
    s.path = spec.substr(7);
  } else if (spec.rfind("/dev/video", 0) == 0) {
    s.kind = SourceSpec::Kind::Camera;
    s.path = spec;
  } else {
    s.kind = SourceSpec::Kind::File;
    s.path = spec;
  }
  return s;
}

std::filesystem::path demo_video_path() {
  return cache_dir() / "demo" / "video.mp4";
}

bool demo_video_ready() {
  std::error_code ec;
  if (!std::filesystem::is_regular_file(demo_video_path(), ec))
    return false;
  auto truth = read_truth(demo_video_path().parent_path() / "truth.json");
  return truth && truth->scenario && to_json(*truth->scenario) == to_json(demo_scenario());
}

// ---------------------------------------------------------------------------------------------
// Jobs

struct SourceController::Job {
  SourceSpec spec;
  std::filesystem::path record_dir;
  AnalyserOptions analyser;
  std::atomic<bool> done{false};
  std::atomic<double> progress{-1.0};
  mutable std::mutex m;
  std::string text;
  // Result
  SourceMode mode = SourceMode::None;
  std::unique_ptr<LivePipeline> live;
  std::unique_ptr<ReplaySession> replay;
  std::unique_ptr<ReplayPlayer> player;
  std::string error;

  void say(std::string t, double p = -1.0) {
    std::lock_guard lock(m);
    text = std::move(t);
    progress = p;
  }
};

SourceController::SourceController(Config config) : config_(std::move(config)) {
  const std::string cli = config_.model_cli;
  model_ = std::async(std::launch::async, [cli] {
             Loaded l;
             try {
               auto path = locate_model(cli);
               if (!path) {
                 l.error = path.error().message;
                 return l;
               }
               auto model = load_landmark_model(path.value());
               if (!model) {
                 l.error = model.error().message;
                 return l;
               }
               l.model = model.value();
               l.path = path.value().string();
             } catch (const std::exception& e) {
               l.error = std::string("cannot load the landmark model: ") + e.what();
             }
             return l;
           }).share();
  worker_ = std::thread([this] { worker_loop(); });
}

void SourceController::worker_loop() {
  pthread_setname_np(pthread_self(), "ft-open");
  while (true) {
    Job* job = nullptr;
    {
      std::unique_lock lock(worker_mutex_);
      worker_cv_.wait(lock, [&] { return worker_quit_ || worker_job_ != nullptr; });
      if (worker_quit_)
        return;
      job = worker_job_;
      worker_job_ = nullptr;
    }
    try {
      run_job(*job, model_, job->analyser);
    } catch (const std::exception& e) {
      job->error = std::string("cannot open ") + job->spec.label() + ": " + e.what();
    } catch (...) {
      job->error = "cannot open " + job->spec.label();
    }
    job->done = true;
  }
}

SourceController::~SourceController() {
  {
    std::lock_guard lock(worker_mutex_);
    worker_quit_ = true;
  }
  worker_cv_.notify_all();
  if (worker_.joinable())
    worker_.join();  // waits for a job in progress
  job_.reset();
  live_.reset();
  player_.reset();
  replay_.reset();
  for (auto& r : reapers_) {
    if (r.thread.joinable())
      r.thread.join();
  }
  if (model_.valid())
    model_.wait();
}

bool SourceController::model_loading() const {
  return model_.valid() && model_.wait_for(std::chrono::seconds(0)) != std::future_status::ready;
}

std::string SourceController::model_error() const {
  if (model_loading())
    return {};
  return model_.get().error;
}

std::string SourceController::busy_text() const {
  if (!job_)
    return {};
  std::lock_guard lock(job_->m);
  return job_->text;
}

double SourceController::busy_progress() const {
  return job_ ? job_->progress.load() : -1.0;
}

void SourceController::open(const SourceSpec& spec, const std::filesystem::path& record_dir) {
  if (job_) {
    queued_ = std::make_pair(spec, record_dir);  // the latest request wins
    return;
  }
  start_job(spec, record_dir);
}

void SourceController::start_job(const SourceSpec& spec, const std::filesystem::path& record_dir) {
  job_ = std::make_unique<Job>();
  job_->spec = spec;
  job_->record_dir = record_dir;
  job_->analyser = config_.analyser;
  job_->say("opening " + spec.label());
  {
    std::lock_guard lock(worker_mutex_);
    worker_job_ = job_.get();
  }
  worker_cv_.notify_all();
}

void SourceController::run_job(Job& job, const std::shared_future<Loaded>& model,
                               AnalyserOptions analyser) {
  if (model.wait_for(std::chrono::seconds(0)) != std::future_status::ready)
    job.say("loading the landmark model…");
  const Loaded& m = model.get();
  if (!m.model) {
    job.error = m.error;
    return;
  }
  SourceSpec spec = job.spec;
  if (spec.kind == SourceSpec::Kind::Demo) {
    if (!demo_video_ready()) {
      auto photo = find_demo_photo();
      if (!photo) {
        job.error = "the demo needs the public-domain astronaut portrait in " +
                    (cache_dir() / "astronaut.png").string() +
                    ": run scripts/setup.sh (it fetches it from Debian's python3-skimage)";
        return;
      }
      job.say("generating the demo video (once)…", 0.0);
      auto report = generate_video(demo_scenario(), *photo, demo_video_path().parent_path(), m.path,
                                   [&job](int done, int total) {
                                     job.say("generating the demo video (once)…",
                                             total > 0 ? static_cast<double>(done) / total : -1.0);
                                   });
      if (!report) {
        job.error = "cannot generate the demo video: " + report.error().message;
        return;
      }
    }
    spec.path = demo_video_path().string();
  }

  if (spec.kind == SourceSpec::Kind::File || spec.kind == SourceSpec::Kind::Demo) {
    job.say("opening " + spec.label());
    ReplaySessionOptions o;
    o.video = spec.path;
    o.model = m.model;
    o.model_path = m.path;
    o.analyser = analyser;
    o.file.mirrored_input = spec.kind == SourceSpec::Kind::File && spec.mirrored_input;
    auto session = ReplaySession::start(o);
    if (!session) {
      job.error = session.error().message;
      return;
    }
    auto player = ReplayPlayer::open(spec.path, o.file);
    if (!player) {
      job.error = player.error().message;
      return;
    }
    job.replay = std::move(session).value();
    job.player = std::move(player).value();
    job.mode = SourceMode::Replay;
    return;
  }

  std::unique_ptr<FrameSource> source;
  if (spec.kind == SourceSpec::Kind::Paced) {
    auto file = open_video_file(spec.path);
    if (!file) {
      job.error = file.error().message;
      return;
    }
    PacedOptions po;
    po.fail_after_s = spec.fail_after_s;
    po.loop = spec.loop;
    po.speed = spec.paced_speed;
    source = make_paced_source(std::move(file).value(), po);
  } else {
    job.say("opening camera " + spec.path + "…");
    CameraOptions co;
    co.width = spec.camera_mode.width;
    co.height = spec.camera_mode.height;
    co.fps = spec.camera_mode.fps;
    auto cam = open_camera(spec.path, co);
    if (!cam) {
      job.error = cam.error().message;
      return;
    }
    source = std::move(cam).value();
  }
  auto live = std::make_unique<LivePipeline>(m.model, analyser, m.path);
  if (!job.record_dir.empty()) {
    if (Status st = live->start_recording(job.record_dir); !st)
      job.error = st.error().message;
  }
  if (Status st = live->start(std::move(source)); !st) {
    job.error = st.error().message;
    return;
  }
  job.live = std::move(live);
  job.mode = SourceMode::Live;
}

void SourceController::reap(std::function<void()> destroy) {
  Reaper r;
  r.done = std::make_shared<std::atomic<bool>>(false);
  r.thread = std::thread([destroy = std::move(destroy), done = r.done] {
    pthread_setname_np(pthread_self(), "ft-reap");
    try {
      destroy();
    } catch (...) {
    }
    *done = true;
  });
  reapers_.push_back(std::move(r));
}

void SourceController::close() {
  if (live_ || replay_ || player_) {
    auto live = std::shared_ptr<LivePipeline>(std::move(live_));
    auto replay = std::shared_ptr<ReplaySession>(std::move(replay_));
    auto player = std::shared_ptr<ReplayPlayer>(std::move(player_));
    reap([live, replay, player]() mutable {
      live.reset();
      player.reset();
      replay.reset();
    });
  }
  mode_ = SourceMode::None;
  ++generation_;
}

void SourceController::poll() {
  if (job_ && job_->done) {
    if (job_->mode != SourceMode::None) {
      close();
      live_ = std::move(job_->live);
      replay_ = std::move(job_->replay);
      player_ = std::move(job_->player);
      mode_ = job_->mode;
      spec_ = job_->spec;
      error_ = job_->error;  // e.g. the recording could not start while the source did
    } else {
      error_ = job_->error.empty() ? "cannot open " + job_->spec.label() : job_->error;
    }
    settled_at_ = std::chrono::steady_clock::now();
    job_.reset();
    if (queued_) {
      auto q = std::move(*queued_);
      queued_.reset();
      start_job(q.first, q.second);
    }
  }
  for (auto it = reapers_.begin(); it != reapers_.end();) {
    if (*it->done) {
      if (it->thread.joinable())
        it->thread.join();
      it = reapers_.erase(it);
    } else {
      ++it;
    }
  }
}

Status SourceController::start_recording(const std::filesystem::path& dir, std::optional<std::string> patient_id) {
  if (!live_)
    return make_error(ErrorKind::BadArguments, "recording needs a live source (a camera)");
  LiveRecordingOptions o;
  o.patient_id = std::move(patient_id);
  return live_->start_recording(dir, o);
}

void SourceController::stop_recording() {
  if (live_)
    live_->stop_recording();
}

void SourceController::set_settings(const TwitchSettings& twitch) {
  config_.analyser.twitch = twitch;
  if (live_)
    live_->set_twitch_settings(twitch);
  if (replay_)
    replay_->apply_settings(twitch);
}

}  // namespace ft::ui
