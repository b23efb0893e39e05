#pragma once
// The storage contract: an ordered key-value store with serializable transactions.
//
// Backends (memory/, sqlite/, later postgres/) implement only this narrow surface; what the keys and
// values mean lives in store/entities.h. Keys are '/'-separated UTF-8 paths that sort in byte order;
// values are opaque bytes. The database is untrusted: secrets are sealed before they reach it.

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "core/result.h"

namespace iamd::store {

using KeyValue = std::pair<std::string, std::string>;

/// One transaction's view of the store. Reads see the transaction's own writes.
class Transaction {
 public:
  virtual ~Transaction() = default;

  /// The value under `key`, or nullopt when absent.
  virtual core::Result<std::optional<std::string>> get(std::string_view key) = 0;
  /// Inserts or replaces. Fails in a read-only transaction.
  virtual core::Status put(std::string_view key, std::string_view value) = 0;
  /// Removes `key`; removing an absent key succeeds. Fails in a read-only transaction.
  virtual core::Status erase(std::string_view key) = 0;
  /// Up to `limit` pairs whose key starts with `prefix` and sorts strictly after `start_after`
  /// (empty: from the start), in ascending byte order of key.
  virtual core::Result<std::vector<KeyValue>> scan(std::string_view prefix,
                                                   std::string_view start_after,
                                                   size_t limit) = 0;
};

using TransactionFn = std::function<core::Status(Transaction&)>;

class Store {
 public:
  virtual ~Store() = default;

  /// Runs `fn` in one serializable read-write transaction. Commits when `fn` succeeds; rolls back
  /// and returns its error when it fails, so a failed call never leaves a partial write. A backend
  /// may run `fn` more than once when a concurrent writer conflicts: `fn` must not have effects
  /// outside the transaction.
  core::Status write(const TransactionFn& fn) { return write_impl(fn); }
  /// Runs `fn` in a read-only snapshot.
  core::Status read(const TransactionFn& fn) { return read_impl(fn); }
  /// A number that grows on every committed write, so in-memory views know when they are stale.
  std::uint64_t generation() const { return generation_impl(); }

 protected:
  virtual core::Status write_impl(const TransactionFn& fn) = 0;
  virtual core::Status read_impl(const TransactionFn& fn) = 0;
  virtual std::uint64_t generation_impl() const = 0;
};

}  // namespace iamd::store
