#pragma once
// AWS-style unique identifiers (spec/iam-policy-sigv4.md §2.0 "Unique ID prefixes").

#include <string>
#include <string_view>

#include "core/random.h"

namespace iamd::core {

namespace id_prefix {
inline constexpr std::string_view kUser = "AIDA";
inline constexpr std::string_view kRole = "AROA";
inline constexpr std::string_view kGroup = "AGPA";
inline constexpr std::string_view kManagedPolicy = "ANPA";
inline constexpr std::string_view kInstanceProfile = "AIPA";
inline constexpr std::string_view kAccessKey = "AKIA";
inline constexpr std::string_view kTemporaryAccessKey = "ASIA";
}  // namespace id_prefix

/// An entity id: prefix + 17 characters of [A-Z2-7] (21 in all, like AIDACKCEVSQ6C2EXAMPLE).
std::string make_entity_id(Random& random, std::string_view prefix);
/// An access key id: prefix + 16 characters of [A-Z2-7] (20 in all, like AKIAIOSFODNN7EXAMPLE).
std::string make_access_key_id(Random& random, std::string_view prefix);
/// A 40-character secret access key over the base64 alphabet, like AWS's.
std::string make_secret_access_key(Random& random);
/// A 12-digit account id that does not start with 0.
std::string make_account_id(Random& random);
/// A random UUID (version 4) in lower-case 8-4-4-4-12 form: request ids, event ids.
std::string make_uuid(Random& random);

}  // namespace iamd::core
