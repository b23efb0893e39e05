// TOTP, HOTP and base32 against the RFCs' own test vectors, plus drift, reuse and the QR PNG.
#include "auth/totp.h"

#include <gtest/gtest.h>
#include <zlib.h>

#include <chrono>

namespace iamd::auth::totp {
namespace {

using crypto::as_bytes;

core::TimePoint at(std::int64_t unix_seconds) {
  return core::TimePoint(std::chrono::seconds(unix_seconds));
}

// RFC 4648 §10.
TEST(Base32, Rfc4648Vectors) {
  const std::pair<std::string_view, std::string_view> vectors[] = {
      {"", ""},           {"f", "MY"},          {"fo", "MZXQ"},         {"foo", "MZXW6"},
      {"foob", "MZXW6YQ"}, {"fooba", "MZXW6YTB"}, {"foobar", "MZXW6YTBOI"},
  };
  for (const auto& [plain, encoded] : vectors) {
    EXPECT_EQ(base32_encode(as_bytes(plain)), encoded) << plain;
    EXPECT_EQ(base32_decode(encoded), std::string(plain)) << encoded;
  }
  // Padding and lower case are accepted when decoding.
  EXPECT_EQ(base32_decode("MZXW6YTBOI======"), std::string("foobar"));
  EXPECT_EQ(base32_decode("mzxw6ytboi"), std::string("foobar"));
  EXPECT_EQ(base32_decode("MZXW6YQ="), std::string("foob"));
  EXPECT_FALSE(base32_decode("MZXW1"));   // '1' is not in the alphabet
  EXPECT_FALSE(base32_decode("M"));       // no whole byte
  EXPECT_FALSE(base32_decode("MZX"));     // impossible length
  EXPECT_FALSE(base32_decode("MZ XW"));   // no spaces
}

TEST(Base32, RoundTripsAwsSizedSeeds) {
  std::string seed;
  for (int i = 0; i < 40; ++i) seed.push_back(static_cast<char>(i * 37 + 11));
  std::string text = base32_encode(as_bytes(seed));
  EXPECT_EQ(text.size(), 64u);  // AWS's Base32StringSeed is 64 characters
  EXPECT_EQ(base32_decode(text), seed);
}

// RFC 4226 Appendix D.
TEST(Hotp, Rfc4226Vectors) {
  const std::string key = "12345678901234567890";
  const char* expected[] = {"755224", "287082", "359152", "969429", "338314",
                            "254676", "287922", "162583", "399871", "520489"};
  for (std::uint64_t i = 0; i < 10; ++i) EXPECT_EQ(hotp(as_bytes(key), i), expected[i]) << i;
}

// RFC 6238 Appendix B: 8-digit codes for SHA-1, SHA-256 and SHA-512.
TEST(Totp, Rfc6238AppendixB) {
  const std::string sha1_key = "12345678901234567890";
  const std::string sha256_key = "12345678901234567890123456789012";
  const std::string sha512_key =
      "1234567890123456789012345678901234567890123456789012345678901234";
  struct Vector {
    std::int64_t time;
    const char* sha1;
    const char* sha256;
    const char* sha512;
  };
  const Vector vectors[] = {
      {59, "94287082", "46119246", "90693936"},
      {1111111109, "07081804", "68084774", "25091201"},
      {1111111111, "14050471", "67062674", "99943326"},
      {1234567890, "89005924", "91819424", "93441116"},
      {2000000000, "69279037", "90698825", "38618901"},
      {20000000000, "65353130", "77737706", "47863826"},
  };
  for (const auto& v : vectors) {
    // 20000000000 s does not fit a nanosecond time_point, so the step is computed here.
    std::uint64_t step = static_cast<std::uint64_t>(v.time / kStepSeconds);
    if (v.time < 9'000'000'000) {
      EXPECT_EQ(time_step(at(v.time)), static_cast<std::int64_t>(step)) << v.time;
    }
    EXPECT_EQ(hotp(as_bytes(sha1_key), step, 8, Hash::Sha1), v.sha1) << v.time;
    EXPECT_EQ(hotp(as_bytes(sha256_key), step, 8, Hash::Sha256), v.sha256) << v.time;
    EXPECT_EQ(hotp(as_bytes(sha512_key), step, 8, Hash::Sha512), v.sha512) << v.time;
  }
}

TEST(Totp, SixDigitCodesAreTheLowDigits) {
  // The 6-digit code is the 8-digit one modulo 10^6 (RFC 4226 §5.3).
  const std::string key = "12345678901234567890";
  EXPECT_EQ(hotp(as_bytes(key), 1), "287082");
  EXPECT_EQ(hotp(as_bytes(key), 1, 8), "94287082");
}

TEST(Totp, TimeStepsRoundDown) {
  EXPECT_EQ(time_step(at(0)), 0);
  EXPECT_EQ(time_step(at(29)), 0);
  EXPECT_EQ(time_step(at(30)), 1);
  EXPECT_EQ(time_step(at(1700000000)), 56666666);
  EXPECT_EQ(time_step(at(-1)), -1);
  EXPECT_EQ(time_step(core::TimePoint(std::chrono::milliseconds(29999))), 0);
}

TEST(Totp, VerifyAcceptsOneStepOfDriftEitherWay) {
  const std::string key = "12345678901234567890";
  const std::int64_t now = 1700000000;
  const std::int64_t t = now / 30;
  for (std::int64_t d : {-1, 0, 1}) {
    std::string code = hotp(as_bytes(key), static_cast<std::uint64_t>(t + d));
    EXPECT_EQ(verify(as_bytes(key), code, at(now)), t + d) << d;
  }
  for (std::int64_t d : {-3, -2, 2, 3}) {
    std::string code = hotp(as_bytes(key), static_cast<std::uint64_t>(t + d));
    // A code of a step further away may collide with a near step's by chance; not for this key.
    EXPECT_FALSE(verify(as_bytes(key), code, at(now))) << d;
  }
  EXPECT_FALSE(verify(as_bytes(key), "12345", at(now)));
  EXPECT_FALSE(verify(as_bytes(key), "12345a", at(now)));
  EXPECT_FALSE(verify(as_bytes(key), "1234567", at(now)));
}

TEST(Totp, VerifyRefusesStepsAlreadyAccepted) {
  const std::string key = "12345678901234567890";
  const std::int64_t now = 1700000000;
  const std::int64_t t = now / 30;
  std::string code = hotp(as_bytes(key), static_cast<std::uint64_t>(t));
  auto first = verify(as_bytes(key), code, at(now));
  ASSERT_EQ(first, t);
  EXPECT_FALSE(verify(as_bytes(key), code, at(now), first));
  // The next step's code is still good, and an earlier step's is not.
  EXPECT_EQ(verify(as_bytes(key), hotp(as_bytes(key), static_cast<std::uint64_t>(t + 1)), at(now),
                   first),
            t + 1);
  EXPECT_FALSE(verify(as_bytes(key), hotp(as_bytes(key), static_cast<std::uint64_t>(t - 1)),
                      at(now), first));
}

TEST(Totp, ConsecutiveCodes) {
  const std::string key = "12345678901234567890";
  const std::int64_t now = 1700000000;
  const std::int64_t t = now / 30;
  auto code = [&](std::int64_t step) { return hotp(as_bytes(key), static_cast<std::uint64_t>(step)); };
  EXPECT_EQ(verify_consecutive(as_bytes(key), code(t - 1), code(t), at(now), 1), t);
  EXPECT_EQ(verify_consecutive(as_bytes(key), code(t - 6), code(t - 5), at(now), 10), t - 5);
  EXPECT_FALSE(verify_consecutive(as_bytes(key), code(t - 6), code(t - 5), at(now), 1));
  // Swapped or repeated codes are not consecutive.
  EXPECT_FALSE(verify_consecutive(as_bytes(key), code(t), code(t - 1), at(now), 1));
  EXPECT_FALSE(verify_consecutive(as_bytes(key), code(t), code(t), at(now), 1));
  // Codes at or before the last accepted step are refused.
  EXPECT_FALSE(verify_consecutive(as_bytes(key), code(t - 1), code(t), at(now), 1, t - 1));
  EXPECT_EQ(verify_consecutive(as_bytes(key), code(t - 1), code(t), at(now), 1, t - 2), t);
}

std::uint32_t read_u32(const std::string& s, size_t at) {
  return (static_cast<std::uint32_t>(static_cast<unsigned char>(s[at])) << 24) |
         (static_cast<std::uint32_t>(static_cast<unsigned char>(s[at + 1])) << 16) |
         (static_cast<std::uint32_t>(static_cast<unsigned char>(s[at + 2])) << 8) |
         static_cast<std::uint32_t>(static_cast<unsigned char>(s[at + 3]));
}

TEST(QrPng, IsAWellFormedPng) {
  std::string png = qr_png(
      "otpauth://totp/Amazon%20Web%20Services:dev@123456789012?secret="
      "CZWZMCQNW4DEXAMPLE3VOUGXJFZYSUW7EXAMPLECR4NJFD65GX2SLUDW2EXAMPLE"
      "&issuer=Amazon%20Web%20Services",
      4);
  ASSERT_GT(png.size(), 8u);
  EXPECT_EQ(png.substr(0, 8), std::string("\x89PNG\r\n\x1a\n", 8));
  // Walk the chunks, checking each CRC; keep the IHDR and the IDAT data.
  size_t pos = 8;
  std::uint32_t width = 0, height = 0;
  std::string idat;
  std::vector<std::string> types;
  while (pos + 12 <= png.size()) {
    std::uint32_t len = read_u32(png, pos);
    std::string type = png.substr(pos + 4, 4);
    std::string data = png.substr(pos + 8, len);
    uLong crc = crc32(0L, Z_NULL, 0);
    crc = crc32(crc, reinterpret_cast<const Bytef*>(png.data() + pos + 4), len + 4);
    EXPECT_EQ(read_u32(png, pos + 8 + len), static_cast<std::uint32_t>(crc)) << type;
    types.push_back(type);
    if (type == "IHDR") {
      width = read_u32(data, 0);
      height = read_u32(data, 4);
      EXPECT_EQ(data[8], 1);  // bit depth
      EXPECT_EQ(data[9], 0);  // grayscale
    }
    if (type == "IDAT") idat += data;
    pos += 12 + len;
  }
  EXPECT_EQ(pos, png.size());
  EXPECT_EQ(types, (std::vector<std::string>{"IHDR", "IDAT", "IEND"}));
  EXPECT_EQ(width, height);
  EXPECT_EQ(width % 4, 0u);
  EXPECT_GE(width, (21u + 8u) * 4u);
  // The image data inflates to one filter byte plus the packed pixels per row.
  uLongf raw_size = height * (1 + (width + 7) / 8);
  std::string raw(raw_size + 16, '\0');
  uLongf got = raw.size();
  ASSERT_EQ(uncompress(reinterpret_cast<Bytef*>(raw.data()), &got,
                       reinterpret_cast<const Bytef*>(idat.data()), idat.size()),
            Z_OK);
  EXPECT_EQ(got, raw_size);
  // The quiet zone is white: the first row is all ones after its filter byte.
  EXPECT_EQ(raw[0], 0);
  EXPECT_EQ(static_cast<unsigned char>(raw[1]), 0xff);
  // The finder pattern's top-left module (just inside the quiet zone) is dark.
  size_t row = 16 * (1 + (width + 7) / 8);  // y = 4 modules * 4 px
  EXPECT_EQ(static_cast<unsigned char>(raw[row + 1 + 2]) & 0x80, 0);  // x = 16 px: byte 2, bit 7
}

}  // namespace
}  // namespace iamd::auth::totp
