// The audit index's cost per API call: SqliteIndex::write() of the broker's batches.
//
// BM_SqliteIndexWrite writes batches of 256 realistic records (about 1 KB of CloudTrail JSON
// each, one resource, random event ids, a handful of accounts, users and event names) into an
// index that keeps growing across iterations, as the server's does. Time per record is the
// reported time divided by 256 (items_per_second gives records per second).
// BM_SqliteIndexLookup is one LookupEvents page (50 records, EventName) from a 100k-record index.
//
// Measured on the 2-core development VM (Release, ~260k records written, the file growing past
// 300 MB): about 28 us of CPU and 34 us of wall time per record. Indexing every attribute entry
// as it was written (one B-tree per attribute) cost 50-60 us of CPU and ~100 us of wall time:
// each entry dirtied its own page, written to the WAL at commit and again at checkpoint. See
// sqlite_index.h for the bulk indexing that replaced it.

#include <benchmark/benchmark.h>
#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <filesystem>
#include <random>
#include <string>
#include <vector>

#include "audit/sqlite_index.h"

namespace {

using namespace iamd;

constexpr std::size_t kBatch = 256;

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

void BM_SqliteIndexLookup(benchmark::State& state) {
  const std::string file = scratch_file();
  {
    audit::SqliteIndex index(file);
    RecordMaker maker;
    core::TimePoint last;
    for (int i = 0; i < 400; ++i) {
      auto batch = maker.batch();
      last = batch.back().time;
      if (!index.write(batch)) std::abort();
    }
    audit::Query q;
    q.account = "111111111110";
    q.attribute = std::make_pair(audit::Attribute::EventName, std::string("AssumeRole"));
    q.start = last - std::chrono::hours(24);
    q.end = last;
    q.limit = 50;
    for (auto _ : state) {
      auto page = index.lookup(q);
      if (!page || page->records.size() != 50) state.SkipWithError("lookup failed");
      benchmark::DoNotOptimize(page);
    }
  }
  remove_scratch(file);
}
BENCHMARK(BM_SqliteIndexLookup)->Unit(benchmark::kMicrosecond);

}  // namespace

BENCHMARK_MAIN();
