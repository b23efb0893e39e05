// Authorization: the request context from the caller and the call, then AWS's evaluation logic.
#include <chrono>

#include "authz/view.h"
#include "core/arn.h"
#include "core/time_format.h"
#include "policy/explain.h"

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
  return p;
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

  policy::EvaluationInput input;
  input.context = &rc;
  std::shared_ptr<const PrincipalPolicies> principal;
  if (caller.type == api::PrincipalType::Root) {
    input.principal_is_account_root = true;
  } else if (caller.type == api::PrincipalType::User) {
    principal = user_policies(caller.user_id);
    if (principal) {
      for (const auto& p : principal->identity) input.identity.push_back(p.get());
      if (principal->boundary) {
        input.boundary = std::vector<const policy::CompiledPolicy*>{principal->boundary.get()};
      }
      for (const auto& t : principal->tags) rc.set("aws:PrincipalTag/" + t.key, t.value);
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
  // A resource in another account (its ARN says so) is cross-account: that side must allow too.
  if (auto arn = core::Arn::parse(rc.resource);
      arn && !arn->account.empty() && arn->account != "aws" && arn->account != "*" &&
      arn->account != caller.account) {
    input.resource_account = arn->account;
  }

  Decision d;
  d.evaluation = policy::evaluate(input);
  d.allowed = d.evaluation.decision == policy::Decision::Allow;
  if (!d.allowed) {
    d.message = policy::access_denied_message(d.evaluation, caller.arn, request.action,
                                              request.resource);
  }
  return d;
}

}  // namespace iamd::authz
