// IAM groups and memberships.
#include "core/arn.h"
#include "core/ids.h"
#include "core/strings.h"
#include "iam/rules.h"
#include "iam/service.h"

namespace iamd::iam {

using core::ErrorCode;
using store::Entities;

namespace {

constexpr size_t kGroupsQuota = 300;
constexpr size_t kGroupsPerUserQuota = 10;

core::Error group_exists(std::string_view name) {
  return core::Error{ErrorCode::EntityAlreadyExists,
                     "Group with name " + std::string(name) + " already exists."};
}

}  // namespace

core::Result<api::Output> Service::create_group(const api::Context& ctx, api::Input& in) {
  store::Group group;
  group.name = in.required_string("GroupName", rules::kGroupName);
  group.path = in.optional_string("Path", rules::kPath).value_or("/");
  IAMD_TRY(in.finish());
  group.account = ctx.caller.account;
  IAMD_TRY(authorize(ctx, "iam:CreateGroup", group_arn(group)));
  group.id = core::make_entity_id(d_.random, core::id_prefix::kGroup);
  group.create_date = std::chrono::time_point_cast<std::chrono::seconds>(ctx.now);
  IAMD_TRY(d_.store.write([&](store::Transaction& tx) -> core::Status {
    Entities e(tx);
    auto existing = e.find_group(group.account, group.name);
    IAMD_TRY(existing);
    if (existing->has_value()) return group_exists(group.name);
    auto count = e.count_groups(group.account);
    IAMD_TRY(count);
    if (*count >= kGroupsQuota) {
      return core::Error{ErrorCode::LimitExceeded, "Cannot exceed quota for GroupsPerAccount: " +
                                                       std::to_string(kGroupsQuota)};
    }
    return e.put_group(group);
  }));
  api::Output out;
  write_group(out.result.add_struct("Group"), group);
  return out;
}

core::Result<api::Output> Service::get_group(const api::Context& ctx, api::Input& in) {
  auto name = in.required_string("GroupName", rules::kGroupName);
  api::Page page = in.page();
  IAMD_TRY(in.finish());
  store::Group group;
  std::vector<store::User> members;
  IAMD_TRY(d_.store.read([&](store::Transaction& tx) -> core::Status {
    Entities e(tx);
    auto g = load_group(e, ctx, name, "iam:GetGroup");
    IAMD_TRY(g);
    group = std::move(*g);
    auto ids = e.user_ids_in_group(group.account, group.id);
    IAMD_TRY(ids);
    for (const auto& id : *ids) {
      auto u = e.find_user_by_id(group.account, id);
      IAMD_TRY(u);
      if (u->has_value()) members.push_back(std::move(**u));
    }
    return {};
  }));
  std::sort(members.begin(), members.end(), [](const store::User& a, const store::User& b) {
    return core::ascii_lower(a.name) < core::ascii_lower(b.name);
  });
  // The marker is the lower-cased name of the last user returned.
  size_t start = 0;
  if (page.marker) {
    while (start < members.size() && core::ascii_lower(members[start].name) <= *page.marker) {
      ++start;
    }
  }
  api::Output out;
  write_group(out.result.add_struct("Group"), group);
  auto& users = out.result.add_list("Users");
  size_t end = std::min(members.size(), start + page.max_items);
  for (size_t i = start; i < end; ++i) write_user(users.add_item(), members[i], false);
  bool truncated = end < members.size();
  out.result.add_boolean("IsTruncated", truncated);
  if (truncated) out.result.add_string("Marker", core::ascii_lower(members[end - 1].name));
  return out;
}

core::Result<api::Output> Service::list_groups(const api::Context& ctx, api::Input& in) {
  auto prefix = in.optional_string("PathPrefix", rules::kPathPrefix).value_or("/");
  api::Page page = in.page();
  IAMD_TRY(in.finish());
  IAMD_TRY(authorize(ctx, "iam:ListGroups", core::iam_arn(ctx.caller.account, "group", "/", "")));
  store::Listing<store::Group> listing;
  IAMD_TRY(d_.store.read([&](store::Transaction& tx) -> core::Status {
    auto l = Entities(tx).list_groups(ctx.caller.account, prefix, page.marker.value_or(""),
                                      page.max_items);
    IAMD_TRY(l);
    listing = std::move(*l);
    return {};
  }));
  api::Output out;
  auto& groups = out.result.add_list("Groups");
  for (const auto& g : listing.items) write_group(groups.add_item(), g);
  out.result.add_boolean("IsTruncated", listing.is_truncated);
  if (listing.is_truncated) out.result.add_string("Marker", listing.marker);
  return out;
}

core::Result<api::Output> Service::update_group(const api::Context& ctx, api::Input& in) {
  auto name = in.required_string("GroupName", rules::kGroupName);
  auto new_path = in.optional_string("NewPath", rules::kPath);
  auto new_name = in.optional_string("NewGroupName", rules::kGroupName);
  IAMD_TRY(in.finish());
  IAMD_TRY(d_.store.write([&](store::Transaction& tx) -> core::Status {
    Entities e(tx);
    auto group = load_group(e, ctx, name, "iam:UpdateGroup");
    IAMD_TRY(group);
    store::Group updated = *group;
    if (new_path) updated.path = *new_path;
    if (new_name) {
      updated.name = *new_name;
      IAMD_TRY(authorize(ctx, "iam:UpdateGroup", group_arn(updated)));
      if (!core::iequals(*new_name, group->name)) {
        auto clash = e.find_group(ctx.caller.account, *new_name);
        IAMD_TRY(clash);
        if (clash->has_value()) return group_exists(*new_name);
      }
    }
    return e.put_group(updated, group->name);
  }));
  return api::Output::none();
}

core::Result<api::Output> Service::delete_group(const api::Context& ctx, api::Input& in) {
  auto name = in.required_string("GroupName", rules::kGroupName);
  IAMD_TRY(in.finish());
  IAMD_TRY(d_.store.write([&](store::Transaction& tx) -> core::Status {
    Entities e(tx);
    auto group = load_group(e, ctx, name, "iam:DeleteGroup");
    IAMD_TRY(group);
    auto members = e.user_ids_in_group(group->account, group->id);
    IAMD_TRY(members);
    if (!members->empty()) {
      return core::Error{ErrorCode::DeleteConflict,
                         "Cannot delete entity, must remove users from group first."};
    }
    store::PolicyEntities p(tx);
    auto inline_policies = p.inline_policies(group->account, store::EntityKind::Group, group->id);
    IAMD_TRY(inline_policies);
    if (!inline_policies->empty()) {
      return core::Error{ErrorCode::DeleteConflict,
                         "Cannot delete entity, must delete policies first."};
    }
    auto attached = p.attached_to(group->account, store::EntityKind::Group, group->id);
    IAMD_TRY(attached);
    if (!attached->empty()) {
      return core::Error{ErrorCode::DeleteConflict,
                         "Cannot delete entity, must detach all policies first."};
    }
    return e.erase_group(*group);
  }));
  return api::Output::none();
}

core::Result<api::Output> Service::add_user_to_group(const api::Context& ctx, api::Input& in) {
  auto group_name = in.required_string("GroupName", rules::kGroupName);
  auto user_name = in.required_string("UserName", rules::kExistingUserName);
  IAMD_TRY(in.finish());
  IAMD_TRY(d_.store.write([&](store::Transaction& tx) -> core::Status {
    Entities e(tx);
    auto group = load_group(e, ctx, group_name, "iam:AddUserToGroup");
    IAMD_TRY(group);
    auto user = e.find_user(ctx.caller.account, user_name);
    IAMD_TRY(user);
    if (!user->has_value()) return no_such_user(user_name);
    auto groups = e.group_ids_of_user(ctx.caller.account, (*user)->id);
    IAMD_TRY(groups);
    if (std::find(groups->begin(), groups->end(), group->id) != groups->end()) return {};
    if (groups->size() >= kGroupsPerUserQuota) {
      return core::Error{ErrorCode::LimitExceeded, "Cannot exceed quota for GroupsPerUser: " +
                                                       std::to_string(kGroupsPerUserQuota)};
    }
    return e.add_membership(ctx.caller.account, (*user)->id, group->id);
  }));
  return api::Output::none();
}

core::Result<api::Output> Service::remove_user_from_group(const api::Context& ctx,
                                                          api::Input& in) {
  auto group_name = in.required_string("GroupName", rules::kGroupName);
  auto user_name = in.required_string("UserName", rules::kExistingUserName);
  IAMD_TRY(in.finish());
  IAMD_TRY(d_.store.write([&](store::Transaction& tx) -> core::Status {
    Entities e(tx);
    auto group = load_group(e, ctx, group_name, "iam:RemoveUserFromGroup");
    IAMD_TRY(group);
    auto user = e.find_user(ctx.caller.account, user_name);
    IAMD_TRY(user);
    if (!user->has_value()) return no_such_user(user_name);
    auto groups = e.group_ids_of_user(ctx.caller.account, (*user)->id);
    IAMD_TRY(groups);
    if (std::find(groups->begin(), groups->end(), group->id) == groups->end()) {
      return core::Error{ErrorCode::NoSuchEntity, "The user with name " + user_name +
                                                      " cannot be found in group " +
                                                      group->name + "."};
    }
    return e.remove_membership(ctx.caller.account, (*user)->id, group->id);
  }));
  return api::Output::none();
}

core::Result<api::Output> Service::list_groups_for_user(const api::Context& ctx, api::Input& in) {
  auto user_name = in.required_string("UserName", rules::kExistingUserName);
  api::Page page = in.page();
  IAMD_TRY(in.finish());
  std::vector<store::Group> groups;
  IAMD_TRY(d_.store.read([&](store::Transaction& tx) -> core::Status {
    Entities e(tx);
    auto user = load_user(e, ctx, user_name, "iam:ListGroupsForUser");
    IAMD_TRY(user);
    auto ids = e.group_ids_of_user(user->account, user->id);
    IAMD_TRY(ids);
    for (const auto& id : *ids) {
      auto g = e.find_group_by_id(user->account, id);
      IAMD_TRY(g);
      if (g->has_value()) groups.push_back(std::move(**g));
    }
    return {};
  }));
  std::sort(groups.begin(), groups.end(), [](const store::Group& a, const store::Group& b) {
    return core::ascii_lower(a.name) < core::ascii_lower(b.name);
  });
  size_t start = 0;
  if (page.marker) {
    while (start < groups.size() && core::ascii_lower(groups[start].name) <= *page.marker) ++start;
  }
  api::Output out;
  auto& list = out.result.add_list("Groups");
  size_t end = std::min(groups.size(), start + page.max_items);
  for (size_t i = start; i < end; ++i) write_group(list.add_item(), groups[i]);
  bool truncated = end < groups.size();
  out.result.add_boolean("IsTruncated", truncated);
  if (truncated) out.result.add_string("Marker", core::ascii_lower(groups[end - 1].name));
  return out;
}

}  // namespace iamd::iam
