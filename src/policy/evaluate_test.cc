#include "policy/evaluate.h"

#include <gtest/gtest.h>

#include "policy/test_helpers.h"

namespace iamd::policy {
namespace {

using namespace testing;

const std::string kRoleR = "arn:aws:iam::111111111111:role/R";
const std::string kBucketObj = "arn:aws:s3:::bucket/key";

Compiled allow_all() { return compiled({allow({"*"}).on({"*"})}, "FullAWSAccess"); }

// A bucket/trust policy granting `action` to the AWS principals listed.
Compiled resource_policy(Strings principals, Strings actions = {"s3:GetObject"}) {
  return compiled({allow(std::move(actions)).on({"*"}).principal_aws(std::move(principals))},
                  "resource-policy");
}
Compiled trust_policy(Strings principals) {
  Stmt st = allow({"sts:AssumeRole"}).principal_aws(std::move(principals));  // no Resource
  return compiled({st}, "trust-policy");
}

struct Expect {
  Decision decision;
  PolicyKind by;
};

void expect(const Evaluation& e, Expect want) {
  EXPECT_EQ(e.decision, want.decision);
  EXPECT_EQ(e.decided_by, want.by);
}

// ---- Spec §4.8, row by row (Account A = 111111111111, B = 222222222222) ----

TEST(WorkedExamples, Row01_DefaultDeny) {
  auto ctx = request("iam:ListRoles", "*", user(kA, "alice"));
  EvaluationInput in = input_for(ctx);
  expect(evaluate(in), {Decision::ImplicitDeny, PolicyKind::Identity});
}

TEST(WorkedExamples, Row02_IdentityAllow) {
  auto id = compiled({allow({"iam:List*"}).on({"*"})});
  auto ctx = request("iam:ListRoles", "*", user(kA, "alice"));
  EvaluationInput in = input_for(ctx);
  in.identity = set_of({id});
  Evaluation e = evaluate(in);
  expect(e, {Decision::Allow, PolicyKind::Identity});
  ASSERT_EQ(e.matched.size(), 1u);
  EXPECT_EQ(e.matched[0].policy, id.get());
  EXPECT_EQ(e.matched[0].kind, PolicyKind::Identity);
}

TEST(WorkedExamples, Row03_DenyWins) {
  auto id = compiled({allow({"*"}).on({"*"}), deny({"iam:*"}).on({"*"})});
  auto ctx = request("iam:CreateRole", "*", user(kA, "alice"));
  EvaluationInput in = input_for(ctx);
  in.identity = set_of({id});
  Evaluation e = evaluate(in);
  expect(e, {Decision::ExplicitDeny, PolicyKind::Identity});
  ASSERT_EQ(e.matched.size(), 1u);
  EXPECT_EQ(e.matched[0].statement_index, 1u);
  EXPECT_EQ(e.matched[0].effect, Effect::Deny);
}

struct BoundaryFixture {
  Compiled identity = compiled({allow({"s3:*"}).on({"*"})});
  Compiled boundary = compiled({allow({"s3:GetObject"}).on({"*"})}, "boundary");
  Evaluation run(const std::string& action) {
    auto ctx = request(action, kBucketObj, role_session(kA, "R", "s1"));
    EvaluationInput in = input_for(ctx);
    in.identity = set_of({identity});
    in.boundary = set_of({boundary});
    return evaluate(in);
  }
};

TEST(WorkedExamples, Row04_BoundaryDoesNotAllow) {
  expect(BoundaryFixture{}.run("s3:PutObject"), {Decision::ImplicitDeny, PolicyKind::Boundary});
}

TEST(WorkedExamples, Row05_IdentityAndBoundary) {
  Evaluation e = BoundaryFixture{}.run("s3:GetObject");
  expect(e, {Decision::Allow, PolicyKind::Identity});
  EXPECT_EQ(e.matched.size(), 2u);  // the identity and the boundary statement
}

TEST(WorkedExamples, Row06_SameAccountRbpNamingUser) {
  auto bucket = resource_policy({"arn:aws:iam::111111111111:user/alice"});
  auto ctx = request("s3:GetObject", kBucketObj, user(kA, "alice"));
  EvaluationInput in = input_for(ctx);
  in.resource_policy = bucket.get();
  expect(evaluate(in), {Decision::Allow, PolicyKind::Resource});
}

TEST(WorkedExamples, Row07_UserArnGrantIgnoresBoundary) {
  auto bucket = resource_policy({"arn:aws:iam::111111111111:user/alice"});
  auto boundary = compiled({allow({"iam:*"}).on({"*"})}, "boundary");
  auto ctx = request("s3:GetObject", kBucketObj, user(kA, "alice"));
  EvaluationInput in = input_for(ctx);
  in.resource_policy = bucket.get();
  in.boundary = set_of({boundary});
  expect(evaluate(in), {Decision::Allow, PolicyKind::Resource});
}

TEST(WorkedExamples, Row08_RoleArnGrantSatisfiesIdentity) {
  auto bucket = resource_policy({kRoleR});
  auto ctx = request("s3:GetObject", kBucketObj, role_session(kA, "R", "s1"));
  EvaluationInput in = input_for(ctx);
  in.resource_policy = bucket.get();
  expect(evaluate(in), {Decision::Allow, PolicyKind::Identity});
}

TEST(WorkedExamples, Row09_RoleArnGrantIsCappedByBoundary) {
  auto bucket = resource_policy({kRoleR});
  auto boundary = compiled({allow({"iam:*"}).on({"*"})}, "boundary");
  auto ctx = request("s3:GetObject", kBucketObj, role_session(kA, "R", "s1"));
  EvaluationInput in = input_for(ctx);
  in.resource_policy = bucket.get();
  in.boundary = set_of({boundary});
  expect(evaluate(in), {Decision::ImplicitDeny, PolicyKind::Boundary});
}

TEST(WorkedExamples, Row10_SessionArnGrantIsNotCapped) {
  auto bucket = resource_policy({"arn:aws:sts::111111111111:assumed-role/R/s1"});
  auto boundary = compiled({allow({"iam:*"}).on({"*"})}, "boundary");
  auto session = compiled({allow({"iam:*"}).on({"*"})}, "session");
  auto ctx = request("s3:GetObject", kBucketObj, role_session(kA, "R", "s1"));
  EvaluationInput in = input_for(ctx);
  in.resource_policy = bucket.get();
  in.boundary = set_of({boundary});
  in.session = set_of({session});
  expect(evaluate(in), {Decision::Allow, PolicyKind::Resource});
  // A different session of the same role is not named.
  auto other = request("s3:GetObject", kBucketObj, role_session(kA, "R", "s2"));
  in.context = &other;
  expect(evaluate(in), {Decision::ImplicitDeny, PolicyKind::Identity});
}

TEST(WorkedExamples, Row11_SessionPolicyCaps) {
  auto identity = compiled({allow({"s3:*"}).on({"*"})});
  auto session = compiled({allow({"s3:GetObject"}).on({"*"})}, "session");
  auto ctx = request("s3:PutObject", kBucketObj, role_session(kA, "R", "s1"));
  EvaluationInput in = input_for(ctx);
  in.identity = set_of({identity});
  in.session = set_of({session});
  expect(evaluate(in), {Decision::ImplicitDeny, PolicyKind::Session});
  ctx.action = "s3:GetObject";
  expect(evaluate(in), {Decision::Allow, PolicyKind::Identity});
}

TEST(WorkedExamples, Row12_FederatedSessionNeedsSessionPolicy) {
  auto identity = compiled({allow({"s3:*"}).on({"*"})});
  auto ctx = request("s3:GetObject", kBucketObj, federated_user(kA, "bob", "bob"));
  EvaluationInput in = input_for(ctx);
  in.identity = set_of({identity});
  in.federated_session = true;
  expect(evaluate(in), {Decision::ImplicitDeny, PolicyKind::Session});
  auto session = compiled({allow({"s3:Get*"}).on({"*"})}, "session");
  in.session = set_of({session});
  expect(evaluate(in), {Decision::Allow, PolicyKind::Identity});
}

struct CrossAccount {
  Compiled identity = compiled({allow({"s3:GetObject"}).on({"arn:aws:s3:::b-bucket/*"})});
  Compiled bucket = resource_policy({"111111111111"});
  RequestContext ctx = request("s3:GetObject", "arn:aws:s3:::b-bucket/x", user(kA, "alice"));
  EvaluationInput input() {
    EvaluationInput in = input_for(ctx);
    in.identity = set_of({identity});
    in.resource_policy = bucket.get();
    in.resource_account = kB;
    return in;
  }
};

TEST(WorkedExamples, Row13_CrossAccountBothAllow) {
  CrossAccount f;
  expect(evaluate(f.input()), {Decision::Allow, PolicyKind::Identity});
}

TEST(WorkedExamples, Row14_CrossAccountTrustingSideSilent) {
  CrossAccount f;
  f.bucket = resource_policy({"333333333333"});
  expect(evaluate(f.input()), {Decision::ImplicitDeny, PolicyKind::Resource});
  EvaluationInput none = f.input();
  none.resource_policy = nullptr;
  expect(evaluate(none), {Decision::ImplicitDeny, PolicyKind::Resource});
}

TEST(WorkedExamples, Row15_CrossAccountTrustedSideSilent) {
  CrossAccount f;
  EvaluationInput in = f.input();
  in.identity.clear();
  expect(evaluate(in), {Decision::ImplicitDeny, PolicyKind::Identity});
  // Naming the user's own ARN cross-account does not skip the identity side either.
  f.bucket = resource_policy({"arn:aws:iam::111111111111:user/alice"});
  in = f.input();
  in.identity.clear();
  expect(evaluate(in), {Decision::ImplicitDeny, PolicyKind::Identity});
}

TEST(WorkedExamples, Row16_AccountTrustNeedsIdentityAllow) {
  auto trust = trust_policy({"arn:aws:iam::111111111111:root"});
  auto ctx = request("sts:AssumeRole", kRoleR, user(kA, "alice"));
  EvaluationInput in = input_for(ctx);
  in.resource_policy = trust.get();
  in.resource_policy_required = true;
  expect(evaluate(in), {Decision::ImplicitDeny, PolicyKind::Identity});
  auto identity = compiled({allow({"sts:AssumeRole"}).on({kRoleR})});
  in.identity = set_of({identity});
  expect(evaluate(in), {Decision::Allow, PolicyKind::Identity});
}

TEST(WorkedExamples, Row17_TrustNamingTheUser) {
  auto trust = trust_policy({"arn:aws:iam::111111111111:user/alice"});
  auto ctx = request("sts:AssumeRole", kRoleR, user(kA, "alice"));
  EvaluationInput in = input_for(ctx);
  in.resource_policy = trust.get();
  in.resource_policy_required = true;
  expect(evaluate(in), {Decision::Allow, PolicyKind::Resource});
}

TEST(WorkedExamples, Row18_CrossAccountAssumeRole) {
  auto trust = trust_policy({"arn:aws:iam::222222222222:root"});
  auto identity = compiled({allow({"sts:AssumeRole"}).on({kRoleR})});
  auto ctx = request("sts:AssumeRole", kRoleR, user(kB, "carol"));
  EvaluationInput in = input_for(ctx);
  in.identity = set_of({identity});
  in.resource_policy = trust.get();
  in.resource_policy_required = true;
  in.resource_account = kA;
  expect(evaluate(in), {Decision::Allow, PolicyKind::Identity});
  in.identity.clear();
  expect(evaluate(in), {Decision::ImplicitDeny, PolicyKind::Identity});
}

TEST(WorkedExamples, Row19_ScpAppliesToRoot) {
  auto full = allow_all();
  auto scp = compiled({deny({"iam:*"}).on({"*"})}, "scp");
  auto ctx = request("iam:CreateRole", "*", root(kA));
  EvaluationInput in = input_for(ctx);
  in.principal_is_account_root = true;
  in.scp_levels = {set_of({full}), set_of({full, scp})};
  expect(evaluate(in), {Decision::ExplicitDeny, PolicyKind::Scp});
}

TEST(WorkedExamples, Row20_AbsentKeyIsFalse) {
  auto id = compiled({allow({"*"}).on({"*"}).when("StringEquals", "aws:PrincipalTag/team", {"x"})});
  auto ctx = request("iam:ListRoles", "*", user(kA, "alice"));
  EvaluationInput in = input_for(ctx);
  in.identity = set_of({id});
  Evaluation e = evaluate(in);
  expect(e, {Decision::ImplicitDeny, PolicyKind::Identity});
  EXPECT_EQ(e.missing_context_keys, (Strings{"aws:PrincipalTag/team"}));
}

TEST(WorkedExamples, Row21_AbsentKeyMakesNegatedTrue) {
  auto id =
      compiled({allow({"*"}).on({"*"}),
                deny({"*"}).on({"*"}).when("StringNotEquals", "aws:PrincipalTag/team", {"x"})});
  auto ctx = request("iam:ListRoles", "*", user(kA, "alice"));
  EvaluationInput in = input_for(ctx);
  in.identity = set_of({id});
  expect(evaluate(in), {Decision::ExplicitDeny, PolicyKind::Identity});
}

TEST(WorkedExamples, Row22_ForAllValuesOnEmptySet) {
  auto id = compiled({allow({"iam:TagRole"})
                          .on({"*"})
                          .when("ForAllValues:StringEquals", "aws:TagKeys", {"a", "b"})});
  auto ctx = request("iam:TagRole", kRoleR, user(kA, "alice"));
  EvaluationInput in = input_for(ctx);
  in.identity = set_of({id});
  expect(evaluate(in), {Decision::Allow, PolicyKind::Identity});
  ctx.set_multi("aws:TagKeys", {"a", "c"});
  expect(evaluate(in), {Decision::ImplicitDeny, PolicyKind::Identity});
}

TEST(WorkedExamples, Row23_VariableResolved) {
  auto id = compiled({allow({"iam:*AccessKey*"}).on({"arn:aws:iam::*:user/${aws:username}"})});
  auto ctx =
      request("iam:CreateAccessKey", "arn:aws:iam::111111111111:user/alice", user(kA, "alice"));
  EvaluationInput in = input_for(ctx);
  in.identity = set_of({id});
  expect(evaluate(in), {Decision::Allow, PolicyKind::Identity});
}

TEST(WorkedExamples, Row24_VariableAbsentForRoles) {
  auto id = compiled({allow({"iam:*"}).on({"arn:aws:iam::*:user/${aws:username}"})});
  auto ctx =
      request("iam:GetUser", "arn:aws:iam::111111111111:user/s1", role_session(kA, "R", "s1"));
  EvaluationInput in = input_for(ctx);
  in.identity = set_of({id});
  expect(evaluate(in), {Decision::ImplicitDeny, PolicyKind::Identity});
}

// ---- Beyond the worked examples ----

TEST(Evaluate, NoContextIsImplicitDeny) {
  EvaluationInput in;
  expect(evaluate(in), {Decision::ImplicitDeny, PolicyKind::Identity});
}

TEST(Evaluate, ExplicitDenyNamesOnePolicyTypeInTheDocsOrder) {
  auto deny_all = compiled({deny({"*"}).on({"*"})}, "deny");
  auto full = allow_all();
  auto ctx = request("iam:ListRoles", "*", user(kA, "alice"));
  EvaluationInput in = input_for(ctx);
  in.identity = set_of({full, deny_all});
  in.boundary = set_of({deny_all});
  in.session = set_of({deny_all});
  expect(evaluate(in), {Decision::ExplicitDeny, PolicyKind::Identity});
  in.identity = set_of({full});
  expect(evaluate(in), {Decision::ExplicitDeny, PolicyKind::Boundary});
  in.boundary = set_of({full});
  expect(evaluate(in), {Decision::ExplicitDeny, PolicyKind::Session});
  auto rbp = compiled({deny({"*"}).on({"*"}).principal_any()});
  in.resource_policy = rbp.get();
  expect(evaluate(in), {Decision::ExplicitDeny, PolicyKind::Resource});
  in.scp_levels = {set_of({deny_all})};
  Evaluation e = evaluate(in);
  expect(e, {Decision::ExplicitDeny, PolicyKind::Scp});
  EXPECT_EQ(e.matched.size(), 3u);  // every denying statement, of every kind
}

TEST(Evaluate, EveryScpLevelMustAllow) {
  auto full = allow_all();
  auto iam_only = compiled({allow({"iam:*"}).on({"*"})}, "ou-scp");
  auto ctx = request("s3:GetObject", kBucketObj, user(kA, "alice"));
  EvaluationInput in = input_for(ctx);
  in.identity = set_of({full});
  in.scp_levels = {set_of({full}), set_of({iam_only})};
  expect(evaluate(in), {Decision::ImplicitDeny, PolicyKind::Scp});
  ctx.action = "iam:ListUsers";
  expect(evaluate(in), {Decision::Allow, PolicyKind::Identity});
  in.scp_levels.push_back({});  // a level with nothing attached allows nothing
  expect(evaluate(in), {Decision::ImplicitDeny, PolicyKind::Scp});
}

TEST(Evaluate, RootOfOwnAccount) {
  auto ctx = request("iam:CreateRole", "*", root(kA));
  EvaluationInput in = input_for(ctx);
  in.principal_is_account_root = true;
  expect(evaluate(in), {Decision::Allow, PolicyKind::Identity});
  // Explicit resource-policy denies apply to root too (⚠ S3 semantics, spec §4.7).
  auto rbp = compiled({deny({"*"}).on({"*"}).principal_aws({"111111111111"})});
  in.resource_policy = rbp.get();
  expect(evaluate(in), {Decision::ExplicitDeny, PolicyKind::Resource});
  // Key policies must allow even root.
  auto key_policy = compiled({allow({"kms:*"}).on({"*"}).principal_aws({"222222222222"})});
  in.resource_policy = key_policy.get();
  in.resource_policy_required = true;
  ctx.action = "kms:Decrypt";
  expect(evaluate(in), {Decision::ImplicitDeny, PolicyKind::Resource});
  auto own =
      compiled({allow({"kms:*"}).on({"*"}).principal_aws({"arn:aws:iam::111111111111:root"})});
  in.resource_policy = own.get();
  expect(evaluate(in), {Decision::Allow, PolicyKind::Identity});
}

TEST(Evaluate, RootCrossAccountNeedsTheResourcePolicy) {
  auto ctx = request("s3:GetObject", "arn:aws:s3:::b/x", root(kA));
  EvaluationInput in = input_for(ctx);
  in.principal_is_account_root = true;
  in.resource_account = kB;
  expect(evaluate(in), {Decision::ImplicitDeny, PolicyKind::Resource});
  auto bucket = resource_policy({"111111111111"});
  in.resource_policy = bucket.get();
  expect(evaluate(in), {Decision::Allow, PolicyKind::Identity});
}

TEST(Evaluate, PrincipalForms) {
  struct Row {
    const char* name;
    Strings principal;
    PrincipalInfo caller;
    Decision expected;  // no identity policy, no boundary
  };
  const Row rows[] = {
      {"account id delegates", {"111111111111"}, user(kA, "alice"), Decision::ImplicitDeny},
      {"user unique id", {"AIDAalice"}, user(kA, "alice"), Decision::Allow},
      {"other user",
       {"arn:aws:iam::111111111111:user/bob"},
       user(kA, "alice"),
       Decision::ImplicitDeny},
      {"user name is case-sensitive",
       {"arn:aws:iam::111111111111:user/Alice"},
       user(kA, "alice"),
       Decision::ImplicitDeny},
      {"role unique id", {"AROAR"}, role_session(kA, "R", "s"), Decision::Allow},
      {"role id prefix only", {"AROA"}, role_session(kA, "R", "s"), Decision::ImplicitDeny},
      {"role arn does not name users", {kRoleR}, user(kA, "R"), Decision::ImplicitDeny},
      {"federated user arn",
       {"arn:aws:sts::111111111111:federated-user/bob"},
       federated_user(kA, "bob", "bob"),
       Decision::Allow},
      {"everyone", {"*"}, role_session(kA, "R", "s"), Decision::Allow},
      {"everyone includes anonymous", {"*"}, PrincipalInfo{}, Decision::Allow},
      {"anonymous is in no account", {"111111111111"}, PrincipalInfo{}, Decision::ImplicitDeny},
  };
  for (const auto& row : rows) {
    auto bucket = resource_policy(row.principal);
    auto ctx = request("s3:GetObject", kBucketObj, row.caller);
    EvaluationInput in = input_for(ctx);
    in.resource_policy = bucket.get();
    EXPECT_EQ(evaluate(in).decision, row.expected) << row.name;
  }
}

TEST(Evaluate, ServiceAndFederatedPrincipals) {
  auto trust = compiled({allow({"sts:AssumeRole"}).principal("Service", {"ec2.amazonaws.com"}),
                         allow({"sts:AssumeRoleWithWebIdentity"})
                             .principal("Federated", {"accounts.google.com"})
                             .when("StringEquals", "accounts.google.com:aud", {"app"})});
  PrincipalInfo ec2;
  ec2.kind = PrincipalInfo::Kind::Service;
  ec2.service = "ec2.amazonaws.com";
  auto ctx = request("sts:AssumeRole", kRoleR, ec2);
  EvaluationInput in = input_for(ctx);
  in.resource_policy = trust.get();
  in.resource_policy_required = true;
  in.resource_account = kA;
  expect(evaluate(in), {Decision::Allow, PolicyKind::Resource});
  ctx.principal.service = "lambda.amazonaws.com";
  expect(evaluate(in), {Decision::ImplicitDeny, PolicyKind::Resource});

  PrincipalInfo google;
  google.kind = PrincipalInfo::Kind::WebIdentity;
  google.federated = "accounts.google.com";
  auto web = request("sts:AssumeRoleWithWebIdentity", kRoleR, google);
  web.set("accounts.google.com:aud", "app");
  in.context = &web;
  expect(evaluate(in), {Decision::Allow, PolicyKind::Resource});
  web.set("accounts.google.com:aud", "other");
  expect(evaluate(in), {Decision::ImplicitDeny, PolicyKind::Resource});
}

TEST(Evaluate, ResourcePolicyStatementWithoutPrincipalGrantsNobody) {
  auto rbp = compiled({allow({"s3:*"}).on({"*"})});
  auto ctx = request("s3:GetObject", kBucketObj, user(kA, "alice"));
  EvaluationInput in = input_for(ctx);
  in.resource_policy = rbp.get();
  expect(evaluate(in), {Decision::ImplicitDeny, PolicyKind::Identity});
}

TEST(Evaluate, NotPrincipalNeedsEveryIdentityListed) {
  auto full = allow_all();
  auto make = [](Strings listed) {
    return compiled({deny({"s3:*"}).on({"*"}).not_principal("AWS", std::move(listed))});
  };
  auto ctx = request("s3:GetObject", kBucketObj, user(kA, "alice"));
  EvaluationInput in = input_for(ctx);
  in.identity = set_of({full});
  auto user_only = make({"arn:aws:iam::111111111111:user/alice"});
  in.resource_policy = user_only.get();
  expect(evaluate(in), {Decision::ExplicitDeny, PolicyKind::Resource});  // account not listed
  auto user_and_account = make({"arn:aws:iam::111111111111:user/alice", "111111111111"});
  in.resource_policy = user_and_account.get();
  expect(evaluate(in), {Decision::Allow, PolicyKind::Identity});

  auto session = request("s3:GetObject", kBucketObj, role_session(kA, "R", "s1"));
  in.context = &session;
  auto session_only = make({"arn:aws:sts::111111111111:assumed-role/R/s1", "111111111111"});
  in.resource_policy = session_only.get();
  expect(evaluate(in), {Decision::ExplicitDeny, PolicyKind::Resource});  // role ARN not listed
  auto all_three = make({"arn:aws:sts::111111111111:assumed-role/R/s1", kRoleR, "111111111111"});
  in.resource_policy = all_three.get();
  expect(evaluate(in), {Decision::Allow, PolicyKind::Identity});

  auto anon = request("s3:GetObject", kBucketObj, PrincipalInfo{});
  in.context = &anon;
  expect(evaluate(in), {Decision::ExplicitDeny, PolicyKind::Resource});
}

TEST(Evaluate, NotPrincipalDenyAlwaysDeniesPrincipalsWithABoundary) {
  // AWS: a Deny with NotPrincipal denies any principal that has a permissions boundary, whatever
  // NotPrincipal lists.
  auto full = allow_all();
  auto rbp = compiled({deny({"s3:*"})
                           .on({"*"})
                           .not_principal("AWS", {"arn:aws:iam::111111111111:user/alice",
                                                  "111111111111"})});
  auto ctx = request("s3:GetObject", kBucketObj, user(kA, "alice"));
  EvaluationInput in = input_for(ctx);
  in.identity = set_of({full});
  in.resource_policy = rbp.get();
  expect(evaluate(in), {Decision::Allow, PolicyKind::Identity});  // listed, no boundary
  in.boundary = set_of({full});
  expect(evaluate(in), {Decision::ExplicitDeny, PolicyKind::Resource});
}

TEST(Evaluate, GetFederationTokenUserArnGrantIsCapped) {
  auto bucket = resource_policy({"arn:aws:iam::111111111111:user/bob"});
  auto ctx = request("s3:GetObject", kBucketObj, federated_user(kA, "fed", "bob"));
  EvaluationInput in = input_for(ctx);
  in.resource_policy = bucket.get();
  in.federated_session = true;
  expect(evaluate(in), {Decision::ImplicitDeny, PolicyKind::Session});
  auto session = compiled({allow({"s3:*"}).on({"*"})}, "session");
  in.session = set_of({session});
  expect(evaluate(in), {Decision::Allow, PolicyKind::Identity});
  auto boundary = compiled({allow({"iam:*"}).on({"*"})}, "boundary");
  in.boundary = set_of({boundary});
  expect(evaluate(in), {Decision::ImplicitDeny, PolicyKind::Boundary});
}

TEST(Evaluate, TrustNamingTheRoleOfTheCallingSession) {
  // Role chaining: the trust names role R and the caller is a session of R (sts-federation §3.3).
  auto trust = trust_policy({kRoleR});
  auto ctx = request("sts:AssumeRole", "arn:aws:iam::111111111111:role/Target",
                     role_session(kA, "R", "s1"));
  EvaluationInput in = input_for(ctx);
  in.resource_policy = trust.get();
  in.resource_policy_required = true;
  expect(evaluate(in), {Decision::Allow, PolicyKind::Identity});
  auto session = compiled({allow({"s3:*"}).on({"*"})}, "session");
  in.session = set_of({session});
  expect(evaluate(in), {Decision::ImplicitDeny, PolicyKind::Session});
}

TEST(Evaluate, TrustPolicyAloneIsRequired) {
  auto identity = compiled({allow({"sts:AssumeRole"}).on({"*"})});
  auto trust = trust_policy({"arn:aws:iam::111111111111:user/someone-else"});
  auto ctx = request("sts:AssumeRole", kRoleR, user(kA, "alice"));
  EvaluationInput in = input_for(ctx);
  in.identity = set_of({identity});
  in.resource_policy = trust.get();
  in.resource_policy_required = true;
  expect(evaluate(in), {Decision::ImplicitDeny, PolicyKind::Resource});
}

TEST(Evaluate, MatchedStatementsAndMissingKeys) {
  auto a = compiled({allow({"s3:Get*"}).on({"*"}).when("Bool", "aws:SecureTransport", {"true"}),
                     allow({"s3:*"}).on({"*"}).when("IpAddress", "aws:SourceIp", {"10.0.0.0/8"}),
                     allow({"ec2:*"}).on({"*"}).when("Null", "ec2:Never", {"false"})},
                    "a");
  auto b = compiled({allow({"s3:GetObject"})
                         .on({kBucketObj})
                         .when("StringEquals", "aws:CalledVia", {"x"})
                         .when("DateLessThan", "aws:CurrentTime", {"2030-01-01"})},
                    "b");
  auto ctx = request("s3:GetObject", kBucketObj, user(kA, "alice"));
  ctx.set("aws:SecureTransport", "true");
  EvaluationInput in = input_for(ctx);
  in.identity = set_of({a, b});
  Evaluation e = evaluate(in);
  expect(e, {Decision::Allow, PolicyKind::Identity});
  ASSERT_EQ(e.matched.size(), 1u);
  EXPECT_EQ(e.matched[0].policy, a.get());
  EXPECT_EQ(e.matched[0].statement_index, 0u);
  // ec2:Never belongs to a statement for another service: never evaluated, never reported.
  EXPECT_EQ(e.missing_context_keys, (Strings{"aws:CalledVia", "aws:CurrentTime", "aws:SourceIp"}));
}

TEST(Evaluate, EvaluateOnePerPolicySet) {
  auto id = compiled({allow({"s3:*"}).on({"*"}), deny({"s3:Delete*"}).on({"*"})});
  auto ctx = request("s3:GetObject", kBucketObj, user(kA, "alice"));
  Evaluation e = evaluate_one(set_of({id}), PolicyKind::Boundary, ctx);
  EXPECT_EQ(e.decision, Decision::Allow);
  EXPECT_EQ(e.decided_by, PolicyKind::Boundary);
  ASSERT_EQ(e.matched.size(), 1u);
  EXPECT_EQ(e.matched[0].kind, PolicyKind::Boundary);
  ctx.action = "s3:DeleteObject";
  EXPECT_EQ(evaluate_one(set_of({id}), PolicyKind::Identity, ctx).decision, Decision::ExplicitDeny);
  ctx.action = "iam:ListUsers";
  EXPECT_EQ(evaluate_one(set_of({id}), PolicyKind::Identity, ctx).decision, Decision::ImplicitDeny);
  // Resource kind: statements must name the caller.
  auto rbp = resource_policy({"arn:aws:iam::111111111111:user/alice"});
  ctx.action = "s3:GetObject";
  EXPECT_EQ(evaluate_one(set_of({rbp}), PolicyKind::Resource, ctx).decision, Decision::Allow);
  auto bob = request("s3:GetObject", kBucketObj, user(kA, "bob"));
  EXPECT_EQ(evaluate_one(set_of({rbp}), PolicyKind::Resource, bob).decision,
            Decision::ImplicitDeny);
}

TEST(Evaluate, LongActionNamesAreHandled) {
  std::string name(300, 'x');
  auto id = compiled({allow({"svc:" + name}).on({"*"})});
  auto ctx = request("SVC:" + std::string(300, 'X'), "*", user(kA, "alice"));
  EvaluationInput in = input_for(ctx);
  in.identity = set_of({id});
  expect(evaluate(in), {Decision::Allow, PolicyKind::Identity});
}

TEST(Evaluate, UnrelatedPoliciesAreNotConsulted) {
  // 2,000 policies for other services plus one that applies: same answer, and only the
  // applicable statement is matched.
  std::vector<Compiled> many;
  for (int i = 0; i < 2000; ++i) {
    many.push_back(compiled({allow({"svc" + std::to_string(i) + ":*"}).on({"*"})}));
  }
  auto mine = compiled({allow({"iam:GetUser"}).on({"*"})});
  auto ctx = request("iam:GetUser", "*", user(kA, "alice"));
  EvaluationInput in = input_for(ctx);
  for (const auto& p : many) in.identity.push_back(p.get());
  in.identity.push_back(mine.get());
  Evaluation e = evaluate(in);
  EXPECT_EQ(e.decision, Decision::Allow);
  EXPECT_EQ(e.matched.size(), 1u);
}

}  // namespace
}  // namespace iamd::policy
