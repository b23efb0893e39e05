// Each canonical-request component on its own (spec §5.2), including the cases the test suite
// does not cover: double encoding of an encoded path, '+' in queries, malformed escapes, the
// payload hash header.

#include "auth/sigv4/canonical_request.h"

#include <gtest/gtest.h>

#include <array>

#include "auth/sigv4/query.h"
#include "auth/sigv4/test_support.h"

namespace iamd::auth::sigv4 {
namespace {

constexpr std::string_view kEmptyHash =
    "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855";

TEST(SplitTarget, SplitsAtTheFirstQuestionMark) {
  EXPECT_EQ(split_target("/a?b=c?d").path, "/a");
  EXPECT_EQ(split_target("/a?b=c?d").query, "b=c?d");
  EXPECT_EQ(split_target("/a").query, "");
  EXPECT_EQ(split_target("/?").query, "");
}

struct UriCase {
  std::string_view raw;
  std::string_view normalized;
  std::string_view unnormalized;
};

TEST(CanonicalUri, NormalizesThenEncodesTheWireFormAgain) {
  constexpr std::array<UriCase, 14> kCases = {{
      {"", "/", "/"},
      {"/", "/", "/"},
      {"//", "/", "//"},
      {"/./", "/", "/./"},
      {"/example/..", "/", "/example/.."},
      {"/a/b/..", "/a", "/a/b/.."},
      {"/a/b/../", "/a/", "/a/b/../"},
      {"/../../a", "/a", "/../../a"},
      {"//example//", "/example/", "//example//"},
      {"/./example", "/example", "/./example"},
      {"/example space/", "/example%20space/", "/example%20space/"},
      // Already percent-encoded on the wire, so encoded again (spec §5.2).
      {"/example%20space/", "/example%2520space/", "/example%2520space/"},
      {"/-._~AZaz09", "/-._~AZaz09", "/-._~AZaz09"},
      {"/a+b:c@d", "/a%2Bb%3Ac%40d", "/a%2Bb%3Ac%40d"},
  }};
  for (const auto& c : kCases) {
    EXPECT_EQ(canonical_uri(c.raw, PathNormalization::Rfc3986), c.normalized) << c.raw;
    EXPECT_EQ(canonical_uri(c.raw, PathNormalization::None), c.unnormalized) << c.raw;
  }
}

TEST(CanonicalQueryString, DecodesReencodesAndSorts) {
  EXPECT_EQ(canonical_query_string(""), "");
  EXPECT_EQ(canonical_query_string("Version=2010-05-08&Action=ListUsers"),
            "Action=ListUsers&Version=2010-05-08");
  // By name, then by value, in byte order: upper case before lower case.
  EXPECT_EQ(canonical_query_string("Param1=value2&Param1=Value1&Param1=value1"),
            "Param1=Value1&Param1=value1&Param1=value2");
  EXPECT_EQ(canonical_query_string("b&a="), "a=&b=");
  EXPECT_EQ(canonical_query_string("a=1&&b=2&"), "a=1&b=2");
  // Lower-case escapes and needless escapes come out in the one canonical spelling.
  EXPECT_EQ(canonical_query_string("%e1%88%b4=%41%2f"), "%E1%88%B4=A%2F");
  EXPECT_EQ(canonical_query_string("k=a=b"), "k=a%3Db");
}

TEST(CanonicalQueryString, PlusIsASpaceAsInTheFormDecoder) {
  EXPECT_EQ(canonical_query_string("Path=/a+b/"), "Path=%2Fa%20b%2F");
  EXPECT_EQ(canonical_query_string("Path=%2Fa%20b%2F"), "Path=%2Fa%20b%2F");
  EXPECT_EQ(canonical_query_string("v=a%2Bb"), "v=a%2Bb");
}

TEST(CanonicalQueryString, MalformedEscapesStayLiteral) {
  EXPECT_EQ(canonical_query_string("a=%zz&b=%&c=%4"), "a=%25zz&b=%25&c=%254");
}

TEST(CanonicalQueryString, LeavesOutExcludedNames) {
  constexpr std::array<std::string_view, 1> kExcluded = {"X-Amz-Signature"};
  EXPECT_EQ(canonical_query_string("X-Amz-Signature=abc&A=1&x-amz-signature=2", kExcluded),
            "A=1&x-amz-signature=2");
}

TEST(Trimall, CollapsesWhitespaceRunsIncludingFoldedLines) {
  EXPECT_EQ(trimall("  a   b   c  "), "a b c");
  EXPECT_EQ(trimall("\"a   b   c\""), "\"a b c\"");
  EXPECT_EQ(trimall("value1\n  value2\n     value3"), "value1 value2 value3");
  EXPECT_EQ(trimall("a\t\r\nb"), "a b");
  EXPECT_EQ(trimall("   "), "");
  EXPECT_EQ(trimall(""), "");
}

TEST(CanonicalHeaders, JoinsRepeatsInArrivalOrderAndSortsByName) {
  testing::RawRequest raw{
      "GET",
      "/",
      {{"My-Header1", " value4"}, {"Host", "h"}, {"my-header1", "value1 "}, {"MY-HEADER1", "a  b"}},
      ""};
  const std::vector<std::string> names = {"host", "my-header1"};
  auto headers = canonical_headers(raw.view(), names);
  ASSERT_TRUE(headers);
  EXPECT_EQ(*headers, "host:h\nmy-header1:value4,value1,a b\n");
  EXPECT_EQ(signed_headers_line(names), "host;my-header1");
}

TEST(CanonicalHeaders, SignedHeaderMissingFromTheRequestDoesNotMatch) {
  testing::RawRequest raw{"GET", "/", {{"Host", "h"}}, ""};
  const std::vector<std::string> names = {"host", "x-amz-date"};
  auto headers = canonical_headers(raw.view(), names);
  ASSERT_FALSE(headers);
  EXPECT_EQ(headers.error().code, core::ErrorCode::SignatureDoesNotMatch);
}

TEST(HashedPayload, HashesTheBody) {
  testing::RawRequest raw{"POST", "/", {}, ""};
  EXPECT_EQ(*hashed_payload(raw.view()), kEmptyHash);
  raw.body = "Action=ListUsers&Version=2010-05-08";
  EXPECT_EQ(*hashed_payload(raw.view()),
            "b6359072c78d70ebee1e81adcbab4f01bf2c23245fa365ef83fe8f1f955085e2");
}

TEST(HashedPayload, ContentSha256HeaderIsUsedOnlyWhenItIsTheBodysHash) {
  testing::RawRequest raw{"POST", "/", {}, "Param1=value1"};
  const std::string hash = "9095672bbd1f56dfc5b65f3e153adc8731a4a654192329106275f4c7b24d0b6e";
  raw.set_header("X-Amz-Content-Sha256", hash);
  EXPECT_EQ(*hashed_payload(raw.view()), hash);

  std::string upper = hash;
  for (char& c : upper) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  raw.set_header("X-Amz-Content-Sha256", upper);
  EXPECT_EQ(*hashed_payload(raw.view()), upper) << "used verbatim, as the client signed it";

  for (std::string bad :
       {std::string(kEmptyHash), std::string("UNSIGNED-PAYLOAD"), std::string()}) {
    raw.set_header("X-Amz-Content-Sha256", bad);
    auto payload = hashed_payload(raw.view());
    ASSERT_FALSE(payload) << bad;
    EXPECT_EQ(payload.error().code, core::ErrorCode::SignatureDoesNotMatch);
    EXPECT_EQ(payload.error().message,
              "The provided 'x-amz-content-sha256' header does not match what was computed.");
  }
}

TEST(CanonicalRequest, PresignedLeavesOutTheSignatureAndOptionallyTheToken) {
  testing::RawRequest raw{
      "GET", "/?X-Amz-Signature=00&X-Amz-Security-Token=t%2B&B=2", {{"Host", "h"}}, ""};
  ParsedSignature s;
  s.signed_headers = {"host"};
  s.presigned = true;
  const std::string tail = "\nhost:h\n\nhost\n" + std::string(kEmptyHash);
  EXPECT_EQ(*canonical_request(raw.view(), s), "GET\n/\nB=2&X-Amz-Security-Token=t%2B" + tail);
  EXPECT_EQ(
      *canonical_request(raw.view(), s, {PathNormalization::Rfc3986, QuerySecurityToken::Unsigned}),
      "GET\n/\nB=2" + tail);
  s.presigned = false;  // the header form signs whatever is in the query
  EXPECT_EQ(*canonical_request(raw.view(), s),
            "GET\n/\nB=2&X-Amz-Security-Token=t%2B&X-Amz-Signature=00" + tail);
}

}  // namespace
}  // namespace iamd::auth::sigv4
