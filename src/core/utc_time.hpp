// utc_time.hpp: ISO 8601 UTC times as written in summary.json (created_utc, recorded_at) and the
// history.
#pragma once

#include <string>

namespace ft {

// An ISO 8601 UTC time ("2026-10-01T09:30:00Z", as recorded_at and created_utc) -> seconds since
// 1970; NaN when it does not parse.
double utc_seconds(const std::string& iso);

}  // namespace ft
