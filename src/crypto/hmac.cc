#include "crypto/hmac.h"

#include <openssl/core_names.h>
#include <openssl/evp.h>
#include <openssl/params.h>

#include "crypto/openssl_check.h"

namespace iamd::crypto {
namespace {

// Fetched once, never freed; see sha256.cc for why.
EVP_MAC* hmac_mac() {
  static EVP_MAC* const mac = [] {
    EVP_MAC* fetched = EVP_MAC_fetch(nullptr, "HMAC", nullptr);
    if (fetched == nullptr) detail::fail_openssl("EVP_MAC_fetch(HMAC)");
    return fetched;
  }();
  return mac;
}

// One context per thread with the digest set once: EVP_MAC_init then only swaps the key, which
// skips parsing OSSL_PARAMs and fetching SHA-256 again on every call.
class ThreadMacContext {
 public:
  ThreadMacContext() : ctx_(EVP_MAC_CTX_new(hmac_mac())) {
    if (ctx_ == nullptr) detail::fail_openssl("EVP_MAC_CTX_new");
    char digest[] = "SHA2-256";
    const OSSL_PARAM params[] = {
        OSSL_PARAM_construct_utf8_string(OSSL_MAC_PARAM_DIGEST, digest, 0),
        OSSL_PARAM_construct_end(),
    };
    detail::check_openssl(EVP_MAC_CTX_set_params(ctx_, params), "EVP_MAC_CTX_set_params");
  }
  ~ThreadMacContext() { EVP_MAC_CTX_free(ctx_); }
  ThreadMacContext(const ThreadMacContext&) = delete;
  ThreadMacContext& operator=(const ThreadMacContext&) = delete;
  EVP_MAC_CTX* get() const { return ctx_; }

 private:
  EVP_MAC_CTX* ctx_;
};

EVP_MAC_CTX* thread_context() {
  thread_local ThreadMacContext ctx;
  return ctx.get();
}

}  // namespace

HmacSha256 hmac_sha256(Bytes key, Bytes data) {
  // EVP_MAC_init treats a null key as "keep the previous key", so an empty span (whose data() may
  // be null) would silently reuse whatever key this thread used last. Pass a real pointer.
  static constexpr std::uint8_t kNoKey[1] = {0};
  const std::uint8_t* key_ptr = key.empty() ? kNoKey : key.data();

  EVP_MAC_CTX* ctx = thread_context();
  HmacSha256 out;
  std::size_t len = 0;
  detail::check_openssl(EVP_MAC_init(ctx, key_ptr, key.size(), nullptr), "EVP_MAC_init");
  detail::check_openssl(EVP_MAC_update(ctx, data.data(), data.size()), "EVP_MAC_update");
  detail::check_openssl(EVP_MAC_final(ctx, out.data(), &len, out.size()), "EVP_MAC_final");
  return out;
}

}  // namespace iamd::crypto
