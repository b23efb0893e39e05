// GetAccountAuthorizationDetails: every user, group, role and managed policy of the account with
// the policies that apply to it, documents URL-encoded, paged across all four lists.
#include <algorithm>
#include <limits>

#include "core/strings.h"
#include "core/time_format.h"
#include "iam/aws_managed_policies.h"
#include "iam/policy_documents.h"
#include "iam/rules.h"
#include "iam/service.h"

namespace iamd::iam {

using store::Entities;
using store::EntityKind;
using store::PolicyEntities;

namespace {

constexpr std::string_view kFilterValues[] = {"User", "Role", "Group", "LocalManagedPolicy",
                                              "AWSManagedPolicy"};

// Items of the combined listing sort users, groups, roles, then policies; by name within each.
enum class ItemKind { User = 1, Group = 2, Role = 3, Policy = 4 };

struct Item {
  std::string key;
  ItemKind kind;
  size_t index;  // into the vector of its kind
};

std::string item_key(ItemKind kind, std::string_view name, std::string_view id) {
  return std::to_string(static_cast<int>(kind)) + " " + listing_key(name, id);
}

void write_inline_list(api::OutNode& list, const std::vector<store::InlinePolicy>& policies) {
  for (const auto& p : policies) {
    auto& item = list.add_item();
    item.add_string("PolicyName", p.name);
    item.add_string("PolicyDocument", encode_policy_document(p.document));
  }
}

void write_attached_list(api::OutNode& list, const std::vector<std::string>& arns) {
  for (const auto& arn : arns) write_attached_policy(list.add_item(), arn);
}

// Newest version first, as ListPolicyVersions lists them.
bool newer(const store::PolicyVersion& a, const store::PolicyVersion& b) {
  auto number = [](std::string_view id) {
    unsigned long long n = 0;
    for (size_t i = 1; i < id.size() && id[i] >= '0' && id[i] <= '9'; ++i) {
      n = std::min(n * 10 + static_cast<unsigned long long>(id[i] - '0'), 1ULL << 40);
    }
    return n;
  };
  return number(a.version_id) > number(b.version_id);
}

}  // namespace

core::Result<api::Output> Service::get_account_authorization_details(const api::Context& ctx,
                                                                     api::Input& in) {
  auto filter = in.string_list("Filter");
  for (const auto& f : filter) {
    if (std::find(std::begin(kFilterValues), std::end(kFilterValues), f) ==
        std::end(kFilterValues)) {
      in.violation("Filter", f,
                   "Member must satisfy enum value set: [User, Role, Group, LocalManagedPolicy, "
                   "AWSManagedPolicy]");
    }
  }
  api::Page page = in.page();
  IAMD_TRY(in.finish());
  IAMD_TRY(authorize(ctx, "iam:GetAccountAuthorizationDetails", "*"));
  auto wanted = [&](std::string_view what) {
    return filter.empty() || std::find(filter.begin(), filter.end(), what) != filter.end();
  };
  const std::string& account = ctx.caller.account;

  struct UserData {
    store::User user;
    std::vector<store::InlinePolicy> inline_policies;
    std::vector<std::string> groups;
    std::vector<std::string> attached;
  };
  struct GroupData {
    store::Group group;
    std::vector<store::InlinePolicy> inline_policies;
    std::vector<std::string> attached;
  };
  struct RoleData {
    store::Role role;
    std::vector<store::InlinePolicy> inline_policies;
    std::vector<std::string> attached;
  };
  struct PolicyData {
    ManagedPolicyRef ref;
    PolicyUsage usage;
    std::vector<store::PolicyVersion> versions;
  };
  std::vector<UserData> users;
  std::vector<GroupData> groups;
  std::vector<RoleData> roles;
  std::vector<PolicyData> policies;
  std::vector<Item> items;
  PageRange range;

  IAMD_TRY(d_.store.read([&](store::Transaction& tx) -> core::Status {
    Entities e(tx);
    PolicyEntities p(tx);
    constexpr size_t kAll = std::numeric_limits<size_t>::max();
    // First what exists, to find the page; then the details of what the page holds.
    if (wanted("User")) {
      auto l = e.list_users(account, "/", "", kAll);
      IAMD_TRY(l);
      for (auto& u : l->items) users.push_back(UserData{std::move(u), {}, {}, {}});
    }
    if (wanted("Group")) {
      auto l = e.list_groups(account, "/", "", kAll);
      IAMD_TRY(l);
      for (auto& g : l->items) groups.push_back(GroupData{std::move(g), {}, {}});
    }
    if (wanted("Role")) {
      auto all = store::RoleEntities(tx).all_roles(account);
      IAMD_TRY(all);
      for (auto& r : *all) roles.push_back(RoleData{std::move(r), {}, {}});
    }
    bool local = wanted("LocalManagedPolicy");
    bool aws = wanted("AWSManagedPolicy");
    if (local || aws) {
      auto all = visible_policies(p, account, aws, local);
      IAMD_TRY(all);
      for (auto& ref : *all) {
        auto usage = policy_usage(p, account, ref.policy.arn());
        IAMD_TRY(usage);
        // Of AWS's policies only those the account uses appear, as on AWS.
        if (ref.aws_managed && usage->attachments == 0 && usage->boundaries == 0) continue;
        policies.push_back(PolicyData{std::move(ref), *usage, {}});
      }
    }
    for (size_t i = 0; i < users.size(); ++i) {
      items.push_back(
          Item{item_key(ItemKind::User, users[i].user.name, users[i].user.id), ItemKind::User, i});
    }
    for (size_t i = 0; i < groups.size(); ++i) {
      items.push_back(Item{item_key(ItemKind::Group, groups[i].group.name, groups[i].group.id),
                           ItemKind::Group, i});
    }
    for (size_t i = 0; i < roles.size(); ++i) {
      items.push_back(
          Item{item_key(ItemKind::Role, roles[i].role.name, roles[i].role.id), ItemKind::Role, i});
    }
    for (size_t i = 0; i < policies.size(); ++i) {
      items.push_back(
          Item{item_key(ItemKind::Policy, policies[i].ref.policy.name, policies[i].ref.policy.id),
               ItemKind::Policy, i});
    }
    std::sort(items.begin(), items.end(),
              [](const Item& a, const Item& b) { return a.key < b.key; });
    std::vector<std::string> keys;
    keys.reserve(items.size());
    for (const auto& item : items) keys.push_back(item.key);
    range = page_range(keys, page);

    for (size_t i = range.begin; i < range.end; ++i) {
      const Item& item = items[i];
      if (item.kind == ItemKind::User) {
        UserData& d = users[item.index];
        auto inl = p.inline_policies(account, EntityKind::User, d.user.id);
        IAMD_TRY(inl);
        d.inline_policies = std::move(*inl);
        auto attached = p.attached_to(account, EntityKind::User, d.user.id);
        IAMD_TRY(attached);
        d.attached = std::move(*attached);
        auto gids = e.group_ids_of_user(account, d.user.id);
        IAMD_TRY(gids);
        for (const auto& gid : *gids) {
          auto g = e.find_group_by_id(account, gid);
          IAMD_TRY(g);
          if (g->has_value()) d.groups.push_back((*g)->name);
        }
        std::sort(d.groups.begin(), d.groups.end(), [](const auto& a, const auto& b) {
          return core::ascii_lower(a) < core::ascii_lower(b);
        });
      } else if (item.kind == ItemKind::Group) {
        GroupData& d = groups[item.index];
        auto inl = p.inline_policies(account, EntityKind::Group, d.group.id);
        IAMD_TRY(inl);
        d.inline_policies = std::move(*inl);
        auto attached = p.attached_to(account, EntityKind::Group, d.group.id);
        IAMD_TRY(attached);
        d.attached = std::move(*attached);
      } else if (item.kind == ItemKind::Role) {
        RoleData& d = roles[item.index];
        auto inl = p.inline_policies(account, EntityKind::Role, d.role.id);
        IAMD_TRY(inl);
        d.inline_policies = std::move(*inl);
        auto attached = p.attached_to(account, EntityKind::Role, d.role.id);
        IAMD_TRY(attached);
        d.attached = std::move(*attached);
      } else if (item.kind == ItemKind::Policy) {
        PolicyData& d = policies[item.index];
        if (d.ref.aws_managed) {
          d.versions.push_back(store::PolicyVersion{d.ref.policy.default_version_id,
                                                    d.ref.aws_document, d.ref.policy.create_date});
        } else {
          auto v = p.list_versions(account, d.ref.policy.name);
          IAMD_TRY(v);
          d.versions = std::move(*v);
          std::sort(d.versions.begin(), d.versions.end(), newer);
        }
      }
    }
    return {};
  }));

  api::Output out;
  out.result.add_list("UserDetailList");
  out.result.add_list("GroupDetailList");
  out.result.add_list("RoleDetailList");
  out.result.add_list("Policies");
  // References only once every list is added: adding a member may move the others.
  auto& user_list = out.result.children[0];
  auto& group_list = out.result.children[1];
  auto& role_list = out.result.children[2];
  auto& policy_list = out.result.children[3];
  for (size_t i = range.begin; i < range.end; ++i) {
    const Item& item = items[i];
    if (item.kind == ItemKind::User) {
      const UserData& d = users[item.index];
      const store::User& u = d.user;
      auto& n = user_list.add_item();
      n.add_string("Path", u.path);
      n.add_string("UserName", u.name);
      n.add_string("UserId", u.id);
      n.add_string("Arn", user_arn(u));
      n.add_timestamp("CreateDate", core::format_iso8601(u.create_date));
      write_inline_list(n.add_list("UserPolicyList"), d.inline_policies);
      auto& group_names = n.add_list("GroupList");
      for (const auto& g : d.groups) group_names.add_string_item(g);
      write_attached_list(n.add_list("AttachedManagedPolicies"), d.attached);
      if (!u.permissions_boundary_arn.empty()) {
        auto& b = n.add_struct("PermissionsBoundary");
        b.add_string("PermissionsBoundaryType", "PermissionsBoundaryPolicy");
        b.add_string("PermissionsBoundaryArn", u.permissions_boundary_arn);
      }
      if (!u.tags.empty()) write_tags(n.add_list("Tags"), u.tags);
    } else if (item.kind == ItemKind::Group) {
      const GroupData& d = groups[item.index];
      auto& n = group_list.add_item();
      n.add_string("Path", d.group.path);
      n.add_string("GroupName", d.group.name);
      n.add_string("GroupId", d.group.id);
      n.add_string("Arn", group_arn(d.group));
      n.add_timestamp("CreateDate", core::format_iso8601(d.group.create_date));
      write_inline_list(n.add_list("GroupPolicyList"), d.inline_policies);
      write_attached_list(n.add_list("AttachedManagedPolicies"), d.attached);
    } else if (item.kind == ItemKind::Role) {
      const RoleData& d = roles[item.index];
      const store::Role& r = d.role;
      auto& n = role_list.add_item();
      n.add_string("Path", r.path);
      n.add_string("RoleName", r.name);
      n.add_string("RoleId", r.id);
      n.add_string("Arn", r.arn());
      n.add_timestamp("CreateDate", core::format_iso8601(r.create_date));
      n.add_string("AssumeRolePolicyDocument",
                   encode_policy_document(r.assume_role_policy_document));
      n.add_list("InstanceProfileList");  // instance profiles are not served yet
      write_inline_list(n.add_list("RolePolicyList"), d.inline_policies);
      write_attached_list(n.add_list("AttachedManagedPolicies"), d.attached);
      if (!r.permissions_boundary_arn.empty()) {
        write_permissions_boundary(n, r.permissions_boundary_arn);
      }
      if (!r.tags.empty()) write_tags(n.add_list("Tags"), r.tags);
      write_role_last_used(n, r);
    } else if (item.kind == ItemKind::Policy) {
      const PolicyData& d = policies[item.index];
      auto& n = policy_list.add_item();
      write_policy(n, d.ref.policy, d.usage, PolicyFields{.description = true, .tags = false});
      auto& versions = n.add_list("PolicyVersionList");
      for (const auto& v : d.versions) {
        auto& vn = versions.add_item();
        vn.add_string("Document", encode_policy_document(v.document));
        vn.add_string("VersionId", v.version_id);
        vn.add_boolean("IsDefaultVersion", v.version_id == d.ref.policy.default_version_id);
        vn.add_timestamp("CreateDate", core::format_iso8601(v.create_date));
      }
    }
  }
  write_page_end(out.result, range);
  return out;
}

}  // namespace iamd::iam
