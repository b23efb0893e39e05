#pragma once
// What the server itself writes on the wire: response heads, its own AWS-style error bodies,
// request ids for responses the handler did not make, the Date header.

#include <string>
#include <string_view>

#include "http/server/server.h"

namespace iamd::http::detail {

/// The current time as an RFC 7231 IMF-fixdate, formatted at most once per second per thread.
std::string_view http_date_now();

/// A fresh UUID v4 (lower-case 8-4-4-4-12) into `out`. Request ids need to be unique, not
/// secret, so a per-thread PRNG seeded from std::random_device does.
void make_request_id(std::string& out);

/// An AWS Query-style error (<ErrorResponse><Error><Type>...) with a fresh request id.
/// `type` is "Sender" or "Receiver".
Response error_response(int status, std::string_view code, std::string_view type,
                        std::string_view message);

/// Whether a response with this status to this method carries a body.
bool has_body(int status, std::string_view method);

/// Writes the status line and headers (through the blank line) of `res` into `out`, replacing
/// its contents. `version` is the request's (10 or 11); `keep_alive` decides Connection.
void serialize_head(std::string& out, const Response& res, bool keep_alive,
                    int version);

/// The request-target without its query: what the access log may show (presigned URLs carry
/// credentials and signatures in the query).
inline std::string_view path_of(std::string_view target) {
  return target.substr(0, target.find('?'));
}

}  // namespace iamd::http::detail
