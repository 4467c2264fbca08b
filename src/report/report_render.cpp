// report_render.cpp: report.html (inline CSS and SVG; no script, no external reference, A4 print
// layout) and report.json, both rendered from one Report. Numbers are formatted by the helpers at the top
// (fixed decimals per quantity) so that the page and docs/OUTPUT.md agree.
#include <algorithm>
#include <cmath>
#include <sstream>
#include <string>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "metrics/regional_asymmetry.hpp"
#include "report/report.hpp"

namespace ft {
namespace {

using Json = nlohmann::ordered_json;

// ---- formatting ---------------------------------------------------------------------------------

constexpr const char* kDash = "&#8211;";  // shown for a value that was not measured

std::string esc(std::string_view s) {
  std::string out;
  out.reserve(s.size());
  for (char c : s) {
    switch (c) {
      case '&': out += "&amp;"; break;
      case '<': out += "&lt;"; break;
      case '>': out += "&gt;"; break;
      case '"': out += "&quot;"; break;
      case '\'': out += "&#39;"; break;
      default: out += c;
    }
  }
  return out;
}

// A number with `decimals` digits, or a dash when not finite.
std::string fnum(double v, int decimals) {
  if (!std::isfinite(v)) return kDash;
  std::string s = fmt::format("{:.{}f}", v, decimals);
  if (s.find_first_not_of("-0.") == std::string::npos && s[0] == '-') s.erase(0, 1);  // no "-0.00"
  return s;
}
std::string fsigned(double v, int decimals) {
  if (!std::isfinite(v)) return kDash;
  const std::string s = fnum(v, decimals);
  return v > 0 && s.find_first_not_of("0.") != std::string::npos ? "+" + s : s;
}

// Decimals per unit of the comparison table.
int unit_decimals(const std::string& unit) {
  if (unit == "Hz" || unit == "% IOD" || unit == "mm") return 2;
  if (unit == "" ) return 0;
  return 1;
}

Json jnum(double v, int decimals) {
  if (!std::isfinite(v)) return nullptr;
  const double scale = std::pow(10.0, decimals);
  double r = std::round(v * scale) / scale;
  if (r == 0.0) r = 0.0;
  return r;
}

const char* side_colour(Laterality l) {
  return l == Laterality::Left ? "#e07b00" : (l == Laterality::Right ? "#0277bd" : "#7b4fa0");
}
const char* side_colour(Side s) { return side_colour(laterality(s)); }

std::string side_label(Laterality l) {
  return l == Laterality::Bilateral ? std::string("both") : std::string(to_string(l));
}

std::string swatch(Laterality l) {
  return fmt::format("<span class=\"side\"><span class=\"sw\" style=\"background:{}\"></span>{}</span>", side_colour(l),
                     side_label(l));
}

// The file name of a path given as text (the notes' source).
std::string fs_name(const std::string& path) { return std::filesystem::path(path).filename().string(); }

std::string region_label(Region r) { return r == Region::Mouth ? "Mouth corner" : "Eyelid"; }

std::string duration_text(double s) {
  if (!std::isfinite(s)) return kDash;
  const long total = std::lround(s);
  return fmt::format("{} s ({}:{:02d} min)", fnum(s, 1), total / 60, total % 60);
}

std::string date_text(const std::string& iso) {
  // "2026-11-21T10:00:00Z" -> "2026-11-21 10:00:00 UTC"
  if (iso.size() >= 19 && iso[10] == 'T') return fmt::format("{} {} UTC", iso.substr(0, 10), iso.substr(11, 8));
  return iso.empty() ? std::string(kDash) : iso;
}

std::string types_text(const std::map<std::string, std::int64_t>& types) {
  std::string s;
  for (const auto& [name, n] : types) s += fmt::format("{}{} {}", s.empty() ? "" : ", ", n, name);
  return s.empty() ? std::string(kDash) : s;
}

double pct(std::int64_t part, std::int64_t whole) {
  return whole > 0 ? 100.0 * static_cast<double>(part) / static_cast<double>(whole) : kNaN;
}

// ---- plots --------------------------------------------------------------------------------------

// A "nice" tick step (1, 2 or 5 x 10^n) giving about `ticks` intervals over `span`.
double nice_step(double span, int ticks) {
  const double raw = span / ticks;
  const double mag = std::pow(10.0, std::floor(std::log10(raw)));
  for (double m : {1.0, 2.0, 5.0, 10.0}) {
    if (raw <= m * mag) return m * mag;
  }
  return 10.0 * mag;
}

struct PlotBox {
  double x0 = 58, y0 = 14, w = 890, h = 170;  // plot area in SVG units (the SVG is 960 x 214)
  double t0 = 0, t1 = 1, v0 = 0, v1 = 1;
  double x(double t) const { return x0 + (t - t0) / (t1 - t0) * w; }
  double y(double v) const { return y0 + h - (v - v0) / (v1 - v0) * h; }
};

// One series as an SVG path, at most two points (min and max) per horizontal pixel; gaps break the line.
template <class Get>
std::string series_path(const std::vector<FrameRecord>& frames, const PlotBox& box, Get get) {
  std::ostringstream d;
  bool pen = false;
  int column = -1;
  double lo = 0, hi = 0;
  auto flush = [&] {
    if (column < 0) return;
    const double x = box.x0 + column + 0.5;
    d << (pen ? 'L' : 'M') << fmt::format("{:.1f} {:.1f}", x, box.y(lo));
    if (hi != lo) d << fmt::format("L{:.1f} {:.1f}", x, box.y(hi));
    pen = true;
  };
  for (const FrameRecord& r : frames) {
    const double v = get(r);
    if (!std::isfinite(v)) {
      flush();
      column = -1;
      pen = false;
      continue;
    }
    const double clamped = std::clamp(v, box.v0, box.v1);
    const int c = std::clamp(static_cast<int>(box.x(r.metrics.t) - box.x0), 0, static_cast<int>(box.w) - 1);
    if (c != column) {
      flush();
      column = c;
      lo = hi = clamped;
    } else {
      lo = std::min(lo, clamped);
      hi = std::max(hi, clamped);
    }
  }
  flush();
  return d.str();
}

std::string signal_plot(const SessionData& s, Region region) {
  PlotBox box;
  const auto& frames = s.frames;
  box.t0 = frames.front().metrics.t;
  box.t1 = std::max(frames.back().metrics.t, box.t0 + 1e-3);
  double vmin = 0.0, vmax = 0.0;
  for (const FrameRecord& r : frames) {
    for (Side side : kSides) {
      const SignalSample& x = r.signals[region][side];
      if (!x.valid) continue;
      for (double v : {x.value_iod, x.threshold_iod}) {
        if (std::isfinite(v)) {
          vmin = std::min(vmin, v);
          vmax = std::max(vmax, v);
        }
      }
    }
  }
  // % IOD on the axis; at least 0..2% so that a quiet signal is not blown up to fill the plot.
  box.v0 = std::max(100.0 * vmin, -5.0);
  box.v1 = std::max(100.0 * vmax * 1.08, 2.0);
  std::ostringstream o;
  o << "<figure class=\"plot keep\"><svg viewBox=\"0 0 960 214\" role=\"img\" aria-label=\"" << esc(region_label(region))
    << " signals\">";
  o << fmt::format("<rect x=\"{}\" y=\"{}\" width=\"{}\" height=\"{}\" fill=\"#fff\" stroke=\"#999\"/>", box.x0, box.y0, box.w, box.h);
  // Episodes shaded, in the colour of their side.
  for (const Episode& e : s.episodes) {
    if (e.region != region) continue;
    const double xa = box.x(std::max(e.start_s, box.t0)), xb = box.x(std::min(e.end_s, box.t1));
    o << fmt::format("<rect x=\"{:.1f}\" y=\"{}\" width=\"{:.1f}\" height=\"{}\" fill=\"{}\" fill-opacity=\"0.18\"/>", xa, box.y0,
                     std::max(1.0, xb - xa), box.h, side_colour(e.side));
  }
  // Protocol steps: alternate grey bands with the step's name at the top.
  if (s.protocol) {
    for (std::size_t i = 0; i < s.protocol->steps.size(); ++i) {
      const ReportedStep& step = s.protocol->steps[i];
      if (!std::isfinite(step.start_s) || !std::isfinite(step.end_s) || step.end_s <= box.t0 || step.start_s >= box.t1) continue;
      const double xa = box.x(std::max(step.start_s, box.t0)), xb = box.x(std::min(step.end_s, box.t1));
      o << fmt::format("<rect class=\"protocol-step\" x=\"{:.1f}\" y=\"{}\" width=\"{:.1f}\" height=\"{}\" fill=\"#607d8b\" "
                       "fill-opacity=\"{}\" stroke=\"#607d8b\" stroke-opacity=\"0.5\"/>",
                       xa, box.y0, std::max(1.0, xb - xa), box.h, i % 2 == 0 ? "0.10" : "0.05");
      // The name, cut to the band's width (about 6 SVG units per character at 10 px) so names never overlap.
      std::string name = step.label.empty() ? step.id : step.label;
      const auto fits = static_cast<std::size_t>(std::max(0.0, (xb - xa - 6.0) / 6.0));
      if (name.size() > fits) {
        std::size_t cut = fits >= 2 ? fits - 1 : 0;
        while (cut > 0 && (static_cast<unsigned char>(name[cut]) & 0xC0) == 0x80) --cut;  // not inside a UTF-8 character
        name.resize(cut);
        if (cut > 0) name += "\u2026";
      }
      if (!name.empty())
        o << fmt::format("<text x=\"{:.1f}\" y=\"{}\" class=\"step\">{}</text>", xa + 3, box.y0 + 11, esc(name));
    }
  }
  // Axes: time ticks (s) and value ticks (% IOD).
  const double tstep = nice_step(box.t1 - box.t0, 10);
  for (double t = std::ceil(box.t0 / tstep) * tstep; t <= box.t1 + 1e-9; t += tstep) {
    o << fmt::format("<line x1=\"{0:.1f}\" x2=\"{0:.1f}\" y1=\"{1}\" y2=\"{2}\" stroke=\"#ddd\"/>"
                     "<text x=\"{0:.1f}\" y=\"{3}\" class=\"tick\" text-anchor=\"middle\">{4:g}</text>",
                     box.x(t), box.y0, box.y0 + box.h, box.y0 + box.h + 14, std::round(t * 1000) / 1000);
  }
  const double vstep = nice_step(box.v1 - box.v0, 4);
  for (double v = std::ceil(box.v0 / vstep) * vstep; v <= box.v1 + 1e-9; v += vstep) {
    o << fmt::format("<line x1=\"{0}\" x2=\"{1}\" y1=\"{2:.1f}\" y2=\"{2:.1f}\" stroke=\"#ddd\"/>"
                     "<text x=\"{3}\" y=\"{4:.1f}\" class=\"tick\" text-anchor=\"end\">{5:g}</text>",
                     box.x0, box.x0 + box.w, box.y(v), box.x0 - 5, box.y(v) + 3.5, std::round(v * 1000) / 1000 + 0.0);
  }
  o << fmt::format("<text x=\"{}\" y=\"210\" class=\"axis\" text-anchor=\"middle\">time (s)</text>", box.x0 + box.w / 2);
  o << fmt::format("<text x=\"12\" y=\"{0}\" class=\"axis\" text-anchor=\"middle\" transform=\"rotate(-90 12 {0})\">% IOD</text>",
                   box.y0 + box.h / 2);
  // Thresholds (dashed) and signals, per side.
  for (Side side : kSides) {
    const std::string thr = series_path(frames, box, [&](const FrameRecord& r) {
      const SignalSample& x = r.signals[region][side];
      return x.valid ? 100.0 * x.threshold_iod : kNaN;
    });
    const std::string sig = series_path(frames, box, [&](const FrameRecord& r) {
      const SignalSample& x = r.signals[region][side];
      return x.valid ? 100.0 * x.value_iod : kNaN;
    });
    o << fmt::format("<path d=\"{}\" fill=\"none\" stroke=\"{}\" stroke-width=\"1\" stroke-dasharray=\"5 3\"/>", thr, side_colour(side));
    o << fmt::format("<path d=\"{}\" fill=\"none\" stroke=\"{}\" stroke-width=\"1.2\"/>", sig, side_colour(side));
  }
  o << "</svg><figcaption>" << esc(region_label(region)) << " signals (" << (region == Region::Mouth ? "displacement" : "closure")
    << " from rest, % IOD): " << swatch(Laterality::Left) << " &nbsp;" << swatch(Laterality::Right)
    << " &nbsp;dashed: the detection threshold of that side; shaded: episodes (" << swatch(Laterality::Bilateral)
    << " = both sides)" << (s.protocol ? "; grey bands: the protocol's steps, named at the top" : "") << "</figcaption></figure>\n";
  return o.str();
}

// ---- key frames ---------------------------------------------------------------------------------

// The 68 landmarks as a line drawing (iBUG 300-W contours), in the crop's coordinates scaled to 360 wide.
std::string landmark_drawing(const KeyFrame& k) {
  const double scale = k.crop.width > 0 ? 360.0 / k.crop.width : 1.0;
  const double height = std::max(1.0, k.crop.height * scale);
  auto px = [&](int i) { return (k.landmarks[i].x - k.crop.x) * scale; };
  auto py = [&](int i) { return (k.landmarks[i].y - k.crop.y) * scale; };
  struct Contour {
    int first, last;
    bool closed;
  };
  static constexpr Contour kContours[] = {{0, 16, false},  {17, 21, false}, {22, 26, false}, {27, 30, false}, {31, 35, false},
                                          {36, 41, true},  {42, 47, true},  {48, 59, true},  {60, 67, true}};
  std::ostringstream o;
  o << fmt::format("<svg class=\"face\" viewBox=\"0 0 360 {:.0f}\" role=\"img\" aria-label=\"landmarks\">", height);
  o << fmt::format("<rect width=\"360\" height=\"{:.0f}\" fill=\"#f4f4f4\"/>", height);
  for (const Contour& c : kContours) {
    std::string points;
    for (int i = c.first; i <= c.last; ++i) points += fmt::format("{:.1f},{:.1f} ", px(i), py(i));
    o << fmt::format("<{} points=\"{}\" fill=\"none\" stroke=\"#555\" stroke-width=\"1.2\"/>", c.closed ? "polygon" : "polyline", points);
  }
  for (int i = 0; i < 68; ++i) o << fmt::format("<circle cx=\"{:.1f}\" cy=\"{:.1f}\" r=\"1.8\" fill=\"#1b5e20\"/>", px(i), py(i));
  o << "</svg>";
  return o.str();
}

// ---- sections -----------------------------------------------------------------------------------

constexpr const char* kCss = R"css(
@page { size: A4; margin: 14mm 12mm; }
* { box-sizing: border-box; }
body { font-family: "DejaVu Sans", "Liberation Sans", Arial, sans-serif; font-size: 10pt; color: #111;
       max-width: 1000px; margin: 16px auto; padding: 0 12px; line-height: 1.35; }
h1 { font-size: 18pt; margin: 0 0 6px 0; }
h2 { font-size: 13pt; border-bottom: 1.5px solid #555; margin: 20px 0 6px 0; padding-bottom: 2px; break-after: avoid; }
h3 { font-size: 11pt; margin: 10px 0 4px 0; break-after: avoid; }
table { border-collapse: collapse; width: 100%; font-size: 9pt; margin: 4px 0 8px 0; }
th, td { border: 1px solid #bbb; padding: 2px 5px; text-align: right; vertical-align: top; }
th { background: #e8e8e8; }
th.l, td.l { text-align: left; }
tr { break-inside: avoid; }
thead { display: table-header-group; }
table.meta { width: auto; }
table.meta th { text-align: left; background: none; border: none; padding-right: 12px; font-weight: normal; color: #444; }
table.meta td { text-align: left; border: none; }
.side { white-space: nowrap; }
.sw { display: inline-block; width: 9px; height: 9px; border-radius: 2px; margin-right: 4px; }
.note { color: #444; font-size: 9pt; }
.warn { color: #8a1c00; }
.flag { color: #8a1c00; font-weight: bold; }
.better { color: #1b5e20; }
figure { margin: 6px 0 10px 0; }
figure.plot svg { width: 100%; height: auto; display: block; }
figcaption { font-size: 8.5pt; color: #333; }
.tick { font-size: 10px; fill: #333; }
.axis { font-size: 11px; fill: #111; }
.frames { display: flex; flex-wrap: wrap; gap: 10px; }
.frames figure { width: 230px; margin: 0; }
.frames img, .frames svg.face { width: 230px; height: auto; display: block; border: 1px solid #999; }
.keep { break-inside: avoid; }
.warnbox { border: 2px solid #b71c1c; background: #fdecea; color: #6b0f0f; padding: 6px 10px; margin: 10px 0; font-weight: bold; }
.summary { border-left: 4px solid #1b5e20; background: #f1f8f1; padding: 4px 10px; margin: 10px 0; }
.summary p { margin: 3px 0; }
.notes { white-space: pre-wrap; font-family: inherit; border: 1px solid #bbb; background: #fafafa; padding: 6px 8px; margin: 4px 0; }
.step { font-size: 10px; fill: #333; }
footer { break-inside: avoid; margin-top: 18px; font-size: 8.5pt; color: #333; border-top: 1px solid #999; padding-top: 6px; }
* { -webkit-print-color-adjust: exact; print-color-adjust: exact; }
@media print {
  body { max-width: none; margin: 0; padding: 0; font-size: 9pt; }
  .pagebreak { break-before: page; }
  h2 { margin-top: 12px; }
}
)css";

void header_section(std::ostringstream& o, const Report& r) {
  const SessionSummary& s = r.session.summary;
  o << "<header><h1>" << esc(r.title) << "</h1>\n<table class=\"meta\">";
  auto row = [&](const char* k, const std::string& v) { o << "<tr><th>" << k << "</th><td>" << v << "</td></tr>"; };
  row("Patient", r.patient_id.empty() ? std::string("(not given)") : "<b>" + esc(r.patient_id) + "</b>");
  row("Session date", esc(date_text(s.created_utc)));
  row("Source", esc(s.video) + " <span class=\"note\">(" + esc(s.source) + ", " + std::to_string(s.width) + "x" +
                    std::to_string(s.height) + ")</span>");
  row("Session folder", esc(r.session.dir.string()));
  row("Duration", duration_text(s.duration_s) + ", " + std::to_string(s.frames) + " frames at " + fnum(s.fps, 1) + " fps");
  row("Quality", fmt::format("face found in {}% of frames, measurable (good quality) in {}%{}", fnum(pct(s.frames_with_face, s.frames), 1),
                             fnum(pct(s.frames_good_quality, s.frames), 1),
                             s.frames_dropped > 0 ? fmt::format(", {} frames dropped", s.frames_dropped) : std::string()));
  row("facetwitch", fmt::format("analysed with {}, report by {}", esc(s.facetwitch_version.empty() ? "?" : s.facetwitch_version),
                                FACETWITCH_VERSION));
  o << "</table>\n";
  for (const std::string& n : r.session.notes) o << "<p class=\"warn\">Note: " << esc(n) << "</p>\n";
  o << "<p class=\"note\">Left and right are always the person's own sides. " << swatch(Laterality::Left) << " &nbsp;"
    << swatch(Laterality::Right) << "</p></header>\n";
}

void warnings_section(std::ostringstream& o, const Report& r) {
  for (const std::string& w : r.warnings) o << "<p class=\"warnbox\" role=\"alert\">Warning: " << esc(w) << "</p>\n";
}

void summary_section(std::ostringstream& o, const Report& r) {
  if (r.plain_summary.empty()) return;
  o << "<section id=\"summary\" class=\"summary keep\"><h2>Summary</h2>\n";
  for (const std::string& sentence : r.plain_summary) o << "<p>" << esc(sentence) << "</p>\n";
  o << "</section>\n";
}

void notes_section(std::ostringstream& o, const Report& r) {
  if (r.notes.text.empty()) return;
  o << "<section id=\"notes\" class=\"keep\"><h2>Notes</h2>\n";
  if (!r.notes.fields.empty()) {
    o << "<table class=\"meta\">";
    for (const auto& [key, value] : r.notes.fields) o << "<tr><th>" << esc(key) << "</th><td>" << esc(value) << "</td></tr>";
    o << "</table>\n";
  }
  o << "<div class=\"notes\">" << esc(r.notes.text) << "</div>\n<p class=\"note\">As written in " << esc(fs_name(r.notes.source))
    << "; not checked by facetwitch.</p></section>\n";
}

void twitch_section(std::ostringstream& o, const Report& r) {
  const auto& s = r.session.summary;
  o << "<section id=\"twitches\"><h2>Twitches per side and region</h2>\n";
  o << "<table><thead><tr><th class=\"l\">Region</th><th class=\"l\">Side</th><th>Episodes</th><th>Twitches</th>"
       "<th>Twitches / min</th><th>Time in spasm %</th><th>Median frequency Hz</th><th>Peak amplitude % IOD</th>"
       "<th>Peak ~mm</th><th class=\"l\">Types</th></tr></thead><tbody>\n";
  for (const TwitchRow& t : r.twitches) {
    const bool enabled = t.region == Region::Mouth ? s.settings.mouth_enabled : s.settings.eye_enabled;
    o << "<tr><td class=\"l\">" << region_label(t.region) << (enabled ? "" : " <span class=\"note\">(detection off)</span>")
      << "</td><td class=\"l\">" << swatch(t.side) << "</td><td>" << t.episodes << "</td><td>" << t.twitches << "</td><td>"
      << fnum(t.twitches_per_min, 1) << "</td><td>" << (t.side == Laterality::Bilateral ? kDash : fnum(t.time_in_spasm_pct, 1))
      << "</td><td>" << fnum(t.median_frequency_hz, 2) << "</td><td>" << fnum(100.0 * t.peak_amplitude_iod, 2) << "</td><td>"
      << fnum(t.peak_amplitude_iod * kAssumedIodMm, 2) << "</td><td class=\"l\">" << types_text(t.types) << "</td></tr>\n";
  }
  o << "</tbody></table>\n<p class=\"note\">" << r.session.episodes.size()
    << (r.session.episodes.size() == 1 ? " episode" : " episodes") << " in total; " << blinks_text(s.blinks)
    << " and " << s.voluntary_movements.size() << " voluntary movement"
    << (s.voluntary_movements.size() == 1 ? "" : "s")
    << " (smile, speech, deliberate eye closure) were recognised and are not counted as twitches. "
    << "Counted apart, " << esc(describe_isolated_twitches(s.isolated_twitches))
    << ": one brief twitch with no other within " << fnum(s.settings.merge_gap_s, 2)
    << " s is not counted as an episode (on real faces most are glances, swallows or video artefacts).</p></section>\n";
}

void asymmetry_section(std::ostringstream& o, const Report& r) {
  const AsymmetrySummary& a = r.session.summary.asymmetry;
  o << "<section id=\"asymmetry\" class=\"keep\"><h2>Resting asymmetry per region</h2>\n";
  // The headline value in the words the terminal and the window use (one definition, one text).
  o << "<p>Mouth-corner height at rest, left &#8722; right: "
    << esc(describe_corner_height_diff(a.mouth_corner_height_iod())) << " (mm approximate).</p>\n";
  o << "<table><thead><tr><th class=\"l\">Measure</th><th>Left</th><th>Right</th><th>Left &#8722; right</th><th>~mm</th>"
       "<th>Difference, % of stronger</th><th class=\"l\">Weaker side</th><th class=\"l\">Normal band</th>"
       "<th class=\"l\">Verdict</th></tr></thead><tbody>\n";
  for (std::size_t i = 0; i < kAsymmetryMeasureCount; ++i) {
    const AsymmetryMeasureInfo& info = measure_info(kAsymmetryMeasures[i]);
    const RegionalAsymmetry& x = a.resting[i];
    const double f = info.angle ? 1.0 : 100.0;  // lengths in % IOD
    const int dec = 2;
    const std::string unit = info.angle ? "&#176;" : "% IOD";
    o << "<tr><td class=\"l\">" << esc(info.label) << " <span class=\"note\">(" << unit << ")</span></td><td>" << fnum(f * x.left, dec)
      << "</td><td>" << fnum(f * x.right, dec) << "</td><td>" << fsigned(f * x.diff, dec) << "</td><td>" << fsigned(x.diff_mm, 2)
      << "</td><td>" << fnum(x.percent, 1) << "</td><td class=\"l\">"
      << (x.has_weaker ? swatch(laterality(x.weaker)) : std::string(kDash)) << "</td><td class=\"l\">"
      << fmt::format("&#8804; {:g} {}{}", info.band.limit, info.angle ? "&#176;" : "mm", info.band.provisional ? " (provisional)" : "")
      << "</td><td class=\"l" << (x.verdict == BandVerdict::Above ? " flag" : "") << "\">"
      << (x.verdict == BandVerdict::Above ? "above the normal band"
                                          : (x.verdict == BandVerdict::Within ? "within the normal band" : "not measured"))
      << "</td></tr>\n";
  }
  o << "</tbody></table>\n<p class=\"note\">Resting values: medians over "
    << describe_rest_basis(a.rest_basis) << " (" << a.rest_frames
    << " frames, " << fnum(a.rest_start_s, 1) << "&#8211;" << fnum(a.rest_end_s, 1)
    << " s). The weaker side is the one with less of the measure (for the palpebral fissure: the wider eye). "
       "Mirror asymmetry index: "
    << fnum(100.0 * r.session.summary.asymmetry.index, 2) << "% IOD.</p></section>\n";
}

void protocol_section(std::ostringstream& o, const ReportedProtocol& p) {
  o << "<section id=\"protocol\"><h2>Movement protocol</h2>\n<p>" << esc(p.name.empty() ? "Protocol" : p.name) << ": "
    << p.steps.size() << " steps, " << p.steps_quality_ok << " with good quality, " << p.synkinesis_flags
    << " synkinesis flag" << (p.synkinesis_flags == 1 ? "" : "s") << ".</p>\n";
  o << "<table><thead><tr><th class=\"l\">Step</th><th>Time s</th><th class=\"l\">Measure</th><th>Left</th><th>Right</th>"
       "<th>Left &#8722; right</th><th>~mm</th><th>Difference, % of stronger</th><th class=\"l\">Weaker side</th>"
       "<th class=\"l\">Synkinesis</th><th class=\"l\">Quality</th></tr></thead><tbody>\n";
  for (const ReportedStep& s : p.steps) {
    std::string synk;
    for (const ReportedSynkinesis& k : s.synkinesis) {
      if (!k.flag) continue;
      synk += fmt::format("{}<span class=\"flag\">{} {}: {} {}{} (limit {})</span>", synk.empty() ? "" : "<br>", esc(k.side), esc(k.what),
                          fnum(k.value, 1), esc(k.unit), "", fnum(k.threshold, 1));
    }
    if (synk.empty()) synk = "none";
    std::string quality = s.quality_ok ? std::string("ok") : std::string("<span class=\"warn\">poor</span>");
    quality += fmt::format(" ({}/{} frames)", s.frames_good, s.frames);
    for (const std::string& q : s.quality_problems) quality += "<br><span class=\"note\">" + esc(q) + "</span>";
    if (s.retakes > 0) quality += fmt::format("<br><span class=\"note\">{} retake{}</span>", s.retakes, s.retakes == 1 ? "" : "s");
    if (s.episode_count > 0)
      quality += fmt::format("<br><span class=\"warn\">{} twitch episode{} during the step</span>", s.episode_count,
                             s.episode_count == 1 ? "" : "s");
    const std::size_t rows = std::max<std::size_t>(1, s.measures.size());
    const std::string step_cells =
        fmt::format("<td class=\"l\" rowspan=\"{0}\"><b>{1}</b><br><span class=\"note\">{2}</span></td><td rowspan=\"{0}\">{3}&#8211;{4}</td>",
                    rows, esc(s.label), esc(s.prompt), fnum(s.start_s, 1), fnum(s.end_s, 1));
    const std::string tail_cells =
        fmt::format("<td class=\"l\" rowspan=\"{0}\">{1}</td><td class=\"l\" rowspan=\"{0}\">{2}</td>", rows, synk, quality);
    if (s.measures.empty()) {
      o << "<tr>" << step_cells << "<td class=\"l\">" << kDash << "</td><td></td><td></td><td></td><td></td><td></td><td></td>"
        << tail_cells << "</tr>\n";
      continue;
    }
    for (std::size_t i = 0; i < s.measures.size(); ++i) {
      const ReportedMeasure& m = s.measures[i];
      const double f = m.unit == "iod" ? 100.0 : 1.0;
      const std::string unit = m.unit == "iod" ? "% IOD" : (m.unit == "deg" ? "&#176;" : esc(m.unit));
      o << "<tr>" << (i == 0 ? step_cells : "") << "<td class=\"l\">" << esc(m.label) << " <span class=\"note\">(" << unit
        << ")</span></td><td>" << fnum(f * m.left, 2) << "</td><td>" << fnum(f * m.right, 2) << "</td><td>" << fsigned(f * m.diff, 2)
        << "</td><td>" << fsigned(m.diff_mm, 2) << "</td><td>" << fnum(m.percent_of_stronger, 1) << "</td><td class=\"l\">"
        << (m.weaker_side == "left"    ? swatch(Laterality::Left)
                                                      : (m.weaker_side == "right" ? swatch(Laterality::Right) : std::string(kDash))) << "</td>" << (i == 0 ? tail_cells : "") << "</tr>\n";
    }
  }
  o << "</tbody></table>\n<p class=\"note\">Values at the movement's peak, relative to the rest step. Synkinesis: involuntary "
       "movement of another region during the step, flagged above its limit.</p></section>\n";
}

void episodes_section(std::ostringstream& o, const Report& r) {
  o << "<section id=\"episodes\"><h2>Episodes</h2>\n";
  if (r.session.episodes.empty()) {
    o << "<p>No twitch episode was detected.</p></section>\n";
    return;
  }
  o << "<table><thead><tr><th>#</th><th>Start s</th><th>End s</th><th>Duration s</th><th class=\"l\">Side</th>"
       "<th class=\"l\">Region</th><th>Twitches</th><th>Frequency Hz</th><th>Peak % IOD</th><th>Peak ~mm</th>"
       "<th class=\"l\">Type</th><th class=\"l\">Signs</th></tr></thead><tbody>\n";
  for (std::size_t i = 0; i < r.session.episodes.size(); ++i) {
    const Episode& e = r.session.episodes[i];
    std::string signs;
    if (e.co_contraction) signs += "eye and mouth together";
    if (e.brow_lift) signs += std::string(signs.empty() ? "" : "; ") + "brow lift";
    if (e.cut_by_end) signs += std::string(signs.empty() ? "" : "; ") + "still going on when the recording ended";
    o << "<tr><td>" << i + 1 << "</td><td>" << fnum(e.start_s, 2) << "</td><td>" << fnum(e.end_s, 2) << "</td><td>"
      << fnum(e.duration_s(), 2) << "</td><td class=\"l\">" << swatch(e.side) << "</td><td class=\"l\">" << to_string(e.region)
      << "</td><td>" << e.twitch_count << "</td><td>" << fnum(e.frequency_hz, 2) << "</td><td>" << fnum(100.0 * e.peak_amplitude_iod, 2)
      << "</td><td>" << fnum(e.peak_amplitude_mm(), 2) << "</td><td class=\"l\">" << episode_type_name(e.region, e.pattern)
      << "</td><td class=\"l\">" << (signs.empty() ? std::string(kDash) : signs) << "</td></tr>\n";
  }
  o << "</tbody></table></section>\n";
}

void key_frames_section(std::ostringstream& o, const Report& r) {
  if (r.key_frames.empty()) return;
  o << "<section id=\"key-frames\" class=\"keep\"><h2>Key frames</h2>\n<p class=\"note\">The frame at the peak of the "
    << r.key_frames.size() << " strongest episode" << (r.key_frames.size() == 1 ? "" : "s")
    << ", seen as the camera saw it: the person's right side is on the left of the picture.";
  if (!r.face_images) o << " Face images are left out of this report (landmark drawings only).";
  o << "</p>\n<div class=\"frames\">\n";
  for (const KeyFrame& k : r.key_frames) {
    const Episode& e = r.session.episodes[k.episode];
    o << "<figure>";
    if (!k.jpeg_base64.empty()) {
      o << "<img alt=\"frame " << k.frame << "\" src=\"data:image/jpeg;base64," << k.jpeg_base64 << "\">";
    } else {
      o << landmark_drawing(k);
    }
    o << "<figcaption>Episode " << k.episode + 1 << ": " << swatch(e.side) << " " << to_string(e.region) << ", frame " << k.frame
      << " at " << fnum(k.t, 2) << " s, " << fnum(100.0 * k.value_iod, 2) << "% IOD";
    if (r.face_images && !k.image_note.empty()) o << "<br><span class=\"note\">" << esc(k.image_note) << "</span>";
    o << "</figcaption></figure>\n";
  }
  o << "</div></section>\n";
}

std::string session_tag(const SessionData& s) {
  return fmt::format("{} ({})", date_text(s.summary.created_utc), s.dir.filename().string());
}

void compare_section(std::ostringstream& o, const Report& r) {
  if (!r.before_session || !r.after_session) return;
  o << "<section id=\"compare\"><h2>Before / after</h2>\n<p>Before: " << esc(session_tag(*r.before_session)) << "<br>After: "
    << esc(session_tag(*r.after_session)) << "</p>\n";
  o << "<table><thead><tr><th class=\"l\">Measure</th><th class=\"l\">Unit</th><th>Before</th><th>After</th><th>Change</th></tr>"
       "</thead><tbody>\n";
  std::string section;
  for (const CompareRow& c : r.compare) {
    if (c.section != section) {
      section = c.section;
      o << "<tr><th class=\"l\" colspan=\"5\">" << esc(section) << "</th></tr>\n";
    }
    const int dec = unit_decimals(c.unit);
    o << "<tr><td class=\"l\">" << esc(c.label) << "</td><td class=\"l\">" << esc(c.unit) << "</td><td>" << fnum(c.before, dec)
      << "</td><td>" << fnum(c.after, dec) << "</td><td>" << fsigned(c.change(), dec) << "</td></tr>\n";
  }
  o << "</tbody></table><p class=\"note\">Change = after &#8722; before. The sessions are ordered by their date.</p></section>\n";
}

void definitions_footer(std::ostringstream& o) {
  o << "<footer><b>Definitions.</b> Every number is defined in facetwitch's documentation: docs/METRICS.md (what is measured "
       "and how) and docs/OUTPUT.md (the files and their fields). In short: <b>IOD</b> is the inter-ocular distance (eye centre "
       "to eye centre); lengths are fractions of it, and ~mm assumes an IOD of "
    << fmt::format("{:g}", kAssumedIodMm)
    << " mm (approximate). A <b>twitch</b> is a peak of a side's mouth-corner displacement or eyelid closure above the detection "
       "threshold (the larger of the noise floor times k and a minimum amplitude); an <b>episode</b> is a run of twitches of one "
       "region and side separated by at most the merge gap. <b>Frequency</b>: twitches per second within an episode. <b>Twitches / "
       "min</b>: twitches over the recording's minutes. <b>Time in spasm</b>: the share of the recording inside an episode "
       "involving that side. <b>Types</b>: clonic, tonic or clonic-tonic (mouth); flutter or spasm (eyelid), from the length of "
       "the contractions. <b>Resting asymmetry</b>: medians of each side's regional value at rest, compared against the normal "
       "band given (docs/METRICS.md, section 4). Blinks and voluntary movements are recognised and never counted as twitches. "
       "This report is a measurement aid, not a diagnosis.</footer>\n";
}

}  // namespace

std::string report_html(const Report& r) {
  std::ostringstream o;
  o << "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">\n<title>" << esc(r.title);
  if (!r.patient_id.empty()) o << " &#8211; " << esc(r.patient_id);
  o << "</title>\n<style>" << kCss << "</style></head>\n<body>\n";
  header_section(o, r);
  warnings_section(o, r);
  summary_section(o, r);
  notes_section(o, r);
  compare_section(o, r);
  twitch_section(o, r);
  asymmetry_section(o, r);
  if (r.session.protocol) protocol_section(o, *r.session.protocol);
  if (!r.session.frames.empty()) {
    o << "<section id=\"signals\" class=\"pagebreak\"><h2>Signals over time</h2>\n";
    for (Region region : kRegions) o << signal_plot(r.session, region);
    o << "</section>\n";
  }
  episodes_section(o, r);
  key_frames_section(o, r);
  definitions_footer(o);
  o << "</body></html>\n";
  return o.str();
}

// ---- report.json --------------------------------------------------------------------------------

namespace {

Json session_json(const SessionData& d) {
  const SessionSummary& s = d.summary;
  return Json{{"dir", d.dir.string()},
              {"created_utc", s.created_utc},
              {"video", s.video},
              {"source", s.source},
              {"width", s.width},
              {"height", s.height},
              {"duration_s", jnum(s.duration_s, 4)},
              {"frames", s.frames},
              {"fps", jnum(s.fps, 3)},
              {"face_found_pct", jnum(pct(s.frames_with_face, s.frames), 2)},
              {"good_quality_pct", jnum(pct(s.frames_good_quality, s.frames), 2)},
              {"frames_dropped", s.frames_dropped},
              {"partial", s.partial},
              {"partial_reason", s.partial_reason},
              {"facetwitch_version", s.facetwitch_version},
              {"has_protocol", d.protocol.has_value()},
              {"notes", d.notes}};
}

Json protocol_json(const ReportedProtocol& p) {
  Json steps = Json::array();
  for (const ReportedStep& s : p.steps) {
    Json measures = Json::array();
    for (const ReportedMeasure& m : s.measures) {
      measures.push_back(Json{{"key", m.key}, {"label", m.label}, {"unit", m.unit}, {"left", jnum(m.left, 5)}, {"right", jnum(m.right, 5)},
                              {"diff", jnum(m.diff, 5)}, {"diff_mm", jnum(m.diff_mm, 3)},
                              {"percent_of_stronger", jnum(m.percent_of_stronger, 2)},
                              {"weaker_side", m.weaker_side.empty() ? Json(nullptr) : Json(m.weaker_side)}});
    }
    Json synk = Json::array();
    for (const ReportedSynkinesis& k : s.synkinesis) {
      synk.push_back(Json{{"side", k.side}, {"region", k.region}, {"what", k.what}, {"value", jnum(k.value, 3)}, {"unit", k.unit},
                          {"threshold", jnum(k.threshold, 3)}, {"flag", k.flag}});
    }
    steps.push_back(Json{{"id", s.id}, {"label", s.label}, {"movement", s.movement}, {"start_s", jnum(s.start_s, 4)},
                         {"end_s", jnum(s.end_s, 4)}, {"frames", s.frames}, {"frames_good", s.frames_good},
                         {"quality_ok", s.quality_ok}, {"quality_problems", s.quality_problems}, {"retakes", s.retakes},
                         {"measures", std::move(measures)}, {"synkinesis", std::move(synk)},
                         {"episode_count", s.episode_count}, {"twitch_count", s.twitch_count}});
  }
  return Json{{"name", p.name},
              {"file", p.file},
              {"steps", std::move(steps)},
              {"summary", Json{{"steps", p.steps.size()}, {"steps_quality_ok", p.steps_quality_ok}, {"synkinesis_flags", p.synkinesis_flags}}}};
}

}  // namespace

std::string report_json(const Report& r) {
  Json j = Json::object();
  j["format"] = kReportFormat;
  j["format_version"] = kReportFormatVersion;
  j["generated_by"] = std::string("facetwitch ") + FACETWITCH_VERSION;
  j["title"] = r.title;
  j["patient_id"] = r.patient_id;
  j["face_images"] = r.face_images;
  j["session"] = session_json(r.session);
  j["plain_summary"] = r.plain_summary;
  j["warnings"] = r.warnings;
  if (r.notes.text.empty()) {
    j["notes"] = nullptr;
  } else {
    Json fields = Json::array();
    for (const auto& [key, value] : r.notes.fields) fields.push_back(Json{{"key", key}, {"value", value}});
    j["notes"] = Json{{"text", r.notes.text}, {"source", r.notes.source}, {"fields", std::move(fields)}};
  }
  {
    const auto& blinks = r.session.summary.blinks;
    Json closures = Json::array();
    for (const Blink& b : blinks) {
      if (!is_long_eye_closure(b)) continue;
      closures.push_back(Json{{"start_s", jnum(b.start_s, 4)}, {"end_s", jnum(b.end_s, 4)}, {"duration_s", jnum(b.end_s - b.start_s, 4)}});
    }
    j["blinks"] = static_cast<std::int64_t>(blink_count(blinks));
    j["long_eye_closures"] = std::move(closures);
  }
  Json twitches = Json::array();
  for (const TwitchRow& t : r.twitches) {
    Json types = Json::object();
    for (const auto& [name, n] : t.types) types[name] = n;
    twitches.push_back(Json{{"region", std::string(to_string(t.region))},
                            {"side", std::string(to_string(t.side))},
                            {"episodes", t.episodes},
                            {"twitches", t.twitches},
                            {"twitches_per_min", jnum(t.twitches_per_min, 3)},
                            {"time_in_spasm_pct", jnum(t.time_in_spasm_pct, 2)},
                            {"median_frequency_hz", jnum(t.median_frequency_hz, 4)},
                            {"peak_amplitude_iod", jnum(t.peak_amplitude_iod, 5)},
                            {"peak_amplitude_mm", jnum(t.peak_amplitude_iod * kAssumedIodMm, 3)},
                            {"types", std::move(types)},
                            {"isolated_twitches",
                             count_isolated_twitches(r.session.summary.isolated_twitches, t.region, t.side)}});
  }
  j["twitch_summary"] = std::move(twitches);
  Json asym = Json::array();
  const AsymmetrySummary& a = r.session.summary.asymmetry;
  for (std::size_t i = 0; i < kAsymmetryMeasureCount; ++i) {
    const AsymmetryMeasureInfo& info = measure_info(kAsymmetryMeasures[i]);
    const RegionalAsymmetry& x = a.resting[i];
    const int dec = info.angle ? 2 : 5;
    asym.push_back(Json{{"key", std::string(info.key)},
                        {"label", std::string(info.label)},
                        {"unit", info.angle ? "deg" : "iod"},
                        {"left", jnum(x.left, dec)},
                        {"right", jnum(x.right, dec)},
                        {"diff", jnum(x.diff, dec)},
                        {"diff_mm", jnum(x.diff_mm, 3)},
                        {"percent_of_stronger", jnum(x.percent, 2)},
                        {"weaker_side", x.has_weaker ? Json(std::string(to_string(x.weaker))) : Json(nullptr)},
                        {"verdict", std::string(to_string(x.verdict))},
                        {"normal_band_limit", jnum(info.band.limit, 3)},
                        {"normal_band_unit", info.angle ? "deg" : "mm"},
                        {"normal_band_provisional", info.band.provisional}});
  }
  j["resting_asymmetry"] = Json{{"rest_basis", a.rest_basis}, {"rest_frames", a.rest_frames}, {"index_iod", jnum(a.index, 5)},
                                {"regions", std::move(asym)}};
  j["protocol"] = r.session.protocol ? protocol_json(*r.session.protocol) : Json(nullptr);
  Json episodes = Json::array();
  for (const Episode& e : r.session.episodes) {
    episodes.push_back(Json{{"start_s", jnum(e.start_s, 4)},
                            {"end_s", jnum(e.end_s, 4)},
                            {"duration_s", jnum(e.duration_s(), 4)},
                            {"side", std::string(to_string(e.side))},
                            {"region", std::string(to_string(e.region))},
                            {"twitch_count", e.twitch_count},
                            {"frequency_hz", jnum(e.frequency_hz, 4)},
                            {"peak_amplitude_iod", jnum(e.peak_amplitude_iod, 5)},
                            {"peak_amplitude_mm", jnum(e.peak_amplitude_mm(), 3)},
                            {"type", std::string(episode_type_name(e.region, e.pattern))},
                            {"co_contraction", e.co_contraction},
                            {"brow_lift", e.brow_lift},
                            {"cut_by_end", e.cut_by_end}});
  }
  j["episodes"] = std::move(episodes);
  Json frames = Json::array();
  for (const KeyFrame& k : r.key_frames) {
    frames.push_back(Json{{"episode", k.episode + 1},
                          {"frame", k.frame},
                          {"time_s", jnum(k.t, 4)},
                          {"value_iod", jnum(k.value_iod, 5)},
                          {"crop_px", Json::array({k.crop.x, k.crop.y, k.crop.width, k.crop.height})},
                          {"image_embedded", !k.jpeg_base64.empty()},
                          {"image_note", k.image_note}});
  }
  j["key_frames"] = std::move(frames);
  if (r.before_session && r.after_session) {
    Json rows = Json::array();
    for (const CompareRow& c : r.compare) {
      rows.push_back(Json{{"section", c.section}, {"key", c.key}, {"label", c.label}, {"unit", c.unit}, {"before", jnum(c.before, 4)},
                          {"after", jnum(c.after, 4)}, {"change", jnum(c.change(), 4)}});
    }
    j["compare"] = Json{{"before", session_json(*r.before_session)}, {"after", session_json(*r.after_session)}, {"rows", std::move(rows)}};
  } else {
    j["compare"] = nullptr;
  }
  return j.dump(2, ' ', false, Json::error_handler_t::replace) + "\n";
}

}  // namespace ft
