// theme.cpp: fonts and style.
#include "ui/theme.hpp"

#include <algorithm>
#include <cmath>
#include <filesystem>
#include <system_error>

namespace ft::ui {

namespace {
constexpr const char* kFontDirs[] = {"/usr/share/fonts/truetype/dejavu/",
                                     "/usr/share/fonts/dejavu/", "/usr/local/share/fonts/"};

std::string find_font(const char* file) {
  std::error_code ec;
  for (const char* d : kFontDirs) {
    const std::filesystem::path p = std::filesystem::path(d) / file;
    if (std::filesystem::is_regular_file(p, ec))
      return p.string();
  }
  return {};
}

// Latin-1 plus the few symbols the window uses (dashes, bullet, ellipsis, arrows, minus, shapes).
const ImWchar* glyph_ranges() {
  static const ImWchar ranges[] = {0x0020, 0x00FF, 0x2010, 0x2027, 0x2190, 0x2193, 0x2212, 0x2212,
                                   0x2264, 0x2265, 0x25A0, 0x25CF, 0x2713, 0x2713, 0};
  return ranges;
}
}  // namespace

ImVec4 to_vec4(ImU32 c) {
  return ImVec4(static_cast<float>(c & 0xFF) / 255.0f, static_cast<float>((c >> 8) & 0xFF) / 255.0f,
                static_cast<float>((c >> 16) & 0xFF) / 255.0f,
                static_cast<float>((c >> 24) & 0xFF) / 255.0f);
}

float font_size_for(float window_height, float content_scale) {
  const float scale = content_scale > 0.5f ? content_scale : 1.0f;
  const float s = window_height / 900.0f * 16.0f;
  return std::round(std::clamp(s, 13.0f, 30.0f) * scale);
}

Fonts load_fonts(float size) {
  ImGuiIO& io = ImGui::GetIO();
  io.Fonts->Clear();
  Fonts f;
  f.size = size;
  const std::string regular = find_font("DejaVuSans.ttf");
  const std::string bold = find_font("DejaVuSans-Bold.ttf");
  ImFontConfig cfg;
  cfg.OversampleH = 2;
  cfg.OversampleV = 1;
  if (!regular.empty()) {
    f.regular = io.Fonts->AddFontFromFileTTF(regular.c_str(), size, &cfg, glyph_ranges());
    f.small = io.Fonts->AddFontFromFileTTF(regular.c_str(), std::round(size * 0.8f), &cfg,
                                           glyph_ranges());
    const std::string& b = bold.empty() ? regular : bold;
    f.bold = io.Fonts->AddFontFromFileTTF(b.c_str(), size, &cfg, glyph_ranges());
    f.big = io.Fonts->AddFontFromFileTTF(b.c_str(), std::round(size * 1.7f), &cfg, glyph_ranges());
  }
  if (!f.regular || !f.small || !f.bold || !f.big) {
    io.Fonts->Clear();
    f.warning =
        "DejaVu Sans not found (apt install fonts-dejavu-core): using Dear ImGui's built-in font";
    ImFontConfig d;
    d.SizePixels = size;
    f.regular = io.Fonts->AddFontDefault(&d);
    ImFontConfig ds;
    ds.SizePixels = std::round(size * 0.8f);
    f.small = io.Fonts->AddFontDefault(&ds);
    f.bold = f.regular;
    ImFontConfig db;
    db.SizePixels = std::round(size * 1.7f);
    f.big = io.Fonts->AddFontDefault(&db);
  }
  io.FontDefault = f.regular;
  io.Fonts->Build();
  return f;
}

void apply_style(float font_size) {
  ImGuiStyle style;  // defaults, then our metrics and colours
  ImGui::StyleColorsDark(&style);
  style.WindowPadding = ImVec2(12, 10);
  style.FramePadding = ImVec2(8, 5);
  style.ItemSpacing = ImVec2(8, 7);
  style.ItemInnerSpacing = ImVec2(6, 5);
  style.CellPadding = ImVec2(6, 4);
  style.ScrollbarSize = 13;
  style.GrabMinSize = 12;
  style.WindowBorderSize = 0;
  style.ChildBorderSize = 1;
  style.FrameBorderSize = 1;
  style.WindowRounding = 0;
  style.ChildRounding = 4;
  style.FrameRounding = 4;
  style.GrabRounding = 4;
  style.PopupRounding = 4;
  style.TabRounding = 4;
  style.ScrollbarRounding = 6;
  style.ScaleAllSizes(font_size / 16.0f);

  ImVec4* c = style.Colors;
  c[ImGuiCol_Text] = to_vec4(colour::kText);
  c[ImGuiCol_TextDisabled] = to_vec4(colour::kTextDim);
  c[ImGuiCol_WindowBg] = to_vec4(colour::kWindowBg);
  c[ImGuiCol_ChildBg] = to_vec4(colour::kPanelBg);
  c[ImGuiCol_PopupBg] = to_vec4(rgba(30, 34, 42, 250));
  c[ImGuiCol_Border] = to_vec4(rgba(58, 66, 80));
  c[ImGuiCol_FrameBg] = to_vec4(rgba(36, 41, 50));
  c[ImGuiCol_FrameBgHovered] = to_vec4(rgba(46, 53, 64));
  c[ImGuiCol_FrameBgActive] = to_vec4(rgba(54, 62, 75));
  c[ImGuiCol_TitleBg] = to_vec4(rgba(26, 30, 37));
  c[ImGuiCol_TitleBgActive] = to_vec4(rgba(32, 37, 46));
  c[ImGuiCol_MenuBarBg] = to_vec4(colour::kPanelBg);
  c[ImGuiCol_Button] = to_vec4(rgba(44, 50, 61));
  c[ImGuiCol_ButtonHovered] = to_vec4(rgba(56, 64, 78));
  c[ImGuiCol_ButtonActive] = to_vec4(rgba(38, 166, 154, 200));
  c[ImGuiCol_Header] = to_vec4(rgba(44, 50, 61));
  c[ImGuiCol_HeaderHovered] = to_vec4(rgba(56, 64, 78));
  c[ImGuiCol_HeaderActive] = to_vec4(rgba(38, 166, 154, 160));
  c[ImGuiCol_CheckMark] = to_vec4(colour::kAccent);
  c[ImGuiCol_SliderGrab] = to_vec4(colour::kAccent);
  c[ImGuiCol_SliderGrabActive] = to_vec4(rgba(60, 200, 185));
  c[ImGuiCol_Tab] = to_vec4(rgba(32, 36, 44));
  c[ImGuiCol_TabHovered] = to_vec4(rgba(56, 64, 78));
  c[ImGuiCol_TabActive] = to_vec4(rgba(48, 55, 67));
  c[ImGuiCol_TabUnfocused] = to_vec4(rgba(32, 36, 44));
  c[ImGuiCol_TabUnfocusedActive] = to_vec4(rgba(48, 55, 67));
  c[ImGuiCol_Separator] = to_vec4(colour::kBorder);
  c[ImGuiCol_TableHeaderBg] = to_vec4(rgba(34, 39, 48));
  c[ImGuiCol_TableBorderStrong] = to_vec4(colour::kBorder);
  c[ImGuiCol_TableBorderLight] = to_vec4(rgba(36, 41, 50));
  c[ImGuiCol_TableRowBg] = to_vec4(rgba(0, 0, 0, 0));
  c[ImGuiCol_TableRowBgAlt] = to_vec4(rgba(255, 255, 255, 8));
  c[ImGuiCol_PlotHistogram] = to_vec4(colour::kAccent);
  c[ImGuiCol_ScrollbarBg] = to_vec4(rgba(0, 0, 0, 0));
  c[ImGuiCol_ModalWindowDimBg] = to_vec4(rgba(0, 0, 0, 140));
  ImGui::GetStyle() = style;
}

}  // namespace ft::ui
