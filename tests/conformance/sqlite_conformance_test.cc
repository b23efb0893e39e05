// The store conformance suite against SQLite, plus what only a file-backed store must show:
// persistence, migrations, refusing bad files, and durability across kill -9.

#include "store/sqlite/sqlite_store.h"

#include <signal.h>
#include <sqlite3.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstdint>
#include <fstream>

#include "store/sqlite/migrations.h"
#include "store_conformance.h"

namespace iamd::store::conformance {
namespace {

INSTANTIATE_TEST_SUITE_P(Sqlite, StoreConformance,
                         testing::Values(StoreBackend{
                             "sqlite",
                             [](const std::filesystem::path& dir) -> std::unique_ptr<Store> {
                               return std::make_unique<SqliteStore>((dir / "iamd.db").string());
                             }}),
                         backend_name);

// Direct access to the file, bypassing the store, to inspect and tamper with it.
class RawDatabase {
 public:
  explicit RawDatabase(const std::string& path) {
    if (sqlite3_open_v2(path.c_str(), &db_, SQLITE_OPEN_READWRITE, nullptr) != SQLITE_OK) {
      throw std::runtime_error("cannot open " + path);
    }
  }
  ~RawDatabase() { sqlite3_close_v2(db_); }

  void exec(const std::string& sql) {
    char* error = nullptr;
    if (sqlite3_exec(db_, sql.c_str(), nullptr, nullptr, &error) != SQLITE_OK) {
      std::string message = error ? error : "?";
      sqlite3_free(error);
      throw std::runtime_error(sql + ": " + message);
    }
  }

  /// Every row of a query, each column as text.
  std::vector<std::vector<std::string>> rows(const std::string& sql) {
    sqlite3_stmt* stmt = nullptr;
    if (sqlite3_prepare_v2(db_, sql.c_str(), -1, &stmt, nullptr) != SQLITE_OK) {
      throw std::runtime_error(sql + ": " + sqlite3_errmsg(db_));
    }
    std::vector<std::vector<std::string>> out;
    while (sqlite3_step(stmt) == SQLITE_ROW) {
      auto& row = out.emplace_back();
      for (int i = 0; i < sqlite3_column_count(stmt); ++i) {
        const auto* text = reinterpret_cast<const char*>(sqlite3_column_text(stmt, i));
        row.emplace_back(text ? text : "NULL");
      }
    }
    sqlite3_finalize(stmt);
    return out;
  }

 private:
  sqlite3* db_ = nullptr;
};

class SqliteStoreTest : public testing::Test {
 protected:
  void SetUp() override { dir_ = make_scratch_dir(); }
  void TearDown() override {
    std::filesystem::permissions(dir_, std::filesystem::perms::owner_all);
    std::filesystem::remove_all(dir_);
  }

  std::string db_path() const { return (dir_ / "iamd.db").string(); }
  const std::filesystem::path& dir() const { return dir_; }

  static void put_one(Store& store, std::string_view key, std::string_view value) {
    EXPECT_TRUE(succeeded(store.write([&](Transaction& txn) { return txn.put(key, value); })));
  }

  static std::optional<std::string> find(Store& store, std::string_view key) {
    std::optional<std::string> found;
    EXPECT_TRUE(succeeded(store.read([&](Transaction& txn) -> core::Status {
      auto value = txn.get(key);
      if (!value) return value.error();
      found = std::move(*value);
      return {};
    })));
    return found;
  }

  /// The message of the exception opening `path` throws, or "" when it opens.
  static std::string open_failure(const std::string& path) {
    try {
      SqliteStore store(path);
    } catch (const std::runtime_error& error) {
      return error.what();
    }
    return "";
  }

