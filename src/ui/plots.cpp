// plots.cpp: signal and asymmetry plots.
#include "ui/plots.hpp"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <string>

#include "ui/drawing.hpp"

namespace ft::ui {

namespace {

constexpr double kGapS = 0.25;  // a pause longer than this between samples breaks the line

struct Axes {
  ImVec2 a0, a1;  // plot area
  double t0 = 0, t1 = 1, y0 = 0, y1 = 1;
  float x(double t) const {
    return a0.x + static_cast<float>((t - t0) / (t1 - t0)) * (a1.x - a0.x);
  }
  float y(double v) const {
    return a1.y - static_cast<float>((v - y0) / (y1 - y0)) * (a1.y - a0.y);
  }
};

std::string fmt_num(double v) {
  if (std::abs(v) < 1e-9)
    v = 0.0;
  // Up to two decimals, without trailing zeros: 7.5, 5, 2.5, 0.
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.2f", v);
  std::string s = buf;
  while (!s.empty() && s.back() == '0')
    s.pop_back();
  if (!s.empty() && s.back() == '.')
    s.pop_back();
  if (s == "-0")
    s = "0";
  if (!s.empty() && s[0] == '-')
    s = "\xE2\x88\x92" + s.substr(1);  // typographic minus
  return s;
}

struct LegendItem {
  enum Kind { Line, Dashed, Box } kind;
  ImU32 colour;
  const char* text;
  const char* short_text = nullptr;  // when the legend and the title do not fit on one row (else `text`)
};

// Frame, title, legend, grid, tick labels. The value axis spans [y0, y1] (a little more below);
// labels sit on round values about every 1.8 lines of text (at least 3); `symmetric` keeps 0 in the
// middle. Returns the plot area's axes.
Axes draw_frame(ImDrawList* dl, ImVec2 p0, ImVec2 p1, const PlotView& v, double y0, double y1,
                bool symmetric, const char* title, const std::vector<LegendItem>& legend) {
  const Fonts& f = *v.fonts;
  const float fs = f.small->FontSize;
  const float title_h = f.bold->FontSize * 1.45f;
  const float left = f.small
                         ->CalcTextSizeA(fs, 1e9f, 0.0f,
                                         "\xE2\x88\x92"
                                         "00.0")
                         .x +
                     10.0f;
  const float bottom = fs + 6.0f;
  Axes ax;
  ax.a0 = ImVec2(p0.x + left, p0.y + title_h);
  ax.a1 = ImVec2(p1.x - 10.0f, p1.y - bottom);
  // The axis spans the data (with a little room below), the labels sit on round values inside it.
  if (symmetric) {
    y1 = std::max(-y0, y1);
    y0 = -y1;
  } else {
    y0 -= 0.04 * (y1 - y0);
  }
  const int yticks = std::max(3, static_cast<int>((ax.a1.y - ax.a0.y) / (fs * 1.8f)));
  const double ystep = nice_step(y1 - y0, yticks);
  ax.t0 = v.t0;
  ax.t1 = v.t1;
  ax.y0 = y0;
  ax.y1 = y1;

  dl->AddText(f.bold, f.bold->FontSize,
              ImVec2(p0.x + 4.0f, p0.y + (title_h - f.bold->FontSize) * 0.45f), colour::kText,
              title);
  // Legend, right-aligned on the title row; in its short words when the full one would run into
  // the title (a narrow window).
  const float sw = fs * 1.2f;       // swatch
  const float text_gap = 6.0f;      // swatch to its text
  const float item_gap = fs * 0.9f;  // one item to the next
  auto label = [](const LegendItem& it, bool brief) { return brief && it.short_text ? it.short_text : it.text; };
  float full_w = 0.0f;
  for (const LegendItem& it : legend) full_w += f.small->CalcTextSizeA(fs, 1e9f, 0.0f, it.text).x + text_gap + sw + item_gap;
  const float title_w = f.bold->CalcTextSizeA(f.bold->FontSize, 1e9f, 0.0f, title).x;
  const bool brief = p0.x + 4.0f + title_w + fs + full_w > ax.a1.x;
  float x = ax.a1.x;
  const float ly = p0.y + title_h * 0.5f;
  for (auto it = legend.rbegin(); it != legend.rend(); ++it) {
    const char* text = label(*it, brief);
    x -= f.small->CalcTextSizeA(fs, 1e9f, 0.0f, text).x;
    dl->AddText(f.small, fs, ImVec2(x, ly - fs * 0.55f), colour::kTextDim, text);
    x -= text_gap;
    switch (it->kind) {
      case LegendItem::Line:
        dl->AddLine(ImVec2(x - sw, ly), ImVec2(x, ly), it->colour, 2.5f);
        break;
      case LegendItem::Dashed:
        dashed_line(dl, ImVec2(x - sw, ly), ImVec2(x, ly), it->colour, 1.5f, 3.0f, 2.5f);
        break;
      case LegendItem::Box:
        dl->AddRectFilled(ImVec2(x - sw, ly - fs * 0.4f), ImVec2(x, ly + fs * 0.4f), it->colour,
                          2.0f);
        break;
    }
    x -= sw + item_gap;
  }

  dl->AddRectFilled(ax.a0, ax.a1, colour::kPlotBg, 3.0f);
  // Horizontal grid and value labels.
  for (double yv = std::ceil(y0 / ystep - 1e-9) * ystep; yv <= y1 + 1e-9; yv += ystep) {
    const float yy = ax.y(yv);
    const bool zero = std::abs(yv) < ystep * 1e-3;
    dl->AddLine(ImVec2(ax.a0.x, yy), ImVec2(ax.a1.x, yy),
                zero ? with_alpha(colour::kTextDim, 120) : colour::kGrid, 1.0f);
    const std::string s = fmt_num(yv);
    const float tw = f.small->CalcTextSizeA(fs, 1e9f, 0.0f, s.c_str()).x;
    dl->AddText(f.small, fs, ImVec2(ax.a0.x - tw - 5.0f, yy - fs * 0.5f), colour::kTextDim,
                s.c_str());
  }
  // Vertical grid and time labels.
  const double tstep = nice_step(v.t1 - v.t0, 10);
  for (double tv = std::ceil(v.t0 / tstep - 1e-9) * tstep; tv <= v.t1 + 1e-9; tv += tstep) {
    if (tv < 0)
      continue;
    const float xx = ax.x(tv);
    dl->AddLine(ImVec2(xx, ax.a0.y), ImVec2(xx, ax.a1.y), with_alpha(colour::kGrid, 110), 1.0f);
    const std::string s = fmt_num(tv) + " s";
    const float tw = f.small->CalcTextSizeA(fs, 1e9f, 0.0f, s.c_str()).x;
    dl->AddText(f.small, fs, ImVec2(xx - tw * 0.5f, ax.a1.y + 3.0f), colour::kTextDim, s.c_str());
  }
  return ax;
}

void draw_cursor(ImDrawList* dl, const Axes& ax, double t) {
  if (!std::isfinite(t) || t < ax.t0 || t > ax.t1)
    return;
  const float x = ax.x(t);
  dl->AddLine(ImVec2(x, ax.a0.y), ImVec2(x, ax.a1.y), rgba(255, 255, 255, 170), 1.5f);
  dl->AddTriangleFilled(ImVec2(x - 5, ax.a0.y), ImVec2(x + 5, ax.a0.y), ImVec2(x, ax.a0.y + 6),
                        rgba(255, 255, 255, 200));
}

void centred_note(ImDrawList* dl, const Axes& ax, const Fonts& f, const char* text) {
  const ImVec2 ts = f.regular->CalcTextSizeA(f.regular->FontSize, 1e9f, 0.0f, text);
  dl->AddText(f.regular, f.regular->FontSize,
              ImVec2((ax.a0.x + ax.a1.x - ts.x) * 0.5f, (ax.a0.y + ax.a1.y - ts.y) * 0.5f),
              colour::kTextDim, text);
}

// A polyline of (t, value) broken at gaps and invalid samples.
template <class Get>
void series(ImDrawList* dl, const Axes& ax, const std::vector<ReplayPlotSample>& s, ImU32 col,
            float thick, Get get, bool dashed = false) {
  std::vector<ImVec2> pts;
  auto flush = [&] {
    if (pts.size() >= 2) {
      if (dashed) {
        // The dash pattern runs along the whole line (segments are shorter than a dash).
        constexpr float kDash = 5.0f, kGap = 4.0f;
        float phase = 0.0f;  // distance into the current dash+gap period
        for (std::size_t i = 1; i < pts.size(); ++i) {
          const ImVec2 a = pts[i - 1], b = pts[i];
          const float len = std::hypot(b.x - a.x, b.y - a.y);
          float pos = 0.0f;
          while (pos < len) {
            const bool on = phase < kDash;
            const float step = std::min(len - pos, on ? kDash - phase : kDash + kGap - phase);
            if (on) {
              const float u0 = pos / len, u1 = (pos + step) / len;
              dl->AddLine(ImVec2(a.x + (b.x - a.x) * u0, a.y + (b.y - a.y) * u0),
                          ImVec2(a.x + (b.x - a.x) * u1, a.y + (b.y - a.y) * u1), col, thick);
            }
            pos += step;
            phase = std::fmod(phase + step, kDash + kGap);
          }
        }
      } else {
        dl->AddPolyline(pts.data(), static_cast<int>(pts.size()), col, ImDrawFlags_None, thick);
      }
    }
    pts.clear();
  };
  double prev_t = kNaN;
  for (const ReplayPlotSample& p : s) {
    const double v = get(p);
    if (!std::isfinite(v) || (std::isfinite(prev_t) && p.t - prev_t > kGapS))
      flush();
    if (std::isfinite(v))
      pts.emplace_back(ax.x(p.t), ax.y(std::clamp(v, ax.y0, ax.y1)));
    prev_t = p.t;
  }
  flush();
}

}  // namespace

void draw_signal_plot(ImDrawList* dl, ImVec2 p0, ImVec2 p1, Region region, const PlotView& v,
                      bool enabled) {
  static const std::vector<ReplayPlotSample> kNone;
  const auto& samples = v.samples ? *v.samples : kNone;
  // Value range: at least 0..3 % IOD (-0.5 for lids opening wider), grown to what is visible.
  // The mouth signal is a distance: never below 0.
  double lo = region == Region::Eye ? -0.5 : 0.0, hi = 3.0;
  for (const ReplayPlotSample& p : samples) {
    for (Side s : kSides) {
      const SignalSample& x = p.signals[region][s];
      if (!x.valid)
        continue;
      if (std::isfinite(x.value_iod)) {
        hi = std::max(hi, 100.0 * x.value_iod);
        lo = std::min(lo, 100.0 * x.value_iod);
      }
      if (std::isfinite(x.threshold_iod))
        hi = std::max(hi, 100.0 * x.threshold_iod);
    }
  }
  hi = std::min(hi * 1.12, 40.0);  // headroom: peaks do not touch the episode bars
  lo = region == Region::Mouth ? 0.0 : std::max(lo * 1.12, -20.0);
  const char* title = region == Region::Mouth
                          ? "Mouth corners \xE2\x80\x94 pull up and outward from rest, % IOD"
                          : "Eyelids \xE2\x80\x94 closing from rest, % IOD";
  const std::vector<LegendItem> legend{
      {LegendItem::Line, colour::kLeft, "person's left"},
      {LegendItem::Line, colour::kRight, "person's right"},
      {LegendItem::Dashed, colour::kTextDim, "threshold", "thresh."},
      {LegendItem::Box, with_alpha(colour::kAlert, 110), "twitch episode", "episode"}};
  const Axes ax = draw_frame(dl, p0, p1, v, lo, hi, false, title, legend);
  dl->PushClipRect(ax.a0, ax.a1, true);

  const Fonts& fonts = *v.fonts;
  // Episodes: shaded, with a bar along the top in the side's colour and the frequency when there
  // is room.
  if (v.episodes) {
    const float bar_h = std::max(4.0f, fonts.size * 0.28f);
    for (const Episode& e : *v.episodes) {
      if (e.region != region || e.end_s < v.t0 || e.start_s > v.t1)
        continue;
      const float x0 = ax.x(e.start_s), x1 = std::max(ax.x(e.end_s), x0 + 3.0f);
      dl->AddRectFilled(ImVec2(x0, ax.a0.y), ImVec2(x1, ax.a1.y), with_alpha(colour::kAlert, 40));
      const float y0 = ax.a0.y + 2.0f;
      if (e.side == Laterality::Bilateral) {
        dl->AddRectFilled(ImVec2(x0, y0), ImVec2(x1, y0 + bar_h * 0.5f), colour::kLeft);
        dl->AddRectFilled(ImVec2(x0, y0 + bar_h * 0.5f), ImVec2(x1, y0 + bar_h), colour::kRight);
      } else {
        dl->AddRectFilled(ImVec2(x0, y0), ImVec2(x1, y0 + bar_h), laterality_colour(e.side), 2.0f);
      }
      const char* who =
          e.side == Laterality::Left ? "left" : (e.side == Laterality::Right ? "right" : "both");
      char buf[64];
      if (std::isfinite(e.frequency_hz)) {
        std::snprintf(buf, sizeof buf, "%s %.1f Hz", who, e.frequency_hz);
      } else {
        std::snprintf(buf, sizeof buf, "%s", who);
      }
      // The label goes right of the bar (left of it near the plot's right edge), on the bar's line.
      const float fsz = fonts.small->FontSize;
      const ImVec2 ts = fonts.small->CalcTextSizeA(fsz, 1e9f, 0.0f, buf);
      ImVec2 tp(x1 + 5.0f, y0 + bar_h * 0.5f - ts.y * 0.5f);
      if (tp.x + ts.x > ax.a1.x - 2.0f)
        tp.x = x0 - ts.x - 5.0f;
      tp.y = std::max(tp.y, ax.a0.y);
      dl->AddRectFilled(ImVec2(tp.x - 3, tp.y), ImVec2(tp.x + ts.x + 3, tp.y + ts.y),
                        rgba(15, 17, 21, 215), 3.0f);
      dl->AddText(fonts.small, fsz, tp, laterality_colour(e.side), buf);
    }
  }
  // Frames inside a detected event (twitch, blink or other), per side: a strip along the bottom.
  const float strip = std::max(3.0f, fonts.size * 0.2f);
  for (Side s : kSides) {
    double run_start = kNaN, prev_t = kNaN;
    const float y1 = ax.a1.y - (s == Side::Left ? strip : 0.0f), y0 = y1 - strip;
    auto close_run = [&](double end_t) {
      if (std::isfinite(run_start)) {
        dl->AddRectFilled(ImVec2(ax.x(run_start), y0),
                          ImVec2(std::max(ax.x(end_t), ax.x(run_start) + 2.0f), y1),
                          side_colour(s));
      }
      run_start = kNaN;
    };
    for (const ReplayPlotSample& p : samples) {
      const bool active = p.signals[region][s].active;
      if (active && !std::isfinite(run_start))
        run_start = p.t;
      if (!active && std::isfinite(run_start))
        close_run(p.t);
      prev_t = p.t;
    }
    if (std::isfinite(run_start))
      close_run(prev_t);
  }
  // Thresholds (dashed) and signals.
  for (Side s : kSides) {
    series(
        dl, ax, samples, with_alpha(side_colour(s), 150), 1.3f,
        [&](const ReplayPlotSample& p) {
          const SignalSample& x = p.signals[region][s];
          return x.valid ? 100.0 * x.threshold_iod : kNaN;
        },
        true);
  }
  for (Side s : kSides) {
    series(dl, ax, samples, side_colour(s), 2.0f, [&](const ReplayPlotSample& p) {
      const SignalSample& x = p.signals[region][s];
      return x.valid ? 100.0 * x.value_iod : kNaN;
    });
  }
  draw_cursor(dl, ax, v.cursor_t);
  dl->PopClipRect();
  if (!enabled) {
    dl->AddRectFilled(ax.a0, ax.a1, rgba(15, 17, 21, 150));
    centred_note(dl, ax, *v.fonts, "detection off (Settings)");
  } else if (std::none_of(samples.begin(), samples.end(), [&](const ReplayPlotSample& p) {
               return p.signals[region].left.valid || p.signals[region].right.valid;
             })) {
    centred_note(dl, ax, *v.fonts,
                 samples.empty() ? "no measurement yet" : "no measurable face in this time range");
  }
}

void draw_asymmetry_plot(ImDrawList* dl, ImVec2 p0, ImVec2 p1, const PlotView& v) {
  static const std::vector<ReplayPlotSample> kNone;
  const auto& samples = v.samples ? *v.samples : kNone;
  double m = 2.0;
  for (const ReplayPlotSample& p : samples) {
    if (p.measurable && std::isfinite(p.height_diff_iod))
      m = std::max(m, std::abs(100.0 * p.height_diff_iod));
  }
  m = std::min(m * 1.12, 30.0);
  const std::vector<LegendItem> legend{
      {LegendItem::Line, colour::kBoth,
       "left corner minus right: \xE2\x86\x91 left higher, \xE2\x86\x93 right higher",
       "\xE2\x86\x91 left higher, \xE2\x86\x93 right higher"}};
  const Axes ax = draw_frame(dl, p0, p1, v, -m, m, true,
                             "Asymmetry \xE2\x80\x94 mouth-corner height, % IOD", legend);
  dl->PushClipRect(ax.a0, ax.a1, true);
  series(dl, ax, samples, colour::kBoth, 2.0f,
         [](const ReplayPlotSample& p) { return p.measurable ? 100.0 * p.height_diff_iod : kNaN; });
  draw_cursor(dl, ax, v.cursor_t);
  dl->PopClipRect();
  const Fonts& f = *v.fonts;
  if (std::none_of(samples.begin(), samples.end(),
                   [](const ReplayPlotSample& p) { return p.measurable; })) {
    centred_note(dl, ax, f,
                 samples.empty() ? "no measurement yet" : "no measurable face in this time range");
  }
}

}  // namespace ft::ui
