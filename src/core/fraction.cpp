// fraction.cpp: "1.2%" or "0.012" -> 0.012, with the range and the error messages in one place.
#include "core/fraction.hpp"

#include <charconv>
#include <cmath>
#include <sstream>
#include <string>
#include <system_error>

namespace ft {

namespace {

std::string_view trimmed(std::string_view s) {
  const auto space = [](char c) { return c == ' ' || c == '\t'; };
  while (!s.empty() && space(s.front())) s.remove_prefix(1);
  while (!s.empty() && space(s.back())) s.remove_suffix(1);
  return s;
}

// "'1.2' is out of range: give a percentage from 0.2% to 20%, or the same as a fraction, 0.002 to 0.2"
Error refused(std::string_view text, const std::string& why, double lo, double hi) {
  std::ostringstream o;
  o << "'" << text << "' " << why << ": give a percentage from " << 100.0 * lo << "% to " << 100.0 * hi
    << "%, or the same as a fraction, " << lo << " to " << hi;
  return make_error(ErrorKind::BadArguments, o.str());
}

}  // namespace

Result<double> parse_fraction_or_percent(std::string_view text, double min_fraction, double max_fraction) {
  std::string_view s = trimmed(text);
  bool percent = false;
  if (!s.empty() && s.back() == '%') {
    percent = true;
    s = trimmed(s.substr(0, s.size() - 1));
  }
  if (s.empty()) return refused(text, "is not a number", min_fraction, max_fraction);
  double v = 0.0;
  const char* end = s.data() + s.size();
  const auto r = std::from_chars(s.data(), end, v);
  if (r.ec == std::errc::result_out_of_range)
    return refused(text, "is out of range", min_fraction, max_fraction);
  if (r.ec != std::errc() || r.ptr != end) return refused(text, "is not a number", min_fraction, max_fraction);
  if (!std::isfinite(v)) return refused(text, "is not a finite number", min_fraction, max_fraction);
  const double fraction = percent ? v / 100.0 : v;
  const bool in_range = fraction >= min_fraction && fraction <= max_fraction;
  if (in_range) return fraction;
  if (!percent && v / 100.0 >= min_fraction && v / 100.0 <= max_fraction) {
    std::ostringstream why;
    why << "is out of range as a fraction (did you mean " << v << "%?)";
    return refused(text, why.str(), min_fraction, max_fraction);
  }
  return refused(text, "is out of range", min_fraction, max_fraction);
}

}  // namespace ft
