#pragma once
// Decision -> words: AccessDenied messages in AWS's form and a statement-by-statement explanation
// for `iamd policy eval`.

#include <string>
#include <string_view>

#include "policy/evaluate.h"

namespace iamd::policy {

/// "User: ARN is not authorized to perform: ACTION on resource: RES because no identity-based
/// policy allows the ACTION action", or "... with an explicit deny in a service control policy";
/// "on resource: ..." is omitted when `resource` is empty.
std::string access_denied_message(const Evaluation& evaluation, std::string_view caller_arn,
                                  std::string_view action, std::string_view resource);

/// A readable, multi-line account of the decision: the decision, who decided, each matched
/// statement (policy id, Sid, index, lines) and the missing context keys.
std::string explain(const Evaluation& evaluation, const RequestContext& context);

}  // namespace iamd::policy
