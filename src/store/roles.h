#pragma once
// IAM roles in the store. A role's inline policies, managed-policy attachments and boundary use
// live with the other policy keys (store/policies.h, EntityKind::Role).
//
// Key layout (persisted; never change silently — add a migration instead):
//   acct/<account>/role/<lower name>     Role          (names unique case-insensitively)
//   acct/<account>/roleid/<role id>      lower name    (id -> name index)
// The trust policy is stored as submitted; RoleLastUsed is part of the Role record.

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/clock.h"
#include "core/result.h"
#include "store/entities.h"
#include "store/store.h"

namespace iamd::store {

struct Role {
  std::string account;
  std::string name;
  std::string id;  // AROA...
  std::string path = "/";
  core::TimePoint create_date;
  std::string assume_role_policy_document;  // the trust policy, as submitted
  std::string description;                  // empty: none
  int max_session_duration = 3600;          // seconds, 3600..43200
  std::string permissions_boundary_arn;     // empty: none
  std::vector<Tag> tags;
  std::optional<core::TimePoint> last_used;  // RoleLastUsed.LastUsedDate
  std::string last_used_region;              // RoleLastUsed.Region

  /// arn:aws:iam::ACCOUNT:role/PATH-WITHOUT-LEADING-SLASH NAME
  std::string arn() const;
};

/// Typed reads and writes of roles inside one transaction.
class RoleEntities {
 public:
  explicit RoleEntities(Transaction& tx) : tx_(tx) {}

  core::Result<std::optional<Role>> find_role(std::string_view account, std::string_view name);
  core::Result<std::optional<Role>> find_role_by_id(std::string_view account,
                                                    std::string_view role_id);
  /// Inserts or replaces.
  core::Status put_role(const Role& role);
  core::Status erase_role(const Role& role);
  /// One page of roles whose path starts with `path_prefix`, by lower-cased name. The marker is
  /// the lower-cased name of the last role returned.
  core::Result<Listing<Role>> list_roles(std::string_view account, std::string_view path_prefix,
                                         std::string_view marker, size_t max_items);
  /// Every role of an account, by lower-cased name.
  core::Result<std::vector<Role>> all_roles(std::string_view account);
  core::Result<size_t> count_roles(std::string_view account);
  /// Records that the role was used (assumed) at `when` from `region`; no-op for a missing role.
  core::Status record_use(std::string_view account, std::string_view role_id, core::TimePoint when,
                          std::string_view region);

 private:
  Transaction& tx_;
};

}  // namespace iamd::store
