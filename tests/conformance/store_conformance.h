#pragma once
// The behaviours every store::Store backend must show, as one value-parameterized GoogleTest suite
// (after Vault's physical.ExerciseBackend). A backend's test file instantiates it once:
//
//   INSTANTIATE_TEST_SUITE_P(Memory, StoreConformance,
//                            testing::Values(StoreBackend{"memory", make_memory_store}),
//                            backend_name);
//
// Include this header from exactly one .cc per test binary: it defines the tests.

#include <gtest/gtest.h>
#include <stdlib.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <filesystem>
#include <functional>
#include <future>
#include <memory>
#include <optional>
#include <ostream>
#include <stdexcept>
#include <string>
#include <thread>
#include <vector>

#include "core/error.h"
#include "core/result.h"
#include "store/store.h"

namespace iamd::store::conformance {

/// A backend under test.
struct StoreBackend {
  std::string name;  // letters and digits only: it becomes part of the test names
  /// Makes a new, empty store. `scratch_dir` is a fresh, writable directory that the suite removes
  /// after the store has been destroyed.
  std::function<std::unique_ptr<Store>(const std::filesystem::path& scratch_dir)> make;

  friend void PrintTo(const StoreBackend& backend, std::ostream* os) { *os << backend.name; }
};

/// Names the instantiated tests after the backend.
inline std::string backend_name(const testing::TestParamInfo<StoreBackend>& info) {
  return info.param.name;
}

/// Creates a fresh, empty directory under the system temp directory.
inline std::filesystem::path make_scratch_dir() {
  std::string pattern = (std::filesystem::temp_directory_path() / "iamd-store-XXXXXX").string();
  if (::mkdtemp(pattern.data()) == nullptr) {
    throw std::runtime_error("mkdtemp failed for " + pattern);
  }
  return pattern;
}

/// Passes when the status is a success; otherwise prints the error's message.
inline testing::AssertionResult succeeded(const core::Status& status) {
  if (status) return testing::AssertionSuccess();
  return testing::AssertionFailure() << "error: " << core::wire_code(status.error().code) << ": "
                                     << status.error().message;
}

class StoreConformance : public testing::TestWithParam<StoreBackend> {
 protected:
  void SetUp() override {
    scratch_dir_ = make_scratch_dir();
    store_ = GetParam().make(scratch_dir_);
    ASSERT_NE(store_, nullptr);
  }

  void TearDown() override {
    store_.reset();
    std::filesystem::remove_all(scratch_dir_);
  }

  Store& store() { return *store_; }

  void put_one(std::string_view key, std::string_view value) {
    EXPECT_TRUE(succeeded(store().write([&](Transaction& txn) { return txn.put(key, value); })));
  }

  void put_all(const std::vector<std::string>& keys) {
    EXPECT_TRUE(succeeded(store().write([&](Transaction& txn) -> core::Status {
      for (const auto& key : keys) IAMD_TRY(txn.put(key, "value of " + key));
      return {};
    })));
  }

  /// The committed value under `key`, read in its own read transaction.
  std::optional<std::string> find(std::string_view key) {
    std::optional<std::string> found;
    EXPECT_TRUE(succeeded(store().read([&](Transaction& txn) -> core::Status {
      auto value = txn.get(key);
      if (!value) return value.error();
      found = std::move(*value);
      return {};
    })));
    return found;
  }

  /// The keys a committed scan returns, in the order it returns them.
  std::vector<std::string> scan_keys(std::string_view prefix, std::string_view start_after = "",
                                     size_t limit = 1000) {
    std::vector<std::string> keys;
    EXPECT_TRUE(succeeded(store().read([&](Transaction& txn) -> core::Status {
      auto pairs = txn.scan(prefix, start_after, limit);
      if (!pairs) return pairs.error();
      for (auto& [key, value] : *pairs) keys.push_back(key);
      return {};
    })));
    return keys;
  }

  /// The keys of `all` that start with `prefix`, sorted in byte order: the expected scan result.
  static std::vector<std::string> expected_scan(const std::vector<std::string>& all,
                                                std::string_view prefix) {
    std::vector<std::string> keys;
    for (const auto& key : all) {
      if (key.starts_with(prefix)) keys.push_back(key);
    }
    std::sort(keys.begin(), keys.end());  // std::string compares as unsigned bytes
    return keys;
  }

