// terminal.cpp: progress bar and result table.
#include "app/terminal.hpp"

#include <unistd.h>

#include <cmath>

#include <fmt/format.h>

#include "report/report.hpp"

namespace ft::app {

ProgressBar::ProgressBar(std::string label) : label_(printable(label)), enabled_(isatty(STDERR_FILENO) == 1) {}

ProgressBar::~ProgressBar() { done(); }

void ProgressBar::update(double fraction, long frames, double t_s) {
  if (!enabled_ || finished_) return;
  if (fraction >= 0.0) {
    const int width = 30;
    const int filled = static_cast<int>(std::lround(std::min(1.0, fraction) * width));
    fmt::print(stderr, "\r{} [{}{}] {:3.0f}%  {} frames  {:.1f} s", label_, std::string(static_cast<std::size_t>(filled), '#'),
               std::string(static_cast<std::size_t>(width - filled), '.'), 100.0 * std::min(1.0, fraction), frames, t_s);
  } else {
    fmt::print(stderr, "\r{}  {} frames  {:.1f} s", label_, frames, t_s);
  }
  std::fflush(stderr);
}

void ProgressBar::done() {
  if (enabled_ && !finished_) {
    fmt::print(stderr, "\n");
    std::fflush(stderr);
  }
  finished_ = true;
}

std::string printable(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  for (std::size_t i = 0; i < text.size(); ++i) {
    const auto u = static_cast<unsigned char>(text[i]);
    const bool c1 = u == 0xc2 && i + 1 < text.size() && static_cast<unsigned char>(text[i + 1]) >= 0x80 &&
                    static_cast<unsigned char>(text[i + 1]) <= 0x9f;
    if (u < 0x20 || u == 0x7f) {
      out += fmt::format("\\x{:02x}", u);
    } else if (c1) {
      out += fmt::format("\\xc2\\x{:02x}", static_cast<unsigned char>(text[++i]));
    } else {
      out += text[i];
    }
  }
  return out;
}

std::string format_amplitude(double iod) {
  if (std::isnan(iod)) return "-";
  return fmt::format("{:.1f}% IOD (~{:.1f} mm)", 100.0 * iod, iod * kAssumedIodMm);
}

std::string format_summary_table(const SessionSummary& s) {
  std::string out;
  const double face_pct = s.frames ? 100.0 * static_cast<double>(s.frames_with_face) / static_cast<double>(s.frames) : 0.0;
  const double good_pct = s.frames ? 100.0 * static_cast<double>(s.frames_good_quality) / static_cast<double>(s.frames) : 0.0;
  out += fmt::format("{}\n  {:.1f} s, {} frames at {:.1f} fps; face found in {:.1f}% of frames, measurable in {:.1f}%\n",
                     printable(s.video), s.duration_s, s.frames, s.fps, face_pct, good_pct);
  if (s.partial) out += fmt::format("  PARTIAL: {}\n", printable(s.partial_reason));
  if (s.episodes.empty()) {
    out += "  no twitch episodes\n";
  } else {
    out += fmt::format("  {:>3} {:>8} {:>8} {:>6}  {:<9} {:<6} {:<12} {:>8} {:>6} {:>10} {:>8}\n", "#", "start_s", "end_s",
                       "dur_s", "side", "region", "type", "twitches", "Hz", "peak_%IOD", "peak_mm");
    int i = 0;
    for (const auto& e : s.episodes) {
      out += fmt::format("  {:>3} {:>8.2f} {:>8.2f} {:>6.2f}  {:<9} {:<6} {:<12} {:>8} {:>6} {:>10.2f} {:>8.2f}\n", ++i,
                         e.start_s, e.end_s, e.duration_s(), to_string(e.side), to_string(e.region),
                         episode_type_name(e.region, e.pattern), e.twitch_count,
                         std::isnan(e.frequency_hz) ? std::string("-") : fmt::format("{:.2f}", e.frequency_hz),
                         100.0 * e.peak_amplitude_iod, e.peak_amplitude_mm());
    }
  }
  out += fmt::format("  {}\n", describe_isolated_twitches(s.isolated_twitches));
  // A blink of kLongEyeClosureS or longer is a long eye closure, not a blink (as in the report).
  std::string closures;
  for (const Blink& b : s.blinks) {
    if (!is_long_eye_closure(b)) continue;
    if (!closures.empty()) closures += ", ";
    closures += fmt::format("{:.1f} s", b.end_s - b.start_s);
  }
  out += fmt::format("  blinks: {}   voluntary movements (smile, speech, eye closure): {}", blink_count(s.blinks), s.voluntary_movements.size());
  if (!closures.empty()) out += fmt::format("   long eye closures: {}", closures);
  out += "\n";
  const double h = s.asymmetry.mouth_corner_height_iod();
  if (std::isnan(h)) {
    out += "  asymmetry at rest: not measured (no measurable frame outside twitches and blinks)\n";
  } else {
    // The resting values (summary.json asymmetry.regions, the report, the window): one definition.
    out += fmt::format("  asymmetry at rest ({} frames): mouth-corner height, left - right {} (mm approximate); "
                       "mirror index {:.2f}% IOD\n",
                       s.asymmetry.rest_frames, describe_corner_height_diff(h), 100.0 * s.asymmetry.index);
  }
  return out;
}

void GapCounts::add(double t, std::uint32_t quality) {
  if (frames == 0) first_t = t;
  last_t = t;
  ++frames;
  if (quality == kQualityOk) return;
  ++paused;
  if (quality & kQualityNoFace) ++no_face;
  if (quality & kQualitySmall) ++small;
  if (quality & kQualityPose) ++pose;
  if (quality & kQualityDark) ++dark;
  if (quality & kQualityBright) ++bright;
  if (quality & kQualityBlur) ++blur;
  if (quality & kQualityOccluded) ++occluded;
  if (quality & kQualityDamaged) ++damaged;
}

std::string format_gaps(const GapCounts& g) {
  if (g.paused == 0) return "";
  const double step = g.frames > 1 ? (g.last_t - g.first_t) / static_cast<double>(g.frames - 1) : 0.0;
  std::string out = fmt::format("  measurement paused in {} of {} frames ({:.1f} s), shown as gaps in frames.csv; why:\n",
                                g.paused, g.frames, static_cast<double>(g.paused) * step);
  const auto line = [&](std::int64_t n, const char* what, const char* todo) {
    if (n > 0) out += fmt::format("    {:>6} frames: {} ({})\n", n, what, todo);
  };
  line(g.no_face, "no face found", "keep the face in view, facing the camera, at least ~80 pixels wide and lit");
  const std::string small = fmt::format("face too small (eyes less than {:.0f} px apart)", g.min_face_iod_px);
  line(g.small, small.c_str(), "move closer or record at a higher resolution");
  line(g.pose, "head turned or tilted too far", "face the camera");
  line(g.dark, "too dark", "add light in front of the face");
  line(g.bright, "overexposed", "less light on the face or a lower camera exposure");
  line(g.blur, "blurred", "hold still, clean the lens, add light");
  line(g.occluded, "mouth covered or light changed suddenly", "keep hands away from the face, steady light");
  line(g.damaged, "damaged in the file (the decoder reported errors and filled in the picture)",
       "copy the video again from the original");
  if (g.paused == g.frames) out += "  nothing could be measured in this video: no twitch can be reported from it\n";
  return out;
}

}  // namespace ft::app
