#pragma once
// Eight bytes at a time in a 64-bit word ("SIMD within a register"), for the few loops SigV4
// runs over every byte of a request's header: scanning a word for delimiters and bad bytes with a
// handful of arithmetic instructions instead of a branch per byte keeps the parser off the branch
// predictor, which the hashing between two requests otherwise leaves cold.
//
// Every mask has bit 7 of a byte set where the byte qualifies, and is exact for each byte (no
// borrow or carry crosses a byte).

#include <bit>
#include <cstddef>
#include <cstdint>
#include <cstring>

namespace iamd::auth::sigv4::swar {

static_assert(std::endian::native == std::endian::little, "byte i of a word is bits 8i..8i+7");

inline constexpr std::uint64_t kOnes = 0x0101010101010101ULL;
inline constexpr std::uint64_t kHigh = 0x8080808080808080ULL;
inline constexpr std::uint64_t kLow7 = 0x7F7F7F7F7F7F7F7FULL;

constexpr std::uint64_t broadcast(unsigned char c) { return kOnes * c; }

/// Eight bytes from `p` (any alignment).
inline std::uint64_t load(const char* p) {
  std::uint64_t v;
  std::memcpy(&v, p, sizeof v);
  return v;
}

/// The `n` (< 8) bytes at `p`, the rest of the word `fill`.
inline std::uint64_t load_partial(const char* p, std::size_t n, unsigned char fill) {
  char bytes[8];
  std::memset(bytes, fill, sizeof bytes);
  std::memcpy(bytes, p, n);
  return load(bytes);
}

inline void store(char* p, std::uint64_t v) { std::memcpy(p, &v, sizeof v); }

/// Bytes below `n` (n <= 0x80).
constexpr std::uint64_t less_than(std::uint64_t x, unsigned char n) {
  return ~(((x & kLow7) + broadcast(static_cast<unsigned char>(0x80 - n))) | x) & kHigh;
}

/// Bytes above `n` (n < 0x80); every byte >= 0x80 is.
constexpr std::uint64_t greater_than(std::uint64_t x, unsigned char n) {
  return (((x & kLow7) + broadcast(static_cast<unsigned char>(0x7F - n))) | x) & kHigh;
}

/// Bytes in [lo, hi] (both < 0x80).
constexpr std::uint64_t in_range(std::uint64_t x, unsigned char lo, unsigned char hi) {
  return ~less_than(x, lo) & ~greater_than(x, hi) & kHigh;
}

/// Bytes equal to `c`.
constexpr std::uint64_t equal_to(std::uint64_t x, unsigned char c) {
  const std::uint64_t y = x ^ broadcast(c);
  return ~(((y & kLow7) + kLow7) | y) & kHigh;  // zero bytes of y
}

/// ASCII lower case: 'A'..'Z' gain 0x20, every other byte stays.
constexpr std::uint64_t to_lower(std::uint64_t x) { return x | (in_range(x, 'A', 'Z') >> 2); }

/// The lower-case hex of the four bytes of `bytes` (byte 0 first), as eight characters. No
/// table and no branch: the time does not depend on the bytes, which may be a MAC.
constexpr std::uint64_t hex_lower(std::uint32_t bytes) {
  std::uint64_t x = bytes;
  x = (x | x << 16) & 0x0000FFFF0000FFFFULL;
  x = (x | x << 8) & 0x00FF00FF00FF00FFULL;  // byte k of the input now at byte 2k
  const std::uint64_t nibbles = (x >> 4 & 0x000F000F000F000FULL) | (x & 0x000F000F000F000FULL) << 8;
  const std::uint64_t letters = (nibbles + broadcast(0x76)) >> 7 & kOnes;  // nibble >= 10
  return nibbles + broadcast('0') + letters * ('a' - '0' - 10);
}

/// The index (0..7) of the lowest marked byte of a non-zero mask.
inline std::size_t first(std::uint64_t mask) {
  return static_cast<std::size_t>(__builtin_ctzll(mask)) >> 3;
}

}  // namespace iamd::auth::sigv4::swar
