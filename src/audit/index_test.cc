// One audit::Index suite run against both implementations (memory and SQLite): ordering, the
// inclusive whole-second window, every lookup attribute, account scoping, cursors across equal
// timestamps, prune. Then what only the SQLite file must show: it survives a reopen, refuses
// files that are not its own, and serves lookups while the writer writes.
#include <gtest/gtest.h>
#include <sqlite3.h>
#include <sys/wait.h>
#include <unistd.h>

#include <atomic>
#include <chrono>
#include <filesystem>
#include <fstream>
#include <functional>
#include <limits>
#include <random>
#include <memory>
#include <stdexcept>
#include <string>
#include <thread>
#include <vector>

#include "audit/index_blocks.h"
#include "audit/index_util.h"
#include "audit/memory_index.h"
#include "audit/sqlite_index.h"

namespace iamd::audit {
namespace {

namespace fs = std::filesystem;
using std::chrono::microseconds;
using std::chrono::seconds;

/// A batch handed over whole (Sink::write takes the records by reference, to annotate them).
core::Status write_batch(Index& index, std::vector<Record> batch) { return index.write(batch); }

constexpr std::string_view kAccount = "111111111111";
constexpr std::string_view kOther = "222222222222";

// 2026-01-01T00:00:00Z, plus offsets.
core::TimePoint at(std::int64_t second, std::int64_t micros = 0) {
  return core::TimePoint(seconds(1767225600 + second)) +
         std::chrono::duration_cast<core::TimePoint::duration>(microseconds(micros));
}

Record record(std::string id, core::TimePoint time, std::string_view account = kAccount) {
  Record r;
  r.account = std::string(account);
  r.time = time;
  r.event_id = std::move(id);
  r.event_name = "GetCallerIdentity";
  r.event_source = "sts.amazonaws.com";
  r.username = "alice";
  r.access_key_id = "AKIAALICE";
  r.read_only = true;
  r.json = R"({"eventID":")" + r.event_id + R"("})";
  return r;
}

fs::path scratch_dir() {
  std::string pattern = (fs::temp_directory_path() / "iamd-audit-index-XXXXXX").string();
  if (::mkdtemp(pattern.data()) == nullptr) throw std::runtime_error("mkdtemp failed");
  return pattern;
}

std::vector<std::string> ids(const Page& page) {
  std::vector<std::string> out;
  for (const auto& r : page.records) out.push_back(r.event_id);
  return out;
}

struct Backend {
  std::string name;
  std::function<std::unique_ptr<Index>(const fs::path& dir)> make;
};
void PrintTo(const Backend& b, std::ostream* os) { *os << b.name; }

class IndexConformance : public testing::TestWithParam<Backend> {
 protected:
  void SetUp() override {
    dir_ = scratch_dir();
    index_ = GetParam().make(dir_);
  }
  void TearDown() override {
    index_.reset();
    fs::remove_all(dir_);
  }

  void write(std::vector<Record> batch) {
    auto st = index_->write(batch);
    ASSERT_TRUE(st) << st.error().message;
  }

  Query query(std::optional<std::pair<Attribute, std::string>> attribute = std::nullopt) {
    Query q;
    q.account = std::string(kAccount);
    q.attribute = std::move(attribute);
    q.start = at(-86400);
    q.end = at(10 * 86400);
    return q;
  }

  Page lookup(const Query& q) {
    auto page = index_->lookup(q);
    EXPECT_TRUE(page) << page.error().message;
    return page ? std::move(*page) : Page{};
  }

  std::vector<std::string> find(Attribute a, std::string value) {
    return ids(lookup(query(std::make_pair(a, std::move(value)))));
  }

  /// Every id `q` yields, page by page with `limit` per page.
  std::vector<std::string> all_pages(Query q, std::size_t limit, std::size_t* pages = nullptr) {
    std::vector<std::string> out;
    q.limit = limit;
    std::size_t n = 0;
    while (true) {
      Page page = lookup(q);
      ++n;
      EXPECT_LE(page.records.size(), limit);
      for (auto& id : ids(page)) out.push_back(id);
      if (!page.next) break;
      EXPECT_EQ(page.records.size(), limit) << "a page before the last is full";
      q.after = page.next;
      if (n > 100) break;
    }
    if (pages) *pages = n;
    return out;
  }

  fs::path dir_;
  std::unique_ptr<Index> index_;
};

TEST_P(IndexConformance, EmptyIndexFindsNothing) {
  Page page = lookup(query());
  EXPECT_TRUE(page.records.empty());
  EXPECT_FALSE(page.next);
}

TEST_P(IndexConformance, NewestFirstAndLaterWritesFirstAtEqualTimes) {
  write({record("b", at(2)), record("a", at(1)), record("c", at(3))});
  write({record("c2", at(3)), record("a2", at(1, 500))});
  EXPECT_EQ(ids(lookup(query())), (std::vector<std::string>{"c2", "c", "b", "a2", "a"}));
}

TEST_P(IndexConformance, RecordsComeBackWhole) {
  Record r = record("e1", at(5, 123456));
  r.event_name = "AssumeRole";
  r.read_only = false;
  r.access_key_id = "";
  r.resources = {{"AWS::IAM::Role", "arn:aws:iam::111111111111:role/admin"},
                 {"AWS::IAM::SAMLProvider", "arn:aws:iam::111111111111:saml-provider/idp"}};
  r.json = R"({"eventVersion":"1.08","note":"é \"quoted\""})";
  write({r});
  Page page = lookup(query());
  ASSERT_EQ(page.records.size(), 1u);
  const Record& got = page.records[0];
  EXPECT_EQ(got.account, r.account);
  EXPECT_EQ(got.time, r.time);
  EXPECT_EQ(got.event_id, r.event_id);
  EXPECT_EQ(got.event_name, r.event_name);
  EXPECT_EQ(got.event_source, r.event_source);
  EXPECT_EQ(got.username, r.username);
  EXPECT_EQ(got.access_key_id, "");
  EXPECT_FALSE(got.read_only);
  ASSERT_EQ(got.resources.size(), 2u);
  EXPECT_EQ(got.resources[0].type, "AWS::IAM::Role");
  EXPECT_EQ(got.resources[0].name, r.resources[0].name);
  EXPECT_EQ(got.resources[1].type, "AWS::IAM::SAMLProvider");
  EXPECT_EQ(got.json, r.json);
}

