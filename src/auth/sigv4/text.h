#pragma once
// String edits for the verifier's hot path, kept out of line on purpose.
//
// Verification runs parse, canonicalization and two or three OpenSSL digests per request, and
// together they touch more code than a core's 32 KiB instruction cache holds once every
// std::string operation is inlined at each of its call sites. So the hot path shares one copy of
// each edit: these are called, never inlined, and a request's code then stays in the cache
// between requests (bench/RESULTS.md, SigV4 verification).

#include <cstddef>
#include <cstdint>
#include <cstring>
#include <string>
#include <string_view>

namespace iamd::auth::sigv4 {

/// `s` = `value`, reusing `s`'s capacity.
void assign_text(std::string& s, std::string_view value);

/// Grows `s` by `n` bytes (their contents unspecified) and returns where they start.
char* extend(std::string& s, std::size_t n);

/// Cuts `s` back so that it ends at `end`, a pointer into it.
void truncate_at(std::string& s, const char* end);

/// `text` copied to `out`; returns the end of the copy. Inline, for the short pieces (names,
/// dates, scope parts) that make up most of a canonical request and string to sign: up to 16
/// bytes move as two overlapping words, with no call into the C library.
inline char* copy_text(char* out, std::string_view text) {
  const std::size_t n = text.size();
  const char* in = text.data();
  if (n >= 8 && n <= 16) {
    std::uint64_t head;
    std::uint64_t tail;
    std::memcpy(&head, in, 8);
    std::memcpy(&tail, in + n - 8, 8);
    std::memcpy(out, &head, 8);
    std::memcpy(out + n - 8, &tail, 8);
  } else if (n >= 4 && n < 8) {
    std::uint32_t head;
    std::uint32_t tail;
    std::memcpy(&head, in, 4);
    std::memcpy(&tail, in + n - 4, 4);
    std::memcpy(out, &head, 4);
    std::memcpy(out + n - 4, &tail, 4);
  } else if (n != 0) {
    std::memcpy(out, in, n);
  }
  return out + n;
}

/// The lower-case hex of the `n` bytes at `in` (n a multiple of 4), 2n characters written at
/// `out`. No table and no branch on the bytes (SSE2 sixteen bytes at a time where the CPU has it,
/// swar::hex_lower for the rest): they may be a MAC.
void write_hex(char* out, const std::uint8_t* in, std::size_t n);

}  // namespace iamd::auth::sigv4
