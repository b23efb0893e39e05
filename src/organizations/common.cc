// Shared pieces of the Organizations handlers, the caller checks and the operation table.
#include "organizations/common.h"

#include <array>

#include "core/strings.h"
#include "core/time_format.h"
#include "organizations/errors.h"
#include "organizations/rules.h"
#include "organizations/service.h"

namespace iamd::organizations {

using core::ErrorCode;

TargetKind target_kind(std::string_view id) {
  if (id.starts_with("r-")) return TargetKind::Root;
  if (id.starts_with("ou-")) return TargetKind::Unit;
  return TargetKind::Account;
}

std::string target_arn(const store::Organization& org, std::string_view id) {
  switch (target_kind(id)) {
    case TargetKind::Root: return org.root_arn(id);
    case TargetKind::Unit: return org.unit_arn(id);
    case TargetKind::Account: return org.account_arn(id);
  }
  return {};
}

std::string policy_arn(const store::Organization& org, const store::OrgPolicy& policy) {
  return org.policy_arn(policy.type, policy.id, policy.aws_managed);
}

void write_organization(api::OutNode& out, const store::Organization& org) {
  out.add_string("Id", org.id);
  out.add_string("Arn", org.arn());
  out.add_string("FeatureSet", org.feature_set);
  out.add_string("MasterAccountArn", org.account_arn(org.master_account_id));
  out.add_string("MasterAccountId", org.master_account_id);
  out.add_string("MasterAccountEmail", org.master_account_email);
  // Deprecated in the API reference; AWS still lists SCPs as available with all features.
  auto& types = out.add_list("AvailablePolicyTypes");
  if (org.feature_set == "ALL") {
    auto& t = types.add_item();
    t.add_string("Type", std::string(store::kServiceControlPolicy));
    t.add_string("Status", "ENABLED");
  }
}

void write_root(api::OutNode& out, const store::Organization& org, const store::OrgRoot& root) {
  out.add_string("Id", root.id);
  out.add_string("Arn", org.root_arn(root.id));
  out.add_string("Name", root.name);
  auto& types = out.add_list("PolicyTypes");
  for (const auto& type : root.policy_types) {
    auto& t = types.add_item();
    t.add_string("Type", type);
    t.add_string("Status", "ENABLED");
  }
}

void write_unit(api::OutNode& out, const store::Organization& org, const store::OrgUnit& unit) {
  out.add_string("Id", unit.id);
  out.add_string("Arn", org.unit_arn(unit.id));
  out.add_string("Name", unit.name);
}

void write_account(api::OutNode& out, const store::Organization& org,
                   const store::OrgAccount& account) {
  out.add_string("Id", account.id);
  out.add_string("Arn", org.account_arn(account.id));
  out.add_string("Email", account.email);
  out.add_string("Name", account.name);
  out.add_string("Status", account.status);
  out.add_string("State", account.status);  // ACTIVE in both enums
  out.add_string("JoinedMethod", account.joined_method);
  out.add_timestamp("JoinedTimestamp", core::format_iso8601(account.joined_timestamp));
}

void write_create_account_status(api::OutNode& out, const store::CreateAccountStatus& s) {
  out.add_string("Id", s.id);
  out.add_string("AccountName", s.account_name);
  out.add_string("State", s.state);
  out.add_timestamp("RequestedTimestamp", core::format_iso8601(s.requested));
  if (s.completed) out.add_timestamp("CompletedTimestamp", core::format_iso8601(*s.completed));
  if (!s.account_id.empty()) out.add_string("AccountId", s.account_id);
  if (!s.failure_reason.empty()) out.add_string("FailureReason", s.failure_reason);
}

void write_policy_summary(api::OutNode& out, const store::Organization& org,
                          const store::OrgPolicy& policy) {
  out.add_string("Id", policy.id);
  out.add_string("Arn", policy_arn(org, policy));
  out.add_string("Name", policy.name);
  out.add_string("Description", policy.description);
  out.add_string("Type", policy.type);
  out.add_boolean("AwsManaged", policy.aws_managed);
}

std::string read_policy_type(api::Input& in, std::string_view name) {
  return in.required_enum(
      name, {"SERVICE_CONTROL_POLICY", "RESOURCE_CONTROL_POLICY", "TAG_POLICY", "BACKUP_POLICY",
             "AISERVICES_OPT_OUT_POLICY", "CHATBOT_POLICY", "DECLARATIVE_POLICY_EC2",
             "SECURITYHUB_POLICY", "INSPECTOR_POLICY", "UPGRADE_ROLLOUT_POLICY", "BEDROCK_POLICY",
             "S3_POLICY", "NETWORK_SECURITY_DIRECTOR_POLICY"});
}

std::vector<store::Tag> read_tags(api::Input& in) {
  std::vector<store::Tag> tags;
  for (auto& item : in.list("Tags", rules::kMaxTags)) {
    store::Tag t;
    t.key = item.required_string("Key", rules::kTagKey);
    t.value = item.required_string("Value", rules::kTagValue);
    tags.push_back(std::move(t));
  }
  return tags;
}

core::Status check_tags(const std::vector<store::Tag>& tags) {
  for (size_t i = 0; i < tags.size(); ++i) {
    for (size_t j = 0; j < i; ++j) {
      if (tags[i].key == tags[j].key) return invalid_input(InvalidInputReason::DuplicateTagKey);
    }
  }
  return {};
}

std::vector<std::pair<std::string, policy::ContextValue>> policy_type_key(const std::string& type) {
  return {{"organizations:PolicyType", policy::ContextValue{{type}, false}}};
}

PageInput read_page(api::Input& in) {
  PageInput p;
  p.token = in.optional_string("NextToken", rules::kNextToken);
  p.max_results = in.optional_int("MaxResults", rules::kMaxResults);
  return p;
}

// Tokens are the hex of the last id returned: opaque to clients, and anything else is refused.
std::string encode_token(std::string_view last_id) { return core::hex_lower(last_id); }

core::Result<Page> make_page(const PageInput& in) {
  Page page;
  if (in.max_results) page.max_results = static_cast<size_t>(*in.max_results);
  if (!in.token) return page;
  const std::string& t = *in.token;
  auto hex = [](char c) -> int {
    if (c >= '0' && c <= '9') return c - '0';
    if (c >= 'a' && c <= 'f') return c - 'a' + 10;
    return -1;
  };
  if (t.empty() || t.size() % 2 != 0) return invalid_input(InvalidInputReason::InvalidNextToken);
  for (size_t i = 0; i < t.size(); i += 2) {
    int h = hex(t[i]);
    int l = hex(t[i + 1]);
    if (h < 0 || l < 0) return invalid_input(InvalidInputReason::InvalidNextToken);
    page.after.push_back(static_cast<char>(h * 16 + l));
  }
  return page;
}

core::Result<Page> finish_page(const api::Input& in, const PageInput& page_in) {
  IAMD_TRY(finish(in));
  return make_page(page_in);
}

core::Result<store::OrgAccount> require_account(store::OrganizationEntities& o,
                                                const store::Organization& org,
                                                std::string_view id) {
  auto account = o.find_account(org.id, id);
  IAMD_TRY(account);
  if (!account->has_value()) return account_not_found();
  return std::move(**account);
}

core::Result<store::OrgUnit> require_unit(store::OrganizationEntities& o,
                                          const store::Organization& org, std::string_view id) {
  auto unit = o.find_unit(org.id, id);
  IAMD_TRY(unit);
  if (!unit->has_value()) return unit_not_found();
  return std::move(**unit);
}

core::Result<store::OrgRoot> require_root(store::OrganizationEntities& o,
                                          const store::Organization& org, std::string_view id) {
  auto root = o.find_root(org.id, id);
  IAMD_TRY(root);
  if (!root->has_value()) return root_not_found();
  return std::move(**root);
}

core::Status require_parent(store::OrganizationEntities& o, const store::Organization& org,
                            std::string_view parent_id) {
  auto exists = parent_exists(o, org, parent_id);
  IAMD_TRY(exists);
  if (!*exists) return parent_not_found();
  return {};
}

core::Status require_target(store::OrganizationEntities& o, const store::Organization& org,
                            std::string_view target_id) {
  auto name = target_name(o, org, target_id);
  IAMD_TRY(name);
  if (!name->has_value()) return target_not_found();
  return {};
}

core::Result<store::OrgRoot> root_of(store::OrganizationEntities& o,
                                     const store::Organization& org) {
  auto roots = o.list_roots(org.id);
  IAMD_TRY(roots);
  if (roots->empty()) {
    return core::Error{ErrorCode::ServiceException, "organization " + org.id + " has no root"};
  }
  return std::move(roots->front());
}

core::Result<bool> parent_exists(store::OrganizationEntities& o, const store::Organization& org,
                                 std::string_view parent_id) {
  if (target_kind(parent_id) == TargetKind::Root) {
    auto root = o.find_root(org.id, parent_id);
    IAMD_TRY(root);
    return root->has_value();
  }
  if (target_kind(parent_id) != TargetKind::Unit) return false;
  auto unit = o.find_unit(org.id, parent_id);
  IAMD_TRY(unit);
  return unit->has_value();
}

core::Result<std::optional<std::string>> target_name(store::OrganizationEntities& o,
                                                     const store::Organization& org,
                                                     std::string_view target_id) {
  switch (target_kind(target_id)) {
    case TargetKind::Root: {
      auto root = o.find_root(org.id, target_id);
      IAMD_TRY(root);
      if (!root->has_value()) return std::optional<std::string>{};
      return std::optional<std::string>{(*root)->name};
    }
    case TargetKind::Unit: {
      auto unit = o.find_unit(org.id, target_id);
      IAMD_TRY(unit);
      if (!unit->has_value()) return std::optional<std::string>{};
      return std::optional<std::string>{(*unit)->name};
    }
    case TargetKind::Account: {
      auto account = o.find_account(org.id, target_id);
      IAMD_TRY(account);
      if (!account->has_value()) return std::optional<std::string>{};
      return std::optional<std::string>{(*account)->name};
    }
  }
  return std::optional<std::string>{};
}

// --- Service -----------------------------------------------------------------------------------

core::Result<store::Organization> Service::caller_organization(store::OrganizationEntities& o,
                                                               const api::Context& ctx,
                                                               Access access) const {
  auto org = o.find_organization_of(ctx.caller.account);
  IAMD_TRY(org);
  if (!org->has_value()) return not_in_use();
  if (access == Access::ManagementOnly && (*org)->master_account_id != ctx.caller.account) {
    return management_only();
  }
  return std::move(**org);
}

core::Status Service::authorize(
    const api::Context& ctx, std::string_view action, std::string_view resource,
    std::vector<std::pair<std::string, policy::ContextValue>> keys) const {
  authz::Decision d = d_.view.authorize(ctx, authz::Request{action, resource, std::move(keys)});
  if (d.allowed) return {};
  return core::Error{ErrorCode::AccessDeniedException, std::move(d.message)};
}

std::string Service::make_id(std::string_view prefix, size_t n) const {
  static constexpr std::string_view kAlphabet = "0123456789abcdefghijklmnopqrstuvwxyz";
  std::string id(prefix);
  while (id.size() < prefix.size() + n) {
    std::array<std::uint8_t, 64> bytes;
    d_.random.fill(bytes);
    for (auto b : bytes) {
      // 252 = 7 * 36: rejecting the rest keeps every character equally likely.
      if (b >= 252 || id.size() == prefix.size() + n) continue;
      id.push_back(kAlphabet[b % kAlphabet.size()]);
    }
  }
  return id;
}

void Service::register_operations(api::Registry& registry) {
  auto add = [&](std::string action, Out (Service::*fn)(const api::Context&, api::Input&)) {
    registry.add(api::Operation{"organizations", std::move(action),
                                [this, fn](const api::Context& c, api::Input& in) {
                                  return (this->*fn)(c, in);
                                }});
  };
  add("CreateOrganization", &Service::create_organization);
  add("DescribeOrganization", &Service::describe_organization);
  add("ListRoots", &Service::list_roots);
  add("EnablePolicyType", &Service::enable_policy_type);
  add("DisablePolicyType", &Service::disable_policy_type);
  add("CreateAccount", &Service::create_account);
  add("DescribeCreateAccountStatus", &Service::describe_create_account_status);
  add("ListCreateAccountStatus", &Service::list_create_account_status);
  add("ListAccounts", &Service::list_accounts);
  add("ListAccountsForParent", &Service::list_accounts_for_parent);
  add("DescribeAccount", &Service::describe_account);
  add("MoveAccount", &Service::move_account);
  add("CreateOrganizationalUnit", &Service::create_organizational_unit);
  add("DescribeOrganizationalUnit", &Service::describe_organizational_unit);
  add("UpdateOrganizationalUnit", &Service::update_organizational_unit);
  add("DeleteOrganizationalUnit", &Service::delete_organizational_unit);
  add("ListOrganizationalUnitsForParent", &Service::list_organizational_units_for_parent);
  add("ListParents", &Service::list_parents);
  add("ListChildren", &Service::list_children);
  add("CreatePolicy", &Service::create_policy);
  add("DescribePolicy", &Service::describe_policy);
  add("UpdatePolicy", &Service::update_policy);
  add("DeletePolicy", &Service::delete_policy);
  add("ListPolicies", &Service::list_policies);
  add("ListPoliciesForTarget", &Service::list_policies_for_target);
  add("ListTargetsForPolicy", &Service::list_targets_for_policy);
  add("AttachPolicy", &Service::attach_policy);
  add("DetachPolicy", &Service::detach_policy);
}

}  // namespace iamd::organizations
