#pragma once
// SHA-256 (FIPS 180-4) through OpenSSL 3's EVP interface.

#include <array>
#include <cstdint>
#include <initializer_list>
#include <string>
#include <string_view>

#include "crypto/bytes.h"

namespace iamd::crypto {

inline constexpr std::size_t kSha256Bytes = 32;
using Sha256Digest = std::array<std::uint8_t, kSha256Bytes>;

/// The SHA-256 digest of `data`. Thread-safe; never fails (an OpenSSL failure aborts).
Sha256Digest sha256(Bytes data);
inline Sha256Digest sha256(std::string_view data) { return sha256(as_bytes(data)); }

/// SHA-256 over the concatenation of `parts`, without building it (the parts may hold secrets
/// that should not be copied into a temporary buffer).
Sha256Digest sha256(std::initializer_list<Bytes> parts);

/// Lower-case hex of SHA-256(data): 64 characters, SigV4's HashedPayload form.
std::string sha256_hex(std::string_view data);

}  // namespace iamd::crypto
