// GetFederationToken (spec/sts-federation.md §2.5): a federated-user session for a calling IAM
// user (or root) with long-term keys. Its permissions are the user's policies intersected with
// the session policies passed here; without any it has none.
#include "sts/common.h"
#include "sts/service.h"

namespace iamd::sts {

using core::ErrorCode;

core::Result<api::Output> Service::get_federation_token(const api::Context& ctx, api::Input& in) {
  const std::string name = in.required_string("Name", rules::kFederatedName);
  SessionPolicies policies = read_session_policies(in);
  auto duration = in.optional_int("DurationSeconds", api::IntRule{900, 129600});
  std::vector<store::Tag> tags = read_session_tags(in);
  IAMD_TRY(in.finish());

  const api::Caller& caller = ctx.caller;
  if (caller.session) {
    return core::Error{ErrorCode::AccessDenied,
                       "Cannot call GetFederationToken with session credentials"};
  }
  const bool root = caller.type == api::PrincipalType::Root;
  if (!root && caller.type != api::PrincipalType::User) {
    return not_authorized(caller, "sts:GetFederationToken", {});
  }
  const std::string arn = "arn:aws:sts::" + caller.account + ":federated-user/" + name;
  std::vector<std::pair<std::string, policy::ContextValue>> keys;
  add_request_tag_keys(keys, tags);
  IAMD_TRY(check_session_tags(tags));
  for (std::string_view action : {"sts:GetFederationToken", "sts:TagSession"}) {
    if (action == "sts:TagSession" && tags.empty()) continue;
    authz::Decision d = d_.view.authorize(ctx, authz::Request{action, arn, keys});
    if (!d.allowed) return core::Error{ErrorCode::AccessDenied, std::move(d.message)};
  }
  IAMD_TRY(check_session_policies(d_.view, policies, caller.account));
  auto packed = packed_policy_size(policies, tags);
  IAMD_TRY(packed);
  std::int64_t seconds = duration.value_or(root ? 3600 : 43200);
  if (root) seconds = std::min<std::int64_t>(seconds, 3600);

  auth::Session s;
  s.kind = auth::Session::Kind::FederatedUser;
  s.account = caller.account;
  s.arn = arn;
  s.user_id = caller.account + ":" + name;
  s.session_name = name;
  s.source_arn = caller.arn;
  s.source_user_id = caller.user_id;  // the account id for root
  s.issued_at = ctx.now;
  s.expires_at = ctx.now + std::chrono::seconds(seconds);
  for (const auto& t : tags) s.tags.emplace_back(t.key, t.value);
  s.session_policy = policies.document.value_or("");
  s.session_policy_arns = policies.arns;
  auto token = mint(s, *d_.view.keyring(), d_.random);
  IAMD_TRY(token);

  api::Output out;
  write_credentials(out.result, s, *token);
  auto& user = out.result.add_struct("FederatedUser");
  user.add_string("FederatedUserId", s.user_id);
  user.add_string("Arn", s.arn);
  out.result.add_integer("PackedPolicySize", *packed);
  return out;
}

}  // namespace iamd::sts
