// The audit index's cost per API call: SqliteIndex::write() of the broker's batches.
//
// BM_SqliteIndexWrite writes batches of 512 realistic records (about 1.2 KB of CloudTrail JSON
// each, one resource, random event ids, a handful of accounts, users and event names) into an
// index that keeps growing across iterations, as the server's does (about a million records,
// the files growing past 1.3 GB). per_record is CPU time per record, merges included.
// BM_SqliteIndexLookup is one LookupEvents page (50 records) from an index of 200k or 2M
// records: by EventName (1 record in 32 matches), Username (1 in 200), EventId (one record) and
// without an attribute.
//
// Measured on the 2-core development VM (Release, the other core busy), per record written:
//   schema 1 (a row per record, attribute rows added in bulk)         ~30 us CPU
//   schema 2 (sorted runs of hashed entries, bodies in segment files)  ~3.5-3.9 us CPU
// On the way: batch bodies as blobs in the database, runs as now: ~5 us (the WAL copies every
// byte three times); indexing every attribute entry as it was written (one B-tree per
// attribute, schema 1's first try) cost 50-60 us: each entry dirtied its own page.

#include <benchmark/benchmark.h>
#include <unistd.h>

#include <chrono>
#include <cstdlib>
#include <cstdio>
#include <filesystem>
#include <map>
#include <memory>
#include <random>
#include <string>
#include <vector>

#include "audit/sqlite_index.h"

namespace {

using namespace iamd;

constexpr std::size_t kBatch = 512;

std::string scratch_file() {
  std::string pattern =
      (std::filesystem::temp_directory_path() / "iamd-audit-bench-XXXXXX").string();
  if (::mkdtemp(pattern.data()) == nullptr) std::abort();
  return pattern + "/index.db";
}

void remove_scratch(const std::string& file) {
  std::filesystem::remove_all(std::filesystem::path(file).parent_path());
}

class RecordMaker {
 public:
  audit::Record next() {
    static const char* kNames[] = {"AssumeRole", "GetCallerIdentity", "CreateRole", "ListRoles",
                                   "GetRole", "PutRolePolicy", "CreateUser", "ListUsers"};
    audit::Record r;
    r.account = "11111111111" + std::to_string(rng_() % 4);
    time_ += std::chrono::microseconds(50 + rng_() % 200);
    r.time = time_;
    r.event_id = uuid();
    r.event_name = kNames[rng_() % 8];
    r.event_source = r.event_name == "AssumeRole" || r.event_name == "GetCallerIdentity"
                         ? "sts.amazonaws.com"
                         : "iam.amazonaws.com";
    r.username = "user" + std::to_string(rng_() % 50);
    r.access_key_id = "AKIA" + std::to_string(100000000000 + rng_() % 200) + "EXAMPLE";
    r.read_only = r.event_name.starts_with("Get") || r.event_name.starts_with("List");
    std::string role_arn =
        "arn:aws:iam::" + r.account + ":role/role" + std::to_string(rng_() % 100);
    r.resources = {{"AWS::IAM::Role", role_arn}};
    r.json = R"({"eventVersion":"1.08","userIdentity":{"type":"IAMUser","principalId":"AIDAQRSTUVWXYZEXAMPLE","arn":"arn:aws:iam::)" +
             r.account + ":user/" + r.username + R"(","accountId":")" + r.account +
             R"(","accessKeyId":")" + r.access_key_id + R"(","userName":")" + r.username +
             R"("},"eventTime":"2026-01-01T00:00:00Z","eventSource":")" + r.event_source +
             R"(","eventName":")" + r.event_name +
             R"(","awsRegion":"us-east-1","sourceIPAddress":"192.0.2.101","userAgent":"aws-cli/2.15.0 Python/3.11.6 Linux/6.1.0 exe/x86_64.debian.12 prompt/off command/sts.assume-role","requestParameters":{"roleArn":")" +
             role_arn +
             R"(","roleSessionName":"session-name-1","durationSeconds":3600},"responseElements":{"credentials":{"accessKeyId":"ASIAQRSTUVWXYZEXAMPLE","sessionToken":"<sealed>","expiration":"Jan 1, 2026, 1:00:00 AM"},"assumedRoleUser":{"assumedRoleId":"AROAQRSTUVWXYZEXAMPLE:session-name-1","arn":"arn:aws:sts::111111111111:assumed-role/role/session-name-1"}},"requestID":")" +
             uuid() + R"(","eventID":")" + r.event_id +
             R"(","readOnly":false,"resources":[{"ARN":")" + role_arn + R"(","accountId":")" +
             r.account +
             R"(","type":"AWS::IAM::Role"}],"eventType":"AwsApiCall","managementEvent":true,"recipientAccountId":")" +
             r.account + R"(","eventCategory":"Management"})";
    return r;
  }

  std::vector<audit::Record> batch() {
    std::vector<audit::Record> out;
    out.reserve(kBatch);
    for (std::size_t i = 0; i < kBatch; ++i) out.push_back(next());
    return out;
  }

 private:
  std::string uuid() {
    char buf[40];
    std::snprintf(buf, sizeof buf, "%08x-%04x-%04x-%04x-%012llx", static_cast<unsigned>(rng_()),
                  static_cast<unsigned>(rng_() & 0xffff), static_cast<unsigned>(rng_() & 0xffff),
                  static_cast<unsigned>(rng_() & 0xffff),
                  static_cast<unsigned long long>(rng_() & 0xffffffffffffULL));
    return buf;
  }

  std::mt19937_64 rng_{42};
  core::TimePoint time_ = core::TimePoint(std::chrono::seconds(1767225600));
};

