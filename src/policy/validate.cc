// Policy validation: the stages of spec §3.8 in AWS's evaluation order. validate() stops at the
// first error, as IAM answers with one message; check() runs every stage and adds warnings.
//
// Order (observed from IAM and from emulators checked against it; see the README's compatibility
// table for the parts that are ours): syntax, Version, legacy parsing (Effect case, Date values,
// resource shapes), Sid characters, Sid uniqueness, actions present, resource format, action
// format, resources present / prohibited, principal present / prohibited, trust-policy actions,
// principal values.

#include "policy/validate.h"

#include <algorithm>
#include <set>

#include "policy/validate_internal.h"

namespace iamd::policy {
namespace detail {
namespace {

core::Error malformed(std::string message) {
  return core::Error{core::ErrorCode::MalformedPolicyDocument, std::move(message)};
}

bool is_identity_like(PolicyType type) {
  return type == PolicyType::Identity || type == PolicyType::Boundary ||
         type == PolicyType::Session || type == PolicyType::Scp;
}

std::string element_pointer(std::size_t index, std::string_view element) {
  return statement_pointer(index) + "/" + std::string(element);
}

void stage_syntax(const Policy& policy, Findings& out) {
  const std::string& v = policy.version;
  if (!v.empty() && v != "2008-10-17" && v != "2012-10-17") {
    out.error(std::string(kSyntaxErrors), "/Version");
  }
  if (policy.statements.empty()) out.error(std::string(kSyntaxErrors), "/Statement");
  check_condition_syntax(policy, out);
  check_principal_syntax(policy, out);
}

// Identity-side documents need the current grammar; trust and other resource policies still
// accept 2008-10-17 (and no Version), as roles created long ago carry it.
void stage_version(const Policy& policy, PolicyType type, Findings& out) {
  if (is_identity_like(type) && policy.version != "2012-10-17") {
    out.error(std::string(kVersionTooOld), policy.version.empty() ? "" : "/Version");
  }
}

void stage_effect_case(const TextFacts& facts, Findings& out) {
  if (facts.effect_case_mismatch) {
    out.error(std::string(kLegacyParsing), element_pointer(facts.effect_case_statement, "Effect"));
  }
}

bool is_alphanumeric(std::string_view s) {
  for (char c : s) {
    bool ok = (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9');
    if (!ok) return false;
  }
  return true;
}

void stage_sids(const Policy& policy, PolicyType type, Findings& out) {
  // IAM (and Organizations) allow [A-Za-z0-9] only; other services' resource policies differ.
  if (type != PolicyType::Resource) {
    for (std::size_t i = 0; i < policy.statements.size() && !out.done(); ++i) {
      const auto& sid = policy.statements[i].sid;
      if (sid && !is_alphanumeric(*sid)) {
        out.error(std::string(kSidNotAlphanumeric), element_pointer(i, "Sid"));
      }
    }
  }
  if (out.done()) return;
  std::set<std::string_view> seen;
  for (std::size_t i = 0; i < policy.statements.size() && !out.done(); ++i) {
    const auto& sid = policy.statements[i].sid;
    if (!sid || sid->empty()) continue;  // "Sid": "" may repeat (generators emit it)
    if (!seen.insert(*sid).second) {
      out.error(std::string(kSidNotUnique), element_pointer(i, "Sid"));
    }
  }
}

void stage_actions_present(const Policy& policy, Findings& out) {
  for (std::size_t i = 0; i < policy.statements.size() && !out.done(); ++i) {
    const Statement& s = policy.statements[i];
    if (!s.has_action || s.actions.empty()) {
      out.error(std::string(kMissingActions),
                s.has_action ? element_pointer(i, s.not_action ? "NotAction" : "Action")
                             : statement_pointer(i));
    }
  }
}

void stage_resources(const Policy& policy, PolicyType type, Findings& out) {
  for (std::size_t i = 0; i < policy.statements.size() && !out.done(); ++i) {
    const Statement& s = policy.statements[i];
    std::string_view element = s.not_resource ? "NotResource" : "Resource";
    if (type == PolicyType::Trust) {
      if (s.has_resource) {
        out.error(std::string(kResourceProhibited), element_pointer(i, element));
      }
    } else if (!s.has_resource || s.resources.empty()) {
      out.error(std::string(kMissingResources),
                s.has_resource ? element_pointer(i, element) : statement_pointer(i));
    }
  }
}

void stage_principals_present(const Policy& policy, PolicyType type, Findings& out) {
  for (std::size_t i = 0; i < policy.statements.size() && !out.done(); ++i) {
    const Statement& s = policy.statements[i];
    if (is_identity_like(type)) {
      if (s.principal || s.not_principal) {
        out.error(std::string(kPrincipalNotAllowed),
                  element_pointer(i, s.principal ? "Principal" : "NotPrincipal"));
      }
    } else if (type == PolicyType::Trust) {
      if (!s.principal) out.error(std::string(kMissingPrincipal), statement_pointer(i));
      if (s.not_principal && !out.done()) {
        out.error(std::string(kNotPrincipalProhibited), element_pointer(i, "NotPrincipal"));
      }
    } else if (!s.principal && !s.not_principal) {
      out.error(std::string(kMissingPrincipal), statement_pointer(i));
    }
  }
}

bool has_variable(std::string_view s) { return s.find("${") != std::string_view::npos; }

// Warnings about the document as a whole and statement shapes; per-element warnings live with
// their element (warn_actions, warn_conditions, warn_principals).
void warn_document(const Policy& policy, Findings& out) {
  if (policy.version != "2012-10-17") {
    for (std::size_t i = 0; i < policy.statements.size(); ++i) {
      const Statement& s = policy.statements[i];
      bool variables = false;
      for (const auto& r : s.resources) variables = variables || has_variable(r);
      for (const auto& c : s.conditions) {
        for (const auto& v : c.values) variables = variables || has_variable(v);
      }
      if (variables) {
        out.warning("Policy variables are not substituted unless Version is \"2012-10-17\"; "
                    "\"${...}\" is matched literally here.",
                    statement_pointer(i));
      }
    }
  }
  for (std::size_t i = 0; i < policy.statements.size(); ++i) {
    const Statement& s = policy.statements[i];
    bool any_resource = !s.not_resource &&
                        std::find(s.resources.begin(), s.resources.end(), "*") != s.resources.end();
    if (s.effect == Effect::Allow && s.not_action && any_resource) {
      out.warning("Allow with NotAction and Resource \"*\" grants every action not listed, "
                  "including actions AWS adds later.",
                  element_pointer(i, "NotAction"));
    }
  }
}

}  // namespace

void Findings::error(std::string message, std::string pointer) {
  if (done()) return;
  items_.push_back({Finding::Severity::Error, std::move(message), std::move(pointer)});
}

void Findings::warning(std::string message, std::string pointer) {
  if (mode_ != Mode::All) return;
  items_.push_back({Finding::Severity::Warning, std::move(message), std::move(pointer)});
}

std::string statement_pointer(std::size_t index) { return "/Statement/" + std::to_string(index); }

std::string pointer_key(std::string_view key) {
  std::string out;
  for (char c : key) {
    if (c == '~') out += "~0";
    else if (c == '/') out += "~1";
    else out.push_back(c);
  }
  return out;
}

void run_stages(const Policy& policy, PolicyType type, const TextFacts& facts, Findings& out) {
  stage_syntax(policy, out);
  if (out.done()) return;
  stage_version(policy, type, out);
  if (out.done()) return;
  stage_effect_case(facts, out);
  if (out.done()) return;
  check_condition_legacy(policy, out);
  if (out.done()) return;
  std::vector<Finding> resource_errors = check_resources_legacy(policy, type, out);
  if (out.done()) return;
  stage_sids(policy, type, out);
  if (out.done()) return;
  stage_actions_present(policy, out);
  if (out.done()) return;
  for (Finding& f : resource_errors) out.error(std::move(f.message), std::move(f.pointer));
  if (out.done()) return;
  check_action_formats(policy, out);
  if (out.done()) return;
  stage_resources(policy, type, out);
  if (out.done()) return;
  stage_principals_present(policy, type, out);
  if (out.done()) return;
  if (type == PolicyType::Trust) check_trust_actions(policy, out);
  if (out.done()) return;
  check_principal_values(policy, type, out);
  if (!out.wants_warnings()) return;
  warn_document(policy, out);
  warn_actions(policy, out);
  warn_conditions(policy, type, out);
  warn_principals(policy, type, out);
}

core::Status validate_with_facts(const Policy& policy, PolicyType type, const TextFacts& facts) {
  Findings out(Findings::Mode::FirstError);
  run_stages(policy, type, facts, out);
  if (out.items().empty()) return {};
  return malformed(std::move(out.items().front().message));
}

core::Status check_syntax(const Policy& policy) {
  Findings out(Findings::Mode::FirstError);
  stage_syntax(policy, out);
  if (out.items().empty()) return {};
  return malformed(std::move(out.items().front().message));
}

}  // namespace detail

core::Status validate(const Policy& policy, PolicyType type) {
  return detail::validate_with_facts(policy, type, {});
}

std::vector<Finding> check(const Policy& policy, PolicyType type) {
  detail::Findings out(detail::Findings::Mode::All);
  detail::run_stages(policy, type, {}, out);
  return std::move(out.items());
}

std::size_t quota_size(std::string_view text) {
  // IAM's quotas count characters other than whitespace; a UTF-8 continuation byte is part of
  // the character before it, so it is not counted again.
  std::size_t n = 0;
  for (char ch : text) {
    auto c = static_cast<unsigned char>(ch);
    if (c == ' ' || c == '\t' || c == '\n' || c == '\r' || (c & 0xC0) == 0x80) continue;
    ++n;
  }
  return n;
}

}  // namespace iamd::policy
