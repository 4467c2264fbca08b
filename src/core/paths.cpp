// paths.cpp: locations of our own files.
#include "core/paths.hpp"

#include <cstdlib>
#include <system_error>

namespace ft {

std::filesystem::path source_dir() { return std::filesystem::path(FT_SOURCE_DIR); }

std::filesystem::path executable_dir() {
  std::error_code ec;
  auto exe = std::filesystem::read_symlink("/proc/self/exe", ec);
  if (ec) return std::filesystem::current_path();
  return exe.parent_path();
}

std::filesystem::path cache_dir() {
  if (const char* c = std::getenv("FACETWITCH_CACHE"); c && *c) return c;
  if (const char* x = std::getenv("XDG_CACHE_HOME"); x && *x) return std::filesystem::path(x) / "facetwitch";
  if (const char* h = std::getenv("HOME"); h && *h) return std::filesystem::path(h) / ".cache" / "facetwitch";
  return std::filesystem::temp_directory_path() / "facetwitch-cache";
}

std::optional<std::filesystem::path> find_demo_photo() {
  std::error_code ec;
  auto p = cache_dir() / "astronaut.png";
  if (std::filesystem::is_regular_file(p, ec)) return p;
  return std::nullopt;
}

}  // namespace ft
