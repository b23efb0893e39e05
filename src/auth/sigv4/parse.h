#pragma once
// Finding and parsing SigV4 in a request (spec §5.3, §5.4, §5.5 steps 1-2). parse() in verify.h
// picks the form; these are the two forms on their own.

#include <string>
#include <string_view>

#include "auth/sigv4/request.h"
#include "core/result.h"

namespace iamd::auth::sigv4 {

/// Parses the Authorization-header form: `authorization` is that header's value, `request`
/// supplies X-Amz-Date or Date and X-Amz-Security-Token. IncompleteSignature on anything
/// missing, malformed or too long; the message lists every missing piece in AWS's words.
core::Result<ParsedSignature> parse_authorization_header(const SignableRequest& request,
                                                         std::string_view authorization);

/// Parses the presigned form from the raw query (X-Amz-Algorithm, -Credential, -Date, -Expires,
/// -SignedHeaders, -Signature, and -Security-Token or the X-Amz-Security-Token header).
/// IncompleteSignature on anything missing, malformed, repeated or too long.
core::Result<ParsedSignature> parse_presigned_query(const SignableRequest& request,
                                                    std::string_view raw_query);

/// The Authorization header value a client sends for `signature` (botocore's spelling:
/// "AWS4-HMAC-SHA256 Credential=..., SignedHeaders=..., Signature=...").
std::string format_authorization_header(const ParsedSignature& signature);

}  // namespace iamd::auth::sigv4
