#include "crypto/bytes.h"

#include <openssl/crypto.h>

namespace iamd::crypto {

void append_hex(std::string& out, Bytes b) {
  static constexpr char kHex[] = "0123456789abcdef";
  const std::size_t start = out.size();
  out.resize(start + b.size() * 2);
  char* p = out.data() + start;
  for (const std::uint8_t byte : b) {
    *p++ = kHex[byte >> 4];
    *p++ = kHex[byte & 15];
  }
}

std::string to_hex(Bytes b) {
  std::string out;
  append_hex(out, b);
  return out;
}

void secure_wipe(std::span<std::uint8_t> b) {
  if (!b.empty()) OPENSSL_cleanse(b.data(), b.size());
}

void secure_wipe(std::string& s) {
  if (!s.empty()) OPENSSL_cleanse(s.data(), s.size());
}

}  // namespace iamd::crypto
