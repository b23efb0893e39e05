#include "auth/password.h"

#include <argon2.h>

#include <array>
#include <string_view>

namespace iamd::auth {
namespace {

// OWASP's recommended Argon2id floor (19 MiB, 2 passes, 1 lane): a sign-in costs ~20 ms.
constexpr uint32_t kTimeCost = 2;
constexpr uint32_t kMemoryKiB = 19 * 1024;
constexpr uint32_t kLanes = 1;
constexpr size_t kSaltLen = 16;
constexpr size_t kHashLen = 32;

// IAM's symbol set for password policies.
constexpr std::string_view kSymbols = "!@#$%^&*()_+-=[]{}|'";

}  // namespace

std::string hash_password(std::string_view password, core::Random& random) {
  std::array<std::uint8_t, kSaltLen> salt{};
  random.fill(salt);
  size_t encoded_len =
      argon2_encodedlen(kTimeCost, kMemoryKiB, kLanes, kSaltLen, kHashLen, Argon2_id);
  std::string encoded(encoded_len, '\0');
  int rc = argon2id_hash_encoded(kTimeCost, kMemoryKiB, kLanes, password.data(), password.size(),
                                 salt.data(), salt.size(), kHashLen, encoded.data(), encoded.size());
  if (rc != ARGON2_OK) return {};
  encoded.resize(encoded.find('\0') == std::string::npos ? encoded.size() : encoded.find('\0'));
  return encoded;
}

bool verify_password(std::string_view password, std::string_view encoded) {
  if (encoded.empty() || encoded.size() > 512) return false;
  std::string z(encoded);  // argon2 wants a NUL-terminated string
  return argon2id_verify(z.c_str(), password.data(), password.size()) == ARGON2_OK;
}

core::Status check_password(std::string_view password, const std::optional<PasswordRules>& rules) {
  bool upper = false, lower = false, digit = false, symbol = false;
  for (char c : password) {
    if (c >= 'A' && c <= 'Z') upper = true;
    else if (c >= 'a' && c <= 'z') lower = true;
    else if (c >= '0' && c <= '9') digit = true;
    else if (kSymbols.find(c) != std::string_view::npos) symbol = true;
  }
  auto fail = [](std::string msg) {
    return core::Error{core::ErrorCode::PasswordPolicyViolation, std::move(msg)};
  };
  if (!rules) {
    int classes = upper + lower + digit + symbol;
    if (password.size() < 8 || password.size() > 128 || classes < 3) {
      return fail("Password does not conform to the account password policy.");
    }
    return {};
  }
  std::string missing;
  if (static_cast<int>(password.size()) < rules->minimum_length) {
    missing += " Password should have a minimum length of " +
               std::to_string(rules->minimum_length);
  }
  if (rules->require_uppercase && !upper) missing += " Password should have at least one uppercase letter";
  if (rules->require_lowercase && !lower) missing += " Password should have at least one lowercase letter";
  if (rules->require_numbers && !digit) missing += " Password should have at least one number";
  if (rules->require_symbols && !symbol) {
    missing += " Password should have at least one symbol";
  }
  if (!missing.empty()) {
    return fail("Password does not conform to the account password policy." + missing);
  }
  return {};
}

}  // namespace iamd::auth
