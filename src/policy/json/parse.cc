// JSON text -> policy::Policy. The reader (reader.h) does RFC 8259; this file maps the tree onto
// the policy grammar of spec §3.1 and gives AWS's "Syntax errors in policy." for anything that
// does not fit it.

#include "policy/json/parse.h"

#include <algorithm>
#include <numeric>

#include "policy/json/parse_and_validate.h"
#include "policy/json/reader.h"
#include "policy/validate_internal.h"

namespace iamd::policy::json {
namespace {

using detail::Member;
using detail::Node;
using Kind = Node::Kind;

core::Error malformed(std::string_view message) {
  return core::Error{core::ErrorCode::MalformedPolicyDocument, std::string(message)};
}
core::Error syntax_error() { return malformed(policy::detail::kSyntaxErrors); }

struct Context {
  ParseMode mode;
  policy::detail::TextFacts facts;
};

// The members of an object with duplicates resolved, in document order. Strict: a key given twice
// is a syntax error (AWS: "the same key must not appear twice in one element"). Lenient: the last
// one wins. Sorting indices keeps this O(n log n) on hostile input.
std::optional<std::vector<const Member*>> unique_members(const Node& object, ParseMode mode) {
  const auto& members = object.members;
  std::vector<std::size_t> order(members.size());
  std::iota(order.begin(), order.end(), 0);
  std::stable_sort(order.begin(), order.end(), [&](std::size_t a, std::size_t b) {
    return members[a].key < members[b].key;
  });
  std::vector<bool> dropped(members.size(), false);
  for (std::size_t i = 1; i < order.size(); ++i) {
    if (members[order[i]].key != members[order[i - 1]].key) continue;
    if (mode == ParseMode::Strict) return std::nullopt;
    dropped[order[i - 1]] = true;  // stable: order[i - 1] comes earlier in the document
  }
  std::vector<const Member*> out;
  out.reserve(members.size());
  for (std::size_t i = 0; i < members.size(); ++i) {
    if (!dropped[i]) out.push_back(&members[i]);
  }
  return out;
}

// A string, or an array of strings (possibly empty), normalized to a list.
std::optional<std::vector<std::string>> string_list(const Node& node) {
  if (node.kind == Kind::String) return std::vector<std::string>{node.text};
  if (node.kind != Kind::Array) return std::nullopt;
  std::vector<std::string> out;
  out.reserve(node.items.size());
  for (const Node& item : node.items) {
    if (item.kind != Kind::String) return std::nullopt;
    out.push_back(item.text);
  }
  return out;
}

// Condition values may be strings, numbers or booleans (spec §3.1); numbers and booleans become
// their JSON text, so `10` and `"10"` mean the same.
std::optional<std::vector<std::string>> condition_values(const Node& node) {
  if (node.is_scalar()) return std::vector<std::string>{node.text};
  if (node.kind != Kind::Array) return std::nullopt;
  std::vector<std::string> out;
  out.reserve(node.items.size());
  for (const Node& item : node.items) {
    if (!item.is_scalar()) return std::nullopt;
    out.push_back(item.text);
  }
  return out;
}

// "*", or {"AWS"|"Service"|"Federated"|"CanonicalUser"|...: string-or-array}. The type names are
// checked by validation, which can say which principal is wrong.
std::optional<Principals> principals(const Node& node, ParseMode mode) {
  Principals out;
  if (node.kind == Kind::String) {
    if (node.text != "*") return std::nullopt;
    out.any = true;
    return out;
  }
  if (node.kind != Kind::Object) return std::nullopt;
  auto members = unique_members(node, mode);
  if (!members) return std::nullopt;
  for (const Member* m : *members) {
    auto values = string_list(m->value);
    if (!values) return std::nullopt;
    out.by_type.emplace_back(m->key, std::move(*values));
  }
  return out;
}

bool conditions(const Node& node, ParseMode mode, std::vector<Condition>& out) {
  if (node.kind != Kind::Object) return false;
  auto operators = unique_members(node, mode);
  if (!operators) return false;
  for (const Member* op : *operators) {
    if (op->value.kind != Kind::Object) return false;
    auto keys = unique_members(op->value, mode);
    if (!keys) return false;
    for (const Member* key : *keys) {
      auto values = condition_values(key->value);
      if (!values) return false;
      out.push_back(Condition{op->key, key->key, std::move(*values)});
    }
  }
  return true;
}

bool effect(const Node& node, std::size_t index, Context& ctx, Effect& out) {
  if (node.kind != Kind::String) return false;
  if (node.text == "Allow" || node.text == "Deny") {
    out = node.text == "Allow" ? Effect::Allow : Effect::Deny;
    return true;
  }
  // Any other case of allow/deny passes IAM's syntax check and fails its legacy parse later.
  std::string lower;
  for (char c : node.text) lower.push_back((c >= 'A' && c <= 'Z') ? static_cast<char>(c + 32) : c);
  if (lower != "allow" && lower != "deny") return false;
  out = lower == "allow" ? Effect::Allow : Effect::Deny;
  if (!ctx.facts.effect_case_mismatch) {
    ctx.facts.effect_case_mismatch = true;
    ctx.facts.effect_case_statement = index;
  }
  return true;
}

core::Result<Statement> statement(const Node& node, std::size_t index, Context& ctx) {
  if (node.kind != Kind::Object) return syntax_error();
  auto members = unique_members(node, ctx.mode);
  if (!members) return syntax_error();
  Statement s;
  s.start = node.start;
  s.end = node.end;
  bool has_effect = false;
  bool has_not_action = false, has_not_resource = false;
  for (const Member* m : *members) {
    const std::string& k = m->key;
    const Node& v = m->value;
    if (k == "Sid") {
      if (v.kind != Kind::String) return syntax_error();
      s.sid = v.text;
    } else if (k == "Effect") {
      if (!effect(v, index, ctx, s.effect)) return syntax_error();
      has_effect = true;
    } else if (k == "Principal" || k == "NotPrincipal") {
      auto p = principals(v, ctx.mode);
      if (!p) return syntax_error();
      (k == "Principal" ? s.principal : s.not_principal) = std::move(*p);
    } else if (k == "Action" || k == "NotAction") {
      auto list = string_list(v);
      if (!list) return syntax_error();
      (k == "Action" ? s.has_action : has_not_action) = true;
      s.actions = std::move(*list);
    } else if (k == "Resource" || k == "NotResource") {
      auto list = string_list(v);
      if (!list) return syntax_error();
      (k == "Resource" ? s.has_resource : has_not_resource) = true;
      s.resources = std::move(*list);
    } else if (k == "Condition") {
      if (!conditions(v, ctx.mode, s.conditions)) return syntax_error();
    } else if (ctx.mode == ParseMode::Strict) {
      return syntax_error();  // unknown element
    }
  }
  // The model holds one of each pair; both at once is a syntax error in either mode.
  if ((s.has_action && has_not_action) || (s.has_resource && has_not_resource)) {
    return syntax_error();
  }
  if (!has_effect) return syntax_error();  // never default an Effect, not even leniently
  s.not_action = has_not_action;
  s.has_action = s.has_action || has_not_action;
  s.not_resource = has_not_resource;
  s.has_resource = s.has_resource || has_not_resource;
  return s;
}

core::Result<Policy> document(std::string_view text, Context& ctx) {
  auto root = detail::read(text, ctx.mode == ParseMode::Lenient ? detail::Bom::Skip
                                                                  : detail::Bom::Reject);
  if (!root || root->kind != Kind::Object) return syntax_error();
  auto members = unique_members(*root, ctx.mode);
  if (!members) return syntax_error();
  Policy policy;
  const Node* statements = nullptr;
  for (const Member* m : *members) {
    if (m->key == "Version") {
      // The model writes an absent Version as ""; an explicit "" is an unknown version.
      if (m->value.kind != Kind::String) return syntax_error();
      if (m->value.text.empty() && ctx.mode == ParseMode::Strict) return syntax_error();
      policy.version = m->value.text;
    } else if (m->key == "Id") {
      if (m->value.kind != Kind::String) return syntax_error();
      policy.id = m->value.text;
    } else if (m->key == "Statement") {
      statements = &m->value;
    } else if (ctx.mode == ParseMode::Strict) {
      return syntax_error();
    }
  }
  if (statements) {
    if (statements->kind == Kind::Object) {
      auto s = statement(*statements, 0, ctx);
      if (!s) return s.error();
      policy.statements.push_back(std::move(*s));
    } else if (statements->kind == Kind::Array) {
      policy.statements.reserve(statements->items.size());
      for (const Node& item : statements->items) {
        auto s = statement(item, policy.statements.size(), ctx);
        if (!s) return s.error();
        policy.statements.push_back(std::move(*s));
      }
    } else {
      return syntax_error();
    }
  }
  return policy;
}

}  // namespace

core::Result<Policy> parse(std::string_view text, ParseMode mode) {
  Context ctx{mode, {}};
  auto policy = document(text, ctx);
  if (!policy || mode == ParseMode::Lenient) return policy;
  // Strict: every "Syntax errors in policy." check, including those on values the model holds
  // (Version, operators, empty Statement), before the one legacy error parsing can see.
  IAMD_TRY(policy::detail::check_syntax(*policy));
  if (ctx.facts.effect_case_mismatch) return malformed(policy::detail::kLegacyParsing);
  return policy;
}

core::Result<Policy> parse_and_validate(std::string_view text, PolicyType type) {
  Context ctx{ParseMode::Strict, {}};
  auto policy = document(text, ctx);
  if (!policy) return policy;
  IAMD_TRY(policy::detail::validate_with_facts(*policy, type, ctx.facts));
  return policy;
}

}  // namespace iamd::policy::json
