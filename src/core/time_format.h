#pragma once
// The time formats on AWS's wires. GCC 12 lacks chrono::parse, hence hand-written parsers.

#include <optional>
#include <string>
#include <string_view>

#include "core/clock.h"

namespace iamd::core {

/// A moment's calendar date and time of day in UTC (whole seconds, rounded down).
struct CivilTime {
  int year;
  unsigned month;  // 1-12
  unsigned day;    // 1-31
  unsigned hour, minute, second;
};
CivilTime civil_utc(TimePoint t);

/// "2012-05-08T23:34:01Z": IAM/STS response timestamps (whole seconds, UTC).
std::string format_iso8601(TimePoint t);
/// The same appended to `out`, for writers that build a larger text (audit records).
void append_iso8601(std::string& out, TimePoint t);
/// "2012-05-08T23:34:01.123Z": CloudTrail-style timestamps with milliseconds.
std::string format_iso8601_millis(TimePoint t);
/// "20150830T123600Z": SigV4's X-Amz-Date.
std::string format_amz_date(TimePoint t);
/// "Sun, 30 Aug 2015 12:36:00 GMT": the HTTP Date header (RFC 7231 IMF-fixdate).
std::string format_http_date(TimePoint t);

/// Parses "YYYYMMDDTHHMMSSZ"; nullopt unless exactly that shape and a valid date.
std::optional<TimePoint> parse_amz_date(std::string_view s);
/// Parses RFC 7231 IMF-fixdate ("Sun, 30 Aug 2015 12:36:00 GMT").
std::optional<TimePoint> parse_http_date(std::string_view s);
/// Parses ISO 8601 "YYYY-MM-DDTHH:MM:SS[.fff](Z|±HH:MM)" and "YYYY-MM-DD".
std::optional<TimePoint> parse_iso8601(std::string_view s);

}  // namespace iamd::core
