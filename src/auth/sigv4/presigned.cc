// The presigned (query-string) form, spec §5.4.

#include <array>
#include <cstdint>
#include <optional>

#include "auth/sigv4/components.h"
#include "auth/sigv4/errors.h"
#include "auth/sigv4/parse.h"
#include "auth/sigv4/query.h"
#include "core/time_format.h"

namespace iamd::auth::sigv4 {
namespace {

// The parameters in the order AWS lists them when some are missing.
enum Param {
  kAlgorithmParam,
  kCredential,
  kSignature,
  kDate,
  kSignedHeaders,
  kExpires,
  kToken,
  kCount
};
constexpr std::array<std::string_view, kCount> kNames = {
    "X-Amz-Algorithm",     "X-Amz-Credential", "X-Amz-Signature",     "X-Amz-Date",
    "X-Amz-SignedHeaders", "X-Amz-Expires",    "X-Amz-Security-Token"};

using Found = std::array<std::optional<std::string>, kCount>;

// A repeated X-Amz-* parameter is rejected: the signature may cover one copy while the
// handler or the audit log reads the other.
core::Result<Found> collect(std::string_view raw_query) {
  Found found;
  for (auto& param : decode_query(raw_query)) {
    for (std::size_t i = 0; i < kCount; ++i) {
      if (param.name != kNames[i]) continue;
      if (found[i]) {
        return incomplete_signature("Query-string parameter '" + std::string(kNames[i]) +
                                    "' appears more than once.");
      }
      if (param.value.size() > kMaxHeaderValueBytes) {
        return incomplete_signature("Query-string parameter '" + std::string(kNames[i]) +
                                    "' is longer than " + std::to_string(kMaxHeaderValueBytes) +
                                    " bytes.");
      }
      found[i] = std::move(param.value);
    }
  }
  return found;
}

core::Status check_all_present(const Found& found) {
  std::string message;
  for (std::size_t i = kCredential; i <= kExpires; ++i) {
    if (!found[i] || found[i]->empty()) {
      message += "AWS query-string parameters must include '" + std::string(kNames[i]) + "'. ";
    }
  }
  if (message.empty()) return {};
  return incomplete_signature(message + "Re-examine the query-string parameters.");
}

// Digits with an optional '-'; saturates rather than overflows, so an absurd value is still
// judged (and refused) by check_scope_and_time as out of range.
std::optional<std::int64_t> parse_expires(std::string_view s) {
  const bool negative = s.starts_with('-');
  if (negative) s.remove_prefix(1);
  if (s.empty() || s.size() > 32) return std::nullopt;
  std::int64_t value = 0;
  for (char c : s) {
    if (c < '0' || c > '9') return std::nullopt;
    value = value > (INT64_MAX - 9) / 10 ? INT64_MAX : value * 10 + (c - '0');
  }
  return negative ? -value : value;
}

core::Status fill_scope(ParsedSignature& out, const Found& found) {
  auto credential = split_credential(*found[kCredential]);
  if (!credential) {
    return incomplete_signature(
        "X-Amz-Credential is malformed; expecting "
        "\"<YOUR-AKID>/YYYYMMDD/REGION/SERVICE/aws4_request\".");
  }
  assign_credential(out, *credential);
  if (!split_signed_headers_into(*found[kSignedHeaders], out.signed_headers)) {
    return incomplete_signature("X-Amz-SignedHeaders is malformed; expecting at most " +
                                std::to_string(kMaxSignedHeaders) +
                                " distinct header names separated by ';'.");
  }
  auto signature = normalize_signature(*found[kSignature]);
  if (!signature) {
    return incomplete_signature(
        "X-Amz-Signature is malformed; expecting 64 hexadecimal characters.");
  }
  out.signature = std::move(*signature);
  return {};
}

core::Status fill_time(ParsedSignature& out, const Found& found) {
  auto time = core::parse_amz_date(*found[kDate]);
  if (!time) {
    return incomplete_signature(
        "X-Amz-Date must be in the ISO8601 Long Format "
        "\"yyyyMMdd'T'HHmmss'Z'\". Got '" +
        echo(*found[kDate]) + "'.");
  }
  out.amz_date = *found[kDate];
  out.request_time = *time;
  auto expires = parse_expires(*found[kExpires]);
  if (!expires) {
    return incomplete_signature("X-Amz-Expires should be a number. Got '" + echo(*found[kExpires]) +
                                "'.");
  }
  out.expires_seconds = *expires;
  return {};
}

// The query parameter is the presigned form's own; a header token (added after signing) is
// accepted too, as it is for the header form (spec §5.3).
core::Status fill_token(ParsedSignature& out, const SignableRequest& request, const Found& found) {
  if (found[kToken]) {
    out.session_token = *found[kToken];
    return {};
  }
  const std::size_t n = count_headers(request, "x-amz-security-token");
  if (n == 0) return {};
  const std::string_view token = trim(*find_header(request, "x-amz-security-token"));
  if (n > 1 || token.size() > kMaxHeaderValueBytes) {
    return incomplete_signature("X-Amz-Security-Token header is repeated or too long.");
  }
  out.session_token = std::string(token);
  return {};
}

}  // namespace

core::Result<ParsedSignature> parse_presigned_query(const SignableRequest& request,
                                                    std::string_view raw_query) {
  auto found = collect(raw_query);
  if (!found) return found.error();
  const std::string algorithm = found->at(kAlgorithmParam).value_or("");
  if (algorithm != kAlgorithm) {
    return incomplete_signature("Unsupported AWS 'algorithm': '" + echo(algorithm) + "'");
  }
  IAMD_TRY(check_all_present(*found));

  ParsedSignature out;
  out.presigned = true;
  IAMD_TRY(fill_scope(out, *found));
  IAMD_TRY(check_host_signed(out));
  IAMD_TRY(check_signed_header_sizes(request, out.signed_headers));
  IAMD_TRY(fill_time(out, *found));
  IAMD_TRY(fill_token(out, request, *found));
  return out;
}

}  // namespace iamd::auth::sigv4
