#include "iam/policy_documents.h"

#include <algorithm>
#include <cstdio>

#include "core/arn.h"
#include "core/strings.h"
#include "core/time_format.h"
#include "iam/aws_managed_policies.h"
#include "iam/service.h"
#include "policy/json/parse_and_validate.h"
#include "policy/validate.h"

namespace iamd::iam {

using core::ErrorCode;

namespace rules {

bool is_policy_path(std::string_view s) {
  if (s.empty() || s.front() != '/' || s.back() != '/') return false;
  auto allowed = [](char c) {
    return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '.' ||
           c == ',' || c == '+' || c == '@' || c == '=' || c == '_' || c == '-';
  };
  // Segments between slashes: each non-empty and made of allowed characters.
  size_t segment = 0;
  for (size_t i = 1; i < s.size(); ++i) {
    if (s[i] == '/') {
      if (segment == 0) return false;
      segment = 0;
    } else if (allowed(s[i])) {
      ++segment;
    } else {
      return false;
    }
  }
  return true;
}

bool is_policy_version_id(std::string_view s) {
  if (s.size() < 2 || s[0] != 'v' || s[1] < '1' || s[1] > '9') return false;
  size_t i = 2;
  while (i < s.size() && s[i] >= '0' && s[i] <= '9') ++i;
  if (i == s.size()) return true;
  if (s[i] != '.') return false;
  for (++i; i < s.size(); ++i) {
    char c = s[i];
    bool ok =
        (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-';
    if (!ok) return false;
  }
  return true;
}

}  // namespace rules

// --- documents ---------------------------------------------------------------------------------

core::Status validate_policy_document(std::string_view text, policy::PolicyType type) {
  // The strict parse and the validation together, so the first error is the one AWS reports
  // first (spec §3.8's order).
  auto parsed = policy::json::parse_and_validate(text, type);
  IAMD_TRY(parsed);
  return {};
}

size_t policy_size(std::string_view text) { return policy::quota_size(text); }

core::Status check_managed_policy_size(std::string_view text) {
  if (policy_size(text) > kManagedPolicySizeQuota) {
    return core::Error{ErrorCode::LimitExceeded, "Cannot exceed quota for PolicySize: " +
                                                     std::to_string(kManagedPolicySizeQuota)};
  }
  return {};
}

core::Status check_inline_policy_total(store::EntityKind kind, std::string_view entity_name,
                                       size_t total) {
  size_t quota = kind == store::EntityKind::User    ? kUserPolicySizeQuota
                 : kind == store::EntityKind::Group ? kGroupPolicySizeQuota
                                                    : kRolePolicySizeQuota;
  if (total <= quota) return {};
  return core::Error{ErrorCode::LimitExceeded, "Maximum policy size of " + std::to_string(quota) +
                                                   " bytes exceeded for " +
                                                   std::string(store::kind_name(kind)) + " " +
                                                   std::string(entity_name) + "."};
}

std::string encode_policy_document(std::string_view text) { return core::uri_encode(text); }

// --- managed policies --------------------------------------------------------------------------

std::optional<PolicyArn> parse_policy_arn(std::string_view arn) {
  auto parsed = core::Arn::parse(arn);
  if (!parsed || parsed->partition != core::kPartition || parsed->service != "iam" ||
      !parsed->region.empty() || parsed->account.empty()) {
    return std::nullopt;
  }
  std::string_view resource = parsed->resource;
  if (!resource.starts_with("policy/")) return std::nullopt;
  resource.remove_prefix(7);
  size_t slash = resource.rfind('/');
  PolicyArn out;
  out.account = parsed->account;
  out.name = std::string(slash == std::string_view::npos ? resource : resource.substr(slash + 1));
  // The path is the resource's text from the slash after "policy" up to the name.
  out.path = slash == std::string_view::npos
                 ? std::string("/")
                 : std::string(std::string_view(parsed->resource).substr(6, slash + 2));
  if (out.name.empty() || !rules::is_name(out.name) || !rules::is_policy_path(out.path)) {
    return std::nullopt;
  }
  return out;
}

core::Error invalid_policy_arn(std::string_view arn) {
  return core::Error{ErrorCode::InvalidInput, "ARN " + std::string(arn) + " is not valid."};
}

core::Error no_such_policy(std::string_view arn) {
  return core::Error{ErrorCode::NoSuchEntity,
                     "Policy " + std::string(arn) + " does not exist or is not attachable."};
}

namespace {

ManagedPolicyRef aws_ref(const AwsManagedPolicy& p) {
  return ManagedPolicyRef{to_entity(p), true, std::string(p.document)};
}

}  // namespace

core::Result<std::optional<ManagedPolicyRef>> find_managed_policy(store::PolicyEntities& p,
                                                                  std::string_view account,
                                                                  std::string_view arn) {
  auto parts = parse_policy_arn(arn);
  if (!parts) return std::optional<ManagedPolicyRef>{};
  if (parts->account == "aws") {
    const AwsManagedPolicy* aws = find_aws_managed_policy(arn);
    if (aws == nullptr) return std::optional<ManagedPolicyRef>{};
    return std::optional<ManagedPolicyRef>{aws_ref(*aws)};
  }
  if (parts->account != account) return std::optional<ManagedPolicyRef>{};
  auto found = p.find_policy(account, parts->name);
  IAMD_TRY(found);
  // Names are unique case-insensitively, but the ARN must name the policy exactly (path, case).
  if (!found->has_value() || (*found)->arn() != arn) return std::optional<ManagedPolicyRef>{};
  return std::optional<ManagedPolicyRef>{ManagedPolicyRef{std::move(**found), false, {}}};
}

core::Result<ManagedPolicyRef> find_attachable_policy(store::PolicyEntities& p,
                                                      std::string_view account,
                                                      std::string_view arn) {
  auto found = find_managed_policy(p, account, arn);
  IAMD_TRY(found);
  if (!found->has_value()) return no_such_policy(arn);
  if (!(*found)->policy.is_attachable) {
    return core::Error{ErrorCode::PolicyNotAttachable,
                       "Policy " + std::string(arn) + " is not attachable."};
  }
  return std::move(**found);
}

core::Result<std::vector<ManagedPolicyRef>> visible_policies(store::PolicyEntities& p,
                                                             std::string_view account, bool aws,
                                                             bool local) {
  std::vector<ManagedPolicyRef> out;
  if (aws) {
    for (const auto& a : aws_managed_policies()) out.push_back(aws_ref(a));
  }
  if (local) {
    auto own = p.list_policies(account);
    IAMD_TRY(own);
    for (auto& m : *own) out.push_back(ManagedPolicyRef{std::move(m), false, {}});
  }
  return out;
}

core::Result<PolicyUsage> policy_usage(store::PolicyEntities& p, std::string_view account,
                                       std::string_view arn) {
  auto attached = p.attachments_of(account, arn);
  IAMD_TRY(attached);
  auto boundaries = p.boundary_uses_of(account, arn);
  IAMD_TRY(boundaries);
  return PolicyUsage{attached->size(), boundaries->size()};
}

void write_policy(api::OutNode& out, const store::ManagedPolicy& p, const PolicyUsage& usage,
                  PolicyFields fields) {
  out.add_string("PolicyName", p.name);
  out.add_string("PolicyId", p.id);
  out.add_string("Arn", p.arn());
  out.add_string("Path", p.path);
  out.add_string("DefaultVersionId", p.default_version_id);
  out.add_integer("AttachmentCount", static_cast<std::int64_t>(usage.attachments));
  out.add_integer("PermissionsBoundaryUsageCount", static_cast<std::int64_t>(usage.boundaries));
  out.add_boolean("IsAttachable", p.is_attachable);
  if (fields.description && !p.description.empty()) out.add_string("Description", p.description);
  out.add_timestamp("CreateDate", core::format_iso8601(p.create_date));
  out.add_timestamp("UpdateDate", core::format_iso8601(p.update_date));
  if (fields.tags && !p.tags.empty()) write_tags(out.add_list("Tags"), p.tags);
}

void write_attached_policy(api::OutNode& out, std::string_view arn) {
  auto parts = parse_policy_arn(arn);
  out.add_string("PolicyName", parts ? parts->name : std::string(arn));
  out.add_string("PolicyArn", std::string(arn));
}

std::string listing_key(std::string_view name, std::string_view id) {
  return core::ascii_lower(name) + " " + std::string(id);
}

// --- paging ------------------------------------------------------------------------------------

PageRange page_range(const std::vector<std::string>& sorted_keys, const api::Page& page) {
  PageRange r;
  if (page.marker) {
    r.begin =
        static_cast<size_t>(std::upper_bound(sorted_keys.begin(), sorted_keys.end(), *page.marker) -
                            sorted_keys.begin());
  }
  r.end = std::min(sorted_keys.size(), r.begin + page.max_items);
  r.truncated = r.end < sorted_keys.size();
  if (r.truncated) r.marker = sorted_keys[r.end - 1];
  return r;
}

void write_page_end(api::OutNode& result, const PageRange& range) {
  result.add_boolean("IsTruncated", range.truncated);
  if (range.truncated) result.add_string("Marker", range.marker);
}

api::Output sorted_tags_page(std::vector<store::Tag> tags, const api::Page& page) {
  std::sort(tags.begin(), tags.end(),
            [](const store::Tag& a, const store::Tag& b) { return a.key < b.key; });
  std::vector<std::string> keys;
  keys.reserve(tags.size());
  for (size_t i = 0; i < tags.size(); ++i) {
    char buf[24];
    std::snprintf(buf, sizeof buf, "%010zu", i);
    keys.emplace_back(buf);
  }
  PageRange range = page_range(keys, page);
  api::Output out;
  auto& list = out.result.add_list("Tags");
  for (size_t i = range.begin; i < range.end; ++i) {
    auto& item = list.add_item();
    item.add_string("Key", tags[i].key);
    item.add_string("Value", tags[i].value);
  }
  write_page_end(out.result, range);
  return out;
}

}  // namespace iamd::iam
