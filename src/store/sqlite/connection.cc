#include "store/sqlite/connection.h"

#include <sqlite3.h>

#include <utility>

namespace iamd::store::sqlite {

namespace {

core::Error service_failure(std::string message) {
  return core::Error{core::ErrorCode::ServiceFailure, std::move(message)};
}

// sqlite3_bind_* treat a null data pointer as SQL NULL, and an empty std::string_view may have one.
const char* non_null(std::string_view bytes) { return bytes.data() ? bytes.data() : ""; }

}  // namespace

Statement::Statement(Statement&& other) noexcept
    : connection_(other.connection_), stmt_(std::exchange(other.stmt_, nullptr)) {}

Statement::~Statement() {
  if (stmt_ == nullptr) return;
  sqlite3_reset(stmt_);  // Repeats the last step's error, which the caller has already seen.
  sqlite3_clear_bindings(stmt_);
}

core::Status Statement::check_bind(int rc, int index) {
  if (rc == SQLITE_OK) return {};
  return connection_->last_error("bind parameter " + std::to_string(index));
}

core::Status Statement::bind_text(int index, std::string_view text) {
  // SQLITE_STATIC: the caller's bytes outlive the statement's execution (reset on destruction).
  return check_bind(sqlite3_bind_text64(stmt_, index, non_null(text), text.size(), SQLITE_STATIC,
                                        SQLITE_UTF8),
                    index);
}

core::Status Statement::bind_blob(int index, std::string_view bytes) {
  return check_bind(
      sqlite3_bind_blob64(stmt_, index, non_null(bytes), bytes.size(), SQLITE_STATIC), index);
}

core::Status Statement::bind_int64(int index, std::int64_t value) {
  return check_bind(sqlite3_bind_int64(stmt_, index, value), index);
}

core::Result<bool> Statement::step() {
  switch (sqlite3_step(stmt_)) {
    case SQLITE_ROW:
      return true;
    case SQLITE_DONE:
      return false;
    default:
      return connection_->last_error("step");
  }
}

std::string_view Statement::column_text(int index) {
  // Fetch the pointer before the size: sqlite3_column_bytes may otherwise convert twice.
  const auto* data = reinterpret_cast<const char*>(sqlite3_column_text(stmt_, index));
  const auto size = static_cast<size_t>(sqlite3_column_bytes(stmt_, index));
  return data ? std::string_view(data, size) : std::string_view();
}

std::string_view Statement::column_blob(int index) {
  const auto* data = static_cast<const char*>(sqlite3_column_blob(stmt_, index));
  const auto size = static_cast<size_t>(sqlite3_column_bytes(stmt_, index));
  return data ? std::string_view(data, size) : std::string_view();
}

std::int64_t Statement::column_int64(int index) { return sqlite3_column_int64(stmt_, index); }

core::Result<std::unique_ptr<Connection>> Connection::open(const std::string& path) {
  sqlite3* db = nullptr;
  // NOMUTEX: each connection is used by one thread at a time, guarded by the store.
  // EXRESCODE: extended result codes make the messages below more precise.
  const int flags = SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_NOMUTEX |
                    SQLITE_OPEN_EXRESCODE;
  const int rc = sqlite3_open_v2(path.c_str(), &db, flags, nullptr);
  if (rc != SQLITE_OK) {
    std::string message = std::string("sqlite: open failed: ") +
                          (db ? sqlite3_errmsg(db) : sqlite3_errstr(rc));
    sqlite3_close_v2(db);  // A handle is returned even on failure (null is a harmless no-op).
    return service_failure(std::move(message));
  }
  return std::unique_ptr<Connection>(new Connection(db));
}

Connection::~Connection() {
  for (auto& [sql, stmt] : statements_) sqlite3_finalize(stmt);
  sqlite3_close_v2(db_);
}

core::Status Connection::exec(const std::string& sql) {
  char* message = nullptr;
  if (sqlite3_exec(db_, sql.c_str(), nullptr, nullptr, &message) == SQLITE_OK) return {};
  std::string detail = message ? message : sqlite3_errmsg(db_);
  sqlite3_free(message);
  return service_failure("sqlite: '" + sql.substr(0, 60) + "' failed: " + detail);
}

core::Status Connection::run(std::string_view sql) {
  auto statement = prepare(sql);
  if (!statement) return statement.error();
  auto row = statement->step();
  if (!row) return row.error();
  return {};
}

core::Result<std::string> Connection::query_text(const std::string& sql) {
  // One-off statements (PRAGMAs at open): not worth a slot in the cache.
  sqlite3_stmt* stmt = nullptr;
  if (sqlite3_prepare_v2(db_, sql.c_str(), -1, &stmt, nullptr) != SQLITE_OK) {
    return last_error("'" + sql + "'");
  }
  std::unique_ptr<sqlite3_stmt, decltype(&sqlite3_finalize)> owned(stmt, &sqlite3_finalize);
  const int rc = sqlite3_step(stmt);
  if (rc == SQLITE_DONE) return std::string();
  if (rc != SQLITE_ROW) return last_error("'" + sql + "'");
  const auto* text = reinterpret_cast<const char*>(sqlite3_column_text(stmt, 0));
  return text ? std::string(text) : std::string();
}

core::Result<Statement> Connection::prepare(std::string_view sql) {
  std::string key(sql);
  if (auto it = statements_.find(key); it != statements_.end()) return Statement(*this, it->second);
  sqlite3_stmt* stmt = nullptr;
  // PERSISTENT: these statements live as long as the connection, so let SQLite allocate for that.
  if (sqlite3_prepare_v3(db_, sql.data(), static_cast<int>(sql.size()), SQLITE_PREPARE_PERSISTENT,
                         &stmt, nullptr) != SQLITE_OK) {
    return last_error("prepare");
  }
  statements_.emplace(std::move(key), stmt);
  return Statement(*this, stmt);
}

RollbackGuard::~RollbackGuard() {
  // The result is moot: a failed ROLLBACK leaves the connection in autocommit mode or closing.
  if (connection_ && !connection_->is_autocommit()) (void)connection_->exec("ROLLBACK");
}

bool Connection::is_autocommit() const { return sqlite3_get_autocommit(db_) != 0; }

core::Error Connection::last_error(std::string_view what) const {
  return service_failure("sqlite: " + std::string(what) + " failed: " + sqlite3_errmsg(db_) +
                         " (code " + std::to_string(sqlite3_extended_errcode(db_)) + ")");
}

}  // namespace iamd::store::sqlite
