#pragma once
// What every audit::Index implementation computes the same way: the microsecond clock records are
// filed under, the inclusive whole-second window a Query names, and the AttributeKey names.

#include <cstdint>
#include <limits>
#include <optional>
#include <string_view>

#include "audit/index.h"
#include "core/clock.h"

namespace iamd::audit {

/// `t` in whole microseconds since the epoch, rounded down (also before 1970).
std::int64_t to_micros(core::TimePoint t);
core::TimePoint from_micros(std::int64_t us);

/// The microseconds a query's window covers, both ends inclusive: from the first microsecond of
/// start's second to the last microsecond of end's second (eventTime shows whole seconds, so a
/// record at 10:00:00.7 is "at 10:00:00" for StartTime and EndTime alike). `first > last` when
/// the window is empty.
struct MicrosWindow {
  std::int64_t first = 0;
  std::int64_t last = -1;
};
MicrosWindow window_of(const Query& query);

/// The window narrowed to records strictly after `query.after` in (time desc, sequence desc)
/// order: `last` becomes the cursor's time when that is earlier, and then only sequences below
/// `below_sequence` qualify at that very microsecond (the maximum: no such limit).
struct ScanBounds {
  MicrosWindow window;
  std::int64_t below_sequence = std::numeric_limits<std::int64_t>::max();
};
ScanBounds scan_bounds(const Query& query);

/// Whether `r` answers `query`'s account and attribute (the time window is the caller's).
bool matches(const Record& r, const Query& query);

/// The AttributeKey spelled as LookupEvents spells it ("EventName"), and back.
std::string_view attribute_name(Attribute a);
std::optional<Attribute> attribute_from_name(std::string_view name);

}  // namespace iamd::audit
