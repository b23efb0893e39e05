// The spec's worked IAM examples (§5.7), check_scope_and_time's every error with its exact text
// (§5.5 steps 3-5), verify()'s rejections, and the signing-key cache.

#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <thread>

#include "auth/sigv4/test_support.h"
#include "crypto/bytes.h"

namespace iamd::auth::sigv4 {
namespace {

using core::ErrorCode;
using std::chrono::minutes;
using std::chrono::seconds;
using testing::at;
using testing::kExampleSecret;
using testing::RawRequest;

RawRequest list_users(std::string method) {
  RawRequest r{std::move(method), "/", {}, ""};
  r.headers = {{"Host", "iam.amazonaws.com"},
               {"Content-Type", "application/x-www-form-urlencoded; charset=utf-8"},
               {"X-Amz-Date", "20150830T123600Z"}};
  if (r.method == "GET") {
    r.target = "/?Action=ListUsers&Version=2010-05-08";
  } else {
    r.body = "Action=ListUsers&Version=2010-05-08";
  }
  return r;
}

RawRequest signed_list_users(std::string method, std::string signature) {
  RawRequest r = list_users(std::move(method));
  r.headers.emplace_back(
      "Authorization",
      "AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20150830/us-east-1/iam/aws4_request, "
      "SignedHeaders=content-type;host;x-amz-date, Signature=" +
          std::move(signature));
  return r;
}

constexpr std::string_view kPresignedTarget =
    "/?Action=ListUsers&Version=2010-05-08&X-Amz-Algorithm=AWS4-HMAC-SHA256&X-Amz-Credential="
    "AKIDEXAMPLE%2F20150830%2Fus-east-1%2Fiam%2Faws4_request&X-Amz-Date=20150830T123600Z&"
    "X-Amz-Expires=3600&X-Amz-SignedHeaders=host&X-Amz-Signature="
    "19b5e69052086a0eff1fc6a91ce96e911b281f611960339edf73a448fcef862d";

class WorkedExample : public ::testing::Test {
 protected:
  void expect_verifies(const RawRequest& raw, std::string_view canonical, std::string_view hash) {
    const SignableRequest request = raw.view();
    auto parsed = parse(request);
    ASSERT_TRUE(parsed) << parsed.error().message;
    auto creq = canonical_request(request, *parsed);
    ASSERT_TRUE(creq);
    EXPECT_EQ(*creq, canonical);
    const std::string sts = string_to_sign(*parsed, *creq);
    EXPECT_EQ(sts, "AWS4-HMAC-SHA256\n20150830T123600Z\n20150830/us-east-1/iam/aws4_request\n" +
                       std::string(hash));
    EXPECT_TRUE(check_scope_and_time(*parsed, "iam", at("20150830T123600Z")));
    auto verified = verify(request, *parsed, kExampleSecret, cache_);
    EXPECT_TRUE(verified) << verified.error().message;
    EXPECT_FALSE(verify(request, *parsed, "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEZ", cache_));
  }
  SigningKeyCache cache_;
};

TEST_F(WorkedExample, SigningKeyChain) {
  EXPECT_EQ(crypto::to_hex(derive_signing_key(kExampleSecret, "20150830", "us-east-1", "iam")),
            "c4afb1cc5771d871763a393e44b703571b55cc28424d1a5e86da6ed3c154a4b9");
  // spec §5.6: the test suite's scope.
  EXPECT_EQ(crypto::to_hex(derive_signing_key(kExampleSecret, "20150830", "us-east-1", "service")),
            "938127b5336810ddb6a5d6af445fcac9e371f9ed418ed386b022aed82901be75");
}

TEST_F(WorkedExample, Get) {
  expect_verifies(
      signed_list_users("GET", "5d672d79c15b13162d9279b0855cfba6789a8edb4c82c400e06b5924a6f2b5d7"),
      "GET\n/\nAction=ListUsers&Version=2010-05-08\n"
      "content-type:application/x-www-form-urlencoded; charset=utf-8\n"
      "host:iam.amazonaws.com\nx-amz-date:20150830T123600Z\n\n"
      "content-type;host;x-amz-date\n"
      "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855",
      "f536975d06c0309214f805bb90ccff089219ecd68b2577efef23edd43b7e1a59");
}

TEST_F(WorkedExample, Post) {
  expect_verifies(
      signed_list_users("POST", "5d76d0de3e0ffe5a7a23cfce21b99d6f4e5060aad86bd9dc7c617f224e5b492a"),
      "POST\n/\n\n"
      "content-type:application/x-www-form-urlencoded; charset=utf-8\n"
      "host:iam.amazonaws.com\nx-amz-date:20150830T123600Z\n\n"
      "content-type;host;x-amz-date\n"
      "b6359072c78d70ebee1e81adcbab4f01bf2c23245fa365ef83fe8f1f955085e2",
      "b9ae437b48385ce1aea147c5febf7c0cc705d1f8c7ce1ef0db4cd33a3439eb8c");
}

TEST_F(WorkedExample, Presigned) {
  RawRequest raw{"GET", std::string(kPresignedTarget), {{"Host", "iam.amazonaws.com"}}, ""};
  expect_verifies(raw,
                  "GET\n/\nAction=ListUsers&Version=2010-05-08&X-Amz-Algorithm=AWS4-HMAC-SHA256&"
                  "X-Amz-Credential=AKIDEXAMPLE%2F20150830%2Fus-east-1%2Fiam%2Faws4_request&"
                  "X-Amz-Date=20150830T123600Z&X-Amz-Expires=3600&X-Amz-SignedHeaders=host\n"
                  "host:iam.amazonaws.com\n\nhost\n"
                  "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855",
                  "77e4b80536011241e8365ca1e54b9b4d7cdc12f6e3e0df933f621ee0bf520c6a");
}

TEST_F(WorkedExample, ClientSignerAgreesWithTheSpec) {
  RawRequest raw = list_users("POST");
  testing::sign_with_header(raw, {.signed_headers = {"content-type", "host", "x-amz-date"}});
  EXPECT_EQ(raw.headers.back().second,
            "AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20150830/us-east-1/iam/aws4_request, "
            "SignedHeaders=content-type;host;x-amz-date, "
            "Signature=5d76d0de3e0ffe5a7a23cfce21b99d6f4e5060aad86bd9dc7c617f224e5b492a");
}

// --- check_scope_and_time ----------------------------------------------------------------------

ParsedSignature header_signature() {
  auto parsed = parse(signed_list_users("POST", std::string(64, 'a')).view());
  EXPECT_TRUE(parsed);
  return *parsed;
}

core::Error scope_error(const ParsedSignature& s, std::string_view service, core::TimePoint now) {
  auto status = check_scope_and_time(s, service, now);
  EXPECT_FALSE(status) << "accepted unexpectedly";
  return status ? core::Error{ErrorCode::InternalFailure, ""} : status.error();
}

TEST(CheckScope, AcceptsTheRightScopeAnyValidRegionAndSkippedService) {
  ParsedSignature s = header_signature();
  const auto now = at("20150830T123600Z");
  EXPECT_TRUE(check_scope_and_time(s, "iam", now));
  EXPECT_TRUE(check_scope_and_time(s, "", now));
  s.region = "eu-custom-7";
  EXPECT_TRUE(check_scope_and_time(s, "iam", now));
}

TEST(CheckScope, EachScopeErrorHasAwsText) {
  const auto now = at("20150830T123600Z");
  ParsedSignature s = header_signature();
  s.date = "20150831";
  auto error = scope_error(s, "iam", now);
  EXPECT_EQ(error.code, ErrorCode::SignatureDoesNotMatch);
  EXPECT_EQ(
      error.message,
      "Date in Credential scope does not match YYYYMMDD from ISO-8601 version of date from HTTP");

  s = header_signature();
  s.region = "US_EAST_1";
  EXPECT_EQ(scope_error(s, "iam", now).message,
            "Credential should be scoped to a valid Region, not US_EAST_1");

  s = header_signature();
  s.service = "sts";
  error = scope_error(s, "iam", now);
  EXPECT_EQ(error.code, ErrorCode::SignatureDoesNotMatch);
  EXPECT_EQ(error.message, "Credential should be scoped to correct service: 'iam'");

  s = header_signature();
  s.terminator = "aws4_requestx";
  EXPECT_EQ(scope_error(s, "iam", now).message,
            "Credential should be scoped with a valid terminator: 'aws4_request'");
}

TEST(CheckTime, SpecExampleOfAnExpiredSignature) {
  ParsedSignature s = header_signature();
  s.date = "20180703";
  s.amz_date = "20180703T083815Z";
  s.request_time = at(s.amz_date);
  const auto error = scope_error(s, "iam", at("20180703T154301Z"));
  EXPECT_EQ(error.code, ErrorCode::SignatureDoesNotMatch);
  EXPECT_EQ(error.message,
            "Signature expired: 20180703T083815Z is now earlier than 20180703T152801Z "
            "(20180703T154301Z - 15 min.)");
}

TEST(CheckTime, TwentyMinutesEitherWayIsRejectedFifteenIsNot) {
  const ParsedSignature s = header_signature();
  const auto signed_at = at("20150830T123600Z");
  auto error = scope_error(s, "iam", signed_at + minutes(20));
  EXPECT_EQ(error.code, ErrorCode::SignatureDoesNotMatch);
  EXPECT_EQ(error.message,
            "Signature expired: 20150830T123600Z is now earlier than 20150830T124100Z "
            "(20150830T125600Z - 15 min.)");
  error = scope_error(s, "iam", signed_at - minutes(20));
  EXPECT_EQ(error.code, ErrorCode::SignatureDoesNotMatch);
  EXPECT_EQ(error.message,
            "Signature not yet current: 20150830T123600Z is still later than 20150830T123100Z "
            "(20150830T121600Z + 15 min.)");

  EXPECT_TRUE(check_scope_and_time(s, "iam", signed_at + minutes(15)));
  EXPECT_TRUE(check_scope_and_time(s, "iam", signed_at - minutes(15)));
  EXPECT_TRUE(
      check_scope_and_time(s, "iam", signed_at + minutes(15) + std::chrono::milliseconds(999)));
  EXPECT_FALSE(check_scope_and_time(s, "iam", signed_at + minutes(15) + seconds(1)));
}

ParsedSignature presigned_signature() {
  auto parsed = parse(RawRequest{"GET", std::string(kPresignedTarget), {{"Host", "h"}}, ""}.view());
  EXPECT_TRUE(parsed);
  return *parsed;
}

TEST(CheckTime, PresignedIsValidUntilItsExpiryNotFifteenMinutes) {
  const ParsedSignature s = presigned_signature();
  const auto signed_at = at("20150830T123600Z");
  EXPECT_TRUE(check_scope_and_time(s, "iam", signed_at + minutes(20)));
  EXPECT_TRUE(check_scope_and_time(s, "iam", signed_at + seconds(3600)));
  const auto error = scope_error(s, "iam", signed_at + seconds(3601));
  EXPECT_EQ(error.code, ErrorCode::RequestExpired);
  EXPECT_EQ(error.message,
            "Request has expired: it was valid until 20150830T133600Z (X-Amz-Date + X-Amz-Expires) "
            "and it is now 20150830T133601Z.");
  EXPECT_EQ(scope_error(s, "iam", signed_at - minutes(20)).code, ErrorCode::SignatureDoesNotMatch);
}

TEST(CheckTime, PresignedExpiresOutsideOneSecondToSevenDays) {
  ParsedSignature s = presigned_signature();
  const auto now = at("20150830T123600Z");
  for (std::int64_t expires :
       {std::int64_t{0}, std::int64_t{-5}, std::int64_t{604801}, INT64_MAX}) {
    s.expires_seconds = expires;
    const auto error = scope_error(s, "iam", now);
    EXPECT_EQ(error.code, ErrorCode::RequestExpired) << expires;
    EXPECT_EQ(error.message, "X-Amz-Expires must be between 1 and 604800 seconds (7 days); got " +
                                 std::to_string(expires) + ".");
  }
  for (std::int64_t expires : {std::int64_t{1}, std::int64_t{604800}}) {
    s.expires_seconds = expires;
    EXPECT_TRUE(check_scope_and_time(s, "iam", now)) << expires;
  }
}

// --- verify ------------------------------------------------------------------------------------

TEST(Verify, SignedHeaderAbsentFromTheRequestDoesNotMatch) {
  RawRequest raw =
      signed_list_users("POST", "5d76d0de3e0ffe5a7a23cfce21b99d6f4e5060aad86bd9dc7c617f224e5b492a");
  raw.headers.erase(raw.headers.begin() + 1);  // Content-Type
  SigningKeyCache cache;
  auto parsed = parse(raw.view());
  ASSERT_TRUE(parsed);
  auto status = verify(raw.view(), *parsed, kExampleSecret, cache);
  ASSERT_FALSE(status);
  EXPECT_EQ(status.error().code, ErrorCode::SignatureDoesNotMatch);
  EXPECT_EQ(status.error().message,
            "The request signature we calculated does not match the signature you provided. Check "
            "your AWS Secret Access Key and signing method. Consult the service documentation for "
            "details.");
}

TEST(Verify, ChangedBodyHeaderOrContentHashIsRejected) {
  SigningKeyCache cache;
  const RawRequest good =
      signed_list_users("POST", "5d76d0de3e0ffe5a7a23cfce21b99d6f4e5060aad86bd9dc7c617f224e5b492a");
  RawRequest body = good, header = good, hash = good;
  body.body += "&UserName=x";
  header.headers[1].second = "text/plain";
  hash.body += "&UserName=x";
  hash.headers.emplace_back("X-Amz-Content-Sha256",
                            "b6359072c78d70ebee1e81adcbab4f01bf2c23245fa365ef83fe8f1f955085e2");
  for (const RawRequest* r : {&body, &header, &hash}) {
    auto parsed = parse(r->view());
    ASSERT_TRUE(parsed);
    auto status = verify(r->view(), *parsed, kExampleSecret, cache);
    ASSERT_FALSE(status);
    EXPECT_EQ(status.error().code, ErrorCode::SignatureDoesNotMatch);
  }
}

TEST(Verify, UnsignedHeadersMayChange) {
  SigningKeyCache cache;
  RawRequest raw =
      signed_list_users("POST", "5d76d0de3e0ffe5a7a23cfce21b99d6f4e5060aad86bd9dc7c617f224e5b492a");
  raw.headers.emplace_back("User-Agent", "Boto3/1.34");
  raw.headers.emplace_back("X-Amz-Security-Token", "added-after-signing");
  auto parsed = parse(raw.view());
  ASSERT_TRUE(parsed);
  EXPECT_EQ(parsed->session_token, "added-after-signing");
  EXPECT_TRUE(verify(raw.view(), *parsed, kExampleSecret, cache));
}

TEST(SigningKeyCache, HitsAfterTheFirstDerivation) {
  SigningKeyCache cache;
  const SigningKey expected = derive_signing_key(kExampleSecret, "20150830", "us-east-1", "iam");
  for (int i = 0; i < 3; ++i) {
    EXPECT_EQ(cache.signing_key(kExampleSecret, "20150830", "us-east-1", "iam"), expected);
  }
  EXPECT_EQ(cache.stats().misses, 1u);
  EXPECT_EQ(cache.stats().hits, 2u);
  EXPECT_NE(cache.signing_key(kExampleSecret, "20150831", "us-east-1", "iam"), expected);
  EXPECT_NE(cache.signing_key("other", "20150830", "us-east-1", "iam"), expected);
}

TEST(SigningKeyCache, StaysBoundedAndCorrectUnderManyKeys) {
  SigningKeyCache cache(64);
  EXPECT_EQ(cache.capacity(), 64u);
  for (int i = 0; i < 5000; ++i) {
    const std::string secret = "secret-" + std::to_string(i % 700);
    ASSERT_EQ(cache.signing_key(secret, "20150830", "us-east-1", "sts"),
              derive_signing_key(secret, "20150830", "us-east-1", "sts"));
  }
  EXPECT_EQ(cache.capacity(), 64u);
  EXPECT_EQ(cache.stats().hits + cache.stats().misses, 5000u);
}

TEST(SigningKeyCache, IsThreadSafe) {
  SigningKeyCache cache(32);
  std::vector<std::thread> threads;
  std::vector<int> wrong(4, 0);
  for (int t = 0; t < 4; ++t) {
    threads.emplace_back([&, t] {
      for (int i = 0; i < 400; ++i) {
        std::string secret = "s";  // appended: GCC 12 warns falsely on "s" + std::string&&
        secret += std::to_string((i + t) % 50);
        wrong[static_cast<std::size_t>(t)] +=
            cache.signing_key(secret, "20150830", "us-east-1", "iam") !=
            derive_signing_key(secret, "20150830", "us-east-1", "iam");
      }
    });
  }
  for (auto& th : threads) th.join();
  for (int w : wrong) EXPECT_EQ(w, 0);
}

TEST(SigningKeySlots, FindsWhatWasStoredPerScope) {
  SigningKeySlots slots;
  SigningKey key{};
  EXPECT_FALSE(slots.find("20150830", "us-east-1", "iam", key));
  const SigningKey iam = derive_signing_key(kExampleSecret, "20150830", "us-east-1", "iam");
  const SigningKey sts = derive_signing_key(kExampleSecret, "20150830", "us-east-1", "sts");
  slots.store("20150830", "us-east-1", "iam", iam);
  slots.store("20150830", "us-east-1", "sts", sts);
  ASSERT_TRUE(slots.find("20150830", "us-east-1", "iam", key));
  EXPECT_EQ(key, iam);
  ASSERT_TRUE(slots.find("20150830", "us-east-1", "sts", key));
  EXPECT_EQ(key, sts);
  EXPECT_FALSE(slots.find("20150831", "us-east-1", "iam", key));
  EXPECT_FALSE(slots.find("20150830", "us-west-2", "iam", key));
  // Length-prefixed: the same bytes split differently are another scope.
  EXPECT_FALSE(slots.find("20150830u", "s-east-1", "iam", key));
  EXPECT_FALSE(slots.find("", "", "", key));
}

TEST(SigningKeySlots, ReplacesTheOldestAndSkipsScopesTooLongToKeep) {
  SigningKeySlots slots;
  SigningKey key{};
  for (int day = 0; day < 6; ++day) {
    const std::string date = std::string("2015083") + std::to_string(day);
    slots.store(date, "us-east-1", "iam", derive_signing_key("s", date, "us-east-1", "iam"));
  }
  EXPECT_FALSE(slots.find("20150830", "us-east-1", "iam", key));  // pushed out
  EXPECT_FALSE(slots.find("20150831", "us-east-1", "iam", key));
  for (int day = 2; day < 6; ++day) {
    const std::string date = std::string("2015083") + std::to_string(day);
    ASSERT_TRUE(slots.find(date, "us-east-1", "iam", key));
    EXPECT_EQ(key, derive_signing_key("s", date, "us-east-1", "iam"));
  }
  const std::string region(60, 'r');
  slots.store("20150830", region, "iam", derive_signing_key("s", "20150830", region, "iam"));
  EXPECT_FALSE(slots.find("20150830", region, "iam", key));
}

TEST(SigningKeySlots, VerifyDerivesOnceAndAgreesWithTheSharedCache) {
  RawRequest raw = list_users("POST");
  testing::ClientSigning client;
  client.signed_headers = {"content-type", "host", "x-amz-date"};
  testing::sign_with_header(raw, client);
  auto parsed = parse(raw.view());
  ASSERT_TRUE(parsed) << parsed.error().message;
  SigningKeySlots slots;
  for (int i = 0; i < 3; ++i) EXPECT_TRUE(verify(raw.view(), *parsed, kExampleSecret, slots));
  SigningKey key{};
  ASSERT_TRUE(slots.find("20150830", "us-east-1", "iam", key));
  EXPECT_EQ(key, derive_signing_key(kExampleSecret, "20150830", "us-east-1", "iam"));
  // The wrong secret with its own (empty) slots fails; slots never outlive their secret's use.
  SigningKeySlots other;
  EXPECT_FALSE(verify(raw.view(), *parsed, "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEZ", other));
}

TEST(SigningKeySlots, ReadersNeverSeeATornKey) {
  SigningKeySlots slots;
  std::vector<std::string> dates;
  std::vector<SigningKey> keys;
  for (int d = 0; d < 8; ++d) {
    dates.push_back(std::string("201508") + std::to_string(10 + d));
    keys.push_back(derive_signing_key(kExampleSecret, dates.back(), "us-east-1", "sts"));
  }
  std::atomic<bool> stop{false};
  std::atomic<int> wrong{0};
  std::atomic<int> hits{0};
  std::vector<std::thread> threads;
  for (int t = 0; t < 3; ++t) {
    threads.emplace_back([&, t] {
      SigningKey key{};
      for (int i = 0; !stop.load(std::memory_order_relaxed); ++i) {
        const std::size_t d = static_cast<std::size_t>((i + t) % 8);
        if (slots.find(dates[d], "us-east-1", "sts", key)) {
          hits.fetch_add(1, std::memory_order_relaxed);
          if (key != keys[d]) wrong.fetch_add(1);
        } else {
          slots.store(dates[d], "us-east-1", "sts", keys[d]);
        }
      }
    });
  }
  std::this_thread::sleep_for(std::chrono::milliseconds(200));
  stop = true;
  for (auto& th : threads) th.join();
  EXPECT_EQ(wrong.load(), 0);
  EXPECT_GT(hits.load(), 0);
}

}  // namespace
}  // namespace iamd::auth::sigv4
