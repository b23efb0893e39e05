#pragma once
// Views between text and bytes. OpenSSL and the wire both deal in bytes; our strings hold them as
// char, so the crypto API takes spans of uint8_t and these helpers bridge the two without copies.

#include <cstdint>
#include <span>
#include <string>
#include <string_view>

namespace iamd::crypto {

using Bytes = std::span<const std::uint8_t>;

/// The bytes of `s`, same storage (no copy).
inline Bytes as_bytes(std::string_view s) {
  return {reinterpret_cast<const std::uint8_t*>(s.data()), s.size()};
}

/// The bytes of `b` as chars, same storage (no copy).
inline std::string_view as_chars(Bytes b) {
  return {reinterpret_cast<const char*>(b.data()), b.size()};
}

/// Lower-case hex: SigV4 writes every digest and signature this way.
std::string to_hex(Bytes b);
/// Appends the lower-case hex of `b` to `out` (no temporary string).
void append_hex(std::string& out, Bytes b);

/// Overwrites `b` with zeros in a way the optimizer may not drop (OPENSSL_cleanse). For keys and
/// secret-derived material that must not linger in freed memory.
void secure_wipe(std::span<std::uint8_t> b);
void secure_wipe(std::string& s);

}  // namespace iamd::crypto
