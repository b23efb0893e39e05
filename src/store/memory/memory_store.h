#pragma once
// An in-memory store::Store for unit tests: the whole map is an immutable snapshot that a write
// replaces atomically when it commits.

#include <atomic>
#include <cstdint>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <thread>

#include "store/store.h"

namespace iamd::store {

/// A store held in memory and lost with the process.
///
/// - Readers take the current snapshot and never wait for a writer.
/// - Writers are serialized; each copies the map on its first put/erase (so a commit costs O(size),
///   which is fine for tests) and publishes the copy when `fn` succeeds.
/// - put/erase in a read transaction, and a write() nested inside a write() on the same thread,
///   fail with ServiceFailure instead of deadlocking.
class MemoryStore final : public Store {
 public:
  MemoryStore();

  MemoryStore(const MemoryStore&) = delete;
  MemoryStore& operator=(const MemoryStore&) = delete;

 protected:
  core::Status write_impl(const TransactionFn& fn) override;
  core::Status read_impl(const TransactionFn& fn) override;
  std::uint64_t generation_impl() const override;

 private:
  using Map = std::map<std::string, std::string, std::less<>>;
  class MemoryTransaction;

  std::shared_ptr<const Map> current_snapshot() const;

  // Guards only the pointer swap; readers hold it for a few instructions.
  mutable std::mutex snapshot_mutex_;
  std::shared_ptr<const Map> snapshot_;

  // Serializes writers for the whole of `fn`.
  std::mutex writer_mutex_;
  // The thread inside write(), so that a nested write() fails instead of self-deadlocking.
  std::atomic<std::thread::id> writer_thread_{};

  std::atomic<std::uint64_t> generation_{0};
};

}  // namespace iamd::store
