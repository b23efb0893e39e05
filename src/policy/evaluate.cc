// AWS's evaluation logic (spec §4). Each policy set is evaluated once into "has an applicable
// Allow / Deny" (plus, for the resource policy, how its Allow named the caller); the decision is
// then the boolean formula of §4.3:
//   user          ¬Deny ∧ SCP ∧ ( RBP_user ∨ (Identity ∧ Boundary) )
//   role session  ¬Deny ∧ SCP ∧ ( RBP_session ∨ ((Identity ∨ RBP_role) ∧ Boundary ∧ Session) )
//   fed. session  ¬Deny ∧ SCP ∧ ( RBP_fed ∨ ((Identity ∨ RBP_user) ∧ Boundary ∧ SessionPolicy) )
//   root          ¬Deny ∧ SCP
// and cross-account: ¬Deny ∧ SCP ∧ RBP ∧ (Identity ∧ Boundary ∧ Session).
//
// Per request nothing is parsed or lower-cased but the action (into a stack buffer); statements
// are reached through each policy's service index, so unrelated services cost nothing.

#include "policy/evaluate.h"

#include <algorithm>
#include <array>
#include <span>
#include <tuple>
#include <utility>

#include "policy/compiled.h"

namespace iamd::policy {
namespace {

/// How a resource-policy Allow names the caller, which decides what else is needed (§4.4).
enum class Grant : std::uint8_t {
  None,
  Delegation,      // the caller's account: its identity policies must also allow
  CappedIdentity,  // the role (for its sessions) or the GetFederationToken user: counts as the
                   // identity Allow, still capped by boundary and session policy
  Direct,          // the caller itself (user, session, federated user, "*", service, provider):
                   // enough on its own within one account
};

bool has_account_identity(const PrincipalInfo& p) {
  using K = PrincipalInfo::Kind;
  return p.kind == K::Root || p.kind == K::User || p.kind == K::AssumedRole ||
         p.kind == K::FederatedUser;
}

Grant match_value(const PrincipalValue& v, const PrincipalInfo& p) {
  using K = PrincipalInfo::Kind;
  switch (v.form) {
    case PrincipalForm::Any:
      return Grant::Direct;
    case PrincipalForm::Account:
      return has_account_identity(p) && p.account == v.value ? Grant::Delegation : Grant::None;
    case PrincipalForm::UserArn:
      if (p.kind == K::User && p.arn == v.value) return Grant::Direct;
      if (p.kind == K::FederatedUser && p.source_user_arn == v.value) return Grant::CappedIdentity;
      return Grant::None;
    case PrincipalForm::UserId:
      return p.kind == K::User && p.user_id == v.value ? Grant::Direct : Grant::None;
    case PrincipalForm::RoleArn:
      return p.kind == K::AssumedRole && p.role_arn == v.value ? Grant::CappedIdentity
                                                               : Grant::None;
    case PrincipalForm::RoleId:
      // A session's user id is "AROA...:session-name".
      return p.kind == K::AssumedRole && p.user_id.size() > v.value.size() &&
                     p.user_id.starts_with(v.value) && p.user_id[v.value.size()] == ':'
                 ? Grant::CappedIdentity
                 : Grant::None;
    case PrincipalForm::SessionArn:
      return p.kind == K::AssumedRole && p.arn == v.value ? Grant::Direct : Grant::None;
    case PrincipalForm::FederatedUserArn:
      return p.kind == K::FederatedUser && p.arn == v.value ? Grant::Direct : Grant::None;
    case PrincipalForm::Service:
      return p.kind == K::Service && p.service == v.value ? Grant::Direct : Grant::None;
    case PrincipalForm::Federated:
      return (p.kind == K::WebIdentity || p.kind == K::Saml) && p.federated == v.value
                 ? Grant::Direct
                 : Grant::None;
    case PrincipalForm::CanonicalUser:
      return Grant::None;
    case PrincipalForm::Other:
      return !p.arn.empty() && p.arn == v.value ? Grant::Direct : Grant::None;
  }
  return Grant::None;
}

Grant match_principals(const PrincipalSet& set, const PrincipalInfo& p) {
  if (set.any) return Grant::Direct;
  Grant best = Grant::None;
  for (const auto& v : set.values) best = std::max(best, match_value(v, p));
  return best;
}

bool lists(const PrincipalSet& set, PrincipalForm form, std::string_view value) {
  for (const auto& v : set.values) {
    if (v.form == form && v.value == value) return true;
  }
  return false;
}

// NotPrincipal excludes a caller only when every identity the caller has is listed: its account,
// and its user, or its role and session ARNs (the Docs: naming a session alone is not enough).
// Anonymous callers have no identity to list.
bool not_principal_excludes(const PrincipalSet& set, const PrincipalInfo& p) {
  using K = PrincipalInfo::Kind;
  if (set.any) return true;
  if (has_account_identity(p) && !lists(set, PrincipalForm::Account, p.account)) return false;
  switch (p.kind) {
    case K::Anonymous:
      return false;
    case K::Root:
      return true;
    case K::User:
      return lists(set, PrincipalForm::UserArn, p.arn) ||
             lists(set, PrincipalForm::UserId, p.user_id);
    case K::AssumedRole:
      return lists(set, PrincipalForm::RoleArn, p.role_arn) &&
             lists(set, PrincipalForm::SessionArn, p.arn);
    case K::FederatedUser:
      return lists(set, PrincipalForm::FederatedUserArn, p.arn);
    case K::Service:
      return lists(set, PrincipalForm::Service, p.service);
    case K::WebIdentity:
    case K::Saml:
      return lists(set, PrincipalForm::Federated, p.federated);
  }
  return false;
}

bool split_arn(std::string_view s, std::array<std::string_view, 6>& parts) {
  for (std::size_t i = 0; i < 5; ++i) {
    std::size_t colon = s.find(':');
    if (colon == std::string_view::npos) return false;
    parts[i] = s.substr(0, colon);
    s.remove_prefix(colon + 1);
  }
  parts[5] = s;
  return true;
}

/// The request, normalized once per evaluation. Not copyable: its views point into itself.
class Request {
 public:
  explicit Request(const RequestContext& ctx) : ctx(ctx) {
    const std::string& a = ctx.action;
    char* out = buf_.data();
    if (a.size() > buf_.size()) {
      heap_.resize(a.size());
      out = heap_.data();
    }
    for (std::size_t i = 0; i < a.size(); ++i) {
      char c = a[i];
      out[i] = (c >= 'A' && c <= 'Z') ? static_cast<char>(c - 'A' + 'a') : c;
    }
    action = std::string_view(out, a.size());
    std::size_t colon = action.find(':');
    service = action.substr(0, colon);
    name = colon == std::string_view::npos ? std::string_view() : action.substr(colon + 1);
    service_hash = iamd::policy::service_hash(service);
    resource = ctx.resource;
    resource_is_arn = split_arn(resource, resource_parts);
  }
  Request(const Request&) = delete;
  Request& operator=(const Request&) = delete;