TEST_P(IndexConformance, WindowIsInclusiveAtWholeSeconds) {
  write({record("before", at(9, 999999)), record("start", at(10)), record("mid", at(10, 500000)),
         record("end", at(11, 999999)), record("after", at(12))});
  Query q = query();
  q.start = at(10, 700000);  // the record at 10.000000 still counts: eventTime shows 10
  q.end = at(11, 200000);    // and 11.999999 shows 11
  EXPECT_EQ(ids(lookup(q)), (std::vector<std::string>{"end", "mid", "start"}));
  q.start = at(12);
  q.end = at(12);
  EXPECT_EQ(ids(lookup(q)), (std::vector<std::string>{"after"}));
  q.start = at(13);
  q.end = at(12);
  EXPECT_TRUE(lookup(q).records.empty());
}

TEST_P(IndexConformance, EachAttributeMatchesExactly) {
  Record a = record("id-a", at(1));
  a.event_name = "AssumeRole";
  a.event_source = "sts.amazonaws.com";
  a.username = "alice";
  a.access_key_id = "AKIAALICE";
  a.read_only = false;
  a.resources = {{"AWS::IAM::Role", "arn:aws:iam::111111111111:role/admin"}};
  Record b = record("id-b", at(2));
  b.event_name = "CreateUser";
  b.event_source = "iam.amazonaws.com";
  b.username = "bob";
  b.access_key_id = "ASIABOB";
  b.read_only = false;
  b.resources = {{"AWS::IAM::User", "carol"}, {"AWS::IAM::Role", "carol"}};
  Record c = record("id-c", at(3));  // read-only, no resources
  write({a, b, c});

  using V = std::vector<std::string>;
  EXPECT_EQ(find(Attribute::EventId, "id-b"), V{"id-b"});
  EXPECT_EQ(find(Attribute::EventId, "id-B"), V{});  // case-sensitive
  EXPECT_EQ(find(Attribute::EventName, "AssumeRole"), V{"id-a"});
  EXPECT_EQ(find(Attribute::EventName, "assumerole"), V{});
  EXPECT_EQ(find(Attribute::EventSource, "sts.amazonaws.com"), (V{"id-c", "id-a"}));
  EXPECT_EQ(find(Attribute::Username, "bob"), V{"id-b"});
  EXPECT_EQ(find(Attribute::AccessKeyId, "AKIAALICE"), (V{"id-c", "id-a"}));
  EXPECT_EQ(find(Attribute::ReadOnly, "true"), V{"id-c"});
  EXPECT_EQ(find(Attribute::ReadOnly, "false"), (V{"id-b", "id-a"}));
  EXPECT_EQ(find(Attribute::ReadOnly, "TRUE"), V{});
  EXPECT_EQ(find(Attribute::ResourceType, "AWS::IAM::Role"), (V{"id-b", "id-a"}));
  EXPECT_EQ(find(Attribute::ResourceType, "AWS::IAM::User"), V{"id-b"});
  // b names "carol" twice: it is still one event.
  EXPECT_EQ(find(Attribute::ResourceName, "carol"), V{"id-b"});
  EXPECT_EQ(find(Attribute::ResourceName, "arn:aws:iam::111111111111:role/admin"), V{"id-a"});
  EXPECT_EQ(find(Attribute::ResourceName, "admin"), V{});
  // A matched event still carries every one of its resources.
  Page page = lookup(query(std::make_pair(Attribute::ResourceName, std::string("carol"))));
  ASSERT_EQ(page.records.size(), 1u);
  EXPECT_EQ(page.records[0].resources.size(), 2u);
}

TEST_P(IndexConformance, OnlyTheQueriedAccount) {
  Record mine = record("mine", at(1));
  Record theirs = record("theirs", at(1), kOther);
  theirs.resources = {{"AWS::IAM::Role", "shared"}};
  mine.resources = {{"AWS::IAM::Role", "shared"}};
  write({mine, theirs});
  EXPECT_EQ(ids(lookup(query())), std::vector<std::string>{"mine"});
  EXPECT_EQ(find(Attribute::ResourceName, "shared"), std::vector<std::string>{"mine"});
  EXPECT_EQ(find(Attribute::EventId, "theirs"), std::vector<std::string>{});
  Query q = query();
  q.account = std::string(kOther);
  EXPECT_EQ(ids(lookup(q)), std::vector<std::string>{"theirs"});
}

TEST_P(IndexConformance, CursorsWalkEqualTimestampsWithoutGapsOrRepeats) {
  // Eleven records in one second, several at the very same microsecond, across two batches.
  std::vector<Record> first, second;
  for (int i = 0; i < 6; ++i) {
    first.push_back(record("r" + std::to_string(i), at(7, i < 4 ? 0 : 5)));
  }
  for (int i = 6; i < 11; ++i) second.push_back(record("r" + std::to_string(i), at(7, i % 2)));
  write(first);
  write(second);
  Query q = query();
  q.limit = 50;
  const std::vector<std::string> expected = ids(lookup(q));
  ASSERT_EQ(expected.size(), 11u);
  for (std::size_t limit : {1u, 2u, 3u, 4u, 10u, 11u, 12u}) {
    std::size_t pages = 0;
    EXPECT_EQ(all_pages(query(), limit, &pages), expected) << "limit " << limit;
    EXPECT_EQ(pages, (11 + limit - 1) / limit) << "no empty last page, limit " << limit;
  }
  // The same with an attribute, and with the resources join.
  for (auto& r : first) r.resources = {{"AWS::IAM::Role", "x"}};
  for (auto& r : first) r.event_id += "-again";
  write(first);
  EXPECT_EQ(all_pages(query(std::make_pair(Attribute::ResourceName, std::string("x"))), 4).size(),
            6u);
  EXPECT_EQ(all_pages(query(std::make_pair(Attribute::ResourceType, std::string("AWS::IAM::Role"))),
                      5)
                .size(),
            6u);
  EXPECT_EQ(all_pages(query(std::make_pair(Attribute::EventName,
                                           std::string("GetCallerIdentity"))),
                      3)
                .size(),
            17u);
}

