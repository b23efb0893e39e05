#pragma once
// `iamd policy eval-batch`: many evaluations, one JSON object per line in and out. The machine
// interface to the policy core, used by the differential test (tests/differential) against
// @cloud-copilot/iam-simulate.
//
// One case per input line:
//   {"id": any (echoed back, optional),
//    "identity": [policy, ...], "boundary": [policy, ...] (optional: no boundary),
//    "session": [policy, ...] (optional: no session policy), "scps": [[policy, ...], ...]
//    (optional: one array per level, root first), "resource_policy": policy (optional),
//    "resource_policy_required": bool (optional),
//    "request": {"action": "svc:Name", "resource": "arn..." (default "*"),
//                "principal": "arn...", "principal_type": "User|AssumedRole|Root|FederatedUser|
//                Anonymous|Service|WebIdentity|Saml" (default: from the ARN),
//                "role_arn", "user_id", "source_user_arn", "service", "federated" (optional),
//                "resource_account": "123456789012" (optional: the resource's owner when it is
//                not the principal's account),
//                "context": {"key": "v" | ["v1", "v2"], ...}}}
// A policy is its JSON text (a string) or the document itself (an object); either way it is parsed
// with policy::json::parse(Strict) and compiled once per case.
//
// One result per line:
//   {"id": ..., "decision": "Allow|ExplicitDeny|ImplicitDeny", "decided_by": "identity|resource|
//    boundary|session|scp", "matched": [{"kind": "identity", "policy": i, "statement": j,
//    "effect": "Allow"}, ...] (scp entries also carry "level"), "missing": ["key", ...]}
// or {"id": ..., "error": "..."} for a case that cannot be evaluated. Lines longer than
// kMaxBatchLineBytes are answered with an error and skipped; the batch never stops early.

#include <cstddef>
#include <cstdio>
#include <string>
#include <string_view>

namespace iamd::app {

inline constexpr std::size_t kMaxBatchLineBytes = std::size_t{1} << 20;

/// Evaluates one case (one input line, without its newline) and returns the result line (without
/// a newline). Never throws.
std::string policy_eval_case(std::string_view line);

/// Reads cases from `in` until end of file and writes one result line per non-blank input line
/// to `out`. Exit status: 0 (bad cases are reported inline), 2 when `out` cannot be written.
int policy_eval_batch(std::FILE* in, std::FILE* out);

}  // namespace iamd::app
