// draw.hpp: seeded uniform draws that are identical on every platform (the scenario presets, the
// real-video benchmark's event placement). Computed from mt19937_64's raw output, whose sequence is
// fixed by the standard, unlike the standard distributions'. One object per thread.
#pragma once

#include <algorithm>
#include <cstdint>
#include <random>

namespace ft {

class Draw {
 public:
  explicit Draw(std::uint64_t seed) : g_(seed) {}
  double uniform() {
    return static_cast<double>(g_() >> 11) * (1.0 / 9007199254740992.0);
  }  // [0,1)
  double uniform(double a, double b) { return a + (b - a) * uniform(); }
  int integer(int a, int b) {  // inclusive
    if (b <= a)
      return a;
    const int span = b - a + 1;
    return a + std::min(span - 1, static_cast<int>(uniform() * span));
  }
  bool coin() { return (g_() >> 63) != 0; }

 private:
  std::mt19937_64 g_;
};

}  // namespace ft
