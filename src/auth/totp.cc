#include "auth/totp.h"

#include <openssl/err.h>
#include <openssl/evp.h>
#include <qrencode.h>
#include <zlib.h>

#include <array>
#include <cstdio>
#include <cstdlib>
#include <memory>

#include "crypto/constant_time.h"

namespace iamd::auth::totp {
namespace {

constexpr std::string_view kBase32Alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";

// HMAC fails only when memory runs out or OpenSSL is broken; a code made from garbage must never
// be compared, so that is fatal (as in crypto/).
[[noreturn]] void fail_openssl(const char* what) {
  std::fprintf(stderr, "fatal: OpenSSL failure in %s\n", what);
  ERR_print_errors_fp(stderr);
  std::abort();
}

const char* digest_name(Hash hash) {
  switch (hash) {
    case Hash::Sha256:
      return "SHA256";
    case Hash::Sha512:
      return "SHA512";
    case Hash::Sha1:
      break;
  }
  return "SHA1";
}

bool is_code(std::string_view code) {
  if (code.size() != static_cast<size_t>(kDigits)) return false;
  for (char c : code) {
    if (c < '0' || c > '9') return false;
  }
  return true;
}

// Candidate steps around `center`, nearest first, the earlier one first on a tie.
std::vector<std::int64_t> around(std::int64_t center, int window) {
  std::vector<std::int64_t> steps{center};
  for (int d = 1; d <= window; ++d) {
    steps.push_back(center - d);
    steps.push_back(center + d);
  }
  return steps;
}

void put_u32(std::string& out, std::uint32_t v) {
  out.push_back(static_cast<char>(v >> 24));
  out.push_back(static_cast<char>(v >> 16));
  out.push_back(static_cast<char>(v >> 8));
  out.push_back(static_cast<char>(v));
}

void put_chunk(std::string& png, const char type[4], std::string_view data) {
  put_u32(png, static_cast<std::uint32_t>(data.size()));
  std::string body(type, 4);
  body.append(data);
  png.append(body);
  uLong crc = crc32(0L, Z_NULL, 0);
  crc = crc32(crc, reinterpret_cast<const Bytef*>(body.data()), static_cast<uInt>(body.size()));
  put_u32(png, static_cast<std::uint32_t>(crc));
}

struct QrFree {
  void operator()(QRcode* q) const { QRcode_free(q); }
};

}  // namespace

std::string base32_encode(crypto::Bytes data) {
  std::string out;
  out.reserve((data.size() * 8 + 4) / 5);
  std::uint32_t buffer = 0;
  int bits = 0;
  for (std::uint8_t b : data) {
    buffer = (buffer << 8) | b;
    bits += 8;
    while (bits >= 5) {
      out.push_back(kBase32Alphabet[(buffer >> (bits - 5)) & 0x1f]);
      bits -= 5;
    }
  }
  if (bits > 0) out.push_back(kBase32Alphabet[(buffer << (5 - bits)) & 0x1f]);
  return out;
}

std::optional<std::string> base32_decode(std::string_view text) {
  while (!text.empty() && text.back() == '=') text.remove_suffix(1);
  // A last group of 1, 3 or 6 characters cannot come from whole bytes.
  size_t tail = text.size() % 8;
  if (tail == 1 || tail == 3 || tail == 6) return std::nullopt;
  std::string out;
  out.reserve(text.size() * 5 / 8);
  std::uint32_t buffer = 0;
  int bits = 0;
  for (char c : text) {
    int v;
    if (c >= 'A' && c <= 'Z') {
      v = c - 'A';
    } else if (c >= 'a' && c <= 'z') {
      v = c - 'a';
    } else if (c >= '2' && c <= '7') {
      v = c - '2' + 26;
    } else {
      return std::nullopt;
    }
    buffer = (buffer << 5) | static_cast<std::uint32_t>(v);
    bits += 5;
    if (bits >= 8) {
      out.push_back(static_cast<char>((buffer >> (bits - 8)) & 0xff));
      bits -= 8;
    }
  }
  return out;
}

std::string hotp(crypto::Bytes key, std::uint64_t counter, int digits, Hash hash) {
  std::array<unsigned char, 8> message;
  for (int i = 7; i >= 0; --i) {
    message[static_cast<size_t>(i)] = static_cast<unsigned char>(counter & 0xff);
    counter >>= 8;
  }
  // A null key pointer would be "no key"; pass a real one for an empty key.
  static constexpr unsigned char kNoKey[1] = {0};
  const unsigned char* key_ptr = key.empty() ? kNoKey : key.data();
  std::array<unsigned char, EVP_MAX_MD_SIZE> mac;
  size_t mac_len = 0;
  if (EVP_Q_mac(nullptr, "HMAC", nullptr, digest_name(hash), nullptr, key_ptr, key.size(),
                message.data(), message.size(), mac.data(), mac.size(), &mac_len) == nullptr ||
      mac_len < 20) {
    fail_openssl("EVP_Q_mac(HMAC)");
  }
  // RFC 4226 §5.3 dynamic truncation.
  size_t offset = mac[mac_len - 1] & 0x0f;
  std::uint32_t binary = (static_cast<std::uint32_t>(mac[offset] & 0x7f) << 24) |
                         (static_cast<std::uint32_t>(mac[offset + 1]) << 16) |
                         (static_cast<std::uint32_t>(mac[offset + 2]) << 8) |
                         static_cast<std::uint32_t>(mac[offset + 3]);
  OPENSSL_cleanse(mac.data(), mac.size());
  if (digits < 1) digits = 1;
  if (digits > 9) digits = 9;
  std::uint32_t modulus = 1;
  for (int i = 0; i < digits; ++i) modulus *= 10;
  std::string code = std::to_string(binary % modulus);
  return std::string(static_cast<size_t>(digits) - code.size(), '0') + code;
}

std::int64_t time_step(core::TimePoint t) {
  std::int64_t seconds =
      std::chrono::floor<std::chrono::seconds>(t.time_since_epoch()).count();
  std::int64_t step = seconds / kStepSeconds;
  if (seconds % kStepSeconds != 0 && seconds < 0) --step;
  return step;
}

std::vector<std::int64_t> matching_steps(crypto::Bytes key, std::string_view code,
                                         std::int64_t center, int window) {
  std::vector<std::int64_t> matched;
  if (!is_code(code)) return matched;
  for (std::int64_t step : around(center, window)) {
    if (step < 0) continue;
    std::string expected = hotp(key, static_cast<std::uint64_t>(step));
    if (crypto::constant_time_equal(expected, code)) matched.push_back(step);
  }
  return matched;
}

std::optional<std::int64_t> verify(crypto::Bytes key, std::string_view code, core::TimePoint now,
                                   std::optional<std::int64_t> last_accepted, int window) {
  for (std::int64_t step : matching_steps(key, code, time_step(now), window)) {
    if (!last_accepted || step > *last_accepted) return step;
  }
  return std::nullopt;
}

std::optional<std::int64_t> verify_consecutive(crypto::Bytes key, std::string_view code1,
                                               std::string_view code2, core::TimePoint now,
                                               int window,
                                               std::optional<std::int64_t> last_accepted) {
  if (!is_code(code1) || !is_code(code2)) return std::nullopt;
  std::optional<std::int64_t> found;
  for (std::int64_t step : around(time_step(now), window)) {
    if (step < 1) continue;
    // Both compares always run, so timing does not tell which code was wrong.
    bool second = crypto::constant_time_equal(hotp(key, static_cast<std::uint64_t>(step)), code2);
    bool first =
        crypto::constant_time_equal(hotp(key, static_cast<std::uint64_t>(step - 1)), code1);
    bool fresh = !last_accepted || step - 1 > *last_accepted;
    if (first && second && fresh && !found) found = step;
  }
  return found;
}

std::string qr_png(std::string_view text, int scale) {
  std::string input(text);  // libqrencode wants a NUL-terminated string
  std::unique_ptr<QRcode, QrFree> qr(QRcode_encodeString8bit(input.c_str(), 0, QR_ECLEVEL_M));
  if (!qr || qr->width <= 0) return {};
  if (scale < 1) scale = 1;
  constexpr int kQuietZone = 4;
  const int modules = qr->width + 2 * kQuietZone;
  const std::uint32_t size = static_cast<std::uint32_t>(modules * scale);
  const size_t row_bytes = (size + 7) / 8;

  // Raw scanlines: a filter byte (0, none) and 1-bit pixels, 1 = white, most significant bit first.
  std::string raw;
  raw.reserve(size * (row_bytes + 1));
  for (std::uint32_t y = 0; y < size; ++y) {
    raw.push_back('\0');
    std::string row(row_bytes, '\0');
    int my = static_cast<int>(y) / scale - kQuietZone;
    for (std::uint32_t x = 0; x < size; ++x) {
      int mx = static_cast<int>(x) / scale - kQuietZone;
      bool dark = my >= 0 && my < qr->width && mx >= 0 && mx < qr->width &&
                  (qr->data[my * qr->width + mx] & 1);
      if (!dark) row[x / 8] = static_cast<char>(row[x / 8] | (0x80 >> (x % 8)));
    }
    raw += row;
  }
  uLongf packed_size = compressBound(static_cast<uLong>(raw.size()));
  std::string packed(packed_size, '\0');
  if (compress2(reinterpret_cast<Bytef*>(packed.data()), &packed_size,
                reinterpret_cast<const Bytef*>(raw.data()), static_cast<uLong>(raw.size()),
                Z_BEST_COMPRESSION) != Z_OK) {
    return {};
  }
  packed.resize(packed_size);

  std::string png("\x89PNG\r\n\x1a\n", 8);
  std::string ihdr;
  put_u32(ihdr, size);  // width
  put_u32(ihdr, size);  // height
  ihdr.push_back('\x01');  // bit depth 1
  ihdr.push_back('\x00');  // grayscale
  ihdr.push_back('\x00');  // deflate
  ihdr.push_back('\x00');  // adaptive filtering
  ihdr.push_back('\x00');  // no interlace
  put_chunk(png, "IHDR", ihdr);
  put_chunk(png, "IDAT", packed);
  put_chunk(png, "IEND", {});
  return png;
}

}  // namespace iamd::auth::totp
