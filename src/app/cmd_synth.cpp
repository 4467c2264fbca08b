// cmd_synth.cpp: `facetwitch synth`: renders a ground-truth video (video.mp4 + truth.json) from one
// face photo with known twitches, blinks, smiles, talking, droop, head motion, a face at rest (--rest),
// noise and lighting drift.
//
// A preset (demo, random, none) gives the starting scenario; the options override parts of it.
// With --base-video the events are drawn into a real video instead (synth/base_video.hpp): only the
// twitch episodes (--twitch) and --droop apply; the video keeps its own motion, blinks and lighting.
// --twitch, --blink, --smile and --talk, when given, REPLACE the preset's events of that kind; preset
// events that no longer fit a shorter --duration are dropped. Every value is checked
// (synth/scenario.hpp validate()) before anything is written; bad values exit with code 2.
#include <algorithm>
#include <charconv>
#include <cmath>
#include <cstdio>
#include <memory>
#include <optional>
#include <string>
#include <system_error>
#include <vector>

#include <fmt/format.h>

#include "app/analysis_options.hpp"
#include "app/commands.hpp"
#include "app/terminal.hpp"
#include "core/paths.hpp"
#include "face/model_locator.hpp"
#include "io/session.hpp"
#include "protocol/protocol.hpp"
#include "protocol/protocol_scenario.hpp"
#include "synth/base_video.hpp"
#include "synth/generator.hpp"
#include "synth/scenario.hpp"

