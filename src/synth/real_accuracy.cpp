// real_accuracy.cpp: the real-video benchmark's corpus, scenarios and scoring (see real_accuracy.hpp).
#include "synth/real_accuracy.hpp"

#include <algorithm>
#include <cmath>
#include <cstdlib>
#include <fstream>
#include <functional>
#include <set>
#include <sstream>
#include <system_error>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "core/paths.hpp"
#include "signal/running_stats.hpp"
#include "synth/draw.hpp"
#include "synth/evaluation.hpp"

namespace ft {
namespace {

using nlohmann::json;

constexpr double kFirstEventS = 1.5;   // after the start of each tracked run (and of the clip)
constexpr double kTailS = 0.5;         // before the end of each tracked run (and of the clip)
constexpr double kMinGapS = 1.5;       // between two trains
constexpr double kMinTrainS = 0.6;
constexpr double kMaxTrainS = 2.2;
constexpr double kMinDroopIod = 0.02;  // droops scored for side
constexpr double kAmpEps = 1e-9;

std::string trim(const std::string& s) {
  const auto a = s.find_first_not_of(" \t\r");
  if (a == std::string::npos) return "";
  const auto b = s.find_last_not_of(" \t\r");
  return s.substr(a, b - a + 1);
}

std::string lower(std::string s) {
  std::transform(s.begin(), s.end(), s.begin(), [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return s;
}

// The cells of a markdown table row ("| a | b |"), trimmed; empty when the line is not a row.
std::vector<std::string> row_cells(const std::string& line) {
  const std::string t = trim(line);
  if (t.size() < 2 || t.front() != '|') return {};
  std::vector<std::string> cells;
  std::string cur;
  for (std::size_t i = 1; i < t.size(); ++i) {
    if (t[i] == '|') {
      cells.push_back(trim(cur));
      cur.clear();
    } else {
      cur += t[i];
    }
  }
  if (!trim(cur).empty()) cells.push_back(trim(cur));
  return cells;
}

bool is_separator(const std::vector<std::string>& cells) {
  return !cells.empty() && std::all_of(cells.begin(), cells.end(), [](const std::string& c) {
    return !c.empty() && c.find_first_not_of("-: ") == std::string::npos;
  });
}

struct Window {
  double start = 0.0, end = 0.0;
};

// Where trains may lie: each tracked run less kFirstEventS at its start and kTailS at its end.
std::vector<Window> event_windows(const BaseTrack& t) {
  std::vector<Window> out;
  const double clip_end = t.duration_s() - kTailS;
  for (const FrameRun& r : tracked_runs(t.raw)) {
    const double a = std::max(kFirstEventS, r.first / t.fps + kFirstEventS);
    const double b = std::min(clip_end, (r.last + 1) / t.fps - kTailS);
    if (b - a >= kMinTrainS) out.push_back({a, b});
  }
  return out;
}

double draw_amplitude(Draw& d) { return d.uniform() < 0.75 ? d.uniform(0.025, 0.05) : d.uniform(0.01, 0.025); }
double draw_frequency(Draw& d, double fps) { return d.uniform(3.0, std::min(9.0, 0.4 * fps)); }
double round3(double v) { return std::round(v * 1000.0) / 1000.0; }

// The episodes of one slot, given its start and length (its random parameters drawn beforehand).
using SlotBuilder = std::function<std::vector<TwitchEpisodeSpec>(double start_s, double duration_s)>;

// Lays trains into the tracked windows one after the other; `next_slot` draws a slot's parameters and
// returns its builder.
std::vector<TwitchEpisodeSpec> place_trains(const BaseTrack& t, Draw& d, const std::function<SlotBuilder(int)>& next_slot) {
  std::vector<TwitchEpisodeSpec> out;
  int slot = 0;
  double cursor = 0.0;
  for (const Window& w : event_windows(t)) {
    double start = round3(std::max(cursor, w.start) + d.uniform(0.0, 0.5));
    while (true) {
      const SlotBuilder build = next_slot(slot);
      double dur = std::min(round3(d.uniform(kMinTrainS, kMaxTrainS)), w.end - start);
      if (dur < kMinTrainS) break;
      auto eps = build(start, dur);
      auto end_of = [](const std::vector<TwitchEpisodeSpec>& v) {
        double e = 0.0;
        for (const auto& x : v) e = std::max(e, x.end_s());
        return e;
      };
      if (end_of(eps) > w.end) {  // a train's last pulse can end after start + duration: shorten it
        dur = round3(dur - (end_of(eps) - w.end) - 0.01);
        if (dur < kMinTrainS) break;
        eps = build(start, dur);
        if (end_of(eps) > w.end) break;
      }
      out.insert(out.end(), eps.begin(), eps.end());
      ++slot;
      start = round3(end_of(eps) + kMinGapS + d.uniform(0.0, 1.0));
      cursor = start;
    }
  }
  return out;
}

Side draw_side(Draw& d) { return d.coin() ? Side::Left : Side::Right; }

int bin_of(double amplitude_iod) {
  for (int b = kRealAmplitudeBinCount - 1; b >= 0; --b) {
    if (amplitude_iod >= kRealAmplitudeBins[b] - kAmpEps) return b;
  }
  return 0;
}

}  // namespace

Result<std::vector<CorpusClip>> read_corpus_manifest(const std::filesystem::path& dir, std::vector<std::string>* missing) {
  const auto manifest = dir / "MANIFEST.md";
  std::ifstream f(manifest);
  if (!f) return make_error(ErrorKind::Input, "cannot read " + manifest.string());
  std::vector<CorpusClip> out;
  std::string line;
  int kind_col = -1, file_col = -1, sha_col = -1, content_col = -1;
  bool in_table = false;
  while (std::getline(f, line)) {
    const auto cells = row_cells(line);
    if (cells.empty()) {
      in_table = false;
      continue;
    }
    if (is_separator(cells)) continue;
    if (!in_table) {  // a header row?
      kind_col = file_col = sha_col = content_col = -1;
      for (std::size_t c = 0; c < cells.size(); ++c) {
        const std::string h = lower(cells[c]);
        if (h == "kind") kind_col = static_cast<int>(c);
        if (h.rfind("file", 0) == 0) file_col = static_cast<int>(c);
        if (h == "sha256") sha_col = static_cast<int>(c);
        if (h == "content") content_col = static_cast<int>(c);
      }
      in_table = kind_col >= 0 && file_col >= 0;
      continue;
    }
    const auto cell = [&cells](int c) { return c >= 0 && c < static_cast<int>(cells.size()) ? cells[static_cast<std::size_t>(c)] : std::string(); };
    CorpusClip clip;
    clip.kind = lower(cell(kind_col));
    clip.file = cell(file_col);
    clip.sha256 = lower(cell(sha_col));
    clip.content = cell(content_col);
    if (clip.file.empty() || clip.kind.empty()) continue;
    clip.path = dir / "videos" / clip.file;
    std::error_code ec;
    if (!std::filesystem::is_regular_file(clip.path, ec)) {
      if (missing) missing->push_back(clip.path.string());
      continue;
    }
    out.push_back(std::move(clip));
  }
  if (out.empty() && kind_col < 0) {
    return make_error(ErrorKind::Input, manifest.string() + " has no table with the columns kind and file");
  }
  return out;
}

std::vector<std::filesystem::path> default_corpus_dirs() {
  std::vector<std::filesystem::path> candidates;
  if (const char* env = std::getenv("FACETWITCH_REALFACES"); env && *env) {
    std::stringstream ss(env);
    std::string part;
    while (std::getline(ss, part, ':')) {
      if (!part.empty()) candidates.emplace_back(part);
    }
  }
  candidates.push_back(source_dir().parent_path() / "shared" / "realfaces");
  candidates.push_back(cache_dir() / "real");
  std::vector<std::filesystem::path> out;
  std::set<std::string> seen;
  for (const auto& c : candidates) {
    std::error_code ec;
    if (!std::filesystem::is_regular_file(c / "MANIFEST.md", ec)) continue;
    const auto canon = std::filesystem::weakly_canonical(c, ec);
    if (seen.insert((ec ? c : canon).string()).second) out.push_back(ec ? c : canon);
  }
  return out;
}

std::uint64_t clip_seed(const std::string& sha256) {
  std::uint64_t v = 0;
  for (std::size_t i = 0; i < 16 && i < sha256.size(); ++i) {
    const char c = sha256[i];
    const int digit = c >= '0' && c <= '9' ? c - '0' : (c >= 'a' && c <= 'f' ? c - 'a' + 10 : 0);
    v = (v << 4) | static_cast<std::uint64_t>(digit);
  }
  return v;
}

std::vector<RealScenario> real_scenarios(const BaseTrack& track, const std::string& kind, std::uint64_t seed) {
  std::vector<RealScenario> out;
  const Scenario base = base_video_scenario(track);
  out.push_back({"clean", base});
  if (kind == "robustness") return out;
  const double fps = track.fps;

  auto single = [fps](Draw& d, Region region) -> SlotBuilder {
    const Side side = draw_side(d);
    const double f = draw_frequency(d, fps);
    const double a = draw_amplitude(d);
    return [=](double start, double dur) {
      return std::vector<TwitchEpisodeSpec>{twitch_spec(region, side, start, dur, round3(f), round3(a))};
    };
  };
  {
    Draw d(seed ^ 0x6d6f757468ULL);  // "mouth"
    Scenario s = base;
    s.twitches = place_trains(track, d, [&](int) { return single(d, Region::Mouth); });
    out.push_back({"mouth", s});
  }
  {
    Draw d(seed ^ 0x657965ULL);  // "eye"
    Scenario s = base;
    s.twitches = place_trains(track, d, [&](int) { return single(d, Region::Eye); });
    out.push_back({"eye", s});
  }
  {
    Draw d(seed ^ 0x6d69786564ULL);  // "mixed"
    Scenario s = base;
    s.twitches = place_trains(track, d, [&](int slot) -> SlotBuilder {
      const Side side = draw_side(d);
      const double f1 = round3(draw_frequency(d, fps)), f2 = round3(draw_frequency(d, fps));
      const double a1 = round3(draw_amplitude(d)), a2 = round3(draw_amplitude(d));
      switch (slot % 3) {
        case 0:  // co-contraction: eye and mouth of one side together
          return [=](double start, double dur) {
            return std::vector<TwitchEpisodeSpec>{twitch_spec(Region::Mouth, side, start, dur, f1, a1),
                                                  twitch_spec(Region::Eye, side, start, dur, f1, a2)};
          };
        case 1:  // mouth and eye at once, opposite sides
          return [=](double start, double dur) {
            return std::vector<TwitchEpisodeSpec>{twitch_spec(Region::Mouth, side, start, dur, f1, a1),
                                                  twitch_spec(Region::Eye, other_side(side), start, dur, f2, a2)};
          };
        default: {
          const Region region = (slot / 3) % 2 == 0 ? Region::Mouth : Region::Eye;
          return [=](double start, double dur) {
            return std::vector<TwitchEpisodeSpec>{twitch_spec(region, side, start, dur, f1, a1)};
          };
        }
      }
    });
    out.push_back({"mixed", s});
  }
  {
    Draw d(seed ^ 0x64726f6f70ULL);  // "droop"
    Scenario s = base;
    const Side side = draw_side(d);
    s.droop = DroopSpec{side, round3(d.uniform(0.02, 0.06))};
    out.push_back({"droop", s});
  }
  return out;
}

RealAccuracyReport score_real(const std::vector<RealVideoResult>& results,
                              const std::map<std::string, const BaseTrack*>& tracks) {
  RealAccuracyReport r;
  std::map<std::string, const RealVideoResult*> clean_of;  // clip file -> its clean analysis
  for (const auto& v : results) {
    if (v.clip && v.scenario == "clean") clean_of[v.clip->file] = &v;
  }
  struct GroupAcc {
    std::vector<double> onset, end, freq, droop_ratio;
    std::set<std::string> clips;
  };
  GroupAcc acc_main, acc_small;
  std::map<std::string, RealClipRow> rows;  // by file, in file order
  for (const auto& v : results) {
    if (!v.clip) continue;
    RealClipRow& row = rows[v.clip->file];
    row.file = v.clip->file;
    row.kind = v.clip->kind;
    if (auto t = tracks.find(v.clip->file); t != tracks.end() && t->second) {
      row.median_iod_px = t->second->median_iod_px;
      row.tracked_share = t->second->tracked_share();
    }
    if (v.scenario == "clean") {
      CleanRate& c = r.clean[v.clip->kind];
      c.clips++;
      c.episodes += static_cast<int>(v.found.size());
      c.minutes += v.duration_s / 60.0;
      row.duration_s = v.duration_s;
      row.clean_false_episodes = static_cast<int>(v.found.size());
      row.mouth_noise_iod = v.mouth_noise_iod;
      row.eye_noise_iod = v.eye_noise_iod;
      row.measurable_share = v.frames > 0 ? static_cast<double>(v.frames_good_quality) / static_cast<double>(v.frames) : kNaN;
      continue;
    }
    const bool small = v.clip->kind == "small-face";
    if (!small && v.clip->kind != "calm" && v.clip->kind != "talking" && v.clip->kind != "expressive") continue;
    RealGroupScore& g = small ? r.small_face : r.main;
    GroupAcc& acc = small ? acc_small : acc_main;
    acc.clips.insert(v.clip->file);
    g.videos++;
    g.injected_minutes += v.duration_s / 60.0;
    const Evaluation ev = evaluate_episodes(v.truth, v.found);
    for (const auto& m : ev.matches) {
      const TruthEpisode& te = v.truth.episodes[m.truth_index];
      RealRegionScores& rs = te.region == Region::Mouth ? g.mouth : g.eye;
      const bool target = te.amplitude_iod >= kRealTargetAmplitude - kAmpEps;
      RegionScore& bin = rs.bins[static_cast<std::size_t>(bin_of(te.amplitude_iod))];
      rs.all.truth++;
      bin.truth++;
      if (target) rs.target.truth++;
      row.truth_episodes++;
      if (!m.found_index) continue;
      rs.all.detected++;
      bin.detected++;
      bin.found++;
      if (target) {
        rs.target.detected++;
        rs.target.found++;
      }
      row.detected++;
      if (std::isnan(row.smallest_found_iod) || te.amplitude_iod < row.smallest_found_iod) row.smallest_found_iod = te.amplitude_iod;
      g.matched++;
      if (m.side_correct) g.sides_correct++;
      acc.onset.push_back(std::abs(m.onset_error_s));
      acc.end.push_back(std::abs(m.end_error_s));
      if (m.end_error_s > kLateEndS) g.ended_late++;
      if (te.twitch_count >= 3 && !std::isnan(m.frequency_error_hz)) acc.freq.push_back(std::abs(m.frequency_error_hz));
    }
    for (const auto& fe : v.found) (fe.region == Region::Mouth ? g.mouth : g.eye).all.found++;
    // A false episode counts against every amplitude bin and the target line of its region (as in the
    // generated suite's >= 2 % line).
    for (std::size_t j : ev.false_found) {
      RealRegionScores& rs = v.found[j].region == Region::Mouth ? g.mouth : g.eye;
      rs.all.false_found++;
      rs.target.found++;
      rs.target.false_found++;
      for (auto& b : rs.bins) {
        b.found++;
        b.false_found++;
      }
      g.injected_false_episodes++;
    }
    if (v.truth.droop && v.truth.droop->amplitude_iod >= kMinDroopIod - kAmpEps) {
      const auto c = clean_of.find(v.clip->file);
      if (c != clean_of.end() && std::isfinite(c->second->mouth_corner_height_iod) && std::isfinite(v.mouth_corner_height_iod)) {
        // Positive height difference: the person's left corner higher. A left droop lowers it.
        const double change = v.mouth_corner_height_iod - c->second->mouth_corner_height_iod;
        g.droops++;
        if ((v.truth.droop->side == Side::Left && change < 0.0) || (v.truth.droop->side == Side::Right && change > 0.0)) {
          g.droops_side_correct++;
        }
        acc.droop_ratio.push_back(std::abs(change) / v.truth.droop->amplitude_iod);
      }
    }
  }
  for (auto* p : {&r.main, &r.small_face}) {
    GroupAcc& acc = p == &r.main ? acc_main : acc_small;
    p->clips = static_cast<int>(acc.clips.size());
    p->median_onset_error_s = median_of(acc.onset);
    p->median_end_error_s = median_of(acc.end);
    p->median_frequency_error_hz = median_of(acc.freq);
    p->median_droop_change_ratio = median_of(acc.droop_ratio);
  }
  for (auto& [file, row] : rows) {
    if (row.kind != "robustness" && row.truth_episodes == 0) row.note = "no train fits the tracked spans";
    if (row.kind == "robustness") row.note = "clean only";
    r.clips.push_back(row);
  }
  return r;
}

namespace {

std::string fmt3(double x) { return std::isnan(x) ? std::string("-") : fmt::format("{:.3f}", x); }
std::string fmt2(double x) { return std::isnan(x) ? std::string("-") : fmt::format("{:.2f}", x); }

// Precision without a found episode, recall and F1 without a truth episode are undefined (NaN), not 1.
double precision_of(const RegionScore& s) { return s.found > 0 ? s.precision() : kNaN; }
double recall_of(const RegionScore& s) { return s.truth > 0 ? s.recall() : kNaN; }
double f1_of(const RegionScore& s) { return s.truth == 0 ? kNaN : (s.found == 0 ? 0.0 : s.f1()); }

std::string bin_label(int b) {
  return fmt::format("{:g}-{:g}", 100 * kRealAmplitudeBins[b], 100 * kRealAmplitudeBins[b + 1]);
}

void format_group(std::string& o, const std::string& title, const RealGroupScore& g) {
  o += fmt::format("\n  {} ({} clips, {} videos with injected events, {:.1f} min):\n", title, g.clips, g.videos,
                   g.injected_minutes);
  if (g.videos == 0) return;
  o += fmt::format("    {:<7} {:<18} {:>6} {:>6} {:>10} {:>8} {:>7}\n", "region", "amplitude % IOD", "truth", "found",
                   "precision", "recall", "F1");
  auto line = [&o](const char* region, const std::string& label, const RegionScore& s) {
    o += fmt::format("    {:<7} {:<18} {:>6} {:>6} {:>10} {:>8} {:>7}\n", region, label, s.truth, s.detected,
                     fmt3(precision_of(s)), fmt3(recall_of(s)), fmt3(f1_of(s)));
  };
  for (const auto& [name, rs] : {std::pair<const char*, const RealRegionScores*>{"mouth", &g.mouth}, {"eye", &g.eye}}) {
    for (int b = 0; b < kRealAmplitudeBinCount; ++b) line(name, bin_label(b), rs->bins[static_cast<std::size_t>(b)]);
    line(name, "all", rs->all);
    line(name, ">= 2.5 (target)", rs->target);
  }
  o += fmt::format("    {:<52} {:>12}\n", "side accuracy (of detected episodes)",
                   g.matched ? fmt::format("{:.3f} ({}/{})", static_cast<double>(g.sides_correct) / g.matched, g.sides_correct, g.matched)
                             : std::string("-"));
  o += fmt::format("    {:<52} {:>12}\n", "median onset error (s)", fmt3(g.median_onset_error_s));
  o += fmt::format("    {:<52} {:>12}\n", "median end error (s)", fmt3(g.median_end_error_s));
  o += fmt::format("    {:<52} {:>12}\n", fmt::format("episodes reported to end > {:.1f} s late", kLateEndS),
                   fmt::format("{} of {}", g.ended_late, g.matched));
  o += fmt::format("    {:<52} {:>12}\n", "median frequency error (Hz, >= 3 twitches)", fmt3(g.median_frequency_error_hz));
  o += fmt::format("    {:<52} {:>12}\n", "false episodes in injected videos (outside the truth)",
                   fmt::format("{} ({}/min)", g.injected_false_episodes,
                               g.injected_minutes > 0 ? fmt2(g.injected_false_episodes / g.injected_minutes) : "-"));
  o += fmt::format("    {:<52} {:>12}\n", "droop side correct (change vs the clean clip, >= 2% IOD)",
                   g.droops ? fmt::format("{}/{}", g.droops_side_correct, g.droops) : std::string("-"));
  o += fmt::format("    {:<52} {:>12}\n", "median |measured change| / injected droop", fmt2(g.median_droop_change_ratio));
}

}  // namespace

std::string format_real_report(const RealAccuracyReport& r) {
  std::string o;
  o += fmt::format(
      "accuracy on REAL faces with injected twitches (real recordings of people; the twitches are drawn into them by "
      "warping, the faces are not generated): {} clips\n",
      r.clips.size());
  for (const auto& c : r.corpora) o += fmt::format("  corpus: {}\n", c);
  o += "  precision in a bin and on the target line counts every false episode of the region (pessimistic)\n";
  format_group(o, "calm + talking + expressive", r.main);
  format_group(o, "small-face (IOD below the 40 px quality limit)", r.small_face);
  o += "\n  false episodes on the clean clips (nothing injected):\n";
  o += fmt::format("    {:<12} {:>6} {:>9} {:>9} {:>9}\n", "kind", "clips", "episodes", "minutes", "per min");
  for (const char* kind : {"calm", "talking", "expressive", "small-face", "robustness"}) {
    const auto it = r.clean.find(kind);
    if (it == r.clean.end()) continue;
    const CleanRate& c = it->second;
    o += fmt::format("    {:<12} {:>6} {:>9} {:>9.2f} {:>9}\n", kind, c.clips, c.episodes, c.minutes,
                     c.minutes > 0 ? fmt2(c.episodes / c.minutes) : "-");
  }
  o += "\n  per clip:\n";
  o += fmt::format("    {:<52} {:<11} {:>6} {:>10} {:>7} {:>8} {:>10} {:>10} {:>6} {:>11}\n", "clip", "kind", "s", "measurable",
                   "IOD px", "tracked", "found", "smallest", "clean", "noise %IOD");
  o += fmt::format("    {:<52} {:<11} {:>6} {:>10} {:>7} {:>8} {:>10} {:>10} {:>6} {:>11}\n", "", "", "", "share", "median",
                   "share", "of truth", "found %IOD", "false", "mouth  eye");
  auto pct1 = [](double v) { return std::isnan(v) ? std::string("-") : fmt::format("{:.1f}", 100 * v); };
  for (const auto& c : r.clips) {
    o += fmt::format("    {:<52} {:<11} {:>6.1f} {:>10} {:>7.1f} {:>8} {:>10} {:>10} {:>6} {:>5} {:>5}{}\n", c.file, c.kind, c.duration_s,
                     fmt2(c.measurable_share), c.median_iod_px, fmt2(c.tracked_share),
                     fmt::format("{}/{}", c.detected, c.truth_episodes), pct1(c.smallest_found_iod),
                     c.clean_false_episodes, pct1(c.mouth_noise_iod), pct1(c.eye_noise_iod),
                     c.note.empty() ? "" : "  (" + c.note + ")");
  }
  for (const auto& [file, why] : r.skipped) o += fmt::format("    {:<52} skipped: {}\n", file, why);
  if (std::isfinite(r.wall_time_s)) {
    o += fmt::format("\n  wall time {:.1f} s ({} videos rendered, {} reused from the cache)\n", r.wall_time_s,
                     r.videos_rendered, r.videos_reused);
  }
  return o;
}

nlohmann::json real_report_json(const RealAccuracyReport& r) {
  auto num = [](double x) { return std::isfinite(x) ? json(x) : json(nullptr); };
  auto score = [&num](const RegionScore& s) {
    return json{{"truth", s.truth},         {"found", s.detected},          {"found_episodes", s.found},
                {"false_found", s.false_found}, {"precision", num(precision_of(s))}, {"recall", num(recall_of(s))},
                {"f1", num(f1_of(s))}};
  };
  auto region = [&](const RealRegionScores& rs) {
    json bins = json::array();
    for (int b = 0; b < kRealAmplitudeBinCount; ++b) {
      json j = score(rs.bins[static_cast<std::size_t>(b)]);
      j["min_iod"] = kRealAmplitudeBins[b];
      j["max_iod"] = kRealAmplitudeBins[b + 1];
      bins.push_back(j);
    }
    return json{{"all", score(rs.all)}, {"target_min_iod", kRealTargetAmplitude}, {"target", score(rs.target)}, {"bins", bins}};
  };
  auto group = [&](const RealGroupScore& g) {
    return json{{"clips", g.clips},
                {"videos", g.videos},
                {"injected_minutes", g.injected_minutes},
                {"mouth", region(g.mouth)},
                {"eye", region(g.eye)},
                {"matched", g.matched},
                {"sides_correct", g.sides_correct},
                {"side_accuracy", g.matched ? json(static_cast<double>(g.sides_correct) / g.matched) : json(nullptr)},
                {"median_onset_error_s", num(g.median_onset_error_s)},
                {"median_end_error_s", num(g.median_end_error_s)},
                {"ended_late", g.ended_late},
                {"late_end_s", kLateEndS},
                {"median_frequency_error_hz", num(g.median_frequency_error_hz)},
                {"injected_false_episodes", g.injected_false_episodes},
                {"injected_false_per_min", g.injected_minutes > 0 ? json(g.injected_false_episodes / g.injected_minutes) : json(nullptr)},
                {"droops", g.droops},
                {"droops_side_correct", g.droops_side_correct},
                {"median_droop_change_ratio", num(g.median_droop_change_ratio)}};
  };
  json clean = json::object();
  for (const auto& [kind, c] : r.clean) {
    clean[kind] = {{"clips", c.clips}, {"episodes", c.episodes}, {"minutes", c.minutes},
                   {"per_min", c.minutes > 0 ? json(c.episodes / c.minutes) : json(nullptr)}};
  }
  json clips = json::array();
  for (const auto& c : r.clips) {
    clips.push_back({{"file", c.file},
                     {"kind", c.kind},
                     {"duration_s", c.duration_s},
                     {"measurable_share", num(c.measurable_share)},
                     {"median_iod_px", num(c.median_iod_px)},
                     {"tracked_share", num(c.tracked_share)},
                     {"truth_episodes", c.truth_episodes},
                     {"detected", c.detected},
                     {"smallest_found_iod", num(c.smallest_found_iod)},
                     {"clean_false_episodes", c.clean_false_episodes},
                     {"mouth_noise_sigma_iod", num(c.mouth_noise_iod)},
                     {"eye_noise_sigma_iod", num(c.eye_noise_iod)},
                     {"note", c.note}});
  }
  return json{{"benchmark", "real faces with injected twitches"},
              {"faces", "real recordings (not generated); twitches drawn into them by a local warp"},
              {"corpora", r.corpora},
              {"renderer_version", kBaseVideoRendererVersion},
              {"generator_version", kSynthGeneratorVersion},
              {"main", group(r.main)},
              {"small_face", group(r.small_face)},
              {"clean", clean},
              {"clips", clips},
              {"skipped", [&r] {
                 json a = json::array();
                 for (const auto& [file, why] : r.skipped) a.push_back({{"file", file}, {"reason", why}});
                 return a;
               }()},
              {"wall_time_s", num(r.wall_time_s)},
              {"videos_rendered", r.videos_rendered},
              {"videos_reused", r.videos_reused}};
}

}  // namespace ft
