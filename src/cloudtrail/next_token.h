#pragma once
// LookupEvents' NextToken: where the previous page ended, bound to the parameters of the call
// that returned it, so that a token used with other parameters (or by another account) is refused
// with InvalidNextTokenException, as CloudTrail does.
//
// Wire format (opaque to clients, but a stored format in their scripts' hands while they page:
// never change version 1 silently): base64url without padding of 24 bytes:
//   [0] version 1 | [1..7] the first 7 bytes of the parameters' fingerprint |
//   [8..15] the cursor's time_us | [16..23] its sequence (both big-endian two's complement)

#include <optional>
#include <string>
#include <string_view>

#include "audit/index.h"

namespace iamd::cloudtrail {

/// The parameters a token is bound to: the caller's account and every request member but
/// NextToken and MaxResults (the CLI's --page-size / --max-items may change the page size).
/// Times are the values given (absent is not "now": a later page's default EndTime moves).
struct TokenScope {
  std::string_view account;
  std::optional<audit::Attribute> attribute_key;
  std::string_view attribute_value;
  std::optional<std::int64_t> start_us;
  std::optional<std::int64_t> end_us;
  std::optional<std::string_view> event_category;
};

std::string encode_next_token(const TokenScope& scope, const audit::Cursor& cursor);
/// The cursor `token` carries, or nullopt when it is malformed, of another version, or bound to
/// other parameters.
std::optional<audit::Cursor> decode_next_token(const TokenScope& scope, std::string_view token);

}  // namespace iamd::cloudtrail
