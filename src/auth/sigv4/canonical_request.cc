#include "auth/sigv4/canonical_request.h"

#include <algorithm>
#include <array>
#include <cstdint>

#include "auth/sigv4/errors.h"
#include "auth/sigv4/query.h"
#include "auth/sigv4/swar.h"
#include "core/strings.h"
#include "crypto/sha256.h"

namespace iamd::auth::sigv4 {
namespace {

// SigV4's whitespace (trimall), as a table: it is tested per byte of every signed header value.
constexpr std::array<bool, 256> kSpace = [] {
  std::array<bool, 256> table{};
  for (char c : std::string_view(" \t\r\n\v\f")) table[static_cast<unsigned char>(c)] = true;
  return table;
}();

bool is_space(char c) { return kSpace[static_cast<unsigned char>(c)]; }

// botocore's remove_dot_segments, which is what clients sign: RFC 3986 §5.2.4 plus collapsing
// repeated slashes. A trailing slash survives only if something is left before it. Segments are
// URI-encoded as they are appended (encoding never yields '/'), so normalizing and encoding take
// one pass and no temporary string.
void append_normalized_encoded_path(std::string& out, std::string_view path) {
  const std::size_t base = out.size();
  std::string_view rest = path;
  while (!rest.empty()) {
    const std::size_t slash = rest.find('/');
    const std::string_view segment = rest.substr(0, slash);
    rest = slash == std::string_view::npos ? std::string_view() : rest.substr(slash + 1);
    if (segment.empty() || segment == ".") continue;
    if (segment == "..") {
      const std::size_t cut = out.rfind('/');
      out.resize(cut == std::string::npos || cut < base ? base : cut);
      continue;
    }
    out.push_back('/');
    append_uri_encoded(out, segment, true);
  }
  if (out.size() == base) {  // nothing left: "/" whatever the input's form
    out.push_back('/');
    return;
  }
  if (!path.starts_with('/')) out.erase(base, 1);
  if (path.ends_with('/')) out.push_back('/');
}

// Where trimall would first change `value` (already trimmed at both ends): a whitespace byte
// other than a lone ' '. value.size() if nowhere. Eight bytes at a time: a word with no byte
// below '!' (all of SigV4's whitespace is) is skipped at once; in the others only the marked
// bytes are looked at.
std::size_t first_untidy(std::string_view value) {
  const char* p = value.data();
  const std::size_t n = value.size();
  // A ' ' at i is lone unless p[i + 1] is whitespace; i + 1 < n as the value ends in non-space.
  auto untidy = [&](std::size_t i) { return p[i] == ' ' ? is_space(p[i + 1]) : is_space(p[i]); };
  std::size_t i = 0;
  for (; i + 8 <= n; i += 8) {
    for (std::uint64_t low = swar::less_than(swar::load(p + i), 0x21); low != 0; low &= low - 1) {
      const std::size_t at = i + swar::first(low);
      if (untidy(at)) return at;
    }
  }
  for (; i < n; ++i) {
    if (untidy(i)) return i;
  }
  return n;
}

void append_trimall(std::string& out, std::string_view value) {
  std::size_t begin = 0;
  std::size_t end = value.size();
  while (begin < end && is_space(value[begin])) ++begin;
  while (end > begin && is_space(value[end - 1])) --end;
  value = value.substr(begin, end - begin);
  // Values are nearly always clean already: copy up to the first byte trimall would change in
  // one append, and walk byte by byte only from there.
  std::size_t i = first_untidy(value);
  out.append(value.data(), i);
  bool pending_space = false;
  for (; i < value.size(); ++i) {
    const char c = value[i];
    if (is_space(c)) {
      pending_space = true;
      continue;
    }
    if (pending_space) out.push_back(' ');
    out.push_back(c);
    pending_space = false;
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
  append_normalized_encoded_path(out, raw_path);
}

void append_canonical_query_string(std::string& out, std::string_view raw_query,
                                   std::span<const std::string_view> excluded) {
  if (raw_query.empty()) return;
  auto params = encoded_parameters(raw_query, excluded);
  std::sort(params.begin(), params.end(), [](const EncodedParameter& a, const EncodedParameter& b) {
    return a.name != b.name ? a.name < b.name : a.value < b.value;
  });
  for (std::size_t i = 0; i < params.size(); ++i) {
    if (i > 0) out.push_back('&');
    out += params[i].name;
    out.push_back('=');
    out += params[i].value;
  }
}

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
  // The hash has no whitespace, so trimall(header) can only equal it when the header is the hash
  // with outer whitespace: trimming the ends decides, and then it is what the client signed.
  std::string_view declared = *header;
  while (!declared.empty() && is_space(declared.front())) declared.remove_prefix(1);
  while (!declared.empty() && is_space(declared.back())) declared.remove_suffix(1);
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
  std::string out;
  append_canonical_query_string(out, raw_query, excluded);
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

core::Status append_canonical_request(std::string& out, const SignableRequest& request,
                                      const ParsedSignature& signature, CanonicalForm form) {
  static constexpr std::array<std::string_view, 2> kPresignedExcluded = {"X-Amz-Signature",
                                                                         "X-Amz-Security-Token"};
  std::span<const std::string_view> excluded;
  if (signature.presigned) {
    excluded =
        std::span(kPresignedExcluded).first(form.query_token == QuerySecurityToken::Signed ? 1 : 2);
  }
  const RequestTarget target = split_target(request.target);

  out.reserve(out.size() + 512 + target.path.size() + 2 * target.query.size());
  out += request.method;
  out.push_back('\n');
  append_canonical_uri(out, target.path, form.path);
  out.push_back('\n');
  append_canonical_query_string(out, target.query, excluded);
  out.push_back('\n');
  if (!append_canonical_headers(out, request, signature.signed_headers)) {
    return signature_does_not_match();
  }
  out.push_back('\n');
  append_signed_headers_line(out, signature.signed_headers);
  out.push_back('\n');
  return append_hashed_payload(out, request);
}

core::Result<std::string> canonical_request(const SignableRequest& request,
                                            const ParsedSignature& signature, CanonicalForm form) {
  std::string out;
  IAMD_TRY(append_canonical_request(out, request, signature, form));
  return out;
}

}  // namespace iamd::auth::sigv4