 private:
  std::filesystem::path scratch_dir_;
  std::unique_ptr<Store> store_;
};

TEST_P(StoreConformance, GetOfAbsentKeyIsEmpty) {
  EXPECT_EQ(find("users/nobody"), std::nullopt);
}

TEST_P(StoreConformance, PutThenGetReturnsExactBytes) {
  const std::string binary("\0\x01\x7f\x80\xff", 5);
  put_one("users/alice", "alice's record");
  put_one("empty", "");
  put_one("binary", binary);
  EXPECT_EQ(find("users/alice"), "alice's record");
  EXPECT_EQ(find("empty"), std::string());  // present with an empty value, not absent
  EXPECT_EQ(find("binary"), binary);
}

TEST_P(StoreConformance, PutOverwrites) {
  put_one("k", "first");
  put_one("k", "second");
  EXPECT_EQ(find("k"), "second");
  EXPECT_EQ(scan_keys(""), std::vector<std::string>{"k"});
}

TEST_P(StoreConformance, EraseRemovesAndErasingAbsentKeySucceeds) {
  put_one("k", "v");
  put_one("other", "v");
  EXPECT_TRUE(succeeded(store().write([](Transaction& txn) { return txn.erase("k"); })));
  EXPECT_EQ(find("k"), std::nullopt);
  EXPECT_TRUE(succeeded(store().write([](Transaction& txn) { return txn.erase("k"); })));
  EXPECT_TRUE(succeeded(store().write([](Transaction& txn) { return txn.erase("never-was"); })));
  EXPECT_EQ(find("other"), "v");
}

TEST_P(StoreConformance, ScanReturnsKeysWithPrefixInByteOrder) {
  const std::vector<std::string> keys = {
      "users/alice", "users/Bob",  "users/bob", "users/\xc3\xa9",  // é
      "users/\xe6\x97\xa5\xe6\x9c\xac",                            // 日本
      "users/z",     "users/\x7f", "users/",    "users/a/b",
      "users",       "users0",     "usersx",    "roles/a",
  };
  put_all(keys);
  const std::vector<std::string> in_byte_order = {
      "users/",        "users/Bob",     "users/a/b", "users/alice",
      "users/bob",     "users/z",       "users/\x7f", "users/\xc3\xa9",
      "users/\xe6\x97\xa5\xe6\x9c\xac",
  };
  EXPECT_EQ(scan_keys("users/"), in_byte_order);
  EXPECT_EQ(scan_keys("users/"), expected_scan(keys, "users/"));
  EXPECT_EQ(scan_keys("users"), expected_scan(keys, "users"));
  EXPECT_EQ(scan_keys("nothing/"), std::vector<std::string>{});

  std::vector<KeyValue> pairs;
  ASSERT_TRUE(succeeded(store().read([&](Transaction& txn) -> core::Status {
    auto scanned = txn.scan("roles/", "", 10);
    if (!scanned) return scanned.error();
    pairs = std::move(*scanned);
    return {};
  })));
  EXPECT_EQ(pairs, (std::vector<KeyValue>{{"roles/a", "value of roles/a"}}));
}

TEST_P(StoreConformance, ScanTreatsLikeWildcardsLiterally) {
  put_all({"a%b", "a_c", "abc", "axc"});
  EXPECT_EQ(scan_keys("a%"), std::vector<std::string>{"a%b"});
  EXPECT_EQ(scan_keys("a_"), std::vector<std::string>{"a_c"});
}

TEST_P(StoreConformance, ScanEmptyPrefixReturnsEverything) {
  const std::vector<std::string> keys = {"b", "a", "\xff", "c/d", "\xc3\xa9"};
  put_all(keys);
  EXPECT_EQ(scan_keys(""), expected_scan(keys, ""));
}

TEST_P(StoreConformance, ScanPagesWithStartAfterAndLimit) {
  std::vector<std::string> keys = {"o/1", "q/1"};
  for (int i = 0; i < 25; ++i) keys.push_back("p/" + std::string(i < 10 ? "0" : "") + std::to_string(i));
  put_all(keys);

  std::vector<std::string> collected;
  std::vector<size_t> page_sizes;
  std::string start_after;
  while (true) {
    auto page = scan_keys("p/", start_after, 7);
    if (page.empty()) break;
    page_sizes.push_back(page.size());
    collected.insert(collected.end(), page.begin(), page.end());
    start_after = page.back();
  }
  EXPECT_EQ(page_sizes, (std::vector<size_t>{7, 7, 7, 4}));
  EXPECT_EQ(collected, expected_scan(keys, "p/"));
}

TEST_P(StoreConformance, ScanStartAfterIsExclusiveAndMayLieOutsideThePrefix) {
  put_all({"o/9", "p/10", "p/11", "p/12", "q/0"});
  EXPECT_EQ(scan_keys("p/", "p/10"), (std::vector<std::string>{"p/11", "p/12"}));
  EXPECT_EQ(scan_keys("p/", "p/10x"), (std::vector<std::string>{"p/11", "p/12"}));
  EXPECT_EQ(scan_keys("p/", "a"), (std::vector<std::string>{"p/10", "p/11", "p/12"}));
  EXPECT_EQ(scan_keys("p/", "p/"), (std::vector<std::string>{"p/10", "p/11", "p/12"}));
  EXPECT_EQ(scan_keys("p/", "p/12"), std::vector<std::string>{});
  EXPECT_EQ(scan_keys("p/", "z"), std::vector<std::string>{});
  EXPECT_EQ(scan_keys("p/", "", 2), (std::vector<std::string>{"p/10", "p/11"}));
}

TEST_P(StoreConformance, ScanWithLimitZeroReturnsNothing) {
  put_all({"p/1", "p/2"});
  EXPECT_EQ(scan_keys("p/", "", 0), std::vector<std::string>{});
}

TEST_P(StoreConformance, ScanHandlesPrefixesEndingInFF) {
  // 0xFF never occurs in UTF-8, but keys are bytes: a naive "increment the last byte" upper bound
  // would overflow here and either miss keys or return keys outside the prefix.
  const std::string a_ff = "a\xff";
  const std::string ff = "\xff";
  const std::vector<std::string> keys = {
      "a\xfe",      "a\xfe" "z", a_ff,          a_ff + "/x",   a_ff + ff,
      a_ff + ff + ff, "b",       ff,            ff + "z",      ff + ff,
  };
  put_all(keys);
  EXPECT_EQ(scan_keys(a_ff), (std::vector<std::string>{a_ff, a_ff + "/x", a_ff + ff, a_ff + ff + ff}));
  EXPECT_EQ(scan_keys(a_ff + ff), (std::vector<std::string>{a_ff + ff, a_ff + ff + ff}));
  EXPECT_EQ(scan_keys(ff), (std::vector<std::string>{ff, ff + "z", ff + ff}));
  EXPECT_EQ(scan_keys(ff + ff), std::vector<std::string>{ff + ff});
  EXPECT_EQ(scan_keys(ff, ff + "z"), std::vector<std::string>{ff + ff});
  EXPECT_EQ(scan_keys(a_ff, a_ff + "/x", 1), std::vector<std::string>{a_ff + ff});
  for (const auto& prefix : {a_ff, a_ff + ff, ff, ff + ff, std::string("a")}) {
    EXPECT_EQ(scan_keys(prefix), expected_scan(keys, prefix));
  }
}

TEST_P(StoreConformance, FailingWriteRollsBackEverythingItWrote) {
  put_one("k0", "v0");
  put_one("k2", "v2");
  const core::Error refusal{core::ErrorCode::EntityAlreadyExists, "User with name 'x' already exists."};
  core::Status status = store().write([&](Transaction& txn) -> core::Status {
    IAMD_TRY(txn.put("k1", "new"));
    IAMD_TRY(txn.put("k0", "changed"));
    IAMD_TRY(txn.erase("k2"));
    return refusal;
  });
  ASSERT_FALSE(status);
  EXPECT_EQ(status.error(), refusal);  // the fn's own error, unchanged
  EXPECT_EQ(find("k0"), "v0");
  EXPECT_EQ(find("k1"), std::nullopt);
  EXPECT_EQ(find("k2"), "v2");
  EXPECT_EQ(scan_keys(""), (std::vector<std::string>{"k0", "k2"}));
}

TEST_P(StoreConformance, WriteSeesItsOwnWrites) {
  put_one("p/old", "1");
  put_one("p/gone", "1");
  EXPECT_TRUE(succeeded(store().write([&](Transaction& txn) -> core::Status {
    IAMD_TRY(txn.put("p/new", "2"));
    IAMD_TRY(txn.put("p/old", "changed"));
    IAMD_TRY(txn.erase("p/gone"));
    auto fresh = txn.get("p/new");
    auto changed = txn.get("p/old");
    auto gone = txn.get("p/gone");
    auto listed = txn.scan("p/", "", 10);
    if (!fresh || !changed || !gone || !listed) return core::Error{core::ErrorCode::ServiceFailure, "read failed"};
    EXPECT_EQ(*fresh, "2");
    EXPECT_EQ(*changed, "changed");
    EXPECT_EQ(*gone, std::nullopt);
    EXPECT_EQ(*listed, (std::vector<KeyValue>{{"p/new", "2"}, {"p/old", "changed"}}));
    return {};
  })));
}

TEST_P(StoreConformance, ReadTransactionCannotWrite) {
  put_one("k", "v");
  const std::uint64_t before = store().generation();
  EXPECT_TRUE(succeeded(store().read([](Transaction& txn) -> core::Status {
    core::Status put = txn.put("k", "changed");
    core::Status added = txn.put("new", "v");
    core::Status erased = txn.erase("k");
    EXPECT_FALSE(put);
    EXPECT_FALSE(added);
    EXPECT_FALSE(erased);
    if (!put) {
      EXPECT_EQ(put.error().code, core::ErrorCode::ServiceFailure);
    }
    if (!erased) {
      EXPECT_EQ(erased.error().code, core::ErrorCode::ServiceFailure);
    }
    return {};
  })));
  EXPECT_EQ(find("k"), "v");
  EXPECT_EQ(find("new"), std::nullopt);
  EXPECT_EQ(store().generation(), before);
}

TEST_P(StoreConformance, ReadReturnsTheFunctionsError) {
  const core::Error missing{core::ErrorCode::NoSuchEntity, "The user with name x cannot be found."};
  core::Status status = store().read([&](Transaction&) -> core::Status { return missing; });
  ASSERT_FALSE(status);
  EXPECT_EQ(status.error(), missing);
}

TEST_P(StoreConformance, GenerationGrowsExactlyOnCommittedWrites) {
  const std::uint64_t start = store().generation();
  put_one("k", "1");
  EXPECT_EQ(store().generation(), start + 1);

  core::Status failed = store().write([](Transaction& txn) -> core::Status {
    IAMD_TRY(txn.put("k", "2"));
    return core::Error{core::ErrorCode::LimitExceeded, "too many"};
  });
  EXPECT_FALSE(failed);
  EXPECT_EQ(store().generation(), start + 1);

  EXPECT_EQ(find("k"), "1");  // a read is not a write
  EXPECT_EQ(store().generation(), start + 1);

  EXPECT_TRUE(succeeded(store().write([](Transaction& txn) -> core::Status {
    IAMD_TRY(txn.put("k", "3"));
    return txn.erase("k");
  })));
  EXPECT_EQ(store().generation(), start + 2);
}

TEST_P(StoreConformance, ConcurrentReadModifyWriteLosesNoUpdate) {
  constexpr int kThreads = 4;
  constexpr int kIncrementsPerThread = 200;
  put_one("counter", "0");
  const std::uint64_t start = store().generation();

  std::atomic<int> failures{0};
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&] {
      for (int i = 0; i < kIncrementsPerThread; ++i) {
        core::Status status = store().write([](Transaction& txn) -> core::Status {
          auto current = txn.get("counter");
          if (!current) return current.error();
          const long value = current->has_value() ? std::stol(**current) : 0;
          return txn.put("counter", std::to_string(value + 1));
        });
        if (!status) failures.fetch_add(1);
      }
    });
  }
  for (auto& thread : threads) thread.join();

  EXPECT_EQ(failures.load(), 0);
  EXPECT_EQ(find("counter"), std::to_string(kThreads * kIncrementsPerThread));
  EXPECT_EQ(store().generation(), start + kThreads * kIncrementsPerThread);
}

