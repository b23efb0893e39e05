// Inline policies of users, groups and roles: Put/Get/Delete/List{User,Group,Role}Policy (and
// ListXPolicies). One implementation serves the three owners: only the owner's parameter name,
// its loader and the action names differ (policy_owner.h). load_policy_owner, defined here, serves
// the managed-policy attachments (attachments.cc) too. Documents are stored as submitted and
// returned URL-encoded; each owner's policies share one size quota (user 2,048, group 5,120,
// role 10,240).
#include <algorithm>

#include "iam/policy_documents.h"
#include "iam/policy_owner.h"
#include "iam/rules.h"
#include "iam/service.h"
#include "store/roles.h"

namespace iamd::iam {

using core::ErrorCode;
using store::EntityKind;
using store::PolicyEntities;

namespace {

core::Error no_such_inline(EntityKind kind, std::string_view policy_name) {
  return core::Error{ErrorCode::NoSuchEntity, "The " + std::string(store::kind_name(kind)) +
                                                  " policy with name " + std::string(policy_name) +
                                                  " cannot be found."};
}

}  // namespace

core::Result<PolicyOwner> Service::load_policy_owner(
    store::Transaction& tx, const api::Context& ctx, EntityKind kind, std::string_view name,
    std::string_view action, bool changes_policies,
    std::vector<std::pair<std::string, policy::ContextValue>> keys) const {
  switch (kind) {
    case EntityKind::User: {
      store::Entities e(tx);
      auto u = load_user(e, ctx, name, action, std::move(keys));
      IAMD_TRY(u);
      return PolicyOwner{kind, u->id, u->name};
    }
    case EntityKind::Group: {
      store::Entities e(tx);
      auto g = load_group(e, ctx, name, action, std::move(keys));
      IAMD_TRY(g);
      return PolicyOwner{kind, g->id, g->name};
    }
    case EntityKind::Role: {
      // AWS's action reference lists iam:PermissionsBoundary on the role calls that change its
      // permissions.
      store::RoleEntities r(tx);
      auto role = load_role(r, ctx, name, action, std::move(keys), changes_policies);
      IAMD_TRY(role);
      return PolicyOwner{kind, role->id, role->name};
    }
  }
  return core::Error{ErrorCode::ServiceFailure, "unknown policy owner"};
}

core::Result<api::Output> Service::put_inline_policy(const api::Context& ctx, api::Input& in,
                                                     EntityKind kind) {
  OwnerParam param = owner_param(kind, rules::kExistingUserName);
  auto owner_name = in.required_string(param.name, param.rule);
  auto policy_name = in.required_string("PolicyName", rules::kPolicyName);
  auto document = in.required_string("PolicyDocument", rules::kPolicyDocument);
  IAMD_TRY(in.finish());
  const std::string& account = ctx.caller.account;
  IAMD_TRY(d_.store.write([&](store::Transaction& tx) -> core::Status {
    auto owner = load_policy_owner(tx, ctx, kind, owner_name, owner_action("Put", kind, "Policy"),
                                   true);
    IAMD_TRY(owner);
    IAMD_TRY(validate_policy_document(document, policy::PolicyType::Identity));
    PolicyEntities p(tx);
    auto existing = p.inline_policies(account, kind, owner->id);
    IAMD_TRY(existing);
    // The new document replaces any policy of the same name; the rest keep their share.
    size_t total = policy_size(document);
    for (const auto& other : *existing) {
      if (other.name != policy_name) total += policy_size(other.document);
    }
    IAMD_TRY(check_inline_policy_total(kind, owner->name, total));
    return p.put_inline(account, kind, owner->id, store::InlinePolicy{policy_name, document});
  }));
  return api::Output::none();
}

core::Result<api::Output> Service::get_inline_policy(const api::Context& ctx, api::Input& in,
                                                     EntityKind kind) {
  OwnerParam param = owner_param(kind, rules::kExistingUserName);
  auto owner_name = in.required_string(param.name, param.rule);
  auto policy_name = in.required_string("PolicyName", rules::kPolicyName);
  IAMD_TRY(in.finish());
  std::string name;
  store::InlinePolicy policy;
  IAMD_TRY(d_.store.read([&](store::Transaction& tx) -> core::Status {
    auto owner = load_policy_owner(tx, ctx, kind, owner_name, owner_action("Get", kind, "Policy"),
                                   false);
    IAMD_TRY(owner);
    name = owner->name;
    auto found = PolicyEntities(tx).find_inline(ctx.caller.account, kind, owner->id, policy_name);
    IAMD_TRY(found);
    if (!found->has_value()) return no_such_inline(kind, policy_name);
    policy = std::move(**found);
    return {};
  }));
  api::Output out;
  out.result.add_string(std::string(param.name), name);
  out.result.add_string("PolicyName", policy.name);
  out.result.add_string("PolicyDocument", encode_policy_document(policy.document));
  return out;
}

core::Result<api::Output> Service::delete_inline_policy(const api::Context& ctx, api::Input& in,
                                                        EntityKind kind) {
  OwnerParam param = owner_param(kind, rules::kExistingUserName);
  auto owner_name = in.required_string(param.name, param.rule);
  auto policy_name = in.required_string("PolicyName", rules::kPolicyName);
  IAMD_TRY(in.finish());
  IAMD_TRY(d_.store.write([&](store::Transaction& tx) -> core::Status {
    auto owner = load_policy_owner(tx, ctx, kind, owner_name,
                                   owner_action("Delete", kind, "Policy"), true);
    IAMD_TRY(owner);
    PolicyEntities p(tx);
    auto found = p.find_inline(ctx.caller.account, kind, owner->id, policy_name);
    IAMD_TRY(found);
    if (!found->has_value()) return no_such_inline(kind, policy_name);
    return p.erase_inline(ctx.caller.account, kind, owner->id, policy_name);
  }));
  return api::Output::none();
}

core::Result<api::Output> Service::list_inline_policies(const api::Context& ctx, api::Input& in,
                                                        EntityKind kind) {
  OwnerParam param = owner_param(kind, rules::kExistingUserName);
  auto owner_name = in.required_string(param.name, param.rule);
  api::Page page = in.page();
  IAMD_TRY(in.finish());
  std::vector<std::string> names;
  IAMD_TRY(d_.store.read([&](store::Transaction& tx) -> core::Status {
    auto owner = load_policy_owner(tx, ctx, kind, owner_name,
                                   owner_action("List", kind, "Policies"), false);
    IAMD_TRY(owner);
    auto policies = PolicyEntities(tx).inline_policies(ctx.caller.account, kind, owner->id);
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

}  // namespace iamd::iam