void BM_SqliteIndexWrite(benchmark::State& state) {
  const std::string file = scratch_file();
  {
    audit::SqliteIndex index(file);
    RecordMaker maker;
    // Batches are made ahead of the timed loop: only write() is measured.
    std::vector<std::vector<audit::Record>> batches;
    for (int i = 0; i < 64; ++i) batches.push_back(maker.batch());
    std::size_t n = 0;
    for (auto _ : state) {
      state.PauseTiming();
      if (n == batches.size()) {
        batches.clear();
        for (int i = 0; i < 64; ++i) batches.push_back(maker.batch());
        n = 0;
      }
      state.ResumeTiming();
      auto st = index.write(batches[n++]);
      if (!st) state.SkipWithError(st.error().message.c_str());
    }
    state.SetItemsProcessed(static_cast<std::int64_t>(state.iterations() * kBatch));
    // Seconds per record (printed with an SI prefix: "5u" is 5 microseconds).
    state.counters["per_record"] =
        benchmark::Counter(static_cast<double>(state.iterations() * kBatch),
                           benchmark::Counter::kIsRate | benchmark::Counter::kInvert);
  }
  remove_scratch(file);
}
BENCHMARK(BM_SqliteIndexWrite)->Unit(benchmark::kMicrosecond)->MinTime(3.0);

/// An index of `batches` batches built once per process (lookups do not change it).
struct BuiltIndex {
  std::string file;
  std::unique_ptr<audit::SqliteIndex> index;
  core::TimePoint last;
  audit::Record sample;  // a record of the queried account, for its event id and user
};

BuiltIndex& built(int batches) {
  static std::map<int, BuiltIndex> cache;
  auto it = cache.find(batches);
  if (it != cache.end()) return it->second;
  BuiltIndex& b = cache[batches];
  b.file = scratch_file();
  b.index = std::make_unique<audit::SqliteIndex>(b.file);
  RecordMaker maker;
  for (int i = 0; i < batches; ++i) {
    auto batch = maker.batch();
    b.last = batch.back().time;
    if (i == batches / 2) b.sample = batch[0];
    if (!b.index->write(batch)) std::abort();
  }
  static bool cleanup = [] {
    std::atexit([] {
      for (auto& [n, built] : cache) {
        built.index.reset();
        remove_scratch(built.file);
      }
    });
    return true;
  }();
  (void)cleanup;
  return b;
}

// Args: batches of 512 records, then 0 EventName, 1 Username, 2 EventId, 3 no attribute.
void BM_SqliteIndexLookup(benchmark::State& state) {
  BuiltIndex& b = built(static_cast<int>(state.range(0)));
  audit::Query q;
  q.account = b.sample.account;
  switch (state.range(1)) {
    case 0: q.attribute = std::make_pair(audit::Attribute::EventName, std::string("AssumeRole"));
            break;
    case 1: q.attribute = std::make_pair(audit::Attribute::Username, b.sample.username); break;
    case 2: q.attribute = std::make_pair(audit::Attribute::EventId, b.sample.event_id); break;
    default: break;
  }
  q.start = b.last - std::chrono::hours(24);
  q.end = b.last;
  q.limit = 50;
  const std::size_t want = state.range(1) == 2 ? 1 : 50;
  for (auto _ : state) {
    auto page = b.index->lookup(q);
    if (!page || page->records.size() != want) state.SkipWithError("lookup failed");
    benchmark::DoNotOptimize(page);
  }
}
BENCHMARK(BM_SqliteIndexLookup)
    ->ArgsProduct({{400, 4000}, {0, 1, 2, 3}})
    ->Unit(benchmark::kMicrosecond);

}  // namespace

BENCHMARK_MAIN();
