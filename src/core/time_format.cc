#include "core/time_format.h"

#include <array>
#include <cstdio>
#include <ctime>

namespace iamd::core {
namespace {

std::tm to_utc(TimePoint t) {
  std::time_t secs = std::chrono::system_clock::to_time_t(t);
  std::tm tm{};
  gmtime_r(&secs, &tm);
  return tm;
}

std::string strftime_utc(TimePoint t, const char* format) {
  std::tm tm = to_utc(t);
  std::array<char, 64> buf{};
  size_t n = std::strftime(buf.data(), buf.size(), format, &tm);
  return std::string(buf.data(), n);
}

// Days from 1970-01-01 to y-m-d in the proleptic Gregorian calendar (Howard Hinnant's algorithm).
long days_from_civil(int y, unsigned m, unsigned d) {
  y -= m <= 2;
  const long era = (y >= 0 ? y : y - 399) / 400;
  const unsigned yoe = static_cast<unsigned>(y - era * 400);
  const unsigned doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
  const unsigned doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
  return era * 146097 + static_cast<long>(doe) - 719468;
}

bool is_leap(int y) { return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0; }

std::optional<TimePoint> make_time(int y, int mo, int d, int h, int mi, int s) {
  static constexpr int kDays[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  if (y < 1970 || y > 9999 || mo < 1 || mo > 12 || d < 1 || h > 23 || mi > 59 || s > 60) {
    return std::nullopt;
  }
  int dim = kDays[mo - 1] + (mo == 2 && is_leap(y) ? 1 : 0);
  if (d > dim) return std::nullopt;
  long days = days_from_civil(y, static_cast<unsigned>(mo), static_cast<unsigned>(d));
  auto secs = std::chrono::seconds(days * 86400L + h * 3600L + mi * 60L + s);
  // TimePoint counts nanoseconds in 64 bits: it ends in 2262. Later dates (a client's "year
  // 4030", a policy's "9999-12-31") saturate instead of overflowing.
  constexpr auto kLast = std::chrono::duration_cast<std::chrono::seconds>(
      TimePoint::duration::max());
  if (secs >= kLast) return TimePoint::max();
  return TimePoint(std::chrono::duration_cast<TimePoint::duration>(secs));
}

// y-m-d of the day `days` after 1970-01-01: the inverse of days_from_civil (same algorithm).
void civil_from_days(long days, int& y, unsigned& m, unsigned& d) {
  days += 719468;
  const long era = (days >= 0 ? days : days - 146096) / 146097;
  const auto doe = static_cast<unsigned>(days - era * 146097);
  const unsigned yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
  const unsigned doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
  const unsigned mp = (5 * doy + 2) / 153;
  d = doy - (153 * mp + 2) / 5 + 1;
  m = mp < 10 ? mp + 3 : mp - 9;
  y = static_cast<int>(yoe) + static_cast<int>(era) * 400 + (m <= 2);
}

void put2(char* p, unsigned v) {
  p[0] = static_cast<char>('0' + v / 10);
  p[1] = static_cast<char>('0' + v % 10);
}

// "YYYY-MM-DDTHH:MM:SS" (19 characters) at `out`; false for years outside 0000-9999, which
// strftime formats instead. Every timestamp on the wire and in the audit trail passes here, and
// strftime (locale and all) cost more than the rest of rendering an audit record.
bool write_iso8601_seconds(TimePoint t, char* out) {
  const CivilTime c = civil_utc(t);
  if (c.year < 0 || c.year > 9999) return false;
  put2(out, static_cast<unsigned>(c.year) / 100);
  put2(out + 2, static_cast<unsigned>(c.year) % 100);
  out[4] = '-';
  put2(out + 5, c.month);
  out[7] = '-';
  put2(out + 8, c.day);
  out[10] = 'T';
  put2(out + 11, c.hour);
  out[13] = ':';
  put2(out + 14, c.minute);
  out[16] = ':';
  put2(out + 17, c.second);
  return true;
}

// Reads exactly n decimal digits at s[pos]; -1 if any is not a digit.
int digits(std::string_view s, size_t pos, size_t n) {
  if (pos + n > s.size()) return -1;
  int v = 0;
  for (size_t i = pos; i < pos + n; ++i) {
    if (s[i] < '0' || s[i] > '9') return -1;
    v = v * 10 + (s[i] - '0');
  }
  return v;
}

}  // namespace

CivilTime civil_utc(TimePoint t) {
  const auto secs = std::chrono::floor<std::chrono::seconds>(t.time_since_epoch()).count();
  const long days = static_cast<long>(secs >= 0 ? secs / 86400 : (secs - 86399) / 86400);
  const auto of_day = static_cast<unsigned>(secs - static_cast<long long>(days) * 86400);
  CivilTime c{};
  civil_from_days(days, c.year, c.month, c.day);
  c.hour = of_day / 3600;
  c.minute = of_day / 60 % 60;
  c.second = of_day % 60;
  return c;
}

std::string format_iso8601(TimePoint t) {
  std::string out;
  append_iso8601(out, t);
  return out;
}

void append_iso8601(std::string& out, TimePoint t) {
  char buf[20];
  if (!write_iso8601_seconds(t, buf)) {
    out += strftime_utc(t, "%Y-%m-%dT%H:%M:%SZ");
    return;
  }
  buf[19] = 'Z';
  out.append(buf, sizeof buf);
}

std::string format_iso8601_millis(TimePoint t) {
  auto ms = std::chrono::duration_cast<std::chrono::milliseconds>(t.time_since_epoch()).count() % 1000;
  std::string base = strftime_utc(t, "%Y-%m-%dT%H:%M:%S");
  char frac[8];
  std::snprintf(frac, sizeof frac, ".%03dZ", static_cast<int>(ms));
  return base + frac;
}

std::string format_amz_date(TimePoint t) { return strftime_utc(t, "%Y%m%dT%H%M%SZ"); }

std::string format_http_date(TimePoint t) {
  // strftime's %a/%b follow the C locale, which is what HTTP wants.
  return strftime_utc(t, "%a, %d %b %Y %H:%M:%S GMT");
}

std::optional<TimePoint> parse_amz_date(std::string_view s) {
  if (s.size() != 16 || s[8] != 'T' || s[15] != 'Z') return std::nullopt;
  int y = digits(s, 0, 4), mo = digits(s, 4, 2), d = digits(s, 6, 2);
  int h = digits(s, 9, 2), mi = digits(s, 11, 2), sec = digits(s, 13, 2);
  if (y < 0 || mo < 0 || d < 0 || h < 0 || mi < 0 || sec < 0) return std::nullopt;
  return make_time(y, mo, d, h, mi, sec);
}

std::optional<TimePoint> parse_http_date(std::string_view s) {
  static constexpr std::string_view kMonths[] = {"Jan", "Feb", "Mar", "Apr", "May", "Jun",
                                                 "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"};
  // "Sun, 30 Aug 2015 12:36:00 GMT"
  if (s.size() != 29 || s.substr(3, 2) != ", " || s.substr(25) != " GMT") return std::nullopt;
  int d = digits(s, 5, 2);
  int mo = 0;
  for (int i = 0; i < 12; ++i) {
    if (s.substr(8, 3) == kMonths[i]) mo = i + 1;
  }
  int y = digits(s, 12, 4), h = digits(s, 17, 2), mi = digits(s, 20, 2), sec = digits(s, 23, 2);
  if (d < 0 || mo == 0 || y < 0 || h < 0 || mi < 0 || sec < 0 || s[19] != ':' || s[22] != ':') {
    return std::nullopt;
  }
  return make_time(y, mo, d, h, mi, sec);
}

std::optional<TimePoint> parse_iso8601(std::string_view s) {
  if (s.size() < 10 || s[4] != '-' || s[7] != '-') return std::nullopt;
  int y = digits(s, 0, 4), mo = digits(s, 5, 2), d = digits(s, 8, 2);
  if (y < 0 || mo < 0 || d < 0) return std::nullopt;
  if (s.size() == 10) return make_time(y, mo, d, 0, 0, 0);
  if (s.size() < 19 || (s[10] != 'T' && s[10] != 't') || s[13] != ':' || s[16] != ':') {
    return std::nullopt;
  }
  int h = digits(s, 11, 2), mi = digits(s, 14, 2), sec = digits(s, 17, 2);
  if (h < 0 || mi < 0 || sec < 0) return std::nullopt;
  size_t pos = 19;
  long nanos = 0;
  if (pos < s.size() && s[pos] == '.') {
    ++pos;
    int n = 0;
    while (pos < s.size() && s[pos] >= '0' && s[pos] <= '9') {
      if (n < 9) nanos = nanos * 10 + (s[pos] - '0');
      ++n;
      ++pos;
    }
    if (n == 0) return std::nullopt;
    for (int i = n; i < 9; ++i) nanos *= 10;
  }
  long offset = 0;
  if (pos < s.size() && (s[pos] == 'Z' || s[pos] == 'z')) {
    ++pos;
  } else if (pos < s.size() && (s[pos] == '+' || s[pos] == '-')) {
    int oh = digits(s, pos + 1, 2), om = -1;
    if (pos + 3 < s.size() && s[pos + 3] == ':') om = digits(s, pos + 4, 2);
    else om = digits(s, pos + 3, 2);
    if (oh < 0 || om < 0 || oh > 23 || om > 59) return std::nullopt;
    offset = (s[pos] == '+' ? 1 : -1) * (oh * 3600L + om * 60L);
    pos += (s[pos + 3] == ':') ? 6 : 5;
  }
  if (pos != s.size()) return std::nullopt;
  auto t = make_time(y, mo, d, h, mi, sec);
  if (!t) return std::nullopt;
  return *t - std::chrono::seconds(offset) +
         std::chrono::duration_cast<TimePoint::duration>(std::chrono::nanoseconds(nanos));
}

}  // namespace iamd::core
