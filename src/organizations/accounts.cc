// Accounts: CreateAccount (the member account, its OrganizationAccountAccessRole, at once),
// DescribeCreateAccountStatus, ListCreateAccountStatus, ListAccounts, ListAccountsForParent,
// DescribeAccount and MoveAccount.
#include <algorithm>

#include "core/arn.h"
#include "core/ids.h"
#include "core/strings.h"
#include "organizations/common.h"
#include "organizations/errors.h"
#include "organizations/rules.h"
#include "organizations/service.h"
#include "store/entities.h"
#include "store/policies.h"
#include "store/roles.h"

namespace iamd::organizations {

using core::ErrorCode;

namespace {

constexpr std::string_view kDefaultRoleName = "OrganizationAccountAccessRole";
constexpr std::string_view kAdministratorAccess = "arn:aws:iam::aws:policy/AdministratorAccess";

// The trust policy Organizations gives the access role: the management account may assume it.
std::string access_role_trust_policy(std::string_view management_account) {
  return R"({"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"AWS":")" +
         core::root_arn(management_account) + R"("},"Action":"sts:AssumeRole"}]})";
}

bool is_create_account_state(std::string_view s) {
  return s == "IN_PROGRESS" || s == "SUCCEEDED" || s == "FAILED";
}

}  // namespace

Service::Out Service::create_account(const api::Context& ctx, api::Input& in) {
  std::string email = in.required_string("Email", rules::kEmail);
  std::string name = in.required_string("AccountName", rules::kAccountName);
  auto role_name = in.optional_string("RoleName", rules::kRoleName);
  in.optional_enum("IamUserAccessToBilling", {"ALLOW", "DENY"});  // no billing console here
  auto tags = read_tags(in);
  IAMD_TRY(finish(in));
  IAMD_TRY(check_tags(tags));
  api::Output out;
  IAMD_TRY(d_.store.write([&](store::Transaction& tx) -> core::Status {
    out = api::Output{};
    store::OrganizationEntities o(tx);
    store::Entities entities(tx);
    auto org = caller_organization(o, ctx, Access::ManagementOnly);
    IAMD_TRY(org);
    IAMD_TRY(authorize(ctx, "organizations:CreateAccount", "*"));
    auto members = o.list_accounts(org->id);
    IAMD_TRY(members);
    if (members->size() >= rules::kMaxAccounts) {
      return constraint_violation(ConstraintReason::AccountNumberLimitExceeded);
    }

    store::CreateAccountStatus status;
    do {
      status.id = make_id("car-", 32);
      auto clash = o.find_create_account_status(org->id, status.id);
      IAMD_TRY(clash);
      if (!clash->has_value()) break;
    } while (true);
    status.account_name = name;
    status.requested = ctx.now;
    status.completed = ctx.now;
    // AWS creates accounts asynchronously; iamd finishes before answering, so the first status
    // is already final. A taken email fails the request the way AWS reports it.
    bool email_taken = std::any_of(members->begin(), members->end(), [&](const auto& a) {
      return core::iequals(a.email, email);
    });
    if (email_taken) {
      status.state = "FAILED";
      status.failure_reason = "EMAIL_ALREADY_EXISTS";
      IAMD_TRY(o.put_create_account_status(org->id, status));
      write_create_account_status(out.result.add_struct("CreateAccountStatus"), status);
      return {};
    }

    std::string account_id;
    do {
      account_id = core::make_account_id(d_.random);
      auto clash = entities.find_account(account_id);
      IAMD_TRY(clash);
      if (!clash->has_value()) break;
    } while (true);
    IAMD_TRY(entities.put_account(store::Account{account_id, ctx.now, ""}));

    auto root = root_of(o, *org);
    IAMD_TRY(root);
    store::OrgAccount account;
    account.id = account_id;
    account.name = name;
    account.email = email;
    account.parent_id = root->id;
    account.joined_method = "CREATED";
    account.joined_timestamp = ctx.now;
    account.tags = tags;
    IAMD_TRY(o.put_account(org->id, account));
    if (root->has_policy_type(store::kServiceControlPolicy)) {
      IAMD_TRY(o.attach_policy(org->id, account_id, store::kFullAwsAccessPolicyId));
    }

    // The role that lets the management account administer the new account.
    store::Role role;
    role.account = account_id;
    role.name = role_name.value_or(std::string(kDefaultRoleName));
    role.id = core::make_entity_id(d_.random, core::id_prefix::kRole);
    role.create_date = ctx.now;
    role.assume_role_policy_document = access_role_trust_policy(org->master_account_id);
    IAMD_TRY(store::RoleEntities(tx).put_role(role));
    IAMD_TRY(store::PolicyEntities(tx).attach(account_id, store::EntityKind::Role, role.id,
                                              kAdministratorAccess));

    status.state = "SUCCEEDED";
    status.account_id = account_id;
    IAMD_TRY(o.put_create_account_status(org->id, status));
    write_create_account_status(out.result.add_struct("CreateAccountStatus"), status);
    return {};
  }));
  return out;
}

Service::Out Service::describe_create_account_status(const api::Context& ctx, api::Input& in) {
  std::string id = in.required_string("CreateAccountRequestId", rules::kCreateAccountRequestId);
  IAMD_TRY(finish(in));
  return read_output(d_.store, [&](auto& o, api::OutNode& out) -> core::Status {
    auto org = caller_organization(o, ctx, Access::ManagementOnly);
    IAMD_TRY(org);
    IAMD_TRY(authorize(ctx, "organizations:DescribeCreateAccountStatus", "*"));
    auto status = o.find_create_account_status(org->id, id);
    IAMD_TRY(status);
    if (!status->has_value()) return create_account_status_not_found();
    write_create_account_status(out.add_struct("CreateAccountStatus"), **status);
    return {};
  });
}

