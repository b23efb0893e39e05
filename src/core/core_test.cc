#include <gtest/gtest.h>

#include <ctime>
#include <sstream>
#include <vector>

#include "core/arn.h"
#include "core/error.h"
#include "core/ids.h"
#include "core/result.h"
#include "core/secret.h"
#include "core/strings.h"
#include "core/time_format.h"

namespace iamd::core {
namespace {

// A deterministic byte source: counts up from a seed.
class CountingRandom final : public Random {
 public:
  void fill(std::span<std::uint8_t> out) override {
    for (auto& b : out) b = next_++;
  }

 private:
  std::uint8_t next_ = 0;
};

TEST(ErrorTable, CodesStatusesAndFaults) {
  EXPECT_EQ(wire_code(ErrorCode::NoSuchEntity), "NoSuchEntity");
  EXPECT_EQ(http_status(ErrorCode::NoSuchEntity), 404);
  EXPECT_EQ(http_status(ErrorCode::EntityAlreadyExists), 409);
  EXPECT_EQ(http_status(ErrorCode::SignatureDoesNotMatch), 403);
  EXPECT_EQ(http_status(ErrorCode::IncompleteSignature), 400);
  EXPECT_EQ(http_status(ErrorCode::MalformedQueryString), 404);
  EXPECT_EQ(fault(ErrorCode::ValidationError), Fault::Sender);
  EXPECT_EQ(fault(ErrorCode::ServiceFailure), Fault::Receiver);
  EXPECT_EQ(http_status(ErrorCode::ServiceUnavailable), 503);
}

Result<int> half(int x) {
  if (x % 2 != 0) return Error{ErrorCode::InvalidInput, "odd"};
  return x / 2;
}

Status chain(int x, int& out) {
  auto r = half(x);
  IAMD_TRY(r);
  out = *r;
  return {};
}

TEST(ResultTest, ValueOrError) {
  EXPECT_EQ(*half(4), 2);
  auto r = half(3);
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().code, ErrorCode::InvalidInput);
  int out = 0;
  EXPECT_TRUE(chain(8, out));
  EXPECT_EQ(out, 4);
  EXPECT_EQ(chain(7, out).error().message, "odd");
}

TEST(TimeFormat, RoundTrips) {
  auto t = parse_amz_date("20150830T123600Z");
  ASSERT_TRUE(t);
  EXPECT_EQ(format_amz_date(*t), "20150830T123600Z");
  EXPECT_EQ(format_iso8601(*t), "2015-08-30T12:36:00Z");
  EXPECT_EQ(format_http_date(*t), "Sun, 30 Aug 2015 12:36:00 GMT");
  EXPECT_EQ(parse_http_date("Sun, 30 Aug 2015 12:36:00 GMT"), t);
  EXPECT_EQ(parse_iso8601("2015-08-30T12:36:00Z"), t);
  EXPECT_EQ(parse_iso8601("2015-08-30T14:36:00+02:00"), t);
  EXPECT_EQ(format_iso8601_millis(*parse_iso8601("2015-08-30T12:36:00.250Z")),
            "2015-08-30T12:36:00.250Z");
}

// format_iso8601 computes the calendar itself; gmtime_r and strftime are the reference, over
// the clock's whole range (1677 to 2262), before 1970 and between whole seconds included.
TEST(TimeFormat, Iso8601MatchesTheCLibrary) {
  auto reference = [](TimePoint t) {
    const std::time_t secs = std::chrono::system_clock::to_time_t(
        std::chrono::floor<std::chrono::seconds>(t));
    std::tm tm{};
    gmtime_r(&secs, &tm);
    char buf[64];
    return std::string(buf, std::strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%SZ", &tm));
  };
  std::uint64_t x = 88172645463325252ull;  // xorshift64
  std::vector<TimePoint> times = {TimePoint{}, TimePoint::min(), TimePoint::max(),
                                  TimePoint(std::chrono::nanoseconds(-1)),
                                  *parse_iso8601("2000-02-29T23:59:59Z"),
                                  *parse_iso8601("2100-03-01T00:00:00Z")};
  for (int i = 0; i < 20000; ++i) {
    x ^= x << 13;
    x ^= x >> 7;
    x ^= x << 17;
    times.push_back(TimePoint(TimePoint::duration(static_cast<std::int64_t>(x))));
  }
  for (TimePoint t : times) {
    ASSERT_EQ(format_iso8601(t), reference(t)) << t.time_since_epoch().count();
    std::string appended = "at ";
    append_iso8601(appended, t);
    ASSERT_EQ(appended, "at " + reference(t));
  }
}

TEST(TimeFormat, RejectsMalformed) {
  EXPECT_FALSE(parse_amz_date("20150830T123600"));
  EXPECT_FALSE(parse_amz_date("2015083OT123600Z"));
  EXPECT_FALSE(parse_amz_date("20150231T000000Z"));  // no 31 February
  EXPECT_FALSE(parse_amz_date("20151330T000000Z"));
  EXPECT_FALSE(parse_amz_date(""));
  EXPECT_FALSE(parse_iso8601("2015-08-30T12:36"));
  EXPECT_FALSE(parse_iso8601("2015-08-30X"));
  EXPECT_FALSE(parse_http_date("Sun, 30 Foo 2015 12:36:00 GMT"));
  EXPECT_TRUE(parse_amz_date("20160229T000000Z"));  // leap day
  EXPECT_FALSE(parse_amz_date("20150229T000000Z"));
}

TEST(TimeFormat, DatesPastTheClockRangeSaturate) {
  // Nanoseconds since 1970 in 64 bits end in April 2262; later dates must not overflow.
  EXPECT_EQ(parse_http_date("Sun, 30 Aug 4030 12:36:00 GMT"), TimePoint::max());
  EXPECT_EQ(parse_amz_date("99991231T235959Z"), TimePoint::max());
  EXPECT_EQ(parse_iso8601("9999-12-31T23:59:59Z"), TimePoint::max());
  auto last_ok = parse_iso8601("2262-04-11T00:00:00Z");
  ASSERT_TRUE(last_ok);
  EXPECT_LT(*last_ok, TimePoint::max());
}

TEST(ArnTest, BuildsAndParses) {
  EXPECT_EQ(root_arn("123456789012"), "arn:aws:iam::123456789012:root");
  EXPECT_EQ(iam_arn("123456789012", "user", "/", "JaneDoe"),
            "arn:aws:iam::123456789012:user/JaneDoe");
  EXPECT_EQ(iam_arn("123456789012", "user", "/division_abc/subdivision_xyz/", "JaneDoe"),
            "arn:aws:iam::123456789012:user/division_abc/subdivision_xyz/JaneDoe");
  auto a = Arn::parse("arn:aws:sts::123456789012:assumed-role/demo/John:x");
  ASSERT_TRUE(a);
  EXPECT_EQ(a->service, "sts");
  EXPECT_EQ(a->region, "");
  EXPECT_EQ(a->account, "123456789012");
  EXPECT_EQ(a->resource, "assumed-role/demo/John:x");
  EXPECT_EQ(a->to_string(), "arn:aws:sts::123456789012:assumed-role/demo/John:x");
  EXPECT_FALSE(Arn::parse("arn:aws:iam"));
  EXPECT_FALSE(Arn::parse("urn:aws:iam::1:root"));
}

TEST(Ids, ShapesMatchAws) {
  CountingRandom random;
  std::string user = make_entity_id(random, id_prefix::kUser);
  EXPECT_EQ(user.size(), 21u);
  EXPECT_EQ(user.substr(0, 4), "AIDA");
  for (char c : user) EXPECT_TRUE((c >= 'A' && c <= 'Z') || (c >= '2' && c <= '7')) << user;
  std::string key = make_access_key_id(random, id_prefix::kAccessKey);
  EXPECT_EQ(key.size(), 20u);
  EXPECT_EQ(key.substr(0, 4), "AKIA");
  EXPECT_EQ(make_secret_access_key(random).size(), 40u);
  std::string account = make_account_id(random);
  EXPECT_EQ(account.size(), 12u);
  EXPECT_NE(account[0], '0');
  std::string uuid = make_uuid(random);
  EXPECT_EQ(uuid.size(), 36u);
  EXPECT_EQ(uuid[14], '4');
}

TEST(Strings, UriEncodeIsRfc3986) {
  EXPECT_EQ(uri_encode("{\"Version\":\"2012-10-17\"}"), "%7B%22Version%22%3A%222012-10-17%22%7D");
  EXPECT_EQ(uri_encode("a b+c~d_e.f-g"), "a%20b%2Bc~d_e.f-g");
  EXPECT_EQ(uri_encode("a/b"), "a%2Fb");
  EXPECT_EQ(uri_encode("a/b", true), "a/b");
  EXPECT_EQ(uri_encode("\xe1\x88\xb4"), "%E1%88%B4");
}

TEST(Strings, Utf8Validation) {
  EXPECT_TRUE(is_valid_utf8("plain"));
  EXPECT_TRUE(is_valid_utf8("\xe1\x88\xb4"));
  EXPECT_FALSE(is_valid_utf8("\xff"));
  EXPECT_FALSE(is_valid_utf8("\xc0\x80"));          // overlong NUL
  EXPECT_FALSE(is_valid_utf8("\xed\xa0\x80"));      // surrogate
  EXPECT_FALSE(is_valid_utf8("\xe1\x88"));          // truncated
  EXPECT_TRUE(iequals("ADMINS", "admins"));
  EXPECT_FALSE(iequals("admin", "admins"));
  EXPECT_EQ(ascii_lower("AbC"), "abc");
}

TEST(SecretTest, NeverPrints) {
  Secret s("wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY");
  std::ostringstream os;
  os << s;
  EXPECT_EQ(os.str(), "***");
  EXPECT_EQ(s.reveal().size(), 40u);
}

}  // namespace
}  // namespace iamd::core
