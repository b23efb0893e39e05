#pragma once
// Console passwords: Argon2id hashing (libargon2) and the account password policy's rules.

#include <optional>
#include <string>
#include <string_view>

#include "core/random.h"
#include "core/result.h"

namespace iamd::auth {

/// An Argon2id hash in the PHC encoded form ($argon2id$v=19$m=...,t=...,p=...$salt$hash).
std::string hash_password(std::string_view password, core::Random& random);
/// Whether `password` matches `encoded`; false for any malformed hash.
bool verify_password(std::string_view password, std::string_view encoded);

/// The account password policy's rules, as IAM stores them.
struct PasswordRules {
  int minimum_length = 6;
  bool require_symbols = false;
  bool require_numbers = false;
  bool require_uppercase = false;
  bool require_lowercase = false;
};

/// Checks `password` against `rules` (or, when none are set, AWS's default policy: 8-128
/// characters with at least three of upper case, lower case, digits and symbols).
/// PasswordPolicyViolation when it fails; the message never contains the password.
core::Status check_password(std::string_view password, const std::optional<PasswordRules>& rules);

}  // namespace iamd::auth
