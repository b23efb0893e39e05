#pragma once
// AES-256-GCM authenticated encryption for everything we seal: session tokens, secrets at rest.
//
// Sealed format, byte for byte:  nonce (12) || ciphertext (same length as the plaintext) || tag
// (16) Sealed values are persisted and sent to clients; this layout must never change silently. A
// new layout needs a new version byte in the caller's format, not an edit here.

#include <cstddef>
#include <cstdint>
#include <optional>
#include <span>
#include <vector>

#include "core/random.h"
#include "crypto/bytes.h"

namespace iamd::crypto {

inline constexpr std::size_t kAes256GcmKeyBytes = 32;
inline constexpr std::size_t kAes256GcmNonceBytes = 12;
inline constexpr std::size_t kAes256GcmTagBytes = 16;
/// How much longer a sealed value is than its plaintext.
inline constexpr std::size_t kAes256GcmOverheadBytes = kAes256GcmNonceBytes + kAes256GcmTagBytes;

using Aes256GcmKey = std::span<const std::uint8_t, kAes256GcmKeyBytes>;

/// Encrypts `plaintext` and authenticates it together with `aad` (which is not stored; pass the
/// same bytes to open). The 96-bit nonce is drawn from `random`: with random nonces one key may
/// seal at most 2^32 values (NIST SP 800-38D §8.3), so callers rotate keys well before that.
/// Plaintexts above 2^31-1 bytes are a programmer error (abort).
std::vector<std::uint8_t> aes256_gcm_seal(Aes256GcmKey key, Bytes plaintext, Bytes aad,
                                          core::Random& random);

/// Decrypts a value made by aes256_gcm_seal. nullopt when it is too short, was altered, or was
/// sealed under another key or other `aad`; no partial plaintext is ever returned.
std::optional<std::vector<std::uint8_t>> aes256_gcm_open(Aes256GcmKey key, Bytes sealed, Bytes aad);

/// The same into `plaintext`, which must be exactly sealed.size() - kAes256GcmOverheadBytes long
/// (else false); for callers that open often into a buffer they keep. On false it holds zeros.
bool aes256_gcm_open(Aes256GcmKey key, Bytes sealed, Bytes aad, std::span<std::uint8_t> plaintext);

}  // namespace iamd::crypto
