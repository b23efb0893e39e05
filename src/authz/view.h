#pragma once
// The in-memory authorization view: what authentication and authorization need, built from the
// store and rebuilt when the store's generation moves, so the request path reads no database.

#include <atomic>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>

#include "api/context.h"
#include "core/result.h"
#include "core/sealer.h"
#include "core/secret.h"
#include "store/store.h"

namespace iamd::authz {

/// A long-term access key as authentication needs it.
struct Credential {
  api::Caller caller;       // the principal the key belongs to
  core::Secret secret;      // the secret access key, opened
  bool active = true;
};

/// When and where an access key was last used.
struct KeyUse {
  core::TimePoint time;
  std::string service;
  std::string region;
};

/// An access decision. `message` is the AccessDenied text when denied.
struct Decision {
  bool allowed = false;
  std::string message;
};

class View {
 public:
  View(store::Store& store, const core::Sealer& sealer);

  /// The key with this id, or nullptr when no such key exists. Keys of deleted users vanish.
  std::shared_ptr<const Credential> find_credential(std::string_view access_key_id);

  /// Whether `caller` may perform `action` on `resource`.
  /// Until the policy language lands, root may do everything in its own account and every other
  /// principal only sts:GetCallerIdentity, which AWS allows to everyone.
  Decision authorize(const api::Caller& caller, std::string_view action,
                     std::string_view resource) const;

  /// Notes that a long-term key signed a request. Kept in memory (sharded locks) and written to the
  /// store by flush_key_use(), so that authentication never writes to the database.
  void record_key_use(std::string_view access_key_id, KeyUse use);
  /// A use recorded but not yet flushed.
  std::optional<KeyUse> pending_key_use(std::string_view access_key_id) const;
  /// Writes pending uses to the store in one transaction.
  core::Status flush_key_use();

 private:
  struct Snapshot {
    std::uint64_t generation = 0;
    std::unordered_map<std::string, std::shared_ptr<const Credential>> credentials;
  };
  std::shared_ptr<const Snapshot> current();
  core::Result<std::shared_ptr<const Snapshot>> load(std::uint64_t generation);

  store::Store& store_;
  const core::Sealer& sealer_;
  std::mutex reload_mutex_;
  std::atomic<std::shared_ptr<const Snapshot>> snapshot_;

  static constexpr size_t kUseShards = 16;
  struct UseShard {
    mutable std::mutex mutex;
    std::unordered_map<std::string, KeyUse> uses;
  };
  UseShard& shard_for(std::string_view access_key_id) const;
  mutable UseShard use_shards_[kUseShards];
};

/// AWS's AccessDenied text: "User: ARN is not authorized to perform: ACTION on resource: RES
/// because no identity-based policy allows the ACTION action".
std::string access_denied_message(std::string_view caller_arn, std::string_view action,
                                  std::string_view resource);

}  // namespace iamd::authz
