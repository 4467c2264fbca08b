// sha256_test.cpp: FIPS 180-4 test vectors, incremental updates and files.
#include <fstream>

#include <gtest/gtest.h>

#include "core/sha256.hpp"

namespace ft {

TEST(Sha256, KnownVectors) {
  EXPECT_EQ(sha256_hex(""), "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
  EXPECT_EQ(sha256_hex("abc"), "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
  EXPECT_EQ(sha256_hex("abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq"),
            "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1");
}

TEST(Sha256, IncrementalEqualsOneShotAndFilesHashTheirBytes) {
  std::string text;
  for (int i = 0; i < 1000; ++i) text += static_cast<char>('a' + i % 26);
  Sha256 s;
  for (std::size_t i = 0; i < text.size(); i += 37) s.update(text.data() + i, std::min<std::size_t>(37, text.size() - i));
  EXPECT_EQ(s.hex(), sha256_hex(text));
  const auto path = std::filesystem::temp_directory_path() / "facetwitch-sha256-test.bin";
  std::ofstream(path, std::ios::binary) << text;
  auto h = sha256_file(path);
  ASSERT_TRUE(h.ok());
  EXPECT_EQ(h.value(), sha256_hex(text));
  std::filesystem::remove(path);
  EXPECT_FALSE(sha256_file("/nonexistent/file.bin").ok());
}

}  // namespace ft
