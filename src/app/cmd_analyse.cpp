// cmd_analyse.cpp: `facetwitch analyse VIDEO... --out DIR`: headless analysis of recorded videos into
// session folders (frames.csv, episodes.csv, summary.json) and a result table on stdout.
#include <algorithm>
#include <atomic>
#include <cstdio>
#include <mutex>
#include <set>
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
#include "pipeline/replay.hpp"
#include "protocol/protocol.hpp"
#include "protocol/protocol_score.hpp"
#include "report/notes.hpp"

namespace ft::app {

namespace {

struct AnalyseCli {
  std::vector<std::string> videos;
  std::string out;
  bool force = false;
  bool mirrored = false;
  bool quiet = false;
  int jobs = 0;
  std::string protocol;        // timing file of a protocol recording
  std::string protocol_steps;  // the step file, overriding the one the timing names
  std::string notes;           // --notes FILE: copied into each session folder as notes.txt
  AnalysisCli analysis;
  HistoryCli history;
};

// --protocol: the timing and its step file, read and checked before any analysis.
struct ProtocolInput {
  Protocol protocol;
  ProtocolTiming timing;
};

Result<std::optional<ProtocolInput>> load_protocol_input(const AnalyseCli& o) {
  if (o.protocol.empty()) {
    if (!o.protocol_steps.empty())
      return make_error(ErrorKind::BadArguments, "--protocol-steps goes with --protocol TIMING_FILE");
    return std::optional<ProtocolInput>{};
  }
  if (o.videos.size() != 1) {
    return make_error(ErrorKind::BadArguments,
                      "--protocol scores one recording: give exactly one video (the timing file is its step times)");
  }
  auto timing = load_timing(o.protocol);
  if (!timing)
    return timing.error();
  std::filesystem::path steps = o.protocol_steps;
  if (steps.empty())
    steps = timing->protocol_file.empty() ? default_protocol_path() : timing->protocol_file;
  auto protocol = load_protocol(steps);
  if (!protocol)
    return protocol.error();
  if (Status st = validate(*timing, *protocol); !st)
    return make_error(ErrorKind::Input, "'" + o.protocol + "': " + st.error().message);
  if (timing->protocol_file.empty())
    timing->protocol_file = protocol->file;
  return std::optional<ProtocolInput>{ProtocolInput{std::move(protocol).value(), std::move(timing).value()}};
}

// A sub-folder name from a video's file name: its stem, with path separators and control characters
// replaced by '_'; never "", "." or ".." (a file named "...mp4" has the stem ".."), which become "video".
std::string subfolder_name(const std::string& video) {
  std::string name = std::filesystem::path(video).stem().string();
  for (char& c : name) {
    const auto u = static_cast<unsigned char>(c);
    if (u < 0x20 || u == 0x7f || c == '/' || c == '\\') c = '_';
  }
  if (name.find_first_not_of('.') == std::string::npos) name = "video";
  return name;
}

// One output sub-folder per video when several are given: a safe name from the file's stem
// (subfolder_name), made unique among the run's folders ("clip", "clip_2", ...; a name another video
// gives itself, such as "clip_2.mp4", is not taken twice), never the output folder's lock file.
std::vector<std::filesystem::path> output_dirs(const AnalyseCli& o) {
  std::vector<std::filesystem::path> dirs;
  if (o.videos.size() == 1) {
    dirs.emplace_back(o.out);
    return dirs;
  }
  std::set<std::string> taken{OutputDirLock::kFileName};
  for (const auto& v : o.videos) {
    const std::string base = subfolder_name(v);
    std::string name = base;
    for (int n = 2; taken.count(name) != 0; ++n) name = fmt::format("{}_{}", base, n);
    taken.insert(name);
    dirs.push_back(std::filesystem::path(o.out) / name);
  }
  return dirs;
}

int run(const AnalyseCli& o) {
  // Ctrl-C / SIGTERM: the analysis stops reading frames, the session files are finished (partial) and
  // the run exits with 128 + the signal.
  catch_stop_signals();
  auto protocol = load_protocol_input(o);
  if (!protocol) return report(protocol.error());
  std::optional<UserNotes> notes;
  if (!o.notes.empty()) {
    auto read = read_notes_file(o.notes);
    if (!read) return report(read.error());
    notes = std::move(read).value();
  }
  auto model = load_model(o.analysis.model);
  if (!model) return report(model.error());
  const auto dirs = output_dirs(o);
  // The whole --out folder is this run's until it ends: a second run into it is refused instead of
  // mixing its files with ours (taken before the folder is checked, so two new runs cannot both
  // find it empty).
  auto out_lock = OutputDirLock::acquire(o.out);
  if (!out_lock) return report(out_lock.error());
  if (o.videos.size() > 1) {
    if (Status st = prepare_output_dir(o.out, true); !st) return report(st.error());
  }
  for (const auto& d : dirs) {
    if (Status st = prepare_output_dir(d, o.force); !st) return report(st.error());
  }

  const unsigned hw = std::max(1u, std::thread::hardware_concurrency());
  const std::size_t jobs = std::min<std::size_t>(o.videos.size(), o.jobs > 0 ? static_cast<std::size_t>(o.jobs) : hw);
  std::vector<Result<SessionSummary>> results(o.videos.size(), Result<SessionSummary>(Error{}));
  std::vector<bool> started(o.videos.size(), false);
  std::vector<GapCounts> gaps(o.videos.size());
  std::atomic<std::size_t> next{0};
  std::mutex print_mutex;
  auto worker = [&] {
    for (std::size_t i = next++; i < o.videos.size(); i = next++) {
      if (stop_requested()) break;  // interrupted: no new video is started
      started[i] = true;
      ReplayRequest req;
      req.video = o.videos[i];
      req.out_dir = dirs[i];
      req.model = model->model;
      req.model_path = model->path;
      req.analyser = o.analysis.resolved();
      req.file.mirrored_input = o.mirrored;
      req.stop = &stop_requested();
      req.stop_reason = [] { return fmt::format("interrupted by {}", stop_signal_name(stop_signal())); };
      req.on_frame = [&g = gaps[i]](const Frame&, const FrameResult& r) { g.add(r.metrics.t, r.metrics.quality); };
      std::unique_ptr<ProgressBar> bar;
      if (!o.quiet && jobs == 1) {
        bar = std::make_unique<ProgressBar>(std::filesystem::path(o.videos[i]).filename().string());
        req.on_progress = [&bar](const ReplayProgress& p) {
          bar->update(p.duration_s > 0 ? p.t / p.duration_s : -1.0, static_cast<long>(p.frames), p.t);
        };
      }
      gaps[i].min_face_iod_px = req.analyser.quality.min_iod_px;
      results[i] = analyse_video(req);
      if (bar) bar->done();
      std::lock_guard lock(print_mutex);
      if (results[i]) {
        const SessionSummary& s = results[i].value();
        std::fputs(format_summary_table(s).c_str(), stdout);
        std::fputs(format_gaps(gaps[i]).c_str(), stdout);
        std::fputs(fmt::format("  written to {}\n\n", printable(dirs[i].string())).c_str(), stdout);
        std::fflush(stdout);
        // Said on stderr too, so that --quiet scripts see it.
        if (s.partial && stop_signal() != 0 && s.partial_reason.rfind("interrupted", 0) == 0) {
          std::fputs(fmt::format("facetwitch: {} after {} frames ({:.1f} s of the video): results up to there are kept "
                                 "in {}, marked partial in summary.json\n",
                                 s.partial_reason, s.frames, s.duration_s, printable(dirs[i].string()))
                         .c_str(),
                     stderr);
        } else if (s.partial) {
          std::fprintf(stderr, "facetwitch: %s: results up to there are kept in %s, marked partial in summary.json\n",
                       printable(s.partial_reason).c_str(), printable(dirs[i].string()).c_str());
        }
        if (s.frames > 0 && s.frames_with_face == 0) {
          std::fprintf(stderr,
                       "facetwitch: no face found in any frame of %s: nothing was measured; the face must be in view, "
                       "facing the camera, at least ~80 pixels wide and lit\n",
                       printable(o.videos[i]).c_str());
        }
      } else {
        std::fprintf(stderr, "facetwitch: %s\n", printable(results[i].error().message).c_str());
      }
    }
  };
  std::vector<std::thread> pool;
  for (std::size_t j = 1; j < jobs; ++j) pool.emplace_back(worker);
  worker();
  for (auto& t : pool) t.join();
  if (const int sig = stop_signal(); sig != 0) {
    // Interrupted: the sessions stay as they are (not added to the history, no protocol scored).
    const auto not_started = std::count(started.begin(), started.end(), false);
    if (not_started > 0) {
      std::fputs(fmt::format("facetwitch: interrupted by {}: {} of {} videos were not analysed (no results for them)\n",
                             stop_signal_name(sig), not_started, o.videos.size())
                     .c_str(),
                 stderr);
    }
    return stop_exit_code(sig);
  }
  // --notes: a copy in each finished session folder, read by `facetwitch report`.
  for (std::size_t i = 0; notes && i < results.size(); ++i) {
    if (!results[i]) continue;
    if (Status st = write_notes_txt(dirs[i], *notes); !st) return report(st.error());
  }
  // Each finished session (partial ones too) goes into the session history; a failure there is a warning.
  for (std::size_t i = 0; i < results.size(); ++i) {
    if (results[i]) add_to_history(o.history, dirs[i], false);
  }

  for (const auto& r : results) {
    if (!r) return exit_code(r.error().kind);
  }
  if (*protocol) {
    const auto& pi = **protocol;
    auto scored = score_protocol_session(dirs[0], pi.protocol, pi.timing);
    if (!scored) return report(scored.error());
    scored->patient_id = o.analysis.analyser.patient_id;
    if (Status st = write_protocol_result(dirs[0] / "protocol.json", *scored); !st) return report(st.error());
    if (Status st = write_timing(dirs[0] / "protocol_timing.json", pi.timing); !st) return report(st.error());
    std::fputs(protocol_table(*scored).c_str(), stdout);
    std::fputs(fmt::format("  protocol written to {}\n", printable((dirs[0] / "protocol.json").string())).c_str(), stdout);
  }
  for (const auto& r : results) {
    if (r.value().partial) return exit_code(ErrorKind::Input);  // results kept, marked partial
  }
  for (std::size_t i = 0; i < results.size(); ++i) {
    if (results[i].value().frames_good_quality == 0) {
      std::fprintf(stderr, "facetwitch: nothing could be measured in %s (exit code %d)\n", printable(o.videos[i]).c_str(), kExitNothingMeasured);
      return kExitNothingMeasured;
    }
  }
  return 0;
}

}  // namespace

void register_analyse(CLI::App& root, int& exit_code) {
  auto opts = std::make_shared<AnalyseCli>();
  CLI::App* cmd = root.add_subcommand("analyse", "analyse recorded videos: frames.csv, episodes.csv, summary.json");
  cmd->alias("analyze");
  cmd->add_option("videos", opts->videos, "video files to analyse")->required();
  cmd->add_option("--out,-o", opts->out, "output folder (one sub-folder per video when several)")->required();
  cmd->add_flag("--force", opts->force, "write into an existing, non-empty output folder");
  cmd->add_flag("--mirrored-input", opts->mirrored, "the video is a mirror image (selfie camera): flip it back");
  cmd->add_flag("--quiet,-q", opts->quiet, "no progress bar");
  cmd->add_option("--jobs,-j", opts->jobs, "videos analysed in parallel (default: one per core)")->check(CLI::Range(1, 64));
  cmd->add_option("--protocol", opts->protocol,
                  "score the screening protocol: a timing file (JSON or CSV id,start_s,end_s) of the video's steps; "
                  "writes protocol.json (docs/PROTOCOL.md)");
  cmd->add_option("--protocol-steps", opts->protocol_steps,
                  "the protocol step file (default: the one the timing file names, else the standard protocol)");
  cmd->add_option("--notes", opts->notes,
                  "a text file (UTF-8, at most 64 KiB) of notes (medication, injection dates...), copied into each "
                  "session folder as notes.txt and shown by `facetwitch report`");
  add_analysis_options(cmd, opts->analysis);
  add_patient_option(cmd, opts->analysis.analyser.patient_id);
  add_history_options(cmd, opts->history, true);
  cmd->callback([opts, &exit_code] { exit_code = run(*opts); });
}

}  // namespace ft::app
