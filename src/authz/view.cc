#include "authz/view.h"

#include <spdlog/spdlog.h>

#include "core/arn.h"
#include "policy/aws_managed_policies.h"
#include "policy/json/parse.h"
#include "store/entities.h"
#include "store/keyring.h"
#include "store/organizations.h"
#include "store/policies.h"
#include "store/roles.h"

namespace iamd::authz {

View::View(store::Store& store, const core::Sealer& sealer) : store_(store), sealer_(sealer) {
  auto empty = std::make_shared<Snapshot>();
  empty->generation = ~std::uint64_t{0};
  snapshot_.store(std::shared_ptr<const Snapshot>(std::move(empty)));
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

std::shared_ptr<const policy::CompiledPolicy> View::compiled(const std::string& source_id,
                                                             const std::string& source_type,
                                                             const std::string& document) {
  std::string cache_key = source_type + '\n' + source_id + '\n' + document;
  if (auto it = compile_cache_.find(cache_key); it != compile_cache_.end()) {
    it->second.used_by_generation = loading_generation_;
    return it->second.policy;
  }
  auto parsed = policy::json::parse(document, policy::json::ParseMode::Lenient);
  if (!parsed) {
    // Accepted on write, so this is a stored document gone bad: it grants nothing.
    spdlog::error("authz: stored policy {} does not parse: {}", source_id, parsed.error().message);
    return nullptr;
  }
  auto c = policy::compile(*parsed, policy::PolicySource{source_id, source_type});
  if (!c) {
    spdlog::error("authz: stored policy {} does not compile: {}", source_id, c.error().message);
    return nullptr;
  }
  compile_cache_.emplace(std::move(cache_key), CacheEntry{*c, loading_generation_});
  return *c;
}

// Reads everything authorization needs. Called under reload_mutex_.
core::Result<std::shared_ptr<const View::Snapshot>> View::load(std::uint64_t generation) {
  auto snap = std::make_shared<Snapshot>();
  snap->generation = generation;
  loading_generation_ = generation;
  for (const auto& p : policy::aws_managed_policies()) {
    std::string arn = "arn:aws:iam::aws:policy" + std::string(p.path) + std::string(p.name);
    if (auto c = compiled(arn, "aws-managed", std::string(p.document))) snap->managed[arn] = c;
  }
  auto st = store_.read([&](store::Transaction& tx) -> core::Status {
    store::Entities entities(tx);
    store::PolicyEntities policies(tx);
    auto accounts = entities.list_account_ids();
    IAMD_TRY(accounts);
    for (const auto& account : *accounts) {
      auto managed = policies.list_policies(account);
      IAMD_TRY(managed);
      for (const auto& m : *managed) {
        auto version = policies.find_version(account, m.name, m.default_version_id);
        IAMD_TRY(version);
        if (!version->has_value()) continue;
        if (auto c = compiled(m.arn(), "user-managed", (*version)->document)) {
          snap->managed[m.arn()] = c;
        }
      }
    }
    auto managed_of = [&](store::EntityKind kind, const std::string& account, const std::string& id,
                          std::vector<std::shared_ptr<const policy::CompiledPolicy>>& out)
        -> core::Status {
      auto inline_policies = policies.inline_policies(account, kind, id);
      IAMD_TRY(inline_policies);
      for (const auto& p : *inline_policies) {
        if (auto c = compiled(p.name, std::string(store::kind_name(kind)), p.document)) {
          out.push_back(c);
        }
      }
      auto attached = policies.attached_to(account, kind, id);
      IAMD_TRY(attached);
      for (const auto& arn : *attached) {
        if (auto it = snap->managed.find(arn); it != snap->managed.end()) out.push_back(it->second);
      }
      return {};
    };

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
        if (!snap->users.contains(u.id)) {
          auto pp = std::make_shared<PrincipalPolicies>();
          pp->tags = u.tags;
          IAMD_TRY(managed_of(store::EntityKind::User, u.account, u.id, pp->identity));
          auto groups = entities.group_ids_of_user(u.account, u.id);
          IAMD_TRY(groups);
          for (const auto& gid : *groups) {
            IAMD_TRY(managed_of(store::EntityKind::Group, u.account, gid, pp->identity));
          }
          if (!u.permissions_boundary_arn.empty()) {
            auto it = snap->managed.find(u.permissions_boundary_arn);
            // A boundary that vanished allows nothing rather than everything.
            pp->boundary = it != snap->managed.end() ? it->second : nullptr;
            if (!pp->boundary) pp->boundary = compiled("missing-boundary", "none",
                                                       R"({"Version":"2012-10-17","Statement":[]})");
          }
          snap->users.emplace(u.id, std::move(pp));
        }
      }
      auto secret = sealer_.open(key.sealed_secret, key.id);
      IAMD_TRY(secret);
      cred->secret = std::move(*secret);
      snap->credentials.emplace(key.id, std::move(cred));
    }
    IAMD_TRY(load_roles(tx, *snap));
    IAMD_TRY(load_organizations(tx, *snap));
    auto opened = store::open_keyring(tx, sealer_);
    IAMD_TRY(opened);
    auto keyring = std::make_shared<auth::Keyring>();
    for (const auto& k : opened->keys) keyring->add(k.id, k.key);
    if (opened->active_id != 0) keyring->set_active(opened->active_id);
    snap->keyring = std::move(keyring);
    return {};
  });
  IAMD_TRY(st);
  std::erase_if(compile_cache_,
                [&](const auto& entry) { return entry.second.used_by_generation != generation; });
  return std::shared_ptr<const Snapshot>(std::move(snap));
}

