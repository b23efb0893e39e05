#include "auth/sigv4/components.h"

#include <algorithm>
#include <array>
#include <cstring>

#include "auth/sigv4/errors.h"
#include "core/strings.h"

namespace iamd::auth::sigv4 {
namespace {

// RFC 7230 tchar, what a header field name may contain, mapped to its lower case; 0 for anything
// else. A table because it runs per character of every signed header name on every request.
constexpr std::array<char, 256> kLowerToken = [] {
  std::array<char, 256> table{};
  for (int c = '0'; c <= '9'; ++c) table[static_cast<std::size_t>(c)] = static_cast<char>(c);
  for (int c = 'a'; c <= 'z'; ++c) table[static_cast<std::size_t>(c)] = static_cast<char>(c);
  for (int c = 'A'; c <= 'Z'; ++c) {
    table[static_cast<std::size_t>(c)] = static_cast<char>(c - 'A' + 'a');
  }
  for (char c : std::string_view("!#$%&'*+-.^_`|~")) table[static_cast<unsigned char>(c)] = c;
  return table;
}();

// Hex digits mapped to lower case; 0 for anything else (the signature, 64 per request).
constexpr std::array<char, 256> kLowerHex = [] {
  std::array<char, 256> table{};
  for (int c = '0'; c <= '9'; ++c) table[static_cast<std::size_t>(c)] = static_cast<char>(c);
  for (int c = 'a'; c <= 'f'; ++c) table[static_cast<std::size_t>(c)] = static_cast<char>(c);
  for (int c = 'A'; c <= 'F'; ++c) {
    table[static_cast<std::size_t>(c)] = static_cast<char>(c - 'A' + 'a');
  }
  return table;
}();

bool is_printable(char c) { return c > 0x20 && c < 0x7f; }

char lower(char c) { return c >= 'A' && c <= 'Z' ? static_cast<char>(c - 'A' + 'a') : c; }

// std::string's order (bytes as unsigned), inline: names differ early, and a call to memcmp per
// pair costs more than the comparison.
bool less(std::string_view a, std::string_view b) {
  const std::size_t n = std::min(a.size(), b.size());
  for (std::size_t i = 0; i < n; ++i) {
    if (a[i] != b[i]) return static_cast<unsigned char>(a[i]) < static_cast<unsigned char>(b[i]);
  }
  return a.size() < b.size();
}

// Orders a lower-case signed header name against a request header name of any case.
bool less_ci(std::string_view lower_name, std::string_view any_case) {
  return std::lexicographical_compare(lower_name.begin(), lower_name.end(), any_case.begin(),
                                      any_case.end(), [](char a, char b) { return a < lower(b); });
}

bool is_signed(const std::vector<std::string>& signed_headers, std::string_view name) {
  auto it =
      std::lower_bound(signed_headers.begin(), signed_headers.end(), name,
                       [](const std::string& s, std::string_view n) { return less_ci(s, n); });
  return it != signed_headers.end() && core::iequals(*it, name);
}

}  // namespace

std::string_view trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) s.remove_suffix(1);
  return s;
}

std::optional<Credential> split_credential(std::string_view value) {
  // One pass: '/' ends a part, anything else must be printable.
  std::string_view parts[5];
  std::size_t n = 0;
  std::size_t start = 0;
  for (std::size_t i = 0; i <= value.size(); ++i) {
    if (i < value.size() && value[i] != '/') {
      if (!is_printable(value[i])) return std::nullopt;
      continue;
    }
    if (n == 5) return std::nullopt;  // a sixth part
    const std::size_t length = i - start;
    if (length == 0 || length > kMaxCredentialPartBytes) return std::nullopt;
    parts[n++] = value.substr(start, length);
    start = i + 1;
  }
  if (n != 5) return std::nullopt;
  return Credential{parts[0], parts[1], parts[2], parts[3], parts[4]};
}

bool split_signed_headers_into(std::string_view value, std::vector<std::string>& names) {
  names.clear();
  names.reserve(8);  // what SDKs sign; more only grows the vector
  bool ascending = true;  // clients send them sorted, and then sorting and the duplicate check go
  const char* p = value.data();
  const char* const end = p + value.size();
  while (true) {
    const char* const name_end = std::find(p, end, ';');
    if (name_end == p || names.size() == kMaxSignedHeaders) return false;
    // Mapped from the source as it is copied: reading back bytes just written by memcpy would
    // stall on store forwarding.
    std::string& lowered = names.emplace_back(static_cast<std::size_t>(name_end - p), '\0');
    char* out = lowered.data();
    for (const char* in = p; in != name_end; ++in) {
      const char c = kLowerToken[static_cast<unsigned char>(*in)];
      if (c == 0) return false;
      *out++ = c;
    }
    if (ascending && names.size() > 1 && !less(names[names.size() - 2], lowered)) {
      ascending = false;
    }
    if (name_end == end) break;
    p = name_end + 1;
  }
  if (ascending) return true;  // strictly ascending: sorted, and no name repeats
  std::sort(names.begin(), names.end());
  return std::adjacent_find(names.begin(), names.end()) == names.end();
}

std::optional<std::vector<std::string>> split_signed_headers(std::string_view value) {
  std::vector<std::string> names;
  if (!split_signed_headers_into(value, names)) return std::nullopt;
  return names;
}

bool normalize_signature_into(std::string_view value, std::string& out) {
  if (value.size() != 64) return false;
  out.resize(value.size());
  for (std::size_t i = 0; i < value.size(); ++i) {
    const char c = kLowerHex[static_cast<unsigned char>(value[i])];
    if (c == 0) return false;
    out[i] = c;
  }
  return true;
}

std::optional<std::string> normalize_signature(std::string_view value) {
  std::string out;
  if (!normalize_signature_into(value, out)) return std::nullopt;
  return out;
}

void assign_credential(ParsedSignature& out, const Credential& credential) {
  out.access_key_id = credential.access_key_id;
  out.date = credential.date;
  out.region = credential.region;
  out.service = credential.service;
  out.terminator = credential.terminator;
}

core::Status check_host_signed(const ParsedSignature& signature) {
  for (const std::string& name : signature.signed_headers) {
    if (name.size() == 4 && std::memcmp(name.data(), "host", 4) == 0) return {};
  }
  return incomplete_signature(
      "'Host' or ':authority' must be a 'SignedHeader' in the AWS "
      "Authorization.");
}

core::Status check_signed_header_sizes(const SignableRequest& request,
                                       const std::vector<std::string>& signed_headers) {
  // Nearly every request is far below both limits whatever is signed, so the names are looked
  // up only for a header that is too long on its own or when all headers together are.
  std::size_t all_headers = 0;
  for (const auto& [name, value] : request.headers) {
    if (value.size() > kMaxHeaderValueBytes && is_signed(signed_headers, name)) {
      return incomplete_signature("Header '" + echo(name) + "' is longer than " +
                                  std::to_string(kMaxHeaderValueBytes) + " bytes.");
    }
    all_headers += value.size();
  }
  if (all_headers <= kMaxSignedHeaderBytes) return {};
  std::size_t signed_total = 0;
  for (const auto& [name, value] : request.headers) {
    if (is_signed(signed_headers, name)) signed_total += value.size();
  }
  if (signed_total <= kMaxSignedHeaderBytes) return {};
  return incomplete_signature("Signed headers are longer than " +
                              std::to_string(kMaxSignedHeaderBytes) + " bytes in total.");
}

}  // namespace iamd::auth::sigv4
