#pragma once
// AWS JSON protocol (1.0 / 1.1), request side: the X-Amz-Target header names the service and the
// operation; the body is one JSON object -> api::ParamNode. Transport-free: the caller hands over
// the header value and the raw body.
//
// The tree has the shape the Query decoder builds (api/params.h), so handlers read both alike:
//   {"A": {"B": "x"}}          root["A"]["B"].value = "x"
//   {"Ids": ["a", "b"]}        root["Ids"]["member"]["1"].value = "a", ["2"] = "b"
//   {"Tags": [{"Key": "k"}]}   root["Tags"]["member"]["1"]["Key"].value = "k"
//   {"N": 5, "B": true}        values "5" and "true": numbers keep their JSON text as sent
//   {"X": null}                no child: AWS treats an explicit null as an absent member
//   {"L": []}                  root["L"] with no children (an empty list, as Input::list reads it)
//   an empty body              an empty tree (botocore always sends "{}"; curl users may not)
//
// Error codes (AWS answers every body it cannot read with SerializationException, HTTP 400; the
// limits and the duplicate-key rule are iamd's own choices):
//   - not JSON, not UTF-8, trailing data, a top-level value that is not an object, a duplicate key
//     in one object, a key longer than kMaxKeyBytes, nesting deeper than kMaxDepth
//       -> SerializationException;
//   - more than kMaxValues values -> RequestEntityTooLarge (413), the code the Query decoder and
//     the HTTP layer use for "this request is too big".
// Duplicate keys are rejected rather than resolved (first/last wins) so that the signature check,
// the audit log and the handler can never each see a different value for the same member.

#include <cstddef>
#include <string_view>

#include "api/operation.h"
#include "api/params.h"
#include "core/result.h"

namespace iamd::http::json {

/// At most this many nested objects and arrays (the top-level object is 1).
inline constexpr std::size_t kMaxDepth = 32;
/// At most this many values (objects, arrays and scalars, the top-level object included).
inline constexpr std::size_t kMaxValues = 10000;
/// At most this many bytes in an object key.
inline constexpr std::size_t kMaxKeyBytes = 512;

/// Whether `content_type` is application/x-amz-json-1.0 or -1.1 (case-insensitive; parameters
/// such as "; charset=utf-8" are ignored).
bool is_json_content_type(std::string_view content_type);

/// The operation an X-Amz-Target header names.
struct Target {
  const api::ServiceInfo* service = nullptr;  // never null in a successful result
  std::string_view action;                    // points into the header value
};

/// Splits "AWSOrganizationsV20161128.CreateAccount" at the last '.' and finds the JSON service
/// whose target prefix is the part before it. UnknownOperationException (no message, as AWS
/// sends none) when the header is empty, has no '.', has an empty operation name or names no
/// service served here. Whether the service has the operation is the registry's to say.
core::Result<Target> parse_target(std::string_view x_amz_target);

/// Decodes a request body; see the header comment for the tree and the errors.
core::Result<api::ParamNode> decode_body(std::string_view body);

}  // namespace iamd::http::json
