#include "http/server/metrics.h"

#include <atomic>
#include <charconv>
#include <map>
#include <thread>
#include <tuple>
#include <unordered_map>

namespace iamd::http {
namespace {

constexpr std::size_t kBuckets = Metrics::kBucketBounds.size() + 1;  // + "+Inf"

// The finite bounds in nanoseconds, so record() compares integers, and as label text.
constexpr auto kBoundsNs = [] {
  std::array<std::int64_t, kBuckets - 1> ns{};
  for (std::size_t i = 0; i < ns.size(); ++i) {
    ns[i] = static_cast<std::int64_t>(Metrics::kBucketBounds[i] * 1e9 + 0.5);
  }
  return ns;
}();
constexpr std::array<std::string_view, kBuckets> kBoundLabels = {
    "0.0001", "0.00025", "0.0005", "0.001", "0.0025", "0.005", "0.01",
    "0.025",  "0.05",    "0.1",    "0.25",  "0.5",    "1",     "2.5", "+Inf"};

std::atomic<std::uint64_t> next_metrics_id{1};

// Only the owning thread writes a shard's counters, so a relaxed load + store suffices (no
// locked read-modify-write); readers see a recent value, which is all Prometheus asks.
inline void bump(std::atomic<std::uint64_t>& a, std::uint64_t by = 1) {
  a.store(a.load(std::memory_order_relaxed) + by, std::memory_order_relaxed);
}

struct StringHash {
  using is_transparent = void;
  std::size_t operator()(std::string_view s) const noexcept {
    return std::hash<std::string_view>{}(s);
  }
};

void append_escaped_label(std::string& out, std::string_view v) {
  for (char c : v) {
    switch (c) {
      case '\\': out += "\\\\"; break;
      case '"': out += "\\\""; break;
      case '\n': out += "\\n"; break;
      default: out += c;
    }
  }
}

void append_uint(std::string& out, std::uint64_t v) {
  char buf[24];
  auto r = std::to_chars(buf, buf + sizeof buf, v);
  out.append(buf, r.ptr);
}

void append_double(std::string& out, double v) {
  char buf[32];
  auto r = std::to_chars(buf, buf + sizeof buf, v);  // shortest round-trip form
  out.append(buf, r.ptr);
}

}  // namespace

struct Metrics::Shard {
  struct Entry {
    Entry(std::string_view s, std::string_view a, int st) : service(s), action(a), status(st) {}
    const std::string service;
    const std::string action;
    const int status;
    // No separate count: render sums the buckets, so _count always equals the +Inf bucket.
    std::array<std::atomic<std::uint64_t>, kBuckets> buckets{};  // not cumulative
    std::atomic<std::uint64_t> sum_ns{0};
  };

  explicit Shard(std::thread::id o) : owner(o) {}

