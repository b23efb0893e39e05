#pragma once
// The embedded store::Store: one SQLite database file in WAL mode.
//
// Durability: synchronous=FULL syncs the WAL on every commit, so a write() that returned success
// survives kill -9 and power loss. Concurrency: writes go through one writer connection
// (BEGIN IMMEDIATE, serialized by a mutex); reads use pooled reader connections and, in WAL mode,
// never wait for the writer. Every SQLite error becomes core::Error{ServiceFailure}.
//
// Single process only: generation() is an in-process counter that starts at 0 when the store
// opens, so writes made by another process sharing the file (e.g. the sqlite3 shell) do not advance
// it. Several nodes share PostgreSQL instead.

#include <atomic>
#include <cstdint>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "store/store.h"

namespace iamd::store {

namespace sqlite {
class Connection;
}

class SqliteStore final : public Store {
 public:
  /// Opens the database file at `path`, creating it when absent (the directory must exist), sets
  /// WAL, synchronous=FULL, foreign_keys and busy_timeout, and applies pending migrations.
  /// Throws std::runtime_error (startup only) when the file cannot be opened or created, is not an
  /// SQLite database, or has a schema version newer than this binary knows.
  explicit SqliteStore(const std::string& path);
  ~SqliteStore() override;

  SqliteStore(const SqliteStore&) = delete;
  SqliteStore& operator=(const SqliteStore&) = delete;

  /// The schema version this binary creates and accepts at most.
  static int latest_schema_version();

  /// The database file this store was opened with.
  const std::string& path() const { return path_; }

 protected:
  core::Status write_impl(const TransactionFn& fn) override;
  core::Status read_impl(const TransactionFn& fn) override;
  std::uint64_t generation_impl() const override;

 private:
  class ReaderLease;

  /// An idle reader connection, or a newly opened one when none is idle.
  core::Result<std::unique_ptr<sqlite::Connection>> acquire_reader();
  /// Returns a reader to the pool, or closes it when enough are idle already.
  void release_reader(std::unique_ptr<sqlite::Connection> reader);

  std::string path_;

  // The one connection that writes; held for the whole of a write() under writer_mutex_.
  std::mutex writer_mutex_;
  std::unique_ptr<sqlite::Connection> writer_;
  // The thread inside write(), so that a nested write() fails instead of self-deadlocking.
  std::atomic<std::thread::id> writer_thread_{};

  std::mutex readers_mutex_;
  std::vector<std::unique_ptr<sqlite::Connection>> idle_readers_;

  std::atomic<std::uint64_t> generation_{0};
};

}  // namespace iamd::store
