#include "audit/sqlite_index.h"

#include <fcntl.h>
#include <sqlite3.h>
#include <unistd.h>

#include <algorithm>
#include <array>
#include <bit>
#include <cerrno>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <functional>
#include <limits>
#include <stdexcept>
#include <string_view>
#include <unordered_map>
#include <utility>

#include "audit/index_blocks.h"
#include "audit/index_util.h"

namespace iamd::audit {
namespace sqlite_detail {
namespace {

core::Error service_failure(std::string message) {
  return core::Error{core::ErrorCode::ServiceFailure, std::move(message)};
}

}  // namespace

/// The file holding batch bodies of segment `n`: beside the database, like its -wal file.
std::string segment_path(const std::string& db_path, std::int64_t n) {
  char suffix[32];
  std::snprintf(suffix, sizeof suffix, "-records-%06lld", static_cast<long long>(n));
  return db_path + suffix;
}

// Schema version 3. An on-disk format: never change it in place (version 2 is upgraded at open:
// it lacked runs.block_format, its runs' blocks all being raw).
//
//   audit_state  last_sequence: the highest sequence written. A prune hides the records up to
//                pruned_upto (the last sequence then) older than pruned_before (time_us). The
//                entries of records up to indexed_upto are in runs; those of later records are
//                kept in memory (SqliteIndex::pending_) and rebuilt from the bodies at open.
//   batches      one row per write(): records first_sequence .. first_sequence + records - 1,
//                serialized (the batch body, see encode_record) at [offset, offset + length) of
//                the segment file `segment` (segment_path). max_time_us lets prune drop whole
//                batches.
//   runs         a sorted run of entries at `level`: blocks first_block..last_block (consecutive
//                ids), entries with times in min_time_us..max_time_us, blocks in block_format
//                (index_blocks.h: 0 raw, 1 packed; runs written since version 3 are packed).
//   blocks       up to kBlockEntries entries of one run, in entry order (IndexEntry, entry_less),
//                as a blob in the run's block format. blocks_by_last
//                finds the block holding the first entry at or after a position: its columns
//                are the block's last entry with time and sequence negated, so that SQLite's
//                ascending order is entry order.
constexpr const char* kSchemaSql = R"sql(
CREATE TABLE audit_schema (version INTEGER NOT NULL);
CREATE TABLE audit_state (
  last_sequence INTEGER NOT NULL,
  pruned_before INTEGER NOT NULL,
  pruned_upto   INTEGER NOT NULL,
  indexed_upto  INTEGER NOT NULL DEFAULT 0
);
CREATE TABLE batches (
  first_sequence INTEGER PRIMARY KEY,
  records        INTEGER NOT NULL,
  max_time_us    INTEGER NOT NULL,
  segment        INTEGER NOT NULL,
  offset         INTEGER NOT NULL,
  length         INTEGER NOT NULL
);
CREATE TABLE runs (
  id          INTEGER PRIMARY KEY,
  level       INTEGER NOT NULL,
  first_block INTEGER NOT NULL,
  last_block  INTEGER NOT NULL,
  min_time_us INTEGER NOT NULL,
  max_time_us INTEGER NOT NULL,
  block_format INTEGER NOT NULL DEFAULT 0
);
CREATE TABLE blocks (
  id                INTEGER PRIMARY KEY,
  run               INTEGER NOT NULL,
  last_key          INTEGER NOT NULL,
  last_neg_time     INTEGER NOT NULL,
  last_neg_sequence INTEGER NOT NULL,
  entries           BLOB NOT NULL
);
CREATE INDEX blocks_by_last ON blocks(run, last_key, last_neg_time, last_neg_sequence);
INSERT INTO audit_state(last_sequence, pruned_before, pruned_upto, indexed_upto)
  VALUES (0, 0, 0, 0);
INSERT INTO audit_schema(version) VALUES (3);
)sql";

// Set on a new file before anything is written (it cannot change once the file is in WAL mode).
// Nearly everything written is appended blocks: big pages hold several and keep the trees
// shallow (bench/audit_bench.cc BM_SqliteIndexWrite, measured again with bodies in segment
// files and packed blocks: 4 KB pages cost ~1.13x per record, 16 KB ~1.05x).
constexpr const char* kPageSizePragma = "PRAGMA page_size = 65536";

// Every statement the index runs more than once, prepared once per connection.
enum class Sql : int {
  Begin, BeginImmediate, Commit, Rollback,
  InsertBatch, InsertBlock, InsertRun, SetLastSequence, SetPruned, SetIndexedUpto, BatchesAfter,
  RunsAtLevel, DeleteRun, DeleteBlocks, BlockById, BlockAtOrAfter,
  ReadState, RunsOverlapping, BatchOf, PruneBatches, RunsBefore, RunsBeingBuilt, CompleteRun, RetireRun, FirstRetired, SetRunStart,
  kCount
};
constexpr std::array<const char*, static_cast<int>(Sql::kCount)> kSql = {
    "BEGIN",
    "BEGIN IMMEDIATE",
    "COMMIT",
    "ROLLBACK",
    "INSERT INTO batches(first_sequence, records, max_time_us, segment, offset, length) "
    "VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
    "INSERT INTO blocks(id, run, last_key, last_neg_time, last_neg_sequence, entries) "
    "VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
    "INSERT INTO runs(id, level, first_block, last_block, min_time_us, max_time_us, "
    "block_format) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
    "UPDATE audit_state SET last_sequence = ?1",
    "UPDATE audit_state SET pruned_before = ?1, pruned_upto = ?2",
    "UPDATE audit_state SET indexed_upto = ?1",
    "SELECT first_sequence, records FROM batches WHERE first_sequence + records - 1 > ?1 "
    "ORDER BY first_sequence",
    "SELECT id, first_block, last_block, block_format FROM runs WHERE level = ?1 ORDER BY id",
    "DELETE FROM runs WHERE id = ?1",
    "DELETE FROM blocks WHERE id BETWEEN ?1 AND ?2",
    "SELECT entries FROM blocks WHERE id = ?1",
    "SELECT id, entries FROM blocks INDEXED BY blocks_by_last WHERE run = ?1 AND "
    "(last_key, last_neg_time, last_neg_sequence) >= (?2, ?3, ?4) "
    "ORDER BY last_key, last_neg_time, last_neg_sequence LIMIT 1",
    "SELECT last_sequence, pruned_before, pruned_upto, indexed_upto FROM audit_state",
    "SELECT id, first_block, last_block, block_format FROM runs "
    "WHERE max_time_us >= ?1 AND min_time_us <= ?2",
    "SELECT first_sequence, records, segment, offset, length FROM batches "
    "WHERE first_sequence <= ?1 ORDER BY first_sequence DESC LIMIT 1",
    "DELETE FROM batches WHERE max_time_us < ?1",
    "SELECT id, first_block, last_block, block_format FROM runs WHERE max_time_us < ?1",
    "SELECT id, first_block, last_block, block_format FROM runs WHERE level = -1",
    "UPDATE runs SET level = ?2, last_block = ?3, min_time_us = ?4, max_time_us = ?5, "
    "block_format = ?6 WHERE id = ?1",
    "UPDATE runs SET level = -2, min_time_us = 9223372036854775807, "
    "max_time_us = -9223372036854775808 WHERE id = ?1",
    "SELECT id, first_block, last_block, block_format FROM runs WHERE level = -2 "
    "ORDER BY id LIMIT 1",
    "UPDATE runs SET first_block = ?2 WHERE id = ?1",
};

/// One connection (used by one thread at a time) and its prepared statements.
class Db {
 public:
  static core::Result<std::unique_ptr<Db>> open(const std::string& path) {
    sqlite3* db = nullptr;
    const int flags = SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_NOMUTEX |
                      SQLITE_OPEN_EXRESCODE;
    const int rc = sqlite3_open_v2(path.c_str(), &db, flags, nullptr);
    if (rc != SQLITE_OK) {
      std::string message =
          std::string("sqlite: open failed: ") + (db ? sqlite3_errmsg(db) : sqlite3_errstr(rc));
      sqlite3_close_v2(db);
      return service_failure(std::move(message));
    }
    return std::unique_ptr<Db>(new Db(db, path));
  }

