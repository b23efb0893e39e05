#include "auth/sigv4/components.h"

#include <algorithm>
#include <array>
#include <cstring>

#include "auth/sigv4/errors.h"
#include "auth/sigv4/swar.h"
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
  // One pass, a word at a time: every byte printable, and where the four '/' are.
  std::size_t slashes[4];
  std::size_t count = 0;
  std::uint64_t bad = 0;
  const std::size_t n = value.size();
  for (std::size_t i = 0; i < n; i += 8) {
    const std::size_t len = std::min<std::size_t>(8, n - i);
    const std::uint64_t word = len == 8 ? swar::load(value.data() + i)
                                        : swar::load_partial(value.data() + i, len, 'a');
    bad |= swar::less_than(word, 0x21) | swar::greater_than(word, 0x7E);
    for (std::uint64_t slash = swar::equal_to(word, '/'); slash != 0; slash &= slash - 1) {
      if (count == 4) return std::nullopt;  // a sixth part
      slashes[count++] = i + swar::first(slash);
    }
  }
  if (bad != 0 || count != 4) return std::nullopt;
  std::string_view parts[5];
  std::size_t start = 0;
  for (std::size_t k = 0; k < 5; ++k) {
    const std::size_t end = k < 4 ? slashes[k] : n;
    const std::size_t length = end - start;
    if (length == 0 || length > kMaxCredentialPartBytes) return std::nullopt;
    parts[k] = value.substr(start, length);
    start = end + 1;
  }
  return Credential{parts[0], parts[1], parts[2], parts[3], parts[4]};
}

namespace {

// split_signed_headers_into for the names SDKs send: only a-z, A-Z, 0-9 and '-', at most 1 KiB.
// A word at a time: lower-cased, checked and searched for ';' without a branch per byte.
// Returns 1 (done), 0 (invalid) or -1 (something else: the byte-by-byte path decides).
int split_plain_signed_headers(std::string_view value, std::vector<std::string>& names) {
  constexpr std::size_t kMaxFast = 1024;
  const std::size_t n = value.size();
  if (n == 0 || n > kMaxFast) return -1;
  char lowered[kMaxFast + 8];
  std::size_t semicolons[kMaxSignedHeaders];
  std::size_t count = 0;
  std::uint64_t unusual = 0;
  for (std::size_t i = 0; i < n; i += 8) {
    const std::size_t len = std::min<std::size_t>(8, n - i);
    const std::uint64_t word = swar::to_lower(
        len == 8 ? swar::load(value.data() + i) : swar::load_partial(value.data() + i, len, 'a'));
    swar::store(lowered + i, word);
    const std::uint64_t semicolon = swar::equal_to(word, ';');
    unusual |= ~(swar::in_range(word, 'a', 'z') | swar::in_range(word, '0', '9') |
                 swar::equal_to(word, '-') | semicolon) &
               swar::kHigh;
    for (std::uint64_t m = semicolon; m != 0; m &= m - 1) {
      if (count + 1 == kMaxSignedHeaders) return 0;  // a 65th name
      semicolons[count++] = i + swar::first(m);
    }
  }
  if (unusual != 0) return -1;
  const std::size_t total = count + 1;
  if (names.size() > total) names.resize(total);
  bool ascending = true;
  std::size_t start = 0;
  for (std::size_t k = 0; k < total; ++k) {
    const std::size_t end = k < count ? semicolons[k] : n;
    if (end == start) return 0;  // an empty name
    const std::string_view name(lowered + start, end - start);
    if (k < names.size()) {
      names[k].assign(name);
    } else {
      names.emplace_back(name);
    }
    if (ascending && k > 0 && !less(names[k - 1], name)) ascending = false;
    start = end + 1;
  }
  if (ascending) return 1;  // strictly ascending: sorted, and no name repeats
  std::sort(names.begin(), names.end());
  return std::adjacent_find(names.begin(), names.end()) == names.end() ? 1 : 0;
}

}  // namespace

bool split_signed_headers_into(std::string_view value, std::vector<std::string>& names) {
  // Strings already in `names` are overwritten rather than replaced, so that a caller reusing
  // one vector (a ParsedSignature kept per thread) allocates nothing once it has seen a request.
  if (const int plain = split_plain_signed_headers(value, names); plain >= 0) return plain == 1;
  std::size_t count = 0;
  bool ascending = true;  // clients send them sorted, and then sorting and the duplicate check go
  const char* p = value.data();
  const char* const end = p + value.size();
  while (true) {
    const char* const name_end = std::find(p, end, ';');
    if (name_end == p || count == kMaxSignedHeaders) return false;
    std::string& lowered = count < names.size() ? names[count] : names.emplace_back();
    // Mapped from the source as it is copied: reading back bytes just written by memcpy would
    // stall on store forwarding.
    lowered.resize(static_cast<std::size_t>(name_end - p));
    char* out = lowered.data();
    for (const char* in = p; in != name_end; ++in) {
      const char c = kLowerToken[static_cast<unsigned char>(*in)];
      if (c == 0) return false;
      *out++ = c;
    }
    if (ascending && count > 0 && !less(names[count - 1], lowered)) ascending = false;
    ++count;
    if (name_end == end) break;
    p = name_end + 1;
  }
  names.resize(count);
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
  out.resize(64);
  std::uint64_t bad = 0;
  for (std::size_t i = 0; i < 64; i += 8) {
    const std::uint64_t word = swar::to_lower(swar::load(value.data() + i));
    bad |= ~(swar::in_range(word, '0', '9') | swar::in_range(word, 'a', 'f')) & swar::kHigh;
    swar::store(out.data() + i, word);
  }
  return bad == 0;
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