  const RequestContext& ctx;
  std::string_view action;  // lower-cased
  std::string_view service;
  std::string_view name;
  std::uint64_t service_hash = 0;
  std::string_view resource;
  bool resource_is_arn = false;
  std::array<std::string_view, 6> resource_parts;

 private:
  std::array<char, 128> buf_;
  std::string heap_;  // only for actions longer than the buffer
};

struct SetResult {
  bool allow = false;
  bool deny = false;
  Grant grant = Grant::None;  // the strongest grant among applicable Allows
};

class Evaluator {
 public:
  Evaluator(const RequestContext& ctx, std::vector<MatchedStatement>& matched)
      : req_(ctx), matched_(matched) {}

  SetResult run(std::span<const CompiledPolicy* const> policies, PolicyKind kind) {
    SetResult r;
    for (const CompiledPolicy* p : policies) {
      if (p != nullptr) run_policy(*p, kind, r);
    }
    return r;
  }

  MissingKeys missing;
  /// AWS: "The NotPrincipal element with a Deny effect will always deny any IAM principal that has
  /// a permissions boundary policy attached, regardless of the values specified in the
  /// NotPrincipal element." (IAM User Guide, permissions boundaries.)
  bool principal_has_boundary = false;

 private:
  void run_policy(const CompiledPolicy& policy, PolicyKind kind, SetResult& r) {
    const ServiceSlot* slot = policy.find_service(req_.service, req_.service_hash);
    std::span<const IndexEntry> indexed;
    if (slot != nullptr) indexed = slot->entries;
    std::span<const std::uint32_t> wild = policy.wildcard;
    // Both lists ascend by statement; merging keeps explanations in document order.
    std::size_t i = 0, j = 0;
    while (i < indexed.size() || j < wild.size()) {
      if (j >= wild.size() || (i < indexed.size() && indexed[i].statement < wild[j])) {
        consider(policy, policy.statements[indexed[i].statement], kind, &indexed[i], r);
        ++i;
      } else {
        consider(policy, policy.statements[wild[j]], kind, nullptr, r);
        ++j;
      }
    }
  }

