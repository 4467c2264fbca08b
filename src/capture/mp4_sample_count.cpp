// mp4_sample_count.cpp: see mp4_sample_count.hpp.
#include "capture/mp4_sample_count.hpp"

#include <algorithm>
#include <array>
#include <cstring>
#include <fstream>
#include <system_error>
#include <vector>

namespace ft::capture_detail {
namespace {

std::uint32_t be32(const unsigned char* p) {
  return (std::uint32_t{p[0]} << 24) | (std::uint32_t{p[1]} << 16) | (std::uint32_t{p[2]} << 8) | std::uint32_t{p[3]};
}

bool is_type(const char* type, const char* name) { return std::memcmp(type, name, 4) == 0; }

class BoxWalker {
 public:
  BoxWalker(std::ifstream& in, std::uint64_t file_size) : in_(in), file_size_(file_size) {}

  // The boxes in [begin, end) of the file; descends into the containers on the way to the index boxes.
  void walk(std::uint64_t begin, std::uint64_t end, int depth) {
    std::uint64_t at = begin;
    while (at + 8 <= end && depth < 8) {
      unsigned char head[16];
      if (!read_at(at, head, 8)) return;
      std::uint64_t size = be32(head);
      std::uint64_t header = 8;
      char type[4];
      std::memcpy(type, head + 4, 4);
      if (size == 1) {  // 64-bit size
        if (!read_at(at + 8, head + 8, 8)) return;
        size = (std::uint64_t{be32(head + 8)} << 32) | be32(head + 12);
        header = 16;
      } else if (size == 0) {  // to the end of the file
        size = end - at;
      }
      if (size < header || size > end - at) return;
      visit(type, at + header, at + size, depth);
      at += size;
    }
  }

  Mp4SampleCount result;

 private:
  void visit(const char* type, std::uint64_t body, std::uint64_t end, int depth) {
    static constexpr std::array<const char*, 7> kContainers = {"moov", "trak", "mdia", "minf", "stbl", "moof", "traf"};
    if (std::any_of(kContainers.begin(), kContainers.end(), [&](const char* c) { return is_type(type, c); })) {
      walk(body, end, depth + 1);
      return;
    }
    unsigned char b[12];
    // stsz: version/flags, sample size, sample count; stz2: version/flags, reserved+field size, count.
    if ((is_type(type, "stsz") || is_type(type, "stz2")) && read_at(body, b, 12)) {
      note(be32(b + 8), is_type(type, "stsz") ? "stsz" : "stz2");
    } else if (is_type(type, "stts") && read_at(body, b, 8)) {
      // version/flags, entry count, then (sample count, sample delta) per entry: the counts summed, as
      // far as the box holds them (it is read in pieces: a damaged entry count costs no memory).
      const std::uint64_t entries = std::min<std::uint64_t>(be32(b + 4), (end - body - 8) / 8);
      std::uint64_t total = 0;
      std::vector<unsigned char> chunk;
      for (std::uint64_t i = 0; i < entries;) {
        const std::uint64_t n = std::min<std::uint64_t>(entries - i, 4096);
        chunk.resize(n * 8);
        if (!read_at(body + 8 + i * 8, chunk.data(), chunk.size())) break;
        for (std::uint64_t k = 0; k < n; ++k) total += be32(chunk.data() + k * 8);
        i += n;
      }
      note(total, "stts");
    } else if (is_type(type, "trun") && read_at(body, b, 8)) {
      trun_total_ += be32(b + 4);
      note(trun_total_, "trun");
    }
  }

  void note(std::uint64_t count, const char* where) {
    if (count > result.declared) {
      result.declared = count;
      result.where = where;
    }
  }

  bool read_at(std::uint64_t at, unsigned char* out, std::uint64_t n) {
    if (at + n > file_size_) return false;
    in_.clear();
    in_.seekg(static_cast<std::streamoff>(at));
    in_.read(reinterpret_cast<char*>(out), static_cast<std::streamsize>(n));
    return static_cast<std::uint64_t>(in_.gcount()) == n;
  }

  std::ifstream& in_;
  std::uint64_t file_size_;
  std::uint64_t trun_total_ = 0;  // the fragments' sample counts, summed (all tracks)
};

}  // namespace

Mp4SampleCount mp4_sample_count(const std::filesystem::path& path) {
  std::error_code ec;
  const std::uint64_t size = std::filesystem::file_size(path, ec);
  std::ifstream in(path, std::ios::binary);
  if (ec || !in) return {};
  char head[8];
  if (!in.read(head, 8)) return {};
  static constexpr std::array<const char*, 8> kFirstBoxes = {"ftyp", "styp", "moov", "mdat", "free", "skip", "wide", "pnot"};
  if (std::none_of(kFirstBoxes.begin(), kFirstBoxes.end(), [&](const char* b) { return is_type(head + 4, b); }))
    return {};
  BoxWalker walker(in, size);
  walker.result.is_mp4 = true;
  walker.walk(0, size, 0);
  return walker.result;
}

}  // namespace ft::capture_detail
