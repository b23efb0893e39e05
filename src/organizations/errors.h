#pragma once
// The errors of the Organizations service in AWS's words, and the "Reason" member AWS adds to
// InvalidInputException and ConstraintViolationException.
//
// core::Error carries a code and a message only, so the reason travels as the message: every
// InvalidInputException / ConstraintViolationException this service raises comes from one row of
// a table (reason, fixed AWS message), and error_reason() finds the row again for the encoder:
//   http::json::ErrorField reason[] = {{"Reason", organizations::error_reason(e)}};
//   body = http::json::encode_error(e, error_reason(e).empty() ? {} : reason);

#include <string_view>

#include "api/input.h"
#include "core/error.h"
#include "core/result.h"

namespace iamd::organizations {

enum class InvalidInputReason {
  InputRequired,
  InvalidPattern,
  MaxLengthExceeded,
  MinLengthExceeded,
  InvalidEnum,
  MaxValueExceeded,
  MinValueExceeded,
  InvalidNextToken,
  ImmutablePolicy,
  DuplicateTagKey,
  InvalidListMember,
};

enum class ConstraintReason {
  AccountNumberLimitExceeded,
  OuNumberLimitExceeded,
  OuDepthLimitExceeded,
  PolicyNumberLimitExceeded,
  PolicyContentLimitExceeded,
  MaxPolicyTypeAttachmentLimitExceeded,
  MinPolicyTypeAttachmentLimitExceeded,
  MaxTagLimitExceeded,
};

/// InvalidInputException with AWS's message for `reason`.
core::Error invalid_input(InvalidInputReason reason);
/// ConstraintViolationException with AWS's message for `reason`.
core::Error constraint_violation(ConstraintReason reason);

/// The Reason member for an error raised by invalid_input / constraint_violation ("INVALID_PATTERN",
/// "MAX_POLICY_TYPE_ATTACHMENT_LIMIT_EXCEEDED", ...); empty for any other error.
std::string_view error_reason(const core::Error& e);

/// Ok, or the first violation `in` recorded as Organizations reports it: InvalidInputException
/// with a reason (INPUT_REQUIRED, INVALID_PATTERN, MAX_LENGTH_EXCEEDED, ...) rather than IAM's
/// "N validation errors detected" ValidationError.
core::Status finish(const api::Input& in);

// The modeled errors with a fixed message.
core::Error not_in_use();             // AWSOrganizationsNotInUseException
core::Error management_only();        // AccessDeniedException, for member accounts
core::Error already_in_organization();
core::Error account_not_found();
core::Error parent_not_found();
core::Error unit_not_found();
core::Error root_not_found();
core::Error target_not_found();
core::Error child_not_found();
core::Error policy_not_found();
core::Error create_account_status_not_found();
core::Error policy_type_not_enabled();
core::Error policy_type_not_available();
core::Error malformed_policy_document();

}  // namespace iamd::organizations
