// fuzz_episodes_csv.cpp: read_episodes_csv on arbitrary bytes: an error or episodes, never a crash,
// a hang or undefined behaviour.
#include "fuzz/fuzz_support.hpp"
#include "io/session.hpp"

FT_FUZZ_TARGET(episodes_csv) {
  auto r = ft::read_episodes_csv(ft::fuzz::as_file(data, size));
  if (r.ok()) {
    volatile double sum = 0.0;
    for (const auto& e : r.value()) sum = sum + e.duration_s();
    (void)sum;
  } else if (r.error().message.empty()) {
    __builtin_trap();
  }
  return 0;
}
