#pragma once
// The signing keys derived from one secret, cached beside it (authz::Credential carries one).
//
// SigningKeyCache finds a key by secret and scope: a hash of both per request, and a
// lock. Kept with the credential instead, the cache needs neither: the credential already is
// the lookup, so entries are keyed by the scope alone (date, region, service) and can never
// belong to another secret. Nothing here holds the secret, and the keys die (wiped) with the
// credential, so a deleted or rotated key leaves no derived keys behind once its last snapshot
// is gone.
//
// Reads are lock-free and write nothing shared: each slot is a seqlock (a sequence number, odd
// while a writer is inside, around words read and written as relaxed atomics). A writer takes a
// try-lock and, when another thread holds it, simply does not store: the caller has its key
// anyway. So two threads verifying with one credential never contend for a cache line.
//
// Header-only and std-only: the owner of a credential needs nothing else of auth/.

#include <array>
#include <atomic>
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <string_view>

namespace iamd::auth::sigv4 {

class SigningKeySlots {
 public:
  /// Scopes held at once: a credential signs for a date (two around midnight UTC), one or two
  /// services (iam, sts) and, rarely, several regions.
  static constexpr std::size_t kSlots = 4;
  using Key = std::array<std::uint8_t, 32>;

  SigningKeySlots() = default;
  ~SigningKeySlots() { wipe(); }
  SigningKeySlots(const SigningKeySlots&) = delete;
  SigningKeySlots& operator=(const SigningKeySlots&) = delete;

  /// The key stored for (date, region, service), if any, into `out`. Lock-free; thread-safe
  /// with store() and other finds.
  bool find(std::string_view date, std::string_view region, std::string_view service,
            Key& out) const {
    ScopeWords scope;
    if (!encode(date, region, service, scope)) return false;
#pragma GCC unroll 1  // one copy of read(): the verifier's hot path is kept small
    for (const Slot& slot : slots_) {
      if (read(slot, scope, out)) return true;
    }
    return false;
  }

  /// Remembers `key` for (date, region, service), replacing the oldest slot. Never blocks: if
  /// another thread is storing, nothing is stored. Scopes too long to encode are not cached.
  void store(std::string_view date, std::string_view region, std::string_view service,
             const Key& key) {
    ScopeWords scope;
    if (!encode(date, region, service, scope)) return;
    if (writer_.test_and_set(std::memory_order_acquire)) return;
    const std::size_t index = next_++ % kSlots;  // guarded by writer_
    write(slots_[index], scope, key);
    writer_.clear(std::memory_order_release);
  }

  // A scope as length-prefixed bytes (so that ("ab","c") and ("a","bc") differ), zero-padded.
  // 48 bytes hold every real scope: 8 for the date, at most ~20 for a region, 3 for iam/sts.
  // SigningKeyCache keys its entries the same way.
  static constexpr std::size_t kScopeWords = 6;
  using ScopeWords = std::array<std::uint64_t, kScopeWords>;

  /// (date, region, service) as ScopeWords; false when they do not fit (not cached then).
  static bool encode(std::string_view date, std::string_view region, std::string_view service,
                     ScopeWords& out) {
    const std::size_t total = 3 + date.size() + region.size() + service.size();
    if (total > kScopeWords * 8) return false;
    unsigned char bytes[kScopeWords * 8] = {};
    std::size_t at = 0;
    for (std::string_view part : {date, region, service}) {
      bytes[at++] = static_cast<unsigned char>(part.size());
      if (!part.empty()) std::memcpy(bytes + at, part.data(), part.size());
      at += part.size();
    }
    std::memcpy(out.data(), bytes, sizeof bytes);
    return true;
  }

 private:
  static constexpr std::size_t kKeyWords = 4;

  struct Slot {
    std::atomic<std::uint64_t> seq{0};  // 0: never written; odd: being written
    std::array<std::atomic<std::uint64_t>, kScopeWords> scope{};
    std::array<std::atomic<std::uint64_t>, kKeyWords> key{};
  };


  static bool read(const Slot& slot, const ScopeWords& scope, Key& out) {
    const std::uint64_t before = slot.seq.load(std::memory_order_acquire);
    if (before == 0 || (before & 1) != 0) return false;
    std::uint64_t differ = 0;
    for (std::size_t i = 0; i < kScopeWords; ++i) {
      differ |= slot.scope[i].load(std::memory_order_relaxed) ^ scope[i];
    }
    if (differ != 0) return false;
    std::uint64_t words[kKeyWords];
    for (std::size_t i = 0; i < kKeyWords; ++i) {
      words[i] = slot.key[i].load(std::memory_order_relaxed);
    }
    std::atomic_thread_fence(std::memory_order_acquire);
    if (slot.seq.load(std::memory_order_relaxed) != before) return false;  // torn: a writer came
    std::memcpy(out.data(), words, sizeof words);
    return true;
  }

  static void write(Slot& slot, const ScopeWords& scope, const Key& key) {
    const std::uint64_t seq = slot.seq.load(std::memory_order_relaxed);
    slot.seq.store(seq + 1, std::memory_order_relaxed);
    std::atomic_thread_fence(std::memory_order_release);
    std::uint64_t words[kKeyWords];
    std::memcpy(words, key.data(), sizeof words);
    for (std::size_t i = 0; i < kScopeWords; ++i) {
      slot.scope[i].store(scope[i], std::memory_order_relaxed);
    }
    for (std::size_t i = 0; i < kKeyWords; ++i) {
      slot.key[i].store(words[i], std::memory_order_relaxed);
    }
    // Skip 0 on wrap-around: it means "never written".
    slot.seq.store(seq + 2 == 0 ? 2 : seq + 2, std::memory_order_release);
    volatile std::uint64_t* scrub = words;
    for (std::size_t i = 0; i < kKeyWords; ++i) scrub[i] = 0;
  }

  void wipe() {
    for (Slot& slot : slots_) {
      for (auto& word : slot.key) word.store(0, std::memory_order_relaxed);
      slot.seq.store(0, std::memory_order_relaxed);
    }
    std::atomic_thread_fence(std::memory_order_seq_cst);
  }

  std::array<Slot, kSlots> slots_{};
  std::atomic_flag writer_;  // clear (C++20)
  std::size_t next_ = 0;
};

}  // namespace iamd::auth::sigv4
