// gl_video.hpp: the video panel's picture. VideoRenderer keeps one texture (re-used while the frame
// size does not change: frames are uploaded with glTexSubImage2D straight from OpenCV's BGR rows),
// draws it with our own GLSL (shaders/video.vert + video.frag) into a framebuffer the size of the
// panel, letterboxed with the right aspect ratio and optionally mirrored, and hands the
// framebuffer's colour texture to ImGui::Image. VideoMapping is the same fit and mirror as a
// function from image pixels to window coordinates, used for every overlay, so the overlays sit
// exactly on the picture.
//
// Thread safety: VideoRenderer makes GL calls: UI thread only, with the window's context current.
// VideoMapping is a plain value. Units: pixels (image pixels; window coordinates in points).
#pragma once

#include <string>

#include <opencv2/core.hpp>

#include "core/error.hpp"

namespace ft::ui {

struct VideoMapping {
  float x0 = 0.0f, y0 = 0.0f;  // top-left corner of the picture, window coordinates
  float scale = 1.0f;          // window points per image pixel
  int image_w = 0, image_h = 0;
  bool mirror = false;

  float width() const { return static_cast<float>(image_w) * scale; }
  float height() const { return static_cast<float>(image_h) * scale; }
  // Image pixel coordinates (pixel centres at integers, as landmarks are) to window coordinates.
  cv::Point2f to_screen(cv::Point2f p) const {
    const float x = mirror ? static_cast<float>(image_w) - (p.x + 0.5f) : p.x + 0.5f;
    return {x0 + x * scale, y0 + (p.y + 0.5f) * scale};
  }
  // A direction in the image (e.g. a displacement) to a direction on screen.
  cv::Point2f direction_to_screen(cv::Point2f d) const {
    return {(mirror ? -d.x : d.x) * scale, d.y * scale};
  }
};

// Largest rectangle of the image's aspect ratio centred in the panel.
VideoMapping fit_video(float panel_x, float panel_y, float panel_w, float panel_h, int image_w,
                       int image_h, bool mirror);

class VideoRenderer {
 public:
  VideoRenderer() = default;
  ~VideoRenderer();
  VideoRenderer(const VideoRenderer&) = delete;
  VideoRenderer& operator=(const VideoRenderer&) = delete;

  // Compiles the shaders (embedded, or from $FACETWITCH_SHADER_DIR) and creates the GL objects.
  Status init();
  // Uploads an 8-bit BGR (or grey) frame. The texture is re-allocated only when the size changes.
  void upload(const cv::Mat& image);
  bool has_frame() const { return tex_w_ > 0; }
  int frame_width() const { return tex_w_; }
  int frame_height() const { return tex_h_; }

  // Draws the last uploaded frame into the panel framebuffer (fb_w x fb_h pixels; `rect` = x, y, w,
  // h of the picture in framebuffer pixels, top-left origin) and returns the colour texture for
  // ImGui::Image (its v axis points up: pass uv0 = (0,1), uv1 = (1,0)). Nothing is drawn again when
  // neither the frame nor any argument changed since the last call.
  unsigned render(int fb_w, int fb_h, const float rect[4], bool mirror, float dim);

 private:
  unsigned program_ = 0, vao_ = 0, video_tex_ = 0, fbo_ = 0, fbo_tex_ = 0;
  int u_rect_ = -1, u_mirror_ = -1, u_dim_ = -1, u_video_ = -1;
  int tex_w_ = 0, tex_h_ = 0;
  int fbo_w_ = 0, fbo_h_ = 0;
  bool dirty_ = true;  // a frame was uploaded since the last render
  float last_rect_[4] = {0, 0, 0, 0};
  bool last_mirror_ = false;
  float last_dim_ = -1.0f;
};

// The shader sources: $FACETWITCH_SHADER_DIR/<name> when set and readable, else the embedded copy.
std::string shader_source(const std::string& name);

}  // namespace ft::ui
