#pragma once
// A thin RAII layer over one sqlite3 connection: cached prepared statements, and every SQLite
// failure turned into core::Error{ServiceFailure} here, at the adapter, so nothing above sees an
// SQLite result code.

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <unordered_map>

#include "core/result.h"

struct sqlite3;
struct sqlite3_stmt;

namespace iamd::store::sqlite {

class Connection;

/// A cached prepared statement borrowed for one execution; resets it and clears its bindings when
/// destroyed, so the next user starts clean and no read snapshot is held open by a finished SELECT.
class Statement {
 public:
  Statement(Connection& connection, sqlite3_stmt* stmt) : connection_(&connection), stmt_(stmt) {}
  Statement(Statement&& other) noexcept;
  Statement& operator=(Statement&&) = delete;
  Statement(const Statement&) = delete;
  ~Statement();

  /// Binds UTF-8 text (byte-exact; an empty view binds '' rather than NULL).
  core::Status bind_text(int index, std::string_view text);
  /// Binds bytes (an empty view binds a zero-length blob rather than NULL).
  core::Status bind_blob(int index, std::string_view bytes);
  core::Status bind_int64(int index, std::int64_t value);

  /// Advances: true when a row is available, false when done.
  core::Result<bool> step();

  /// Column accessors for the current row; the views live until the next step() or reset.
  std::string_view column_text(int index);
  std::string_view column_blob(int index);
  std::int64_t column_int64(int index);

 private:
  core::Status check_bind(int rc, int index);

  Connection* connection_;
  sqlite3_stmt* stmt_;
};

/// One connection, used by one thread at a time (opened with SQLITE_OPEN_NOMUTEX).
class Connection {
 public:
  /// Opens (creating when absent) the database file at `path`. Fails with ServiceFailure when the
  /// file cannot be opened; a non-database file is only detected by the first statement.
  static core::Result<std::unique_ptr<Connection>> open(const std::string& path);

  Connection(const Connection&) = delete;
  Connection& operator=(const Connection&) = delete;
  ~Connection();

  /// Runs one or more statements that return no rows (DDL, PRAGMA setters, BEGIN/COMMIT).
  core::Status exec(const std::string& sql);
  /// Runs one statement that returns no rows through the statement cache (BEGIN, COMMIT, ...).
  core::Status run(std::string_view sql);
  /// Runs a statement that returns one text value (e.g. "PRAGMA journal_mode=WAL").
  core::Result<std::string> query_text(const std::string& sql);
  /// The prepared statement for `sql`, compiled on first use and cached for the connection's life.
  core::Result<Statement> prepare(std::string_view sql);

  /// True when no transaction is open on this connection.
  bool is_autocommit() const;
  /// A ServiceFailure describing the connection's latest error, prefixed by `what`.
  core::Error last_error(std::string_view what) const;

 private:
  explicit Connection(sqlite3* db) : db_(db) {}

  sqlite3* db_;
  std::unordered_map<std::string, sqlite3_stmt*> statements_;
};

/// Rolls back whatever transaction is open on the connection when destroyed, unless dismissed
/// after a successful COMMIT. Covers early returns and exceptions thrown by a caller's function.
class RollbackGuard {
 public:
  explicit RollbackGuard(Connection& connection) : connection_(&connection) {}
  RollbackGuard(const RollbackGuard&) = delete;
  RollbackGuard& operator=(const RollbackGuard&) = delete;
  ~RollbackGuard();

  void dismiss() { connection_ = nullptr; }

 private:
  Connection* connection_;
};

}  // namespace iamd::store::sqlite
