#include "policy/explain.h"

#include <gtest/gtest.h>

#include <ostream>

#include "policy/test_helpers.h"

namespace iamd::policy {
namespace {

using namespace testing;

Evaluation decided(Decision d, PolicyKind by) {
  Evaluation e;
  e.decision = d;
  e.decided_by = by;
  return e;
}

const char* kAlice = "arn:aws:iam::111111111111:user/alice";

struct MessageCase {
  Decision decision;
  PolicyKind by;
  const char* action;
  const char* resource;
  const char* expected;
};

void PrintTo(const MessageCase& c, std::ostream* os) { *os << c.action << " -> " << c.expected; }

class AccessDenied : public ::testing::TestWithParam<MessageCase> {};

TEST_P(AccessDenied, MatchesAwsWording) {
  const auto& c = GetParam();
  EXPECT_EQ(access_denied_message(decided(c.decision, c.by), kAlice, c.action, c.resource),
            c.expected);
}

INSTANTIATE_TEST_SUITE_P(
    Variants, AccessDenied,
    ::testing::Values(
        MessageCase{Decision::ImplicitDeny, PolicyKind::Identity, "iam:CreateRole",
                    "arn:aws:iam::111111111111:role/R",
                    "User: arn:aws:iam::111111111111:user/alice is not authorized to perform: "
                    "iam:CreateRole on resource: arn:aws:iam::111111111111:role/R because no "
                    "identity-based policy allows the iam:CreateRole action"},
        MessageCase{Decision::ExplicitDeny, PolicyKind::Identity, "iam:CreateRole", "*",
                    "User: arn:aws:iam::111111111111:user/alice is not authorized to perform: "
                    "iam:CreateRole on resource: * with an explicit deny in an identity-based "
                    "policy"},
        MessageCase{Decision::ImplicitDeny, PolicyKind::Boundary, "s3:PutObject",
                    "arn:aws:s3:::b/k",
                    "User: arn:aws:iam::111111111111:user/alice is not authorized to perform: "
                    "s3:PutObject on resource: arn:aws:s3:::b/k because no permissions boundary "
                    "allows the s3:PutObject action"},
        MessageCase{Decision::ExplicitDeny, PolicyKind::Boundary, "s3:PutObject",
                    "arn:aws:s3:::b/k",
                    "User: arn:aws:iam::111111111111:user/alice is not authorized to perform: "
                    "s3:PutObject on resource: arn:aws:s3:::b/k with an explicit deny in a "
                    "permissions boundary"},
        MessageCase{Decision::ImplicitDeny, PolicyKind::Session, "s3:PutObject", "arn:aws:s3:::b/k",
                    "User: arn:aws:iam::111111111111:user/alice is not authorized to perform: "
                    "s3:PutObject on resource: arn:aws:s3:::b/k because no session policy allows "
                    "the s3:PutObject action"},
        MessageCase{Decision::ExplicitDeny, PolicyKind::Session, "s3:PutObject", "arn:aws:s3:::b/k",
                    "User: arn:aws:iam::111111111111:user/alice is not authorized to perform: "
                    "s3:PutObject on resource: arn:aws:s3:::b/k with an explicit deny in a "
                    "session policy"},
        MessageCase{Decision::ExplicitDeny, PolicyKind::Scp, "iam:CreateRole", "",
                    "User: arn:aws:iam::111111111111:user/alice is not authorized to perform: "
                    "iam:CreateRole with an explicit deny in a service control policy"},
        MessageCase{Decision::ImplicitDeny, PolicyKind::Scp, "iam:ListRoles", "",
                    "User: arn:aws:iam::111111111111:user/alice is not authorized to perform: "
                    "iam:ListRoles because no service control policy allows the iam:ListRoles "
                    "action"},
        MessageCase{Decision::ImplicitDeny, PolicyKind::Resource, "s3:GetObject",
                    "arn:aws:s3:::b/k",
                    "User: arn:aws:iam::111111111111:user/alice is not authorized to perform: "
                    "s3:GetObject on resource: arn:aws:s3:::b/k because no resource-based policy "
                    "allows the s3:GetObject action"},
        MessageCase{Decision::ExplicitDeny, PolicyKind::Resource, "s3:GetObject",
                    "arn:aws:s3:::b/k",
                    "User: arn:aws:iam::111111111111:user/alice is not authorized to perform: "
                    "s3:GetObject on resource: arn:aws:s3:::b/k with an explicit deny in a "
                    "resource-based policy"},
        // The trust policy: STS's observed form has no reason clause.
        MessageCase{Decision::ImplicitDeny, PolicyKind::Resource, "sts:AssumeRole",
                    "arn:aws:iam::111111111111:role/demo",
                    "User: arn:aws:iam::111111111111:user/alice is not authorized to perform: "
                    "sts:AssumeRole on resource: arn:aws:iam::111111111111:role/demo"},
        MessageCase{Decision::ExplicitDeny, PolicyKind::Resource, "sts:AssumeRole",
                    "arn:aws:iam::111111111111:role/demo",
                    "User: arn:aws:iam::111111111111:user/alice is not authorized to perform: "
                    "sts:AssumeRole on resource: arn:aws:iam::111111111111:role/demo with an "
                    "explicit deny in the role trust policy"},
        // The caller's side of an AssumeRole names the identity policy as usual.
        MessageCase{Decision::ImplicitDeny, PolicyKind::Identity, "sts:AssumeRole",
                    "arn:aws:iam::111111111111:role/demo",
                    "User: arn:aws:iam::111111111111:user/alice is not authorized to perform: "
                    "sts:AssumeRole on resource: arn:aws:iam::111111111111:role/demo because no "
                    "identity-based policy allows the sts:AssumeRole action"},
        MessageCase{Decision::ImplicitDeny, PolicyKind::Resource, "sts:AssumeRoleWithSAML",
                    "arn:aws:iam::111111111111:role/demo",
                    "Not authorized to perform sts:AssumeRoleWithSAML"},
        MessageCase{Decision::ImplicitDeny, PolicyKind::Resource, "sts:AssumeRoleWithWebIdentity",
                    "arn:aws:iam::111111111111:role/demo",
                    "Not authorized to perform sts:AssumeRoleWithWebIdentity"},
        MessageCase{Decision::Allow, PolicyKind::Identity, "iam:ListRoles", "", ""}));

TEST(AccessDenied, FromARealEvaluation) {
  // The observed IAM example of spec §1.6.
  auto boundary_less = compiled({allow({"iam:List*"}).on({"*"})});
  auto ctx = request("iam:CreateRole", "arn:aws:iam::457664479040:role/PB-NoBoundary",
                     role_session("457664479040", "PB-Delegator", "pbdel"));
  EvaluationInput in = input_for(ctx);
  in.identity = set_of({boundary_less});
  EXPECT_EQ(access_denied_message(evaluate(in), ctx.principal.arn, ctx.action, ctx.resource),
            "User: arn:aws:sts::457664479040:assumed-role/PB-Delegator/pbdel is not authorized to "
            "perform: iam:CreateRole on resource: arn:aws:iam::457664479040:role/PB-NoBoundary "
            "because no identity-based policy allows the iam:CreateRole action");
}

TEST(Explain, ListsDecisionStatementsAndMissingKeys) {
  auto p = compiled(doc({allow({"s3:*"}).on({"*"}).sid("AllowS3").at(3, 5, 9, 6),
                         deny({"s3:Delete*"})
                             .on({"*"})
                             .sid("NoDelete")
                             .at(10, 5, 15, 6)
                             .when("Bool", "aws:MultiFactorAuthPresent", {"false"})
                             .when("BoolIfExists", "aws:ViaAWSService", {"false"})}),
                    "arn:aws:iam::111111111111:policy/S3");
  auto ctx = request("s3:DeleteObject", "arn:aws:s3:::b/k", user(kA, "alice"));
  ctx.set("aws:MultiFactorAuthPresent", "false");
  EvaluationInput in = input_for(ctx);
  in.identity = set_of({p});
  Evaluation e = evaluate(in);
  EXPECT_EQ(explain(e, ctx),
            "Decision: ExplicitDeny (decided by identity-based policy)\n"
            "Request: s3:DeleteObject on arn:aws:s3:::b/k by arn:aws:iam::111111111111:user/alice\n"
            "Matched statements:\n"
            "  Deny in identity-based policy \"arn:aws:iam::111111111111:policy/S3\" (IAM Policy), "
            "statement 1, Sid \"NoDelete\", lines 10:5-15:6\n"
            "Missing context keys: aws:ViaAWSService\n");
}

TEST(Explain, ImplicitDenyWithNothingMatched) {
  auto ctx = request("iam:ListRoles", "", PrincipalInfo{});
  Evaluation e;
  EXPECT_EQ(explain(e, ctx),
            "Decision: ImplicitDeny (decided by identity-based policy)\n"
            "Request: iam:ListRoles on (no resource) by (anonymous)\n"
            "Matched statements: none\n"
            "Missing context keys: none\n");
}

}  // namespace
}  // namespace iamd::policy