 private:
  std::filesystem::path dir_;
};

TEST_F(SqliteStoreTest, DataSurvivesCloseAndReopen) {
  {
    SqliteStore store(db_path());
    put_one(store, "users/alice", "record");
    put_one(store, "users/bob", "record");
    EXPECT_TRUE(succeeded(store.write([](Transaction& txn) { return txn.erase("users/bob"); })));
  }
  SqliteStore reopened(db_path());
  EXPECT_EQ(find(reopened, "users/alice"), "record");
  EXPECT_EQ(find(reopened, "users/bob"), std::nullopt);
}

TEST_F(SqliteStoreTest, MigrationsTableRecordsVersionOneOnce) {
  { SqliteStore store(db_path()); }
  { SqliteStore again(db_path()); }  // reopening applies nothing twice
  RawDatabase raw(db_path());
  auto applied = raw.rows("SELECT version, applied_at FROM schema_migrations ORDER BY version");
  ASSERT_EQ(applied.size(), 1u);
  EXPECT_EQ(applied[0][0], "1");
  // ISO 8601 UTC, e.g. 2024-05-01T12:00:00Z.
  EXPECT_EQ(applied[0][1].size(), 20u) << applied[0][1];
  EXPECT_EQ(applied[0][1][10], 'T');
  EXPECT_EQ(applied[0][1].back(), 'Z');

  EXPECT_EQ(raw.rows("PRAGMA journal_mode")[0][0], "wal");  // recorded in the file
  auto kv = raw.rows("SELECT sql FROM sqlite_schema WHERE name = 'kv'");
  ASSERT_EQ(kv.size(), 1u);
  EXPECT_NE(kv[0][0].find("WITHOUT ROWID"), std::string::npos);
}

TEST_F(SqliteStoreTest, EmbeddedMigrationsAreNumberedFromOneWithoutGaps) {
  const auto migrations = sqlite::embedded_migrations();
  ASSERT_FALSE(migrations.empty());
  for (size_t i = 0; i < migrations.size(); ++i) {
    EXPECT_EQ(migrations[i].version, static_cast<int>(i + 1)) << migrations[i].name;
    EXPECT_FALSE(migrations[i].sql.empty()) << migrations[i].name;
  }
  EXPECT_EQ(migrations[0].name, "0001_kv.sql");
  EXPECT_EQ(SqliteStore::latest_schema_version(), static_cast<int>(migrations.size()));
}

TEST_F(SqliteStoreTest, DatabaseFromANewerVersionIsRefused) {
  {
    SqliteStore store(db_path());
    put_one(store, "k", "v");
  }
  const int future = SqliteStore::latest_schema_version() + 1;
  RawDatabase(db_path()).exec("INSERT INTO schema_migrations(version, applied_at) VALUES(" +
                              std::to_string(future) + ", '2099-01-01T00:00:00Z')");
  const std::string message = open_failure(db_path());
  EXPECT_NE(message.find("schema version " + std::to_string(future) + " is newer"),
            std::string::npos)
      << message;
  EXPECT_NE(message.find(db_path()), std::string::npos) << message;
  // Refusing changed nothing.
  RawDatabase raw(db_path());
  EXPECT_EQ(raw.rows("SELECT value FROM kv"), (std::vector<std::vector<std::string>>{{"v"}}));
  EXPECT_EQ(raw.rows("SELECT COUNT(*) FROM schema_migrations")[0][0], "2");
}

TEST_F(SqliteStoreTest, FileThatIsNotADatabaseIsRefused) {
  std::ofstream(db_path()) << std::string(4096, 'x') << "this is not an SQLite database\n";
  const std::string message = open_failure(db_path());
  EXPECT_NE(message.find("not a database"), std::string::npos) << message;
}

TEST_F(SqliteStoreTest, MissingDirectoryIsRefused) {
  const std::string path = (dir() / "missing" / "iamd.db").string();
  const std::string message = open_failure(path);
  EXPECT_NE(message.find("directory '" + (dir() / "missing").string() + "' does not exist"),
            std::string::npos)
      << message;
}

TEST_F(SqliteStoreTest, UnwritableDirectoryIsRefused) {
  if (::geteuid() == 0) GTEST_SKIP() << "root ignores directory permissions";
  { SqliteStore store(db_path()); }
  std::filesystem::permissions(dir(), std::filesystem::perms::owner_read |
                                          std::filesystem::perms::owner_exec);
  // A new database cannot be created, and an existing one has no room for its -wal and -shm.
  for (const std::string& path : {db_path(), (dir() / "new.db").string()}) {
    const std::string message = open_failure(path);
    EXPECT_NE(message.find("is not writable"), std::string::npos) << message;
  }
}

TEST_F(SqliteStoreTest, StorageErrorsAreServiceFailuresAndAbortTheTransaction) {
  SqliteStore store(db_path());
  put_one(store, "kept", "v");
  // A trigger makes one insert fail inside SQLite while leaving the transaction open.
  RawDatabase(db_path()).exec(
      "CREATE TRIGGER refuse_boom BEFORE INSERT ON kv WHEN NEW.key = 'boom' "
      "BEGIN SELECT RAISE(ABORT, 'boom refused'); END");

  core::Status boom;
  core::Status after_boom;
  // The fn swallows the failure and claims success; committing "a" and "b" now would make a
  // partial write out of a failed one.
  core::Status status = store.write([&](Transaction& txn) -> core::Status {
    IAMD_TRY(txn.put("a", "1"));
    boom = txn.put("boom", "1");
    after_boom = txn.put("b", "1");
    return {};
  });
  ASSERT_FALSE(boom);
  EXPECT_EQ(boom.error().code, core::ErrorCode::ServiceFailure);
  EXPECT_NE(boom.error().message.find("boom refused"), std::string::npos) << boom.error().message;
  EXPECT_FALSE(after_boom);
  ASSERT_FALSE(status);
  EXPECT_EQ(status.error().code, core::ErrorCode::ServiceFailure);
  EXPECT_EQ(find(store, "a"), std::nullopt);
  EXPECT_EQ(find(store, "b"), std::nullopt);
  EXPECT_EQ(find(store, "kept"), "v");

  // The writer is usable again afterwards.
  put_one(store, "a", "2");
  EXPECT_EQ(find(store, "a"), "2");

  // Reads fail the same way when the table has gone.
  RawDatabase(db_path()).exec("ALTER TABLE kv RENAME TO kv_gone");
  core::Status read = store.read([](Transaction& txn) -> core::Status {
    auto value = txn.get("a");
    if (!value) return value.error();
    return {};
  });
  ASSERT_FALSE(read);
  EXPECT_EQ(read.error().code, core::ErrorCode::ServiceFailure);
  EXPECT_NE(read.error().message.find("no such table"), std::string::npos) << read.error().message;
}

TEST_F(SqliteStoreTest, ManyConcurrentReadersBeyondThePoolSize) {
  SqliteStore store(db_path());
  put_one(store, "k", "v");
  std::atomic<int> wrong{0};
  std::vector<std::thread> readers;
  for (int r = 0; r < 16; ++r) {
    readers.emplace_back([&] {
      for (int i = 0; i < 20; ++i) {
        if (find(store, "k") != "v") wrong.fetch_add(1);
      }
    });
  }
  for (auto& reader : readers) reader.join();
  EXPECT_EQ(wrong.load(), 0);
}

// A child process writes keys one write() at a time and reports each over a pipe only after
// write() has returned; the parent kills it with SIGKILL mid-stream. Every reported key must be
// in the file afterwards. This shows an acknowledged write has reached the OS; surviving power
// loss as well is what synchronous=FULL adds, and a test cannot pull the plug.
TEST_F(SqliteStoreTest, AcknowledgedWritesSurviveSigkill) {
  constexpr std::uint32_t kAcksBeforeKill = 40;
  int pipe_fds[2];
  ASSERT_EQ(::pipe(pipe_fds), 0);
  const pid_t child = ::fork();
  ASSERT_GE(child, 0);
  if (child == 0) {
    // The child: no gtest assertions, and _exit so that no parent state is torn down twice.
    ::close(pipe_fds[0]);
    try {
      SqliteStore store(db_path());
      for (std::uint32_t i = 0;; ++i) {
        core::Status status = store.write([i](Transaction& txn) {
          return txn.put("acked/" + std::to_string(1000000 + i), std::to_string(i));
        });
        if (!status) ::_exit(2);
        if (::write(pipe_fds[1], &i, sizeof i) != sizeof i) ::_exit(3);
      }
    } catch (...) {
      ::_exit(4);
    }
  }

  ::close(pipe_fds[1]);
  std::uint32_t last_acked = 0;
  std::uint32_t acks = 0;
  while (acks < kAcksBeforeKill && ::read(pipe_fds[0], &last_acked, sizeof last_acked) ==
                                       static_cast<ssize_t>(sizeof last_acked)) {
    ++acks;
  }
  ::kill(child, SIGKILL);
  int wait_status = 0;
  ::waitpid(child, &wait_status, 0);
  ::close(pipe_fds[0]);
  ASSERT_TRUE(WIFSIGNALED(wait_status) && WTERMSIG(wait_status) == SIGKILL)
      << "child exited early with code " << WEXITSTATUS(wait_status);
  ASSERT_EQ(acks, kAcksBeforeKill);
  ASSERT_EQ(last_acked, kAcksBeforeKill - 1);

  SqliteStore reopened(db_path());
  for (std::uint32_t i = 0; i <= last_acked; ++i) {
    EXPECT_EQ(find(reopened, "acked/" + std::to_string(1000000 + i)), std::to_string(i));
  }
}

}  // namespace
}  // namespace iamd::store::conformance
