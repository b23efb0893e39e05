#include "audit/sqlite_index.h"

#include <unistd.h>

#include <algorithm>
#include <filesystem>
#include <limits>
#include <stdexcept>
#include <utility>

#include "audit/index_util.h"
#include "store/sqlite/connection.h"

namespace iamd::audit {

using store::sqlite::Connection;
using store::sqlite::RollbackGuard;
using store::sqlite::Statement;

namespace {

// Schema version 1. An on-disk format: never change it in place. A change is version 2, with an
// upgrade step in ensure_schema() (version 1 files exist on operators' disks).
//
//   events       one row per record; events_by_time serves lookups without an attribute, and
//                the EventSource / ReadOnly / ResourceType ones as filtered scans (few distinct
//                values: an index would cost every write and narrow little).
//   resources    a record's resources in order.
//   attributes   (day, account, attribute, value, time_us, sequence): the entries that make
//                EventId, EventName, Username, AccessKeyId and ResourceName lookups range scans
//                within (account, attribute, value, time), one range per day. Added in bulk,
//                sorted (index_tail), so that a commit dirties few pages; leading with the day
//                keeps the bulk inserts within today's part of the tree and makes prune a range
//                delete. `attribute` codes are on-disk values (kAttributeCode).
//   audit_state  indexed_upto: every event up to this sequence has its attributes rows; the
//                later ones (the tail) are found by a scan of events_by_time from
//                tail_min_time_us, the earliest time among them (NULL when there is no tail).
//
// Rowid-table indexes end in the rowid (sequence) and WITHOUT ROWID keys end in sequence, so
// (time_us DESC, sequence DESC) is index order and no lookup sorts.
constexpr const char* kSchemaSql = R"sql(
CREATE TABLE audit_schema (version INTEGER NOT NULL);
CREATE TABLE audit_state (indexed_upto INTEGER NOT NULL, tail_min_time_us INTEGER);
CREATE TABLE events (
  sequence      INTEGER PRIMARY KEY,
  account       TEXT NOT NULL,
  time_us       INTEGER NOT NULL,
  event_id      TEXT NOT NULL,
  event_name    TEXT NOT NULL,
  event_source  TEXT NOT NULL,
  username      TEXT NOT NULL,
  access_key_id TEXT NOT NULL,
  read_only     INTEGER NOT NULL,
  record        TEXT NOT NULL
);
CREATE INDEX events_by_time ON events(account, time_us);
CREATE TABLE resources (
  sequence INTEGER NOT NULL,
  position INTEGER NOT NULL,
  account  TEXT NOT NULL,
  time_us  INTEGER NOT NULL,
  type     TEXT NOT NULL,
  name     TEXT NOT NULL,
  PRIMARY KEY (sequence, position)
) WITHOUT ROWID;
CREATE TABLE attributes (
  day       INTEGER NOT NULL,
  account   TEXT NOT NULL,
  attribute INTEGER NOT NULL,
  value     TEXT NOT NULL,
  time_us   INTEGER NOT NULL,
  sequence  INTEGER NOT NULL,
  PRIMARY KEY (day, account, attribute, value, time_us, sequence)
) WITHOUT ROWID;
INSERT INTO audit_state(indexed_upto, tail_min_time_us) VALUES (0, NULL);
INSERT INTO audit_schema(version) VALUES (1);
)sql";

constexpr std::int64_t kMicrosPerDay = 86'400'000'000;
// The day an attributes row is filed under. Truncating division, the same as SQLite's integer
// '/' in kIndexTailSql: monotonic in t, which is all the day order needs.
std::int64_t day_of(std::int64_t time_us) { return time_us / kMicrosPerDay; }

// On-disk attribute codes; 0 for attributes looked up by scanning.
int attribute_code(Attribute a) {
  switch (a) {
    case Attribute::EventId: return 1;
    case Attribute::EventName: return 2;
    case Attribute::Username: return 3;
    case Attribute::AccessKeyId: return 4;
    case Attribute::ResourceName: return 5;
    case Attribute::ReadOnly:
    case Attribute::ResourceType:
    case Attribute::EventSource: return 0;
  }
  return 0;
}

// ?1: indexed_upto. INSERT OR IGNORE: an event naming one resource twice has one entry.
constexpr std::string_view kIndexTailSql =
    "INSERT OR IGNORE INTO attributes(day, account, attribute, value, time_us, sequence) "
    "SELECT time_us / 86400000000, account, a, v, time_us, sequence FROM ("
    "SELECT account, 1 AS a, event_id AS v, time_us, sequence FROM events WHERE sequence > ?1 "
    "UNION ALL SELECT account, 2, event_name, time_us, sequence FROM events WHERE sequence > ?1 "
    "UNION ALL SELECT account, 3, username, time_us, sequence FROM events WHERE sequence > ?1 "
    "UNION ALL SELECT account, 4, access_key_id, time_us, sequence FROM events "
    "WHERE sequence > ?1 "
    "UNION ALL SELECT account, 5, name, time_us, sequence FROM resources WHERE sequence > ?1"
    ") ORDER BY 1, 2, 3, 4, 5, 6";

constexpr const char* kBusyTimeoutPragma = "PRAGMA busy_timeout = 5000";
constexpr size_t kMaxIdleReaders = 4;

constexpr std::string_view kInsertEvent =
    "INSERT INTO events(sequence, account, time_us, event_id, event_name, event_source, username, "
    "access_key_id, read_only, record) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10)";
constexpr std::string_view kInsertResource =
    "INSERT INTO resources(sequence, position, account, time_us, type, name) "
    "VALUES (?1, ?2, ?3, ?4, ?5, ?6)";

// Scans of events_by_time yielding (time_us, sequence), newest first: ?1 account, ?2 the
// attribute's value, ?3..?4 the inclusive microsecond window, ?5 the cursor's sequence at ?4
// (scan_bounds), ?6 the lowest sequence that may match minus one (0: any; the tail: indexed_upto).
#define IAMD_SCAN(predicate)                                                                   \
  "SELECT e.time_us, e.sequence FROM events e INDEXED BY events_by_time "                      \
  "WHERE e.account = ?1 AND e.time_us >= ?3 AND e.time_us <= ?4 "                              \
  "AND (e.time_us < ?4 OR e.sequence < ?5) AND e.sequence > ?6" predicate                      \
  " ORDER BY e.time_us DESC, e.sequence DESC"

std::string_view scan_sql(std::optional<Attribute> a) {
  if (!a) return IAMD_SCAN("");
  switch (*a) {
    case Attribute::EventId: return IAMD_SCAN(" AND e.event_id = ?2");
    case Attribute::EventName: return IAMD_SCAN(" AND e.event_name = ?2");
    case Attribute::Username: return IAMD_SCAN(" AND e.username = ?2");
    case Attribute::AccessKeyId: return IAMD_SCAN(" AND e.access_key_id = ?2");
    case Attribute::EventSource: return IAMD_SCAN(" AND e.event_source = ?2");
    case Attribute::ReadOnly: return IAMD_SCAN(" AND e.read_only = ?2");
    case Attribute::ResourceType:
      return IAMD_SCAN(
          " AND EXISTS (SELECT 1 FROM resources r WHERE r.sequence = e.sequence AND r.type = ?2)");
    case Attribute::ResourceName:
      return IAMD_SCAN(
          " AND EXISTS (SELECT 1 FROM resources r WHERE r.sequence = e.sequence AND r.name = ?2)");
  }
  return IAMD_SCAN("");
}

#undef IAMD_SCAN

// One day's range of attributes: ?1 day, ?2 account, ?3 attribute code, ?4 value, ?5..?6 the
// window, ?7 the cursor's sequence at ?6.
constexpr std::string_view kAttributeDaySql =
    "SELECT time_us, sequence FROM attributes "
    "WHERE day = ?1 AND account = ?2 AND attribute = ?3 AND value = ?4 "
    "AND time_us >= ?5 AND time_us <= ?6 AND (time_us < ?6 OR sequence < ?7) "
    "ORDER BY time_us DESC, sequence DESC";
// The latest day at or before ?1 that has any attributes rows: days without traffic are skipped.
constexpr std::string_view kDayAtOrBeforeSql = "SELECT max(day) FROM attributes WHERE day <= ?1";

constexpr std::string_view kEventBySequence =
    "SELECT time_us, event_id, event_name, event_source, username, access_key_id, read_only, "
    "record FROM events WHERE sequence = ?1";
constexpr std::string_view kResourcesOf =
    "SELECT type, name FROM resources WHERE sequence = ?1 ORDER BY position";

core::Error service_failure(std::string message) {
  return core::Error{core::ErrorCode::ServiceFailure, std::move(message)};
}

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

/// The first column of the first row of `sql` (no parameters); nullopt for no row or NULL.
core::Result<std::optional<std::int64_t>> query_int(Connection& c, std::string_view sql) {
  auto statement = c.prepare(sql);
  if (!statement) return statement.error();
  auto row = statement->step();
  if (!row) return row.error();
  if (!*row || statement->column_text(0).empty()) return std::optional<std::int64_t>();
  return std::optional<std::int64_t>(statement->column_int64(0));
}

// Checks what the file holds before anything is written to it: a file of another kind must not
// be turned into WAL mode or given our tables. Returns whether the schema must be created.
core::Result<bool> check_existing_schema(Connection& c) {
  // The first statement that reads the file: a file that is not a database fails here.
  auto ours = query_int(
      c, "SELECT count(*) FROM sqlite_master WHERE type = 'table' AND name = 'audit_schema'");
  if (!ours) return ours.error();
  if (ours->value_or(0) == 0) {
    auto any = query_int(c, "SELECT count(*) FROM sqlite_master");
    if (!any) return any.error();
    if (any->value_or(0) != 0) {
      return service_failure("the file is an SQLite database but not an iamd audit index");
    }
    return true;
  }
  auto version = query_int(c, "SELECT max(version) FROM audit_schema");
  if (!version) return version.error();
  if (version->value_or(0) > SqliteIndex::kSchemaVersion) {
    return service_failure("audit index schema version " + std::to_string(**version) +
                           " is newer than this iamd supports (" +
                           std::to_string(SqliteIndex::kSchemaVersion) + ")");
  }
  if (version->value_or(0) < 1) return service_failure("audit index has no schema version");
  return false;
}

core::Status create_schema(Connection& c) {
  // IMMEDIATE: two processes opening one new file cannot both create the tables.
  IAMD_TRY(c.exec("BEGIN IMMEDIATE"));
  RollbackGuard rollback(c);
  auto fresh = check_existing_schema(c);
  if (!fresh) return fresh.error();
  if (*fresh) IAMD_TRY(c.exec(kSchemaSql));
  IAMD_TRY(c.exec("COMMIT"));
  rollback.dismiss();
  return {};
}

core::Status configure_writer(Connection& c) {
  IAMD_TRY(c.exec(kBusyTimeoutPragma));
  auto fresh = check_existing_schema(c);
  if (!fresh) return fresh.error();
  auto mode = c.query_text("PRAGMA journal_mode = WAL");
  if (!mode) return mode.error();
  if (*mode != "wal") {
    return service_failure("cannot enable WAL mode (journal_mode is '" + *mode + "')");
  }
  // NORMAL: commits are not synced; WAL keeps the file consistent, and the JSON-lines files are
  // the trail that must survive power loss.
  IAMD_TRY(c.exec("PRAGMA synchronous = NORMAL"));
  // A bigger cache keeps the hot pages in memory, and a longer WAL lets a checkpoint copy a page
  // rewritten by many commits once (bench/audit_bench.cc: checkpointing every 1000 pages cost
  // about 1.3x per record). journal_size_limit truncates the WAL file back after a checkpoint.
  IAMD_TRY(c.exec("PRAGMA cache_size = -32768"));
  IAMD_TRY(c.exec("PRAGMA wal_autocheckpoint = 8192"));
  IAMD_TRY(c.exec("PRAGMA journal_size_limit = 67108864"));
  if (*fresh) IAMD_TRY(create_schema(c));
  return {};
}

core::Status configure_reader(Connection& c) {
  IAMD_TRY(c.exec(kBusyTimeoutPragma));
  IAMD_TRY(c.exec("PRAGMA query_only = ON"));
  return {};
}

core::Status insert(Connection& c, std::int64_t sequence, const Record& r) {
  const std::int64_t time_us = to_micros(r.time);
  {
    auto s = c.prepare(kInsertEvent);
    if (!s) return s.error();
    IAMD_TRY(s->bind_int64(1, sequence));
    IAMD_TRY(s->bind_text(2, r.account));
    IAMD_TRY(s->bind_int64(3, time_us));
    IAMD_TRY(s->bind_text(4, r.event_id));
    IAMD_TRY(s->bind_text(5, r.event_name));
    IAMD_TRY(s->bind_text(6, r.event_source));
    IAMD_TRY(s->bind_text(7, r.username));
    IAMD_TRY(s->bind_text(8, r.access_key_id));
    IAMD_TRY(s->bind_int64(9, r.read_only ? 1 : 0));
    IAMD_TRY(s->bind_text(10, r.json));
    IAMD_TRY(s->step());
  }
  for (std::size_t i = 0; i < r.resources.size(); ++i) {
    auto s = c.prepare(kInsertResource);
    if (!s) return s.error();
    IAMD_TRY(s->bind_int64(1, sequence));
    IAMD_TRY(s->bind_int64(2, static_cast<std::int64_t>(i)));
    IAMD_TRY(s->bind_text(3, r.account));
    IAMD_TRY(s->bind_int64(4, time_us));
    IAMD_TRY(s->bind_text(5, r.resources[i].type));
    IAMD_TRY(s->bind_text(6, r.resources[i].name));
    IAMD_TRY(s->step());
  }
  return {};
}

core::Status set_state(Connection& c, std::int64_t indexed_upto,
                       std::optional<std::int64_t> tail_min_time_us) {
  auto s = c.prepare("UPDATE audit_state SET indexed_upto = ?1, tail_min_time_us = ?2");
  if (!s) return s.error();
  IAMD_TRY(s->bind_int64(1, indexed_upto));
  // Unbound means NULL (bindings are cleared after every use).
  if (tail_min_time_us) IAMD_TRY(s->bind_int64(2, *tail_min_time_us));
  IAMD_TRY(s->step());
  return {};
}

// --- Lookups ---------------------------------------------------------------------------------

// (time_us, sequence): lookups order by it, newest first.
using Key = std::pair<std::int64_t, std::int64_t>;

/// Keys from one scan statement, newest first.
class ScanStream {
 public:
  /// `min_time_us` raises the window's lower end (the tail's earliest time); `after_sequence`:
  /// only sequences above it.
  static core::Result<ScanStream> open(Connection& c, const Query& q, const ScanBounds& b,
                                       std::int64_t min_time_us, std::int64_t after_sequence) {
    std::optional<Attribute> a;
    if (q.attribute) a = q.attribute->first;
    auto s = c.prepare(scan_sql(a));
    if (!s) return s.error();
    ScanStream stream(std::move(*s));
    Statement& st = *stream.statement_;
    IAMD_TRY(st.bind_text(1, q.account));
    if (a == Attribute::ReadOnly) {
      IAMD_TRY(st.bind_int64(2, q.attribute->second == "true" ? 1 : 0));
    } else if (a) {
      IAMD_TRY(st.bind_text(2, q.attribute->second));
    }
    IAMD_TRY(st.bind_int64(3, std::max(b.window.first, min_time_us)));
    IAMD_TRY(st.bind_int64(4, b.window.last));
    IAMD_TRY(st.bind_int64(5, b.below_sequence));
    IAMD_TRY(st.bind_int64(6, after_sequence));
    IAMD_TRY(stream.advance());
    return stream;
  }

