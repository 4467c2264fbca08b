// drawing.hpp: small ImDrawList helpers shared by the overlays and the plots (dashed lines, arrows,
// labels on a rounded background, "nice" axis steps, transport icons). UI thread only.
// Units: window coordinates (points).
#pragma once

#include <string>

#include <imgui.h>

namespace ft::ui {

void dashed_line(ImDrawList* dl, ImVec2 a, ImVec2 b, ImU32 col, float thickness, float dash,
                 float gap);
// Arrow from `from` to `to` with a filled head `head` points long.
void arrow(ImDrawList* dl, ImVec2 from, ImVec2 to, ImU32 col, float thickness, float head);
// Text on a rounded rectangle; `anchor` is where the box goes: (0,0) = pos is its top-left,
// (0.5,0.5) = pos is its centre, (1,0) = top-right... Returns the box's size.
ImVec2 label(ImDrawList* dl, ImFont* font, float size, ImVec2 pos, ImVec2 anchor, ImU32 text,
             ImU32 bg, const std::string& s, float pad = 4.0f);
// A step of 1, 2, 2.5 or 5 times a power of ten giving about `target` intervals over `span`.
double nice_step(double span, int target);

enum class Icon { Play, Pause, StepBack, StepForward, Record, Stop };
void draw_icon(ImDrawList* dl, Icon icon, ImVec2 centre, float size, ImU32 col);
// A square button showing `icon`; returns true when clicked.
bool icon_button(const char* id, Icon icon, float size, ImU32 col, const char* tooltip);

}  // namespace ft::ui
