// The organization itself: CreateOrganization, DescribeOrganization, ListRoots, EnablePolicyType
// and DisablePolicyType.
#include "core/strings.h"
#include "organizations/common.h"
#include "organizations/errors.h"
#include "organizations/rules.h"
#include "organizations/service.h"
#include "store/entities.h"

namespace iamd::organizations {

using core::ErrorCode;

namespace {

// Every root, OU and account id of the organization: the targets a policy type covers.
core::Result<std::vector<std::string>> all_targets(store::OrganizationEntities& o,
                                                   const store::Organization& org) {
  std::vector<std::string> ids;
  auto roots = o.list_roots(org.id);
  IAMD_TRY(roots);
  for (const auto& r : *roots) ids.push_back(r.id);
  auto units = o.list_units(org.id);
  IAMD_TRY(units);
  for (const auto& u : *units) ids.push_back(u.id);
  auto accounts = o.list_accounts(org.id);
  IAMD_TRY(accounts);
  for (const auto& a : *accounts) ids.push_back(a.id);
  return ids;
}

}  // namespace

Service::Out Service::create_organization(const api::Context& ctx, api::Input& in) {
  auto feature_set = in.optional_enum("FeatureSet", {"ALL", "CONSOLIDATED_BILLING"});
  IAMD_TRY(finish(in));
  IAMD_TRY(authorize(ctx, "organizations:CreateOrganization", "*"));
  api::Output out;
  IAMD_TRY(d_.store.write([&](store::Transaction& tx) -> core::Status {
    out = api::Output{};
    store::OrganizationEntities o(tx);
    auto existing = o.find_organization_of(ctx.caller.account);
    IAMD_TRY(existing);
    if (existing->has_value()) return already_in_organization();
    auto account = store::Entities(tx).find_account(ctx.caller.account);
    IAMD_TRY(account);

    store::Organization org;
    do {
      org.id = make_id("o-", 10);
      auto clash = o.find_organization(org.id);
      IAMD_TRY(clash);
      if (!clash->has_value()) break;
    } while (true);
    org.master_account_id = ctx.caller.account;
    org.master_account_email = d_.management_email.empty()
                                   ? ctx.caller.account + "@iamd.invalid"
                                   : d_.management_email;
    org.feature_set = feature_set.value_or("ALL");
    org.create_date = ctx.now;
    IAMD_TRY(o.put_organization(org));

    store::OrgRoot root;
    root.id = make_id("r-", 4);
    IAMD_TRY(o.put_root(org.id, root));

    // The management account joins its own organization (AWS lists it as INVITED).
    store::OrgAccount management;
    management.id = ctx.caller.account;
    management.name = account->has_value() && !(*account)->alias.empty() ? (*account)->alias
                                                                          : ctx.caller.account;
    management.email = org.master_account_email;
    management.parent_id = root.id;
    management.joined_method = "INVITED";
    management.joined_timestamp = ctx.now;
    IAMD_TRY(o.put_account(org.id, management));

    write_organization(out.result.add_struct("Organization"), org);
    return {};
  }));
  return out;
}

Service::Out Service::describe_organization(const api::Context& ctx, api::Input& in) {
  IAMD_TRY(finish(in));
  return read_output(d_.store, [&](auto& o, api::OutNode& out) -> core::Status {
    auto org = caller_organization(o, ctx, Access::AnyMember);
    IAMD_TRY(org);
    IAMD_TRY(authorize(ctx, "organizations:DescribeOrganization", "*"));
    write_organization(out.add_struct("Organization"), *org);
    return {};
  });
}

Service::Out Service::list_roots(const api::Context& ctx, api::Input& in) {
  auto page = finish_page(in, read_page(in));
  IAMD_TRY(page);
  return read_output(d_.store, [&](auto& o, api::OutNode& out) -> core::Status {
    auto org = caller_organization(o, ctx, Access::ManagementOnly);
    IAMD_TRY(org);
    IAMD_TRY(authorize(ctx, "organizations:ListRoots", "*"));
    auto roots = o.list_roots(org->id);
    IAMD_TRY(roots);
    write_page(
        out, "Roots", *roots, *page, [](const store::OrgRoot& r) { return r.id; },
        [&](api::OutNode& list, const store::OrgRoot& r) { write_root(list.add_item(), *org, r); });
    return {};
  });
}

Service::Out Service::enable_policy_type(const api::Context& ctx, api::Input& in) {
  std::string root_id = in.required_string("RootId", rules::kRootId);
  std::string type = read_policy_type(in, "PolicyType");
  IAMD_TRY(finish(in));
  return write_output(d_.store, [&](auto& o, api::OutNode& out) -> core::Status {
    auto org = caller_organization(o, ctx, Access::ManagementOnly);
    IAMD_TRY(org);
    IAMD_TRY(authorize(ctx, "organizations:EnablePolicyType", org->root_arn(root_id),
                       policy_type_key(type)));
    auto root = require_root(o, *org, root_id);
    IAMD_TRY(root);
    // iamd serves service control policies only (service.h, differences from AWS).
    if (type != store::kServiceControlPolicy || org->feature_set != "ALL") {
      return policy_type_not_available();
    }
    if (root->has_policy_type(type)) {
      return core::Error{ErrorCode::PolicyTypeAlreadyEnabledException,
                         "The specified policy type is already enabled."};
    }
    root->policy_types.push_back(type);
    IAMD_TRY(o.put_root(org->id, *root));
    // Enabling SCPs attaches FullAWSAccess everywhere, so nothing is denied until an
    // administrator narrows it (Organizations User Guide, "SCP evaluation").
    auto targets = all_targets(o, *org);
    IAMD_TRY(targets);
    for (const auto& id : *targets) {
      IAMD_TRY(o.attach_policy(org->id, id, store::kFullAwsAccessPolicyId));
    }
    write_root(out.add_struct("Root"), *org, *root);
    return {};
  });
}

Service::Out Service::disable_policy_type(const api::Context& ctx, api::Input& in) {
  std::string root_id = in.required_string("RootId", rules::kRootId);
  std::string type = read_policy_type(in, "PolicyType");
  IAMD_TRY(finish(in));
  return write_output(d_.store, [&](auto& o, api::OutNode& out) -> core::Status {
    auto org = caller_organization(o, ctx, Access::ManagementOnly);
    IAMD_TRY(org);
    IAMD_TRY(authorize(ctx, "organizations:DisablePolicyType", org->root_arn(root_id),
                       policy_type_key(type)));
    auto root = require_root(o, *org, root_id);
    IAMD_TRY(root);
    if (!root->has_policy_type(type)) return policy_type_not_enabled();
    // Disabling a type detaches every policy of that type from every target.
    auto targets = all_targets(o, *org);
    IAMD_TRY(targets);
    for (const auto& id : *targets) {
      auto attached = o.policies_of(org->id, id);
      IAMD_TRY(attached);
      for (const auto& policy_id : *attached) {
        auto policy = o.find_policy(org->id, policy_id);
        IAMD_TRY(policy);
        if (!policy->has_value() || (*policy)->type == type) {
          IAMD_TRY(o.detach_policy(org->id, id, policy_id));
        }
      }
    }
    std::erase(root->policy_types, type);
    IAMD_TRY(o.put_root(org->id, *root));
    write_root(out.add_struct("Root"), *org, *root);
    return {};
  });
}

}  // namespace iamd::organizations