core::Status View::load_roles(store::Transaction& tx, Snapshot& snap) {
  store::Entities entities(tx);
  store::PolicyEntities policies(tx);
  store::RoleEntities roles(tx);
  auto accounts = entities.list_account_ids();
  IAMD_TRY(accounts);
  for (const auto& account : *accounts) {
    auto all = roles.all_roles(account);
    IAMD_TRY(all);
    for (const auto& r : *all) {
      auto pp = std::make_shared<PrincipalPolicies>();
      pp->tags = r.tags;
      auto inline_policies = policies.inline_policies(account, store::EntityKind::Role, r.id);
      IAMD_TRY(inline_policies);
      for (const auto& p : *inline_policies) {
        if (auto c = compiled(p.name, "role", p.document)) pp->identity.push_back(c);
      }
      auto attached = policies.attached_to(account, store::EntityKind::Role, r.id);
      IAMD_TRY(attached);
      for (const auto& arn : *attached) {
        if (auto it = snap.managed.find(arn); it != snap.managed.end()) {
          pp->identity.push_back(it->second);
        }
      }
      if (!r.permissions_boundary_arn.empty()) {
        auto it = snap.managed.find(r.permissions_boundary_arn);
        // A boundary that vanished allows nothing rather than everything.
        pp->boundary = it != snap.managed.end() ? it->second : nullptr;
        if (!pp->boundary) {
          pp->boundary = compiled("missing-boundary", "none",
                                  R"({"Version":"2012-10-17","Statement":[]})");
        }
      }
      auto info = std::make_shared<RoleInfo>();
      info->account = r.account;
      info->id = r.id;
      info->name = r.name;
      info->path = r.path;
      info->arn = r.arn();
      info->max_session_duration = r.max_session_duration;
      info->trust = compiled(info->arn, "resource", r.assume_role_policy_document);
      info->policies = std::move(pp);
      snap.roles_by_arn.emplace(info->arn, info);
      snap.roles_by_id.emplace(info->id, std::move(info));
    }
  }
  return {};
}

core::Status View::load_organizations(store::Transaction& tx, Snapshot& snap) {
  store::OrganizationEntities o(tx);
  auto orgs = o.list_organizations();
  IAMD_TRY(orgs);
  for (const auto& org : *orgs) {
    auto roots = o.list_roots(org.id);
    IAMD_TRY(roots);
    // SCPs apply only once the type is enabled on the root (an organization has one root).
    if (roots->empty() || !roots->front().has_policy_type(store::kServiceControlPolicy)) continue;
    const std::string root_id = roots->front().id;
    auto units = o.list_units(org.id);
    IAMD_TRY(units);
    std::unordered_map<std::string, std::string> parent_of;  // OU id -> parent id
    for (const auto& u : *units) parent_of.emplace(u.id, u.parent_id);

    // The compiled SCPs attached to each target, read and compiled once per organization.
    std::unordered_map<std::string, std::vector<std::shared_ptr<const policy::CompiledPolicy>>>
        by_target;
    auto scps_of = [&](const std::string& target)
        -> core::Result<const std::vector<std::shared_ptr<const policy::CompiledPolicy>>*> {
      if (auto it = by_target.find(target); it != by_target.end()) return &it->second;
      std::vector<std::shared_ptr<const policy::CompiledPolicy>> compiled_scps;
      auto ids = o.policies_of(org.id, target);
      IAMD_TRY(ids);
      for (const auto& id : *ids) {
        auto p = o.find_policy(org.id, id);
        IAMD_TRY(p);
        if (!p->has_value() || (*p)->type != store::kServiceControlPolicy) continue;
        // A stored SCP that no longer compiles is left out: its level then allows less, never
        // more.
        if (auto c = compiled(org.policy_arn((*p)->type, (*p)->id, (*p)->aws_managed), "scp",
                              (*p)->content)) {
          compiled_scps.push_back(std::move(c));
        }
      }
      return &by_target.emplace(target, std::move(compiled_scps)).first->second;
    };

    auto accounts = o.list_accounts(org.id);
    IAMD_TRY(accounts);
    for (const auto& account : *accounts) {
      // The management account is not restricted by SCPs (Organizations User Guide).
      if (account.id == org.master_account_id) continue;
      // Root first, then each OU down to the account's parent, then the account.
      std::vector<std::string> path{account.id};
      std::string node = account.parent_id;
      bool broken = false;
      while (node != root_id) {
        auto it = parent_of.find(node);
        if (it == parent_of.end() || path.size() > parent_of.size() + 1) {
          broken = true;  // a parent that vanished or a cycle: stored data gone bad
          break;
        }
        path.push_back(node);
        node = it->second;
      }
      path.push_back(root_id);
      auto scps = std::make_shared<AccountScps>();
      scps->organization_id = org.id;
      for (auto it = path.rbegin(); it != path.rend(); ++it) {
        auto level = scps_of(*it);
        IAMD_TRY(level);
        std::vector<const policy::CompiledPolicy*> raw;
        for (const auto& c : **level) {
          raw.push_back(c.get());
          scps->owned.push_back(c);
        }
        scps->levels.push_back(std::move(raw));
      }
      if (broken) {
        spdlog::error("authz: organization {} has no path from account {} to its root", org.id,
                      account.id);
        scps->levels.emplace_back();  // fail closed: a level that allows nothing
      }
      snap.scps.emplace(account.id, std::move(scps));
    }
  }
  return {};
}

