// A role's managed policy attachments (Attach/DetachRolePolicy, ListAttachedRolePolicies) and
// permissions boundary (Put/DeleteRolePermissionsBoundary). Inline role policies are served with
// the users' and groups' in inline_policies.cc.
#include <algorithm>

#include "iam/policy_documents.h"
#include "iam/rules.h"
#include "iam/service.h"

namespace iamd::iam {

using core::ErrorCode;
using store::EntityKind;
using store::PolicyEntities;
using store::RoleEntities;

// --- managed policy attachments ----------------------------------------------------------------

core::Result<api::Output> Service::attach_role_policy(const api::Context& ctx, api::Input& in) {
  auto role_name = in.required_string("RoleName", rules::kRoleName);
  auto arn = in.required_string("PolicyArn", rules::kArn);
  IAMD_TRY(in.finish());
  if (!parse_policy_arn(arn)) return invalid_policy_arn(arn);
  const std::string& account = ctx.caller.account;
  IAMD_TRY(d_.store.write([&](store::Transaction& tx) -> core::Status {
    RoleEntities r(tx);
    PolicyEntities p(tx);
    auto role = load_role(r, ctx, role_name, "iam:AttachRolePolicy", policy_arn_key(arn), true);
    IAMD_TRY(role);
    IAMD_TRY(find_attachable_policy(p, account, arn));
    auto attached = p.attached_to(account, EntityKind::Role, role->id);
    IAMD_TRY(attached);
    // Attaching a policy that is already attached changes nothing.
    if (std::find(attached->begin(), attached->end(), arn) != attached->end()) return {};
    if (attached->size() >= kAttachedPoliciesPerEntityQuota) {
      return core::Error{ErrorCode::LimitExceeded,
                         "Cannot exceed quota for PoliciesPerRole: " +
                             std::to_string(kAttachedPoliciesPerEntityQuota)};
    }
    return p.attach(account, EntityKind::Role, role->id, arn);
  }));
  return api::Output::none();
}

core::Result<api::Output> Service::detach_role_policy(const api::Context& ctx, api::Input& in) {
  auto role_name = in.required_string("RoleName", rules::kRoleName);
  auto arn = in.required_string("PolicyArn", rules::kArn);
  IAMD_TRY(in.finish());
  if (!parse_policy_arn(arn)) return invalid_policy_arn(arn);
  const std::string& account = ctx.caller.account;
  IAMD_TRY(d_.store.write([&](store::Transaction& tx) -> core::Status {
    RoleEntities r(tx);
    PolicyEntities p(tx);
    auto role = load_role(r, ctx, role_name, "iam:DetachRolePolicy", policy_arn_key(arn), true);
    IAMD_TRY(role);
    auto attached = p.attached_to(account, EntityKind::Role, role->id);
    IAMD_TRY(attached);
    if (std::find(attached->begin(), attached->end(), arn) == attached->end()) {
      return core::Error{ErrorCode::NoSuchEntity, "Policy " + arn + " was not found."};
    }
    return p.detach(account, EntityKind::Role, role->id, arn);
  }));
  return api::Output::none();
}

core::Result<api::Output> Service::list_attached_role_policies(const api::Context& ctx,
                                                               api::Input& in) {
  auto role_name = in.required_string("RoleName", rules::kRoleName);
  auto prefix = in.optional_string("PathPrefix", rules::kPolicyPath).value_or("/");
  api::Page page = in.page();
  IAMD_TRY(in.finish());
  const std::string& account = ctx.caller.account;
  // (listing key, ARN), by policy name.
  std::vector<std::pair<std::string, std::string>> listing;
  IAMD_TRY(d_.store.read([&](store::Transaction& tx) -> core::Status {
    RoleEntities r(tx);
    PolicyEntities p(tx);
    auto role = load_role(r, ctx, role_name, "iam:ListAttachedRolePolicies");
    IAMD_TRY(role);
    auto attached = p.attached_to(account, EntityKind::Role, role->id);
    IAMD_TRY(attached);
    for (auto& arn : *attached) {
      auto parts = parse_policy_arn(arn);
      if (!parts || !parts->path.starts_with(prefix)) continue;
      auto ref = find_managed_policy(p, account, arn);
      IAMD_TRY(ref);
      std::string id = ref->has_value() ? (*ref)->policy.id : std::string();
      listing.emplace_back(listing_key(parts->name, id), std::move(arn));
    }
    return {};
  }));
  std::sort(listing.begin(), listing.end());
  std::vector<std::string> keys;
  for (const auto& [key, arn] : listing) keys.push_back(key);
  PageRange range = page_range(keys, page);
  api::Output out;
  auto& list = out.result.add_list("AttachedPolicies");
  for (size_t i = range.begin; i < range.end; ++i) {
    write_attached_policy(list.add_item(), listing[i].second);
  }
  write_page_end(out.result, range);
  return out;
}

// --- permissions boundary ----------------------------------------------------------------------

core::Result<api::Output> Service::put_role_permissions_boundary(const api::Context& ctx,
                                                                 api::Input& in) {
  auto role_name = in.required_string("RoleName", rules::kRoleName);
  auto arn = in.required_string("PermissionsBoundary", rules::kArn);
  IAMD_TRY(in.finish());
  if (!parse_policy_arn(arn)) return invalid_policy_arn(arn);
  const std::string& account = ctx.caller.account;
  IAMD_TRY(d_.store.write([&](store::Transaction& tx) -> core::Status {
    RoleEntities r(tx);
    PolicyEntities p(tx);
    // iam:PermissionsBoundary is the boundary being set.
    auto role = load_role(r, ctx, role_name, "iam:PutRolePermissionsBoundary",
                          {{"iam:PermissionsBoundary", policy::ContextValue{{arn}, false}}});
    IAMD_TRY(role);
    IAMD_TRY(find_attachable_policy(p, account, arn));
    const std::string previous = role->permissions_boundary_arn;
    if (!previous.empty() && previous != arn) {
      IAMD_TRY(p.set_boundary_use(account, EntityKind::Role, role->id, previous, false));
    }
    IAMD_TRY(p.set_boundary_use(account, EntityKind::Role, role->id, arn, true));
    role->permissions_boundary_arn = arn;
    return r.put_role(*role);
  }));
  return api::Output::none();
}

core::Result<api::Output> Service::delete_role_permissions_boundary(const api::Context& ctx,
                                                                    api::Input& in) {
  auto role_name = in.required_string("RoleName", rules::kRoleName);
  IAMD_TRY(in.finish());
  const std::string& account = ctx.caller.account;
  IAMD_TRY(d_.store.write([&](store::Transaction& tx) -> core::Status {
    RoleEntities r(tx);
    PolicyEntities p(tx);
    auto role = load_role(r, ctx, role_name, "iam:DeleteRolePermissionsBoundary", {}, true);
    IAMD_TRY(role);
    // A role without a boundary is already in the requested state.
    if (role->permissions_boundary_arn.empty()) return {};
    IAMD_TRY(p.set_boundary_use(account, EntityKind::Role, role->id,
                                role->permissions_boundary_arn, false));
    role->permissions_boundary_arn.clear();
    return r.put_role(*role);
  }));
  return api::Output::none();
}

}  // namespace iamd::iam