TEST_P(IndexConformance, NextOnlyWhenAnotherRecordMatches) {
  write({record("a", at(1)), record("b", at(2))});
  Query q = query();
  q.limit = 2;
  EXPECT_FALSE(lookup(q).next);
  q.limit = 1;
  Page page = lookup(q);
  ASSERT_TRUE(page.next);
  q.after = page.next;
  page = lookup(q);
  EXPECT_EQ(ids(page), std::vector<std::string>{"a"});
  EXPECT_FALSE(page.next);
}

TEST_P(IndexConformance, CursorAfterTheWindowStillHonoursTheWindow) {
  write({record("a", at(1)), record("b", at(5))});
  Query q = query();
  q.end = at(2);
  q.after = Cursor{to_micros(at(9)), 1000};  // e.g. a cursor from a wider lookup
  EXPECT_EQ(ids(lookup(q)), std::vector<std::string>{"a"});
}

TEST_P(IndexConformance, PruneDropsOlderRecordsAndTheirResources) {
  Record old = record("old", at(1, 999999));
  old.resources = {{"AWS::IAM::Role", "r"}};
  Record kept = record("kept", at(2));
  kept.resources = {{"AWS::IAM::Role", "r"}};
  Record other = record("other-old", at(1), kOther);
  write({old, kept, other});
  auto st = index_->prune(at(2));
  ASSERT_TRUE(st) << st.error().message;
  EXPECT_EQ(ids(lookup(query())), std::vector<std::string>{"kept"});
  EXPECT_EQ(find(Attribute::ResourceName, "r"), std::vector<std::string>{"kept"});
  Query q = query();
  q.account = std::string(kOther);
  EXPECT_TRUE(lookup(q).records.empty());
  // Writing goes on after a prune.
  write({record("new", at(3))});
  EXPECT_EQ(ids(lookup(query())), (std::vector<std::string>{"new", "kept"}));
}

TEST_P(IndexConformance, AttributeLookupsSpanDaysAndSurviveMaintain) {
  // Records over five days with a day of silence, several per day, two matching attributes.
  std::vector<Record> batch;
  int n = 0;
  for (int day : {0, 1, 3, 4}) {
    for (int k = 0; k < 3; ++k) {
      Record r = record("d" + std::to_string(day) + "-" + std::to_string(k),
                        at(day * 86400 + k * 3600, k));
      r.event_name = k % 2 == 0 ? "Even" : "Odd";
      r.resources = {{"AWS::IAM::Role", "role-" + std::to_string(k % 2)}};
      batch.push_back(r);
      ++n;
    }
  }
  write(batch);
  auto check = [&](const char* when) {
    using V = std::vector<std::string>;
    const V even = {"d4-2", "d4-0", "d3-2", "d3-0", "d1-2", "d1-0", "d0-2", "d0-0"};
    EXPECT_EQ(find(Attribute::EventName, "Even"), even) << when;
    EXPECT_EQ(find(Attribute::ResourceName, "role-1"), (V{"d4-1", "d3-1", "d1-1", "d0-1"}))
        << when;
    for (std::size_t limit : {1u, 3u, 7u}) {
      EXPECT_EQ(all_pages(query(std::make_pair(Attribute::EventName, std::string("Even"))), limit),
                even)
          << when << " limit " << limit;
    }
    // A window inside the range, ending and starting mid-day.
    Query q = query(std::make_pair(Attribute::EventName, std::string("Even")));
    q.start = at(86400 + 1800);
    q.end = at(3 * 86400 + 7200);
    EXPECT_EQ(ids(lookup(q)), (V{"d3-2", "d3-0", "d1-2"})) << when;  // both ends inclusive
    EXPECT_EQ(ids(lookup(query())).size(), static_cast<std::size_t>(n)) << when;
  };
  check("before maintain");
  index_->maintain(at(5 * 86400));
  check("after maintain");
  // New records after maintain() are found alongside the earlier ones.
  Record late = record("late", at(4 * 86400 + 7201));
  late.event_name = "Even";
  write({late});
  EXPECT_EQ(find(Attribute::EventName, "Even").front(), "late");
  EXPECT_EQ(find(Attribute::EventName, "Even").size(), 9u);
}

std::string backend_name(const testing::TestParamInfo<Backend>& info) { return info.param.name; }

INSTANTIATE_TEST_SUITE_P(
    Indexes, IndexConformance,
    testing::Values(Backend{"memory", [](const fs::path&) -> std::unique_ptr<Index> {
                              return std::make_unique<MemoryIndex>();
                            }},
                    // The defaults: these small tests' entries all pending, in memory...
                    Backend{"sqlite",
                            [](const fs::path& dir) -> std::unique_ptr<Index> {
                              return std::make_unique<SqliteIndex>((dir / "index.db").string());
                            }},
                    // ...every batch a run, every second batch merged, up several levels...
                    Backend{"sqlite_fanout2",
                            [](const fs::path& dir) -> std::unique_ptr<Index> {
                              return std::make_unique<SqliteIndex>(
                                  (dir / "index.db").string(),
                                  SqliteIndex::Options{.merge_fanout = 2, .pending_batches = 1});
                            }},
                    // ...and merged, unmerged and pending runs mixed.
                    Backend{"sqlite_fanout3",
                            [](const fs::path& dir) -> std::unique_ptr<Index> {
                              return std::make_unique<SqliteIndex>(
                                  (dir / "index.db").string(),
                                  SqliteIndex::Options{.merge_fanout = 3, .pending_batches = 2});
                            }}),
    backend_name);

// --- SQLite only --------------------------------------------------------------------------------

class SqliteIndexFile : public testing::Test {
 protected:
  void SetUp() override { dir_ = scratch_dir(); }
  void TearDown() override { fs::remove_all(dir_); }
  std::string path() const { return (dir_ / "index.db").string(); }

  /// The message SqliteIndex's constructor throws for the file at path(), or "" if it opens.
  std::string open_error() {
    try {
      SqliteIndex index(path());
      return "";
    } catch (const std::runtime_error& e) {
      return e.what();
    }
  }