  const std::optional<Key>& head() const { return head_; }

  core::Status advance() {
    auto row = statement_->step();
    if (!row) return row.error();
    head_.reset();
    if (*row) head_ = Key{statement_->column_int64(0), statement_->column_int64(1)};
    return {};
  }

 private:
  explicit ScanStream(Statement statement) : statement_(std::move(statement)) {}
  std::optional<Statement> statement_;
  std::optional<Key> head_;
};

/// Keys from the attributes table, newest first: one range per day with entries, latest first.
class AttributeStream {
 public:
  AttributeStream(Connection& c, const Query& q, const ScanBounds& b)
      : c_(c), q_(q), b_(b), code_(attribute_code(q.attribute->first)),
        next_day_(day_of(b.window.last)) {}

  core::Status start() { return advance(); }
  const std::optional<Key>& head() const { return head_; }

  core::Status advance() {
    head_.reset();
    while (true) {
      if (statement_) {
        auto row = statement_->step();
        if (!row) return row.error();
        if (*row) {
          head_ = Key{statement_->column_int64(0), statement_->column_int64(1)};
          return {};
        }
        statement_.reset();  // this day is done
      }
      if (!next_day_ || *next_day_ < day_of(b_.window.first)) return {};
      auto day = day_at_or_before(*next_day_);
      if (!day) return day.error();
      if (!*day || **day < day_of(b_.window.first)) return {};
      next_day_ = **day - 1;
      auto s = c_.prepare(kAttributeDaySql);
      if (!s) return s.error();
      IAMD_TRY(s->bind_int64(1, **day));
      IAMD_TRY(s->bind_text(2, q_.account));
      IAMD_TRY(s->bind_int64(3, code_));
      IAMD_TRY(s->bind_text(4, q_.attribute->second));
      IAMD_TRY(s->bind_int64(5, b_.window.first));
      IAMD_TRY(s->bind_int64(6, b_.window.last));
      IAMD_TRY(s->bind_int64(7, b_.below_sequence));
      statement_.emplace(std::move(*s));
    }
  }

