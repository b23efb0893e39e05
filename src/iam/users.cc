// IAM users: CreateUser, GetUser, ListUsers, UpdateUser, DeleteUser and user tags.
#include "core/arn.h"
#include "core/ids.h"
#include "core/strings.h"
#include "core/time_format.h"
#include "iam/rules.h"
#include "iam/service.h"

namespace iamd::iam {

using core::ErrorCode;
using store::Entities;

namespace {

constexpr size_t kUsersQuota = 5000;

core::Error user_exists(std::string_view name) {
  return core::Error{ErrorCode::EntityAlreadyExists,
                     "User with name " + std::string(name) + " already exists."};
}

}  // namespace

core::Result<api::Output> Service::create_user(const api::Context& ctx, api::Input& in) {
  store::User user;
  user.name = in.required_string("UserName", rules::kUserName);
  user.path = in.optional_string("Path", rules::kPath).value_or("/");
  auto boundary = in.optional_string("PermissionsBoundary", rules::kArn);
  user.tags = read_tags(in);
  IAMD_TRY(in.finish());
  IAMD_TRY(check_tags(user.tags));
  user.account = ctx.caller.account;
  {
    std::string arn = user_arn(user);
    authz::Request request{"iam:CreateUser", arn, request_tag_keys(user.tags)};
    if (boundary) request.keys.emplace_back("iam:PermissionsBoundary",
                                            policy::ContextValue{{*boundary}, false});
    IAMD_TRY(authorize(ctx, request));
  }
  if (boundary && !parse_policy_arn(*boundary)) return invalid_policy_arn(*boundary);
  user.id = core::make_entity_id(d_.random, core::id_prefix::kUser);
  user.create_date = std::chrono::time_point_cast<std::chrono::seconds>(ctx.now);

  IAMD_TRY(d_.store.write([&](store::Transaction& tx) -> core::Status {
    Entities e(tx);
    auto existing = e.find_user(user.account, user.name);
    IAMD_TRY(existing);
    if (existing->has_value()) return user_exists(user.name);
    auto count = e.count_users(user.account);
    IAMD_TRY(count);
    if (*count >= kUsersQuota) {
      return core::Error{ErrorCode::LimitExceeded,
                         "Cannot exceed quota for UsersPerAccount: " + std::to_string(kUsersQuota)};
    }
    if (boundary) {
      // The boundary must be an existing managed policy (AWS's or the account's own).
      store::PolicyEntities p(tx);
      IAMD_TRY(find_attachable_policy(p, user.account, *boundary));
      user.permissions_boundary_arn = *boundary;
      IAMD_TRY(p.set_boundary_use(user.account, store::EntityKind::User, user.id, *boundary, true));
    }
    return e.put_user(user);
  }));

  api::Output out;
  write_user(out.result.add_struct("User"), user, true);
  return out;
}

core::Result<api::Output> Service::get_user(const api::Context& ctx, api::Input& in) {
  auto name = in.optional_string("UserName", rules::kExistingUserName);
  IAMD_TRY(in.finish());
  auto target = target_user_name(ctx, name);
  IAMD_TRY(target);
  api::Output out;
  if (!target->has_value()) {
    // Root asking about itself: AWS answers with the root identity.
    IAMD_TRY(authorize(ctx, "iam:GetUser", core::root_arn(ctx.caller.account)));
    std::optional<store::Account> account;
    IAMD_TRY(d_.store.read([&](store::Transaction& tx) -> core::Status {
      auto a = Entities(tx).find_account(ctx.caller.account);
      IAMD_TRY(a);
      account = std::move(*a);
      return {};
    }));
    auto& u = out.result.add_struct("User");
    u.add_string("UserId", ctx.caller.account);
    u.add_string("Arn", core::root_arn(ctx.caller.account));
    if (account) u.add_timestamp("CreateDate", core::format_iso8601(account->create_date));
    return out;
  }
  store::User user;
  IAMD_TRY(d_.store.read([&](store::Transaction& tx) -> core::Status {
    Entities e(tx);
    auto u = load_user(e, ctx, **target, "iam:GetUser");
    IAMD_TRY(u);
    user = std::move(*u);
    return {};
  }));
  write_user(out.result.add_struct("User"), user, true);
  return out;
}

core::Result<api::Output> Service::list_users(const api::Context& ctx, api::Input& in) {
  auto prefix = in.optional_string("PathPrefix", rules::kPathPrefix).value_or("/");
  api::Page page = in.page();
  IAMD_TRY(in.finish());
  IAMD_TRY(authorize(ctx, "iam:ListUsers", core::iam_arn(ctx.caller.account, "user", "/", "")));
  store::Listing<store::User> listing;
  IAMD_TRY(d_.store.read([&](store::Transaction& tx) -> core::Status {
    auto l = Entities(tx).list_users(ctx.caller.account, prefix, page.marker.value_or(""),
                                     page.max_items);
    IAMD_TRY(l);
    listing = std::move(*l);
    return {};
  }));
  api::Output out;
  auto& users = out.result.add_list("Users");
  for (const auto& u : listing.items) write_user(users.add_item(), u, false);
  out.result.add_boolean("IsTruncated", listing.is_truncated);
  if (listing.is_truncated) out.result.add_string("Marker", listing.marker);
  return out;
}

core::Result<api::Output> Service::update_user(const api::Context& ctx, api::Input& in) {
  auto name = in.required_string("UserName", rules::kExistingUserName);
  auto new_path = in.optional_string("NewPath", rules::kPath);
  auto new_name = in.optional_string("NewUserName", rules::kUserName);
  IAMD_TRY(in.finish());
  const std::string& account = ctx.caller.account;
  IAMD_TRY(d_.store.write([&](store::Transaction& tx) -> core::Status {
    Entities e(tx);
    auto user = load_user(e, ctx, name, "iam:UpdateUser");
    IAMD_TRY(user);
    store::User updated = *user;
    if (new_path) updated.path = *new_path;
    if (new_name) {
      updated.name = *new_name;
      // The caller needs the permission on the new name too (AWS documents this).
      IAMD_TRY(authorize(ctx, "iam:UpdateUser", user_arn(updated)));
      if (!core::iequals(*new_name, user->name)) {
        auto clash = e.find_user(account, *new_name);
        IAMD_TRY(clash);
        if (clash->has_value()) return user_exists(*new_name);
      }
    }
    return e.put_user(updated, user->name);
  }));
  return api::Output::none();
}

core::Result<api::Output> Service::delete_user(const api::Context& ctx, api::Input& in) {
  auto name = in.required_string("UserName", rules::kExistingUserName);
  IAMD_TRY(in.finish());
  const std::string& account = ctx.caller.account;
  IAMD_TRY(d_.store.write([&](store::Transaction& tx) -> core::Status {
    Entities e(tx);
    auto user = load_user(e, ctx, name, "iam:DeleteUser");
    IAMD_TRY(user);
    auto conflict = [](std::string what) {
      return core::Error{ErrorCode::DeleteConflict,
                         "Cannot delete entity, must " + what + " first."};
    };
    auto login = e.find_login_profile(account, user->id);
    IAMD_TRY(login);
    if (login->has_value()) return conflict("delete login profile");
    auto keys = e.access_keys_of(account, user->id);
    IAMD_TRY(keys);
    if (!keys->empty()) return conflict("delete access keys");
    auto mfa = store::MfaEntities(tx).devices_of(account, user->id);
    IAMD_TRY(mfa);
    if (!mfa->empty()) return conflict("delete MFA device");
    auto groups = e.group_ids_of_user(account, user->id);
    IAMD_TRY(groups);
    if (!groups->empty()) return conflict("remove user from all groups");
    store::PolicyEntities p(tx);
    auto inline_policies = p.inline_policies(account, store::EntityKind::User, user->id);
    IAMD_TRY(inline_policies);
    if (!inline_policies->empty()) return conflict("delete policies");
    auto attached = p.attached_to(account, store::EntityKind::User, user->id);
    IAMD_TRY(attached);
    if (!attached->empty()) return conflict("detach all policies");
    // A boundary does not block deletion; the policy just stops counting this user.
    if (!user->permissions_boundary_arn.empty()) {
      IAMD_TRY(p.set_boundary_use(account, store::EntityKind::User, user->id,
                                  user->permissions_boundary_arn, false));
    }
    return e.erase_user(*user);
  }));
  return api::Output::none();
}

core::Result<api::Output> Service::tag_user(const api::Context& ctx, api::Input& in) {
  auto name = in.required_string("UserName", rules::kExistingUserName);
  if (!in.has_list("Tags")) in.violation("Tags", std::nullopt, "Member must not be null");
  auto tags = read_tags(in);
  IAMD_TRY(in.finish());
  IAMD_TRY(check_tags(tags));
  IAMD_TRY(d_.store.write([&](store::Transaction& tx) -> core::Status {
    Entities e(tx);
    auto user = load_user(e, ctx, name, "iam:TagUser", request_tag_keys(tags));
    IAMD_TRY(user);
    IAMD_TRY(merge_tags(user->tags, tags));
    return e.put_user(*user);
  }));
  return api::Output::none();
}

core::Result<api::Output> Service::untag_user(const api::Context& ctx, api::Input& in) {
  auto name = in.required_string("UserName", rules::kExistingUserName);
  if (!in.has_list("TagKeys")) in.violation("TagKeys", std::nullopt, "Member must not be null");
  auto keys = in.string_list("TagKeys", rules::kTagKey, rules::kMaxTags);
  IAMD_TRY(in.finish());
  IAMD_TRY(d_.store.write([&](store::Transaction& tx) -> core::Status {
    Entities e(tx);
    auto user = load_user(e, ctx, name, "iam:UntagUser",
                          {{"aws:TagKeys", policy::ContextValue{keys, true}}});
    IAMD_TRY(user);
    std::erase_if(user->tags, [&](const store::Tag& t) {
      for (const auto& k : keys) {
        if (core::iequals(k, t.key)) return true;
      }
      return false;
    });
    return e.put_user(*user);
  }));
  return api::Output::none();
}

core::Result<api::Output> Service::list_user_tags(const api::Context& ctx, api::Input& in) {
  auto name = in.required_string("UserName", rules::kExistingUserName);
  api::Page page = in.page();
  IAMD_TRY(in.finish());
  store::User user;
  IAMD_TRY(d_.store.read([&](store::Transaction& tx) -> core::Status {
    Entities e(tx);
    auto u = load_user(e, ctx, name, "iam:ListUserTags");
    IAMD_TRY(u);
    user = std::move(*u);
    return {};
  }));
  // The marker is the index of the next tag: tags have no other stable order.
  size_t start = 0;
  if (page.marker) {
    try {
      start = std::stoul(*page.marker);
    } catch (...) {
      return core::Error{ErrorCode::InvalidInput, "Invalid Marker."};
    }
  }
  api::Output out;
  auto& list = out.result.add_list("Tags");
  size_t end = std::min(user.tags.size(), start + page.max_items);
  for (size_t i = start; i < end; ++i) {
    auto& item = list.add_item();
    item.add_string("Key", user.tags[i].key);
    item.add_string("Value", user.tags[i].value);
  }
  bool truncated = end < user.tags.size();
  out.result.add_boolean("IsTruncated", truncated);
  if (truncated) out.result.add_string("Marker", std::to_string(end));
  return out;
}

}  // namespace iamd::iam
