// sha256.hpp: SHA-256 (FIPS 180-4) of bytes and of files, as lower-case hex. Used to name the base video of
// a generated clip in truth.json and to key the real-video benchmark's cache. Pure; thread safe.
#pragma once

#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <string>
#include <string_view>

#include "core/error.hpp"

namespace ft {

// Incremental hashing: update() any number of times, then hex() once.
class Sha256 {
 public:
  Sha256();
  void update(const void* data, std::size_t size);
  std::string hex();  // finishes the hash; the object must not be updated afterwards

 private:
  void block(const std::uint8_t* p);
  std::uint32_t h_[8];
  std::uint8_t buf_[64];
  std::size_t buf_len_ = 0;
  std::uint64_t total_ = 0;
};

std::string sha256_hex(std::string_view bytes);
// The file's hash. ErrorKind::Input when it cannot be read.
Result<std::string> sha256_file(const std::filesystem::path& path);

}  // namespace ft
