#pragma once
// AWS Organizations in the store: the organization, its root, organizational units, member
// accounts, create-account requests, policies (SCPs) and their attachments to roots, OUs and
// accounts. The accounts themselves (acct/<id>) and their IAM entities are store/entities.h's.
//
// Key layout (persisted; never change silently — add a migration instead):
//   org/<org id>                                    Organization
//   org/<org id>/root/<root id>                     OrgRoot       (with its enabled policy types)
//   org/<org id>/ou/<ou id>                         OrgUnit       (with its parent's id)
//   org/<org id>/account/<account id>               OrgAccount    (with its parent's id)
//   org/<org id>/car/<create account request id>    CreateAccountStatus
//   org/<org id>/policy/<policy id>                 OrgPolicy     (customer managed)
//   org/<org id>/attached/<target id>/<policy id>   ""            (a target's policies)
//   org/<org id>/targets/<policy id>/<target id>    ""            (a policy's targets)
//   orgof/<account id>                              org id        (the organization an account is in,
//                                                                  management account included)
// Targets are root (r-...), OU (ou-...) and account (12 digits) ids. p-FullAWSAccess is AWS managed:
// it ships with the binary (full_aws_access_policy()); only its attachments are stored. Children
// are found by scanning a parent's organization (organizations are small), so moving an account or
// an OU rewrites one record and no index can go stale.

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/clock.h"
#include "core/result.h"
#include "store/entities.h"
#include "store/store.h"

namespace iamd::store {

inline constexpr std::string_view kServiceControlPolicy = "SERVICE_CONTROL_POLICY";
inline constexpr std::string_view kFullAwsAccessPolicyId = "p-FullAWSAccess";

struct Organization {
  std::string id;  // o-[a-z0-9]{10}
  std::string master_account_id;
  std::string master_account_email;
  std::string feature_set = "ALL";  // ALL | CONSOLIDATED_BILLING
  core::TimePoint create_date;

  /// arn:aws:organizations::MASTER:organization/o-...
  std::string arn() const;
  /// arn:aws:organizations::MASTER:account/o-.../ACCOUNT (any account of the organization)
  std::string account_arn(std::string_view account_id) const;
  /// arn:aws:organizations::MASTER:root/o-.../r-...
  std::string root_arn(std::string_view root_id) const;
  /// arn:aws:organizations::MASTER:ou/o-.../ou-...
  std::string unit_arn(std::string_view ou_id) const;
  /// arn:aws:organizations::MASTER:policy/o-.../service_control_policy/p-..., or for an AWS
  /// managed policy arn:aws:organizations::aws:policy/service_control_policy/p-...
  std::string policy_arn(std::string_view type, std::string_view policy_id,
                         bool aws_managed = false) const;
};

struct OrgRoot {
  std::string id;  // r-[0-9a-z]{4}
  std::string name = "Root";
  std::vector<std::string> policy_types;  // enabled policy types, e.g. SERVICE_CONTROL_POLICY

  bool has_policy_type(std::string_view type) const;
};

struct OrgUnit {
  std::string id;  // ou-<root suffix>-[a-z0-9]{8}
  std::string name;
  std::string parent_id;  // r-... or ou-...
  core::TimePoint create_date;
  std::vector<Tag> tags;
};

struct OrgAccount {
  std::string id;
  std::string name;
  std::string email;
  std::string parent_id;                // r-... or ou-...
  std::string joined_method = "CREATED";  // CREATED | INVITED (the management account)
  core::TimePoint joined_timestamp;
  std::string status = "ACTIVE";
  std::vector<Tag> tags;
};

struct CreateAccountStatus {
  std::string id;  // car-[a-z0-9]{32}
  std::string account_name;
  std::string state;  // SUCCEEDED | FAILED (accounts are created synchronously)
  core::TimePoint requested;
  std::optional<core::TimePoint> completed;
  std::string account_id;      // empty when FAILED
  std::string failure_reason;  // e.g. EMAIL_ALREADY_EXISTS; empty when SUCCEEDED
};

struct OrgPolicy {
  std::string id;  // p-[0-9a-z]{8}, or p-FullAWSAccess
  std::string name;
  std::string description;
  std::string type;     // SERVICE_CONTROL_POLICY
  std::string content;  // the document, as submitted
  bool aws_managed = false;
  std::vector<Tag> tags;
};

/// p-FullAWSAccess: "Allows access to every operation", Allow * on *.
const OrgPolicy& full_aws_access_policy();

/// Typed reads and writes of Organizations entities inside one transaction.
class OrganizationEntities {
 public:
  explicit OrganizationEntities(Transaction& tx) : tx_(tx) {}

