#include "crypto/sha256.h"

#include <openssl/evp.h>

#include "crypto/openssl_check.h"

namespace iamd::crypto {
namespace {

// Fetched once: EVP_MD_fetch searches the provider tables under a lock, and fetching per call
// made SigV4 verification 2.3x slower (DESIGN.md, performance notes). Deliberately never freed:
// thread-local contexts on other threads may still refer to it during exit.
const EVP_MD* sha256_md() {
  static const EVP_MD* const md = [] {
    EVP_MD* fetched = EVP_MD_fetch(nullptr, "SHA2-256", nullptr);
    if (fetched == nullptr) detail::fail_openssl("EVP_MD_fetch(SHA2-256)");
    return fetched;
  }();
  return md;
}

// One context per thread, reset by each EVP_DigestInit_ex2: allocating a context per call costs
// more than hashing a typical canonical request, and a shared one would need a lock.
class ThreadDigestContext {
 public:
  ThreadDigestContext() : ctx_(EVP_MD_CTX_new()) {
    if (ctx_ == nullptr) detail::fail_openssl("EVP_MD_CTX_new");
  }
  ~ThreadDigestContext() { EVP_MD_CTX_free(ctx_); }
  ThreadDigestContext(const ThreadDigestContext&) = delete;
  ThreadDigestContext& operator=(const ThreadDigestContext&) = delete;
  EVP_MD_CTX* get() const { return ctx_; }

 private:
  EVP_MD_CTX* ctx_;
};

EVP_MD_CTX* thread_context() {
  thread_local ThreadDigestContext ctx;
  return ctx.get();
}

}  // namespace

Sha256Digest sha256(std::initializer_list<Bytes> parts) {
  EVP_MD_CTX* ctx = thread_context();
  Sha256Digest out;
  unsigned int len = 0;
  detail::check_openssl(EVP_DigestInit_ex2(ctx, sha256_md(), nullptr), "EVP_DigestInit_ex2");
  for (Bytes part : parts) {
    detail::check_openssl(EVP_DigestUpdate(ctx, part.data(), part.size()), "EVP_DigestUpdate");
  }
  detail::check_openssl(EVP_DigestFinal_ex(ctx, out.data(), &len), "EVP_DigestFinal_ex");
  return out;
}

Sha256Digest sha256(Bytes data) { return sha256(std::initializer_list<Bytes>{data}); }

std::string sha256_hex(std::string_view data) { return to_hex(sha256(data)); }

}  // namespace iamd::crypto
