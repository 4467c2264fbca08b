// csv.hpp (private to src/io): the small CSV toolkit behind frames.csv and episodes.csv.
//
// Writing: numbers are appended to a reused std::string with std::to_chars (no iostream formatting
// per value); a non-finite value becomes an empty field. Our own fields never need quoting.
// Reading: RFC 4180 fields (quotes tolerated, in case a spreadsheet re-saved the file), columns
// found by header name, and the "a crash cut the last line" rule shared by both readers
// (read_csv_table).
#pragma once

#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "core/error.hpp"

namespace ft::csv {

// Appends `v` with exactly `decimals` digits after the point ("-0.00" is written "0.00"); nothing
// (an empty field) when `v` is NaN or infinite.
void append_fixed(std::string& out, double v, int decimals);
void append_int(std::string& out, std::int64_t v);

// Field parsers. Surrounding blanks are ignored. An empty field parses as NaN (double/float);
// parse_int rejects an empty field. Return false when the text is not a number of that type.
bool parse_double(std::string_view s, double& out);
bool parse_float(std::string_view s, float& out);
bool parse_int(std::string_view s, std::int64_t& out);
// "0" / "1" (also "false" / "true"); an empty field is false.
bool parse_bool01(std::string_view s, bool& out);

std::string_view trim(std::string_view s);

// One parsed CSV record. Reuses its storage from line to line.
class Row {
 public:
  // Splits `line` (without its line terminator). False when a quoted field is not closed.
  bool parse(std::string_view line);
  std::size_t size() const { return n_; }
  std::string_view operator[](std::size_t i) const { return fields_[i]; }

 private:
  std::vector<std::string> fields_;
  std::size_t n_ = 0;
};

// Column positions by header name (first occurrence wins; names are trimmed).
class Header {
 public:
  explicit Header(const Row& row);
  std::optional<std::size_t> find(std::string_view name) const;
  std::size_t size() const { return size_; }

 private:
  std::unordered_map<std::string, std::size_t> index_;
  std::size_t size_ = 0;
};

// Reads a CSV file that starts with a header line. `on_header` resolves the columns it needs (an
// Input error names a missing column); `on_row` converts one complete data row (`line` is its
// 1-based line number in the file, for error messages). Rows must have exactly as many fields as
// the header. The last line is skipped, and `truncated` set, when it has no line terminator or too
// few fields: a process killed while writing it. The same defects on any earlier line are an Input
// error naming the line. Blank lines are ignored. Never throws.
struct TableCallbacks {
  std::function<Status(const Header& header)> on_header;
  std::function<Status(const Row& row, std::int64_t line)> on_row;
};
Status read_csv_table(const std::filesystem::path& path, const TableCallbacks& callbacks,
                      bool& truncated);

// Error helpers naming the file (and line): "'<path>' line 12: <what>".
Error input_error(const std::filesystem::path& path, std::int64_t line, const std::string& what);
Error bad_field(const std::filesystem::path& path, std::int64_t line, std::string_view column,
                std::string_view text, std::string_view expected);

}  // namespace ft::csv