  void consider(const CompiledPolicy& policy, const CompiledStatement& st, PolicyKind kind,
                const IndexEntry* entry, SetResult& r) {
    if (!action_matches(st, entry) || !resource_matches(st)) return;
    Grant grant = principal_grant(st, kind);
    if (grant == Grant::None) return;
    bool holds = conditions_hold(st);
    if (st.unknown_operator) holds = st.effect == Effect::Deny;  // fail closed (compile.h)
    if (!holds) return;
    matched_.push_back(MatchedStatement{&policy, st.index, st.effect, kind});
    if (st.effect == Effect::Deny) {
      r.deny = true;
    } else {
      r.allow = true;
      r.grant = std::max(r.grant, grant);
    }
  }

  bool action_matches(const CompiledStatement& st, const IndexEntry* entry) const {
    if (entry != nullptr) {
      for (std::uint32_t k = entry->first_action; k < entry->end_action; ++k) {
        if (st.actions[k].glob.matches(req_.name)) return true;
      }
      return false;
    }
    bool any = false;
    for (const auto& a : st.actions) {
      if (action_pattern_matches(a)) {
        any = true;
        break;
      }
    }
    return st.not_action ? !any : any;
  }

  bool action_pattern_matches(const ActionPattern& a) const {
    switch (a.kind) {
      case ActionPattern::Kind::Any:
        return true;
      case ActionPattern::Kind::Service:
        return a.service == req_.service && a.glob.matches(req_.name);
      case ActionPattern::Kind::Full:
        return a.glob.matches(req_.action);
    }
    return false;
  }

  bool resource_matches(const CompiledStatement& st) {
    if (!st.has_resource) return true;  // trust policies have no Resource element
    bool any = false;
    for (const auto& r : st.resources) {
      if (resource_pattern_matches(r)) {
        any = true;
        break;
      }
    }
    return st.not_resource ? !any : any;
  }

  bool resource_pattern_matches(const ResourcePattern& r) {
    switch (r.kind) {
      case ResourcePattern::Kind::Any:
        return true;
      case ResourcePattern::Kind::Whole:
        return r.tail.matches(req_.resource);
      case ResourcePattern::Kind::Arn:
        break;
    }
    if (!req_.resource_is_arn) return false;
    for (std::size_t i = 0; i < 5; ++i) {
      if (!r.head[i].matches(req_.resource_parts[i])) return false;
    }
    if (!r.tail_template) return r.tail.matches(req_.resource_parts[5]);
    // An unresolvable variable makes the pattern match nothing (spec §3.6).
    GlobBuffer pattern;
    bool resolved = expand(*r.tail_template, req_.ctx, &missing,
                           [&](std::string_view piece, bool wild) { pattern.append(piece, wild); });
    return resolved && glob_match_units(pattern.units(), req_.resource_parts[5]);
  }

  Grant principal_grant(const CompiledStatement& st, PolicyKind kind) const {
    switch (st.principal_mode) {
      case CompiledStatement::PrincipalMode::None:
        // A resource policy grants nobody it does not name; other kinds apply to their holder.
        return kind == PolicyKind::Resource ? Grant::None : Grant::Direct;
      case CompiledStatement::PrincipalMode::Principal:
        return match_principals(st.principals, req_.ctx.principal);
      case CompiledStatement::PrincipalMode::NotPrincipal:
        if (st.effect == Effect::Deny && principal_has_boundary) return Grant::Direct;
        return not_principal_excludes(st.principals, req_.ctx.principal) ? Grant::None
                                                                         : Grant::Direct;
    }
    return Grant::None;
  }

  // Every clause is evaluated (no short circuit) so that missing keys are reported completely.
  bool conditions_hold(const CompiledStatement& st) {
    conditions::Env env{req_.ctx, &missing};
    bool all = true;
    for (const auto& clause : st.clauses) all = conditions::evaluate_clause(clause, env) && all;
    return all;
  }

