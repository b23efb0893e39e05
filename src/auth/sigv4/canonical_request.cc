#include "auth/sigv4/canonical_request.h"

#include <algorithm>
#include <array>
#include <cstdint>
#include <cstring>

#include "auth/sigv4/errors.h"
#include "auth/sigv4/query.h"
#include "auth/sigv4/swar.h"
#include "auth/sigv4/text.h"
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

// The request's header names by length, a byte each (255 standing for 255 or more), eight to a
// word: looking a name up then compares it only with the headers as long as it (usually one),
// found with a few word operations rather than a branch per header. Requests with more than
// kIndexed headers are searched header by header.
class HeaderIndex {
 public:
  static constexpr std::size_t kIndexed = 64;

  explicit HeaderIndex(const SignableRequest& request) : headers_(request.headers) {
    if (headers_.size() > kIndexed) return;
    words_ = (headers_.size() + 7) / 8;
    if (words_ != 0) lengths_[words_ - 1] = 0;  // the padding after the last header
    auto* lengths = reinterpret_cast<unsigned char*>(lengths_);
    for (std::size_t i = 0; i < headers_.size(); ++i) {
      lengths[i] = static_cast<unsigned char>(std::min<std::size_t>(headers_[i].first.size(), 255));
    }
  }

  /// Calls `f(value)` for each header named `lower` (given in lower case), in arrival order.
  template <typename F>
  void for_each(std::string_view lower, F&& f) const {
    if (headers_.size() > kIndexed) {
      for (const auto& [name, value] : headers_) {
        if (is_header_named(name, lower)) f(value);
      }
      return;
    }
    const auto key = static_cast<unsigned char>(std::min<std::size_t>(lower.size(), 255));
    for (std::size_t w = 0; w < words_; ++w) {
      for (std::uint64_t m = swar::equal_to(lengths_[w], key); m != 0; m &= m - 1) {
        const std::size_t i = 8 * w + swar::first(m);
        if (i >= headers_.size()) break;  // the zero padding, for an empty name
        if (is_header_named(headers_[i].first, lower)) f(headers_[i].second);
      }
    }
  }

  /// The value of the first header named `lower`, if any.
  std::optional<std::string_view> find(std::string_view lower) const {
    std::optional<std::string_view> found;
    for_each(lower, [&](std::string_view value) {
      if (!found) found = value;
    });
    return found;
  }

 private:
  const std::vector<std::pair<std::string_view, std::string_view>>& headers_;
  std::size_t words_ = 0;
  std::uint64_t lengths_[kIndexed / 8];
};

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

// trimall(value) written at `out`, which has room for value.size() bytes (trimall never
// lengthens a value); returns where it ends.
char* write_trimall(char* out, std::string_view value) {
  std::size_t begin = 0;
  std::size_t end = value.size();
  while (begin < end && is_space(value[begin])) ++begin;
  while (end > begin && is_space(value[end - 1])) --end;
  value = value.substr(begin, end - begin);
  // Values are nearly always clean already: copy up to the first byte trimall would change in
  // one go, and walk byte by byte only from there.
  std::size_t i = first_untidy(value);
  std::memcpy(out, value.data(), i);
  out += i;
  bool pending_space = false;
  for (; i < value.size(); ++i) {
    const char c = value[i];
    if (is_space(c)) {
      pending_space = true;
      continue;
    }
    if (pending_space) *out++ = ' ';
    *out++ = c;
    pending_space = false;
  }
  return out;
}

