// Console passwords: login profiles, ChangePassword and the account password policy.
#include "auth/password.h"
#include "core/time_format.h"
#include "iam/rules.h"
#include "iam/service.h"

namespace iamd::iam {

using core::ErrorCode;
using store::Entities;

namespace {

core::Error no_login_profile(std::string_view user) {
  return core::Error{ErrorCode::NoSuchEntity,
                     "Login Profile for User " + std::string(user) + " cannot be found."};
}

std::optional<auth::PasswordRules> rules_of(const std::optional<store::PasswordPolicy>& p) {
  if (!p) return std::nullopt;
  return auth::PasswordRules{p->minimum_password_length, p->require_symbols, p->require_numbers,
                             p->require_uppercase_characters, p->require_lowercase_characters};
}

// Checks a new password against the policy, including reuse of the last N passwords.
core::Status check_new_password(std::string_view password,
                                const std::optional<store::PasswordPolicy>& policy,
                                const store::LoginProfile* current) {
  IAMD_TRY(auth::check_password(password, rules_of(policy)));
  if (policy && current != nullptr && policy->password_reuse_prevention > 0) {
    size_t n = static_cast<size_t>(policy->password_reuse_prevention);
    bool reused = auth::verify_password(password, current->password_hash);
    for (size_t i = 0; !reused && i + 1 < n && i < current->previous_hashes.size(); ++i) {
      reused = auth::verify_password(password, current->previous_hashes[i]);
    }
    if (reused) {
      return core::Error{ErrorCode::PasswordPolicyViolation,
                         "Policy constraint violation with password reuse prevention during "
                         "password change."};
    }
  }
  return {};
}

// Replaces the password, remembering the old hash for reuse prevention.
void set_password(store::LoginProfile& profile, std::string new_hash) {
  if (!profile.password_hash.empty()) {
    profile.previous_hashes.insert(profile.previous_hashes.begin(), profile.password_hash);
    if (profile.previous_hashes.size() > 24) profile.previous_hashes.resize(24);
  }
  profile.password_hash = std::move(new_hash);
}

}  // namespace

core::Result<api::Output> Service::create_login_profile(const api::Context& ctx, api::Input& in) {
  auto name = in.optional_string("UserName", rules::kUserName);
  auto password = in.optional_string("Password", rules::kPassword);
  bool reset = in.optional_bool("PasswordResetRequired").value_or(false);
  IAMD_TRY(in.finish());
  auto target = target_user_name(ctx, name);
  IAMD_TRY(target);
  if (!target->has_value() || !password) {
    return core::Error{ErrorCode::ValidationError,
                       "1 validation error detected: Value null at 'password' failed to satisfy "
                       "constraint: Member must not be null"};
  }
  store::LoginProfile profile;
  profile.account = ctx.caller.account;
  profile.create_date = std::chrono::time_point_cast<std::chrono::seconds>(ctx.now);
  profile.password_reset_required = reset;
  IAMD_TRY(d_.store.write([&](store::Transaction& tx) -> core::Status {
    Entities e(tx);
    auto user = load_user(e, ctx, **target, "iam:CreateLoginProfile");
    IAMD_TRY(user);
    auto existing = e.find_login_profile(profile.account, user->id);
    IAMD_TRY(existing);
    if (existing->has_value()) {
      return core::Error{ErrorCode::EntityAlreadyExists,
                         "Login Profile for user " + user->name + " already exists."};
    }
    auto policy = e.find_password_policy(profile.account);
    IAMD_TRY(policy);
    IAMD_TRY(check_new_password(*password, *policy, nullptr));
    profile.user_id = user->id;
    // Hashing is slow by design; it happens once per call, and retries of this function are rare.
    profile.password_hash = auth::hash_password(*password, d_.random);
    return e.put_login_profile(profile);
  }));
  api::Output out;
  auto& p = out.result.add_struct("LoginProfile");
  p.add_string("UserName", **target);
  p.add_timestamp("CreateDate", core::format_iso8601(profile.create_date));
  p.add_boolean("PasswordResetRequired", reset);
  return out;
}

core::Result<api::Output> Service::get_login_profile(const api::Context& ctx, api::Input& in) {
  auto name = in.optional_string("UserName", rules::kUserName);
  IAMD_TRY(in.finish());
  auto target = target_user_name(ctx, name);
  IAMD_TRY(target);
  if (!target->has_value()) return no_login_profile("root");
  store::LoginProfile profile;
  std::string user_name;
  IAMD_TRY(d_.store.read([&](store::Transaction& tx) -> core::Status {
    Entities e(tx);
    auto user = load_user(e, ctx, **target, "iam:GetLoginProfile");
    IAMD_TRY(user);
    user_name = user->name;
    auto p = e.find_login_profile(ctx.caller.account, user->id);
    IAMD_TRY(p);
    if (!p->has_value()) return no_login_profile(user->name);
    profile = std::move(**p);
    return {};
  }));
  api::Output out;
  auto& p = out.result.add_struct("LoginProfile");
  p.add_string("UserName", user_name);
  p.add_timestamp("CreateDate", core::format_iso8601(profile.create_date));
  p.add_boolean("PasswordResetRequired", profile.password_reset_required);
  return out;
}

core::Result<api::Output> Service::update_login_profile(const api::Context& ctx, api::Input& in) {
  auto name = in.required_string("UserName", rules::kUserName);
  auto password = in.optional_string("Password", rules::kPassword);
  auto reset = in.optional_bool("PasswordResetRequired");
  IAMD_TRY(in.finish());
  IAMD_TRY(d_.store.write([&](store::Transaction& tx) -> core::Status {
    Entities e(tx);
    auto user = load_user(e, ctx, name, "iam:UpdateLoginProfile");
    IAMD_TRY(user);
    auto p = e.find_login_profile(ctx.caller.account, user->id);
    IAMD_TRY(p);
    if (!p->has_value()) return no_login_profile(user->name);
    store::LoginProfile profile = std::move(**p);
    if (password) {
      auto policy = e.find_password_policy(ctx.caller.account);
      IAMD_TRY(policy);
      IAMD_TRY(check_new_password(*password, *policy, &profile));
      set_password(profile, auth::hash_password(*password, d_.random));
    }
    if (reset) profile.password_reset_required = *reset;
    return e.put_login_profile(profile);
  }));
  return api::Output::none();
}

core::Result<api::Output> Service::delete_login_profile(const api::Context& ctx, api::Input& in) {
  auto name = in.optional_string("UserName", rules::kUserName);
  IAMD_TRY(in.finish());
  auto target = target_user_name(ctx, name);
  IAMD_TRY(target);
  if (!target->has_value()) return no_login_profile("root");
  IAMD_TRY(d_.store.write([&](store::Transaction& tx) -> core::Status {
    Entities e(tx);
    auto user = load_user(e, ctx, **target, "iam:DeleteLoginProfile");
    IAMD_TRY(user);
    auto p = e.find_login_profile(ctx.caller.account, user->id);
    IAMD_TRY(p);
    if (!p->has_value()) return no_login_profile(user->name);
    return e.erase_login_profile(ctx.caller.account, user->id);
  }));
  return api::Output::none();
}

core::Result<api::Output> Service::change_password(const api::Context& ctx, api::Input& in) {
  auto old_password = in.required_string("OldPassword", rules::kPassword);
  auto new_password = in.required_string("NewPassword", rules::kPassword);
  IAMD_TRY(in.finish());
  if (ctx.caller.type != api::PrincipalType::User) {
    return core::Error{ErrorCode::InvalidUserType,
                       "Only IAM Users can change their own password."};
  }
  IAMD_TRY(d_.store.write([&](store::Transaction& tx) -> core::Status {
    Entities e(tx);
    auto user = load_user(e, ctx, ctx.caller.name, "iam:ChangePassword");
    IAMD_TRY(user);
    auto p = e.find_login_profile(ctx.caller.account, user->id);
    IAMD_TRY(p);
    if (!p->has_value()) return no_login_profile(user->name);
    store::LoginProfile profile = std::move(**p);
    if (!auth::verify_password(old_password, profile.password_hash)) {
      return core::Error{ErrorCode::InvalidAuthenticationCode, "The old password was incorrect."};
    }
    auto policy = e.find_password_policy(ctx.caller.account);
    IAMD_TRY(policy);
    IAMD_TRY(check_new_password(new_password, *policy, &profile));
    set_password(profile, auth::hash_password(new_password, d_.random));
    profile.password_reset_required = false;
    return e.put_login_profile(profile);
  }));
  return api::Output::none();
}

core::Result<api::Output> Service::get_account_password_policy(const api::Context& ctx,
                                                               api::Input& in) {
  IAMD_TRY(in.finish());
  IAMD_TRY(authorize(ctx, "iam:GetAccountPasswordPolicy", "*"));
  std::optional<store::PasswordPolicy> policy;
  IAMD_TRY(d_.store.read([&](store::Transaction& tx) -> core::Status {
    auto p = Entities(tx).find_password_policy(ctx.caller.account);
    IAMD_TRY(p);
    policy = std::move(*p);
    return {};
  }));
  if (!policy) {
    return core::Error{ErrorCode::NoSuchEntity, "The Password Policy with domain name " +
                                                    ctx.caller.account + " cannot be found."};
  }
  api::Output out;
  auto& p = out.result.add_struct("PasswordPolicy");
  p.add_integer("MinimumPasswordLength", policy->minimum_password_length);
  p.add_boolean("RequireSymbols", policy->require_symbols);
  p.add_boolean("RequireNumbers", policy->require_numbers);
  p.add_boolean("RequireUppercaseCharacters", policy->require_uppercase_characters);
  p.add_boolean("RequireLowercaseCharacters", policy->require_lowercase_characters);
  p.add_boolean("AllowUsersToChangePassword", policy->allow_users_to_change_password);
  p.add_boolean("ExpirePasswords", policy->max_password_age > 0);
  if (policy->max_password_age > 0) p.add_integer("MaxPasswordAge", policy->max_password_age);
  if (policy->password_reuse_prevention > 0) {
    p.add_integer("PasswordReusePrevention", policy->password_reuse_prevention);
  }
  p.add_boolean("HardExpiry", policy->hard_expiry);
  return out;
}

core::Result<api::Output> Service::update_account_password_policy(const api::Context& ctx,
                                                                  api::Input& in) {
  // The call replaces the whole policy: omitted fields revert to their defaults.
  store::PasswordPolicy p;
  p.minimum_password_length =
      static_cast<int>(in.optional_int("MinimumPasswordLength", {6, 128}).value_or(6));
  p.require_symbols = in.optional_bool("RequireSymbols").value_or(false);
  p.require_numbers = in.optional_bool("RequireNumbers").value_or(false);
  p.require_uppercase_characters = in.optional_bool("RequireUppercaseCharacters").value_or(false);
  p.require_lowercase_characters = in.optional_bool("RequireLowercaseCharacters").value_or(false);
  p.allow_users_to_change_password =
      in.optional_bool("AllowUsersToChangePassword").value_or(false);
  p.max_password_age = static_cast<int>(in.optional_int("MaxPasswordAge", {1, 1095}).value_or(0));
  p.password_reuse_prevention =
      static_cast<int>(in.optional_int("PasswordReusePrevention", {1, 24}).value_or(0));
  p.hard_expiry = in.optional_bool("HardExpiry").value_or(false);
  IAMD_TRY(in.finish());
  IAMD_TRY(authorize(ctx, "iam:UpdateAccountPasswordPolicy", "*"));
  IAMD_TRY(d_.store.write([&](store::Transaction& tx) -> core::Status {
    return Entities(tx).put_password_policy(ctx.caller.account, p);
  }));
  return api::Output::none();
}

core::Result<api::Output> Service::delete_account_password_policy(const api::Context& ctx,
                                                                  api::Input& in) {
  IAMD_TRY(in.finish());
  IAMD_TRY(authorize(ctx, "iam:DeleteAccountPasswordPolicy", "*"));
  IAMD_TRY(d_.store.write([&](store::Transaction& tx) -> core::Status {
    Entities e(tx);
    auto p = e.find_password_policy(ctx.caller.account);
    IAMD_TRY(p);
    if (!p->has_value()) {
      return core::Error{ErrorCode::NoSuchEntity, "The account policy with name PasswordPolicy "
                                                  "cannot be found."};
    }
    return e.erase_password_policy(ctx.caller.account);
  }));
  return api::Output::none();
}

}  // namespace iamd::iam
