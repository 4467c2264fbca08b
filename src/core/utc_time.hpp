// utc_time.hpp: ISO 8601 UTC times as written in summary.json (created_utc, recorded_at) and the
// history.
#pragma once

#include <ctime>
#include <string>

namespace ft {

// An ISO 8601 UTC time ("2026-10-01T09:30:00Z", as recorded_at and created_utc) -> seconds since
// 1970; NaN when it does not parse.
double utc_seconds(const std::string& iso);

// The UTC calendar time y-mo-d h:mi:s -> seconds since 1970 (timegm: out-of-range fields are
// normalised, e.g. 31 April -> 1 May, second 60 -> the next minute).
std::time_t utc_time(int y, int mo, int d, int h, int mi, int s);

}  // namespace ft
