// Condition blocks: operator names (a syntax error when unknown), IAM's legacy Date check, and
// the warnings `check` gives for conditions that can never be true or that do not mean what they
// seem to (spec §3.4).

#include <array>
#include <string>

#include "policy/validate_internal.h"
#include "policy/validate_values.h"

namespace iamd::policy::detail {
namespace {

enum class Family { String, Numeric, Date, Bool, Binary, Ip, Arn, Null };

struct OperatorInfo {
  std::string_view name;
  Family family;
};

// Spec §3.4. ArnEquals and ArnLike are one operator under two names, as are their negations.
constexpr std::array kOperators = {
    OperatorInfo{"StringEquals", Family::String},
    OperatorInfo{"StringNotEquals", Family::String},
    OperatorInfo{"StringEqualsIgnoreCase", Family::String},
    OperatorInfo{"StringNotEqualsIgnoreCase", Family::String},
    OperatorInfo{"StringLike", Family::String},
    OperatorInfo{"StringNotLike", Family::String},
    OperatorInfo{"NumericEquals", Family::Numeric},
    OperatorInfo{"NumericNotEquals", Family::Numeric},
    OperatorInfo{"NumericLessThan", Family::Numeric},
    OperatorInfo{"NumericLessThanEquals", Family::Numeric},
    OperatorInfo{"NumericGreaterThan", Family::Numeric},
    OperatorInfo{"NumericGreaterThanEquals", Family::Numeric},
    OperatorInfo{"DateEquals", Family::Date},
    OperatorInfo{"DateNotEquals", Family::Date},
    OperatorInfo{"DateLessThan", Family::Date},
    OperatorInfo{"DateLessThanEquals", Family::Date},
    OperatorInfo{"DateGreaterThan", Family::Date},
    OperatorInfo{"DateGreaterThanEquals", Family::Date},
    OperatorInfo{"Bool", Family::Bool},
    OperatorInfo{"BinaryEquals", Family::Binary},
    OperatorInfo{"IpAddress", Family::Ip},
    OperatorInfo{"NotIpAddress", Family::Ip},
    OperatorInfo{"ArnEquals", Family::Arn},
    OperatorInfo{"ArnLike", Family::Arn},
    OperatorInfo{"ArnNotEquals", Family::Arn},
    OperatorInfo{"ArnNotLike", Family::Arn},
    OperatorInfo{"Null", Family::Null},
};

constexpr std::string_view kForAnyValue = "ForAnyValue:";
constexpr std::string_view kForAllValues = "ForAllValues:";
constexpr std::string_view kIfExists = "IfExists";

const OperatorInfo* find_operator(std::string_view op) {
  auto base = base_operator(op);
  if (!base) return nullptr;
  for (const auto& info : kOperators) {
    if (info.name == *base) return &info;
  }
  return nullptr;
}

std::string_view family_name(Family f) {
  switch (f) {
    case Family::String: return "String";
    case Family::Numeric: return "Numeric";
    case Family::Date: return "Date";
    case Family::Bool: return "Bool";
    case Family::Binary: return "Binary";
    case Family::Ip: return "IpAddress";
    case Family::Arn: return "Arn";
    case Family::Null: return "Null";
  }
  return "";
}

// Types of the context keys this service sets or commonly sees (spec §3.5), lower-case. Keys not
// listed are not type-checked.
enum class KeyType { String, Arn, Numeric, Date, DateOrNumeric, Bool, Ip };

struct KeyInfo {
  std::string_view key;
  KeyType type;
  bool multivalued;
};

constexpr std::array kKeys = {
    KeyInfo{"aws:calledvia", KeyType::String, true},
    KeyInfo{"aws:calledviafirst", KeyType::String, false},
    KeyInfo{"aws:calledvialast", KeyType::String, false},
    KeyInfo{"aws:currenttime", KeyType::Date, false},
    KeyInfo{"aws:epochtime", KeyType::DateOrNumeric, false},
    KeyInfo{"aws:federatedprovider", KeyType::String, false},
    KeyInfo{"aws:multifactorauthage", KeyType::Numeric, false},
    KeyInfo{"aws:multifactorauthpresent", KeyType::Bool, false},
    KeyInfo{"aws:principalaccount", KeyType::String, false},
    KeyInfo{"aws:principalarn", KeyType::Arn, false},
    KeyInfo{"aws:principalisawsservice", KeyType::Bool, false},
    KeyInfo{"aws:principalorgid", KeyType::String, false},
    KeyInfo{"aws:principalorgpaths", KeyType::String, true},
    KeyInfo{"aws:principalservicename", KeyType::String, false},
    KeyInfo{"aws:principalservicenameslist", KeyType::String, true},
    KeyInfo{"aws:principaltype", KeyType::String, false},
    KeyInfo{"aws:referer", KeyType::String, false},
    KeyInfo{"aws:requestedregion", KeyType::String, false},
    KeyInfo{"aws:securetransport", KeyType::Bool, false},
    KeyInfo{"aws:sourceaccount", KeyType::String, false},
    KeyInfo{"aws:sourcearn", KeyType::Arn, false},
    KeyInfo{"aws:sourceidentity", KeyType::String, false},
    KeyInfo{"aws:sourceip", KeyType::Ip, false},
    KeyInfo{"aws:sourcevpc", KeyType::String, false},
    KeyInfo{"aws:sourcevpce", KeyType::String, false},
    KeyInfo{"aws:tagkeys", KeyType::String, true},
    KeyInfo{"aws:tokenissuetime", KeyType::Date, false},
    KeyInfo{"aws:useragent", KeyType::String, false},
    KeyInfo{"aws:userid", KeyType::String, false},
    KeyInfo{"aws:username", KeyType::String, false},
    KeyInfo{"aws:viaawsservice", KeyType::Bool, false},
    KeyInfo{"aws:vpcsourceip", KeyType::Ip, false},
    KeyInfo{"iam:associatedresourcearn", KeyType::Arn, false},
    KeyInfo{"iam:awsservicename", KeyType::String, false},
    KeyInfo{"iam:organizationspolicyid", KeyType::String, false},
    KeyInfo{"iam:passedtoservice", KeyType::String, false},
    KeyInfo{"iam:permissionsboundary", KeyType::Arn, false},
    KeyInfo{"iam:policyarn", KeyType::Arn, false},
    KeyInfo{"sts:externalid", KeyType::String, false},
    KeyInfo{"sts:rolesessionname", KeyType::String, false},
    KeyInfo{"sts:sourceidentity", KeyType::String, false},
    KeyInfo{"sts:transitivetagkeys", KeyType::String, true},
};

constexpr std::string_view kTagKeyPrefixes[] = {"aws:principaltag/", "aws:requesttag/",
                                                "aws:resourcetag/", "iam:resourcetag/"};

std::string lower(std::string_view s) {
  std::string out(s);
  for (char& c : out) {
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c + 32);
  }
  return out;
}

std::optional<KeyInfo> find_key(std::string_view key) {
  std::string k = lower(key);
  for (const auto& info : kKeys) {
    if (info.key == k) return info;
  }
  for (auto prefix : kTagKeyPrefixes) {
    if (k.starts_with(prefix) && k.size() > prefix.size()) {
      return KeyInfo{prefix, KeyType::String, false};
    }
  }
  return std::nullopt;
}

bool family_fits_key(Family f, KeyType t) {
  switch (f) {
    case Family::Numeric: return t == KeyType::Numeric || t == KeyType::DateOrNumeric;
    case Family::Date: return t == KeyType::Date || t == KeyType::DateOrNumeric;
    case Family::Bool: return t == KeyType::Bool;
    case Family::Ip: return t == KeyType::Ip;
    case Family::Binary: return false;
    case Family::String:
    case Family::Arn:
    case Family::Null: return true;  // strings compare anything; Null only tests presence
  }
  return true;
}

bool value_fits_family(Family f, std::string_view v) {
  switch (f) {
    case Family::Numeric: return is_number(v);
    case Family::Date: return is_w3c_date(v);
    case Family::Bool: return is_bool_text(v);
    case Family::Null: return is_bool_text(v);
    case Family::Ip: return is_cidr(v);
    case Family::Binary: return is_base64(v);
    case Family::String:
    case Family::Arn: return true;
  }
  return true;
}

std::string condition_pointer(std::size_t index, const Condition& c) {
  return statement_pointer(index) + "/Condition/" + pointer_key(c.op) + "/" + pointer_key(c.key);
}

bool has_null_false_check(const Statement& s, std::string_view key) {
  for (const Condition& c : s.conditions) {
    if (c.op != "Null" || lower(c.key) != lower(key)) continue;
    for (const auto& v : c.values) {
      if (lower(v) == "false") return true;
    }
  }
  return false;
}

void warn_condition(const Statement& s, std::size_t index, const Condition& c, Findings& out) {
  const OperatorInfo* info = find_operator(c.op);
  if (!info) return;  // an error already
  std::string where = condition_pointer(index, c);
  bool for_all = c.op.starts_with(kForAllValues);
  bool set_operator = for_all || c.op.starts_with(kForAnyValue);

  if (info->family == Family::Null && c.op.ends_with(kIfExists)) {
    out.warning("IfExists has no effect on Null, which already tests whether the key exists.",
                where);
  }
  if (c.values.empty()) {
    out.warning("Condition key \"" + c.key + "\" has no values: it never matches a request.",
                where);
  }
  bool variables_allowed = info->family == Family::String || info->family == Family::Arn ||
                           info->family == Family::Bool;
  for (const auto& v : c.values) {
    if (v.find("${") != std::string::npos) {
      if (!variables_allowed) {
        out.warning("Policy variables are not substituted in " +
                        std::string(family_name(info->family)) + " condition values: \"" + v +
                        "\" is compared literally.",
                    where);
        break;
      }
      continue;
    }
    if (!value_fits_family(info->family, v)) {
      out.warning(std::string(c.op) + " value \"" + v + "\" is not a valid " +
                      std::string(family_name(info->family)) +
                      " value: this comparison can never be true.",
                  where);
      break;
    }
  }
  if (auto key = find_key(c.key)) {
    if (!family_fits_key(info->family, key->type)) {
      out.warning(std::string(c.op) + " cannot compare \"" + c.key + "\", which holds another "
                  "type of value: the comparison can never be true.",
                  where);
    }
    if (set_operator && !key->multivalued) {
      out.warning("\"" + c.key + "\" is single-valued; ForAllValues:/ForAnyValue: are meant for "
                  "multivalued keys.",
                  where);
    } else if (!set_operator && key->multivalued && info->family != Family::Null) {
      out.warning("\"" + c.key + "\" is multivalued; use ForAllValues: or ForAnyValue: with it.",
                  where);
    }
  }
  // ForAllValues is true when the key is absent, so an Allow that relies on it also allows
  // requests that carry no such key at all (spec §3.4).
  if (for_all && s.effect == Effect::Allow && !has_null_false_check(s, c.key)) {
    out.warning("ForAllValues with Allow is also true when \"" + c.key + "\" is absent; add "
                "\"Null\": {\"" + c.key + "\": \"false\"} to require it.",
                where);
  }
}

}  // namespace