  Request req_;
  std::vector<MatchedStatement>& matched_;
};

// Keeps the statements that explain the decision: denies for an explicit deny, allows for an
// allow, none for an implicit deny.
void finish(Evaluation& out, Evaluator& ev) {
  switch (out.decision) {
    case Decision::ExplicitDeny:
      std::erase_if(out.matched, [](const auto& m) { return m.effect != Effect::Deny; });
      break;
    case Decision::Allow:
      std::erase_if(out.matched, [](const auto& m) { return m.effect != Effect::Allow; });
      break;
    case Decision::ImplicitDeny:
      out.matched.clear();
      break;
  }
  if (!ev.missing.empty()) out.missing_context_keys = ev.missing.sorted_unique();
}

// Anonymous callers, services and web-identity/SAML callers have no identity policies of their
// own: a resource policy alone decides for them.
bool has_identity_side(const PrincipalInfo& p) { return has_account_identity(p); }

std::span<const CompiledPolicy* const> as_span(const std::vector<const CompiledPolicy*>& v) {
  return std::span<const CompiledPolicy* const>(v.data(), v.size());
}

struct Outcomes {
  bool scp_deny = false;
  bool scp_allows = true;  // every level allows (vacuously true outside an organization)
  SetResult rbp, identity, boundary, session;
};

// The decision formula of §4.3/§4.6 over the evaluated sets; returns the decision and the policy
// type AccessDenied names.
std::pair<Decision, PolicyKind> decide(const EvaluationInput& in, const Outcomes& o) {
  using D = Decision;
  using K = PolicyKind;
  const PrincipalInfo& p = in.context->principal;
  const bool root = in.principal_is_account_root;
  // 1. Explicit denies. Only one policy type is named: the Docs' order of the deny check picks it.
  if (o.scp_deny) return {D::ExplicitDeny, K::Scp};
  if (o.rbp.deny) return {D::ExplicitDeny, K::Resource};
  if (o.identity.deny) return {D::ExplicitDeny, K::Identity};
  if (o.boundary.deny) return {D::ExplicitDeny, K::Boundary};
  if (o.session.deny) return {D::ExplicitDeny, K::Session};
  // 2. SCPs cap principals of member accounts, root included: every level must allow.
  if (!o.scp_allows) return {D::ImplicitDeny, K::Scp};
  // 3. The resource side.
  if (!root && !has_identity_side(p)) {
    return {o.rbp.allow ? D::Allow : D::ImplicitDeny, K::Resource};
  }
  const bool cross_account = !in.resource_account.empty() && in.resource_account != p.account;
  // Trust and key policies must allow explicitly; cross-account, the trusting side must allow.
  if ((in.resource_policy_required || cross_account) && !o.rbp.allow) {
    return {D::ImplicitDeny, K::Resource};
  }
  if (root) return {D::Allow, K::Identity};
  // Within one account an Allow naming the caller itself is enough (§4.4: user, session,
  // federated-user ARNs and "*").
  if (!cross_account && o.rbp.allow && o.rbp.grant == Grant::Direct) return {D::Allow, K::Resource};
  // 4. The identity side: identity policies, or within the account a grant to the caller's role
  // (or GetFederationToken user); then the caps.
  const bool identity_ok =
      o.identity.allow || (!cross_account && o.rbp.allow && o.rbp.grant == Grant::CappedIdentity);
  if (!identity_ok) return {D::ImplicitDeny, K::Identity};
  if (in.boundary && !o.boundary.allow) return {D::ImplicitDeny, K::Boundary};
  // A GetFederationToken session's permissions are the intersection with its session policy:
  // without one it has none.
  if (in.session ? !o.session.allow : in.federated_session) return {D::ImplicitDeny, K::Session};
  return {D::Allow, K::Identity};
}

}  // namespace

Evaluation evaluate(const EvaluationInput& in) {
  Evaluation out;
  if (in.context == nullptr) return out;
  Evaluator ev(*in.context, out.matched);
  ev.principal_has_boundary = in.boundary.has_value();
  Outcomes o;
  // Every applicable policy is evaluated before deciding: an explicit Deny in any of them wins.
  for (const auto& level : in.scp_levels) {
    SetResult r = ev.run(as_span(level), PolicyKind::Scp);
    o.scp_deny |= r.deny;
    o.scp_allows &= r.allow;
  }
  if (in.resource_policy != nullptr) {
    const CompiledPolicy* one[] = {in.resource_policy};
    o.rbp = ev.run(one, PolicyKind::Resource);
  }
  if (!in.principal_is_account_root) {  // root: full access in its own account
    o.identity = ev.run(as_span(in.identity), PolicyKind::Identity);
    if (in.boundary) o.boundary = ev.run(as_span(*in.boundary), PolicyKind::Boundary);
    if (in.session) o.session = ev.run(as_span(*in.session), PolicyKind::Session);
  }
  std::tie(out.decision, out.decided_by) = decide(in, o);
  finish(out, ev);
  return out;
}

Evaluation evaluate_one(const std::vector<const CompiledPolicy*>& policies, PolicyKind kind,
                        const RequestContext& context) {
  Evaluation out;
  Evaluator ev(context, out.matched);
  SetResult r = ev.run(as_span(policies), kind);
  out.decided_by = kind;
  out.decision = r.deny    ? Decision::ExplicitDeny
                 : r.allow ? Decision::Allow
                           : Decision::ImplicitDeny;
  finish(out, ev);
  return out;
}

}  // namespace iamd::policy
