// session_record.cpp: a session folder read into a history record (with the existing readers of
// src/io), the measures whose trend can be followed, and importing folders.
#include <algorithm>
#include <cmath>
#include <cstdio>
#include <ctime>
#include <fstream>
#include <system_error>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "history/history.hpp"
#include "io/session.hpp"
#include "metrics/regional_asymmetry.hpp"

namespace ft::history {
namespace fs = std::filesystem;

namespace {

constexpr const char* kSummaryJson = "summary.json";
constexpr const char* kEpisodesCsv = "episodes.csv";
constexpr std::array<Laterality, 3> kLateralities{Laterality::Left, Laterality::Right,
                                                  Laterality::Bilateral};

double median(std::vector<double> v) {
  if (v.empty())
    return kNaN;
  std::sort(v.begin(), v.end());
  const std::size_t n = v.size();
  return n % 2 == 1 ? v[n / 2] : 0.5 * (v[n / 2 - 1] + v[n / 2]);
}

SideRegionMetrics side_region_metrics(const std::vector<Episode>& episodes, Region r, Laterality l,
                                      double duration_s) {
  SideRegionMetrics m;
  m.region = r;
  m.side = l;
  std::vector<double> freqs;
  for (const Episode& e : episodes) {
    if (e.region != r || e.side != l)
      continue;
    ++m.episodes;
    m.twitches += e.twitch_count;
    if (std::isfinite(e.frequency_hz))
      freqs.push_back(e.frequency_hz);
    if (std::isfinite(e.peak_amplitude_iod)) {
      m.peak_amplitude_iod = std::isfinite(m.peak_amplitude_iod)
                                 ? std::max(m.peak_amplitude_iod, e.peak_amplitude_iod)
                                 : e.peak_amplitude_iod;
    }
  }
  const double minutes = (std::isfinite(duration_s) && duration_s > 0.0) ? duration_s / 60.0 : 0.0;
  m.twitches_per_min = minutes > 0.0 ? static_cast<double>(m.twitches) / minutes : 0.0;
  if (l != Laterality::Bilateral) {
    m.time_in_spasm_pct = time_in_episodes_pct(
        episodes, r, l == Laterality::Left ? Side::Left : Side::Right, duration_s);
  }
  m.median_frequency_hz = median(std::move(freqs));
  return m;
}

// The measures: per region x side counts and sizes, then the resting asymmetry.
struct MeasureDef {
  Measure measure;
  enum class Kind {
    PerMin,
    SpasmPct,
    Episodes,
    PeakMm,
    FrequencyHz,
    MouthCornerMm,
    AsymmetryIndex,
    RestDiff
  } kind;
  Region region = Region::Mouth;
  Laterality side = Laterality::Left;
  std::string rest_key;
};

std::string side_label(Laterality l) {
  return l == Laterality::Bilateral ? std::string("both sides together")
                                    : fmt::format("person's {}", to_string(l));
}
std::string region_label(Region r) {
  return r == Region::Mouth ? "Mouth corner" : "Eyelid";
}

const std::vector<MeasureDef>& measure_defs() {
  static const std::vector<MeasureDef> defs = [] {
    std::vector<MeasureDef> d;
    using K = MeasureDef::Kind;
    struct Per {
      const char* suffix;
      const char* what;
      const char* unit;
      K kind;
      bool bilateral;
    };
    const Per per[] = {{"per-min", "twitches per minute", "/min", K::PerMin, true},
                       {"spasm-pct", "time in spasm", "%", K::SpasmPct, false},
                       {"episodes", "episodes", "", K::Episodes, true},
                       {"peak-mm", "largest twitch (peak amplitude)", "mm", K::PeakMm, true},
                       {"frequency-hz", "median twitch frequency", "Hz", K::FrequencyHz, true}};
    for (const Per& p : per) {
      for (Region r : kRegions) {
        for (Laterality l : kLateralities) {
          if (l == Laterality::Bilateral && !p.bilateral)
            continue;
          MeasureDef m{{fmt::format("{}-{}-{}", to_string(r), to_string(l), p.suffix),
                        fmt::format("{}, {}: {}", region_label(r), side_label(l), p.what), p.unit},
                       p.kind,
                       r,
                       l,
                       {}};
          d.push_back(std::move(m));
        }
      }
    }
    d.push_back({{"rest-mouth-corner-mm",
                  "Resting mouth-corner height, left - right (+: left higher)", "mm"},
                 K::MouthCornerMm,
                 Region::Mouth,
                 Laterality::Left,
                 {}});
    d.push_back({{"asymmetry-index", "Resting asymmetry index (0 = symmetric)", "IOD"},
                 K::AsymmetryIndex,
                 Region::Mouth,
                 Laterality::Left,
                 {}});
    for (AsymmetryMeasure am : kAsymmetryMeasures) {
      const AsymmetryMeasureInfo& info = measure_info(am);
      std::string key(info.key);
      std::string dashed = key;
      std::replace(dashed.begin(), dashed.end(), '_', '-');
      d.push_back({{fmt::format("rest-{}-diff", dashed),
                    fmt::format("Resting {}, left - right", info.label), info.angle ? "deg" : "mm"},
                   K::RestDiff,
                   Region::Mouth,
                   Laterality::Left,
                   key});
    }
    return d;
  }();
  return defs;
}

}  // namespace

const SideRegionMetrics* SessionRecord::metric(Region r, Laterality l) const {
  for (const SideRegionMetrics& m : metrics) {
    if (m.region == r && m.side == l)
      return &m;
  }
  return nullptr;
}

const RegionDiff* SessionRecord::region(const std::string& key) const {
  for (const RegionDiff& d : regions) {
    if (d.key == key)
      return &d;
  }
  return nullptr;
}

std::vector<double> spread_trend_positions(const std::vector<double>& t, double min_gap) {
  std::vector<double> out(t.size(), kNaN);
  // Groups of consecutive sessions placed `min_gap` apart around the mean of their times; a group
  // that reaches into the one before it is merged with it (and re-centred), until none overlap.
  const double gap = std::isfinite(min_gap) && min_gap > 0.0 ? min_gap : 0.0;
  struct Group {
    double sum = 0.0;                  // of the members' times
    std::vector<std::size_t> members;  // indices into t, in order
    double half_width(double gap) const { return 0.5 * static_cast<double>(members.size() - 1) * gap; }
    double mean() const { return sum / static_cast<double>(members.size()); }
  };
  const double tolerance = 1e-9 * std::max(1.0, gap);
  std::vector<Group> groups;
  for (std::size_t i = 0; i < t.size(); ++i) {
    if (!std::isfinite(t[i]))
      continue;
    Group g{t[i], {i}};
    while (!groups.empty() && groups.back().mean() + groups.back().half_width(gap) + gap >
                                  g.mean() - g.half_width(gap) + tolerance) {
      Group& prev = groups.back();
      prev.sum += g.sum;
      prev.members.insert(prev.members.end(), g.members.begin(), g.members.end());
      g = std::move(prev);
      groups.pop_back();
    }
    groups.push_back(std::move(g));
  }
  for (const Group& g : groups) {
    const double first = g.mean() - g.half_width(gap);
    for (std::size_t k = 0; k < g.members.size(); ++k)
      out[g.members[k]] = first + static_cast<double>(k) * gap;
  }
  return out;
}

Result<SessionRecord> read_session_folder(const fs::path& folder) {
  std::error_code ec;
  if (!fs::is_directory(folder, ec)) {
    return make_error(
        ErrorKind::Input,
        fmt::format("'{}' is not a folder: pass a session folder (the --out folder of "
                    "`facetwitch analyse` or `record`)",
                    folder.string()));
  }
  const fs::path summary_path = folder / kSummaryJson;
  if (!fs::exists(summary_path, ec)) {
    return make_error(
        ErrorKind::Input,
        fmt::format("'{}' is not a session folder: it has no summary.json", folder.string()));
  }
  auto summary = read_summary_json(summary_path);
  if (!summary)
    return summary.error();
  const SessionSummary& s = summary.value();
  if (s.created_utc.empty()) {
    return make_error(ErrorKind::Input,
                      fmt::format("'{}' has no created_utc: it was not written by facetwitch",
                                  summary_path.string()));
  }
  // episodes.csv is appended as episodes close; after a crash it can be ahead of summary.json.
  std::vector<Episode> episodes = s.episodes;
  if (fs::exists(folder / kEpisodesCsv, ec)) {
    auto csv = read_episodes_csv(folder / kEpisodesCsv);
    if (!csv)
      return csv.error();
    if (csv->size() > episodes.size())
      episodes = std::move(csv).value();
  }

  SessionRecord r;
  const fs::path abs = fs::weakly_canonical(fs::absolute(folder, ec), ec);
  r.folder = (ec ? fs::absolute(folder) : abs).lexically_normal().string();
  while (r.folder.size() > 1 && r.folder.back() == '/')
    r.folder.pop_back();
  r.patient_id = s.patient_id;
  r.created_utc = s.created_utc;
  // Folders written before summary.json had recorded_at only know when they were analysed.
  r.recorded_at = s.recorded_at.empty() ? s.created_utc : s.recorded_at;
  r.recorded_at_source = s.recorded_at.empty() || s.recorded_at_source.empty()
                             ? std::string("analysis time")
                             : s.recorded_at_source;
  r.source = s.source;
  r.video = s.video;
  r.duration_s = s.duration_s;
  r.frames = s.frames;
  r.frames_good_quality = s.frames_good_quality;
  r.fps = s.fps;
  r.partial = s.partial;
  r.mouth_corner_height_iod = s.asymmetry.mouth_corner_height_iod();
  r.asymmetry_index = s.asymmetry.index;
  for (Region reg : kRegions) {
    for (Laterality l : kLateralities)
      r.metrics.push_back(side_region_metrics(episodes, reg, l, s.duration_s));
  }
  for (const RegionalAsymmetry& ra : s.asymmetry.resting) {
    r.regions.push_back(RegionDiff{std::string(measure_info(ra.measure).key), ra.left, ra.right,
                                   ra.diff, ra.diff_mm});
  }
  return r;
}

const std::vector<Measure>& measures() {
  static const std::vector<Measure> list = [] {
    std::vector<Measure> m;
    for (const MeasureDef& d : measure_defs())
      m.push_back(d.measure);
    return m;
  }();
  return list;
}

const Measure* find_measure(const std::string& name) {
  for (const Measure& m : measures()) {
    if (m.name == name)
      return &m;
  }
  return nullptr;
}

double measure_value(const SessionRecord& s, const Measure& measure) {
  const auto& defs = measure_defs();
  const auto it = std::find_if(defs.begin(), defs.end(),
                               [&](const MeasureDef& d) { return d.measure.name == measure.name; });
  if (it == defs.end())
    return kNaN;
  using K = MeasureDef::Kind;
  switch (it->kind) {
    case K::MouthCornerMm:
      return s.mouth_corner_height_iod * kAssumedIodMm;
    case K::AsymmetryIndex:
      return s.asymmetry_index;
    case K::RestDiff: {
      const RegionDiff* d = s.region(it->rest_key);
      if (d == nullptr)
        return kNaN;
      return std::isfinite(d->diff_mm) ? d->diff_mm : d->diff;
    }
    default:
      break;
  }
  const SideRegionMetrics* m = s.metric(it->region, it->side);
  if (m == nullptr)
    return kNaN;
  switch (it->kind) {
    case K::PerMin:
      return m->twitches_per_min;
    case K::SpasmPct:
      return m->time_in_spasm_pct;
    case K::Episodes:
      return static_cast<double>(m->episodes);
    case K::PeakMm:
      return m->peak_amplitude_iod * kAssumedIodMm;
    case K::FrequencyHz:
      return m->median_frequency_hz;
    default:
      return kNaN;
  }
}

std::vector<ImportItem> import_folders(HistoryDb& db, const std::vector<fs::path>& paths) {
  std::vector<ImportItem> items;
  auto import_one = [&](const fs::path& folder) {
    ImportItem item;
    item.folder = folder;
    auto rec = read_session_folder(folder);
    if (!rec) {
      item.reason = rec.error().message;
      items.push_back(std::move(item));
      return;
    }
    auto added = db.add(rec.value());
    if (!added) {
      item.reason = added.error().message;
    } else {
      item.id = added->id;
      item.outcome = added->updated ? ImportItem::Outcome::Updated : ImportItem::Outcome::Imported;
    }
    items.push_back(std::move(item));
  };
  for (const fs::path& p : paths) {
    std::error_code ec;
    if (fs::is_directory(p, ec) && !fs::exists(p / kSummaryJson, ec)) {
      // A folder of session folders: its direct sub-folders that hold a summary.json, in name
      // order.
      std::vector<fs::path> subs;
      for (const auto& entry : fs::directory_iterator(p, ec)) {
        if (entry.is_directory(ec) && fs::exists(entry.path() / kSummaryJson, ec))
          subs.push_back(entry.path());
      }
      std::sort(subs.begin(), subs.end());
      if (subs.empty()) {
        ImportItem item;
        item.folder = p;
        item.reason =
            ec ? fmt::format("'{}' cannot be read: {}", p.string(), ec.message())
               : fmt::format(
                     "'{}' is not a session folder (no summary.json) and none of its sub-folders "
                     "is one",
                     p.string());
        items.push_back(std::move(item));
      }
      for (const fs::path& s : subs)
        import_one(s);
    } else {
      import_one(p);
    }
  }
  return items;
}

}  // namespace ft::history
