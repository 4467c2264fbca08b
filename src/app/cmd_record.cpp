// cmd_record.cpp: `facetwitch record SOURCE --out DIR`: headless live recording. SOURCE is a camera
// ("camera:0", "/dev/video0" or a bare index such as 0) or a video file delivered in real time as a
// stand-in camera. The session folder (video.mp4, frames.csv, episodes.csv, summary.json) is written as
// the live analysis runs, exactly as the window's recording (LivePipeline::start_recording), so a
// killed process leaves a playable video and every completed CSV row. Ctrl-C / SIGTERM end the
// recording cleanly: the files are finished, summary.json is marked partial ("interrupted by ...") and
// the exit code is 128 + the signal (130, 143), as for `analyse`; --duration ends it with 0. With
// --stats-every it prints resident memory and latency over time (the soak benchmark,
// docs/ROBUSTNESS.md).
#include <algorithm>
#include <atomic>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <string>
#include <thread>
#include <vector>

#include <fmt/format.h>

#include "app/analysis_options.hpp"
#include "app/commands.hpp"
#include "app/history_options.hpp"
#include "app/stop_signals.hpp"
#include "app/terminal.hpp"
#include "io/session.hpp"
#include "pipeline/bench.hpp"
#include "pipeline/live.hpp"

namespace ft::app {

namespace {

struct RecordCli {
  std::string source;
  std::string out;
  bool force = false;
  bool quiet = false;
  double duration_s = 0.0;  // 0: until Ctrl-C or the source ends
  double speed = 1.0;       // video file only
  bool loop = false;        // video file only
  double stats_every_s = 0.0;
  double camera_loss_s = -1.0;  // video file only: fail like an unplugged camera at this time (tests)
  AnalysisCli analysis;
  HistoryCli history;
};

bool is_camera_spec(const std::string& s) {
  if (s.rfind("camera:", 0) == 0 || s.rfind("/dev/video", 0) == 0) return true;
  return !s.empty() && s.size() <= 3 && std::all_of(s.begin(), s.end(), [](char c) { return c >= '0' && c <= '9'; });
}

Result<std::unique_ptr<FrameSource>> open_record_source(const RecordCli& o) {
  if (is_camera_spec(o.source)) {
    std::string dev = o.source;
    if (dev.rfind("camera:", 0) == 0) dev = dev.substr(7);
    return open_camera(dev);
  }
  std::error_code ec;
  if (std::filesystem::is_directory(o.source, ec)) {
    return make_error(ErrorKind::Input, "cannot record from " + o.source +
                                            ": it is a folder; pass a camera (camera:0) or a video file");
  }
  auto file = open_video_file(o.source);
  if (!file) return file.error();
  PacedOptions p;
  p.speed = o.speed;
  p.loop = o.loop;
  p.fail_after_s = o.camera_loss_s;
  return make_paced_source(std::move(file).value(), p);
}

double seconds_since(std::chrono::steady_clock::time_point t) {
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - t).count();
}

int run(const RecordCli& o) {
  // The session folder is this recording's until it ends: a second run into it (record, analyse,
  // synth) is refused instead of mixing its files with ours (io/session.hpp, OutputDirLock).
  auto out_lock = OutputDirLock::acquire(o.out);
  if (!out_lock) return report(out_lock.error());
  if (Status st = prepare_output_dir(o.out, o.force); !st) return report(st.error());
  auto model = load_model(o.analysis.model);
  if (!model) return report(model.error());
  auto source = open_record_source(o);
  if (!source) return report(source.error());
  const std::string description = source.value()->info().description;

  catch_stop_signals();  // Ctrl-C / SIGTERM end the recording: closed cleanly, marked partial, exit 130 / 143

  LivePipeline live(model->model, o.analysis.resolved(), model->path);
  // Requested before start(): the recording begins with the very first frame.
  if (Status st = live.start_recording(o.out); !st) return report(st.error());
  if (Status st = live.start(std::move(source).value()); !st) return report(st.error());
  if (!o.quiet) std::fprintf(stderr, "facetwitch: recording %s into %s (Ctrl-C to stop)\n", printable(description).c_str(), printable(o.out).c_str());

  const auto t0 = std::chrono::steady_clock::now();
  double next_stats = o.stats_every_s;
  std::uint64_t seq = 0;
  std::vector<LiveRecord> records;
  std::vector<double> latencies;
  std::string recording_error;
  bool seen_active = false;
  if (o.stats_every_s > 0) {
    std::printf("%8s %10s %9s %9s %9s %9s %9s %9s\n", "wall_s", "rss_mib", "lat_med", "lat_p99", "lat_max", "analysed",
                "dropped", "vid_lost");
    std::fflush(stdout);
  }
  while (!stop_requested()) {
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
    const double elapsed = seconds_since(t0);
    if (o.stats_every_s > 0) {
      seq = live.records_after(seq, records);
      for (const LiveRecord& r : records) latencies.push_back(r.latency_ms);
      records.clear();
    }
    auto snap = live.snapshot();
    if (snap && snap->recording.active) seen_active = true;
    if (snap && seen_active && !snap->recording.active && snap->status.rfind("recording stopped: ", 0) == 0) {
      recording_error = snap->status.substr(19);
      break;
    }
    if (!live.running()) break;
    if (o.stats_every_s > 0 && elapsed >= next_stats) {
      next_stats += o.stats_every_s;
      const Percentiles p = percentiles(latencies);
      latencies.clear();
      std::printf("%8.0f %10.1f %9.1f %9.1f %9.1f %9llu %9llu %9lld\n", elapsed, resident_mib(), p.median, p.p99, p.max,
                  static_cast<unsigned long long>(snap ? snap->stats.analysed : 0),
                  static_cast<unsigned long long>(snap ? snap->stats.dropped : 0),
                  static_cast<long long>(snap ? snap->recording.video_frames_lost : 0));
      std::fflush(stdout);
    }
    if (o.duration_s > 0 && elapsed >= o.duration_s) break;
  }
  // A signal (not --duration, not the end of the source) closes the recording as interrupted.
  const int sig = stop_signal();
  if (sig != 0) {
    live.stop_interrupted(fmt::format("interrupted by {}", stop_signal_name(sig)));
  } else {
    live.stop();
  }
  auto last = live.snapshot();
  // The session as recorded (the live totals go on after a recording that stopped early).
  auto recorded = read_summary_json(std::filesystem::path(o.out) / "summary.json");
  const SessionSummary summary = recorded ? recorded.value() : live.final_summary();
  if (recording_error.empty() && last && last->status.find("recording stopped: ") != std::string::npos) {
    recording_error = last->status.substr(last->status.find("recording stopped: ") + 19);
  }
  const bool interrupted = sig != 0 && summary.partial && summary.partial_reason.rfind("interrupted", 0) == 0;
  if (!o.quiet || !recording_error.empty() || (summary.partial && !interrupted)) {
    std::fputs(format_summary_table(summary).c_str(), stdout);
    if (auto frames = read_frames_csv(std::filesystem::path(o.out) / "frames.csv")) {
      GapCounts gaps;
      gaps.min_face_iod_px = summary.min_face_iod_px;
      for (const FrameRecord& r : frames->rows) gaps.add(r.metrics.t, r.metrics.quality);
      std::fputs(format_gaps(gaps).c_str(), stdout);
    }
    std::fputs(fmt::format("  written to {}\n", printable(o.out)).c_str(), stdout);
    std::fflush(stdout);
  }
  // The session (partial too) goes into the session history; a failure there is only a warning.
  if (recorded) add_to_history(o.history, o.out, o.quiet);
  if (!recording_error.empty()) {
    std::fprintf(stderr,
                 "facetwitch: recording stopped: %s. What was recorded until then is kept in %s; free some disk "
                 "space (or choose another --out) and record again.\n",
                 printable(recording_error).c_str(), printable(o.out).c_str());
    return exit_code(ErrorKind::Output);
  }
  if (last && last->source_failed) {
    std::fprintf(stderr,
                 "facetwitch: %s. The recording is closed and complete up to that moment (%.1f s, %lld frames), "
                 "marked partial in %s/summary.json; check the camera's cable and record again.\n",
                 printable(last->status).c_str(), summary.duration_s, static_cast<long long>(summary.frames), printable(o.out).c_str());
    return exit_code(ErrorKind::Input);
  }
  if (interrupted) {
    // Said on stderr too, so that --quiet scripts see it. The recording (partial) is in the history.
    // (A signal that came after the source had ended finds the recording already finished: exit as usual.)
    std::fputs(fmt::format("facetwitch: {} after {} frames ({:.1f} s recorded): the recording up to there is kept "
                           "in {} (video.mp4, frames.csv, episodes.csv), marked partial in summary.json\n",
                           summary.partial_reason, summary.frames, summary.duration_s, printable(o.out))
                   .c_str(),
               stderr);
    return stop_exit_code(sig);
  }
  return 0;
}

}  // namespace

