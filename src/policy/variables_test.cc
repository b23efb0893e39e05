#include "policy/variables.h"

#include <gtest/gtest.h>

#include "policy/conditions/conditions.h"
#include "policy/evaluate.h"
#include "policy/test_helpers.h"

namespace iamd::policy {
namespace {

using namespace testing;
using Kind = Template::Part::Kind;

TEST(Template, ParsesVariablesDefaultsAndSpecials) {
  Template t =
      Template::parse("home/${aws:username}/${aws:PrincipalTag/team, 'company-wide'}${*}", true);
  ASSERT_EQ(t.parts().size(), 5u);
  EXPECT_TRUE(t.has_variables());
  EXPECT_EQ(t.parts()[0].kind, Kind::Text);
  EXPECT_EQ(t.parts()[0].text, "home/");
  EXPECT_EQ(t.parts()[1].kind, Kind::Variable);
  EXPECT_EQ(t.parts()[1].text, "aws:username");
  EXPECT_EQ(t.parts()[1].key_lower, "aws:username");
  EXPECT_EQ(t.parts()[3].key_lower, "aws:principaltag/team");
  ASSERT_TRUE(t.parts()[3].fallback);
  EXPECT_EQ(*t.parts()[3].fallback, "company-wide");
  EXPECT_EQ(t.parts()[4].kind, Kind::Literal);
  EXPECT_EQ(t.parts()[4].text, "*");
}

TEST(Template, OldVersionsAreLiteral) {
  Template t = Template::parse("user/${aws:username}", false);
  ASSERT_EQ(t.parts().size(), 1u);
  EXPECT_FALSE(t.has_variables());
  EXPECT_EQ(t.static_text(), "user/${aws:username}");
}

TEST(Template, MalformedSyntaxStaysLiteral) {
  EXPECT_EQ(Template::parse("a${b", true).static_text(), "a${b");
  EXPECT_EQ(Template::parse("a${}b", true).static_text(), "a${}b");
  EXPECT_FALSE(Template::parse("a${}b", true).has_variables());
  EXPECT_EQ(Template::parse("${$}{x}", true).static_text(), "${x}");
  EXPECT_EQ(Template::parse("${?}", true).static_text(), "?");
}

TEST(Template, ResolvesSingleValuedKeysCaseInsensitively) {
  RequestContext ctx;
  ctx.set("AWS:UserName", "alice");
  ctx.set("saml:sub", "");
  ctx.set_multi("aws:TagKeys", {"a"});
  auto part = [](std::string_view text) { return Template::parse(text, true).parts()[0]; };
  EXPECT_EQ(resolve_variable(part("${aws:username}"), ctx), "alice");
  EXPECT_EQ(resolve_variable(part("${AWS:USERNAME}"), ctx), "alice");
  EXPECT_FALSE(resolve_variable(part("${aws:userid}"), ctx));   // absent
  EXPECT_FALSE(resolve_variable(part("${saml:sub}"), ctx));     // null
  EXPECT_FALSE(resolve_variable(part("${aws:TagKeys}"), ctx));  // multivalued
  EXPECT_EQ(resolve_variable(part("${saml:sub, 'nobody'}"), ctx), "nobody");
  EXPECT_EQ(resolve_variable(part("${aws:userid,'x'}"), ctx), "x");
}

TEST(MissingKeys, SortedAndUniqueIgnoringCase) {
  std::string a = "aws:SourceIp", b = "aws:sourceip", c = "aws:CurrentTime";
  std::vector<std::string> many(20, "k");
  MissingKeys m;
  EXPECT_TRUE(m.empty());
  m.add(&a);
  m.add(&b);
  m.add(&c);
  for (auto& k : many) m.add(&k);  // spills past the inline storage
  EXPECT_EQ(m.sorted_unique(), (std::vector<std::string>{"aws:CurrentTime", "aws:SourceIp", "k"}));
}

// Variables through the whole engine: resources and condition values.
Decision decide(const Compiled& p, const RequestContext& ctx) {
  EvaluationInput in;
  in.context = &ctx;
  in.identity = set_of({p});
  return evaluate(in).decision;
}

TEST(Variables, ResourcePartIsSubstituted) {
  auto p = compiled({allow({"iam:*AccessKey*"}).on({"arn:aws:iam::*:user/${aws:username}"})});
  auto ctx =
      request("iam:CreateAccessKey", "arn:aws:iam::111111111111:user/alice", user(kA, "alice"));
  EXPECT_EQ(decide(p, ctx), Decision::Allow);
  ctx.resource = "arn:aws:iam::111111111111:user/bob";
  EXPECT_EQ(decide(p, ctx), Decision::ImplicitDeny);
}

TEST(Variables, SubstitutedValuesAreLiteralNotWildcards) {
  auto p =
      compiled({allow({"s3:GetObject"}).on({"arn:aws:s3:::bucket/${aws:PrincipalTag/dir}/*"})});
  auto ctx = request("s3:GetObject", "arn:aws:s3:::bucket/other/x", user(kA, "alice"));
  ctx.set("aws:PrincipalTag/dir", "*");
  EXPECT_EQ(decide(p, ctx), Decision::ImplicitDeny);
  ctx.resource = "arn:aws:s3:::bucket/*/x";
  EXPECT_EQ(decide(p, ctx), Decision::Allow);
}

TEST(Variables, SpecialLiteralsMatchOnlyThemselves) {
  auto p = compiled({allow({"s3:GetObject"}).on({"arn:aws:s3:::bucket/${*}${?}${$}"})});
  auto ctx = request("s3:GetObject", "arn:aws:s3:::bucket/*?$", user(kA, "alice"));
  EXPECT_EQ(decide(p, ctx), Decision::Allow);
  ctx.resource = "arn:aws:s3:::bucket/ab$";
  EXPECT_EQ(decide(p, ctx), Decision::ImplicitDeny);
}

TEST(Variables, DefaultValueApplies) {
  auto p = compiled({allow({"s3:GetObject"})
                         .on({"arn:aws:s3:::bucket/${aws:PrincipalTag/team, 'company-wide'}/*"})});
  auto ctx = request("s3:GetObject", "arn:aws:s3:::bucket/company-wide/doc", user(kA, "alice"));
  EXPECT_EQ(decide(p, ctx), Decision::Allow);
  ctx.set("aws:PrincipalTag/team", "red");
  EXPECT_EQ(decide(p, ctx), Decision::ImplicitDeny);
  ctx.resource = "arn:aws:s3:::bucket/red/doc";
  EXPECT_EQ(decide(p, ctx), Decision::Allow);
}

TEST(Variables, UnresolvedResourceMatchesNothingAndIsReported) {
  auto p = compiled({allow({"iam:*"}).on({"arn:aws:iam::*:user/${aws:username}"})});
  auto ctx = request("iam:GetUser", "arn:aws:iam::111111111111:user/R", role_session(kA, "R", "s"));
  EvaluationInput in;
  in.context = &ctx;
  in.identity = set_of({p});
  Evaluation e = evaluate(in);
  EXPECT_EQ(e.decision, Decision::ImplicitDeny);
  EXPECT_EQ(e.missing_context_keys, (std::vector<std::string>{"aws:username"}));
}

TEST(Variables, UnresolvedInNotResourceLeavesTheStatementApplicable) {
  // NotResource lists a pattern that matches nothing, so every resource is "not listed".
  auto p = compiled(
      {deny({"s3:*"}).not_on({"arn:aws:s3:::home/${aws:username}/*"}), allow({"s3:*"}).on({"*"})});
  auto ctx = request("s3:GetObject", "arn:aws:s3:::home/x/y", role_session(kA, "R", "s"));
  EXPECT_EQ(decide(p, ctx), Decision::ExplicitDeny);
}

TEST(Variables, OnlyTheResourcePartTakesVariables) {
  auto p = compiled({allow({"s3:*"}).on({"arn:aws:s3::${aws:PrincipalAccount}:x"})});
  auto ctx = request("s3:GetObject", "arn:aws:s3::111111111111:x", user(kA, "alice"));
  EXPECT_EQ(decide(p, ctx), Decision::ImplicitDeny);
}

TEST(Variables, LegacyVersionIsLiteral) {
  auto p = compiled(doc({allow({"s3:*"}).on({"arn:aws:s3:::b/${aws:username}"})}, "2008-10-17"));
  auto ctx = request("s3:GetObject", "arn:aws:s3:::b/alice", user(kA, "alice"));
  EXPECT_EQ(decide(p, ctx), Decision::ImplicitDeny);
  ctx.resource = "arn:aws:s3:::b/${aws:username}";
  EXPECT_EQ(decide(p, ctx), Decision::Allow);
}

TEST(Variables, InConditionValues) {
  auto ctx = request("s3:ListBucket", "arn:aws:s3:::b", user(kA, "alice"));
  ctx.set("s3:prefix", "home/alice/docs");
  auto like = compiled({allow({"s3:ListBucket"})
                            .on({"*"})
                            .when("StringLike", "s3:prefix", {"home/${aws:username}/*"})});
  EXPECT_EQ(decide(like, ctx), Decision::Allow);
  ctx.set("s3:prefix", "home/bob/docs");
  EXPECT_EQ(decide(like, ctx), Decision::ImplicitDeny);

  // Unresolved in a condition: positive operators false, negated operators true.
  auto session = request("s3:ListBucket", "arn:aws:s3:::b", role_session(kA, "R", "s"));
  session.set("s3:prefix", "home/x");
  auto eq =
      compiled({allow({"s3:*"}).on({"*"}).when("StringEquals", "s3:prefix", {"${aws:username}"})});
  auto ne = compiled(
      {allow({"s3:*"}).on({"*"}).when("StringNotEquals", "s3:prefix", {"${aws:username}"})});
  EXPECT_EQ(decide(eq, session), Decision::ImplicitDeny);
  EXPECT_EQ(decide(ne, session), Decision::Allow);

  // ArnEquals with a variable holding colons.
  auto arn =
      compiled({allow({"iam:PassRole"})
                    .on({"*"})
                    .when("ArnEquals", "iam:AssociatedResourceArn", {"${aws:PrincipalArn}"})});
  ctx.set("iam:AssociatedResourceArn", "arn:aws:iam::111111111111:user/alice");
  EXPECT_EQ(decide(arn, request("iam:PassRole", "*", user(kA, "alice"))), Decision::ImplicitDeny);
  auto ctx2 = request("iam:PassRole", "*", user(kA, "alice"));
  ctx2.set("iam:AssociatedResourceArn", "arn:aws:iam::111111111111:user/alice");
  EXPECT_EQ(decide(arn, ctx2), Decision::Allow);
}

TEST(Variables, SamlAndTagVariables) {
  auto p = compiled({allow({"s3:*"}).on({"arn:aws:s3:::b/${saml:sub}/*"})});
  PrincipalInfo saml_session = role_session(kA, "SamlRole", "jdoe");
  auto ctx = request("s3:GetObject", "arn:aws:s3:::b/jdoe@example.com/x", saml_session);
  ctx.set("saml:sub", "jdoe@example.com");
  EXPECT_EQ(decide(p, ctx), Decision::Allow);
}

}  // namespace
}  // namespace iamd::policy
