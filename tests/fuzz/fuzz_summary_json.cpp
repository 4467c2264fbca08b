// fuzz_summary_json.cpp: read_summary_json on arbitrary bytes: an error or a summary, never a crash,
// a hang or undefined behaviour; a summary read back can be written out again.
#include "fuzz/fuzz_support.hpp"
#include "io/session.hpp"

FT_FUZZ_TARGET(summary_json) {
  auto r = ft::read_summary_json(ft::fuzz::as_file(data, size));
  if (r.ok()) {
    const std::string again = ft::summary_to_json_string(r.value());
    if (again.empty()) __builtin_trap();
  } else if (r.error().message.empty()) {
    __builtin_trap();
  }
  return 0;
}
