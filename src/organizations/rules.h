#pragma once
// Model constraints of the Organizations API (botocore organizations/2016-11-28), as api::Input
// rules, and the service quotas iamd enforces.

#include <cstddef>
#include <string_view>

#include "api/input.h"

namespace iamd::organizations::rules {

bool is_account_id(std::string_view s);  // ^\d{12}$
bool is_root_id(std::string_view s);     // ^r-[0-9a-z]{4,32}$
bool is_unit_id(std::string_view s);     // ^ou-[0-9a-z]{4,32}-[a-z0-9]{8,32}$
bool is_parent_id(std::string_view s);   // root | OU
bool is_child_id(std::string_view s);    // account | OU
bool is_target_id(std::string_view s);   // root | account | OU
bool is_policy_id(std::string_view s);   // ^p-[0-9a-zA-Z_]{8,128}$
bool is_create_account_request_id(std::string_view s);  // ^car-[a-z0-9]{8,32}$
bool is_email(std::string_view s);       // [^\s@]+@[^\s@]+\.[^\s@]+
bool is_account_name(std::string_view s);  // [\u0020-\u007E]+
bool is_role_name(std::string_view s);   // [\w+=,.@-]{1,64}
/// ^([\p{L}\p{Z}\p{N}_.:/=+\-@]*)$, with every non-ASCII character accepted as a letter.
bool is_tag_text(std::string_view s);

inline constexpr api::StringRule kAccountId{0, 12, "^\\d{12}$", is_account_id};
inline constexpr api::StringRule kRootId{0, 34, "^r-[0-9a-z]{4,32}$", is_root_id};
inline constexpr api::StringRule kUnitId{0, 68, "^ou-[0-9a-z]{4,32}-[a-z0-9]{8,32}$", is_unit_id};
inline constexpr api::StringRule kParentId{
    0, 100, "^(r-[0-9a-z]{4,32})|(ou-[0-9a-z]{4,32}-[a-z0-9]{8,32})$", is_parent_id};
inline constexpr api::StringRule kChildId{0, 100, "^(\\d{12})|(ou-[0-9a-z]{4,32}-[a-z0-9]{8,32})$",
                                          is_child_id};
inline constexpr api::StringRule kTargetId{
    0, 100, "^(r-[0-9a-z]{4,32})|(\\d{12})|(ou-[0-9a-z]{4,32}-[a-z0-9]{8,32})$", is_target_id};
inline constexpr api::StringRule kPolicyId{0, 130, "^p-[0-9a-zA-Z_]{8,128}$", is_policy_id};
inline constexpr api::StringRule kCreateAccountRequestId{0, 36, "^car-[a-z0-9]{8,32}$",
                                                         is_create_account_request_id};
inline constexpr api::StringRule kEmail{6, 64, "[^\\s@]+@[^\\s@]+\\.[^\\s@]+", is_email, true};
inline constexpr api::StringRule kAccountName{1, 50, "[\\u0020-\\u007E]+", is_account_name, true};
inline constexpr api::StringRule kRoleName{0, 64, "[\\w+=,.@-]{1,64}", is_role_name};
inline constexpr api::StringRule kUnitName{1, 128, "[\\s\\S]*", nullptr};
inline constexpr api::StringRule kPolicyName{1, 128, "[\\s\\S]*", nullptr};
inline constexpr api::StringRule kPolicyDescription{0, 512, "[\\s\\S]*", nullptr};
inline constexpr api::StringRule kPolicyContent{1, 1000000, "[\\s\\S]*", nullptr};
inline constexpr api::StringRule kNextToken{0, 100000, "[\\s\\S]*", nullptr};
inline constexpr api::StringRule kTagKey{1, 128, "^([\\p{L}\\p{Z}\\p{N}_.:/=+\\-@]*)$", is_tag_text};
inline constexpr api::StringRule kTagValue{0, 256, "^([\\p{L}\\p{Z}\\p{N}_.:/=+\\-@]*)$",
                                           is_tag_text};
inline constexpr api::IntRule kMaxResults{1, 20};

// Quotas (Organizations User Guide, "Quotas for AWS Organizations"). The account quota is
// AWS's adjustable default raised to what a self-hosted server needs.
inline constexpr std::size_t kMaxAccounts = 10000;
inline constexpr std::size_t kMaxUnits = 1000;
inline constexpr std::size_t kMaxUnitDepth = 5;  // OUs nested under the root
inline constexpr std::size_t kMaxPolicies = 1000;
inline constexpr std::size_t kMaxScpSize = 5120;  // characters, whitespace included
inline constexpr std::size_t kMaxPoliciesPerTarget = 5;
inline constexpr std::size_t kMaxTags = 50;
inline constexpr std::size_t kDefaultPageSize = 20;

}  // namespace iamd::organizations::rules
