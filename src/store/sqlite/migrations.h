#pragma once
// Schema migrations: numbered SQL files (migrations/0001_kv.sql, ...) compiled into the binary and
// applied in order when a store opens. The applied versions are recorded in
//   schema_migrations(version INTEGER PRIMARY KEY, applied_at TEXT)
// which is an on-disk format: never rename it or change its columns.

#include <span>
#include <string_view>

#include "core/result.h"
#include "store/sqlite/connection.h"

namespace iamd::store::sqlite {

struct Migration {
  int version;            // 1, 2, ... without gaps (checked by CMake when it embeds the files)
  std::string_view name;  // the file name, for messages
  std::string_view sql;   // one or more statements
};

/// The migrations compiled into this binary, in ascending version order.
std::span<const Migration> embedded_migrations();

/// The schema version this binary produces: the highest embedded migration's version.
int latest_schema_version();

/// Brings the database on `connection` up to latest_schema_version() in one IMMEDIATE transaction,
/// so a crash mid-way leaves the previous version intact. Fails with ServiceFailure, changing
/// nothing, when the database's version is newer than this binary knows or a migration fails.
core::Status migrate(Connection& connection);

}  // namespace iamd::store::sqlite