TEST_P(StoreConformance, ConcurrentReadersSeeWholeTransactions) {
  // Writers move "pair/a" and "pair/b" together; a reader must never see them differ.
  EXPECT_TRUE(succeeded(store().write([](Transaction& txn) -> core::Status {
    IAMD_TRY(txn.put("pair/a", "0"));
    return txn.put("pair/b", "0");
  })));
  std::atomic<bool> writing{true};
  std::atomic<int> torn{0};
  std::atomic<int> errors{0};
  std::vector<std::thread> readers;
  for (int r = 0; r < 3; ++r) {
    readers.emplace_back([&] {
      do {
        core::Status status = store().read([&](Transaction& txn) -> core::Status {
          auto a = txn.get("pair/a");
          if (!a) return a.error();
          auto listed = txn.scan("pair/", "", 10);
          if (!listed) return listed.error();
          if (listed->size() != 2 || (*listed)[0].second != **a || (*listed)[1].second != **a) {
            torn.fetch_add(1);
          }
          return {};
        });
        if (!status) errors.fetch_add(1);
      } while (writing.load());
    });
  }
  std::thread writer([&] {
    for (int i = 1; i <= 100; ++i) {
      core::Status status = store().write([i](Transaction& txn) -> core::Status {
        IAMD_TRY(txn.put("pair/a", std::to_string(i)));
        return txn.put("pair/b", std::to_string(i));
      });
      if (!status) errors.fetch_add(1);
    }
    writing.store(false);
  });
  writer.join();
  for (auto& reader : readers) reader.join();
  EXPECT_EQ(torn.load(), 0);
  EXPECT_EQ(errors.load(), 0);
  EXPECT_EQ(find("pair/b"), "100");
}

