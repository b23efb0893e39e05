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
#include "auth/session_token.h"
#include "auth/sigv4/key_slots.h"  // header-only, std-only
#include "core/result.h"
#include "core/sealer.h"
#include "core/secret.h"
#include "policy/compile.h"
#include "policy/evaluate.h"
#include "store/entities.h"
#include "store/store.h"

namespace iamd::authz {

/// A long-term access key as authentication needs it.
struct Credential {
  api::Caller caller;       // the principal the key belongs to
  core::Secret secret;      // the secret access key, opened
  bool active = true;
  /// SigV4 signing keys derived from `secret`, cached with it (lock-free, wiped with it); see
  /// auth/sigv4/key_slots.h. Mutable: a cache, filled through a const Credential.
  mutable auth::sigv4::SigningKeySlots signing_keys;
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
  policy::Evaluation evaluation;
};

/// What a handler asks: an action on a resource, with the action's own condition keys
/// (aws:RequestTag/*, aws:TagKeys, iam:PolicyARN, iam:PermissionsBoundary, ...) and the target's
/// tags (aws:ResourceTag/* and iam:ResourceTag/*).
struct Request {
  std::string_view action;
  std::string_view resource;
  std::vector<std::pair<std::string, policy::ContextValue>> keys = {};
  const std::vector<store::Tag>* resource_tags = nullptr;
  /// The target's resource-based policy (a role's trust policy for sts:AssumeRole), evaluated
  /// with AWS's resource-policy rules; `resource_policy_required`: it must allow explicitly (trust
  /// and key policies: an identity-policy Allow alone never suffices).
  const policy::CompiledPolicy* resource_policy = nullptr;
  bool resource_policy_required = false;
};

/// The policies that apply to one principal, compiled.
struct PrincipalPolicies {
  std::vector<std::shared_ptr<const policy::CompiledPolicy>> identity;
  std::shared_ptr<const policy::CompiledPolicy> boundary;  // null: none
  std::vector<store::Tag> tags;                           // aws:PrincipalTag/*
};

/// An IAM role as STS needs it: who it is, whom it trusts, how long its sessions may last, and
/// (in `policies`) what its sessions may do: its inline and attached policies, its boundary (a
/// boundary whose policy vanished allows nothing) and its tags.
struct RoleInfo {
  std::string account;
  std::string id;    // AROA..., the session's aws:userid prefix
  std::string name;  // as created (role names compare case-sensitively in AssumeRole ARNs)
  std::string path;  // "/" or "/a/b/"
  std::string arn;   // arn:aws:iam::ACCOUNT:role/PATH/NAME
  int max_session_duration = 3600;  // seconds
  /// The trust policy, compiled (source type "resource", id the role ARN). Null when the stored
  /// document no longer compiles: such a role trusts no one.
  std::shared_ptr<const policy::CompiledPolicy> trust;
  std::shared_ptr<const PrincipalPolicies> policies;  // never null
};

/// The service control policies that cap the principals of one member account of an
/// organization whose root has SERVICE_CONTROL_POLICY enabled: one level per node from the root
/// down through the OUs to the account itself, each level the SCPs attached there. Every level
/// must allow (policy::EvaluationInput::scp_levels); an empty level allows nothing.
struct AccountScps {
  std::string organization_id;
  std::vector<std::vector<const policy::CompiledPolicy*>> levels;
  std::vector<std::shared_ptr<const policy::CompiledPolicy>> owned;  // keeps `levels` alive
};

class View {
 public:
  View(store::Store& store, const core::Sealer& sealer);

  /// The key with this id, or nullptr when no such key exists. Keys of deleted users vanish.
  std::shared_ptr<const Credential> find_credential(std::string_view access_key_id);

  /// Whether the caller of `ctx` may perform the request, by AWS's evaluation logic over the
  /// caller's identity policies, boundary and the account's SCPs (authorize.cc).
  Decision authorize(const api::Context& ctx, const Request& request);

