// settings_store.cpp: settings.json reading (tolerant) and writing (atomic).
#include "ui/settings_store.hpp"

#include <unistd.h>

#include <algorithm>
#include <cmath>
#include <cstdlib>
#include <fstream>
#include <sstream>
#include <system_error>

#include <nlohmann/json.hpp>

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
  const std::string where = "settings file " + path.string();
  std::ifstream in(path, std::ios::binary);
  if (!in) {
    out.message = where + " cannot be read (permissions?): using the default settings";
    return out;
  }
  std::stringstream ss;
  ss << in.rdbuf();
  json j = json::parse(ss.str(), nullptr, /*allow_exceptions=*/false);
  if (j.is_discarded() || !j.is_object()) {
    out.message = where +
                  " is not valid JSON: using the default settings (the file is replaced when a "
                  "setting is changed)";
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
  if (j.contains("files") && j.at("files").is_object() && j.at("files").contains("recent")) {
    const json& rec = j.at("files").at("recent");
    if (rec.is_array()) {
      for (const json& f : rec) {
        if (f.is_string() && s.recent_files.size() < kMaxRecentFiles)
          s.recent_files.push_back(f.get<std::string>());
      }
    } else {
      problems.push_back("files.recent is not a list");
    }
  }
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
                {"recent", s.recent_files}};
  std::error_code ec;
  std::filesystem::create_directories(path.parent_path(), ec);
  if (ec) {
    return make_error(ErrorKind::Output, "cannot create " + path.parent_path().string() +
                                             " for the settings: " + ec.message());
  }
  const auto tmp =
      path.parent_path() / (path.filename().string() + ".tmp" + std::to_string(getpid()));
  {
    std::ofstream out(tmp, std::ios::binary | std::ios::trunc);
    out << j.dump(2) << '\n';
    out.flush();
    if (!out) {
      std::filesystem::remove(tmp, ec);
      return make_error(ErrorKind::Output, "cannot write the settings to " + tmp.string());
    }
  }
  std::filesystem::rename(tmp, path, ec);
  if (ec) {
    std::filesystem::remove(tmp, ec);
    return make_error(ErrorKind::Output, "cannot replace " + path.string() + ": " + ec.message());
  }
  return {};
}

void add_recent_file(UiSettings& settings, const std::string& file) {
  std::error_code ec;
  std::string abs = std::filesystem::absolute(file, ec).lexically_normal().string();
  if (ec)
    abs = file;
  auto& r = settings.recent_files;
  r.erase(std::remove(r.begin(), r.end(), abs), r.end());
  r.insert(r.begin(), abs);
  if (r.size() > kMaxRecentFiles)
    r.resize(kMaxRecentFiles);
}

}  // namespace ft::ui
