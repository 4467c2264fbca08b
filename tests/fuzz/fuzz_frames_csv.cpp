// fuzz_frames_csv.cpp: read_frames_csv on arbitrary bytes: an error or rows, never a crash, a hang or
// undefined behaviour.
#include <cmath>

#include "fuzz/fuzz_support.hpp"
#include "io/session.hpp"

FT_FUZZ_TARGET(frames_csv) {
  auto r = ft::read_frames_csv(ft::fuzz::as_file(data, size));
  if (r.ok()) {
    volatile double sum = 0.0;
    for (const auto& row : r->rows) sum = sum + row.metrics.t;
    (void)sum;
  } else if (r.error().message.empty()) {
    __builtin_trap();  // every error says what is wrong
  }
  return 0;
}