namespace ft::app {

namespace {

struct SynthCli {
  std::string out;
  std::string face;
  std::string model;
  std::string preset = "demo";
  std::uint64_t seed = 1;
  double duration = 0.0;
  double fps = 0.0;
  std::string size;
  double face_scale = 0.0;
  double noise = 0.0;
  double lighting_drift = 0.0;
  double head_motion = 0.0;
  bool mirrored = false;
  bool force = false;
  std::vector<std::string> twitches;
  std::vector<double> blinks;
  std::vector<double> smiles;
  std::vector<std::string> talks;
  std::string rest;
  std::string droop;
  std::string protocol_steps;  // --preset protocol: the step file (default: the standard protocol)
  std::string base_video;      // --base-video: draw the events into this real video
  bool mirrored_input = false; // --mirrored-input: the base video is a mirror image (selfie)
  // Which options were given (CLI11 options, set at registration).
  CLI::Option* preset_opt = nullptr;
  CLI::Option* seed_opt = nullptr;
  CLI::Option* duration_opt = nullptr;
  CLI::Option* fps_opt = nullptr;
  CLI::Option* face_scale_opt = nullptr;
  CLI::Option* noise_opt = nullptr;
  CLI::Option* drift_opt = nullptr;
  CLI::Option* head_opt = nullptr;
};

Error bad(std::string message) {
  return make_error(ErrorKind::BadArguments, std::move(message));
}

// A whole-string, finite number.
std::optional<double> parse_number(const std::string& s) {
  double v = 0.0;
  const char* end = s.data() + s.size();
  const auto r = std::from_chars(s.data(), end, v);
  if (r.ec != std::errc() || r.ptr != end || !std::isfinite(v))
    return std::nullopt;
  return v;
}

// "k1=v1,k2=v2" into (key, value) pairs; `option` names the option in the error message.
Result<std::vector<std::pair<std::string, std::string>>> split_items(const std::string& option,
                                                                     const std::string& spec) {
  std::vector<std::pair<std::string, std::string>> out;
  std::size_t pos = 0;
  while (pos <= spec.size()) {
    const std::size_t comma = std::min(spec.find(',', pos), spec.size());
    const std::string item = spec.substr(pos, comma - pos);
    pos = comma + 1;
    if (item.empty())
      continue;
    const auto eq = item.find('=');
    if (eq == std::string::npos)
      return bad(option + " '" + spec + "': '" + item + "' is not key=value");
    out.emplace_back(item.substr(0, eq), item.substr(eq + 1));
  }
  return out;
}

// A spec's seed=N value (`option` and `spec` name it in the error message): a whole number >= 0.
Result<std::uint64_t> parse_seed(const std::string& option, const std::string& spec, double n) {
  if (n < 0 || n != std::floor(n) || n > 9e15)
    return bad(option + " '" + spec + "': seed must be a whole number >= 0");
  return static_cast<std::uint64_t>(n);
}

// "region=mouth,side=left,start=2,dur=1.5,freq=6,amp=0.03"; region, side and start are required.
Result<TwitchEpisodeSpec> parse_twitch(const std::string& spec) {
  TwitchEpisodeSpec t;
  bool has_region = false, has_side = false, has_start = false;
  auto items = split_items("--twitch", spec);
  if (!items)
    return items.error();
  for (const auto& [k, v] : items.value()) {
    if (k == "region") {
      auto r = parse_region(v);
      if (!r)
        return bad("--twitch '" + spec + "': region must be mouth or eye, not '" + v + "'");
      t.region = *r;
      has_region = true;
      continue;
    }
    if (k == "type") {
      if (v != "clonic" && v != "tonic")
        return bad("--twitch '" + spec + "': type must be clonic (a train of twitches) or tonic (one sustained spasm)");
      t.tonic = v == "tonic";
      continue;
    }
    if (k == "side") {
      auto s = parse_side(v);
      if (!s) {
        return bad("--twitch '" + spec + "': unknown side '" + v +
                   "': use left or right (the person's)");
      }
      t.side = *s;
      has_side = true;
      continue;
    }
    double* target = nullptr;
    if (k == "start") {
      target = &t.start_s;
      has_start = true;
    } else if (k == "dur" || k == "duration") {
      target = &t.duration_s;
    } else if (k == "freq" || k == "frequency") {
      target = &t.frequency_hz;
    } else if (k == "amp" || k == "amplitude") {
      target = &t.amplitude_iod;
    } else if (k == "brow") {
      target = &t.brow_lift_iod;
    } else {
      return bad("--twitch '" + spec + "': unknown key '" + k +
                 "' (use region, side, start, dur, freq, amp, type, brow)");
    }
    auto n = parse_number(v);
    if (!n)
      return bad("--twitch '" + spec + "': " + k + "='" + v + "' is not a number");
    *target = *n;
  }
  if (!has_region || !has_side || !has_start) {
    return bad("--twitch '" + spec + "': region, side and start are required, e.g. " +
               "region=mouth,side=left,start=2,dur=1.5,freq=6,amp=0.03");
  }
  return t;
}

// "start=3,dur=4,rate=4.5,open=0.06,corner=0.012,imbalance=0.1,seed=7"; start is required.
Result<TalkSpec> parse_talk(const std::string& spec, std::uint64_t default_seed) {
  TalkSpec t;
  t.seed = default_seed;
  bool has_start = false;
  auto items = split_items("--talk", spec);
  if (!items)
    return items.error();
  for (const auto& [k, v] : items.value()) {
    auto n = parse_number(v);
    if (!n)
      return bad("--talk '" + spec + "': " + k + "='" + v + "' is not a number");
    if (k == "start") {
      t.start_s = *n;
      has_start = true;
    } else if (k == "dur" || k == "duration") {
      t.duration_s = *n;
    } else if (k == "rate") {
      t.rate_hz = *n;
    } else if (k == "open" || k == "opening") {
      t.opening_iod = *n;
    } else if (k == "corner") {
      t.corner_iod = *n;
    } else if (k == "imbalance") {
      t.imbalance = *n;
    } else if (k == "seed") {
      auto seed = parse_seed("--talk", spec, *n);
      if (!seed)
        return seed.error();
      t.seed = seed.value();
    } else {
      return bad("--talk '" + spec + "': unknown key '" + k +
                 "' (use start, dur, rate, open, corner, imbalance, seed)");
    }
  }
  if (!has_start)
    return bad("--talk '" + spec + "': start is required, e.g. start=3,dur=4,rate=4.5,open=0.06");
  return t;
}

// "corner=0.02,lid=0.006,period=2.5,shared=0.6,seed=7" (synth/scenario.hpp, RestMotion); every key
// optional (without corner and lid the face holds still); the seed defaults to the scenario's.
Result<RestMotion> parse_rest(const std::string& spec, std::uint64_t default_seed) {
  RestMotion r;
  r.seed = default_seed;
  auto items = split_items("--rest", spec);
  if (!items)
    return items.error();
  for (const auto& [k, v] : items.value()) {
    auto n = parse_number(v);
    if (!n)
      return bad("--rest '" + spec + "': " + k + "='" + v + "' is not a number");
    if (k == "corner") {
      r.corner_iod = *n;
    } else if (k == "lid") {
      r.lid_iod = *n;
    } else if (k == "period") {
      r.period_s = *n;
    } else if (k == "shared") {
      r.shared = *n;
    } else if (k == "seed") {
      auto seed = parse_seed("--rest", spec, *n);
      if (!seed)
        return seed.error();
      r.seed = seed.value();
    } else {
      return bad("--rest '" + spec + "': unknown key '" + k + "' (use corner, lid, period, shared, seed)");
    }
  }
  return r;
}

Result<DroopSpec> parse_droop(const std::string& spec) {
  const auto colon = spec.find(':');
  const auto side = parse_side(spec.substr(0, colon));
  const auto amp = colon == std::string::npos ? std::nullopt : parse_number(spec.substr(colon + 1));
  if (!side || !amp)
    return bad("--droop '" + spec + "': use SIDE:AMPLITUDE, e.g. left:0.03");
  return DroopSpec{*side, *amp};
}

bool given(const CLI::Option* o) {
  return o != nullptr && o->count() > 0;
}

// Drops the preset's events that no longer fit a shortened video.
int drop_events_past(Scenario& s) {
  const auto count = [&s] { return s.twitches.size() + s.blinks.size() + s.smiles.size() + s.talks.size(); };
  const auto before = count();
  const double end = s.duration_s + 1e-9;
  std::erase_if(s.twitches, [end](const auto& e) { return e.end_s() > end; });
  std::erase_if(s.blinks, [end](const auto& e) { return e.end_s() > end; });
  std::erase_if(s.smiles, [end](const auto& e) { return e.end_s() > end; });
  std::erase_if(s.talks, [end](const auto& e) { return e.end_s() > end; });
  return static_cast<int>(before - count());
}

// --preset protocol: the protocol's steps with a known weak side; the timing goes next to the video.
Result<ProtocolScenario> build_protocol_scenario(const SynthCli& o) {
  auto protocol = load_protocol(o.protocol_steps.empty() ? default_protocol_path() : std::filesystem::path(o.protocol_steps));
  if (!protocol)
    return protocol.error();
  ProtocolScenarioOptions po;
  if (given(o.seed_opt))
    po.seed = o.seed;
  return protocol_scenario(*protocol, po);
}

// --twitch (replacing the scenario's episodes when given) and --droop.
Status apply_twitches_and_droop(const SynthCli& o, Scenario& s) {
  if (!o.twitches.empty()) {
    s.twitches.clear();
    for (const auto& spec : o.twitches) {
      auto t = parse_twitch(spec);
      if (!t)
        return t.error();
      s.twitches.push_back(t.value());
    }
  }
  if (!o.droop.empty()) {
    auto d = parse_droop(o.droop);
    if (!d)
      return d.error();
    s.droop = d.value();
  }
  return {};
}

Result<Scenario> build_scenario(const SynthCli& o, std::optional<ProtocolTiming>& timing) {
  int width = 0, height = 0;
  if (!o.size.empty()) {
    const auto x = o.size.find('x');
    const auto w = x == std::string::npos ? std::nullopt : parse_number(o.size.substr(0, x));
    const auto h = x == std::string::npos ? std::nullopt : parse_number(o.size.substr(x + 1));
    if (!w || !h || *w != std::floor(*w) || *h != std::floor(*h) || *w < 1 || *h < 1 || *w > 1e5 ||
        *h > 1e5) {
      return bad("--size '" + o.size + "': use WIDTHxHEIGHT, e.g. 640x480");
    }
    width = static_cast<int>(*w);
    height = static_cast<int>(*h);
  }

  Scenario s;
  if (o.preset == "protocol") {
    auto ps = build_protocol_scenario(o);
    if (!ps)
      return ps.error();
    s = ps->scenario;
    timing = ps->timing;
  } else if (o.preset == "demo") {
    s = demo_scenario();
    if (given(o.seed_opt))
      s.seed = o.seed;
  } else if (o.preset == "random" || o.preset == "none") {
    RandomScenarioOptions r;
    if (given(o.duration_opt))
      r.duration_s = o.duration;
    if (given(o.fps_opt))
      r.fps = o.fps;
    if (width > 0)
      r.width = width;
    if (height > 0)
      r.height = height;
    if (given(o.face_scale_opt))
      r.face_scale = o.face_scale;
    if (given(o.noise_opt))
      r.noise_sigma = o.noise;
    if (given(o.drift_opt))
      r.lighting_drift = o.lighting_drift;
    s = o.preset == "random" ? random_scenario(o.seed, r) : no_twitch_scenario(o.seed, r);
  } else {
    return bad("--preset '" + o.preset + "': use demo, random, none or protocol");
  }

  if (given(o.duration_opt))
    s.duration_s = o.duration;
  if (given(o.fps_opt))
    s.fps = o.fps;
  if (width > 0) {
    s.width = width;
    s.height = height;
  }
  if (given(o.face_scale_opt))
    s.face_scale = o.face_scale;
  if (given(o.noise_opt))
    s.noise_sigma = o.noise;
  if (given(o.drift_opt))
    s.lighting_drift = o.lighting_drift;
  if (given(o.head_opt)) {
    if (o.head_motion < 0.0)
      return bad("--head-motion must be 0 (none) or more pixels");
    s.head_motion.translate_px = o.head_motion;
    s.head_motion.rotate_deg = std::min(20.0, 0.3 * o.head_motion);
    s.head_motion.scale = std::min(0.3, 0.003 * o.head_motion);
    if (s.head_motion.period_s <= 0.0)
      s.head_motion.period_s = 6.0;
  }
  if (o.mirrored)
    s.mirrored = true;
  drop_events_past(s);

  if (Status st = apply_twitches_and_droop(o, s); !st)
    return st.error();
  if (!o.blinks.empty()) {
    s.blinks.clear();
    for (double b : o.blinks)
      s.blinks.push_back(BlinkSpec{b, 0.25, 0.8});
  }
  if (!o.smiles.empty()) {
    s.smiles.clear();
    for (double m : o.smiles)
      s.smiles.push_back(SmileSpec{m, 1.5, 0.04});
  }
  if (!o.talks.empty()) {
    s.talks.clear();
    for (const auto& spec : o.talks) {
      auto t = parse_talk(spec, s.seed + s.talks.size());
      if (!t)
        return t.error();
      s.talks.push_back(t.value());
    }
  }
  if (!o.rest.empty()) {
    auto r = parse_rest(o.rest, s.seed);
    if (!r)
      return r.error();
    s.rest_motion = r.value();
  }
  if (Status st = validate(s); !st)
    return st.error();
  return s;
}

std::string summary_line(const Scenario& s) {
  std::string line = fmt::format("events: {} twitch episode{}", s.twitches.size(),
                                 s.twitches.size() == 1 ? "" : "s");
  if (!s.twitches.empty()) {
    line += " (";
    for (std::size_t i = 0; i < s.twitches.size(); ++i) {
      const auto& t = s.twitches[i];
      line += fmt::format("{}{} {} {:.2f}-{:.2f} s {:g} Hz x{} {:.1f}% IOD", i ? "; " : "",
                          to_string(t.side), to_string(t.region), t.start_s, t.end_s(),
                          t.frequency_hz, t.twitch_count(), 100.0 * t.amplitude_iod);
    }
    line += ")";
  }
  line += fmt::format(", {} blink{}, {} smile{}", s.blinks.size(), s.blinks.size() == 1 ? "" : "s",
                      s.smiles.size(), s.smiles.size() == 1 ? "" : "s");
  for (const auto& k : s.talks) {
    line += fmt::format(", talking {:.2f}-{:.2f} s ({} syllables, {:g} Hz, opening {:.1f}% IOD)", k.start_s,
                        k.end_s(), k.syllables().size(), k.rate_hz, 100.0 * k.opening_iod);
  }
  line += s.droop ? fmt::format(", {} corner drooping {:.1f}% IOD", to_string(s.droop->side),
                                100.0 * s.droop->amplitude_iod)
                  : std::string(", no droop");
  line += s.head_motion.active() ? fmt::format(", head motion {:g} px", s.head_motion.translate_px)
                                 : std::string(", no head motion");
  if (s.rest_motion.active()) {
    line += fmt::format(", resting wander {:.1f}% IOD (corners) {:.1f}% IOD (lids)", 100.0 * s.rest_motion.corner_iod,
                        100.0 * s.rest_motion.lid_iod);
  }
  if (s.mirrored)
    line += ", mirrored";
  return line;
}

// --base-video: options that change the rendering of a photo do not apply to a real video.
Status check_base_video_options(const SynthCli& o) {
  const std::pair<bool, const char*> refused[] = {
      {given(o.preset_opt), "--preset"},
      {!o.face.empty(), "--face"},
      {given(o.fps_opt), "--fps"},
      {!o.size.empty(), "--size"},
      {given(o.face_scale_opt), "--face-scale"},
      {given(o.noise_opt), "--noise"},
      {given(o.drift_opt), "--lighting-drift"},
      {given(o.head_opt), "--head-motion"},
      {o.mirrored, "--mirrored (use --mirrored-input for a selfie video)"},
      {!o.blinks.empty(), "--blink"},
      {!o.smiles.empty(), "--smile"},
      {!o.talks.empty(), "--talk"},
      {!o.rest.empty(), "--rest"},
      {!o.protocol_steps.empty(), "--protocol-steps"},
  };
  for (const auto& [bad_option, name] : refused) {
    if (bad_option) {
      return bad(std::string(name) +
                 " does not apply with --base-video: the real video keeps its own size, rate, motion, blinks, speech and "
                 "lighting; only --twitch, --droop and --duration do");
    }
  }
  if (given(o.duration_opt) && !(o.duration > 0.0))
    return bad("--duration must be positive");
  return {};
}

int run_base_video(const SynthCli& o) {
  if (Status st = check_base_video_options(o); !st)
    return report(st.error());
  Scenario events;  // the events alone, parsed before the long tracking pass
  if (Status st = apply_twitches_and_droop(o, events); !st)
    return report(st.error());
  auto model = load_model(o.model);
  if (!model)
    return report(model.error());

  BaseTrackOptions to;
  to.mirrored_input = o.mirrored_input;
  ProgressBar track_bar("track");
  to.progress = [&track_bar](int done, int total) {
    track_bar.update(std::min(1.0, static_cast<double>(done) / std::max(1, total)), done, 0.0);
  };
  auto track = track_base_video(o.base_video, model->model, to);
  track_bar.done();
  if (!track)
    return report(track.error());

  Scenario s = base_video_scenario(track.value(), given(o.duration_opt) ? o.duration : 0.0);
  s.twitches = events.twitches;
  s.droop = events.droop;
  if (Status st = validate_events(s); !st)
    return report(st.error());
  if (Status st = check_events_tracked(s, track.value()); !st)
    return report(st.error());
  // The folder is this run's until it ends: a second run into it is refused (OutputDirLock).
  auto out_lock = OutputDirLock::acquire(o.out);
  if (!out_lock)
    return report(out_lock.error());
  if (Status st = prepare_output_dir(o.out, o.force); !st)
    return report(st.error());

  ProgressBar bar("synth");
  auto rep = render_on_base_video(s, track.value(), o.out, [&bar, &s](int done, int total) {
    bar.update(static_cast<double>(done) / total, done, done / s.fps);
  });
  bar.done();
  if (!rep)
    return report(rep.error());
  const BaseTrack& t = track.value();
  std::fputs(fmt::format("wrote {} ({} frames, {}x{}, {:g} fps) from {} in {:.1f} s\n", rep->video_path.string(),
                         rep->frames, s.width, s.height, s.fps, t.video.string(), rep->seconds)
                 .c_str(),
             stdout);
  std::fputs(fmt::format("face tracked in {:.1f}% of the frames, median IOD {:.1f} px\n", 100.0 * t.tracked_share(),
                         t.median_iod_px)
                 .c_str(),
             stdout);
  std::fputs(fmt::format("wrote {}\n", rep->truth_path.string()).c_str(), stdout);
  std::fputs((summary_line(s) + "\n").c_str(), stdout);
  return 0;
}

int run(const SynthCli& o) {
  if (!o.base_video.empty())
    return run_base_video(o);
  if (o.mirrored_input)
    return report(bad("--mirrored-input goes with --base-video (use --mirrored to make a mirrored video from the photo)"));
  std::optional<ProtocolTiming> timing;
  auto scenario = build_scenario(o, timing);
  if (!scenario)
    return report(scenario.error());
  const Scenario& s = scenario.value();

  std::filesystem::path photo = o.face;
  if (photo.empty()) {
    auto cached = find_demo_photo();
    if (!cached) {
      return report(make_error(ErrorKind::Input,
                               "no --face given and the astronaut portrait is not in " +
                                   (cache_dir() / "astronaut.png").string() +
                                   ": run scripts/setup.sh to fetch it, or pass --face PHOTO"));
    }
    photo = *cached;
  }
  // Inputs first, so that a mistake leaves no empty output folder behind.
  std::error_code ec;
  if (!std::filesystem::is_regular_file(photo, ec)) {
    return report(
        make_error(ErrorKind::Input, "face photo " + photo.string() +
                                         " not found: run scripts/setup.sh to fetch the astronaut "
                                         "portrait, or pass --face FILE"));
  }
  auto model = locate_model(o.model);
  if (!model)
    return report(model.error());
  // The folder is this run's until it ends: a second run into it is refused (OutputDirLock).
  auto out_lock = OutputDirLock::acquire(o.out);
  if (!out_lock)
    return report(out_lock.error());
  if (Status st = prepare_output_dir(o.out, o.force); !st)
    return report(st.error());

  ProgressBar bar("synth");
  auto rep = generate_video(s, photo, o.out, model.value(), [&bar, &s](int done, int total) {
    bar.update(static_cast<double>(done) / total, done, done / s.fps);
  });
  bar.done();
  if (!rep)
    return report(rep.error());
  std::fputs(fmt::format("wrote {} ({} frames, {}x{}, {:g} fps, IOD {:.1f} px) in {:.1f} s\n",
                         rep->video_path.string(), rep->frames, s.width, s.height, s.fps,
                         rep->iod_px, rep->seconds)
                 .c_str(),
             stdout);
  std::fputs(fmt::format("wrote {}\n", rep->truth_path.string()).c_str(), stdout);
  if (timing) {
    const auto timing_path = std::filesystem::path(o.out) / "timing.json";
    if (Status st = write_timing(timing_path, *timing); !st)
      return report(st.error());
    std::fputs(fmt::format("wrote {} (the protocol's step times: facetwitch analyse {} --protocol {})\n",
                           timing_path.string(), rep->video_path.string(), timing_path.string())
                   .c_str(),
               stdout);
  }
  std::fputs((summary_line(s) + "\n").c_str(), stdout);
  return 0;
}

}  // namespace

void register_synth(CLI::App& root, int& exit_code) {
  auto o = std::make_shared<SynthCli>();
  CLI::App* cmd = root.add_subcommand(
      "synth", "generate a ground-truth video (video.mp4 + truth.json) by warping a face photo");
  cmd->add_option("--out,-o", o->out,
                  "output folder (refused if it exists and is not empty, see --force)")
      ->required();
  cmd->add_option("--face", o->face,
                  "face photo (default: the cached public-domain astronaut portrait)");
  cmd->add_option("--model", o->model,
                  "dlib 68-point landmark model (default: found automatically)");
  o->preset_opt = cmd->add_option("--preset", o->preset,
                  "starting scenario: demo, random, none (no twitches) or protocol (the screening protocol with a "
                  "weak right side; writes timing.json too)")
      ->capture_default_str();
  o->seed_opt =
      cmd->add_option("--seed", o->seed, "random seed (noise; events of the random/none presets)")
          ->capture_default_str();
  o->duration_opt = cmd->add_option("--duration", o->duration, "length, seconds");
  o->fps_opt = cmd->add_option("--fps", o->fps, "frames per second");
  cmd->add_option("--size", o->size, "WIDTHxHEIGHT in pixels, even numbers (default 640x480)");
  o->face_scale_opt =
      cmd->add_option("--face-scale", o->face_scale, "scale factor of the photo (default 2)");
  o->noise_opt =
      cmd->add_option("--noise", o->noise, "Gaussian sensor noise, grey levels (default 2)");
  o->drift_opt =
      cmd->add_option("--lighting-drift", o->lighting_drift, "relative lighting gain amplitude");
  o->head_opt =
      cmd->add_option("--head-motion", o->head_motion, "head motion amplitude, pixels (0 = still)");
  cmd->add_flag("--mirrored", o->mirrored,
                "flip the video horizontally (selfie-style); sides stay the person's");
  cmd->add_option(
         "--twitch", o->twitches,
         "a twitch episode: region=mouth|eye,side=left|right,start=S[,dur=S,freq=HZ,amp=IOD,type=clonic|tonic,"
         "brow=IOD] (tonic: one sustained spasm; brow: the brow-lift sign of an eye episode; repeatable; replaces "
         "the preset's)")
      ->allow_extra_args(false);
  cmd->add_option("--blink", o->blinks,
                  "a blink starting at this time, s (repeatable; replaces the preset's)")
      ->allow_extra_args(false);
  cmd->add_option("--smile", o->smiles,
                  "a 1.5 s smile starting at this time, s (repeatable; replaces the preset's)")
      ->allow_extra_args(false);
  cmd->add_option("--talk", o->talks,
                  "talking: start=S[,dur=S,rate=HZ,open=IOD,corner=IOD,imbalance=X,seed=N] "
                  "(syllables at ~rate Hz opening the mouth; repeatable; replaces the preset's)")
      ->allow_extra_args(false);
  cmd->add_option("--rest", o->rest,
                  "a face at rest, as real faces are: corner=IOD[,lid=IOD,period=S,shared=X,seed=N] (each mouth "
                  "corner wanders slowly by about corner IOD, each lid narrows by up to lid IOD; e.g. corner=0.02,lid=0.006)");
  cmd->add_option("--droop", o->droop,
                  "SIDE:AMPLITUDE, a static lowered mouth corner, e.g. left:0.03");
  cmd->add_option("--protocol-steps", o->protocol_steps,
                  "--preset protocol: the protocol step file (default: the standard protocol, share/facetwitch/protocols/standard.json)");
  cmd->add_option("--base-video", o->base_video,
                  "draw the events (--twitch, --droop) into this real video instead of a photo: its faces are tracked, "
                  "the warps follow them, everything else in the video stays as it is");
  cmd->add_flag("--mirrored-input", o->mirrored_input,
                "--base-video: the video is a mirror image (selfie); sides stay the person's");
  cmd->add_flag("--force", o->force, "write into an existing, non-empty folder");
  cmd->callback([o, &exit_code] { exit_code = run(*o); });
}

}  // namespace ft::app
