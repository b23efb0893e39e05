#include "core/ids.h"

#include <array>
#include <cstring>
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
  // Each draw of a CSPRNG costs about as much as formatting many ids: draw for 64 ids at once.
  // The pool is per thread and per source, so no lock is taken and a test's deterministic source
  // is never mixed with another's bytes while it lives.
  struct Pool {
    const Random* source = nullptr;
    std::array<std::uint8_t, 16 * 64> bytes{};
    std::size_t used = 16 * 64;
  };
  thread_local Pool pool;
  if (pool.source != &random || pool.used == pool.bytes.size()) {
    random.fill(pool.bytes);
    pool.source = &random;
    pool.used = 0;
  }
  std::uint8_t b[16];
  std::memcpy(b, pool.bytes.data() + pool.used, sizeof b);
  std::memset(pool.bytes.data() + pool.used, 0, sizeof b);
  pool.used += sizeof b;
  b[6] = static_cast<std::uint8_t>((b[6] & 0x0f) | 0x40);  // version 4
  b[8] = static_cast<std::uint8_t>((b[8] & 0x3f) | 0x80);  // variant 10xx
  static constexpr char kHex[] = "0123456789abcdef";
  std::string id(36, '-');
  std::size_t at = 0;
  for (std::size_t i = 0; i < sizeof b; ++i) {
    if (i == 4 || i == 6 || i == 8 || i == 10) ++at;  // the dashes
    id[at++] = kHex[b[i] >> 4];
    id[at++] = kHex[b[i] & 15];
  }
  return id;
}

}  // namespace iamd::core
