#include "crypto/constant_time.h"

#include <openssl/crypto.h>

namespace iamd::crypto {

bool constant_time_equal(Bytes a, Bytes b) {
  if (a.size() != b.size()) return false;
  if (a.empty()) return true;
  return CRYPTO_memcmp(a.data(), b.data(), a.size()) == 0;
}

}  // namespace iamd::crypto
