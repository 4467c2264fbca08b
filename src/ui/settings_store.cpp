// settings_store.cpp: settings.json reading (tolerant) and writing (atomic).
#include "ui/settings_store.hpp"

#include <algorithm>
#include <cmath>
#include <cstdlib>
#include <fstream>
#include <sstream>
#include <system_error>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "core/file_write.hpp"

namespace ft::ui {

namespace {

using nlohmann::json;

std::filesystem::path home_dir() {
  if (const char* h = std::getenv("HOME"); h && *h)
    return h;
  return std::filesystem::temp_directory_path();
}

// Reads one field into `out` when present and of the right type and range; otherwise notes why.
class FieldReader {
 public:
  explicit FieldReader(const json& obj) : obj_(obj) {}
  void number(const char* key, double& out, double lo, double hi) {
    if (!obj_.contains(key))
      return;
    const json& v = obj_.at(key);
    if (!v.is_number() || !std::isfinite(v.get<double>())) {
      problems_.push_back(std::string(key) + " is not a number");
      return;
    }
    const double d = v.get<double>();
    if (d < lo || d > hi) {
      std::ostringstream m;
      m << key << " = " << d << " is outside " << lo << ".." << hi;
      problems_.push_back(m.str());
      return;
    }
    out = d;
  }
  void boolean(const char* key, bool& out) {
    if (!obj_.contains(key))
      return;
    const json& v = obj_.at(key);
    if (!v.is_boolean()) {
      problems_.push_back(std::string(key) + " is not true/false");
      return;
    }
    out = v.get<bool>();
  }
  void text(const char* key, std::string& out) {
    if (!obj_.contains(key))
      return;
    const json& v = obj_.at(key);
    if (!v.is_string()) {
      problems_.push_back(std::string(key) + " is not text");
      return;
    }
    out = v.get<std::string>();
  }
  std::vector<std::string>& problems() { return problems_; }

