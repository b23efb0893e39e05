#include "iam/service.h"

#include "core/arn.h"
#include "core/strings.h"
#include "core/time_format.h"
#include "iam/rules.h"

namespace iamd::iam {

using core::ErrorCode;

std::string user_arn(const store::User& u) { return core::iam_arn(u.account, "user", u.path, u.name); }
std::string group_arn(const store::Group& g) {
  return core::iam_arn(g.account, "group", g.path, g.name);
}

void write_user(api::OutNode& out, const store::User& u, bool with_details) {
  out.add_string("Path", u.path);
  out.add_string("UserName", u.name);
  out.add_string("UserId", u.id);
  out.add_string("Arn", user_arn(u));
  out.add_timestamp("CreateDate", core::format_iso8601(u.create_date));
  if (u.password_last_used) {
    out.add_timestamp("PasswordLastUsed", core::format_iso8601(*u.password_last_used));
  }
  if (!with_details) return;
  if (!u.permissions_boundary_arn.empty()) {
    auto& b = out.add_struct("PermissionsBoundary");
    b.add_string("PermissionsBoundaryType", "PermissionsBoundaryPolicy");
    b.add_string("PermissionsBoundaryArn", u.permissions_boundary_arn);
  }
  if (!u.tags.empty()) write_tags(out.add_list("Tags"), u.tags);
}

void write_group(api::OutNode& out, const store::Group& g) {
  out.add_string("Path", g.path);
  out.add_string("GroupName", g.name);
  out.add_string("GroupId", g.id);
  out.add_string("Arn", group_arn(g));
  out.add_timestamp("CreateDate", core::format_iso8601(g.create_date));
}

void write_tags(api::OutNode& list, const std::vector<store::Tag>& tags) {
  for (const auto& t : tags) {
    auto& item = list.add_item();
    item.add_string("Key", t.key);
    item.add_string("Value", t.value);
  }
}

std::vector<store::Tag> read_tags(api::Input& in, std::string_view name) {
  std::vector<store::Tag> tags;
  for (auto& item : in.list(name, rules::kMaxTags)) {
    store::Tag t;
    t.key = item.required_string("Key", rules::kTagKey);
    t.value = item.required_string("Value", rules::kTagValue);
    tags.push_back(std::move(t));
  }
  return tags;
}

namespace {

bool same_key(std::string_view a, std::string_view b, TagKeys keys) {
  return keys == TagKeys::CaseInsensitive ? core::iequals(a, b) : a == b;
}

}  // namespace

core::Status check_tags(const std::vector<store::Tag>& tags, TagKeys keys) {
  for (size_t i = 0; i < tags.size(); ++i) {
    if (core::ascii_lower(tags[i].key).starts_with("aws:")) {
      return core::Error{ErrorCode::InvalidInput,
                         "User-defined tag keys can't start with 'aws:'. This prefix is reserved "
                         "for AWS internal use."};
    }
    for (size_t j = 0; j < i; ++j) {
      if (!same_key(tags[i].key, tags[j].key, keys)) continue;
      return core::Error{ErrorCode::InvalidInput,
                         keys == TagKeys::CaseInsensitive
                             ? "Duplicate tag keys found. Please note that Tag keys are case "
                               "insensitive."
                             : "Duplicate tag keys found."};
    }
  }
  return {};
}

core::Status merge_tags(std::vector<store::Tag>& tags, const std::vector<store::Tag>& incoming,
                        TagKeys keys) {
  for (const auto& t : incoming) {
    bool replaced = false;
    for (auto& existing : tags) {
      if (same_key(existing.key, t.key, keys)) {
        existing = t;  // the new key's case wins, as on AWS
        replaced = true;
      }
    }
    if (!replaced) tags.push_back(t);
  }
  if (tags.size() > rules::kMaxTags) {
    return core::Error{ErrorCode::LimitExceeded, "The number of tags has reached the maximum limit."};
  }
  return {};
}

core::Error no_such_user(std::string_view name) {
  return core::Error{ErrorCode::NoSuchEntity,
                     "The user with name " + std::string(name) + " cannot be found."};
}

core::Error no_such_group(std::string_view name) {
  return core::Error{ErrorCode::NoSuchEntity,
                     "The group with name " + std::string(name) + " cannot be found."};
}

core::Status Service::authorize(const api::Context& ctx, std::string_view action,
                                std::string_view resource) const {
  return authorize(ctx, authz::Request{action, resource});
}

core::Status Service::authorize(const api::Context& ctx, const authz::Request& request) const {
  authz::Decision d = d_.view.authorize(ctx, request);
  if (d.allowed) return {};
  return core::Error{ErrorCode::AccessDenied, std::move(d.message)};
}

std::vector<std::pair<std::string, policy::ContextValue>> request_tag_keys(
    const std::vector<store::Tag>& tags) {
  std::vector<std::pair<std::string, policy::ContextValue>> keys;
  policy::ContextValue tag_keys{{}, true};
  for (const auto& t : tags) {
    keys.emplace_back("aws:RequestTag/" + t.key, policy::ContextValue{{t.value}, false});
    tag_keys.values.push_back(t.key);
  }
  keys.emplace_back("aws:TagKeys", std::move(tag_keys));
  return keys;
}

core::Result<std::optional<std::string>> Service::target_user_name(
    const api::Context& ctx, const std::optional<std::string>& name) const {
  if (name) return name;
  switch (ctx.caller.type) {
    case api::PrincipalType::User:
      return std::optional<std::string>(ctx.caller.name);
    case api::PrincipalType::Root:
      return std::optional<std::string>();
    default:
      return core::Error{ErrorCode::ValidationError,
                         "Must specify userName when calling with non-User credentials"};
  }
}

core::Result<store::User> Service::load_user(
    store::Entities& e, const api::Context& ctx, std::string_view name, std::string_view action,
    std::vector<std::pair<std::string, policy::ContextValue>> keys) const {
  auto u = e.find_user(ctx.caller.account, name);
  IAMD_TRY(u);
  if (!u->has_value()) {
    std::string arn = core::iam_arn(ctx.caller.account, "user", "/", name);
    IAMD_TRY(authorize(ctx, authz::Request{action, arn, std::move(keys)}));
    return no_such_user(name);
  }
  std::string arn = user_arn(**u);
  IAMD_TRY(authorize(ctx, authz::Request{action, arn, std::move(keys), &(*u)->tags}));
  return std::move(**u);
}

core::Result<store::Group> Service::load_group(
    store::Entities& e, const api::Context& ctx, std::string_view name, std::string_view action,
    std::vector<std::pair<std::string, policy::ContextValue>> keys) const {
  auto g = e.find_group(ctx.caller.account, name);
  IAMD_TRY(g);
  if (!g->has_value()) {
    std::string arn = core::iam_arn(ctx.caller.account, "group", "/", name);
    IAMD_TRY(authorize(ctx, authz::Request{action, arn, std::move(keys)}));
    return no_such_group(name);
  }
  std::string arn = group_arn(**g);
  IAMD_TRY(authorize(ctx, authz::Request{action, arn, std::move(keys)}));
  return std::move(**g);
}

void Service::register_operations(api::Registry& registry) {
  auto add = [&](std::string action, Out (Service::*fn)(const api::Context&, api::Input&)) {
    registry.add(api::Operation{"iam", std::move(action),
                                [this, fn](const api::Context& c, api::Input& in) {
                                  return (this->*fn)(c, in);
                                }});
  };
  // The calls about a user's, group's or role's policies: one handler per call family.
  using OwnerFn = Out (Service::*)(const api::Context&, api::Input&, store::EntityKind);
  auto add_for_owner = [&](std::string action, OwnerFn fn, store::EntityKind kind) {
    registry.add(api::Operation{"iam", std::move(action),
                                [this, fn, kind](const api::Context& c, api::Input& in) {
                                  return (this->*fn)(c, in, kind);
                                }});
  };
  add("CreateUser", &Service::create_user);
  add("GetUser", &Service::get_user);
  add("ListUsers", &Service::list_users);
  add("UpdateUser", &Service::update_user);
  add("DeleteUser", &Service::delete_user);
  add("TagUser", &Service::tag_user);
  add("UntagUser", &Service::untag_user);
  add("ListUserTags", &Service::list_user_tags);
  add("CreateGroup", &Service::create_group);
  add("GetGroup", &Service::get_group);
  add("ListGroups", &Service::list_groups);
  add("UpdateGroup", &Service::update_group);
  add("DeleteGroup", &Service::delete_group);
  add("AddUserToGroup", &Service::add_user_to_group);
  add("RemoveUserFromGroup", &Service::remove_user_from_group);
  add("ListGroupsForUser", &Service::list_groups_for_user);
  add("CreateAccessKey", &Service::create_access_key);
  add("ListAccessKeys", &Service::list_access_keys);
  add("UpdateAccessKey", &Service::update_access_key);
  add("DeleteAccessKey", &Service::delete_access_key);
  add("GetAccessKeyLastUsed", &Service::get_access_key_last_used);
  add("CreateLoginProfile", &Service::create_login_profile);
  add("GetLoginProfile", &Service::get_login_profile);
  add("UpdateLoginProfile", &Service::update_login_profile);
  add("DeleteLoginProfile", &Service::delete_login_profile);
  add("ChangePassword", &Service::change_password);
  add("GetAccountPasswordPolicy", &Service::get_account_password_policy);
  add("UpdateAccountPasswordPolicy", &Service::update_account_password_policy);
  add("DeleteAccountPasswordPolicy", &Service::delete_account_password_policy);
  add("CreateAccountAlias", &Service::create_account_alias);
  add("ListAccountAliases", &Service::list_account_aliases);
  add("DeleteAccountAlias", &Service::delete_account_alias);
  add("GetAccountSummary", &Service::get_account_summary);
  add("CreatePolicy", &Service::create_policy);
  add("GetPolicy", &Service::get_policy);
  add("ListPolicies", &Service::list_policies);
  add("DeletePolicy", &Service::delete_policy);
  add("CreatePolicyVersion", &Service::create_policy_version);
  add("GetPolicyVersion", &Service::get_policy_version);
  add("ListPolicyVersions", &Service::list_policy_versions);
  add("DeletePolicyVersion", &Service::delete_policy_version);
  add("SetDefaultPolicyVersion", &Service::set_default_policy_version);
  add("TagPolicy", &Service::tag_policy);
  add("UntagPolicy", &Service::untag_policy);
  add("ListPolicyTags", &Service::list_policy_tags);
  add_for_owner("AttachUserPolicy", &Service::attach_managed_policy, store::EntityKind::User);
  add_for_owner("DetachUserPolicy", &Service::detach_managed_policy, store::EntityKind::User);
  add_for_owner("AttachGroupPolicy", &Service::attach_managed_policy, store::EntityKind::Group);
  add_for_owner("DetachGroupPolicy", &Service::detach_managed_policy, store::EntityKind::Group);
  add_for_owner("ListAttachedUserPolicies", &Service::list_attached_policies,
                store::EntityKind::User);
  add_for_owner("ListAttachedGroupPolicies", &Service::list_attached_policies,
                store::EntityKind::Group);
  add("ListEntitiesForPolicy", &Service::list_entities_for_policy);
  add("PutUserPermissionsBoundary", &Service::put_user_permissions_boundary);
  add("DeleteUserPermissionsBoundary", &Service::delete_user_permissions_boundary);
  add_for_owner("PutUserPolicy", &Service::put_inline_policy, store::EntityKind::User);
  add_for_owner("GetUserPolicy", &Service::get_inline_policy, store::EntityKind::User);
  add_for_owner("DeleteUserPolicy", &Service::delete_inline_policy, store::EntityKind::User);
  add_for_owner("ListUserPolicies", &Service::list_inline_policies, store::EntityKind::User);
  add_for_owner("PutGroupPolicy", &Service::put_inline_policy, store::EntityKind::Group);
  add_for_owner("GetGroupPolicy", &Service::get_inline_policy, store::EntityKind::Group);
  add_for_owner("DeleteGroupPolicy", &Service::delete_inline_policy, store::EntityKind::Group);
  add_for_owner("ListGroupPolicies", &Service::list_inline_policies, store::EntityKind::Group);
  add("CreateRole", &Service::create_role);
  add("GetRole", &Service::get_role);
  add("ListRoles", &Service::list_roles);
  add("UpdateRole", &Service::update_role);
  add("UpdateRoleDescription", &Service::update_role_description);
  add("UpdateAssumeRolePolicy", &Service::update_assume_role_policy);
  add("DeleteRole", &Service::delete_role);
  add("TagRole", &Service::tag_role);
  add("UntagRole", &Service::untag_role);
  add("ListRoleTags", &Service::list_role_tags);
  add_for_owner("PutRolePolicy", &Service::put_inline_policy, store::EntityKind::Role);
  add_for_owner("GetRolePolicy", &Service::get_inline_policy, store::EntityKind::Role);
  add_for_owner("DeleteRolePolicy", &Service::delete_inline_policy, store::EntityKind::Role);
  add_for_owner("ListRolePolicies", &Service::list_inline_policies, store::EntityKind::Role);
  add_for_owner("AttachRolePolicy", &Service::attach_managed_policy, store::EntityKind::Role);
  add_for_owner("DetachRolePolicy", &Service::detach_managed_policy, store::EntityKind::Role);
  add_for_owner("ListAttachedRolePolicies", &Service::list_attached_policies,
                store::EntityKind::Role);
  add("PutRolePermissionsBoundary", &Service::put_role_permissions_boundary);
  add("DeleteRolePermissionsBoundary", &Service::delete_role_permissions_boundary);
  add("GetAccountAuthorizationDetails", &Service::get_account_authorization_details);
  add("CreateVirtualMFADevice", &Service::create_virtual_mfa_device);
  add("EnableMFADevice", &Service::enable_mfa_device);
  add("ResyncMFADevice", &Service::resync_mfa_device);
  add("DeactivateMFADevice", &Service::deactivate_mfa_device);
  add("GetMFADevice", &Service::get_mfa_device);
  add("ListMFADevices", &Service::list_mfa_devices);
  add("ListVirtualMFADevices", &Service::list_virtual_mfa_devices);
  add("DeleteVirtualMFADevice", &Service::delete_virtual_mfa_device);
  add("TagMFADevice", &Service::tag_mfa_device);
  add("UntagMFADevice", &Service::untag_mfa_device);
  add("ListMFADeviceTags", &Service::list_mfa_device_tags);
  add("SimulatePrincipalPolicy", &Service::simulate_principal_policy);
  add("SimulateCustomPolicy", &Service::simulate_custom_policy);
  add("GetContextKeysForPrincipalPolicy", &Service::get_context_keys_for_principal_policy);
  add("GetContextKeysForCustomPolicy", &Service::get_context_keys_for_custom_policy);
}

}  // namespace iamd::iam