Service::Out Service::list_create_account_status(const api::Context& ctx, api::Input& in) {
  std::vector<std::string> states = in.string_list("States");
  for (const auto& s : states) {
    if (!is_create_account_state(s)) {
      in.violation("States", s, "Member must satisfy enum value set: [IN_PROGRESS, SUCCEEDED, FAILED]");
    }
  }
  auto page = finish_page(in, read_page(in));
  IAMD_TRY(page);
  return read_output(d_.store, [&](auto& o, api::OutNode& out) -> core::Status {
    auto org = caller_organization(o, ctx, Access::ManagementOnly);
    IAMD_TRY(org);
    IAMD_TRY(authorize(ctx, "organizations:ListCreateAccountStatus", "*"));
    auto all = o.list_create_account_statuses(org->id);
    IAMD_TRY(all);
    std::erase_if(*all, [&](const store::CreateAccountStatus& s) {
      return !states.empty() && std::find(states.begin(), states.end(), s.state) == states.end();
    });
    write_page(
        out, "CreateAccountStatuses", *all, *page,
        [](const store::CreateAccountStatus& s) { return s.id; },
        [](api::OutNode& list, const store::CreateAccountStatus& s) {
          write_create_account_status(list.add_item(), s);
        });
    return {};
  });
}

Service::Out Service::list_accounts(const api::Context& ctx, api::Input& in) {
  auto page = finish_page(in, read_page(in));
  IAMD_TRY(page);
  return read_output(d_.store, [&](auto& o, api::OutNode& out) -> core::Status {
    auto org = caller_organization(o, ctx, Access::ManagementOnly);
    IAMD_TRY(org);
    IAMD_TRY(authorize(ctx, "organizations:ListAccounts", "*"));
    auto accounts = o.list_accounts(org->id);
    IAMD_TRY(accounts);
    write_page(
        out, "Accounts", *accounts, *page, [](const store::OrgAccount& a) { return a.id; },
        [&](api::OutNode& list, const store::OrgAccount& a) {
          write_account(list.add_item(), *org, a);
        });
    return {};
  });
}

Service::Out Service::list_accounts_for_parent(const api::Context& ctx, api::Input& in) {
  std::string parent_id = in.required_string("ParentId", rules::kParentId);
  auto page = finish_page(in, read_page(in));
  IAMD_TRY(page);
  return read_output(d_.store, [&](auto& o, api::OutNode& out) -> core::Status {
    auto org = caller_organization(o, ctx, Access::ManagementOnly);
    IAMD_TRY(org);
    IAMD_TRY(authorize(ctx, "organizations:ListAccountsForParent", target_arn(*org, parent_id)));
    IAMD_TRY(require_parent(o, *org, parent_id));
    auto accounts = o.list_accounts(org->id);
    IAMD_TRY(accounts);
    std::erase_if(*accounts, [&](const store::OrgAccount& a) { return a.parent_id != parent_id; });
    write_page(
        out, "Accounts", *accounts, *page, [](const store::OrgAccount& a) { return a.id; },
        [&](api::OutNode& list, const store::OrgAccount& a) {
          write_account(list.add_item(), *org, a);
        });
    return {};
  });
}

Service::Out Service::describe_account(const api::Context& ctx, api::Input& in) {
  std::string account_id = in.required_string("AccountId", rules::kAccountId);
  IAMD_TRY(finish(in));
  return read_output(d_.store, [&](auto& o, api::OutNode& out) -> core::Status {
    auto org = caller_organization(o, ctx, Access::ManagementOnly);
    IAMD_TRY(org);
    IAMD_TRY(authorize(ctx, "organizations:DescribeAccount", org->account_arn(account_id)));
    auto account = require_account(o, *org, account_id);
    IAMD_TRY(account);
    write_account(out.add_struct("Account"), *org, *account);
    return {};
  });
}

Service::Out Service::move_account(const api::Context& ctx, api::Input& in) {
  std::string account_id = in.required_string("AccountId", rules::kAccountId);
  std::string source_id = in.required_string("SourceParentId", rules::kParentId);
  std::string destination_id = in.required_string("DestinationParentId", rules::kParentId);
  IAMD_TRY(finish(in));
  return write_no_output(d_.store, [&](auto& o) -> core::Status {
    auto org = caller_organization(o, ctx, Access::ManagementOnly);
    IAMD_TRY(org);
    // MoveAccount is authorized on the account and on both parents (resource types
    // account, ou and root in the Service Authorization Reference).
    for (const std::string& arn : {org->account_arn(account_id), target_arn(*org, source_id),
                                   target_arn(*org, destination_id)}) {
      IAMD_TRY(authorize(ctx, "organizations:MoveAccount", arn));
    }
    auto account = require_account(o, *org, account_id);
    IAMD_TRY(account);
    auto source = parent_exists(o, *org, source_id);
    IAMD_TRY(source);
    if (!*source) {
      return core::Error{ErrorCode::SourceParentNotFoundException,
                         "You specified a source parent that doesn't exist."};
    }
    auto destination = parent_exists(o, *org, destination_id);
    IAMD_TRY(destination);
    if (!*destination) {
      return core::Error{ErrorCode::DestinationParentNotFoundException,
                         "You specified a destination parent that doesn't exist."};
    }
    if (account->parent_id != source_id) return account_not_found();
    if (source_id == destination_id) {
      return core::Error{ErrorCode::DuplicateAccountException,
                         "That account is already present in the specified destination."};
    }
    account->parent_id = destination_id;
    return o.put_account(org->id, *account);
  });
}

}  // namespace iamd::organizations
