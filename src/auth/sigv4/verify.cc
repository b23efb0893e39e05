#include "auth/sigv4/verify.h"

#include <chrono>
#include <cstdint>

#include "auth/sigv4/errors.h"
#include "auth/sigv4/swar.h"
#include "auth/sigv4/text.h"
#include "core/time_format.h"
#include "crypto/bytes.h"
#include "crypto/hmac.h"

namespace iamd::auth::sigv4 {
namespace {

using std::chrono::seconds;

bool is_valid_region(std::string_view region) {
  if (region.empty()) return false;
  for (char c : region) {
    if (!((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-')) return false;
  }
  return true;
}

// The errors, built out of line and marked cold: the checks' hot path holds only the calls
// (text.h says why its size matters).
[[gnu::cold, gnu::noinline]] core::Error wrong_date() {
  return signature_does_not_match(
      "Date in Credential scope does not match YYYYMMDD from ISO-8601 version of date from HTTP");
}

[[gnu::cold, gnu::noinline]] core::Error wrong_region(std::string_view region) {
  return signature_does_not_match("Credential should be scoped to a valid Region, not " +
                                  echo(region));
}

[[gnu::cold, gnu::noinline]] core::Error wrong_service(std::string_view expected_service) {
  return signature_does_not_match("Credential should be scoped to correct service: '" +
                                  std::string(expected_service) + "'");
}

[[gnu::cold, gnu::noinline]] core::Error wrong_terminator() {
  return signature_does_not_match(
      "Credential should be scoped with a valid terminator: 'aws4_request'");
}

// Texts observed from IAM and STS (spec §5.5 step 4); SDKs parse them to correct their clocks.
[[gnu::cold, gnu::noinline]] core::Error expired(core::TimePoint request_time,
                                                 core::TimePoint now) {
  return signature_does_not_match("Signature expired: " + core::format_amz_date(request_time) +
                                  " is now earlier than " +
                                  core::format_amz_date(now - kAllowedClockSkew) + " (" +
                                  core::format_amz_date(now) + " - 15 min.)");
}

[[gnu::cold, gnu::noinline]] core::Error not_yet_current(core::TimePoint request_time,
                                                         core::TimePoint now) {
  return signature_does_not_match(
      "Signature not yet current: " + core::format_amz_date(request_time) +
      " is still later than " + core::format_amz_date(now + kAllowedClockSkew) + " (" +
      core::format_amz_date(now) + " + 15 min.)");
}

core::Status check_scope(const ParsedSignature& s, std::string_view expected_service) {
  if (s.date != std::string_view(s.amz_date).substr(0, 8)) [[unlikely]] {
    return wrong_date();
  }
  if (!is_valid_region(s.region)) [[unlikely]] {
    return wrong_region(s.region);
  }
  if (!expected_service.empty() && s.service != expected_service) [[unlikely]] {
    return wrong_service(expected_service);
  }
  if (s.terminator != kTerminator) [[unlikely]] {
    return wrong_terminator();
  }
  return {};
}

core::Status check_skew(const ParsedSignature& s, core::TimePoint now, bool check_past) {
  if (check_past && s.request_time < now - kAllowedClockSkew) [[unlikely]] {
    return expired(s.request_time, now);
  }
  if (s.request_time > now + kAllowedClockSkew) [[unlikely]] {
    return not_yet_current(s.request_time, now);
  }
  return {};
}

[[gnu::cold, gnu::noinline]] core::Error bad_expires(std::int64_t expires) {
  return core::Error{core::ErrorCode::RequestExpired,
                     "X-Amz-Expires must be between 1 and 604800 seconds (7 days); got " +
                         std::to_string(expires) + "."};
}

[[gnu::cold, gnu::noinline]] core::Error presigned_expired(core::TimePoint valid_until,
                                                           core::TimePoint now) {
  return core::Error{
      core::ErrorCode::RequestExpired,
      "Request has expired: it was valid until " + core::format_amz_date(valid_until) +
          " (X-Amz-Date + X-Amz-Expires) and it is now " + core::format_amz_date(now) + "."};
}

core::Status check_presigned_expiry(const ParsedSignature& s, core::TimePoint now) {
  const std::int64_t expires = s.expires_seconds.value_or(0);
  if (expires < kMinPresignedExpiresSeconds || expires > kMaxPresignedExpiresSeconds) {
    return bad_expires(expires);
  }
  const core::TimePoint valid_until = s.request_time + seconds(expires);
  if (now > valid_until) return presigned_expired(valid_until, now);
  return {};
}

}  // namespace

core::Status check_scope_and_time(const ParsedSignature& signature,
                                  std::string_view expected_service, core::TimePoint now) {
  // Whole seconds, as in the messages: otherwise a sub-second "now" could report a request as
  // earlier than a bound that prints identically.
  now = std::chrono::floor<seconds>(now);
  if (core::Status scope = check_scope(signature, expected_service); !scope) [[unlikely]] {
    return scope;
  }
  if (!signature.presigned) return check_skew(signature, now, /*check_past=*/true);
  IAMD_TRY(check_skew(signature, now, /*check_past=*/false));
  return check_presigned_expiry(signature, now);
}

namespace {

// The MAC of `request` under `key`, in one buffer per thread that keeps its capacity: the
// canonical request is built, hashed, and the buffer then reused for the string to sign. No
// allocation once the buffer has grown to a typical request.
core::Status signature_mac(const SignableRequest& request, const ParsedSignature& signature,
                           const SigningKey& key, CanonicalForm form, crypto::HmacSha256& mac) {
  static constexpr std::size_t kKeepCapacity = 16 * 1024;
  thread_local std::string buffer;
  buffer.clear();
  core::Status built = append_canonical_request(buffer, request, signature, form);
  if (built) {
    const crypto::Sha256Digest hash = crypto::sha256(buffer);
    buffer.clear();
    append_string_to_sign(buffer, signature, hash);
    mac = crypto::hmac_sha256(key, buffer);
  }
  if (buffer.capacity() > kKeepCapacity) std::string().swap(buffer);  // one huge request
  return built;
}

// Whether `sent` is the lower-case hex of `mac`, in time that does not depend on where they
// differ: the MAC is written as hex without a table (swar::hex_lower) and the two compared eight
// characters at a time, XORed and ORed together with no early exit (the empty asm keeps the
// compiler from turning the accumulation into a branch per word). Only the length, which is
// public, decides anything early.
bool matches(const crypto::HmacSha256& mac, std::string_view sent) {
  constexpr std::size_t kHexBytes = 2 * crypto::kHmacSha256Bytes;
  if (sent.size() != kHexBytes) return false;
  char hex[kHexBytes];
  write_hex(hex, mac.data(), mac.size());
  std::uint64_t differ = 0;
#pragma GCC unroll 1  // small code: see text.h
  for (std::size_t i = 0; i < kHexBytes; i += 8) {
    differ |= swar::load(hex + i) ^ swar::load(sent.data() + i);
    asm volatile("" : "+r"(differ));
  }
  return differ == 0;
}

// The signing key for `signature`'s scope, derived and remembered in `keys`: once a day per
// scope, so out of line.
[[gnu::noinline]] void derive_into(SigningKeySlots& keys, std::string_view secret_access_key,
                                   const ParsedSignature& signature, SigningKey& key) {
  key = derive_signing_key(secret_access_key, signature.date, signature.region, signature.service);
  keys.store(signature.date, signature.region, signature.service, key);
}

}  // namespace

core::Result<std::string> calculate_signature(const SignableRequest& request,
                                              const ParsedSignature& signature,
                                              const SigningKey& key, CanonicalForm form) {
  crypto::HmacSha256 mac;
  IAMD_TRY(signature_mac(request, signature, key, form, mac));
  return crypto::to_hex(mac);
}

core::Status verify(const SignableRequest& request, const ParsedSignature& signature,
                    const SigningKey& key, PathNormalization path) {
  crypto::HmacSha256 mac;
  IAMD_TRY(signature_mac(request, signature, key, {path, QuerySecurityToken::Signed}, mac));
  bool ok = matches(mac, signature.signature);
  // A second canonical form, only after a mismatch and only where a client may legitimately have
  // produced it. Leaving the token unsigned gains an attacker nothing: the session it names is
  // bound to the secret that had to make this signature.
  if (!ok && signature.presigned && signature.session_token) {
    ok = signature_mac(request, signature, key, {path, QuerySecurityToken::Unsigned}, mac) &&
         matches(mac, signature.signature);
  }
  if (!ok) return signature_does_not_match();
  return {};
}

core::Status verify(const SignableRequest& request, const ParsedSignature& signature,
                    std::string_view secret_access_key, SigningKeyCache& cache,
                    PathNormalization path) {
  SigningKey key =
      cache.signing_key(secret_access_key, signature.date, signature.region, signature.service);
  core::Status status = verify(request, signature, key, path);
  crypto::secure_wipe(key);
  return status;
}

core::Status verify(const SignableRequest& request, const ParsedSignature& signature,
                    std::string_view secret_access_key, SigningKeySlots& keys,
                    PathNormalization path) {
  SigningKey key;
  if (!keys.find(signature.date, signature.region, signature.service, key)) [[unlikely]] {
    derive_into(keys, secret_access_key, signature, key);
  }
  core::Status status = verify(request, signature, key, path);
  crypto::secure_wipe(key);
  return status;
}

}  // namespace iamd::auth::sigv4
