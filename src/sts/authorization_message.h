#pragma once
// Encoded authorization messages (DecodeAuthorizationMessage, spec/sts-federation.md §2.8): an
// AccessDenied answer may carry details of the decision that only a caller allowed
// sts:DecodeAuthorizationMessage can read. Ours is the JSON of §2.8 sealed with the token keyring
// (AES-256-GCM), time-limited and opaque:
//   base64( "IAMDAM" | version (1) | key id (4, big-endian) | sealed( expiry ms (8) | JSON ) )
// with the first 11 bytes as associated data. The layout is persisted in clients' hands: bump the
// version to change it.

#include <string>
#include <string_view>

#include "auth/session_token.h"
#include "core/clock.h"
#include "core/random.h"
#include "core/result.h"

namespace iamd::sts {

/// Seals `decoded_json` (the §2.8 shape) until `expires`. The keyring must not be empty.
std::string encode_authorization_message(std::string_view decoded_json, core::TimePoint expires,
                                         const auth::Keyring& keyring, core::Random& random);

/// The JSON an encoded message carries. InvalidAuthorizationMessageException (400) when it is not
/// one of ours, was altered, its key was retired long ago, or it expired before `now`.
core::Result<std::string> decode_authorization_message(std::string_view encoded,
                                                       const auth::Keyring& keyring,
                                                       core::TimePoint now);

}  // namespace iamd::sts
