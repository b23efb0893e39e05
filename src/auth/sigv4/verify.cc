#include "auth/sigv4/verify.h"

#include <chrono>

#include "auth/sigv4/errors.h"
#include "core/time_format.h"
#include "crypto/bytes.h"
#include "crypto/constant_time.h"
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

core::Status check_scope(const ParsedSignature& s, std::string_view expected_service) {
  if (s.date != std::string_view(s.amz_date).substr(0, 8)) {
    return signature_does_not_match(
        "Date in Credential scope does not match YYYYMMDD from ISO-8601 version of date from HTTP");
  }
  if (!is_valid_region(s.region)) {
    return signature_does_not_match("Credential should be scoped to a valid Region, not " +
                                    echo(s.region));
  }
  if (!expected_service.empty() && s.service != expected_service) {
    return signature_does_not_match("Credential should be scoped to correct service: '" +
                                    std::string(expected_service) + "'");
  }
  if (s.terminator != kTerminator) {
    return signature_does_not_match(
        "Credential should be scoped with a valid terminator: 'aws4_request'");
  }
  return {};
}

// Texts observed from IAM and STS (spec §5.5 step 4); SDKs parse them to correct their clocks.
core::Status check_skew(const ParsedSignature& s, core::TimePoint now, bool check_past) {
  if (check_past && s.request_time < now - kAllowedClockSkew) {
    const std::string request_time = core::format_amz_date(s.request_time);
    return signature_does_not_match("Signature expired: " + request_time + " is now earlier than " +
                                    core::format_amz_date(now - kAllowedClockSkew) + " (" +
                                    core::format_amz_date(now) + " - 15 min.)");
  }
  if (s.request_time > now + kAllowedClockSkew) {
    const std::string request_time = core::format_amz_date(s.request_time);
    return signature_does_not_match("Signature not yet current: " + request_time +
                                    " is still later than " +
                                    core::format_amz_date(now + kAllowedClockSkew) + " (" +
                                    core::format_amz_date(now) + " + 15 min.)");
  }
  return {};
}

core::Status check_presigned_expiry(const ParsedSignature& s, core::TimePoint now) {
  const std::int64_t expires = s.expires_seconds.value_or(0);
  if (expires < kMinPresignedExpiresSeconds || expires > kMaxPresignedExpiresSeconds) {
    return core::Error{core::ErrorCode::RequestExpired,
                       "X-Amz-Expires must be between 1 and 604800 seconds (7 days); got " +
                           std::to_string(expires) + "."};
  }
  const core::TimePoint valid_until = s.request_time + seconds(expires);
  if (now > valid_until) {
    return core::Error{core::ErrorCode::RequestExpired, "Request has expired: it was valid until " +
                                                            core::format_amz_date(valid_until) +
                                                            " (X-Amz-Date + X-Amz-Expires) and "
                                                            "it is now " +
                                                            core::format_amz_date(now) + "."};
  }
  return {};
}

}  // namespace

core::Status check_scope_and_time(const ParsedSignature& signature,
                                  std::string_view expected_service, core::TimePoint now) {
  // Whole seconds, as in the messages: otherwise a sub-second "now" could report a request as
  // earlier than a bound that prints identically.
  now = std::chrono::floor<seconds>(now);
  IAMD_TRY(check_scope(signature, expected_service));
  if (!signature.presigned) return check_skew(signature, now, /*check_past=*/true);
  IAMD_TRY(check_skew(signature, now, /*check_past=*/false));
  return check_presigned_expiry(signature, now);
}

namespace {

// The signature of `request` under `key` as lower-case hex, computed in one buffer per thread
// that keeps its capacity: the canonical request is built, hashed, and the buffer then reused
// for the string to sign. No allocation once the buffer has grown to a typical request.
core::Status signature_hex(const SignableRequest& request, const ParsedSignature& signature,
                           const SigningKey& key, CanonicalForm form,
                           std::array<char, 2 * crypto::kHmacSha256Bytes>& hex) {
  static constexpr std::size_t kKeepCapacity = 16 * 1024;
  thread_local std::string buffer;
  buffer.clear();
  core::Status built = append_canonical_request(buffer, request, signature, form);
  if (built) {
    const crypto::Sha256Digest hash = crypto::sha256(buffer);
    buffer.clear();
    append_string_to_sign(buffer, signature, hash);
    const crypto::HmacSha256 mac = crypto::hmac_sha256(key, buffer);
    static constexpr char kHex[] = "0123456789abcdef";
    for (std::size_t i = 0; i < mac.size(); ++i) {
      hex[2 * i] = kHex[mac[i] >> 4];
      hex[2 * i + 1] = kHex[mac[i] & 15];
    }
  }
  if (buffer.capacity() > kKeepCapacity) std::string().swap(buffer);  // one huge request
  return built;
}

bool matches(const std::array<char, 2 * crypto::kHmacSha256Bytes>& hex,
             std::string_view signature) {
  return crypto::constant_time_equal(std::string_view(hex.data(), hex.size()), signature);
}

}  // namespace

core::Result<std::string> calculate_signature(const SignableRequest& request,
                                              const ParsedSignature& signature,
                                              const SigningKey& key, CanonicalForm form) {
  std::array<char, 2 * crypto::kHmacSha256Bytes> hex;
  IAMD_TRY(signature_hex(request, signature, key, form, hex));
  return std::string(hex.data(), hex.size());
}

core::Status verify(const SignableRequest& request, const ParsedSignature& signature,
                    const SigningKey& key, PathNormalization path) {
  std::array<char, 2 * crypto::kHmacSha256Bytes> hex;
  IAMD_TRY(signature_hex(request, signature, key, {path, QuerySecurityToken::Signed}, hex));
  bool ok = matches(hex, signature.signature);
  // A second canonical form, only after a mismatch and only where a client may legitimately have
  // produced it. Leaving the token unsigned gains an attacker nothing: the session it names is
  // bound to the secret that had to make this signature.
  if (!ok && signature.presigned && signature.session_token) {
    ok = signature_hex(request, signature, key, {path, QuerySecurityToken::Unsigned}, hex) &&
         matches(hex, signature.signature);
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
  if (!keys.find(signature.date, signature.region, signature.service, key)) {
    key = derive_signing_key(secret_access_key, signature.date, signature.region,
                             signature.service);
    keys.store(signature.date, signature.region, signature.service, key);
  }
  core::Status status = verify(request, signature, key, path);
  crypto::secure_wipe(key);
  return status;
}

}  // namespace iamd::auth::sigv4
