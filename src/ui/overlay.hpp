// overlay.hpp: what is drawn over the video, through the same fit-and-mirror mapping as the picture
// (VideoMapping): the 68 landmarks, the fitted facial midline (canonical x = 0), each mouth
// corner's resting position and its displacement (an arrow, magnified), each eyelid's aperture (a
// bar with the resting aperture marked), a flash on the side and region where a twitch is detected
// now, the labels "person's LEFT" / "person's RIGHT" on the correct side of the face in both mirror
// modes, and the reasons a frame is not measured (quality flags). UI thread only.
#pragma once

#include <optional>

#include <imgui.h>

#include "io/session.hpp"
#include "ui/gl_video.hpp"
#include "ui/theme.hpp"
#include "ui/view_model.hpp"

namespace ft::ui {

struct OverlayOptions {
  bool landmarks = true;
  bool midline = true;
  bool motion = true;        // arrows and bars
  double arrow_gain = 10.0;  // mouth-corner displacement drawn this many times longer
  double time_s = 0.0;       // for the flash's pulse
};

// `record`: the displayed frame's metrics and signals (nullopt: not analysed yet).
// `flash`: what each active side and region is (classify_flash).
void draw_overlay(ImDrawList* dl, const VideoMapping& map, const std::optional<FrameRecord>& record,
                  const RestingState& rest, const Flash& flash, const OverlayOptions& options,
                  const Fonts& fonts);

// One line per quality flag set: what is wrong and what to do. Empty when the frame is measurable.
std::vector<std::string> quality_messages(std::uint32_t flags);

}  // namespace ft::ui
