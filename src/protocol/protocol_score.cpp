// protocol_score.cpp: per-step measures, synkinesis, quality and episodes of a protocol recording.
#include "protocol/protocol_score.hpp"

#include <algorithm>
#include <cmath>
#include <map>
#include <sstream>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "metrics/face_metrics.hpp"
#include "metrics/regional_asymmetry.hpp"

namespace ft {
namespace {

using json = nlohmann::json;
namespace fs = std::filesystem;

constexpr std::uint32_t kUnusable = kProtocolUnusable;
// A quality problem is reported when it affects at least this share of a step's frames.
constexpr double kProblemShare = 0.1;

// What one frame gives the protocol, per side of the person (canonical frame, IOD, y up).
struct FrameValues {
  double t = 0.0;
  PerSide<double> brow{kNaN, kNaN};
  PerSide<double> aperture{kNaN, kNaN};
  PerSide<double> excursion{kNaN, kNaN};
  PerSide<double> smile_angle{kNaN, kNaN};
  PerSide<cv::Point2f> corner{};
  PerSide<double> upper_lip_y{kNaN, kNaN};
};

FrameValues frame_values(const FrameRecord& r) {
  FrameValues v;
  v.t = r.metrics.t;
  FaceMetrics m;
  CanonicalFace face;
  fill_geometry(r.metrics.landmarks_px, m, &face);
  for (Side s : kSides) {
    v.brow[s] = m.brow_height_iod[s];
    v.aperture[s] = m.eye_aperture_iod[s];
    v.excursion[s] = m.commissure_excursion_iod[s];
    v.smile_angle[s] = m.smile_angle_deg[s];
    v.corner[s] = m.mouth_corner[s];
    // The lateral upper lip: 52 on the image's right (the person's left), 50 on its left.
    v.upper_lip_y[s] = face.points[s == Side::Left ? 52 : 50].y;
  }
  return v;
}

double percentile(std::vector<double> x, double p) {
  std::erase_if(x, [](double v) { return !std::isfinite(v); });
  if (x.empty())
    return kNaN;
  std::sort(x.begin(), x.end());
  const double pos = p * static_cast<double>(x.size() - 1);
  const auto i = static_cast<std::size_t>(std::floor(pos));
  const std::size_t j = std::min(i + 1, x.size() - 1);
  return x[i] + (pos - static_cast<double>(i)) * (x[j] - x[i]);
}

double median(std::vector<double> x) { return percentile(std::move(x), 0.5); }

double dist(cv::Point2f a, cv::Point2f b) { return std::hypot(a.x - b.x, a.y - b.y); }

// The resting face: medians over the rest step's usable frames.
struct Rest {
  PerSide<double> brow{kNaN, kNaN}, aperture{kNaN, kNaN}, excursion{kNaN, kNaN}, smile_angle{kNaN, kNaN},
      upper_lip_y{kNaN, kNaN};
  PerSide<cv::Point2f> corner{};
  bool measured = false;
};

template <class F>
std::vector<double> collect(const std::vector<FrameValues>& fv, F f) {
  std::vector<double> out;
  out.reserve(fv.size());
  for (const auto& v : fv)
    out.push_back(f(v));
  return out;
}

// The median position of a mouth corner over the frames.
cv::Point2f median_corner(const std::vector<FrameValues>& fv, Side s) {
  return {static_cast<float>(median(collect(fv, [s](const FrameValues& v) { return static_cast<double>(v.corner[s].x); }))),
          static_cast<float>(median(collect(fv, [s](const FrameValues& v) { return static_cast<double>(v.corner[s].y); })))};
}

Rest rest_of(const std::vector<FrameValues>& fv) {
  Rest r;
  if (fv.empty())
    return r;
  r.measured = true;
  for (Side s : kSides) {
    r.brow[s] = median(collect(fv, [s](const FrameValues& v) { return v.brow[s]; }));
    r.aperture[s] = median(collect(fv, [s](const FrameValues& v) { return v.aperture[s]; }));
    r.excursion[s] = median(collect(fv, [s](const FrameValues& v) { return v.excursion[s]; }));
    r.smile_angle[s] = median(collect(fv, [s](const FrameValues& v) { return v.smile_angle[s]; }));
    r.upper_lip_y[s] = median(collect(fv, [s](const FrameValues& v) { return v.upper_lip_y[s]; }));
    r.corner[s] = median_corner(fv, s);
  }
  return r;
}

// A movement measure: left and right compared, the smaller movement is the weaker side.
StepMeasure movement_measure(std::string key, std::string label, std::string unit, double left, double right,
                             double min_movement) {
  StepMeasure m;
  m.key = std::move(key);
  m.label = std::move(label);
  m.unit = std::move(unit);
  m.left = left;
  m.right = right;
  if (!std::isfinite(left) || !std::isfinite(right))
    return m;
  m.diff = left - right;
  if (m.unit == "iod")
    m.diff_mm = m.diff * kAssumedIodMm;
  const double stronger = std::max(std::abs(left), std::abs(right));
  if (stronger > 0.0)
    m.percent_of_stronger = std::abs(left - right) / stronger * 100.0;
  if (stronger >= min_movement && left != right)
    m.weaker = left < right ? Side::Left : Side::Right;
  return m;
}

// A resting value, compared against its normal band (metrics/regional_asymmetry.hpp).
StepMeasure rest_measure(AsymmetryMeasure which, double left, double right) {
  const RegionalAsymmetry a = compare_sides(which, left, right);
  const AsymmetryMeasureInfo& info = measure_info(which);
  StepMeasure m;
  m.key = std::string(info.key);
  m.label = std::string(info.label);
  m.unit = info.angle ? "deg" : "iod";
  m.left = a.left;
  m.right = a.right;
  m.diff = a.diff;
  m.diff_mm = a.diff_mm;
  m.percent_of_stronger = a.percent;
  if (a.has_weaker)
    m.weaker = a.weaker;
  m.verdict = std::string(to_string(a.verdict));
  return m;
}

// The 90th percentile over the step of a per-frame movement value, per side.
template <class F>
PerSide<double> held(const std::vector<FrameValues>& fv, F f) {
  PerSide<double> out;
  for (Side s : kSides)
    out[s] = percentile(collect(fv, [&](const FrameValues& v) { return f(v, s); }), 0.9);
  return out;
}

std::vector<StepMeasure> measures_of(Movement mv, const std::vector<FrameValues>& fv, const Rest& rest) {
  std::vector<StepMeasure> out;
  if (mv == Movement::Rest) {
    PerSide<double> corner_y{static_cast<double>(rest.corner.left.y), static_cast<double>(rest.corner.right.y)};
    out.push_back(rest_measure(AsymmetryMeasure::BrowHeight, rest.brow.left, rest.brow.right));
    out.push_back(rest_measure(AsymmetryMeasure::PalpebralFissure, rest.aperture.left, rest.aperture.right));
    out.push_back(rest_measure(AsymmetryMeasure::MouthCornerHeight, corner_y.left, corner_y.right));
    out.push_back(rest_measure(AsymmetryMeasure::CommissureExcursion, rest.excursion.left, rest.excursion.right));
    out.push_back(rest_measure(AsymmetryMeasure::SmileAngle, rest.smile_angle.left, rest.smile_angle.right));
    return out;
  }
  if (!rest.measured || fv.empty())
    return out;
  auto add = [&](const char* key, const char* label, const char* unit, PerSide<double> v, double min_movement) {
    out.push_back(movement_measure(key, label, unit, v.left, v.right, min_movement));
  };
  switch (mv) {
    case Movement::Rest:
      break;
    case Movement::BrowRaise:
      add("brow_raise", "Brow raise", "iod", held(fv, [&](const FrameValues& v, Side s) { return v.brow[s] - rest.brow[s]; }),
          kMinMovementIod);
      break;
    case Movement::GentleEyeClosure:
    case Movement::TightEyeClosure:
      add("eye_closure", "Eye closure", "%",
          held(fv, [&](const FrameValues& v, Side s) { return (rest.aperture[s] - v.aperture[s]) / rest.aperture[s] * 100.0; }),
          2.0);
      break;
    case Movement::Smile:
      add("commissure_excursion_gain", "Commissure excursion gain", "iod",
          held(fv, [&](const FrameValues& v, Side s) { return v.excursion[s] - rest.excursion[s]; }), kMinMovementIod);
      add("corner_lift", "Mouth-corner lift", "iod",
          held(fv, [&](const FrameValues& v, Side s) { return static_cast<double>(v.corner[s].y - rest.corner[s].y); }),
          kMinMovementIod);
      add("smile_angle", "Smile angle at the peak", "deg", held(fv, [](const FrameValues& v, Side s) { return v.smile_angle[s]; }),
          0.0);
      break;
    case Movement::Snarl:
      add("upper_lip_lift", "Upper-lip lift", "iod",
          held(fv, [&](const FrameValues& v, Side s) { return v.upper_lip_y[s] - rest.upper_lip_y[s]; }), kMinMovementIod);
      break;
    case Movement::Pucker:
      add("corner_to_midline", "Mouth corner toward the midline", "iod",
          held(fv, [&](const FrameValues& v, Side s) {
            return std::abs(static_cast<double>(rest.corner[s].x)) - std::abs(static_cast<double>(v.corner[s].x));
          }),
          kMinMovementIod);
      break;
    case Movement::Speech: {
      PerSide<double> range;
      for (Side s : kSides) {
        auto d = collect(fv, [&](const FrameValues& v) { return dist(v.corner[s], rest.corner[s]); });
        range[s] = percentile(d, 0.9) - percentile(d, 0.1);
      }
      add("corner_movement_range", "Mouth-corner movement range", "iod", range, kMinMovementIod);
      break;
    }
  }
  return out;
}

std::vector<SynkinesisSign> synkinesis_of(Movement mv, const std::vector<FrameValues>& fv, const Rest& rest) {
  std::vector<SynkinesisSign> out;
  if (!rest.measured || fv.empty())
    return out;
  PerSide<double> value;
  SynkinesisSign proto;
  double margin = 0.0;
  if (is_mouth_movement(mv)) {
    for (Side s : kSides) {
      const double ap = median(collect(fv, [s](const FrameValues& v) { return v.aperture[s]; }));
      value[s] = (rest.aperture[s] - ap) / rest.aperture[s] * 100.0;
    }
    proto.region = Region::Eye;
    proto.what = "eye narrowing";
    proto.unit = "%";
    proto.threshold = kOcularSynkinesisPct;
    margin = kOcularSynkinesisMarginPct;
  } else if (is_eye_movement(mv)) {
    for (Side s : kSides)
      value[s] = dist(median_corner(fv, s), rest.corner[s]);
    proto.region = Region::Mouth;
    proto.what = "mouth-corner movement";
    proto.unit = "iod";
    proto.threshold = kOralSynkinesisIod;
    margin = kOralSynkinesisMarginIod;
  } else {
    return out;
  }
  for (Side s : kSides) {
    SynkinesisSign k = proto;
    k.side = s;
    k.value = value[s];
    const double other = value[s == Side::Left ? Side::Right : Side::Left];
    k.flag = std::isfinite(k.value) && k.value >= k.threshold && std::isfinite(other) && k.value - other >= margin;
    out.push_back(k);
  }
  return out;
}

std::string pct(double share) { return fmt::format("{:.0f}%", share * 100.0); }

void assess_quality(StepResult& r, const std::vector<const FrameRecord*>& rows) {
  r.frames = static_cast<std::int64_t>(rows.size());
  if (rows.empty()) {
    r.quality_problems.push_back("no frames were recorded in this step");
    return;
  }
  std::map<std::uint32_t, std::int64_t> counts;
  for (const FrameRecord* row : rows) {
    const std::uint32_t q = row->metrics.face_found ? row->metrics.quality : kQualityNoFace;
    if ((q & kUnusable) == 0)
      ++r.frames_good;
    for (std::uint32_t bit = 1; bit <= kUnusable; bit <<= 1)  // every flag of the mask, whichever is highest
      if (q & bit & kUnusable)
        ++counts[bit];
  }
  const double n = static_cast<double>(rows.size());
  for (const auto& [bit, count] : counts) {
    const double share = static_cast<double>(count) / n;
    if (share >= kProblemShare)
      r.quality_problems.push_back(fmt::format("{} in {} of frames", protocol_quality_problem(bit), pct(share)));
  }
  if (rows.size() >= 2) {
    const double span = rows.back()->metrics.t - rows.front()->metrics.t;
    if (span > 0.0)
      r.fps = static_cast<double>(rows.size() - 1) / span;
  }
  if (std::isfinite(r.fps) && r.fps < kMinStepFps)
    r.quality_problems.push_back(fmt::format("frame rate {:.1f} fps (at least {:.0f} needed)", r.fps, kMinStepFps));
  const double usable = static_cast<double>(r.frames_good) / n;
  if (usable < kMinUsableFraction && r.quality_problems.empty())
    r.quality_problems.push_back(fmt::format("only {} of frames usable", pct(usable)));
  r.quality_ok = usable >= kMinUsableFraction && !(std::isfinite(r.fps) && r.fps < kMinStepFps);
}

json number(double v) { return std::isfinite(v) ? json(v) : json(nullptr); }

json side_or_null(const std::optional<Side>& s) { return s ? json(std::string(to_string(*s))) : json(nullptr); }

}  // namespace

const char* protocol_quality_problem(std::uint32_t flag) {
  if (flag & kQualityNoFace) return "no face found";
  if (flag & kQualityPose) return "head turned or tilted (pose)";
  if (flag & kQualitySmall) return "face too small";
  if (flag & kQualityDark) return "face too dark";
  if (flag & kQualityBright) return "face overexposed";
  if (flag & kQualityBlur) return "picture blurred";
  if (flag & kQualityDamaged) return "damaged in the video file";
  return "picture not usable";
}

int ProtocolResult::steps_quality_ok() const {
  return static_cast<int>(std::count_if(steps.begin(), steps.end(), [](const StepResult& s) { return s.quality_ok; }));
}

int ProtocolResult::synkinesis_flags() const {
  int n = 0;
  for (const auto& s : steps)
    for (const auto& k : s.synkinesis)
      n += k.flag ? 1 : 0;
  return n;
}

Result<ProtocolResult> score_protocol(const Protocol& protocol, const ProtocolTiming& timing,
                                      const std::vector<FrameRecord>& frames, const std::vector<Episode>& episodes) {
  if (Status st = validate(timing, protocol); !st)
    return st.error();
  ProtocolResult out;
  out.protocol_name = protocol.name;
  out.protocol_file = protocol.file;
  for (const auto& ps : protocol.steps) {
    const bool timed = std::any_of(timing.steps.begin(), timing.steps.end(), [&](const StepTiming& t) { return t.id == ps.id; });
    if (!timed)
      out.steps_missing.push_back(ps.id);
  }

  // Frames of each timed step, and the usable ones' values.
  struct StepFrames {
    std::vector<const FrameRecord*> rows;
    std::vector<FrameValues> values;
  };
  std::vector<StepFrames> per_step(timing.steps.size());
  for (std::size_t i = 0; i < timing.steps.size(); ++i) {
    const auto& st = timing.steps[i];
    for (const auto& row : frames) {
      if (row.metrics.t < st.start_s || row.metrics.t >= st.end_s)
        continue;
      per_step[i].rows.push_back(&row);
      const std::uint32_t q = row.metrics.face_found ? row.metrics.quality : kQualityNoFace;
      if ((q & kUnusable) == 0)
        per_step[i].values.push_back(frame_values(row));
    }
  }
  Rest rest;
  for (std::size_t i = 0; i < timing.steps.size(); ++i) {
    if (protocol.find(timing.steps[i].id)->movement == Movement::Rest && !per_step[i].values.empty()) {
      rest = rest_of(per_step[i].values);
      break;
    }
  }

  for (std::size_t i = 0; i < timing.steps.size(); ++i) {
    const auto& st = timing.steps[i];
    StepResult r;
    r.step = *protocol.find(st.id);
    r.start_s = st.start_s;
    r.end_s = st.end_s;
    r.retakes = st.retakes;
    assess_quality(r, per_step[i].rows);
    if (r.step.movement != Movement::Rest && !rest.measured)
      r.quality_problems.push_back("not measured: the rest step has no usable frames to compare with");
    r.measures = measures_of(r.step.movement, per_step[i].values, rest);
    r.synkinesis = synkinesis_of(r.step.movement, per_step[i].values, rest);
    for (const auto& e : episodes) {
      if (e.start_s >= st.start_s && e.start_s < st.end_s) {
        ++r.episode_count;
        r.twitch_count += e.twitch_count;
      }
    }
    out.steps.push_back(std::move(r));
  }
  return out;
}

Result<ProtocolResult> score_protocol_session(const fs::path& session_dir, const Protocol& protocol,
                                              const ProtocolTiming& timing) {
  auto frames = read_frames_csv(session_dir / "frames.csv");
  if (!frames)
    return frames.error();
  auto episodes = read_episodes_csv(session_dir / "episodes.csv");
  if (!episodes)
    return episodes.error();
  return score_protocol(protocol, timing, frames->rows, *episodes);
}

std::string protocol_result_json(const ProtocolResult& r) {
  json steps = json::array();
  for (const auto& s : r.steps) {
    json measures = json::array();
    for (const auto& m : s.measures) {
      json jm{{"key", m.key},
              {"label", m.label},
              {"unit", m.unit},
              {"left", number(m.left)},
              {"right", number(m.right)},
              {"diff", number(m.diff)},
              {"diff_mm", number(m.diff_mm)},
              {"percent_of_stronger", number(m.percent_of_stronger)},
              {"weaker_side", side_or_null(m.weaker)}};
      if (!m.verdict.empty())
        jm["verdict"] = m.verdict;
      measures.push_back(std::move(jm));
    }
    json syn = json::array();
    for (const auto& k : s.synkinesis) {
      syn.push_back({{"side", std::string(to_string(k.side))},
                     {"region", std::string(to_string(k.region))},
                     {"what", k.what},
                     {"value", number(k.value)},
                     {"unit", k.unit},
                     {"threshold", number(k.threshold)},
                     {"flag", k.flag}});
    }
    steps.push_back({{"id", s.step.id},
                     {"label", s.step.label},
                     {"movement", std::string(to_string(s.step.movement))},
                     {"prompt", s.step.prompt},
                     {"start_s", s.start_s},
                     {"end_s", s.end_s},
                     {"frames", s.frames},
                     {"frames_good", s.frames_good},
                     {"fps", number(s.fps)},
                     {"quality_ok", s.quality_ok},
                     {"quality_problems", s.quality_problems},
                     {"retakes", s.retakes},
                     {"measures", measures},
                     {"synkinesis", syn},
                     {"episode_count", s.episode_count},
                     {"twitch_count", s.twitch_count}});
  }
  json j{{"format", "facetwitch-protocol-result"},
         {"format_version", 1},
         {"patient_id", r.patient_id},
         {"protocol", {{"name", r.protocol_name}, {"file", r.protocol_file.string()}}},
         {"steps", steps},
         {"steps_missing", r.steps_missing},
         {"summary",
          {{"steps", static_cast<int>(r.steps.size())},
           {"steps_quality_ok", r.steps_quality_ok()},
           {"synkinesis_flags", r.synkinesis_flags()}}}};
  return j.dump(2) + "\n";
}

Status write_protocol_result(const fs::path& path, const ProtocolResult& r) {
  return write_file_atomically(path, protocol_result_json(r));
}

std::string protocol_table(const ProtocolResult& r) {
  std::ostringstream o;
  auto value = [](double v, const std::string& unit) -> std::string {
    if (!std::isfinite(v))
      return "-";
    if (unit == "iod")
      return fmt::format("{:.1f}%", v * 100.0);  // % IOD
    if (unit == "deg")
      return fmt::format("{:.1f}deg", v);
    return fmt::format("{:.0f}%", v);
  };
  o << fmt::format("Protocol: {}\n", r.protocol_name);
  o << fmt::format("{:<32} {:<34} {:>9} {:>9} {:>8} {:>7}  {}\n", "Step", "Measure (IOD as % IOD)", "Left", "Right",
                   "%weaker", "Weaker", "Notes");
  for (const auto& s : r.steps) {
    std::string notes;
    if (!s.quality_ok)
      notes += "RETAKE ADVISED";
    for (const auto& p : s.quality_problems)
      notes += (notes.empty() ? "" : "; ") + p;
    for (const auto& k : s.synkinesis) {
      if (k.flag) {
        notes += (notes.empty() ? "" : "; ") +
                 fmt::format("SYNKINESIS {} {} {}", to_string(k.side), k.what, value(k.value, k.unit));
      }
    }
    if (s.episode_count > 0)
      notes += (notes.empty() ? "" : "; ") + fmt::format("{} twitch episode(s)", s.episode_count);
    const std::string name = fmt::format("{} ({:.1f}-{:.1f}s)", s.step.label, s.start_s, s.end_s);
    if (s.measures.empty()) {
      o << fmt::format("{:<32} {:<34} {:>9} {:>9} {:>8} {:>7}  {}\n", name, "-", "-", "-", "-", "-", notes);
      continue;
    }
    bool first = true;
    for (const auto& m : s.measures) {
      o << fmt::format("{:<32} {:<34} {:>9} {:>9} {:>8} {:>7}  {}\n", first ? name : "", m.label, value(m.left, m.unit),
                       value(m.right, m.unit),
                       std::isfinite(m.percent_of_stronger) ? fmt::format("{:.0f}", m.percent_of_stronger) : "-",
                       m.weaker ? std::string(to_string(*m.weaker)) : "-",
                       first ? notes : (m.verdict.empty() ? "" : "band: " + m.verdict));
      first = false;
    }
  }
  for (const auto& id : r.steps_missing)
    o << fmt::format("{:<32} not recorded\n", id);
  return o.str();
}

}  // namespace ft
