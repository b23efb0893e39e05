// Authorization: the request context from the caller and the call, then AWS's evaluation logic.
#include <chrono>

#include "authz/view.h"
#include "core/arn.h"
#include "core/strings.h"
#include "core/time_format.h"
#include "policy/explain.h"
#include "policy/json/parse.h"

namespace iamd::authz {
namespace {

std::string_view principal_type(api::PrincipalType t) {
  switch (t) {
    case api::PrincipalType::Root: return "Account";
    case api::PrincipalType::User: return "User";
    case api::PrincipalType::AssumedRole: return "AssumedRole";
    case api::PrincipalType::FederatedUser: return "FederatedUser";
    case api::PrincipalType::Anonymous: return "Anonymous";
  }
  return "Anonymous";
}

policy::PrincipalInfo principal_info(const api::Caller& c) {
  policy::PrincipalInfo p;
  switch (c.type) {
    case api::PrincipalType::Root: p.kind = policy::PrincipalInfo::Kind::Root; break;
    case api::PrincipalType::User: p.kind = policy::PrincipalInfo::Kind::User; break;
    case api::PrincipalType::AssumedRole: p.kind = policy::PrincipalInfo::Kind::AssumedRole; break;
    case api::PrincipalType::FederatedUser:
      p.kind = policy::PrincipalInfo::Kind::FederatedUser;
      break;
    case api::PrincipalType::Anonymous: p.kind = policy::PrincipalInfo::Kind::Anonymous; break;
  }
  p.account = c.account;
  p.arn = c.arn;
  p.user_id = c.user_id;
  if (const auth::Session* s = c.session.get()) {
    if (s->kind == auth::Session::Kind::AssumedRole) p.role_arn = s->role_arn;
    if (s->kind == auth::Session::Kind::FederatedUser) p.source_user_arn = s->source_arn;
  }
  return p;
}

// The keys a request signed with temporary credentials carries (spec sts-federation §4.1, §4.6).
void fill_session_keys(policy::RequestContext& rc, const api::Context& ctx,
                       const auth::Session& s) {
  // A role session's aws:PrincipalArn is the role's ARN, path included, not the session's.
  if (s.kind == auth::Session::Kind::AssumedRole) rc.set("aws:PrincipalArn", s.role_arn);
  rc.set("aws:TokenIssueTime", core::format_iso8601(s.issued_at));
  rc.set("aws:MultiFactorAuthPresent", s.mfa_present ? "true" : "false");
  if (s.mfa_present) {
    auto age = std::chrono::duration_cast<std::chrono::seconds>(ctx.now - s.mfa_authenticated_at);
    rc.set("aws:MultiFactorAuthAge", std::to_string(std::max<std::int64_t>(0, age.count())));
  }
  if (!s.source_identity.empty()) rc.set("aws:SourceIdentity", s.source_identity);
}

// Allows everything: the identity side of a root user's GetFederationToken session, whose
// permissions are then exactly its session policy.
const policy::CompiledPolicy* allow_all() {
  static const std::shared_ptr<const policy::CompiledPolicy> kPolicy = [] {
    auto parsed = policy::json::parse(
        R"({"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"*","Resource":"*"}]})",
        policy::json::ParseMode::Lenient);
    return *policy::compile(*parsed, policy::PolicySource{"root", "none"});
  }();
  return kPolicy.get();
}

// Temporary credentials that may not call the IAM API: GetFederationToken sessions, and
// GetSessionToken sessions created without MFA (spec sts-federation §2.4, §2.5).
bool iam_api_refused(const auth::Session& s, std::string_view action) {
  if (action.size() < 4 || !core::iequals(action.substr(0, 4), "iam:")) return false;
  if (s.kind == auth::Session::Kind::FederatedUser) return true;
  return s.kind == auth::Session::Kind::SessionToken && !s.mfa_present;
}

// The global condition keys every request carries (spec §3.5).
void fill_global_keys(policy::RequestContext& rc, const api::Context& ctx) {
  const api::Caller& c = ctx.caller;
  rc.set("aws:CurrentTime", core::format_iso8601(ctx.now));
  rc.set("aws:EpochTime",
         std::to_string(std::chrono::duration_cast<std::chrono::seconds>(ctx.now.time_since_epoch())
                            .count()));
  rc.set("aws:SecureTransport", ctx.secure_transport ? "true" : "false");
  if (!ctx.source_ip.empty()) rc.set("aws:SourceIp", ctx.source_ip);
  if (!ctx.user_agent.empty()) rc.set("aws:UserAgent", ctx.user_agent);
  rc.set("aws:RequestedRegion", ctx.region);
  rc.set("aws:ViaAWSService", "false");
  rc.set("aws:PrincipalIsAWSService", "false");
  if (c.type == api::PrincipalType::Anonymous) return;
  rc.set("aws:PrincipalArn", c.arn);
  rc.set("aws:PrincipalAccount", c.account);
  rc.set("aws:PrincipalType", std::string(principal_type(c.type)));
  rc.set("aws:userid", c.user_id);
  if (c.type == api::PrincipalType::User) rc.set("aws:username", c.name);
}

}  // namespace

