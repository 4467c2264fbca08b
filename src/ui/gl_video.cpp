// gl_video.cpp: video texture, shader program and panel framebuffer.
#include "ui/gl_video.hpp"

#include <algorithm>
#include <cstdlib>
#include <fstream>
#include <sstream>

#include "ft_ui_shaders.hpp"  // generated at build time from shaders/*.vert, *.frag
#include "ui/gl.hpp"

namespace ft::ui {

namespace {

Result<GLuint> compile(GLenum type, const std::string& source, const std::string& name) {
  const GLuint s = glCreateShader(type);
  const char* src = source.c_str();
  glShaderSource(s, 1, &src, nullptr);
  glCompileShader(s);
  GLint ok = 0;
  glGetShaderiv(s, GL_COMPILE_STATUS, &ok);
  if (!ok) {
    GLint len = 0;
    glGetShaderiv(s, GL_INFO_LOG_LENGTH, &len);
    std::string log(static_cast<std::size_t>(std::max(len, 1)), '\0');
    glGetShaderInfoLog(s, len, nullptr, log.data());
    glDeleteShader(s);
    return make_error(ErrorKind::Internal, "shader " + name + " does not compile: " + log);
  }
  return s;
}

}  // namespace

std::string shader_source(const std::string& name) {
  if (const char* dir = std::getenv("FACETWITCH_SHADER_DIR"); dir && *dir) {
    std::ifstream in(std::string(dir) + "/" + name);
    if (in) {
      std::stringstream ss;
      ss << in.rdbuf();
      return ss.str();
    }
  }
  if (name == "video.vert")
    return kShaderVideoVert;
  if (name == "video.frag")
    return kShaderVideoFrag;
  return {};
}

VideoMapping fit_video(float panel_x, float panel_y, float panel_w, float panel_h, int image_w,
                       int image_h, bool mirror) {
  VideoMapping m;
  m.image_w = image_w;
  m.image_h = image_h;
  m.mirror = mirror;
  if (image_w <= 0 || image_h <= 0 || panel_w <= 0 || panel_h <= 0) {
    m.x0 = panel_x;
    m.y0 = panel_y;
    m.scale = 0.0f;
    return m;
  }
  m.scale = std::min(panel_w / static_cast<float>(image_w), panel_h / static_cast<float>(image_h));
  m.x0 = panel_x + 0.5f * (panel_w - m.width());
  m.y0 = panel_y + 0.5f * (panel_h - m.height());
  return m;
}

VideoRenderer::~VideoRenderer() {
  // The context may already be gone at exit; these calls are harmless with a current context and
  // the objects die with the context otherwise.
  if (fbo_)
    glDeleteFramebuffers(1, &fbo_);
  if (fbo_tex_)
    glDeleteTextures(1, &fbo_tex_);
  if (video_tex_)
    glDeleteTextures(1, &video_tex_);
  if (vao_)
    glDeleteVertexArrays(1, &vao_);
  if (program_)
    glDeleteProgram(program_);
}

Status VideoRenderer::init() {
  auto vs = compile(GL_VERTEX_SHADER, shader_source("video.vert"), "video.vert");
  if (!vs)
    return vs.error();
  auto fs = compile(GL_FRAGMENT_SHADER, shader_source("video.frag"), "video.frag");
  if (!fs) {
    glDeleteShader(vs.value());
    return fs.error();
  }
  program_ = glCreateProgram();
  glAttachShader(program_, vs.value());
  glAttachShader(program_, fs.value());
  glLinkProgram(program_);
  glDeleteShader(vs.value());
  glDeleteShader(fs.value());
  GLint ok = 0;
  glGetProgramiv(program_, GL_LINK_STATUS, &ok);
  if (!ok) {
    GLint len = 0;
    glGetProgramiv(program_, GL_INFO_LOG_LENGTH, &len);
    std::string log(static_cast<std::size_t>(std::max(len, 1)), '\0');
    glGetProgramInfoLog(program_, len, nullptr, log.data());
    return make_error(ErrorKind::Internal, "video shader program does not link: " + log);
  }
  u_rect_ = glGetUniformLocation(program_, "u_rect");
  u_mirror_ = glGetUniformLocation(program_, "u_mirror");
  u_dim_ = glGetUniformLocation(program_, "u_dim");
  u_video_ = glGetUniformLocation(program_, "u_video");
  glGenVertexArrays(1, &vao_);  // core profile: a VAO must be bound even without attributes

  glGenTextures(1, &video_tex_);
  glBindTexture(GL_TEXTURE_2D, video_tex_);
  glTexParameteri(GL_TEXTURE_2D, GL_TEXTURE_MIN_FILTER, GL_LINEAR);
  glTexParameteri(GL_TEXTURE_2D, GL_TEXTURE_MAG_FILTER, GL_LINEAR);
  glTexParameteri(GL_TEXTURE_2D, GL_TEXTURE_WRAP_S, GL_CLAMP_TO_EDGE);
  glTexParameteri(GL_TEXTURE_2D, GL_TEXTURE_WRAP_T, GL_CLAMP_TO_EDGE);

  glGenFramebuffers(1, &fbo_);
  glGenTextures(1, &fbo_tex_);
  glBindTexture(GL_TEXTURE_2D, fbo_tex_);
  glTexParameteri(GL_TEXTURE_2D, GL_TEXTURE_MIN_FILTER, GL_LINEAR);
  glTexParameteri(GL_TEXTURE_2D, GL_TEXTURE_MAG_FILTER, GL_LINEAR);
  glTexParameteri(GL_TEXTURE_2D, GL_TEXTURE_WRAP_S, GL_CLAMP_TO_EDGE);
  glTexParameteri(GL_TEXTURE_2D, GL_TEXTURE_WRAP_T, GL_CLAMP_TO_EDGE);
  glBindTexture(GL_TEXTURE_2D, 0);
  return {};
}

void VideoRenderer::upload(const cv::Mat& image) {
  if (image.empty() || image.depth() != CV_8U || !video_tex_)
    return;
  GLenum format = GL_BGR;
  if (image.channels() == 1) {
    format = GL_RED;
  } else if (image.channels() == 4) {
    format = GL_BGRA;
  } else if (image.channels() != 3) {
    return;
  }
  glBindTexture(GL_TEXTURE_2D, video_tex_);
  glPixelStorei(GL_UNPACK_ALIGNMENT, 1);
  glPixelStorei(GL_UNPACK_ROW_LENGTH, static_cast<GLint>(image.step[0] / image.elemSize()));
  if (image.cols != tex_w_ || image.rows != tex_h_) {
    tex_w_ = image.cols;
    tex_h_ = image.rows;
    glTexImage2D(GL_TEXTURE_2D, 0, GL_RGB8, tex_w_, tex_h_, 0, format, GL_UNSIGNED_BYTE,
                 image.data);
  } else {
    glTexSubImage2D(GL_TEXTURE_2D, 0, 0, 0, tex_w_, tex_h_, format, GL_UNSIGNED_BYTE, image.data);
  }
  if (format == GL_RED) {
    const GLint swizzle[4] = {GL_RED, GL_RED, GL_RED, GL_ONE};
    glTexParameteriv(GL_TEXTURE_2D, GL_TEXTURE_SWIZZLE_RGBA, swizzle);
  }
  glPixelStorei(GL_UNPACK_ROW_LENGTH, 0);
  glPixelStorei(GL_UNPACK_ALIGNMENT, 4);
  glBindTexture(GL_TEXTURE_2D, 0);
  dirty_ = true;
}

unsigned VideoRenderer::render(int fb_w, int fb_h, const float rect[4], bool mirror, float dim) {
  if (!program_ || fb_w <= 0 || fb_h <= 0)
    return 0;
  const bool same = !dirty_ && fb_w == fbo_w_ && fb_h == fbo_h_ && mirror == last_mirror_ &&
                    dim == last_dim_ && std::equal(rect, rect + 4, last_rect_);
  if (same)
    return fbo_tex_;
  dirty_ = false;
  last_mirror_ = mirror;
  last_dim_ = dim;
  std::copy(rect, rect + 4, last_rect_);
  if (fb_w != fbo_w_ || fb_h != fbo_h_) {
    fbo_w_ = fb_w;
    fbo_h_ = fb_h;
    glBindTexture(GL_TEXTURE_2D, fbo_tex_);
    glTexImage2D(GL_TEXTURE_2D, 0, GL_RGBA8, fb_w, fb_h, 0, GL_RGBA, GL_UNSIGNED_BYTE, nullptr);
    glBindTexture(GL_TEXTURE_2D, 0);
    glBindFramebuffer(GL_FRAMEBUFFER, fbo_);
    glFramebufferTexture2D(GL_FRAMEBUFFER, GL_COLOR_ATTACHMENT0, GL_TEXTURE_2D, fbo_tex_, 0);
  }
  GLint old_viewport[4];
  glGetIntegerv(GL_VIEWPORT, old_viewport);
  glBindFramebuffer(GL_FRAMEBUFFER, fbo_);
  glViewport(0, 0, fb_w, fb_h);
  glDisable(GL_SCISSOR_TEST);
  glDisable(GL_BLEND);
  glDisable(GL_DEPTH_TEST);
  glClearColor(0.035f, 0.04f, 0.05f, 1.0f);  // letterbox bars
  glClear(GL_COLOR_BUFFER_BIT);
  if (has_frame()) {
    // Framebuffer pixels (top-left origin) to normalised device coordinates (y up).
    const float x0 = 2.0f * rect[0] / static_cast<float>(fb_w) - 1.0f;
    const float x1 = 2.0f * (rect[0] + rect[2]) / static_cast<float>(fb_w) - 1.0f;
    const float y_top = 1.0f - 2.0f * rect[1] / static_cast<float>(fb_h);
    const float y_bottom = 1.0f - 2.0f * (rect[1] + rect[3]) / static_cast<float>(fb_h);
    glUseProgram(program_);
    glUniform4f(u_rect_, x0, y_bottom, x1, y_top);
    glUniform1i(u_mirror_, mirror ? 1 : 0);
    glUniform1f(u_dim_, dim);
    glUniform1i(u_video_, 0);
    glActiveTexture(GL_TEXTURE0);
    glBindTexture(GL_TEXTURE_2D, video_tex_);
    glBindVertexArray(vao_);
    glDrawArrays(GL_TRIANGLE_STRIP, 0, 4);
    glBindVertexArray(0);
    glBindTexture(GL_TEXTURE_2D, 0);
    glUseProgram(0);
  }
  glBindFramebuffer(GL_FRAMEBUFFER, 0);
  glViewport(old_viewport[0], old_viewport[1], old_viewport[2], old_viewport[3]);
  return fbo_tex_;
}

}  // namespace ft::ui
