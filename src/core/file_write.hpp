// file_write.hpp: the one way facetwitch writes a file, so that it never destroys what is not its own
// (issue 13, docs/ROBUSTNESS.md "Writing files"):
//   - a target that exists and is not a regular file (a folder, FIFO, device node, socket) is refused;
//   - a target that is a symbolic link is refused: nothing is ever written through a link;
//   - temporaries are created new (O_CREAT | O_EXCL | O_NOFOLLOW) next to the target, so a planted
//     "<file>.tmp" link is never followed;
//   - streamed files are opened with O_NOFOLLOW and without blocking (a FIFO never hangs the program).
// Errors are ErrorKind::Output (exit 5), naming the file, what it is and what to do.
#pragma once

#include <filesystem>
#include <string>
#include <string_view>

#include "core/error.hpp"

namespace ft {

// What is at `path` when it is not a regular file: "a symbolic link", "a folder", "a FIFO (named pipe)",
// "a device", "a socket", "not a regular file"; "" when `path` is absent or a regular file (links not
// followed, unless `follow_links`: then a link is judged by its target, for files that are read).
std::string non_regular_kind(const std::filesystem::path& path, bool follow_links = false);

// {} when `path` is absent or a regular file, else an ErrorKind::Output error saying what it is and
// that facetwitch will not replace it.
Status check_replaceable_file(const std::filesystem::path& path);

// Writes `text` to a new temporary file in the same folder ("<name>.tmp" + a unique suffix, created
// with O_EXCL | O_NOFOLLOW), forces it to disk and renames it over `path`: readers see the old file or
// the complete new one. Refused (check_replaceable_file) when `path` is a link or not a regular file.
// Errors are ErrorKind::Output, naming the file and the reason.
Status write_file_atomically(const std::filesystem::path& path, const std::string& text);

// A file written as it goes (frames.csv, episodes.csv): opened for writing, created or truncated, never
// through a symbolic link and only when it is (or becomes) a regular file. Each write goes straight to
// the OS (a killed process leaves every completed write on disk). Move-only; closed on destruction.
class OutputFile {
 public:
  OutputFile() = default;
  ~OutputFile();
  OutputFile(OutputFile&& other) noexcept;
  OutputFile& operator=(OutputFile&& other) noexcept;
  OutputFile(const OutputFile&) = delete;
  OutputFile& operator=(const OutputFile&) = delete;

  // ErrorKind::Output when `path` is a link or not a regular file, or cannot be created.
  static Result<OutputFile> create(const std::filesystem::path& path);
  bool is_open() const { return fd_ >= 0; }
  // 0, or the errno of the failure.
  int write_all(std::string_view data);
  int close();

 private:
  int fd_ = -1;
};

// The stem of the temporaries write_file_atomically creates for `path`: "<path>.tmp" (followed by a
// unique suffix). For cleaning up leftovers of a killed process.
std::string atomic_temp_prefix(const std::filesystem::path& path);

}  // namespace ft
