// fuzz_support.hpp: what the fuzz targets share. Each target is one function taking the fuzzer's bytes
// (FT_FUZZ_TARGET(name)); built with -DFACETWITCH_FUZZ=ON (clang) it becomes a libFuzzer binary
// (fuzz_<name>), and in every build the regression test (fuzz_regression_test.cpp) runs it over the
// checked-in seeds and past findings in tests/fuzz/corpus/<name>/.
//
// The readers take a path, so the bytes go to an in-memory file (memfd) read back through
// /proc/self/fd/N: no disk writes per input. Not thread safe (one fuzzing thread).
#pragma once

#include <sys/mman.h>
#include <unistd.h>

#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <string>

namespace ft::fuzz {

// The path of an in-memory file holding exactly `data`.
inline std::filesystem::path as_file(const std::uint8_t* data, std::size_t size) {
  static const int fd = ::memfd_create("ft-fuzz", 0);
  if (fd < 0) return "/nonexistent/memfd";
  if (::ftruncate(fd, 0) != 0) return "/nonexistent/memfd";
  std::size_t done = 0;
  while (done < size) {
    const ssize_t n = ::pwrite(fd, data + done, size - done, static_cast<off_t>(done));
    if (n <= 0) break;
    done += static_cast<std::size_t>(n);
  }
  return "/proc/self/fd/" + std::to_string(fd);
}

}  // namespace ft::fuzz

#define FT_FUZZ_DECLARE(name) int ft_fuzz_##name(const std::uint8_t* data, std::size_t size)

#if defined(FT_LIBFUZZER)
#define FT_FUZZ_TARGET(name)                                                                  \
  FT_FUZZ_DECLARE(name);                                                                      \
  extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {         \
    return ft_fuzz_##name(data, size);                                                        \
  }                                                                                           \
  FT_FUZZ_DECLARE(name)
#else
#define FT_FUZZ_TARGET(name) FT_FUZZ_DECLARE(name)
#endif
