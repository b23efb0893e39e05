// Numeric operators: NumericEquals, NumericNotEquals, NumericLessThan, NumericLessThanEquals,
// NumericGreaterThan, NumericGreaterThanEquals. Policy values are JSON numbers or numeric strings;
// both sides compare as exact decimals, so "1.10" equals "1.1" and 0.1 is exactly one tenth.

#include <algorithm>

#include "policy/conditions/conditions.h"

namespace iamd::policy::conditions {
namespace {

constexpr int kMaxDigits = 38;                  // 10^38 < 2^128
constexpr std::int32_t kMaxExponent = 1 << 20;  // beyond any meaningful policy value

int digit_count(uint128 v) {
  int n = 0;
  while (v != 0) {
    v /= 10;
    ++n;
  }
  return n;
}

uint128 pow10(int n) {
  uint128 p = 1;
  while (n-- > 0) p *= 10;
  return p;
}

class NumericMatcher final : public ValueMatcher {
 public:
  NumericMatcher(Comparison cmp, std::vector<std::optional<Decimal>> values)
      : cmp_(cmp), values_(std::move(values)) {}

  bool matches_any(std::string_view v, const Env&) const override {
    auto request = parse_decimal(v);
    if (!request) return false;  // a non-numeric request value matches nothing
    for (const auto& value : values_) {
      if (value && holds(cmp_, compare(*request, *value))) return true;
    }
    return false;
  }

 private:
  Comparison cmp_;
  std::vector<std::optional<Decimal>> values_;  // nullopt: malformed, never matches
};

}  // namespace

std::optional<Decimal> parse_decimal(std::string_view s) {
  Decimal d;
  std::size_t i = 0;
  if (i < s.size() && (s[i] == '-' || s[i] == '+')) d.negative = s[i++] == '-';
  int significant = 0;
  std::int64_t exponent = 0;
  bool any_digit = false;
  auto take = [&](char c, bool fractional) {
    any_digit = true;
    if (significant == 0 && c == '0') {
      if (fractional) --exponent;  // leading zeros after the point scale the value
      return;
    }
    if (significant < kMaxDigits) {
      d.coefficient = d.coefficient * 10 + static_cast<unsigned>(c - '0');
      ++significant;
      if (fractional) --exponent;
    } else if (!fractional) {
      ++exponent;  // truncated integer digit
    }
  };
  while (i < s.size() && s[i] >= '0' && s[i] <= '9') take(s[i++], false);
  if (i < s.size() && s[i] == '.') {
    ++i;
    while (i < s.size() && s[i] >= '0' && s[i] <= '9') take(s[i++], true);
  }
  if (!any_digit) return std::nullopt;
  if (i < s.size() && (s[i] == 'e' || s[i] == 'E')) {
    ++i;
    bool neg = false;
    if (i < s.size() && (s[i] == '-' || s[i] == '+')) neg = s[i++] == '-';
    std::int64_t e = 0;
    std::size_t start = i;
    while (i < s.size() && s[i] >= '0' && s[i] <= '9') {
      e = e * 10 + (s[i++] - '0');
      if (e > kMaxExponent) return std::nullopt;
    }
    if (i == start) return std::nullopt;
    exponent += neg ? -e : e;
  }
  if (i != s.size()) return std::nullopt;
  if (d.coefficient == 0) return Decimal{};  // +0 == -0
  while (d.coefficient % 10 == 0) {
    d.coefficient /= 10;
    ++exponent;
  }
  if (exponent > kMaxExponent || exponent < -kMaxExponent) return std::nullopt;
  d.exponent = static_cast<std::int32_t>(exponent);
  return d;
}

int compare(const Decimal& a, const Decimal& b) {
  if (a.coefficient == 0 || b.coefficient == 0) {
    int sa = a.coefficient == 0 ? 0 : (a.negative ? -1 : 1);
    int sb = b.coefficient == 0 ? 0 : (b.negative ? -1 : 1);
    return (sa > sb) - (sa < sb);
  }
  if (a.negative != b.negative) return a.negative ? -1 : 1;
  const int sign = a.negative ? -1 : 1;
  int da = digit_count(a.coefficient), db = digit_count(b.coefficient);
  // Magnitude order first: the position of the leading digit.
  std::int64_t ma = static_cast<std::int64_t>(a.exponent) + da;
  std::int64_t mb = static_cast<std::int64_t>(b.exponent) + db;
  if (ma != mb) return ma < mb ? -sign : sign;
  // Same leading position: align both to the longer coefficient (fits: at most 38 digits).
  uint128 ca = a.coefficient * pow10(std::max(da, db) - da);
  uint128 cb = b.coefficient * pow10(std::max(da, db) - db);
  if (ca == cb) return 0;
  return ca < cb ? -sign : sign;
}

std::unique_ptr<ValueMatcher> make_numeric_matcher(Comparison cmp,
                                                   const std::vector<std::string>& values) {
  std::vector<std::optional<Decimal>> parsed;
  parsed.reserve(values.size());
  for (const auto& v : values) parsed.push_back(parse_decimal(v));
  return std::make_unique<NumericMatcher>(cmp, std::move(parsed));
}

}  // namespace iamd::policy::conditions
