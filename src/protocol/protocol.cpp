// protocol.cpp: reading, checking and writing step files and timing files.
#include "protocol/protocol.hpp"

#include <algorithm>
#include <array>
#include <cmath>
#include <fstream>
#include <set>
#include <sstream>
#include <utility>

#include <nlohmann/json.hpp>

#include "core/paths.hpp"
#include "io/csv.hpp"
#include "io/session.hpp"

namespace ft {
namespace {

using json = nlohmann::json;
namespace fs = std::filesystem;

constexpr std::array<std::pair<Movement, std::string_view>, 8> kMovementNames{{
    {Movement::Rest, "rest"},
    {Movement::BrowRaise, "brow_raise"},
    {Movement::GentleEyeClosure, "gentle_eye_closure"},
    {Movement::TightEyeClosure, "tight_eye_closure"},
    {Movement::Smile, "smile"},
    {Movement::Snarl, "snarl"},
    {Movement::Pucker, "pucker"},
    {Movement::Speech, "speech"},
}};

constexpr double kMinStepS = 1.0;
constexpr double kMaxStepS = 300.0;
constexpr double kMaxPrepareS = 30.0;
constexpr std::size_t kMaxTextChars = 300;

std::string num(double v) {
  std::ostringstream o;
  o << v;
  return o.str();
}

bool valid_id(std::string_view id) {
  if (id.empty() || id.size() > 40)
    return false;
  return std::all_of(id.begin(), id.end(), [](char c) {
    return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_' || c == '-';
  });
}

Result<std::string> read_text(const fs::path& path, std::string_view what) {
  std::error_code ec;
  if (!fs::is_regular_file(path, ec)) {
    return make_error(ErrorKind::Input, std::string(what) + " '" + path.string() +
                                            "' not found: check the path (see docs/PROTOCOL.md)");
  }
  std::ifstream in(path, std::ios::binary);
  if (!in)
    return make_error(ErrorKind::Input, "cannot open " + std::string(what) + " '" + path.string() + "'");
  std::ostringstream text;
  text << in.rdbuf();
  return text.str();
}

// Typed access to a JSON object's key with error messages naming the key.
template <class T>
Result<T> get(const json& j, const char* key, const std::string& where) {
  if (!j.contains(key))
    return make_error(ErrorKind::Input, where + "missing key \"" + key + "\"");
  try {
    return j.at(key).get<T>();
  } catch (const json::exception&) {
    return make_error(ErrorKind::Input, where + "key \"" + key + "\" has the wrong type");
  }
}

template <class T>
Result<T> get_or(const json& j, const char* key, T fallback, const std::string& where) {
  if (!j.contains(key) || j.at(key).is_null())
    return fallback;
  return get<T>(j, key, where);
}

Error in_file(const fs::path& file, const Error& e) {
  std::ostringstream o;
  if (file.empty())
    o << "protocol";
  else
    o << '\'' << file.string() << '\'';
  o << ": " << e.message;
  return make_error(e.kind, o.str());
}

}  // namespace

std::string_view to_string(Movement m) {
  for (const auto& [mv, name] : kMovementNames)
    if (mv == m)
      return name;
  return "?";
}

std::optional<Movement> parse_movement(std::string_view s) {
  for (const auto& [mv, name] : kMovementNames)
    if (name == s)
      return mv;
  return std::nullopt;
}

bool is_mouth_movement(Movement m) {
  return m == Movement::Smile || m == Movement::Snarl || m == Movement::Pucker || m == Movement::Speech;
}

bool is_eye_movement(Movement m) {
  return m == Movement::BrowRaise || m == Movement::GentleEyeClosure || m == Movement::TightEyeClosure;
}

const ProtocolStep* Protocol::find(std::string_view id) const {
  for (const auto& s : steps)
    if (s.id == id)
      return &s;
  return nullptr;
}

double Protocol::total_s() const {
  double t = 0.0;
  for (const auto& s : steps)
    t += s.prepare_s + s.duration_s;
  return t;
}

fs::path default_protocol_path() {
  const fs::path relative = fs::path("protocols") / "standard.json";
  if (auto found = find_data_file(relative)) return *found;
  // Not found: name the path a reader would expect (the error message shows it).
  return source_tree_allowed() ? source_dir() / "assets" / relative : installed_data_dir() / relative;
}

Status validate(const Protocol& p) {
  if (p.name.empty() || p.name.size() > kMaxTextChars)
    return make_error(ErrorKind::Input, "\"name\" must be a non-empty text of at most 300 characters");
  if (p.steps.empty())
    return make_error(ErrorKind::Input, "\"steps\" is empty: a protocol needs at least a rest step");
  if (p.steps.size() > 50)
    return make_error(ErrorKind::Input, "more than 50 steps");
  std::set<std::string> ids;
  bool has_rest = false;
  for (std::size_t i = 0; i < p.steps.size(); ++i) {
    const auto& s = p.steps[i];
    const std::string where = "step " + std::to_string(i + 1) + (s.id.empty() ? "" : " (" + s.id + ")") + ": ";
    if (!valid_id(s.id)) {
      return make_error(ErrorKind::Input,
                        where + "\"id\" must be 1-40 characters of a-z, 0-9, '_' or '-'");
    }
    if (!ids.insert(s.id).second)
      return make_error(ErrorKind::Input, where + "the id \"" + s.id + "\" is used twice: ids must be unique");
    if (s.label.empty() || s.label.size() > kMaxTextChars)
      return make_error(ErrorKind::Input, where + "\"label\" must be a non-empty text of at most 300 characters");
    if (s.prompt.size() > kMaxTextChars)
      return make_error(ErrorKind::Input, where + "\"prompt\" is longer than 300 characters");
    if (!(s.duration_s >= kMinStepS && s.duration_s <= kMaxStepS)) {
      return make_error(ErrorKind::Input, where + "duration " + num(s.duration_s) + " s is outside " +
                                              num(kMinStepS) + "-" + num(kMaxStepS) + " s");
    }
    if (!(s.prepare_s >= 0.0 && s.prepare_s <= kMaxPrepareS)) {
      return make_error(ErrorKind::Input,
                        where + "prepare " + num(s.prepare_s) + " s is outside 0-" + num(kMaxPrepareS) + " s");
    }
    has_rest = has_rest || s.movement == Movement::Rest;
  }
  if (!has_rest) {
    return make_error(ErrorKind::Input,
                      "no step has the movement \"rest\": every movement is measured against the face at rest, "
                      "so a protocol needs one");
  }
  return {};
}

Result<Protocol> protocol_from_json_text(std::string_view text, const fs::path& file) {
  const json j = json::parse(text, nullptr, /*allow_exceptions=*/false);
  if (j.is_discarded() || !j.is_object())
    return in_file(file, make_error(ErrorKind::Input, "not a JSON object (is it a protocol step file?)"));
  auto format = get_or<std::string>(j, "format", "facetwitch-protocol", "");
  if (!format)
    return in_file(file, format.error());
  if (*format != "facetwitch-protocol") {
    return in_file(file, make_error(ErrorKind::Input, "\"format\" is \"" + *format +
                                                          "\", expected \"facetwitch-protocol\" (a step file)"));
  }
  auto version = get_or<int>(j, "format_version", 1, "");
  if (!version)
    return in_file(file, version.error());
  if (*version != 1) {
    return in_file(file, make_error(ErrorKind::Input, "format_version " + std::to_string(*version) +
                                                          " is not supported by this facetwitch (1): update facetwitch"));
  }
  Protocol p;
  p.file = file;
  auto name = get<std::string>(j, "name", "");
  if (!name)
    return in_file(file, name.error());
  p.name = *name;
  if (!j.contains("steps") || !j.at("steps").is_array())
    return in_file(file, make_error(ErrorKind::Input, "missing the list \"steps\""));
  int index = 0;
  for (const auto& e : j.at("steps")) {
    ++index;
    const std::string where = "step " + std::to_string(index) + ": ";
    if (!e.is_object())
      return in_file(file, make_error(ErrorKind::Input, where + "not a JSON object"));
    ProtocolStep s;
    auto id = get<std::string>(e, "id", where);
    auto movement = get<std::string>(e, "movement", where);
    auto label = get<std::string>(e, "label", where);
    auto prompt = get_or<std::string>(e, "prompt", "", where);
    auto duration = get<double>(e, "duration_s", where);
    auto prepare = get_or<double>(e, "prepare_s", 3.0, where);
    for (const Error* err : {id.ok() ? nullptr : &id.error(), movement.ok() ? nullptr : &movement.error(),
                             label.ok() ? nullptr : &label.error(), prompt.ok() ? nullptr : &prompt.error(),
                             duration.ok() ? nullptr : &duration.error(), prepare.ok() ? nullptr : &prepare.error()}) {
      if (err)
        return in_file(file, *err);
    }
    const auto mv = parse_movement(*movement);
    if (!mv) {
      return in_file(file, make_error(ErrorKind::Input,
                                      where + "movement \"" + *movement +
                                          "\" is not one of rest, brow_raise, gentle_eye_closure, "
                                          "tight_eye_closure, smile, snarl, pucker, speech"));
    }
    s.id = *id;
    s.movement = *mv;
    s.label = *label;
    s.prompt = *prompt;
    s.duration_s = *duration;
    s.prepare_s = *prepare;
    p.steps.push_back(std::move(s));
  }
  if (Status st = validate(p); !st)
    return in_file(file, st.error());
  return p;
}

Result<Protocol> load_protocol(const fs::path& path) {
  auto text = read_text(path, "protocol step file");
  if (!text)
    return text.error();
  return protocol_from_json_text(*text, path);
}

namespace {

Result<ProtocolTiming> timing_from_json(const std::string& text, const fs::path& path) {
  const json j = json::parse(text, nullptr, /*allow_exceptions=*/false);
  if (j.is_discarded() || !j.is_object())
    return in_file(path, make_error(ErrorKind::Input, "not a JSON object (is it a protocol timing file?)"));
  auto format = get_or<std::string>(j, "format", "facetwitch-protocol-timing", "");
  if (!format)
    return in_file(path, format.error());
  if (*format != "facetwitch-protocol-timing") {
    return in_file(path, make_error(ErrorKind::Input,
                                    "\"format\" is \"" + *format +
                                        "\", expected \"facetwitch-protocol-timing\" (a timing file: which step "
                                        "starts and ends when)"));
  }
  ProtocolTiming t;
  auto protocol = get_or<std::string>(j, "protocol", "", "");
  if (!protocol)
    return in_file(path, protocol.error());
  if (!protocol->empty()) {
    const fs::path p = *protocol;
    t.protocol_file = p.is_absolute() ? p : path.parent_path() / p;
  }
  if (!j.contains("steps") || !j.at("steps").is_array())
    return in_file(path, make_error(ErrorKind::Input, "missing the list \"steps\""));
  int index = 0;
  for (const auto& e : j.at("steps")) {
    ++index;
    const std::string where = "step " + std::to_string(index) + ": ";
    if (!e.is_object())
      return in_file(path, make_error(ErrorKind::Input, where + "not a JSON object"));
    auto id = get<std::string>(e, "id", where);
    auto start = get<double>(e, "start_s", where);
    auto end = get<double>(e, "end_s", where);
    auto retakes = get_or<int>(e, "retakes", 0, where);
    for (const Error* err : {id.ok() ? nullptr : &id.error(), start.ok() ? nullptr : &start.error(),
                             end.ok() ? nullptr : &end.error(), retakes.ok() ? nullptr : &retakes.error()}) {
      if (err)
        return in_file(path, *err);
    }
    t.steps.push_back({*id, *start, *end, *retakes});
  }
  return t;
}

Result<ProtocolTiming> timing_from_csv(const fs::path& path) {
  ProtocolTiming t;
  std::size_t c_id = 0, c_start = 0, c_end = 0;
  std::optional<std::size_t> c_retakes;
  bool truncated = false;
  csv::TableCallbacks cb;
  cb.on_header = [&](const csv::Header& h) -> Status {
    const auto id = h.find("id"), start = h.find("start_s"), end = h.find("end_s");
    if (!id || !start || !end) {
      return csv::input_error(path, 1, "the header must name the columns id, start_s and end_s (and optionally "
                                       "retakes)");
    }
    c_id = *id;
    c_start = *start;
    c_end = *end;
    c_retakes = h.find("retakes");
    return {};
  };
  cb.on_row = [&](const csv::Row& row, std::int64_t line) -> Status {
    StepTiming s;
    s.id = std::string(csv::trim(row[c_id]));
    if (!csv::parse_double(csv::trim(row[c_start]), s.start_s))
      return csv::bad_field(path, line, "start_s", row[c_start], "a number of seconds");
    if (!csv::parse_double(csv::trim(row[c_end]), s.end_s))
      return csv::bad_field(path, line, "end_s", row[c_end], "a number of seconds");
    if (c_retakes && !csv::trim(row[*c_retakes]).empty()) {
      std::int64_t r = 0;
      if (!csv::parse_int(csv::trim(row[*c_retakes]), r) || r < 0 || r > 1000)
        return csv::bad_field(path, line, "retakes", row[*c_retakes], "a whole number 0-1000");
      s.retakes = static_cast<int>(r);
    }
    t.steps.push_back(std::move(s));
    return {};
  };
  if (Status st = csv::read_csv_table(path, cb, truncated); !st)
    return st.error();
  if (truncated) {
    std::ostringstream o;
    o << '\'' << path.string() << "': the last line is incomplete (no line end): finish it and save again";
    return make_error(ErrorKind::Input, o.str());
  }
  return t;
}

}  // namespace

Result<ProtocolTiming> load_timing(const fs::path& path) {
  auto text = read_text(path, "protocol timing file");
  if (!text)
    return text.error();
  std::string ext = path.extension().string();
  std::transform(ext.begin(), ext.end(), ext.begin(), [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  if (ext == ".csv")
    return timing_from_csv(path);
  return timing_from_json(*text, path);
}

Status validate(const ProtocolTiming& t, const Protocol& p) {
  if (t.steps.empty())
    return make_error(ErrorKind::Input, "the timing lists no steps");
  std::set<std::string> seen;
  for (std::size_t i = 0; i < t.steps.size(); ++i) {
    const auto& s = t.steps[i];
    const std::string where = "timing step " + std::to_string(i + 1) + " (" + s.id + "): ";
    if (!p.find(s.id)) {
      std::string ids;
      for (const auto& ps : p.steps)
        ids += (ids.empty() ? "" : ", ") + ps.id;
      return make_error(ErrorKind::Input, where + "no step of the protocol \"" + p.name + "\" has this id (its ids: " +
                                              ids + ")");
    }
    if (!seen.insert(s.id).second)
      return make_error(ErrorKind::Input, where + "the step is listed twice: keep the take to be scored");
    if (!(std::isfinite(s.start_s) && s.start_s >= 0.0))
      return make_error(ErrorKind::Input, where + "start " + num(s.start_s) + " s must be 0 or more");
    if (!(std::isfinite(s.end_s) && s.end_s > s.start_s)) {
      return make_error(ErrorKind::Input,
                        where + "end " + num(s.end_s) + " s must come after the start (" + num(s.start_s) + " s)");
    }
    if (s.retakes < 0)
      return make_error(ErrorKind::Input, where + "retakes must be 0 or more");
    if (i > 0 && s.start_s < t.steps[i - 1].end_s - 1e-9) {
      return make_error(ErrorKind::Input, where + "starts at " + num(s.start_s) + " s, before the previous step ends (" +
                                              num(t.steps[i - 1].end_s) + " s): list the steps in time order, "
                                              "without overlaps");
    }
  }
  return {};
}

Status write_timing(const fs::path& path, const ProtocolTiming& t) {
  json steps = json::array();
  for (const auto& s : t.steps)
    steps.push_back({{"id", s.id}, {"start_s", s.start_s}, {"end_s", s.end_s}, {"retakes", s.retakes}});
  json j{{"format", "facetwitch-protocol-timing"}, {"format_version", 1}, {"steps", steps}};
  if (!t.protocol_file.empty())
    j["protocol"] = fs::absolute(t.protocol_file).lexically_normal().string();
  return write_file_atomically(path, j.dump(2) + "\n");
}

}  // namespace ft
