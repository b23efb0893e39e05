#pragma once
// The queryable copy of the audit trail: records filed by account and time, and by the attributes
// LookupEvents looks up (spec/sts-federation.md §10.3). An Index is a Sink, fed by the broker's
// writer thread; lookup() may run concurrently from request threads.
//
// Implementations: sqlite_index.h (embedded; its own database file beside the store's, so that
// audit writes never wait for, nor invalidate, the entity store) and memory_index.h (tests).

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "audit/record.h"
#include "audit/sink.h"
#include "core/clock.h"
#include "core/result.h"

namespace iamd::audit {

/// LookupEvents' AttributeKey values.
enum class Attribute {
  EventId, EventName, ReadOnly, Username, ResourceType, ResourceName, EventSource, AccessKeyId
};

/// Where a page ended: the next page starts strictly after this (time, then sequence, descending).
struct Cursor {
  std::int64_t time_us = 0;
  std::int64_t sequence = 0;
};

struct Query {
  std::string account;  // only this account's records
  std::optional<std::pair<Attribute, std::string>> attribute;  // exact, case-sensitive match
  core::TimePoint start;  // inclusive, compared at whole seconds as eventTime shows them
  core::TimePoint end;    // inclusive, compared at whole seconds
  std::size_t limit = 50;
  std::optional<Cursor> after;
};

struct Page {
  std::vector<Record> records;  // newest first
  std::optional<Cursor> next;   // set only when at least one more record matches (the last
                                // record's position: pass it as Query::after for the next page)
};

/// Reads a record's line back from where the file sink wrote it (Record::file), so that an index
/// need not keep a second copy. Called from request threads: must be thread-safe.
class LineReader {
 public:
  virtual ~LineReader() = default;
  /// The record's JSON, or nullopt when it cannot be read back (its file removed by retention, or
  /// damaged, or its bytes lost to a power failure).
  virtual std::optional<std::string> read(const Record& record) = 0;
};

class Index : public Sink {
 public:
  virtual core::Result<Page> lookup(const Query& query) = 0;
  /// Removes records older than `before` (the retention setting).
  virtual core::Status prune(core::TimePoint before) = 0;
};

}  // namespace iamd::audit
