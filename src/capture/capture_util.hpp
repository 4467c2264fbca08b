// capture_util.hpp: small helpers shared by the frame sources (private to src/capture): user-facing
// error messages, path quoting and number formatting.
#pragma once

#include <cstdio>
#include <filesystem>
#include <string>
#include <utility>

#include "core/error.hpp"

namespace ft::capture_detail {

inline Error input_error(std::string message) {
  return make_error(ErrorKind::Input, std::move(message));
}

// 'path' in single quotes, exactly as given (UTF-8 bytes are kept as they are).
// (Built with += rather than "'" + s: GCC 12 gives a false -Wrestrict warning on the latter at
// -O3.)
inline std::string in_quotes(const std::filesystem::path& path) {
  std::string text = path.string();
  std::string result;
  result.reserve(text.size() + 2);
  result += '\'';
  result += text;
  result += '\'';
  return result;
}

// Seconds with two decimals: "1.23".
inline std::string seconds_text(double seconds) {
  char buffer[64];
  std::snprintf(buffer, sizeof buffer, "%.2f", seconds);
  return buffer;
}

// Tolerance when comparing timestamps (seconds): well below any real frame interval.
inline constexpr double kTimeEpsilon = 1e-4;

}  // namespace ft::capture_detail
