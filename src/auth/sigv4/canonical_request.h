#pragma once
// SigV4 stage 1: the canonical request (spec §5.2).
//
//   Method \n CanonicalURI \n CanonicalQueryString \n CanonicalHeaders \n SignedHeaders \n
//   HashedPayload
//
// Each component has its own function so that tests, the fuzzer and error reports can look at
// one stage at a time (the aws-c-auth layout).

#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "auth/sigv4/request.h"
#include "core/result.h"

namespace iamd::auth::sigv4 {

/// Whether the path is normalized before it is encoded. IAM, STS and every non-S3 service use
/// Rfc3986; None is S3's rule, kept for the test suite's "-unnormalized" cases.
enum class PathNormalization { Rfc3986, None };

/// Whether a presigned request's X-Amz-Security-Token query parameter is in the canonical query.
/// SDKs sign it (Signed); some add it after signing (Unsigned, test post-sts-header-after).
enum class QuerySecurityToken { Signed, Unsigned };

/// The choices a verifier may have to make about how the client canonicalized.
struct CanonicalForm {
  PathNormalization path = PathNormalization::Rfc3986;
  QuerySecurityToken query_token = QuerySecurityToken::Signed;
};

/// The raw (still percent-encoded) path, normalized as `normalization` says, then URI-encoded
/// with '/' kept. Encoding the wire form again is deliberate (spec §5.2): "%20" becomes "%2520".
/// An empty path is "/".
std::string canonical_uri(std::string_view raw_path, PathNormalization normalization);

/// The raw query decoded, re-encoded, sorted by name then value and joined as name=value with '&'.
/// Parameters whose decoded name is in `excluded` (exact match) are left out.
std::string canonical_query_string(std::string_view raw_query,
                                   std::span<const std::string_view> excluded = {});

/// `value` without leading and trailing whitespace and with each inner run of whitespace
/// (space, tab, CR, LF: folded lines included) turned into one space.
std::string trimall(std::string_view value);

/// One "name:value\n" line per signed header, in the order given (which must be sorted). Repeated
/// headers are joined with ',' in arrival order, each value trimall'ed. A signed header missing
/// from the request is SignatureDoesNotMatch.
core::Result<std::string> canonical_headers(const SignableRequest& request,
                                            const SignedHeaders& signed_headers);

/// The signed header names joined with ';'.
std::string signed_headers_line(const SignedHeaders& signed_headers);

/// Hex SHA-256 of the body. An X-Amz-Content-SHA256 header must equal it (any hex case) and is
/// then used verbatim, as botocore does; anything else, UNSIGNED-PAYLOAD included, is
/// SignatureDoesNotMatch, since IAM and STS always sign the real payload (spec §5.2 step 6).
core::Result<std::string> hashed_payload(const SignableRequest& request);

/// The whole canonical request for `request` as `signature` describes it. Fails with
/// SignatureDoesNotMatch when a signed header is absent or the payload hash header is wrong.
core::Result<std::string> canonical_request(const SignableRequest& request,
                                            const ParsedSignature& signature,
                                            CanonicalForm form = {});

/// canonical_request() appended to `out` (what `out` held is kept): the same bytes, built by the
/// same code, into a buffer the caller reuses. On failure `out` holds a partial request.
core::Status append_canonical_request(std::string& out, const SignableRequest& request,
                                      const ParsedSignature& signature, CanonicalForm form = {});

}  // namespace iamd::auth::sigv4
