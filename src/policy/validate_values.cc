// Shapes of condition values: IAM's loose legacy Date check (which decides "The policy failed
// legacy parsing") and the stricter type checks `check` uses to find conditions that can never be
// true. Each is a plain recognizer; nothing here evaluates a condition.

#include <cstdint>
#include <string>

#include "policy/validate_internal.h"
#include "policy/validate_values.h"

namespace iamd::policy::detail {
namespace {

bool is_digit(char c) { return c >= '0' && c <= '9'; }

// An optionally signed decimal integer within [lo, hi] (the subset of Python's int() that policy
// text uses: no spaces, no underscores).
bool int_in(std::string_view s, std::int64_t lo, std::int64_t hi) {
  bool negative = false;
  if (!s.empty() && (s[0] == '+' || s[0] == '-')) {
    negative = s[0] == '-';
    s.remove_prefix(1);
  }
  if (s.empty()) return false;
  std::uint64_t v = 0;
  for (char c : s) {
    if (!is_digit(c)) return false;
    if (v > (UINT64_MAX - 9) / 10) return false;  // far outside any range asked for
    v = v * 10 + static_cast<std::uint64_t>(c - '0');
  }
  if (negative) {
    if (v > static_cast<std::uint64_t>(INT64_MAX) + 1) return false;
    std::int64_t n = v == static_cast<std::uint64_t>(INT64_MAX) + 1
                         ? INT64_MIN
                         : -static_cast<std::int64_t>(v);
    return n >= lo && n <= hi;
  }
  if (v > static_cast<std::uint64_t>(INT64_MAX)) return false;
  auto n = static_cast<std::int64_t>(v);
  return n >= lo && n <= hi;
}

bool two_digits_in(std::string_view s, int lo, int hi) {
  return s.size() == 2 && int_in(s, lo, hi);
}

std::vector<std::string_view> split(std::string_view s, char sep) {
  std::vector<std::string_view> out;
  std::size_t start = 0;
  while (true) {
    std::size_t at = s.find(sep, start);
    out.push_back(
        s.substr(start, at == std::string_view::npos ? std::string_view::npos : at - start));
    if (at == std::string_view::npos) return out;
    start = at + 1;
  }
}

// The seconds part of a legacy time, with its zone: "05", "05.25Z", "05+02", "05-05".
bool legacy_seconds(std::string_view s, std::string_view tz_minutes, bool has_tz_minutes) {
  std::string_view seconds = s;
  if (auto z = s.find('z'); z != std::string_view::npos) {
    if (z + 1 != s.size() || has_tz_minutes) return false;
    seconds = s.substr(0, z);
  } else if (auto sign = s.find_first_of("+-"); sign != std::string_view::npos) {
    // IAM takes "+hh[:mm]"; we also take "-hh[:mm]", which W3C dates use west of Greenwich.
    if (!two_digits_in(s.substr(sign + 1), 0, 23)) return false;
    if (has_tz_minutes && !two_digits_in(tz_minutes, 0, 59)) return false;
    seconds = s.substr(0, sign);
  } else if (has_tz_minutes) {
    return false;
  }
  auto dot = seconds.find('.');
  if (!int_in(seconds.substr(0, dot), 0, 59)) return false;
  return dot == std::string_view::npos || int_in(seconds.substr(dot + 1), 0, 999999999);
}

bool legacy_iso8601(std::string_view v) {
  auto t = v.find('t');
  std::string_view date = v.substr(0, t);
  std::string_view time = t == std::string_view::npos ? std::string_view() : v.substr(t + 1);
  bool negative_year = date.starts_with('-');
  auto parts = split(negative_year ? date.substr(1) : date, '-');
  if (parts.size() > 3) return false;
  std::string year(negative_year ? "-" : "");
  year += parts[0];
  // The range of java.util.Date years, which IAM's legacy parser inherits.
  if (!int_in(year, -292275054, 292278993)) return false;
  if (parts.size() > 1 && !int_in(parts[1], 1, 12)) return false;
  if (parts.size() > 2 && !int_in(parts[2], 1, 31)) return false;

  auto clock = split(time, ':');
  if (clock.size() > 4) return false;
  if (!clock[0].empty() && !int_in(clock[0], 0, 23)) return false;
  if (clock.size() > 1 && !int_in(clock[1], 0, 59)) return false;
  if (clock.size() > 2) {
    return legacy_seconds(clock[2], clock.size() > 3 ? clock[3] : std::string_view(),
                          clock.size() > 3);
  }
  return true;
}

bool all_digits(std::string_view s, std::size_t n) {
  if (s.empty() || s.size() != n) return false;
  for (char c : s) {
    if (!is_digit(c)) return false;
  }
  return true;
}

bool ipv4(std::string_view s) {
  auto octets = split(s, '.');
  if (octets.size() != 4) return false;
  for (auto o : octets) {
    if (o.empty() || o.size() > 3 || !int_in(o, 0, 255) || o[0] == '+' || o[0] == '-') return false;
  }
  return true;
}

bool hex_group(std::string_view g) {
  if (g.empty() || g.size() > 4) return false;
  for (char c : g) {
    bool hex = is_digit(c) || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F');
    if (!hex) return false;
  }
  return true;
}

bool ipv6(std::string_view s) {
  auto gap = s.find("::");
  if (gap != std::string_view::npos && s.find("::", gap + 1) != std::string_view::npos) {
    return false;
  }
  // Groups either side of "::"; the last group may be a dotted IPv4 address (two groups' worth).
  auto count = [](std::string_view part, bool may_end_v4, int& groups) {
    if (part.empty()) return true;
    auto items = split(part, ':');
    for (std::size_t i = 0; i < items.size(); ++i) {
      if (may_end_v4 && i + 1 == items.size() && items[i].find('.') != std::string_view::npos) {
        if (!ipv4(items[i])) return false;
        groups += 2;
      } else if (!hex_group(items[i])) {
        return false;
      } else {
        ++groups;
      }
    }
    return true;
  };
  int groups = 0;
  if (gap == std::string_view::npos) return count(s, true, groups) && groups == 8;
  if (!count(s.substr(0, gap), false, groups) || !count(s.substr(gap + 2), true, groups)) {
    return false;
  }
  return groups <= 7;
}

}  // namespace

bool is_legacy_date(std::string_view value) {
  std::string v;
  for (char c : value) v.push_back((c >= 'A' && c <= 'Z') ? static_cast<char>(c + 32) : c);
  if (v.find('t') != std::string::npos || v.find('-') != std::string::npos) {
    return legacy_iso8601(v);
  }
  return int_in(v, 0, INT64_MAX);  // epoch seconds
}

bool is_number(std::string_view s) {
  if (!s.empty() && (s[0] == '+' || s[0] == '-')) s.remove_prefix(1);
  std::size_t i = 0, int_digits = 0, frac_digits = 0;
  while (i < s.size() && is_digit(s[i])) ++i, ++int_digits;
  if (i < s.size() && s[i] == '.') {
    ++i;
    while (i < s.size() && is_digit(s[i])) ++i, ++frac_digits;
  }
  if (int_digits + frac_digits == 0) return false;
  if (i < s.size() && (s[i] == 'e' || s[i] == 'E')) {
    ++i;
    if (i < s.size() && (s[i] == '+' || s[i] == '-')) ++i;
    std::size_t exp_digits = 0;
    while (i < s.size() && is_digit(s[i])) ++i, ++exp_digits;
    if (exp_digits == 0) return false;
  }
  return i == s.size();
}

bool is_w3c_date(std::string_view s) {
  bool negative = s.starts_with('-');
  if (!s.empty() && all_digits(s.substr(negative ? 1 : 0), s.size() - (negative ? 1 : 0))) {
    return s.size() <= 19;  // epoch seconds
  }
  // YYYY | YYYY-MM | YYYY-MM-DD [Thh:mm[:ss[.s+]] [Z|(+|-)hh:mm]]
  if (s.size() < 4 || !all_digits(s.substr(0, 4), 4)) return false;
  if (s.size() == 4) return true;
  if (s[4] != '-' || s.size() < 7 || !two_digits_in(s.substr(5, 2), 1, 12)) return false;
  if (s.size() == 7) return true;
  if (s[7] != '-' || s.size() < 10 || !two_digits_in(s.substr(8, 2), 1, 31)) return false;
  if (s.size() == 10) return true;
  if ((s[10] != 'T' && s[10] != 't') || s.size() < 16) return false;
  if (!two_digits_in(s.substr(11, 2), 0, 23) || s[13] != ':' ||
      !two_digits_in(s.substr(14, 2), 0, 59)) {
    return false;
  }
  std::string_view rest = s.substr(16);
  if (rest.starts_with(':')) {
    if (rest.size() < 3 || !two_digits_in(rest.substr(1, 2), 0, 60)) return false;
    rest.remove_prefix(3);
    if (rest.starts_with('.')) {
      std::size_t n = 1;
      while (n < rest.size() && is_digit(rest[n])) ++n;
      if (n == 1) return false;
      rest.remove_prefix(n);
    }
  }
  if (rest.empty() || rest == "Z" || rest == "z") return true;
  return rest.size() == 6 && (rest[0] == '+' || rest[0] == '-') &&
         two_digits_in(rest.substr(1, 2), 0, 23) && rest[3] == ':' &&
         two_digits_in(rest.substr(4, 2), 0, 59);
}

bool is_bool_text(std::string_view s) {
  std::string v;
  for (char c : s) v.push_back((c >= 'A' && c <= 'Z') ? static_cast<char>(c + 32) : c);
  return v == "true" || v == "false";
}

bool is_cidr(std::string_view s) {
  auto slash = s.find('/');
  std::string_view address = s.substr(0, slash);
  bool v6 = address.find(':') != std::string_view::npos;
  if (!(v6 ? ipv6(address) : ipv4(address))) return false;
  if (slash == std::string_view::npos) return true;
  std::string_view bits = s.substr(slash + 1);
  return !bits.empty() && bits.size() <= 3 && all_digits(bits, bits.size()) &&
         int_in(bits, 0, v6 ? 128 : 32);
}

bool is_base64(std::string_view s) {
  if (s.empty() || s.size() % 4 != 0) return false;
  std::size_t padding = 0;
  for (std::size_t i = 0; i < s.size(); ++i) {
    char c = s[i];
    if (c == '=') {
      ++padding;
      continue;
    }
    bool ok =
        (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || is_digit(c) || c == '+' || c == '/';
    if (!ok || padding > 0) return false;  // '=' only at the end
  }
  return padding <= 2;
}

}  // namespace iamd::policy::detail
