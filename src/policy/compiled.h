#pragma once
// The compiled form of a policy: what compile.cc builds and evaluate.cc reads. Internal to
// policy/ (compile.h keeps CompiledPolicy opaque to everyone else). Immutable once built.

#include <array>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "policy/compile.h"
#include "policy/conditions/conditions.h"
#include "policy/glob.h"
#include "policy/model.h"
#include "policy/variables.h"

namespace iamd::policy {

/// How a Principal value names its principals; decides what else a grant needs (spec §4.4).
enum class PrincipalForm : std::uint8_t {
  Any,               // "*" or {"AWS":"*"}
  Account,           // "123456789012" or arn:aws:iam::123456789012:root
  UserArn,           // arn:aws:iam::A:user/path/name
  UserId,            // AIDA...
  RoleArn,           // arn:aws:iam::A:role/path/name: sessions of that role
  RoleId,            // AROA...
  SessionArn,        // arn:aws:sts::A:assumed-role/R/S
  FederatedUserArn,  // arn:aws:sts::A:federated-user/N
  Service,           // {"Service": "ec2.amazonaws.com"}
  Federated,         // {"Federated": provider ARN or well-known name}
  CanonicalUser,     // S3 only; never matches here
  Other,             // any other AWS value: compared with the caller's ARN
};

struct PrincipalValue {
  PrincipalForm form = PrincipalForm::Other;
  std::string value;  // account id for Account; otherwise as written
};

struct PrincipalSet {
  bool any = false;
  std::vector<PrincipalValue> values;
};

struct ActionPattern {
  enum class Kind : std::uint8_t {
    Any,      // "*"
    Service,  // "svc:Name*": literal service prefix, glob over the name
    Full,     // anything else (wildcards in the prefix, no colon): glob over the whole action
  };
  Kind kind = Kind::Full;
  std::string service;  // Service: the lower-cased prefix
  Glob glob;            // Service: over the lower-cased name; Full: over the lower-cased action
};

struct ResourcePattern {
  enum class Kind : std::uint8_t {
    Any,    // "*"
    Arn,    // six components, each a case-sensitive glob
    Whole,  // not ARN-shaped (lenient loads): one glob over the whole resource
  };
  Kind kind = Kind::Whole;
  std::array<Glob, 5> head;  // Arn: arn, partition, service, region, account
  Glob tail;                 // Arn: the resource part when it has no variables; Whole: all
  std::optional<Template> tail_template;  // Arn: the resource part when it has variables
};

struct CompiledStatement {
  std::uint32_t index = 0;  // position in the model's statement list
  Effect effect = Effect::Allow;
  bool has_action = false;
  bool not_action = false;
  std::vector<ActionPattern> actions;  // Service patterns first, grouped by service
  bool has_resource = false;
  bool not_resource = false;
  std::vector<ResourcePattern> resources;
  enum class PrincipalMode : std::uint8_t { None, Principal, NotPrincipal };
  PrincipalMode principal_mode = PrincipalMode::None;
  PrincipalSet principals;
  std::vector<conditions::Clause> clauses;
  /// Lenient loads only: a condition operator we do not know. Such a statement can never be
  /// shown to apply: an Allow never grants; a Deny denies whenever the rest matches (fail closed).
  bool unknown_operator = false;
};

/// Statement `statement` has patterns [first_action, end_action) for one service.
struct IndexEntry {
  std::uint32_t statement = 0;
  std::uint32_t first_action = 0;
  std::uint32_t end_action = 0;
};

struct ServiceSlot {
  bool used = false;
  std::uint64_t hash = 0;
  std::string service;
  std::vector<IndexEntry> entries;  // ascending by statement
};

/// FNV-1a over the lower-cased service prefix; computed once per request and once per slot.
std::uint64_t service_hash(std::string_view lower_service);

class CompiledPolicy {
 public:
  PolicySource source;
  Policy model;
  std::vector<CompiledStatement> statements;
  /// Open-addressing table (power-of-two size, linear probing) from service prefix to the
  /// statements that name that service with a literal prefix.
  std::vector<ServiceSlot> slots;
  /// Statements that may match any service ("*", NotAction, wildcard prefixes), ascending.
  std::vector<std::uint32_t> wildcard;

  /// The slot of `service` (lower-cased), or nullptr when no statement names it.
  const ServiceSlot* find_service(std::string_view service, std::uint64_t hash) const;
};

}  // namespace iamd::policy
