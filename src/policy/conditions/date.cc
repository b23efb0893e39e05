// Date operators: DateEquals, DateNotEquals, DateLessThan, DateLessThanEquals, DateGreaterThan,
// DateGreaterThanEquals. Both sides may be W3C ISO 8601 or epoch seconds (aws:EpochTime is
// numeric, aws:CurrentTime is ISO); comparison is by instant, to the nanosecond.

#include <array>
#include <chrono>
#include <cstring>

#include "core/time_format.h"
#include "policy/conditions/conditions.h"

namespace iamd::policy::conditions {
namespace {

// |seconds| above this would overflow nanoseconds in 64 bits (year 2262).
constexpr std::int64_t kMaxEpochSeconds = 9'000'000'000;

std::optional<std::int64_t> parse_epoch(std::string_view s) {
  std::size_t i = 0;
  bool negative = false;
  if (i < s.size() && s[i] == '-') {
    negative = true;
    ++i;
  }
  std::int64_t seconds = 0;
  std::size_t start = i;
  while (i < s.size() && s[i] >= '0' && s[i] <= '9') {
    seconds = seconds * 10 + (s[i++] - '0');
    if (seconds > kMaxEpochSeconds) return std::nullopt;
  }
  if (i == start) return std::nullopt;
  std::int64_t nanos = 0;
  if (i < s.size() && s[i] == '.') {
    ++i;
    std::size_t frac_start = i;
    int n = 0;
    while (i < s.size() && s[i] >= '0' && s[i] <= '9') {
      if (n < 9) nanos = nanos * 10 + (s[i] - '0');
      ++n;
      ++i;
    }
    if (i == frac_start) return std::nullopt;
    for (; n < 9; ++n) nanos *= 10;
  }
  if (i != s.size()) return std::nullopt;
  std::int64_t total = seconds * 1'000'000'000 + nanos;
  return negative ? -total : total;
}

std::optional<std::int64_t> to_nanos(std::optional<core::TimePoint> t) {
  if (!t) return std::nullopt;
  return std::chrono::duration_cast<std::chrono::nanoseconds>(t->time_since_epoch()).count();
}

// The W3C profiles core::parse_iso8601 does not take ("YYYY-MM", "YYYY-MM-DDThh:mmTZD") are
// completed in a stack buffer and parsed again.
std::optional<std::int64_t> parse_w3c_short(std::string_view s) {
  std::array<char, 64> buf{};
  if (s.size() + 3 > buf.size()) return std::nullopt;
  std::size_t n = 0;
  if (s.size() == 7 && s[4] == '-') {
    std::memcpy(buf.data(), s.data(), 7);
    std::memcpy(buf.data() + 7, "-01", 3);
    n = 10;
  } else if (s.size() >= 16 && (s[10] == 'T' || s[10] == 't') && s[13] == ':' &&
             (s.size() == 16 || s[16] != ':')) {
    std::memcpy(buf.data(), s.data(), 16);
    std::memcpy(buf.data() + 16, ":00", 3);
    std::memcpy(buf.data() + 19, s.data() + 16, s.size() - 16);
    n = s.size() + 3;
  } else {
    return std::nullopt;
  }
  return to_nanos(core::parse_iso8601(std::string_view(buf.data(), n)));
}

class DateMatcher final : public ValueMatcher {
 public:
  DateMatcher(Comparison cmp, std::vector<std::optional<std::int64_t>> values)
      : cmp_(cmp), values_(std::move(values)) {}

  bool matches_any(std::string_view v, const Env&) const override {
    auto request = parse_date(v);
    if (!request) return false;
    for (const auto& value : values_) {
      if (value && holds(cmp_, (*request > *value) - (*request < *value))) return true;
    }
    return false;
  }

 private:
  Comparison cmp_;
  std::vector<std::optional<std::int64_t>> values_;
};

}  // namespace

std::optional<std::int64_t> parse_date(std::string_view s) {
  if (auto epoch = parse_epoch(s)) return epoch;
  if (auto iso = to_nanos(core::parse_iso8601(s))) return iso;
  return parse_w3c_short(s);
}

std::unique_ptr<ValueMatcher> make_date_matcher(Comparison cmp,
                                                const std::vector<std::string>& values) {
  std::vector<std::optional<std::int64_t>> parsed;
  parsed.reserve(values.size());
  for (const auto& v : values) parsed.push_back(parse_date(v));
  return std::make_unique<DateMatcher>(cmp, std::move(parsed));
}

}  // namespace iamd::policy::conditions
