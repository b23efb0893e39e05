// SigV4 verification cost against its floor.
//
// BM_VerifyHeaderSigned is what the server does per request: parse, scope and clock check,
// canonicalize, hash, one HMAC (the signing key is cached), constant-time compare.
// BM_FloorHashes is only the hashing verification cannot avoid: SHA-256 of the body, SHA-256 of
// the canonical request and one HMAC of the string to sign. Their ratio is the overhead of
// everything else (parsing, allocation, string building); report both.
//
// BM_VerifySessionSigned is the same request signed with temporary credentials, as the server
// takes it: the session token opened (auth/session_token.h), then the signature verified with
// the session's secret. Its ratio to BM_VerifyHeaderSigned is what temporary credentials cost.

#include <benchmark/benchmark.h>

#include <cstdint>
#include <memory>
#include <span>
#include <string>
#include <utility>
#include <vector>

#include "auth/session_token.h"
#include "auth/sigv4/verify.h"
#include "core/random.h"
#include "core/time_format.h"
#include "crypto/hmac.h"
#include "crypto/sha256.h"

namespace {

using namespace iamd::auth::sigv4;

constexpr std::string_view kSecret = "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY";
constexpr std::string_view kAmzDate = "20150830T123600Z";

/// botocore's STS GetCallerIdentity as sent over HTTP/1.1, with the six headers it signs (seven
/// with temporary credentials: botocore signs X-Amz-Security-Token too).
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

  BotocoreRequest() : BotocoreRequest("AKIDEXAMPLE", kSecret, "") {}

  /// Signed with `access_key_id` and `secret`; with `session_token`, as temporary credentials.
  BotocoreRequest(std::string_view access_key_id, std::string_view secret,
                  std::string_view session_token) {
    ParsedSignature s;
    s.access_key_id = access_key_id;
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
    if (!session_token.empty()) {
      headers.emplace_back("X-Amz-Security-Token", std::string(session_token));
      s.signed_headers.push_back("x-amz-security-token");
    }
    s.amz_date = kAmzDate;
    const SigningKey key = derive_signing_key(secret, s.date, s.region, s.service);
    s.signature = calculate_signature(view(), s, key).value();
    headers.emplace_back("Authorization", format_authorization_header(s));
  }
};

/// Nonces for sealing the benchmark's token: any bytes do.
class CountingRandom : public iamd::core::Random {
 public:
  void fill(std::span<std::uint8_t> out) override {
    for (std::uint8_t& b : out) b = static_cast<std::uint8_t>(++next_);
  }

 private:
  std::uint64_t next_ = 0;
};

/// What AssumeRole gives a user (sts/assume_role.cc): an assumed-role session, one hour.
iamd::auth::Session assumed_role_session() {
  iamd::auth::Session s;
  s.kind = iamd::auth::Session::Kind::AssumedRole;
  s.access_key_id = "ASIAQNZGKIQY56JQ7WML";
  s.secret_access_key = iamd::core::Secret(std::string("Vr0ZnMlkQ5AZ3RGXVsKCZ8cRyTaqNYxvqT8Awwq4"));
  s.account = "123456789012";
  s.arn = "arn:aws:sts::123456789012:assumed-role/bench-role/botocore-session-1700000000";
  s.user_id = "AROAQNZGKIQYBENCHROLE:botocore-session-1700000000";
  s.role_arn = "arn:aws:iam::123456789012:role/bench-role";
  s.role_id = "AROAQNZGKIQYBENCHROLE";
  s.session_name = "botocore-session-1700000000";
  s.source_arn = "arn:aws:iam::123456789012:user/bench";
  s.source_user_id = "AIDAQNZGKIQYBENCHUSER";
  s.issued_at = *iamd::core::parse_amz_date("20150830T120000Z");
  s.expires_at = *iamd::core::parse_amz_date("20150830T130000Z");
  return s;
}

// What the server does (app/query_endpoint.cc): parse into a ParsedSignature the thread reuses,
// picked from its ParsedSignatureSlots (so its strings keep their capacity, nothing is allocated,
// and it remembers the client's last header), and the signing key from the cache kept with the
// credential (authz::Credential::signing_keys).
void BM_VerifyHeaderSigned(benchmark::State& state) {
  const BotocoreRequest raw;
  const SignableRequest request = raw.view();
  const auto now = *iamd::core::parse_amz_date(kAmzDate);
  SigningKeySlots keys;
  ParsedSignatureSlots slots;
  for (auto _ : state) {
    ParsedSignature& parsed = slots.pick(request);
    if (!parse(request, parsed) || !check_scope_and_time(parsed, "sts", now) ||
        !verify(request, parsed, kSecret, keys)) {
      state.SkipWithError("the benchmark request does not verify");
      break;
    }
    benchmark::DoNotOptimize(parsed);
  }
}
BENCHMARK(BM_VerifyHeaderSigned);