void register_record(CLI::App& root, int& exit_code) {
  auto opts = std::make_shared<RecordCli>();
  CLI::App* cmd = root.add_subcommand(
      "record", "record a live session without the window: video.mp4, frames.csv, episodes.csv, summary.json");
  cmd->add_option("source", opts->source,
                  "camera:N, /dev/videoN or N for a webcam; or a video file played in real time as a camera")
      ->required();
  cmd->add_option("--out,-o", opts->out, "session folder to create")->required();
  cmd->add_flag("--force", opts->force, "write into an existing, non-empty output folder");
  cmd->add_flag("--quiet,-q", opts->quiet, "no messages unless something goes wrong");
  cmd->add_option("--duration", opts->duration_s, "stop after this many seconds (default: Ctrl-C or the end of the file)")
      ->check(CLI::Range(0.0, 86400.0));
  cmd->add_option("--speed", opts->speed, "video file source: delivery speed (1 = real time)")->check(CLI::Range(0.1, 10.0));
  cmd->add_flag("--loop", opts->loop, "video file source: play it in a loop");
  cmd->add_option("--stats-every", opts->stats_every_s,
                  "print resident memory and capture-to-result latency every this many seconds (soak benchmark)")
      ->check(CLI::Range(0.0, 3600.0));
  cmd->add_option("--simulate-camera-loss", opts->camera_loss_s,
                  "video file source: stop sending frames at this time, like an unplugged camera (tests)")
      ->check(CLI::Range(0.0, 86400.0));
  add_analysis_options(cmd, opts->analysis);
  add_patient_option(cmd, opts->analysis.analyser.patient_id);
  add_history_options(cmd, opts->history, true);
  cmd->callback([opts, &exit_code] { exit_code = run(*opts); });
}

}  // namespace ft::app
