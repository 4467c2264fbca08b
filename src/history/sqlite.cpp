// sqlite.cpp: the RAII wrapper over the sqlite3 C API (see sqlite.hpp).
#include "history/sqlite.hpp"

#include <cctype>
#include <chrono>
#include <cmath>
#include <thread>
#include <utility>

#include <fmt/format.h>
#include <sqlite3.h>

namespace ft::sql {

namespace {

// How long a statement waits for another connection (thread or process) holding the file's lock.
constexpr int kBusyTimeoutMs = 10000;

bool is_busy(int rc) {
  return (rc & 0xff) == SQLITE_BUSY || (rc & 0xff) == SQLITE_LOCKED;
}

Error sqlite_error(sqlite3* db, int rc) {
  const char* msg = db != nullptr ? sqlite3_errmsg(db) : sqlite3_errstr(rc);
  return make_error(ErrorKind::Output, msg != nullptr ? msg : sqlite3_errstr(rc));
}

}  // namespace

namespace {

// "file:" URI of `path` with `query`; every byte but unreserved ones percent-encoded.
std::string file_uri(const std::filesystem::path& path, const char* query) {
  std::string uri = "file:";
  for (const char c : path.string()) {
    const auto u = static_cast<unsigned char>(c);
    if (std::isalnum(u) || c == '/' || c == '-' || c == '_' || c == '.' || c == '~') {
      uri += c;
    } else {
      uri += fmt::format("%{:02X}", u);
    }
  }
  return uri + query;
}

}  // namespace

Result<std::unique_ptr<Connection>> Connection::open(const std::filesystem::path& path, bool read_only) {
  // A read-only open of a WAL file needs its -shm file, which SQLite cannot create in a folder the
  // user may not write: then the file is read as immutable (nobody can be writing it through this
  // user's rights; a reader never changes it).
  for (const bool immutable : {false, true}) {
    if (immutable && !read_only) break;
    sqlite3* db = nullptr;
    const int flags = read_only ? SQLITE_OPEN_READONLY | SQLITE_OPEN_URI : SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE;
    const std::string name = immutable ? file_uri(path, "?immutable=1") : read_only ? file_uri(path, "?mode=ro") : path.string();
    const int rc = sqlite3_open_v2(name.c_str(), &db, flags | SQLITE_OPEN_NOMUTEX, nullptr);
    if (rc != SQLITE_OK) {
      Error e = sqlite_error(db, rc);
      sqlite3_close(db);
      return e;
    }
    std::unique_ptr<Connection> conn(new Connection(db));
    sqlite3_busy_timeout(db, kBusyTimeoutMs);
    sqlite3_extended_result_codes(db, 1);
    // The first statement that reads the file: a damaged file or a non-database fails here.
    Status st = conn->exec(read_only ? "PRAGMA foreign_keys = ON; SELECT count(*) FROM sqlite_master;"
                                     : "PRAGMA foreign_keys = ON; PRAGMA journal_mode = WAL; PRAGMA synchronous = NORMAL;");
    if (st) return conn;
    if (!read_only || immutable) return st.error();
  }
  return make_error(ErrorKind::Internal, "unreachable");
}

Connection::~Connection() {
  if (db_ != nullptr)
    sqlite3_close_v2(db_);
}

Status Connection::exec(const char* sql) {
  if (should_fail_step())
    return make_error(ErrorKind::Output, "disk I/O error (injected for a test)");
  // SQLite returns SQLITE_BUSY without calling the busy handler in a few cases (a journal-mode
  // change or WAL recovery racing another connection): outside a transaction, where a failed
  // statement left nothing half done, try again until the busy timeout has passed.
  const auto deadline =
      std::chrono::steady_clock::now() + std::chrono::milliseconds(kBusyTimeoutMs);
  char* err = nullptr;
  int rc = sqlite3_exec(db_, sql, nullptr, nullptr, &err);
  while (is_busy(rc) && sqlite3_get_autocommit(db_) != 0 &&
         std::chrono::steady_clock::now() < deadline) {
    sqlite3_free(err);
    err = nullptr;
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
    rc = sqlite3_exec(db_, sql, nullptr, nullptr, &err);
  }
  if (rc != SQLITE_OK) {
    std::string msg = err != nullptr ? err : sqlite3_errstr(rc);
    sqlite3_free(err);
    return make_error(ErrorKind::Output, msg);
  }
  return {};
}

Result<Statement> Connection::prepare(std::string_view sql) {
  sqlite3_stmt* stmt = nullptr;
  const int rc = sqlite3_prepare_v2(db_, sql.data(), static_cast<int>(sql.size()), &stmt, nullptr);
  if (rc != SQLITE_OK) {
    sqlite3_finalize(stmt);
    return sqlite_error(db_, rc);
  }
  return Statement(this, stmt);
}

std::int64_t Connection::last_insert_rowid() const {
  return sqlite3_last_insert_rowid(db_);
}
int Connection::changes() const {
  return sqlite3_changes(db_);
}

bool Connection::should_fail_step() {
  if (fail_after_ < 0)
    return false;
  if (fail_after_ == 0) {
    fail_after_ = -1;
    return true;
  }
  --fail_after_;
  return false;
}

Statement::Statement(Statement&& o) noexcept
    : conn_(o.conn_),
      stmt_(std::exchange(o.stmt_, nullptr)),
      bind_status_(std::move(o.bind_status_)) {}

Statement& Statement::operator=(Statement&& o) noexcept {
  if (this != &o) {
    if (stmt_ != nullptr)
      sqlite3_finalize(stmt_);
    conn_ = o.conn_;
    stmt_ = std::exchange(o.stmt_, nullptr);
    bind_status_ = std::move(o.bind_status_);
  }
  return *this;
}

Statement::~Statement() {
  if (stmt_ != nullptr)
    sqlite3_finalize(stmt_);
}

namespace {
Status bind_result(sqlite3_stmt* stmt, int rc) {
  if (rc == SQLITE_OK)
    return {};
  return make_error(ErrorKind::Internal, fmt::format("cannot bind a parameter: {}",
                                                     sqlite3_errmsg(sqlite3_db_handle(stmt))));
}
}  // namespace

Statement& Statement::bind(int i, std::int64_t v) {
  if (bind_status_)
    bind_status_ = bind_result(stmt_, sqlite3_bind_int64(stmt_, i, v));
  return *this;
}

Statement& Statement::bind(int i, double v) {
  if (!std::isfinite(v))
    return bind_null(i);
  if (bind_status_)
    bind_status_ = bind_result(stmt_, sqlite3_bind_double(stmt_, i, v));
  return *this;
}

Statement& Statement::bind(int i, const std::string& v) {
  if (bind_status_)
    bind_status_ = bind_result(
        stmt_, sqlite3_bind_text(stmt_, i, v.data(), static_cast<int>(v.size()), SQLITE_TRANSIENT));
  return *this;
}

Statement& Statement::bind_null(int i) {
  if (bind_status_)
    bind_status_ = bind_result(stmt_, sqlite3_bind_null(stmt_, i));
  return *this;
}

Result<bool> Statement::step() {
  if (!bind_status_)
    return bind_status_.error();
  if (conn_->should_fail_step())
    return make_error(ErrorKind::Output, "disk I/O error (injected for a test)");
  const int rc = sqlite3_step(stmt_);
  if (rc == SQLITE_ROW)
    return true;
  if (rc == SQLITE_DONE)
    return false;
  return sqlite_error(conn_->handle(), rc);
}

Status Statement::run() {
  for (;;) {
    auto r = step();
    if (!r)
      return r.error();
    if (!r.value())
      return {};
  }
}

void Statement::reset() {
  sqlite3_reset(stmt_);
  sqlite3_clear_bindings(stmt_);
  bind_status_ = Status();
}

std::int64_t Statement::column_int(int i) const {
  return sqlite3_column_int64(stmt_, i);
}

double Statement::column_double(int i) const {
  return sqlite3_column_type(stmt_, i) == SQLITE_NULL ? std::nan("")
                                                      : sqlite3_column_double(stmt_, i);
}

std::string Statement::column_text(int i) const {
  const unsigned char* t = sqlite3_column_text(stmt_, i);
  if (t == nullptr)
    return {};
  return std::string(reinterpret_cast<const char*>(t),
                     static_cast<std::size_t>(sqlite3_column_bytes(stmt_, i)));
}

bool Statement::column_is_null(int i) const {
  return sqlite3_column_type(stmt_, i) == SQLITE_NULL;
}

Result<Transaction> Transaction::begin(Connection& conn) {
  if (Status st = conn.exec("BEGIN IMMEDIATE"); !st)
    return st.error();
  return Transaction(&conn);
}

Transaction::~Transaction() {
  if (conn_ != nullptr)
    sqlite3_exec(conn_->handle(), "ROLLBACK", nullptr, nullptr, nullptr);
}

Status Transaction::commit() {
  if (conn_ == nullptr)
    return make_error(ErrorKind::Internal, "transaction already finished");
  Status st = conn_->exec("COMMIT");
  if (st)
    conn_ = nullptr;  // on failure the destructor rolls back
  return st;
}

}  // namespace ft::sql
