#pragma once
// The pieces every entity file uses to encode values as JSON in the store. Persisted format:
// timestamps are integer milliseconds since the epoch; never change silently.

#include <boost/json.hpp>

#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "core/clock.h"
#include "core/result.h"
#include "store/entities.h"
#include "store/store.h"

namespace iamd::store::codec {

inline std::int64_t to_millis(core::TimePoint t) {
  return std::chrono::duration_cast<std::chrono::milliseconds>(t.time_since_epoch()).count();
}

inline core::TimePoint from_millis(std::int64_t ms) {
  return core::TimePoint(
      std::chrono::duration_cast<core::TimePoint::duration>(std::chrono::milliseconds(ms)));
}

/// A stored value that does not decode: the store is untrusted, so this is an error, not a crash.
inline core::Error corrupt(std::string_view key) {
  return core::Error{core::ErrorCode::ServiceFailure,
                     "Stored entity could not be read: " + std::string(key)};
}

/// The field as a string, or "" when absent or of another type.
inline std::string text(const boost::json::object& o, std::string_view field) {
  if (auto* v = o.if_contains(field); v && v->is_string()) return std::string(v->as_string());
  return {};
}

/// The field as an integer, or 0 when absent or of another type.
inline std::int64_t integer(const boost::json::object& o, std::string_view field) {
  if (auto* v = o.if_contains(field); v && v->is_int64()) return v->as_int64();
  return 0;
}

/// The field as a boolean, or false when absent or of another type.
inline bool boolean(const boost::json::object& o, std::string_view field) {
  if (auto* v = o.if_contains(field); v && v->is_bool()) return v->as_bool();
  return false;
}

/// Parses a stored JSON object; nullopt when the bytes are not one.
inline std::optional<boost::json::object> parse_object(std::string_view bytes) {
  boost::system::error_code ec;
  boost::json::value v = boost::json::parse(bytes, ec);
  if (ec || !v.is_object()) return std::nullopt;
  return std::move(v.as_object());
}

/// Tags as stored: [{"k": key, "v": value}].
inline boost::json::array encode_tags(const std::vector<Tag>& tags) {
  boost::json::array a;
  for (const auto& t : tags) a.push_back(boost::json::object{{"k", t.key}, {"v", t.value}});
  return a;
}
/// The "tags" member of a stored object; items that are not objects are skipped.
inline std::vector<Tag> decode_tags(const boost::json::object& o) {
  std::vector<Tag> tags;
  if (auto* v = o.if_contains("tags"); v && v->is_array()) {
    for (const auto& item : v->as_array()) {
      if (!item.is_object()) continue;
      tags.push_back(Tag{text(item.as_object(), "k"), text(item.as_object(), "v")});
    }
  }
  return tags;
}

/// The store's scans are read this many keys at a time, so that a large account never loads at
/// once.
inline constexpr std::size_t kScanPage = 500;

/// Calls `visit(key, value)` (a `const std::string&` and a `std::string&` it may move from) for
/// every key under `prefix`, in key order; stops at the first error `visit` returns.
template <class Visit>
core::Status for_each_under(Transaction& tx, const std::string& prefix, Visit&& visit) {
  std::string after;
  while (true) {
    auto page = tx.scan(prefix, after, kScanPage);
    IAMD_TRY(page);
    if (page->empty()) return {};
    after = page->back().first;
    for (auto& [k, v] : *page) IAMD_TRY(visit(std::as_const(k), v));
    if (page->size() < kScanPage) return {};
  }
}

/// The keys under `prefix`, without it.
inline core::Result<std::vector<std::string>> key_suffixes(Transaction& tx,
                                                          const std::string& prefix) {
  std::vector<std::string> out;
  IAMD_TRY(for_each_under(tx, prefix, [&](const std::string& k, std::string&) -> core::Status {
    out.push_back(k.substr(prefix.size()));
    return {};
  }));
  return out;
}

// One page of entities under `prefix` whose path starts with `path_prefix`. The marker is the key
// suffix of the last item returned.
template <class T, class Decode>
core::Result<Listing<T>> list_page(Transaction& tx, const std::string& prefix,
                                   std::string_view path_prefix, std::string_view marker,
                                   size_t max_items, Decode decode) {
  Listing<T> page;
  std::string after = marker.empty() ? std::string() : prefix + std::string(marker);
  while (true) {
    auto batch = tx.scan(prefix, after, kScanPage);
    IAMD_TRY(batch);
    for (auto& [k, v] : *batch) {
      auto obj = parse_object(v);
      if (!obj) return corrupt(k);
      T item = decode(*obj);
      if (!item.path.starts_with(path_prefix)) continue;
      if (page.items.size() == max_items) {
        page.is_truncated = true;
        return page;
      }
      page.items.push_back(std::move(item));
      page.marker = k.substr(prefix.size());
    }
    if (batch->size() < kScanPage) break;
    after = batch->back().first;
  }
  page.marker.clear();
  return page;
}

}  // namespace iamd::store::codec
