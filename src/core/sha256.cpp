// sha256.cpp: SHA-256 through nettle (Debian's nettle-dev).
#include "core/sha256.hpp"

#include <fstream>
#include <vector>

namespace ft {

Sha256::Sha256() { sha256_init(&ctx_); }

void Sha256::update(const void* data, std::size_t size) {
  sha256_update(&ctx_, size, static_cast<const std::uint8_t*>(data));
}

std::string Sha256::hex() {
  std::uint8_t digest[SHA256_DIGEST_SIZE];
  sha256_digest(&ctx_, SHA256_DIGEST_SIZE, digest);
  static const char* digits = "0123456789abcdef";
  std::string out;
  out.reserve(2 * SHA256_DIGEST_SIZE);
  for (std::uint8_t b : digest) {
    out.push_back(digits[b >> 4]);
    out.push_back(digits[b & 0xf]);
  }
  return out;
}

std::string sha256_hex(std::string_view bytes) {
  Sha256 s;
  s.update(bytes.data(), bytes.size());
  return s.hex();
}

Result<std::string> sha256_file(const std::filesystem::path& path) {
  std::ifstream f(path, std::ios::binary);
  if (!f) return make_error(ErrorKind::Input, "cannot read " + path.string());
  Sha256 s;
  std::vector<char> buf(1 << 16);
  while (f) {
    f.read(buf.data(), static_cast<std::streamsize>(buf.size()));
    const auto n = f.gcount();
    if (n > 0) s.update(buf.data(), static_cast<std::size_t>(n));
  }
  if (f.bad()) return make_error(ErrorKind::Input, "cannot read " + path.string());
  return s.hex();
}

}  // namespace ft
