#pragma once
// Pieces the Organizations handlers share (common.cc): output writers, pagination, targets.

#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "api/input.h"
#include "api/params.h"
#include "core/result.h"
#include "policy/context.h"
#include "store/organizations.h"
#include "store/store.h"

namespace iamd::organizations {

enum class TargetKind { Root, Unit, Account };
/// The kind of a target id (r-..., ou-..., or 12 digits); the id must be valid.
TargetKind target_kind(std::string_view id);
/// The ARN of a root, OU or account of `org` by id.
std::string target_arn(const store::Organization& org, std::string_view id);
/// The ARN of a policy, AWS managed or of `org`.
std::string policy_arn(const store::Organization& org, const store::OrgPolicy& policy);

// Output members in model order.
void write_organization(api::OutNode& out, const store::Organization& org);
void write_root(api::OutNode& out, const store::Organization& org, const store::OrgRoot& root);
void write_unit(api::OutNode& out, const store::Organization& org, const store::OrgUnit& unit);
void write_account(api::OutNode& out, const store::Organization& org,
                   const store::OrgAccount& account);
void write_create_account_status(api::OutNode& out, const store::CreateAccountStatus& status);
void write_policy_summary(api::OutNode& out, const store::Organization& org,
                          const store::OrgPolicy& policy);

/// A required PolicyType-enum member (Type, Filter, PolicyType).
std::string read_policy_type(api::Input& in, std::string_view name);
/// A Tags list (Key/Value), validated per item and for its length.
std::vector<store::Tag> read_tags(api::Input& in);
/// InvalidInputException DUPLICATE_TAG_KEY when two tags share a key.
core::Status check_tags(const std::vector<store::Tag>& tags);

/// The organizations:PolicyType condition key of a request about policy type `type`.
std::vector<std::pair<std::string, policy::ContextValue>> policy_type_key(const std::string& type);

/// NextToken and MaxResults as read; make_page validates the token after Input::finish.
struct PageInput {
  std::optional<std::string> token;
  std::optional<std::int64_t> max_results;
};
PageInput read_page(api::Input& in);
struct Page {
  std::string after;  // the id of the last item already returned; "" from the start
  size_t max_results = 20;
};
/// InvalidInputException INVALID_NEXT_TOKEN for a token this service did not hand out.
core::Result<Page> make_page(const PageInput& in);
std::string encode_token(std::string_view last_id);
/// finish(in), then make_page(page_in): the input's ValidationError comes before a bad token.
core::Result<Page> finish_page(const api::Input& in, const PageInput& page_in);

/// Appends the page of `items` (sorted by id) as list `list_name` to `result`, writing each with
/// `write(list, item)`, and NextToken when more remain.
template <class T, class IdOf, class Write>
void write_page(api::OutNode& result, std::string_view list_name, const std::vector<T>& items,
                const Page& page, IdOf id_of, Write write) {
  auto& list = result.add_list(std::string(list_name));
  size_t count = 0;
  std::string last;
  for (const auto& item : items) {
    std::string id = id_of(item);
    if (!page.after.empty() && id <= page.after) continue;
    if (count == page.max_results) {
      result.add_string("NextToken", encode_token(last));
      return;
    }
    write(list, item);
    last = std::move(id);
    ++count;
  }
}

// One store transaction per handler. `body` gets the transaction's OrganizationEntities and, for
// read_output and write_output, the result node to fill. A backend may run a transaction more
// than once, so each attempt starts from an empty output.

template <class Body>
core::Result<api::Output> read_output(store::Store& store, Body body) {
  api::Output out;
  IAMD_TRY(store.read([&](store::Transaction& tx) -> core::Status {
    out = api::Output{};
    store::OrganizationEntities o(tx);
    return body(o, out.result);
  }));
  return out;
}

template <class Body>
core::Result<api::Output> write_output(store::Store& store, Body body) {
  api::Output out;
  IAMD_TRY(store.write([&](store::Transaction& tx) -> core::Status {
    out = api::Output{};
    store::OrganizationEntities o(tx);
    return body(o, out.result);
  }));
  return out;
}

/// A write whose answer has no members (Output::none()).
template <class Body>
core::Result<api::Output> write_no_output(store::Store& store, Body body) {
  IAMD_TRY(store.write([&](store::Transaction& tx) -> core::Status {
    store::OrganizationEntities o(tx);
    return body(o);
  }));
  return api::Output::none();
}

// Lookups that fail with the operation's not-found error.

/// Account `id` of `org`, else AccountNotFoundException.
core::Result<store::OrgAccount> require_account(store::OrganizationEntities& o,
                                                const store::Organization& org,
                                                std::string_view id);
/// OU `id` of `org`, else OrganizationalUnitNotFoundException.
core::Result<store::OrgUnit> require_unit(store::OrganizationEntities& o,
                                          const store::Organization& org, std::string_view id);
/// Root `id` of `org`, else RootNotFoundException.
core::Result<store::OrgRoot> require_root(store::OrganizationEntities& o,
                                          const store::Organization& org, std::string_view id);
/// ParentNotFoundException unless `parent_id` names the root or an OU of `org`.
core::Status require_parent(store::OrganizationEntities& o, const store::Organization& org,
                            std::string_view parent_id);
/// TargetNotFoundException unless `target_id` names the root, an OU or an account of `org`.
core::Status require_target(store::OrganizationEntities& o, const store::Organization& org,
                            std::string_view target_id);

/// The organization's root (an organization has exactly one).
core::Result<store::OrgRoot> root_of(store::OrganizationEntities& o, const store::Organization& org);
/// Whether `parent_id` names the root or an existing OU of `org`.
core::Result<bool> parent_exists(store::OrganizationEntities& o, const store::Organization& org,
                                 std::string_view parent_id);
/// The name of a root, OU or account of `org`, or nullopt when there is no such target.
core::Result<std::optional<std::string>> target_name(store::OrganizationEntities& o,
                                                     const store::Organization& org,
                                                     std::string_view target_id);

}  // namespace iamd::organizations
