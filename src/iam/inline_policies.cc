// Inline policies of users and groups: Put/Get/Delete/List{User,Group}Policy. Documents are
// stored as submitted and returned URL-encoded; each entity's policies share one size quota.
#include <algorithm>

#include "iam/policy_documents.h"
#include "iam/rules.h"
#include "iam/service.h"

namespace iamd::iam {

using core::ErrorCode;
using store::Entities;
using store::EntityKind;
using store::PolicyEntities;

namespace {

core::Error no_such_inline(EntityKind kind, std::string_view policy_name) {
  return core::Error{ErrorCode::NoSuchEntity, "The " + std::string(store::kind_name(kind)) +
                                                  " policy with name " + std::string(policy_name) +
                                                  " cannot be found."};
}

// Creates or replaces one inline policy, keeping the entity's policies within its size quota.
core::Status put_inline(PolicyEntities& p, std::string_view account, EntityKind kind,
                        std::string_view entity_id, std::string_view entity_name,
                        const std::string& policy_name, const std::string& document) {
  IAMD_TRY(validate_policy_document(document, policy::PolicyType::Identity));
  auto existing = p.inline_policies(account, kind, entity_id);
  IAMD_TRY(existing);
  size_t total = policy_size(document);
  for (const auto& other : *existing) {
    if (other.name != policy_name) total += policy_size(other.document);
  }
  IAMD_TRY(check_inline_policy_total(kind, entity_name, total));
  return p.put_inline(account, kind, entity_id, store::InlinePolicy{policy_name, document});
}

api::Output names_output(std::vector<std::string> names, const api::Page& page) {
  std::sort(names.begin(), names.end());
  PageRange range = page_range(names, page);
  api::Output out;
  auto& list = out.result.add_list("PolicyNames");
  for (size_t i = range.begin; i < range.end; ++i) list.add_string_item(names[i]);
  write_page_end(out.result, range);
  return out;
}

}  // namespace

// --- users -------------------------------------------------------------------------------------

core::Result<api::Output> Service::put_user_policy(const api::Context& ctx, api::Input& in) {
  auto user_name = in.required_string("UserName", rules::kExistingUserName);
  auto policy_name = in.required_string("PolicyName", rules::kPolicyName);
  auto document = in.required_string("PolicyDocument", rules::kPolicyDocument);
  IAMD_TRY(in.finish());
  IAMD_TRY(d_.store.write([&](store::Transaction& tx) -> core::Status {
    Entities e(tx);
    PolicyEntities p(tx);
    auto user = load_user(e, ctx, user_name, "iam:PutUserPolicy");
    IAMD_TRY(user);
    return put_inline(p, ctx.caller.account, EntityKind::User, user->id, user->name, policy_name,
                      document);
  }));
  return api::Output::none();
}

core::Result<api::Output> Service::get_user_policy(const api::Context& ctx, api::Input& in) {
  auto user_name = in.required_string("UserName", rules::kExistingUserName);
  auto policy_name = in.required_string("PolicyName", rules::kPolicyName);
  IAMD_TRY(in.finish());
  std::string name;
  store::InlinePolicy policy;
  IAMD_TRY(d_.store.read([&](store::Transaction& tx) -> core::Status {
    Entities e(tx);
    PolicyEntities p(tx);
    auto user = load_user(e, ctx, user_name, "iam:GetUserPolicy");
    IAMD_TRY(user);
    name = user->name;
    auto found = p.find_inline(ctx.caller.account, EntityKind::User, user->id, policy_name);
    IAMD_TRY(found);
    if (!found->has_value()) return no_such_inline(EntityKind::User, policy_name);
    policy = std::move(**found);
    return {};
  }));
  api::Output out;
  out.result.add_string("UserName", name);
  out.result.add_string("PolicyName", policy.name);
  out.result.add_string("PolicyDocument", encode_policy_document(policy.document));
  return out;
}

core::Result<api::Output> Service::delete_user_policy(const api::Context& ctx, api::Input& in) {
  auto user_name = in.required_string("UserName", rules::kExistingUserName);
  auto policy_name = in.required_string("PolicyName", rules::kPolicyName);
  IAMD_TRY(in.finish());
  IAMD_TRY(d_.store.write([&](store::Transaction& tx) -> core::Status {
    Entities e(tx);
    PolicyEntities p(tx);
    auto user = load_user(e, ctx, user_name, "iam:DeleteUserPolicy");
    IAMD_TRY(user);
    auto found = p.find_inline(ctx.caller.account, EntityKind::User, user->id, policy_name);
    IAMD_TRY(found);
    if (!found->has_value()) return no_such_inline(EntityKind::User, policy_name);
    return p.erase_inline(ctx.caller.account, EntityKind::User, user->id, policy_name);
  }));
  return api::Output::none();
}

core::Result<api::Output> Service::list_user_policies(const api::Context& ctx, api::Input& in) {
  auto user_name = in.required_string("UserName", rules::kExistingUserName);
  api::Page page = in.page();
  IAMD_TRY(in.finish());
  std::vector<std::string> names;
  IAMD_TRY(d_.store.read([&](store::Transaction& tx) -> core::Status {
    Entities e(tx);
    PolicyEntities p(tx);
    auto user = load_user(e, ctx, user_name, "iam:ListUserPolicies");
    IAMD_TRY(user);
    auto policies = p.inline_policies(ctx.caller.account, EntityKind::User, user->id);
    IAMD_TRY(policies);
    for (auto& pol : *policies) names.push_back(std::move(pol.name));
    return {};
  }));
  return names_output(std::move(names), page);
}

// --- groups ------------------------------------------------------------------------------------

core::Result<api::Output> Service::put_group_policy(const api::Context& ctx, api::Input& in) {
  auto group_name = in.required_string("GroupName", rules::kGroupName);
  auto policy_name = in.required_string("PolicyName", rules::kPolicyName);
  auto document = in.required_string("PolicyDocument", rules::kPolicyDocument);
  IAMD_TRY(in.finish());
  IAMD_TRY(d_.store.write([&](store::Transaction& tx) -> core::Status {
    Entities e(tx);
    PolicyEntities p(tx);
    auto group = load_group(e, ctx, group_name, "iam:PutGroupPolicy");
    IAMD_TRY(group);
    return put_inline(p, ctx.caller.account, EntityKind::Group, group->id, group->name, policy_name,
                      document);
  }));
  return api::Output::none();
}

core::Result<api::Output> Service::get_group_policy(const api::Context& ctx, api::Input& in) {
  auto group_name = in.required_string("GroupName", rules::kGroupName);
  auto policy_name = in.required_string("PolicyName", rules::kPolicyName);
  IAMD_TRY(in.finish());
  std::string name;
  store::InlinePolicy policy;
  IAMD_TRY(d_.store.read([&](store::Transaction& tx) -> core::Status {
    Entities e(tx);
    PolicyEntities p(tx);
    auto group = load_group(e, ctx, group_name, "iam:GetGroupPolicy");
    IAMD_TRY(group);
    name = group->name;
    auto found = p.find_inline(ctx.caller.account, EntityKind::Group, group->id, policy_name);
    IAMD_TRY(found);
    if (!found->has_value()) return no_such_inline(EntityKind::Group, policy_name);
    policy = std::move(**found);
    return {};
  }));
  api::Output out;
  out.result.add_string("GroupName", name);
  out.result.add_string("PolicyName", policy.name);
  out.result.add_string("PolicyDocument", encode_policy_document(policy.document));
  return out;
}

core::Result<api::Output> Service::delete_group_policy(const api::Context& ctx, api::Input& in) {
  auto group_name = in.required_string("GroupName", rules::kGroupName);
  auto policy_name = in.required_string("PolicyName", rules::kPolicyName);
  IAMD_TRY(in.finish());
  IAMD_TRY(d_.store.write([&](store::Transaction& tx) -> core::Status {
    Entities e(tx);
    PolicyEntities p(tx);
    auto group = load_group(e, ctx, group_name, "iam:DeleteGroupPolicy");
    IAMD_TRY(group);
    auto found = p.find_inline(ctx.caller.account, EntityKind::Group, group->id, policy_name);
    IAMD_TRY(found);
    if (!found->has_value()) return no_such_inline(EntityKind::Group, policy_name);
    return p.erase_inline(ctx.caller.account, EntityKind::Group, group->id, policy_name);
  }));
  return api::Output::none();
}

core::Result<api::Output> Service::list_group_policies(const api::Context& ctx, api::Input& in) {
  auto group_name = in.required_string("GroupName", rules::kGroupName);
  api::Page page = in.page();
  IAMD_TRY(in.finish());
  std::vector<std::string> names;
  IAMD_TRY(d_.store.read([&](store::Transaction& tx) -> core::Status {
    Entities e(tx);
    PolicyEntities p(tx);
    auto group = load_group(e, ctx, group_name, "iam:ListGroupPolicies");
    IAMD_TRY(group);
    auto policies = p.inline_policies(ctx.caller.account, EntityKind::Group, group->id);
    IAMD_TRY(policies);
    for (auto& pol : *policies) names.push_back(std::move(pol.name));
    return {};
  }));
  return names_output(std::move(names), page);
}

}  // namespace iamd::iam
