// paths.hpp: where facetwitch finds its own files (source tree, cache of the demo photo, executable).
#pragma once

#include <filesystem>
#include <optional>

namespace ft {

// The source tree this binary was built from (compiled in); used to find models/, shaders/, assets/.
std::filesystem::path source_dir();

// Folder of the running executable (from /proc/self/exe).
std::filesystem::path executable_dir();

// Per-user cache: $FACETWITCH_CACHE, else $XDG_CACHE_HOME/facetwitch, else $HOME/.cache/facetwitch.
std::filesystem::path cache_dir();

// The public-domain astronaut portrait from Debian's python3-skimage, as fetched by scripts/setup.sh
// into cache_dir()/astronaut.png. nullopt when it has not been fetched.
std::optional<std::filesystem::path> find_demo_photo();

}  // namespace ft
