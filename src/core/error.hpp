// error.hpp: the error type every boundary (file, camera, model, output folder) returns, and a small
// Result<T>. An Error carries a kind (one exit code per kind in the CLI) and a message written for the user:
// what went wrong and what to do about it.
#pragma once

#include <string>
#include <utility>
#include <variant>

namespace ft {

enum class ErrorKind {
  BadArguments,  // the command line or a setting is wrong
  Input,         // a video, image folder or camera cannot be opened or read
  Model,         // the landmark model is missing or corrupt
  Output,        // an output folder or file cannot be written
  Internal,      // a bug: should not happen
};

struct Error {
  ErrorKind kind = ErrorKind::Internal;
  std::string message;
};

// Process exit code for an error kind (documented in docs/OUTPUT.md and the README).
int exit_code(ErrorKind kind);
const char* to_string(ErrorKind kind);

// Result<T>: either a value or an Error. Deliberately small; no exceptions cross module boundaries.
template <class T>
class Result {
 public:
  Result(T value) : v_(std::move(value)) {}            // NOLINT(google-explicit-constructor)
  Result(Error error) : v_(std::move(error)) {}        // NOLINT(google-explicit-constructor)
  bool ok() const { return v_.index() == 0; }
  explicit operator bool() const { return ok(); }
  T& value() & { return std::get<0>(v_); }
  const T& value() const& { return std::get<0>(v_); }
  T&& value() && { return std::get<0>(std::move(v_)); }
  T* operator->() { return &value(); }
  const T* operator->() const { return &value(); }
  T& operator*() & { return value(); }
  const Error& error() const { return std::get<1>(v_); }

 private:
  std::variant<T, Error> v_;
};

// Status: a Result with no value.
class Status {
 public:
  Status() = default;
  Status(Error error) : error_(std::move(error)), ok_(false) {}  // NOLINT(google-explicit-constructor)
  bool ok() const { return ok_; }
  explicit operator bool() const { return ok_; }
  const Error& error() const { return error_; }

 private:
  Error error_;
  bool ok_ = true;
};

inline Error make_error(ErrorKind kind, std::string message) { return Error{kind, std::move(message)}; }

}  // namespace ft
