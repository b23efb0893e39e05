#include "policy/compile.h"

#include <gtest/gtest.h>

#include "policy/compiled.h"
#include "policy/test_helpers.h"

namespace iamd::policy {
namespace {

using namespace testing;

Decision decide(const Compiled& p, const std::string& action, const std::string& resource) {
  auto ctx = request(action, resource, user(kA, "alice"));
  return evaluate_one(set_of({p}), PolicyKind::Identity, ctx).decision;
}

TEST(Compile, KeepsSourceAndModel) {
  Policy model = doc({allow({"iam:Get*"}).on({"*"}).sid("A")});
  auto p = compiled(model, "arn:aws:iam::aws:policy/ReadOnly");
  ASSERT_TRUE(p);
  EXPECT_EQ(source_of(*p).id, "arn:aws:iam::aws:policy/ReadOnly");
  EXPECT_EQ(source_of(*p).type, "IAM Policy");
  EXPECT_EQ(model_of(*p).statements.at(0).sid, "A");
}

TEST(Compile, IndexesStatementsByService) {
  auto p = compiled({allow({"iam:Get*", "s3:GetObject", "IAM:List*"}).on({"*"}),
                     allow({"ec2:*"}).on({"*"}), allow({"*"}).on({"*"}),
                     deny_not({"iam:*"}).on({"*"}), allow({"s3*:Get*"}).on({"*"})});
  ASSERT_TRUE(p);
  const auto* iam = p->find_service("iam", service_hash("iam"));
  ASSERT_NE(iam, nullptr);
  ASSERT_EQ(iam->entries.size(), 1u);
  EXPECT_EQ(iam->entries[0].statement, 0u);
  // Both iam patterns (whatever their case) form one run.
  EXPECT_EQ(iam->entries[0].end_action - iam->entries[0].first_action, 2u);
  EXPECT_NE(p->find_service("s3", service_hash("s3")), nullptr);
  EXPECT_NE(p->find_service("ec2", service_hash("ec2")), nullptr);
  EXPECT_EQ(p->find_service("sts", service_hash("sts")), nullptr);
  // "*", NotAction and a wildcard prefix can match any service.
  EXPECT_EQ(p->wildcard, (std::vector<std::uint32_t>{2, 3, 4}));
}

TEST(Compile, ActionsAreCaseInsensitive) {
  auto p = compiled({allow({"IAM:listAccessKeys", "s3:Get*"}).on({"*"})});
  EXPECT_EQ(decide(p, "iam:ListAccessKeys", "*"), Decision::Allow);
  EXPECT_EQ(decide(p, "Iam:LISTACCESSKEYS", "*"), Decision::Allow);
  EXPECT_EQ(decide(p, "S3:getobject", "*"), Decision::Allow);
  EXPECT_EQ(decide(p, "s3:PutObject", "*"), Decision::ImplicitDeny);
  EXPECT_EQ(decide(p, "iam:ListAccessKeysX", "*"), Decision::ImplicitDeny);
}

TEST(Compile, ActionWildcards) {
  auto p = compiled({allow({"iam:*AccessKey*", "sts:Get?allerIdentity"}).on({"*"})});
  EXPECT_EQ(decide(p, "iam:CreateAccessKey", "*"), Decision::Allow);
  EXPECT_EQ(decide(p, "iam:ListAccessKeys", "*"), Decision::Allow);
  EXPECT_EQ(decide(p, "iam:CreateUser", "*"), Decision::ImplicitDeny);
  EXPECT_EQ(decide(p, "sts:GetCallerIdentity", "*"), Decision::Allow);
  EXPECT_EQ(decide(p, "s3:CreateAccessKey", "*"), Decision::ImplicitDeny);
}

TEST(Compile, NotActionMatchesEverythingElse) {
  auto p = compiled({allow_not({"iam:*", "s3:Delete*"}).on({"*"})});
  EXPECT_EQ(decide(p, "iam:ListUsers", "*"), Decision::ImplicitDeny);
  EXPECT_EQ(decide(p, "s3:DeleteObject", "*"), Decision::ImplicitDeny);
  EXPECT_EQ(decide(p, "s3:GetObject", "*"), Decision::Allow);
  EXPECT_EQ(decide(p, "ec2:RunInstances", "*"), Decision::Allow);
}

TEST(Compile, ResourcesArePerComponentAndCaseSensitive) {
  auto p = compiled({allow({"iam:*"}).on({"arn:aws:iam::111111111111:user/division_abc*"})});
  EXPECT_EQ(decide(p, "iam:GetUser", "arn:aws:iam::111111111111:user/division_abc/sub/JaneDoe"),
            Decision::Allow);
  EXPECT_EQ(decide(p, "iam:GetUser", "arn:aws:iam::111111111111:user/JohnDoe"),
            Decision::ImplicitDeny);
  EXPECT_EQ(decide(p, "iam:GetUser", "arn:aws:iam::111111111111:user/DIVISION_ABC"),
            Decision::ImplicitDeny);
  EXPECT_EQ(decide(p, "iam:GetUser", "arn:aws:iam::222222222222:user/division_abc"),
            Decision::ImplicitDeny);
  EXPECT_EQ(decide(p, "iam:ListUsers", "*"), Decision::ImplicitDeny);  // "*" is not an ARN

  auto any_account = compiled({allow({"iam:*"}).on({"arn:aws:iam::*:user/*"})});
  EXPECT_EQ(decide(any_account, "iam:GetUser", "arn:aws:iam::222222222222:user/path/x"),
            Decision::Allow);
  EXPECT_EQ(decide(any_account, "iam:GetUser", "arn:aws:iam::222222222222:role/x"),
            Decision::ImplicitDeny);
  // The region component is empty in the pattern: it must be empty in the request.
  EXPECT_EQ(decide(any_account, "iam:GetUser", "arn:aws:iam:us-east-1:2:user/x"),
            Decision::ImplicitDeny);
  auto region = compiled({allow({"ec2:*"}).on({"arn:aws:ec2:us-*-1:*:instance/i-?bc"})});
  EXPECT_EQ(decide(region, "ec2:StartInstances", "arn:aws:ec2:us-east-1:1:instance/i-abc"),
            Decision::Allow);
  EXPECT_EQ(decide(region, "ec2:StartInstances", "arn:aws:ec2:eu-west-1:1:instance/i-abc"),
            Decision::ImplicitDeny);
  // `*` in the resource part spans `/` and `:`.
  auto deep = compiled({allow({"s3:*"}).on({"arn:aws:s3:::b/*"})});
  EXPECT_EQ(decide(deep, "s3:GetObject", "arn:aws:s3:::b/x:y/z"), Decision::Allow);
}

TEST(Compile, NotResource) {
  auto p = compiled({allow({"s3:*"}).not_on({"arn:aws:s3:::secret", "arn:aws:s3:::secret/*"})});
  EXPECT_EQ(decide(p, "s3:GetObject", "arn:aws:s3:::secret/x"), Decision::ImplicitDeny);
  EXPECT_EQ(decide(p, "s3:GetObject", "arn:aws:s3:::public/x"), Decision::Allow);
  EXPECT_EQ(decide(p, "s3:ListAllMyBuckets", "*"), Decision::Allow);
}

TEST(Compile, NonArnResourcePatternsMatchWhole) {
  // Validation rejects these on write; a lenient load still compiles them.
  auto p = compiled({allow({"s3:*"}).on({"bucket*"})});
  EXPECT_EQ(decide(p, "s3:GetObject", "bucket-1"), Decision::Allow);
  EXPECT_EQ(decide(p, "s3:GetObject", "arn:aws:s3:::bucket-1"), Decision::ImplicitDeny);
}

TEST(Compile, StatementWithoutActionNeverApplies) {
  Stmt st = allow({});
  st.s.has_action = false;
  auto p = compiled({st.on({"*"})});
  EXPECT_EQ(decide(p, "iam:ListUsers", "*"), Decision::ImplicitDeny);
}

TEST(Compile, UnknownOperatorIsAnErrorWhenStrict) {
  Policy model = doc({allow({"s3:*"}).on({"*"}).when("StringMatches", "aws:username", {"x"})});
  auto r = compile(model, PolicySource{"p", "IAM Policy"});
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().code, core::ErrorCode::MalformedPolicyDocument);
  EXPECT_EQ(r.error().message, "Syntax errors in policy.");
  EXPECT_FALSE(compile(doc({allow({"s3:*"}).on({"*"}).when("NullIfExists", "k", {"true"})}), {}));
}

TEST(Compile, UnknownOperatorFailsClosedWhenLenient) {
  Policy model = doc({allow({"s3:Get*"}).on({"*"}).when("StringMatches", "k", {"x"}),
                      deny({"s3:Delete*"}).on({"*"}).when("StringMatches", "k", {"x"}),
                      allow({"s3:Delete*"}).on({"*"})});
  auto p = compiled(model, "stored", CompileMode::Lenient);
  ASSERT_TRUE(p);
  EXPECT_EQ(decide(p, "s3:GetObject", "*"), Decision::ImplicitDeny);     // Allow never grants
  EXPECT_EQ(decide(p, "s3:DeleteObject", "*"), Decision::ExplicitDeny);  // Deny still denies
}

TEST(Compile, ManyServicesGrowTheTable) {
  std::vector<Stmt> sts;
  for (int i = 0; i < 100; ++i) sts.push_back(allow({"svc" + std::to_string(i) + ":Do"}).on({"*"}));
  auto p = compiled(std::move(sts));
  for (int i = 0; i < 100; ++i) {
    EXPECT_EQ(decide(p, "svc" + std::to_string(i) + ":do", "*"), Decision::Allow) << i;
  }
  EXPECT_EQ(decide(p, "svc100:Do", "*"), Decision::ImplicitDeny);
}

}  // namespace
}  // namespace iamd::policy
