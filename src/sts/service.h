#pragma once
// The STS service (spec/sts-federation.md §1-4): GetCallerIdentity, AssumeRole, GetSessionToken,
// GetFederationToken, GetAccessKeyInfo and DecodeAuthorizationMessage. Credentials are stateless:
// each session lives in its sealed token (auth/session_token.h), sealed with the view's keyring,
// so issuing one writes nothing (RoleLastUsed is batched, like access-key use).

#include <map>
#include <mutex>
#include <string>
#include <string_view>
#include <utility>

#include "api/operation.h"
#include "authz/view.h"
#include "core/random.h"
#include "core/sealer.h"
#include "store/store.h"

namespace iamd::sts {

struct Deps {
  store::Store& store;
  authz::View& view;
  core::Random& random;
  core::Sealer& sealer;  // opens MFA seeds (iam::check_mfa_code)
};

class Service {
 public:
  explicit Service(Deps deps) : d_(deps) {}

  /// Adds every STS operation to `registry`. The Service must outlive the registry's use.
  void register_operations(api::Registry& registry);

  /// Writes the RoleLastUsed of roles assumed since the last flush, in one transaction (main.cc
  /// calls it once a minute and at shutdown, with the key-use flush).
  core::Status flush_role_use();

  /// Notes that a role was used (assumed, or its session made a call) for the next flush. Fed
  /// from the audit trail's writer (app/audit_event.h), off the request path.
  void record_role_use(std::string_view account, std::string_view role_id, core::TimePoint when,
                       std::string_view region);

 private:
  using Out = core::Result<api::Output>;

  Out get_caller_identity(const api::Context& ctx, api::Input& in);
  Out assume_role(const api::Context& ctx, api::Input& in);             // assume_role.cc
  Out get_session_token(const api::Context& ctx, api::Input& in);       // get_session_token.cc
  Out get_federation_token(const api::Context& ctx, api::Input& in);    // get_federation_token.cc
  Out get_access_key_info(const api::Context& ctx, api::Input& in);     // get_access_key_info.cc
  Out decode_authorization_message(const api::Context& ctx, api::Input& in);

  Deps d_;
  struct RoleUse {
    core::TimePoint when;
    std::string region;
  };
  std::mutex role_use_mutex_;
  std::map<std::pair<std::string, std::string>, RoleUse> role_uses_;  // (account, role id)
};

}  // namespace iamd::sts
