// Policy -> CompiledPolicy, once per document: everything that can be decided without the request
// is decided here (case folding, glob shapes, ARN splitting, principal forms, typed condition
// values, the service index), so evaluation only compares.

#include "policy/compile.h"

#include <algorithm>
#include <map>

#include "core/arn.h"
#include "core/strings.h"
#include "policy/compiled.h"

namespace iamd::policy {
namespace {

// Variables exist only under the current language version (spec §3.1); older documents are literal.
constexpr std::string_view kVariablesVersion = "2012-10-17";

bool split_arn(std::string_view s, std::array<std::string_view, 6>& parts) {
  for (std::size_t i = 0; i < 5; ++i) {
    std::size_t colon = s.find(':');
    if (colon == std::string_view::npos) return false;
    parts[i] = s.substr(0, colon);
    s.remove_prefix(colon + 1);
  }
  parts[5] = s;
  return true;
}

// Actions are case-insensitive (spec §3.3): patterns are lower-cased here and the request action
// once per evaluation.
ActionPattern compile_action(std::string_view raw) {
  std::string lower = core::ascii_lower(raw);
  ActionPattern p;
  if (lower == "*") {
    p.kind = ActionPattern::Kind::Any;
    return p;
  }
  std::size_t colon = lower.find(':');
  if (colon != std::string::npos && colon > 0 &&
      lower.find_first_of("*?") >= colon) {  // no wildcard in the prefix
    p.kind = ActionPattern::Kind::Service;
    p.service = lower.substr(0, colon);
    p.glob = Glob::compile(std::string_view(lower).substr(colon + 1));
    return p;
  }
  p.kind = ActionPattern::Kind::Full;
  p.glob = Glob::compile(lower);
  return p;
}

// Resources are case-sensitive (spec §3.3 ⚠) and matched per ARN component; variables are
// substituted in the resource part only (spec §3.6), elsewhere `${...}` is literal text.
ResourcePattern compile_resource(std::string_view raw, bool variables) {
  ResourcePattern p;
  if (raw == "*") {
    p.kind = ResourcePattern::Kind::Any;
    return p;
  }
  std::array<std::string_view, 6> parts;
  if (!split_arn(raw, parts)) {
    p.kind = ResourcePattern::Kind::Whole;
    p.tail = Glob::compile(raw);
    return p;
  }
  p.kind = ResourcePattern::Kind::Arn;
  for (std::size_t i = 0; i < 5; ++i) p.head[i] = Glob::compile(parts[i]);
  Template t = Template::parse(parts[5], variables);
  if (t.has_variables()) {
    p.tail_template = std::move(t);
  } else {
    std::vector<GlobUnit> units;
    for (const auto& part : t.parts()) {
      append_glob_units(units, part.text, part.kind == Template::Part::Kind::Text);
    }
    p.tail = Glob::from_units(std::move(units));
  }
  return p;
}

bool is_account_id(std::string_view s) {
  return s.size() == 12 &&
         std::all_of(s.begin(), s.end(), [](char c) { return c >= '0' && c <= '9'; });
}

PrincipalValue classify_aws(std::string_view v) {
  if (is_account_id(v)) return {PrincipalForm::Account, std::string(v)};
  if (auto arn = core::Arn::parse(v)) {
    std::string_view res = arn->resource;
    if (arn->service == "iam") {
      if (res == "root") return {PrincipalForm::Account, arn->account};
      if (res.starts_with("user/")) return {PrincipalForm::UserArn, std::string(v)};
      if (res.starts_with("role/")) return {PrincipalForm::RoleArn, std::string(v)};
    } else if (arn->service == "sts") {
      if (res.starts_with("assumed-role/")) return {PrincipalForm::SessionArn, std::string(v)};
      if (res.starts_with("federated-user/")) {
        return {PrincipalForm::FederatedUserArn, std::string(v)};
      }
    }
    return {PrincipalForm::Other, std::string(v)};
  }
  // Unique ids, as IAM stores principals it has resolved (spec §3.2).
  if (v.starts_with("AIDA")) return {PrincipalForm::UserId, std::string(v)};
  if (v.starts_with("AROA")) return {PrincipalForm::RoleId, std::string(v)};
  return {PrincipalForm::Other, std::string(v)};
}

PrincipalSet compile_principals(const Principals& p) {
  PrincipalSet set;
  set.any = p.any;
  for (const auto& [type, values] : p.by_type) {
    for (const auto& v : values) {
      if (type == "AWS") {
        if (v == "*") {
          set.any = true;  // {"AWS":"*"} is everyone, anonymous included (spec §3.2)
        } else {
          set.values.push_back(classify_aws(v));
        }
      } else if (type == "Service") {
        set.values.push_back({PrincipalForm::Service, v});
      } else if (type == "Federated") {
        set.values.push_back({PrincipalForm::Federated, v});
      } else if (type == "CanonicalUser") {
        set.values.push_back({PrincipalForm::CanonicalUser, v});
      }
      // Any other principal type names nobody.
    }
  }
  return set;
}

core::Result<CompiledStatement> compile_statement(const Statement& s, std::uint32_t index,
                                                  bool variables, CompileMode mode) {
  CompiledStatement c;
  c.index = index;
  c.effect = s.effect;
  c.has_action = s.has_action;
  c.not_action = s.not_action;
  for (const auto& a : s.actions) c.actions.push_back(compile_action(a));
  // Service patterns first, grouped by service, so the index can point at a contiguous run.
  std::stable_sort(c.actions.begin(), c.actions.end(), [](const auto& x, const auto& y) {
    bool xs = x.kind == ActionPattern::Kind::Service, ys = y.kind == ActionPattern::Kind::Service;
    if (xs != ys) return xs;
    return xs && x.service < y.service;
  });
  c.has_resource = s.has_resource;
  c.not_resource = s.not_resource;
  for (const auto& r : s.resources) c.resources.push_back(compile_resource(r, variables));
  if (s.principal) {
    c.principal_mode = CompiledStatement::PrincipalMode::Principal;
    c.principals = compile_principals(*s.principal);
  } else if (s.not_principal) {
    c.principal_mode = CompiledStatement::PrincipalMode::NotPrincipal;
    c.principals = compile_principals(*s.not_principal);
  }
  conditions::CompileOptions options{variables};
  for (const auto& cond : s.conditions) {
    auto op = conditions::parse_operator(cond.op);
    if (!op) {
      if (mode == CompileMode::Strict) {
        return core::Error{core::ErrorCode::MalformedPolicyDocument, "Syntax errors in policy."};
      }
      c.unknown_operator = true;
      continue;
    }
    c.clauses.push_back(conditions::compile_clause(*op, cond, options));
  }
  return c;
}

void build_index(CompiledPolicy& p) {
  std::map<std::string, std::vector<IndexEntry>> by_service;
  for (const auto& s : p.statements) {
    if (!s.has_action || s.actions.empty()) continue;  // matches no action: never applies
    bool indexable =
        !s.not_action && std::all_of(s.actions.begin(), s.actions.end(), [](const auto& a) {
          return a.kind == ActionPattern::Kind::Service;
        });
    if (!indexable) {
      p.wildcard.push_back(s.index);
      continue;
    }
    for (std::size_t b = 0; b < s.actions.size();) {
      std::size_t e = b;
      while (e < s.actions.size() && s.actions[e].service == s.actions[b].service) ++e;
      by_service[s.actions[b].service].push_back(
          {s.index, static_cast<std::uint32_t>(b), static_cast<std::uint32_t>(e)});
      b = e;
    }
  }
  if (by_service.empty()) return;
  std::size_t size = 2;
  while (size < by_service.size() * 2) size *= 2;
  p.slots.resize(size);
  for (auto& [service, entries] : by_service) {
    std::uint64_t h = service_hash(service);
    std::size_t i = h & (size - 1);
    while (p.slots[i].used) i = (i + 1) & (size - 1);
    p.slots[i] = ServiceSlot{true, h, service, std::move(entries)};
  }
}

}  // namespace

std::uint64_t service_hash(std::string_view lower_service) {
  std::uint64_t h = 1469598103934665603ull;
  for (char c : lower_service) {
    h ^= static_cast<unsigned char>(c);
    h *= 1099511628211ull;
  }
  return h;
}

const ServiceSlot* CompiledPolicy::find_service(std::string_view service,
                                                std::uint64_t hash) const {
  if (slots.empty()) return nullptr;
  const std::size_t mask = slots.size() - 1;
  // INVARIANT: the table is at most half full, so probing always reaches an unused slot.
  for (std::size_t i = hash & mask; slots[i].used; i = (i + 1) & mask) {
    if (slots[i].hash == hash && slots[i].service == service) return &slots[i];
  }
  return nullptr;
}

core::Result<std::shared_ptr<const CompiledPolicy>> compile(const Policy& policy,
                                                            PolicySource source, CompileMode mode) {
  auto out = std::make_shared<CompiledPolicy>();
  out->source = std::move(source);
  out->model = policy;
  const bool variables = policy.version == kVariablesVersion;
  out->statements.reserve(policy.statements.size());
  for (std::size_t i = 0; i < policy.statements.size(); ++i) {
    auto st =
        compile_statement(policy.statements[i], static_cast<std::uint32_t>(i), variables, mode);
    if (!st) return st.error();
    out->statements.push_back(std::move(*st));
  }
  build_index(*out);
  return std::shared_ptr<const CompiledPolicy>(std::move(out));
}

const PolicySource& source_of(const CompiledPolicy& policy) { return policy.source; }

const Policy& model_of(const CompiledPolicy& policy) { return policy.model; }

}  // namespace iamd::policy
