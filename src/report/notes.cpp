// notes.cpp: reading and checking a notes file (notes.hpp), and its recognised "Key: value" lines.
#include "report/notes.hpp"

#include "core/file_write.hpp"

#include <algorithm>
#include <array>
#include <cctype>
#include <fstream>
#include <iterator>
#include <system_error>

#include <fmt/format.h>

namespace ft {
namespace fs = std::filesystem;

namespace {

// Keys shown in the notes table (compared without case). Anything else stays in the free text only.
constexpr std::array<std::string_view, 10> kKnownKeys{
    "medication", "medications", "botulinum toxin injection", "botox injection", "injection", "injection date",
    "last injection", "dose", "treatment", "next appointment"};

std::string trim(std::string_view s) {
  const auto b = s.find_first_not_of(" \t");
  if (b == std::string_view::npos) return {};
  const auto e = s.find_last_not_of(" \t");
  return std::string(s.substr(b, e - b + 1));
}

std::string lower(std::string s) {
  std::transform(s.begin(), s.end(), s.begin(), [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return s;
}

}  // namespace

bool is_valid_utf8(std::string_view s) {
  for (std::size_t i = 0; i < s.size();) {
    const auto c = static_cast<unsigned char>(s[i]);
    std::size_t len = 0;
    if (c < 0x80) len = 1;
    else if (c >= 0xC2 && c <= 0xDF) len = 2;
    else if (c >= 0xE0 && c <= 0xEF) len = 3;
    else if (c >= 0xF0 && c <= 0xF4) len = 4;
    if (len == 0 || i + len > s.size()) return false;
    for (std::size_t k = 1; k < len; ++k) {
      if ((static_cast<unsigned char>(s[i + k]) & 0xC0) != 0x80) return false;
    }
    if (len >= 3) {
      const auto c1 = static_cast<unsigned char>(s[i + 1]);
      if (c == 0xE0 && c1 < 0xA0) return false;  // overlong
      if (c == 0xED && c1 >= 0xA0) return false;  // surrogates
      if (c == 0xF0 && c1 < 0x90) return false;  // overlong
      if (c == 0xF4 && c1 >= 0x90) return false;  // above U+10FFFF
    }
    i += len;
  }
  return true;
}

UserNotes parse_notes(std::string text, std::string source) {
  UserNotes n;
  n.source = std::move(source);
  if (text.rfind("\xEF\xBB\xBF", 0) == 0) text.erase(0, 3);  // UTF-8 BOM
  std::string clean;
  clean.reserve(text.size());
  for (std::size_t i = 0; i < text.size(); ++i) {
    if (text[i] == '\r') {
      clean += '\n';
      if (i + 1 < text.size() && text[i + 1] == '\n') ++i;
    } else {
      clean += text[i];
    }
  }
  // No trailing blank lines.
  while (!clean.empty() && (clean.back() == '\n' || clean.back() == ' ' || clean.back() == '\t')) clean.pop_back();
  std::size_t start = 0;
  while (start < clean.size()) {
    std::size_t end = clean.find('\n', start);
    if (end == std::string::npos) end = clean.size();
    const std::string_view line(clean.data() + start, end - start);
    const auto colon = line.find(':');
    if (colon != std::string_view::npos) {
      const std::string key = trim(line.substr(0, colon));
      const std::string value = trim(line.substr(colon + 1));
      if (!value.empty() && std::find(kKnownKeys.begin(), kKnownKeys.end(), lower(key)) != kKnownKeys.end())
        n.fields.emplace_back(key, value);
    }
    start = end + 1;
  }
  n.text = std::move(clean);
  return n;
}

Result<UserNotes> read_notes_file(const fs::path& file) {
  std::error_code ec;
  const fs::file_status st = fs::status(file, ec);
  if (ec || !fs::exists(st)) {
    return make_error(ErrorKind::Input, fmt::format("the notes file '{}' does not exist: give a text file (UTF-8) with "
                                                    "your notes", file.string()));
  }
  if (!fs::is_regular_file(st)) {
    return make_error(ErrorKind::Input, fmt::format("the notes file '{}' is not a regular file (a folder, a device or a "
                                                    "pipe?): give a text file (UTF-8) with your notes", file.string()));
  }
  const auto size = fs::file_size(file, ec);
  if (ec) {
    return make_error(ErrorKind::Input, fmt::format("the notes file '{}' cannot be read: {}", file.string(), ec.message()));
  }
  if (size > kMaxNotesBytes) {
    return make_error(ErrorKind::Input, fmt::format("the notes file '{}' is {} bytes: at most {} KiB of notes are allowed "
                                                    "(shorten it, or keep long documents beside the report)",
                                                    file.string(), size, kMaxNotesBytes / 1024));
  }
  std::ifstream in(file, std::ios::binary);
  if (!in) {
    return make_error(ErrorKind::Input, fmt::format("the notes file '{}' cannot be opened (permission?)", file.string()));
  }
  std::string text((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  if (text.size() > kMaxNotesBytes) {  // grew while being read
    return make_error(ErrorKind::Input, fmt::format("the notes file '{}' is over {} KiB: shorten it", file.string(),
                                                    kMaxNotesBytes / 1024));
  }
  if (!is_valid_utf8(text) || text.find('\0') != std::string::npos) {
    return make_error(ErrorKind::Input, fmt::format("the notes file '{}' is not UTF-8 text (a document or another "
                                                    "encoding?): save it as plain text in UTF-8", file.string()));
  }
  return parse_notes(std::move(text), file.string());
}

Result<UserNotes> notes_from_text(std::string text, std::string source) {
  if (text.size() > kMaxNotesBytes) {
    return make_error(ErrorKind::BadArguments, fmt::format("the notes are {} bytes: at most {} KiB of notes are allowed "
                                                           "(shorten them)", text.size(), kMaxNotesBytes / 1024));
  }
  if (!is_valid_utf8(text) || text.find('\0') != std::string::npos) {
    return make_error(ErrorKind::BadArguments, "the notes are not UTF-8 text: type or paste plain text");
  }
  return parse_notes(std::move(text), std::move(source));
}

Status write_notes_txt(const fs::path& dir, const UserNotes& notes) {
  return write_file_atomically(dir / kNotesTxt, notes.text + "\n");
}

}  // namespace ft
