// Service control policies: CreatePolicy, DescribePolicy, UpdatePolicy, DeletePolicy,
// ListPolicies, AttachPolicy, DetachPolicy, ListPoliciesForTarget and ListTargetsForPolicy.
// Documents are validated as SCPs (policy::PolicyType::Scp) and stored as submitted; the authz
// view compiles and enforces them.
#include <algorithm>
#include <functional>

#include "organizations/common.h"
#include "organizations/errors.h"
#include "organizations/rules.h"
#include "organizations/service.h"
#include "policy/json/parse_and_validate.h"

namespace iamd::organizations {

using core::ErrorCode;

namespace {

// Characters, not bytes: the SCP quota counts characters (whitespace included).
size_t character_count(std::string_view s) {
  return static_cast<size_t>(std::count_if(s.begin(), s.end(), [](char c) {
    return (static_cast<unsigned char>(c) & 0xC0) != 0x80;
  }));
}

// A document as CreatePolicy and UpdatePolicy check it.
core::Status check_content(const std::string& content) {
  if (character_count(content) > rules::kMaxScpSize) {
    return constraint_violation(ConstraintReason::PolicyContentLimitExceeded);
  }
  if (!policy::json::parse_and_validate(content, policy::PolicyType::Scp)) {
    return malformed_policy_document();
  }
  return {};
}

core::Error duplicate_policy() {
  return core::Error{ErrorCode::DuplicatePolicyException,
                     "A policy with the same name already exists."};
}

std::string_view target_type(std::string_view id) {
  switch (target_kind(id)) {
    case TargetKind::Root: return "ROOT";
    case TargetKind::Unit: return "ORGANIZATIONAL_UNIT";
    case TargetKind::Account: return "ACCOUNT";
  }
  return "ACCOUNT";
}

void write_policy(api::OutNode& out, const store::Organization& org,
                  const store::OrgPolicy& policy) {
  write_policy_summary(out.add_struct("PolicySummary"), org, policy);
  out.add_string("Content", policy.content);
}

bool by_id(const store::OrgPolicy& a, const store::OrgPolicy& b) { return a.id < b.id; }

// The policy `policy_id`, once the caller may perform `action` on it. When it does not exist the
// caller is authorized on the ARN it would have first, so a denied caller learns nothing.
core::Result<store::OrgPolicy> load_policy(
    store::OrganizationEntities& o, const store::Organization& org, std::string_view policy_id,
    const std::function<core::Status(const std::string&)>& authorize_on) {
  auto policy = o.find_policy(org.id, policy_id);
  IAMD_TRY(policy);
  if (!policy->has_value()) {
    IAMD_TRY(authorize_on(org.policy_arn(store::kServiceControlPolicy, policy_id)));
    return policy_not_found();
  }
  IAMD_TRY(authorize_on(policy_arn(org, **policy)));
  return std::move(**policy);
}

// The policy of an AttachPolicy or DetachPolicy, once the caller is authorized on the policy and
// on target `target_id` (resource types policy|account|ou|root) and the target exists.
core::Result<store::OrgPolicy> load_attachment(
    store::OrganizationEntities& o, const store::Organization& org, std::string_view policy_id,
    std::string_view target_id,
    const std::function<core::Status(const std::string&)>& authorize_on) {
  auto policy = load_policy(o, org, policy_id, [&](const std::string& arn) -> core::Status {
    IAMD_TRY(authorize_on(arn));
    return authorize_on(target_arn(org, target_id));
  });
  IAMD_TRY(policy);
  IAMD_TRY(require_target(o, org, target_id));
  return policy;
}

// How many of `policy_ids` are policies of `type`.
core::Result<size_t> count_of_type(store::OrganizationEntities& o, const store::Organization& org,
                                   const std::vector<std::string>& policy_ids,
                                   std::string_view type) {
  size_t n = 0;
  for (const auto& id : policy_ids) {
    auto p = o.find_policy(org.id, id);
    IAMD_TRY(p);
    if (p->has_value() && (*p)->type == type) ++n;
  }
  return n;
}

}  // namespace

Service::Out Service::create_policy(const api::Context& ctx, api::Input& in) {
  std::string content = in.required_string("Content", rules::kPolicyContent);
  std::string description = in.required_string("Description", rules::kPolicyDescription);
  std::string name = in.required_string("Name", rules::kPolicyName);
  std::string type = read_policy_type(in, "Type");
  auto tags = read_tags(in);
  IAMD_TRY(finish(in));
  IAMD_TRY(check_tags(tags));
  return write_output(d_.store, [&](auto& o, api::OutNode& out) -> core::Status {
    auto org = caller_organization(o, ctx, Access::ManagementOnly);
    IAMD_TRY(org);
    IAMD_TRY(authorize(ctx, "organizations:CreatePolicy", "*", policy_type_key(type)));
    // iamd serves service control policies only (service.h, differences from AWS).
    if (type != store::kServiceControlPolicy || org->feature_set != "ALL") {
      return policy_type_not_available();
    }
    IAMD_TRY(check_content(content));
    auto existing = o.list_policies(org->id, type);
    IAMD_TRY(existing);
    if (std::any_of(existing->begin(), existing->end(),
                    [&](const store::OrgPolicy& p) { return p.name == name; })) {
      return duplicate_policy();
    }
    if (existing->size() > rules::kMaxPolicies) {  // FullAWSAccess does not count
      return constraint_violation(ConstraintReason::PolicyNumberLimitExceeded);
    }
    store::OrgPolicy policy;
    do {
      policy.id = make_id("p-", 8);
    } while (std::any_of(existing->begin(), existing->end(),
                         [&](const store::OrgPolicy& p) { return p.id == policy.id; }));
    policy.name = name;
    policy.description = description;
    policy.type = type;
    policy.content = content;
    policy.tags = tags;
    IAMD_TRY(o.put_policy(org->id, policy));
    write_policy(out.add_struct("Policy"), *org, policy);
    return {};
  });
}

Service::Out Service::describe_policy(const api::Context& ctx, api::Input& in) {
  std::string policy_id = in.required_string("PolicyId", rules::kPolicyId);
  IAMD_TRY(finish(in));
  return read_output(d_.store, [&](auto& o, api::OutNode& out) -> core::Status {
    auto org = caller_organization(o, ctx, Access::ManagementOnly);
    IAMD_TRY(org);
    auto policy = load_policy(o, *org, policy_id, [&](const std::string& arn) {
      return authorize(ctx, "organizations:DescribePolicy", arn);
    });
    IAMD_TRY(policy);
    write_policy(out.add_struct("Policy"), *org, *policy);
    return {};
  });
}

Service::Out Service::update_policy(const api::Context& ctx, api::Input& in) {
  std::string policy_id = in.required_string("PolicyId", rules::kPolicyId);
  auto name = in.optional_string("Name", rules::kPolicyName);
  auto description = in.optional_string("Description", rules::kPolicyDescription);
  auto content = in.optional_string("Content", rules::kPolicyContent);
  IAMD_TRY(finish(in));
  return write_output(d_.store, [&](auto& o, api::OutNode& out) -> core::Status {
    auto org = caller_organization(o, ctx, Access::ManagementOnly);
    IAMD_TRY(org);
    auto policy = load_policy(o, *org, policy_id, [&](const std::string& arn) {
      return authorize(ctx, "organizations:UpdatePolicy", arn);
    });
    IAMD_TRY(policy);
    if (policy->aws_managed) return invalid_input(InvalidInputReason::ImmutablePolicy);
    if (content) {
      IAMD_TRY(check_content(*content));
      policy->content = *content;
    }
    if (name && *name != policy->name) {
      auto existing = o.list_policies(org->id, policy->type);
      IAMD_TRY(existing);
      if (std::any_of(existing->begin(), existing->end(),
                      [&](const store::OrgPolicy& p) { return p.name == *name; })) {
        return duplicate_policy();
      }
      policy->name = *name;
    }
    if (description) policy->description = *description;
    IAMD_TRY(o.put_policy(org->id, *policy));
    write_policy(out.add_struct("Policy"), *org, *policy);
    return {};
  });
}

Service::Out Service::delete_policy(const api::Context& ctx, api::Input& in) {
  std::string policy_id = in.required_string("PolicyId", rules::kPolicyId);
  IAMD_TRY(finish(in));
  return write_no_output(d_.store, [&](auto& o) -> core::Status {
    auto org = caller_organization(o, ctx, Access::ManagementOnly);
    IAMD_TRY(org);
    auto policy = load_policy(o, *org, policy_id, [&](const std::string& arn) {
      return authorize(ctx, "organizations:DeletePolicy", arn);
    });
    IAMD_TRY(policy);
    if (policy->aws_managed) return invalid_input(InvalidInputReason::ImmutablePolicy);
    auto targets = o.targets_of(org->id, policy_id);
    IAMD_TRY(targets);
    if (!targets->empty()) {
      return core::Error{ErrorCode::PolicyInUseException,
                         "The policy is attached to one or more entities. You must detach it from "
                         "all roots, OUs, and accounts before performing this operation."};
    }
    return o.erase_policy(org->id, policy_id);
  });
}

Service::Out Service::list_policies(const api::Context& ctx, api::Input& in) {
  std::string type = read_policy_type(in, "Filter");
  auto page = finish_page(in, read_page(in));
  IAMD_TRY(page);
  return read_output(d_.store, [&](auto& o, api::OutNode& out) -> core::Status {
    auto org = caller_organization(o, ctx, Access::ManagementOnly);
    IAMD_TRY(org);
    IAMD_TRY(authorize(ctx, "organizations:ListPolicies", "*"));
    auto policies = o.list_policies(org->id, type);
    IAMD_TRY(policies);
    std::sort(policies->begin(), policies->end(), by_id);
    write_page(
        out, "Policies", *policies, *page, [](const store::OrgPolicy& p) { return p.id; },
        [&](api::OutNode& list, const store::OrgPolicy& p) {
          write_policy_summary(list.add_item(), *org, p);
        });
    return {};
  });
}

Service::Out Service::list_policies_for_target(const api::Context& ctx, api::Input& in) {
  std::string target_id = in.required_string("TargetId", rules::kTargetId);
  std::string type = read_policy_type(in, "Filter");
  auto page = finish_page(in, read_page(in));
  IAMD_TRY(page);
  return read_output(d_.store, [&](auto& o, api::OutNode& out) -> core::Status {
    auto org = caller_organization(o, ctx, Access::ManagementOnly);
    IAMD_TRY(org);
    IAMD_TRY(authorize(ctx, "organizations:ListPoliciesForTarget", target_arn(*org, target_id)));
    IAMD_TRY(require_target(o, *org, target_id));
    auto ids = o.policies_of(org->id, target_id);
    IAMD_TRY(ids);
    std::vector<store::OrgPolicy> policies;
    for (const auto& id : *ids) {
      auto p = o.find_policy(org->id, id);
      IAMD_TRY(p);
      if (p->has_value() && (*p)->type == type) policies.push_back(std::move(**p));
    }
    std::sort(policies.begin(), policies.end(), by_id);
    write_page(
        out, "Policies", policies, *page, [](const store::OrgPolicy& p) { return p.id; },
        [&](api::OutNode& list, const store::OrgPolicy& p) {
          write_policy_summary(list.add_item(), *org, p);
        });
    return {};
  });
}

Service::Out Service::list_targets_for_policy(const api::Context& ctx, api::Input& in) {
  std::string policy_id = in.required_string("PolicyId", rules::kPolicyId);
  auto page = finish_page(in, read_page(in));
  IAMD_TRY(page);
  return read_output(d_.store, [&](auto& o, api::OutNode& out) -> core::Status {
    auto org = caller_organization(o, ctx, Access::ManagementOnly);
    IAMD_TRY(org);
    auto policy = load_policy(o, *org, policy_id, [&](const std::string& arn) {
      return authorize(ctx, "organizations:ListTargetsForPolicy", arn);
    });
    IAMD_TRY(policy);
    auto targets = o.targets_of(org->id, policy_id);
    IAMD_TRY(targets);
    struct Target {
      std::string id;
      std::string name;
    };
    std::vector<Target> found;
    for (const auto& id : *targets) {
      auto name = target_name(o, *org, id);
      IAMD_TRY(name);
      if (name->has_value()) found.push_back(Target{id, **name});
    }
    write_page(
        out, "Targets", found, *page, [](const Target& t) { return t.id; },
        [&](api::OutNode& list, const Target& t) {
          auto& item = list.add_item();
          item.add_string("TargetId", t.id);
          item.add_string("Arn", target_arn(*org, t.id));
          item.add_string("Name", t.name);
          item.add_string("Type", std::string(target_type(t.id)));
        });
    return {};
  });
}

Service::Out Service::attach_policy(const api::Context& ctx, api::Input& in) {
  std::string policy_id = in.required_string("PolicyId", rules::kPolicyId);
  std::string target_id = in.required_string("TargetId", rules::kTargetId);
  IAMD_TRY(finish(in));
  return write_no_output(d_.store, [&](auto& o) -> core::Status {
    auto org = caller_organization(o, ctx, Access::ManagementOnly);
    IAMD_TRY(org);
    auto keys = policy_type_key(std::string(store::kServiceControlPolicy));
    auto policy = load_attachment(o, *org, policy_id, target_id, [&](const std::string& arn) {
      return authorize(ctx, "organizations:AttachPolicy", arn, keys);
    });
    IAMD_TRY(policy);
    auto root = root_of(o, *org);
    IAMD_TRY(root);
    if (!root->has_policy_type(policy->type)) return policy_type_not_enabled();
    auto attached = o.policies_of(org->id, target_id);
    IAMD_TRY(attached);
    if (std::find(attached->begin(), attached->end(), policy_id) != attached->end()) {
      return core::Error{ErrorCode::DuplicatePolicyAttachmentException,
                         "The selected policy is already attached to the specified target."};
    }
    auto of_type = count_of_type(o, *org, *attached, policy->type);
    IAMD_TRY(of_type);
    if (*of_type >= rules::kMaxPoliciesPerTarget) {
      return constraint_violation(ConstraintReason::MaxPolicyTypeAttachmentLimitExceeded);
    }
    return o.attach_policy(org->id, target_id, policy_id);
  });
}

Service::Out Service::detach_policy(const api::Context& ctx, api::Input& in) {
  std::string policy_id = in.required_string("PolicyId", rules::kPolicyId);
  std::string target_id = in.required_string("TargetId", rules::kTargetId);
  IAMD_TRY(finish(in));
  return write_no_output(d_.store, [&](auto& o) -> core::Status {
    auto org = caller_organization(o, ctx, Access::ManagementOnly);
    IAMD_TRY(org);
    auto keys = policy_type_key(std::string(store::kServiceControlPolicy));
    auto policy = load_attachment(o, *org, policy_id, target_id, [&](const std::string& arn) {
      return authorize(ctx, "organizations:DetachPolicy", arn, keys);
    });
    IAMD_TRY(policy);
    auto attached = o.policies_of(org->id, target_id);
    IAMD_TRY(attached);
    if (std::find(attached->begin(), attached->end(), policy_id) == attached->end()) {
      return core::Error{ErrorCode::PolicyNotAttachedException,
                         "The policy isn't attached to the specified target in the specified "
                         "root."};
    }
    // While SCPs are enabled every root, OU and account keeps at least one.
    auto root = root_of(o, *org);
    IAMD_TRY(root);
    if (root->has_policy_type(policy->type)) {
      auto of_type = count_of_type(o, *org, *attached, policy->type);
      IAMD_TRY(of_type);
      if (*of_type <= 1) {
        return constraint_violation(ConstraintReason::MinPolicyTypeAttachmentLimitExceeded);
      }
    }
    return o.detach_policy(org->id, target_id, policy_id);
  });
}

}  // namespace iamd::organizations