 private:
  core::Result<std::optional<std::int64_t>> day_at_or_before(std::int64_t day) {
    auto s = c_.prepare(kDayAtOrBeforeSql);
    if (!s) return s.error();
    IAMD_TRY(s->bind_int64(1, day));
    auto row = s->step();
    if (!row) return row.error();
    if (!*row || s->column_text(0).empty()) return std::optional<std::int64_t>();
    return std::optional<std::int64_t>(s->column_int64(0));
  }

  Connection& c_;
  const Query& q_;
  const ScanBounds& b_;
  int code_;
  std::optional<std::int64_t> next_day_;  // the latest day not yet looked at
  std::optional<Statement> statement_;    // the current day's range
  std::optional<Key> head_;
};

/// Up to `limit + 1` keys, newest first, merged from `a` and (when given) `b`.
template <class A, class B>
core::Result<std::vector<Key>> merge(A& a, B* b, std::size_t want) {
  std::vector<Key> keys;
  while (keys.size() < want) {
    const std::optional<Key>& ha = a.head();
    const std::optional<Key>* hb = b ? &b->head() : nullptr;
    const bool take_b = hb && *hb && (!ha || **hb > *ha);
    if (!take_b && !ha) break;
    if (take_b) {
      keys.push_back(**hb);
      IAMD_TRY(b->advance());
    } else {
      keys.push_back(*ha);
      IAMD_TRY(a.advance());
    }
  }
  return keys;
}

core::Result<Record> read_record(Connection& c, const std::string& account, std::int64_t sequence) {
  Record r;
  {
    auto s = c.prepare(kEventBySequence);
    if (!s) return s.error();
    IAMD_TRY(s->bind_int64(1, sequence));
    auto row = s->step();
    if (!row) return row.error();
    if (!*row) {
      return service_failure("audit index: event " + std::to_string(sequence) + " vanished");
    }
    r.account = account;
    r.time = from_micros(s->column_int64(0));
    r.event_id = s->column_text(1);
    r.event_name = s->column_text(2);
    r.event_source = s->column_text(3);
    r.username = s->column_text(4);
    r.access_key_id = s->column_text(5);
    r.read_only = s->column_int64(6) != 0;
    r.json = s->column_text(7);
  }
  auto s = c.prepare(kResourcesOf);
  if (!s) return s.error();
  IAMD_TRY(s->bind_int64(1, sequence));
  while (true) {
    auto row = s->step();
    if (!row) return row.error();
    if (!*row) break;
    r.resources.push_back(
        ResourceRef{std::string(s->column_text(0)), std::string(s->column_text(1))});
  }
  return r;
}

}  // namespace