void append_trimall(std::string& out, std::string_view value) {
  const std::size_t start = out.size();
  out.resize(start + value.size());
  out.resize(static_cast<std::size_t>(write_trimall(out.data() + start, value) - out.data()));
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

// Room enough for the canonical headers of `request`: each signed name with ':' and '\n', and
// each request header's value with a ',' (a header joins at most one line; trimall never
// lengthens a value).
std::size_t canonical_headers_bound(const SignableRequest& request,
                                    const SignedHeaders& signed_headers) {
  std::size_t bound = signed_headers.line().size() + 2 * signed_headers.size();
  for (const auto& header : request.headers) bound += header.second.size() + 1;
  return bound;
}

// One "name:value\n" line per signed header, written at `out`, which has room for
// canonical_headers_bound(); returns where they end, or nullptr if a signed header is missing.
char* write_canonical_headers(char* out, const HeaderIndex& headers,
                              const SignedHeaders& signed_headers) {
  for (const std::string_view name : signed_headers) {
    out = copy_text(out, name);
    *out++ = ':';
    bool found = false;
    headers.for_each(name, [&](std::string_view value) {
      if (found) *out++ = ',';
      out = write_trimall(out, value);
      found = true;
    });
    if (!found) return nullptr;
    *out++ = '\n';
  }
  return out;
}

// The client's X-Amz-Content-SHA256, checked against the body's hash we wrote at `hex` and then
// written over it verbatim (any case), as the client signed it. Rare, so out of line.
[[gnu::noinline]] core::Status use_declared_payload_hash(char* hex, std::string_view declared) {
  // Trusting the header without this check would let a body be swapped under a valid signature.
  // The hash has no whitespace, so trimall(header) can only equal it when the header is the hash
  // with outer whitespace: trimming the ends decides, and then it is what the client signed.
  while (!declared.empty() && is_space(declared.front())) declared.remove_prefix(1);
  while (!declared.empty() && is_space(declared.back())) declared.remove_suffix(1);
  if (!core::iequals(declared, std::string_view(hex, 2 * crypto::kSha256Bytes))) {
    return signature_does_not_match(
        "The provided 'x-amz-content-sha256' header does not match what was computed.");
  }
  std::memcpy(hex, declared.data(), declared.size());
  return {};
}

// HashedPayload (64 hex digits) written at `out`.
core::Status write_hashed_payload(char* out, const SignableRequest& request,
                                  const HeaderIndex& headers) {
  const crypto::Sha256Digest hash = crypto::sha256(request.body);
  write_hex(out, hash.data(), hash.size());
  const auto declared = headers.find("x-amz-content-sha256");
  return declared ? use_declared_payload_hash(out, *declared) : core::Status{};
}

// Method, URI and query with their '\n's, appended, for any request but the ones IAM and STS
// get ("/" and no query), which append_canonical_request writes directly.
[[gnu::noinline]] void append_general_head(std::string& out, std::string_view method,
                                           const RequestTarget& target, CanonicalForm form,
                                           std::span<const std::string_view> excluded) {
  out.reserve(out.size() + 512 + target.path.size() + 2 * target.query.size());
  out += method;
  out.push_back('\n');
  append_canonical_uri(out, target.path, form.path);
  out.push_back('\n');
  append_canonical_query_string(out, target.query, excluded);
  out.push_back('\n');
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
                                            const SignedHeaders& signed_headers) {
  std::string out(canonical_headers_bound(request, signed_headers), '\0');
  const char* end = write_canonical_headers(out.data(), HeaderIndex(request), signed_headers);
  if (end == nullptr) return signature_does_not_match();
  out.resize(static_cast<std::size_t>(end - out.data()));
  return out;
}

std::string signed_headers_line(const SignedHeaders& signed_headers) {
  return std::string(signed_headers.line());
}

core::Result<std::string> hashed_payload(const SignableRequest& request) {
  std::string out(2 * crypto::kSha256Bytes, '\0');
  IAMD_TRY(write_hashed_payload(out.data(), request, HeaderIndex(request)));
  return out;
}

core::Status append_canonical_request(std::string& out, const SignableRequest& request,
                                      const ParsedSignature& signature, CanonicalForm form) {
  static constexpr std::array<std::string_view, 2> kPresignedExcluded = {"X-Amz-Signature",
                                                                         "X-Amz-Security-Token"};
  const RequestTarget target = split_target(request.target);
  const HeaderIndex headers(request);
  const SignedHeaders& signed_headers = signature.signed_headers;
  const std::string_view line = signed_headers.line();
  // Everything after the query is sized up front and written in place.
  const std::size_t rest = canonical_headers_bound(request, signed_headers) + 1 + line.size() + 1 +
                           2 * crypto::kSha256Bytes;
  char* p;
  if (target.path == "/" && target.query.empty()) {
    p = extend(out, request.method.size() + 4 + rest);
    p = copy_text(p, request.method);
    p = copy_text(p, "\n/\n\n");
  } else {
    std::span<const std::string_view> excluded;
    if (signature.presigned) {
      excluded = std::span(kPresignedExcluded)
                     .first(form.query_token == QuerySecurityToken::Signed ? 1 : 2);
    }
    append_general_head(out, request.method, target, form, excluded);
    p = extend(out, rest);
  }
  p = write_canonical_headers(p, headers, signed_headers);
  if (p == nullptr) return signature_does_not_match();
  *p++ = '\n';
  p = copy_text(p, line);
  *p++ = '\n';
  IAMD_TRY(write_hashed_payload(p, request, headers));
  truncate_at(out, p + 2 * crypto::kSha256Bytes);
  return {};
}

core::Result<std::string> canonical_request(const SignableRequest& request,
                                            const ParsedSignature& signature, CanonicalForm form) {
  std::string out;
  IAMD_TRY(append_canonical_request(out, request, signature, form));
  return out;
}

}  // namespace iamd::auth::sigv4
