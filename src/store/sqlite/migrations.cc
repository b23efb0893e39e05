#include "store/sqlite/migrations.h"

#include <string>

#include "store/sqlite/embedded_migrations.h"

namespace iamd::store::sqlite {

namespace {

core::Result<int> current_schema_version(Connection& connection) {
  auto statement = connection.prepare("SELECT COALESCE(MAX(version), 0) FROM schema_migrations");
  if (!statement) return statement.error();
  auto row = statement->step();
  if (!row) return row.error();
  return static_cast<int>(statement->column_int64(0));
}

core::Status record_version(Connection& connection, int version) {
  auto statement = connection.prepare(
      "INSERT INTO schema_migrations(version, applied_at) "
      "VALUES(?1, strftime('%Y-%m-%dT%H:%M:%SZ', 'now'))");
  if (!statement) return statement.error();
  IAMD_TRY(statement->bind_int64(1, version));
  auto done = statement->step();
  if (!done) return done.error();
  return {};
}

}  // namespace

std::span<const Migration> embedded_migrations() { return kEmbeddedMigrations; }

int latest_schema_version() { return embedded_migrations().back().version; }

core::Status migrate(Connection& connection) {
  // IMMEDIATE takes the write lock first, so two processes opening one new file cannot both
  // decide to apply the same migration.
  IAMD_TRY(connection.exec("BEGIN IMMEDIATE"));
  RollbackGuard rollback(connection);
  IAMD_TRY(connection.exec(
      "CREATE TABLE IF NOT EXISTS schema_migrations (version INTEGER PRIMARY KEY, applied_at TEXT)"));

  auto current = current_schema_version(connection);
  if (!current) return current.error();
  const int latest = latest_schema_version();
  if (*current > latest) {
    return core::Error{core::ErrorCode::ServiceFailure,
                       "database schema version " + std::to_string(*current) +
                           " is newer than this iamd supports (" + std::to_string(latest) +
                           "); run a newer iamd or restore a backup made by this version"};
  }

  for (const Migration& migration : embedded_migrations()) {
    if (migration.version <= *current) continue;
    if (auto applied = connection.exec(std::string(migration.sql)); !applied) {
      return core::Error{core::ErrorCode::ServiceFailure,
                         "migration " + std::string(migration.name) + ": " +
                             applied.error().message};
    }
    IAMD_TRY(record_version(connection, migration.version));
  }

  IAMD_TRY(connection.exec("COMMIT"));
  rollback.dismiss();
  return {};
}

}  // namespace iamd::store::sqlite
