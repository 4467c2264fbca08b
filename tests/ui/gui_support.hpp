// gui_support.hpp: what the window's tests (label gui) share: running `facetwitch gui` under
// xvfb-run with a private settings folder, and reading the JSON files it writes. Needs FT_XVFB_RUN
// (defined for gui_tests by tests/CMakeLists.txt).
#pragma once

#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "support/test_videos.hpp"

namespace ft::testing {

inline std::string shell_quote(const std::string& s) {
  std::string q = "'";
  for (char c : s) {
    if (c == '\'') {
      q += "'\\''";
    } else {
      q += c;
    }
  }
  return q + "'";
}

// Runs `facetwitch gui ARGS` under xvfb-run with a private settings folder.
inline CommandResult run_gui(const std::vector<std::string>& args,
                             const std::filesystem::path& config_dir) {
  std::vector<std::string> all{"gui"};
  all.insert(all.end(), args.begin(), args.end());
  // Under AddressSanitizer, Mesa's software renderer and the X libraries (not instrumented, some
  // unloaded at exit) leave one-time allocations that LeakSanitizer cannot attribute to a module to
  // suppress: leak checking is off for the window process (the window's logic is leak-checked by
  // ui_tests, the pipeline by pipeline_tests). The other ASan and UBSan checks stay on.
  const std::string env = "ASAN_OPTIONS=\"${ASAN_OPTIONS:+$ASAN_OPTIONS:}detect_leaks=0\" " +
                          std::string("XDG_CONFIG_HOME=") + shell_quote(config_dir.string()) + " " +
                          shell_quote(FT_XVFB_RUN) + " -a -s " +
                          shell_quote("-screen 0 1600x1000x24");
  return run_facetwitch(all, env);
}

// The JSON in file `p`; a discarded value when it is missing or not JSON.
inline nlohmann::json read_json(const std::filesystem::path& p) {
  std::ifstream in(p);
  std::stringstream ss;
  ss << in.rdbuf();
  return nlohmann::json::parse(ss.str(), nullptr, false);
}

}  // namespace ft::testing
