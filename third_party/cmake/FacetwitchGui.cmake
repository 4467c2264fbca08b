# FacetwitchGui.cmake: our own imported targets for the window's dependencies, from Debian 12 packages.
#
#   ft_imgui   Dear ImGui 1.86 (libimgui-dev: static libimgui.a with the GLFW and OpenGL3 backends;
#              headers <imgui.h>, <backends/imgui_impl_glfw.h>, ... under /usr/include/imgui).
#              Debian's imgui.pc says "Requires: stb", which pkg-config cannot resolve, so we do not
#              use pkg-config: the header folder and the libraries (imgui, stb) are found directly.
#   ft_gl      GLFW 3 + the system OpenGL library (Mesa's libGL exports the 3.3 core entry points).
#
# Include folders are SYSTEM includes, so -Werror in our code never trips on their headers.
# Sets FACETWITCH_GUI_DEPS_FOUND (and FACETWITCH_GUI_DEPS_MISSING, a readable list) for the caller.
include_guard(GLOBAL)

set(FACETWITCH_GUI_DEPS_MISSING "")

find_path(FT_IMGUI_INCLUDE_DIR imgui.h PATH_SUFFIXES imgui)
find_library(FT_IMGUI_LIBRARY NAMES imgui)
if(NOT FT_IMGUI_INCLUDE_DIR OR NOT FT_IMGUI_LIBRARY OR NOT EXISTS "${FT_IMGUI_INCLUDE_DIR}/backends/imgui_impl_glfw.h")
  list(APPEND FACETWITCH_GUI_DEPS_MISSING "Dear ImGui (apt install libimgui-dev)")
endif()

# Debian builds libimgui.a against the system stb (libstb-dev: stb_rect_pack, stb_truetype): that is
# the "Requires: stb" of imgui.pc.
find_library(FT_STB_LIBRARY NAMES stb)
if(NOT FT_STB_LIBRARY)
  list(APPEND FACETWITCH_GUI_DEPS_MISSING "stb (apt install libstb-dev)")
endif()

find_package(glfw3 3.3 CONFIG QUIET)
if(NOT TARGET glfw)
  list(APPEND FACETWITCH_GUI_DEPS_MISSING "GLFW (apt install libglfw3-dev)")
endif()

set(OpenGL_GL_PREFERENCE LEGACY)  # libGL.so: Mesa exports the GL 3.3 core entry points from it
find_package(OpenGL QUIET)
if(NOT TARGET OpenGL::GL)
  list(APPEND FACETWITCH_GUI_DEPS_MISSING "OpenGL (apt install libgl-dev)")
endif()

if(FACETWITCH_GUI_DEPS_MISSING)
  set(FACETWITCH_GUI_DEPS_FOUND OFF)
  return()
endif()
set(FACETWITCH_GUI_DEPS_FOUND ON)

if(NOT TARGET ft_gl)
  add_library(ft_gl INTERFACE)
  get_target_property(_ft_glfw_inc glfw INTERFACE_INCLUDE_DIRECTORIES)
  if(_ft_glfw_inc)
    target_include_directories(ft_gl SYSTEM INTERFACE ${_ft_glfw_inc})
  endif()
  if(OPENGL_INCLUDE_DIR)
    target_include_directories(ft_gl SYSTEM INTERFACE ${OPENGL_INCLUDE_DIR})
  endif()
  target_link_libraries(ft_gl INTERFACE glfw OpenGL::GL ${CMAKE_DL_LIBS})
endif()

if(NOT TARGET ft_imgui)
  add_library(ft_imgui STATIC IMPORTED GLOBAL)
  set_target_properties(ft_imgui PROPERTIES IMPORTED_LOCATION "${FT_IMGUI_LIBRARY}")
  # imported targets' include folders are SYSTEM by default; say so anyway for older CMake
  set_property(TARGET ft_imgui PROPERTY INTERFACE_SYSTEM_INCLUDE_DIRECTORIES "${FT_IMGUI_INCLUDE_DIR}")
  set_property(TARGET ft_imgui PROPERTY INTERFACE_INCLUDE_DIRECTORIES "${FT_IMGUI_INCLUDE_DIR}")
  # the backends inside libimgui.a call GLFW and OpenGL
  set_property(TARGET ft_imgui PROPERTY INTERFACE_LINK_LIBRARIES ft_gl "${FT_STB_LIBRARY}" m)
endif()
