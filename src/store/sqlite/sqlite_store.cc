#include "store/sqlite/sqlite_store.h"

#include <unistd.h>

#include <algorithm>
#include <filesystem>
#include <limits>
#include <optional>
#include <stdexcept>
#include <utility>

#include "store/sqlite/connection.h"
#include "store/sqlite/migrations.h"

namespace iamd::store {

using sqlite::Connection;
using sqlite::RollbackGuard;

namespace {

// How long a connection waits for a lock held by another process (e.g. a backup, or the sqlite3
// shell) before failing. In-process writers never contend: they queue on writer_mutex_.
constexpr const char* kBusyTimeoutPragma = "PRAGMA busy_timeout = 5000";
// Idle reader connections kept open; more are opened on demand and closed when returned.
constexpr size_t kMaxIdleReaders = 8;

enum class Access { ReadOnly, ReadWrite };

core::Error service_failure(std::string message) {
  return core::Error{core::ErrorCode::ServiceFailure, std::move(message)};
}

// The smallest string above every string that starts with `prefix`: drop trailing 0xFF bytes and
// increment the last remaining byte ("a\xFF" -> "b"). None exists when only 0xFF bytes remain.
std::optional<std::string> prefix_upper_bound(std::string_view prefix) {
  std::string bound(prefix);
  while (!bound.empty() && static_cast<unsigned char>(bound.back()) == 0xFF) bound.pop_back();
  if (bound.empty()) return std::nullopt;
  bound.back() = static_cast<char>(static_cast<unsigned char>(bound.back()) + 1);
  return bound;
}

// Range predicates on the primary key (never LIKE, which cannot use the index for arbitrary bytes
// and treats '%' and '_' specially). ?1 lower bound, ?2 upper bound, ?3 limit.
// Indexed by [lower bound is exclusive][upper bound exists].
constexpr const char* kScanSql[2][2] = {
    {"SELECT key, value FROM kv WHERE key >= ?1 ORDER BY key LIMIT ?3",
     "SELECT key, value FROM kv WHERE key >= ?1 AND key < ?2 ORDER BY key LIMIT ?3"},
    {"SELECT key, value FROM kv WHERE key > ?1 ORDER BY key LIMIT ?3",
     "SELECT key, value FROM kv WHERE key > ?1 AND key < ?2 ORDER BY key LIMIT ?3"},
};

// One transaction on a connection the caller has already begun a transaction on.
//
// INVARIANT: after the first SQLite error every further call fails and the owner rolls back.
// Some errors (SQLITE_FULL, SQLITE_IOERR, SQLITE_NOMEM) make SQLite roll the transaction back by
// itself; carrying on would run the remaining statements in autocommit mode, one by one, and turn
// a failed write() into a partial one.
class SqliteTransaction final : public Transaction {
 public:
  SqliteTransaction(Connection& connection, Access access)
      : connection_(connection), access_(access) {}

  core::Result<std::optional<std::string>> get(std::string_view key) override {
    IAMD_TRY(check_usable());
    auto statement = note(connection_.prepare("SELECT value FROM kv WHERE key = ?1"));
    if (!statement) return statement.error();
    IAMD_TRY(note(statement->bind_text(1, key)));
    auto row = note(statement->step());
    if (!row) return row.error();
    if (!*row) return std::optional<std::string>();
    return std::optional<std::string>(statement->column_blob(0));
  }

  core::Status put(std::string_view key, std::string_view value) override {
    IAMD_TRY(check_writable("put"));
    auto statement = note(connection_.prepare(
        "INSERT INTO kv(key, value) VALUES(?1, ?2) "
        "ON CONFLICT(key) DO UPDATE SET value = excluded.value"));
    if (!statement) return statement.error();
    IAMD_TRY(note(statement->bind_text(1, key)));
    IAMD_TRY(note(statement->bind_blob(2, value)));
    IAMD_TRY(note(statement->step()));
    return {};
  }

  core::Status erase(std::string_view key) override {
    IAMD_TRY(check_writable("erase"));
    auto statement = note(connection_.prepare("DELETE FROM kv WHERE key = ?1"));
    if (!statement) return statement.error();
    IAMD_TRY(note(statement->bind_text(1, key)));
    IAMD_TRY(note(statement->step()));
    return {};
  }

