#include "auth/sigv4/components.h"

#include <algorithm>
#include <array>
#include <cstring>

#include "auth/sigv4/errors.h"
#include "auth/sigv4/swar.h"
#include "auth/sigv4/text.h"
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
// pair costs more than the comparison. Eight bytes at a time, as big-endian words (whose order
// is the bytes' order), so that a shared prefix ("content-", "x-amz-") costs no branch per byte.
bool less(std::string_view a, std::string_view b) {
  const std::size_t n = std::min(a.size(), b.size());
  std::size_t i = 0;
  for (; i + 8 <= n; i += 8) {
    const std::uint64_t x = __builtin_bswap64(swar::load(a.data() + i));
    const std::uint64_t y = __builtin_bswap64(swar::load(b.data() + i));
    if (x != y) return x < y;
  }
  for (; i < n; ++i) {
    if (a[i] != b[i]) return static_cast<unsigned char>(a[i]) < static_cast<unsigned char>(b[i]);
  }
  return a.size() < b.size();
}

// Orders a lower-case signed header name against a request header name of any case.
bool less_ci(std::string_view lower_name, std::string_view any_case) {
  return std::lexicographical_compare(lower_name.begin(), lower_name.end(), any_case.begin(),
                                      any_case.end(), [](char a, char b) { return a < lower(b); });
}

bool is_signed(const SignedHeaders& signed_headers, std::string_view name) {
  std::size_t low = 0;  // binary search: the first name not less than `name`
  std::size_t high = signed_headers.size();
  while (low < high) {
    const std::size_t mid = low + (high - low) / 2;
    if (less_ci(signed_headers[mid], name)) {
      low = mid + 1;
    } else {
      high = mid;
    }
  }
  return low < signed_headers.size() && core::iequals(signed_headers[low], name);
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
  const char* const p = value.data();
#pragma GCC unroll 1  // small code: see text.h
  for (std::size_t i = 0; i < n; i += 8) {
    std::uint64_t word;
    if (i + 8 <= n) {
      word = swar::load(p + i);
    } else {  // as in split_signed_headers_into: the last eight bytes, those seen shifted out
      const std::size_t rest = n - i;
      word = (n >= 8 ? swar::load(p + n - 8) >> (8 * (8 - rest)) : swar::load_partial(p, n, 0)) |
             swar::broadcast('a') << (8 * rest);
    }
    bad |= swar::less_than(word, 0x21) | swar::greater_than(word, 0x7E);
    for (std::uint64_t slash = swar::equal_to(word, '/'); slash != 0; slash &= slash - 1) {
      if (count == 4) return std::nullopt;  // a sixth part
      slashes[count++] = i + swar::first(slash);
    }
  }
  if (bad != 0 || count != 4) return std::nullopt;
  std::string_view parts[5];
  std::size_t start = 0;
#pragma GCC unroll 1  // small code: see text.h
  for (std::size_t k = 0; k < 5; ++k) {
    const std::size_t end = k < 4 ? slashes[k] : n;
    const std::size_t length = end - start;
    if (length == 0 || length > kMaxCredentialPartBytes) return std::nullopt;
    parts[k] = std::string_view(p + start, length);
    start = end + 1;
  }
  return Credential{parts[0], parts[1], parts[2], parts[3], parts[4]};
}

namespace {

// Whether the `count` names `line` holds, each ending where `ends` says, are strictly ascending
// (so sorted and without a repeat), as clients send them.
bool ascending(std::string_view line, const std::uint32_t* ends, std::size_t count) {
  std::string_view previous(line.data(), ends[0]);
  for (std::size_t k = 1; k < count; ++k) {
    const std::string_view name(line.data() + ends[k - 1] + 1, ends[k] - ends[k - 1] - 1);
    if (!less(previous, name)) return false;
    previous = name;
  }
  return true;
}

// The names of `out` sorted, with `out` rebuilt in that order; false if a name repeats.
[[gnu::noinline]] bool sort_names(SignedHeaders& out) {
  std::vector<std::string> names = out.to_vector();
  std::sort(names.begin(), names.end());
  if (std::adjacent_find(names.begin(), names.end()) != names.end()) return false;
  out.assign(names);
  return true;
}

// `out` sorted (if it is not yet), false if a name repeats.
bool sorted(SignedHeaders& out) {
  for (std::size_t k = 1; k < out.size(); ++k) {
    if (!less(out[k - 1], out[k])) return sort_names(out);
  }
  return true;
}

// `out`, whose line has upper-case letters, lower-cased and then sorted.
[[gnu::noinline]] bool lower_and_sort(SignedHeaders& out) {
  std::vector<std::string> names = out.to_vector();
  for (std::string& name : names) {
    for (char& c : name) c = lower(c);
  }
  out.assign(names);
  return sorted(out);
}

// Any SignedHeaders value, a byte at a time: names that are HTTP tokens, lower-cased as they are
// copied. For what split_signed_headers_into does not take a word at a time.
[[gnu::noinline]] bool split_any_signed_headers(std::string_view value, SignedHeaders& out) {
  out.clear();
  std::string name;
  const char* p = value.data();
  const char* const end = p + value.size();
  while (true) {
    const char* const name_end = std::find(p, end, ';');
    if (name_end == p || out.size() == kMaxSignedHeaders) return false;
    name.clear();
    for (const char* in = p; in != name_end; ++in) {
      const char c = kLowerToken[static_cast<unsigned char>(*in)];
      if (c == 0) return false;
      name.push_back(c);
    }
    out.push_back(name);
    if (name_end == end) break;
    p = name_end + 1;
  }
  return sorted(out);
}

}  // namespace

