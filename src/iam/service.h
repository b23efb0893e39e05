#pragma once
// The IAM service: users, groups, roles, access keys, login profiles, the password policy,
// managed and inline policies, account aliases and the account summary. Each handler validates
// its input, asks the authz view, runs one store transaction and returns the output tree; none
// of them sees HTTP, SQL or XML.

#include <functional>
#include <string>
#include <string_view>
#include <vector>

#include "api/operation.h"
#include "authz/view.h"
#include "core/random.h"
#include "core/sealer.h"
#include "iam/policy_documents.h"
#include "store/entities.h"
#include "store/mfa.h"
#include "store/policies.h"
#include "store/roles.h"
#include "store/store.h"

namespace iamd::iam {

struct Deps {
  store::Store& store;
  authz::View& view;
  core::Random& random;
  core::Sealer& sealer;
  /// Brings the last-used dates up to date (the audit trail feeds them asynchronously): called
  /// before GetRole and GetAccessKeyLastUsed read them. Empty: nothing to wait for.
  std::function<void()> settle_last_used = {};
};

/// The user, group or role whose inline or attached policies a call is about.
struct PolicyOwner {
  store::EntityKind kind;
  std::string id;
  std::string name;
};

class Service {
 public:
  explicit Service(Deps deps) : d_(deps) {}

  /// Adds every IAM operation to `registry`. The Service must outlive the registry's use.
  void register_operations(api::Registry& registry);

 private:
  using Out = core::Result<api::Output>;

  // users.cc
  Out create_user(const api::Context& ctx, api::Input& in);
  Out get_user(const api::Context& ctx, api::Input& in);
  Out list_users(const api::Context& ctx, api::Input& in);
  Out update_user(const api::Context& ctx, api::Input& in);
  Out delete_user(const api::Context& ctx, api::Input& in);
  Out tag_user(const api::Context& ctx, api::Input& in);
  Out untag_user(const api::Context& ctx, api::Input& in);
  Out list_user_tags(const api::Context& ctx, api::Input& in);
  // groups.cc
  Out create_group(const api::Context& ctx, api::Input& in);
  Out get_group(const api::Context& ctx, api::Input& in);
  Out list_groups(const api::Context& ctx, api::Input& in);
  Out update_group(const api::Context& ctx, api::Input& in);
  Out delete_group(const api::Context& ctx, api::Input& in);
  Out add_user_to_group(const api::Context& ctx, api::Input& in);
  Out remove_user_from_group(const api::Context& ctx, api::Input& in);
  Out list_groups_for_user(const api::Context& ctx, api::Input& in);
  // access_keys.cc
  Out create_access_key(const api::Context& ctx, api::Input& in);
  Out list_access_keys(const api::Context& ctx, api::Input& in);
  Out update_access_key(const api::Context& ctx, api::Input& in);
  Out delete_access_key(const api::Context& ctx, api::Input& in);
  Out get_access_key_last_used(const api::Context& ctx, api::Input& in);
  // login_profiles.cc
  Out create_login_profile(const api::Context& ctx, api::Input& in);
  Out get_login_profile(const api::Context& ctx, api::Input& in);
  Out update_login_profile(const api::Context& ctx, api::Input& in);
  Out delete_login_profile(const api::Context& ctx, api::Input& in);
  Out change_password(const api::Context& ctx, api::Input& in);
  Out get_account_password_policy(const api::Context& ctx, api::Input& in);
  Out update_account_password_policy(const api::Context& ctx, api::Input& in);
  Out delete_account_password_policy(const api::Context& ctx, api::Input& in);
  // account.cc
  Out create_account_alias(const api::Context& ctx, api::Input& in);
  Out list_account_aliases(const api::Context& ctx, api::Input& in);
  Out delete_account_alias(const api::Context& ctx, api::Input& in);
  Out get_account_summary(const api::Context& ctx, api::Input& in);
  // policies.cc
  Out create_policy(const api::Context& ctx, api::Input& in);
  Out get_policy(const api::Context& ctx, api::Input& in);
  Out list_policies(const api::Context& ctx, api::Input& in);
  Out delete_policy(const api::Context& ctx, api::Input& in);
  Out create_policy_version(const api::Context& ctx, api::Input& in);
  Out get_policy_version(const api::Context& ctx, api::Input& in);
  Out list_policy_versions(const api::Context& ctx, api::Input& in);
  Out delete_policy_version(const api::Context& ctx, api::Input& in);
  Out set_default_policy_version(const api::Context& ctx, api::Input& in);
  Out tag_policy(const api::Context& ctx, api::Input& in);
  Out untag_policy(const api::Context& ctx, api::Input& in);
  Out list_policy_tags(const api::Context& ctx, api::Input& in);
  // attachments.cc
  Out list_entities_for_policy(const api::Context& ctx, api::Input& in);
  Out put_user_permissions_boundary(const api::Context& ctx, api::Input& in);
  Out delete_user_permissions_boundary(const api::Context& ctx, api::Input& in);
  // inline_policies.cc
  // roles.cc
  Out create_role(const api::Context& ctx, api::Input& in);
  Out get_role(const api::Context& ctx, api::Input& in);
  Out list_roles(const api::Context& ctx, api::Input& in);
  Out update_role(const api::Context& ctx, api::Input& in);
  Out update_role_description(const api::Context& ctx, api::Input& in);
  Out update_assume_role_policy(const api::Context& ctx, api::Input& in);
  Out delete_role(const api::Context& ctx, api::Input& in);
  Out tag_role(const api::Context& ctx, api::Input& in);
  Out untag_role(const api::Context& ctx, api::Input& in);
  Out list_role_tags(const api::Context& ctx, api::Input& in);
  // role_policies.cc
  Out put_role_permissions_boundary(const api::Context& ctx, api::Input& in);
  Out delete_role_permissions_boundary(const api::Context& ctx, api::Input& in);
  // authorization_details.cc
  Out get_account_authorization_details(const api::Context& ctx, api::Input& in);
  // mfa.cc
  Out create_virtual_mfa_device(const api::Context& ctx, api::Input& in);
  Out enable_mfa_device(const api::Context& ctx, api::Input& in);
  Out resync_mfa_device(const api::Context& ctx, api::Input& in);
  Out deactivate_mfa_device(const api::Context& ctx, api::Input& in);
  Out get_mfa_device(const api::Context& ctx, api::Input& in);
  Out list_mfa_devices(const api::Context& ctx, api::Input& in);
  Out list_virtual_mfa_devices(const api::Context& ctx, api::Input& in);
  Out delete_virtual_mfa_device(const api::Context& ctx, api::Input& in);
  Out tag_mfa_device(const api::Context& ctx, api::Input& in);
  Out untag_mfa_device(const api::Context& ctx, api::Input& in);
  Out list_mfa_device_tags(const api::Context& ctx, api::Input& in);

