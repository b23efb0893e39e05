#pragma once
// SigV4 verification (spec §5.5), transport-free. A verifier calls, in order:
//
//   auto parsed = sigv4::parse(request);                         // what did the client send?
//   sigv4::check_scope_and_time(*parsed, "sts", clock.now());    // is it for us, and current?
//   ... look up parsed->access_key_id (and session_token) to find the secret ...
//   sigv4::verify(request, *parsed, secret, keys);                // is the signature right?
//
// `keys` is the SigningKeySlots kept with the credential (authz::Credential::signing_keys), or a
// SigningKeyCache shared by many secrets.
//
// Each step's errors are AWS's codes and messages, ready to send.

#include <optional>
#include <string>
#include <string_view>

#include "auth/sigv4/canonical_request.h"
#include "auth/sigv4/key_slots.h"
#include "auth/sigv4/parse.h"
#include "auth/sigv4/request.h"
#include "auth/sigv4/signing_key.h"
#include "auth/sigv4/string_to_sign.h"
#include "core/clock.h"
#include "core/result.h"

namespace iamd::auth::sigv4 {

/// Finds SigV4 in `request`: the Authorization header, or X-Amz-Algorithm in the query.
///  - neither: MissingAuthenticationToken (403) "Request is missing Authentication Token";
///  - both, or anything missing, malformed, repeated or over a limit, an algorithm other than
///    AWS4-HMAC-SHA256, no X-Amz-Date/Date, host not signed: IncompleteSignature (400).
core::Result<ParsedSignature> parse(const SignableRequest& request);

/// parse() into `out`, reusing the capacity of its strings: a verifier that keeps one
/// ParsedSignature per thread parses without allocating. `out` also remembers the Authorization
/// header it was parsed from, and a next header that differs from it only in the signature is
/// read in part (ParsedSignature::parsed_authorization): a caller that changes `out` by hand
/// between two parses clears that first. On failure `out` is unspecified.
core::Status parse(const SignableRequest& request, ParsedSignature& out);

/// Checks the credential scope and the clock (spec §5.5 steps 3-5). `expected_service` is "iam"
/// or "sts"; empty skips that check. Any syntactically valid region is accepted.
///  - scope or clock skew beyond kAllowedClockSkew: SignatureDoesNotMatch (403), AWS's texts;
///  - presigned X-Amz-Expires outside [1, 604800], or now past X-Amz-Date + X-Amz-Expires:
///    RequestExpired (400). A presigned request is not subject to the 15-minute past-skew rule
///    (its expiry replaces it), only to the future one.
core::Status check_scope_and_time(const ParsedSignature& signature,
                                  std::string_view expected_service, core::TimePoint now);

/// Recomputes the signature with `secret_access_key` and compares in constant time.
/// SignatureDoesNotMatch (403) on a mismatch, a signed header absent from the request, or an
/// X-Amz-Content-SHA256 that is not the body's hash. A presigned request whose
/// X-Amz-Security-Token was added after signing is accepted, as the token is for headers.
core::Status verify(const SignableRequest& request, const ParsedSignature& signature,
                    std::string_view secret_access_key, SigningKeyCache& cache,
                    PathNormalization path = PathNormalization::Rfc3986);

/// The same, with the signing key from `keys`, the cache that belongs to this secret's
/// credential (derived and stored there on a miss). No lock and no hash of the secret: this is
/// the verifier's fast path. `keys` must only ever be used with this one secret.
core::Status verify(const SignableRequest& request, const ParsedSignature& signature,
                    std::string_view secret_access_key, SigningKeySlots& keys,
                    PathNormalization path = PathNormalization::Rfc3986);

/// The same with the signing key given (kSigning for `signature`'s scope).
core::Status verify(const SignableRequest& request, const ParsedSignature& signature,
                    const SigningKey& key, PathNormalization path = PathNormalization::Rfc3986);

/// The hex signature of `request` under `key` (kSigning for `signature`'s scope): the work
/// verify() does, exposed for signing tests, benchmarks and clients of our own.
core::Result<std::string> calculate_signature(const SignableRequest& request,
                                              const ParsedSignature& signature,
                                              const SigningKey& key, CanonicalForm form = {});

}  // namespace iamd::auth::sigv4
