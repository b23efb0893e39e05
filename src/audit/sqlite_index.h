#pragma once
// The embedded audit::Index: its own SQLite database file (DATA_DIR/audit/index.db), apart from the
// entity store's, so audit writes never wait for, nor invalidate, the store.
//
// Durability: WAL with synchronous=NORMAL. A commit survives a crash of the process but the last
// ones may be lost on power loss; the JSON-lines files are the durable trail, this is the
// queryable copy (a clean shutdown drains the broker, so nothing is lost then).
// Concurrency: write(), maintain() and prune() run on the broker's writer thread over one writer
// connection; lookup() runs on request threads over pooled reader connections, which in WAL mode
// never wait for the writer.
//
// Cost: a record's attribute entries (EventId, EventName, Username, AccessKeyId, ResourceName) are
// not indexed one by one as it is written: scattered B-tree inserts dirty about one page per entry
// per commit, which made write() twice as expensive. They are added in bulk, sorted, once
// `index_chunk` records are waiting and at every maintain(); until then lookups scan those few
// records (the "tail") and merge them in. See sqlite_index.cc for the schema.
//
// The schema is an on-disk format; it carries its version in audit_schema, and a file of a newer
// version, or one that is not an audit index, is refused at open.

#include <cstdint>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include "audit/index.h"

namespace iamd::store::sqlite {
class Connection;
}

namespace iamd::audit {

class SqliteIndex final : public Index {
 public:
  struct Options {
    /// Records written before their attribute entries are added in bulk (also done at every
    /// maintain()). Bigger: cheaper writes, longer tail scans. Tests use tiny values.
    std::size_t index_chunk = 4096;
  };

  /// Opens the index at `path`, creating the file and its schema when absent (the directory must
  /// exist). Throws std::runtime_error (startup only) when the file cannot be opened or created,
  /// is not an SQLite database, is another kind of SQLite database, or has a newer schema.
  SqliteIndex(const std::string& path, Options options);
  explicit SqliteIndex(const std::string& path) : SqliteIndex(path, Options{}) {}
  ~SqliteIndex() override;
  SqliteIndex(const SqliteIndex&) = delete;
  SqliteIndex& operator=(const SqliteIndex&) = delete;

  /// The schema version this binary creates and accepts at most.
  static constexpr int kSchemaVersion = 1;

  /// One transaction per batch. On failure nothing of the batch is kept.
  core::Status write(std::span<const Record> batch) override;
  /// Adds the waiting records' attribute entries (a failure is retried at the next call).
  void maintain(core::TimePoint now) override;
  core::Result<Page> lookup(const Query& query) override;
  core::Status prune(core::TimePoint before) override;

  const std::string& path() const { return path_; }

 private:
  core::Result<std::unique_ptr<store::sqlite::Connection>> acquire_reader();
  void release_reader(std::unique_ptr<store::sqlite::Connection> reader);
  core::Result<Page> lookup_on(store::sqlite::Connection& reader, const Query& query);
  /// Within the writer's open transaction: the attribute entries of every event after
  /// indexed_upto_, which then becomes last_sequence.
  core::Status index_tail(std::int64_t last_sequence);

  std::string path_;
  Options options_;

  // The writer connection: used by the broker's writer thread only, but write(), maintain() and
  // prune() take the mutex anyway so that a stray second caller cannot corrupt its state.
  std::mutex writer_mutex_;
  std::unique_ptr<store::sqlite::Connection> writer_;
  // Mirrors of what the database holds (audit_state, max(sequence)), valid between transactions.
  std::int64_t last_sequence_ = 0;   // the highest sequence committed
  std::int64_t indexed_upto_ = 0;    // events up to here have their attribute entries
  std::optional<std::int64_t> tail_min_time_us_;  // earliest time among the later events

  std::mutex readers_mutex_;
  std::vector<std::unique_ptr<store::sqlite::Connection>> idle_readers_;
};

}  // namespace iamd::audit
