// Managed policy attachments and permissions boundaries: Attach/Detach{User,Group,Role}Policy and
// ListAttached{User,Group,Role}Policies (one implementation parameterized by the owner's kind, as
// the inline policies are), ListEntitiesForPolicy, Put/DeleteUserPermissionsBoundary. The role's
// boundary calls are in role_policies.cc.
#include <algorithm>

#include "core/arn.h"
#include "core/strings.h"
#include "iam/policy_documents.h"
#include "iam/policy_owner.h"
#include "iam/rules.h"
#include "iam/service.h"

namespace iamd::iam {

using core::ErrorCode;
using store::Entities;
using store::EntityKind;
using store::PolicyEntities;

namespace {

core::Status attach_policy(PolicyEntities& p, std::string_view account,
                           const PolicyOwner& owner, std::string_view arn) {
  IAMD_TRY(find_attachable_policy(p, account, arn));
  auto attached = p.attached_to(account, owner.kind, owner.id);
  IAMD_TRY(attached);
  // Attaching a policy that is already attached changes nothing.
  if (std::find(attached->begin(), attached->end(), arn) != attached->end()) return {};
  if (attached->size() >= kAttachedPoliciesPerEntityQuota) {
    return core::Error{ErrorCode::LimitExceeded,
                       "Cannot exceed quota for PoliciesPer" + owner_word(owner.kind) + ": " +
                           std::to_string(kAttachedPoliciesPerEntityQuota)};
  }
  return p.attach(account, owner.kind, owner.id, arn);
}

core::Status detach_policy(PolicyEntities& p, std::string_view account,
                           const PolicyOwner& owner, std::string_view arn) {
  auto attached = p.attached_to(account, owner.kind, owner.id);
  IAMD_TRY(attached);
  if (std::find(attached->begin(), attached->end(), arn) == attached->end()) {
    return core::Error{ErrorCode::NoSuchEntity, "Policy " + std::string(arn) + " was not found."};
  }
  return p.detach(account, owner.kind, owner.id, arn);
}

/// The policies attached to an entity whose path starts with `prefix`, as (listing key, ARN).
core::Result<std::vector<std::pair<std::string, std::string>>> attached_listing(
    PolicyEntities& p, std::string_view account, const PolicyOwner& owner,
    std::string_view prefix) {
  auto attached = p.attached_to(account, owner.kind, owner.id);
  IAMD_TRY(attached);
  std::vector<std::pair<std::string, std::string>> out;
  for (auto& arn : *attached) {
    auto parts = parse_policy_arn(arn);
    if (!parts || !parts->path.starts_with(prefix)) continue;
    auto ref = find_managed_policy(p, account, arn);
    IAMD_TRY(ref);
    std::string id = ref->has_value() ? (*ref)->policy.id : std::string();
    out.emplace_back(listing_key(parts->name, id), std::move(arn));
  }
  std::sort(out.begin(), out.end());
  return out;
}

api::Output attached_output(const std::vector<std::pair<std::string, std::string>>& listing,
                            const api::Page& page) {
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

}  // namespace

// Attaching or detaching changes the owner's permissions; the request carries iam:PolicyARN.
core::Result<api::Output> Service::attach_managed_policy(const api::Context& ctx, api::Input& in,
                                                         EntityKind kind) {
  OwnerParam param = owner_param(kind, rules::kUserName);
  auto owner_name = in.required_string(param.name, param.rule);
  auto arn = in.required_string("PolicyArn", rules::kArn);
  IAMD_TRY(in.finish());
  if (!parse_policy_arn(arn)) return invalid_policy_arn(arn);
  IAMD_TRY(d_.store.write([&](store::Transaction& tx) -> core::Status {
    auto owner = load_policy_owner(tx, ctx, kind, owner_name,
                                   owner_action("Attach", kind, "Policy"), true,
                                   policy_arn_key(arn));
    IAMD_TRY(owner);
    PolicyEntities p(tx);
    return attach_policy(p, ctx.caller.account, *owner, arn);
  }));
  return api::Output::none();
}

core::Result<api::Output> Service::detach_managed_policy(const api::Context& ctx, api::Input& in,
                                                         EntityKind kind) {
  OwnerParam param = owner_param(kind, rules::kUserName);
  auto owner_name = in.required_string(param.name, param.rule);
  auto arn = in.required_string("PolicyArn", rules::kArn);
  IAMD_TRY(in.finish());
  if (!parse_policy_arn(arn)) return invalid_policy_arn(arn);
  IAMD_TRY(d_.store.write([&](store::Transaction& tx) -> core::Status {
    auto owner = load_policy_owner(tx, ctx, kind, owner_name,
                                   owner_action("Detach", kind, "Policy"), true,
                                   policy_arn_key(arn));
    IAMD_TRY(owner);
    PolicyEntities p(tx);
    return detach_policy(p, ctx.caller.account, *owner, arn);
  }));
  return api::Output::none();
}

core::Result<api::Output> Service::list_attached_policies(const api::Context& ctx, api::Input& in,
                                                          EntityKind kind) {
  OwnerParam param = owner_param(kind, rules::kUserName);
  auto owner_name = in.required_string(param.name, param.rule);
  auto prefix = in.optional_string("PathPrefix", rules::kPolicyPath).value_or("/");
  api::Page page = in.page();
  IAMD_TRY(in.finish());
  std::vector<std::pair<std::string, std::string>> listing;
  IAMD_TRY(d_.store.read([&](store::Transaction& tx) -> core::Status {
    auto owner = load_policy_owner(tx, ctx, kind, owner_name,
                                   owner_action("ListAttached", kind, "Policies"), false);
    IAMD_TRY(owner);
    PolicyEntities p(tx);
    auto l = attached_listing(p, ctx.caller.account, *owner, prefix);
    IAMD_TRY(l);
    listing = std::move(*l);
    return {};
  }));
  return attached_output(listing, page);
}

core::Result<api::Output> Service::list_entities_for_policy(const api::Context& ctx,
                                                            api::Input& in) {
  auto arn = in.required_string("PolicyArn", rules::kArn);
  auto entity_filter = in.optional_enum(
      "EntityFilter", {"User", "Role", "Group", "LocalManagedPolicy", "AWSManagedPolicy"});
  auto prefix = in.optional_string("PathPrefix", rules::kPath).value_or("/");
  auto usage_filter =
      in.optional_enum("PolicyUsageFilter", {"PermissionsPolicy", "PermissionsBoundary"});
  api::Page page = in.page();
  IAMD_TRY(in.finish());

  // Groups, then users, then roles; by name within each.
  struct Entity {
    std::string key;
    EntityKind kind;
    std::string name;
    std::string id;
  };
  std::vector<Entity> entities;
  IAMD_TRY(d_.store.read([&](store::Transaction& tx) -> core::Status {
    Entities e(tx);
    PolicyEntities p(tx);
    auto ref = load_policy(p, ctx, arn, "iam:ListEntitiesForPolicy");
    IAMD_TRY(ref);
    std::vector<store::PolicyUse> uses;
    if (usage_filter != "PermissionsBoundary") {
      auto a = p.attachments_of(ctx.caller.account, arn);
      IAMD_TRY(a);
      uses.insert(uses.end(), a->begin(), a->end());
    }
    if (usage_filter != "PermissionsPolicy") {
      auto b = p.boundary_uses_of(ctx.caller.account, arn);
      IAMD_TRY(b);
      uses.insert(uses.end(), b->begin(), b->end());
    }
    auto wanted = [&](EntityKind kind) {
      if (!entity_filter) return true;
      return (kind == EntityKind::User && *entity_filter == "User") ||
             (kind == EntityKind::Group && *entity_filter == "Group") ||
             (kind == EntityKind::Role && *entity_filter == "Role");
    };
    for (const auto& use : uses) {
      if (!wanted(use.kind)) continue;
      if (use.kind == EntityKind::User) {
        auto u = e.find_user_by_id(ctx.caller.account, use.entity_id);
        IAMD_TRY(u);
        if (!u->has_value() || !(*u)->path.starts_with(prefix)) continue;
        entities.push_back(
            Entity{"1 " + listing_key((*u)->name, (*u)->id), use.kind, (*u)->name, (*u)->id});
      } else if (use.kind == EntityKind::Group) {
        auto g = e.find_group_by_id(ctx.caller.account, use.entity_id);
        IAMD_TRY(g);
        if (!g->has_value() || !(*g)->path.starts_with(prefix)) continue;
        entities.push_back(
            Entity{"0 " + listing_key((*g)->name, (*g)->id), use.kind, (*g)->name, (*g)->id});
      } else if (use.kind == EntityKind::Role) {
        auto r = store::RoleEntities(tx).find_role_by_id(ctx.caller.account, use.entity_id);
        IAMD_TRY(r);
        if (!r->has_value() || !(*r)->path.starts_with(prefix)) continue;
        entities.push_back(
            Entity{"2 " + listing_key((*r)->name, (*r)->id), use.kind, (*r)->name, (*r)->id});
      }
    }
    return {};
  }));
  std::sort(entities.begin(), entities.end(),
            [](const Entity& a, const Entity& b) { return a.key < b.key; });
  // An entity both attached and bounded by the policy is listed once.
  entities.erase(std::unique(entities.begin(), entities.end(),
                             [](const Entity& a, const Entity& b) { return a.key == b.key; }),
                 entities.end());
  std::vector<std::string> keys;
  for (const auto& en : entities) keys.push_back(en.key);
  PageRange range = page_range(keys, page);

  api::Output out;
  out.result.add_list("PolicyGroups");
  out.result.add_list("PolicyUsers");
  out.result.add_list("PolicyRoles");
  // References only once every list is added: adding a member may move the others.
  auto& groups = out.result.children[0];
  auto& users = out.result.children[1];
  auto& roles = out.result.children[2];
  for (size_t i = range.begin; i < range.end; ++i) {
    const Entity& en = entities[i];
    if (en.kind == EntityKind::Group) {
      auto& item = groups.add_item();
      item.add_string("GroupName", en.name);
      item.add_string("GroupId", en.id);
    } else if (en.kind == EntityKind::User) {
      auto& item = users.add_item();
      item.add_string("UserName", en.name);
      item.add_string("UserId", en.id);
    } else if (en.kind == EntityKind::Role) {
      auto& item = roles.add_item();
      item.add_string("RoleName", en.name);
      item.add_string("RoleId", en.id);
    }
  }
  write_page_end(out.result, range);
  return out;
}

core::Result<api::Output> Service::put_user_permissions_boundary(const api::Context& ctx,
                                                                 api::Input& in) {
  auto name = in.required_string("UserName", rules::kUserName);
  auto arn = in.required_string("PermissionsBoundary", rules::kArn);
  IAMD_TRY(in.finish());
  if (!parse_policy_arn(arn)) return invalid_policy_arn(arn);
  IAMD_TRY(d_.store.write([&](store::Transaction& tx) -> core::Status {
    Entities e(tx);
    PolicyEntities p(tx);
    auto user = load_user(e, ctx, name, "iam:PutUserPermissionsBoundary",
                          {{"iam:PermissionsBoundary", policy::ContextValue{{arn}, false}}});
    IAMD_TRY(user);
    IAMD_TRY(find_attachable_policy(p, ctx.caller.account, arn));
    const std::string previous = user->permissions_boundary_arn;
    if (!previous.empty() && previous != arn) {
      IAMD_TRY(p.set_boundary_use(ctx.caller.account, EntityKind::User, user->id, previous, false));
    }
    IAMD_TRY(p.set_boundary_use(ctx.caller.account, EntityKind::User, user->id, arn, true));
    user->permissions_boundary_arn = arn;
    return e.put_user(*user);
  }));
  return api::Output::none();
}

core::Result<api::Output> Service::delete_user_permissions_boundary(const api::Context& ctx,
                                                                    api::Input& in) {
  auto name = in.required_string("UserName", rules::kUserName);
  IAMD_TRY(in.finish());
  IAMD_TRY(d_.store.write([&](store::Transaction& tx) -> core::Status {
    Entities e(tx);
    PolicyEntities p(tx);
    auto user = load_user(e, ctx, name, "iam:DeleteUserPermissionsBoundary");
    IAMD_TRY(user);
    // A user without a boundary is already in the requested state.
    if (user->permissions_boundary_arn.empty()) return {};
    IAMD_TRY(p.set_boundary_use(ctx.caller.account, EntityKind::User, user->id,
                                user->permissions_boundary_arn, false));
    user->permissions_boundary_arn.clear();
    return e.put_user(*user);
  }));
  return api::Output::none();
}

}  // namespace iamd::iam
