// fuzz_settings.cpp: the window's settings reader (ui/settings_store) on arbitrary bytes: never fails,
// and whatever it returns is in range (the defaults replace what could not be used).
#include <cmath>

#include "fuzz/fuzz_support.hpp"
#include "ui/settings_store.hpp"

FT_FUZZ_TARGET(settings) {
  const ft::ui::LoadedSettings s = ft::ui::load_settings(ft::fuzz::as_file(data, size));
  const double w = s.settings.plot_window_s;
  if (!std::isfinite(w) || w < 10.0 || w > 30.0) __builtin_trap();
  if (!std::isfinite(s.settings.arrow_gain)) __builtin_trap();
  if (s.settings.recent_files.size() > ft::ui::kMaxRecentFiles) __builtin_trap();
  return 0;
}
