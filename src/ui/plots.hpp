// plots.hpp: the scrolling signal plots, drawn with ImDrawList (Dear ImGui 1.86 has no plot widget
// beyond PlotLines): per region, the person's left and right signal against time with each side's
// detection threshold (dashed), the frames inside a detected event shaded, and the episodes as bars
// along the top; and the mouth-corner height difference (asymmetry) against time. Axes in seconds
// and % IOD. UI thread only.
#pragma once

#include <vector>

#include <imgui.h>

#include "core/measurements.hpp"
#include "pipeline/replay_session.hpp"
#include "ui/theme.hpp"

namespace ft::ui {

struct PlotView {
  double t0 = 0.0, t1 = 20.0;                              // visible time range, seconds
  double cursor_t = kNaN;                                  // replay: the displayed frame's time
  const std::vector<ReplayPlotSample>* samples = nullptr;  // in time order
  const std::vector<Episode>* episodes = nullptr;          // closed and open
  const Fonts* fonts = nullptr;
};

// Region plot in the rectangle [p0, p1]. `enabled` false greys it out ("detection off").
void draw_signal_plot(ImDrawList* dl, ImVec2 p0, ImVec2 p1, Region region, const PlotView& view,
                      bool enabled);
void draw_asymmetry_plot(ImDrawList* dl, ImVec2 p0, ImVec2 p1, const PlotView& view);

}  // namespace ft::ui
