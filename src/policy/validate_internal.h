#pragma once
// Internals of policy validation shared by validate*.cc and the JSON adapter (policy/json). Not
// for other modules: they use validate.h.

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/result.h"
#include "policy/model.h"
#include "policy/validate.h"

namespace iamd::policy::detail {

// AWS's MalformedPolicyDocument messages (spec §3.8). Clients grep for them: never reword.
inline constexpr std::string_view kSyntaxErrors = "Syntax errors in policy.";
inline constexpr std::string_view kVersionTooOld =
    "Policy document must be version 2012-10-17 or greater.";
inline constexpr std::string_view kLegacyParsing = "The policy failed legacy parsing";
inline constexpr std::string_view kSidNotAlphanumeric =
    "Statement IDs (SID) must be alpha-numeric. Check that your input satisfies the regular "
    "expression [0-9A-Za-z]*";
inline constexpr std::string_view kSidNotUnique =
    "Statement IDs (SID) in a single policy must be unique.";
inline constexpr std::string_view kMissingActions = "Policy statement must contain actions.";
inline constexpr std::string_view kMissingResources = "Policy statement must contain resources.";
inline constexpr std::string_view kPrincipalNotAllowed =
    "Policy document should not specify a principal.";
inline constexpr std::string_view kMissingPrincipal = "Missing required field Principal";
inline constexpr std::string_view kTrustActionsOnly =
    "AssumeRole policy may only specify STS AssumeRole actions.";
inline constexpr std::string_view kResourceProhibited = "Has prohibited field Resource";
inline constexpr std::string_view kNotPrincipalProhibited = "Has prohibited field NotPrincipal";
inline constexpr std::string_view kActionWithoutVendor =
    "Actions/Conditions must be prefaced by a vendor, e.g., iam, sdb, ec2, etc.";
inline constexpr std::string_view kActionColons = "Actions/Condition can contain only one colon.";

/// Facts only the source text shows, which the model cannot hold. The JSON adapter fills them so
/// that errors still come out in AWS's order.
struct TextFacts {
  /// An Effect spelled in another case ("allow"): IAM's legacy parser rejects it after the
  /// Version check, so the error cannot be raised while parsing.
  bool effect_case_mismatch = false;
  std::size_t effect_case_statement = 0;  // the first such statement
};

/// Where validation records what it finds. In first-error mode (validate) everything after the
/// first error is dropped, warnings included; otherwise (check) it keeps every finding in order.
class Findings {
 public:
  enum class Mode { FirstError, All };
  explicit Findings(Mode mode) : mode_(mode) {}

  void error(std::string message, std::string pointer);
  void warning(std::string message, std::string pointer);
  /// True once first-error mode has its error: stages return early.
  bool done() const { return mode_ == Mode::FirstError && !items_.empty(); }
  bool wants_warnings() const { return mode_ == Mode::All; }
  bool all() const { return mode_ == Mode::All; }
  std::vector<Finding>& items() { return items_; }

 private:
  Mode mode_;
  std::vector<Finding> items_;
};

/// Runs every stage in AWS's order (validate.cc).
void run_stages(const Policy& policy, PolicyType type, const TextFacts& facts, Findings& out);

/// Ok, or the first error, in AWS's order, for a document whose text showed `facts`.
core::Status validate_with_facts(const Policy& policy, PolicyType type, const TextFacts& facts);

/// The "Syntax errors in policy." checks the model can express (Version value, empty Statement,
/// unknown condition operators, principal types). The JSON adapter runs them in Strict mode.
core::Status check_syntax(const Policy& policy);

// ---- stages and helpers, one file per concern ----

// JSON pointer pieces. Keys are escaped per RFC 6901 ("~" -> "~0", "/" -> "~1").
std::string statement_pointer(std::size_t index);
std::string pointer_key(std::string_view key);

// validate_conditions.cc
/// The operator without ForAnyValue:/ForAllValues: and IfExists, if it is one IAM knows.
std::optional<std::string_view> base_operator(std::string_view op);
bool is_known_condition_operator(std::string_view op);
/// IAM's legacy check of a Date* value: a loose ISO 8601 date-time or epoch seconds.
bool is_legacy_date(std::string_view value);
void check_condition_syntax(const Policy& policy, Findings& out);
void check_condition_legacy(const Policy& policy, Findings& out);
void warn_conditions(const Policy& policy, PolicyType type, Findings& out);

// validate_resources.cc
/// The message AWS gives for a malformed Resource/NotResource entry, or nullopt (spec §3.3).
std::optional<std::string> resource_format_error(std::string_view resource);
/// IAM's legacy resource parse: false means "The policy failed legacy parsing".
bool passes_legacy_resource_parse(std::string_view resource);
/// Legacy-parses resources and collects the format errors, which AWS reports later (after the
/// Sid and Action checks); returns those deferred errors.
std::vector<Finding> check_resources_legacy(const Policy& policy, PolicyType type, Findings& out);

// validate_actions.cc
std::optional<std::string> action_format_error(std::string_view action);
void check_action_formats(const Policy& policy, Findings& out);
void check_trust_actions(const Policy& policy, Findings& out);
void warn_actions(const Policy& policy, Findings& out);

// validate_principals.cc
bool is_known_principal_type(std::string_view type);
void check_principal_syntax(const Policy& policy, Findings& out);
void check_principal_values(const Policy& policy, PolicyType type, Findings& out);
void warn_principals(const Policy& policy, PolicyType type, Findings& out);

}  // namespace iamd::policy::detail
