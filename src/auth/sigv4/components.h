#pragma once
// The pieces that the Authorization header and the presigned query have in common: Credential,
// SignedHeaders, Signature and the request time. Shared by parse.cc and presigned.cc, which word
// the errors for their own form.

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "auth/sigv4/request.h"
#include "core/result.h"

namespace iamd::auth::sigv4 {

/// "AKID/YYYYMMDD/region/service/aws4_request", split but not judged: the scope's values are
/// checked by check_scope_and_time, which answers SignatureDoesNotMatch as AWS does.
struct Credential {
  std::string_view access_key_id;
  std::string_view date;
  std::string_view region;
  std::string_view service;
  std::string_view terminator;
};

/// Five non-empty '/'-separated parts of printable ASCII, each at most kMaxCredentialPartBytes;
/// nullopt otherwise.
std::optional<Credential> split_credential(std::string_view value);

/// Header names separated by ';', lower-cased, sorted. nullopt when a name is empty or not an
/// HTTP token, a name repeats, or there are more than kMaxSignedHeaders.
std::optional<std::vector<std::string>> split_signed_headers(std::string_view value);

/// split_signed_headers() into `out` (replacing its contents, reusing its capacity), false where
/// that gives nullopt (`out` then holds some other list).
bool split_signed_headers_into(std::string_view value, SignedHeaders& out);

/// 64 hex digits, returned lower-case; nullopt otherwise.
std::optional<std::string> normalize_signature(std::string_view value);

/// normalize_signature() into `out`, false where that gives nullopt.
bool normalize_signature_into(std::string_view value, std::string& out);

/// Copies the credential's parts into `out`.
void assign_credential(ParsedSignature& out, const Credential& credential);


/// IncompleteSignature unless "host" is among the signed headers (spec §5.5 step 8).
core::Status check_host_signed(const ParsedSignature& signature);

/// At most this many bytes of signed header values in one request.
inline constexpr std::size_t kMaxSignedHeaderBytes = 64 * 1024;

/// IncompleteSignature unless every header named in `signed_headers` is at most
/// kMaxHeaderValueBytes and all of them together at most kMaxSignedHeaderBytes.
core::Status check_signed_header_sizes(const SignableRequest& request,
                                       const SignedHeaders& signed_headers);

/// `s` without leading and trailing spaces and tabs.
std::string_view trim(std::string_view s);

}  // namespace iamd::auth::sigv4