  core::Result<std::vector<KeyValue>> scan(std::string_view prefix, std::string_view start_after,
                                           size_t limit) override {
    IAMD_TRY(check_usable());
    std::vector<KeyValue> out;
    if (limit == 0) return out;
    // The lower bound is whichever is later: the prefix itself (inclusive) or start_after
    // (exclusive). A start_after past every key with the prefix simply yields an empty range.
    const bool start_after_is_later = start_after >= prefix;
    const std::string_view lower = start_after_is_later ? start_after : prefix;
    const std::optional<std::string> upper = prefix_upper_bound(prefix);

    auto statement =
        note(connection_.prepare(kScanSql[start_after_is_later ? 1 : 0][upper ? 1 : 0]));
    if (!statement) return statement.error();
    IAMD_TRY(note(statement->bind_text(1, lower)));
    if (upper) IAMD_TRY(note(statement->bind_text(2, *upper)));
    const auto max_rows = static_cast<std::int64_t>(
        std::min<size_t>(limit, std::numeric_limits<std::int64_t>::max()));
    IAMD_TRY(note(statement->bind_int64(3, max_rows)));
    while (true) {
      auto row = note(statement->step());
      if (!row) return row.error();
      if (!*row) break;
      out.emplace_back(std::string(statement->column_text(0)),
                       std::string(statement->column_blob(1)));
    }
    return out;
  }

  /// The first storage error this transaction hit, if any.
  const std::optional<core::Error>& storage_error() const { return storage_error_; }

 private:
  template <class R>
  R note(R result) {
    if (!result && !storage_error_) storage_error_ = result.error();
    return result;
  }

  core::Status check_usable() const {
    if (!storage_error_) return {};
    return service_failure("transaction aborted by an earlier storage error: " +
                           storage_error_->message);
  }

  core::Status check_writable(std::string_view operation) const {
    if (access_ == Access::ReadOnly) {
      return service_failure(std::string(operation) +
                             " is not allowed in a read-only transaction");
    }
    return check_usable();
  }

  Connection& connection_;
  Access access_;
  std::optional<core::Error> storage_error_;
};

// Pragmas are per connection and not persistent, except journal_mode=WAL, which is recorded in
// the file; setting it here, before any reader exists, is what puts a new database in WAL mode.
core::Status configure_writer(Connection& writer) {
  IAMD_TRY(writer.exec(kBusyTimeoutPragma));
  // The first statement to read the file: a non-database file fails here.
  auto mode = writer.query_text("PRAGMA journal_mode = WAL");
  if (!mode) return mode.error();
  if (*mode != "wal") {
    return service_failure("cannot enable WAL mode (journal_mode is '" + *mode + "')");
  }
  // FULL syncs the WAL on every commit; NORMAL would lose recent commits on power loss.
  IAMD_TRY(writer.exec("PRAGMA synchronous = FULL"));
  IAMD_TRY(writer.exec("PRAGMA foreign_keys = ON"));
  return {};
}

core::Status configure_reader(Connection& reader) {
  IAMD_TRY(reader.exec(kBusyTimeoutPragma));
  IAMD_TRY(reader.exec("PRAGMA foreign_keys = ON"));
  // Defence in depth: a reader can never write, even through a bug above.
  IAMD_TRY(reader.exec("PRAGMA query_only = ON"));
  return {};
}

// SQLite says "unable to open database file" for every reason a file cannot be opened; name the
// usual ones. The directory must be writable even for an existing file: WAL mode keeps its -wal
// and -shm files beside the database.
std::string likely_cause(const std::string& path) {
  namespace fs = std::filesystem;
  std::error_code ignored;
  fs::path dir = fs::path(path).parent_path();
  if (dir.empty()) dir = ".";
  if (!fs::is_directory(dir, ignored)) return "; directory '" + dir.string() + "' does not exist";
  if (::access(dir.c_str(), W_OK) != 0) {
    return "; directory '" + dir.string() + "' is not writable";
  }
  if (fs::is_directory(path, ignored)) return "; the path is a directory";
  return "";
}

[[noreturn]] void throw_open_failure(const std::string& path, const core::Error& error) {
  throw std::runtime_error("cannot open SQLite store '" + path + "': " + error.message +
                           likely_cause(path));
}

}  // namespace

// Hands a reader back to the pool when a read ends, however it ends.
class SqliteStore::ReaderLease {
 public:
  ReaderLease(SqliteStore& store, std::unique_ptr<Connection> connection)
      : store_(store), connection_(std::move(connection)) {}
  ReaderLease(const ReaderLease&) = delete;
  ReaderLease& operator=(const ReaderLease&) = delete;
  ~ReaderLease() {
    // A connection still inside a transaction (its ROLLBACK failed) is not reused: close it.
    if (connection_->is_autocommit()) store_.release_reader(std::move(connection_));
  }

