#pragma once
// AWS JSON protocol (1.0 / 1.1), response side: api::Output / core::Error -> the JSON body.
//
// Bodies are compact JSON objects. Kinds come from api::OutNode:
//   Struct -> object (members in model order)      List -> array (the items' names are ignored)
//   Map -> object {key: value} from its entries    String -> string
//   Integer -> number                              Boolean -> true / false
//   Timestamp -> epoch seconds as a number (1700000000, or 1700000000.123 with milliseconds), as
//                AWS JSON services send them and botocore parses them
// Strings are escaped per RFC 8259; bytes that are not UTF-8 become U+FFFD, so the body is always
// valid JSON whatever a stored name holds.
//
// The HTTP side (the endpoint's, not this codec's): status 200 or http_status(code), Content-Type
// application/x-amz-json-1.1 (or -1.0 as the service's json_version says) and x-amzn-RequestId.

#include <span>
#include <string>
#include <string_view>

#include "api/params.h"
#include "core/error.h"

namespace iamd::http::json {

/// The Content-Type of a response of a service whose json_version is `json_version` ("1.1").
std::string content_type(std::string_view json_version);

/// The body of a successful call: the result's members as one object; "{}" when the operation
/// has no result.
std::string encode_response(const api::Output& out);

/// An extra top-level member of an error body, e.g. Organizations' {"Reason": "INVALID_PATTERN"}.
struct ErrorField {
  std::string_view name;
  std::string_view value;
};

/// {"__type":"CODE","Message":"MSG", extra...}. The type is the error table's wire code; an empty
/// message is left out (AWS sends none for UnknownOperationException). "Message" is capitalised
/// as the Organizations model names the member; botocore and the AWS SDKs read either case.
std::string encode_error(const core::Error& e, std::span<const ErrorField> extra = {});

/// The error a JSON-protocol client expects for one raised in Query terms by shared code (SigV4,
/// the authz view): InvalidClientTokenId -> UnrecognizedClientException, SignatureDoesNotMatch
/// and RequestExpired -> InvalidSignatureException, IncompleteSignature ->
/// IncompleteSignatureException, MissingAuthenticationToken ->
/// MissingAuthenticationTokenException, ExpiredToken -> ExpiredTokenException, AccessDenied ->
/// AccessDeniedException, ValidationError -> ValidationException, Throttling ->
/// ThrottlingException, MalformedQueryString -> SerializationException. Messages are kept; other
/// codes pass through unchanged.
core::Error to_json_error(core::Error e);

/// Appends `text` as a JSON string literal (quotes included).
void append_json_string(std::string& out, std::string_view text);

}  // namespace iamd::http::json
