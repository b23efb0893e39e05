#pragma once
// The embedded audit::Index: its own SQLite database file (DATA_DIR/audit/index.db), apart from the
// entity store's, so audit writes never wait for, nor invalidate, the store.
//
// Layout (schema version 3; sqlite_index.cc has the tables). The writer's cost per record had to
// fall from ~28 us to a few: SQLite spends about a microsecond per row inserted, a B-tree entry
// inserted at a scattered place dirties a whole page, and everything written to a WAL database
// is copied three times (WAL, checkpoint read, database). So a record is never a row of its own:
//   - each write() batch is one row of `batches` pointing at the batch's records, serialized,
//     appended to a segment file beside the database (INDEX-records-NNNNNN, 64 MB each): written
//     once, read back by slices (pread). The row commits after the bytes are written, and at
//     open the current segment is cut back to the last committed batch. A record the file sink
//     placed (Record::file) keeps only that place there, not its JSON, which lookups read back
//     from the hour files (Options::lines): the bulk of each record is written once, not twice;
//   - the lookup entries, one per (record, attribute value) including one per record for lookups
//     without an attribute, are (key, time, sequence) triples, key a 64-bit hash of (account,
//     attribute, value), stored delta-packed (index_blocks.h: ~5 bytes an entry, not 24). They
//     are kept in sorted runs (a log-structured merge): the entries of `pending_batches`
//     batches (at most `pending_entries`) are kept in memory (lookups read them there) and then
//     written as one run at level 0, and `merge_fanout` runs of one level are merged into one of
//     the next, a slice with each write() (merge_slices: a whole merge of a large index's upper
//     levels takes minutes, and would stop the writer). A run is a sequence of blocks (rows of a
//     few hundred entries) found by their last entry, so a lookup is one range scan per run:
//     about (fanout - 1) runs per level, a few more while merges are under way.
// A lookup merges the runs' ranges newest first, reads each candidate's record and checks it
// really matches (a hash collision then costs a read, never a wrong answer).
//
// Durability: WAL with synchronous=NORMAL; every write() (batch, and any run and merges) is one
// transaction, so a crash of the process (kill -9) leaves the index as of the last commit; the
// entries that were pending in memory are rebuilt from the committed batches' bodies at open. Power
// loss may lose the last commits, and, since segment files are never synced, records whose bytes
// had not reached the disk: lookups skip a record they cannot read back (it reads as zeros,
// which decodes to nothing or to a record of no account). The JSON-lines files are the durable
// trail, this is the queryable copy (a clean shutdown drains the broker, so nothing is lost then).
// Concurrency: write(), maintain() and prune() run on the broker's writer thread over one writer
// connection; lookup() runs on request threads over pooled reader connections, which in WAL mode
// never wait for the writer.
//
// The schema is an on-disk format; it carries its version in audit_schema. Version 2 is upgraded
// at open (its raw blocks stay readable and are packed as they are merged). A file of another
// version (version 1 included: that layout was never released), or one that is not an audit
// index, is refused at open.

#include <cstdint>
#include <map>
#include <memory>
#include <mutex>
#include <set>
#include <string>
#include <vector>

#include "audit/index.h"
#include "audit/index_blocks.h"
#include "audit/write_behind.h"

namespace iamd::audit {

namespace sqlite_detail {
class Db;
struct Merge;
}

class SqliteIndex final : public Index {
 public:
  struct Options {
    /// Runs of one level merged into one run of the next level (at least 2). Bigger: cheaper
    /// writes (fewer rewrites per entry), more runs for a lookup to probe. Tests use tiny values.
    std::size_t merge_fanout = 16;
    /// Batches whose entries are kept in memory (and served from there) before they are written
    /// as one run (at least 1), unless they reach pending_entries first. Bigger: fewer, larger
    /// runs, so each entry is rewritten fewer times; the entries of at most this many batches
    /// are rebuilt from their bodies at open after a crash.
    std::size_t pending_batches = 64;
    /// The most entries kept in memory (about 8 per record; 24 bytes each).
    std::size_t pending_entries = std::size_t{1} << 18;
    /// Entries merged per entry written, and at least min_merge_slice per write(): merges go a
    /// slice at a time (see merge_slices), and must outpace the entries that need merging, about
    /// one per level. Tests use tiny values to see merges under way.
    std::size_t merge_work = 4;
    std::size_t min_merge_slice = 4096;
    /// Where the lines of records the file sink placed (Record::file) are read back from. With
    /// one, such a record's body keeps its place rather than its JSON; without, or for records
    /// the file sink did not place, the body keeps the JSON. Must outlive the index.
    LineReader* lines = nullptr;
  };

  /// Opens the index at `path`, creating the file and its schema when absent (the directory must
  /// exist). Throws std::runtime_error (startup only) when the file cannot be opened or created,
  /// is not an SQLite database, is another kind of SQLite database, or has another schema version.
  SqliteIndex(const std::string& path, Options options);
  explicit SqliteIndex(const std::string& path) : SqliteIndex(path, Options{}) {}
  ~SqliteIndex() override;
  SqliteIndex(const SqliteIndex&) = delete;
  SqliteIndex& operator=(const SqliteIndex&) = delete;

  /// The schema version this binary creates and accepts.
  static constexpr int kSchemaVersion = 3;

