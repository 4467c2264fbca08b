# packaging.cmake: `cmake --install` rules and the Debian package (CPack, DEB generator).
# Included from the top-level CMakeLists.txt. Layout under the prefix (default /usr/local; the package: /usr):
#   bin/facetwitch
#   share/facetwitch/protocols/standard.json   the protocol step file (from assets/protocols/)
#   share/facetwitch/shaders/video.{vert,frag} the window's GLSL (embedded in the binary; this copy is for
#                                              FACETWITCH_SHADER_DIR edits)
#   share/facetwitch/astronaut.png             the demo photo, copied from the packager's cache when there
#   share/applications/facetwitch.desktop, share/icons/hicolor/scalable/apps/facetwitch.svg,
#   share/man/man1/facetwitch.1.gz, share/bash-completion/completions/facetwitch
# The binary finds share/facetwitch/ from its own location (core/paths.hpp), so the tree is relocatable.
# docs/PACKAGING.md explains the package and its test (tests/package/package_test.sh).
include(GNUInstallDirs)

set(FT_PKG_DIR ${CMAKE_CURRENT_SOURCE_DIR}/assets/packaging)
set(FT_DATA_DEST ${CMAKE_INSTALL_DATADIR}/facetwitch)

install(TARGETS facetwitch RUNTIME DESTINATION ${CMAKE_INSTALL_BINDIR})
install(DIRECTORY ${CMAKE_CURRENT_SOURCE_DIR}/assets/protocols DESTINATION ${FT_DATA_DEST}
        FILES_MATCHING PATTERN "*.json")
install(FILES ${CMAKE_CURRENT_SOURCE_DIR}/shaders/video.vert ${CMAKE_CURRENT_SOURCE_DIR}/shaders/video.frag
        DESTINATION ${FT_DATA_DEST}/shaders)
install(FILES ${FT_PKG_DIR}/facetwitch.desktop DESTINATION ${CMAKE_INSTALL_DATADIR}/applications)
install(FILES ${FT_PKG_DIR}/facetwitch.svg DESTINATION ${CMAKE_INSTALL_DATADIR}/icons/hicolor/scalable/apps)
install(FILES ${FT_PKG_DIR}/facetwitch.bash-completion DESTINATION ${CMAKE_INSTALL_DATADIR}/bash-completion/completions
        RENAME facetwitch)

# The man page, compressed as Debian policy asks (gzip -n: no name or time stamp, so the build is reproducible).
set(FT_MAN_GZ ${CMAKE_BINARY_DIR}/packaging/facetwitch.1.gz)
add_custom_command(OUTPUT ${FT_MAN_GZ}
  COMMAND ${CMAKE_COMMAND} -E make_directory ${CMAKE_BINARY_DIR}/packaging
  COMMAND gzip -9 -n -c ${FT_PKG_DIR}/facetwitch.1 > ${FT_MAN_GZ}
  DEPENDS ${FT_PKG_DIR}/facetwitch.1
  COMMENT "Compressing the man page facetwitch.1")
add_custom_target(facetwitch_man ALL DEPENDS ${FT_MAN_GZ})
install(FILES ${FT_MAN_GZ} DESTINATION ${CMAKE_INSTALL_MANDIR}/man1)

# The demo photo: the public-domain astronaut portrait (NASA, via Debian's python3-skimage) that
# scripts/setup.sh puts in the cache. It is never in git; it is copied into the install (and so the
# package) at install time when it is there, so that `facetwitch demo` works from the package alone.
# -DFACETWITCH_DEMO_PHOTO=FILE names another copy; the default is the cache as core/paths.cpp computes it.
set(FACETWITCH_DEMO_PHOTO "" CACHE FILEPATH "demo photo to install as share/facetwitch/astronaut.png (default: the cache's astronaut.png)")
install(CODE "
  set(_photo \"${FACETWITCH_DEMO_PHOTO}\")
  if(NOT _photo)
    if(DEFINED ENV{FACETWITCH_CACHE} AND NOT \"\$ENV{FACETWITCH_CACHE}\" STREQUAL \"\")
      set(_photo \"\$ENV{FACETWITCH_CACHE}/astronaut.png\")
    elseif(DEFINED ENV{XDG_CACHE_HOME} AND NOT \"\$ENV{XDG_CACHE_HOME}\" STREQUAL \"\")
      set(_photo \"\$ENV{XDG_CACHE_HOME}/facetwitch/astronaut.png\")
    else()
      set(_photo \"\$ENV{HOME}/.cache/facetwitch/astronaut.png\")
    endif()
  endif()
  if(EXISTS \"\${_photo}\")
    file(INSTALL DESTINATION \"\${CMAKE_INSTALL_PREFIX}/${FT_DATA_DEST}\" TYPE FILE FILES \"\${_photo}\")
  else()
    message(WARNING \"facetwitch: no demo photo at \${_photo} (run scripts/setup.sh): the install has no \"
                    \"astronaut.png, so `facetwitch demo` will need --face PHOTO\")
  endif()
")

# ---- Debian package: cpack -G DEB (in the build folder) -> facetwitch_<version>_<arch>.deb ----
set(CPACK_GENERATOR DEB)
set(CPACK_PACKAGE_NAME facetwitch)
set(CPACK_PACKAGE_VENDOR "facetwitch developers")
set(CPACK_PACKAGE_CONTACT "facetwitch developers <dev@facetwitch.local>")
set(CPACK_PACKAGE_VERSION ${PROJECT_VERSION})
set(CPACK_PACKAGE_DESCRIPTION_SUMMARY "measure facial twitches and asymmetry from a webcam or a video")
set(CPACK_PACKAGING_INSTALL_PREFIX /usr)
set(CPACK_STRIP_FILES ON)
set(CPACK_DEBIAN_FILE_NAME DEB-DEFAULT)  # facetwitch_0.1.0_amd64.deb
set(CPACK_DEBIAN_PACKAGE_SECTION science)
set(CPACK_DEBIAN_PACKAGE_PRIORITY optional)
# The long description (CPack puts the summary above it as the first line and indents the rest).
set(CPACK_PACKAGE_DESCRIPTION
"facetwitch finds a face in each frame of a webcam stream or a recorded video, places dlib's 68
landmarks and measures how often and how strongly the lip corners and the eyelids twitch, on which side
of the person, and how asymmetric the face is at rest. It writes CSV and JSON files, an HTML report and a
local session history, and has an analyser window. It is a measuring aid, not a diagnosis.

The 68-point landmark model comes from libdlib-data; its training data (iBUG 300-W) is licensed for
non-commercial use only.")
# Shared-library dependencies come from dpkg-shlibdeps (dpkg-dev) reading the binary's NEEDED entries:
# the OpenCV, dlib, GLFW, SQLite, fmt, nettle, BLAS/LAPACK and C++ runtime packages with their versions.
# Added by hand: what the program uses but does not link.
set(CPACK_DEBIAN_PACKAGE_SHLIBDEPS ON)
set(CPACK_DEBIAN_PACKAGE_DEPENDS
    "libdlib-data, ffmpeg, fonts-dejavu-core")
#   libdlib-data      shape_predictor_68_face_landmarks.dat, read from /usr/share/dlib
#   ffmpeg            writes the demo and synthetic videos (io/video_writer.cpp spawns it)
#   fonts-dejavu-core the window's font (ui/theme.cpp)
set(CPACK_DEBIAN_PACKAGE_RECOMMENDS "libgl1-mesa-dri")
include(CPack)
