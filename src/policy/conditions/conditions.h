#pragma once
// Condition operators (spec §3.4). Each family (String, Numeric, Date, Bool, Binary, IpAddress,
// Arn, Null) lives in its own file and compiles a clause's policy values into a typed matcher
// once; registry.cc maps AWS's operator names to families and applies the general qualifiers
// (`IfExists`, `ForAllValues:`, `ForAnyValue:`), negation and the missing-key rules.
//
// Internal to policy/: the evaluator and the tests include this, nothing outside the module.

#include <array>
#include <cstdint>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "policy/context.h"
#include "policy/model.h"
#include "policy/variables.h"

namespace iamd::policy::conditions {

/// What matchers see of the evaluation in progress.
struct Env {
  const RequestContext& context;
  MissingKeys* missing = nullptr;  // where unresolved variables are reported; may be null
};

/// The typed policy values of one clause.
class ValueMatcher {
 public:
  virtual ~ValueMatcher() = default;
  /// Whether `request_value` matches at least one policy value, in the operator's positive sense
  /// (negation and set qualifiers are applied by the clause). A request value that cannot be read
  /// as the operator's type matches nothing; so does a policy value that is malformed or whose
  /// variable cannot be resolved.
  virtual bool matches_any(std::string_view request_value, const Env& env) const = 0;
};

enum class Family : std::uint8_t { String, Numeric, Date, Bool, Binary, Ip, Arn, Null };

/// How String operators compare.
enum class StringMode : std::uint8_t { Equals, EqualsIgnoreCase, Like };

/// How Numeric and Date operators compare: `request value <cmp> policy value`.
enum class Comparison : std::uint8_t {
  Equals,
  LessThan,
  LessThanEquals,
  GreaterThan,
  GreaterThanEquals
};

/// Whether a three-way comparison result (<0, 0, >0) satisfies `cmp`.
inline bool holds(Comparison cmp, int order) {
  switch (cmp) {
    case Comparison::Equals:
      return order == 0;
    case Comparison::LessThan:
      return order < 0;
    case Comparison::LessThanEquals:
      return order <= 0;
    case Comparison::GreaterThan:
      return order > 0;
    case Comparison::GreaterThanEquals:
      return order >= 0;
  }
  return false;
}

/// One base operator as AWS names it (no qualifiers).
struct OperatorSpec {
  std::string_view name;
  Family family;
  std::uint8_t mode = 0;   // StringMode or Comparison, per family
  bool negated = false;    // `…Not…` / NotIpAddress: several values are a NOR
  bool variables = false;  // values may contain policy variables
};

/// The base operator named exactly `name` (AWS operator names are case-sensitive), or nullptr.
const OperatorSpec* find_operator(std::string_view name);
/// Every base operator, in the order of spec §3.4.
std::span<const OperatorSpec> all_operators();

enum class SetQualifier : std::uint8_t { None, ForAllValues, ForAnyValue };

/// An operator with its qualifiers: "ForAnyValue:StringLikeIfExists".
struct ParsedOperator {
  const OperatorSpec* spec = nullptr;
  SetQualifier set = SetQualifier::None;
  bool if_exists = false;
};

/// Splits qualifiers from the base and finds it; nullopt for an unknown name, and for `Null` with
/// `IfExists` or a set qualifier (AWS has no such operators).
std::optional<ParsedOperator> parse_operator(std::string_view op);

struct CompileOptions {
  bool variables_enabled = true;  // the document's Version is 2012-10-17
};

// Family factories. None fails: malformed policy values compile to values that match nothing.
std::unique_ptr<ValueMatcher> make_string_matcher(StringMode mode,
                                                  const std::vector<std::string>& values,
                                                  bool variables);
std::unique_ptr<ValueMatcher> make_numeric_matcher(Comparison cmp,
                                                   const std::vector<std::string>& values);
std::unique_ptr<ValueMatcher> make_date_matcher(Comparison cmp,
                                                const std::vector<std::string>& values);
std::unique_ptr<ValueMatcher> make_bool_matcher(const std::vector<std::string>& values,
                                                bool variables);
std::unique_ptr<ValueMatcher> make_binary_matcher(const std::vector<std::string>& values);
std::unique_ptr<ValueMatcher> make_ip_matcher(const std::vector<std::string>& values);
std::unique_ptr<ValueMatcher> make_arn_matcher(const std::vector<std::string>& values,
                                               bool variables);

/// Null: which states of the key the policy values accept ("true": absent or null; "false":
/// present and not null). Several values are an OR.
struct NullTest {
  bool when_null = false;
  bool when_present = false;
};
NullTest compile_null(const std::vector<std::string>& values);
/// A key is null when absent, an empty single value, or an empty list.
bool is_null(const ContextValue* value);

/// One compiled clause: an operator, a key, and the key's values.
struct Clause {
  ParsedOperator op;
  std::string key;                        // as written, for explanations and missing-key reports
  std::string key_lower;                  // what the context is searched for
  std::unique_ptr<ValueMatcher> matcher;  // every family but Null
  NullTest null_test;                     // Null only
};

Clause compile_clause(const ParsedOperator& op, const Condition& condition,
                      const CompileOptions& options);

/// Evaluates a clause against the context. An absent key is reported to `env.missing` (except for
/// Null, whose purpose is to test absence).
bool evaluate_clause(const Clause& clause, const Env& env);

// ---- Typed values (exposed for tests) ----

#if defined(__SIZEOF_INT128__)
__extension__ typedef unsigned __int128 uint128;
#else
#error "a 128-bit integer type is required for exact decimals"
#endif

/// An exact decimal: (-1)^negative × coefficient × 10^exponent, with up to 38 significant digits
/// (further digits are truncated). Zero has coefficient 0.
struct Decimal {
  bool negative = false;
  uint128 coefficient = 0;
  std::int32_t exponent = 0;
};
/// JSON-number syntax, also with a leading '+' or without digits before the point ("-.5");
/// nullopt for anything else (hex, inf, nan, spaces).
std::optional<Decimal> parse_decimal(std::string_view s);
/// Three-way comparison by value: 1.0 == 1 == 1e0.
int compare(const Decimal& a, const Decimal& b);

/// Nanoseconds since the epoch from epoch seconds ("1700000000", "1700000000.5") or W3C ISO 8601
/// ("2020-01-01T00:00:01Z", "2020-01-01", "2020-01", "2020-01-01T10:00+02:00", fractions).
std::optional<std::int64_t> parse_date(std::string_view s);

/// An IPv4 or IPv6 network; an address is a network with a full-length prefix. IPv4-mapped IPv6
/// addresses (::ffff:a.b.c.d) are held as IPv4, so either spelling matches either policy form.
struct IpNetwork {
  bool v6 = false;
  std::array<std::uint8_t, 16> bytes{};
  int prefix = 0;
};
std::optional<IpNetwork> parse_ip(std::string_view address);
/// "203.0.113.0/24", "2001:DB8::/32"; an address without a prefix is /32 or /128. Host bits
/// beyond the prefix are ignored.
std::optional<IpNetwork> parse_cidr(std::string_view cidr);
bool network_contains(const IpNetwork& network, const IpNetwork& address);

/// Standard base64 (RFC 4648 §4), padding optional; nullopt when malformed.
std::optional<std::string> base64_decode(std::string_view s);

/// Simple case folding of UTF-8 text (Latin, Greek, Cyrillic, Armenian, fullwidth forms);
/// invalid bytes are kept.
std::string fold_case(std::string_view s);
/// Compares `piece` with `text` from `pos` case-insensitively, advancing `pos` past the match.
bool fold_match(std::string_view piece, std::string_view text, std::size_t& pos);

}  // namespace iamd::policy::conditions
