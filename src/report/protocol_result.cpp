// protocol_result.cpp: protocol.json reader (format in docs/OUTPUT.md, "protocol.json").
#include "report/protocol_result.hpp"

#include <fstream>
#include <iterator>
#include <sstream>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

namespace ft {
namespace {

using Json = nlohmann::json;

// Typed access with the first problem kept as the error ("field 'steps[2].measures[0].left' must be ...").
class Fields {
 public:
  explicit Fields(const std::filesystem::path& path) : path_(path) {}
  bool ok() const { return problem_.empty(); }
  Error error() const { return make_error(ErrorKind::Input, fmt::format("'{}': {}", path_.string(), problem_)); }

  void number(const Json& o, const char* key, const std::string& where, double& out) {
    if (const Json* v = find(o, key)) {
      if (v->is_null()) out = kNaN;
      else if (v->is_number()) out = v->get<double>();
      else fail(where, key, "a number or null");
    }
  }
  void whole(const Json& o, const char* key, const std::string& where, std::int64_t& out) {
    if (const Json* v = find(o, key)) {
      if (v->is_number_integer()) out = v->get<std::int64_t>();
      else if (!v->is_null()) fail(where, key, "a whole number");
    }
  }
  void text(const Json& o, const char* key, const std::string& where, std::string& out) {
    if (const Json* v = find(o, key)) {
      if (v->is_string()) out = v->get<std::string>();
      else if (!v->is_null()) fail(where, key, "a string");
    }
  }
  void flag(const Json& o, const char* key, const std::string& where, bool& out) {
    if (const Json* v = find(o, key)) {
      if (v->is_boolean()) out = v->get<bool>();
      else if (!v->is_null()) fail(where, key, "true or false");
    }
  }
  // The list under `key` ([] when absent or null); a wrong type is an error.
  const Json& list(const Json& o, const char* key, const std::string& where) {
    static const Json empty = Json::array();
    const Json* v = find(o, key);
    if (v == nullptr || v->is_null()) return empty;
    if (!v->is_array()) {
      fail(where, key, "a list");
      return empty;
    }
    return *v;
  }
  bool object(const Json& v, const std::string& where) {
    if (v.is_object()) return true;
    if (problem_.empty()) problem_ = fmt::format("'{}' must be an object", where);
    return false;
  }
  void fail(const std::string& where, const char* key, const char* expected) {
    if (problem_.empty()) problem_ = fmt::format("field '{}{}{}' must be {}", where, where.empty() ? "" : ".", key, expected);
  }

