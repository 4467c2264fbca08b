// file_browser.hpp: a small file-browser panel (Dear ImGui 1.86 has no file dialog): lists one
// folder (sub-folders first, then video files; "all files" shows the rest), goes up, remembers the
// folder. Listing errors (permissions, a folder that vanished) are shown in the panel, never
// thrown. UI thread only.
#pragma once

#include <filesystem>
#include <optional>
#include <string>
#include <vector>

namespace ft::ui {

// mp4, mov, avi, mkv, webm, m4v, mpg, mpeg, wmv, flv, 3gp, ogv, ts (case-insensitive).
bool is_video_file_name(const std::string& name);

class FileBrowser {
 public:
  explicit FileBrowser(std::filesystem::path start = {});
  // Draws the panel (list `height` points tall). Returns a file when one was double-clicked or
  // chosen with "Open"; `selected` mirrors the single-clicked file for a path field.
  std::optional<std::filesystem::path> draw(float height, std::string& selected);
  void set_dir(const std::filesystem::path& dir);
  const std::filesystem::path& dir() const { return dir_; }

 private:
  struct Entry {
    std::string name;
    bool is_dir = false;
    std::uintmax_t size = 0;
  };
  void refresh();

  std::filesystem::path dir_;
  std::vector<Entry> entries_;
  std::string error_;
  bool show_all_ = false;
  bool stale_ = true;
};

}  // namespace ft::ui
