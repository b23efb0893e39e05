#pragma once
// AWS Query protocol, request side: application/x-www-form-urlencoded text -> fields -> ParamNode.
// Transport-free: the caller hands over the raw query string (without '?') and/or the POST body.
//
// Error codes (the README compatibility table lists these; AWS documents no exact behaviour for
// them, so the choices favour one clear code per failure class):
//   - malformed %-escape, non-UTF-8 bytes, an empty or over-long name, a name nested deeper than
//     kMaxDepth, a duplicate parameter, a parameter that is both a value and a structure
//       -> MalformedQueryString (HTTP 404, AWS's "the query string contains a syntax error");
//   - more than kMaxFields fields -> RequestEntityTooLarge (413), the code the HTTP layer already
//     uses for an oversized body, so a client sees one code for "this request is too big".
// Duplicates are rejected rather than resolved (first/last wins) so that the signature check, the
// audit log and the handler can never each see a different value for the same name.

#include <cstddef>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "api/params.h"
#include "core/result.h"

namespace iamd::http::query {

/// One decoded name=value pair, in wire order.
using Field = std::pair<std::string, std::string>;
using Fields = std::vector<Field>;

/// At most this many fields per request (query string and body together).
inline constexpr std::size_t kMaxFields = 2000;
/// At most this many bytes in a decoded parameter name.
inline constexpr std::size_t kMaxNameBytes = 512;
/// At most this many '.'-separated segments in a name ("A.member.1.B" has 4).
inline constexpr std::size_t kMaxDepth = 16;

/// Splits on '&', then on the first '='. A field without '=' is a name with an empty value; empty
/// fields ("a=1&&b=2", a trailing '&') are skipped. '+' is a space and %XX is a byte. Names and
/// values must decode to valid UTF-8.
core::Result<Fields> decode_form(std::string_view text);

/// Builds the parameter tree: each '.'-separated segment of a name is a child, so
/// "Tags.member.1.Key=k" sets root["Tags"]["member"]["1"]["Key"].value = "k". Action and Version
/// stay in the tree like any other parameter. List indices are kept as given (the reader orders
/// them numerically).
core::Result<api::ParamNode> build_params(const Fields& fields);

/// A POST may carry parameters in both the query string and the body (AWS accepts both). The
/// result is query fields then body fields; a name present in both is later a duplicate.
core::Result<Fields> merge_fields(Fields query, Fields body);

/// decode_form on both parts, merge_fields, build_params.
core::Result<api::ParamNode> parse_params(std::string_view query_string, std::string_view body);

}  // namespace iamd::http::query