  const std::thread::id owner;
  // The owner finds entries without locking (it is the only writer of the map); it locks to
  // insert, and render locks to iterate. Nodes never move, so entries stay put.
  std::mutex mutex;
  std::unordered_map<std::string, Entry, StringHash, std::equal_to<>> entries;
  std::string key;  // owner's scratch space for the lookup key
};

Metrics::Metrics() : id_(next_metrics_id.fetch_add(1)) {}
Metrics::~Metrics() = default;

Metrics::Shard& Metrics::local_shard() {
  struct Cache {
    std::uint64_t metrics_id = 0;
    Shard* shard = nullptr;
  };
  thread_local Cache cache;
  if (cache.metrics_id == id_) return *cache.shard;

  const auto self = std::this_thread::get_id();
  std::lock_guard lock(shards_mutex_);
  Shard* found = nullptr;
  for (auto& s : shards_) {
    if (s->owner == self) found = s.get();
  }
  if (found == nullptr) found = shards_.emplace_back(std::make_unique<Shard>(self)).get();
  cache = {id_, found};
  return *found;
}

void Metrics::record(std::string_view service, std::string_view action, int status,
                     std::chrono::nanoseconds latency) {
  Shard& shard = local_shard();
  std::string& key = shard.key;
  key.assign(service);
  key += '\x1f';
  key += action;
  key += '\x1f';
  append_uint(key, static_cast<std::uint64_t>(status < 0 ? 0 : status));

  auto it = shard.entries.find(std::string_view(key));
  if (it == shard.entries.end()) {
    std::lock_guard lock(shard.mutex);
    it = shard.entries.try_emplace(key, service, action, status).first;
  }
  Shard::Entry& e = it->second;

  const std::int64_t ns = latency.count() < 0 ? 0 : latency.count();
  std::size_t b = 0;
  while (b < kBoundsNs.size() && ns > kBoundsNs[b]) ++b;
  bump(e.sum_ns, static_cast<std::uint64_t>(ns));
  bump(e.buckets[b]);
}

std::string Metrics::render_prometheus() const {
  struct Histogram {
    std::array<std::uint64_t, kBuckets> buckets{};
    std::uint64_t sum_ns = 0;
    std::uint64_t count = 0;
  };
  std::map<std::tuple<std::string, std::string, int>, std::uint64_t> counts;
  std::map<std::pair<std::string, std::string>, Histogram> histograms;
  {
    std::lock_guard lock(shards_mutex_);
    for (const auto& shard : shards_) {
      std::lock_guard shard_lock(shard->mutex);
      for (const auto& [key, e] : shard->entries) {
        Histogram& h = histograms[{e.service, e.action}];
        std::uint64_t n = 0;
        for (std::size_t i = 0; i < kBuckets; ++i) {
          const std::uint64_t b = e.buckets[i].load(std::memory_order_relaxed);
          h.buckets[i] += b;
          n += b;
        }
        h.count += n;
        h.sum_ns += e.sum_ns.load(std::memory_order_relaxed);
        counts[{e.service, e.action, e.status}] += n;
      }
    }
  }

  std::string out;
  out.reserve(256 + counts.size() * 96 + histograms.size() * 1800);
  out += "# HELP iamd_http_requests_total Completed HTTP requests.\n";
  out += "# TYPE iamd_http_requests_total counter\n";
  for (const auto& [labels, n] : counts) {
    out += "iamd_http_requests_total{service=\"";
    append_escaped_label(out, std::get<0>(labels));
    out += "\",action=\"";
    append_escaped_label(out, std::get<1>(labels));
    out += "\",status=\"";
    append_uint(out, static_cast<std::uint64_t>(std::get<2>(labels)));
    out += "\"} ";
    append_uint(out, n);
    out += '\n';
  }

  out += "# HELP iamd_http_request_duration_seconds Time from a complete request to its "
         "written response.\n";
  out += "# TYPE iamd_http_request_duration_seconds histogram\n";
  for (const auto& [labels, h] : histograms) {
    std::string prefix = "{service=\"";
    append_escaped_label(prefix, labels.first);
    prefix += "\",action=\"";
    append_escaped_label(prefix, labels.second);
    prefix += '"';
    // Prometheus buckets are cumulative: le="x" counts every observation <= x.
    std::uint64_t cumulative = 0;
    for (std::size_t i = 0; i < kBuckets; ++i) {
      cumulative += h.buckets[i];
      out += "iamd_http_request_duration_seconds_bucket";
      out += prefix;
      out += ",le=\"";
      out += kBoundLabels[i];
      out += "\"} ";
      append_uint(out, cumulative);
      out += '\n';
    }
    out += "iamd_http_request_duration_seconds_sum";
    out += prefix;
    out += "} ";
    append_double(out, static_cast<double>(h.sum_ns) / 1e9);
    out += '\n';
    out += "iamd_http_request_duration_seconds_count";
    out += prefix;
    out += "} ";
    append_uint(out, h.count);
    out += '\n';
  }
  out += "# HELP iamd_access_log_dropped_lines_total Access-log lines dropped because the log "
         "writer fell behind.\n";
  out += "# TYPE iamd_access_log_dropped_lines_total counter\n";
  out += "iamd_access_log_dropped_lines_total ";
  append_uint(out, access_log_dropped_.load(std::memory_order_relaxed));
  out += '\n';
  return out;
}

}  // namespace iamd::http
