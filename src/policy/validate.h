#pragma once
// Semantic checks of a parsed policy per use (identity, trust, boundary, session, SCP), worded as
// IAM words its MalformedPolicyDocument errors (spec §3.8), plus warnings for `iamd policy check`.

#include <string>
#include <string_view>
#include <vector>

#include "core/result.h"
#include "policy/model.h"

namespace iamd::policy {

struct Finding {
  enum class Severity { Error, Warning };
  Severity severity = Severity::Error;
  std::string message;
  std::string pointer;  // JSON pointer to the element, e.g. "/Statement/2/Condition"
};

/// Ok, or MalformedPolicyDocument with the message AWS gives for the first error found.
core::Status validate(const Policy& policy, PolicyType type);

/// Every error and warning (unknown actions, always-false conditions, wildcard misuse, ...).
std::vector<Finding> check(const Policy& policy, PolicyType type);

/// Policy size as IAM's quotas count it: characters other than JSON whitespace.
std::size_t quota_size(std::string_view text);

}  // namespace iamd::policy
