#include "crypto/aead.h"

#include <openssl/crypto.h>
#include <openssl/evp.h>

#include <algorithm>
#include <array>
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

// One context per thread and direction, remembering the key it was last given. Expanding an
// AES-256 key and GCM's hash key costs as much as opening a whole session token, and a server
// opens most tokens with one key, so when the key repeats only the nonce is set
// (EVP_*Init_ex2 with no cipher and no key keeps both). The copy of the key is wiped when the
// thread ends.
class KeyedCipherContext {
 public:
  explicit KeyedCipherContext(bool encrypt) : ctx_(EVP_CIPHER_CTX_new()), encrypt_(encrypt) {
    if (ctx_ == nullptr) detail::fail_openssl("EVP_CIPHER_CTX_new");
  }
  ~KeyedCipherContext() {
    EVP_CIPHER_CTX_free(ctx_);
    OPENSSL_cleanse(key_.data(), key_.size());
  }
  KeyedCipherContext(const KeyedCipherContext&) = delete;
  KeyedCipherContext& operator=(const KeyedCipherContext&) = delete;

  /// The context, ready for `key` and `nonce`; null if OpenSSL refused.
  EVP_CIPHER_CTX* init(Aes256GcmKey key, const std::uint8_t* nonce) {
    const bool same_key = keyed_ && CRYPTO_memcmp(key.data(), key_.data(), key_.size()) == 0;
    const EVP_CIPHER* cipher = same_key ? nullptr : aes256_gcm();
    const std::uint8_t* key_bytes = same_key ? nullptr : key.data();
    keyed_ = false;  // until this init succeeds
    const int ok = encrypt_ ? EVP_EncryptInit_ex2(ctx_, cipher, key_bytes, nonce, nullptr)
                            : EVP_DecryptInit_ex2(ctx_, cipher, key_bytes, nonce, nullptr);
    if (ok != 1) return nullptr;
    std::copy(key.begin(), key.end(), key_.begin());
    keyed_ = true;
    return ctx_;
  }

 private:
  EVP_CIPHER_CTX* ctx_;
  const bool encrypt_;
  bool keyed_ = false;
  std::array<std::uint8_t, kAes256GcmKeyBytes> key_{};
};

KeyedCipherContext& thread_context(bool encrypt) {
  thread_local KeyedCipherContext sealing(true);
  thread_local KeyedCipherContext opening(false);
  return encrypt ? sealing : opening;
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

  EVP_CIPHER_CTX* ctx = thread_context(true).init(key, nonce.data());
  if (ctx == nullptr) detail::fail_openssl("EVP_EncryptInit_ex2");
  int len = 0;
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

bool aes256_gcm_open(Aes256GcmKey key, Bytes sealed, Bytes aad, std::span<std::uint8_t> plaintext) {
  if (sealed.size() < kAes256GcmOverheadBytes || !fits_int(sealed.size()) ||
      !fits_int(aad.size()) || plaintext.size() != sealed.size() - kAes256GcmOverheadBytes) {
    return false;
  }
  const std::size_t text_size = plaintext.size();
  const std::uint8_t* nonce = sealed.data();
  const std::uint8_t* ciphertext = nonce + kAes256GcmNonceBytes;
  // EVP_CTRL_GCM_SET_TAG takes a non-const pointer but only reads it.
  auto* tag = const_cast<std::uint8_t*>(ciphertext + text_size);

  EVP_CIPHER_CTX* ctx = thread_context(false).init(key, nonce);
  int len = 0;
  bool ok = ctx != nullptr &&
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
  if (!ok) OPENSSL_cleanse(plaintext.data(), plaintext.size());
  return ok;
}

std::optional<std::vector<std::uint8_t>> aes256_gcm_open(Aes256GcmKey key, Bytes sealed,
                                                         Bytes aad) {
  if (sealed.size() < kAes256GcmOverheadBytes) return std::nullopt;
  std::vector<std::uint8_t> plaintext(sealed.size() - kAes256GcmOverheadBytes);
  if (!aes256_gcm_open(key, sealed, aad, plaintext)) return std::nullopt;
  return plaintext;
}

}  // namespace iamd::crypto
