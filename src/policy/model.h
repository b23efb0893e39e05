#pragma once
// The policy language as plain values: what a policy document says, before any compilation.
// std only (DESIGN.md: the policy core links nothing but the standard library). The JSON adapter
// (policy/json/) turns text into this model; compile.h turns the model into matchers.

#include <cstddef>
#include <optional>
#include <string>
#include <utility>
#include <vector>

namespace iamd::policy {

enum class Effect { Allow, Deny };

/// What a document is used as; validation rules differ per type (spec §3.1, §3.8).
enum class PolicyType {
  Identity,   // inline or managed policy of a user, group or role
  Boundary,   // permissions boundary (a managed policy used as one)
  Session,    // session policy passed to AssumeRole*/GetFederationToken
  Trust,      // a role's AssumeRolePolicyDocument
  Resource,   // any other resource-based policy
  Scp,        // AWS Organizations service control policy
};

/// A line/column position in the policy text (1-based), as the IAM simulator reports them.
struct Position {
  int line = 0;
  int column = 0;
};

/// The Principal or NotPrincipal element. `"*"` sets `any`; otherwise values per principal type
/// ("AWS", "Service", "Federated", "CanonicalUser"), normalized from string-or-array to arrays,
/// in document order.
struct Principals {
  bool any = false;
  std::vector<std::pair<std::string, std::vector<std::string>>> by_type;
};

/// One condition clause: an operator as written (e.g. "ForAnyValue:StringLikeIfExists"), a key as
/// written, and its values. JSON numbers and booleans become their JSON text ("10", "true").
struct Condition {
  std::string op;
  std::string key;
  std::vector<std::string> values;
};

struct Statement {
  std::optional<std::string> sid;
  Effect effect = Effect::Allow;
  std::optional<Principals> principal;
  std::optional<Principals> not_principal;
  /// Action or NotAction values (string-or-array normalized); `not_action` says which.
  std::vector<std::string> actions;
  bool not_action = false;
  bool has_action = false;
  /// Resource or NotResource values; `has_resource` is false when neither is present.
  std::vector<std::string> resources;
  bool not_resource = false;
  bool has_resource = false;
  std::vector<Condition> conditions;
  /// Where the statement's object begins and ends in the source text.
  Position start;
  Position end;
};

struct Policy {
  std::string version;  // "" when absent
  std::optional<std::string> id;
  std::vector<Statement> statements;
};

}  // namespace iamd::policy