  /// One transaction per batch (the batch, and when pending_batches are reached their run and
  /// any merges it triggers). On failure nothing of the batch is kept.
  core::Status write(std::span<Record> batch) override;
  /// Nothing to do: runs are merged a slice per write(), as they fill up.
  void maintain(core::TimePoint now) override;
  core::Result<Page> lookup(const Query& query) override;
  /// Hides records older than `before` at once and drops the batches and runs holding only such
  /// records; the remaining hidden entries are dropped as their runs are merged.
  core::Status prune(core::TimePoint before) override;

  const std::string& path() const { return path_; }

 private:
  using PendingRun = std::vector<IndexEntry>;  // one batch's entries, in entry order
  using Pending = std::vector<std::shared_ptr<const PendingRun>>;

  core::Result<std::unique_ptr<sqlite_detail::Db>> acquire_reader();
  void release_reader(std::unique_ptr<sqlite_detail::Db> reader);
  core::Result<Page> lookup_on(sqlite_detail::Db& reader, const Query& query);
  /// Begins a read transaction on `reader` and returns the pending runs that go with it.
  core::Result<std::shared_ptr<const Pending>> begin_snapshot(sqlite_detail::Db& reader);
  /// Within the writer's open transaction: starts a merge at each level that holds merge_fanout
  /// runs and has none running, and takes the merges `budget` entries further, lowest level first.
  /// A merge of a level of a large index takes seconds to minutes: done at once, it would stop
  /// the writer, and with it every request once the broker's queue is full. Its run is built
  /// over many transactions, its row present from the start at level -1 with an empty time range
  /// (which no lookup or merge selects) and the block ids reserved for it; the last slice gives
  /// it its level, times and last block, and retires
  /// the inputs, in one transaction, so lookups see the inputs or the output, never both or
  /// neither. A merge abandoned (a failed transaction, a prune, a crash) leaves that row and its
  /// blocks; the run is retired before the next merge starts. Retired runs' blocks are deleted a
  /// slice per call too (delete_retired_blocks).
  core::Status merge_slices(std::size_t budget);
  /// After a failed transaction or a prune: the merges start over, from their inputs.
  void abandon_merges();
  /// Within the writer's open transaction: deletes up to `blocks` blocks of retired runs (merge
  /// inputs, abandoned merges' runs, pruned runs: level -2, seen by nothing), and their rows once
  /// empty.
  core::Status delete_retired_blocks(std::int64_t blocks);
  /// Within the writer's open transaction: the pending runs and `also` as one level-0 run, the
  /// merges it completes, and indexed_upto set to `upto` (the last sequence they cover).
  core::Status write_pending_run(const std::vector<IndexEntry>& also, std::int64_t upto);
  /// At open: the entries of the batches committed after the last run, from their bodies.
  core::Status rebuild_pending();
  /// Commits the writer's transaction and makes `pending` what lookups see, as one step.
  core::Status commit(std::shared_ptr<const Pending> pending);
  /// Opens segment_ for appending at segment_end_, dropping anything written past it.
  core::Status open_segment();
  /// Reserves the segment's blocks up to at least `end` (fallocate, the size kept).
  void preallocate(std::int64_t end);
  /// Removes segment files below `keep_from` and above segment_.
  void remove_segments_outside(std::int64_t keep_from);

  std::string path_;
  Options options_;

  // The writer connection: used by the broker's writer thread only, but write(), maintain() and
  // prune() take the mutex anyway so that a stray second caller cannot corrupt its state.
  std::mutex writer_mutex_;
  std::unique_ptr<sqlite_detail::Db> writer_;
  // Mirrors of what the database holds, valid between transactions.
  std::int64_t last_sequence_ = 0;  // the highest sequence committed
  std::int64_t next_run_ = 1;       // ids for new runs and blocks
  std::int64_t next_block_ = 1;
  std::int64_t pruned_before_ = 0;  // records up to pruned_upto_ older than this are gone
  std::int64_t pruned_upto_ = 0;
  std::int64_t indexed_upto_ = 0;  // entries of records up to here are in runs
  // The merges under way, by their inputs' level, and what merge_slices must look at first.
  std::map<int, std::unique_ptr<sqlite_detail::Merge>> merges_;
  bool drop_abandoned_ = true;  // runs left at level -1 by an abandoned merge may exist
  bool any_retired_ = true;     // runs at level -2 may exist
  bool check_all_levels_ = true;
  std::set<int> levels_to_check_;  // levels whose runs grew since they were last looked at
  // The segment file batch bodies are appended to, and its committed length.
  std::int64_t segment_ = 1;
  int segment_fd_ = -1;
  std::int64_t segment_end_ = 0;
  std::int64_t preallocated_ = 0;  // blocks reserved up to here
  WriteBehind write_behind_;

  std::mutex readers_mutex_;
  std::vector<std::unique_ptr<sqlite_detail::Db>> idle_readers_;

  // Entries of the batches committed since the last run (indexed_upto_), one sorted run per
  // batch. Lookups take them with their database snapshot under snapshot_mutex_, which the
  // writer holds while it commits and replaces them: so a lookup finds each entry exactly once,
  // on disk or here, never both or neither.
  std::mutex snapshot_mutex_;
  std::shared_ptr<const Pending> pending_ = std::make_shared<const Pending>();
};

}  // namespace iamd::audit