TEST_P(StoreConformance, ReadKeepsItsSnapshotWhileAWriterCommits) {
  put_one("a", "1");
  put_one("b", "1");
  EXPECT_TRUE(succeeded(store().read([&](Transaction& txn) -> core::Status {
    auto a = txn.get("a");  // the snapshot exists from the first read on
    if (!a) return a.error();
    EXPECT_EQ(*a, "1");
    std::thread writer([&] {
      EXPECT_TRUE(succeeded(store().write([](Transaction& w) -> core::Status {
        IAMD_TRY(w.put("a", "2"));
        IAMD_TRY(w.put("b", "2"));
        return w.put("c", "2");
      })));
    });
    writer.join();
    auto b = txn.get("b");
    if (!b) return b.error();
    EXPECT_EQ(*b, "1");
    auto listed = txn.scan("", "", 10);
    if (!listed) return listed.error();
    EXPECT_EQ(*listed, (std::vector<KeyValue>{{"a", "1"}, {"b", "1"}}));
    return {};
  })));
  EXPECT_EQ(find("b"), "2");
  EXPECT_EQ(find("c"), "2");
}

TEST_P(StoreConformance, ReadsDoNotWaitForAnOpenWrite) {
  put_one("k", "old");
  std::future<std::optional<std::string>> seen;
  bool read_finished_during_write = false;
  EXPECT_TRUE(succeeded(store().write([&](Transaction& txn) -> core::Status {
    IAMD_TRY(txn.put("k", "new"));
    seen = std::async(std::launch::async, [&] { return find("k"); });
    // Returning (and so ending the write) unblocks a reader that does wait, so a failing backend
    // fails this test instead of hanging it.
    read_finished_during_write =
        seen.wait_for(std::chrono::seconds(10)) == std::future_status::ready;
    return {};
  })));
  EXPECT_TRUE(read_finished_during_write);
  EXPECT_EQ(seen.get(), "old");
  EXPECT_EQ(find("k"), "new");
}

