// drawing.cpp: ImDrawList helpers.
#include "ui/drawing.hpp"

#include <cmath>

namespace ft::ui {

void dashed_line(ImDrawList* dl, ImVec2 a, ImVec2 b, ImU32 col, float thickness, float dash,
                 float gap) {
  const float dx = b.x - a.x, dy = b.y - a.y;
  const float len = std::sqrt(dx * dx + dy * dy);
  if (len < 1e-3f)
    return;
  const float ux = dx / len, uy = dy / len;
  for (float s = 0.0f; s < len; s += dash + gap) {
    const float e = std::min(s + dash, len);
    dl->AddLine(ImVec2(a.x + ux * s, a.y + uy * s), ImVec2(a.x + ux * e, a.y + uy * e), col,
                thickness);
  }
}

void arrow(ImDrawList* dl, ImVec2 from, ImVec2 to, ImU32 col, float thickness, float head) {
  const float dx = to.x - from.x, dy = to.y - from.y;
  const float len = std::sqrt(dx * dx + dy * dy);
  if (len < 1e-3f)
    return;
  const float ux = dx / len, uy = dy / len;
  const float h = std::min(head, len);
  const ImVec2 base(to.x - ux * h, to.y - uy * h);
  dl->AddLine(from, base, col, thickness);
  const ImVec2 l(base.x - uy * h * 0.5f, base.y + ux * h * 0.5f);
  const ImVec2 r(base.x + uy * h * 0.5f, base.y - ux * h * 0.5f);
  dl->AddTriangleFilled(to, l, r, col);
}

ImVec2 label(ImDrawList* dl, ImFont* font, float size, ImVec2 pos, ImVec2 anchor, ImU32 text,
             ImU32 bg, const std::string& s, float pad) {
  const ImVec2 ts = font->CalcTextSizeA(size, 1e9f, 0.0f, s.c_str());
  const ImVec2 box(ts.x + 2 * pad, ts.y + pad);
  const ImVec2 p0(std::round(pos.x - anchor.x * box.x), std::round(pos.y - anchor.y * box.y));
  if ((bg >> 24) != 0)
    dl->AddRectFilled(p0, ImVec2(p0.x + box.x, p0.y + box.y), bg, 4.0f);
  dl->AddText(font, size, ImVec2(p0.x + pad, p0.y + pad * 0.5f), text, s.c_str());
  return box;
}

double nice_step(double span, int target) {
  if (!(span > 0) || target <= 0)
    return 1.0;
  const double raw = span / target;
  const double p = std::pow(10.0, std::floor(std::log10(raw)));
  for (double m : {1.0, 2.0, 2.5, 5.0, 10.0}) {
    if (m * p >= raw)
      return m * p;
  }
  return 10.0 * p;
}

void draw_icon(ImDrawList* dl, Icon icon, ImVec2 c, float size, ImU32 col) {
  const float h = size * 0.5f;
  switch (icon) {
    case Icon::Play:
      dl->AddTriangleFilled(ImVec2(c.x - h * 0.7f, c.y - h), ImVec2(c.x - h * 0.7f, c.y + h),
                            ImVec2(c.x + h * 0.9f, c.y), col);
      break;
    case Icon::Pause:
      dl->AddRectFilled(ImVec2(c.x - h * 0.8f, c.y - h), ImVec2(c.x - h * 0.2f, c.y + h), col,
                        1.0f);
      dl->AddRectFilled(ImVec2(c.x + h * 0.2f, c.y - h), ImVec2(c.x + h * 0.8f, c.y + h), col,
                        1.0f);
      break;
    case Icon::StepBack:
      dl->AddRectFilled(ImVec2(c.x - h, c.y - h * 0.85f), ImVec2(c.x - h * 0.65f, c.y + h * 0.85f),
                        col);
      dl->AddTriangleFilled(ImVec2(c.x + h * 0.8f, c.y - h * 0.85f),
                            ImVec2(c.x + h * 0.8f, c.y + h * 0.85f), ImVec2(c.x - h * 0.55f, c.y),
                            col);
      break;
    case Icon::StepForward:
      dl->AddRectFilled(ImVec2(c.x + h * 0.65f, c.y - h * 0.85f), ImVec2(c.x + h, c.y + h * 0.85f),
                        col);
      dl->AddTriangleFilled(ImVec2(c.x - h * 0.8f, c.y - h * 0.85f),
                            ImVec2(c.x - h * 0.8f, c.y + h * 0.85f), ImVec2(c.x + h * 0.55f, c.y),
                            col);
      break;
    case Icon::Record:
      dl->AddCircleFilled(c, h * 0.8f, col, 24);
      break;
    case Icon::Stop:
      dl->AddRectFilled(ImVec2(c.x - h * 0.7f, c.y - h * 0.7f),
                        ImVec2(c.x + h * 0.7f, c.y + h * 0.7f), col, 2.0f);
      break;
  }
}

bool icon_button(const char* id, Icon icon, float size, ImU32 col, const char* tooltip) {
  const bool clicked = ImGui::Button(id, ImVec2(size, size));
  const ImVec2 a = ImGui::GetItemRectMin(), b = ImGui::GetItemRectMax();
  draw_icon(ImGui::GetWindowDrawList(), icon, ImVec2((a.x + b.x) * 0.5f, (a.y + b.y) * 0.5f),
            size * 0.45f, col);
  if (tooltip && ImGui::IsItemHovered())
    ImGui::SetTooltip("%s", tooltip);
  return clicked;
}

}  // namespace ft::ui
