#include "auth/session_token.h"

#include <gtest/gtest.h>

#include <set>

#include "crypto/aead.h"
#include "crypto/base64.h"
#include "crypto/bytes.h"
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

// Every field of an opened session against what was sealed.
void expect_same_session(const Session& got, const Session& want) {
  EXPECT_EQ(got.kind, want.kind);
  EXPECT_EQ(got.access_key_id, want.access_key_id);
  EXPECT_EQ(got.secret_access_key.reveal(), want.secret_access_key.reveal());
  EXPECT_EQ(got.account, want.account);
  EXPECT_EQ(got.arn, want.arn);
  EXPECT_EQ(got.user_id, want.user_id);
  EXPECT_EQ(got.role_arn, want.role_arn);
  EXPECT_EQ(got.role_id, want.role_id);
  EXPECT_EQ(got.session_name, want.session_name);
  EXPECT_EQ(got.source_arn, want.source_arn);
  EXPECT_EQ(got.source_user_id, want.source_user_id);
  EXPECT_EQ(got.source_identity, want.source_identity);
  EXPECT_EQ(got.issued_at, want.issued_at);
  EXPECT_EQ(got.expires_at, want.expires_at);
  EXPECT_EQ(got.mfa_present, want.mfa_present);
  EXPECT_EQ(got.mfa_authenticated_at, want.mfa_authenticated_at);
  EXPECT_EQ(got.chained, want.chained);
  EXPECT_EQ(got.tags, want.tags);
  EXPECT_EQ(got.transitive_tag_keys, want.transitive_tag_keys);
  EXPECT_EQ(got.session_policy, want.session_policy);
  EXPECT_EQ(got.session_policy_arns, want.session_policy_arns);
}

TEST(SessionToken, RoundTripsEveryField) {
  crypto::SystemRandom random;
  Keyring k = keyring_with(7, 0x42);
  std::string token = seal_session(sample(), k, random);
  auto s = open_session(token, k);
  ASSERT_TRUE(s) << s.error().message;
  expect_same_session(**s, sample());
  // The secret never appears in the token text or its decoded bytes.
  EXPECT_EQ(token.find("wJalrXUtnFEMI"), std::string::npos);
  EXPECT_EQ(crypto::base64_decode(token)->find("wJalrXUtnFEMI"), std::string::npos);
}

// Each kind of session as STS issues it (ARN and user id following from the other fields, so
// left out of the token), and one whose ARN and user id do not follow (so carried in full).
TEST(SessionToken, RoundTripsDerivedAndExplicitIdentities) {
  crypto::SystemRandom random;
  Keyring k = keyring_with(7, 0x42);
  Session role = sample();
  role.role_arn = "arn:aws:iam::123456789012:role/team/a/demo";  // a path is not in the ARN
  Session federated = sample();
  federated.kind = Session::Kind::FederatedUser;
  federated.arn = "arn:aws:sts::123456789012:federated-user/Bob";
  federated.user_id = "123456789012:Bob";
  federated.session_name = "Bob";
  Session temporary = sample();
  temporary.kind = Session::Kind::SessionToken;
  temporary.arn = temporary.source_arn;
  temporary.user_id = temporary.source_user_id = "AIDAEXAMPLEUSERID1234";
  Session by_root = sample();
  by_root.source_arn = "arn:aws:iam::123456789012:root";
  Session odd = sample();
  odd.arn = "arn:aws:sts::123456789012:assumed-role/other/John";
  odd.user_id = "AROAOTHERROLEEXAMPLE:John";
  odd.source_arn = "arn:aws:iam::210987654321:user/from/elsewhere";  // another account's user
  Session lookalike = sample();
  lookalike.role_arn = "arn:aws:iam::1234567890123:role/demo";  // the account id is a prefix
  lookalike.arn = "arn:aws:sts::123456789012:assumed-role/demo/John";
  for (const Session* want : {&role, &federated, &temporary, &by_root, &odd, &lookalike}) {
    auto got = open_session(seal_session(*want, k, random), k);
    ASSERT_TRUE(got);
    expect_same_session(**got, *want);
  }
  const std::size_t derived = seal_session(role, k, random).size();
  const std::size_t explicit_ids = seal_session(odd, k, random).size();
  EXPECT_LT(derived + 80, explicit_ids);
}