TEST_P(StoreConformance, NestedWriteOnTheSameThreadFailsInsteadOfDeadlocking) {
  EXPECT_TRUE(succeeded(store().write([&](Transaction& txn) -> core::Status {
    IAMD_TRY(txn.put("outer", "1"));
    core::Status inner = store().write([](Transaction& t) { return t.put("inner", "1"); });
    EXPECT_FALSE(inner);
    if (!inner) {
      EXPECT_EQ(inner.error().code, core::ErrorCode::ServiceFailure);
    }
    return {};
  })));
  EXPECT_EQ(find("outer"), "1");
  EXPECT_EQ(find("inner"), std::nullopt);
}

TEST_P(StoreConformance, LargeValuesRoundTrip) {
  std::string big(1 << 20, '\0');
  for (size_t i = 0; i < big.size(); ++i) big[i] = static_cast<char>((i * 31 + i / 256) & 0xff);
  put_one("big", big);
  EXPECT_TRUE(find("big") == big);  // EXPECT_EQ would print a MiB on failure

  std::reverse(big.begin(), big.end());
  put_one("big", big);
  std::vector<KeyValue> pairs;
  ASSERT_TRUE(succeeded(store().read([&](Transaction& txn) -> core::Status {
    auto scanned = txn.scan("big", "", 1);
    if (!scanned) return scanned.error();
    pairs = std::move(*scanned);
    return {};
  })));
  ASSERT_EQ(pairs.size(), 1u);
  EXPECT_TRUE(pairs[0].second == big);
}

TEST_P(StoreConformance, ManyKeysInOneTransaction) {
  std::vector<std::string> keys;
  for (int i = 0; i < 1000; ++i) keys.push_back("bulk/" + std::to_string(i));
  put_all(keys);
  std::vector<std::string> collected;
  std::string start_after;
  for (auto page = scan_keys("bulk/", "", 100); !page.empty();
       page = scan_keys("bulk/", start_after, 100)) {
    EXPECT_LE(page.size(), 100u);
    collected.insert(collected.end(), page.begin(), page.end());
    start_after = page.back();
  }
  EXPECT_EQ(collected, expected_scan(keys, "bulk/"));
}

}  // namespace iamd::store::conformance