 private:
  const json& obj_;
  std::vector<std::string> problems_;
};

}  // namespace

std::filesystem::path default_settings_path() {
  std::filesystem::path base;
  if (const char* x = std::getenv("XDG_CONFIG_HOME"); x && *x) {
    base = x;
  } else {
    base = home_dir() / ".config";
  }
  return base / "facetwitch" / "settings.json";
}

std::filesystem::path default_recordings_dir() {
  return home_dir() / "facetwitch-sessions";
}

LoadedSettings load_settings(const std::filesystem::path& path) {
  LoadedSettings out;
  std::error_code ec;
  if (!std::filesystem::exists(path, ec))
    return out;
  std::string where = "settings file ";
  where += path.string();
  // Kept as it is: the window never overwrites a file it could not read (save_settings_for_window).
  const char* kept =
      ": using the default settings; the file is left as it is (if you change a setting, it is "
      "first moved aside to ";
  auto keep = [&](const char* why) {
    out.keep_file = true;
    out.message = where;
    out.message += why;
    out.message += kept;
    out.message += aside_path(path).filename().string();
    out.message += ")";
  };
  // Only a regular file is read: a FIFO would block the window's start, a device never ends.
  if (const auto st = std::filesystem::status(path, ec); !std::filesystem::is_regular_file(st)) {
    out.keep_file = true;
    out.message = where;
    out.message += std::filesystem::is_directory(st) ? " is a folder" : " is not a regular file (a FIFO or a device?)";
    out.message += ": using the default settings; it is left as it is and the settings are not saved";
    return out;
  }
  std::ifstream in(path, std::ios::binary);
  if (!in) {
    keep(" cannot be read (permissions?)");
    return out;
  }
  std::stringstream ss;
  ss << in.rdbuf();
  json j = json::parse(ss.str(), nullptr, /*allow_exceptions=*/false);
  if (j.is_discarded() || !j.is_object()) {
    keep(" is not valid JSON");
    return out;
  }
  UiSettings& s = out.settings;
  std::vector<std::string> problems;
  auto section = [&](const char* name, auto&& read) {
    if (!j.contains(name))
      return;
    if (!j.at(name).is_object()) {
      problems.push_back(std::string(name) + " is not an object");
      return;
    }
    FieldReader r(j.at(name));
    read(r);
    for (auto& p : r.problems())
      problems.push_back(std::string(name) + "." + p);
  };
  // Ranges: those accepted by `facetwitch analyse` for the same settings.
  section("sensitivity", [&](FieldReader& r) {
    r.number("threshold_k", s.twitch.threshold_k, 2.0, 50.0);
    r.number("min_amplitude_iod", s.twitch.min_amplitude_iod, 0.002, 0.2);
    r.number("eye_min_amplitude_iod", s.twitch.eye_min_amplitude_iod, 0.002, 0.2);
    r.number("merge_gap_s", s.twitch.merge_gap_s, 0.05, 10.0);
    r.number("baseline_s", s.baseline_s, 0.0, 600.0);
    r.boolean("mouth_enabled", s.twitch.mouth_enabled);
    r.boolean("eye_enabled", s.twitch.eye_enabled);
  });
  section("display", [&](FieldReader& r) {
    r.boolean("mirror_live", s.mirror_live);
    r.boolean("mirror_replay", s.mirror_replay);
    r.number("plot_window_s", s.plot_window_s, 10.0, 30.0);
    r.boolean("show_landmarks", s.show_landmarks);
    r.boolean("show_midline", s.show_midline);
    r.boolean("show_motion", s.show_motion);
    r.number("arrow_gain", s.arrow_gain, 1.0, 50.0);
  });
  section("files", [&](FieldReader& r) {
    r.text("recordings_dir", s.recordings_dir);
    r.text("browser_dir", s.browser_dir);
  });
  // files.recent and files.mirrored: lists of file paths, at most `cap` kept.
  auto file_list = [&](const char* key, std::vector<std::string>& out_list, std::size_t cap, bool skip_empty) {
    if (!(j.contains("files") && j.at("files").is_object() && j.at("files").contains(key)))
      return;
    const json& list = j.at("files").at(key);
    if (!list.is_array()) {
      problems.push_back(fmt::format("files.{} is not a list", key));
      return;
    }
    for (const json& f : list) {
      if (f.is_string() && !(skip_empty && f.get<std::string>().empty()) && out_list.size() < cap)
        out_list.push_back(f.get<std::string>());
    }
  };
  file_list("recent", s.recent_files, kMaxRecentFiles, false);
  file_list("mirrored", s.mirrored_files, kMaxMirroredFiles, true);
  if (!problems.empty()) {
    out.message = where + ": ignored ";
    for (std::size_t i = 0; i < problems.size(); ++i)
      out.message += (i ? "; " : "") + problems[i];
    out.message += " (defaults used for these)";
  }
  return out;
}

Status save_settings(const std::filesystem::path& path, const UiSettings& s) {
  json j;
  j["version"] = 1;
  j["sensitivity"] = {{"threshold_k", s.twitch.threshold_k},
                      {"min_amplitude_iod", s.twitch.min_amplitude_iod},
                      {"eye_min_amplitude_iod", s.twitch.eye_min_amplitude_iod},
                      {"merge_gap_s", s.twitch.merge_gap_s},
                      {"mouth_enabled", s.twitch.mouth_enabled},
                      {"eye_enabled", s.twitch.eye_enabled},
                      {"baseline_s", s.baseline_s}};
  j["display"] = {{"mirror_live", s.mirror_live},     {"mirror_replay", s.mirror_replay},
                  {"plot_window_s", s.plot_window_s}, {"show_landmarks", s.show_landmarks},
                  {"show_midline", s.show_midline},   {"show_motion", s.show_motion},
                  {"arrow_gain", s.arrow_gain}};
  j["files"] = {{"recordings_dir", s.recordings_dir},
                {"browser_dir", s.browser_dir},
                {"recent", s.recent_files},
                {"mirrored", s.mirrored_files}};
  std::error_code ec;
  std::filesystem::create_directories(path.parent_path(), ec);
  if (ec) {
    return make_error(ErrorKind::Output, "cannot create " + path.parent_path().string() +
                                             " for the settings: " + ec.message());
  }
  std::string text = j.dump(2);
  text += '\n';
  return write_file_atomically(path, text);
}

std::filesystem::path aside_path(const std::filesystem::path& path) {
  std::filesystem::path p = path;
  p += ".unreadable";
  return p;
}

Status save_settings_for_window(const std::filesystem::path& path, const UiSettings& settings,
                                bool user_changed, LoadedSettings& loaded, std::string& note) {
  note.clear();
  if (loaded.keep_file) {
    std::string where = "settings file ";
    where += path.string();
    if (!user_changed) {
      note = where;
      note += " could not be read at start and was left as it is (no setting was changed)";
      return {};
    }
    // Moved aside, not overwritten: whatever the user had in it can still be recovered.
    std::error_code ec;
    if (!std::filesystem::exists(std::filesystem::symlink_status(path, ec))) {
      loaded.keep_file = false;  // removed meanwhile: nothing left to keep
      return save_settings(path, settings);
    }
    if (!non_regular_kind(path).empty()) {
      note = where;
      note += " could not be read at start and is not a regular file: the changed settings are not saved";
      return check_replaceable_file(path);
    }
    std::filesystem::path aside = aside_path(path);
    for (int i = 1; std::filesystem::exists(std::filesystem::symlink_status(aside, ec)) && i < 1000; ++i) {
      aside = aside_path(path);
      aside += "-";
      aside += std::to_string(i);
    }
    std::filesystem::rename(path, aside, ec);
    if (ec) {
      note = where;
      note += " could not be read at start and cannot be moved aside (";
      note += ec.message();
      note += "): the changed settings are not saved";
      return make_error(ErrorKind::Output, note);
    }
    loaded.keep_file = false;
    note = where;
    note += " could not be read at start: it was moved to ";
    note += aside.string();
    note += " and the changed settings were saved";
  }
  return save_settings(path, settings);
}

std::string file_key(const std::string& file) {
  std::error_code ec;
  std::string abs = std::filesystem::absolute(file, ec).lexically_normal().string();
  return ec ? file : abs;
}

bool file_is_mirrored(const UiSettings& settings, const std::string& file) {
  const std::string key = file_key(file);
  return std::find(settings.mirrored_files.begin(), settings.mirrored_files.end(), key) !=
         settings.mirrored_files.end();
}

namespace {
// `file`'s key taken out of `list`, then put first when `keep`; the list cut to `cap`.
void put_first(std::vector<std::string>& list, const std::string& file, bool keep, std::size_t cap) {
  const std::string key = file_key(file);
  list.erase(std::remove(list.begin(), list.end(), key), list.end());
  if (keep)
    list.insert(list.begin(), key);
  if (list.size() > cap)
    list.resize(cap);
}
}  // namespace

void set_file_mirrored(UiSettings& settings, const std::string& file, bool mirrored) {
  put_first(settings.mirrored_files, file, mirrored, kMaxMirroredFiles);
}

void add_recent_file(UiSettings& settings, const std::string& file) {
  put_first(settings.recent_files, file, true, kMaxRecentFiles);
}

}  // namespace ft::ui
