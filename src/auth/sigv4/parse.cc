// The Authorization-header form, and parse(), which chooses between the forms.

#include "auth/sigv4/parse.h"

#include <cstring>
#include <optional>

#include "auth/sigv4/components.h"
#include "auth/sigv4/errors.h"
#include "auth/sigv4/query.h"
#include "auth/sigv4/string_to_sign.h"
#include "auth/sigv4/text.h"
#include "auth/sigv4/verify.h"
#include "core/time_format.h"

namespace iamd::auth::sigv4 {
namespace {

// The three components, found but not yet validated. Empty values count as missing.
struct Components {
  std::optional<std::string_view> credential;
  std::optional<std::string_view> signed_headers;
  std::optional<std::string_view> signature;
};

// `s` == `literal`, with a memcmp of constant size that the compiler inlines.
template <std::size_t N>
bool is(std::string_view s, const char (&literal)[N]) {
  return s.size() == N - 1 && std::memcmp(s.data(), literal, N - 1) == 0;
}

// --- the errors, in AWS's words ------------------------------------------------------------
// Each is built out of line and marked cold, so that the parser's hot path holds only the calls
// (text.h says why its size matters).

std::string with_header(std::string message, std::string_view authorization) {
  return message + " Authorization=" + echo(authorization);
}

[[gnu::cold, gnu::noinline]] core::Error missing_equal_sign(std::string_view component,
                                                            std::string_view authorization) {
  // Built by appending: GCC 12 warns falsely (-Wrestrict) on "literal" + std::string&&.
  std::string message = "'";
  message += echo(component);
  message += "' not a valid key=value pair (missing equal-sign) in Authorization header: '";
  message += echo(authorization);
  message += "'.";
  return incomplete_signature(std::move(message));
}

[[gnu::cold, gnu::noinline]] core::Error repeated_component(std::string_view key,
                                                            std::string_view authorization) {
  return incomplete_signature(
      with_header("Authorization header has more than one '" + std::string(key) + "' parameter.",
                  authorization));
}

[[gnu::cold, gnu::noinline]] core::Error repeated_amz_date() {
  return incomplete_signature("Request has more than one X-Amz-Date header.");
}

[[gnu::cold, gnu::noinline]] core::Error malformed_amz_date(std::string_view value) {
  return incomplete_signature("Date must be in ISO-8601 'basic format'. Got '" + echo(value) +
                              "'. See http://en.wikipedia.org/wiki/ISO_8601");
}

[[gnu::cold, gnu::noinline]] core::Error malformed_date(std::string_view value) {
  return incomplete_signature(
      "Date header must be an RFC 1123 date such as 'Sun, 30 Aug 2015 "
      "12:36:00 GMT'. Got '" +
      echo(value) + "'.");
}

// The AWS message for missing pieces names each one, then echoes the header.
[[gnu::cold, gnu::noinline]] core::Error missing_pieces(const Components& c, bool has_date,
                                                        std::string_view authorization) {
  std::string message;
  if (!c.credential) message += "Authorization header requires 'Credential' parameter. ";
  if (!c.signature) message += "Authorization header requires 'Signature' parameter. ";
  if (!c.signed_headers) message += "Authorization header requires 'SignedHeaders' parameter. ";
  if (!has_date) {
    message +=
        "Authorization header requires existence of either a 'X-Amz-Date' or a 'Date' "
        "header. ";
  }
  return incomplete_signature(message + "Authorization=" + echo(authorization));
}

[[gnu::cold, gnu::noinline]] core::Error repeated_token() {
  return incomplete_signature("Request has more than one X-Amz-Security-Token header.");
}

[[gnu::cold, gnu::noinline]] core::Error long_token() {
  return incomplete_signature("X-Amz-Security-Token is longer than " +
                              std::to_string(kMaxHeaderValueBytes) + " bytes.");
}

[[gnu::cold, gnu::noinline]] core::Error long_authorization() {
  return incomplete_signature("Authorization header is longer than " +
                              std::to_string(kMaxHeaderValueBytes) + " bytes.");
}

[[gnu::cold, gnu::noinline]] core::Error unsupported_algorithm(std::string_view algorithm) {
  return incomplete_signature("Unsupported AWS 'algorithm': '" + echo(algorithm) + "'");
}

[[gnu::cold, gnu::noinline]] core::Error malformed_credential(std::string_view authorization) {
  return incomplete_signature(
      with_header("Authorization header is malformed; the Credential is mal-formed; expecting "
                  "\"<YOUR-AKID>/YYYYMMDD/REGION/SERVICE/aws4_request\".",
                  authorization));
}

[[gnu::cold, gnu::noinline]] core::Error malformed_signed_headers(std::string_view authorization) {
  return incomplete_signature(with_header(
      "Authorization header has a malformed 'SignedHeaders' parameter; expecting at most " +
          std::to_string(kMaxSignedHeaders) + " distinct header names separated by ';'.",
      authorization));
}

[[gnu::cold, gnu::noinline]] core::Error malformed_signature(std::string_view authorization) {
  return incomplete_signature(with_header(
      "Authorization header has a malformed 'Signature' parameter; expecting 64 hexadecimal "
      "characters.",
      authorization));
}

[[gnu::cold, gnu::noinline]] core::Error two_mechanisms() {
  return incomplete_signature(
      "Only one auth mechanism allowed; only the X-Amz-Algorithm query "
      "parameter or the Authorization header should be specified.");
}

[[gnu::cold, gnu::noinline]] core::Error repeated_authorization() {
  return incomplete_signature("Request has more than one Authorization header.");
}

[[gnu::cold, gnu::noinline]] core::Error missing_authentication_token() {
  return core::Error{core::ErrorCode::MissingAuthenticationToken,
                     std::string(kMissingAuthenticationTokenMessage)};
}

// --- the header form -----------------------------------------------------------------------

// Components are separated by ',' with optional whitespace (botocore sends ", "). Unknown
// components are ignored; a repeated one is an error, since which copy counts is ambiguous.
core::Status split_components(std::string_view rest, std::string_view authorization,
                              Components& out) {
  while (!rest.empty()) {
    const std::size_t comma = rest.find(',');
    const std::string_view component = trim(rest.substr(0, comma));
    rest = comma == std::string_view::npos ? std::string_view() : rest.substr(comma + 1);
    if (component.empty()) continue;
    const std::size_t eq = component.find('=');
    if (eq == std::string_view::npos) [[unlikely]] {
      return missing_equal_sign(component, authorization);
    }
    const std::string_view key = component.substr(0, eq);
    const std::string_view value = component.substr(eq + 1);
    std::optional<std::string_view>* slot = is(key, "Credential")      ? &out.credential
                                            : is(key, "SignedHeaders") ? &out.signed_headers
                                            : is(key, "Signature")     ? &out.signature
                                                                       : nullptr;
    if (slot == nullptr) continue;
    if (slot->has_value()) [[unlikely]] {
      return repeated_component(key, authorization);
    }
    if (!value.empty()) *slot = value;
  }
  return {};
}

// The headers SigV4 reads, found in one pass over the request rather than one per question.
struct SigV4Headers {
  std::size_t authorizations = 0;
  std::optional<std::string_view> authorization;  // the first
  std::size_t amz_dates = 0;
  std::optional<std::string_view> amz_date;
  std::optional<std::string_view> date;
  std::size_t tokens = 0;
  std::optional<std::string_view> token;
};

SigV4Headers scan_headers(const SignableRequest& request) {
  SigV4Headers h;
  auto note = [](std::optional<std::string_view>& first, std::size_t* count,
                 std::string_view value) {
    if (!first) first = value;
    if (count != nullptr) ++*count;
  };
  for (const auto& [name, value] : request.headers) {
    switch (name.size()) {  // the length rules out all but one candidate
      case 4:
        if (is_header_named(name, "date")) note(h.date, nullptr, value);
        break;
      case 10:
        if (is_header_named(name, "x-amz-date")) note(h.amz_date, &h.amz_dates, value);
        break;
      case 13:
        if (is_header_named(name, "authorization")) {
          note(h.authorization, &h.authorizations, value);
        }
        break;
      case 20:
        if (is_header_named(name, "x-amz-security-token")) note(h.token, &h.tokens, value);
        break;
      default:
        break;
    }
  }
  return h;
}

// With only a Date header, botocore still puts the ISO form into the string to sign, so that is
// what amz_date holds. Rare (SDKs send X-Amz-Date), so out of line.
[[gnu::noinline]] core::Status time_from_date_header(std::string_view date, ParsedSignature& out) {
  const std::string_view value = trim(date);
  auto time = core::parse_http_date(value);
  if (!time) time = core::parse_amz_date(value);
  if (!time) return malformed_date(value);
  out.amz_date = core::format_amz_date(*time);
  out.request_time = *time;
  return {};
}

// X-Amz-Date wins over Date (spec §5.1). `found` is false when neither is there. `remembered`:
// `out` holds what its last parse, a successful one, found (ParsedSignature::parsed_authorization),
// so an X-Amz-Date equal to out.amz_date is the time out.request_time already holds. Under load
// most requests on a thread carry the same second as the one before.
core::Status find_request_time(const SigV4Headers& headers, ParsedSignature& out, bool remembered,
                               bool& found) {
  found = false;
  if (headers.amz_dates > 1) [[unlikely]] {
    return repeated_amz_date();
  }
  if (headers.amz_date) {
    const std::string_view value = trim(*headers.amz_date);
    found = true;
    if (remembered && value == out.amz_date) return {};
    auto time = core::parse_amz_date(value);
    if (!time) [[unlikely]] {
      return malformed_amz_date(value);
    }
    assign_text(out.amz_date, value);
    out.request_time = *time;
    return {};
  }
  if (!headers.date) return {};
  found = true;
  return time_from_date_header(*headers.date, out);
}

core::Status find_header_token(const SigV4Headers& headers, ParsedSignature& out) {
  if (headers.tokens == 0) {
    out.session_token.reset();
    return {};
  }
  if (headers.tokens > 1) [[unlikely]] {
    return repeated_token();
  }
  const std::string_view token = trim(*headers.token);
  if (token.size() > kMaxHeaderValueBytes) [[unlikely]] {
    return long_token();
  }
  if (!out.session_token) out.session_token.emplace();
  assign_text(*out.session_token, token);
  return {};
}

// Whether `authorization` is `remembered` (ParsedSignature::parsed_authorization) but for the
// last 64 bytes, where the remembered one has its signature.
bool is_same_but_signature(std::string_view remembered, std::string_view authorization) {
  return !remembered.empty() && remembered.size() == authorization.size() &&
         std::memcmp(remembered.data(), authorization.data(), remembered.size() - 64) == 0;
}

// parse_authorization_into() for a header that is the one `out` was parsed from but for the
// signature: the credential and signed headers in `out` are still right. What may have changed
// is read again (signature, time, token, header sizes). nullopt when the signature is not 64 hex
// digits or there is no time, for the full parse to find and word the error.
std::optional<core::Status> reparse_signature(ParsedSignature& out, const SigV4Headers& headers,
                                              const SignableRequest& request,
                                              std::string_view authorization) {
  if (!normalize_signature_into(authorization.substr(authorization.size() - 64), out.signature)) {
    return std::nullopt;
  }
  bool has_time = false;
  if (core::Status time = find_request_time(headers, out, /*remembered=*/true, has_time); !time)
      [[unlikely]] {
    return time;
  }
  if (!has_time) return std::nullopt;
  if (core::Status sizes = check_signed_header_sizes(request, out.signed_headers); !sizes)
      [[unlikely]] {
    return sizes;
  }
  return find_header_token(headers, out);
}

// The header form into `out`, which the caller made in place so that the result is never
// copied or moved field by field.
core::Status parse_authorization_into(ParsedSignature& out, const SigV4Headers& headers,
                                      const SignableRequest& request,
                                      std::string_view authorization) {
  if (authorization.size() > kMaxHeaderValueBytes) [[unlikely]] {
    return long_authorization();
  }
  const bool remembered = !out.parsed_authorization.empty();
  const bool same_but_signature = is_same_but_signature(out.parsed_authorization, authorization);
  out.parsed_authorization.clear();  // until this parse succeeds
  if (same_but_signature) {
    if (std::optional<core::Status> done = reparse_signature(out, headers, request, authorization))
        [[likely]] {
      if (*done) assign_text(out.parsed_authorization, authorization);
      return std::move(*done);
    }
  }
  const std::string_view value = trim(authorization);
  const std::size_t space = value.find(' ');
  const std::string_view algorithm = value.substr(0, space);
  const bool ours = algorithm == kAlgorithm;
  if (!ours && algorithm.starts_with("AWS4-")) [[unlikely]] {
    return unsupported_algorithm(algorithm);
  }
  // A foreign scheme (Basic, Bearer, SigV2's "AWS") has none of our components; AWS answers
  // with the full list of what is missing, and so do we.
  Components c;
  if (ours && space != std::string_view::npos) {
    if (core::Status split = split_components(value.substr(space + 1), authorization, c); !split)
        [[unlikely]] {
      return split;
    }
  }
  bool has_time = false;
  if (core::Status time = find_request_time(headers, out, remembered, has_time); !time)
      [[unlikely]] {
    return time;
  }
  if (!c.credential || !c.signed_headers || !c.signature || !has_time) [[unlikely]] {
    return missing_pieces(c, has_time, authorization);
  }
  out.presigned = false;
  out.expires_seconds.reset();

  const auto credential = split_credential(*c.credential);
  if (!credential) [[unlikely]] {
    return malformed_credential(authorization);
  }
  assign_credential(out, *credential);
  // Clients sign the same headers request after request, and a list that is its own canonical
  // line was valid when it was parsed.
  const bool same_signed_headers = remembered && *c.signed_headers == out.signed_headers.line();
  if (!same_signed_headers && !split_signed_headers_into(*c.signed_headers, out.signed_headers))
      [[unlikely]] {
    return malformed_signed_headers(authorization);
  }
  if (!normalize_signature_into(*c.signature, out.signature)) [[unlikely]] {
    return malformed_signature(authorization);
  }
  if (core::Status host = check_host_signed(out); !host) [[unlikely]] {
    return host;
  }
  if (core::Status sizes = check_signed_header_sizes(request, out.signed_headers); !sizes)
      [[unlikely]] {
    return sizes;
  }
  IAMD_TRY(find_header_token(headers, out));
  // Only a signature that ends the header is remembered with it, so that a header that differs
  // from it in the last 64 bytes, all hex digits, has every other component the same.
  if (c.signature->data() + c.signature->size() == authorization.data() + authorization.size() &&
      c.signature->size() == 64) {
    assign_text(out.parsed_authorization, authorization);
  }
  return {};
}

// The presigned form into `out` (it builds a ParsedSignature of its own). Out of line: the
// header form is the hot one.
[[gnu::noinline]] core::Status parse_presigned_into(const SignableRequest& request,
                                                    std::string_view raw_query,
                                                    ParsedSignature& out) {
  auto parsed = parse_presigned_query(request, raw_query);
  if (!parsed) return parsed.error();
  out = std::move(*parsed);
  return {};
}

core::Result<ParsedSignature> parse_authorization(const SigV4Headers& headers,
                                                  const SignableRequest& request,
                                                  std::string_view authorization) {
  core::Result<ParsedSignature> result{ParsedSignature{}};
  IAMD_TRY(parse_authorization_into(*result, headers, request, authorization));
  return result;
}

}  // namespace

core::Result<ParsedSignature> parse_authorization_header(const SignableRequest& request,
                                                         std::string_view authorization) {
  return parse_authorization(scan_headers(request), request, authorization);
}

core::Status parse(const SignableRequest& request, ParsedSignature& out) {
  const SigV4Headers headers = scan_headers(request);
  const RequestTarget target = split_target(request.target);
  const bool presigned = has_query_parameter(target.query, "X-Amz-Algorithm");

  if (headers.authorizations > 0 && presigned) [[unlikely]] {
    return two_mechanisms();
  }
  if (headers.authorizations > 1) [[unlikely]] {
    return repeated_authorization();
  }
  if (headers.authorizations == 1) [[likely]] {
    return parse_authorization_into(out, headers, request, *headers.authorization);
  }
  if (presigned) return parse_presigned_into(request, target.query, out);
  return missing_authentication_token();
}

core::Result<ParsedSignature> parse(const SignableRequest& request) {
  core::Result<ParsedSignature> result{ParsedSignature{}};
  IAMD_TRY(parse(request, *result));
  return result;
}

std::string format_authorization_header(const ParsedSignature& signature) {
  std::string out(kAlgorithm);
  out += " Credential=";
  out += signature.access_key_id;
  out.push_back('/');
  out += credential_scope(signature);
  out += ", SignedHeaders=";
  out += signature.signed_headers.line();
  out += ", Signature=";
  out += signature.signature;
  return out;
}

}  // namespace iamd::auth::sigv4