std::shared_ptr<const AccountScps> View::account_scps(std::string_view account) {
  auto snap = current();
  auto it = snap->scps.find(std::string(account));
  return it == snap->scps.end() ? nullptr : it->second;
}

std::shared_ptr<const auth::Keyring> View::keyring() {
  auto snap = current();
  if (snap->keyring) return snap->keyring;
  static const auto kEmpty = std::make_shared<const auth::Keyring>();
  return kEmpty;
}

std::shared_ptr<const policy::CompiledPolicy> View::session_policy(std::string_view document) {
  constexpr size_t kMaxCached = 1024;
  std::lock_guard lock(session_policy_mutex_);
  if (auto it = session_policies_.find(std::string(document)); it != session_policies_.end()) {
    return it->second;
  }
  std::shared_ptr<const policy::CompiledPolicy> out;
  auto parsed = policy::json::parse(document, policy::json::ParseMode::Lenient);
  if (parsed) {
    if (auto c = policy::compile(*parsed, policy::PolicySource{"session-policy", "session"})) {
      out = *c;
    }
  }
  if (session_policies_.size() >= kMaxCached) session_policies_.clear();
  session_policies_.emplace(std::string(document), out);
  return out;
}

std::shared_ptr<const RoleInfo> View::find_role_by_arn(std::string_view arn) {
  auto snap = current();
  auto it = snap->roles_by_arn.find(std::string(arn));
  return it == snap->roles_by_arn.end() ? nullptr : it->second;
}

std::shared_ptr<const RoleInfo> View::find_role_by_id(std::string_view role_id) {
  auto snap = current();
  auto it = snap->roles_by_id.find(std::string(role_id));
  return it == snap->roles_by_id.end() ? nullptr : it->second;
}

std::shared_ptr<const PrincipalPolicies> View::role_policies(std::string_view role_id) {
  auto role = find_role_by_id(role_id);
  return role ? role->policies : nullptr;
}

std::shared_ptr<const Credential> View::find_credential(std::string_view access_key_id) {
  auto snap = current();
  auto it = snap->credentials.find(std::string(access_key_id));
  return it == snap->credentials.end() ? nullptr : it->second;
}

std::shared_ptr<const PrincipalPolicies> View::user_policies(std::string_view user_id) {
  auto snap = current();
  auto it = snap->users.find(std::string(user_id));
  return it == snap->users.end() ? nullptr : it->second;
}

std::shared_ptr<const policy::CompiledPolicy> View::managed_policy(std::string_view arn) {
  auto snap = current();
  auto it = snap->managed.find(std::string(arn));
  return it == snap->managed.end() ? nullptr : it->second;
}

View::UseShard& View::shard_for(std::string_view access_key_id) const {
  return use_shards_[std::hash<std::string_view>{}(access_key_id) % kUseShards];
}

void View::record_key_use(std::string_view access_key_id, KeyUse use) {
  UseShard& shard = shard_for(access_key_id);
  // Called for every request: a key used before (nearly always) costs no allocation, the
  // thread's buffer keeping its capacity.
  thread_local std::string key;
  key.assign(access_key_id);
  std::lock_guard lock(shard.mutex);
  if (auto it = shard.uses.find(key); it != shard.uses.end()) {
    it->second = std::move(use);
  } else {
    shard.uses.emplace(key, std::move(use));
  }
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

}  // namespace iamd::authz
