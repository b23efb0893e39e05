#pragma once
// AWS's policy evaluation logic (spec §4): explicit deny anywhere wins; SCPs; resource-based
// policies with the same-account principal rules of §4.4; identity policies; permissions
// boundaries; session policies; cross-account needs both sides. Total: never throws, never fails.

#include <cstddef>
#include <optional>
#include <string>
#include <vector>

#include "policy/compile.h"
#include "policy/context.h"

namespace iamd::policy {

enum class Decision { Allow, ExplicitDeny, ImplicitDeny };

/// The policy types AccessDenied messages name ("because no identity-based policy allows ...").
enum class PolicyKind { Identity, Resource, Boundary, Session, Scp };

struct MatchedStatement {
  const CompiledPolicy* policy = nullptr;
  std::size_t statement_index = 0;
  Effect effect = Effect::Allow;
  PolicyKind kind = PolicyKind::Identity;
};

struct EvaluationInput {
  const RequestContext* context = nullptr;
  /// Root of the principal's own account: skips identity, boundary and session checks.
  bool principal_is_account_root = false;
  std::vector<const CompiledPolicy*> identity;
  /// nullopt: the principal has no permissions boundary.
  std::optional<std::vector<const CompiledPolicy*>> boundary;
  /// nullopt: not a session, or a session created without session policies.
  std::optional<std::vector<const CompiledPolicy*>> session;
  /// A federated-user session (GetFederationToken) has no permissions without a session policy.
  bool federated_session = false;
  /// SCPs from the organization root down to the principal's account: every level must allow.
  /// Empty: the account is in no organization.
  std::vector<std::vector<const CompiledPolicy*>> scp_levels;
  /// The target resource's resource-based policy (e.g. a role's trust policy), if any.
  const CompiledPolicy* resource_policy = nullptr;
  /// Trust and KMS key policies must explicitly allow; identity policies alone never suffice.
  bool resource_policy_required = false;
  /// The account that owns the resource; empty means the principal's own account.
  std::string resource_account;
};

struct Evaluation {
  Decision decision = Decision::ImplicitDeny;
  /// The policy type that decided: for a deny, the one AWS's message names.
  PolicyKind decided_by = PolicyKind::Identity;
  /// The statements that determined the decision (denies for a deny, allows for an allow).
  std::vector<MatchedStatement> matched;
  /// Condition keys referenced by evaluated statements but absent from the context (sorted, unique).
  std::vector<std::string> missing_context_keys;
};

Evaluation evaluate(const EvaluationInput& input);

/// Whether one policy set alone allows, explicitly denies or does not decide the request (the
/// simulator's per-policy view). `kind` is recorded in matched statements.
Evaluation evaluate_one(const std::vector<const CompiledPolicy*>& policies, PolicyKind kind,
                        const RequestContext& context);

}  // namespace iamd::policy
