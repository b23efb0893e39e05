#pragma once
// The on-disk layout of the audit trail's JSON-lines files, shared by the writer (file_sink.h) and
// the reader (tail.h). One file per account per UTC hour:
//
//   <dir>/<account>/<YYYY>/<MM>/<DD>/<account>_CloudTrail_<YYYYMMDD>T<HH>Z[_<n>].jsonl[.gz]
//
// `.jsonl` is the hour being written (one record per line); once the hour has ended it becomes
// `.jsonl.gz` (written as `.jsonl.gz.tmp`, then renamed). A record that arrives after its hour was
// compressed goes to a part file `_<n>.jsonl` (n = 1, 2, ...), compressed in turn.
// This layout is a stored format that operators' scripts read: never change it silently.

#include <filesystem>
#include <optional>
#include <string>
#include <string_view>

#include "core/clock.h"

namespace iamd::audit {

enum class HourFileKind { Plain, Gzip, Temp };

/// One file of the layout, as its name describes it.
struct HourFile {
  std::string account;
  core::TimePoint hour;  // the start of the UTC hour the file's records belong to
  int part = 0;          // 0 for the first file of the hour
  HourFileKind kind = HourFileKind::Plain;
};

/// Whether `account` may name a directory: 1-64 of [A-Za-z0-9_-] (account ids are 12 digits).
bool valid_account(std::string_view account);

/// The directory a record of `account` is filed under: the account itself, or "unknown" when it
/// cannot name a directory (such records are filed rather than refused: refusing would stall the
/// trail, since the broker retries forever).
std::string_view file_account(std::string_view account);

/// The start of the UTC hour that holds `t`.
core::TimePoint hour_of(core::TimePoint t);

/// "<account>/<YYYY>/<MM>/<DD>" for the hour, relative to the audit directory.
std::filesystem::path hour_dir(std::string_view account, core::TimePoint hour);

/// The file's name (no directory), e.g. "123456789012_CloudTrail_20240102T03Z_1.jsonl.gz".
std::string hour_file_name(const HourFile& file);

/// The file's path relative to the audit directory: hour_dir / hour_file_name.
std::filesystem::path hour_file_path(const HourFile& file);

/// Parses a file name of the layout; nullopt for any other name.
std::optional<HourFile> parse_hour_file_name(std::string_view name);

}  // namespace iamd::audit
