// Managed policies: CreatePolicy, GetPolicy, ListPolicies, DeletePolicy, their versions
// (CreatePolicyVersion, GetPolicyVersion, ListPolicyVersions, DeletePolicyVersion,
// SetDefaultPolicyVersion) and policy tags. AWS managed policies can be read but not changed.
#include <algorithm>
#include <cstdio>

#include "core/arn.h"
#include "core/ids.h"
#include "core/strings.h"
#include "core/time_format.h"
#include "iam/policy_documents.h"
#include "iam/rules.h"
#include "iam/service.h"

namespace iamd::iam {

using core::ErrorCode;
using store::PolicyEntities;

namespace {

core::Error policy_exists(std::string_view name) {
  return core::Error{
      ErrorCode::EntityAlreadyExists,
      "A policy called " + std::string(name) + " already exists. Duplicate names are not allowed."};
}

core::Error no_such_version(std::string_view arn, std::string_view version_id) {
  return core::Error{ErrorCode::NoSuchEntity, "Policy " + std::string(arn) + " version " +
                                                  std::string(version_id) +
                                                  " does not exist or is not attachable."};
}

// AWS managed policies belong to AWS's account: principals of this account, root included, may
// read and attach them but never change them, which AWS reports as a cross-account denial.
core::Error aws_managed_is_read_only(const api::Context& ctx, std::string_view action,
                                     std::string_view arn) {
  return core::Error{
      ErrorCode::AccessDenied,
      "User: " + ctx.caller.arn + " is not authorized to perform: " + std::string(action) +
          " on resource: " + std::string(arn) + " because no resource-based policy allows the " +
          std::string(action) + " action"};
}

core::TimePoint whole_seconds(const api::Context& ctx) {
  return std::chrono::time_point_cast<std::chrono::seconds>(ctx.now);
}

// Tag keys on policies compare case-sensitively (only users' and roles' keys do not, spec §2.0).

// Versions list newest first: the key of vN sorts before that of vM when N > M.
std::string version_key(std::string_view version_id) {
  unsigned long long n = 0;
  for (size_t i = 1; i < version_id.size() && version_id[i] >= '0' && version_id[i] <= '9'; ++i) {
    n = n * 10 + static_cast<unsigned long long>(version_id[i] - '0');
    if (n > 9999999999ULL) break;
  }
  char buf[16];
  std::snprintf(buf, sizeof buf, "%010llu", 9999999999ULL - std::min(n, 9999999999ULL));
  return buf;
}

void write_version(api::OutNode& out, const store::PolicyVersion& v, bool is_default,
                   bool with_document) {
  if (with_document) out.add_string("Document", encode_policy_document(v.document));
  out.add_string("VersionId", v.version_id);
  out.add_boolean("IsDefaultVersion", is_default);
  out.add_timestamp("CreateDate", core::format_iso8601(v.create_date));
}

// The versions of a policy: stored ones, or the single shipped version of an AWS managed policy.
core::Result<std::vector<store::PolicyVersion>> versions_of(PolicyEntities& p,
                                                            const ManagedPolicyRef& ref) {
  if (ref.aws_managed) {
    return std::vector<store::PolicyVersion>{store::PolicyVersion{
        ref.policy.default_version_id, ref.aws_document, ref.policy.create_date}};
  }
  return p.list_versions(ref.policy.account, ref.policy.name);
}

}  // namespace

core::Result<ManagedPolicyRef> Service::load_policy(store::PolicyEntities& p,
                                                    const api::Context& ctx, std::string_view arn,
                                                    std::string_view action) const {
  if (!parse_policy_arn(arn)) return invalid_policy_arn(arn);
  // Authorized on the ARN as given before looking, so a denied caller learns nothing.
  IAMD_TRY(authorize(ctx, action, arn));
  auto found = find_managed_policy(p, ctx.caller.account, arn);
  IAMD_TRY(found);
  if (!found->has_value()) return no_such_policy(arn);
  return std::move(**found);
}

core::Result<api::Output> Service::create_policy(const api::Context& ctx, api::Input& in) {
  store::ManagedPolicy policy;
  policy.name = in.required_string("PolicyName", rules::kPolicyName);
  policy.path = in.optional_string("Path", rules::kPolicyPath).value_or("/");
  std::string document = in.required_string("PolicyDocument", rules::kPolicyDocument);
  policy.description = in.optional_string("Description", rules::kPolicyDescription).value_or("");
  policy.tags = read_tags(in);
  IAMD_TRY(in.finish());
  IAMD_TRY(check_tags(policy.tags, TagKeys::CaseSensitive));
  policy.account = ctx.caller.account;
  IAMD_TRY(authorize(ctx, "iam:CreatePolicy", policy.arn()));
  IAMD_TRY(validate_policy_document(document, policy::PolicyType::Identity));
  IAMD_TRY(check_managed_policy_size(document));
  policy.id = core::make_entity_id(d_.random, core::id_prefix::kManagedPolicy);
  policy.create_date = whole_seconds(ctx);
  policy.update_date = policy.create_date;
  policy.default_version_id = "v1";
  policy.next_version = 2;
  store::PolicyVersion v1{"v1", document, policy.create_date};

  IAMD_TRY(d_.store.write([&](store::Transaction& tx) -> core::Status {
    PolicyEntities p(tx);
    auto existing = p.find_policy(policy.account, policy.name);
    IAMD_TRY(existing);
    if (existing->has_value()) return policy_exists(policy.name);
    auto all = p.list_policies(policy.account);
    IAMD_TRY(all);
    if (all->size() >= kCustomerManagedPoliciesQuota) {
      return core::Error{ErrorCode::LimitExceeded,
                         "Cannot exceed quota for PoliciesPerAccount: " +
                             std::to_string(kCustomerManagedPoliciesQuota)};
    }
    IAMD_TRY(p.put_policy(policy));
    return p.put_version(policy.account, policy.name, v1);
  }));

  api::Output out;
  write_policy(out.result.add_struct("Policy"), policy, PolicyUsage{}, PolicyFields{});
  return out;
}

core::Result<api::Output> Service::get_policy(const api::Context& ctx, api::Input& in) {
  auto arn = in.required_string("PolicyArn", rules::kArn);
  IAMD_TRY(in.finish());
  ManagedPolicyRef ref;
  PolicyUsage usage;
  IAMD_TRY(d_.store.read([&](store::Transaction& tx) -> core::Status {
    PolicyEntities p(tx);
    auto r = load_policy(p, ctx, arn, "iam:GetPolicy");
    IAMD_TRY(r);
    ref = std::move(*r);
    auto u = policy_usage(p, ctx.caller.account, arn);
    IAMD_TRY(u);
    usage = *u;
    return {};
  }));
  api::Output out;
  write_policy(out.result.add_struct("Policy"), ref.policy, usage, PolicyFields{});
  return out;
}

core::Result<api::Output> Service::list_policies(const api::Context& ctx, api::Input& in) {
  auto scope = in.optional_enum("Scope", {"All", "AWS", "Local"}).value_or("All");
  bool only_attached = in.optional_bool("OnlyAttached").value_or(false);
  auto prefix = in.optional_string("PathPrefix", rules::kPolicyPath).value_or("/");
  auto usage_filter =
      in.optional_enum("PolicyUsageFilter", {"PermissionsPolicy", "PermissionsBoundary"});
  api::Page page = in.page();
  IAMD_TRY(in.finish());
  IAMD_TRY(authorize(ctx, "iam:ListPolicies", "*"));

  struct Entry {
    std::string key;
    store::ManagedPolicy policy;
    PolicyUsage usage;
  };
  std::vector<Entry> entries;
  IAMD_TRY(d_.store.read([&](store::Transaction& tx) -> core::Status {
    PolicyEntities p(tx);
    auto all = visible_policies(p, ctx.caller.account, scope != "Local", scope != "AWS");
    IAMD_TRY(all);
    for (auto& ref : *all) {
      if (!ref.policy.path.starts_with(prefix)) continue;
      auto usage = policy_usage(p, ctx.caller.account, ref.policy.arn());
      IAMD_TRY(usage);
      if (only_attached) {
        // Attached in the caller's account, in the way PolicyUsageFilter names (either way when
        // it is absent).
        bool as_policy = usage_filter != "PermissionsBoundary" && usage->attachments > 0;
        bool as_boundary = usage_filter != "PermissionsPolicy" && usage->boundaries > 0;
        if (!as_policy && !as_boundary) continue;
      }
      std::string key = listing_key(ref.policy.name, ref.policy.id);
      entries.push_back(Entry{std::move(key), std::move(ref.policy), *usage});
    }
    return {};
  }));
  std::sort(entries.begin(), entries.end(),
            [](const Entry& a, const Entry& b) { return a.key < b.key; });
  std::vector<std::string> keys;
  keys.reserve(entries.size());
  for (const auto& e : entries) keys.push_back(e.key);
  PageRange range = page_range(keys, page);

  api::Output out;
  auto& list = out.result.add_list("Policies");
  for (size_t i = range.begin; i < range.end; ++i) {
    write_policy(list.add_item(), entries[i].policy, entries[i].usage,
                 PolicyFields{.description = false, .tags = false});
  }
  write_page_end(out.result, range);
  return out;
}

core::Result<api::Output> Service::delete_policy(const api::Context& ctx, api::Input& in) {
  auto arn = in.required_string("PolicyArn", rules::kArn);
  IAMD_TRY(in.finish());
  IAMD_TRY(d_.store.write([&](store::Transaction& tx) -> core::Status {
    PolicyEntities p(tx);
    auto ref = load_policy(p, ctx, arn, "iam:DeletePolicy");
    IAMD_TRY(ref);
    if (ref->aws_managed) return aws_managed_is_read_only(ctx, "iam:DeletePolicy", arn);
    auto usage = policy_usage(p, ctx.caller.account, arn);
    IAMD_TRY(usage);
    // A policy in use as a boundary blocks deletion too: deleting it would leave users with a
    // boundary that no longer exists.
    if (usage->attachments > 0 || usage->boundaries > 0) {
      return core::Error{ErrorCode::DeleteConflict, "Cannot delete a policy attached to entities."};
    }
    auto versions = p.list_versions(ref->policy.account, ref->policy.name);
    IAMD_TRY(versions);
    if (versions->size() > 1) {
      return core::Error{ErrorCode::DeleteConflict,
                         "This policy has more than one version. Before you delete a policy, you "
                         "must delete the policy's versions. The default version is deleted with "
                         "the policy."};
    }
    return p.erase_policy(ref->policy);
  }));
  return api::Output::none();
}

core::Result<api::Output> Service::create_policy_version(const api::Context& ctx, api::Input& in) {
  auto arn = in.required_string("PolicyArn", rules::kArn);
  auto document = in.required_string("PolicyDocument", rules::kPolicyDocument);
  bool set_as_default = in.optional_bool("SetAsDefault").value_or(false);
  IAMD_TRY(in.finish());
  store::PolicyVersion version;
  bool is_default = false;
  IAMD_TRY(d_.store.write([&](store::Transaction& tx) -> core::Status {
    PolicyEntities p(tx);
    auto ref = load_policy(p, ctx, arn, "iam:CreatePolicyVersion");
    IAMD_TRY(ref);
    if (ref->aws_managed) return aws_managed_is_read_only(ctx, "iam:CreatePolicyVersion", arn);
    IAMD_TRY(validate_policy_document(document, policy::PolicyType::Identity));
    IAMD_TRY(check_managed_policy_size(document));
    auto versions = p.list_versions(ref->policy.account, ref->policy.name);
    IAMD_TRY(versions);
    if (versions->size() >= kVersionsPerPolicyQuota) {
      return core::Error{ErrorCode::LimitExceeded,
                         "A managed policy can have up to " +
                             std::to_string(kVersionsPerPolicyQuota) +
                             " versions. Before you create a new version, you must delete an "
                             "existing version."};
    }
    store::ManagedPolicy& policy = ref->policy;
    // Version ids only grow: a deleted version's id is never given out again.
    version.version_id = "v" + std::to_string(policy.next_version);
    version.document = document;
    version.create_date = whole_seconds(ctx);
    policy.next_version += 1;
    policy.update_date = version.create_date;
    if (set_as_default) policy.default_version_id = version.version_id;
    is_default = set_as_default;
    IAMD_TRY(p.put_version(policy.account, policy.name, version));
    return p.put_policy(policy);
  }));
  api::Output out;
  write_version(out.result.add_struct("PolicyVersion"), version, is_default, false);
  return out;
}

core::Result<api::Output> Service::get_policy_version(const api::Context& ctx, api::Input& in) {
  auto arn = in.required_string("PolicyArn", rules::kArn);
  auto version_id = in.required_string("VersionId", rules::kPolicyVersionId);
  IAMD_TRY(in.finish());
  store::PolicyVersion version;
  bool is_default = false;
  IAMD_TRY(d_.store.read([&](store::Transaction& tx) -> core::Status {
    PolicyEntities p(tx);
    auto ref = load_policy(p, ctx, arn, "iam:GetPolicyVersion");
    IAMD_TRY(ref);
    auto versions = versions_of(p, *ref);
    IAMD_TRY(versions);
    auto it = std::find_if(versions->begin(), versions->end(), [&](const store::PolicyVersion& v) {
      return v.version_id == version_id;
    });
    if (it == versions->end()) return no_such_version(arn, version_id);
    version = std::move(*it);
    is_default = version.version_id == ref->policy.default_version_id;
    return {};
  }));
  api::Output out;
  write_version(out.result.add_struct("PolicyVersion"), version, is_default, true);
  return out;
}

core::Result<api::Output> Service::list_policy_versions(const api::Context& ctx, api::Input& in) {
  auto arn = in.required_string("PolicyArn", rules::kArn);
  api::Page page = in.page();
  IAMD_TRY(in.finish());
  std::vector<store::PolicyVersion> versions;
  std::string default_version;
  IAMD_TRY(d_.store.read([&](store::Transaction& tx) -> core::Status {
    PolicyEntities p(tx);
    auto ref = load_policy(p, ctx, arn, "iam:ListPolicyVersions");
    IAMD_TRY(ref);
    auto v = versions_of(p, *ref);
    IAMD_TRY(v);
    versions = std::move(*v);
    default_version = ref->policy.default_version_id;
    return {};
  }));
  std::sort(versions.begin(), versions.end(),
            [](const store::PolicyVersion& a, const store::PolicyVersion& b) {
              return version_key(a.version_id) < version_key(b.version_id);
            });
  std::vector<std::string> keys;
  for (const auto& v : versions) keys.push_back(version_key(v.version_id));
  PageRange range = page_range(keys, page);
  api::Output out;
  auto& list = out.result.add_list("Versions");
  for (size_t i = range.begin; i < range.end; ++i) {
    write_version(list.add_item(), versions[i], versions[i].version_id == default_version, false);
  }
  write_page_end(out.result, range);
  return out;
}

core::Result<api::Output> Service::delete_policy_version(const api::Context& ctx, api::Input& in) {
  auto arn = in.required_string("PolicyArn", rules::kArn);
  auto version_id = in.required_string("VersionId", rules::kPolicyVersionId);
  IAMD_TRY(in.finish());
  IAMD_TRY(d_.store.write([&](store::Transaction& tx) -> core::Status {
    PolicyEntities p(tx);
    auto ref = load_policy(p, ctx, arn, "iam:DeletePolicyVersion");
    IAMD_TRY(ref);
    if (ref->aws_managed) return aws_managed_is_read_only(ctx, "iam:DeletePolicyVersion", arn);
    auto version = p.find_version(ref->policy.account, ref->policy.name, version_id);
    IAMD_TRY(version);
    if (!version->has_value()) return no_such_version(arn, version_id);
    if (version_id == ref->policy.default_version_id) {
      return core::Error{ErrorCode::DeleteConflict,
                         "Cannot delete the default version of a policy."};
    }
    return p.erase_version(ref->policy.account, ref->policy.name, version_id);
  }));
  return api::Output::none();
}

core::Result<api::Output> Service::set_default_policy_version(const api::Context& ctx,
                                                              api::Input& in) {
  auto arn = in.required_string("PolicyArn", rules::kArn);
  auto version_id = in.required_string("VersionId", rules::kPolicyVersionId);
  IAMD_TRY(in.finish());
  IAMD_TRY(d_.store.write([&](store::Transaction& tx) -> core::Status {
    PolicyEntities p(tx);
    auto ref = load_policy(p, ctx, arn, "iam:SetDefaultPolicyVersion");
    IAMD_TRY(ref);
    if (ref->aws_managed) {
      return aws_managed_is_read_only(ctx, "iam:SetDefaultPolicyVersion", arn);
    }
    auto version = p.find_version(ref->policy.account, ref->policy.name, version_id);
    IAMD_TRY(version);
    if (!version->has_value()) return no_such_version(arn, version_id);
    if (ref->policy.default_version_id == version_id) return {};
    ref->policy.default_version_id = version_id;
    ref->policy.update_date = whole_seconds(ctx);
    return p.put_policy(ref->policy);
  }));
  return api::Output::none();
}

core::Result<api::Output> Service::tag_policy(const api::Context& ctx, api::Input& in) {
  auto arn = in.required_string("PolicyArn", rules::kArn);
  if (!in.has_list("Tags")) in.violation("Tags", std::nullopt, "Member must not be null");
  auto tags = read_tags(in);
  IAMD_TRY(in.finish());
  IAMD_TRY(check_tags(tags, TagKeys::CaseSensitive));
  IAMD_TRY(d_.store.write([&](store::Transaction& tx) -> core::Status {
    PolicyEntities p(tx);
    auto ref = load_policy(p, ctx, arn, "iam:TagPolicy");
    IAMD_TRY(ref);
    if (ref->aws_managed) return aws_managed_is_read_only(ctx, "iam:TagPolicy", arn);
    IAMD_TRY(merge_tags(ref->policy.tags, tags, TagKeys::CaseSensitive));
    return p.put_policy(ref->policy);
  }));
  return api::Output::none();
}

core::Result<api::Output> Service::untag_policy(const api::Context& ctx, api::Input& in) {
  auto arn = in.required_string("PolicyArn", rules::kArn);
  if (!in.has_list("TagKeys")) in.violation("TagKeys", std::nullopt, "Member must not be null");
  auto keys = in.string_list("TagKeys", rules::kTagKey, rules::kMaxTags);
  IAMD_TRY(in.finish());
  IAMD_TRY(d_.store.write([&](store::Transaction& tx) -> core::Status {
    PolicyEntities p(tx);
    auto ref = load_policy(p, ctx, arn, "iam:UntagPolicy");
    IAMD_TRY(ref);
    if (ref->aws_managed) return aws_managed_is_read_only(ctx, "iam:UntagPolicy", arn);
    std::erase_if(ref->policy.tags, [&](const store::Tag& t) {
      return std::find(keys.begin(), keys.end(), t.key) != keys.end();
    });
    return p.put_policy(ref->policy);
  }));
  return api::Output::none();
}

core::Result<api::Output> Service::list_policy_tags(const api::Context& ctx, api::Input& in) {
  auto arn = in.required_string("PolicyArn", rules::kArn);
  api::Page page = in.page();
  IAMD_TRY(in.finish());
  std::vector<store::Tag> tags;
  IAMD_TRY(d_.store.read([&](store::Transaction& tx) -> core::Status {
    PolicyEntities p(tx);
    auto ref = load_policy(p, ctx, arn, "iam:ListPolicyTags");
    IAMD_TRY(ref);
    tags = std::move(ref->policy.tags);
    return {};
  }));
  return sorted_tags_page(std::move(tags), page);
}

}  // namespace iamd::iam
