// Minting temporary credentials: an ASIA access key id, a secret, and the session sealed into its
// token with the keyring's active key (DESIGN.md principle 3: nothing is stored).
#include <array>
#include <charconv>

#include "core/time_format.h"
#include "crypto/bytes.h"
#include "sts/common.h"

namespace iamd::sts {
namespace {

constexpr std::string_view kBase32 = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";
constexpr std::string_view kBase64 =
    "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
constexpr std::uint64_t kMaxAccount = 999999999999ULL;

// 10 bytes -> 16 base32 characters.
std::string base32(const std::uint8_t* b) {
  std::string out;
  out.reserve(16);
  for (int half = 0; half < 2; ++half) {
    std::uint64_t v = 0;
    for (int i = 0; i < 5; ++i) v = v << 8 | b[half * 5 + i];
    for (int s = 35; s >= 0; s -= 5) out.push_back(kBase32[(v >> s) & 31]);
  }
  return out;
}

// The account-carrying half of a key id: 40 bits, scrambled with a fixed odd multiplier so that
// consecutive accounts do not share visible prefixes (not a secret: AWS's key ids carry the
// account too).
constexpr std::uint64_t kMask40 = (std::uint64_t{1} << 40) - 1;
constexpr std::uint64_t kMultiplier = 0x9E3779B97FULL & kMask40;  // odd
std::uint64_t inverse_multiplier() {
  // Newton's iteration for the inverse of an odd number modulo 2^40.
  std::uint64_t x = kMultiplier;
  for (int i = 0; i < 6; ++i) x = (x * (2 - kMultiplier * x)) & kMask40;
  return x;
}

}  // namespace

std::string make_session_access_key_id(core::Random& random, std::string_view account) {
  std::uint64_t acct = 0;
  std::from_chars(account.data(), account.data() + account.size(), acct);
  std::uint64_t scrambled = (acct * kMultiplier) & kMask40;
  std::array<std::uint8_t, 10> b{};
  for (int i = 0; i < 5; ++i) b[i] = static_cast<std::uint8_t>(scrambled >> (8 * (4 - i)));
  random.fill(std::span<std::uint8_t>(b.data() + 5, 5));
  std::string id = "ASIA";
  id += base32(b.data());
  return id;
}

std::optional<std::string> account_of_session_key(std::string_view id) {
  if (id.size() != 20 || !id.starts_with("ASIA")) return std::nullopt;
  std::uint64_t v = 0;
  for (size_t i = 4; i < 12; ++i) {
    size_t d = kBase32.find(id[i]);
    if (d == std::string_view::npos) return std::nullopt;
    v = v << 5 | d;
  }
  std::uint64_t acct = (v * inverse_multiplier()) & kMask40;
  if (acct > kMaxAccount) return std::nullopt;
  char buf[16];
  auto [end, ec] = std::to_chars(buf, buf + sizeof buf, acct);
  std::string digits(buf, end);
  return std::string(12 - std::min<size_t>(12, digits.size()), '0') + digits;
}

core::Result<std::string> mint(auth::Session& session, const auth::Keyring& keyring,
                               core::Random& random) {
  if (keyring.empty()) {
    return core::Error{core::ErrorCode::ServiceFailure, "the token keyring has no key"};
  }
  session.access_key_id = make_session_access_key_id(random, session.account);
  // A 40-character secret over the base64 alphabet, like AWS's: 30 random bytes.
  std::array<std::uint8_t, 30> r{};
  random.fill(r);
  std::string secret;
  secret.reserve(40);
  for (size_t i = 0; i < r.size(); i += 3) {
    std::uint32_t v = std::uint32_t{r[i]} << 16 | std::uint32_t{r[i + 1]} << 8 | r[i + 2];
    for (int s = 18; s >= 0; s -= 6) secret.push_back(kBase64[(v >> s) & 63]);
  }
  crypto::secure_wipe(r);
  session.secret_access_key = core::Secret(std::move(secret));
  return auth::seal_session(session, keyring, random);
}

void write_credentials(api::OutNode& result, const auth::Session& session,
                       const std::string& token) {
  auto& c = result.add_struct("Credentials");
  c.add_string("AccessKeyId", session.access_key_id);
  c.add_string("SecretAccessKey", std::string(session.secret_access_key.reveal()));
  c.add_string("SessionToken", token);
  c.add_timestamp("Expiration", core::format_iso8601(session.expires_at));
}

}  // namespace iamd::sts
