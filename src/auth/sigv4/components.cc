#include "auth/sigv4/components.h"

#include <algorithm>
#include <array>

#include "auth/sigv4/errors.h"
#include "core/strings.h"

namespace iamd::auth::sigv4 {
namespace {

// RFC 7230 tchar, what a header field name may contain, as a table: this runs per character of
// every signed header name on every request.
constexpr std::array<bool, 256> kTokenChars = [] {
  std::array<bool, 256> table{};
  for (int c = '0'; c <= '9'; ++c) table[static_cast<std::size_t>(c)] = true;
  for (int c = 'a'; c <= 'z'; ++c) table[static_cast<std::size_t>(c)] = true;
  for (int c = 'A'; c <= 'Z'; ++c) table[static_cast<std::size_t>(c)] = true;
  for (char c : std::string_view("!#$%&'*+-.^_`|~")) table[static_cast<unsigned char>(c)] = true;
  return table;
}();

bool is_token_char(char c) { return kTokenChars[static_cast<unsigned char>(c)]; }

bool is_hex_digit(char c) {
  return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F');
}

bool is_printable(std::string_view s) {
  return std::all_of(s.begin(), s.end(), [](char c) { return c > 0x20 && c < 0x7f; });
}

char lower(char c) { return c >= 'A' && c <= 'Z' ? static_cast<char>(c - 'A' + 'a') : c; }

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
  std::string_view parts[5];
  std::size_t n = 0;
  while (n < 5) {
    const std::size_t slash = value.find('/');
    parts[n++] = value.substr(0, slash);
    if (slash == std::string_view::npos) break;
    value.remove_prefix(slash + 1);
    if (n == 5) return std::nullopt;  // a sixth part
  }
  if (n != 5) return std::nullopt;
  for (std::string_view part : parts) {
    if (part.empty() || part.size() > kMaxCredentialPartBytes || !is_printable(part)) {
      return std::nullopt;
    }
  }
  return Credential{parts[0], parts[1], parts[2], parts[3], parts[4]};
}

std::optional<std::vector<std::string>> split_signed_headers(std::string_view value) {
  std::vector<std::string> names;
  while (true) {
    const std::size_t semi = value.find(';');
    const std::string_view name = value.substr(0, semi);
    if (name.empty() || !std::all_of(name.begin(), name.end(), is_token_char)) return std::nullopt;
    if (names.size() == kMaxSignedHeaders) return std::nullopt;
    std::string& lowered = names.emplace_back(name);
    for (char& c : lowered) c = lower(c);
    if (semi == std::string_view::npos) break;
    value.remove_prefix(semi + 1);
  }
  std::sort(names.begin(), names.end());
  if (std::adjacent_find(names.begin(), names.end()) != names.end()) return std::nullopt;
  return names;
}

std::optional<std::string> normalize_signature(std::string_view value) {
  if (value.size() != 64 || !std::all_of(value.begin(), value.end(), is_hex_digit)) {
    return std::nullopt;
  }
  std::string out(value);
  for (char& c : out) c = lower(c);
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
  if (std::binary_search(signature.signed_headers.begin(), signature.signed_headers.end(),
                         "host")) {
    return {};
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
