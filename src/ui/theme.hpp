// theme.hpp: the window's look: colours (one per side of the person, used everywhere: overlays,
// plots, counters), fonts (DejaVu Sans sized from the window height and the monitor's content
// scale), and the Dear ImGui style. UI thread only (Dear ImGui's context is not thread-safe).
#pragma once

#include <cstdint>
#include <string>

#include <imgui.h>

#include "core/side.hpp"

namespace ft::ui {

// 0xAABBGGRR like Dear ImGui's IM_COL32, without its casts.
constexpr ImU32 rgba(int r, int g, int b, int a = 255) {
  return (static_cast<ImU32>(a) << 24) | (static_cast<ImU32>(b) << 16) |
         (static_cast<ImU32>(g) << 8) | static_cast<ImU32>(r);
}
constexpr ImU32 with_alpha(ImU32 c, int a) {
  return (c & 0x00FFFFFFu) | (static_cast<ImU32>(a) << 24);
}
ImVec4 to_vec4(ImU32 c);

namespace colour {
inline constexpr ImU32 kLeft = rgba(255, 167, 38);   // the person's left: amber
inline constexpr ImU32 kRight = rgba(41, 182, 246);  // the person's right: sky blue
inline constexpr ImU32 kBoth = rgba(186, 153, 255);  // bilateral; the asymmetry trace
inline constexpr ImU32 kAlert = rgba(255, 64, 110);  // a twitch happening now
inline constexpr ImU32 kRecord = rgba(239, 54, 54);  // recording
inline constexpr ImU32 kOk = rgba(76, 200, 140);
inline constexpr ImU32 kWarn = rgba(255, 196, 64);
inline constexpr ImU32 kText = rgba(228, 232, 239);
inline constexpr ImU32 kTextDim = rgba(148, 156, 170);
inline constexpr ImU32 kWindowBg = rgba(20, 23, 28);
inline constexpr ImU32 kPanelBg = rgba(26, 30, 37);
inline constexpr ImU32 kPlotBg = rgba(15, 17, 21);
inline constexpr ImU32 kGrid = rgba(52, 58, 70);
inline constexpr ImU32 kBorder = rgba(44, 50, 61);
inline constexpr ImU32 kAccent = rgba(38, 166, 154);
}  // namespace colour

inline ImU32 side_colour(Side s) {
  return s == Side::Left ? colour::kLeft : colour::kRight;
}
inline ImU32 laterality_colour(Laterality l) {
  return l == Laterality::Left ? colour::kLeft
                               : (l == Laterality::Right ? colour::kRight : colour::kBoth);
}

struct Fonts {
  ImFont* regular = nullptr;
  ImFont* bold = nullptr;
  ImFont* big = nullptr;    // large figures
  ImFont* small = nullptr;  // axis labels
  float size = 16.0f;       // regular size, pixels
  std::string warning;      // set when DejaVu Sans was not found (Dear ImGui's own font is used)
};

// Font size for a window of this height (points) and content scale: 16 px at 900 px, within 13..30.
float font_size_for(float window_height, float content_scale);
// Clears the atlas and loads the fonts at `size` (the caller re-creates the GL font texture).
Fonts load_fonts(float size);
// Colours and metrics of the style, scaled for `font_size`.
void apply_style(float font_size);

}  // namespace ft::ui