  void raw_exec(const std::string& sql) {
    sqlite3* db = nullptr;
    ASSERT_EQ(sqlite3_open(path().c_str(), &db), SQLITE_OK);
    char* error = nullptr;
    int rc = sqlite3_exec(db, sql.c_str(), nullptr, nullptr, &error);
    EXPECT_EQ(rc, SQLITE_OK) << (error ? error : "");
    sqlite3_free(error);
    sqlite3_close(db);
  }

  fs::path dir_;
};

Query everything() {
  Query q;
  q.account = std::string(kAccount);
  q.start = at(-86400);
  q.end = at(86400);
  return q;
}

// A batch far larger than the broker's usual ones, records of differing sizes: each comes
// back whole, also after a reopen (which rebuilds the unmerged entries from the bodies).
TEST_F(SqliteIndexFile, ALargeBatchComesBackWhole) {
  std::vector<Record> batch;
  for (int i = 0; i < 1500; ++i) {
    Record r = record("e" + std::to_string(i), at(i));
    r.json = R"({"eventID":")" + r.event_id + R"(","pad":")" + std::string(i % 97, 'x') + R"("})";
    batch.push_back(std::move(r));
  }
  auto check = [&](SqliteIndex& index) {
    Query q = everything();
    q.limit = 50;
    std::size_t seen = 0;
    for (;;) {
      auto page = index.lookup(q);
      ASSERT_TRUE(page);
      for (const Record& got : page->records) {
        const Record& want = batch[batch.size() - 1 - seen++];
        ASSERT_EQ(got.event_id, want.event_id);
        ASSERT_EQ(got.json, want.json);
      }
      if (!page->next) break;
      q.after = page->next;
    }
    EXPECT_EQ(seen, batch.size());
  };
  {
    SqliteIndex index(path());
    ASSERT_TRUE(index.write(batch));
    check(index);
  }
  SqliteIndex reopened(path());
  check(reopened);
}

// Entries stay in memory until pending_batches batches or pending_entries entries are pending,
// whichever comes first; then they are written as a run (audit_state.indexed_upto moves).
TEST_F(SqliteIndexFile, PendingEntriesAreWrittenOnceEitherLimitIsReached) {
  auto indexed_upto = [&] {
    sqlite3* db = nullptr;
    EXPECT_EQ(sqlite3_open(path().c_str(), &db), SQLITE_OK);
    sqlite3_stmt* read = nullptr;
    EXPECT_EQ(sqlite3_prepare_v2(db, "SELECT indexed_upto FROM audit_state", -1, &read, nullptr),
              SQLITE_OK);
    std::int64_t upto = -1;
    if (sqlite3_step(read) == SQLITE_ROW) upto = sqlite3_column_int64(read, 0);
    sqlite3_finalize(read);
    sqlite3_close(db);
    return upto;
  };
  auto batch_of = [](int first, int n) {
    std::vector<Record> batch;
    for (int i = first; i < first + n; ++i) batch.push_back(record("e" + std::to_string(i), at(i)));
    return batch;
  };
  // A record here has 7 entries: 10 records are 70.
  SqliteIndex index(path(), SqliteIndex::Options{.pending_batches = 100, .pending_entries = 100});
  ASSERT_TRUE(write_batch(index, batch_of(0, 10)));
  EXPECT_EQ(indexed_upto(), 0);  // 70 entries pending
  ASSERT_TRUE(write_batch(index, batch_of(10, 10)));
  EXPECT_EQ(indexed_upto(), 20);  // 140: written
  ASSERT_TRUE(write_batch(index, batch_of(20, 1)));
  EXPECT_EQ(indexed_upto(), 20);
  auto page = index.lookup(everything());
  ASSERT_TRUE(page);
  EXPECT_EQ(page->records.size(), 21u);
}

TEST_F(SqliteIndexFile, ReopenKeepsRecordsAndContinuesTheSequence) {
  {
    SqliteIndex index(path());
    Record r = record("first", at(1));
    r.resources = {{"AWS::IAM::Role", "role"}};
    ASSERT_TRUE(write_batch(index, {r}));
  }
  SqliteIndex index(path());
  ASSERT_TRUE(write_batch(index, {record("second", at(1))}));  // same microsecond
  auto page = index.lookup(everything());
  ASSERT_TRUE(page);
  EXPECT_EQ(ids(*page), (std::vector<std::string>{"second", "first"}));
  ASSERT_EQ(page->records[1].resources.size(), 1u);
  EXPECT_EQ(page->records[1].resources[0].name, "role");
}

TEST_F(SqliteIndexFile, ReopenKeepsMergedAndUnmergedRuns) {
  auto named = [](std::string id, std::int64_t second) {
    Record r = record(std::move(id), at(second));
    r.event_name = "Wanted";
    return r;
  };
  const SqliteIndex::Options fanout2{.merge_fanout = 2, .pending_batches = 1};
  {
    SqliteIndex index(path(), fanout2);
    ASSERT_TRUE(write_batch(index, {named("a", 1)}));
    ASSERT_TRUE(write_batch(index, {named("b", 2)}));  // merged with a's run
    ASSERT_TRUE(write_batch(index, {named("c", 3)}));  // a run of its own
  }
  SqliteIndex index(path(), fanout2);
  Query q = everything();
  q.attribute = std::make_pair(Attribute::EventName, std::string("Wanted"));
  auto page = index.lookup(q);
  ASSERT_TRUE(page);
  EXPECT_EQ(ids(*page), (std::vector<std::string>{"c", "b", "a"}));
  ASSERT_TRUE(write_batch(index, {named("d", 4)}));  // merges up two levels
  page = index.lookup(q);
  ASSERT_TRUE(page);
  EXPECT_EQ(ids(*page), (std::vector<std::string>{"d", "c", "b", "a"}));
}

