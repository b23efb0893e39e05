#pragma once
// SigV4 stage 2: the string to sign (spec §5.1).
//
//   AWS4-HMAC-SHA256 \n RequestDateTime \n CredentialScope \n Hex(SHA256(CanonicalRequest))
//
// No trailing newline.

#include <string>
#include <string_view>

#include "auth/sigv4/request.h"

namespace iamd::auth::sigv4 {

/// "YYYYMMDD/region/service/terminator" from the parsed credential.
std::string credential_scope(const ParsedSignature& signature);

/// The string to sign for `canonical_request` under `signature`'s date and scope.
std::string string_to_sign(const ParsedSignature& signature, std::string_view canonical_request);

}  // namespace iamd::auth::sigv4