Decision View::authorize(const api::Context& ctx, const Request& request) {
  const api::Caller& caller = ctx.caller;
  policy::RequestContext rc;
  rc.action = std::string(request.action);
  rc.resource = request.resource.empty() ? "*" : std::string(request.resource);
  rc.principal = principal_info(caller);
  fill_global_keys(rc, ctx);

  const auth::Session* session = caller.session.get();
  if (session != nullptr) fill_session_keys(rc, ctx, *session);

  policy::EvaluationInput input;
  input.context = &rc;
  input.resource_policy = request.resource_policy;
  input.resource_policy_required = request.resource_policy_required;
  std::shared_ptr<const PrincipalPolicies> principal;
  std::vector<std::shared_ptr<const policy::CompiledPolicy>> session_policies;  // kept alive
  auto use_principal = [&](const std::shared_ptr<const PrincipalPolicies>& pp) {
    principal = pp;
    if (!principal) return;
    for (const auto& p : principal->identity) input.identity.push_back(p.get());
    if (principal->boundary) {
      input.boundary = std::vector<const policy::CompiledPolicy*>{principal->boundary.get()};
    }
    for (const auto& t : principal->tags) rc.set("aws:PrincipalTag/" + t.key, t.value);
  };
  if (caller.type == api::PrincipalType::Root) {
    input.principal_is_account_root = true;
  } else if (caller.type == api::PrincipalType::User) {
    use_principal(user_policies(caller.user_id));
  } else if (caller.type == api::PrincipalType::AssumedRole && session != nullptr) {
    // The role's policies and boundary as they are now: a deleted role's sessions can do nothing.
    use_principal(role_policies(session->role_id));
  } else if (caller.type == api::PrincipalType::FederatedUser && session != nullptr) {
    // The permissions of the IAM user (or root) who called GetFederationToken, capped by the
    // session policy, without which the session has none.
    input.federated_session = true;
    if (session->source_user_id == session->account) {
      input.identity.push_back(allow_all());
    } else {
      use_principal(user_policies(session->source_user_id));
    }
  }
  if (session != nullptr) {
    // Session tags override the principal's tags with the same key (keys compare
    // case-insensitively, as context keys do).
    for (const auto& [k, v] : session->tags) rc.set("aws:PrincipalTag/" + k, v);
    if (!session->session_policy.empty() || !session->session_policy_arns.empty()) {
      std::vector<const policy::CompiledPolicy*> caps;
      if (!session->session_policy.empty()) {
        // A session policy that does not compile allows nothing (null entries are skipped).
        session_policies.push_back(session_policy(session->session_policy));
        caps.push_back(session_policies.back().get());
      }
      for (const auto& arn : session->session_policy_arns) {
        // A managed session policy deleted since allows nothing.
        session_policies.push_back(managed_policy(arn));
        caps.push_back(session_policies.back().get());
      }
      input.session = std::move(caps);
    }
  }
  if (request.resource_tags != nullptr) {
    for (const auto& t : *request.resource_tags) {
      rc.set("aws:ResourceTag/" + t.key, t.value);
      rc.set("iam:ResourceTag/" + t.key, t.value);
    }
  }
  for (const auto& [key, value] : request.keys) {
    if (value.multi_valued) {
      rc.set_multi(key, value.values);
    } else if (!value.values.empty()) {
      rc.set(key, value.values.front());
    }
  }
  // SCPs cap every principal of a member account, its root user included (spec §4.7); the
  // management account is not restricted. `scps` keeps the compiled levels alive until evaluate.
  std::shared_ptr<const AccountScps> scps;
  if (caller.type != api::PrincipalType::Anonymous) {
    scps = account_scps(caller.account);
    if (scps) input.scp_levels = scps->levels;
  }
  // A resource in another account (its ARN says so) is cross-account: that side must allow too.
  if (auto arn = core::Arn::parse(rc.resource);
      arn && !arn->account.empty() && arn->account != "aws" && arn->account != "*" &&
      arn->account != caller.account) {
    input.resource_account = arn->account;
  }

  Decision d;
  if (session != nullptr && iam_api_refused(*session, request.action)) {
    d.evaluation.decision = policy::Decision::ImplicitDeny;
    d.evaluation.decided_by = policy::PolicyKind::Session;
    d.message = policy::access_denied_message(d.evaluation, caller.arn, request.action,
                                              request.resource);
    return d;
  }
  d.evaluation = policy::evaluate(input);
  d.allowed = d.evaluation.decision == policy::Decision::Allow;
  if (!d.allowed) {
    d.message = policy::access_denied_message(d.evaluation, caller.arn, request.action,
                                              request.resource);
  }
  return d;
}

}  // namespace iamd::authz
