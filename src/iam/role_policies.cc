// A role's permission policies: inline (Put/Get/Delete/ListRolePolicies), managed attachments
// (Attach/DetachRolePolicy, ListAttachedRolePolicies) and the permissions boundary
// (Put/DeleteRolePermissionsBoundary). Inline documents are stored as submitted and returned
// URL-encoded; a role's inline policies share one 10,240-character quota.
#include <algorithm>

#include "iam/policy_documents.h"
#include "iam/rules.h"
#include "iam/service.h"

namespace iamd::iam {

using core::ErrorCode;
using store::EntityKind;
using store::PolicyEntities;
using store::RoleEntities;

namespace {

core::Error no_such_role_policy(std::string_view policy_name) {
  return core::Error{ErrorCode::NoSuchEntity,
                     "The role policy with name " + std::string(policy_name) + " cannot be found."};
}

}  // namespace

// --- inline policies ---------------------------------------------------------------------------

core::Result<api::Output> Service::put_role_policy(const api::Context& ctx, api::Input& in) {
  auto role_name = in.required_string("RoleName", rules::kRoleName);
  auto policy_name = in.required_string("PolicyName", rules::kPolicyName);
  auto document = in.required_string("PolicyDocument", rules::kPolicyDocument);
  IAMD_TRY(in.finish());
  const std::string& account = ctx.caller.account;
  IAMD_TRY(d_.store.write([&](store::Transaction& tx) -> core::Status {
    RoleEntities r(tx);
    PolicyEntities p(tx);
    auto role = load_role(r, ctx, role_name, "iam:PutRolePolicy", {}, true);
    IAMD_TRY(role);
    IAMD_TRY(validate_policy_document(document, policy::PolicyType::Identity));
    auto existing = p.inline_policies(account, EntityKind::Role, role->id);
    IAMD_TRY(existing);
    // The new document replaces any policy of the same name; the rest keep their share.
    size_t total = policy_size(document);
    for (const auto& other : *existing) {
      if (other.name != policy_name) total += policy_size(other.document);
    }
    IAMD_TRY(check_inline_policy_total(EntityKind::Role, role->name, total));
    return p.put_inline(account, EntityKind::Role, role->id,
                        store::InlinePolicy{policy_name, document});
  }));
  return api::Output::none();
}

core::Result<api::Output> Service::get_role_policy(const api::Context& ctx, api::Input& in) {
  auto role_name = in.required_string("RoleName", rules::kRoleName);
  auto policy_name = in.required_string("PolicyName", rules::kPolicyName);
  IAMD_TRY(in.finish());
  std::string name;
  store::InlinePolicy policy;
  IAMD_TRY(d_.store.read([&](store::Transaction& tx) -> core::Status {
    RoleEntities r(tx);
    PolicyEntities p(tx);
    auto role = load_role(r, ctx, role_name, "iam:GetRolePolicy");
    IAMD_TRY(role);
    name = role->name;
    auto found = p.find_inline(ctx.caller.account, EntityKind::Role, role->id, policy_name);
    IAMD_TRY(found);
    if (!found->has_value()) return no_such_role_policy(policy_name);
    policy = std::move(**found);
    return {};
  }));
  api::Output out;
  out.result.add_string("RoleName", name);
  out.result.add_string("PolicyName", policy.name);
  out.result.add_string("PolicyDocument", encode_policy_document(policy.document));
  return out;
}

core::Result<api::Output> Service::delete_role_policy(const api::Context& ctx, api::Input& in) {
  auto role_name = in.required_string("RoleName", rules::kRoleName);
  auto policy_name = in.required_string("PolicyName", rules::kPolicyName);
  IAMD_TRY(in.finish());
  IAMD_TRY(d_.store.write([&](store::Transaction& tx) -> core::Status {
    RoleEntities r(tx);
    PolicyEntities p(tx);
    auto role = load_role(r, ctx, role_name, "iam:DeleteRolePolicy", {}, true);
    IAMD_TRY(role);
    auto found = p.find_inline(ctx.caller.account, EntityKind::Role, role->id, policy_name);
    IAMD_TRY(found);
    if (!found->has_value()) return no_such_role_policy(policy_name);
    return p.erase_inline(ctx.caller.account, EntityKind::Role, role->id, policy_name);
  }));
  return api::Output::none();
}

core::Result<api::Output> Service::list_role_policies(const api::Context& ctx, api::Input& in) {
  auto role_name = in.required_string("RoleName", rules::kRoleName);
  api::Page page = in.page();
  IAMD_TRY(in.finish());
  std::vector<std::string> names;
  IAMD_TRY(d_.store.read([&](store::Transaction& tx) -> core::Status {
    RoleEntities r(tx);
    PolicyEntities p(tx);
    auto role = load_role(r, ctx, role_name, "iam:ListRolePolicies");
    IAMD_TRY(role);
    auto policies = p.inline_policies(ctx.caller.account, EntityKind::Role, role->id);
    IAMD_TRY(policies);
    for (auto& pol : *policies) names.push_back(std::move(pol.name));
    return {};
  }));
  std::sort(names.begin(), names.end());
  PageRange range = page_range(names, page);
  api::Output out;
  auto& list = out.result.add_list("PolicyNames");
  for (size_t i = range.begin; i < range.end; ++i) list.add_string_item(names[i]);
  write_page_end(out.result, range);
  return out;
}

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
