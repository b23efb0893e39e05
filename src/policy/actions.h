#pragma once
// Lookups over actions.def, the one table of service actions (ClickHouse's AccessType idea): which
// service prefixes exist, which actions a service defines, their access level and resource types.
// std only. Used by `check` for unknown-action warnings and by trust-policy validation.

#include <span>
#include <string_view>

namespace iamd::policy {

/// The access levels of the Service Authorization Reference.
enum class AccessLevel { List, Read, Write, PermissionsManagement, Tagging };

struct ActionInfo {
  std::string_view service;         // "iam"
  std::string_view name;            // "CreateRole", AWS's spelling
  AccessLevel level;
  std::string_view resource_types;  // "role", "group|role|user" or "*"
  std::string_view key;             // "iam:createrole": lower-case, for lookups and globbing
};

/// AWS's name for an access level ("Permissions management", ...).
std::string_view access_level_name(AccessLevel level);

/// Whether `prefix` (any case) is an AWS service prefix: a service of actions.def or another
/// well-known AWS service ("s3", "lambda", ...) whose actions iamd does not list.
bool is_known_service(std::string_view prefix);

/// Whether actions.def lists every action of `prefix` (any case), so that an action name missing
/// from the table is certainly unknown. False for partial tables (ec2) and unlisted services.
bool has_complete_action_table(std::string_view prefix);

/// The action for a lower-case "service:action" key, or nullptr.
const ActionInfo* find_action(std::string_view lower_key);

/// Every action of `prefix` (any case), in table order; empty for services not in actions.def.
std::span<const ActionInfo> actions_of(std::string_view prefix);

/// Every action in the table.
std::span<const ActionInfo> all_actions();

/// IAM's action glob: `*` matches any run of characters (including none), `?` exactly one.
/// Compares ASCII case-insensitively, as action names are matched.
bool action_glob_match(std::string_view pattern, std::string_view text);

}  // namespace iamd::policy
