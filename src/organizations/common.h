#pragma once
// Pieces the Organizations handlers share (common.cc): output writers, pagination, targets.

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "api/input.h"
#include "api/params.h"
#include "core/result.h"
#include "store/organizations.h"

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
