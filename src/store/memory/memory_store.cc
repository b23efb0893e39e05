#include "store/memory/memory_store.h"

#include <utility>

namespace iamd::store {

namespace {

enum class Access { ReadOnly, ReadWrite };

core::Error read_only_error(std::string_view operation) {
  return core::Error{core::ErrorCode::ServiceFailure,
                     std::string(operation) + " is not allowed in a read-only transaction"};
}

}  // namespace

// Reads from the snapshot the transaction started with until its first write, then from a private
// copy that holds its own writes (copy-on-write).
class MemoryStore::MemoryTransaction final : public Transaction {
 public:
  MemoryTransaction(std::shared_ptr<const Map> base, Access access)
      : base_(std::move(base)), access_(access) {}

  core::Result<std::optional<std::string>> get(std::string_view key) override {
    const Map& map = view();
    auto it = map.find(key);
    if (it == map.end()) return std::optional<std::string>();
    return std::optional<std::string>(it->second);
  }

  core::Status put(std::string_view key, std::string_view value) override {
    if (access_ == Access::ReadOnly) return read_only_error("put");
    Map& map = writable();
    auto it = map.find(key);
    if (it == map.end()) {
      map.emplace(std::string(key), std::string(value));
    } else {
      it->second.assign(value);
    }
    return {};
  }

  core::Status erase(std::string_view key) override {
    if (access_ == Access::ReadOnly) return read_only_error("erase");
    Map& map = writable();
    if (auto it = map.find(key); it != map.end()) map.erase(it);
    return {};
  }

  core::Result<std::vector<KeyValue>> scan(std::string_view prefix, std::string_view start_after,
                                           size_t limit) override {
    std::vector<KeyValue> out;
    if (limit == 0) return out;
    const Map& map = view();
    // Start at the later of the prefix itself and the first key strictly after start_after.
    auto it = start_after < prefix ? map.lower_bound(prefix) : map.upper_bound(start_after);
    for (; it != map.end() && out.size() < limit; ++it) {
      // std::string compares as unsigned bytes, so the keys with the prefix are contiguous.
      if (!it->first.starts_with(prefix)) break;
      out.emplace_back(it->first, it->second);
    }
    return out;
  }

  /// The copy holding this transaction's writes, or null when it wrote nothing.
  std::shared_ptr<const Map> take_written() { return std::move(written_); }

 private:
  const Map& view() const { return written_ ? *written_ : *base_; }

  Map& writable() {
    if (!written_) written_ = std::make_shared<Map>(*base_);
    return *written_;
  }

  std::shared_ptr<const Map> base_;
  std::shared_ptr<Map> written_;
  Access access_;
};

MemoryStore::MemoryStore() : snapshot_(std::make_shared<const Map>()) {}

std::shared_ptr<const MemoryStore::Map> MemoryStore::current_snapshot() const {
  std::lock_guard lock(snapshot_mutex_);
  return snapshot_;
}

core::Status MemoryStore::write_impl(const TransactionFn& fn) {
  if (writer_thread_.load() == std::this_thread::get_id()) {
    return core::Error{core::ErrorCode::ServiceFailure,
                       "write() called inside another write() on the same thread"};
  }
  std::lock_guard writer_lock(writer_mutex_);
  writer_thread_.store(std::this_thread::get_id());
  struct ClearWriterThread {
    std::atomic<std::thread::id>& id;
    ~ClearWriterThread() { id.store(std::thread::id()); }
  } clear_writer_thread{writer_thread_};

  // Writers are serialized, so the snapshot cannot change under us until we publish.
  MemoryTransaction txn(current_snapshot(), Access::ReadWrite);
  core::Status status = fn(txn);
  if (!status) return status;  // Rollback: the private copy is dropped.

  if (auto written = txn.take_written()) {
    std::lock_guard lock(snapshot_mutex_);
    snapshot_ = std::move(written);
  }
  generation_.fetch_add(1, std::memory_order_acq_rel);
  return {};
}

core::Status MemoryStore::read_impl(const TransactionFn& fn) {
  MemoryTransaction txn(current_snapshot(), Access::ReadOnly);
  return fn(txn);
}

std::uint64_t MemoryStore::generation_impl() const {
  return generation_.load(std::memory_order_acquire);
}

}  // namespace iamd::store
