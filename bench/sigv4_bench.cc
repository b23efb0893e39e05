// SigV4 verification cost against its floor.
//
// BM_VerifyHeaderSigned is what the server does per request: parse, scope and clock check,
// canonicalize, hash, one HMAC (the signing key is cached), constant-time compare.
// BM_FloorHashes is only the hashing verification cannot avoid: SHA-256 of the body, SHA-256 of
// the canonical request and one HMAC of the string to sign. Their ratio is the overhead of
// everything else (parsing, allocation, string building); report both.

#include <benchmark/benchmark.h>

#include <string>
#include <utility>
#include <vector>

#include "auth/sigv4/verify.h"
#include "core/time_format.h"
#include "crypto/hmac.h"
#include "crypto/sha256.h"

namespace {

using namespace iamd::auth::sigv4;

constexpr std::string_view kSecret = "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY";
constexpr std::string_view kAmzDate = "20150830T123600Z";

/// botocore's STS GetCallerIdentity as sent over HTTP/1.1, with the six headers it signs.
struct BotocoreRequest {
  std::string body = "Action=GetCallerIdentity&Version=2011-06-15";
  std::vector<std::pair<std::string, std::string>> headers = {
      {"Host", "sts.us-east-1.amazonaws.com"},
      {"Accept-Encoding", "identity"},
      {"Content-Type", "application/x-www-form-urlencoded; charset=utf-8"},
      {"User-Agent",
       "Boto3/1.34.0 md/Botocore#1.34.0 ua/2.0 os/linux#6.1.0 md/arch#x86_64 lang/python#3.11.2 "
       "md/pyimpl#CPython cfg/retry-mode#legacy Botocore/1.34.0"},
      {"X-Amz-Date", std::string(kAmzDate)},
      {"amz-sdk-invocation-id", "5b5f2b47-6a6b-4a53-9c61-1f1f1c0e2a8d"},
      {"amz-sdk-request", "attempt=1"},
      {"Content-Length", "43"},
  };

  SignableRequest view() const {
    SignableRequest v{"POST", "/", {}, body};
    for (const auto& [name, value] : headers) v.headers.emplace_back(name, value);
    return v;
  }

  BotocoreRequest() {
    ParsedSignature s;
    s.access_key_id = "AKIDEXAMPLE";
    s.date = "20150830";
    s.region = "us-east-1";
    s.service = "sts";
    s.terminator = "aws4_request";
    s.signed_headers = {"amz-sdk-invocation-id",
                        "amz-sdk-request",
                        "content-length",
                        "content-type",
                        "host",
                        "x-amz-date"};
    s.amz_date = kAmzDate;
    const SigningKey key = derive_signing_key(kSecret, s.date, s.region, s.service);
    s.signature = calculate_signature(view(), s, key).value();
    headers.emplace_back("Authorization", format_authorization_header(s));
  }
};

// What the server does (app/query_endpoint.cc): parse into a ParsedSignature the thread reuses
// (so its strings keep their capacity and nothing is allocated), and the signing key from the
// cache kept with the credential (authz::Credential::signing_keys).
void BM_VerifyHeaderSigned(benchmark::State& state) {
  const BotocoreRequest raw;
  const SignableRequest request = raw.view();
  const auto now = *iamd::core::parse_amz_date(kAmzDate);
  SigningKeySlots keys;
  ParsedSignature parsed;
  for (auto _ : state) {
    if (!parse(request, parsed) || !check_scope_and_time(parsed, "sts", now) ||
        !verify(request, parsed, kSecret, keys)) {
      state.SkipWithError("the benchmark request does not verify");
      break;
    }
    benchmark::DoNotOptimize(parsed);
  }
}
BENCHMARK(BM_VerifyHeaderSigned);

// The general-purpose shape, for comparison: a fresh ParsedSignature per request and the
// process-wide SigningKeyCache (a salted SHA-256 of secret and scope finds the key).
void BM_VerifyFreshParseSharedCache(benchmark::State& state) {
  const BotocoreRequest raw;
  const SignableRequest request = raw.view();
  const auto now = *iamd::core::parse_amz_date(kAmzDate);
  SigningKeyCache cache;
  for (auto _ : state) {
    auto parsed = parse(request);
    if (!parsed || !check_scope_and_time(*parsed, "sts", now) ||
        !verify(request, *parsed, kSecret, cache)) {
      state.SkipWithError("the benchmark request does not verify");
      break;
    }
    benchmark::DoNotOptimize(parsed);
  }
}
BENCHMARK(BM_VerifyFreshParseSharedCache);

void BM_FloorHashes(benchmark::State& state) {
  const BotocoreRequest raw;
  const SignableRequest request = raw.view();
  const ParsedSignature parsed = parse(request).value();
  const std::string canonical = canonical_request(request, parsed).value();
  const std::string to_sign = string_to_sign(parsed, canonical);
  const SigningKey key = derive_signing_key(kSecret, parsed.date, parsed.region, parsed.service);
  for (auto _ : state) {
    benchmark::DoNotOptimize(iamd::crypto::sha256(raw.body));
    benchmark::DoNotOptimize(iamd::crypto::sha256(canonical));
    benchmark::DoNotOptimize(iamd::crypto::hmac_sha256(key, to_sign));
  }
}
BENCHMARK(BM_FloorHashes);

// What the signing-key cache saves per request.
void BM_DeriveSigningKey(benchmark::State& state) {
  for (auto _ : state) {
    benchmark::DoNotOptimize(derive_signing_key(kSecret, "20150830", "us-east-1", "sts"));
  }
}
BENCHMARK(BM_DeriveSigningKey);

}  // namespace

BENCHMARK_MAIN();
