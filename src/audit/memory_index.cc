#include "audit/memory_index.h"

#include <algorithm>

#include "audit/index_util.h"

namespace iamd::audit {

core::Status MemoryIndex::write(std::span<Record> batch) {
  std::lock_guard lock(mutex_);
  for (const Record& r : batch) {
    records_.emplace(std::make_pair(to_micros(r.time), next_sequence_++), r);
  }
  return {};
}

core::Result<Page> MemoryIndex::lookup(const Query& query) {
  const ScanBounds b = scan_bounds(query);
  Page page;
  std::lock_guard lock(mutex_);
  if (query.limit == 0) return page;
  // Start just past the newest key the bounds allow and walk back in time.
  auto it = records_.lower_bound(std::make_pair(b.window.last, b.below_sequence));
  std::pair<std::int64_t, std::int64_t> last_key;
  while (it != records_.begin()) {
    --it;
    const auto& [key, record] = *it;
    if (key.first < b.window.first) break;
    if (!matches(record, query)) continue;
    if (page.records.size() == query.limit) {  // one more matches: there is a next page
      page.next = Cursor{last_key.first, last_key.second};
      break;
    }
    page.records.push_back(record);
    last_key = key;
  }
  return page;
}

core::Status MemoryIndex::prune(core::TimePoint before) {
  std::lock_guard lock(mutex_);
  const std::int64_t cutoff = to_micros(before);
  records_.erase(records_.begin(), records_.lower_bound(std::make_pair(cutoff, std::int64_t{0})));
  return {};
}

std::size_t MemoryIndex::size() const {
  std::lock_guard lock(mutex_);
  return records_.size();
}

}  // namespace iamd::audit
