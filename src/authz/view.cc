#include "authz/view.h"

#include <spdlog/spdlog.h>

#include "core/arn.h"
#include "store/entities.h"

namespace iamd::authz {

View::View(store::Store& store, const core::Sealer& sealer) : store_(store), sealer_(sealer) {
  snapshot_.store(std::make_shared<const Snapshot>(Snapshot{~std::uint64_t{0}, {}}));
}

std::shared_ptr<const View::Snapshot> View::current() {
  auto snap = snapshot_.load();
  std::uint64_t gen = store_.generation();
  if (snap->generation == gen) return snap;
  std::lock_guard lock(reload_mutex_);
  snap = snapshot_.load();
  gen = store_.generation();
  if (snap->generation == gen) return snap;  // another thread reloaded meanwhile
  auto loaded = load(gen);
  if (!loaded) {
    // Keep serving from the previous snapshot; the next request retries the load.
    spdlog::error("authz: reloading the view failed: {}", loaded.error().message);
    return snap;
  }
  snapshot_.store(*loaded);
  return *loaded;
}

core::Result<std::shared_ptr<const View::Snapshot>> View::load(std::uint64_t generation) {
  auto snap = std::make_shared<Snapshot>();
  snap->generation = generation;
  auto st = store_.read([&](store::Transaction& tx) -> core::Status {
    store::Entities entities(tx);
    auto keys = entities.all_access_keys();
    IAMD_TRY(keys);
    for (const auto& key : *keys) {
      auto cred = std::make_shared<Credential>();
      cred->active = key.status == "Active";
      cred->caller.account = key.account;
      cred->caller.access_key_id = key.id;
      if (key.owner_id == store::kRootOwner) {
        cred->caller.type = api::PrincipalType::Root;
        cred->caller.arn = core::root_arn(key.account);
        cred->caller.user_id = key.account;
      } else {
        auto user = entities.find_user_by_id(key.account, key.owner_id);
        IAMD_TRY(user);
        if (!user->has_value()) continue;  // an orphaned key authenticates nobody
        const store::User& u = **user;
        cred->caller.type = api::PrincipalType::User;
        cred->caller.arn = core::iam_arn(u.account, "user", u.path, u.name);
        cred->caller.user_id = u.id;
        cred->caller.name = u.name;
        cred->caller.path = u.path;
      }
      auto secret = sealer_.open(key.sealed_secret, key.id);
      IAMD_TRY(secret);
      cred->secret = std::move(*secret);
      snap->credentials.emplace(key.id, std::move(cred));
    }
    return {};
  });
  IAMD_TRY(st);
  return std::shared_ptr<const Snapshot>(std::move(snap));
}

std::shared_ptr<const Credential> View::find_credential(std::string_view access_key_id) {
  auto snap = current();
  auto it = snap->credentials.find(std::string(access_key_id));
  return it == snap->credentials.end() ? nullptr : it->second;
}

Decision View::authorize(const api::Caller& caller, std::string_view action,
                         std::string_view resource) const {
  if (action == "sts:GetCallerIdentity") return {true, {}};
  if (caller.type == api::PrincipalType::Root) return {true, {}};
  return {false, access_denied_message(caller.arn, action, resource)};
}

View::UseShard& View::shard_for(std::string_view access_key_id) const {
  return use_shards_[std::hash<std::string_view>{}(access_key_id) % kUseShards];
}

void View::record_key_use(std::string_view access_key_id, KeyUse use) {
  UseShard& shard = shard_for(access_key_id);
  std::lock_guard lock(shard.mutex);
  shard.uses.insert_or_assign(std::string(access_key_id), std::move(use));
}

std::optional<KeyUse> View::pending_key_use(std::string_view access_key_id) const {
  UseShard& shard = shard_for(access_key_id);
  std::lock_guard lock(shard.mutex);
  auto it = shard.uses.find(std::string(access_key_id));
  if (it == shard.uses.end()) return std::nullopt;
  return it->second;
}

core::Status View::flush_key_use() {
  std::unordered_map<std::string, KeyUse> pending;
  for (auto& shard : use_shards_) {
    std::lock_guard lock(shard.mutex);
    pending.merge(shard.uses);
    shard.uses.clear();
  }
  if (pending.empty()) return {};
  return store_.write([&](store::Transaction& tx) -> core::Status {
    store::Entities entities(tx);
    for (const auto& [id, use] : pending) {
      auto key = entities.find_access_key(id);
      IAMD_TRY(key);
      if (!key->has_value()) continue;  // deleted since
      (*key)->last_used = use.time;
      (*key)->last_used_service = use.service;
      (*key)->last_used_region = use.region;
      IAMD_TRY(entities.put_access_key(**key));
    }
    return {};
  });
}

std::string access_denied_message(std::string_view caller_arn, std::string_view action,
                                  std::string_view resource) {
  std::string msg = "User: ";
  msg += caller_arn;
  msg += " is not authorized to perform: ";
  msg += action;
  if (!resource.empty()) {
    msg += " on resource: ";
    msg += resource;
  }
  msg += " because no identity-based policy allows the ";
  msg += action;
  msg += " action";
  return msg;
}

}  // namespace iamd::authz