// Tokens sealed before version 2 stay in clients' hands for up to 36 hours: a version 1 token,
// built here byte for byte as that version was written, still opens.
TEST(SessionToken, OpensVersionOneTokens) {
  const Session want = sample();
  std::string payload;
  auto u32 = [&](std::uint32_t v) {
    for (int s = 24; s >= 0; s -= 8) payload.push_back(static_cast<char>((v >> s) & 0xff));
  };
  auto i64 = [&](core::TimePoint t) {
    const auto ms = static_cast<std::uint64_t>(
        std::chrono::duration_cast<std::chrono::milliseconds>(t.time_since_epoch()).count());
    for (int s = 56; s >= 0; s -= 8) payload.push_back(static_cast<char>((ms >> s) & 0xff));
  };
  auto str = [&](std::string_view v) {
    u32(static_cast<std::uint32_t>(v.size()));
    payload.append(v);
  };
  payload.push_back(static_cast<char>(want.kind));
  for (std::string_view f : {std::string_view(want.access_key_id),
                             want.secret_access_key.reveal(), std::string_view(want.account),
                             std::string_view(want.arn), std::string_view(want.user_id),
                             std::string_view(want.role_arn), std::string_view(want.role_id),
                             std::string_view(want.session_name),
                             std::string_view(want.source_arn),
                             std::string_view(want.source_user_id),
                             std::string_view(want.source_identity)}) {
    str(f);
  }
  i64(want.issued_at);
  i64(want.expires_at);
  payload.push_back(want.mfa_present ? 1 : 0);
  i64(want.mfa_authenticated_at);
  payload.push_back(want.chained ? 1 : 0);
  u32(static_cast<std::uint32_t>(want.tags.size()));
  for (const auto& [key, value] : want.tags) {
    str(key);
    str(value);
  }
  u32(static_cast<std::uint32_t>(want.transitive_tag_keys.size()));
  for (const auto& key : want.transitive_tag_keys) str(key);
  str(want.session_policy);
  u32(static_cast<std::uint32_t>(want.session_policy_arns.size()));
  for (const auto& arn : want.session_policy_arns) str(arn);

  const std::string header("IAMD\x01\x00\x00\x00\x07", 9);
  Keyring k = keyring_with(7, 0x42);
  crypto::SystemRandom random;
  auto sealed = crypto::aes256_gcm_seal(crypto::Aes256GcmKey(*k.find(7)), crypto::as_bytes(payload),
                                        crypto::as_bytes(header), random);
  const std::string token = crypto::base64_encode(
      header + std::string(reinterpret_cast<const char*>(sealed.data()), sealed.size()));
  auto got = open_session(token, k);
  ASSERT_TRUE(got) << got.error().message;
  expect_same_session(**got, want);
  // Version 3 is nobody's: the same payload under that version byte is refused.
  std::string v3_header = header;
  v3_header[4] = 3;
  sealed = crypto::aes256_gcm_seal(crypto::Aes256GcmKey(*k.find(7)), crypto::as_bytes(payload),
                                   crypto::as_bytes(v3_header), random);
  EXPECT_FALSE(open_session(
      crypto::base64_encode(v3_header +
                            std::string(reinterpret_cast<const char*>(sealed.data()), sealed.size())),
      k));
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
  EXPECT_EQ((*again)->arn, sample().arn);
  EXPECT_EQ((*again)->secret_access_key.reveal(), sample().secret_access_key.reveal());
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
    s.source_identity += std::string(static_cast<std::size_t>(extra), 'x');
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