std::optional<std::string_view> base_operator(std::string_view op) {
  // One set qualifier at most, then IfExists: "ForAnyValue:StringLikeIfExists".
  if (op.starts_with(kForAnyValue)) {
    op.remove_prefix(kForAnyValue.size());
  } else if (op.starts_with(kForAllValues)) {
    op.remove_prefix(kForAllValues.size());
  }
  if (op.ends_with(kIfExists)) op.remove_suffix(kIfExists.size());
  for (const auto& info : kOperators) {
    if (info.name == op) return info.name;
  }
  return std::nullopt;
}

bool is_known_condition_operator(std::string_view op) { return base_operator(op).has_value(); }

// IAM ignores an unknown operator whose block is empty (the model never holds one); with keys it
// is a syntax error.
void check_condition_syntax(const Policy& policy, Findings& out) {
  for (std::size_t i = 0; i < policy.statements.size() && !out.done(); ++i) {
    std::string_view reported;  // one finding per operator block, not per key in it
    for (const Condition& c : policy.statements[i].conditions) {
      if (!is_known_condition_operator(c.op) && c.op != reported) {
        out.error(std::string(kSyntaxErrors),
                  statement_pointer(i) + "/Condition/" + pointer_key(c.op));
        reported = c.op;
      }
    }
  }
}

void check_condition_legacy(const Policy& policy, Findings& out) {
  for (std::size_t i = 0; i < policy.statements.size() && !out.done(); ++i) {
    for (const Condition& c : policy.statements[i].conditions) {
      auto base = base_operator(c.op);
      if (!base || !base->starts_with("Date")) continue;
      for (const auto& v : c.values) {
        if (!is_legacy_date(v)) {
          out.error(std::string(kLegacyParsing), condition_pointer(i, c));
          break;
        }
      }
      if (out.done()) return;
    }
  }
}

void warn_conditions(const Policy& policy, PolicyType type, Findings& out) {
  for (std::size_t i = 0; i < policy.statements.size(); ++i) {
    const Statement& s = policy.statements[i];
    for (const Condition& c : s.conditions) warn_condition(s, i, c, out);
  }
}

}  // namespace iamd::policy::detail