  core::Result<std::optional<Organization>> find_organization(std::string_view org_id);
  /// The organization `account` belongs to, as its management or a member account.
  core::Result<std::optional<Organization>> find_organization_of(std::string_view account);
  /// Inserts or replaces; also records the management account as in the organization.
  core::Status put_organization(const Organization& org);
  /// Every organization, by id; for building the authorization view.
  core::Result<std::vector<Organization>> list_organizations();

  core::Result<std::optional<OrgRoot>> find_root(std::string_view org_id, std::string_view root_id);
  core::Status put_root(std::string_view org_id, const OrgRoot& root);
  core::Result<std::vector<OrgRoot>> list_roots(std::string_view org_id);

  core::Result<std::optional<OrgUnit>> find_unit(std::string_view org_id, std::string_view ou_id);
  core::Status put_unit(std::string_view org_id, const OrgUnit& unit);
  core::Status erase_unit(std::string_view org_id, std::string_view ou_id);
  /// Every OU of the organization, by id.
  core::Result<std::vector<OrgUnit>> list_units(std::string_view org_id);

  core::Result<std::optional<OrgAccount>> find_account(std::string_view org_id,
                                                       std::string_view account_id);
  /// Inserts or replaces; also records the account as in the organization (orgof/).
  core::Status put_account(std::string_view org_id, const OrgAccount& account);
  /// Every account of the organization (management account included), by id.
  core::Result<std::vector<OrgAccount>> list_accounts(std::string_view org_id);

  core::Result<std::optional<CreateAccountStatus>> find_create_account_status(
      std::string_view org_id, std::string_view request_id);
  core::Status put_create_account_status(std::string_view org_id,
                                         const CreateAccountStatus& status);
  /// Every create-account request, by id.
  core::Result<std::vector<CreateAccountStatus>> list_create_account_statuses(
      std::string_view org_id);

  /// A policy by id: a customer managed one, or p-FullAWSAccess.
  core::Result<std::optional<OrgPolicy>> find_policy(std::string_view org_id,
                                                     std::string_view policy_id);
  /// Inserts or replaces a customer managed policy.
  core::Status put_policy(std::string_view org_id, const OrgPolicy& policy);
  core::Status erase_policy(std::string_view org_id, std::string_view policy_id);
  /// The policies of `type`: the AWS managed one first (for SCPs, p-FullAWSAccess), then the
  /// customer managed ones by id.
  core::Result<std::vector<OrgPolicy>> list_policies(std::string_view org_id,
                                                     std::string_view type);

  /// Attaching an attached policy, or detaching a detached one, succeeds and changes nothing.
  core::Status attach_policy(std::string_view org_id, std::string_view target_id,
                             std::string_view policy_id);
  core::Status detach_policy(std::string_view org_id, std::string_view target_id,
                             std::string_view policy_id);
  /// The ids of the policies attached to a target (any type), by id.
  core::Result<std::vector<std::string>> policies_of(std::string_view org_id,
                                                     std::string_view target_id);
  /// The ids of the targets a policy is attached to, by id.
  core::Result<std::vector<std::string>> targets_of(std::string_view org_id,
                                                    std::string_view policy_id);

 private:
  Transaction& tx_;
};

}  // namespace iamd::store
