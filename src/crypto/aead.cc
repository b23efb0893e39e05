#include "crypto/aead.h"

#include <openssl/crypto.h>
#include <openssl/evp.h>

#include <climits>

#include "crypto/openssl_check.h"

namespace iamd::crypto {
namespace {

// Fetched once, never freed; see sha256.cc for why.
const EVP_CIPHER* aes256_gcm() {
  static const EVP_CIPHER* const cipher = [] {
    EVP_CIPHER* fetched = EVP_CIPHER_fetch(nullptr, "AES-256-GCM", nullptr);
    if (fetched == nullptr) detail::fail_openssl("EVP_CIPHER_fetch(AES-256-GCM)");
    return fetched;
  }();
  return cipher;
}

// One context per thread; EVP_*Init_ex2 resets it, and reusing it keeps the AES key schedule
// allocation out of the per-token path.
class ThreadCipherContext {
 public:
  ThreadCipherContext() : ctx_(EVP_CIPHER_CTX_new()) {
    if (ctx_ == nullptr) detail::fail_openssl("EVP_CIPHER_CTX_new");
  }
  ~ThreadCipherContext() { EVP_CIPHER_CTX_free(ctx_); }
  ThreadCipherContext(const ThreadCipherContext&) = delete;
  ThreadCipherContext& operator=(const ThreadCipherContext&) = delete;
  EVP_CIPHER_CTX* get() const { return ctx_; }

 private:
  EVP_CIPHER_CTX* ctx_;
};

EVP_CIPHER_CTX* thread_context() {
  thread_local ThreadCipherContext ctx;
  return ctx.get();
}

bool fits_int(std::size_t n) { return n <= static_cast<std::size_t>(INT_MAX); }

}  // namespace

std::vector<std::uint8_t> aes256_gcm_seal(Aes256GcmKey key, Bytes plaintext, Bytes aad,
                                          core::Random& random) {
  if (!fits_int(plaintext.size()) || !fits_int(aad.size())) {
    detail::fail_openssl("aes256_gcm_seal: input larger than 2^31-1 bytes");
  }
  std::vector<std::uint8_t> out(kAes256GcmOverheadBytes + plaintext.size());
  std::span<std::uint8_t> nonce(out.data(), kAes256GcmNonceBytes);
  std::uint8_t* ciphertext = out.data() + kAes256GcmNonceBytes;
  std::uint8_t* tag = ciphertext + plaintext.size();
  random.fill(nonce);

  EVP_CIPHER_CTX* ctx = thread_context();
  int len = 0;
  detail::check_openssl(EVP_EncryptInit_ex2(ctx, aes256_gcm(), key.data(), nonce.data(), nullptr),
                        "EVP_EncryptInit_ex2");
  if (!aad.empty()) {
    detail::check_openssl(
        EVP_EncryptUpdate(ctx, nullptr, &len, aad.data(), static_cast<int>(aad.size())),
        "EVP_EncryptUpdate(aad)");
  }
  if (!plaintext.empty()) {
    detail::check_openssl(EVP_EncryptUpdate(ctx, ciphertext, &len, plaintext.data(),
                                            static_cast<int>(plaintext.size())),
                          "EVP_EncryptUpdate");
  }
  detail::check_openssl(EVP_EncryptFinal_ex(ctx, ciphertext + plaintext.size(), &len),
                        "EVP_EncryptFinal_ex");
  detail::check_openssl(
      EVP_CIPHER_CTX_ctrl(ctx, EVP_CTRL_GCM_GET_TAG, static_cast<int>(kAes256GcmTagBytes), tag),
      "EVP_CTRL_GCM_GET_TAG");
  return out;
}

std::optional<std::vector<std::uint8_t>> aes256_gcm_open(Aes256GcmKey key, Bytes sealed,
                                                         Bytes aad) {
  if (sealed.size() < kAes256GcmOverheadBytes || !fits_int(sealed.size()) ||
      !fits_int(aad.size())) {
    return std::nullopt;
  }
  const std::size_t text_size = sealed.size() - kAes256GcmOverheadBytes;
  const std::uint8_t* nonce = sealed.data();
  const std::uint8_t* ciphertext = nonce + kAes256GcmNonceBytes;
  // EVP_CTRL_GCM_SET_TAG takes a non-const pointer but only reads it.
  auto* tag = const_cast<std::uint8_t*>(ciphertext + text_size);

  EVP_CIPHER_CTX* ctx = thread_context();
  std::vector<std::uint8_t> plaintext(text_size);
  int len = 0;
  bool ok = EVP_DecryptInit_ex2(ctx, aes256_gcm(), key.data(), nonce, nullptr) == 1 &&
            EVP_CIPHER_CTX_ctrl(ctx, EVP_CTRL_GCM_SET_TAG, static_cast<int>(kAes256GcmTagBytes),
                                tag) == 1;
  if (ok && !aad.empty()) {
    ok = EVP_DecryptUpdate(ctx, nullptr, &len, aad.data(), static_cast<int>(aad.size())) == 1;
  }
  if (ok && text_size > 0) {
    ok = EVP_DecryptUpdate(ctx, plaintext.data(), &len, ciphertext, static_cast<int>(text_size)) ==
         1;
  }
  // The tag is checked here, after the plaintext was written: on failure that plaintext is
  // unauthenticated, so it is wiped rather than merely dropped.
  if (ok) ok = EVP_DecryptFinal_ex(ctx, plaintext.data() + text_size, &len) == 1;
  if (!ok) {
    OPENSSL_cleanse(plaintext.data(), plaintext.size());
    return std::nullopt;
  }
  return plaintext;
}

}  // namespace iamd::crypto
