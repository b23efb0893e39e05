#include "app/audit_event.h"

#include "auth/session_token.h"

namespace iamd::app {
namespace {

std::string_view after_last_slash(std::string_view arn) {
  std::size_t slash = arn.rfind('/');
  return slash == std::string_view::npos ? arn : arn.substr(slash + 1);
}

// The long-term principal behind a GetFederationToken session: an IAM user or the root user.
audit::SessionIssuer issuer_of_federated(const auth::Session& s) {
  audit::SessionIssuer issuer;
  const bool root = s.source_arn.ends_with(":root");
  issuer.type = root ? "Root" : "IAMUser";
  issuer.principal_id = s.source_user_id;
  issuer.arn = s.source_arn;
  issuer.account_id = s.account;
  if (!root) issuer.user_name = std::string(after_last_slash(s.source_arn));
  return issuer;
}

}  // namespace

audit::Identity audit_identity(api::Caller&& caller) {
  audit::Identity id;
  id.principal_id = std::move(caller.user_id);
  id.arn = std::move(caller.arn);
  id.account_id = std::move(caller.account);
  id.access_key_id = std::move(caller.access_key_id);
  switch (caller.type) {
    case api::PrincipalType::Root: id.type = "Root"; break;
    case api::PrincipalType::User:
      id.type = "IAMUser";
      id.user_name = std::move(caller.name);
      break;
    case api::PrincipalType::AssumedRole: id.type = "AssumedRole"; break;
    case api::PrincipalType::FederatedUser: id.type = "FederatedUser"; break;
    case api::PrincipalType::Anonymous: id.type = "Unknown"; break;
  }
  if (const auth::Session* s = caller.session.get()) {
    id.has_session = true;
    id.session_created = s->issued_at;
    id.mfa_authenticated = s->mfa_present;
    id.source_identity = s->source_identity;
    if (s->kind == auth::Session::Kind::AssumedRole) {
      id.issuer = audit::SessionIssuer{"Role", s->role_id, s->role_arn, s->account,
                                       std::string(after_last_slash(s->role_arn))};
    } else if (s->kind == auth::Session::Kind::FederatedUser) {
      id.issuer = issuer_of_federated(*s);
    }
  }
  return id;
}

void record_last_used(const audit::Event& event, authz::View& view, sts::Service& sts) {
  const audit::Identity& id = event.identity;
  if (id.type == "Unknown") return;  // the signature did not verify: nobody used anything
  if (id.access_key_id.starts_with("AKIA")) {
    view.record_key_use(id.access_key_id, authz::KeyUse{event.time, event.service, event.region});
  }
  if (id.issuer && id.issuer->type == "Role") {
    sts.record_role_use(id.account_id, id.issuer->principal_id, event.time, event.region);
  }
  // A role counts as used when it is assumed, too.
  if (event.error_code.empty() && event.event_name.starts_with("AssumeRole")) {
    for (const auto& resource : event.resources) {
      if (resource.type != "AWS::IAM::Role") continue;
      if (auto role = view.find_role_by_arn(resource.arn)) {
        sts.record_role_use(role->account, role->id, event.time, event.region);
      }
    }
  }
}

}  // namespace iamd::app
