// csv.cpp: CSV number formatting and parsing, and the shared table reader with the
// cut-off-last-line rule (see csv.hpp).
#include "io/csv.hpp"

#include <array>
#include <cerrno>
#include <charconv>
#include <cmath>
#include <fstream>
#include <iterator>
#include <limits>
#include <system_error>
#include <utility>

#include <fmt/format.h>

namespace ft::csv {

void append_fixed(std::string& out, double v, int decimals) {
  if (!std::isfinite(v))
    return;
  std::array<char, 64> buf{};
  const auto [end, ec] =
      std::to_chars(buf.data(), buf.data() + buf.size(), v, std::chars_format::fixed, decimals);
  if (ec != std::errc{}) {
    // Only for enormous magnitudes (hundreds of digits): never seen in practice, still written
    // right.
    fmt::format_to(std::back_inserter(out), "{:.{}f}", v, decimals);
    return;
  }
  std::string_view text(buf.data(), static_cast<std::size_t>(end - buf.data()));
  // A tiny negative value rounds to "-0.000": write it as "0.000".
  if (text.size() > 1 && text.front() == '-' &&
      text.find_first_not_of("0.", 1) == std::string_view::npos) {
    text.remove_prefix(1);
  }
  out.append(text);
}

void append_int(std::string& out, std::int64_t v) {
  std::array<char, 24> buf{};
  const auto [end, ec] = std::to_chars(buf.data(), buf.data() + buf.size(), v);
  (void)ec;  // 24 characters always hold an int64
  out.append(buf.data(), end);
}

std::string_view trim(std::string_view s) {
  constexpr std::string_view kBlanks = " \t\r\n";
  const std::size_t first = s.find_first_not_of(kBlanks);
  if (first == std::string_view::npos)
    return {};
  const std::size_t last = s.find_last_not_of(kBlanks);
  return s.substr(first, last - first + 1);
}

namespace {

template <class T>
bool parse_floating(std::string_view s, T& out) {
  s = trim(s);
  if (s.empty()) {
    out = std::numeric_limits<T>::quiet_NaN();
    return true;
  }
  if (s.front() == '+')
    s.remove_prefix(1);
  T v{};
  const auto [end, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
  if (ec != std::errc{} || end != s.data() + s.size())
    return false;
  out = v;
  return true;
}

}  // namespace

bool parse_double(std::string_view s, double& out) {
  return parse_floating(s, out);
}
bool parse_float(std::string_view s, float& out) {
  return parse_floating(s, out);
}

bool parse_int(std::string_view s, std::int64_t& out) {
  s = trim(s);
  if (!s.empty() && s.front() == '+')
    s.remove_prefix(1);
  if (s.empty())
    return false;
  std::int64_t v = 0;
  const auto [end, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
  if (ec != std::errc{} || end != s.data() + s.size())
    return false;
  out = v;
  return true;
}

bool parse_bool01(std::string_view s, bool& out) {
  s = trim(s);
  if (s.empty() || s == "0" || s == "false") {
    out = false;
    return true;
  }
  if (s == "1" || s == "true") {
    out = true;
    return true;
  }
  return false;
}

bool Row::parse(std::string_view line) {
  n_ = 0;
  std::size_t i = 0;
  while (true) {
    if (n_ == fields_.size())
      fields_.emplace_back();
    std::string& field = fields_[n_++];
    field.clear();
    if (i < line.size() && line[i] == '"') {
      ++i;
      while (true) {
        if (i >= line.size())
          return false;  // the closing quote is missing
        const char c = line[i++];
        if (c != '"') {
          field += c;
        } else if (i < line.size() && line[i] == '"') {
          field += '"';  // "" inside quotes is one quote
          ++i;
        } else {
          break;
        }
      }
      // Be lenient about anything between the closing quote and the next comma.
      while (i < line.size() && line[i] != ',')
        field += line[i++];
    } else {
      std::size_t end = line.find(',', i);
      if (end == std::string_view::npos)
        end = line.size();
      field.assign(line.substr(i, end - i));
      i = end;
    }
    if (i >= line.size())
      break;
    ++i;  // the comma
  }
  return true;
}

Header::Header(const Row& row) : size_(row.size()) {
  for (std::size_t i = 0; i < row.size(); ++i) {
    std::string_view name = row[i];
    if (i == 0 && name.substr(0, 3) == "\xEF\xBB\xBF")
      name.remove_prefix(3);                     // UTF-8 BOM
    index_.emplace(std::string(trim(name)), i);  // emplace keeps the first of duplicate names
  }
}

std::optional<std::size_t> Header::find(std::string_view name) const {
  const auto it = index_.find(std::string(name));
  if (it == index_.end())
    return std::nullopt;
  return it->second;
}

Error input_error(const std::filesystem::path& path, std::int64_t line, const std::string& what) {
  if (line > 0) {
    return make_error(ErrorKind::Input, fmt::format("'{}' line {}: {}", path.string(), line, what));
  }
  return make_error(ErrorKind::Input, fmt::format("'{}': {}", path.string(), what));
}

Error bad_field(const std::filesystem::path& path, std::int64_t line, std::string_view column,
                std::string_view text, std::string_view expected) {
  return input_error(path, line,
                     fmt::format("column '{}': '{}' is not {}", column, text, expected));
}

Status read_csv_table(const std::filesystem::path& path, const TableCallbacks& callbacks,
                      bool& truncated) {
  truncated = false;
  try {
    errno = 0;
    std::ifstream in(path, std::ios::binary);
    if (!in.is_open()) {
      const std::string reason =
          errno != 0 ? std::generic_category().message(errno) : std::string("cannot be opened");
      return make_error(ErrorKind::Input,
                        fmt::format("cannot open '{}': {}", path.string(), reason));
    }
    std::string line;
    Row row;
    std::optional<Header> header;
    std::int64_t line_no = 0;
    // A defect that is forgiven only if the line turns out to be the last one.
    std::optional<std::pair<std::int64_t, std::string>> pending;
    while (std::getline(in, line)) {
      ++line_no;
      const bool terminated = !in.eof();
      if (!line.empty() && line.back() == '\r')
        line.pop_back();
      if (trim(line).empty())
        continue;
      if (pending)
        return input_error(path, pending->first, pending->second);
      if (!header) {
        if (!row.parse(line))
          return input_error(path, line_no, "unclosed quote in the header");
        header.emplace(row);
        if (Status s = callbacks.on_header(*header); !s)
          return s;
        continue;
      }
      if (!terminated) {
        pending.emplace(line_no, "the line is cut off (no line end)");
        continue;
      }
      if (!row.parse(line)) {
        pending.emplace(line_no, "unclosed quote");
        continue;
      }
      if (row.size() != header->size()) {
        std::string what = fmt::format("expected {} fields (one per header column), found {}",
                                       header->size(), row.size());
        if (row.size() > header->size())
          return input_error(path, line_no, what);
        pending.emplace(line_no, std::move(what));
        continue;
      }
      if (Status s = callbacks.on_row(row, line_no); !s)
        return s;
    }
    if (in.bad())
      return input_error(path, 0, "read error after line " + std::to_string(line_no));
    if (!header)
      return input_error(path, 0, "the file is empty (no header line)");
    truncated = pending.has_value();
    return {};
  } catch (const std::exception& e) {
    return input_error(path, 0, std::string("cannot be read: ") + e.what());
  } catch (...) {
    return input_error(path, 0, "cannot be read");
  }
}

}  // namespace ft::csv