  ~Db() {
    for (sqlite3_stmt* s : statements_) sqlite3_finalize(s);
    sqlite3_close_v2(db_);
    for (auto& [n, fd] : segments_) ::close(fd);
  }

  /// A read-only descriptor of segment `n`, kept open for later reads; -1 when it cannot be
  /// opened (a prune removed it since this connection's snapshot began).
  int segment(std::int64_t n) {
    if (auto it = segments_.find(n); it != segments_.end()) return it->second;
    const int fd = ::open(segment_path(path_, n).c_str(), O_RDONLY | O_CLOEXEC);
    if (fd < 0) return -1;
    if (segments_.size() >= kMaxOpenSegments) {
      for (auto& [m, other] : segments_) ::close(other);
      segments_.clear();
    }
    segments_.emplace(n, fd);
    return fd;
  }
  Db(const Db&) = delete;
  Db& operator=(const Db&) = delete;

  sqlite3* handle() { return db_; }

  core::Error error(std::string_view what) const {
    return service_failure("sqlite: " + std::string(what) + ": " + sqlite3_errmsg(db_));
  }

  /// Runs statements returning no rows (DDL, PRAGMAs), uncached.
  core::Status exec(const char* sql) {
    char* message = nullptr;
    if (sqlite3_exec(db_, sql, nullptr, nullptr, &message) == SQLITE_OK) return {};
    std::string detail = message ? message : sqlite3_errmsg(db_);
    sqlite3_free(message);
    return service_failure("sqlite: '" + std::string(sql).substr(0, 60) + "' failed: " + detail);
  }

  /// The first column of the one-row result of `sql` (uncached); nullopt for no row or NULL.
  core::Result<std::optional<std::string>> query_text(const char* sql) {
    sqlite3_stmt* s = nullptr;
    if (sqlite3_prepare_v2(db_, sql, -1, &s, nullptr) != SQLITE_OK) return error("prepare");
    std::optional<std::string> out;
    const int rc = sqlite3_step(s);
    if (rc == SQLITE_ROW && sqlite3_column_type(s, 0) != SQLITE_NULL) {
      out = reinterpret_cast<const char*>(sqlite3_column_text(s, 0));
    }
    sqlite3_finalize(s);
    if (rc != SQLITE_ROW && rc != SQLITE_DONE) return error("step");
    return out;
  }

  core::Result<sqlite3_stmt*> statement(Sql which) {
    sqlite3_stmt*& s = statements_[static_cast<int>(which)];
    if (s == nullptr && sqlite3_prepare_v3(db_, kSql[static_cast<int>(which)], -1,
                                           SQLITE_PREPARE_PERSISTENT, &s, nullptr) != SQLITE_OK) {
      return error("prepare");
    }
    return s;
  }

 private:
  static constexpr std::size_t kMaxOpenSegments = 16;
  Db(sqlite3* db, std::string path) : db_(db), path_(std::move(path)) { statements_.fill(nullptr); }
  sqlite3* db_;
  std::string path_;
  std::unordered_map<std::int64_t, int> segments_;
  std::array<sqlite3_stmt*, static_cast<int>(Sql::kCount)> statements_;
};

namespace {

/// A cached statement borrowed for one execution: reset, bindings cleared, when destroyed.
class Stmt {
 public:
  static core::Result<Stmt> of(Db& db, Sql which) {
    auto s = db.statement(which);
    if (!s) return s.error();
    return Stmt(db, *s);
  }
  Stmt(Stmt&& o) noexcept : db_(o.db_), s_(std::exchange(o.s_, nullptr)) {}
  Stmt& operator=(Stmt&&) = delete;
  ~Stmt() {
    if (s_ == nullptr) return;
    sqlite3_reset(s_);
    sqlite3_clear_bindings(s_);
  }

  Stmt& bind(int i, std::int64_t v) {
    if (ok_) ok_ = sqlite3_bind_int64(s_, i, v) == SQLITE_OK;
    return *this;
  }
  /// The bytes must outlive the execution (SQLITE_STATIC: no copy).
  Stmt& bind_blob(int i, std::string_view bytes) {
    if (ok_) {
      ok_ = sqlite3_bind_blob64(s_, i, bytes.data() ? bytes.data() : "", bytes.size(),
                                SQLITE_STATIC) == SQLITE_OK;
    }
    return *this;
  }

  /// True when a row is available, false when done.
  core::Result<bool> step() {
    if (!ok_) return db_->error("bind");
    switch (sqlite3_step(s_)) {
      case SQLITE_ROW: return true;
      case SQLITE_DONE: return false;
      default: return db_->error("step");
    }
  }
  core::Status run() {
    auto r = step();
    if (!r) return r.error();
    return {};
  }

  std::int64_t int64(int i) { return sqlite3_column_int64(s_, i); }
  bool is_null(int i) { return sqlite3_column_type(s_, i) == SQLITE_NULL; }
  std::string_view blob(int i) {
    const auto* data = static_cast<const char*>(sqlite3_column_blob(s_, i));
    const auto size = static_cast<std::size_t>(sqlite3_column_bytes(s_, i));
    return data ? std::string_view(data, size) : std::string_view();
  }

 private:
  Stmt(Db& db, sqlite3_stmt* s) : db_(&db), s_(s) {}
  Db* db_;
  sqlite3_stmt* s_;
  bool ok_ = true;
};

core::Status run(Db& db, Sql which) {
  auto s = Stmt::of(db, which);
  if (!s) return s.error();
  return s->run();
}

/// Rolls back the open transaction when destroyed, unless dismissed after a successful COMMIT.
class Rollback {
 public:
  explicit Rollback(Db& db) : db_(&db) {}
  Rollback(const Rollback&) = delete;
  Rollback& operator=(const Rollback&) = delete;
  ~Rollback() {
    if (db_ && !sqlite3_get_autocommit(db_->handle())) (void)run(*db_, Sql::Rollback);
  }
  void dismiss() { db_ = nullptr; }

