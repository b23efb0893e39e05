#pragma once
// Terse builders for policy tests: models are built as values (no JSON), compiled, and evaluated.
//   auto p = compiled({allow({"iam:List*"}).on({"*"}).when("Bool", "aws:SecureTransport",
//   {"true"})});

#include <gtest/gtest.h>

#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "core/arn.h"
#include "policy/compile.h"
#include "policy/context.h"
#include "policy/evaluate.h"
#include "policy/model.h"

namespace iamd::policy::testing {

using Strings = std::vector<std::string>;

/// A statement under construction.
struct Stmt {
  Statement s;

  Stmt& on(Strings resources) {
    s.resources = std::move(resources);
    s.has_resource = true;
    s.not_resource = false;
    return *this;
  }
  Stmt& not_on(Strings resources) {
    on(std::move(resources));
    s.not_resource = true;
    return *this;
  }
  Stmt& when(std::string op, std::string key, Strings values) {
    s.conditions.push_back({std::move(op), std::move(key), std::move(values)});
    return *this;
  }
  Stmt& sid(std::string id) {
    s.sid = std::move(id);
    return *this;
  }
  Stmt& principal(std::string type, Strings values) {
    if (!s.principal) s.principal = Principals{};
    s.principal->by_type.emplace_back(std::move(type), std::move(values));
    return *this;
  }
  Stmt& principal_aws(Strings values) { return principal("AWS", std::move(values)); }
  Stmt& principal_any() {
    s.principal = Principals{};
    s.principal->any = true;
    return *this;
  }
  Stmt& not_principal(std::string type, Strings values) {
    if (!s.not_principal) s.not_principal = Principals{};
    s.not_principal->by_type.emplace_back(std::move(type), std::move(values));
    return *this;
  }
  Stmt& at(int line, int column, int end_line, int end_column) {
    s.start = {line, column};
    s.end = {end_line, end_column};
    return *this;
  }
};

inline Stmt statement(Effect effect, Strings actions, bool not_action) {
  Stmt st;
  st.s.effect = effect;
  st.s.actions = std::move(actions);
  st.s.has_action = true;
  st.s.not_action = not_action;
  return st;
}
inline Stmt allow(Strings actions) { return statement(Effect::Allow, std::move(actions), false); }
inline Stmt deny(Strings actions) { return statement(Effect::Deny, std::move(actions), false); }
inline Stmt allow_not(Strings actions) {
  return statement(Effect::Allow, std::move(actions), true);
}
inline Stmt deny_not(Strings actions) { return statement(Effect::Deny, std::move(actions), true); }

inline Policy doc(std::vector<Stmt> statements, std::string version = "2012-10-17") {
  Policy p;
  p.version = std::move(version);
  for (auto& st : statements) p.statements.push_back(std::move(st.s));
  return p;
}

using Compiled = std::shared_ptr<const CompiledPolicy>;

inline Compiled compiled(const Policy& p, std::string id = "test-policy",
                         CompileMode mode = CompileMode::Strict) {
  auto r = compile(p, PolicySource{std::move(id), "IAM Policy"}, mode);
  EXPECT_TRUE(r.has_value()) << (r ? "" : r.error().message);
  return r ? *r : nullptr;
}
inline Compiled compiled(std::vector<Stmt> statements, std::string id = "test-policy") {
  return compiled(doc(std::move(statements)), std::move(id));
}

inline constexpr const char* kA = "111111111111";
inline constexpr const char* kB = "222222222222";

inline PrincipalInfo user(std::string account, std::string name) {
  PrincipalInfo p;
  p.kind = PrincipalInfo::Kind::User;
  p.arn = core::iam_arn(account, "user", "/", name);
  p.account = std::move(account);
  p.user_id = "AIDA" + name;
  return p;
}

inline PrincipalInfo role_session(std::string account, std::string role, std::string session) {
  PrincipalInfo p;
  p.kind = PrincipalInfo::Kind::AssumedRole;
  p.arn = "arn:aws:sts::" + account + ":assumed-role/" + role + "/" + session;
  p.role_arn = core::iam_arn(account, "role", "/", role);
  p.user_id = "AROA" + role + ":" + session;
  p.account = std::move(account);
  return p;
}

inline PrincipalInfo federated_user(std::string account, std::string name, std::string source) {
  PrincipalInfo p;
  p.kind = PrincipalInfo::Kind::FederatedUser;
  p.arn = "arn:aws:sts::" + account + ":federated-user/" + name;
  p.source_user_arn = core::iam_arn(account, "user", "/", source);
  p.user_id = account + ":" + name;
  p.account = std::move(account);
  return p;
}

inline PrincipalInfo root(std::string account) {
  PrincipalInfo p;
  p.kind = PrincipalInfo::Kind::Root;
  p.arn = core::root_arn(account);
  p.user_id = account;
  p.account = std::move(account);
  return p;
}

/// A request with the principal keys AWS always sets (spec §3.5, §3.6 "Principal key values").
inline RequestContext request(std::string action, std::string resource, PrincipalInfo p) {
  RequestContext c;
  c.action = std::move(action);
  c.resource = std::move(resource);
  if (p.kind == PrincipalInfo::Kind::User) {
    c.set("aws:username", p.arn.substr(p.arn.rfind('/') + 1));
  }
  if (!p.user_id.empty()) c.set("aws:userid", p.user_id);
  if (!p.account.empty()) c.set("aws:PrincipalAccount", p.account);
  if (!p.arn.empty()) {
    c.set("aws:PrincipalArn", p.kind == PrincipalInfo::Kind::AssumedRole ? p.role_arn : p.arn);
  }
  c.principal = std::move(p);
  return c;
}

inline EvaluationInput input_for(const RequestContext& ctx) {
  EvaluationInput in;
  in.context = &ctx;
  return in;
}

/// Pointers to the policies, as EvaluationInput wants them.
inline std::vector<const CompiledPolicy*> set_of(std::initializer_list<Compiled> policies) {
  std::vector<const CompiledPolicy*> out;
  for (const auto& p : policies) out.push_back(p.get());
  return out;
}

}  // namespace iamd::policy::testing
