#include "crypto/csprng.h"

#include <openssl/rand.h>

#include <algorithm>
#include <climits>

#include "crypto/openssl_check.h"

namespace iamd::crypto {

void SystemRandom::fill(std::span<std::uint8_t> out) {
  // RAND_bytes takes an int length; larger requests go in chunks.
  while (!out.empty()) {
    const std::size_t n = std::min<std::size_t>(out.size(), INT_MAX);
    detail::check_openssl(RAND_bytes(out.data(), static_cast<int>(n)), "RAND_bytes");
    out = out.subspan(n);
  }
}

}  // namespace iamd::crypto
