#include "auth/sigv4/request.h"

#include <cstring>

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
#pragma GCC unroll 1
  for (std::size_t i = 0; i < n; i += 4) {
    std::uint32_t word;
    std::memcpy(&word, in + i, sizeof word);
    asm("" : "+r"(word));  // opaque to the vectorizer, whose version is ten times the size
    swar::store(out + 2 * i, swar::hex_lower(word));
  }
}

}  // namespace iamd::auth::sigv4