 private:
  Db* db_;
};

// --- Entries -----------------------------------------------------------------------------------

using Entry = IndexEntry;

/// Stable sort by key (signed order), eight 8-bit LSD passes.
void radix_sort_by_key(std::vector<Entry>& entries) {
  std::vector<Entry> scratch(entries.size());
  constexpr std::uint64_t kSign = std::uint64_t{1} << 63;
  for (int shift = 0; shift < 64; shift += 8) {
    std::array<std::size_t, 257> start{};
    for (const Entry& e : entries) {
      ++start[(((static_cast<std::uint64_t>(e.key) ^ kSign) >> shift) & 0xff) + 1];
    }
    for (int d = 0; d < 256; ++d) start[d + 1] += start[d];
    for (const Entry& e : entries) {
      scratch[start[((static_cast<std::uint64_t>(e.key) ^ kSign) >> shift) & 0xff]++] = e;
    }
    entries.swap(scratch);
  }
}

// A lookup reads one block per run it probes; packed, 512 entries take a few kilobytes.
constexpr std::size_t kBlockEntries = 512;

// On-disk key codes: part of the hashed key, so they must never change.
constexpr std::uint8_t kEveryRecord = 0;  // lookups without an attribute
std::uint8_t key_code(Attribute a) {
  switch (a) {
    case Attribute::EventId: return 1;
    case Attribute::EventName: return 2;
    case Attribute::Username: return 3;
    case Attribute::AccessKeyId: return 4;
    case Attribute::ResourceName: return 5;
    case Attribute::EventSource: return 6;
    case Attribute::ReadOnly: return 7;
    case Attribute::ResourceType: return 8;
  }
  return 0;
}

// FNV-1a (64-bit) with a final mix: stable across builds and platforms, as an on-disk format must
// be. Collisions are harmless (lookups check every record they read), merely a wasted read.
constexpr std::uint64_t kFnvOffset = 14695981039346656037ull;
std::uint64_t fnv(std::uint64_t h, std::string_view bytes) {
  for (unsigned char c : bytes) h = (h ^ c) * 1099511628211ull;
  return h;
}
std::uint64_t fnv_byte(std::uint64_t h, std::uint8_t b) { return (h ^ b) * 1099511628211ull; }

/// The hash state after the account (its length too, so the parts cannot run into each other).
std::uint64_t account_state(std::string_view account) {
  return fnv_byte(fnv(kFnvOffset, account), static_cast<std::uint8_t>(account.size()));
}
std::int64_t entry_key(std::uint64_t account, std::uint8_t code, std::string_view value) {
  std::uint64_t h = fnv(fnv_byte(account, code), value);
  h ^= h >> 33;  // murmur3's finalizer: spreads FNV's weak high bits
  h *= 0xff51afd7ed558ccdull;
  h ^= h >> 33;
  h *= 0xc4ceb9fe1a85ec53ull;
  h ^= h >> 33;
  return static_cast<std::int64_t>(h);
}

void add_entries(const Record& r, std::int64_t time, std::int64_t sequence,
                 std::vector<Entry>& out) {
  const std::uint64_t a = account_state(r.account);
  auto add = [&](std::uint8_t code, std::string_view value) {
    out.push_back(Entry{entry_key(a, code, value), time, sequence});
  };
  add(kEveryRecord, "");
  add(key_code(Attribute::EventId), r.event_id);
  add(key_code(Attribute::EventName), r.event_name);
  add(key_code(Attribute::Username), r.username);
  add(key_code(Attribute::AccessKeyId), r.access_key_id);
  add(key_code(Attribute::EventSource), r.event_source);
  add(key_code(Attribute::ReadOnly), r.read_only ? "true" : "false");
  for (const ResourceRef& ref : r.resources) {
    add(key_code(Attribute::ResourceType), ref.type);
    add(key_code(Attribute::ResourceName), ref.name);
  }
}

/// The entries of `batch`, record i being sequence first + i, in entry order without duplicates
/// (an event naming one resource twice has one entry). Generated newest first, then stably
/// sorted by key alone: a radix sort, much cheaper than comparison sorting thousands of entries.
std::vector<Entry> batch_entries(std::span<const Record> batch, std::int64_t first) {
  std::vector<std::pair<std::int64_t, std::size_t>> newest_first;  // (time, index)
  newest_first.reserve(batch.size());
  for (std::size_t i = 0; i < batch.size(); ++i) newest_first.emplace_back(to_micros(batch[i].time), i);
  std::sort(newest_first.begin(), newest_first.end(), std::greater<>());
  std::vector<Entry> entries;
  entries.reserve(batch.size() * 10);
  for (const auto& [time, i] : newest_first) {
    add_entries(batch[i], time, first + static_cast<std::int64_t>(i), entries);
  }
  radix_sort_by_key(entries);
  entries.erase(std::unique(entries.begin(), entries.end(), entry_equal), entries.end());
  return entries;
}

// --- Batch bodies ------------------------------------------------------------------------------
//
// body = u32 count, u32 offsets[count + 1] (from the start of the body), then the records, each:
// i64 time_us, u8 flags, u32 resource count, then length-prefixed (u32) strings: account,
// event_id, event_name, event_source, username, access_key_id, (type, name) per resource; then
// either the JSON, length-prefixed, or (flag kInFile) where the file sink wrote it: u32 part,
// i64 offset, u32 length. Bodies written before kInFile existed hold 0 or 1 in the flags byte.

constexpr std::uint8_t kReadOnly = 1;
constexpr std::uint8_t kInFile = 2;  // the JSON is in the hour files (Record::file), not here

void put_u32(std::string& out, std::uint32_t v) { out.append(reinterpret_cast<char*>(&v), 4); }
void put_i64(std::string& out, std::int64_t v) { out.append(reinterpret_cast<char*>(&v), 8); }
void put_string(std::string& out, std::string_view s) {
  put_u32(out, static_cast<std::uint32_t>(s.size()));
  out.append(s);
}

void encode_record(const Record& r, std::int64_t time, bool json_in_file, std::string& out) {
  put_i64(out, time);
  out.push_back(static_cast<char>((r.read_only ? kReadOnly : 0) | (json_in_file ? kInFile : 0)));
  put_u32(out, static_cast<std::uint32_t>(r.resources.size()));
  for (std::string_view s :
       {std::string_view(r.account), std::string_view(r.event_id), std::string_view(r.event_name),
        std::string_view(r.event_source), std::string_view(r.username),
        std::string_view(r.access_key_id)}) {
    put_string(out, s);
  }
  for (const ResourceRef& ref : r.resources) {
    put_string(out, ref.type);
    put_string(out, ref.name);
  }
  if (json_in_file) {
    put_u32(out, static_cast<std::uint32_t>(r.file->part));
    put_i64(out, r.file->offset);
    put_u32(out, r.file->length);
  } else {
    put_string(out, r.json);
  }
}

class Decoder {
 public:
  explicit Decoder(std::string_view in) : in_(in) {}
  bool u32(std::uint32_t& v) { return raw(&v, 4); }
  bool i64(std::int64_t& v) { return raw(&v, 8); }
  bool u8(std::uint8_t& v) { return raw(&v, 1); }
  bool string(std::string& s) {
    std::uint32_t n = 0;
    if (!u32(n) || in_.size() < n) return false;
    s.assign(in_.substr(0, n));
    in_.remove_prefix(n);
    return true;
  }

 private:
  bool raw(void* p, std::size_t n) {
    if (in_.size() < n) return false;
    std::memcpy(p, in_.data(), n);
    in_.remove_prefix(n);
    return true;
  }
  std::string_view in_;
};

/// The record, its `json` left empty and `file` set when the JSON is in the hour files.
bool decode_record(std::string_view bytes, Record& r) {
  Decoder d(bytes);
  std::int64_t time = 0;
  std::uint8_t flags = 0;
  std::uint32_t resources = 0;
  if (!d.i64(time) || !d.u8(flags) || !d.u32(resources)) return false;
  r.time = from_micros(time);
  r.read_only = (flags & kReadOnly) != 0;
  for (std::string* s : {&r.account, &r.event_id, &r.event_name, &r.event_source, &r.username,
                         &r.access_key_id}) {
    if (!d.string(*s)) return false;
  }
  if (resources > bytes.size()) return false;
  r.resources.resize(resources);
  for (ResourceRef& ref : r.resources) {
    if (!d.string(ref.type) || !d.string(ref.name)) return false;
  }
  if ((flags & kInFile) == 0) return d.string(r.json);
  std::uint32_t part = 0;
  FileLocation& at = r.file.emplace();
  if (!d.u32(part) || !d.i64(at.offset) || !d.u32(at.length)) return false;
  at.part = static_cast<int>(part);
  return true;
}

// --- Runs --------------------------------------------------------------------------------------

struct RunInfo {
  std::int64_t id;
  std::int64_t first_block;
  std::int64_t last_block;
  BlockFormat format;
};

core::Error damaged_block(std::int64_t id) {
  return service_failure("audit index: block " + std::to_string(id) + " is damaged");
}

/// Loads block `id`'s entries into `out`.
core::Status load_block(Db& db, std::int64_t id, BlockFormat format, std::vector<Entry>& out) {
  auto s = Stmt::of(db, Sql::BlockById);
  if (!s) return s.error();
  s->bind(1, id);
  auto row = s->step();
  if (!row) return row.error();
  if (!*row) return service_failure("audit index: block " + std::to_string(id) + " is missing");
  if (!unpack_block(format, s->blob(0), out)) return damaged_block(id);
  return {};
}

/// Writes sorted entries as a new run, block by block, as they come.
class RunWriter {
 public:
  RunWriter(Db& db, std::int64_t run, std::int64_t& next_block)
      : db_(db), run_(run), next_block_(next_block), first_block_(next_block) {}

  core::Status add(const Entry& e) {
    buffer_.push_back(e);
    min_time_ = std::min(min_time_, e.time);
    max_time_ = std::max(max_time_, e.time);
    if (buffer_.size() == kBlockEntries) return flush();
    return {};
  }

