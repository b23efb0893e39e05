#pragma once
// The transport-free view of a request that SigV4 works on, and what parse() finds in it.
// Nothing here knows Beast: http/ builds a SignableRequest from whatever it parsed.

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "auth/sigv4/swar.h"
#include "core/clock.h"

namespace iamd::auth::sigv4 {

inline constexpr std::string_view kAlgorithm = "AWS4-HMAC-SHA256";
inline constexpr std::string_view kTerminator = "aws4_request";

// Limits on untrusted input. Real clients stay far below them; they exist so that a hostile
// request costs bounded time and memory, and each breach is answered with IncompleteSignature.
inline constexpr std::size_t kMaxHeaderValueBytes = 8 * 1024;
inline constexpr std::size_t kMaxSignedHeaders = 64;
inline constexpr std::size_t kMaxCredentialPartBytes = 128;

/// Clock skew tolerated either way between the client's clock and ours (spec §5.5 step 4).
inline constexpr std::chrono::minutes kAllowedClockSkew{15};
/// X-Amz-Expires must lie in [1, 7 days] (spec §5.4).
inline constexpr std::int64_t kMinPresignedExpiresSeconds = 1;
inline constexpr std::int64_t kMaxPresignedExpiresSeconds = 604800;

/// A request as received. Views only: the caller keeps the storage alive while SigV4 runs.
struct SignableRequest {
  std::string_view method;
  /// The raw request target, "path?query", still percent-encoded as it came off the wire.
  std::string_view target;
  /// In arrival order; names in any case; a repeated header appears once per occurrence.
  std::vector<std::pair<std::string_view, std::string_view>> headers;
  std::string_view body;
};

/// The SigV4 data of one request, from the Authorization header or the presigned query.
struct ParsedSignature {
  std::string access_key_id;
  std::string date;  ///< credential scope date, YYYYMMDD
  std::string region;
  std::string service;
  std::string terminator;
  /// Lower-case, sorted, without duplicates; always contains "host".
  std::vector<std::string> signed_headers;
  std::string signature;  ///< 64 lower-case hex characters
  /// RequestDateTime as it enters the string to sign (YYYYMMDD'T'HHMMSS'Z'), also when the client
  /// sent only an RFC 1123 Date header.
  std::string amz_date;
  core::TimePoint request_time;
  /// X-Amz-Security-Token, whether or not it was signed (spec §5.3).
  std::optional<std::string> session_token;
  bool presigned = false;
  /// X-Amz-Expires, presigned requests only; saturated, so huge values stay huge.
  std::optional<std::int64_t> expires_seconds;
};

/// Whether header name `name` (any case) is `lower` (already lower-case). Inline because it runs
/// for every header, against every name SigV4 looks for, on every request; eight bytes at a time
/// (the last word overlapping the one before) once names are that long.
inline bool is_header_named(std::string_view name, std::string_view lower) {
  const std::size_t n = name.size();
  if (n != lower.size()) return false;
  if (n >= 8) {
    const char* a = name.data();
    const char* b = lower.data();
    for (std::size_t i = 0; i + 8 < n; i += 8) {
      if (swar::to_lower(swar::load(a + i)) != swar::load(b + i)) return false;
    }
    return swar::to_lower(swar::load(a + n - 8)) == swar::load(b + n - 8);
  }
  for (std::size_t i = 0; i < n; ++i) {
    char c = name[i];
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
    if (c != lower[i]) return false;
  }
  return true;
}

/// The value of the first header named `lower_name` (given in lower case), if any.
std::optional<std::string_view> find_header(const SignableRequest& request,
                                            std::string_view lower_name);

/// How many headers are named `lower_name` (given in lower case).
std::size_t count_headers(const SignableRequest& request, std::string_view lower_name);

}  // namespace iamd::auth::sigv4
