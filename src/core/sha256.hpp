// sha256.hpp: SHA-256 (FIPS 180-4, computed by Debian's nettle) of bytes and of files, as lower-case hex. Used to name the base video of
// a generated clip in truth.json and to key the real-video benchmark's cache. Pure; thread safe.
#pragma once

#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <string>
#include <string_view>

#include <nettle/sha2.h>

#include "core/error.hpp"

namespace ft {

// Incremental hashing: update() any number of times, then hex() once.
class Sha256 {
 public:
  Sha256();
  void update(const void* data, std::size_t size);
  std::string hex();  // finishes the hash; the object must not be updated afterwards

 private:
  sha256_ctx ctx_{};
};

std::string sha256_hex(std::string_view bytes);
// The file's hash. ErrorKind::Input when it cannot be read.
Result<std::string> sha256_file(const std::filesystem::path& path);

}  // namespace ft
