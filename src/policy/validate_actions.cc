// Action / NotAction: the vendor-prefix format IAM enforces (spec §3.3), the STS-only rule of
// role trust policies (spec §2.5), and `check`'s unknown-action warnings from actions.def.

#include <algorithm>
#include <string>

#include "policy/actions.h"
#include "policy/validate_internal.h"

namespace iamd::policy::detail {
namespace {

// What a trust policy may grant: assuming the role, and the session extras that go with it.
constexpr std::string_view kTrustActions[] = {
    "sts:assumerole",        "sts:assumerolewithsaml", "sts:assumerolewithwebidentity",
    "sts:tagsession",        "sts:setsourceidentity",  "sts:setcontext",
};

std::string lower(std::string_view s) {
  std::string out(s);
  for (char& c : out) {
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c + 32);
  }
  return out;
}

bool is_trust_action(std::string_view lower_key) {
  return std::find(std::begin(kTrustActions), std::end(kTrustActions), lower_key) !=
         std::end(kTrustActions);
}

bool has_wildcard(std::string_view s) { return s.find_first_of("*?") != std::string_view::npos; }

// "*" (the spec allows it in trust policies), an exact STS assume action, or an sts: pattern that
// matches at least one of them and nothing else STS defines ("sts:AssumeRole*").
bool is_allowed_in_trust_policy(std::string_view action) {
  if (action == "*") return true;
  std::string key = lower(action);
  if (!key.starts_with("sts:")) return false;
  if (!has_wildcard(key)) return is_trust_action(key);
  bool matched = false;
  for (const ActionInfo& info : actions_of("sts")) {
    if (!action_glob_match(key, info.key)) continue;
    if (!is_trust_action(info.key)) return false;
    matched = true;
  }
  return matched;
}

std::string action_pointer(std::size_t statement, const Statement& s, std::size_t index) {
  return statement_pointer(statement) + (s.not_action ? "/NotAction/" : "/Action/") +
         std::to_string(index);
}

void warn_action(std::string_view action, const std::string& where, Findings& out) {
  if (action == "*" || action_format_error(action)) return;
  auto colon = action.find(':');
  std::string_view service = action.substr(0, colon);
  std::string_view name = action.substr(colon + 1);
  if (service == "*") return;
  if (!is_known_service(service)) {
    out.warning("Unknown service prefix \"" + std::string(service) + "\" in action \"" +
                    std::string(action) + "\".",
                where);
    return;
  }
  if (!has_complete_action_table(service)) return;
  std::string key = lower(action);
  if (name.empty()) {
    out.warning("Action \"" + std::string(action) + "\" names no action.", where);
  } else if (has_wildcard(name)) {
    auto actions = actions_of(service);
    bool any = std::any_of(actions.begin(), actions.end(), [&](const ActionInfo& info) {
      return action_glob_match(key, info.key);
    });
    if (!any) {
      out.warning("Action pattern \"" + std::string(action) + "\" matches no " +
                      lower(service) + " action.",
                  where);
    }
  } else if (!find_action(key)) {
    out.warning("Unknown action \"" + std::string(action) + "\": " + lower(service) +
                    " has no action named \"" + std::string(name) + "\".",
                where);
  }
}

}  // namespace

std::optional<std::string> action_format_error(std::string_view action) {
  auto colons = std::count(action.begin(), action.end(), ':');
  if (colons == 0 && action != "*") return std::string(kActionWithoutVendor);
  if (colons > 1) return std::string(kActionColons);
  if (colons == 0) return std::nullopt;  // "*"
  std::string_view vendor = action.substr(0, action.find(':'));
  if (vendor == "*") return std::nullopt;
  bool valid = std::all_of(vendor.begin(), vendor.end(), [](char c) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
           c == '-' || c == '.';
  });
  if (!valid) return "Vendor " + std::string(vendor) + " is not valid";
  return std::nullopt;
}

void check_action_formats(const Policy& policy, Findings& out) {
  for (std::size_t i = 0; i < policy.statements.size() && !out.done(); ++i) {
    const Statement& s = policy.statements[i];
    for (std::size_t k = 0; k < s.actions.size() && !out.done(); ++k) {
      if (auto message = action_format_error(s.actions[k])) {
        out.error(std::move(*message), action_pointer(i, s, k));
      }
    }
  }
}

void check_trust_actions(const Policy& policy, Findings& out) {
  for (std::size_t i = 0; i < policy.statements.size() && !out.done(); ++i) {
    const Statement& s = policy.statements[i];
    if (s.not_action) {
      // NotAction grants every other action, which a trust policy cannot.
      out.error(std::string(kTrustActionsOnly), statement_pointer(i) + "/NotAction");
      continue;
    }
    for (std::size_t k = 0; k < s.actions.size() && !out.done(); ++k) {
      if (!is_allowed_in_trust_policy(s.actions[k])) {
        out.error(std::string(kTrustActionsOnly), action_pointer(i, s, k));
      }
    }
  }
}

void warn_actions(const Policy& policy, Findings& out) {
  for (std::size_t i = 0; i < policy.statements.size(); ++i) {
    const Statement& s = policy.statements[i];
    for (std::size_t k = 0; k < s.actions.size(); ++k) {
      warn_action(s.actions[k], action_pointer(i, s, k), out);
    }
  }
}

}  // namespace iamd::policy::detail
