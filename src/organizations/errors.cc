#include "organizations/errors.h"

#include <string>

namespace iamd::organizations {
namespace {

using core::Error;
using core::ErrorCode;

struct ReasonRow {
  std::string_view reason;
  std::string_view message;
};

// Messages: AWS's where seen on the wire (INVALID_PATTERN), otherwise the reason's description
// in the API reference (InvalidInputException, ConstraintViolationException).
constexpr ReasonRow kInvalidInput[] = {
    {"INPUT_REQUIRED", "You must include a value for all required parameters."},
    {"INVALID_PATTERN", "You provided a value that does not match the required pattern."},
    {"MAX_LENGTH_EXCEEDED", "You provided a string parameter that is longer than allowed."},
    {"MIN_LENGTH_EXCEEDED", "You provided a string parameter that is shorter than allowed."},
    {"INVALID_ENUM", "You specified an invalid value."},
    {"MAX_VALUE_EXCEEDED", "You provided a numeric parameter that has a larger value than allowed."},
    {"MIN_VALUE_EXCEEDED",
     "You provided a numeric parameter that has a smaller value than allowed."},
    {"INVALID_NEXT_TOKEN",
     "You specified an invalid value for nextToken. You must get the value from the response to "
     "a previous call to the API."},
    {"IMMUTABLE_POLICY", "You specified a policy that is managed by AWS and can't be modified."},
    {"DUPLICATE_TAG_KEY", "Tag keys must be unique among the tags attached to the same entity."},
    {"INVALID_LIST_MEMBER",
     "You provided a list to a parameter that contains at least one invalid value."},
};

constexpr ReasonRow kConstraint[] = {
    {"ACCOUNT_NUMBER_LIMIT_EXCEEDED",
     "You attempted to exceed the limit on the number of accounts in an organization."},
    {"OU_NUMBER_LIMIT_EXCEEDED",
     "You attempted to exceed the number of OUs that you can have in an organization."},
    {"OU_DEPTH_LIMIT_EXCEEDED", "You attempted to create an OU tree that is too many levels deep."},
    {"POLICY_NUMBER_LIMIT_EXCEEDED",
     "You attempted to exceed the number of policies that you can have in an organization."},
    {"POLICY_CONTENT_LIMIT_EXCEEDED",
     "You attempted to create a policy that is larger than the maximum size."},
    {"MAX_POLICY_TYPE_ATTACHMENT_LIMIT_EXCEEDED",
     "You attempted to exceed the number of policies of a certain type that can be attached to an "
     "entity at one time."},
    {"MIN_POLICY_TYPE_ATTACHMENT_LIMIT_EXCEEDED",
     "You attempted to detach a policy from an entity that would cause the entity to have fewer "
     "than the minimum number of policies of a certain type required."},
    {"MAX_TAG_LIMIT_EXCEEDED", "You have exceeded the number of tags allowed on this resource."},
};

Error fixed(ErrorCode code, std::string_view message) { return Error{code, std::string(message)}; }

}  // namespace

Error invalid_input(InvalidInputReason reason) {
  return fixed(ErrorCode::InvalidInputException,
               kInvalidInput[static_cast<int>(reason)].message);
}

Error constraint_violation(ConstraintReason reason) {
  return fixed(ErrorCode::ConstraintViolationException,
               kConstraint[static_cast<int>(reason)].message);
}

std::string_view error_reason(const Error& e) {
  if (e.code == ErrorCode::InvalidInputException) {
    for (const auto& row : kInvalidInput) {
      if (row.message == e.message) return row.reason;
    }
  } else if (e.code == ErrorCode::ConstraintViolationException) {
    for (const auto& row : kConstraint) {
      if (row.message == e.message) return row.reason;
    }
  }
  return {};
}

core::Status finish(const api::Input& in) {
  core::Status st = in.finish();
  if (st) return st;
  // api::Input words each violation "... failed to satisfy constraint: <constraint>"; the first
  // one decides the reason, as AWS reports one problem at a time.
  const std::string& msg = st.error().message;
  constexpr std::string_view kMarker = "failed to satisfy constraint: ";
  std::size_t at = msg.find(kMarker);
  std::string_view constraint =
      at == std::string::npos ? std::string_view() : std::string_view(msg).substr(at + kMarker.size());
  struct Prefix {
    std::string_view text;
    InvalidInputReason reason;
  };
  static constexpr Prefix kPrefixes[] = {
      {"Member must not be null", InvalidInputReason::InputRequired},
      {"Member must satisfy regular expression pattern", InvalidInputReason::InvalidPattern},
      {"Member must have length less than or equal to", InvalidInputReason::MaxLengthExceeded},
      {"Member must have length greater than or equal to", InvalidInputReason::MinLengthExceeded},
      {"Member must satisfy enum value set", InvalidInputReason::InvalidEnum},
      {"Member must have value less than or equal to", InvalidInputReason::MaxValueExceeded},
      {"Member must have value greater than or equal to", InvalidInputReason::MinValueExceeded},
  };
  for (const auto& p : kPrefixes) {
    if (constraint.starts_with(p.text)) return invalid_input(p.reason);
  }
  // "Member must be a number" / "a boolean": a value of the wrong JSON type.
  return Error{ErrorCode::SerializationException, ""};
}

Error not_in_use() {
  return fixed(ErrorCode::AWSOrganizationsNotInUseException,
               "Your account is not a member of an organization.");
}
Error management_only() {
  return fixed(ErrorCode::AccessDeniedException,
               "You don't have permissions to access this resource.");
}
Error already_in_organization() {
  return fixed(ErrorCode::AlreadyInOrganizationException,
               "The AWS account is already a member of an organization.");
}
Error account_not_found() {
  return fixed(ErrorCode::AccountNotFoundException, "You specified an account that doesn't exist.");
}
Error parent_not_found() {
  return fixed(ErrorCode::ParentNotFoundException, "You specified parent that doesn't exist.");
}
Error unit_not_found() {
  return fixed(ErrorCode::OrganizationalUnitNotFoundException,
               "You specified an organizational unit that doesn't exist.");
}
Error root_not_found() {
  return fixed(ErrorCode::RootNotFoundException, "You specified a root that doesn't exist.");
}
Error target_not_found() {
  return fixed(ErrorCode::TargetNotFoundException, "You specified a target that doesn't exist.");
}
Error child_not_found() {
  return fixed(ErrorCode::ChildNotFoundException,
               "We can't find an organizational unit (OU) or AWS account with the ChildId that "
               "you specified.");
}
Error policy_not_found() {
  return fixed(ErrorCode::PolicyNotFoundException,
               "We can't find a policy with the PolicyId that you specified.");
}
Error create_account_status_not_found() {
  return fixed(ErrorCode::CreateAccountStatusNotFoundException,
               "We can't find an create account request with the CreateAccountRequestId that you "
               "specified.");
}
Error policy_type_not_enabled() {
  return fixed(ErrorCode::PolicyTypeNotEnabledException,
               "This operation can be performed only for enabled policy types.");
}
Error policy_type_not_available() {
  return fixed(ErrorCode::PolicyTypeNotAvailableForOrganizationException,
               "You can't use the specified policy type with the feature set currently enabled "
               "for this organization.");
}
Error malformed_policy_document() {
  return fixed(ErrorCode::MalformedPolicyDocumentException,
               "The provided policy document does not meet the requirements of the specified "
               "policy type.");
}

}  // namespace iamd::organizations