  /// Finishes the run; writes nothing when it got no entries.
  core::Status finish(int level) {
    IAMD_TRY(flush());
    if (next_block_ == first_block_) return {};
    auto s = Stmt::of(db_, Sql::InsertRun);
    if (!s) return s.error();
    s->bind(1, run_).bind(2, level).bind(3, first_block_).bind(4, next_block_ - 1);
    s->bind(5, min_time_).bind(6, max_time_).bind(7, static_cast<std::int64_t>(BlockFormat::Packed));
    return s->run();
  }

  /// A merge's run is built over many transactions, its row in place from the start (level -1,
  /// so no lookup sees it): these say how far it got.
  std::int64_t last_block() const { return next_block_ - 1; }
  std::int64_t min_time() const { return min_time_; }
  std::int64_t max_time() const { return max_time_; }
  bool empty() const { return next_block_ == first_block_ && buffer_.empty(); }

  /// Writes the entries that do not fill a block yet as one.
  core::Status flush() {
    if (buffer_.empty()) return {};
    const Entry& last = buffer_.back();
    auto s = Stmt::of(db_, Sql::InsertBlock);
    if (!s) return s.error();
    s->bind(1, next_block_).bind(2, run_).bind(3, last.key).bind(4, -last.time);
    s->bind(5, -last.sequence);
    packed_.clear();
    pack_block(buffer_, packed_);
    s->bind_blob(6, packed_);
    IAMD_TRY(s->run());
    ++next_block_;
    buffer_.clear();
    return {};
  }

 private:
  Db& db_;
  std::int64_t run_;
  std::int64_t& next_block_;
  std::int64_t first_block_;
  std::vector<Entry> buffer_;
  std::string packed_;
  std::int64_t min_time_ = std::numeric_limits<std::int64_t>::max();
  std::int64_t max_time_ = std::numeric_limits<std::int64_t>::min();
};

/// Merges runs held in memory (each in entry order) into `out`, leaving out the entries
/// `gone(entry)` says are pruned.
template <typename Gone>
core::Status merge_into(std::span<const std::vector<Entry>* const> runs, RunWriter& out, Gone gone) {
  std::vector<std::pair<std::size_t, std::size_t>> heap;  // (run, position)
  auto later = [&](const std::pair<std::size_t, std::size_t>& a,
                   const std::pair<std::size_t, std::size_t>& b) {
    return entry_less((*runs[b.first])[b.second], (*runs[a.first])[a.second]);
  };
  for (std::size_t r = 0; r < runs.size(); ++r) {
    if (!runs[r]->empty()) heap.emplace_back(r, 0);
  }
  std::make_heap(heap.begin(), heap.end(), later);
  while (!heap.empty()) {
    std::pop_heap(heap.begin(), heap.end(), later);
    auto& [r, i] = heap.back();
    const Entry& e = (*runs[r])[i];
    if (!gone(e)) IAMD_TRY(out.add(e));
    if (++i == runs[r]->size()) {
      heap.pop_back();
    } else {
      std::push_heap(heap.begin(), heap.end(), later);
    }
  }
  return {};
}

/// Walks one run's entries in entry order from a starting block, loading a block at a time.
class RunCursor {
 public:
  explicit RunCursor(const RunInfo& run) : run_(run) {}

  /// Starts at the run's first entry.
  core::Status start(Db& db) {
    block_ = run_.first_block;
    i_ = 0;
    return load_block(db, block_, run_.format, entries_);
  }

  /// Starts at the first entry at or after `target` in entry order (done() when none).
  core::Status seek(Db& db, const Entry& target) {
    auto s = Stmt::of(db, Sql::BlockAtOrAfter);
    if (!s) return s.error();
    s->bind(1, run_.id).bind(2, target.key).bind(3, -target.time).bind(4, -target.sequence);
    auto row = s->step();
    if (!row) return row.error();
    entries_.clear();
    i_ = 0;
    if (!*row) return {};
    block_ = s->int64(0);
    if (!unpack_block(run_.format, s->blob(1), entries_)) {
      entries_.clear();
      return damaged_block(block_);
    }
    i_ = static_cast<std::size_t>(
        std::lower_bound(entries_.begin(), entries_.end(), target, entry_less) - entries_.begin());
    return {};
  }

  bool done() const { return i_ >= entries_.size(); }
  const Entry& head() const { return entries_[i_]; }

  core::Status advance(Db& db) {
    if (++i_ < entries_.size()) return {};
    entries_.clear();
    i_ = 0;
    if (block_ >= run_.last_block) return {};
    return load_block(db, ++block_, run_.format, entries_);
  }

 private:
  RunInfo run_;
  std::int64_t block_ = 0;
  std::vector<Entry> entries_;
  std::size_t i_ = 0;
};

core::Result<std::vector<RunInfo>> runs_of(Stmt& s) {
  std::vector<RunInfo> runs;
  while (true) {
    auto row = s.step();
    if (!row) return row.error();
    if (!*row) return runs;
    runs.push_back(RunInfo{s.int64(0), s.int64(1), s.int64(2), BlockFormat{s.int64(3)}});
  }
}

}  // namespace

// A merge under way (SqliteIndex::merge_slices): `fanout` runs of `level` into run `run` of the
// next level, whose blocks take ids from a range reserved at the start.
struct Merge {
  Merge(Db& db, int level, std::vector<RunInfo> inputs, std::int64_t run, std::int64_t first_block)
      : level(level), inputs(std::move(inputs)), run(run), next_block(first_block),
        out(db, run, next_block) {}

  int level;
  std::vector<RunInfo> inputs;
  std::int64_t run;
  std::int64_t next_block;
  RunWriter out;  // after next_block, which it advances
  std::vector<RunCursor> cursors;
  std::vector<std::pair<Entry, std::size_t>> heap;  // the inputs' heads, (entry, cursor)
};

namespace {

/// Takes `run` out of lookups and merges at once (level -2, no times); its blocks are deleted a
/// slice at a time (SqliteIndex::merge_slices), since deleting a large run's at once holds up
/// the writer for seconds.
core::Status retire_run(Db& db, std::int64_t run) {
  auto s = Stmt::of(db, Sql::RetireRun);
  if (!s) return s.error();
  s->bind(1, run);
  return s->run();
}

// --- Records -----------------------------------------------------------------------------------

/// Reads records by sequence from the batch bodies in the segment files.
class RecordReader {
 public:
  explicit RecordReader(Db& db) : db_(db) {}

  /// nullopt when the record cannot be read back: its segment was removed by a prune since the
  /// snapshot began, or a power loss kept the index's commit but not the segment's bytes (an
  /// unwritten range reads as zeros, which decodes to no record or a record of no account).
  core::Result<std::optional<Record>> read(std::int64_t sequence) {
    if (!batch_ || sequence < batch_->first || sequence >= batch_->first + batch_->records) {
      auto found = batch_of(sequence);
      if (!found) return found.error();
      if (!batch_) return std::optional<Record>();
    }
    const std::int64_t index = sequence - batch_->first;
    const int fd = db_.segment(batch_->segment);
    std::uint32_t range[2];
    if (fd < 0 || !read_at(fd, batch_->offset + 4 + 4 * index, range, sizeof range) ||
        range[1] < range[0] || range[1] > batch_->length) {
      return std::optional<Record>();
    }
    buffer_.resize(range[1] - range[0]);
    if (!read_at(fd, batch_->offset + range[0], buffer_.data(), buffer_.size())) {
      return std::optional<Record>();
    }
    Record r;
    if (!decode_record(buffer_, r)) return std::optional<Record>();
    return std::optional<Record>(std::move(r));
  }

 private:
  struct Batch {
    std::int64_t first, records, segment, offset, length;
  };

  core::Status batch_of(std::int64_t sequence) {
    batch_.reset();
    auto s = Stmt::of(db_, Sql::BatchOf);
    if (!s) return s.error();
    s->bind(1, sequence);
    auto row = s->step();
    if (!row) return row.error();
    if (*row) batch_ = Batch{s->int64(0), s->int64(1), s->int64(2), s->int64(3), s->int64(4)};
    if (batch_ && sequence >= batch_->first + batch_->records) batch_.reset();
    return {};
  }

