#include "auth/session_token.h"

#include <gtest/gtest.h>

#include <set>

#include "crypto/base64.h"
#include "crypto/csprng.h"

namespace iamd::auth {
namespace {

Keyring keyring_with(std::uint32_t id, std::uint8_t fill) {
  Keyring k;
  Keyring::Key key{};
  key.fill(fill);
  k.add(id, key);
  return k;
}

Session sample() {
  Session s;
  s.kind = Session::Kind::AssumedRole;
  s.access_key_id = "ASIAIOSFODNN7EXAMPLE";
  s.secret_access_key = core::Secret("wJalrXUtnFEMI/K7MDENG/bPxRfiCYzEXAMPLEKEY");
  s.account = "123456789012";
  s.arn = "arn:aws:sts::123456789012:assumed-role/demo/John";
  s.user_id = "AROADBQP57FF2AEXAMPLE:John";
  s.role_arn = "arn:aws:iam::123456789012:role/demo";
  s.role_id = "AROADBQP57FF2AEXAMPLE";
  s.session_name = "John";
  s.source_arn = "arn:aws:iam::123456789012:user/john";
  s.source_identity = "john@example.com";
  s.issued_at = core::TimePoint(std::chrono::seconds(1700000000));
  s.expires_at = s.issued_at + std::chrono::hours(1);
  s.mfa_present = true;
  s.mfa_authenticated_at = s.issued_at;
  s.chained = true;
  s.tags = {{"Project", "blue"}, {"cost", ""}};
  s.transitive_tag_keys = {"Project"};
  s.session_policy = R"({"Version":"2012-10-17","Statement":[]})";
  s.session_policy_arns = {"arn:aws:iam::aws:policy/ReadOnlyAccess"};
  return s;
}

TEST(SessionToken, RoundTripsEveryField) {
  crypto::SystemRandom random;
  Keyring k = keyring_with(7, 0x42);
  std::string token = seal_session(sample(), k, random);
  auto s = open_session(token, k);
  ASSERT_TRUE(s) << s.error().message;
  Session want = sample();
  EXPECT_EQ(s->kind, want.kind);
  EXPECT_EQ(s->access_key_id, want.access_key_id);
  EXPECT_EQ(s->secret_access_key.reveal(), want.secret_access_key.reveal());
  EXPECT_EQ(s->arn, want.arn);
  EXPECT_EQ(s->user_id, want.user_id);
  EXPECT_EQ(s->role_arn, want.role_arn);
  EXPECT_EQ(s->source_identity, want.source_identity);
  EXPECT_EQ(s->expires_at, want.expires_at);
  EXPECT_TRUE(s->mfa_present);
  EXPECT_TRUE(s->chained);
  EXPECT_EQ(s->tags, want.tags);
  EXPECT_EQ(s->transitive_tag_keys, want.transitive_tag_keys);
  EXPECT_EQ(s->session_policy, want.session_policy);
  EXPECT_EQ(s->session_policy_arns, want.session_policy_arns);
  // The secret never appears in the token text or its decoded bytes.
  EXPECT_EQ(token.find("wJalrXUtnFEMI"), std::string::npos);
  EXPECT_EQ(crypto::base64_decode(token)->find("wJalrXUtnFEMI"), std::string::npos);
}

TEST(SessionToken, RefusesTamperedForeignAndGarbage) {
  crypto::SystemRandom random;
  Keyring k = keyring_with(7, 0x42);
  std::string token = seal_session(sample(), k, random);
  auto raw = *crypto::base64_decode(token);
  for (size_t i = 0; i < raw.size(); i += 7) {
    std::string bad = raw;
    bad[i] = static_cast<char>(bad[i] ^ 1);
    auto r = open_session(crypto::base64_encode(bad), k);
    ASSERT_FALSE(r) << "byte " << i;
    EXPECT_EQ(r.error().code, core::ErrorCode::InvalidClientTokenId);
  }
  Keyring other = keyring_with(7, 0x43);  // same id, other key: a foreign node's token
  EXPECT_FALSE(open_session(token, other));
  Keyring unknown_id = keyring_with(8, 0x42);
  EXPECT_FALSE(open_session(token, unknown_id));
  for (const std::string& garbage :
       std::vector<std::string>{"", "x", "SUFNRA==", "!!!!", std::string(20000, 'A')}) {
    EXPECT_FALSE(open_session(garbage, k)) << garbage.substr(0, 10);
  }
}

TEST(SessionToken, OldKeysStillOpenAfterRotation) {
  crypto::SystemRandom random;
  Keyring k = keyring_with(1, 0x11);
  std::string old_token = seal_session(sample(), k, random);
  Keyring::Key next{};
  next.fill(0x22);
  k.add(2, next);
  k.set_active(2);
  std::string new_token = seal_session(sample(), k, random);
  EXPECT_TRUE(open_session(old_token, k));
  EXPECT_TRUE(open_session(new_token, k));
  EXPECT_NE(old_token.substr(0, 12), new_token.substr(0, 12));  // the key id differs
}

TEST(SessionToken, AnOpenedTokenStillNeedsItsKey) {
  // Opened tokens are kept per thread; keeping one must not outlive the key that opened it.
  crypto::SystemRandom random;
  Keyring k = keyring_with(7, 0x42);
  const std::string token = seal_session(sample(), k, random);
  ASSERT_TRUE(open_session(token, k));
  ASSERT_TRUE(open_session(token, k));                       // now from what this thread keeps
  EXPECT_FALSE(open_session(token, keyring_with(7, 0x43)));  // same id, another key
  EXPECT_FALSE(open_session(token, keyring_with(8, 0x42)));  // the key under another id
  EXPECT_FALSE(open_session(token, Keyring()));              // pruned
  auto again = open_session(token, keyring_with(7, 0x42));   // an equal keyring still opens it
  ASSERT_TRUE(again);
  EXPECT_EQ(again->arn, sample().arn);
  EXPECT_EQ(again->secret_access_key.reveal(), sample().secret_access_key.reveal());
}

TEST(SessionToken, OnlyTheExactTokenTextOpens) {
  // The token's base64 is read as strictly as crypto::base64_decode reads it: any other text,
  // even one that decodes to the same bytes (set padding bits), is refused. Each of the three
  // padding cases, with every character of the alphabet and a few others at the last positions.
  crypto::SystemRandom random;
  Keyring k = keyring_with(7, 0x42);
  std::set<std::size_t> paddings;
  for (int extra = 0; extra < 3; ++extra) {
    Session s = sample();
    s.session_name += std::string(static_cast<std::size_t>(extra), 'x');
    const std::string token = seal_session(s, k, random);
    paddings.insert(token.size() - token.find_last_not_of('='));
    ASSERT_TRUE(open_session(token, k));
    const std::string others =
        "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/=-_ \n.";
    const std::size_t data_end = token.find_last_not_of('=') + 1;
    for (std::size_t at : {std::size_t{0}, std::size_t{13}, data_end - 2, data_end - 1, data_end,
                           token.size() - 1}) {
      if (at >= token.size()) continue;
      for (char c : others) {
        std::string variant = token;
        variant[at] = c;
        if (variant == token) continue;
        EXPECT_FALSE(open_session(variant, k)) << "position " << at << " '" << c << "'";
      }
    }
    EXPECT_FALSE(open_session(token + "====", k));
    EXPECT_FALSE(open_session(token.substr(0, token.size() - 4), k));
  }
  EXPECT_EQ(paddings.size(), 3u) << "not every padding case was covered";
}

TEST(Base64, RoundTripAndRejectsNonCanonical) {
  for (std::string s : std::vector<std::string>{"", "f", "fo", "foo", "foob", "fooba", "foobar"}) {
    EXPECT_EQ(crypto::base64_decode(crypto::base64_encode(s)), s);
  }
  EXPECT_EQ(crypto::base64_encode(std::string_view("foobar")), "Zm9vYmFy");
  EXPECT_FALSE(crypto::base64_decode("Zm9vYmF"));
  EXPECT_FALSE(crypto::base64_decode("Zm9=YmFy"));
  EXPECT_FALSE(crypto::base64_decode("Zh=="));  // non-zero padding bits
  EXPECT_FALSE(crypto::base64_decode("Zm9v\nYmFy"));
}

}  // namespace
}  // namespace iamd::auth
