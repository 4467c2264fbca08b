// overlay.cpp: landmarks, midline, mouth-corner arrows, eyelid bars, twitch flash, side labels.
#include "ui/overlay.hpp"

#include <algorithm>
#include <cmath>

#include "core/landmarks.hpp"
#include "metrics/alignment.hpp"
#include "ui/drawing.hpp"

namespace ft::ui {

namespace {

// Canonical-frame anchors (IOD; x toward the person's left, y up, origin between the eyes).
constexpr float kMidlineTop = 0.75f;      // forehead
constexpr float kMidlineBottom = -1.95f;  // below the chin
constexpr float kBarOffset = 0.40f;       // eyelid bar: this far outside the eye centre
constexpr float kBarHeight = 0.40f;       // bar height on screen, IOD
constexpr double kBarFullScale = 0.20;    // aperture (IOD) that fills the bar
constexpr float kLabelX = 1.42f;          // side labels: outside the cheeks
constexpr float kLabelY = -0.45f;

ImVec2 iv(cv::Point2f p) {
  return ImVec2(p.x, p.y);
}

ImU32 flash_colour(FlashKind k) {
  return k == FlashKind::Twitch ? colour::kAlert : rgba(205, 214, 232);
}
const char* flash_text(FlashKind k) {
  return k == FlashKind::Twitch ? "TWITCH" : flash_kind_name(k);  // a twitch is shouted
}

}  // namespace

std::vector<std::string> quality_messages(std::uint32_t q) {
  std::vector<std::string> m;
  if (q & kQualityNoFace) {
    m.push_back("No face found \xE2\x80\x94 face the camera");
    return m;  // the other flags mean nothing without a face
  }
  if (q & kQualityPose)
    m.push_back("Head turned or tilted \xE2\x80\x94 look straight at the camera");
  if (q & kQualitySmall)
    m.push_back("Face too small \xE2\x80\x94 move closer");
  if (q & kQualityDark)
    m.push_back("Too dark \xE2\x80\x94 add light in front of the face");
  if (q & kQualityBright)
    m.push_back("Overexposed \xE2\x80\x94 less light on the face");
  if (q & kQualityBlur)
    m.push_back("Blurred \xE2\x80\x94 hold still, check the focus");
  if (q & kQualityOccluded)
    m.push_back("Mouth covered or light changed \xE2\x80\x94 keep the mouth uncovered, steady light");
  if (q & kQualityDamaged)
    m.push_back("Damaged in the video file \xE2\x80\x94 not measured");
  return m;
}

void draw_overlay(ImDrawList* dl, const VideoMapping& map, const std::optional<FrameRecord>& record,
                  const RestingState& rest, const Flash& flash, const OverlayOptions& opt,
                  const Fonts& fonts) {
  if (!record || map.scale <= 0.0f)
    return;
  const FaceMetrics& m = record->metrics;
  if (!m.face_found)
    return;
  const ImVec2 v0(map.x0, map.y0), v1(map.x0 + map.width(), map.y0 + map.height());
  dl->PushClipRect(v0, v1, true);

  const CanonicalFace cf = align_to_canonical(m.landmarks_px);
  auto screen_of_image = [&](cv::Point2f p) { return iv(map.to_screen(p)); };
  auto screen_of_canon = [&](cv::Point2f c) { return iv(map.to_screen(cf.to_image(c))); };
  const float iod = static_cast<float>(cf.iod_px) * map.scale;  // screen points per IOD
  if (!(iod > 1.0f)) {
    dl->PopClipRect();
    return;
  }

  if (opt.midline) {
    dashed_line(dl, screen_of_canon({0.0f, kMidlineTop}), screen_of_canon({0.0f, kMidlineBottom}),
                rgba(255, 255, 255, 120), 1.5f, 7.0f, 5.0f);
  }
  if (opt.landmarks) {
    const float r = std::clamp(iod * 0.012f, 1.3f, 3.0f);
    for (const cv::Point2f& p : m.landmarks_px) {
      dl->AddCircleFilled(screen_of_image(p), r + 0.8f, rgba(0, 0, 0, 110), 8);
      dl->AddCircleFilled(screen_of_image(p), r, rgba(255, 255, 255, 200), 8);
    }
  }

  const double pulse = 0.5 + 0.5 * std::sin(opt.time_s * 2.0 * 3.14159265 * 3.0);
  for (Side s : kSides) {
    const ImU32 side_col = side_colour(s);
    // --- Mouth corner: resting position (ring), displacement (arrow, magnified), flash.
    const cv::Point2f cur_img = cf.to_image(m.mouth_corner[s]);
    const ImVec2 cur = screen_of_image(cur_img);
    const FlashKind mouth_flash = flash.mouth[s];
    const bool mouth_active = mouth_flash != FlashKind::None;
    if (mouth_active) {
      const float rad = iod * 0.24f;
      const ImU32 fc = flash_colour(mouth_flash);
      dl->AddCircleFilled(cur, rad, with_alpha(fc, static_cast<int>(75 + 75 * pulse)), 32);
      dl->AddCircle(cur, rad, fc, 32, 3.0f);
    } else if (flash.mouth_episode[s]) {
      dl->AddCircle(cur, iod * 0.24f, with_alpha(colour::kAlert, 170), 32,
                    2.0f);  // between twitches
    }
    if (opt.motion && rest.mouth_valid[s]) {
      const cv::Point2f rest_img = cf.to_image(rest.mouth_corner[s]);
      const ImVec2 r = screen_of_image(rest_img);
      const cv::Point2f d = cur_img - rest_img;
      const float gain = static_cast<float>(opt.arrow_gain);
      const ImVec2 tip = screen_of_image(rest_img + gain * d);
      const float ring = std::max(3.5f, iod * 0.035f);
      dl->AddCircle(r, ring, rgba(0, 0, 0, 150), 20, 3.5f);
      dl->AddCircle(r, ring, side_col, 20, 2.0f);
      const float len = std::hypot(tip.x - r.x, tip.y - r.y);
      if (len > ring) {
        arrow(dl, r, tip, rgba(0, 0, 0, 150), 4.0f, std::max(8.0f, iod * 0.07f) + 1.0f);
        arrow(dl, r, tip, mouth_flash == FlashKind::Twitch ? colour::kAlert : side_col, 2.2f,
              std::max(7.0f, iod * 0.065f));
      }
    } else if (opt.motion) {
      dl->AddCircleFilled(cur, std::max(3.0f, iod * 0.025f), side_col, 16);
    }

    // --- Eye: aperture bar beside the eye (outer side), resting aperture marked; flash.
    cv::Point2f eye_c(0.0f, 0.0f);
    for (int i : person_eye_indices(s))
      eye_c += cf.points[static_cast<std::size_t>(i)];
    eye_c *= 1.0f / 6.0f;
    const FlashKind eye_flash = flash.eye[s];
    const bool eye_active = eye_flash != FlashKind::None;
    if (eye_active) {
      const ImVec2 c = screen_of_canon(eye_c);
      const float rad = iod * 0.28f;
      const ImU32 fc = flash_colour(eye_flash);
      dl->AddCircleFilled(c, rad, with_alpha(fc, static_cast<int>(75 + 75 * pulse)), 32);
      dl->AddCircle(c, rad, fc, 32, 3.0f);
    } else if (flash.eye_episode[s]) {
      dl->AddCircle(screen_of_canon(eye_c), iod * 0.28f, with_alpha(colour::kAlert, 170), 32, 2.0f);
    }
    if (opt.motion && std::isfinite(m.eye_aperture_iod[s])) {
      const float outward = s == Side::Left ? 1.0f : -1.0f;  // canonical x toward this side
      const ImVec2 a = screen_of_canon({eye_c.x + outward * kBarOffset, eye_c.y});
      const float h = iod * kBarHeight, w = std::max(5.0f, iod * 0.06f);
      const ImVec2 b0(a.x - w * 0.5f, a.y - h * 0.5f), b1(a.x + w * 0.5f, a.y + h * 0.5f);
      const float frac =
          static_cast<float>(std::clamp(m.eye_aperture_iod[s] / kBarFullScale, 0.0, 1.0));
      dl->AddRectFilled(ImVec2(b0.x - 1, b0.y - 1), ImVec2(b1.x + 1, b1.y + 1), rgba(0, 0, 0, 140),
                        2.0f);
      dl->AddRectFilled(ImVec2(b0.x, b1.y - frac * h), b1,
                        eye_flash == FlashKind::Twitch ? colour::kAlert : side_col, 1.5f);
      dl->AddRect(b0, b1, with_alpha(side_col, 170), 2.0f, 0, 1.0f);
      if (rest.eye_valid[s]) {
        const float rf =
            static_cast<float>(std::clamp(rest.eye_aperture_iod[s] / kBarFullScale, 0.0, 1.0));
        const float y = b1.y - rf * h;
        dl->AddLine(ImVec2(b0.x - 4, y), ImVec2(b1.x + 4, y), rgba(255, 255, 255, 230), 2.0f);
      }
    }

    // --- "person's LEFT" / "person's RIGHT", outside the cheek of that side.
    const ImVec2 face_c = screen_of_canon({0.0f, kLabelY});
    ImVec2 at = screen_of_canon({s == Side::Left ? kLabelX : -kLabelX, kLabelY});
    const bool on_screen_right = at.x > face_c.x;
    const std::string text = s == Side::Left ? "person's LEFT" : "person's RIGHT";
    const ImVec2 ts = fonts.bold->CalcTextSizeA(fonts.bold->FontSize, 1e9f, 0.0f, text.c_str());
    at.x = std::clamp(at.x, v0.x + ts.x + 12.0f, v1.x - ts.x - 12.0f);
    at.y = std::clamp(at.y, v0.y + ts.y, v1.y - ts.y);
    label(dl, fonts.bold, fonts.bold->FontSize, at, ImVec2(on_screen_right ? 0.0f : 1.0f, 0.5f),
          side_col, rgba(10, 12, 16, 190), text, 6.0f);

    // --- Flash labels.
    for (Region r : kRegions) {
      const FlashKind k = flash[r][s];
      if (k == FlashKind::None)
        continue;
      // Mouth: beside and below the corner; eye: above the brow, toward the outside.
      const cv::Point2f where = r == Region::Mouth ? m.mouth_corner[s] : eye_c;
      const float dx = s == Side::Left ? 0.30f : -0.30f;
      const ImVec2 p =
          screen_of_canon({where.x + dx, where.y + (r == Region::Mouth ? -0.30f : 0.42f)});
      const bool twitch = k == FlashKind::Twitch;
      label(dl, fonts.bold, fonts.bold->FontSize, p, ImVec2(on_screen_right ? 0.0f : 1.0f, 0.5f),
            twitch ? rgba(255, 255, 255) : rgba(20, 22, 28), with_alpha(flash_colour(k), 225),
            flash_text(k), 6.0f);
    }
  }
  dl->PopClipRect();
}

}  // namespace ft::ui
