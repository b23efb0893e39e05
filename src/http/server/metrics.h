#pragma once
// Request metrics for the HTTP server, rendered in the Prometheus text exposition format 0.0.4.
// Each recording thread owns a shard, so the request path takes no shared lock: a thread's first
// record() registers its shard, later ones touch only that shard with relaxed atomics.

#include <array>
#include <atomic>
#include <chrono>
#include <cstdint>
#include <memory>
#include <mutex>
#include <string>
#include <string_view>
#include <vector>

namespace iamd::http {

class Metrics {
 public:
  /// Upper bounds (seconds) of the latency histogram's finite buckets; "+Inf" follows.
  static constexpr std::array<double, 14> kBucketBounds = {
      0.0001, 0.00025, 0.0005, 0.001, 0.0025, 0.005, 0.01,
      0.025,  0.05,    0.1,    0.25,  0.5,    1,     2.5};

  Metrics();
  ~Metrics();
  Metrics(const Metrics&) = delete;
  Metrics& operator=(const Metrics&) = delete;

  /// Counts one completed request under (service, action, status) and its latency under
  /// (service, action). Thread-safe; lock-free after the calling thread's first call.
  void record(std::string_view service, std::string_view action, int status,
              std::chrono::nanoseconds latency);

  /// Counts access-log lines dropped because the log writer fell behind (see access_log.h).
  void add_access_log_dropped(std::uint64_t lines) {
    access_log_dropped_.fetch_add(lines, std::memory_order_relaxed);
  }

  /// iamd_http_requests_total{service,action,status},
  /// iamd_http_request_duration_seconds{service,action} (histogram), sorted by labels, and
  /// iamd_access_log_dropped_lines_total. Safe to call while other threads record.
  std::string render_prometheus() const;

 private:
  struct Shard;
  Shard& local_shard();

  const std::uint64_t id_;  // tells apart Metrics objects in the per-thread shard cache
  mutable std::mutex shards_mutex_;  // guards shards_ (not the shards' contents)
  std::vector<std::unique_ptr<Shard>> shards_;
  std::atomic<std::uint64_t> access_log_dropped_{0};
};

}  // namespace iamd::http
