#include "sts/service.h"

#include "store/roles.h"
#include "sts/common.h"

namespace iamd::sts {

void Service::register_operations(api::Registry& registry) {
  auto add = [&](std::string action, Out (Service::*fn)(const api::Context&, api::Input&)) {
    registry.add(api::Operation{"sts", std::move(action),
                                [this, fn](const api::Context& c, api::Input& in) {
                                  return (this->*fn)(c, in);
                                }});
  };
  add("GetCallerIdentity", &Service::get_caller_identity);
  add("AssumeRole", &Service::assume_role);
  add("GetSessionToken", &Service::get_session_token);
  add("GetFederationToken", &Service::get_federation_token);
  add("GetAccessKeyInfo", &Service::get_access_key_info);
  add("DecodeAuthorizationMessage", &Service::decode_authorization_message);
}

core::Result<api::Output> Service::get_caller_identity(const api::Context& ctx, api::Input& in) {
  IAMD_TRY(in.finish());
  // AWS: "No permissions are required to perform this operation", and even an explicit deny of
  // sts:GetCallerIdentity does not stop it; so no authorization here, by design. Sessions answer
  // with their own ARN (assumed-role/ROLE/SESSION, federated-user/NAME) and id (AROA...:SESSION).
  api::Output out;
  out.result.add_string("UserId", ctx.caller.user_id);
  out.result.add_string("Account", ctx.caller.account);
  out.result.add_string("Arn", ctx.caller.arn);
  return out;
}

void Service::record_role_use(std::string_view account, std::string_view role_id,
                              core::TimePoint when, std::string_view region) {
  // Called for every request of a role session: a role used before costs no allocation, the
  // thread's buffer keeping its capacity.
  thread_local std::pair<std::string, std::string> key;
  key.first.assign(account);
  key.second.assign(role_id);
  std::lock_guard lock(role_use_mutex_);
  if (auto it = role_uses_.find(key); it != role_uses_.end()) {
    it->second.when = when;
    it->second.region.assign(region);
  } else {
    role_uses_.emplace(key, RoleUse{when, std::string(region)});
  }
}

core::Status Service::flush_role_use() {
  std::map<std::pair<std::string, std::string>, RoleUse> pending;
  {
    std::lock_guard lock(role_use_mutex_);
    pending.swap(role_uses_);
  }
  if (pending.empty()) return {};
  return d_.store.write([&](store::Transaction& tx) -> core::Status {
    store::RoleEntities roles(tx);
    for (const auto& [key, use] : pending) {
      IAMD_TRY(roles.record_use(key.first, key.second, use.when, use.region));
    }
    return {};
  });
}

}  // namespace iamd::sts
