#include "core/ids.h"

#include <array>
#include <cstdio>
#include <vector>

namespace iamd::core {
namespace {

std::string random_from(Random& random, std::string_view alphabet, size_t n) {
  // Rejection sampling keeps the distribution uniform for any alphabet size.
  const unsigned limit = 256 - (256 % alphabet.size());
  std::string out;
  out.reserve(n);
  std::vector<std::uint8_t> buf(n * 2 + 8);
  while (out.size() < n) {
    random.fill(buf);
    for (std::uint8_t b : buf) {
      if (b >= limit) continue;
      out.push_back(alphabet[b % alphabet.size()]);
      if (out.size() == n) break;
    }
  }
  return out;
}

constexpr std::string_view kBase32 = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";
constexpr std::string_view kBase64 =
    "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

}  // namespace

std::string make_entity_id(Random& random, std::string_view prefix) {
  return std::string(prefix) + random_from(random, kBase32, 17);
}

std::string make_access_key_id(Random& random, std::string_view prefix) {
  return std::string(prefix) + random_from(random, kBase32, 16);
}

std::string make_secret_access_key(Random& random) { return random_from(random, kBase64, 40); }

std::string make_account_id(Random& random) {
  return random_from(random, "123456789", 1) + random_from(random, "0123456789", 11);
}

std::string make_uuid(Random& random) {
  std::array<std::uint8_t, 16> b{};
  random.fill(b);
  b[6] = static_cast<std::uint8_t>((b[6] & 0x0f) | 0x40);
  b[8] = static_cast<std::uint8_t>((b[8] & 0x3f) | 0x80);
  char out[37];
  std::snprintf(out, sizeof out,
                "%02x%02x%02x%02x-%02x%02x-%02x%02x-%02x%02x-%02x%02x%02x%02x%02x%02x", b[0], b[1],
                b[2], b[3], b[4], b[5], b[6], b[7], b[8], b[9], b[10], b[11], b[12], b[13], b[14],
                b[15]);
  return out;
}

}  // namespace iamd::core
