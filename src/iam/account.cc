// Account-level calls: aliases and the account summary.
#include "iam/rules.h"
#include "iam/service.h"

namespace iamd::iam {

using core::ErrorCode;
using store::Entities;

core::Result<api::Output> Service::create_account_alias(const api::Context& ctx, api::Input& in) {
  auto alias = in.required_string("AccountAlias", rules::kAccountAlias);
  IAMD_TRY(in.finish());
  if (alias.size() == 12 && alias.find_first_not_of("0123456789") == std::string::npos) {
    return core::Error{ErrorCode::InvalidInput, "Account alias cannot be a 12-digit number."};
  }
  IAMD_TRY(authorize(ctx, "iam:CreateAccountAlias", "*"));
  IAMD_TRY(d_.store.write([&](store::Transaction& tx) -> core::Status {
    Entities e(tx);
    auto owner = e.find_alias_owner(alias);
    IAMD_TRY(owner);
    if (owner->has_value()) {
      if (**owner == ctx.caller.account) return {};
      return core::Error{ErrorCode::EntityAlreadyExists,
                         "The account alias " + alias + " already exists."};
    }
    auto account = e.find_account(ctx.caller.account);
    IAMD_TRY(account);
    if (!account->has_value()) {
      return core::Error{ErrorCode::ServiceFailure, "The account could not be found."};
    }
    // An account has at most one alias: a new one replaces the old.
    if (!(*account)->alias.empty()) IAMD_TRY(e.erase_alias((*account)->alias));
    (*account)->alias = alias;
    IAMD_TRY(e.put_account(**account));
    return e.put_alias(ctx.caller.account, alias);
  }));
  return api::Output::none();
}

core::Result<api::Output> Service::list_account_aliases(const api::Context& ctx, api::Input& in) {
  in.page();
  IAMD_TRY(in.finish());
  IAMD_TRY(authorize(ctx, "iam:ListAccountAliases", "*"));
  std::string alias;
  IAMD_TRY(d_.store.read([&](store::Transaction& tx) -> core::Status {
    auto account = Entities(tx).find_account(ctx.caller.account);
    IAMD_TRY(account);
    if (account->has_value()) alias = (*account)->alias;
    return {};
  }));
  api::Output out;
  auto& list = out.result.add_list("AccountAliases");
  if (!alias.empty()) list.add_string_item(alias);
  out.result.add_boolean("IsTruncated", false);
  return out;
}

core::Result<api::Output> Service::delete_account_alias(const api::Context& ctx, api::Input& in) {
  auto alias = in.required_string("AccountAlias", rules::kAccountAlias);
  IAMD_TRY(in.finish());
  IAMD_TRY(authorize(ctx, "iam:DeleteAccountAlias", "*"));
  IAMD_TRY(d_.store.write([&](store::Transaction& tx) -> core::Status {
    Entities e(tx);
    auto account = e.find_account(ctx.caller.account);
    IAMD_TRY(account);
    if (!account->has_value() || (*account)->alias != alias) {
      return core::Error{ErrorCode::NoSuchEntity,
                         "The account alias " + alias + " cannot be found."};
    }
    (*account)->alias.clear();
    IAMD_TRY(e.put_account(**account));
    return e.erase_alias(alias);
  }));
  return api::Output::none();
}

core::Result<api::Output> Service::get_account_summary(const api::Context& ctx, api::Input& in) {
  IAMD_TRY(in.finish());
  IAMD_TRY(authorize(ctx, "iam:GetAccountSummary", "*"));
  size_t users = 0, groups = 0, roles = 0, policies = 0, root_keys = 0;
  store::MfaCounts mfa;
  IAMD_TRY(d_.store.read([&](store::Transaction& tx) -> core::Status {
    Entities e(tx);
    auto u = e.count_users(ctx.caller.account);
    IAMD_TRY(u);
    auto g = e.count_groups(ctx.caller.account);
    IAMD_TRY(g);
    auto k = e.access_keys_of(ctx.caller.account, store::kRootOwner);
    IAMD_TRY(k);
    auto r = store::RoleEntities(tx).count_roles(ctx.caller.account);
    IAMD_TRY(r);
    auto p = store::PolicyEntities(tx).list_policies(ctx.caller.account);
    IAMD_TRY(p);
    users = *u;
    groups = *g;
    roles = *r;
    policies = p->size();  // customer managed ones; AWS's are not the account's
    root_keys = k->size();
    auto m = store::MfaEntities(tx).count(ctx.caller.account);
    IAMD_TRY(m);
    mfa = *m;
    return {};
  }));
  // Counts of what exists, then AWS's default quotas (spec §2.0), as SummaryMap entries.
  const std::pair<const char*, std::int64_t> entries[] = {
      {"Users", static_cast<std::int64_t>(users)},
      {"UsersQuota", 5000},
      {"Groups", static_cast<std::int64_t>(groups)},
      {"GroupsQuota", 300},
      {"Roles", static_cast<std::int64_t>(roles)},
      {"RolesQuota", 1000},
      {"Policies", static_cast<std::int64_t>(policies)},
      {"PoliciesQuota", 1500},
      {"PolicySizeQuota", 6144},
      {"PolicyVersionsInUse", 0},
      {"PolicyVersionsInUseQuota", 10000},
      {"VersionsPerPolicyQuota", 5},
      {"UserPolicySizeQuota", 2048},
      {"GroupPolicySizeQuota", 5120},
      {"RolePolicySizeQuota", 10240},
      {"AssumeRolePolicySizeQuota", 2048},
      {"AttachedPoliciesPerGroupQuota", 10},
      {"AttachedPoliciesPerRoleQuota", 10},
      {"AttachedPoliciesPerUserQuota", 10},
      {"GroupsPerUserQuota", 10},
      {"SigningCertificatesPerUserQuota", 2},
      {"AccessKeysPerUserQuota", 2},
      {"ServerCertificates", 0},
      {"ServerCertificatesQuota", 20},
      {"InstanceProfiles", 0},
      {"InstanceProfilesQuota", 1000},
      {"Providers", 0},
      {"MFADevices", static_cast<std::int64_t>(mfa.devices)},
      {"MFADevicesInUse", static_cast<std::int64_t>(mfa.in_use)},
      {"AccountMFAEnabled", mfa.root_enabled ? 1 : 0},
      {"AccountAccessKeysPresent", root_keys > 0 ? 1 : 0},
      {"AccountPasswordPresent", 0},
      {"AccountSigningCertificatesPresent", 0},
      {"GlobalEndpointTokenVersion", 1},
  };
  api::Output out;
  auto& map = out.result.add_map("SummaryMap");
  for (const auto& [key, value] : entries) {
    map.add_entry(key, std::to_string(value), api::OutNode::Kind::Integer);
  }
  return out;
}

}  // namespace iamd::iam
