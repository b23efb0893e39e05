#pragma once
// Time-based one-time passwords for virtual MFA devices: RFC 4226 HOTP, RFC 6238 TOTP (HMAC-SHA-1,
// 30-second steps, 6 digits: what AWS's otpauth URIs imply, spec/iam-policy-sigv4.md §2.10), the
// RFC 4648 base32 seeds authenticator apps read, and the QR code (a PNG) that carries an otpauth
// URI to them.

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/clock.h"
#include "crypto/bytes.h"

namespace iamd::auth::totp {

inline constexpr int kDigits = 6;
inline constexpr std::int64_t kStepSeconds = 30;
/// Steps of clock drift accepted either way when a single code is checked.
inline constexpr int kDriftSteps = 1;

enum class Hash { Sha1, Sha256, Sha512 };

/// RFC 4648 §6 base32 (A-Z 2-7), upper case, without '=' padding (authenticator apps want none).
std::string base32_encode(crypto::Bytes data);
/// Decodes base32, ignoring case and trailing '=' padding; nullopt on any other character or an
/// impossible length.
std::optional<std::string> base32_decode(std::string_view text);

/// RFC 4226 HOTP: the `digits`-digit code (zero-padded) for `counter` under `key`.
std::string hotp(crypto::Bytes key, std::uint64_t counter, int digits = kDigits,
                 Hash hash = Hash::Sha1);

/// The RFC 6238 time step of `t`: Unix seconds / 30, rounded down.
std::int64_t time_step(core::TimePoint t);

/// The steps in [center - window, center + window] whose code equals `code`, nearest to `center`
/// first (ties: the earlier step). Every candidate is computed and compared in constant time.
std::vector<std::int64_t> matching_steps(crypto::Bytes key, std::string_view code,
                                         std::int64_t center, int window = kDriftSteps);

/// RFC 6238 verification with `window` steps of drift either way around `now`: the matched time
/// step, or nullopt. Steps at or before `last_accepted` never match, so that a code is accepted
/// once (callers store the returned step and pass it back next time).
std::optional<std::int64_t> verify(crypto::Bytes key, std::string_view code, core::TimePoint now,
                                   std::optional<std::int64_t> last_accepted = std::nullopt,
                                   int window = kDriftSteps);

/// Two consecutive codes (EnableMFADevice, ResyncMFADevice): the step S of `code2`, with `code1`
/// the code of S - 1, S within `window` steps of `now` (nearest first); nullopt when there is
/// none. When `last_accepted` is given, S - 1 must be later than it.
std::optional<std::int64_t> verify_consecutive(crypto::Bytes key, std::string_view code1,
                                               std::string_view code2, core::TimePoint now,
                                               int window,
                                               std::optional<std::int64_t> last_accepted =
                                                   std::nullopt);

/// A QR code (libqrencode, error correction level M) of `text` as a PNG image: 1-bit grayscale,
/// `scale` pixels per module and a 4-module quiet zone. Empty when `text` cannot be encoded.
std::string qr_png(std::string_view text, int scale = 4);

}  // namespace iamd::auth::totp