TEST_F(SqliteIndexFile, ReopenCutsOffBytesNoCommitReferences) {
  const std::string segment = path() + "-records-000001";
  {
    SqliteIndex index(path());
    ASSERT_TRUE(write_batch(index, {record("a", at(1))}));
  }
  // A batch whose transaction never committed (the process died between the two writes).
  std::ofstream(segment, std::ios::binary | std::ios::app) << std::string(100, '\x7f');
  SqliteIndex index(path());
  ASSERT_TRUE(write_batch(index, {record("b", at(2))}));
  auto page = index.lookup(everything());
  ASSERT_TRUE(page) << page.error().message;
  EXPECT_EQ(ids(*page), (std::vector<std::string>{"b", "a"}));
}

TEST_F(SqliteIndexFile, RecordsLostToPowerFailureAreSkipped) {
  const std::string segment = path() + "-records-000001";
  SqliteIndex index(path());
  ASSERT_TRUE(write_batch(index, {record("a", at(1))}));
  ASSERT_TRUE(write_batch(index, {record("b", at(2))}));
  // The second batch's bytes never reached the disk: they read back as zeros.
  const auto size = fs::file_size(segment);
  {
    std::fstream f(segment, std::ios::binary | std::ios::in | std::ios::out);
    f.seekp(static_cast<std::streamoff>(size / 2));
    f << std::string(size - size / 2, '\0');
  }
  auto page = index.lookup(everything());
  ASSERT_TRUE(page) << page.error().message;
  EXPECT_EQ(ids(*page), (std::vector<std::string>{"a"}));
  fs::resize_file(segment, size / 2);  // or not at all
  page = index.lookup(everything());
  ASSERT_TRUE(page) << page.error().message;
  EXPECT_EQ(ids(*page), (std::vector<std::string>{"a"}));
}

TEST_F(SqliteIndexFile, WritingGoesOnAfterEverythingIsPruned) {
  SqliteIndex index(path());
  ASSERT_TRUE(write_batch(index, {record("a", at(1))}));
  ASSERT_TRUE(fs::exists(path() + "-records-000001"));
  ASSERT_TRUE(index.prune(at(5)));
  EXPECT_TRUE(index.lookup(everything())->records.empty());
  ASSERT_TRUE(write_batch(index, {record("b", at(6))}));
  EXPECT_EQ(ids(*index.lookup(everything())), std::vector<std::string>{"b"});
}

TEST_F(SqliteIndexFile, RefusesAFileThatIsNotADatabase) {
  std::ofstream(path(), std::ios::binary) << std::string(8192, '\x5a');
  std::string error = open_error();
  EXPECT_NE(error.find("cannot open audit index '" + path() + "'"), std::string::npos) << error;
  EXPECT_NE(error.find("not a database"), std::string::npos) << error;
}

TEST_F(SqliteIndexFile, RefusesAnotherKindOfDatabaseAndLeavesItAlone) {
  raw_exec("CREATE TABLE kv (key TEXT PRIMARY KEY, value BLOB)");
  std::string error = open_error();
  EXPECT_NE(error.find("not an iamd audit index"), std::string::npos) << error;
  // Not switched to WAL, not given our tables.
  EXPECT_FALSE(fs::exists(path() + "-wal"));
  raw_exec("SELECT * FROM kv");
}

TEST_F(SqliteIndexFile, RefusesANewerSchema) {
  { SqliteIndex index(path()); }
  raw_exec("UPDATE audit_schema SET version = 4");
  std::string error = open_error();
  EXPECT_NE(error.find("schema version 4 is newer than this iamd supports (3)"), std::string::npos)
      << error;
}

// A version 2 file (raw blocks, no runs.block_format) is upgraded at open: its runs stay
// readable, and merging them with new (packed) runs loses nothing. The file is made here from a
// version 3 one by undoing the upgrade: every block rewritten raw, the column dropped.
TEST_F(SqliteIndexFile, UpgradesVersion2AndMergesItsRawRuns) {
  const SqliteIndex::Options fanout2{.merge_fanout = 2, .pending_batches = 1};
  std::vector<std::string> want;
  auto add = [&](SqliteIndex& index, int n) {
    std::vector<Record> batch;
    for (int i = 0; i < 3; ++i) {
      const std::string id = "r" + std::to_string(n) + "-" + std::to_string(i);
      batch.push_back(record(id, at(n, i)));
      want.insert(want.begin(), id);
    }
    ASSERT_TRUE(index.write(batch));
  };
  {
    SqliteIndex index(path(), fanout2);
    for (int n = 0; n < 5; ++n) add(index, n);  // runs at levels 0 and 2
  }
  {
    sqlite3* db = nullptr;
    ASSERT_EQ(sqlite3_open(path().c_str(), &db), SQLITE_OK);
    sqlite3_stmt* read = nullptr;
    ASSERT_EQ(sqlite3_prepare_v2(db,
                                 "SELECT blocks.id, entries FROM blocks JOIN runs "
                                 "ON blocks.id BETWEEN runs.first_block AND runs.last_block",
                                 -1, &read, nullptr),
              SQLITE_OK);
    std::vector<std::pair<std::int64_t, std::string>> raw;
    while (sqlite3_step(read) == SQLITE_ROW) {
      std::string_view packed(static_cast<const char*>(sqlite3_column_blob(read, 1)),
                              static_cast<std::size_t>(sqlite3_column_bytes(read, 1)));
      std::vector<IndexEntry> entries;
      ASSERT_TRUE(unpack_block(BlockFormat::Packed, packed, entries));
      raw.emplace_back(sqlite3_column_int64(read, 0),
                       std::string(reinterpret_cast<const char*>(entries.data()),
                                   entries.size() * sizeof(IndexEntry)));
    }
    sqlite3_finalize(read);
    ASSERT_FALSE(raw.empty());
    sqlite3_stmt* write = nullptr;
    ASSERT_EQ(sqlite3_prepare_v2(db, "UPDATE blocks SET entries = ?2 WHERE id = ?1", -1, &write,
                                 nullptr),
              SQLITE_OK);
    for (const auto& [id, bytes] : raw) {
      sqlite3_bind_int64(write, 1, id);
      sqlite3_bind_blob(write, 2, bytes.data(), static_cast<int>(bytes.size()), SQLITE_STATIC);
      ASSERT_EQ(sqlite3_step(write), SQLITE_DONE);
      sqlite3_reset(write);
    }
    sqlite3_finalize(write);
    ASSERT_EQ(sqlite3_exec(db,
                           "ALTER TABLE runs DROP COLUMN block_format; "
                           "ALTER TABLE audit_state DROP COLUMN indexed_upto; "
                           "UPDATE audit_schema SET version = 2",
                           nullptr, nullptr, nullptr),
              SQLITE_OK);
    sqlite3_close(db);
  }
  SqliteIndex index(path(), fanout2);
  Query q = everything();
  q.limit = 50;
  auto page = index.lookup(q);
  ASSERT_TRUE(page);
  EXPECT_EQ(ids(*page), want);
  for (int n = 5; n < 9; ++n) add(index, n);  // merges the raw runs with packed ones
  page = index.lookup(q);
  ASSERT_TRUE(page);
  EXPECT_EQ(ids(*page), want);
  q.attribute = std::make_pair(Attribute::EventId, std::string("r2-1"));
  page = index.lookup(q);
  ASSERT_TRUE(page);
  EXPECT_EQ(ids(*page), (std::vector<std::string>{"r2-1"}));
}

