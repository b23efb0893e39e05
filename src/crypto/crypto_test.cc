// Known-answer tests (FIPS 180-4, RFC 4231, the GCM spec's test case 16) and the properties the
// rest of iamd leans on: GCM detects every kind of tampering, contexts survive threads.

#include <gtest/gtest.h>

#include <algorithm>
#include <string>
#include <thread>
#include <vector>

#include "crypto/aead.h"
#include "crypto/bytes.h"
#include "crypto/constant_time.h"
#include "crypto/csprng.h"
#include "crypto/hmac.h"
#include "crypto/sha256.h"

namespace iamd::crypto {
namespace {

std::vector<std::uint8_t> unhex(std::string_view hex) {
  std::vector<std::uint8_t> out;
  for (std::size_t i = 0; i + 1 < hex.size(); i += 2) {
    out.push_back(static_cast<std::uint8_t>(std::stoi(std::string(hex.substr(i, 2)), nullptr, 16)));
  }
  return out;
}

/// Hands out fixed bytes, so a seal can be checked against a published vector.
class FixedRandom final : public core::Random {
 public:
  explicit FixedRandom(std::vector<std::uint8_t> bytes) : bytes_(std::move(bytes)) {}
  void fill(std::span<std::uint8_t> out) override {
    for (std::size_t i = 0; i < out.size(); ++i) out[i] = bytes_[i % bytes_.size()];
  }

