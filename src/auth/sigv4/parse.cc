// The Authorization-header form, and parse(), which chooses between the forms.

#include "auth/sigv4/parse.h"

#include <cstring>
#include <optional>

#include "auth/sigv4/components.h"
#include "auth/sigv4/errors.h"
#include "auth/sigv4/query.h"
#include "auth/sigv4/string_to_sign.h"
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

std::string with_header(std::string message, std::string_view authorization) {
  return message + " Authorization=" + echo(authorization);
}

// Components are separated by ',' with optional whitespace (botocore sends ", "). Unknown
// components are ignored; a repeated one is an error, since which copy counts is ambiguous.
core::Result<Components> split_components(std::string_view rest, std::string_view authorization) {
  Components out;
  while (!rest.empty()) {
    const std::size_t comma = rest.find(',');
    const std::string_view component = trim(rest.substr(0, comma));
    rest = comma == std::string_view::npos ? std::string_view() : rest.substr(comma + 1);
    if (component.empty()) continue;
    const std::size_t eq = component.find('=');
    if (eq == std::string_view::npos) {
      // Built by appending: GCC 12 warns falsely (-Wrestrict) on "literal" + std::string&&.
      std::string message = "'";
      message += echo(component);
      message += "' not a valid key=value pair (missing equal-sign) in Authorization header: '";
      message += echo(authorization);
      message += "'.";
      return incomplete_signature(std::move(message));
    }
    const std::string_view key = component.substr(0, eq);
    const std::string_view value = component.substr(eq + 1);
    std::optional<std::string_view>* slot = is(key, "Credential")      ? &out.credential
                                            : is(key, "SignedHeaders") ? &out.signed_headers
                                            : is(key, "Signature")     ? &out.signature
                                                                       : nullptr;
    if (slot == nullptr) continue;
    if (slot->has_value()) {
      return incomplete_signature(with_header(
          "Authorization header has more than one '" + std::string(key) + "' parameter.",
          authorization));
    }
    if (!value.empty()) *slot = value;
  }
  return out;
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

// X-Amz-Date wins over Date (spec §5.1). With only Date, botocore still puts the ISO form into
// the string to sign, so that is what amz_date holds. `found` is false when neither is there.
core::Status find_request_time(const SigV4Headers& headers, ParsedSignature& out, bool& found) {
  found = false;
  if (headers.amz_dates > 1) {
    return incomplete_signature("Request has more than one X-Amz-Date header.");
  }
  if (headers.amz_date) {
    const std::string_view value = trim(*headers.amz_date);
    auto time = core::parse_amz_date(value);
    if (!time) {
      return incomplete_signature("Date must be in ISO-8601 'basic format'. Got '" + echo(value) +
                                  "'. See http://en.wikipedia.org/wiki/ISO_8601");
    }
    out.amz_date.assign(value);
    out.request_time = *time;
    found = true;
    return {};
  }
  if (headers.date) {
    const std::string_view value = trim(*headers.date);
    auto time = core::parse_http_date(value);
    if (!time) time = core::parse_amz_date(value);
    if (!time) {
      return incomplete_signature(
          "Date header must be an RFC 1123 date such as 'Sun, 30 Aug 2015 "
          "12:36:00 GMT'. Got '" +
          echo(value) + "'.");
    }
    out.amz_date = core::format_amz_date(*time);
    out.request_time = *time;
    found = true;
  }
  return {};
}

// The AWS message for missing pieces names each one, then echoes the header.
std::string missing_message(const Components& c, bool has_date, std::string_view authorization) {
  std::string message;
  if (!c.credential) message += "Authorization header requires 'Credential' parameter. ";
  if (!c.signature) message += "Authorization header requires 'Signature' parameter. ";
  if (!c.signed_headers) message += "Authorization header requires 'SignedHeaders' parameter. ";
  if (!has_date) {
    message +=
        "Authorization header requires existence of either a 'X-Amz-Date' or a 'Date' "
        "header. ";
  }
  return message + "Authorization=" + echo(authorization);
}

core::Status find_header_token(const SigV4Headers& headers, ParsedSignature& out) {
  if (headers.tokens == 0) {
    out.session_token.reset();
    return {};
  }
  if (headers.tokens > 1) {
    return incomplete_signature("Request has more than one X-Amz-Security-Token header.");
  }
  const std::string_view token = trim(*headers.token);
  if (token.size() > kMaxHeaderValueBytes) {
    return incomplete_signature("X-Amz-Security-Token is longer than " +
                                std::to_string(kMaxHeaderValueBytes) + " bytes.");
  }
  if (out.session_token) {
    out.session_token->assign(token);
  } else {
    out.session_token.emplace(token);
  }
  return {};
}

// Validates the components once all are known to be present.
core::Status fill_components(ParsedSignature& out, const Components& c,
                             std::string_view authorization) {
  auto credential = split_credential(*c.credential);
  if (!credential) {
    return incomplete_signature(
        with_header("Authorization header is malformed; the Credential is mal-formed; expecting "
                    "\"<YOUR-AKID>/YYYYMMDD/REGION/SERVICE/aws4_request\".",
                    authorization));
  }
  assign_credential(out, *credential);
  if (!split_signed_headers_into(*c.signed_headers, out.signed_headers)) {
    return incomplete_signature(with_header(
        "Authorization header has a malformed 'SignedHeaders' parameter; expecting at most " +
            std::to_string(kMaxSignedHeaders) + " distinct header names separated by ';'.",
        authorization));
  }
  if (!normalize_signature_into(*c.signature, out.signature)) {
    return incomplete_signature(with_header(
        "Authorization header has a malformed 'Signature' parameter; expecting 64 hexadecimal "
        "characters.",
        authorization));
  }
  return {};
}

// The header form into `out`, which the caller made in place so that the result is never
// copied or moved field by field.
core::Status parse_authorization_into(ParsedSignature& out, const SigV4Headers& headers,
                                      const SignableRequest& request,
                                      std::string_view authorization) {
  if (authorization.size() > kMaxHeaderValueBytes) {
    return incomplete_signature("Authorization header is longer than " +
                                std::to_string(kMaxHeaderValueBytes) + " bytes.");
  }
  const std::string_view value = trim(authorization);
  const std::size_t space = value.find(' ');
  const std::string_view algorithm = value.substr(0, space);
  if (algorithm != kAlgorithm && algorithm.starts_with("AWS4-")) {
    return incomplete_signature("Unsupported AWS 'algorithm': '" + echo(algorithm) + "'");
  }
  // A foreign scheme (Basic, Bearer, SigV2's "AWS") has none of our components; AWS answers
  // with the full list of what is missing, and so do we.
  Components components;
  if (algorithm == kAlgorithm && space != std::string_view::npos) {
    auto split = split_components(value.substr(space + 1), authorization);
    if (!split) return split.error();
    components = *split;
  }
  bool has_time = false;
  IAMD_TRY(find_request_time(headers, out, has_time));
  if (!components.credential || !components.signed_headers || !components.signature ||
      !has_time) {
    return incomplete_signature(missing_message(components, has_time, authorization));
  }
  out.presigned = false;
  out.expires_seconds.reset();

  IAMD_TRY(fill_components(out, components, authorization));
  IAMD_TRY(check_host_signed(out));
  IAMD_TRY(check_signed_header_sizes(request, out.signed_headers));
  return find_header_token(headers, out);
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

  if (headers.authorizations > 0 && presigned) {
    return incomplete_signature(
        "Only one auth mechanism allowed; only the X-Amz-Algorithm query "
        "parameter or the Authorization header should be specified.");
  }
  if (headers.authorizations > 1) {
    return incomplete_signature("Request has more than one Authorization header.");
  }
  if (headers.authorizations == 1) {
    return parse_authorization_into(out, headers, request, *headers.authorization);
  }
  if (presigned) {
    auto parsed = parse_presigned_query(request, target.query);
    if (!parsed) return parsed.error();
    out = std::move(*parsed);
    return {};
  }
  return core::Error{core::ErrorCode::MissingAuthenticationToken,
                     std::string(kMissingAuthenticationTokenMessage)};
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
  for (std::size_t i = 0; i < signature.signed_headers.size(); ++i) {
    if (i > 0) out.push_back(';');
    out += signature.signed_headers[i];
  }
  out += ", Signature=";
  out += signature.signature;
  return out;
}

}  // namespace iamd::auth::sigv4
