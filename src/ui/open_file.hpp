// open_file.hpp: opening a file with the desktop's default application (the window's "Open report"):
// `xdg-open FILE`, started apart from the window (its own session, none of the window's files open) so
// that the window neither waits for it nor keeps a zombie. No display needed; any thread.
#pragma once

#include <filesystem>
#include <string>

#include "core/error.hpp"

namespace ft::ui {

// The path of the executable `name` in $PATH ("" when none).
std::string find_in_path(const std::string& name);

// Starts `opener` (default: xdg-open found in $PATH) on `file` and returns at once. Errors
// (ErrorKind::Input): no xdg-open (the message says where the file is, to open it in a browser), the
// process cannot be started.
Status open_with_default_app(const std::filesystem::path& file, const std::string& opener = "xdg-open");

}  // namespace ft::ui
