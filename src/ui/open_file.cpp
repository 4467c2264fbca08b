// open_file.cpp: xdg-open, detached (open_file.hpp).
#include "ui/open_file.hpp"

#include <sys/wait.h>
#include <unistd.h>

#include <cstdlib>

namespace ft::ui {

std::string find_in_path(const std::string& name) {
  if (name.find('/') != std::string::npos)
    return ::access(name.c_str(), X_OK) == 0 ? name : std::string();
  const char* path = std::getenv("PATH");
  const std::string dirs = path ? path : "/usr/local/bin:/usr/bin:/bin";
  std::size_t start = 0;
  while (start <= dirs.size()) {
    std::size_t end = dirs.find(':', start);
    if (end == std::string::npos)
      end = dirs.size();
    const std::string dir = dirs.substr(start, end - start);
    if (!dir.empty()) {
      std::string file = dir;
      file += '/';
      file += name;
      if (::access(file.c_str(), X_OK) == 0)
        return file;
    }
    start = end + 1;
  }
  return {};
}

Status open_with_default_app(const std::filesystem::path& file, const std::string& opener) {
  const std::string exe = find_in_path(opener);
  if (exe.empty()) {
    return make_error(ErrorKind::Input,
                      opener + " is not installed: open " + file.string() + " in a web browser");
  }
  const std::string arg = file.string();
  // Double fork: the grandchild runs the opener in its own session; the child exits at once and is
  // reaped here, so nothing is left for the window to wait for.
  const pid_t pid = ::fork();
  if (pid < 0)
    return make_error(ErrorKind::Input, "cannot start " + opener + ": open " + arg + " in a web browser");
  if (pid == 0) {
    ::setsid();
    if (::fork() == 0) {
      for (int fd = 3; fd < 1024; ++fd)  // the window's files, sockets and locks stay the window's
        ::close(fd);
      ::execl(exe.c_str(), exe.c_str(), arg.c_str(), static_cast<char*>(nullptr));
      ::_exit(127);
    }
    ::_exit(0);
  }
  int status = 0;
  ::waitpid(pid, &status, 0);
  return {};
}

}  // namespace ft::ui
