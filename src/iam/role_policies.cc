// A role's permissions boundary (Put/DeleteRolePermissionsBoundary). Its managed policy
// attachments and inline policies are served with the users' and groups' in attachments.cc and
// inline_policies.cc.
#include "iam/policy_documents.h"
#include "iam/rules.h"
#include "iam/service.h"

namespace iamd::iam {

using store::EntityKind;
using store::PolicyEntities;
using store::RoleEntities;

// --- permissions boundary ----------------------------------------------------------------------

core::Result<api::Output> Service::put_role_permissions_boundary(const api::Context& ctx,
                                                                 api::Input& in) {
  auto role_name = in.required_string("RoleName", rules::kRoleName);
  auto arn = in.required_string("PermissionsBoundary", rules::kArn);
  IAMD_TRY(in.finish());
  if (!parse_policy_arn(arn)) return invalid_policy_arn(arn);
  const std::string& account = ctx.caller.account;
  IAMD_TRY(d_.store.write([&](store::Transaction& tx) -> core::Status {
    RoleEntities r(tx);
    PolicyEntities p(tx);
    // iam:PermissionsBoundary is the boundary being set.
    auto role = load_role(r, ctx, role_name, "iam:PutRolePermissionsBoundary",
                          {{"iam:PermissionsBoundary", policy::ContextValue{{arn}, false}}});
    IAMD_TRY(role);
    IAMD_TRY(find_attachable_policy(p, account, arn));
    const std::string previous = role->permissions_boundary_arn;
    if (!previous.empty() && previous != arn) {
      IAMD_TRY(p.set_boundary_use(account, EntityKind::Role, role->id, previous, false));
    }
    IAMD_TRY(p.set_boundary_use(account, EntityKind::Role, role->id, arn, true));
    role->permissions_boundary_arn = arn;
    return r.put_role(*role);
  }));
  return api::Output::none();
}

core::Result<api::Output> Service::delete_role_permissions_boundary(const api::Context& ctx,
                                                                    api::Input& in) {
  auto role_name = in.required_string("RoleName", rules::kRoleName);
  IAMD_TRY(in.finish());
  const std::string& account = ctx.caller.account;
  IAMD_TRY(d_.store.write([&](store::Transaction& tx) -> core::Status {
    RoleEntities r(tx);
    PolicyEntities p(tx);
    auto role = load_role(r, ctx, role_name, "iam:DeleteRolePermissionsBoundary", {}, true);
    IAMD_TRY(role);
    // A role without a boundary is already in the requested state.
    if (role->permissions_boundary_arn.empty()) return {};
    IAMD_TRY(p.set_boundary_use(account, EntityKind::Role, role->id,
                                role->permissions_boundary_arn, false));
    role->permissions_boundary_arn.clear();
    return r.put_role(*role);
  }));
  return api::Output::none();
}

}  // namespace iamd::iam