bool split_signed_headers_into(std::string_view value, SignedHeaders& out) {
  // The value as SDKs send it, only a-z, A-Z, 0-9, '-' and ';' and at most 1 KiB, is taken a word
  // at a time straight from the value: checked, and searched for ';' and upper case, without a
  // branch per byte. `out` keeps its capacity, so that a caller reusing one (a ParsedSignature
  // kept per thread) allocates nothing once it has seen a request.
  constexpr std::size_t kMaxFast = 1024;
  const std::size_t n = value.size();
  if (n == 0 || n > kMaxFast) [[unlikely]] {
    return split_any_signed_headers(value, out);
  }
  std::uint32_t* const ends = out.ends_.data();
  std::size_t count = 0;
  bool too_many = false;
  std::uint64_t unusual = 0;
  std::uint64_t capitals = 0;
  const char* const p = value.data();
#pragma GCC unroll 1  // small code: see text.h
  for (std::size_t i = 0; i < n; i += 8) {
    std::uint64_t word;
    if (i + 8 <= n) {
      word = swar::load(p + i);
    } else {  // 1..7 bytes left, padded with 'a'; with eight or more bytes in all, the last
              // eight are loaded and the ones already seen shifted out
      const std::size_t rest = n - i;
      word = (n >= 8 ? swar::load(p + n - 8) >> (8 * (8 - rest)) : swar::load_partial(p, n, 0)) |
             swar::broadcast('a') << (8 * rest);
    }
    const std::uint64_t folded = word | swar::broadcast(0x20);  // 'A'..'Z' to 'a'..'z'
    const std::uint64_t letter = swar::in_range(folded, 'a', 'z');
    const std::uint64_t semicolon = swar::equal_to(word, ';');
    capitals |= (word ^ folded) & (letter >> 2);  // a letter whose 0x20 bit was clear
    unusual |= ~(letter | swar::in_range(word, '0', '9') | swar::equal_to(word, '-') | semicolon) &
               swar::kHigh;
    for (std::uint64_t m = semicolon; m != 0; m &= m - 1) {
      if (count + 1 == kMaxSignedHeaders) {
        too_many = true;  // a 65th name
        break;
      }
      ends[count++] = static_cast<std::uint32_t>(i + swar::first(m));
    }
  }
  if (unusual != 0) [[unlikely]] {
    return split_any_signed_headers(value, out);
  }
  ends[count++] = static_cast<std::uint32_t>(n);
  std::uint32_t start = 0;
  bool empty_name = false;
  for (std::size_t k = 0; k < count; ++k) {
    empty_name |= ends[k] == start;
    start = ends[k] + 1;
  }
  if (too_many || empty_name) {
    out.clear();  // consistent, if useless: `ends` was written over
    return false;
  }
  out.count_ = count;
  assign_text(out.line_, value);
  if (capitals != 0) [[unlikely]] {
    return lower_and_sort(out);
  }
  // Compared in `value` rather than in the copy just written: bytes read back right after a
  // memcpy stored them wait for the store to complete (no store-to-load forwarding).
  return ascending(value, ends, count) || sort_names(out);
}

std::optional<std::vector<std::string>> split_signed_headers(std::string_view value) {
  SignedHeaders names;
  if (!split_signed_headers_into(value, names)) return std::nullopt;
  return names.to_vector();
}

bool normalize_signature_into(std::string_view value, std::string& out) {
  if (value.size() != 64) return false;
  std::uint64_t bad = 0;
  std::uint64_t upper = 0;
#pragma GCC unroll 1  // small code over a few cycles saved: see text.h
  for (std::size_t i = 0; i < 64; i += 8) {
    const std::uint64_t word = swar::load(value.data() + i);
    const std::uint64_t capital = swar::in_range(word, 'A', 'F');
    bad |=
        ~(swar::in_range(word, '0', '9') | swar::in_range(word, 'a', 'f') | capital) & swar::kHigh;
    upper |= capital;
  }
  if (bad != 0) return false;
  assign_text(out, value);
  if (upper != 0) {  // SDKs send lower case; anything else is lowered here, where it is rare
    for (char& c : out) c = lower(c);
  }
  return true;
}

std::optional<std::string> normalize_signature(std::string_view value) {
  std::string out;
  if (!normalize_signature_into(value, out)) return std::nullopt;
  return out;
}

void assign_credential(ParsedSignature& out, const Credential& credential) {
  assign_text(out.access_key_id, credential.access_key_id);
  assign_text(out.date, credential.date);
  assign_text(out.region, credential.region);
  assign_text(out.service, credential.service);
  assign_text(out.terminator, credential.terminator);
}

core::Status check_host_signed(const ParsedSignature& signature) {
  for (const std::string_view name : signature.signed_headers) {
    if (name.size() == 4 && std::memcmp(name.data(), "host", 4) == 0) return {};
  }
  return incomplete_signature(
      "'Host' or ':authority' must be a 'SignedHeader' in the AWS "
      "Authorization.");
}

core::Status check_signed_header_sizes(const SignableRequest& request,
                                       const SignedHeaders& signed_headers) {
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
