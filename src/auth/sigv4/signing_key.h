#pragma once
// SigV4 stage 3: the signing key (spec §5.1) and a cache of derived keys.
//
//   kSigning = HMAC(HMAC(HMAC(HMAC("AWS4" + secret, date), region), service), "aws4_request")
//
// Derivation is four of the five HMACs a verification needs, and a key is good for a whole day,
// so verifiers cache it (DESIGN.md, performance notes).

#include <array>
#include <cstdint>
#include <memory>
#include <string_view>

#include "crypto/hmac.h"

namespace iamd::auth::sigv4 {

using SigningKey = crypto::HmacSha256;

/// Derives kSigning for one scope. The terminator is always "aws4_request".
SigningKey derive_signing_key(std::string_view secret_access_key, std::string_view date,
                              std::string_view region, std::string_view service);

/// A bounded, thread-safe cache of signing keys keyed by (secret, date, region, service).
///
/// Memory is fixed at construction: entries live in a direct-mapped table split into
/// independently locked shards, placed by a salted (per cache) mix of secret and scope, and a new
/// key simply replaces whatever shared its slot, so a stream of distinct keys cannot grow the
/// cache and the locks are rarely contended. An entry is used only when its secret (compared in
/// constant time) and scope are exactly the request's, so a collision of the mix can only cost a
/// derivation. The secrets are held like the keys derived from them (a process that verifies a
/// key holds its secret anyway) and wiped when replaced or when the cache dies. Entries never go
/// stale: a rotated secret is a new entry, and verify() is only reached with the secret of a key
/// that still exists.
class SigningKeyCache {
 public:
  static constexpr std::size_t kDefaultCapacity = 4096;

  /// `capacity` is rounded up to a multiple of the shard count (16).
  explicit SigningKeyCache(std::size_t capacity = kDefaultCapacity);
  /// Wipes every cached key.
  ~SigningKeyCache();
  SigningKeyCache(const SigningKeyCache&) = delete;
  SigningKeyCache& operator=(const SigningKeyCache&) = delete;

  /// The signing key for the scope: from the cache, or derived and remembered.
  SigningKey signing_key(std::string_view secret_access_key, std::string_view date,
                         std::string_view region, std::string_view service);

  /// The number of entries the cache can hold.
  std::size_t capacity() const;

  struct Stats {
    std::uint64_t hits = 0;
    std::uint64_t misses = 0;
  };
  /// Hits and misses so far (for metrics and tests).
  Stats stats() const;

 private:
  struct Shard;
  std::uint64_t salt_ = 0;
  std::size_t slots_per_shard_;
  std::unique_ptr<Shard[]> shards_;
};

}  // namespace iamd::auth::sigv4
