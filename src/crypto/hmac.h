#pragma once
// HMAC-SHA-256 (RFC 2104) through OpenSSL 3's EVP_MAC interface.

#include <array>
#include <cstdint>
#include <string_view>

#include "crypto/bytes.h"

namespace iamd::crypto {

inline constexpr std::size_t kHmacSha256Bytes = 32;
using HmacSha256 = std::array<std::uint8_t, kHmacSha256Bytes>;

/// HMAC-SHA-256 of `data` under `key` (any length, empty included). Thread-safe; never fails (an
/// OpenSSL failure aborts).
HmacSha256 hmac_sha256(Bytes key, Bytes data);
inline HmacSha256 hmac_sha256(Bytes key, std::string_view data) {
  return hmac_sha256(key, as_bytes(data));
}

}  // namespace iamd::crypto
