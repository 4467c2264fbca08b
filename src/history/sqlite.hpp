// sqlite.hpp (private to src/history): a small RAII wrapper over the sqlite3 C API: a connection,
// prepared statements with bound parameters only (no SQL is ever built from data), and a
// transaction guard that rolls back unless committed. Errors come back as ft::Error
// (ErrorKind::Output) carrying SQLite's message; callers add the file name and what to do.
//
// Thread safety: one thread at a time per Connection and its statements.
#pragma once

#include <cstdint>
#include <filesystem>
#include <memory>
#include <optional>
#include <string>
#include <string_view>

#include "core/error.hpp"

struct sqlite3;
struct sqlite3_stmt;

namespace ft::sql {

class Statement;

class Connection {
 public:
  // Opens or creates `path` (read-write), sets a busy timeout, WAL journal, foreign keys on.
  // `read_only`: opens an existing file for reading only (SQLITE_OPEN_READONLY; the journal mode is
  // left as it is), so a file the user may not write can still be read.
  static Result<std::unique_ptr<Connection>> open(const std::filesystem::path& path, bool read_only = false);
  ~Connection();
  Connection(const Connection&) = delete;
  Connection& operator=(const Connection&) = delete;

  // Runs SQL without parameters (schema, PRAGMA, BEGIN/COMMIT); several statements allowed.
  Status exec(const char* sql);
  Result<Statement> prepare(std::string_view sql);
  std::int64_t last_insert_rowid() const;
  int changes() const;
  sqlite3* handle() const { return db_; }

  // Failure injection for tests: the n-th step() from now fails with SQLITE_IOERR. Negative: never.
  void fail_after_steps(int n) { fail_after_ = n; }
  bool should_fail_step();

 private:
  explicit Connection(sqlite3* db) : db_(db) {}
  sqlite3* db_ = nullptr;
  int fail_after_ = -1;
};

// A prepared statement. bind_* use 1-based indexes; step() returns true while there is a row.
class Statement {
 public:
  Statement(Connection* conn, sqlite3_stmt* stmt) : conn_(conn), stmt_(stmt) {}
  Statement(Statement&& o) noexcept;
  Statement& operator=(Statement&& o) noexcept;
  Statement(const Statement&) = delete;
  Statement& operator=(const Statement&) = delete;
  ~Statement();

  Statement& bind(int i, std::int64_t v);
  Statement& bind(int i, int v) { return bind(i, static_cast<std::int64_t>(v)); }
  Statement& bind(int i, double v);  // NaN is stored as NULL
  Statement& bind(int i, const std::string& v);
  Statement& bind_null(int i);

  Result<bool> step();  // true: a row is available
  Status run();         // steps to the end (INSERT/UPDATE/DELETE)
  void reset();

  std::int64_t column_int(int i) const;
  double column_double(int i) const;  // NULL -> NaN
  std::string column_text(int i) const;
  bool column_is_null(int i) const;

 private:
  Connection* conn_ = nullptr;
  sqlite3_stmt* stmt_ = nullptr;
  Status bind_status_;
};

// BEGIN IMMEDIATE ... COMMIT; the destructor rolls back when commit() was not reached.
class Transaction {
 public:
  static Result<Transaction> begin(Connection& conn);
  Transaction(Transaction&& o) noexcept : conn_(o.conn_) { o.conn_ = nullptr; }
  Transaction(const Transaction&) = delete;
  Transaction& operator=(const Transaction&) = delete;
  Transaction& operator=(Transaction&&) = delete;
  ~Transaction();
  Status commit();

 private:
  explicit Transaction(Connection* conn) : conn_(conn) {}
  Connection* conn_ = nullptr;
};

}  // namespace ft::sql
