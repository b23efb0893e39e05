#include "auth/sigv4/request.h"

#include <bit>
#include <cstring>

#ifdef __SSE2__
#include <emmintrin.h>
#endif

#include "auth/sigv4/swar.h"
#include "auth/sigv4/text.h"

namespace iamd::auth::sigv4 {

std::optional<std::string_view> find_header(const SignableRequest& request,
                                            std::string_view lower_name) {
  for (const auto& [name, value] : request.headers) {
    if (is_header_named(name, lower_name)) return value;
  }
  return std::nullopt;
}

std::size_t count_headers(const SignableRequest& request, std::string_view lower_name) {
  std::size_t n = 0;
  for (const auto& header : request.headers) n += is_header_named(header.first, lower_name) ? 1 : 0;
  return n;
}

ParsedSignature& ParsedSignatureSlots::pick(const SignableRequest& request) {
  // SDKs write "AWS4-HMAC-SHA256 Credential=" and then the access key id, whose last characters
  // are the random ones: eight bytes from there, hashed, pick the slot. Any other header lands
  // somewhere, which only costs it the remembered header.
  constexpr std::size_t kKeyTail = 40;
  std::uint64_t bytes = 0;
  for (const auto& [name, value] : request.headers) {
    if (value.size() >= kKeyTail + 8 && is_header_named(name, "authorization")) {
      bytes = swar::load(value.data() + kKeyTail);
      break;
    }
  }
  static_assert(std::has_single_bit(kSlots));
  constexpr int kSlotBits = std::countr_zero(kSlots);
  return slots_[(bytes * 0x9E3779B97F4A7C15ULL) >> (64 - kSlotBits)];  // Fibonacci hashing
}

[[gnu::noinline]] void assign_text(std::string& s, std::string_view value) { s.assign(value); }

[[gnu::noinline]] char* extend(std::string& s, std::size_t n) {
  const std::size_t at = s.size();
  s.resize(at + n);
  return s.data() + at;
}

[[gnu::noinline]] void truncate_at(std::string& s, const char* end) {
  s.resize(static_cast<std::size_t>(end - s.data()));
}

[[gnu::noinline]] void write_hex(char* out, const std::uint8_t* in, std::size_t n) {
  std::size_t i = 0;
#ifdef __SSE2__
  // Sixteen bytes at a time where every x86-64 has the instructions: the nibbles split, put in
  // order and turned into digits by the same arithmetic as swar::hex_lower.
  const __m128i low_nibbles = _mm_set1_epi8(0x0F);
  const __m128i nine = _mm_set1_epi8(9);
  const __m128i zero = _mm_set1_epi8('0');
  const __m128i letter_gap = _mm_set1_epi8('a' - '0' - 10);
  auto digits = [&](__m128i nibbles) {
    const __m128i letters = _mm_and_si128(_mm_cmpgt_epi8(nibbles, nine), letter_gap);
    return _mm_add_epi8(_mm_add_epi8(nibbles, zero), letters);
  };
#pragma GCC unroll 1
  for (; i + 16 <= n; i += 16) {
    const __m128i bytes = _mm_loadu_si128(reinterpret_cast<const __m128i*>(in + i));
    const __m128i high = _mm_and_si128(_mm_srli_epi16(bytes, 4), low_nibbles);
    const __m128i low = _mm_and_si128(bytes, low_nibbles);
    _mm_storeu_si128(reinterpret_cast<__m128i*>(out + 2 * i), digits(_mm_unpacklo_epi8(high, low)));
    _mm_storeu_si128(reinterpret_cast<__m128i*>(out + 2 * i + 16),
                     digits(_mm_unpackhi_epi8(high, low)));
  }
#endif
#pragma GCC unroll 1
  for (; i < n; i += 4) {
    std::uint32_t word;
    std::memcpy(&word, in + i, sizeof word);
    asm("" : "+r"(word));  // opaque to the vectorizer, whose version is ten times the size
    swar::store(out + 2 * i, swar::hex_lower(word));
  }
}

}  // namespace iamd::auth::sigv4