// The same with state.range(0) clients' requests in turn on the one thread, parsed into the
// ParsedSignatureSlots the server's threads keep: with 2 clients each finds its header remembered
// (ParsedSignature::parsed_authorization) in a slot of its own; with 64, more than there are
// slots, none does, and every header is parsed in full.
void BM_VerifyHeaderSignedClientsInTurn(benchmark::State& state) {
  struct Client {
    std::string access_key_id;
    std::string secret;
    std::unique_ptr<BotocoreRequest> raw;
    SignableRequest request;
    SigningKeySlots keys;
  };
  std::vector<Client> clients(static_cast<std::size_t>(state.range(0)));
  for (std::size_t i = 0; i < clients.size(); ++i) {
    Client& c = clients[i];
    c.access_key_id = "AKIAQNZGKIQY" + std::to_string(10000000 + 7919 * i);  // 20 characters
    c.secret = std::string(kSecret.substr(0, 30)) + std::to_string(1000000000 + i);
    c.raw = std::make_unique<BotocoreRequest>(c.access_key_id, c.secret, "");
    c.request = c.raw->view();
  }
  const auto now = *iamd::core::parse_amz_date(kAmzDate);
  ParsedSignatureSlots slots;
  std::size_t i = 0;
  for (auto _ : state) {
    Client& c = clients[i];
    ParsedSignature& parsed = slots.pick(c.request);
    if (!parse(c.request, parsed) || !check_scope_and_time(parsed, "sts", now) ||
        !verify(c.request, parsed, c.secret, c.keys)) {
      state.SkipWithError("the benchmark request does not verify");
      break;
    }
    benchmark::DoNotOptimize(parsed);
    i = i + 1 == clients.size() ? 0 : i + 1;
  }
}
BENCHMARK(BM_VerifyHeaderSignedClientsInTurn)->Arg(2)->Arg(64);

// Temporary credentials, as app/query_endpoint.cc authenticate() and sts/authenticate.cc take
// them: parse and scope as above; open the X-Amz-Security-Token with the keyring (no database
// read), check that it was issued with the request's access key and is not expired; verify with
// the session's secret, its signing key from the process-wide SigningKeyCache (a session has no
// credential record to keep SigningKeySlots in). Turning the session into an api::Caller is left
// out here as the long-term key's caller is above.
class SessionRequests {
 public:
  /// `tokens` tokens of one session (each sealed afresh, so each differs), a request for each.
  explicit SessionRequests(std::size_t tokens) {
    iamd::auth::Keyring::Key sealing_key{};
    sealing_key.fill(0x5a);
    keyring_.add(1, sealing_key);
    CountingRandom random;
    const iamd::auth::Session session = assumed_role_session();
    for (std::size_t i = 0; i < tokens; ++i) {
      const std::string token = iamd::auth::seal_session(session, keyring_, random);
      requests_.emplace_back(session.access_key_id, session.secret_access_key.reveal(), token);
    }
    for (const BotocoreRequest& r : requests_) views_.push_back(r.view());
  }

  /// The server's work for request `i`; false if it does not authenticate.
  bool authenticate(std::size_t i, iamd::core::TimePoint now) {
    const SignableRequest& request = views_[i];
    if (!parse(request, parsed_) || !check_scope_and_time(parsed_, "sts", now) ||
        !parsed_.session_token) {
      return false;
    }
    auto opened = iamd::auth::open_session(*parsed_.session_token, keyring_);
    return opened && (*opened)->access_key_id == parsed_.access_key_id &&
           now < (*opened)->expires_at &&
           verify(request, parsed_, (*opened)->secret_access_key.reveal(), session_keys_);
  }

  std::size_t token_bytes() const {
    return find_header(views_.front(), "x-amz-security-token").value_or("").size();
  }

 private:
  iamd::auth::Keyring keyring_;
  std::vector<BotocoreRequest> requests_;
  std::vector<SignableRequest> views_;
  SigningKeyCache session_keys_;
  ParsedSignature parsed_;
};

// One session's requests, its token the same each time: the common case, a client reusing its
// temporary credentials.
void BM_VerifySessionSigned(benchmark::State& state) {
  SessionRequests session(1);
  const auto now = *iamd::core::parse_amz_date(kAmzDate);
  for (auto _ : state) {
    if (!session.authenticate(0, now)) {
      state.SkipWithError("the benchmark request does not verify");
      break;
    }
  }
  state.counters["token_bytes"] = static_cast<double>(session.token_bytes());
}
BENCHMARK(BM_VerifySessionSigned);

// The same with a different token every time, 256 in turn: far more than a thread keeps opened
// (auth/session_token.cc), so every one is decoded, decrypted and parsed again. The signing key
// still comes from the cache (all the tokens carry one session's secret).
void BM_VerifySessionSignedTokenNotCached(benchmark::State& state) {
  constexpr std::size_t kTokens = 256;
  SessionRequests session(kTokens);
  const auto now = *iamd::core::parse_amz_date(kAmzDate);
  std::size_t i = 0;
  for (auto _ : state) {
    if (!session.authenticate(i, now)) {
      state.SkipWithError("the benchmark request does not verify");
      break;
    }
    i = (i + 1) % kTokens;
  }
}
BENCHMARK(BM_VerifySessionSignedTokenNotCached);

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