  static bool read_at(int fd, std::int64_t offset, void* out, std::size_t n) {
    auto* p = static_cast<char*>(out);
    while (n > 0) {
      const ssize_t got = ::pread(fd, p, n, offset);
      if (got < 0 && errno == EINTR) continue;
      if (got <= 0) return false;
      p += got;
      n -= static_cast<std::size_t>(got);
      offset += got;
    }
    return true;
  }

  Db& db_;
  std::optional<Batch> batch_;
  std::string buffer_;
};

// --- Opening -----------------------------------------------------------------------------------

std::string likely_cause(const std::string& path) {
  namespace fs = std::filesystem;
  std::error_code ignored;
  fs::path dir = fs::path(path).parent_path();
  if (dir.empty()) dir = ".";
  if (!fs::is_directory(dir, ignored)) return "; directory '" + dir.string() + "' does not exist";
  if (::access(dir.c_str(), W_OK) != 0) return "; directory '" + dir.string() + "' is not writable";
  if (fs::is_directory(path, ignored)) return "; the path is a directory";
  return "";
}

[[noreturn]] void throw_open_failure(const std::string& path, const core::Error& error) {
  throw std::runtime_error("cannot open audit index '" + path + "': " + error.message +
                           likely_cause(path));
}

core::Result<std::int64_t> query_int(Db& db, const char* sql) {
  auto v = db.query_text(sql);
  if (!v) return v.error();
  return *v ? std::stoll(**v) : 0;
}

enum class SchemaAction { Create, Upgrade, None };

// Version 2 to 3: runs say how their blocks are stored (all of version 2's are raw), and the
// state where runs end (version 2 wrote every batch's entries as a run at once).
constexpr const char* kUpgradeFrom2Sql = R"sql(
ALTER TABLE runs ADD COLUMN block_format INTEGER NOT NULL DEFAULT 0;
ALTER TABLE audit_state ADD COLUMN indexed_upto INTEGER NOT NULL DEFAULT 0;
UPDATE audit_state SET indexed_upto = last_sequence;
UPDATE audit_schema SET version = 3;
)sql";

// Checks what the file holds before anything is written to it: a file of another kind must not
// be turned into WAL mode or given our tables. Returns what must be done to the schema.
core::Result<SchemaAction> check_existing_schema(Db& db) {
  // The first statement that reads the file: a file that is not a database fails here.
  auto ours = query_int(
      db, "SELECT count(*) FROM sqlite_master WHERE type = 'table' AND name = 'audit_schema'");
  if (!ours) return ours.error();
  if (*ours == 0) {
    auto any = query_int(db, "SELECT count(*) FROM sqlite_master");
    if (!any) return any.error();
    if (*any != 0) {
      return service_failure("the file is an SQLite database but not an iamd audit index");
    }
    return SchemaAction::Create;
  }
  auto version = query_int(db, "SELECT max(version) FROM audit_schema");
  if (!version) return version.error();
  if (*version > SqliteIndex::kSchemaVersion) {
    return service_failure("audit index schema version " + std::to_string(*version) +
                           " is newer than this iamd supports (" +
                           std::to_string(SqliteIndex::kSchemaVersion) + ")");
  }
  if (*version == 2) return SchemaAction::Upgrade;
  if (*version < SqliteIndex::kSchemaVersion) {
    // Version 1 was never released: no upgrade step. The JSON-lines files are the trail.
    return service_failure("audit index schema version " + std::to_string(*version) +
                           " is no longer supported (this iamd uses version " +
                           std::to_string(SqliteIndex::kSchemaVersion) +
                           "); remove the file to start a new index");
  }
  return SchemaAction::None;
}

constexpr const char* kBusyTimeoutPragma = "PRAGMA busy_timeout = 5000";
constexpr std::size_t kMaxIdleReaders = 4;
// Batch bodies are appended to one segment file until it holds this much; prune removes whole
// segments once no batch refers to them.
constexpr std::int64_t kSegmentBytes = std::int64_t{64} << 20;
// Reserved ahead of a segment's appends at a time (SqliteIndex::preallocate).
constexpr std::int64_t kPreallocateBytes = std::int64_t{8} << 20;

core::Status configure_writer(Db& db) {
  IAMD_TRY(db.exec(kBusyTimeoutPragma));
  auto action = check_existing_schema(db);
  if (!action) return action.error();
  if (*action == SchemaAction::Create) IAMD_TRY(db.exec(kPageSizePragma));
  auto mode = db.query_text("PRAGMA journal_mode = WAL");
  if (!mode) return mode.error();
  if (mode->value_or("") != "wal") {
    return service_failure("cannot enable WAL mode (journal_mode is '" + mode->value_or("") +
                           "')");
  }
  // NORMAL: commits are not synced; WAL keeps the file consistent through a crash of the
  // process, and the JSON-lines files are the trail that must survive power loss.
  IAMD_TRY(db.exec("PRAGMA synchronous = NORMAL"));
  // Checkpoint every 64 MB of WAL (1024 pages of 64 KB); journal_size_limit truncates the WAL
  // file back after a checkpoint. The cache holds the pages being appended to and the upper
  // levels of the B-trees.
  IAMD_TRY(db.exec("PRAGMA wal_autocheckpoint = 1024"));
  IAMD_TRY(db.exec("PRAGMA journal_size_limit = 67108864"));
  IAMD_TRY(db.exec("PRAGMA cache_size = -32768"));
  IAMD_TRY(db.exec("PRAGMA temp_store = MEMORY"));
  if (*action != SchemaAction::None) {
    // IMMEDIATE: two processes opening one file cannot both create or upgrade the tables.
    IAMD_TRY(db.exec("BEGIN IMMEDIATE"));
    Rollback rollback(db);
    auto still = check_existing_schema(db);
    if (!still) return still.error();
    if (*still == SchemaAction::Create) IAMD_TRY(db.exec(kSchemaSql));
    if (*still == SchemaAction::Upgrade) IAMD_TRY(db.exec(kUpgradeFrom2Sql));
    IAMD_TRY(db.exec("COMMIT"));
    rollback.dismiss();
  }
  return {};
}

core::Status configure_reader(Db& db) {
  IAMD_TRY(db.exec(kBusyTimeoutPragma));
  IAMD_TRY(db.exec("PRAGMA query_only = ON"));
  return {};
}

}  // namespace
}  // namespace sqlite_detail

using namespace sqlite_detail;

SqliteIndex::SqliteIndex(const std::string& path, Options options)
    : path_(path), options_(options) {
  if (options_.merge_fanout < 2) options_.merge_fanout = 2;
  if (options_.pending_batches < 1) options_.pending_batches = 1;
  if (options_.merge_work < 1) options_.merge_work = 1;  // merges must move
  if (options_.min_merge_slice < 1) options_.min_merge_slice = 1;
  auto writer = Db::open(path_);
  if (!writer) throw_open_failure(path_, writer.error());
  writer_ = std::move(*writer);
  if (auto configured = configure_writer(*writer_); !configured) {
    throw_open_failure(path_, configured.error());
  }
  {
    auto state = Stmt::of(*writer_, Sql::ReadState);
    if (!state) throw_open_failure(path_, state.error());
    auto row = state->step();
    if (!row) throw_open_failure(path_, row.error());
    if (!*row) throw_open_failure(path_, service_failure("audit_state is empty"));
    last_sequence_ = state->int64(0);
    pruned_before_ = state->int64(1);
    pruned_upto_ = state->int64(2);
    indexed_upto_ = state->int64(3);
  }
  auto runs = query_int(*writer_, "SELECT max(id) FROM runs");
  if (!runs) throw_open_failure(path_, runs.error());
  next_run_ = *runs + 1;
  // Past every block and every run's range: a merge cut short reserved ids it had not used yet.
  auto blocks = query_int(*writer_,
                          "SELECT max(coalesce((SELECT max(id) FROM blocks), 0), "
                          "coalesce((SELECT max(last_block) FROM runs), 0))");
  if (!blocks) throw_open_failure(path_, blocks.error());
  next_block_ = *blocks + 1;
  // Appending resumes where the last committed batch ends: bytes past it are a batch whose
  // transaction never committed.
  auto last = writer_->query_text(
      "SELECT segment || ' ' || (offset + length) FROM batches "
      "ORDER BY first_sequence DESC LIMIT 1");
  if (!last) throw_open_failure(path_, last.error());
  if (*last) {
    long long segment = 0, end = 0;
    std::sscanf((*last)->c_str(), "%lld %lld", &segment, &end);
    segment_ = segment;
    segment_end_ = end;
  }
  auto oldest = query_int(*writer_, "SELECT min(segment) FROM batches");
  if (!oldest) throw_open_failure(path_, oldest.error());
  remove_segments_outside(*last ? *oldest : segment_);
  if (auto opened = open_segment(); !opened) throw_open_failure(path_, opened.error());
  if (auto rebuilt = rebuild_pending(); !rebuilt) throw_open_failure(path_, rebuilt.error());
}

