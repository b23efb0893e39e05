#pragma once
// The one call for documents a client sends (CreatePolicy, PutRolePolicy, CreateRole, AssumeRole's
// Policy, ...): strict parse plus validation, with the first error in AWS's order.

#include <string_view>

#include "core/result.h"
#include "policy/model.h"

namespace iamd::policy::json {

/// Parses `text` strictly and validates it as `type`. The error is the first of spec §3.8's
/// evaluation order, including the one case `parse` + `validate` cannot order: an Effect in the
/// wrong case ("allow") is "The policy failed legacy parsing", but only after the Version check.
/// Size quotas are the caller's (quota_size in validate.h).
core::Result<Policy> parse_and_validate(std::string_view text, PolicyType type);

}  // namespace iamd::policy::json
