// Access keys: CreateAccessKey, ListAccessKeys, UpdateAccessKey, DeleteAccessKey,
// GetAccessKeyLastUsed. Secrets are sealed before they reach the store and returned only once.
#include "core/arn.h"
#include "core/ids.h"
#include "core/secret.h"
#include "core/time_format.h"
#include "iam/rules.h"
#include "iam/service.h"

namespace iamd::iam {

using core::ErrorCode;
using store::Entities;

namespace {

constexpr size_t kAccessKeysPerUser = 2;

core::Error no_such_key(std::string_view id) {
  return core::Error{ErrorCode::NoSuchEntity,
                     "The Access Key with id " + std::string(id) + " cannot be found."};
}

}  // namespace

core::Result<Service::KeyOwner> Service::resolve_key_owner(
    store::Entities& e, const api::Context& ctx, const std::optional<std::string>& user_name,
    std::string_view action) const {
  if (!user_name) {
    IAMD_TRY(authorize(ctx, action, core::root_arn(ctx.caller.account)));
    return KeyOwner{std::string(store::kRootOwner), ""};
  }
  auto user = load_user(e, ctx, *user_name, action);
  IAMD_TRY(user);
  return KeyOwner{user->id, user->name};
}

core::Result<api::Output> Service::create_access_key(const api::Context& ctx, api::Input& in) {
  auto name = in.optional_string("UserName", rules::kExistingUserName);
  IAMD_TRY(in.finish());
  auto target = target_user_name(ctx, name);
  IAMD_TRY(target);
  store::AccessKey key;
  key.account = ctx.caller.account;
  key.id = core::make_access_key_id(d_.random, core::id_prefix::kAccessKey);
  key.create_date = std::chrono::time_point_cast<std::chrono::seconds>(ctx.now);
  core::Secret secret(core::make_secret_access_key(d_.random));
  key.sealed_secret = d_.sealer.seal(secret.reveal(), key.id);
  std::string owner_name;
  IAMD_TRY(d_.store.write([&](store::Transaction& tx) -> core::Status {
    Entities e(tx);
    auto owner = resolve_key_owner(e, ctx, *target, "iam:CreateAccessKey");
    IAMD_TRY(owner);
    key.owner_id = owner->owner_id;
    owner_name = owner->user_name;
    auto clash = e.find_access_key(key.id);
    IAMD_TRY(clash);
    if (clash->has_value()) {
      // 32^16 ids make this practically impossible; never overwrite another principal's key.
      return core::Error{ErrorCode::ServiceFailure, "Access key id collision; retry."};
    }
    auto existing = e.access_keys_of(key.account, key.owner_id);
    IAMD_TRY(existing);
    if (existing->size() >= kAccessKeysPerUser) {
      return core::Error{ErrorCode::LimitExceeded, "Cannot exceed quota for AccessKeysPerUser: " +
                                                       std::to_string(kAccessKeysPerUser)};
    }
    return e.put_access_key(key);
  }));
  api::Output out;
  auto& k = out.result.add_struct("AccessKey");
  if (!owner_name.empty()) k.add_string("UserName", owner_name);
  k.add_string("AccessKeyId", key.id);
  k.add_string("Status", key.status);
  k.add_string("SecretAccessKey", std::string(secret.reveal()));
  k.add_timestamp("CreateDate", core::format_iso8601(key.create_date));
  return out;
}

core::Result<api::Output> Service::list_access_keys(const api::Context& ctx, api::Input& in) {
  auto name = in.optional_string("UserName", rules::kExistingUserName);
  api::Page page = in.page();
  IAMD_TRY(in.finish());
  auto target = target_user_name(ctx, name);
  IAMD_TRY(target);
  std::vector<store::AccessKey> keys;
  KeyOwner owner;
  IAMD_TRY(d_.store.read([&](store::Transaction& tx) -> core::Status {
    Entities e(tx);
    auto o = resolve_key_owner(e, ctx, *target, "iam:ListAccessKeys");
    IAMD_TRY(o);
    owner = std::move(*o);
    auto k = e.access_keys_of(ctx.caller.account, owner.owner_id);
    IAMD_TRY(k);
    keys = std::move(*k);
    return {};
  }));
  // At most two keys exist, so one page always holds them all; the marker is never needed.
  api::Output out;
  auto& list = out.result.add_list("AccessKeyMetadata");
  for (size_t i = 0; i < keys.size() && i < page.max_items; ++i) {
    auto& item = list.add_item();
    if (!owner.user_name.empty()) item.add_string("UserName", owner.user_name);
    item.add_string("AccessKeyId", keys[i].id);
    item.add_string("Status", keys[i].status);
    item.add_timestamp("CreateDate", core::format_iso8601(keys[i].create_date));
  }
  bool truncated = keys.size() > page.max_items;
  out.result.add_boolean("IsTruncated", truncated);
  if (truncated) out.result.add_string("Marker", keys[page.max_items - 1].id);
  return out;
}

core::Result<api::Output> Service::update_access_key(const api::Context& ctx, api::Input& in) {
  auto name = in.optional_string("UserName", rules::kExistingUserName);
  auto key_id = in.required_string("AccessKeyId", rules::kAccessKeyId);
  auto status = in.required_enum("Status", {"Active", "Inactive", "Expired"});
  IAMD_TRY(in.finish());
  if (status == "Expired") {
    return core::Error{ErrorCode::InvalidInput, "Status must be Active or Inactive."};
  }
  auto target = target_user_name(ctx, name);
  IAMD_TRY(target);
  IAMD_TRY(d_.store.write([&](store::Transaction& tx) -> core::Status {
    Entities e(tx);
    auto owner = resolve_key_owner(e, ctx, *target, "iam:UpdateAccessKey");
    IAMD_TRY(owner);
    auto key = e.find_access_key(key_id);
    IAMD_TRY(key);
    if (!key->has_value() || (*key)->account != ctx.caller.account ||
        (*key)->owner_id != owner->owner_id) {
      return no_such_key(key_id);
    }
    (*key)->status = status;
    return e.put_access_key(**key);
  }));
  return api::Output::none();
}

core::Result<api::Output> Service::delete_access_key(const api::Context& ctx, api::Input& in) {
  auto name = in.optional_string("UserName", rules::kExistingUserName);
  auto key_id = in.required_string("AccessKeyId", rules::kAccessKeyId);
  IAMD_TRY(in.finish());
  auto target = target_user_name(ctx, name);
  IAMD_TRY(target);
  IAMD_TRY(d_.store.write([&](store::Transaction& tx) -> core::Status {
    Entities e(tx);
    auto owner = resolve_key_owner(e, ctx, *target, "iam:DeleteAccessKey");
    IAMD_TRY(owner);
    auto key = e.find_access_key(key_id);
    IAMD_TRY(key);
    if (!key->has_value() || (*key)->account != ctx.caller.account ||
        (*key)->owner_id != owner->owner_id) {
      return no_such_key(key_id);
    }
    return e.erase_access_key(**key);
  }));
  return api::Output::none();
}

core::Result<api::Output> Service::get_access_key_last_used(const api::Context& ctx,
                                                            api::Input& in) {
  auto key_id = in.required_string("AccessKeyId", rules::kAccessKeyId);
  IAMD_TRY(in.finish());
  if (d_.settle_last_used) d_.settle_last_used();
  std::optional<store::AccessKey> key;
  std::string user_name = "root";
  IAMD_TRY(d_.store.read([&](store::Transaction& tx) -> core::Status {
    Entities e(tx);
    auto k = e.find_access_key(key_id);
    IAMD_TRY(k);
    if (!k->has_value() || (*k)->account != ctx.caller.account) {
      IAMD_TRY(authorize(ctx, "iam:GetAccessKeyLastUsed",
                         core::iam_arn(ctx.caller.account, "user", "/", "*")));
      return no_such_key(key_id);
    }
    key = std::move(**k);
    if (key->owner_id == store::kRootOwner) {
      return authorize(ctx, "iam:GetAccessKeyLastUsed", core::root_arn(ctx.caller.account));
    }
    auto u = e.find_user_by_id(key->account, key->owner_id);
    IAMD_TRY(u);
    if (!u->has_value()) return no_such_key(key_id);
    user_name = (*u)->name;
    return authorize(ctx, "iam:GetAccessKeyLastUsed", user_arn(**u));
  }));
  // Uses not yet flushed to the store are newer than what the store holds.
  if (auto pending = d_.view.pending_key_use(key_id)) {
    key->last_used = pending->time;
    key->last_used_service = pending->service;
    key->last_used_region = pending->region;
  }
  api::Output out;
  out.result.add_string("UserName", user_name);
  auto& used = out.result.add_struct("AccessKeyLastUsed");
  if (key->last_used) {
    used.add_timestamp("LastUsedDate", core::format_iso8601(*key->last_used));
    used.add_string("ServiceName", key->last_used_service);
    used.add_string("Region", key->last_used_region);
  } else {
    used.add_string("ServiceName", "N/A");
    used.add_string("Region", "N/A");
  }
  return out;
}

}  // namespace iamd::iam
