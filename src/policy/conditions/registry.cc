// The operator registry and the qualifiers every family shares. AWS's operator names are
// case-sensitive (IAM rejects "stringequals" as a syntax error), and so are the qualifiers.
//
// Clause semantics (spec §3.4), with V the request's values for the key and match(v) "v matches
// some policy value" in the operator's positive sense:
//   key absent:          IfExists -> true; ForAllValues -> true; ForAnyValue -> false;
//                        otherwise negated operators -> true, positive -> false.
//   ForAllValues:Op      every v in V satisfies Op (true for an empty V);
//   ForAnyValue:Op       some v in V satisfies Op (false for an empty V);
//   plain Op             positive: some v matches (a multivalued key matches when any element
//                        does, ⚠ undocumented); negated: no v matches (NOR over policy values).
// where "v satisfies Op" is match(v), or !match(v) for a negated operator.

#include <array>

#include "core/strings.h"
#include "policy/conditions/conditions.h"

namespace iamd::policy::conditions {
namespace {

constexpr auto u8(StringMode m) { return static_cast<std::uint8_t>(m); }
constexpr auto u8(Comparison c) { return static_cast<std::uint8_t>(c); }

// name, family, mode, negated, variables
constexpr std::array<OperatorSpec, 27> kOperators = {{
    {"StringEquals", Family::String, u8(StringMode::Equals), false, true},
    {"StringNotEquals", Family::String, u8(StringMode::Equals), true, true},
    {"StringEqualsIgnoreCase", Family::String, u8(StringMode::EqualsIgnoreCase), false, true},
    {"StringNotEqualsIgnoreCase", Family::String, u8(StringMode::EqualsIgnoreCase), true, true},
    {"StringLike", Family::String, u8(StringMode::Like), false, true},
    {"StringNotLike", Family::String, u8(StringMode::Like), true, true},
    {"NumericEquals", Family::Numeric, u8(Comparison::Equals), false, false},
    {"NumericNotEquals", Family::Numeric, u8(Comparison::Equals), true, false},
    {"NumericLessThan", Family::Numeric, u8(Comparison::LessThan), false, false},
    {"NumericLessThanEquals", Family::Numeric, u8(Comparison::LessThanEquals), false, false},
    {"NumericGreaterThan", Family::Numeric, u8(Comparison::GreaterThan), false, false},
    {"NumericGreaterThanEquals", Family::Numeric, u8(Comparison::GreaterThanEquals), false, false},
    {"DateEquals", Family::Date, u8(Comparison::Equals), false, false},
    {"DateNotEquals", Family::Date, u8(Comparison::Equals), true, false},
    {"DateLessThan", Family::Date, u8(Comparison::LessThan), false, false},
    {"DateLessThanEquals", Family::Date, u8(Comparison::LessThanEquals), false, false},
    {"DateGreaterThan", Family::Date, u8(Comparison::GreaterThan), false, false},
    {"DateGreaterThanEquals", Family::Date, u8(Comparison::GreaterThanEquals), false, false},
    {"Bool", Family::Bool, 0, false, true},
    {"BinaryEquals", Family::Binary, 0, false, false},
    {"IpAddress", Family::Ip, 0, false, false},
    {"NotIpAddress", Family::Ip, 0, true, false},
    {"ArnEquals", Family::Arn, 0, false, true},
    {"ArnLike", Family::Arn, 0, false, true},
    {"ArnNotEquals", Family::Arn, 0, true, true},
    {"ArnNotLike", Family::Arn, 0, true, true},
    {"Null", Family::Null, 0, false, false},
}};

constexpr std::string_view kForAll = "ForAllValues:";
constexpr std::string_view kForAny = "ForAnyValue:";
constexpr std::string_view kIfExists = "IfExists";

}  // namespace

const OperatorSpec* find_operator(std::string_view name) {
  for (const auto& op : kOperators) {
    if (op.name == name) return &op;
  }
  return nullptr;
}

std::span<const OperatorSpec> all_operators() { return kOperators; }

std::optional<ParsedOperator> parse_operator(std::string_view op) {
  ParsedOperator parsed;
  if (op.starts_with(kForAll)) {
    parsed.set = SetQualifier::ForAllValues;
    op.remove_prefix(kForAll.size());
  } else if (op.starts_with(kForAny)) {
    parsed.set = SetQualifier::ForAnyValue;
    op.remove_prefix(kForAny.size());
  }
  if (op.ends_with(kIfExists) && op.size() > kIfExists.size()) {
    parsed.if_exists = true;
    op.remove_suffix(kIfExists.size());
  }
  parsed.spec = find_operator(op);
  if (parsed.spec == nullptr) return std::nullopt;
  if (parsed.spec->family == Family::Null &&
      (parsed.if_exists || parsed.set != SetQualifier::None)) {
    return std::nullopt;
  }
  return parsed;
}

Clause compile_clause(const ParsedOperator& op, const Condition& condition,
                      const CompileOptions& options) {
  Clause c;
  c.op = op;
  c.key = condition.key;
  c.key_lower = core::ascii_lower(condition.key);
  const auto& values = condition.values;
  const bool vars = options.variables_enabled && op.spec->variables;
  switch (op.spec->family) {
    case Family::String:
      c.matcher = make_string_matcher(static_cast<StringMode>(op.spec->mode), values, vars);
      break;
    case Family::Numeric:
      c.matcher = make_numeric_matcher(static_cast<Comparison>(op.spec->mode), values);
      break;
    case Family::Date:
      c.matcher = make_date_matcher(static_cast<Comparison>(op.spec->mode), values);
      break;
    case Family::Bool:
      c.matcher = make_bool_matcher(values, vars);
      break;
    case Family::Binary:
      c.matcher = make_binary_matcher(values);
      break;
    case Family::Ip:
      c.matcher = make_ip_matcher(values);
      break;
    case Family::Arn:
      c.matcher = make_arn_matcher(values, vars);
      break;
    case Family::Null:
      c.null_test = compile_null(values);
      break;
  }
  return c;
}

bool evaluate_clause(const Clause& clause, const Env& env) {
  const ContextValue* value = env.context.find_lower(clause.key_lower);
  const OperatorSpec& spec = *clause.op.spec;
  if (spec.family == Family::Null) {
    return is_null(value) ? clause.null_test.when_null : clause.null_test.when_present;
  }
  if (value == nullptr) {
    if (env.missing != nullptr) env.missing->add(&clause.key);
    if (clause.op.if_exists) return true;
    switch (clause.op.set) {
      case SetQualifier::ForAllValues:
        return true;
      case SetQualifier::ForAnyValue:
        return false;
      case SetQualifier::None:
        return spec.negated;
    }
  }
  // INVARIANT: plain negated operators are "for all values", plain positive ones "for any value",
  // which gives the missing-key results above for an empty list as well.
  bool for_all = clause.op.set == SetQualifier::ForAllValues ||
                 (clause.op.set == SetQualifier::None && spec.negated);
  for (const auto& v : value->values) {
    bool satisfied = clause.matcher->matches_any(v, env) != spec.negated;
    if (for_all && !satisfied) return false;
    if (!for_all && satisfied) return true;
  }
  return for_all;
}

}  // namespace iamd::policy::conditions
