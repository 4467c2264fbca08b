// waveforms.hpp: the test signals that stand for twitches, shared by the signal and pipeline tests.
#pragma once

#include <algorithm>
#include <cmath>

namespace ft::testing {

// A Hann pulse train: n twitches at f Hz from `start`, each min(1/f, 0.2 s) wide and `amp` high.
inline double pulse_train(double t, double start, double f, int n, double amp) {
  const double w = std::min(1.0 / f, 0.2);
  double a = 0.0;
  for (int k = 0; k < n; ++k) {
    const double u = t - start - k / f;
    if (u >= 0 && u <= w) a += amp * 0.5 * (1 - std::cos(2 * M_PI * u / w));
  }
  return a;
}

}  // namespace ft::testing