  /// The compiled policies of an IAM user (by id), or nullptr when unknown.
  std::shared_ptr<const PrincipalPolicies> user_policies(std::string_view user_id);
  /// A managed policy (AWS or customer) by ARN, compiled from its default version; nullptr if none.
  std::shared_ptr<const policy::CompiledPolicy> managed_policy(std::string_view arn);

  /// The role with exactly this ARN (path and name as stored, case-sensitively, as AssumeRole's
  /// RoleArn must give them), or nullptr. Roles of every account the store holds.
  std::shared_ptr<const RoleInfo> find_role_by_arn(std::string_view arn);
  /// The role with this unique id (AROA...), or nullptr.
  std::shared_ptr<const RoleInfo> find_role_by_id(std::string_view role_id);
  /// The compiled policies of a role (by id), or nullptr when unknown: for role sessions.
  std::shared_ptr<const PrincipalPolicies> role_policies(std::string_view role_id);
  /// The SCPs that cap principals of `account` (its root user included), or nullptr when none
  /// do: the account is in no organization, is its management account, or SCPs are not enabled.
  std::shared_ptr<const AccountScps> account_scps(std::string_view account);

  /// The token-sealing keys (store/keyring.h), opened; never null (empty before the first key).
  std::shared_ptr<const auth::Keyring> keyring();
  /// A session policy document (validated when the session was minted), compiled; cached by
  /// document text so that a session's requests do not parse it again. Null if it does not compile.
  std::shared_ptr<const policy::CompiledPolicy> session_policy(std::string_view document);

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
    std::unordered_map<std::string, std::shared_ptr<const PrincipalPolicies>> users;  // by user id
    std::unordered_map<std::string, std::shared_ptr<const policy::CompiledPolicy>> managed;  // by ARN
    std::unordered_map<std::string, std::shared_ptr<const RoleInfo>> roles_by_id;
    std::unordered_map<std::string, std::shared_ptr<const RoleInfo>> roles_by_arn;
    std::unordered_map<std::string, std::shared_ptr<const AccountScps>> scps;  // by account
    std::shared_ptr<const auth::Keyring> keyring;
  };
  std::shared_ptr<const Snapshot> current();
  core::Result<std::shared_ptr<const Snapshot>> load(std::uint64_t generation);
  /// Adds every role of every account to `snap` (whose managed policies are loaded already).
  core::Status load_roles(store::Transaction& tx, Snapshot& snap);
  /// Adds the SCPs of every member account of every organization to `snap`.
  core::Status load_organizations(store::Transaction& tx, Snapshot& snap);
  /// Parses (leniently: stored documents must always load) and compiles, reusing the result of an
  /// earlier load when the same document is seen again.
  std::shared_ptr<const policy::CompiledPolicy> compiled(const std::string& source_id,
                                                        const std::string& source_type,
                                                        const std::string& document);

  store::Store& store_;
  const core::Sealer& sealer_;
  std::mutex reload_mutex_;
  // Guarded by reload_mutex_: compiled documents by (source, document), kept across loads and
  // pruned to what the latest load used.
  struct CacheEntry {
    std::shared_ptr<const policy::CompiledPolicy> policy;
    std::uint64_t used_by_generation = 0;
  };
  std::unordered_map<std::string, CacheEntry> compile_cache_;
  std::uint64_t loading_generation_ = 0;
  std::atomic<std::shared_ptr<const Snapshot>> snapshot_;

  static constexpr size_t kUseShards = 16;
  struct UseShard {
    mutable std::mutex mutex;
    std::unordered_map<std::string, KeyUse> uses;
  };
  UseShard& shard_for(std::string_view access_key_id) const;
  mutable UseShard use_shards_[kUseShards];

  // Session policies compiled, by document (bounded: cleared when full).
  std::mutex session_policy_mutex_;
  std::unordered_map<std::string, std::shared_ptr<const policy::CompiledPolicy>> session_policies_;
};


}  // namespace iamd::authz
