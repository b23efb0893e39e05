#pragma once
// ARNs as AWS formats them for IAM and STS (spec/iam-policy-sigv4.md §6).

#include <optional>
#include <string>
#include <string_view>

namespace iamd::core {

inline constexpr std::string_view kPartition = "aws";

/// arn:partition:service:region:account:resource, split into its parts.
struct Arn {
  std::string partition;
  std::string service;
  std::string region;
  std::string account;
  std::string resource;

  std::string to_string() const;
  /// Splits at the first five colons; nullopt unless it starts with "arn:" and has six parts.
  static std::optional<Arn> parse(std::string_view text);
};

/// arn:aws:iam::ACCOUNT:root
std::string root_arn(std::string_view account);
/// arn:aws:iam::ACCOUNT:TYPE/PATH-WITHOUT-LEADING-SLASH NAME, e.g. iam_arn(a, "user", "/x/", "bob")
/// gives arn:aws:iam::a:user/x/bob.
std::string iam_arn(std::string_view account, std::string_view type, std::string_view path,
                    std::string_view name);

}  // namespace iamd::core