SqliteIndex::~SqliteIndex() {
  // The pending entries as a run, so that the next open has nothing to rebuild. Should this
  // fail, that open rebuilds them.
  if (!pending_->empty()) {
    std::lock_guard lock(writer_mutex_);
    Db& db = *writer_;
    if (run(db, Sql::BeginImmediate)) {
      Rollback rollback(db);
      if (write_pending_run({}, last_sequence_) && commit(std::make_shared<const Pending>())) {
        rollback.dismiss();
      }
    }
  }
  if (segment_fd_ >= 0) ::close(segment_fd_);
}

core::Status SqliteIndex::open_segment() {
  if (segment_fd_ >= 0) ::close(segment_fd_);
  const std::string file = segment_path(path_, segment_);
  segment_fd_ = ::open(file.c_str(), O_WRONLY | O_CREAT | O_CLOEXEC, 0644);
  if (segment_fd_ < 0 || ::ftruncate(segment_fd_, segment_end_) != 0) {
    return service_failure("audit index: cannot open '" + file + "': " + std::strerror(errno));
  }
  preallocated_ = segment_end_;
  write_behind_.reset(segment_end_);
  return {};
}

void SqliteIndex::preallocate(std::int64_t end) {
  if (end <= preallocated_) return;
  // Blocks reserved ahead of the appends (the file's size stays): writing into reserved blocks
  // costs the kernel markedly less than growing the file a batch at a time. A file system
  // without fallocate simply grows as before.
  const std::int64_t ahead = std::min(kSegmentBytes, std::max(end, preallocated_ + kPreallocateBytes));
  if (::fallocate(segment_fd_, FALLOC_FL_KEEP_SIZE, preallocated_, ahead - preallocated_) == 0) {
    preallocated_ = ahead;
  } else {
    preallocated_ = kSegmentBytes;  // not supported here: stop asking
  }
}

void SqliteIndex::remove_segments_outside(std::int64_t keep_from) {
  namespace fs = std::filesystem;
  const fs::path db(path_);
  const std::string prefix = db.filename().string() + "-records-";
  std::error_code ec;
  fs::path dir = db.parent_path();
  if (dir.empty()) dir = ".";
  for (const auto& entry : fs::directory_iterator(dir, ec)) {
    const std::string name = entry.path().filename().string();
    if (!name.starts_with(prefix)) continue;
    const long long n = std::atoll(name.c_str() + prefix.size());
    if (n < keep_from || n > segment_) fs::remove(entry.path(), ec);
  }
}

core::Status SqliteIndex::write(std::span<Record> batch) {
  if (batch.empty()) return {};
  std::lock_guard lock(writer_mutex_);
  Db& db = *writer_;
  const std::int64_t first = last_sequence_ + 1;

  std::string body;
  std::size_t size = 4 + 4 * (batch.size() + 1);
  // The JSON of records the file sink placed is read back from their files (Options::lines).
  auto in_file = [&](const Record& r) { return options_.lines != nullptr && r.file.has_value(); };
  for (const Record& r : batch) size += (in_file(r) ? 0 : r.json.size()) + 256;
  body.reserve(size);
  body.resize(4 + 4 * (batch.size() + 1));
  const auto count = static_cast<std::uint32_t>(batch.size());
  std::memcpy(body.data(), &count, 4);
  std::int64_t max_time = std::numeric_limits<std::int64_t>::min();
  for (std::size_t i = 0; i < batch.size(); ++i) {
    const auto offset = static_cast<std::uint32_t>(body.size());
    std::memcpy(body.data() + 4 + 4 * i, &offset, 4);
    const std::int64_t time = to_micros(batch[i].time);
    max_time = std::max(max_time, time);
    encode_record(batch[i], time, in_file(batch[i]), body);
  }
  const auto end = static_cast<std::uint32_t>(body.size());
  std::memcpy(body.data() + 4 + 4 * batch.size(), &end, 4);
  auto entries = std::make_shared<PendingRun>(batch_entries(batch, first));

  // The body goes to the segment file first, past its committed end: until the transaction
  // below commits, nothing refers to it (and the next write() overwrites it).
  if (segment_end_ > 0 && segment_end_ + static_cast<std::int64_t>(body.size()) > kSegmentBytes) {
    ++segment_;
    segment_end_ = 0;
    IAMD_TRY(open_segment());
  }
  preallocate(segment_end_ + static_cast<std::int64_t>(body.size()));
  for (std::size_t done = 0; done < body.size();) {
    const ssize_t n = ::pwrite(segment_fd_, body.data() + done, body.size() - done,
                               segment_end_ + static_cast<std::int64_t>(done));
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) {
      return service_failure("audit index: cannot write '" + segment_path(path_, segment_) +
                             "': " + std::strerror(errno));
    }
    done += static_cast<std::size_t>(n);
  }

  IAMD_TRY(run(db, Sql::BeginImmediate));
  Rollback rollback(db);
  const std::int64_t run_before = next_run_;
  const std::int64_t block_before = next_block_;
  auto restore = [&] {  // ids handed out in a transaction that did not commit are free again
    next_run_ = run_before;
    next_block_ = block_before;
  };
  auto fail = [&](core::Error e) {
    restore();
    abandon_merges();  // their progress in this transaction is gone with it
    return e;
  };
  {
    auto s = Stmt::of(db, Sql::InsertBatch);
    if (!s) return fail(s.error());
    s->bind(1, first).bind(2, static_cast<std::int64_t>(batch.size())).bind(3, max_time);
    s->bind(4, segment_).bind(5, segment_end_).bind(6, static_cast<std::int64_t>(body.size()));
    if (auto st = s->run(); !st) return fail(st.error());
  }
  const std::int64_t last = first + static_cast<std::int64_t>(batch.size()) - 1;
  // Until pending_batches (or pending_entries) are pending, this batch's entries join them in
  // memory; then they all become one run, in this transaction.
  auto pending = std::make_shared<Pending>(*pending_);
  pending->push_back(entries);
  std::size_t pending_entries = 0;
  for (const auto& run : *pending) pending_entries += run->size();
  const bool write_run = pending->size() >= options_.pending_batches ||
                         pending_entries >= options_.pending_entries;
  if (write_run) {
    if (auto st = write_pending_run(*entries, last); !st) return fail(st.error());
    pending->clear();
  }
  if (auto st = merge_slices(
          std::max(options_.min_merge_slice, options_.merge_work * entries->size()));
      !st) {
    return fail(st.error());
  }
  {
    auto s = Stmt::of(db, Sql::SetLastSequence);
    if (!s) return fail(s.error());
    s->bind(1, last);
    if (auto st = s->run(); !st) return fail(st.error());
  }
  if (auto st = commit(std::move(pending)); !st) return fail(st.error());
  rollback.dismiss();
  // Only now: a failed batch is retried by the broker with the same sequences.
  last_sequence_ = last;
  if (write_run) indexed_upto_ = last;
  segment_end_ += static_cast<std::int64_t>(body.size());
  write_behind_.wrote(segment_fd_, segment_end_);
  return {};
}

