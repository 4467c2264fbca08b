// notes.hpp: the free-text notes of a session (medication, injection dates, anything the person or the
// clinician wants beside the numbers): `facetwitch report --notes FILE`, or the session folder's
// notes.txt (written by `analyse --notes FILE`). Shown escaped in report.html, with line breaks kept, and
// in report.json. Recognised "Key: value" lines (Medication, Botulinum toxin injection, ...) are also
// listed as a small table; the free text is always shown whole. docs/OUTPUT.md ("notes.txt").
//
// Thread safety: pure functions except read_notes_file (reads one file); no shared state.
#pragma once

#include <cstddef>
#include <filesystem>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "core/error.hpp"

namespace ft {

inline constexpr const char* kNotesTxt = "notes.txt";  // the session folder's notes
inline constexpr std::size_t kMaxNotesBytes = 64 * 1024;

struct UserNotes {
  std::string text;    // UTF-8, line breaks "\n"; "" = no notes
  std::string source;  // the file read ("" when none)
  // Recognised "Key: value" lines, in file order (key as written, value trimmed).
  std::vector<std::pair<std::string, std::string>> fields;
};

// Reads a notes file: a regular file (links followed) of at most kMaxNotesBytes of UTF-8 text (a BOM
// is dropped, CR LF becomes LF, no NUL byte). Errors (ErrorKind::Input) name the file and say what is
// wrong: missing, not a regular file, too big, not UTF-8 text.
Result<UserNotes> read_notes_file(const std::filesystem::path& file);

// Notes from text already read and checked (fills `fields`).
UserNotes parse_notes(std::string text, std::string source);

// Notes typed in the window: the same checks as read_notes_file (at most kMaxNotesBytes, UTF-8, no NUL;
// errors are ErrorKind::BadArguments and say what is wrong), then parse_notes with `source`.
Result<UserNotes> notes_from_text(std::string text, std::string source);

// Writes `notes` as the session folder's notes.txt (atomically), as `analyse --notes` does (the text and a
// final line break).
Status write_notes_txt(const std::filesystem::path& dir, const UserNotes& notes);

// True when `s` is valid UTF-8 (no overlong forms, no surrogates, at most U+10FFFF).
bool is_valid_utf8(std::string_view s);

}  // namespace ft
