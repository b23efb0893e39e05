#pragma once
// SigV4 stage 2: the string to sign (spec §5.1).
//
//   AWS4-HMAC-SHA256 \n RequestDateTime \n CredentialScope \n Hex(SHA256(CanonicalRequest))
//
// No trailing newline.

#include <string>
#include <string_view>

#include "auth/sigv4/request.h"
#include "crypto/sha256.h"

namespace iamd::auth::sigv4 {

/// "YYYYMMDD/region/service/terminator" from the parsed credential.
std::string credential_scope(const ParsedSignature& signature);

/// The string to sign for `canonical_request` under `signature`'s date and scope.
std::string string_to_sign(const ParsedSignature& signature, std::string_view canonical_request);

/// The string to sign appended to `out`, from the canonical request's SHA-256 (which a verifier
/// computes without keeping the canonical request around).
void append_string_to_sign(std::string& out, const ParsedSignature& signature,
                           const crypto::Sha256Digest& canonical_request_hash);

}  // namespace iamd::auth::sigv4
