#pragma once
// The errors SigV4 verification answers with, worded as AWS words them (spec §5.5).

#include <string>
#include <string_view>

#include "core/error.h"

namespace iamd::auth::sigv4 {

inline constexpr std::string_view kSignatureDoesNotMatchMessage =
    "The request signature we calculated does not match the signature you provided. Check your "
    "AWS Secret Access Key and signing method. Consult the service documentation for details.";
inline constexpr std::string_view kMissingAuthenticationTokenMessage =
    "Request is missing Authentication Token";

// The error builders are marked cold: GCC then moves every path that ends in one (the message
// concatenation included) out of the functions' hot code, which keeps the verifier's hot path
// in fewer instruction-cache lines. Verification that fails is the rare case.

/// SignatureDoesNotMatch (403) with AWS's generic message.
[[gnu::cold]] core::Error signature_does_not_match();
/// SignatureDoesNotMatch (403) with a specific message (scope and clock checks).
[[gnu::cold]] core::Error signature_does_not_match(std::string message);
/// IncompleteSignature (400): malformed or missing SigV4 data.
[[gnu::cold]] core::Error incomplete_signature(std::string message);

/// Untrusted text made fit for an error message: at most 512 bytes (then "..."), control
/// characters shown as '?'. Messages quote what the client sent, but must stay bounded and must
/// not let a client inject line breaks into logs.
[[gnu::cold]] std::string echo(std::string_view text);

}  // namespace iamd::auth::sigv4
