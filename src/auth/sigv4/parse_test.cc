// parse(): both forms, every error path, and hostile input (garbage, truncation, size limits).

#include <gtest/gtest.h>

#include <random>

#include "auth/sigv4/test_support.h"

namespace iamd::auth::sigv4 {
namespace {

using core::ErrorCode;
using testing::RawRequest;

constexpr std::string_view kSignature =
    "5d76d0de3e0ffe5a7a23cfce21b99d6f4e5060aad86bd9dc7c617f224e5b492a";
constexpr std::string_view kCredential =
    "Credential=AKIDEXAMPLE/20150830/us-east-1/iam/aws4_request";
constexpr std::string_view kSignedHeaders = "SignedHeaders=content-type;host;x-amz-date";

std::string authorization(std::string_view separator = ", ") {
  return "AWS4-HMAC-SHA256 " + std::string(kCredential) + std::string(separator) +
         std::string(kSignedHeaders) + std::string(separator) +
         "Signature=" + std::string(kSignature);
}

RawRequest post(std::string auth = authorization()) {
  RawRequest r{"POST", "/", {}, "Action=ListUsers&Version=2010-05-08"};
  r.headers = {{"Host", "iam.amazonaws.com"},
               {"Content-Type", "application/x-www-form-urlencoded; charset=utf-8"},
               {"X-Amz-Date", "20150830T123600Z"},
               {"Authorization", std::move(auth)}};
  return r;
}

core::Error parse_error(const RawRequest& r) {
  auto parsed = parse(r.view());
  EXPECT_FALSE(parsed) << "parsed unexpectedly";
  return parsed ? core::Error{ErrorCode::InternalFailure, ""} : parsed.error();
}

TEST(ParseHeader, ReadsEveryField) {
  auto parsed = parse(post().view());
  ASSERT_TRUE(parsed) << parsed.error().message;
  EXPECT_EQ(parsed->access_key_id, "AKIDEXAMPLE");
  EXPECT_EQ(parsed->date, "20150830");
  EXPECT_EQ(parsed->region, "us-east-1");
  EXPECT_EQ(parsed->service, "iam");
  EXPECT_EQ(parsed->terminator, "aws4_request");
  EXPECT_EQ(parsed->signed_headers,
            (std::vector<std::string>{"content-type", "host", "x-amz-date"}));
  EXPECT_EQ(parsed->signature, kSignature);
  EXPECT_EQ(parsed->amz_date, "20150830T123600Z");
  EXPECT_EQ(parsed->request_time, testing::at("20150830T123600Z"));
  EXPECT_FALSE(parsed->presigned);
  EXPECT_FALSE(parsed->session_token.has_value());
  EXPECT_FALSE(parsed->expires_seconds.has_value());
}

TEST(ParseHeader, AcceptsAnyWhitespaceAfterCommas) {
  for (std::string_view sep : {",", ", ", ",  ", ",\t", " , "}) {
    auto parsed = parse(post(authorization(sep)).view());
    EXPECT_TRUE(parsed) << "separator '" << sep << "': " << parsed.error().message;
  }
}

TEST(ParseHeader, NormalizesSignedHeaderCaseAndOrderAndSignatureCase) {
  std::string upper(kSignature);
  for (char& c : upper) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  auto parsed = parse(post("AWS4-HMAC-SHA256 " + std::string(kCredential) +
                           ", SignedHeaders=X-Amz-Date;Host, Signature=" + upper)
                          .view());
  ASSERT_TRUE(parsed) << parsed.error().message;
  EXPECT_EQ(parsed->signed_headers, (std::vector<std::string>{"host", "x-amz-date"}));
  EXPECT_EQ(parsed->signature, kSignature);
}

TEST(ParseHeader, FallsBackToTheDateHeader) {
  RawRequest r = post();
  r.headers[2] = {"Date", "Sun, 30 Aug 2015 12:36:00 GMT"};
  auto parsed = parse(r.view());
  ASSERT_TRUE(parsed) << parsed.error().message;
  EXPECT_EQ(parsed->amz_date, "20150830T123600Z");
  EXPECT_EQ(parsed->request_time, testing::at("20150830T123600Z"));
}

TEST(ParseHeader, PicksUpAnUnsignedSecurityToken) {
  RawRequest r = post();
  r.headers.emplace_back("X-Amz-Security-Token", "  token/+=  ");
  auto parsed = parse(r.view());
  ASSERT_TRUE(parsed);
  EXPECT_EQ(parsed->session_token, "token/+=");
}

TEST(ParseErrors, NoSigV4AtAllIsMissingAuthenticationToken) {
  RawRequest r = post();
  r.headers.pop_back();
  const auto error = parse_error(r);
  EXPECT_EQ(error.code, ErrorCode::MissingAuthenticationToken);
  EXPECT_EQ(error.message, "Request is missing Authentication Token");
}

TEST(ParseErrors, MissingCredentialIsListedWithTheHeader) {
  const std::string auth =
      "AWS4-HMAC-SHA256 " + std::string(kSignedHeaders) + ", Signature=" + std::string(kSignature);
  const auto error = parse_error(post(auth));
  EXPECT_EQ(error.code, ErrorCode::IncompleteSignature);
  EXPECT_EQ(error.message,
            "Authorization header requires 'Credential' parameter. Authorization=" + auth);
}

TEST(ParseErrors, ForeignSchemeWithoutDateListsEverything) {
  RawRequest r = post("Bearer eyJhbGciOi");
  r.headers.erase(r.headers.begin() + 2);  // X-Amz-Date
  const auto error = parse_error(r);
  EXPECT_EQ(error.code, ErrorCode::IncompleteSignature);
  EXPECT_EQ(error.message,
            "Authorization header requires 'Credential' parameter. "
            "Authorization header requires 'Signature' parameter. "
            "Authorization header requires 'SignedHeaders' parameter. "
            "Authorization header requires existence of either a 'X-Amz-Date' or a 'Date' header. "
            "Authorization=Bearer eyJhbGciOi");
}

TEST(ParseErrors, EmptyValuesCountAsMissing) {
  const auto error = parse_error(post("AWS4-HMAC-SHA256 Credential=, SignedHeaders=, Signature="));
  EXPECT_EQ(error.code, ErrorCode::IncompleteSignature);
  EXPECT_TRUE(
      error.message.starts_with("Authorization header requires 'Credential' parameter. "
                                "Authorization header requires 'Signature' parameter. "
                                "Authorization header requires 'SignedHeaders' parameter."))
      << error.message;
}

TEST(ParseErrors, BadDates) {
  RawRequest r = post();
  r.headers[2].second = "2015-08-30T12:36:00Z";
  auto error = parse_error(r);
  EXPECT_EQ(error.code, ErrorCode::IncompleteSignature);
  EXPECT_EQ(error.message,
            "Date must be in ISO-8601 'basic format'. Got '2015-08-30T12:36:00Z'. See "
            "http://en.wikipedia.org/wiki/ISO_8601");
  r.headers[2] = {"Date", "yesterday"};
  EXPECT_EQ(parse_error(r).code, ErrorCode::IncompleteSignature);
  r.headers[2] = {"X-Amz-Date", "20150231T123600Z"};  // February 31st
  EXPECT_EQ(parse_error(r).code, ErrorCode::IncompleteSignature);
}

TEST(ParseErrors, UnsupportedAlgorithm) {
  const auto error = parse_error(post("AWS4-ECDSA-P256-SHA256 " + std::string(kCredential) + ", " +
                                      std::string(kSignedHeaders) + ", Signature=3045"));
  EXPECT_EQ(error.code, ErrorCode::IncompleteSignature);
  EXPECT_EQ(error.message, "Unsupported AWS 'algorithm': 'AWS4-ECDSA-P256-SHA256'");
}

TEST(ParseErrors, HostMustBeSigned) {
  const auto error = parse_error(
      post("AWS4-HMAC-SHA256 " + std::string(kCredential) +
           ", SignedHeaders=content-type;x-amz-date, Signature=" + std::string(kSignature)));
  EXPECT_EQ(error.code, ErrorCode::IncompleteSignature);
  EXPECT_EQ(error.message,
            "'Host' or ':authority' must be a 'SignedHeader' in the AWS Authorization.");
}

TEST(ParseErrors, MalformedComponents) {
  const std::string sig = ", Signature=" + std::string(kSignature);
  const std::string headers = ", " + std::string(kSignedHeaders);
  for (const std::string& auth : {
           "AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20150830/us-east-1/iam" + headers + sig,
           "AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20150830/us-east-1/iam/aws4_request/x" +
               headers + sig,
           "AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20150830//iam/aws4_request" + headers + sig,
           "AWS4-HMAC-SHA256 Credential=AKID EXAMPLE/20150830/us-east-1/iam/aws4_request" +
               headers + sig,
           "AWS4-HMAC-SHA256 " + std::string(kCredential) + ", SignedHeaders=host;;x-amz-date" +
               sig,
           "AWS4-HMAC-SHA256 " + std::string(kCredential) + ", SignedHeaders=host;host" + sig,
           "AWS4-HMAC-SHA256 " + std::string(kCredential) + ", SignedHeaders=ho st" + sig,
           "AWS4-HMAC-SHA256 " + std::string(kCredential) + headers + ", Signature=abc",
           "AWS4-HMAC-SHA256 " + std::string(kCredential) + headers +
               ", Signature=" + std::string(63, 'a') + "g",
           "AWS4-HMAC-SHA256 " + std::string(kCredential) + headers + sig + sig,
       }) {
    const auto error = parse_error(post(auth));
    EXPECT_EQ(error.code, ErrorCode::IncompleteSignature) << auth;
  }
}

TEST(ParseErrors, ComponentWithoutEqualSign) {
  const auto error = parse_error(post("AWS4-HMAC-SHA256 Credential"));
  EXPECT_EQ(error.message,
            "'Credential' not a valid key=value pair (missing equal-sign) in Authorization header: "
            "'AWS4-HMAC-SHA256 Credential'.");
}

TEST(ParseErrors, HeaderAndQueryTogether) {
  RawRequest r = post();
  r.target = "/?X-Amz-Algorithm=AWS4-HMAC-SHA256";
  EXPECT_EQ(parse_error(r).code, ErrorCode::IncompleteSignature);
}

TEST(ParseErrors, RepeatedAuthorizationDateOrToken) {
  for (std::string_view name : {"Authorization", "X-Amz-Date", "X-Amz-Security-Token"}) {
    RawRequest r = post();
    r.headers.emplace_back(std::string(name), "20150830T123600Z");
    r.headers.emplace_back(std::string(name), "20150830T123600Z");
    EXPECT_EQ(parse_error(r).code, ErrorCode::IncompleteSignature) << name;
  }
}

TEST(ParseLimits, OversizedInputsAreIncompleteSignature) {
  RawRequest big_auth = post(authorization() + std::string(kMaxHeaderValueBytes, ' '));
  EXPECT_EQ(parse_error(big_auth).code, ErrorCode::IncompleteSignature);

  RawRequest big_signed = post();
  big_signed.headers[1].second = std::string(kMaxHeaderValueBytes + 1, 'x');
  EXPECT_EQ(parse_error(big_signed).code, ErrorCode::IncompleteSignature);

  RawRequest many_copies = post();
  for (int i = 0; i < 20; ++i)
    many_copies.headers.emplace_back("Content-Type", std::string(4000, 'x'));
  EXPECT_EQ(parse_error(many_copies).code, ErrorCode::IncompleteSignature);

  RawRequest big_token = post();
  big_token.headers.emplace_back("X-Amz-Security-Token",
                                 std::string(kMaxHeaderValueBytes + 1, 't'));
  EXPECT_EQ(parse_error(big_token).code, ErrorCode::IncompleteSignature);

  std::string names = "host";
  for (std::size_t i = 0; i < kMaxSignedHeaders; ++i) names += ";h" + std::to_string(i);
  EXPECT_EQ(parse_error(post("AWS4-HMAC-SHA256 " + std::string(kCredential) +
                             ", SignedHeaders=" + names + ", Signature=" + std::string(kSignature)))
                .code,
            ErrorCode::IncompleteSignature);

  const std::string long_part(kMaxCredentialPartBytes + 1, 'A');
  EXPECT_EQ(
      parse_error(post("AWS4-HMAC-SHA256 Credential=" + long_part +
                       "/20150830/us-east-1/iam/aws4_request, " + std::string(kSignedHeaders) +
                       ", Signature=" + std::string(kSignature)))
          .code,
      ErrorCode::IncompleteSignature);
}

TEST(ParseHostile, EveryTruncationOfAValidHeaderIsRejectedCleanly) {
  const std::string full = authorization();
  for (std::size_t n = 0; n < full.size(); ++n) {
    auto parsed = parse(post(full.substr(0, n)).view());
    ASSERT_FALSE(parsed) << n;
    EXPECT_EQ(parsed.error().code, ErrorCode::IncompleteSignature) << full.substr(0, n);
  }
  EXPECT_TRUE(parse(post(full).view()));
}

TEST(ParseHostile, GarbageNeverCrashesAndErrorsStayBounded) {
  std::mt19937 rng(20150830);
  std::uniform_int_distribution<int> byte(0, 255);
  const std::string base = authorization();
  for (int round = 0; round < 2000; ++round) {
    std::string auth = round % 2 == 0 ? base : std::string();
    const int n = 1 + round % 300;
    for (int i = 0; i < n; ++i) {
      const char c = static_cast<char>(byte(rng));
      if (auth.empty() || round % 3 == 0) {
        auth.push_back(c);
      } else {
        auth[static_cast<std::size_t>(byte(rng)) % auth.size()] = c;
      }
    }
    auto parsed = parse(post(auth).view());
    if (!parsed) {
      EXPECT_LE(parsed.error().message.size(), 2000u);
      EXPECT_EQ(parsed.error().message.find('\n'), std::string::npos);
    }
  }
}

RawRequest presigned(std::string query) {
  return RawRequest{"GET", "/?" + std::move(query), {{"Host", "iam.amazonaws.com"}}, ""};
}

constexpr std::string_view kPresignedQuery =
    "Action=ListUsers&Version=2010-05-08&X-Amz-Algorithm=AWS4-HMAC-SHA256&X-Amz-Credential="
    "AKIDEXAMPLE%2F20150830%2Fus-east-1%2Fiam%2Faws4_request&X-Amz-Date=20150830T123600Z&"
    "X-Amz-Expires=3600&X-Amz-SignedHeaders=host&X-Amz-Signature="
    "19b5e69052086a0eff1fc6a91ce96e911b281f611960339edf73a448fcef862d";

TEST(ParsePresigned, ReadsEveryField) {
  auto parsed =
      parse(presigned(std::string(kPresignedQuery) + "&X-Amz-Security-Token=a%2Bb").view());
  ASSERT_TRUE(parsed) << parsed.error().message;
  EXPECT_TRUE(parsed->presigned);
  EXPECT_EQ(parsed->access_key_id, "AKIDEXAMPLE");
  EXPECT_EQ(parsed->service, "iam");
  EXPECT_EQ(parsed->signed_headers, std::vector<std::string>{"host"});
  EXPECT_EQ(parsed->expires_seconds, 3600);
  EXPECT_EQ(parsed->amz_date, "20150830T123600Z");
  EXPECT_EQ(parsed->session_token, "a+b");
}

TEST(ParsePresigned, MissingParametersAreListed) {
  const auto error =
      parse_error(presigned("X-Amz-Algorithm=AWS4-HMAC-SHA256&X-Amz-Date=20150830T123600Z"));
  EXPECT_EQ(error.code, ErrorCode::IncompleteSignature);
  EXPECT_EQ(error.message,
            "AWS query-string parameters must include 'X-Amz-Credential'. "
            "AWS query-string parameters must include 'X-Amz-Signature'. "
            "AWS query-string parameters must include 'X-Amz-SignedHeaders'. "
            "AWS query-string parameters must include 'X-Amz-Expires'. "
            "Re-examine the query-string parameters.");
}

TEST(ParsePresigned, Errors) {
  const std::string q(kPresignedQuery);
  auto replace = [&q](std::string_view from, std::string_view to) {
    std::string out = q;
    out.replace(out.find(from), from.size(), to);
    return out;
  };
  for (const std::string& query : {
           replace("AWS4-HMAC-SHA256", "AWS4-ECDSA-P256-SHA256"),
           replace("X-Amz-Expires=3600", "X-Amz-Expires=soon"),
           replace("X-Amz-Date=20150830T123600Z", "X-Amz-Date=2015-08-30"),
           replace("%2Faws4_request", ""),
           replace("X-Amz-SignedHeaders=host", "X-Amz-SignedHeaders=x-amz-date"),
           q + "&X-Amz-Date=20150830T123600Z",
           q + "&X-Amz-Security-Token=" + std::string(kMaxHeaderValueBytes + 1, 't'),
       }) {
    EXPECT_EQ(parse_error(presigned(query)).code, ErrorCode::IncompleteSignature) << query;
  }
  auto parsed = parse(presigned(replace("X-Amz-Expires=3600", "X-Amz-Expires=-5")).view());
  ASSERT_TRUE(parsed) << "the range is judged by check_scope_and_time";
  EXPECT_EQ(parsed->expires_seconds, -5);
  parsed = parse(
      presigned(replace("X-Amz-Expires=3600", "X-Amz-Expires=99999999999999999999999")).view());
  ASSERT_TRUE(parsed);
  EXPECT_EQ(parsed->expires_seconds, INT64_MAX);
}

}  // namespace
}  // namespace iamd::auth::sigv4