SqliteIndex::SqliteIndex(const std::string& path, Options options)
    : path_(path), options_(options) {
  if (options_.index_chunk == 0) options_.index_chunk = 1;
  auto writer = Connection::open(path_);
  if (!writer) throw_open_failure(path_, writer.error());
  writer_ = std::move(*writer);
  if (auto configured = configure_writer(*writer_); !configured) {
    throw_open_failure(path_, configured.error());
  }
  auto last = query_int(*writer_, "SELECT max(sequence) FROM events");
  if (!last) throw_open_failure(path_, last.error());
  last_sequence_ = last->value_or(0);
  auto upto = query_int(*writer_, "SELECT indexed_upto FROM audit_state");
  if (!upto) throw_open_failure(path_, upto.error());
  indexed_upto_ = upto->value_or(0);
  auto tail_min = query_int(*writer_, "SELECT tail_min_time_us FROM audit_state");
  if (!tail_min) throw_open_failure(path_, tail_min.error());
  tail_min_time_us_ = *tail_min;
}

SqliteIndex::~SqliteIndex() = default;

core::Status SqliteIndex::index_tail(std::int64_t last_sequence) {
  Connection& c = *writer_;
  auto s = c.prepare(kIndexTailSql);
  if (!s) return s.error();
  IAMD_TRY(s->bind_int64(1, indexed_upto_));
  IAMD_TRY(s->step());
  return set_state(c, last_sequence, std::nullopt);
}

