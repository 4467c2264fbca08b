// gl.hpp: the OpenGL 3.3 core declarations for our own GL calls (video texture, shader,
// framebuffer). On Linux, Mesa's libGL exports the 3.3 core entry points, so the prototypes are
// used directly (GL_GLEXT_PROTOTYPES); Dear ImGui's OpenGL3 backend has its own loader for its
// internals only. Include this instead of <GL/gl.h> anywhere in src/ui. GL calls belong to the UI
// thread (the one with the current context).
#pragma once

#ifndef GL_GLEXT_PROTOTYPES
#define GL_GLEXT_PROTOTYPES 1
#endif
#include <GL/gl.h>
#include <GL/glext.h>