TEST_F(SqliteIndexFile, RefusesTheUnreleasedVersion1Layout) {
  { SqliteIndex index(path()); }
  raw_exec("UPDATE audit_schema SET version = 1");
  std::string error = open_error();
  EXPECT_NE(error.find("schema version 1 is no longer supported"), std::string::npos) << error;
}

TEST_F(SqliteIndexFile, NamesAMissingDirectory) {
  const std::string missing = (dir_ / "nope" / "index.db").string();
  try {
    SqliteIndex index(missing);
    ADD_FAILURE() << "opened";
  } catch (const std::runtime_error& e) {
    EXPECT_NE(std::string(e.what()).find("does not exist"), std::string::npos) << e.what();
  }
}

// Lookups during writes see whole batches, each entry once: the newest page is always the last
// 50 records written, in order, with no repeat or gap, also while pending runs are written
// out and merged (every third batch here).
TEST_F(SqliteIndexFile, LookupsRunWhileTheWriterWrites) {
  SqliteIndex index(path(), SqliteIndex::Options{.merge_fanout = 2, .pending_batches = 3});
  std::atomic<bool> done{false};
  std::thread writer([&] {
    for (int batch = 0; batch < 60; ++batch) {
      std::vector<Record> records;
      for (int i = 0; i < 20; ++i) {
        records.push_back(record("w" + std::to_string(batch * 20 + i), at(batch, i)));
      }
      EXPECT_TRUE(index.write(records));
    }
    done = true;
  });
  int lookups = 0;
  while (!done) {
    Query q = everything();
    q.limit = 50;
    auto page = index.lookup(q);
    ASSERT_TRUE(page) << page.error().message;
    ++lookups;
    const std::vector<std::string> got = ids(*page);
    if (got.empty()) continue;
    const int newest = std::stoi(got.front().substr(1));
    EXPECT_EQ(newest % 20, 19) << "a batch seen in part";
    for (std::size_t i = 0; i < got.size(); ++i) {
      ASSERT_EQ(got[i], "w" + std::to_string(newest - static_cast<int>(i))) << "lookup " << lookups;
    }
  }
  writer.join();
  EXPECT_GT(lookups, 0);
  auto page = index.lookup(everything());
  ASSERT_TRUE(page);
  EXPECT_EQ(page->records.size(), 50u);
  EXPECT_TRUE(page->next);
}

// A crash (no destructor) leaves pending entries unwritten: the next open rebuilds them from the
// batches' bodies, so nothing committed is lost to lookups.
TEST_F(SqliteIndexFile, PendingEntriesAreRebuiltAfterACrash) {
  const pid_t child = ::fork();
  ASSERT_GE(child, 0);
  if (child == 0) {
    SqliteIndex index(path(), SqliteIndex::Options{.merge_fanout = 2, .pending_batches = 4});
    for (int batch = 0; batch < 6; ++batch) {  // one run written, two batches pending
      std::vector<Record> records;
      for (int i = 0; i < 5; ++i) {
        Record r = record("c" + std::to_string(batch * 5 + i), at(batch, i));
        r.username = batch % 2 == 0 ? "even" : "odd";
        records.push_back(std::move(r));
      }
      if (!index.write(records)) ::_exit(1);
    }
    ::_exit(0);  // no destructors: as if killed
  }
  int status = 0;
  ASSERT_EQ(::waitpid(child, &status, 0), child);
  ASSERT_TRUE(WIFEXITED(status) && WEXITSTATUS(status) == 0);

  SqliteIndex index(path(), SqliteIndex::Options{.merge_fanout = 2, .pending_batches = 4});
  Query q = everything();
  q.limit = 50;
  auto page = index.lookup(q);
  ASSERT_TRUE(page);
  ASSERT_EQ(page->records.size(), 30u);
  EXPECT_EQ(ids(*page).front(), "c29");
  EXPECT_EQ(ids(*page).back(), "c0");
  q.attribute = std::make_pair(Attribute::Username, std::string("odd"));
  page = index.lookup(q);
  ASSERT_TRUE(page);
  EXPECT_EQ(page->records.size(), 15u);
  // Writing goes on after the rebuilt entries, and they are written out with the next run.
  ASSERT_TRUE(write_batch(index, {record("after", at(100))}));
  ASSERT_TRUE(write_batch(index, {record("after2", at(101))}));
  q.attribute.reset();
  page = index.lookup(q);
  ASSERT_TRUE(page);
  EXPECT_EQ(page->records.size(), 32u);
}

// --- Blocks (index_blocks.h) ------------------------------------------------------------------

std::vector<IndexEntry> sorted(std::vector<IndexEntry> entries) {
  std::sort(entries.begin(), entries.end(), entry_less);
  return entries;
}

bool same(const std::vector<IndexEntry>& a, const std::vector<IndexEntry>& b) {
  return a.size() == b.size() && std::equal(a.begin(), a.end(), b.begin(), entry_equal);
}

