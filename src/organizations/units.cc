// Organizational units: CreateOrganizationalUnit, DescribeOrganizationalUnit,
// UpdateOrganizationalUnit, DeleteOrganizationalUnit, ListOrganizationalUnitsForParent, and the
// tree walks ListParents and ListChildren.
#include <algorithm>

#include "organizations/common.h"
#include "organizations/errors.h"
#include "organizations/rules.h"
#include "organizations/service.h"

namespace iamd::organizations {

using core::ErrorCode;

namespace {

core::Error duplicate_unit() {
  return core::Error{ErrorCode::DuplicateOrganizationalUnitException,
                     "An OU with the same name already exists."};
}

// How many OUs deep `parent_id` is: 0 for the root, 1 for an OU directly under it, ...
core::Result<size_t> depth_of(const std::vector<store::OrgUnit>& units, std::string_view parent_id) {
  size_t depth = 0;
  std::string current(parent_id);
  while (target_kind(current) == TargetKind::Unit) {
    auto it = std::find_if(units.begin(), units.end(),
                           [&](const store::OrgUnit& u) { return u.id == current; });
    // INVARIANT: every OU's parent exists and the tree has no cycle; a stored tree that breaks
    // this is corrupt, not the client's fault.
    if (it == units.end() || depth > units.size()) {
      return core::Error{ErrorCode::ServiceException, "OU tree is inconsistent at " + current};
    }
    ++depth;
    current = it->parent_id;
  }
  return depth;
}

bool name_taken(const std::vector<store::OrgUnit>& units, std::string_view parent_id,
                std::string_view name, std::string_view except_id = {}) {
  return std::any_of(units.begin(), units.end(), [&](const store::OrgUnit& u) {
    return u.parent_id == parent_id && u.name == name && u.id != except_id;
  });
}

std::string_view parent_type(std::string_view id) {
  return target_kind(id) == TargetKind::Root ? "ROOT" : "ORGANIZATIONAL_UNIT";
}

}  // namespace

Service::Out Service::create_organizational_unit(const api::Context& ctx, api::Input& in) {
  std::string parent_id = in.required_string("ParentId", rules::kParentId);
  std::string name = in.required_string("Name", rules::kUnitName);
  auto tags = read_tags(in);
  IAMD_TRY(finish(in));
  IAMD_TRY(check_tags(tags));
  return write_output(d_.store, [&](auto& o, api::OutNode& out) -> core::Status {
    auto org = caller_organization(o, ctx, Access::ManagementOnly);
    IAMD_TRY(org);
    IAMD_TRY(authorize(ctx, "organizations:CreateOrganizationalUnit", target_arn(*org, parent_id)));
    IAMD_TRY(require_parent(o, *org, parent_id));
    auto units = o.list_units(org->id);
    IAMD_TRY(units);
    auto depth = depth_of(*units, parent_id);
    IAMD_TRY(depth);
    if (*depth + 1 > rules::kMaxUnitDepth) {
      return constraint_violation(ConstraintReason::OuDepthLimitExceeded);
    }
    if (units->size() >= rules::kMaxUnits) {
      return constraint_violation(ConstraintReason::OuNumberLimitExceeded);
    }
    if (name_taken(*units, parent_id, name)) return duplicate_unit();
    auto root = root_of(o, *org);
    IAMD_TRY(root);

    store::OrgUnit unit;
    // An OU id carries its root's id: r-abcd -> ou-abcd-xxxxxxxx.
    std::string prefix = "ou-" + root->id.substr(2) + "-";
    do {
      unit.id = make_id(prefix, 8);
    } while (std::any_of(units->begin(), units->end(),
                         [&](const store::OrgUnit& u) { return u.id == unit.id; }));
    unit.name = name;
    unit.parent_id = parent_id;
    unit.create_date = ctx.now;
    unit.tags = tags;
    IAMD_TRY(o.put_unit(org->id, unit));
    if (root->has_policy_type(store::kServiceControlPolicy)) {
      IAMD_TRY(o.attach_policy(org->id, unit.id, store::kFullAwsAccessPolicyId));
    }
    write_unit(out.add_struct("OrganizationalUnit"), *org, unit);
    return {};
  });
}

Service::Out Service::describe_organizational_unit(const api::Context& ctx, api::Input& in) {
  std::string id = in.required_string("OrganizationalUnitId", rules::kUnitId);
  IAMD_TRY(finish(in));
  return read_output(d_.store, [&](auto& o, api::OutNode& out) -> core::Status {
    auto org = caller_organization(o, ctx, Access::ManagementOnly);
    IAMD_TRY(org);
    IAMD_TRY(authorize(ctx, "organizations:DescribeOrganizationalUnit", org->unit_arn(id)));
    auto unit = require_unit(o, *org, id);
    IAMD_TRY(unit);
    write_unit(out.add_struct("OrganizationalUnit"), *org, *unit);
    return {};
  });
}

Service::Out Service::update_organizational_unit(const api::Context& ctx, api::Input& in) {
  std::string id = in.required_string("OrganizationalUnitId", rules::kUnitId);
  auto name = in.optional_string("Name", rules::kUnitName);
  IAMD_TRY(finish(in));
  return write_output(d_.store, [&](auto& o, api::OutNode& out) -> core::Status {
    auto org = caller_organization(o, ctx, Access::ManagementOnly);
    IAMD_TRY(org);
    IAMD_TRY(authorize(ctx, "organizations:UpdateOrganizationalUnit", org->unit_arn(id)));
    auto units = o.list_units(org->id);
    IAMD_TRY(units);
    auto it = std::find_if(units->begin(), units->end(),
                           [&](const store::OrgUnit& u) { return u.id == id; });
    if (it == units->end()) return unit_not_found();
    if (name && *name != it->name) {
      if (name_taken(*units, it->parent_id, *name, id)) return duplicate_unit();
      it->name = *name;
      IAMD_TRY(o.put_unit(org->id, *it));
    }
    write_unit(out.add_struct("OrganizationalUnit"), *org, *it);
    return {};
  });
}

Service::Out Service::delete_organizational_unit(const api::Context& ctx, api::Input& in) {
  std::string id = in.required_string("OrganizationalUnitId", rules::kUnitId);
  IAMD_TRY(finish(in));
  return write_no_output(d_.store, [&](auto& o) -> core::Status {
    auto org = caller_organization(o, ctx, Access::ManagementOnly);
    IAMD_TRY(org);
    IAMD_TRY(authorize(ctx, "organizations:DeleteOrganizationalUnit", org->unit_arn(id)));
    auto units = o.list_units(org->id);
    IAMD_TRY(units);
    bool found = std::any_of(units->begin(), units->end(),
                             [&](const store::OrgUnit& u) { return u.id == id; });
    if (!found) return unit_not_found();
    auto accounts = o.list_accounts(org->id);
    IAMD_TRY(accounts);
    bool has_children =
        std::any_of(units->begin(), units->end(),
                    [&](const store::OrgUnit& u) { return u.parent_id == id; }) ||
        std::any_of(accounts->begin(), accounts->end(),
                    [&](const store::OrgAccount& a) { return a.parent_id == id; });
    if (has_children) {
      return core::Error{ErrorCode::OrganizationalUnitNotEmptyException,
                         "The specified OU is not empty. Move all accounts to another root or to "
                         "other OUs, remove all child OUs, and try the operation again."};
    }
    auto attached = o.policies_of(org->id, id);
    IAMD_TRY(attached);
    for (const auto& policy_id : *attached) IAMD_TRY(o.detach_policy(org->id, id, policy_id));
    return o.erase_unit(org->id, id);
  });
}

Service::Out Service::list_organizational_units_for_parent(const api::Context& ctx,
                                                           api::Input& in) {
  std::string parent_id = in.required_string("ParentId", rules::kParentId);
  auto page = finish_page(in, read_page(in));
  IAMD_TRY(page);
  return read_output(d_.store, [&](auto& o, api::OutNode& out) -> core::Status {
    auto org = caller_organization(o, ctx, Access::ManagementOnly);
    IAMD_TRY(org);
    IAMD_TRY(authorize(ctx, "organizations:ListOrganizationalUnitsForParent",
                       target_arn(*org, parent_id)));
    IAMD_TRY(require_parent(o, *org, parent_id));
    auto units = o.list_units(org->id);
    IAMD_TRY(units);
    std::erase_if(*units, [&](const store::OrgUnit& u) { return u.parent_id != parent_id; });
    write_page(
        out, "OrganizationalUnits", *units, *page, [](const store::OrgUnit& u) { return u.id; },
        [&](api::OutNode& list, const store::OrgUnit& u) { write_unit(list.add_item(), *org, u); });
    return {};
  });
}

Service::Out Service::list_parents(const api::Context& ctx, api::Input& in) {
  std::string child_id = in.required_string("ChildId", rules::kChildId);
  auto page = finish_page(in, read_page(in));
  IAMD_TRY(page);
  return read_output(d_.store, [&](auto& o, api::OutNode& out) -> core::Status {
    auto org = caller_organization(o, ctx, Access::ManagementOnly);
    IAMD_TRY(org);
    IAMD_TRY(authorize(ctx, "organizations:ListParents", target_arn(*org, child_id)));
    std::string parent_id;
    if (target_kind(child_id) == TargetKind::Unit) {
      auto unit = o.find_unit(org->id, child_id);
      IAMD_TRY(unit);
      if (!unit->has_value()) return child_not_found();
      parent_id = (*unit)->parent_id;
    } else {
      auto account = o.find_account(org->id, child_id);
      IAMD_TRY(account);
      if (!account->has_value()) return child_not_found();
      parent_id = (*account)->parent_id;
    }
    write_page(
        out, "Parents", std::vector<std::string>{parent_id}, *page,
        [](const std::string& id) { return id; },
        [](api::OutNode& list, const std::string& id) {
          auto& p = list.add_item();
          p.add_string("Id", id);
          p.add_string("Type", std::string(parent_type(id)));
        });
    return {};
  });
}

Service::Out Service::list_children(const api::Context& ctx, api::Input& in) {
  std::string parent_id = in.required_string("ParentId", rules::kParentId);
  std::string child_type = in.required_enum("ChildType", {"ACCOUNT", "ORGANIZATIONAL_UNIT"});
  auto page = finish_page(in, read_page(in));
  IAMD_TRY(page);
  return read_output(d_.store, [&](auto& o, api::OutNode& out) -> core::Status {
    auto org = caller_organization(o, ctx, Access::ManagementOnly);
    IAMD_TRY(org);
    IAMD_TRY(authorize(ctx, "organizations:ListChildren", target_arn(*org, parent_id)));
    IAMD_TRY(require_parent(o, *org, parent_id));
    std::vector<std::string> ids;
    if (child_type == "ACCOUNT") {
      auto accounts = o.list_accounts(org->id);
      IAMD_TRY(accounts);
      for (const auto& a : *accounts) {
        if (a.parent_id == parent_id) ids.push_back(a.id);
      }
    } else {
      auto units = o.list_units(org->id);
      IAMD_TRY(units);
      for (const auto& u : *units) {
        if (u.parent_id == parent_id) ids.push_back(u.id);
      }
    }
    write_page(
        out, "Children", ids, *page, [](const std::string& id) { return id; },
        [&](api::OutNode& list, const std::string& id) {
          auto& c = list.add_item();
          c.add_string("Id", id);
          c.add_string("Type", child_type);
        });
    return {};
  });
}

}  // namespace iamd::organizations
