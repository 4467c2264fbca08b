// scenario.cpp: event waveforms, presets, validation and the JSON form of scenarios and truth
// files.
#include "synth/scenario.hpp"

#include <algorithm>
#include <array>
#include <cctype>
#include <cmath>
#include <fstream>
#include <numbers>
#include <random>
#include <sstream>
#include <stdexcept>
#include <system_error>

#include <nlohmann/json.hpp>

#include "core/file_write.hpp"
#include "synth/draw.hpp"

namespace ft {
namespace {

using nlohmann::json;

constexpr double kPi = std::numbers::pi;
constexpr double kEps = 1e-9;

double hann(double x) {
  return 0.5 * (1.0 - std::cos(2.0 * kPi * x));
}  // x in [0,1]
double smoothstep(double x) {
  x = std::clamp(x, 0.0, 1.0);
  return x * x * (3.0 - 2.0 * x);
}

double round_to(double v, double step) {
  return std::round(v / step) * step;
}
double ceil_to(double v, double step) {
  return std::ceil(v / step - 1e-9) * step;
}

std::string num(double v) {
  std::ostringstream s;
  s.precision(6);
  s << v;
  return s.str();
}

// ---- JSON helpers: exceptions stay inside this file ----

struct ParseError : std::runtime_error {
  using std::runtime_error::runtime_error;
};

template <class T>
T req(const json& j, const char* key) {
  if (!j.is_object() || !j.contains(key))
    throw ParseError(std::string("missing key '") + key + "'");
  try {
    return j.at(key).get<T>();
  } catch (const json::exception&) {
    throw ParseError(std::string("key '") + key + "' has the wrong type");
  }
}

template <class T>
T opt(const json& j, const char* key, T fallback) {
  if (!j.is_object() || !j.contains(key) || j.at(key).is_null())
    return fallback;
  try {
    return j.at(key).get<T>();
  } catch (const json::exception&) {
    throw ParseError(std::string("key '") + key + "' has the wrong type");
  }
}

Side req_side(const json& j, const char* key) {
  auto s = parse_side(req<std::string>(j, key));
  if (!s)
    throw ParseError(std::string("key '") + key + "' must be \"left\" or \"right\"");
  return *s;
}

Region req_region(const json& j, const char* key) {
  auto r = parse_region(req<std::string>(j, key));
  if (!r)
    throw ParseError(std::string("key '") + key + "' must be \"mouth\" or \"eye\"");
  return *r;
}

json head_motion_json(const HeadMotion& m) {
  return json{{"translate_px", m.translate_px},
              {"rotate_deg", m.rotate_deg},
              {"scale", m.scale},
              {"period_s", m.period_s}};
}

HeadMotion head_motion_from(const json& j) {
  HeadMotion m;
  if (j.is_null())
    return m;
  m.translate_px = opt<double>(j, "translate_px", 0.0);
  m.rotate_deg = opt<double>(j, "rotate_deg", 0.0);
  m.scale = opt<double>(j, "scale", 0.0);
  m.period_s = opt<double>(j, "period_s", 6.0);
  return m;
}

json rest_motion_json(const RestMotion& r) {
  return json{{"corner_iod", r.corner_iod},
              {"lid_iod", r.lid_iod},
              {"period_s", r.period_s},
              {"shared", r.shared},
              {"seed", r.seed}};
}

RestMotion rest_motion_from(const json& j) {
  RestMotion r;
  if (j.is_null())
    return r;
  r.corner_iod = opt<double>(j, "corner_iod", 0.0);
  r.lid_iod = opt<double>(j, "lid_iod", 0.0);
  r.period_s = opt<double>(j, "period_s", r.period_s);
  r.shared = opt<double>(j, "shared", r.shared);
  r.seed = opt<std::uint64_t>(j, "seed", r.seed);
  return r;
}

json droop_json(const std::optional<DroopSpec>& d) {
  if (!d)
    return nullptr;
  return json{{"side", std::string(to_string(d->side))}, {"amplitude_iod", d->amplitude_iod}};
}

std::optional<DroopSpec> droop_from(const json& j, const char* key) {
  if (!j.contains(key) || j.at(key).is_null())
    return std::nullopt;
  const json& d = j.at(key);
  return DroopSpec{req_side(d, "side"), req<double>(d, "amplitude_iod")};
}

Scenario scenario_from(const json& j) {
  Scenario s;
  s.duration_s = req<double>(j, "duration_s");
  s.fps = req<double>(j, "fps");
  s.width = req<int>(j, "width");
  s.height = req<int>(j, "height");
  s.face_scale = opt<double>(j, "face_scale", s.face_scale);
  s.seed = opt<std::uint64_t>(j, "seed", s.seed);
  s.noise_sigma = opt<double>(j, "noise_sigma", s.noise_sigma);
  s.lighting_drift = opt<double>(j, "lighting_drift", s.lighting_drift);
  s.lighting_period_s = opt<double>(j, "lighting_period_s", s.lighting_period_s);
  s.mirrored = opt<bool>(j, "mirrored", s.mirrored);
  if (j.contains("twitches")) {
    for (const auto& e : j.at("twitches")) {
      s.twitches.push_back({req_region(e, "region"), req_side(e, "side"), req<double>(e, "start_s"),
                            req<double>(e, "duration_s"), opt<double>(e, "frequency_hz", 5.0),
                            req<double>(e, "amplitude_iod"), opt<bool>(e, "tonic", false),
                            opt<double>(e, "brow_lift_iod", 0.0)});
    }
  }
  if (j.contains("blinks")) {
    for (const auto& e : j.at("blinks")) {
      s.blinks.push_back({req<double>(e, "start_s"), opt<double>(e, "duration_s", 0.25),
                          opt<double>(e, "closure", 0.8)});
    }
  }
  if (j.contains("smiles")) {
    for (const auto& e : j.at("smiles")) {
      s.smiles.push_back({req<double>(e, "start_s"), req<double>(e, "duration_s"),
                          req<double>(e, "amplitude_iod")});
    }
  }
  if (j.contains("expressions")) {
    for (const auto& e : j.at("expressions")) {
      const auto kind = parse_expression_kind(req<std::string>(e, "kind"));
      if (!kind)
        throw ParseError("\"kind\" must be brow_raise, eye_closure, smile, snarl or pucker");
      ExpressionSpec x;
      x.kind = *kind;
      x.start_s = req<double>(e, "start_s");
      x.duration_s = req<double>(e, "duration_s");
      x.amount = {req<double>(e, "left"), req<double>(e, "right")};
      x.rise_s = opt<double>(e, "rise_s", x.rise_s);
      s.expressions.push_back(x);
    }
  }
  if (j.contains("talks")) {
    for (const auto& e : j.at("talks")) {
      TalkSpec k;
      k.start_s = req<double>(e, "start_s");
      k.duration_s = req<double>(e, "duration_s");
      k.rate_hz = opt<double>(e, "rate_hz", k.rate_hz);
      k.opening_iod = opt<double>(e, "opening_iod", k.opening_iod);
      k.corner_iod = opt<double>(e, "corner_iod", k.corner_iod);
      k.imbalance = opt<double>(e, "imbalance", k.imbalance);
      k.seed = opt<std::uint64_t>(e, "seed", k.seed);
      s.talks.push_back(k);
    }
  }
  s.droop = droop_from(j, "droop");
  if (j.contains("head_motion"))
    s.head_motion = head_motion_from(j.at("head_motion"));
  if (j.contains("rest_motion"))
    s.rest_motion = rest_motion_from(j.at("rest_motion"));
  return s;
}

json talk_json(const TalkSpec& k) {
  return json{{"start_s", k.start_s},   {"duration_s", k.duration_s}, {"rate_hz", k.rate_hz},
              {"opening_iod", k.opening_iod}, {"corner_iod", k.corner_iod}, {"imbalance", k.imbalance},
              {"seed", k.seed}};
}

// One event of a random scenario while it is being laid out on the time line.
struct Placed {
  enum class Kind { Twitch, Blink, Smile } kind = Kind::Twitch;
  TwitchEpisodeSpec twitch;
  BlinkSpec blink;
  SmileSpec smile;

