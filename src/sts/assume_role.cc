// AssumeRole (spec/sts-federation.md §2.1, §3; iam-policy-sigv4.md §4.5).
//
// Authorization is the view's evaluation with the role's trust policy as a resource policy that
// must allow (resource_policy_required), so the same-account and cross-account rules of §3.3 come
// from the evaluator: a trust policy naming the caller's user or session ARN suffices within the
// account; naming the caller's role is capped by that session's boundary and session policies;
// naming the account needs the caller's identity Allow; another account needs both sides.
// sts:TagSession and sts:SetSourceIdentity are further checks of the same request.
#include "core/arn.h"
#include "core/strings.h"
#include "core/time_format.h"
#include "iam/mfa.h"
#include "sts/common.h"
#include "sts/service.h"

namespace iamd::sts {

using core::ErrorCode;

namespace {

using Keys = std::vector<std::pair<std::string, policy::ContextValue>>;

core::Error validation(std::string message) {
  return core::Error{ErrorCode::ValidationError, std::move(message)};
}

bool contains_key(const std::vector<std::string>& keys, std::string_view key) {
  for (const auto& k : keys) {
    if (core::iequals(k, key)) return true;
  }
  return false;
}

}  // namespace

core::Result<api::Output> Service::assume_role(const api::Context& ctx, api::Input& in) {
  const std::string role_arn = in.required_string("RoleArn", rules::kArn);
  const std::string session_name = in.required_string("RoleSessionName", rules::kRoleSessionName);
  SessionPolicies policies = read_session_policies(in);
  auto duration = in.optional_int("DurationSeconds", api::IntRule{900, 43200});
  std::vector<store::Tag> tags = read_session_tags(in);
  std::vector<std::string> transitive =
      in.string_list("TransitiveTagKeys", rules::kTagKey, rules::kMaxTags);
  auto external_id = in.optional_string("ExternalId", rules::kExternalId);
  auto serial = in.optional_string("SerialNumber", rules::kSerialNumber);
  auto token_code = in.optional_string("TokenCode", rules::kTokenCode);
  auto source_identity = in.optional_string("SourceIdentity", rules::kSourceIdentity);
  IAMD_TRY(in.finish());

  const api::Caller& caller = ctx.caller;
  const auth::Session* current = caller.session.get();
  if (caller.type == api::PrincipalType::Root) {
    return core::Error{ErrorCode::AccessDenied, "Roles may not be assumed by root accounts."};
  }
  IAMD_TRY(check_session_may_call(caller, "sts:AssumeRole"));
  if (caller.type != api::PrincipalType::User && caller.type != api::PrincipalType::AssumedRole) {
    return not_authorized(caller, "sts:AssumeRole", role_arn);
  }
  auto arn = core::Arn::parse(role_arn);
  if (!arn || arn->service != "iam" || !arn->resource.starts_with("role/")) {
    return validation(role_arn + " is invalid");
  }
  IAMD_TRY(check_session_tags(tags));
  for (const auto& k : transitive) {
    bool passed = false;
    for (const auto& t : tags) passed = passed || core::iequals(t.key, k);
    if (!passed) {
      return validation("The specified transitive tag key " + k +
                        " must be included in the requested tags.");
    }
  }

  // What the calling session hands on through role chaining: its transitive tags and its source
  // identity (spec §3.6, §3.7).
  const bool chaining = caller.type == api::PrincipalType::AssumedRole;
  std::vector<store::Tag> inherited;
  std::vector<std::string> inherited_keys;
  if (chaining && current != nullptr) {
    for (const auto& [k, v] : current->tags) {
      if (contains_key(current->transitive_tag_keys, k)) {
        inherited.push_back(store::Tag{k, v});
        inherited_keys.push_back(k);
      }
    }
  }
  std::string effective_source_identity = source_identity.value_or("");
  if (current != nullptr && !current->source_identity.empty()) {
    if (source_identity && *source_identity != current->source_identity) {
      return not_authorized(caller, "sts:SetSourceIdentity", role_arn,
                            "the source identity of a session cannot be changed");
    }
    effective_source_identity = current->source_identity;
  }

  const bool mfa_requested = serial.has_value() || token_code.has_value();
  Keys keys;
  keys.emplace_back("sts:RoleSessionName", policy::ContextValue{{session_name}, false});
  if (external_id) keys.emplace_back("sts:ExternalId", policy::ContextValue{{*external_id}, false});
  if (!effective_source_identity.empty()) {
    keys.emplace_back("sts:SourceIdentity",
                      policy::ContextValue{{effective_source_identity}, false});
  }
  add_request_tag_keys(keys, tags);
  if (!transitive.empty()) {
    keys.emplace_back("sts:TransitiveTagKeys", policy::ContextValue{transitive, true});
  }
  if (mfa_requested) {
    // Evaluated as if the code is good; the code is checked (and spent) only once the rest of the
    // request is authorized, and a bad one fails the call whatever the policies say.
    keys.emplace_back("aws:MultiFactorAuthPresent", policy::ContextValue{{"true"}, false});
    keys.emplace_back("aws:MultiFactorAuthAge", policy::ContextValue{{"0"}, false});
  }

  auto role = d_.view.find_role_by_arn(role_arn);
  // The role's tags as aws:ResourceTag/*, overridden by incoming transitive tags.
  std::vector<store::Tag> resource_tags;
  if (role) {
    resource_tags = role->policies->tags;
    for (const auto& t : inherited) {
      std::erase_if(resource_tags, [&](const store::Tag& r) { return core::iequals(r.key, t.key); });
      resource_tags.push_back(t);
    }
  }
  std::vector<std::string_view> actions{"sts:AssumeRole"};
  if (!tags.empty() || !transitive.empty()) actions.push_back("sts:TagSession");
  if (!effective_source_identity.empty()) actions.push_back("sts:SetSourceIdentity");
  for (std::string_view action : actions) {
    // An unknown role, or one whose trust policy no longer compiles, trusts no one; the answer
    // does not tell which.
    if (!role || !role->trust) return not_authorized(caller, action, role_arn);
    authz::Request request{action, role->arn, keys, &resource_tags};
    request.resource_policy = role->trust.get();
    request.resource_policy_required = true;
    authz::Decision d = d_.view.authorize(ctx, request);
    if (!d.allowed) return core::Error{ErrorCode::AccessDenied, std::move(d.message)};
  }

  const std::int64_t seconds = duration.value_or(3600);
  if (chaining && seconds > 3600) {
    return validation(
        "The requested DurationSeconds exceeds the 1 hour session limit for roles assumed by role "
        "chaining.");
  }
  if (seconds > role->max_session_duration) {
    return validation("The requested DurationSeconds exceeds the MaxSessionDuration set for this role.");
  }
  for (const auto& t : tags) {
    if (contains_key(inherited_keys, t.key)) {
      return validation("The session tag key " + t.key +
                        " conflicts with a transitive tag key inherited from the calling session.");
    }
  }
  if (tags.size() + inherited.size() > rules::kMaxTags) {
    return validation("The number of session tags, including inherited transitive tags, exceeds "
                      "the limit of 50.");
  }
  IAMD_TRY(check_session_policies(d_.view, policies, role->account));
  std::vector<store::Tag> all_tags = inherited;
  all_tags.insert(all_tags.end(), tags.begin(), tags.end());
  auto packed = packed_policy_size(policies, all_tags);
  IAMD_TRY(packed);

  bool mfa_now = false;
  if (mfa_requested) {
    // The device must be the calling user's own; a role session has none.
    if (!serial || !token_code || caller.type != api::PrincipalType::User) {
      return core::Error{ErrorCode::AccessDenied, std::string(iam::kMfaFailedMessage)};
    }
    auto check = iam::check_mfa_code(d_.store, d_.sealer, caller.account, caller.user_id, *serial,
                                     *token_code, ctx.now);
    IAMD_TRY(check);
    if (!check->matched()) {
      return core::Error{ErrorCode::AccessDenied, std::string(iam::kMfaFailedMessage)};
    }
    mfa_now = true;
  }

  auth::Session s;
  s.kind = auth::Session::Kind::AssumedRole;
  s.account = role->account;
  s.arn = "arn:aws:sts::" + role->account + ":assumed-role/" + role->name + "/" + session_name;
  s.user_id = role->id + ":" + session_name;
  s.role_arn = role->arn;
  s.role_id = role->id;
  s.session_name = session_name;
  s.source_arn = caller.arn;
  s.source_user_id = caller.user_id;
  s.source_identity = effective_source_identity;
  s.issued_at = ctx.now;
  s.expires_at = ctx.now + std::chrono::seconds(seconds);
  // MFA: a code given now, or the MFA of the user's GetSessionToken session this call is made
  // with. Role chaining does not carry MFA (spec §11 item 2).
  if (mfa_now) {
    s.mfa_present = true;
    s.mfa_authenticated_at = ctx.now;
  } else if (current != nullptr && current->kind == auth::Session::Kind::SessionToken &&
             current->mfa_present) {
    s.mfa_present = true;
    s.mfa_authenticated_at = current->mfa_authenticated_at;
  }
  s.chained = chaining;
  for (const auto& t : all_tags) s.tags.emplace_back(t.key, t.value);
  s.transitive_tag_keys = inherited_keys;
  s.transitive_tag_keys.insert(s.transitive_tag_keys.end(), transitive.begin(), transitive.end());
  s.session_policy = policies.document.value_or("");
  s.session_policy_arns = policies.arns;
  auto token = mint(s, *d_.view.keyring(), d_.random);
  IAMD_TRY(token);
  if (ctx.audit != nullptr) {
    ctx.audit->resources.push_back(api::AuditResource{role->arn, role->account, "AWS::IAM::Role"});
    // Cross-account: the role's account gets its own copy of the event.
    if (role->account != ctx.caller.account) ctx.audit->other_account = role->account;
  }

  api::Output out;
  write_credentials(out.result, s, *token);
  auto& user = out.result.add_struct("AssumedRoleUser");
  user.add_string("AssumedRoleId", s.user_id);
  user.add_string("Arn", s.arn);
  if (!policies.empty() || !all_tags.empty()) out.result.add_integer("PackedPolicySize", *packed);
  if (!s.source_identity.empty()) out.result.add_string("SourceIdentity", s.source_identity);
  return out;
}

}  // namespace iamd::sts
