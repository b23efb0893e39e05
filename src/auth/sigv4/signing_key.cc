#include "auth/sigv4/signing_key.h"

#include <algorithm>
#include <cstring>
#include <initializer_list>
#include <mutex>
#include <string>
#include <vector>

#include "auth/sigv4/request.h"
#include "crypto/bytes.h"
#include "crypto/csprng.h"
#include "crypto/sha256.h"

namespace iamd::auth::sigv4 {
namespace {

constexpr std::size_t kShards = 16;

using EntryId = crypto::Sha256Digest;

struct Slot {
  EntryId id{};
  SigningKey key{};
  bool used = false;
};

// Each field is length-prefixed so that ("ab", "c") and ("a", "bc") cannot share an id. Hashed
// in one piece from a stack buffer (wiped at once: it holds the secret) when the fields fit, as
// they always do for real keys: a digest update per field costs more than the hashing.
EntryId entry_id(std::span<const std::uint8_t> salt, std::string_view secret, std::string_view date,
                 std::string_view region, std::string_view service) {
  auto length = [](std::string_view s) {
    const auto n = static_cast<std::uint32_t>(s.size());
    return std::array<std::uint8_t, 4>{
        static_cast<std::uint8_t>(n), static_cast<std::uint8_t>(n >> 8),
        static_cast<std::uint8_t>(n >> 16), static_cast<std::uint8_t>(n >> 24)};
  };
  const auto l1 = length(secret), l2 = length(date), l3 = length(region), l4 = length(service);
  using crypto::as_bytes;
  const std::initializer_list<crypto::Bytes> parts = {
      salt, l1, as_bytes(secret), l2, as_bytes(date), l3, as_bytes(region), l4, as_bytes(service)};
  std::array<std::uint8_t, 256> buffer;
  std::size_t size = 0;
  for (crypto::Bytes part : parts) size += part.size();
  if (size > buffer.size()) return crypto::sha256(parts);
  std::uint8_t* p = buffer.data();
  for (crypto::Bytes part : parts) {
    if (!part.empty()) std::memcpy(p, part.data(), part.size());
    p += part.size();
  }
  const EntryId id = crypto::sha256(crypto::Bytes(buffer.data(), size));
  crypto::secure_wipe(std::span<std::uint8_t>(buffer.data(), size));
  return id;
}

}  // namespace

// Cache-line aligned so that threads locking neighbouring shards do not contend for one line.
struct alignas(64) SigningKeyCache::Shard {
  mutable std::mutex mu;
  std::vector<Slot> slots;
  Stats stats;
};

SigningKey derive_signing_key(std::string_view secret_access_key, std::string_view date,
                              std::string_view region, std::string_view service) {
  std::string k_secret;
  k_secret.reserve(4 + secret_access_key.size());
  k_secret += "AWS4";
  k_secret += secret_access_key;
  SigningKey k = crypto::hmac_sha256(crypto::as_bytes(k_secret), date);
  crypto::secure_wipe(k_secret);
  SigningKey next = crypto::hmac_sha256(k, region);
  k = crypto::hmac_sha256(next, service);
  next = crypto::hmac_sha256(k, kTerminator);
  crypto::secure_wipe(k);
  return next;
}

SigningKeyCache::SigningKeyCache(std::size_t capacity)
    : slots_per_shard_(std::max<std::size_t>(1, (capacity + kShards - 1) / kShards)),
      shards_(new Shard[kShards]) {
  crypto::SystemRandom().fill(salt_);
  for (std::size_t i = 0; i < kShards; ++i) shards_[i].slots.resize(slots_per_shard_);
}

SigningKeyCache::~SigningKeyCache() {
  for (std::size_t i = 0; i < kShards; ++i) {
    for (Slot& slot : shards_[i].slots) crypto::secure_wipe(slot.key);
  }
  crypto::secure_wipe(salt_);
}

SigningKey SigningKeyCache::signing_key(std::string_view secret_access_key, std::string_view date,
                                        std::string_view region, std::string_view service) {
  const EntryId id = entry_id(salt_, secret_access_key, date, region, service);
  // The id is a uniform hash, so any of its bytes index shards and slots evenly.
  Shard& shard = shards_[id[0] % kShards];
  std::uint64_t index = 0;
  std::memcpy(&index, id.data() + 1, sizeof index);
  Slot& slot = shard.slots[index % slots_per_shard_];
  {
    std::lock_guard lock(shard.mu);
    if (slot.used && slot.id == id) {
      ++shard.stats.hits;
      return slot.key;
    }
  }
  // Derive outside the lock: it is the slow part, and two threads racing on one miss only
  // derive the same key twice.
  const SigningKey key = derive_signing_key(secret_access_key, date, region, service);
  std::lock_guard lock(shard.mu);
  ++shard.stats.misses;
  slot.id = id;
  slot.key = key;
  slot.used = true;
  return key;
}

std::size_t SigningKeyCache::capacity() const { return kShards * slots_per_shard_; }

SigningKeyCache::Stats SigningKeyCache::stats() const {
  Stats total;
  for (std::size_t i = 0; i < kShards; ++i) {
    std::lock_guard lock(shards_[i].mu);
    total.hits += shards_[i].stats.hits;
    total.misses += shards_[i].stats.misses;
  }
  return total;
}

}  // namespace iamd::auth::sigv4