  Connection& connection() { return *connection_; }

 private:
  SqliteStore& store_;
  std::unique_ptr<Connection> connection_;
};

SqliteStore::SqliteStore(const std::string& path) : path_(path) {
  auto writer = Connection::open(path_);
  if (!writer) throw_open_failure(path_, writer.error());
  writer_ = std::move(*writer);
  if (auto configured = configure_writer(*writer_); !configured) {
    throw_open_failure(path_, configured.error());
  }
  if (auto migrated = sqlite::migrate(*writer_); !migrated) {
    throw_open_failure(path_, migrated.error());
  }
}

SqliteStore::~SqliteStore() = default;

int SqliteStore::latest_schema_version() { return sqlite::latest_schema_version(); }

core::Result<std::unique_ptr<Connection>> SqliteStore::acquire_reader() {
  {
    std::lock_guard lock(readers_mutex_);
    if (!idle_readers_.empty()) {
      auto reader = std::move(idle_readers_.back());
      idle_readers_.pop_back();
      return reader;
    }
  }
  // Opened outside the lock: opening touches the file system.
  auto reader = Connection::open(path_);
  if (!reader) return reader.error();
  IAMD_TRY(configure_reader(**reader));
  return reader;
}

void SqliteStore::release_reader(std::unique_ptr<Connection> reader) {
  std::lock_guard lock(readers_mutex_);
  if (idle_readers_.size() < kMaxIdleReaders) idle_readers_.push_back(std::move(reader));
}

core::Status SqliteStore::write_impl(const TransactionFn& fn) {
  if (writer_thread_.load() == std::this_thread::get_id()) {
    return service_failure("write() called inside another write() on the same thread");
  }
  std::lock_guard writer_lock(writer_mutex_);
  writer_thread_.store(std::this_thread::get_id());
  struct ClearWriterThread {
    std::atomic<std::thread::id>& id;
    ~ClearWriterThread() { id.store(std::thread::id()); }
  } clear_writer_thread{writer_thread_};

  // IMMEDIATE takes the write lock now rather than at the first write, so the transaction cannot
  // fail half-way with SQLITE_BUSY when another process holds it.
  IAMD_TRY(writer_->run("BEGIN IMMEDIATE"));
  RollbackGuard rollback(*writer_);
  SqliteTransaction txn(*writer_, Access::ReadWrite);
  core::Status status = fn(txn);
  if (!status) return status;
  if (txn.storage_error()) return *txn.storage_error();
  IAMD_TRY(writer_->run("COMMIT"));
  rollback.dismiss();
  // Bumped after the commit is durable, so a reader that sees the new number also sees the data.
  generation_.fetch_add(1, std::memory_order_acq_rel);
  return {};
}

core::Status SqliteStore::read_impl(const TransactionFn& fn) {
  auto reader = acquire_reader();
  if (!reader) return reader.error();
  ReaderLease lease(*this, std::move(*reader));
  Connection& connection = lease.connection();

  // A deferred transaction: the snapshot is taken at the first read and kept until it ends.
  IAMD_TRY(connection.run("BEGIN"));
  // A read has nothing to commit; rolling back just releases the snapshot.
  RollbackGuard end_snapshot(connection);
  SqliteTransaction txn(connection, Access::ReadOnly);
  core::Status status = fn(txn);
  if (!status) return status;
  if (txn.storage_error()) return *txn.storage_error();
  return {};
}

std::uint64_t SqliteStore::generation_impl() const {
  return generation_.load(std::memory_order_acquire);
}

}  // namespace iamd::store