 private:
  static const Json* find(const Json& o, const char* key) {
    const auto it = o.find(key);
    return it == o.end() ? nullptr : &*it;
  }
  const std::filesystem::path& path_;
  std::string problem_;
};

// Calls fn(item, "where.key[i]") for each object of the list under `key`; stops at the first problem.
template <class Fn>
void for_each_object(Fields& f, const Json& parent, const char* key, const std::string& where, Fn fn) {
  const Json& list = f.list(parent, key, where);
  for (std::size_t i = 0; i < list.size() && f.ok(); ++i) {
    const std::string w = where.empty() ? fmt::format("{}[{}]", key, i) : fmt::format("{}.{}[{}]", where, key, i);
    if (!f.object(list[i], w)) break;
    fn(list[i], w);
  }
}

ReportedStep parse_step(Fields& f, const Json& s, const std::string& where) {
  ReportedStep step;
  f.text(s, "id", where, step.id);
  f.text(s, "label", where, step.label);
  f.text(s, "movement", where, step.movement);
  f.text(s, "prompt", where, step.prompt);
  f.number(s, "start_s", where, step.start_s);
  f.number(s, "end_s", where, step.end_s);
  f.whole(s, "frames", where, step.frames);
  f.whole(s, "frames_good", where, step.frames_good);
  f.flag(s, "quality_ok", where, step.quality_ok);
  f.whole(s, "retakes", where, step.retakes);
  f.whole(s, "episode_count", where, step.episode_count);
  f.whole(s, "twitch_count", where, step.twitch_count);
  const Json& problems = f.list(s, "quality_problems", where);
  for (const Json& p : problems) {
    if (p.is_string()) step.quality_problems.push_back(p.get<std::string>());
    else f.fail(where, "quality_problems", "a list of strings");
  }
  for_each_object(f, s, "measures", where, [&](const Json& o, const std::string& w) {
    ReportedMeasure m;
    f.text(o, "key", w, m.key);
    f.text(o, "label", w, m.label);
    f.text(o, "unit", w, m.unit);
    f.number(o, "left", w, m.left);
    f.number(o, "right", w, m.right);
    f.number(o, "diff", w, m.diff);
    f.number(o, "diff_mm", w, m.diff_mm);
    f.number(o, "percent_of_stronger", w, m.percent_of_stronger);
    f.text(o, "weaker_side", w, m.weaker_side);
    if (m.label.empty()) m.label = m.key;
    step.measures.push_back(std::move(m));
  });
  for_each_object(f, s, "synkinesis", where, [&](const Json& o, const std::string& w) {
    ReportedSynkinesis k;
    f.text(o, "side", w, k.side);
    f.text(o, "region", w, k.region);
    f.text(o, "what", w, k.what);
    f.number(o, "value", w, k.value);
    f.text(o, "unit", w, k.unit);
    f.number(o, "threshold", w, k.threshold);
    f.flag(o, "flag", w, k.flag);
    step.synkinesis.push_back(std::move(k));
  });
  if (step.label.empty()) step.label = step.id;
  return step;
}

}  // namespace

Result<ReportedProtocol> read_protocol_json(const std::filesystem::path& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in.is_open()) return make_error(ErrorKind::Input, fmt::format("cannot open '{}'", path.string()));
  const std::string content{std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
  Json j;
  try {
    j = Json::parse(content);
  } catch (const Json::exception& e) {
    return make_error(ErrorKind::Input, fmt::format("'{}' is not valid JSON (damaged?): {}", path.string(), e.what()));
  }
  Fields f(path);
  if (!f.object(j, "the top level")) return f.error();
  std::string format;
  f.text(j, "format", "", format);
  std::int64_t version = 0;
  f.whole(j, "format_version", "", version);
  if (f.ok() && format != kProtocolFormat) {
    return make_error(ErrorKind::Input, fmt::format("'{}' is not a protocol result (format '{}', expected '{}')",
                                                    path.string(), format, kProtocolFormat));
  }
  if (f.ok() && (version < 1 || version > kProtocolFormatVersion)) {
    return make_error(ErrorKind::Input,
                      fmt::format("'{}' has format_version {}; this facetwitch reads version {}: update facetwitch",
                                  path.string(), version, kProtocolFormatVersion));
  }
  ReportedProtocol r;
  if (auto it = j.find("protocol"); it != j.end() && !it->is_null()) {
    if (f.object(*it, "protocol")) {
      f.text(*it, "name", "protocol", r.name);
      f.text(*it, "file", "protocol", r.file);
    }
  }
  for_each_object(f, j, "steps", "", [&](const Json& o, const std::string& w) { r.steps.push_back(parse_step(f, o, w)); });
  for (const ReportedStep& s : r.steps) {
    r.steps_quality_ok += s.quality_ok ? 1 : 0;
    for (const ReportedSynkinesis& k : s.synkinesis) r.synkinesis_flags += k.flag ? 1 : 0;
  }
  if (auto it = j.find("summary"); it != j.end() && !it->is_null() && f.object(*it, "summary")) {
    f.whole(*it, "steps_quality_ok", "summary", r.steps_quality_ok);
    f.whole(*it, "synkinesis_flags", "summary", r.synkinesis_flags);
  }
  if (!f.ok()) return f.error();
  return r;
}

}  // namespace ft