core::Status SqliteIndex::write(std::span<const Record> batch) {
  if (batch.empty()) return {};
  std::lock_guard lock(writer_mutex_);
  Connection& c = *writer_;
  IAMD_TRY(c.run("BEGIN IMMEDIATE"));
  RollbackGuard rollback(c);
  std::int64_t sequence = last_sequence_;
  std::optional<std::int64_t> tail_min = tail_min_time_us_;
  for (const Record& r : batch) {
    IAMD_TRY(insert(c, ++sequence, r));
    const std::int64_t t = to_micros(r.time);
    if (!tail_min || t < *tail_min) tail_min = t;
  }
  const bool index_now =
      static_cast<std::size_t>(sequence - indexed_upto_) >= options_.index_chunk;
  if (index_now) {
    IAMD_TRY(index_tail(sequence));
  } else if (tail_min != tail_min_time_us_) {
    IAMD_TRY(set_state(c, indexed_upto_, tail_min));
  }
  IAMD_TRY(c.run("COMMIT"));
  rollback.dismiss();
  // Only now: a failed batch is retried by the broker with the same sequences.
  last_sequence_ = sequence;
  if (index_now) {
    indexed_upto_ = sequence;
    tail_min_time_us_.reset();
  } else {
    tail_min_time_us_ = tail_min;
  }
  return {};
}

