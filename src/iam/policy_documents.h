#pragma once
// What the policy handlers share (policies.cc, attachments.cc, inline_policies.cc,
// authorization_details.cc): the model constraints of policy parameters, checking a submitted
// document (the policy language's Strict parse and validation, then IAM's size quotas), the
// URL-encoding of documents in responses, managed-policy lookup and output, and paging over
// sorted keys.

#include <cstddef>
#include <limits>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "api/input.h"
#include "api/params.h"
#include "core/result.h"
#include "iam/rules.h"
#include "policy/model.h"
#include "store/policies.h"

namespace iamd::iam {

namespace rules {

bool is_policy_path(std::string_view s);        // ((/[A-Za-z0-9\.,\+@=_-]+)*)/
bool is_policy_version_id(std::string_view s);  // v[1-9][0-9]*(\.[A-Za-z0-9-]*)?

inline constexpr api::StringRule kPolicyName{1, 128, kNamePattern, is_name};
inline constexpr api::StringRule kPolicyPath{1, 512, "((/[A-Za-z0-9\\.,\\+@=_-]+)*)/",
                                             is_policy_path};
inline constexpr api::StringRule kPolicyDescription{0, 1000};
inline constexpr api::StringRule kPolicyDocument{
    1, 131072, "[\\u0009\\u000A\\u000D\\u0020-\\u00FF]+", is_password_chars};
inline constexpr api::StringRule kPolicyVersionId{
    0, std::numeric_limits<size_t>::max(), "v[1-9][0-9]*(\\.[A-Za-z0-9-]*)?", is_policy_version_id};

}  // namespace rules

// --- quotas (spec §2.0; sizes count non-whitespace characters) ---------------------------------

inline constexpr size_t kManagedPolicySizeQuota = 6144;
inline constexpr size_t kUserPolicySizeQuota = 2048;
inline constexpr size_t kGroupPolicySizeQuota = 5120;
inline constexpr size_t kRolePolicySizeQuota = 10240;
inline constexpr size_t kCustomerManagedPoliciesQuota = 1500;
inline constexpr size_t kVersionsPerPolicyQuota = 5;
inline constexpr size_t kAttachedPoliciesPerEntityQuota = 10;

// --- documents ---------------------------------------------------------------------------------

/// Ok, or MalformedPolicyDocument with the policy language's own message: a Strict parse and
/// validation for `type` (policy::json::parse_and_validate).
core::Status validate_policy_document(std::string_view text, policy::PolicyType type);
/// A document's size as IAM's quotas count it (characters other than JSON whitespace).
size_t policy_size(std::string_view text);
/// LimitExceeded "Cannot exceed quota for PolicySize: 6144" for a managed policy version.
core::Status check_managed_policy_size(std::string_view text);
/// LimitExceeded "Maximum policy size of 2048 bytes exceeded for user NAME." when the inline
/// policies of an entity would total more than its quota.
core::Status check_inline_policy_total(store::EntityKind kind, std::string_view entity_name,
                                       size_t total);
/// A document as responses carry it: RFC 3986 percent-encoding (never '+' for a space).
std::string encode_policy_document(std::string_view text);

// --- managed policies --------------------------------------------------------------------------

/// A managed policy ARN split up: arn:aws:iam::ACCOUNT:policy/PATH/NAME. ACCOUNT is "aws" for
/// AWS managed policies.
struct PolicyArn {
  std::string account;
  std::string path;  // "/" or "/a/b/"
  std::string name;
};
std::optional<PolicyArn> parse_policy_arn(std::string_view arn);

/// A managed policy as the handlers see it: a customer managed policy of the caller's account, or
/// an AWS managed policy (as an entity of account "aws", with its one document).
struct ManagedPolicyRef {
  store::ManagedPolicy policy;
  bool aws_managed = false;
  std::string aws_document;  // AWS managed only
};

/// How many entities of one account use a policy: attached as a permissions policy, or as their
/// permissions boundary.
struct PolicyUsage {
  size_t attachments = 0;
  size_t boundaries = 0;
};

/// InvalidInput "ARN X is not valid."
core::Error invalid_policy_arn(std::string_view arn);
/// NoSuchEntity "Policy X does not exist or is not attachable."
core::Error no_such_policy(std::string_view arn);
/// The policy with this ARN visible to `account` (its own or AWS's), or nullopt. No authorization.
core::Result<std::optional<ManagedPolicyRef>> find_managed_policy(store::PolicyEntities& p,
                                                                  std::string_view account,
                                                                  std::string_view arn);
/// The same, as an error when absent or not attachable.
core::Result<ManagedPolicyRef> find_attachable_policy(store::PolicyEntities& p,
                                                      std::string_view account,
                                                      std::string_view arn);
/// Every managed policy visible to `account`: the AWS managed ones, then the account's own.
core::Result<std::vector<ManagedPolicyRef>> visible_policies(store::PolicyEntities& p,
                                                             std::string_view account, bool aws,
                                                             bool local);
core::Result<PolicyUsage> policy_usage(store::PolicyEntities& p, std::string_view account,
                                       std::string_view arn);

/// Which optional members write_policy emits: Description is in GetPolicy/CreatePolicy and
/// GetAccountAuthorizationDetails but not ListPolicies; Tags only in GetPolicy/CreatePolicy.
struct PolicyFields {
  bool description = true;
  bool tags = true;
};
/// Policy / ManagedPolicyDetail members up to UpdateDate (and Tags), in model order.
void write_policy(api::OutNode& out, const store::ManagedPolicy& p, const PolicyUsage& usage,
                  PolicyFields fields);
/// AttachedPolicy {PolicyName, PolicyArn}.
void write_attached_policy(api::OutNode& out, std::string_view arn);

/// Sorting key of a named entity in listings: lower-cased name, then its unique id. The space
/// sorts below every name character, so string order is (name, id) order. Also the marker.
std::string listing_key(std::string_view name, std::string_view id);

// --- paging over sorted keys -------------------------------------------------------------------

/// The part of a key-sorted listing that one page covers: items whose key sorts after the
/// request's Marker, at most MaxItems of them. The next Marker is the last key returned.
struct PageRange {
  size_t begin = 0;
  size_t end = 0;
  bool truncated = false;
  std::string marker;
};
PageRange page_range(const std::vector<std::string>& sorted_keys, const api::Page& page);
/// IsTruncated, and Marker when truncated.
void write_page_end(api::OutNode& result, const PageRange& range);

/// A List*Tags answer: `tags` sorted by key, one page of them. Keys may hold characters a Marker
/// cannot carry, so the marker is the position of the last tag returned.
api::Output sorted_tags_page(std::vector<store::Tag> tags, const api::Page& page);

}  // namespace iamd::iam