TEST(IndexBlocks, PackedRoundTripsAndIsSmall) {
  std::mt19937_64 rng(7);
  std::vector<IndexEntry> entries;
  const std::int64_t base = 1767225600LL * 1000000;
  for (int i = 0; i < 512; ++i) {
    // A few busy keys (repeated, close in time) and unique ones, as a batch's entries are.
    const std::int64_t key = i % 4 == 0 ? static_cast<std::int64_t>(rng()) : (i % 3) * 977 - 1;
    entries.push_back({key, base + static_cast<std::int64_t>(rng() % 5000000), 1000 + i});
  }
  entries = sorted(entries);
  std::string packed;
  pack_block(entries, packed);
  std::vector<IndexEntry> back;
  ASSERT_TRUE(unpack_block(BlockFormat::Packed, packed, back));
  EXPECT_TRUE(same(back, entries));
  EXPECT_LT(packed.size(), entries.size() * sizeof(IndexEntry) / 2);
}

TEST(IndexBlocks, ExtremeValuesRoundTrip) {
  constexpr auto kMin = std::numeric_limits<std::int64_t>::min();
  constexpr auto kMax = std::numeric_limits<std::int64_t>::max();
  const auto entries = sorted({{kMin, kMax, kMin},
                               {kMin, kMin, kMax},
                               {-1, 0, 0},
                               {0, -5, 3},
                               {kMax, kMax, kMax},
                               {kMax, kMin, kMin}});
  std::string packed;
  pack_block(entries, packed);
  std::vector<IndexEntry> back;
  ASSERT_TRUE(unpack_block(BlockFormat::Packed, packed, back));
  EXPECT_TRUE(same(back, entries));
  // Raw: 24-byte triples as they are in memory.
  const std::string raw(reinterpret_cast<const char*>(entries.data()),
                        entries.size() * sizeof(IndexEntry));
  ASSERT_TRUE(unpack_block(BlockFormat::Raw, raw, back));
  EXPECT_TRUE(same(back, entries));
  std::string empty;
  pack_block({}, empty);
  ASSERT_TRUE(unpack_block(BlockFormat::Packed, empty, back));
  EXPECT_TRUE(back.empty());
}

TEST(IndexBlocks, RefusesMalformedBlocks) {
  std::string packed;
  pack_block(sorted({{1, 10, 1}, {1, 9, 2}, {2, 8, 3}}), packed);
  std::vector<IndexEntry> back;
  for (std::size_t n = 0; n < packed.size(); ++n) {
    EXPECT_FALSE(unpack_block(BlockFormat::Packed, packed.substr(0, n), back)) << n;
  }
  EXPECT_FALSE(unpack_block(BlockFormat::Packed, packed + "x", back));  // trailing bytes
  std::string wrong_tag = packed;
  wrong_tag[0] = 'Q';
  EXPECT_FALSE(unpack_block(BlockFormat::Packed, wrong_tag, back));
  // A count far beyond the bytes, and a varint that never ends.
  EXPECT_FALSE(unpack_block(BlockFormat::Packed, std::string("P\xff\xff\xff\xff\x0f", 6), back));
  std::string endless("P\x01", 2);
  endless.append(20, '\xff');
  EXPECT_FALSE(unpack_block(BlockFormat::Packed, endless, back));
  EXPECT_FALSE(unpack_block(BlockFormat::Raw, std::string(25, 'a'), back));
  EXPECT_FALSE(unpack_block(static_cast<BlockFormat>(7), packed, back));
}

// --- merges a slice at a time --------------------------------------------------------------

class SqliteIndexMerges : public SqliteIndexFile {
 protected:
  // Tiny runs and slices: a merge takes several writes, as one of a large index does.
  static constexpr SqliteIndex::Options kSliced{.merge_fanout = 2,
                                                .pending_batches = 1,
                                                .merge_work = 1,
                                                .min_merge_slice = 1};

  /// An integer the file's database gives for `sql`.
  std::int64_t raw_int(const std::string& sql) {
    sqlite3* db = nullptr;
    EXPECT_EQ(sqlite3_open(path().c_str(), &db), SQLITE_OK);
    sqlite3_stmt* st = nullptr;
    EXPECT_EQ(sqlite3_prepare_v2(db, sql.c_str(), -1, &st, nullptr), SQLITE_OK) << sql;
    std::int64_t v = -1;
    if (sqlite3_step(st) == SQLITE_ROW) v = sqlite3_column_int64(st, 0);
    sqlite3_finalize(st);
    sqlite3_close(db);
    return v;
  }
  std::int64_t runs_being_built() { return raw_int("SELECT count(*) FROM runs WHERE level = -1"); }
  /// Runs whose blocks are being deleted, a slice per write.
  std::int64_t runs_retired() { return raw_int("SELECT count(*) FROM runs WHERE level = -2"); }
  /// Blocks no run's range holds, finished or under way: what nothing may leave behind.
  std::int64_t stray_blocks() {
    return raw_int(
        "SELECT count(*) FROM blocks WHERE NOT EXISTS (SELECT 1 FROM runs WHERE blocks.id "
        "BETWEEN runs.first_block AND runs.last_block)");
  }
  /// The blocks of run `id`, and whether it is there at all.
  std::int64_t blocks_of(std::int64_t id) {
    return raw_int("SELECT count(*) FROM blocks WHERE run = " + std::to_string(id));
  }
  std::int64_t runs_with_id(std::int64_t id) {
    return raw_int("SELECT count(*) FROM runs WHERE id = " + std::to_string(id));
  }

  /// Batch n: three records, one of them named "Wanted".
  static std::vector<Record> batch(int n) {
    std::vector<Record> b;
    for (int i = 0; i < 3; ++i) {
      Record r = record("r" + std::to_string(n) + "-" + std::to_string(i), at(n, i));
      if (i == 1) r.event_name = "Wanted";
      b.push_back(std::move(r));
    }
    return b;
  }

  /// Every record and every "Wanted" one, newest first, as the index answers.
  static std::pair<std::vector<std::string>, std::vector<std::string>> answers(SqliteIndex& index) {
    Query q;
    q.account = std::string(kAccount);
    q.start = at(-1);
    q.end = at(100000);
    q.limit = 100000;
    auto every = index.lookup(q);
    q.attribute = std::make_pair(Attribute::EventName, std::string("Wanted"));
    auto wanted = index.lookup(q);
    EXPECT_TRUE(every && wanted);
    return {every ? ids(*every) : std::vector<std::string>{},
            wanted ? ids(*wanted) : std::vector<std::string>{}};
  }

