// paths.cpp: locations of our own files.
#include "core/paths.hpp"

#include <cstdlib>
#include <cstring>
#include <system_error>

namespace ft {

std::filesystem::path source_dir() { return std::filesystem::path(FT_SOURCE_DIR); }

bool source_tree_allowed() {
  const char* v = std::getenv("FACETWITCH_NO_SOURCE_TREE");
  return v == nullptr || *v == '\0' || std::strcmp(v, "0") == 0;
}

std::filesystem::path executable_dir() {
  std::error_code ec;
  auto exe = std::filesystem::read_symlink("/proc/self/exe", ec);
  if (ec) return std::filesystem::current_path();
  return exe.parent_path();
}

std::filesystem::path installed_data_dir() {
  return (executable_dir().parent_path() / "share" / "facetwitch").lexically_normal();
}

std::vector<std::filesystem::path> data_dirs() {
  std::vector<std::filesystem::path> out;
  std::error_code ec;
  if (auto installed = installed_data_dir(); std::filesystem::is_directory(installed, ec)) out.push_back(installed);
  if (source_tree_allowed()) {
    if (auto assets = source_dir() / "assets"; std::filesystem::is_directory(assets, ec)) out.push_back(assets);
  }
  return out;
}

std::optional<std::filesystem::path> find_data_file(const std::filesystem::path& relative) {
  std::error_code ec;
  for (const auto& d : data_dirs()) {
    auto p = d / relative;
    if (std::filesystem::is_regular_file(p, ec)) return p;
  }
  return std::nullopt;
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
  // Installed with the package (copied from the packager's cache); never in the source tree.
  auto installed = installed_data_dir() / "astronaut.png";
  if (std::filesystem::is_regular_file(installed, ec)) return installed;
  return std::nullopt;
}

}  // namespace ft
