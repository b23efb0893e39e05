#pragma once
// Virtual MFA devices as the rest of iamd uses them: STS (GetSessionToken and AssumeRole with
// SerialNumber + TokenCode, spec/sts-federation.md §3.4) and console sign-in check a code here.
// The IAM operations on devices are Service members (mfa.cc).

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "core/clock.h"
#include "core/result.h"
#include "core/sealer.h"
#include "store/store.h"

namespace iamd::iam {

/// The AccessDenied message AWS's STS gives for a wrong, missing or foreign MFA code (observed;
/// note the two spaces).
inline constexpr std::string_view kMfaFailedMessage =
    "MultiFactorAuthentication failed, unable to validate MFA code.  Please verify your MFA "
    "serial number is valid and associated with this user.";

/// What check_mfa_code found. Every outcome but Accepted must be refused the same way (STS:
/// AccessDenied with kMfaFailedMessage); the distinction is for logs and audit only.
struct MfaCheck {
  enum class Outcome {
    Accepted,      // the code matched a fresh time step, now recorded as spent
    NoSuchDevice,  // no virtual MFA device with that serial number in the account
    NotEnabled,    // the device exists but is not enabled for this principal
    InvalidCode,   // malformed, or matches no step within one step of now
    CodeReused,    // matches a step already accepted from this device
  };
  Outcome outcome = Outcome::InvalidCode;
  std::int64_t step = 0;  // the accepted RFC 6238 time step, when Accepted

  bool matched() const { return outcome == Outcome::Accepted; }
};

/// Checks a 6-digit TOTP `code` from the virtual MFA device `serial_number` for the principal
/// `user_id` (an IAM user id, or "root" for the account's root user) of `account`, at `now`:
/// the device must be enabled for that principal, and the code must be the device's code for
/// a time step within one step of now (or of the offset ResyncMFADevice recorded) that is later
/// than the last step accepted from it, since a code is accepted once per device. On a match the
/// step is recorded in the same store transaction. A refusal is an outcome, not an error, and
/// writes nothing; the error case is only a store failure or an unreadable (tampered) seed.
core::Result<MfaCheck> check_mfa_code(store::Store& store, const core::Sealer& sealer,
                                      std::string_view account, std::string_view user_id,
                                      std::string_view serial_number, std::string_view code,
                                      core::TimePoint now);

/// The serial numbers of the MFA devices enabled for a principal (user id or "root"), in key
/// order; empty when it has none (console sign-in asks for a code only then).
core::Result<std::vector<std::string>> enabled_mfa_serials(store::Store& store,
                                                           std::string_view account,
                                                           std::string_view user_id);

}  // namespace iamd::iam
