// paths.hpp: where facetwitch finds its own files (installed share/ tree, source tree, cache of the demo
// photo, executable).
#pragma once

#include <filesystem>
#include <optional>
#include <string>
#include <vector>

namespace ft {

// The source tree this binary was built from (compiled in); used to find models/, assets/ in a
// developer's build. An installed binary keeps the path but looks in its own share/ tree first.
std::filesystem::path source_dir();

// False when $FACETWITCH_NO_SOURCE_TREE is set (to anything but "" or "0"): the compiled-in source tree
// is then never looked at, as if it had been deleted (the package test runs the installed binary so).
bool source_tree_allowed();

// Folder of the running executable (from /proc/self/exe).
std::filesystem::path executable_dir();

// The installed data folder, <executable_dir>/../share/facetwitch (bin/facetwitch ->
// share/facetwitch/), whether or not it exists.
std::filesystem::path installed_data_dir();

// The folders our run-time data files (protocols/standard.json, shaders/, astronaut.png) are looked
// for in, first first: installed_data_dir() when it exists, then <source tree>/assets when the source tree
// exists and is allowed.
std::vector<std::filesystem::path> data_dirs();

// `relative` (e.g. "protocols/standard.json") in the first of data_dirs() that has it; nullopt if none.
std::optional<std::filesystem::path> find_data_file(const std::filesystem::path& relative);

// Per-user cache: $FACETWITCH_CACHE, else $XDG_CACHE_HOME/facetwitch, else $HOME/.cache/facetwitch.
std::filesystem::path cache_dir();

// The public-domain astronaut portrait from Debian's python3-skimage: cache_dir()/astronaut.png as
// fetched by scripts/setup.sh, else the copy the package installs (installed_data_dir()/astronaut.png).
// nullopt when neither exists.
std::optional<std::filesystem::path> find_demo_photo();

}  // namespace ft