core::Status SqliteIndex::commit(std::shared_ptr<const Pending> pending) {
  std::lock_guard lock(snapshot_mutex_);
  IAMD_TRY(run(*writer_, Sql::Commit));
  pending_ = std::move(pending);
  return {};
}

core::Status SqliteIndex::write_pending_run(const std::vector<IndexEntry>& also,
                                            std::int64_t upto) {
  std::vector<const std::vector<Entry>*> runs;
  for (const auto& run : *pending_) runs.push_back(run.get());
  runs.push_back(&also);
  {
    RunWriter out(*writer_, next_run_++, next_block_);
    IAMD_TRY(merge_into(runs, out, [&](const Entry& e) {
      return e.sequence <= pruned_upto_ && e.time < pruned_before_;
    }));
    IAMD_TRY(out.finish(0));
  }
  levels_to_check_.insert(0);
  auto s = Stmt::of(*writer_, Sql::SetIndexedUpto);
  if (!s) return s.error();
  s->bind(1, upto);
  return s->run();
}

core::Status SqliteIndex::rebuild_pending() {
  Db& db = *writer_;
  std::vector<std::pair<std::int64_t, std::int64_t>> batches;  // (first sequence, records)
  {
    auto s = Stmt::of(db, Sql::BatchesAfter);
    if (!s) return s.error();
    s->bind(1, indexed_upto_);
    while (true) {
      auto row = s->step();
      if (!row) return row.error();
      if (!*row) break;
      batches.emplace_back(s->int64(0), s->int64(1));
    }
  }
  auto pending = std::make_shared<Pending>();
  RecordReader reader(db);
  for (const auto& [first, records] : batches) {
    auto run = std::make_shared<PendingRun>();
    for (std::int64_t sequence = std::max(first, indexed_upto_ + 1); sequence < first + records;
         ++sequence) {
      auto record = reader.read(sequence);
      if (!record) return record.error();
      if (!*record) continue;  // lost to a power failure: nothing to find it by
      add_entries(**record, to_micros((*record)->time), sequence, *run);
    }
    std::sort(run->begin(), run->end(), entry_less);
    run->erase(std::unique(run->begin(), run->end(), entry_equal), run->end());
    pending->push_back(std::move(run));
  }
  std::lock_guard lock(snapshot_mutex_);
  pending_ = std::move(pending);
  return {};
}

namespace {

// The heap of a merge orders the inputs' heads, the next in entry order on top.
bool later_head(const std::pair<Entry, std::size_t>& a, const std::pair<Entry, std::size_t>& b) {
  return entry_less(b.first, a.first);
}

}  // namespace

core::Status SqliteIndex::merge_slices(std::size_t budget) {
  Db& db = *writer_;
  const std::size_t budget_given = budget;
  if (drop_abandoned_) {
    auto s = Stmt::of(db, Sql::RunsBeingBuilt);
    if (!s) return s.error();
    auto left = runs_of(*s);
    if (!left) return left.error();
    for (const RunInfo& run : *left) IAMD_TRY(retire_run(db, run.id));
    if (!left->empty()) any_retired_ = true;
    drop_abandoned_ = false;  // set again if this transaction fails (abandon_merges)
  }
  if (check_all_levels_) {
    auto top = query_int(db, "SELECT max(level) FROM runs");
    if (!top) return top.error();
    for (int level = 0; level <= *top; ++level) levels_to_check_.insert(level);
    check_all_levels_ = false;
  }
  for (const int level : levels_to_check_) {
    if (merges_.count(level) != 0) continue;
    auto s = Stmt::of(db, Sql::RunsAtLevel);
    if (!s) return s.error();
    s->bind(1, level);
    auto runs = runs_of(*s);
    if (!runs) return runs.error();
    if (runs->size() < options_.merge_fanout) continue;
    runs->resize(options_.merge_fanout);  // the oldest
    std::int64_t blocks = 0;
    for (const RunInfo& run : *runs) blocks += run.last_block - run.first_block + 1;
    // Each output block is full but the last, so there are no more of them than input blocks.
    // The row claims the whole reserved range from the start, so that an abandoned merge's
    // blocks are all in it without updating it as they are written (the open takes ids past
    // every run's range).
    auto merge = std::make_unique<Merge>(db, level, std::move(*runs), next_run_++, next_block_);
    next_block_ += blocks + 1;
    auto insert = Stmt::of(db, Sql::InsertRun);
    if (!insert) return insert.error();
    insert->bind(1, merge->run).bind(2, -1).bind(3, merge->next_block).bind(4, next_block_ - 1);
    insert->bind(5, std::numeric_limits<std::int64_t>::max());
    insert->bind(6, std::numeric_limits<std::int64_t>::min());
    insert->bind(7, static_cast<std::int64_t>(BlockFormat::Packed));
    IAMD_TRY(insert->run());
    merge->cursors.reserve(merge->inputs.size());
    for (const RunInfo& run : merge->inputs) {
      merge->cursors.emplace_back(run);
      IAMD_TRY(merge->cursors.back().start(db));
    }
    for (std::size_t i = 0; i < merge->cursors.size(); ++i) {
      if (!merge->cursors[i].done()) merge->heap.emplace_back(merge->cursors[i].head(), i);
    }
    std::make_heap(merge->heap.begin(), merge->heap.end(), later_head);
    merges_.emplace(level, std::move(merge));
  }
  levels_to_check_.clear();

  std::vector<int> finished;
  for (auto& [level, m] : merges_) {  // lowest level first: its runs are the most numerous
    if (budget == 0) break;
    for (; budget > 0 && !m->heap.empty(); --budget) {
      std::pop_heap(m->heap.begin(), m->heap.end(), later_head);
      const Entry e = m->heap.back().first;
      RunCursor& c = m->cursors[m->heap.back().second];
      // Entries of pruned records go.
      if (!(e.sequence <= pruned_upto_ && e.time < pruned_before_)) IAMD_TRY(m->out.add(e));
      IAMD_TRY(c.advance(db));
      if (c.done()) {
        m->heap.pop_back();
      } else {
        m->heap.back().first = c.head();
        std::push_heap(m->heap.begin(), m->heap.end(), later_head);
      }
    }
    if (!m->heap.empty()) continue;
    IAMD_TRY(m->out.flush());
    if (m->out.empty()) {  // every entry was pruned
      auto s = Stmt::of(db, Sql::DeleteRun);
      if (!s) return s.error();
      s->bind(1, m->run);
      IAMD_TRY(s->run());
    } else {
      auto s = Stmt::of(db, Sql::CompleteRun);
      if (!s) return s.error();
      s->bind(1, m->run).bind(2, level + 1).bind(3, m->out.last_block());
      s->bind(4, m->out.min_time()).bind(5, m->out.max_time());
      s->bind(6, static_cast<std::int64_t>(BlockFormat::Packed));
      IAMD_TRY(s->run());
    }
    for (const RunInfo& run : m->inputs) IAMD_TRY(retire_run(db, run.id));
    any_retired_ = true;
    finished.push_back(level);
  }
  for (const int level : finished) {
    merges_.erase(level);
    levels_to_check_.insert(level);  // runs may have piled up meanwhile
    levels_to_check_.insert(level + 1);
  }
  // Blocks of retired runs, as many as the merges may have retired in this slice, and some.
  return delete_retired_blocks(static_cast<std::int64_t>(budget_given / kBlockEntries) * 2 + 16);
}

core::Status SqliteIndex::delete_retired_blocks(std::int64_t blocks) {
  Db& db = *writer_;
  while (blocks > 0) {
    if (!any_retired_) return {};
    auto s = Stmt::of(db, Sql::FirstRetired);
    if (!s) return s.error();
    auto runs = runs_of(*s);
    if (!runs) return runs.error();
    if (runs->empty()) {
      any_retired_ = false;  // until a run is retired again
      return {};
    }
    const RunInfo& run = runs->front();
    const std::int64_t last = std::min(run.last_block, run.first_block + blocks - 1);
    auto del = Stmt::of(db, Sql::DeleteBlocks);
    if (!del) return del.error();
    del->bind(1, run.first_block).bind(2, last);
    IAMD_TRY(del->run());
    blocks -= last - run.first_block + 1;
    if (last == run.last_block) {
      auto drop = Stmt::of(db, Sql::DeleteRun);
      if (!drop) return drop.error();
      drop->bind(1, run.id);
      IAMD_TRY(drop->run());
    } else {
      auto move = Stmt::of(db, Sql::SetRunStart);
      if (!move) return move.error();
      move->bind(1, run.id).bind(2, last + 1);
      IAMD_TRY(move->run());
    }
  }
  return {};
}

