#include "crypto/openssl_check.h"

#include <openssl/err.h>

#include <cstdio>
#include <cstdlib>

namespace iamd::crypto::detail {

void fail_openssl(const char* what) {
  std::fprintf(stderr, "iamd: fatal OpenSSL failure in %s\n", what);
  ERR_print_errors_fp(stderr);
  std::abort();
}

}  // namespace iamd::crypto::detail