  // simulator.cc
  Out simulate_principal_policy(const api::Context& ctx, api::Input& in);
  Out simulate_custom_policy(const api::Context& ctx, api::Input& in);
  Out get_context_keys_for_principal_policy(const api::Context& ctx, api::Input& in);
  Out get_context_keys_for_custom_policy(const api::Context& ctx, api::Input& in);
  Out simulate(const api::Context& ctx, api::Input& in, bool principal);
  Out get_context_keys(const api::Context& ctx, api::Input& in, bool principal);

  /// AccessDenied unless the caller may perform `action` on `resource`.
  core::Status authorize(const api::Context& ctx, std::string_view action,
                         std::string_view resource) const;
  /// The same, with the action's condition keys and the target's tags.
  core::Status authorize(const api::Context& ctx, const authz::Request& request) const;
  /// The user a call is about: `name` when given, else the calling IAM user. For root with no
  /// name, nullopt (the call is about root itself).
  core::Result<std::optional<std::string>> target_user_name(const api::Context& ctx,
                                                             const std::optional<std::string>& name)
      const;

  /// The user named `name`, once the caller may perform `action` on it. When it does not exist,
  /// the caller is still authorized first (on the path-less ARN), so that a denied caller learns
  /// nothing about which users exist.
  core::Result<store::User> load_user(
      store::Entities& e, const api::Context& ctx, std::string_view name, std::string_view action,
      std::vector<std::pair<std::string, policy::ContextValue>> keys = {}) const;
  core::Result<store::Group> load_group(
      store::Entities& e, const api::Context& ctx, std::string_view name, std::string_view action,
      std::vector<std::pair<std::string, policy::ContextValue>> keys = {}) const;
  /// The role named `name`, once the caller may perform `action` on it (with `keys` and the
  /// role's tags as aws:ResourceTag/*), like load_user (roles.cc). With `boundary_key`, the role's
  /// current permissions boundary is the request's iam:PermissionsBoundary.
  core::Result<store::Role> load_role(
      store::RoleEntities& r, const api::Context& ctx, std::string_view name,
      std::string_view action, std::vector<std::pair<std::string, policy::ContextValue>> keys = {},
      bool boundary_key = false) const;

  // inline_policies.cc: one implementation for users, groups and roles.
  Out put_inline_policy(const api::Context& ctx, api::Input& in, store::EntityKind kind);
  Out get_inline_policy(const api::Context& ctx, api::Input& in, store::EntityKind kind);
  Out delete_inline_policy(const api::Context& ctx, api::Input& in, store::EntityKind kind);
  Out list_inline_policies(const api::Context& ctx, api::Input& in, store::EntityKind kind);
  // attachments.cc: one implementation of managed policy attachments for users, groups and
  // roles (Attach/Detach{User,Group,Role}Policy, ListAttached{User,Group,Role}Policies).
  Out attach_managed_policy(const api::Context& ctx, api::Input& in, store::EntityKind kind);
  Out detach_managed_policy(const api::Context& ctx, api::Input& in, store::EntityKind kind);
  Out list_attached_policies(const api::Context& ctx, api::Input& in, store::EntityKind kind);
  /// The user, group or role an inline-policy or attachment call names, once the caller may
  /// perform `action` on it with `keys` (and the owner's tags, for users and roles).
  /// `changes_policies`: the call changes the owner's permissions (roles then carry their
  /// boundary as iam:PermissionsBoundary).
  core::Result<PolicyOwner> load_policy_owner(
      store::Transaction& tx, const api::Context& ctx, store::EntityKind kind,
      std::string_view name, std::string_view action, bool changes_policies,
      std::vector<std::pair<std::string, policy::ContextValue>> keys = {}) const;