void SqliteIndex::maintain(core::TimePoint /*now*/) {
  std::lock_guard lock(writer_mutex_);
  if (last_sequence_ == indexed_upto_) return;
  Connection& c = *writer_;
  // A failure leaves the tail as it was: lookups still find it, and the next call retries.
  if (!c.run("BEGIN IMMEDIATE")) return;
  RollbackGuard rollback(c);
  if (!index_tail(last_sequence_) || !c.run("COMMIT")) return;
  rollback.dismiss();
  indexed_upto_ = last_sequence_;
  tail_min_time_us_.reset();
}

core::Status SqliteIndex::prune(core::TimePoint before) {
  const std::int64_t cutoff = to_micros(before);
  std::lock_guard lock(writer_mutex_);
  Connection& c = *writer_;
  IAMD_TRY(c.run("BEGIN IMMEDIATE"));
  RollbackGuard rollback(c);
  // Whole days at the front of attributes are one range; the boundary day is filtered.
  {
    auto s = c.prepare("DELETE FROM attributes WHERE day < ?1");
    if (!s) return s.error();
    IAMD_TRY(s->bind_int64(1, day_of(cutoff)));
    IAMD_TRY(s->step());
  }
  {
    auto s = c.prepare("DELETE FROM attributes WHERE day = ?1 AND time_us < ?2");
    if (!s) return s.error();
    IAMD_TRY(s->bind_int64(1, day_of(cutoff)));
    IAMD_TRY(s->bind_int64(2, cutoff));
    IAMD_TRY(s->step());
  }
  // Events account by account, so that each delete is a range of events_by_time (an index on
  // time alone would cost every write for the sake of a periodic task).
  std::optional<std::string> account;
  while (true) {
    {
      auto next = account ? c.prepare("SELECT account FROM events WHERE account > ?1 "
                                      "ORDER BY account LIMIT 1")
                          : c.prepare("SELECT account FROM events ORDER BY account LIMIT 1");
      if (!next) return next.error();
      if (account) IAMD_TRY(next->bind_text(1, *account));
      auto row = next->step();
      if (!row) return row.error();
      if (!*row) break;
      account = std::string(next->column_text(0));
    }
    auto resources = c.prepare(
        "DELETE FROM resources WHERE sequence IN "
        "(SELECT sequence FROM events WHERE account = ?1 AND time_us < ?2)");
    if (!resources) return resources.error();
    IAMD_TRY(resources->bind_text(1, *account));
    IAMD_TRY(resources->bind_int64(2, cutoff));
    IAMD_TRY(resources->step());
    auto events = c.prepare("DELETE FROM events WHERE account = ?1 AND time_us < ?2");
    if (!events) return events.error();
    IAMD_TRY(events->bind_text(1, *account));
    IAMD_TRY(events->bind_int64(2, cutoff));
    IAMD_TRY(events->step());
  }
  // The tail's earliest time may have been pruned; a lower bound stays correct, so it is kept.
  IAMD_TRY(c.run("COMMIT"));
  rollback.dismiss();
  return {};
}