  /// Writes batches 0, 1, ... with `merge_work` and slices of any size until `sql` counts
  /// something (at most 400), then closes the index; returns how many were written. Fanout 2
  /// makes many levels: the work per write must let merges of all of them move.
  int write_until(const std::string& sql, std::size_t merge_work) {
    SqliteIndex index(path(), SqliteIndex::Options{.merge_fanout = 2,
                                                   .pending_batches = 1,
                                                   .merge_work = merge_work,
                                                   .min_merge_slice = 1});
    int n = 0;
    while (raw_int(sql) == 0 && n < 400) {
      EXPECT_TRUE(write_batch(index, batch(n++)));
    }
    return n;
  }

  /// What answers() must give after batches 0..n-1.
  static std::pair<std::vector<std::string>, std::vector<std::string>> expected(int n) {
    std::pair<std::vector<std::string>, std::vector<std::string>> want;
    for (int k = n - 1; k >= 0; --k) {
      for (int i = 2; i >= 0; --i) {
        const std::string id = "r" + std::to_string(k) + "-" + std::to_string(i);
        want.first.push_back(id);
        if (i == 1) want.second.push_back(id);
      }
    }
    return want;
  }
};

// While merges are under way (their runs at level -1), lookups find every record exactly once;
// when writing stops being ahead of them, they finish.
TEST_F(SqliteIndexMerges, LookupsAreExactWhileMergesAreUnderWay) {
  SqliteIndex index(path(), kSliced);
  bool seen_under_way = false;
  for (int n = 0; n < 40; ++n) {
    ASSERT_TRUE(write_batch(index, batch(n)));
    seen_under_way = seen_under_way || runs_being_built() > 0;
    ASSERT_EQ(answers(index), expected(n + 1)) << "after batch " << n;
  }
  EXPECT_TRUE(seen_under_way) << "every merge finished within one write: the test shows nothing";
  EXPECT_EQ(stray_blocks(), 0);
}

// A merge cut short (the process ends mid-way) leaves its run at level -1; after the next start
// it is retired and its blocks deleted, and the merge is done again from its inputs, which were
// never touched.
TEST_F(SqliteIndexMerges, AMergeCutShortIsDroppedAndDoneAgain) {
  // Until a run under way has written a block (512 entries): a merge of the fifth level or so.
  const std::string written_under_way =
      "SELECT count(*) FROM blocks JOIN runs ON blocks.run = runs.id WHERE runs.level = -1";
  int n = write_until(written_under_way, 16);
  const std::int64_t cut = raw_int("SELECT runs.id FROM blocks JOIN runs ON blocks.run = runs.id "
                                   "WHERE runs.level = -1 LIMIT 1");
  ASSERT_GT(blocks_of(cut), 0);
  SqliteIndex index(path(), SqliteIndex::Options{.merge_fanout = 2, .pending_batches = 1});
  EXPECT_EQ(answers(index), expected(n));
  // Slices of 4096 entries: merges run whole again, and retired runs' blocks go a slice a write.
  for (int more = 0; more < 5; ++more) ASSERT_TRUE(write_batch(index, batch(n++)));
  EXPECT_EQ(runs_retired(), 0);
  EXPECT_EQ(runs_with_id(cut), 0);
  EXPECT_EQ(blocks_of(cut), 0);
  EXPECT_EQ(runs_being_built(), 0);
  EXPECT_EQ(stray_blocks(), 0);
  EXPECT_EQ(answers(index), expected(n));
}

// A prune while merges are under way: they start over from what is left, and nothing of the
// abandoned ones remains.
TEST_F(SqliteIndexMerges, APruneDuringMergesLeavesNothingBehind) {
  SqliteIndex index(path(), kSliced);
  int n = 0;
  while (runs_being_built() == 0 && n < 40) ASSERT_TRUE(write_batch(index, batch(n++)));
  ASSERT_GT(runs_being_built(), 0);
  const std::int64_t abandoned = raw_int("SELECT id FROM runs WHERE level = -1 ORDER BY id LIMIT 1");
  ASSERT_TRUE(index.prune(at(n / 2)));  // records of the first half go
  for (int more = 0; more < 40; ++more) ASSERT_TRUE(write_batch(index, batch(n++)));
  auto [every, wanted] = answers(index);
  auto want = expected(n);
  want.first.resize(want.first.size() - 3 * static_cast<std::size_t>((n - 40) / 2));
  want.second.resize(want.second.size() - static_cast<std::size_t>((n - 40) / 2));
  EXPECT_EQ(every, want.first);
  EXPECT_EQ(wanted, want.second);
  EXPECT_EQ(runs_with_id(abandoned), 0);
  EXPECT_EQ(blocks_of(abandoned), 0);
  EXPECT_EQ(stray_blocks(), 0);
}

// A merge cut short had reserved block ids beyond those it wrote; the next open hands out ids
// past them, or its new runs' blocks would be deleted with the abandoned merge's.
TEST_F(SqliteIndexMerges, TheNextOpenTakesIdsPastAMergeCutShort) {
  const std::string reserved_past_every_block =
      "SELECT count(*) FROM runs WHERE level = -1 AND last_block > (SELECT max(id) FROM blocks) "
      "AND EXISTS (SELECT 1 FROM blocks WHERE blocks.run = runs.id)";
  // Work enough for a merge to write a block in the slice that starts it, after that write's
  // level-0 run took its ids.
  int n = write_until(reserved_past_every_block, 64);
  ASSERT_GT(raw_int(reserved_past_every_block), 0);
  SqliteIndex index(path(), SqliteIndex::Options{.merge_fanout = 2, .pending_batches = 1});
  for (int more = 0; more < 5; ++more) {
    ASSERT_TRUE(write_batch(index, batch(n++)));
    ASSERT_EQ(answers(index), expected(n));
  }
  EXPECT_EQ(stray_blocks(), 0);
}

}  // namespace
}  // namespace iamd::audit
