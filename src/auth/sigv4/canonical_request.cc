#include "auth/sigv4/canonical_request.h"

#include <algorithm>
#include <array>

#include "auth/sigv4/errors.h"
#include "auth/sigv4/query.h"
#include "core/strings.h"
#include "crypto/sha256.h"

namespace iamd::auth::sigv4 {
namespace {

bool is_space(char c) {
  return c == ' ' || c == '\t' || c == '\r' || c == '\n' || c == '\v' || c == '\f';
}

// botocore's remove_dot_segments, which is what clients sign: RFC 3986 §5.2.4 plus collapsing
// repeated slashes. A trailing slash survives only if something is left before it.
std::string normalize_path(std::string_view path) {
  std::string out;
  out.reserve(path.size() + 1);
  std::string_view rest = path;
  while (!rest.empty()) {
    const std::size_t slash = rest.find('/');
    const std::string_view segment = rest.substr(0, slash);
    rest = slash == std::string_view::npos ? std::string_view() : rest.substr(slash + 1);
    if (segment.empty() || segment == ".") continue;
    if (segment == "..") {
      out.resize(out.empty() ? 0 : out.rfind('/'));
      continue;
    }
    out.push_back('/');
    out.append(segment);
  }
  if (out.empty()) return path.starts_with('/') ? "/" : "";
  if (!path.starts_with('/')) out.erase(0, 1);
  if (path.ends_with('/')) out.push_back('/');
  return out;
}

void append_trimall(std::string& out, std::string_view value) {
  bool pending_space = false;
  bool started = false;
  for (const char c : value) {
    if (is_space(c)) {
      pending_space = started;
      continue;
    }
    if (pending_space) out.push_back(' ');
    out.push_back(c);
    pending_space = false;
    started = true;
  }
}

struct EncodedParameter {
  std::string name;
  std::string value;
};

std::vector<EncodedParameter> encoded_parameters(std::string_view raw_query,
                                                 std::span<const std::string_view> excluded) {
  std::vector<EncodedParameter> encoded;
  for (auto& param : decode_query(raw_query)) {
    if (std::find(excluded.begin(), excluded.end(), param.name) != excluded.end()) continue;
    EncodedParameter e;
    append_uri_encoded(e.name, param.name, false);
    append_uri_encoded(e.value, param.value, false);
    encoded.push_back(std::move(e));
  }
  return encoded;
}

void append_canonical_uri(std::string& out, std::string_view raw_path,
                          PathNormalization normalization) {
  if (normalization == PathNormalization::None) {
    if (raw_path.empty()) out.push_back('/');
    append_uri_encoded(out, raw_path, true);
    return;
  }
  const std::string normalized = normalize_path(raw_path);
  if (normalized.empty()) out.push_back('/');
  append_uri_encoded(out, normalized, true);
}

// Each request header is compared with each signed name; both lists are short (at most 64
// signed names, and the HTTP layer bounds the header count) and the comparison rejects most
// pairs on length alone.
bool append_canonical_headers(std::string& out, const SignableRequest& request,
                              std::span<const std::string> signed_headers) {
  for (const std::string& name : signed_headers) {
    out += name;
    out.push_back(':');
    bool found = false;
    for (const auto& [header_name, value] : request.headers) {
      if (!is_header_named(header_name, name)) continue;
      if (found) out.push_back(',');
      append_trimall(out, value);
      found = true;
    }
    if (!found) return false;
    out.push_back('\n');
  }
  return true;
}

void append_signed_headers_line(std::string& out, std::span<const std::string> signed_headers) {
  for (std::size_t i = 0; i < signed_headers.size(); ++i) {
    if (i > 0) out.push_back(';');
    out += signed_headers[i];
  }
}

core::Status append_hashed_payload(std::string& out, const SignableRequest& request) {
  const std::size_t start = out.size();
  crypto::append_hex(out, crypto::sha256(request.body));
  const auto header = find_header(request, "x-amz-content-sha256");
  if (!header) return {};
  // Trusting the header without this check would let a body be swapped under a valid signature.
  const std::string declared = trimall(*header);
  if (!core::iequals(declared, std::string_view(out).substr(start))) {
    return core::Error{core::ErrorCode::SignatureDoesNotMatch,
                       "The provided 'x-amz-content-sha256' header does not match what was "
                       "computed."};
  }
  out.replace(start, std::string::npos, declared);  // verbatim, as the client signed it
  return {};
}

}  // namespace

std::string canonical_uri(std::string_view raw_path, PathNormalization normalization) {
  std::string out;
  append_canonical_uri(out, raw_path, normalization);
  return out;
}

std::string canonical_query_string(std::string_view raw_query,
                                   std::span<const std::string_view> excluded) {
  if (raw_query.empty()) return {};
  auto params = encoded_parameters(raw_query, excluded);
  std::sort(params.begin(), params.end(), [](const EncodedParameter& a, const EncodedParameter& b) {
    return a.name != b.name ? a.name < b.name : a.value < b.value;
  });
  std::string out;
  for (const auto& p : params) {
    if (!out.empty()) out.push_back('&');
    out += p.name;
    out.push_back('=');
    out += p.value;
  }
  return out;
}

std::string trimall(std::string_view value) {
  std::string out;
  append_trimall(out, value);
  return out;
}

core::Result<std::string> canonical_headers(const SignableRequest& request,
                                            std::span<const std::string> signed_headers) {
  std::string out;
  if (!append_canonical_headers(out, request, signed_headers)) return signature_does_not_match();
  return out;
}

std::string signed_headers_line(std::span<const std::string> signed_headers) {
  std::string out;
  append_signed_headers_line(out, signed_headers);
  return out;
}

core::Result<std::string> hashed_payload(const SignableRequest& request) {
  std::string out;
  IAMD_TRY(append_hashed_payload(out, request));
  return out;
}

core::Result<std::string> canonical_request(const SignableRequest& request,
                                            const ParsedSignature& signature, CanonicalForm form) {
  static constexpr std::array<std::string_view, 2> kPresignedExcluded = {"X-Amz-Signature",
                                                                         "X-Amz-Security-Token"};
  std::span<const std::string_view> excluded;
  if (signature.presigned) {
    excluded =
        std::span(kPresignedExcluded).first(form.query_token == QuerySecurityToken::Signed ? 1 : 2);
  }
  const RequestTarget target = split_target(request.target);

  std::string out;
  out.reserve(512 + target.path.size() + 2 * target.query.size());
  out += request.method;
  out.push_back('\n');
  append_canonical_uri(out, target.path, form.path);
  out.push_back('\n');
  out += canonical_query_string(target.query, excluded);
  out.push_back('\n');
  if (!append_canonical_headers(out, request, signature.signed_headers)) {
    return signature_does_not_match();
  }
  out.push_back('\n');
  append_signed_headers_line(out, signature.signed_headers);
  out.push_back('\n');
  IAMD_TRY(append_hashed_payload(out, request));
  return out;
}

}  // namespace iamd::auth::sigv4
