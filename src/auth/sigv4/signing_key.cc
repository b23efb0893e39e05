#include "auth/sigv4/signing_key.h"

#include <algorithm>
#include <cstring>
#include <initializer_list>
#include <mutex>
#include <string>
#include <vector>

#include "auth/sigv4/key_slots.h"
#include "auth/sigv4/request.h"
#include "crypto/bytes.h"
#include "crypto/constant_time.h"
#include "crypto/csprng.h"

namespace iamd::auth::sigv4 {
namespace {

constexpr std::size_t kShards = 16;
// Longer secrets are not cached (derived every time); real ones are 40 characters.
constexpr std::size_t kMaxCachedSecret = 64;
using ScopeWords = SigningKeySlots::ScopeWords;  // scopes too long for it are not cached

struct Slot {
  std::uint64_t tag = 0;
  bool used = false;
  std::uint8_t secret_size = 0;
  std::array<std::uint8_t, kMaxCachedSecret> secret{};
  ScopeWords scope{};
  SigningKey key{};
};

// Where an entry lives and a quick first filter: a salted mix of secret and scope. Only a slot
// that then matches secret and scope exactly is used, so this needs to spread well, not to
// resist collisions; the salt keeps the placement unpredictable from outside.
std::uint64_t mix(std::uint64_t h, std::uint64_t word) {
  h = (h ^ word) * 0x9E3779B97F4A7C15ULL;
  return h ^ (h >> 29);
}

std::uint64_t entry_tag(std::uint64_t salt, std::string_view secret, const ScopeWords& scope) {
  std::uint64_t h = mix(salt, secret.size());
  std::size_t i = 0;
  for (; i + 8 <= secret.size(); i += 8) {
    std::uint64_t word;
    std::memcpy(&word, secret.data() + i, sizeof word);
    h = mix(h, word);
  }
  std::uint64_t tail = 0;
  std::memcpy(&tail, secret.data() + i, secret.size() - i);
  h = mix(h, tail);
  for (std::uint64_t word : scope) h = mix(h, word);
  return h * 0xD6E8FEB86659FD93ULL;
}

void wipe(Slot& slot) {
  crypto::secure_wipe(slot.secret);
  crypto::secure_wipe(slot.key);
  slot.used = false;
}

bool holds(const Slot& slot, std::uint64_t tag, std::string_view secret, const ScopeWords& scope) {
  return slot.used && slot.tag == tag && slot.scope == scope &&
         crypto::constant_time_equal(crypto::Bytes(slot.secret.data(), slot.secret_size),
                                     crypto::as_bytes(secret));
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
  std::array<std::uint8_t, sizeof salt_> salt;
  crypto::SystemRandom().fill(salt);
  std::memcpy(&salt_, salt.data(), sizeof salt_);
  for (std::size_t i = 0; i < kShards; ++i) shards_[i].slots.resize(slots_per_shard_);
}

SigningKeyCache::~SigningKeyCache() {
  for (std::size_t i = 0; i < kShards; ++i) {
    for (Slot& slot : shards_[i].slots) wipe(slot);
  }
}

SigningKey SigningKeyCache::signing_key(std::string_view secret_access_key, std::string_view date,
                                        std::string_view region, std::string_view service) {
  ScopeWords scope;
  if (secret_access_key.size() > kMaxCachedSecret ||
      !SigningKeySlots::encode(date, region, service, scope)) {
    return derive_signing_key(secret_access_key, date, region, service);
  }
  const std::uint64_t tag = entry_tag(salt_, secret_access_key, scope);
  Shard& shard = shards_[(tag >> 60) % kShards];
  Slot& slot = shard.slots[(tag & 0x0fffffffffffffffULL) % slots_per_shard_];
  {
    std::lock_guard lock(shard.mu);
    if (holds(slot, tag, secret_access_key, scope)) {
      ++shard.stats.hits;
      return slot.key;
    }
  }
  // Derive outside the lock: it is the slow part, and two threads racing on one miss only
  // derive the same key twice.
  const SigningKey key = derive_signing_key(secret_access_key, date, region, service);
  std::lock_guard lock(shard.mu);
  ++shard.stats.misses;
  wipe(slot);
  slot.tag = tag;
  slot.scope = scope;
  slot.secret_size = static_cast<std::uint8_t>(secret_access_key.size());
  std::memcpy(slot.secret.data(), secret_access_key.data(), secret_access_key.size());
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
