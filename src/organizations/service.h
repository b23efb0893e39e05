#pragma once
// The AWS Organizations service (JSON 1.1, target prefix AWSOrganizationsV20161128): the
// organization and its root, organizational units, member accounts created on the spot (each with
// its OrganizationAccountAccessRole), and service control policies with their attachments. The
// authz view enforces the SCPs (authz/view.cc, load_organizations); this module only manages them.
//
// Who may call: every operation but CreateOrganization needs the caller's account to be in an
// organization (else AWSOrganizationsNotInUseException). DescribeOrganization is open to every
// account of the organization; everything else to the management account only (a member account
// gets AccessDeniedException). Within the management account, IAM policies decide
// (organizations:* actions, on the resource ARNs of the Service Authorization Reference).
//
// Each handler validates its input, asks the authz view, runs one store transaction and returns
// the output tree; none of them sees HTTP, JSON or SQL.
//
// Differences from AWS (for the README compatibility table):
//   - Only SERVICE_CONTROL_POLICY is served; other policy types (and CONSOLIDATED_BILLING
//     organizations' SCPs) get PolicyTypeNotAvailableForOrganizationException.
//   - CreateAccount finishes before it answers: the first status is SUCCEEDED (or FAILED with
//     EMAIL_ALREADY_EXISTS), never IN_PROGRESS. The access role gets the AWS managed
//     AdministratorAccess policy attached (AWS gives it an inline policy of that name).
//   - iamd keeps no account emails: the management account's is Deps::management_email, by
//     default "<account id>@iamd.invalid"; its name is its account alias, else its id.
//   - No invitations, handshakes, delegated administrators, tag APIs or account closing.
//   - MoveAccount from a parent the account is not in: AccountNotFoundException.

#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "api/operation.h"
#include "authz/view.h"
#include "core/random.h"
#include "store/organizations.h"
#include "store/store.h"

namespace iamd::organizations {

struct Deps {
  store::Store& store;
  authz::View& view;
  core::Random& random;
  /// The management account's email address for CreateOrganization (iamd has no account emails).
  /// Empty: "<account id>@iamd.invalid".
  std::string management_email = {};
};

class Service {
 public:
  explicit Service(Deps deps) : d_(std::move(deps)) {}

  /// Adds every Organizations operation to `registry` under service "organizations". The Service
  /// must outlive the registry's use.
  void register_operations(api::Registry& registry);

 private:
  using Out = core::Result<api::Output>;

  // organization.cc
  Out create_organization(const api::Context& ctx, api::Input& in);
  Out describe_organization(const api::Context& ctx, api::Input& in);
  Out list_roots(const api::Context& ctx, api::Input& in);
  Out enable_policy_type(const api::Context& ctx, api::Input& in);
  Out disable_policy_type(const api::Context& ctx, api::Input& in);
  // accounts.cc
  Out create_account(const api::Context& ctx, api::Input& in);
  Out describe_create_account_status(const api::Context& ctx, api::Input& in);
  Out list_create_account_status(const api::Context& ctx, api::Input& in);
  Out list_accounts(const api::Context& ctx, api::Input& in);
  Out list_accounts_for_parent(const api::Context& ctx, api::Input& in);
  Out describe_account(const api::Context& ctx, api::Input& in);
  Out move_account(const api::Context& ctx, api::Input& in);
  // units.cc
  Out create_organizational_unit(const api::Context& ctx, api::Input& in);
  Out describe_organizational_unit(const api::Context& ctx, api::Input& in);
  Out update_organizational_unit(const api::Context& ctx, api::Input& in);
  Out delete_organizational_unit(const api::Context& ctx, api::Input& in);
  Out list_organizational_units_for_parent(const api::Context& ctx, api::Input& in);
  Out list_parents(const api::Context& ctx, api::Input& in);
  Out list_children(const api::Context& ctx, api::Input& in);
  // policies.cc
  Out create_policy(const api::Context& ctx, api::Input& in);
  Out describe_policy(const api::Context& ctx, api::Input& in);
  Out update_policy(const api::Context& ctx, api::Input& in);
  Out delete_policy(const api::Context& ctx, api::Input& in);
  Out list_policies(const api::Context& ctx, api::Input& in);
  Out list_policies_for_target(const api::Context& ctx, api::Input& in);
  Out list_targets_for_policy(const api::Context& ctx, api::Input& in);
  Out attach_policy(const api::Context& ctx, api::Input& in);
  Out detach_policy(const api::Context& ctx, api::Input& in);

  enum class Access { AnyMember, ManagementOnly };
  /// The organization of the calling account: AWSOrganizationsNotInUseException when it is in
  /// none; with ManagementOnly, AccessDeniedException for a member account.
  core::Result<store::Organization> caller_organization(store::OrganizationEntities& o,
                                                        const api::Context& ctx,
                                                        Access access) const;
  /// AccessDeniedException (with the IAM-style message) unless the caller's policies allow
  /// `action` on `resource`.
  core::Status authorize(const api::Context& ctx, std::string_view action,
                         std::string_view resource,
                         std::vector<std::pair<std::string, policy::ContextValue>> keys = {}) const;

  /// A new id: `prefix` + `n` characters of [0-9a-z].
  std::string make_id(std::string_view prefix, size_t n) const;

  Deps d_;
};

}  // namespace iamd::organizations
