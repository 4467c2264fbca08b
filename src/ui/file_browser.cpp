// file_browser.cpp: folder listing panel.
#include "ui/file_browser.hpp"

#include <algorithm>
#include <cctype>
#include <cstdio>
#include <cstdlib>
#include <system_error>

#include <imgui.h>

#include "ui/theme.hpp"

namespace ft::ui {

namespace {
std::string lower(std::string s) {
  for (char& c : s)
    c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return s;
}

std::string human_size(std::uintmax_t b) {
  char buf[32];
  if (b >= (1u << 30)) {
    std::snprintf(buf, sizeof buf, "%.1f GB", static_cast<double>(b) / (1u << 30));
  } else if (b >= (1u << 20)) {
    std::snprintf(buf, sizeof buf, "%.1f MB", static_cast<double>(b) / (1u << 20));
  } else {
    std::snprintf(buf, sizeof buf, "%.0f kB", static_cast<double>(b) / 1024.0);
  }
  return buf;
}
}  // namespace

bool is_video_file_name(const std::string& name) {
  const std::string ext = lower(std::filesystem::path(name).extension().string());
  static const char* kExt[] = {".mp4",  ".mov", ".avi", ".mkv", ".webm", ".m4v", ".mpg",
                               ".mpeg", ".wmv", ".flv", ".3gp", ".ogv",  ".ts"};
  return std::any_of(std::begin(kExt), std::end(kExt), [&](const char* e) { return ext == e; });
}

FileBrowser::FileBrowser(std::filesystem::path start) {
  std::error_code ec;
  if (start.empty() || !std::filesystem::is_directory(start, ec)) {
    const char* home = std::getenv("HOME");
    start = home && *home ? std::filesystem::path(home) : std::filesystem::current_path(ec);
  }
  dir_ = start;
}

void FileBrowser::set_dir(const std::filesystem::path& dir) {
  dir_ = dir;
  stale_ = true;
}

void FileBrowser::refresh() {
  stale_ = false;
  entries_.clear();
  error_.clear();
  std::error_code ec;
  std::filesystem::directory_iterator it(
      dir_, std::filesystem::directory_options::skip_permission_denied, ec);
  if (ec) {
    error_ = "cannot list " + dir_.string() + ": " + ec.message();
    return;
  }
  for (; it != std::filesystem::directory_iterator(); it.increment(ec)) {
    if (ec) {
      error_ = "listing stopped: " + ec.message();
      break;
    }
    Entry e;
    e.name = it->path().filename().string();
    if (e.name.empty() || e.name[0] == '.')
      continue;  // hidden
    std::error_code ec2;
    e.is_dir = it->is_directory(ec2);
    if (!e.is_dir) {
      if (!show_all_ && !is_video_file_name(e.name))
        continue;
      e.size = it->file_size(ec2);
      if (ec2)
        e.size = 0;
    }
    entries_.push_back(std::move(e));
  }
  std::sort(entries_.begin(), entries_.end(), [](const Entry& a, const Entry& b) {
    if (a.is_dir != b.is_dir)
      return a.is_dir;
    return lower(a.name) < lower(b.name);
  });
}

std::optional<std::filesystem::path> FileBrowser::draw(float height, std::string& selected) {
  if (stale_)
    refresh();
  std::optional<std::filesystem::path> chosen;
  if (ImGui::Button("\xE2\x86\x91 Up")) {
    if (dir_.has_parent_path() && dir_.parent_path() != dir_)
      set_dir(dir_.parent_path());
  }
  ImGui::SameLine();
  if (ImGui::Button("Home")) {
    if (const char* home = std::getenv("HOME"); home && *home)
      set_dir(home);
  }
  ImGui::SameLine();
  if (ImGui::Checkbox("all files", &show_all_))
    stale_ = true;
  ImGui::SameLine();
  if (ImGui::SmallButton("refresh"))
    stale_ = true;
  ImGui::PushStyleColor(ImGuiCol_Text, to_vec4(colour::kTextDim));
  ImGui::TextWrapped("%s", dir_.string().c_str());
  ImGui::PopStyleColor();
  if (stale_)
    refresh();

  ImGui::BeginChild("##files", ImVec2(0, height), true);
  if (!error_.empty()) {
    ImGui::PushStyleColor(ImGuiCol_Text, to_vec4(colour::kWarn));
    ImGui::TextWrapped("%s", error_.c_str());
    ImGui::PopStyleColor();
  }
  if (entries_.empty() && error_.empty()) {
    ImGui::TextDisabled(show_all_ ? "(empty folder)" : "(no video files here)");
  }
  std::optional<std::filesystem::path> enter;
  for (const Entry& e : entries_) {
    const std::filesystem::path full = dir_ / e.name;
    const bool is_sel = !e.is_dir && selected == full.string();
    std::string text = e.is_dir ? "\xE2\x96\xB8 " + e.name + "/" : e.name;
    ImGui::PushID(e.name.c_str());
    if (ImGui::Selectable(text.c_str(), is_sel, ImGuiSelectableFlags_AllowDoubleClick)) {
      if (e.is_dir) {
        enter = full;
      } else {
        selected = full.string();
        if (ImGui::IsMouseDoubleClicked(0))
          chosen = full;
      }
    }
    if (!e.is_dir) {
      const std::string sz = human_size(e.size);
      ImGui::SameLine(ImGui::GetWindowContentRegionMax().x - ImGui::CalcTextSize(sz.c_str()).x);
      ImGui::TextDisabled("%s", sz.c_str());
    }
    ImGui::PopID();
  }
  ImGui::EndChild();
  if (enter)
    set_dir(*enter);
  return chosen;
}

}  // namespace ft::ui
