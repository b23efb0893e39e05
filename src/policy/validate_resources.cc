// Resource / NotResource shapes (spec §3.3). IAM checks them in two passes with different
// outcomes: a "legacy" parse whose failure is "The policy failed legacy parsing" (reported early),
// and format checks with their own messages (reported after the Sid and Action checks). The
// partition message even rebuilds the ARN with "*" for missing parts; we reproduce it.

#include <algorithm>
#include <string>

#include "policy/validate_internal.h"

namespace iamd::policy::detail {
namespace {

constexpr std::string_view kPartitions[] = {"aws",       "aws-cn",    "aws-us-gov", "aws-iso",
                                            "aws-iso-b", "aws-iso-e", "aws-iso-f",  "aws-eusc"};

constexpr std::string_view kIamResourceTypes[] = {
    "user/",       "federated-user/", "role/",         "group/",        "instance-profile/",
    "mfa/",        "server-certificate/", "policy/",   "sms-mfa/",      "saml-provider/",
    "oidc-provider/", "report/",      "access-report/"};

// Splits at the first `sep`: (before, after, found).
struct Split {
  std::string_view head;
  std::string_view tail;
  bool found;
};

Split split_first(std::string_view s, char sep) {
  auto at = s.find(sep);
  if (at == std::string_view::npos) return {s, {}, false};
  return {s.substr(0, at), s.substr(at + 1), true};
}

std::string partition_error(std::string_view partition, std::string_view rest) {
  // "arn:<p>:<service>:<region>:<account>:<resource>" with "*" for each part the text lacks.
  std::vector<std::string_view> parts;
  std::size_t start = 0;
  while (true) {
    auto at = rest.find(':', start);
    parts.push_back(rest.substr(start, at == std::string_view::npos ? std::string_view::npos
                                                                     : at - start));
    if (at == std::string_view::npos) break;
    start = at + 1;
  }
  auto part = [&](std::size_t i) -> std::string {
    if (i >= parts.size()) return "*";
    if (i == 0 && parts[0].empty() && parts.size() == 1) return "*";
    if (i < 3) return std::string(parts[i]);
    std::string joined;
    for (std::size_t k = 3; k < parts.size(); ++k) {
      if (k > 3) joined += ':';
      joined += parts[k];
    }
    return joined;
  };
  std::string p(partition);
  return "Partition \"" + p + "\" is not valid for resource \"arn:" + p + ":" + part(0) + ":" +
         part(1) + ":" + part(2) + ":" + part(3) + "\".";
}

struct ResourceCheck {
  std::string message;
  std::string_view resource;
  std::size_t index;  // in the statement's list
};

}  // namespace

std::optional<std::string> resource_format_error(std::string_view resource) {
  if (resource == "*") return std::nullopt;
  // IAM splits on colons without looking at the first part: "a:b" is judged by its partition.
  auto first = split_first(resource, ':');
  if (!first.found) {
    return "Resource " + std::string(resource) + " must be in ARN format or \"*\".";
  }
  auto partition = split_first(first.tail, ':');
  bool known = partition.head == "*" ||
               std::find(std::begin(kPartitions), std::end(kPartitions), partition.head) !=
                   std::end(kPartitions);
  if (!known) return partition_error(partition.head, partition.tail);
  if (!partition.found) {
    return "Resource vendor must be fully qualified and cannot contain regexes.";
  }
  auto service = split_first(partition.tail, ':');
  if (service.head.find_first_of("*?") != std::string_view::npos) {
    return "Resource vendor must be fully qualified and cannot contain regexes.";
  }
  // service.tail is "region:account:resource"; a region-free ARN has it start with ':'.
  auto region = split_first(service.tail, ':');
  auto account = split_first(region.tail, ':');
  std::string_view relative_id = account.tail;
  bool has_region = !service.tail.starts_with(':');
  if (service.head == "iam") {
    if (has_region) {
      return "IAM resource " + std::string(resource) + " cannot contain region information.";
    }
    bool typed = relative_id == "*" || relative_id == "root" ||
                 std::any_of(std::begin(kIamResourceTypes), std::end(kIamResourceTypes),
                             [&](std::string_view t) { return relative_id.starts_with(t); });
    if (!typed) {
      std::string types;
      for (auto t : kIamResourceTypes) types += (types.empty() ? "" : ", ") + std::string(t);
      return "IAM resource path must either be \"*\" or start with " + types + ".";
    }
  } else if (service.head == "s3" && has_region && !relative_id.starts_with("accesspoint/")) {
    // Buckets and objects are global; S3 access points are the regional exception.
    return "Resource " + std::string(resource) + " can not contain region information.";
  }
  return std::nullopt;
}

bool passes_legacy_resource_parse(std::string_view resource) {
  if (resource == "*") return true;
  // Fewer than six parts is tolerated only without an empty part ("arn:aws:s3::x" fails), and
  // the service part must be present.
  if (std::count(resource.begin(), resource.end(), ':') < 5 &&
      resource.find("::") != std::string_view::npos) {
    return false;
  }
  auto first = split_first(resource, ':');
  auto partition = split_first(first.tail, ':');
  if (!first.found || !partition.found) return false;
  return !split_first(partition.tail, ':').head.empty();
}

std::vector<Finding> check_resources_legacy(const Policy& policy, PolicyType type,
                                            Findings& out) {
  std::vector<Finding> deferred;
  // A trust policy may not have resources at all; that error comes later, alone.
  if (type == PolicyType::Trust) return deferred;
  for (std::size_t i = 0; i < policy.statements.size() && !out.done(); ++i) {
    const Statement& s = policy.statements[i];
    std::string element = statement_pointer(i) + (s.not_resource ? "/NotResource/" : "/Resource/");
    std::vector<ResourceCheck> errors;
    for (std::size_t k = 0; k < s.resources.size(); ++k) {
      if (auto message = resource_format_error(s.resources[k])) {
        errors.push_back({std::move(*message), s.resources[k], k});
      }
    }
    if (out.all()) {
      for (auto& e : errors) {
        deferred.push_back(
            {Finding::Severity::Error, std::move(e.message), element + std::to_string(e.index)});
      }
    } else if (!errors.empty() && deferred.empty()) {
      // IAM reports one entry: of a statement's bad entries, the lexically smallest.
      auto smallest = std::min_element(
          errors.begin(), errors.end(),
          [](const auto& a, const auto& b) { return a.resource < b.resource; });
      deferred.push_back({Finding::Severity::Error, std::move(smallest->message),
                          element + std::to_string(smallest->index)});
    }
    // The legacy parse runs only while no format error has been seen.
    if (!deferred.empty() && !out.all()) continue;
    for (std::size_t k = 0; k < s.resources.size(); ++k) {
      if (resource_format_error(s.resources[k])) continue;
      if (!passes_legacy_resource_parse(s.resources[k])) {
        out.error(std::string(kLegacyParsing), element + std::to_string(k));
        if (out.done()) break;
      }
    }
  }
  return deferred;
}

}  // namespace iamd::policy::detail
