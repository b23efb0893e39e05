#include "audit/index_util.h"

#include <algorithm>

#include <chrono>
#include <iterator>

namespace iamd::audit {
namespace {

using std::chrono::floor;
using std::chrono::microseconds;
using std::chrono::seconds;

constexpr std::int64_t kMicrosPerSecond = 1'000'000;

// The first microsecond of the second `t` falls in.
std::int64_t second_start_micros(core::TimePoint t) {
  return floor<seconds>(t).time_since_epoch().count() * kMicrosPerSecond;
}

constexpr std::string_view kNames[] = {"EventId",      "EventName",    "ReadOnly",
                                       "Username",     "ResourceType", "ResourceName",
                                       "EventSource",  "AccessKeyId"};

}  // namespace

std::int64_t to_micros(core::TimePoint t) {
  return floor<microseconds>(t).time_since_epoch().count();
}

core::TimePoint from_micros(std::int64_t us) {
  return core::TimePoint(std::chrono::duration_cast<core::TimePoint::duration>(microseconds(us)));
}

MicrosWindow window_of(const Query& query) {
  return MicrosWindow{second_start_micros(query.start),
                      second_start_micros(query.end) + kMicrosPerSecond - 1};
}

ScanBounds scan_bounds(const Query& query) {
  ScanBounds b{window_of(query)};
  if (query.after && query.after->time_us <= b.window.last) {
    b.window.last = query.after->time_us;
    b.below_sequence = query.after->sequence;
  }
  return b;
}

std::string_view attribute_name(Attribute a) { return kNames[static_cast<int>(a)]; }

std::optional<Attribute> attribute_from_name(std::string_view name) {
  for (int i = 0; i < static_cast<int>(std::size(kNames)); ++i) {
    if (kNames[i] == name) return static_cast<Attribute>(i);
  }
  return std::nullopt;
}

bool matches(const Record& r, const Query& q) {
  if (r.account != q.account) return false;
  if (!q.attribute) return true;
  const std::string& value = q.attribute->second;
  auto any_resource = [&](auto member) {
    return std::any_of(r.resources.begin(), r.resources.end(),
                       [&](const ResourceRef& ref) { return ref.*member == value; });
  };
  switch (q.attribute->first) {
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

}  // namespace iamd::audit