void SqliteIndex::abandon_merges() {
  merges_.clear();
  drop_abandoned_ = true;
  check_all_levels_ = true;
  any_retired_ = true;
}

void SqliteIndex::maintain(core::TimePoint /*now*/) {}

core::Status SqliteIndex::prune(core::TimePoint before) {
  const std::int64_t cutoff = to_micros(before);
  std::lock_guard lock(writer_mutex_);
  Db& db = *writer_;
  IAMD_TRY(run(db, Sql::BeginImmediate));
  Rollback rollback(db);
  // Lookups skip entries of records up to pruned_upto older than pruned_before at once; whole
  // batches of such records are dropped now and runs retired (their blocks go a slice per
  // write), the rest as their runs are merged.
  const std::int64_t pruned_before = std::max(pruned_before_, cutoff);
  {
    auto s = Stmt::of(db, Sql::SetPruned);
    if (!s) return s.error();
    s->bind(1, pruned_before).bind(2, last_sequence_);
    IAMD_TRY(s->run());
  }
  {
    auto s = Stmt::of(db, Sql::PruneBatches);
    if (!s) return s.error();
    s->bind(1, pruned_before);
    IAMD_TRY(s->run());
  }
  std::vector<RunInfo> old;
  {
    auto s = Stmt::of(db, Sql::RunsBefore);
    if (!s) return s.error();
    s->bind(1, pruned_before);
    auto runs = runs_of(*s);
    if (!runs) return runs.error();
    old = std::move(*runs);
  }
  for (const RunInfo& r : old) IAMD_TRY(retire_run(db, r.id));
  IAMD_TRY(run(db, Sql::Commit));
  if (!old.empty()) any_retired_ = true;
  rollback.dismiss();
  // Their inputs, or the rows of the runs they build (level -1, no times), may be gone.
  abandon_merges();
  pruned_before_ = pruned_before;
  pruned_upto_ = last_sequence_;
  // Segments no batch refers to any more. A reader whose snapshot predates the commit may still
  // want one: it then finds the records gone, as they are (RecordReader::read).
  auto oldest = query_int(db, "SELECT min(segment) FROM batches");
  if (oldest) remove_segments_outside(*oldest != 0 ? *oldest : segment_);
  return {};
}

core::Result<std::unique_ptr<Db>> SqliteIndex::acquire_reader() {
  {
    std::lock_guard lock(readers_mutex_);
    if (!idle_readers_.empty()) {
      auto reader = std::move(idle_readers_.back());
      idle_readers_.pop_back();
      return reader;
    }
  }
  auto reader = Db::open(path_);  // outside the lock: opening touches the file system
  if (!reader) return reader.error();
  IAMD_TRY(configure_reader(**reader));
  return reader;
}

void SqliteIndex::release_reader(std::unique_ptr<Db> reader) {
  // Its ROLLBACK failed: close it rather than reuse it.
  if (!sqlite3_get_autocommit(reader->handle())) return;
  std::lock_guard lock(readers_mutex_);
  if (idle_readers_.size() < kMaxIdleReaders) idle_readers_.push_back(std::move(reader));
}

core::Result<Page> SqliteIndex::lookup(const Query& query) {
  auto reader = acquire_reader();
  if (!reader) return reader.error();
  std::unique_ptr<Db> db = std::move(*reader);
  core::Result<Page> page = lookup_on(*db, query);
  release_reader(std::move(db));
  return page;
}

core::Result<Page> SqliteIndex::lookup_on(Db& db, const Query& query) {
  Page page;
  if (query.limit == 0) return page;
  const ScanBounds b = scan_bounds(query);
  if (b.window.first > b.window.last) return page;
  if (query.attribute && query.attribute->first == Attribute::ReadOnly &&
      query.attribute->second != "true" && query.attribute->second != "false") {
    return page;  // matches no record
  }
  const std::int64_t key =
      query.attribute ? entry_key(account_state(query.account), key_code(query.attribute->first),
                                  query.attribute->second)
                      : entry_key(account_state(query.account), kEveryRecord, "");

  // One snapshot for the state, the runs, their blocks and the records, and with it the pending
  // entries: the database's snapshot begins with its first read, taken here as one step with
  // pending_ (SqliteIndex::commit).
  IAMD_TRY(run(db, Sql::Begin));
  Rollback end_snapshot(db);
  std::int64_t pruned_before = 0;
  std::int64_t pruned_upto = 0;
  std::shared_ptr<const Pending> pending;
  {
    std::lock_guard lock(snapshot_mutex_);
    pending = pending_;
    auto s = Stmt::of(db, Sql::ReadState);
    if (!s) return s.error();
    auto row = s->step();
    if (!row) return row.error();
    if (!*row) return service_failure("audit index: audit_state is empty");
    pruned_before = s->int64(1);
    pruned_upto = s->int64(2);
  }
  std::vector<RunInfo> runs;
  {
    auto s = Stmt::of(db, Sql::RunsOverlapping);
    if (!s) return s.error();
    s->bind(1, b.window.first).bind(2, b.window.last);
    auto found = runs_of(*s);
    if (!found) return found.error();
    runs = std::move(*found);
  }
  // The first entry after the cursor: (key, window.last, below_sequence - 1) in entry order.
  const Entry target{key, b.window.last, b.below_sequence - 1};
  std::vector<RunCursor> cursors;
  cursors.reserve(runs.size());
  for (const RunInfo& r : runs) {
    cursors.emplace_back(r);
    IAMD_TRY(cursors.back().seek(db, target));
  }
  struct MemoryCursor {
    const PendingRun* run;
    std::size_t i;
  };
  std::vector<MemoryCursor> memory;
  for (const auto& run : *pending) {
    const auto at = std::lower_bound(run->begin(), run->end(), target, entry_less);
    memory.push_back(MemoryCursor{run.get(), static_cast<std::size_t>(at - run->begin())});
  }
  auto live = [&](const Entry& head) {
    return head.key == key && head.time >= b.window.first;
  };
  RecordReader reader(db);
  Cursor last_taken;
  while (true) {
    // The next entry of all runs, on disk and in memory.
    const Entry* next = nullptr;
    RunCursor* on_disk = nullptr;
    MemoryCursor* in_memory = nullptr;
    for (RunCursor& c : cursors) {
      if (!c.done() && live(c.head()) && (!next || entry_less(c.head(), *next))) {
        next = &c.head();
        on_disk = &c;
      }
    }
    for (MemoryCursor& c : memory) {
      if (c.i < c.run->size() && live((*c.run)[c.i]) && (!next || entry_less((*c.run)[c.i], *next))) {
        next = &(*c.run)[c.i];
        in_memory = &c;
        on_disk = nullptr;
      }
    }
    if (!next) break;
    const Entry e = *next;
    if (on_disk != nullptr) {
      IAMD_TRY(on_disk->advance(db));
    } else {
      ++in_memory->i;
    }
    if (e.sequence <= pruned_upto && e.time < pruned_before) continue;
    auto record = reader.read(e.sequence);
    if (!record) return record.error();
    if (!*record || !matches(**record, query)) continue;  // lost, or a hash collision
    if (page.records.size() == query.limit) {  // one more matches: there is a next page
      page.next = last_taken;
      break;
    }
    if ((*record)->file) {
      if (options_.lines == nullptr) continue;
      auto json = options_.lines->read(**record);
      if (!json) continue;  // its file is gone or damaged: lost, as above
      (*record)->json = std::move(*json);
      (*record)->file.reset();
    }
    page.records.push_back(std::move(**record));
    last_taken = Cursor{e.time, e.sequence};
  }
  return page;
}

}  // namespace iamd::audit