  /// Whose access keys a call is about: the named user, or the account's root user (nullopt).
  struct KeyOwner {
    std::string owner_id;   // user id, or store::kRootOwner
    std::string user_name;  // "" for root
  };
  core::Result<KeyOwner> resolve_key_owner(store::Entities& e, const api::Context& ctx,
                                           const std::optional<std::string>& user_name,
                                           std::string_view action) const;

  /// The managed policy `arn` names (the caller's own or an AWS managed one), once the caller may
  /// perform `action` on it. InvalidInput for a malformed ARN; the caller is authorized on the ARN
  /// as given before the policy is looked up (policies.cc).
  core::Result<ManagedPolicyRef> load_policy(store::PolicyEntities& p, const api::Context& ctx,
                                             std::string_view arn, std::string_view action) const;

  /// The virtual MFA device whose serial number is `serial`, once the caller may perform `action`
  /// on it; authorized on the serial as given first when there is no such device (mfa.cc).
  core::Result<store::VirtualMfaDevice> load_mfa_device(
      store::MfaEntities& m, const api::Context& ctx, std::string_view serial,
      std::string_view action,
      std::vector<std::pair<std::string, policy::ContextValue>> keys = {}) const;

  Deps d_;
};

// common.cc: shared pieces of the handlers.

/// arn:aws:iam::ACCOUNT:user/PATH/NAME
std::string user_arn(const store::User& u);
std::string group_arn(const store::Group& g);
void write_user(api::OutNode& out, const store::User& u, bool with_details);
void write_group(api::OutNode& out, const store::Group& g);
void write_tags(api::OutNode& list, const std::vector<store::Tag>& tags);
/// Reads a Tags list (Key/Value members), validating each.
std::vector<store::Tag> read_tags(api::Input& in, std::string_view name = "Tags");
/// How a resource type compares tag keys: users and roles case-insensitively (case preserved),
/// every other IAM resource type (policies, MFA devices, ...) case-sensitively.
enum class TagKeys { CaseInsensitive, CaseSensitive };
/// InvalidInput when two tags share a key (compared as `keys` says) or a key starts with "aws:".
core::Status check_tags(const std::vector<store::Tag>& tags,
                        TagKeys keys = TagKeys::CaseInsensitive);
/// Adds or overwrites `incoming` into `tags` (a replaced tag takes the incoming key's case);
/// LimitExceeded beyond 50.
core::Status merge_tags(std::vector<store::Tag>& tags, const std::vector<store::Tag>& incoming,
                        TagKeys keys = TagKeys::CaseInsensitive);

/// iam:PolicyARN, for calls that attach or detach a managed policy.
inline std::vector<std::pair<std::string, policy::ContextValue>> policy_arn_key(
    const std::string& arn) {
  return {{"iam:PolicyARN", policy::ContextValue{{arn}, false}}};
}

/// aws:RequestTag/<key> for each tag and aws:TagKeys, for calls that carry tags.
std::vector<std::pair<std::string, policy::ContextValue>> request_tag_keys(
    const std::vector<store::Tag>& tags);

core::Error no_such_user(std::string_view name);
core::Error no_such_group(std::string_view name);

// roles.cc: shared pieces of the role handlers.

namespace rules {
/// RoleName everywhere (roleNameType): 1-64, [\w+=,.@-]+.
inline constexpr api::StringRule kRoleName{1, 64, kNamePattern, is_name};
}  // namespace rules

/// Which optional Role members write_role emits. ListRoles omits PermissionsBoundary, Tags and
/// RoleLastUsed; CreateRole has no RoleLastUsed.
struct RoleFields {
  bool details = true;    // PermissionsBoundary, Tags
  bool last_used = true;  // RoleLastUsed (an empty element for a role never used)
};
/// Role members in model order; the trust policy URL-encoded.
void write_role(api::OutNode& out, const store::Role& r, RoleFields fields);
/// PermissionsBoundary {PermissionsBoundaryType, PermissionsBoundaryArn}.
void write_permissions_boundary(api::OutNode& parent, std::string_view arn);
/// RoleLastUsed {LastUsedDate, Region}; empty when the role was never used.
void write_role_last_used(api::OutNode& parent, const store::Role& r);
/// NoSuchEntity "The role with name X cannot be found."
core::Error no_such_role(std::string_view name);
/// A trust policy as CreateRole and UpdateAssumeRolePolicy check it: the policy language's
/// validation as PolicyType::Trust, the 2,048-character quota (ACLSizePerRole), and that every
/// "AWS" principal naming a user or role of `account` (or of another account held here) names
/// one that exists.
core::Status check_trust_policy(store::Transaction& tx, std::string_view account,
                                std::string_view document);

}  // namespace iamd::iam