  double extent() const {
    switch (kind) {
      case Kind::Twitch:
        return twitch.end_s() - twitch.start_s;
      case Kind::Blink:
        return blink.duration_s;
      case Kind::Smile:
        return smile.duration_s;
    }
    return 0.0;
  }
  void set_start(double t) {
    twitch.start_s = t;
    blink.start_s = t;
    smile.start_s = t;
  }
};

TwitchEpisodeSpec draw_twitch(Draw& d, double fps) {
  TwitchEpisodeSpec e;
  e.region = d.coin() ? Region::Eye : Region::Mouth;
  e.side = d.coin() ? Side::Right : Side::Left;
  const double fmax = std::min(12.0, std::floor(fps / 2.0 * 10.0) / 10.0 - 0.5);
  e.frequency_hz = round_to(d.uniform(2.0, std::max(2.0, fmax)), 0.1);
  e.amplitude_iod = round_to(d.uniform(0.01, 0.06), 0.001);
  e.duration_s = round_to(d.uniform(0.5, 4.0), 0.1);
  return e;
}

Scenario base_random(std::uint64_t seed, const RandomScenarioOptions& o) {
  Scenario s;
  s.seed = seed;
  s.duration_s = o.duration_s;
  s.fps = o.fps;
  s.width = o.width;
  s.height = o.height;
  s.face_scale = o.face_scale;
  s.noise_sigma = o.noise_sigma;
  s.lighting_drift = o.lighting_drift;
  return s;
}

// Draws the non-event parts, shuffles the events and spreads them over the time line with at least
// min_gap_s between them. Events that do not fit are dropped (blinks and smiles first, then twitch
// episodes beyond the first, which is shortened if needed).
Scenario lay_out(Scenario s, Draw& d, std::vector<Placed> events, const RandomScenarioOptions& o) {
  if (o.head_motion) {
    s.head_motion.translate_px = round_to(d.uniform(1.0, 5.0), 0.1);
    s.head_motion.rotate_deg = round_to(d.uniform(0.3, 2.0), 0.1);
    s.head_motion.scale = round_to(d.uniform(0.0, 0.02), 0.001);
    s.head_motion.period_s = round_to(d.uniform(4.0, 9.0), 0.1);
  }
  s.lighting_period_s = round_to(d.uniform(6.0, 12.0), 0.1);

  for (std::size_t i = events.size(); i > 1; --i) {  // Fisher-Yates
    const auto k = static_cast<std::size_t>(d.integer(0, static_cast<int>(i) - 1));
    std::swap(events[i - 1], events[k]);
  }

  const double step = 0.01;  // start times are multiples of 10 ms
  const double window = o.duration_s - o.tail_s - o.first_event_s;
  auto needed = [&] {
    double n = 0.0;
    for (const auto& e : events)
      n += e.extent() + step;
    return n + o.min_gap_s * (events.empty() ? 0.0 : static_cast<double>(events.size() - 1));
  };
  auto drop_last = [&](Placed::Kind kind) {
    for (std::size_t i = events.size(); i-- > 0;) {
      if (events[i].kind == kind) {
        events.erase(events.begin() + static_cast<std::ptrdiff_t>(i));
        return true;
      }
    }
    return false;
  };
  while (!events.empty() && needed() > window) {
    if (drop_last(Placed::Kind::Blink) || drop_last(Placed::Kind::Smile))
      continue;
    if (events.size() > 1) {
      events.pop_back();
      continue;
    }
    // One twitch episode left: shorten it (keeping at least one pulse), else give up on it.
    auto& t = events.front().twitch;
    if (t.duration_s > 0.15) {
      t.duration_s = std::max(0.1, round_to(t.duration_s - 0.2, 0.1));
    } else {
      events.clear();
    }
  }

  const double slack = std::max(0.0, window - needed());
  std::vector<double> weights(events.size() + 1);
  double total = 0.0;
  for (auto& w : weights)
    total += (w = d.uniform() + 0.05);
  double t = o.first_event_s + slack * weights[0] / total;
  for (std::size_t k = 0; k < events.size(); ++k) {
    const double start = ceil_to(t, step);
    events[k].set_start(start);
    t = start + events[k].extent() + o.min_gap_s + slack * weights[k + 1] / total;
  }
  for (const auto& e : events) {
    switch (e.kind) {
      case Placed::Kind::Twitch:
        s.twitches.push_back(e.twitch);
        break;
      case Placed::Kind::Blink:
        s.blinks.push_back(e.blink);
        break;
      case Placed::Kind::Smile:
        s.smiles.push_back(e.smile);
        break;
    }
  }
  std::sort(s.twitches.begin(), s.twitches.end(),
            [](const auto& a, const auto& b) { return a.start_s < b.start_s; });
  std::sort(s.blinks.begin(), s.blinks.end(),
            [](const auto& a, const auto& b) { return a.start_s < b.start_s; });
  std::sort(s.smiles.begin(), s.smiles.end(),
            [](const auto& a, const auto& b) { return a.start_s < b.start_s; });
  return s;
}

void add_blinks_and_smiles(Draw& d, int blinks, int smiles, std::vector<Placed>& events) {
  for (int i = 0; i < blinks; ++i) {
    Placed p;
    p.kind = Placed::Kind::Blink;
    p.blink.duration_s = round_to(d.uniform(0.2, 0.35), 0.01);
    p.blink.closure = round_to(d.uniform(0.6, 0.95), 0.01);
    events.push_back(p);
  }
  for (int i = 0; i < smiles; ++i) {
    Placed p;
    p.kind = Placed::Kind::Smile;
    p.smile.duration_s = round_to(d.uniform(1.0, 2.5), 0.1);
    p.smile.amplitude_iod = round_to(d.uniform(0.02, 0.06), 0.001);
    events.push_back(p);
  }
}

}  // namespace

// ---- waveforms ----

int TwitchEpisodeSpec::twitch_count() const {
  if (tonic)
    return 1;
  return std::max(1, static_cast<int>(std::lround(frequency_hz * duration_s)));
}

double TwitchEpisodeSpec::pulse_width_s() const {
  return std::min(1.0 / frequency_hz, 0.2);
}

double TwitchEpisodeSpec::twitch_start_s(int k) const {
  return start_s + k / frequency_hz;
}

double TwitchEpisodeSpec::end_s() const {
  if (tonic)
    return start_s + duration_s;
  return start_s + (twitch_count() - 1) / frequency_hz + pulse_width_s();
}

double TwitchEpisodeSpec::value_iod(double t) const {
  if (t < start_s || t > end_s())
    return 0.0;
  if (tonic) {
    constexpr double kRiseS = 0.05, kFallS = 0.15;
    const double up = std::min(1.0, (t - start_s) / kRiseS);
    const double down = std::min(1.0, (end_s() - t) / kFallS);
    // Half a raised cosine on each flank: hann(x / 2) rises from 0 at x = 0 to 1 at x = 1.
    return amplitude_iod * hann(0.5 * std::min(up, down));
  }
  const int k =
      std::min(twitch_count() - 1, static_cast<int>(std::floor((t - start_s) * frequency_hz)));
  const double w = pulse_width_s();
  // Guard against t sitting a rounding error before twitch k's start.
  for (int j = std::max(0, k - 1); j <= k; ++j) {
    const double x = (t - twitch_start_s(j)) / w;
    if (x >= 0.0 && x <= 1.0)
      return amplitude_iod * hann(x);
  }
  return 0.0;
}

double BlinkSpec::closure_at(double t) const {
  if (duration_s <= 0.0 || t < start_s || t > end_s())
    return 0.0;
  return closure * hann((t - start_s) / duration_s);
}

double SmileSpec::value_iod(double t) const {
  if (duration_s <= 0.0 || t <= start_s || t >= end_s())
    return 0.0;
  const double ramp = std::min(0.4, duration_s / 2.0);
  const double up = smoothstep((t - start_s) / ramp);
  const double down = smoothstep((end_s() - t) / ramp);
  return amplitude_iod * std::min(up, down);
}

namespace {
constexpr std::array<std::pair<ExpressionKind, std::string_view>, 5> kExpressionNames{{
    {ExpressionKind::BrowRaise, "brow_raise"},
    {ExpressionKind::EyeClosure, "eye_closure"},
    {ExpressionKind::Smile, "smile"},
    {ExpressionKind::Snarl, "snarl"},
    {ExpressionKind::Pucker, "pucker"},
}};
}  // namespace

std::string_view to_string(ExpressionKind k) {
  for (const auto& [kind, name] : kExpressionNames)
    if (kind == k)
      return name;
  return "?";
}

std::optional<ExpressionKind> parse_expression_kind(const std::string& s) {
  for (const auto& [kind, name] : kExpressionNames)
    if (name == s)
      return kind;
  return std::nullopt;
}

double ExpressionSpec::envelope(double t) const {
  if (duration_s <= 0.0 || t <= start_s || t >= end_s())
    return 0.0;
  const double ramp = std::max(1e-3, std::min(rise_s, duration_s / 2.0));
  return std::min(smoothstep((t - start_s) / ramp), smoothstep((end_s() - t) / ramp));
}

std::vector<TalkSpec::Syllable> TalkSpec::syllables() const {
  std::vector<Syllable> out;
  if (!(rate_hz > 0.0) || !(duration_s > 0.0))
    return out;
  Draw d(seed ^ 0x74616c6b5f73796cULL);  // "talk_syl"
  double t = start_s;
  for (int k = 0; k < 10000; ++k) {
    const double interval = d.uniform(0.65, 1.35) / rate_hz;
    Syllable syl;
    syl.start_s = t;
    syl.width_s = interval * d.uniform(0.75, 0.95);
    const bool weak = d.uniform() < 0.125;
    syl.strength = weak ? d.uniform(0.15, 0.3) : d.uniform(0.45, 1.0);
    syl.corner = d.uniform(-1.0, 1.0);
    if (syl.start_s + syl.width_s > end_s() + kEps) {
      if (out.empty()) {  // keep one syllable, shortened to fit
        syl.width_s = duration_s;
        out.push_back(syl);
      }
      break;
    }
    out.push_back(syl);
    t += interval;
  }
  return out;
}

double TalkSpec::opening_iod_at(double t) const {
  if (t <= start_s || t >= end_s())
    return 0.0;
  for (const auto& syl : syllables()) {
    const double x = (t - syl.start_s) / syl.width_s;
    if (x > 0.0 && x < 1.0)
      return opening_iod * syl.strength * hann(x);
  }
  return 0.0;
}

PerSide<double> TalkSpec::corner_iod_at(double t) const {
  PerSide<double> out{0.0, 0.0};
  if (t <= start_s || t >= end_s())
    return out;
  for (const auto& syl : syllables()) {
    const double x = (t - syl.start_s) / syl.width_s;
    if (x > 0.0 && x < 1.0) {
      const double v = corner_iod * syl.corner * hann(x);
      out.left = v * (1.0 + imbalance);
      out.right = v * (1.0 - imbalance);
      break;
    }
  }
  return out;
}

namespace {
// One wander component at t (RestMotion): kWanderComponents sines, each kWanderRatio times the previous
// one's frequency and 1 / sqrt(k + 1) as strong, with seeded phases; `stream` picks the phases.
// kWanderPeak times the weighted mean of the sines, which rarely peak together: over 20 s its peaks
// reach about 1 (never more than kWanderPeak).
constexpr int kWanderComponents = 5;
constexpr double kWanderRatio = 1.618;
constexpr double kWanderPeak = 1.6;
double wander(const RestMotion& r, int stream, double t) {
  Draw d(r.seed ^ (0x726573745f6d6f74ULL + static_cast<std::uint64_t>(stream)));  // "rest_mot"
  const double w = 2.0 * kPi * t / r.period_s;
  double sum = 0.0, norm = 0.0, f = 1.0;
  for (int k = 0; k < kWanderComponents; ++k) {
    const double weight = 1.0 / std::sqrt(1.0 + k);
    sum += weight * std::sin(f * w + d.uniform(0.0, 2.0 * kPi));
    norm += weight;
    f *= kWanderRatio;
  }
  return kWanderPeak * sum / norm;
}
// Side `sd`'s component `k`: the shared part (stream k) and the side's own (streams 10 + k, 20 + k).
double side_wander(const RestMotion& r, Side sd, int k, double t) {
  const int own = (sd == Side::Left ? 10 : 20) + k;
  return r.shared * wander(r, k, t) + (1.0 - r.shared) * wander(r, own, t);
}
}  // namespace

PerSide<RestMotion::Corner> RestMotion::corner_at(double t) const {
  PerSide<Corner> out{};
  if (corner_iod <= 0.0 || !(period_s > 0.0))
    return out;
  for (Side sd : kSides) {
    out[sd].lateral_iod = corner_iod * side_wander(*this, sd, 0, t);
    out[sd].up_iod = corner_iod * side_wander(*this, sd, 1, t);
  }
  return out;
}

PerSide<double> RestMotion::lid_closure_iod_at(double t) const {
  PerSide<double> out{0.0, 0.0};
  if (lid_iod <= 0.0 || !(period_s > 0.0))
    return out;
  for (Side sd : kSides)
    out[sd] = lid_iod * std::clamp(0.5 * (1.0 + side_wander(*this, sd, 2, t)), 0.0, 1.0);
  return out;
}

HeadMotionSample head_motion_at(const HeadMotion& m, double t) {
  HeadMotionSample h;
  if (!m.active() || m.period_s <= 0.0)
    return h;
  const double w = 2.0 * kPi * t / m.period_s;
  h.dx_px = m.translate_px * std::sin(w);
  h.dy_px = 0.6 * m.translate_px * std::sin(w / 1.618);
  h.angle_deg = m.rotate_deg * std::sin(w / 1.414);
  h.scale = 1.0 + m.scale * std::sin(w / 2.236);
  return h;
}

int Scenario::frame_count() const {
  return std::max(1, static_cast<int>(std::lround(duration_s * fps)));
}

double Scenario::lighting_gain(double t) const {
  if (lighting_drift == 0.0 || lighting_period_s <= 0.0)
    return 1.0;
  return 1.0 + lighting_drift * std::sin(2.0 * kPi * t / lighting_period_s);
}

// ---- validation ----

TwitchEpisodeSpec twitch_spec(Region region, Side side, double start_s, double duration_s, double frequency_hz,
                              double amplitude_iod) {
  TwitchEpisodeSpec t;
  t.region = region;
  t.side = side;
  t.start_s = start_s;
  t.duration_s = duration_s;
  t.frequency_hz = frequency_hz;
  t.amplitude_iod = amplitude_iod;
  return t;
}

TalkSpec talk_spec(double start_s, double duration_s, double rate_hz, double opening_iod, double corner_iod,
                   double imbalance, std::uint64_t seed) {
  TalkSpec k;
  k.start_s = start_s;
  k.duration_s = duration_s;
  k.rate_hz = rate_hz;
  k.opening_iod = opening_iod;
  k.corner_iod = corner_iod;
  k.imbalance = imbalance;
  k.seed = seed;
  return k;
}

Scenario webcam_scenario(double duration_s, std::uint64_t seed, double face_scale) {
  Scenario s;
  s.duration_s = duration_s;
  s.face_scale = face_scale;
  s.seed = seed;
  s.noise_sigma = 2.0;
  s.lighting_drift = 0.03;
  s.head_motion.translate_px = 2.0;
  s.head_motion.rotate_deg = 0.8;
  s.head_motion.period_s = 7.0;
  return s;
}

ExpressionSpec expression_spec(ExpressionKind kind, double start_s, double duration_s, PerSide<double> amount,
                               double rise_s) {
  ExpressionSpec x;
  x.kind = kind;
  x.start_s = start_s;
  x.duration_s = duration_s;
  x.amount = amount;
  x.rise_s = rise_s;
  return x;
}

TwitchEpisodeSpec tonic_spec(Region region, Side side, double start_s, double duration_s, double amplitude_iod) {
  TwitchEpisodeSpec t = twitch_spec(region, side, start_s, duration_s, 1.0, amplitude_iod);
  t.tonic = true;
  return t;
}

Status validate(const Scenario& s) {
  auto bad = [](const std::string& m) { return Status(make_error(ErrorKind::BadArguments, m)); };
  if (s.width < 64 || s.height < 64 || s.width > 4096 || s.height > 4096 || s.width % 2 != 0 ||
      s.height % 2 != 0) {
    return bad("size " + std::to_string(s.width) + "x" + std::to_string(s.height) +
               " is not valid: use even numbers from 64 to 4096");
  }
  if (!(s.face_scale >= 0.2 && s.face_scale <= 8.0)) {
    return bad("face scale " + num(s.face_scale) + " is outside 0.2-8");
  }
  if (!(s.noise_sigma >= 0.0 && s.noise_sigma <= 50.0)) {
    return bad("noise sigma " + num(s.noise_sigma) + " is outside 0-50 grey levels");
  }
  if (!(s.lighting_drift >= 0.0 && s.lighting_drift <= 0.5)) {
    return bad("lighting drift " + num(s.lighting_drift) + " is outside 0-0.5");
  }
  if (s.lighting_drift > 0.0 && !(s.lighting_period_s > 0.0)) {
    return bad("lighting period must be positive");
  }
  return validate_events(s);
}

Status validate_events(const Scenario& s) {
  auto bad = [](const std::string& m) { return Status(make_error(ErrorKind::BadArguments, m)); };
  if (!(s.duration_s > 0.0 && s.duration_s <= 3600.0)) {
    return bad("duration " + num(s.duration_s) + " s is outside 0-3600 s");
  }
  if (!(s.fps >= 1.0 && s.fps <= 240.0))
    return bad("frame rate " + num(s.fps) + " is outside 1-240 fps");
  const double end = s.duration_s + kEps;
  // An event's start and end inside the video; `what` is "blink 2: " and the like.
  auto span_error = [&](const std::string& what, double start_s, double end_s) -> std::optional<Status> {
    if (!(start_s >= 0.0))
      return bad(what + "start " + num(start_s) + " s is negative");
    if (end_s > end) {
      return bad(what + "ends at " + num(end_s) + " s, past the end of the video (" + num(s.duration_s) +
                 " s)");
    }
    return std::nullopt;
  };
  for (std::size_t i = 0; i < s.twitches.size(); ++i) {
    const auto& e = s.twitches[i];
    const std::string what = "twitch " + std::to_string(i + 1) + ": ";
    if (!(e.amplitude_iod >= 0.002 && e.amplitude_iod <= 0.1)) {
      return bad(what + "amplitude " + num(e.amplitude_iod) + " IOD is outside 0.002-0.1");
    }
    if (e.tonic && !(e.duration_s >= 0.3)) {
      return bad(what + "a tonic spasm lasts at least 0.3 s (rise 0.05 s, relaxation 0.15 s)");
    }
    if (!(e.brow_lift_iod >= 0.0 && e.brow_lift_iod <= 0.1)) {
      return bad(what + "brow lift " + num(e.brow_lift_iod) + " IOD is outside 0-0.1");
    }
    if (e.brow_lift_iod > 0.0 && e.region != Region::Eye) {
      return bad(what + "a brow lift goes with an eyelid episode (region eye)");
    }
    if (!(e.frequency_hz >= 0.5 && e.frequency_hz <= 15.0)) {
      return bad(what + "frequency " + num(e.frequency_hz) + " Hz is outside 0.5-15 Hz");
    }
    if (e.frequency_hz > s.fps / 2.0 + kEps) {
      return bad(what + "frequency " + num(e.frequency_hz) + " Hz is above half the frame rate (" +
                 num(s.fps / 2.0) + " Hz)");
    }
    if (!(e.start_s >= 0.0))
      return bad(what + "start " + num(e.start_s) + " s is negative");
    if (!(e.duration_s > 0.0))
      return bad(what + "duration must be positive");
    if (e.end_s() > end) {
      return bad(what + "ends at " + num(e.end_s()) + " s, past the end of the video (" +
                 num(s.duration_s) + " s)");
    }
  }
  for (std::size_t i = 0; i < s.blinks.size(); ++i) {
    const auto& b = s.blinks[i];
    const std::string what = "blink " + std::to_string(i + 1) + ": ";
    if (!(b.closure > 0.0 && b.closure <= 1.0)) {
      return bad(what + "closure " + num(b.closure) + " is outside 0-1");
    }
    if (!(b.duration_s >= 0.05 && b.duration_s <= 2.0)) {
      return bad(what + "duration " + num(b.duration_s) + " s is outside 0.05-2 s");
    }
    if (auto st = span_error(what, b.start_s, b.end_s()))
      return *st;
  }
  for (std::size_t i = 0; i < s.expressions.size(); ++i) {
    const auto& x = s.expressions[i];
    const std::string what = "expression " + std::to_string(i + 1) + " (" + std::string(to_string(x.kind)) + "): ";
    const double max_amount = x.kind == ExpressionKind::EyeClosure ? 0.9 : 0.15;
    for (Side sd : kSides) {
      if (!(x.amount[sd] >= 0.0 && x.amount[sd] <= max_amount)) {
        return bad(what + std::string(to_string(sd)) + " amount " + num(x.amount[sd]) + " is outside 0-" +
                   num(max_amount) + (x.kind == ExpressionKind::EyeClosure ? " (fraction of the eye aperture)" : " IOD"));
      }
    }
    if (!(x.duration_s > 0.0))
      return bad(what + "duration must be positive");
    if (!(x.rise_s > 0.0))
      return bad(what + "rise must be positive");
    if (!(x.start_s >= 0.0))
      return bad(what + "start " + num(x.start_s) + " s is negative");
    if (x.end_s() > end) {
      return bad(what + "ends at " + num(x.end_s()) + " s, past the end of the video (" + num(s.duration_s) + " s)");
    }
  }
  for (std::size_t i = 0; i < s.smiles.size(); ++i) {
    const auto& m = s.smiles[i];
    const std::string what = "smile " + std::to_string(i + 1) + ": ";
    if (!(m.amplitude_iod > 0.0 && m.amplitude_iod <= 0.15)) {
      return bad(what + "amplitude " + num(m.amplitude_iod) + " IOD is outside 0-0.15");
    }
    if (!(m.duration_s > 0.0))
      return bad(what + "duration must be positive");
    if (auto st = span_error(what, m.start_s, m.end_s()))
      return *st;
  }
  for (std::size_t i = 0; i < s.talks.size(); ++i) {
    const auto& k = s.talks[i];
    const std::string what = "talk " + std::to_string(i + 1) + ": ";
    if (!(k.rate_hz >= 1.0 && k.rate_hz <= 8.0)) {
      return bad(what + "syllable rate " + num(k.rate_hz) + " Hz is outside 1-8 Hz");
    }
    if (k.rate_hz * 1.35 > s.fps / 2.0 + kEps) {
      return bad(what + "syllable rate " + num(k.rate_hz) + " Hz is too fast for " + num(s.fps) +
                 " fps (its fastest syllables, 1.35x the rate, must stay below half the frame rate)");
    }
    if (!(k.opening_iod > 0.0 && k.opening_iod <= 0.15)) {
      return bad(what + "mouth opening " + num(k.opening_iod) + " IOD is outside 0-0.15");
    }
    if (!(k.corner_iod >= 0.0 && k.corner_iod <= 0.05)) {
      return bad(what + "corner movement " + num(k.corner_iod) + " IOD is outside 0-0.05");
    }
    if (!(k.imbalance >= -0.5 && k.imbalance <= 0.5)) {
      return bad(what + "left/right imbalance " + num(k.imbalance) + " is outside -0.5..0.5");
    }
    if (!(k.duration_s >= 0.3 && k.duration_s <= 600.0)) {
      return bad(what + "duration " + num(k.duration_s) + " s is outside 0.3-600 s");
    }
    if (auto st = span_error(what, k.start_s, k.end_s()))
      return *st;
  }
  if (s.droop && !(s.droop->amplitude_iod > 0.0 && s.droop->amplitude_iod <= 0.1)) {
    return bad("droop amplitude " + num(s.droop->amplitude_iod) + " IOD is outside 0-0.1");
  }
  const auto& h = s.head_motion;
  if (!(h.translate_px >= 0.0 && h.translate_px <= 100.0)) {
    return bad("head motion " + num(h.translate_px) + " px is outside 0-100 px");
  }
  if (!(h.rotate_deg >= 0.0 && h.rotate_deg <= 20.0)) {
    return bad("head rotation " + num(h.rotate_deg) + " degrees is outside 0-20");
  }
  if (!(h.scale >= 0.0 && h.scale <= 0.3))
    return bad("head zoom " + num(h.scale) + " is outside 0-0.3");
  if (h.active() && !(h.period_s > 0.0))
    return bad("head motion period must be positive");
  const auto& r = s.rest_motion;
  if (!(r.corner_iod >= 0.0 && r.corner_iod <= 0.05))
    return bad("resting corner wander " + num(r.corner_iod) + " IOD is outside 0-0.05");
  if (!(r.lid_iod >= 0.0 && r.lid_iod <= 0.03))
    return bad("resting lid wander " + num(r.lid_iod) + " IOD is outside 0-0.03");
  if (r.active() && !(r.period_s >= 0.5 && r.period_s <= 60.0))
    return bad("resting wander period " + num(r.period_s) + " s is outside 0.5-60 s");
  if (!(r.shared >= 0.0 && r.shared <= 1.0))
    return bad("resting wander shared part " + num(r.shared) + " is outside 0-1");
  return {};
}

// ---- presets ----

Scenario demo_scenario() {
  Scenario s;
  s.duration_s = 20.0;
  s.fps = 30.0;
  s.width = 640;
  s.height = 480;
  s.face_scale = 2.0;
  s.seed = 2024;
  s.noise_sigma = 2.0;
  s.lighting_drift = 0.03;
  s.lighting_period_s = 9.0;
  s.blinks = {{2.5, 0.25, 0.8}, {14.5, 0.3, 0.85}};
  // 6 Hz for 1.5 s: 9 twitches, 4.5 .. 6.0 s.
  s.twitches.push_back({Region::Mouth, Side::Left, 4.5, 1.5, 6.0, 0.03});
  s.smiles = {{7.5, 2.0, 0.04}};
  // 4 Hz for 2 s: 8 twitches, 11.0 .. 12.95 s.
  s.twitches.push_back({Region::Eye, Side::Right, 11.0, 2.0, 4.0, 0.03});
  s.head_motion = {3.0, 1.0, 0.01, 6.0};
  return s;
}

Scenario random_scenario(std::uint64_t seed, const RandomScenarioOptions& o) {
  Draw d(seed);
  Scenario s = base_random(seed, o);
  std::vector<Placed> events;
  const int n = d.integer(std::max(0, o.min_episodes), std::max(o.min_episodes, o.max_episodes));
  for (int i = 0; i < n; ++i) {
    Placed p;
    p.kind = Placed::Kind::Twitch;
    p.twitch = draw_twitch(d, o.fps);
    events.push_back(p);
  }
  add_blinks_and_smiles(d, d.integer(0, std::max(0, o.max_blinks)),
                        d.integer(0, std::max(0, o.max_smiles)), events);
  return lay_out(s, d, std::move(events), o);
}

Scenario no_twitch_scenario(std::uint64_t seed, const RandomScenarioOptions& o) {
  // A different stream from random_scenario's for the same seed.
  Draw d(seed ^ 0x9e3779b97f4a7c15ULL);
  Scenario s = base_random(seed, o);
  std::vector<Placed> events;
  add_blinks_and_smiles(d, d.integer(1, std::max(1, o.max_blinks)),
                        d.integer(1, std::max(1, o.max_smiles)), events);
  return lay_out(s, d, std::move(events), o);
}

// ---- truth ----

GroundTruth make_truth(const Scenario& s, double iod_px) {
  GroundTruth t;
  t.fps = s.fps;
  t.width = s.width;
  t.height = s.height;
  t.duration_s = s.duration_s;
  t.frames = s.frame_count();
  t.seed = s.seed;
  t.iod_px = iod_px;
  t.mirrored = s.mirrored;
  for (const auto& e : s.twitches) {
    t.episodes.push_back({e.start_s, e.end_s(), e.side, e.region, e.tonic ? 0.0 : e.frequency_hz,
                          e.amplitude_iod, e.twitch_count(), e.tonic, e.brow_lift_iod});
  }
  std::sort(t.episodes.begin(), t.episodes.end(),
            [](const auto& a, const auto& b) { return a.start_s < b.start_s; });
  for (const auto& b : s.blinks)
    t.blinks.push_back({b.start_s, b.end_s(), b.closure});
  for (const auto& m : s.smiles)
    t.smiles.push_back({m.start_s, m.end_s(), m.amplitude_iod});
  for (const auto& k : s.talks) {
    t.talks.push_back({k.start_s, k.end_s(), k.rate_hz, k.opening_iod, k.corner_iod, k.imbalance,
                       static_cast<int>(k.syllables().size())});
  }
  t.droop = s.droop;
  t.head_motion = s.head_motion;
  t.noise_sigma = s.noise_sigma;
  t.lighting_drift = s.lighting_drift;
  t.scenario = s;
  return t;
}

nlohmann::json to_json(const Scenario& s) {
  json tw = json::array();
  for (const auto& e : s.twitches) {
    tw.push_back({{"region", std::string(to_string(e.region))},
                  {"side", std::string(to_string(e.side))},
                  {"start_s", e.start_s},
                  {"duration_s", e.duration_s},
                  {"frequency_hz", e.frequency_hz},
                  {"amplitude_iod", e.amplitude_iod},
                  {"tonic", e.tonic},
                  {"brow_lift_iod", e.brow_lift_iod}});
  }
  json bl = json::array();
  for (const auto& b : s.blinks) {
    bl.push_back({{"start_s", b.start_s}, {"duration_s", b.duration_s}, {"closure", b.closure}});
  }
  json sm = json::array();
  for (const auto& m : s.smiles) {
    sm.push_back(
        {{"start_s", m.start_s}, {"duration_s", m.duration_s}, {"amplitude_iod", m.amplitude_iod}});
  }
  json ex = json::array();
  for (const auto& x : s.expressions) {
    ex.push_back({{"kind", std::string(to_string(x.kind))},
                  {"start_s", x.start_s},
                  {"duration_s", x.duration_s},
                  {"left", x.amount.left},
                  {"right", x.amount.right},
                  {"rise_s", x.rise_s}});
  }
  json tk = json::array();
  for (const auto& k : s.talks)
    tk.push_back(talk_json(k));
  return json{{"duration_s", s.duration_s},
              {"fps", s.fps},
              {"width", s.width},
              {"height", s.height},
              {"face_scale", s.face_scale},
              {"seed", s.seed},
              {"noise_sigma", s.noise_sigma},
              {"lighting_drift", s.lighting_drift},
              {"lighting_period_s", s.lighting_period_s},
              {"mirrored", s.mirrored},
              {"twitches", tw},
              {"blinks", bl},
              {"smiles", sm},
              {"expressions", ex},
              {"talks", tk},
              {"droop", droop_json(s.droop)},
              {"head_motion", head_motion_json(s.head_motion)},
              {"rest_motion", rest_motion_json(s.rest_motion)}};
}

nlohmann::json to_json(const GroundTruth& t) {
  json eps = json::array();
  for (const auto& e : t.episodes) {
    eps.push_back({{"start_s", e.start_s},
                   {"end_s", e.end_s},
                   {"side", std::string(to_string(e.side))},
                   {"region", std::string(to_string(e.region))},
                   {"frequency_hz", e.frequency_hz},
                   {"amplitude_iod", e.amplitude_iod},
                   {"twitch_count", e.twitch_count},
                   {"type", e.tonic ? "tonic" : "clonic"},
                   {"brow_lift_iod", e.brow_lift_iod}});
  }
  json bl = json::array();
  for (const auto& b : t.blinks)
    bl.push_back({{"start_s", b.start_s}, {"end_s", b.end_s}, {"closure", b.closure}});
  json sm = json::array();
  for (const auto& m : t.smiles) {
    sm.push_back({{"start_s", m.start_s}, {"end_s", m.end_s}, {"amplitude_iod", m.amplitude_iod}});
  }
  json tk = json::array();
  for (const auto& k : t.talks) {
    tk.push_back({{"start_s", k.start_s},
                  {"end_s", k.end_s},
                  {"rate_hz", k.rate_hz},
                  {"opening_iod", k.opening_iod},
                  {"corner_iod", k.corner_iod},
                  {"imbalance", k.imbalance},
                  {"syllables", k.syllables}});
  }
  json j{{"video", t.video},
         {"generator_version", t.generator_version},
         {"fps", t.fps},
         {"width", t.width},
         {"height", t.height},
         {"duration_s", t.duration_s},
         {"frames", t.frames},
         {"seed", t.seed},
         {"iod_px", t.iod_px},
         {"mirrored", t.mirrored},
         {"episodes", eps},
         {"blinks", bl},
         {"smiles", sm},
         {"talks", tk},
         {"droop", droop_json(t.droop)},
         {"head_motion", head_motion_json(t.head_motion)},
         {"noise_sigma", t.noise_sigma},
         {"lighting_drift", t.lighting_drift}};
  if (t.scenario)
    j["scenario"] = to_json(*t.scenario);
  if (t.base_video) {
    const BaseVideoTruth& b = *t.base_video;
    j["base_video"] = {{"path", b.path},
                       {"sha256", b.sha256},
                       {"median_iod_px", b.median_iod_px},
                       {"tracked_share", b.tracked_share},
                       {"tracked_frames", b.tracked_frames},
                       {"mirrored_input", b.mirrored_input},
                       {"renderer_version", b.renderer_version},
                       {"smoothing_sigma_frames", b.smoothing_sigma_frames}};
  } else {
    j["base_video"] = nullptr;
  }
  return j;
}

Result<Scenario> scenario_from_json(const nlohmann::json& j) {
  try {
    return scenario_from(j);
  } catch (const ParseError& e) {
    return make_error(ErrorKind::Input, std::string("scenario: ") + e.what());
  } catch (const json::exception& e) {
    return make_error(ErrorKind::Input, std::string("scenario: ") + e.what());
  }
}

Result<GroundTruth> truth_from_json(const nlohmann::json& j) {
  try {
    GroundTruth t;
    t.video = opt<std::string>(j, "video", t.video);
    t.generator_version = opt<int>(j, "generator_version", 0);
    t.fps = req<double>(j, "fps");
    t.width = req<int>(j, "width");
    t.height = req<int>(j, "height");
    t.duration_s = req<double>(j, "duration_s");
    t.frames = req<int>(j, "frames");
    t.seed = opt<std::uint64_t>(j, "seed", 0);
    t.iod_px = req<double>(j, "iod_px");
    t.mirrored = opt<bool>(j, "mirrored", false);
    for (const auto& e : req<json>(j, "episodes")) {
      t.episodes.push_back({req<double>(e, "start_s"), req<double>(e, "end_s"), req_side(e, "side"),
                            req_region(e, "region"), req<double>(e, "frequency_hz"),
                            req<double>(e, "amplitude_iod"), req<int>(e, "twitch_count"),
                            opt<std::string>(e, "type", "clonic") == "tonic", opt<double>(e, "brow_lift_iod", 0.0)});
    }
    for (const auto& b : opt<json>(j, "blinks", json::array())) {
      t.blinks.push_back(
          {req<double>(b, "start_s"), req<double>(b, "end_s"), req<double>(b, "closure")});
    }
    for (const auto& m : opt<json>(j, "smiles", json::array())) {
      t.smiles.push_back(
          {req<double>(m, "start_s"), req<double>(m, "end_s"), req<double>(m, "amplitude_iod")});
    }
    for (const auto& k : opt<json>(j, "talks", json::array())) {
      t.talks.push_back({req<double>(k, "start_s"), req<double>(k, "end_s"), req<double>(k, "rate_hz"),
                         req<double>(k, "opening_iod"), opt<double>(k, "corner_iod", 0.0),
                         opt<double>(k, "imbalance", 0.0), opt<int>(k, "syllables", 0)});
    }
    t.droop = droop_from(j, "droop");
    if (j.contains("head_motion"))
      t.head_motion = head_motion_from(j.at("head_motion"));
    t.noise_sigma = opt<double>(j, "noise_sigma", 0.0);
    t.lighting_drift = opt<double>(j, "lighting_drift", 0.0);
    if (j.contains("scenario") && !j.at("scenario").is_null())
      t.scenario = scenario_from(j.at("scenario"));
    if (j.contains("base_video") && !j.at("base_video").is_null()) {
      const json& b = j.at("base_video");
      t.base_video = BaseVideoTruth{req<std::string>(b, "path"),
                                    req<std::string>(b, "sha256"),
                                    req<double>(b, "median_iod_px"),
                                    req<double>(b, "tracked_share"),
                                    opt<int>(b, "tracked_frames", 0),
                                    opt<bool>(b, "mirrored_input", false),
                                    opt<int>(b, "renderer_version", 0),
                                    opt<double>(b, "smoothing_sigma_frames", 0.0)};
    }
    return t;
  } catch (const ParseError& e) {
    return make_error(ErrorKind::Input, std::string("truth: ") + e.what());
  } catch (const json::exception& e) {
    return make_error(ErrorKind::Input, std::string("truth: ") + e.what());
  }
}

Status write_truth(const std::filesystem::path& path, const GroundTruth& t) {
  std::string text = to_json(t).dump(2);
  text += '\n';
  return write_file_atomically(path, text);
}

Result<GroundTruth> read_truth(const std::filesystem::path& path) {
  std::ifstream f(path, std::ios::binary);
  if (!f)
    return make_error(ErrorKind::Input, "cannot open truth file " + path.string());
  json j = json::parse(f, nullptr, /*allow_exceptions=*/false);
  if (j.is_discarded())
    return make_error(ErrorKind::Input, "truth file " + path.string() + " is not valid JSON");
  auto r = truth_from_json(j);
  if (!r)
    return make_error(ErrorKind::Input, path.string() + ": " + r.error().message);
  return r;
}

std::optional<Side> parse_side(const std::string& s) {
  std::string l(s);
  std::transform(l.begin(), l.end(), l.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  if (l == "left")
    return Side::Left;
  if (l == "right")
    return Side::Right;
  return std::nullopt;
}

std::optional<Region> parse_region(const std::string& s) {
  std::string l(s);
  std::transform(l.begin(), l.end(), l.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  if (l == "mouth")
    return Region::Mouth;
  if (l == "eye" || l == "eyelid")
    return Region::Eye;
  return std::nullopt;
}

}  // namespace ft
