// utc_time.cpp: see utc_time.hpp.
#include "core/utc_time.hpp"

#include <cstdio>
#include <ctime>
#include <limits>

namespace ft {

double utc_seconds(const std::string& iso) {
  int y = 0, mo = 0, d = 0, h = 0, mi = 0, sec = 0;
  if (std::sscanf(iso.c_str(), "%4d-%2d-%2dT%2d:%2d:%2d", &y, &mo, &d, &h, &mi, &sec) != 6 || mo < 1 ||
      mo > 12 || d < 1 || d > 31)
    return std::numeric_limits<double>::quiet_NaN();
  return static_cast<double>(utc_time(y, mo, d, h, mi, sec));
}

std::time_t utc_time(int y, int mo, int d, int h, int mi, int s) {
  std::tm tm{};
  tm.tm_year = y - 1900;
  tm.tm_mon = mo - 1;
  tm.tm_mday = d;
  tm.tm_hour = h;
  tm.tm_min = mi;
  tm.tm_sec = s;
  return timegm(&tm);
}

}  // namespace ft
