// IAM roles: CreateRole, GetRole, ListRoles, UpdateRole, UpdateRoleDescription,
// UpdateAssumeRolePolicy, DeleteRole and role tags. The trust policy is validated as a trust
// policy, stored as submitted and returned URL-encoded.
#include <algorithm>
#include <cstdio>

#include "core/arn.h"
#include "core/ids.h"
#include "core/strings.h"
#include "core/time_format.h"
#include "iam/policy_documents.h"
#include "iam/rules.h"
#include "iam/service.h"
#include "policy/json/parse_and_validate.h"

namespace iamd::iam {

using core::ErrorCode;
using store::Entities;
using store::EntityKind;
using store::PolicyEntities;
using store::RoleEntities;

namespace {

constexpr size_t kRolesQuota = 1000;
constexpr size_t kTrustPolicySizeQuota = 2048;
constexpr std::int64_t kDefaultMaxSessionDuration = 3600;
constexpr api::IntRule kMaxSessionDuration{3600, 43200};

// [\u0009\u000A\u000D\u0020-\u007E\u00A1-\u00FF]*, as UTF-8.
bool is_role_description(std::string_view s) {
  for (size_t i = 0; i < s.size(); ++i) {
    auto c = static_cast<unsigned char>(s[i]);
    if (c == 0x09 || c == 0x0A || c == 0x0D || (c >= 0x20 && c <= 0x7E)) continue;
    // U+00A1..U+00FF: C2 A1..C2 BF or C3 80..C3 BF.
    if (i + 1 < s.size()) {
      auto d = static_cast<unsigned char>(s[i + 1]);
      if ((c == 0xC2 && d >= 0xA1 && d <= 0xBF) || (c == 0xC3 && d >= 0x80 && d <= 0xBF)) {
        ++i;
        continue;
      }
    }
    return false;
  }
  return true;
}

constexpr api::StringRule kRoleDescription{
    0, 1000, "[\\u0009\\u000A\\u000D\\u0020-\\u007E\\u00A1-\\u00FF]*", is_role_description};

core::Error role_exists(std::string_view name) {
  return core::Error{ErrorCode::EntityAlreadyExists,
                     "Role with name " + std::string(name) + " already exists."};
}

core::Error invalid_principal(std::string_view value) {
  return core::Error{ErrorCode::MalformedPolicyDocument,
                     "Invalid principal in policy: \"AWS\":\"" + std::string(value) + "\""};
}

// Whether an "AWS" principal that names a user or role (arn:aws:iam::ACCT:user/... or role/...)
// names one that exists, in the caller's own account or another account this server holds.
// Accounts it does not hold may have any users and roles.
core::Status check_aws_principal(store::Transaction& tx, std::string_view own_account,
                                 std::string_view value) {
  auto arn = core::Arn::parse(value);
  if (!arn || arn->service != "iam") return {};
  std::string_view resource = arn->resource;
  bool user = resource.starts_with("user/");
  bool role = resource.starts_with("role/");
  if (!user && !role) return {};
  Entities e(tx);
  if (arn->account != own_account) {
    auto account = e.find_account(arn->account);
    IAMD_TRY(account);
    if (!account->has_value()) return {};
  }
  std::string name(resource.substr(resource.rfind('/') + 1));
  // Names are unique case-insensitively, but the ARN must name the entity exactly (path, case).
  if (user) {
    auto u = e.find_user(arn->account, name);
    IAMD_TRY(u);
    if (!u->has_value() || user_arn(**u) != value) return invalid_principal(value);
    return {};
  }
  auto r = RoleEntities(tx).find_role(arn->account, name);
  IAMD_TRY(r);
  if (!r->has_value() || (*r)->arn() != value) return invalid_principal(value);
  return {};
}

}  // namespace

// --- shared pieces -----------------------------------------------------------------------------

core::Error no_such_role(std::string_view name) {
  return core::Error{ErrorCode::NoSuchEntity,
                     "The role with name " + std::string(name) + " cannot be found."};
}

void write_permissions_boundary(api::OutNode& parent, std::string_view arn) {
  auto& b = parent.add_struct("PermissionsBoundary");
  b.add_string("PermissionsBoundaryType", "PermissionsBoundaryPolicy");
  b.add_string("PermissionsBoundaryArn", std::string(arn));
}

void write_role_last_used(api::OutNode& parent, const store::Role& r) {
  auto& used = parent.add_struct("RoleLastUsed");
  if (r.last_used) {
    used.add_timestamp("LastUsedDate", core::format_iso8601(*r.last_used));
    if (!r.last_used_region.empty()) used.add_string("Region", r.last_used_region);
  }
}

void write_role(api::OutNode& out, const store::Role& r, RoleFields fields) {
  out.add_string("Path", r.path);
  out.add_string("RoleName", r.name);
  out.add_string("RoleId", r.id);
  out.add_string("Arn", r.arn());
  out.add_timestamp("CreateDate", core::format_iso8601(r.create_date));
  out.add_string("AssumeRolePolicyDocument", encode_policy_document(r.assume_role_policy_document));
  if (!r.description.empty()) out.add_string("Description", r.description);
  out.add_integer("MaxSessionDuration", r.max_session_duration);
  if (fields.details) {
    if (!r.permissions_boundary_arn.empty()) {
      write_permissions_boundary(out, r.permissions_boundary_arn);
    }
    if (!r.tags.empty()) write_tags(out.add_list("Tags"), r.tags);
  }
  if (fields.last_used) write_role_last_used(out, r);
}

core::Status check_trust_policy(store::Transaction& tx, std::string_view account,
                                std::string_view document) {
  auto parsed = policy::json::parse_and_validate(document, policy::PolicyType::Trust);
  IAMD_TRY(parsed);
  if (policy_size(document) > kTrustPolicySizeQuota) {
    return core::Error{ErrorCode::LimitExceeded, "Cannot exceed quota for ACLSizePerRole: " +
                                                     std::to_string(kTrustPolicySizeQuota)};
  }
  for (const auto& st : parsed->statements) {
    if (!st.principal) continue;
    for (const auto& [type, values] : st.principal->by_type) {
      if (type != "AWS") continue;
      for (const auto& v : values) IAMD_TRY(check_aws_principal(tx, account, v));
    }
  }
  return {};
}

core::Result<store::Role> Service::load_role(
    store::RoleEntities& r, const api::Context& ctx, std::string_view name,
    std::string_view action, std::vector<std::pair<std::string, policy::ContextValue>> keys,
    bool boundary_key) const {
  auto role = r.find_role(ctx.caller.account, name);
  IAMD_TRY(role);
  if (!role->has_value()) {
    // Authorized on the path-less ARN first, so a denied caller learns nothing.
    std::string arn = core::iam_arn(ctx.caller.account, "role", "/", name);
    IAMD_TRY(authorize(ctx, authz::Request{action, arn, std::move(keys)}));
    return no_such_role(name);
  }
  if (boundary_key && !(*role)->permissions_boundary_arn.empty()) {
    keys.emplace_back("iam:PermissionsBoundary",
                      policy::ContextValue{{(*role)->permissions_boundary_arn}, false});
  }
  std::string arn = (*role)->arn();
  IAMD_TRY(authorize(ctx, authz::Request{action, arn, std::move(keys), &(*role)->tags}));
  return std::move(**role);
}

// --- handlers ----------------------------------------------------------------------------------

core::Result<api::Output> Service::create_role(const api::Context& ctx, api::Input& in) {
  store::Role role;
  role.name = in.required_string("RoleName", rules::kRoleName);
  role.path = in.optional_string("Path", rules::kPath).value_or("/");
  role.assume_role_policy_document =
      in.required_string("AssumeRolePolicyDocument", rules::kPolicyDocument);
  role.description = in.optional_string("Description", kRoleDescription).value_or("");
  role.max_session_duration = static_cast<int>(
      in.optional_int("MaxSessionDuration", kMaxSessionDuration).value_or(kDefaultMaxSessionDuration));
  auto boundary = in.optional_string("PermissionsBoundary", rules::kArn);
  role.tags = read_tags(in);
  IAMD_TRY(in.finish());
  IAMD_TRY(check_tags(role.tags));
  role.account = ctx.caller.account;
  {
    std::string arn = role.arn();
    authz::Request request{"iam:CreateRole", arn, request_tag_keys(role.tags)};
    if (boundary) {
      request.keys.emplace_back("iam:PermissionsBoundary",
                                policy::ContextValue{{*boundary}, false});
    }
    IAMD_TRY(authorize(ctx, request));
  }
  if (boundary && !parse_policy_arn(*boundary)) return invalid_policy_arn(*boundary);
  role.id = core::make_entity_id(d_.random, core::id_prefix::kRole);
  role.create_date = std::chrono::time_point_cast<std::chrono::seconds>(ctx.now);

  IAMD_TRY(d_.store.write([&](store::Transaction& tx) -> core::Status {
    IAMD_TRY(check_trust_policy(tx, role.account, role.assume_role_policy_document));
    RoleEntities r(tx);
    auto existing = r.find_role(role.account, role.name);
    IAMD_TRY(existing);
    if (existing->has_value()) return role_exists(role.name);
    auto count = r.count_roles(role.account);
    IAMD_TRY(count);
    if (*count >= kRolesQuota) {
      return core::Error{ErrorCode::LimitExceeded,
                         "Cannot exceed quota for RolesPerAccount: " + std::to_string(kRolesQuota)};
    }
    if (boundary) {
      PolicyEntities p(tx);
      IAMD_TRY(find_attachable_policy(p, role.account, *boundary));
      role.permissions_boundary_arn = *boundary;
      IAMD_TRY(p.set_boundary_use(role.account, EntityKind::Role, role.id, *boundary, true));
    }
    return r.put_role(role);
  }));

  api::Output out;
  write_role(out.result.add_struct("Role"), role, RoleFields{.details = true, .last_used = false});
  return out;
}

core::Result<api::Output> Service::get_role(const api::Context& ctx, api::Input& in) {
  auto name = in.required_string("RoleName", rules::kRoleName);
  IAMD_TRY(in.finish());
  if (d_.settle_last_used) d_.settle_last_used();
  store::Role role;
  IAMD_TRY(d_.store.read([&](store::Transaction& tx) -> core::Status {
    RoleEntities r(tx);
    auto found = load_role(r, ctx, name, "iam:GetRole");
    IAMD_TRY(found);
    role = std::move(*found);
    return {};
  }));
  api::Output out;
  write_role(out.result.add_struct("Role"), role, RoleFields{});
  return out;
}

core::Result<api::Output> Service::list_roles(const api::Context& ctx, api::Input& in) {
  auto prefix = in.optional_string("PathPrefix", rules::kPathPrefix).value_or("/");
  api::Page page = in.page();
  IAMD_TRY(in.finish());
  IAMD_TRY(authorize(ctx, "iam:ListRoles", core::iam_arn(ctx.caller.account, "role", "/", "")));
  store::Listing<store::Role> listing;
  IAMD_TRY(d_.store.read([&](store::Transaction& tx) -> core::Status {
    auto l = RoleEntities(tx).list_roles(ctx.caller.account, prefix, page.marker.value_or(""),
                                         page.max_items);
    IAMD_TRY(l);
    listing = std::move(*l);
    return {};
  }));
  api::Output out;
  auto& roles = out.result.add_list("Roles");
  for (const auto& r : listing.items) {
    write_role(roles.add_item(), r, RoleFields{.details = false, .last_used = false});
  }
  out.result.add_boolean("IsTruncated", listing.is_truncated);
  if (listing.is_truncated) out.result.add_string("Marker", listing.marker);
  return out;
}

core::Result<api::Output> Service::update_role(const api::Context& ctx, api::Input& in) {
  auto name = in.required_string("RoleName", rules::kRoleName);
  auto description = in.optional_string("Description", kRoleDescription);
  auto max_session = in.optional_int("MaxSessionDuration", kMaxSessionDuration);
  IAMD_TRY(in.finish());
  IAMD_TRY(d_.store.write([&](store::Transaction& tx) -> core::Status {
    RoleEntities r(tx);
    auto role = load_role(r, ctx, name, "iam:UpdateRole");
    IAMD_TRY(role);
    if (description) role->description = *description;
    if (max_session) role->max_session_duration = static_cast<int>(*max_session);
    return r.put_role(*role);
  }));
  // The output shape has no members, but botocore needs the (empty) Result element.
  return api::Output{};
}

core::Result<api::Output> Service::update_role_description(const api::Context& ctx,
                                                           api::Input& in) {
  auto name = in.required_string("RoleName", rules::kRoleName);
  auto description = in.required_string("Description", kRoleDescription);
  IAMD_TRY(in.finish());
  store::Role updated;
  IAMD_TRY(d_.store.write([&](store::Transaction& tx) -> core::Status {
    RoleEntities r(tx);
    auto role = load_role(r, ctx, name, "iam:UpdateRoleDescription");
    IAMD_TRY(role);
    role->description = description;
    updated = *role;
    return r.put_role(*role);
  }));
  api::Output out;
  write_role(out.result.add_struct("Role"), updated, RoleFields{});
  return out;
}

core::Result<api::Output> Service::update_assume_role_policy(const api::Context& ctx,
                                                             api::Input& in) {
  auto name = in.required_string("RoleName", rules::kRoleName);
  auto document = in.required_string("PolicyDocument", rules::kPolicyDocument);
  IAMD_TRY(in.finish());
  IAMD_TRY(d_.store.write([&](store::Transaction& tx) -> core::Status {
    RoleEntities r(tx);
    auto role = load_role(r, ctx, name, "iam:UpdateAssumeRolePolicy");
    IAMD_TRY(role);
    IAMD_TRY(check_trust_policy(tx, ctx.caller.account, document));
    role->assume_role_policy_document = document;
    return r.put_role(*role);
  }));
  return api::Output::none();
}

core::Result<api::Output> Service::delete_role(const api::Context& ctx, api::Input& in) {
  auto name = in.required_string("RoleName", rules::kRoleName);
  IAMD_TRY(in.finish());
  const std::string& account = ctx.caller.account;
  IAMD_TRY(d_.store.write([&](store::Transaction& tx) -> core::Status {
    RoleEntities r(tx);
    auto role = load_role(r, ctx, name, "iam:DeleteRole");
    IAMD_TRY(role);
    auto conflict = [](std::string what) {
      return core::Error{ErrorCode::DeleteConflict,
                         "Cannot delete entity, must " + what + " first."};
    };
    // Instance profiles are not served yet; once they are, a role still in one is a conflict too:
    // "Cannot delete entity, must remove roles from instance profile first."
    PolicyEntities p(tx);
    auto inline_policies = p.inline_policies(account, EntityKind::Role, role->id);
    IAMD_TRY(inline_policies);
    if (!inline_policies->empty()) return conflict("delete policies");
    auto attached = p.attached_to(account, EntityKind::Role, role->id);
    IAMD_TRY(attached);
    if (!attached->empty()) return conflict("detach all policies");
    // A boundary and tags do not block deletion; the policy just stops counting this role.
    if (!role->permissions_boundary_arn.empty()) {
      IAMD_TRY(p.set_boundary_use(account, EntityKind::Role, role->id,
                                  role->permissions_boundary_arn, false));
    }
    return r.erase_role(*role);
  }));
  return api::Output::none();
}

core::Result<api::Output> Service::tag_role(const api::Context& ctx, api::Input& in) {
  auto name = in.required_string("RoleName", rules::kRoleName);
  if (!in.has_list("Tags")) in.violation("Tags", std::nullopt, "Member must not be null");
  auto tags = read_tags(in);
  IAMD_TRY(in.finish());
  IAMD_TRY(check_tags(tags));
  IAMD_TRY(d_.store.write([&](store::Transaction& tx) -> core::Status {
    RoleEntities r(tx);
    auto role = load_role(r, ctx, name, "iam:TagRole", request_tag_keys(tags));
    IAMD_TRY(role);
    IAMD_TRY(merge_tags(role->tags, tags));
    return r.put_role(*role);
  }));
  return api::Output::none();
}

core::Result<api::Output> Service::untag_role(const api::Context& ctx, api::Input& in) {
  auto name = in.required_string("RoleName", rules::kRoleName);
  if (!in.has_list("TagKeys")) in.violation("TagKeys", std::nullopt, "Member must not be null");
  auto keys = in.string_list("TagKeys", rules::kTagKey, rules::kMaxTags);
  IAMD_TRY(in.finish());
  IAMD_TRY(d_.store.write([&](store::Transaction& tx) -> core::Status {
    RoleEntities r(tx);
    auto role = load_role(r, ctx, name, "iam:UntagRole",
                          {{"aws:TagKeys", policy::ContextValue{keys, true}}});
    IAMD_TRY(role);
    // Role tag keys compare case-insensitively; removing an absent key is not an error.
    std::erase_if(role->tags, [&](const store::Tag& t) {
      return std::any_of(keys.begin(), keys.end(),
                         [&](const std::string& k) { return core::iequals(k, t.key); });
    });
    return r.put_role(*role);
  }));
  return api::Output::none();
}

core::Result<api::Output> Service::list_role_tags(const api::Context& ctx, api::Input& in) {
  auto name = in.required_string("RoleName", rules::kRoleName);
  api::Page page = in.page();
  IAMD_TRY(in.finish());
  std::vector<store::Tag> tags;
  IAMD_TRY(d_.store.read([&](store::Transaction& tx) -> core::Status {
    RoleEntities r(tx);
    auto role = load_role(r, ctx, name, "iam:ListRoleTags");
    IAMD_TRY(role);
    tags = std::move(role->tags);
    return {};
  }));
  return sorted_tags_page(std::move(tags), page);
}

}  // namespace iamd::iam
