// LookupEvents (spec/sts-federation.md §10.3): the caller's account's records, newest first, one
// optional attribute, an inclusive time window, pages of at most 50 with an opaque NextToken.
#include <chrono>
#include <cstdlib>
#include <optional>
#include <string>

#include "audit/index_util.h"
#include "cloudtrail/errors.h"
#include "cloudtrail/next_token.h"
#include "cloudtrail/service.h"
#include "core/time_format.h"
#include "policy/explain.h"

namespace iamd::cloudtrail {
namespace {

// Without StartTime, the 90 days before EndTime: what CloudTrail's event history covers.
constexpr auto kDefaultWindow = std::chrono::hours(24 * 90);
constexpr std::int64_t kMaxResults = 50;
constexpr std::size_t kMaxAttributeValueLength = 2000;
// The timestamps a TimePoint (nanoseconds in 64 bits) holds with room to spare: 1684 to 2255.
constexpr double kMaxEpochSeconds = 9e9;

struct Request {
  std::optional<std::pair<audit::Attribute, std::string>> attribute;
  std::optional<core::TimePoint> start;
  std::optional<core::TimePoint> end;
  std::optional<std::string> event_category;
  std::optional<std::int64_t> max_results;
  std::optional<std::string> next_token;
};

/// Whether member `name` is there but is an object or an array where a scalar belongs.
bool not_scalar(api::Input& in, std::string_view name) {
  return in.has(name) && !in.optional_string(name);
}

/// Whether `s` is a JSON number: -?(0|[1-9][0-9]*)(\.[0-9]+)?([eE][+-]?[0-9]+)?
bool is_json_number(std::string_view s) {
  std::size_t i = 0;
  auto digits = [&] {
    std::size_t from = i;
    while (i < s.size() && s[i] >= '0' && s[i] <= '9') ++i;
    return i > from;
  };
  if (i < s.size() && s[i] == '-') ++i;
  if (i < s.size() && s[i] == '0') {
    ++i;
  } else if (!digits()) {
    return false;
  }
  if (i < s.size() && s[i] == '.') {
    ++i;
    if (!digits()) return false;
  }
  if (i < s.size() && (s[i] == 'e' || s[i] == 'E')) {
    ++i;
    if (i < s.size() && (s[i] == '+' || s[i] == '-')) ++i;
    if (!digits()) return false;
  }
  return i == s.size();
}

/// A timestamp member: epoch seconds as a JSON number, fractions accepted (botocore sends whole
/// seconds). Wrong type -> SerializationException; unrepresentable -> InvalidTimeRangeException.
core::Result<std::optional<core::TimePoint>> read_time(api::Input& in, std::string_view name) {
  if (not_scalar(in, name)) return serialization();
  std::optional<std::string> text = in.optional_string(name);
  if (!text) return std::optional<core::TimePoint>();
  if (!is_json_number(*text)) return serialization();
  const double seconds = std::strtod(text->c_str(), nullptr);
  if (!(seconds >= -kMaxEpochSeconds && seconds <= kMaxEpochSeconds)) return time_out_of_range();
  const auto since_epoch = std::chrono::duration_cast<core::TimePoint::duration>(
      std::chrono::duration<double>(seconds));
  return std::optional<core::TimePoint>(core::TimePoint(since_epoch));
}

/// AttributeValue's length as CloudTrail counts it: characters, with '_', ' ', ',' and newline
/// counting two.
std::size_t attribute_value_length(std::string_view v) {
  std::size_t n = 0;
  for (char c : v) {
    if ((static_cast<unsigned char>(c) & 0xC0) == 0x80) continue;  // UTF-8 continuation byte
    n += (c == '_' || c == ' ' || c == ',' || c == '\n') ? 2 : 1;
  }
  return n;
}

core::Result<std::optional<std::pair<audit::Attribute, std::string>>> read_attribute(
    api::Input& in) {
  using Attribute = std::optional<std::pair<audit::Attribute, std::string>>;
  if (in.optional_string("LookupAttributes")) return serialization();  // a scalar, not a list
  std::vector<api::Input> items = in.list("LookupAttributes");
  for (auto& item : items) {
    if (not_scalar(item, "AttributeKey") || not_scalar(item, "AttributeValue")) {
      return serialization();
    }
  }
  if (items.empty()) return Attribute();
  if (items.size() > 1) return too_many_lookup_attributes();
  api::Input& item = items.front();
  std::optional<std::string> key_name = item.optional_string("AttributeKey");
  std::optional<audit::Attribute> key =
      key_name ? audit::attribute_from_name(*key_name) : std::nullopt;
  if (!key) return invalid_lookup_attribute_key();
  std::optional<std::string> value = item.optional_string("AttributeValue");
  if (!value || value->empty() || attribute_value_length(*value) > kMaxAttributeValueLength) {
    return invalid_lookup_attribute_value();
  }
  if (*key == audit::Attribute::ReadOnly && *value != "true" && *value != "false") {
    return invalid_lookup_attribute_value();
  }
  return Attribute(std::make_pair(*key, std::move(*value)));
}

/// The request, checked as CloudTrail checks it: member types first (SerializationException),
/// then the attribute, the time range, MaxResults and EventCategory. NextToken is checked by the
/// caller against the parameters.
core::Result<Request> read_request(api::Input& in) {
  Request r;
  for (auto name : {"EventCategory", "NextToken", "MaxResults"}) {
    if (not_scalar(in, name)) return serialization();
  }
  r.max_results = in.optional_int("MaxResults");  // "Member must be a number" when not an integer
  if (!in.finish()) return serialization();
  r.event_category = in.optional_string("EventCategory");
  r.next_token = in.optional_string("NextToken");
  auto start = read_time(in, "StartTime");
  IAMD_TRY(start);
  auto end = read_time(in, "EndTime");
  IAMD_TRY(end);
  auto attribute = read_attribute(in);
  IAMD_TRY(attribute);
  r.attribute = std::move(*attribute);
  r.start = *start;
  r.end = *end;
  if (r.start && r.end && *r.start > *r.end) return start_after_end();
  if (r.max_results && (*r.max_results < 1 || *r.max_results > kMaxResults)) {
    return invalid_max_results(*r.max_results);
  }
  if (r.event_category && *r.event_category != "insight") {
    return invalid_event_category(*r.event_category);
  }
  return r;
}

void write_event(api::OutNode& out, const audit::Record& r) {
  out.add_string("EventId", r.event_id);
  out.add_string("EventName", r.event_name);
  out.add_string("ReadOnly", r.read_only ? "true" : "false");
  // Absent rather than empty, as CloudTrail leaves out what the event does not have.
  if (!r.access_key_id.empty()) out.add_string("AccessKeyId", r.access_key_id);
  out.add_timestamp("EventTime", core::format_iso8601(r.time));  // whole seconds, as eventTime
  out.add_string("EventSource", r.event_source);
  if (!r.username.empty()) out.add_string("Username", r.username);
  auto& resources = out.add_list("Resources");
  for (const auto& ref : r.resources) {
    auto& item = resources.add_item();
    if (!ref.type.empty()) item.add_string("ResourceType", ref.type);  // "null if unknown"
    item.add_string("ResourceName", ref.name);
  }
  out.add_string("CloudTrailEvent", r.json);
}

/// AccessDeniedException unless the caller's policies allow cloudtrail:LookupEvents on "*".
core::Status authorize_lookup(authz::View& view, const api::Context& ctx) {
  constexpr std::string_view kAction = "cloudtrail:LookupEvents";
  authz::Decision d = view.authorize(ctx, authz::Request{kAction, "*"});
  if (d.allowed) return {};
  // CloudTrail names no resource for an action without resource-level permissions (observed:
  // "User: ARN is not authorized to perform: cloudtrail:LookupEvents because no identity-based
  // policy allows the cloudtrail:LookupEvents action"), so the message is worded without one.
  return core::Error{core::ErrorCode::AccessDeniedException,
                     policy::access_denied_message(d.evaluation, ctx.caller.arn, kAction, "")};
}

std::optional<std::int64_t> micros_of(const std::optional<core::TimePoint>& t) {
  if (!t) return std::nullopt;
  return audit::to_micros(*t);
}

}  // namespace

Service::Out Service::lookup_events(const api::Context& ctx, api::Input& in) {
  auto request = read_request(in);
  IAMD_TRY(request);
  const core::TimePoint end = request->end.value_or(ctx.now);
  const core::TimePoint start = request->start.value_or(end - kDefaultWindow);
  if (start > end) return start_after_end();  // StartTime after the default EndTime (now)

  TokenScope scope;
  scope.account = ctx.caller.account;
  if (request->attribute) {
    scope.attribute_key = request->attribute->first;
    scope.attribute_value = request->attribute->second;
  }
  scope.start_us = micros_of(request->start);
  scope.end_us = micros_of(request->end);
  if (request->event_category) scope.event_category = *request->event_category;
  std::optional<audit::Cursor> after;
  if (request->next_token) {
    after = decode_next_token(scope, *request->next_token);
    if (!after) return invalid_next_token();
  }

  IAMD_TRY(authorize_lookup(d_.view, ctx));

  api::Output out;
  auto& events = out.result.add_list("Events");
  if (request->event_category) return out;  // "insight": iamd records no Insights events

  if (d_.wait_for_writes) d_.wait_for_writes();
  audit::Query query;
  query.account = ctx.caller.account;
  query.attribute = request->attribute;
  query.start = start;
  query.end = end;
  query.limit = static_cast<std::size_t>(request->max_results.value_or(kMaxResults));
  query.after = after;
  auto page = d_.index.lookup(query);
  IAMD_TRY(page);
  for (const auto& record : page->records) write_event(events.add_item(), record);
  if (page->next) out.result.add_string("NextToken", encode_next_token(scope, *page->next));
  return out;
}

}  // namespace iamd::cloudtrail
