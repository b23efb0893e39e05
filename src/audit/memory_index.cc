#include "audit/memory_index.h"

#include <algorithm>

#include "audit/index_util.h"

namespace iamd::audit {
namespace {

bool matches(const Record& r, Attribute key, const std::string& value) {
  auto any_resource = [&](auto member) {
    return std::any_of(r.resources.begin(), r.resources.end(),
                       [&](const ResourceRef& ref) { return ref.*member == value; });
  };
  switch (key) {
    case Attribute::EventId: return r.event_id == value;
    case Attribute::EventName: return r.event_name == value;
    case Attribute::ReadOnly: return value == (r.read_only ? "true" : "false");
    case Attribute::Username: return r.username == value;
    case Attribute::ResourceType: return any_resource(&ResourceRef::type);
    case Attribute::ResourceName: return any_resource(&ResourceRef::name);
    case Attribute::EventSource: return r.event_source == value;
    case Attribute::AccessKeyId: return r.access_key_id == value;
  }
  return false;
}

}  // namespace

core::Status MemoryIndex::write(std::span<const Record> batch) {
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
    if (record.account != query.account) continue;
    if (query.attribute && !matches(record, query.attribute->first, query.attribute->second)) {
      continue;
    }
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
