// cmd_accuracy.cpp: `facetwitch accuracy`: the accuracy benchmark. Generates the fixed suite of
// ground-truth videos (cached; regenerated when the generator changes), analyses every video with the
// current analyser, scores the results against truth.json and prints one table.
// `facetwitch accuracy --real`: the same on real clips of people with twitches drawn into them
// (synth/real_accuracy.hpp); the tracks and rendered videos are cached, a re-run only re-analyses.
#include <atomic>
#include <chrono>
#include <cstdio>
#include <fstream>
#include <functional>
#include <map>
#include <mutex>
#include <set>
#include <thread>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "app/analysis_options.hpp"
#include "app/commands.hpp"
#include "core/paths.hpp"
#include "core/sha256.hpp"
#include "io/session.hpp"
#include "capture/frame_source.hpp"
#include "pipeline/analyser.hpp"
#include "pipeline/replay.hpp"
#include "synth/accuracy.hpp"
#include "synth/base_video.hpp"
#include "synth/evaluation.hpp"
#include "synth/generator.hpp"
#include "synth/real_accuracy.hpp"

namespace ft::app {

namespace {

struct AccuracyCli {
  std::string out;
  std::string face;
  int jobs = 0;
  bool verbose = false;
  bool real = false;
  std::vector<std::string> corpora;
  std::vector<std::string> clips;
  std::string json;
  double face_iod = 0.0;  // --face-iod: every clip resized to this median IOD (px) first; 0: as it is
  double upscale = 1.0;   // --upscale: and then enlarged again by this factor (bicubic)
  AnalysisCli analysis;
};

// The video in `dir` was made from this scenario by this generator (and, for a real base video, from
// this file by this renderer): it can be reused.
bool cached(const std::filesystem::path& dir, const Scenario& s, const std::string& base_sha256 = "") {
  auto truth = read_truth(dir / "truth.json");
  std::error_code ec;
  if (!truth || truth->generator_version != kSynthGeneratorVersion || !truth->scenario ||
      to_json(*truth->scenario) != to_json(s) || !std::filesystem::is_regular_file(dir / "video.mp4", ec)) {
    return false;
  }
  if (base_sha256.empty()) return !truth->base_video;
  return truth->base_video && truth->base_video->sha256 == base_sha256 &&
         truth->base_video->renderer_version == kBaseVideoRendererVersion;
}

// Analyses dir/video.mp4 into dir/analysis with the command's analyser settings.
Result<SessionSummary> analyse_in(const std::filesystem::path& dir, const LoadedModel& model, const AnalysisCli& analysis,
                                  bool mirrored_input) {
  ReplayRequest req;
  req.video = dir / "video.mp4";
  req.out_dir = dir / "analysis";
  if (Status st = prepare_output_dir(req.out_dir, true); !st) return st.error();
  req.model = model.model;
  req.model_path = model.path;
  req.analyser = analysis.resolved();
  req.file.mirrored_input = mirrored_input;
  return analyse_video(req);
}

// Runs job(0) .. job(n - 1) on `jobs` threads (0: one per core).
void parallel_for(std::size_t n, int jobs, const std::function<void(std::size_t)>& job) {
  std::atomic<std::size_t> next{0};
  auto worker = [&] {
    for (std::size_t i = next++; i < n; i = next++) job(i);
  };
  const unsigned hw = std::max(1u, std::thread::hardware_concurrency());
  const std::size_t threads = jobs > 0 ? static_cast<std::size_t>(jobs) : hw;
  std::vector<std::thread> pool;
  for (std::size_t j = 1; j < threads && j < n; ++j) pool.emplace_back(worker);
  worker();
  for (auto& t : pool) t.join();
}

// The folder of one real clip under the benchmark's root: its track and one sub-folder per scenario.
std::filesystem::path clip_dir(const std::filesystem::path& root, const CorpusClip& clip) {
  return root / (std::filesystem::path(clip.file).stem().string() + "-" + clip.sha256.substr(0, 12));
}

// The clips of the corpus folders (--corpus, else the default ones), filtered by --clips, each file once
// (by content).
Result<std::vector<CorpusClip>> real_clips(const AccuracyCli& o, std::vector<std::filesystem::path>& dirs) {
  if (!o.corpora.empty()) {
    for (const auto& c : o.corpora) {
      std::error_code ec;
      if (!std::filesystem::is_regular_file(std::filesystem::path(c) / "MANIFEST.md", ec)) {
        return make_error(ErrorKind::Input, "--corpus " + c + ": no MANIFEST.md there (a corpus folder holds MANIFEST.md and videos/)");
      }
      dirs.emplace_back(c);
    }
  } else {
    dirs = default_corpus_dirs();
    if (dirs.empty()) {
      return make_error(ErrorKind::Input,
                        "no real-video corpus found (looked at $FACETWITCH_REALFACES, " +
                            (source_dir().parent_path() / "shared" / "realfaces").string() + " and " +
                            (cache_dir() / "real").string() + "): pass --corpus DIR (a folder with MANIFEST.md and videos/)");
    }
  }
  std::vector<CorpusClip> out;
  std::set<std::string> seen;
  for (const auto& d : dirs) {
    std::vector<std::string> missing;
    auto m = read_corpus_manifest(d, &missing);
    if (!m) return m.error();
    for (const auto& f : missing) std::fprintf(stderr, "facetwitch: listed in the manifest but missing, skipped: %s\n", f.c_str());
    for (auto& clip : m.value()) {
      if (!o.clips.empty() &&
          std::none_of(o.clips.begin(), o.clips.end(), [&clip](const std::string& k) { return clip.file.find(k) != std::string::npos; })) {
        continue;
      }
      auto hash = sha256_file(clip.path);
      if (!hash) return hash.error();
      if (!clip.sha256.empty() && clip.sha256 != hash.value()) {
        std::fprintf(stderr, "facetwitch: %s does not match the manifest's sha256; using the file as it is\n", clip.path.string().c_str());
      }
      clip.sha256 = hash.value();
      if (seen.insert(clip.sha256).second) out.push_back(std::move(clip));
    }
  }
  if (out.empty()) {
    return make_error(ErrorKind::BadArguments, o.clips.empty() ? std::string("the corpus folders list no clip")
                                                               : std::string("no clip of the corpus matches --clips"));
  }
  return out;
}

int run_real(const AccuracyCli& o) {
  if (o.upscale != 1.0 && !(o.face_iod > 0.0)) {
    return report(make_error(ErrorKind::BadArguments, "--upscale goes with --face-iod (it enlarges the resized clips)"));
  }
  const auto t0 = std::chrono::steady_clock::now();
  auto model = load_model(o.analysis.model);
  if (!model) return report(model.error());
  std::vector<std::filesystem::path> dirs;
  auto clips_r = real_clips(o, dirs);
  if (!clips_r) return report(clips_r.error());
  const std::vector<CorpusClip>& clips = clips_r.value();
  const std::filesystem::path root = o.out.empty() ? cache_dir() / "accuracy-real" : std::filesystem::path(o.out);
  std::mutex print;

  // Pass 1 of a clip (cached as track.json).
  auto track_clip = [&](const CorpusClip& clip) -> Result<BaseTrack> {
    const auto dir = clip_dir(root, clip);
    auto t = read_base_track(dir / "track.json");
    if (!t || t->sha256 != clip.sha256 || t->mirrored_input) {
      t = track_base_video(clip.path, model->model);
      if (t) {
        std::error_code ec;
        std::filesystem::create_directories(dir, ec);
        if (Status st = write_base_track(dir / "track.json", t.value()); !st) t = st.error();
      }
    }
    return t;
  };
  // The clips benchmarked: the corpus's, or (--face-iod) resized copies of them.
  std::vector<CorpusClip> used = clips;
  std::vector<std::optional<BaseTrack>> tracks(clips.size());
  std::vector<std::string> skipped(clips.size());
  std::atomic<int> done{0};
  if (o.face_iod > 0.0) {
    // The face-size curve: each clip resized so that its median IOD is --face-iod (cached beside the
    // benchmark's videos), then used as a clip of its own.
    parallel_for(clips.size(), o.jobs, [&](std::size_t i) {
      CorpusClip& c = used[i];
      auto t = track_clip(clips[i]);
      if (!t) {
        skipped[i] = t.error().message;
        return;
      }
      const double scale = o.face_iod / t->median_iod_px;
      if (!(scale < 1.0)) {
        skipped[i] = fmt::format("its faces ({:.0f} px IOD) are not larger than --face-iod {:.0f}", t->median_iod_px, o.face_iod);
        return;
      }
      const std::filesystem::path stem = std::filesystem::path(c.file).stem();
      const std::string name = o.upscale > 1.0 ? fmt::format("{}@{:.0f}px-x{:g}.mp4", stem.string(), o.face_iod, o.upscale)
                                               : fmt::format("{}@{:.0f}px.mp4", stem.string(), o.face_iod);
      const auto path = root / fmt::format("face-iod-{:.0f}", o.face_iod) / (c.sha256.substr(0, 12) + "-" + name);
      auto marker = path;
      marker += ".done";
      std::error_code ec;
      if (!std::filesystem::is_regular_file(marker, ec)) {
        if (Status st = downscale_video(clips[i].path, scale, t->fps, path, o.upscale); !st) {
          skipped[i] = st.error().message;
          return;
        }
        std::ofstream(marker) << fmt::format("{} scale {:.6f}\n", clips[i].sha256, scale);
      }
      auto hash = sha256_file(path);
      if (!hash) {
        skipped[i] = hash.error().message;
        return;
      }
      c.file = name;
      c.path = path;
      c.sha256 = hash.value();
      std::lock_guard lock(print);
      std::fprintf(stderr, "\r[%d/%zu] resized %s          ", ++done, clips.size(), clips[i].file.c_str());
    });
    std::fprintf(stderr, "\n");
    done = 0;
  }
  parallel_for(used.size(), o.jobs, [&](std::size_t i) {
    if (!skipped[i].empty()) return;
    const CorpusClip& clip = used[i];
    auto t = track_clip(clip);
    std::lock_guard lock(print);
    ++done;
    if (!t) {
      skipped[i] = t.error().message;
    } else {
      t->video = clip.path;  // the corpus may have moved; the content is the same (sha256)
      tracks[i] = std::move(t.value());
    }
    std::fprintf(stderr, "\r[%d/%zu] tracked %s          ", done.load(), used.size(), clip.file.c_str());
  });
  std::fprintf(stderr, "\n");
  for (std::size_t i = 0; i < used.size(); ++i) {
    if (!skipped[i].empty()) std::fprintf(stderr, "facetwitch: %s skipped: %s\n", used[i].file.c_str(), skipped[i].c_str());
  }

  // Every scenario of every clip: rendered unless cached, then analysed.
  struct Job {
    std::size_t clip;
    RealScenario scenario;
  };
  std::vector<Job> jobs;
  for (std::size_t i = 0; i < used.size(); ++i) {
    if (!tracks[i]) continue;
    for (auto& sc : real_scenarios(*tracks[i], used[i].kind, clip_seed(used[i].sha256))) jobs.push_back({i, std::move(sc)});
  }
  std::vector<RealVideoResult> results(jobs.size());
  std::vector<std::string> errors(jobs.size());
  std::atomic<int> rendered{0}, reused{0};
  done = 0;
  parallel_for(jobs.size(), o.jobs, [&](std::size_t j) {
    const Job& job = jobs[j];
    const CorpusClip& clip = used[job.clip];
    const auto dir = clip_dir(root, clip) / job.scenario.name;
    if (cached(dir, job.scenario.scenario, clip.sha256)) {
      ++reused;
    } else {
      auto g = render_on_base_video(job.scenario.scenario, *tracks[job.clip], dir);
      if (!g) {
        errors[j] = g.error().message;
        return;
      }
      ++rendered;
    }
    auto truth = read_truth(dir / "truth.json");
    if (!truth) {
      errors[j] = truth.error().message;
      return;
    }
    auto s = analyse_in(dir, model.value(), o.analysis, truth->mirrored);
    if (!s) {
      errors[j] = s.error().message;
      return;
    }
    RealVideoResult& r = results[j];
    r.clip = &clip;
    r.scenario = job.scenario.name;
    r.truth = std::move(truth.value());
    r.found = s->episodes;
    r.duration_s = s->duration_s;
    r.frames = s->frames;
    r.frames_good_quality = s->frames_good_quality;
    r.mouth_corner_height_iod = s->asymmetry.mouth_corner_height_iod();
    auto noise_of = [](const PerSide<StreamDetectability>& d) {
      const double l = d[Side::Left].noise_sigma_iod, rr = d[Side::Right].noise_sigma_iod;
      return std::isnan(l) ? rr : std::isnan(rr) ? l : 0.5 * (l + rr);
    };
    r.mouth_noise_iod = noise_of(s->asymmetry.mouth_detect);
    r.eye_noise_iod = noise_of(s->asymmetry.eye_detect);
    std::lock_guard lock(print);
    ++done;
    std::fprintf(stderr, "\r[%d/%zu] %s %s          ", done.load(), jobs.size(), clip.file.c_str(), job.scenario.name.c_str());
    if (o.verbose && !r.truth.episodes.empty()) {
      const Evaluation ev = evaluate_episodes(r.truth, r.found);
      std::fprintf(stderr, "\n%s", format_evaluation(r.truth, r.found, ev).c_str());
    }
  });
  std::fprintf(stderr, "\n");
  for (std::size_t j = 0; j < jobs.size(); ++j) {
    if (!errors[j].empty()) {
      std::fprintf(stderr, "facetwitch: %s %s: %s\n", used[jobs[j].clip].file.c_str(), jobs[j].scenario.name.c_str(),
                   errors[j].c_str());
      return exit_code(ErrorKind::Internal);
    }
  }
  std::map<std::string, const BaseTrack*> by_file;
  for (std::size_t i = 0; i < used.size(); ++i) {
    if (tracks[i]) by_file[used[i].file] = &*tracks[i];
  }
  RealAccuracyReport rep = score_real(results, by_file);
  for (const auto& d : dirs) rep.corpora.push_back(d.string());
  for (std::size_t i = 0; i < used.size(); ++i) {
    if (!skipped[i].empty()) rep.skipped.emplace_back(used[i].file, skipped[i]);
  }
  rep.videos_rendered = rendered.load();
  rep.videos_reused = reused.load();
  rep.wall_time_s = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  std::fputs(format_real_report(rep).c_str(), stdout);
  const std::filesystem::path json_path = o.json.empty() ? root / "accuracy-real.json" : std::filesystem::path(o.json);
  if (Status st = write_file_atomically(json_path, real_report_json(rep).dump(2) + "\n"); !st) return report(st.error());
  std::fputs(fmt::format("  table as JSON: {}\n  videos and per-video analyses in {}\n", json_path.string(), root.string()).c_str(),
             stdout);
  return 0;
}

int run(const AccuracyCli& o) {
  if (o.real) return run_real(o);
  if (!o.corpora.empty() || !o.clips.empty() || !o.json.empty() || o.face_iod > 0.0 || o.upscale != 1.0) {
    return report(make_error(ErrorKind::BadArguments, "--corpus, --clips, --face-iod, --upscale and --json go with --real"));
  }
  auto model = load_model(o.analysis.model);
  if (!model) return report(model.error());
  std::filesystem::path photo = o.face;
  if (photo.empty()) {
    auto p = find_demo_photo();
    if (!p) return report(make_error(ErrorKind::Input, "the astronaut portrait is not in the cache: run scripts/setup.sh"));
    photo = *p;
  }
  const std::filesystem::path root = o.out.empty() ? cache_dir() / "accuracy" : std::filesystem::path(o.out);
  const std::vector<SuiteVideo> suite = accuracy_suite();
  std::vector<VideoResult> results(suite.size());
  std::vector<std::string> errors(suite.size());
  std::atomic<int> done{0};
  std::mutex print;
  parallel_for(suite.size(), o.jobs, [&](std::size_t i) {
      const auto& v = suite[i];
      const std::filesystem::path dir = root / v.name;
      if (!cached(dir, v.scenario)) {
        auto g = generate_video(v.scenario, photo, dir, model->path);
        if (!g) {
          errors[i] = g.error().message;
          return;
        }
      }
      auto truth = read_truth(dir / "truth.json");
      if (!truth) {
        errors[i] = truth.error().message;
        return;
      }
      auto s = analyse_in(dir, model.value(), o.analysis, false);
      if (!s) {
        errors[i] = s.error().message;
        return;
      }
      results[i].video = &v;
      results[i].truth = truth.value();
      results[i].found = s->episodes;
      results[i].blinks = s->blinks;
      results[i].duration_s = s->duration_s;
      std::lock_guard lock(print);
      ++done;
      std::fprintf(stderr, "\r[%d/%zu] %s          ", done.load(), suite.size(), v.name.c_str());
      if (o.verbose) {
        const Evaluation ev = evaluate_episodes(results[i].truth, results[i].found);
        std::fprintf(stderr, "\n%s", format_evaluation(results[i].truth, results[i].found, ev).c_str());
      }
  });
  std::fprintf(stderr, "\n");
  for (std::size_t i = 0; i < suite.size(); ++i) {
    if (!errors[i].empty()) {
      std::fprintf(stderr, "facetwitch: %s: %s\n", suite[i].name.c_str(), errors[i].c_str());
      return exit_code(ErrorKind::Internal);
    }
  }
  const AccuracyReport rep = score_suite(results);
  std::fputs(format_accuracy_report(rep, suite.size()).c_str(), stdout);

  // Jitter on a still face, landmark only vs refined by the flow.
  {
    const Scenario still = jitter_scenario();
    const std::filesystem::path dir = root / "still";
    if (!cached(dir, still)) {
      auto g = generate_video(still, photo, dir, model->path);
      if (!g) return report(g.error());
    }
    auto measure = [&](bool flow) -> Result<std::vector<FaceMetrics>> {
      auto src = open_video_file(dir / "video.mp4");
      if (!src) return src.error();
      AnalyserOptions opts = o.analysis.resolved();
      opts.local_motion.enabled = flow;
      FrameAnalyser analyser(model->model, opts);
      std::vector<FaceMetrics> out;
      Frame frame;
      while ((*src)->read(frame) == ReadStatus::Frame) out.push_back(analyser.process(frame).metrics);
      return out;
    };
    auto plain = measure(false);
    if (!plain) return report(plain.error());
    auto flow = measure(true);
    if (!flow) return report(flow.error());
    std::fputs(format_jitter_report(measure_jitter(plain.value(), flow.value(), still.noise_sigma)).c_str(), stdout);
  }
  std::fputs(fmt::format("\n  videos and per-video analyses in {}\n", root.string()).c_str(), stdout);
  return 0;
}

}  // namespace

void register_accuracy(CLI::App& root, int& exit_code) {
  auto o = std::make_shared<AccuracyCli>();
  CLI::App* cmd = root.add_subcommand("accuracy", "accuracy benchmark: generate the ground-truth suite, analyse it, print the table");
  cmd->add_option("--out,-o", o->out, "folder for the suite's videos and analyses (default: <cache>/accuracy)");
  cmd->add_option("--face", o->face, "face photo (default: the cached astronaut portrait)");
  cmd->add_option("--jobs,-j", o->jobs, "videos processed in parallel (default: one per core)")->check(CLI::Range(1, 64));
  cmd->add_flag("--verbose,-v", o->verbose, "print each video's truth-vs-found table");
  cmd->add_flag("--real", o->real,
                "the real-video benchmark: real clips of people with known twitches drawn into them (default corpus "
                "folders: $FACETWITCH_REALFACES, <source>/../shared/realfaces, <cache>/real; videos cached in "
                "<cache>/accuracy-real)");
  cmd->add_option("--corpus", o->corpora, "--real: a corpus folder (MANIFEST.md + videos/); repeatable; replaces the defaults")
      ->allow_extra_args(false);
  cmd->add_option("--clips", o->clips, "--real: only the clips whose file name contains this text (repeatable)")
      ->allow_extra_args(false);
  cmd->add_option("--face-iod", o->face_iod,
                  "--real: the face-size curve: every clip first resized (area averaging) so that its median IOD is "
                  "this many pixels; clips with smaller faces are skipped (pair with --min-face-iod below 40)")
      ->check(CLI::Range(8.0, 400.0));
  cmd->add_option("--upscale", o->upscale,
                  "--face-iod: then enlarge each resized clip again by this factor (bicubic), as an upscaled face crop "
                  "would: more pixels, no more detail")
      ->check(CLI::Range(1.0, 8.0));
  cmd->add_option("--json", o->json, "--real: write the table as JSON here (default: <out>/accuracy-real.json)");
  add_analysis_options(cmd, o->analysis);
  cmd->callback([o, &exit_code] { exit_code = run(*o); });
}

}  // namespace ft::app