core::Result<std::unique_ptr<Connection>> SqliteIndex::acquire_reader() {
  {
    std::lock_guard lock(readers_mutex_);
    if (!idle_readers_.empty()) {
      auto reader = std::move(idle_readers_.back());
      idle_readers_.pop_back();
      return reader;
    }
  }
  auto reader = Connection::open(path_);  // outside the lock: opening touches the file system
  if (!reader) return reader.error();
  IAMD_TRY(configure_reader(**reader));
  return reader;
}

void SqliteIndex::release_reader(std::unique_ptr<Connection> reader) {
  if (!reader->is_autocommit()) return;  // its ROLLBACK failed: close it rather than reuse it
  std::lock_guard lock(readers_mutex_);
  if (idle_readers_.size() < kMaxIdleReaders) idle_readers_.push_back(std::move(reader));
}

core::Result<Page> SqliteIndex::lookup(const Query& query) {
  auto reader = acquire_reader();
  if (!reader) return reader.error();
  std::unique_ptr<Connection> connection = std::move(*reader);
  core::Result<Page> page = lookup_on(*connection, query);
  release_reader(std::move(connection));
  return page;
}

core::Result<Page> SqliteIndex::lookup_on(Connection& c, const Query& query) {
  Page page;
  if (query.limit == 0) return page;
  const ScanBounds b = scan_bounds(query);
  if (b.window.first > b.window.last) return page;
  if (query.attribute && query.attribute->first == Attribute::ReadOnly &&
      query.attribute->second != "true" && query.attribute->second != "false") {
    return page;  // matches no record
  }

  // One snapshot for the state, the keys, the events and their resources.
  IAMD_TRY(c.run("BEGIN"));
  RollbackGuard end_snapshot(c);
  std::vector<Key> keys;
  const std::size_t want = query.limit + 1;
  if (!query.attribute || attribute_code(query.attribute->first) == 0) {
    auto scan = ScanStream::open(c, query, b, b.window.first, 0);
    if (!scan) return scan.error();
    auto merged = merge(*scan, static_cast<ScanStream*>(nullptr), want);
    if (!merged) return merged.error();
    keys = std::move(*merged);
  } else {
    std::int64_t indexed_upto = 0;
    std::optional<std::int64_t> tail_min;
    {
      auto s = c.prepare("SELECT indexed_upto, tail_min_time_us FROM audit_state");
      if (!s) return s.error();
      auto row = s->step();
      if (!row) return row.error();
      if (!*row) return service_failure("audit index: audit_state is empty");
      indexed_upto = s->column_int64(0);
      if (!s->column_text(1).empty()) tail_min = s->column_int64(1);
    }
    AttributeStream indexed(c, query, b);
    IAMD_TRY(indexed.start());
    std::optional<ScanStream> tail;
    if (tail_min && *tail_min <= b.window.last) {
      auto scan = ScanStream::open(c, query, b, *tail_min, indexed_upto);
      if (!scan) return scan.error();
      tail.emplace(std::move(*scan));
    }
    auto merged = merge(indexed, tail ? &*tail : nullptr, want);
    if (!merged) return merged.error();
    keys = std::move(*merged);
  }

  const std::size_t n = std::min(keys.size(), query.limit);
  for (std::size_t i = 0; i < n; ++i) {
    auto record = read_record(c, query.account, keys[i].second);
    if (!record) return record.error();
    page.records.push_back(std::move(*record));
  }
  if (keys.size() > query.limit) page.next = Cursor{keys[n - 1].first, keys[n - 1].second};
  return page;
}

}  // namespace iamd::audit
