// file_write.cpp: atomic and streamed writes that refuse links and non-regular targets.
#include "core/file_write.hpp"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <atomic>
#include <cerrno>
#include <chrono>
#include <system_error>
#include <utility>

namespace ft {
namespace fs = std::filesystem;

namespace {

std::string quoted(const fs::path& path) {
  std::string s = "'";
  s += path.string();
  s += "'";
  return s;
}

Error output_error(const fs::path& path, const std::string& what, int err) {
  std::string message = "cannot write ";
  message += quoted(path);
  if (!what.empty()) {
    message += ": ";
    message += what;
  }
  if (err != 0) {
    message += ": ";
    message += std::generic_category().message(err);
  }
  return make_error(ErrorKind::Output, std::move(message));
}

std::string kind_of_mode(mode_t mode) {
  if (S_ISREG(mode))
    return {};
  if (S_ISLNK(mode))
    return "a symbolic link";
  if (S_ISDIR(mode))
    return "a folder";
  if (S_ISFIFO(mode))
    return "a FIFO (named pipe)";
  if (S_ISCHR(mode) || S_ISBLK(mode))
    return "a device";
  if (S_ISSOCK(mode))
    return "a socket";
  return "not a regular file";
}

Error refused(const fs::path& path, const std::string& kind) {
  std::string what = "it is ";
  what += kind;
  if (kind == "a symbolic link") {
    what += ", and facetwitch never writes through a link: remove the link or choose another file";
  } else {
    what += ", not a regular file, and facetwitch will not replace it: choose a regular file's path";
  }
  return output_error(path, what, 0);
}

// A name for a new temporary next to `path`, different in each call of this process.
fs::path temp_name(const fs::path& path) {
  static std::atomic<unsigned long> counter{0};
  const auto now = std::chrono::steady_clock::now().time_since_epoch().count();
  std::string name = atomic_temp_prefix(path);
  name += std::to_string(::getpid());
  name += '-';
  name += std::to_string(counter.fetch_add(1));
  name += '-';
  name += std::to_string(static_cast<unsigned long long>(now) % 1000000ULL);
  return name;
}

int write_fd(int fd, std::string_view data) {
  std::size_t done = 0;
  while (done < data.size()) {
    const ssize_t n = ::write(fd, data.data() + done, data.size() - done);
    if (n < 0) {
      if (errno == EINTR)
        continue;
      return errno;
    }
    done += static_cast<std::size_t>(n);
  }
  return 0;
}

}  // namespace

std::string non_regular_kind(const fs::path& path, bool follow_links) {
  struct stat st {};
  if ((follow_links ? ::stat(path.c_str(), &st) : ::lstat(path.c_str(), &st)) != 0)
    return {};
  return kind_of_mode(st.st_mode);
}

Status check_replaceable_file(const fs::path& path) {
  const std::string kind = non_regular_kind(path);
  if (!kind.empty())
    return refused(path, kind);
  return {};
}

std::string atomic_temp_prefix(const fs::path& path) {
  std::string s = path.string();
  s += ".tmp";
  return s;
}

Status write_file_atomically(const fs::path& path, const std::string& text) {
  try {
    if (Status s = check_replaceable_file(path); !s)
      return s;
    // A new file: O_EXCL fails on anything already there, a planted link included.
    fs::path tmp;
    int fd = -1;
    for (int attempt = 0; attempt < 100 && fd < 0; ++attempt) {
      tmp = temp_name(path);
      fd = ::open(tmp.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0644);
      if (fd < 0 && errno != EEXIST)
        return output_error(path, "cannot create a temporary file next to it", errno);
    }
    if (fd < 0)
      return output_error(path, "cannot create a temporary file next to it", EEXIST);
    auto fail = [&](int err) -> Status {
      ::close(fd);
      ::unlink(tmp.c_str());
      return output_error(path, "", err);
    };
    if (int err = write_fd(fd, text); err != 0)
      return fail(err);
    if (::fsync(fd) != 0 && errno != EINVAL && errno != EROFS)
      return fail(errno);
    if (::close(fd) != 0) {
      const int err = errno;
      ::unlink(tmp.c_str());
      return output_error(path, "", err);
    }
    // Looked at again just before: the target may have changed while the text was written.
    if (Status s = check_replaceable_file(path); !s) {
      ::unlink(tmp.c_str());
      return s;
    }
    if (::rename(tmp.c_str(), path.c_str()) != 0) {
      const int err = errno;
      ::unlink(tmp.c_str());
      return output_error(path, "", err);
    }
    return {};
  } catch (const std::exception& e) {
    return output_error(path, e.what(), 0);
  }
}

OutputFile::~OutputFile() {
  if (fd_ >= 0)
    ::close(fd_);
}

OutputFile::OutputFile(OutputFile&& other) noexcept : fd_(std::exchange(other.fd_, -1)) {}

OutputFile& OutputFile::operator=(OutputFile&& other) noexcept {
  if (this != &other) {
    if (fd_ >= 0)
      ::close(fd_);
    fd_ = std::exchange(other.fd_, -1);
  }
  return *this;
}

Result<OutputFile> OutputFile::create(const fs::path& path) {
  if (Status s = check_replaceable_file(path); !s)
    return s.error();
  // O_NOFOLLOW: a link planted after the check fails with ELOOP. O_NONBLOCK: opening a FIFO for writing
  // would wait for a reader. No O_TRUNC until the file is known to be a regular one.
  const int fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_NOFOLLOW | O_NONBLOCK | O_CLOEXEC, 0644);
  if (fd < 0) {
    const int err = errno;
    if (err == ELOOP)
      return refused(path, "a symbolic link");
    std::string what = "cannot create ";
    what += quoted(path);
    what += ": ";
    what += std::generic_category().message(err);
    return make_error(ErrorKind::Output, std::move(what));
  }
  OutputFile f;
  f.fd_ = fd;
  struct stat st {};
  if (::fstat(fd, &st) != 0)
    return output_error(path, "", errno);
  if (!S_ISREG(st.st_mode))
    return refused(path, kind_of_mode(st.st_mode));
  if (::ftruncate(fd, 0) != 0)
    return output_error(path, "", errno);
  const int flags = ::fcntl(fd, F_GETFL);
  if (flags >= 0)
    ::fcntl(fd, F_SETFL, flags & ~O_NONBLOCK);
  return Result<OutputFile>(std::move(f));
}

int OutputFile::write_all(std::string_view data) {
  if (fd_ < 0)
    return EBADF;
  return write_fd(fd_, data);
}

int OutputFile::close() {
  if (fd_ < 0)
    return 0;
  const int fd = std::exchange(fd_, -1);
  return ::close(fd) != 0 ? errno : 0;
}

}  // namespace ft
