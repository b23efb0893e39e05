#pragma once
// Managed policies, their versions, attachments, inline policies and boundaries in the store.
//
// Key layout (persisted; never change silently):
//   acct/<account>/policy/<lower name>                   ManagedPolicy (customer managed)
//   acct/<account>/policyver/<lower name>/<version id>   PolicyVersion
//   acct/<account>/attached/<kind>/<entity id>/<arn>     ""  (kind: user | group | role)
//   acct/<account>/attachedto/<arn>/<kind>/<entity id>   ""  (reverse index, per account so that
//                                                            AWS managed policies count per account)
//   acct/<account>/boundaryof/<arn>/<kind>/<entity id>   ""  (entities using a policy as boundary)
//   acct/<account>/inline/<kind>/<entity id>/<name>      InlinePolicy
// AWS managed policies are not stored: they ship with the binary (iam/aws_managed_policies).

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/clock.h"
#include "core/result.h"
#include "store/entities.h"
#include "store/store.h"

namespace iamd::store {

struct ManagedPolicy {
  std::string account;  // "aws" for AWS managed policies
  std::string name;
  std::string id;       // ANPA...
  std::string path = "/";
  std::string description;
  std::string default_version_id = "v1";
  int next_version = 2;  // version ids are never reused
  bool is_attachable = true;
  core::TimePoint create_date;
  core::TimePoint update_date;
  std::vector<Tag> tags;

  std::string arn() const;
};

struct PolicyVersion {
  std::string version_id;  // "v1"
  std::string document;    // as submitted
  core::TimePoint create_date;
};

enum class EntityKind { User, Group, Role };
std::string_view kind_name(EntityKind kind);

struct InlinePolicy {
  std::string name;
  std::string document;
};

/// The entities a policy is attached to (or is the boundary of), by kind and id.
struct PolicyUse {
  EntityKind kind;
  std::string entity_id;
};

class PolicyEntities {
 public:
  explicit PolicyEntities(Transaction& tx) : tx_(tx) {}

  core::Result<std::optional<ManagedPolicy>> find_policy(std::string_view account,
                                                         std::string_view name);
  core::Status put_policy(const ManagedPolicy& policy);
  core::Status erase_policy(const ManagedPolicy& policy);
  core::Result<std::vector<ManagedPolicy>> list_policies(std::string_view account);

  core::Result<std::optional<PolicyVersion>> find_version(std::string_view account,
                                                          std::string_view policy_name,
                                                          std::string_view version_id);
  core::Status put_version(std::string_view account, std::string_view policy_name,
                           const PolicyVersion& version);
  core::Status erase_version(std::string_view account, std::string_view policy_name,
                             std::string_view version_id);
  /// Versions, oldest first.
  core::Result<std::vector<PolicyVersion>> list_versions(std::string_view account,
                                                         std::string_view policy_name);

  core::Status attach(std::string_view account, EntityKind kind, std::string_view entity_id,
                      std::string_view policy_arn);
  core::Status detach(std::string_view account, EntityKind kind, std::string_view entity_id,
                      std::string_view policy_arn);
  /// Policy ARNs attached to an entity, in ARN order.
  core::Result<std::vector<std::string>> attached_to(std::string_view account, EntityKind kind,
                                                     std::string_view entity_id);
  core::Result<std::vector<PolicyUse>> attachments_of(std::string_view account,
                                                      std::string_view policy_arn);

  core::Status set_boundary_use(std::string_view account, EntityKind kind,
                                std::string_view entity_id, std::string_view policy_arn,
                                bool in_use);
  core::Result<std::vector<PolicyUse>> boundary_uses_of(std::string_view account,
                                                        std::string_view policy_arn);

  core::Result<std::optional<InlinePolicy>> find_inline(std::string_view account, EntityKind kind,
                                                        std::string_view entity_id,
                                                        std::string_view name);
  core::Status put_inline(std::string_view account, EntityKind kind, std::string_view entity_id,
                          const InlinePolicy& policy);
  core::Status erase_inline(std::string_view account, EntityKind kind,
                            std::string_view entity_id, std::string_view name);
  /// Inline policies of an entity, by name.
  core::Result<std::vector<InlinePolicy>> inline_policies(std::string_view account,
                                                          EntityKind kind,
                                                          std::string_view entity_id);

 private:
  Transaction& tx_;
};

}  // namespace iamd::store
