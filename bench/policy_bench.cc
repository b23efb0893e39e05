// Policy evaluation benchmarks (DESIGN.md performance notes; STYLE.md §3.8 "evaluate over
// 1/10/100 statements"). Policies are built as models and compiled once; only evaluate() is timed.
// Link: iamd_policy benchmark::benchmark.

#include <benchmark/benchmark.h>

#include <memory>
#include <string>
#include <vector>

#include "policy/compile.h"
#include "policy/context.h"
#include "policy/evaluate.h"
#include "policy/model.h"

namespace {

using namespace iamd::policy;
using Strings = std::vector<std::string>;

Statement stmt(Effect effect, Strings actions, Strings resources, bool not_action = false) {
  Statement s;
  s.effect = effect;
  s.actions = std::move(actions);
  s.has_action = true;
  s.not_action = not_action;
  s.resources = std::move(resources);
  s.has_resource = true;
  return s;
}

Statement with(Statement s, std::string op, std::string key, Strings values) {
  s.conditions.push_back({std::move(op), std::move(key), std::move(values)});
  return s;
}

std::shared_ptr<const CompiledPolicy> make(std::vector<Statement> statements, std::string id) {
  Policy p;
  p.version = "2012-10-17";
  p.statements = std::move(statements);
  auto r = compile(p, PolicySource{std::move(id), "IAM Policy"});
  if (!r) std::abort();
  return *r;
}

// A realistic 10-statement identity policy: wildcards in actions and resources, a variable, and
// two conditions on the statement that grants the request (plus an MFA guard).
std::shared_ptr<const CompiledPolicy> ten_statement_policy(const std::string& id = "ten") {
  const std::string A = "111111111111";
  return make(
      {
          stmt(Effect::Allow, {"iam:Get*", "iam:List*"}, {"*"}),
          with(with(stmt(Effect::Allow, {"s3:Get*", "s3:List*"},
                         {"arn:aws:s3:::corp-*/home/${aws:username}/*"}),
                    "Bool", "aws:SecureTransport", {"true"}),
               "IpAddress", "aws:SourceIp", {"10.0.0.0/8", "192.168.0.0/16"}),
          stmt(Effect::Deny, {"s3:Delete*", "s3:PutBucketPolicy"}, {"*"}),
          stmt(Effect::Allow, {"ec2:Describe*"}, {"*"}),
          stmt(Effect::Allow, {"sts:GetCallerIdentity"}, {"*"}),
          stmt(Effect::Allow, {"dynamodb:*Item", "dynamodb:Query"},
               {"arn:aws:dynamodb:*:" + A + ":table/app-*"}),
          stmt(Effect::Deny, {"iam:*AccessKey*"}, {"arn:aws:iam::*:user/${aws:username}"}),
          with(stmt(Effect::Allow, {"kms:Decrypt"}, {"arn:aws:kms:*:" + A + ":key/*"}),
               "StringEquals", "kms:ViaService", {"s3.us-east-1.amazonaws.com"}),
          stmt(Effect::Allow, {"cloudwatch:Put*", "logs:*"}, {"*"}),
          with(stmt(Effect::Deny, {"iam:*", "sts:*"}, {"*"}, /*not_action=*/true), "BoolIfExists",
               "aws:MultiFactorAuthPresent", {"false"}),
      },
      id);
}

RequestContext s3_request() {
  RequestContext c;
  c.action = "s3:GetObject";
  c.resource = "arn:aws:s3:::corp-data/home/alice/reports/2024.csv";
  c.principal.kind = PrincipalInfo::Kind::User;
  c.principal.account = "111111111111";
  c.principal.arn = "arn:aws:iam::111111111111:user/alice";
  c.principal.user_id = "AIDAALICE";
  c.set("aws:username", "alice");
  c.set("aws:userid", "AIDAALICE");
  c.set("aws:PrincipalArn", c.principal.arn);
  c.set("aws:SecureTransport", "true");
  c.set("aws:SourceIp", "10.1.2.3");
  c.set("aws:MultiFactorAuthPresent", "true");
  c.set("aws:CurrentTime", "2024-06-01T12:00:00Z");
  return c;
}

void check_allowed(benchmark::State& state, const Evaluation& e) {
  if (e.decision != Decision::Allow) state.SkipWithError("expected Allow");
}

// (a) One 10-statement identity policy with wildcards and two conditions.
void BM_TenStatementPolicy(benchmark::State& state) {
  auto policy = ten_statement_policy();
  RequestContext ctx = s3_request();
  EvaluationInput in;
  in.context = &ctx;
  in.identity = {policy.get()};
  check_allowed(state, evaluate(in));
  for (auto _ : state) benchmark::DoNotOptimize(evaluate(in));
}
BENCHMARK(BM_TenStatementPolicy);

// (b) A role session with 10 managed policies, a permissions boundary and a session policy.
void BM_TenManagedPlusBoundaryAndSession(benchmark::State& state) {
  std::vector<std::shared_ptr<const CompiledPolicy>> managed;
  for (int i = 0; i < 9; ++i) {
    managed.push_back(
        make({stmt(Effect::Allow, {"svc" + std::to_string(i) + ":*"}, {"*"}),
              stmt(Effect::Allow, {"s3:List*"}, {"arn:aws:s3:::other-" + std::to_string(i)}),
              stmt(Effect::Deny, {"s3:Delete*"}, {"*"})},
             "managed-" + std::to_string(i)));
  }
  managed.push_back(ten_statement_policy("managed-9"));
  auto boundary =
      make({stmt(Effect::Allow, {"s3:*", "iam:Get*", "ec2:*", "sts:*"}, {"*"})}, "boundary");
  auto session = make({with(stmt(Effect::Allow, {"s3:Get*"}, {"arn:aws:s3:::corp-*/*"}),
                            "StringLike", "aws:userid", {"AIDA*"})},
                      "session");
  RequestContext ctx = s3_request();
  EvaluationInput in;
  in.context = &ctx;
  for (const auto& p : managed) in.identity.push_back(p.get());
  in.boundary = std::vector<const CompiledPolicy*>{boundary.get()};
  in.session = std::vector<const CompiledPolicy*>{session.get()};
  check_allowed(state, evaluate(in));
  for (auto _ : state) benchmark::DoNotOptimize(evaluate(in));
}
BENCHMARK(BM_TenManagedPlusBoundaryAndSession);

// (c) 10,000 compiled policies in memory, two of them the principal's: the cost is that of a
// two-policy evaluation (compare with BM_TwoPolicies).
std::vector<std::shared_ptr<const CompiledPolicy>>& population() {
  static auto* all = [] {
    auto* v = new std::vector<std::shared_ptr<const CompiledPolicy>>();
    for (int i = 0; i < 10000; ++i) {
      // (Appending avoids a GCC 12 -Wrestrict false positive on `"p" + std::to_string(i)`.)
      std::string id = "p", bucket = "arn:aws:s3:::bucket-";
      id += std::to_string(i);
      bucket += std::to_string(i);
      bucket += "/*";
      v->push_back(i % 2 == 0 ? ten_statement_policy(id)
                              : make({stmt(Effect::Allow, {"s3:GetObject"}, {bucket})}, id));
    }
    return v;
  }();
  return *all;
}

void two_policy_bench(benchmark::State& state, const CompiledPolicy* a, const CompiledPolicy* b) {
  RequestContext ctx = s3_request();
  EvaluationInput in;
  in.context = &ctx;
  in.identity = {a, b};
  check_allowed(state, evaluate(in));
  for (auto _ : state) benchmark::DoNotOptimize(evaluate(in));
}

void BM_TwoOfTenThousandPolicies(benchmark::State& state) {
  auto& all = population();
  two_policy_bench(state, all[4242].get(), all[7777].get());
  state.counters["policies_in_memory"] = static_cast<double>(all.size());
}
BENCHMARK(BM_TwoOfTenThousandPolicies);

void BM_TwoPolicies(benchmark::State& state) {
  auto a = ten_statement_policy("a");
  auto b = make({stmt(Effect::Allow, {"s3:GetObject"}, {"arn:aws:s3:::bucket-7777/*"})}, "b");
  two_policy_bench(state, a.get(), b.get());
}
BENCHMARK(BM_TwoPolicies);

// (d) Scaling with statement count. SameService: every statement names s3 (the index cannot
// help; the last one grants). OtherServices: all but one statement name other services (the
// index skips them: cost should stay flat).
void BM_StatementsSameService(benchmark::State& state) {
  std::vector<Statement> sts;
  const auto n = state.range(0);
  for (int64_t i = 0; i + 1 < n; ++i) {
    sts.push_back(
        stmt(Effect::Allow, {"s3:Get*"}, {"arn:aws:s3:::bucket-" + std::to_string(i) + "/*"}));
  }
  sts.push_back(stmt(Effect::Allow, {"s3:Get*"}, {"arn:aws:s3:::corp-*/*"}));
  auto p = make(std::move(sts), "n");
  RequestContext ctx = s3_request();
  EvaluationInput in;
  in.context = &ctx;
  in.identity = {p.get()};
  check_allowed(state, evaluate(in));
  for (auto _ : state) benchmark::DoNotOptimize(evaluate(in));
}
BENCHMARK(BM_StatementsSameService)->Arg(1)->Arg(10)->Arg(100);

void BM_StatementsOtherServices(benchmark::State& state) {
  std::vector<Statement> sts;
  const auto n = state.range(0);
  for (int64_t i = 0; i + 1 < n; ++i) {
    sts.push_back(stmt(Effect::Allow, {"svc" + std::to_string(i) + ":Get*"}, {"*"}));
  }
  sts.push_back(stmt(Effect::Allow, {"s3:Get*"}, {"arn:aws:s3:::corp-*/*"}));
  auto p = make(std::move(sts), "n");
  RequestContext ctx = s3_request();
  EvaluationInput in;
  in.context = &ctx;
  in.identity = {p.get()};
  check_allowed(state, evaluate(in));
  for (auto _ : state) benchmark::DoNotOptimize(evaluate(in));
}
BENCHMARK(BM_StatementsOtherServices)->Arg(1)->Arg(10)->Arg(100);

// The deny path with explanation data: an explicit deny plus a missing context key.
void BM_ExplicitDenyWithMissingKey(benchmark::State& state) {
  auto policy = ten_statement_policy();
  RequestContext ctx = s3_request();
  ctx.action = "s3:DeleteObject";
  ctx.erase("aws:MultiFactorAuthPresent");
  EvaluationInput in;
  in.context = &ctx;
  in.identity = {policy.get()};
  if (evaluate(in).decision != Decision::ExplicitDeny) state.SkipWithError("expected deny");
  for (auto _ : state) benchmark::DoNotOptimize(evaluate(in));
}
BENCHMARK(BM_ExplicitDenyWithMissingKey);

}  // namespace

BENCHMARK_MAIN();
