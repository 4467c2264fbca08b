// error.cpp: exit codes and names for error kinds.
#include "core/error.hpp"

namespace ft {

int exit_code(ErrorKind kind) {
  switch (kind) {
    case ErrorKind::BadArguments: return 2;
    case ErrorKind::Input: return 3;
    case ErrorKind::Model: return 4;
    case ErrorKind::Output: return 5;
    case ErrorKind::Internal: return 70;
  }
  return 70;
}

const char* to_string(ErrorKind kind) {
  switch (kind) {
    case ErrorKind::BadArguments: return "bad arguments";
    case ErrorKind::Input: return "input";
    case ErrorKind::Model: return "model";
    case ErrorKind::Output: return "output";
    case ErrorKind::Internal: return "internal";
  }
  return "internal";
}

}  // namespace ft