 private:
  std::vector<std::uint8_t> bytes_;
};

TEST(Sha256, NistAbc) {
  EXPECT_EQ(to_hex(sha256(std::string_view("abc"))),
            "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
}

TEST(Sha256, EmptyInputIsSigV4EmptyPayloadHash) {
  EXPECT_EQ(sha256_hex(""), "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
}

TEST(Sha256, NistTwoBlockMessage) {
  EXPECT_EQ(sha256_hex("abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq"),
            "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1");
}

TEST(Sha256, ManyContextReusesGiveTheSameAnswer) {
  const std::string first = sha256_hex("abc");
  for (int i = 0; i < 100; ++i) sha256_hex(std::string(static_cast<std::size_t>(i), 'x'));
  EXPECT_EQ(sha256_hex("abc"), first);
}

TEST(HmacSha256, Rfc4231TestCase2) {
  EXPECT_EQ(to_hex(hmac_sha256(as_bytes("Jefe"), "what do ya want for nothing?")),
            "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843");
}

TEST(HmacSha256, Rfc4231TestCase1) {
  const std::vector<std::uint8_t> key(20, 0x0b);
  EXPECT_EQ(to_hex(hmac_sha256(key, "Hi There")),
            "b0344c61d8db38535ca8afceaf0bf12b881dc200c9833da726e9376c2e32cff7");
}

TEST(HmacSha256, Rfc4231TestCase6KeyLongerThanBlock) {
  const std::vector<std::uint8_t> key(131, 0xaa);
  EXPECT_EQ(to_hex(hmac_sha256(key, "Test Using Larger Than Block-Size Key - Hash Key First")),
            "60e431591ee0b67f0d8a26aacbf5b77f8e0bc6213728c5140546040f0ee37f54");
}

TEST(HmacSha256, EmptyKeyDoesNotReuseThePreviousKey) {
  // EVP_MAC_init(ctx, NULL, 0) means "keep the old key"; an empty key must not mean that.
  (void)hmac_sha256(as_bytes("Jefe"), "warm the thread's context with another key");
  EXPECT_EQ(to_hex(hmac_sha256(Bytes{}, "")),
            "b613679a0814d9ec772f95d778c35fc5ff1697c493715653c6c712144292c5ad");
}

TEST(HmacSha256, SigV4SigningKeyChain) {
  // spec §5.7 step 4.
  auto k = hmac_sha256(as_bytes("AWS4wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY"), "20150830");
  EXPECT_EQ(to_hex(k), "0138c7a6cbd60aa727b2f653a522567439dfb9f3e72b21f9b25941a42f04a7cd");
  k = hmac_sha256(k, "us-east-1");
  k = hmac_sha256(k, "iam");
  k = hmac_sha256(k, "aws4_request");
  EXPECT_EQ(to_hex(k), "c4afb1cc5771d871763a393e44b703571b55cc28424d1a5e86da6ed3c154a4b9");
}

TEST(HmacSha256, ThreadsEachGetTheirOwnContext) {
  const std::string expected =
      to_hex(hmac_sha256(as_bytes("Jefe"), "what do ya want for nothing?"));
  std::vector<std::thread> threads;
  std::vector<int> ok(4, 0);
  for (int t = 0; t < 4; ++t) {
    threads.emplace_back([&, t] {
      int good = 0;
      for (int i = 0; i < 500; ++i) {
        const std::string key = "key-" + std::to_string(t);
        (void)hmac_sha256(as_bytes(key), "noise");
        good += to_hex(hmac_sha256(as_bytes("Jefe"), "what do ya want for nothing?")) == expected;
      }
      ok[static_cast<std::size_t>(t)] = good;
    });
  }
  for (auto& th : threads) th.join();
  for (int good : ok) EXPECT_EQ(good, 500);
}

TEST(Aes256Gcm, GcmSpecTestCase16) {
  const auto key = unhex("feffe9928665731c6d6a8f9467308308feffe9928665731c6d6a8f9467308308");
  const auto nonce = unhex("cafebabefacedbaddecaf888");
  const auto plaintext = unhex(
      "d9313225f88406e5a55909c5aff5269a86a7a9531534f7da2e4c303d8a318a721c3c0c95956809532fcf0e24"
      "49a6b525b16aedf5aa0de657ba637b39");
  const auto aad = unhex("feedfacedeadbeeffeedfacedeadbeefabaddad2");
  FixedRandom random(nonce);

  const auto sealed = aes256_gcm_seal(Aes256GcmKey(key.data(), 32), plaintext, aad, random);
  EXPECT_EQ(to_hex(sealed),
            "cafebabefacedbaddecaf888"
            "522dc1f099567d07f47f37a32a84427d643a8cdcbfe5c0c97598a2bd2555d1aa8cb08e48590dbb3da7b08b"
            "1056828838c5f61e6393ba7a0abcc9f662"
            "76fc6ece0f4e1768cddf8853bb2d551b");
  auto opened = aes256_gcm_open(Aes256GcmKey(key.data(), 32), sealed, aad);
  ASSERT_TRUE(opened.has_value());
  EXPECT_EQ(*opened, plaintext);
}

class Aes256GcmRoundTrip : public ::testing::Test {
 protected:
  void SetUp() override { random_.fill(key_); }
  std::vector<std::uint8_t> seal(std::string_view text, std::string_view aad) {
    return aes256_gcm_seal(key_, as_bytes(text), as_bytes(aad), random_);
  }
  SystemRandom random_;
  std::array<std::uint8_t, 32> key_{};
};

TEST_F(Aes256GcmRoundTrip, OpensWhatItSealed) {
  for (std::string_view text :
       {"", "x", "a session token's worth of plaintext, with some length"}) {
    const auto sealed = seal(text, "v1");
    EXPECT_EQ(sealed.size(), text.size() + kAes256GcmOverheadBytes);
    auto opened = aes256_gcm_open(key_, sealed, as_bytes("v1"));
    ASSERT_TRUE(opened.has_value()) << text;
    EXPECT_EQ(as_chars(*opened), text);
  }
}

TEST_F(Aes256GcmRoundTrip, NoncesDifferBetweenSeals) {
  EXPECT_NE(seal("same", ""), seal("same", ""));
}

TEST_F(Aes256GcmRoundTrip, EveryFlippedBitIsDetected) {
  const auto sealed = seal("attack at dawn", "aad");
  for (std::size_t i = 0; i < sealed.size(); ++i) {
    auto tampered = sealed;
    tampered[i] ^= 0x01;
    EXPECT_FALSE(aes256_gcm_open(key_, tampered, as_bytes("aad")).has_value()) << "byte " << i;
  }
}

TEST_F(Aes256GcmRoundTrip, WrongAadWrongKeyAndTruncationFail) {
  const auto sealed = seal("attack at dawn", "aad");
  EXPECT_FALSE(aes256_gcm_open(key_, sealed, as_bytes("other")).has_value());
  EXPECT_FALSE(aes256_gcm_open(key_, sealed, Bytes{}).has_value());

  std::array<std::uint8_t, 32> other_key = key_;
  other_key[0] ^= 0x80;
  EXPECT_FALSE(aes256_gcm_open(other_key, sealed, as_bytes("aad")).has_value());

  for (std::size_t n : {std::size_t{0}, std::size_t{27}, sealed.size() - 1}) {
    EXPECT_FALSE(aes256_gcm_open(key_, Bytes(sealed.data(), n), as_bytes("aad")).has_value()) << n;
  }
  std::vector<std::uint8_t> longer = sealed;
  longer.push_back(0);
  EXPECT_FALSE(aes256_gcm_open(key_, longer, as_bytes("aad")).has_value());
}

// Each thread keeps the last key's schedule (aead.cc): switching keys back and forth, and a
// failed open in between, must never open with a stale key or leave the context unusable.
TEST_F(Aes256GcmRoundTrip, KeysAlternatingOnOneThread) {
  std::array<std::uint8_t, 32> other_key{};
  random_.fill(other_key);
  const auto mine = seal("mine", "aad");
  const auto theirs = aes256_gcm_seal(other_key, as_bytes("theirs"), as_bytes("aad"), random_);
  for (int round = 0; round < 3; ++round) {
    EXPECT_EQ(as_chars(aes256_gcm_open(key_, mine, as_bytes("aad")).value()), "mine");
    EXPECT_FALSE(aes256_gcm_open(key_, theirs, as_bytes("aad")).has_value());
    EXPECT_EQ(as_chars(aes256_gcm_open(other_key, theirs, as_bytes("aad")).value()), "theirs");
    EXPECT_FALSE(aes256_gcm_open(other_key, mine, as_bytes("aad")).has_value());
    auto tampered = mine;
    tampered.back() ^= 0x01;
    EXPECT_FALSE(aes256_gcm_open(key_, tampered, as_bytes("aad")).has_value());
    EXPECT_EQ(as_chars(aes256_gcm_open(key_, mine, as_bytes("aad")).value()), "mine");
    // Sealing with one key then the other: each opens only under its own.
    const auto again = aes256_gcm_seal(other_key, as_bytes("x"), as_bytes(""), random_);
    EXPECT_TRUE(aes256_gcm_open(other_key, again, Bytes{}).has_value());
    EXPECT_FALSE(aes256_gcm_open(key_, again, Bytes{}).has_value());
  }
}

TEST(SystemRandom, FillsAndDiffers) {
  SystemRandom random;
  std::array<std::uint8_t, 32> a{}, b{};
  random.fill(a);
  random.fill(b);
  EXPECT_NE(a, b);
  EXPECT_TRUE(std::any_of(a.begin(), a.end(), [](std::uint8_t x) { return x != 0; }));
  random.fill(std::span<std::uint8_t>());  // an empty request is fine
}

TEST(ConstantTimeEqual, ComparesContentAndLength) {
  EXPECT_TRUE(constant_time_equal(std::string_view(""), std::string_view("")));
  EXPECT_TRUE(constant_time_equal(std::string_view("abc"), std::string_view("abc")));
  EXPECT_FALSE(constant_time_equal(std::string_view("abc"), std::string_view("abd")));
  EXPECT_FALSE(constant_time_equal(std::string_view("abc"), std::string_view("ab")));
  EXPECT_FALSE(constant_time_equal(std::string_view("xbc"), std::string_view("abc")));
}

TEST(Bytes, HexAndViews) {
  const std::uint8_t raw[] = {0x00, 0x0f, 0xa0, 0xff};
  EXPECT_EQ(to_hex(raw), "000fa0ff");
  EXPECT_EQ(as_chars(as_bytes("text")), "text");
}

}  // namespace
}  // namespace iamd::crypto
