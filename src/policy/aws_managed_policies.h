#pragma once
// AWS managed policies, shipped with the binary under their real ARNs (arn:aws:iam::aws:policy/…).
// Data only (std only): the IAM API lists them, the authz view compiles them.

#include <span>
#include <string_view>

namespace iamd::policy {

struct AwsManagedPolicy {
  std::string_view name;
  std::string_view id;
  std::string_view path;
  std::string_view description;
  std::string_view version_id;
  std::string_view document;
};

std::span<const AwsManagedPolicy> aws_managed_policies();
/// The AWS managed policy with this ARN, or nullptr.
const AwsManagedPolicy* find_aws_managed_policy(std::string_view arn);

}  // namespace iamd::policy
