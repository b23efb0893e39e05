// Service control policies enforced by the authz view: a member account's root user and IAM users
// are capped by the SCPs from the organization root down through its OUs to the account; the
// management account is not; nothing applies until SERVICE_CONTROL_POLICY is enabled.
#include "organizations/test_support.h"
#include "policy/evaluate.h"

namespace iamd::organizations {
namespace {

using policy::Decision;
using policy::PolicyKind;

class ScpTest : public testing::OrgTest {
 protected:
  void SetUp() override {
    create_organization();
    root_ = root_id();
    member_ = create_account("Dev", "dev@example.com");
    member_root_ = root_of(member_);
    member_admin_ = user_of(member_, "admin", testing::kAllowAll);
    management_admin_ = user_of(testing::kManagement, "admin", testing::kAllowAll);
  }

  bool allowed(const api::Caller& caller, std::string_view action) {
    return decide(caller, action).allowed;
  }

  std::string root_;
  std::string member_;
  api::Caller member_root_;
  api::Caller member_admin_;
  api::Caller management_admin_;
};

TEST_F(ScpTest, NothingAppliesUntilTheTypeIsEnabled) {
  std::string deny = create_scp("DenyIam", testing::kScpDenyIam);
  EXPECT_EQ(view_.account_scps(member_), nullptr);
  EXPECT_TRUE(allowed(member_root_, "iam:CreateUser"));
  EXPECT_TRUE(allowed(member_admin_, "iam:CreateUser"));
  // Enabling attaches FullAWSAccess everywhere: still everything is allowed.
  enable_scps();
  auto scps = view_.account_scps(member_);
  ASSERT_NE(scps, nullptr);
  EXPECT_EQ(scps->levels.size(), 2u);  // root, account
  EXPECT_TRUE(allowed(member_root_, "iam:CreateUser"));
  EXPECT_TRUE(allowed(member_admin_, "iam:CreateUser"));
  (void)deny;
}

TEST_F(ScpTest, DenyCapsTheMemberRootAndUsersButNotTheManagementAccount) {
  enable_scps();
  std::string deny = create_scp("DenyIam", testing::kScpDenyIam);
  attach(deny, member_);
  // SCPs attached to the management account or the root have no effect on it.
  attach(deny, std::string(testing::kManagement));

  for (const api::Caller* c : {&member_root_, &member_admin_}) {
    authz::Decision d = decide(*c, "iam:CreateUser", "arn:aws:iam::" + member_ + ":user/x");
    EXPECT_FALSE(d.allowed) << c->arn;
    EXPECT_EQ(d.evaluation.decision, Decision::ExplicitDeny) << c->arn;
    EXPECT_EQ(d.evaluation.decided_by, PolicyKind::Scp) << c->arn;
    EXPECT_EQ(d.message, "User: " + c->arn +
                             " is not authorized to perform: iam:CreateUser on resource: "
                             "arn:aws:iam::" + member_ +
                             ":user/x with an explicit deny in a service control policy");
    EXPECT_TRUE(allowed(*c, "s3:GetObject")) << c->arn;  // FullAWSAccess still allows the rest
  }
  EXPECT_TRUE(allowed(management_, "iam:CreateUser"));
  EXPECT_TRUE(allowed(management_admin_, "iam:CreateUser"));
  EXPECT_EQ(view_.account_scps(std::string(testing::kManagement)), nullptr);

  // An SCP never grants: a member user without identity policies is still denied.
  api::Caller bare = user_of(member_, "bare", "");
  authz::Decision d = decide(bare, "s3:GetObject");
  EXPECT_FALSE(d.allowed);
  EXPECT_EQ(d.evaluation.decided_by, PolicyKind::Identity);

  detach(deny, member_);
  EXPECT_TRUE(allowed(member_root_, "iam:CreateUser"));
  EXPECT_TRUE(allowed(member_admin_, "iam:CreateUser"));
}

TEST_F(ScpTest, EveryLevelFromTheRootDownMustAllow) {
  enable_scps();
  std::string prod = create_unit(root_, "Prod");
  std::string web = create_unit(prod, "Web");
  ok("MoveAccount", {{"AccountId", member_}, {"SourceParentId", root_}, {"DestinationParentId", web}});
  auto scps = view_.account_scps(member_);
  ASSERT_NE(scps, nullptr);
  EXPECT_EQ(scps->levels.size(), 4u);  // root, Prod, Web, account

  // A deny on an OU above the account applies to it.
  std::string deny = create_scp("DenyIam", testing::kScpDenyIam);
  attach(deny, prod);
  EXPECT_FALSE(allowed(member_root_, "iam:CreateRole"));
  EXPECT_FALSE(allowed(member_admin_, "iam:CreateRole"));
  detach(deny, prod);
  EXPECT_TRUE(allowed(member_admin_, "iam:CreateRole"));

  // An allow-list at one level: replacing FullAWSAccess on Web with "s3 only" leaves only s3.
  std::string s3_only = create_scp("S3Only", testing::kScpAllowS3);
  attach(s3_only, web);
  detach("p-FullAWSAccess", web);
  EXPECT_TRUE(allowed(member_root_, "s3:PutObject"));
  EXPECT_TRUE(allowed(member_admin_, "s3:PutObject"));
  authz::Decision d = decide(member_admin_, "iam:CreateRole");
  EXPECT_FALSE(d.allowed);
  EXPECT_EQ(d.evaluation.decision, Decision::ImplicitDeny);
  EXPECT_EQ(d.evaluation.decided_by, PolicyKind::Scp);
  EXPECT_NE(d.message.find("service control policy"), std::string::npos) << d.message;
  EXPECT_FALSE(allowed(member_root_, "iam:CreateRole"));

  // Moving the account out from under Web lifts Web's cap.
  ok("MoveAccount", {{"AccountId", member_}, {"SourceParentId", web}, {"DestinationParentId", prod}});
  EXPECT_TRUE(allowed(member_root_, "iam:CreateRole"));
}

TEST_F(ScpTest, DetachingFullAwsAccessLeavesAnImplicitDeny) {
  enable_scps();
  std::string deny = create_scp("DenyIam", testing::kScpDenyIam);
  attach(deny, member_);
  detach("p-FullAWSAccess", member_);  // only a Deny-only SCP is left on the account
  for (const api::Caller* c : {&member_root_, &member_admin_}) {
    authz::Decision d = decide(*c, "s3:GetObject");
    EXPECT_FALSE(d.allowed) << c->arn;
    EXPECT_EQ(d.evaluation.decision, Decision::ImplicitDeny) << c->arn;
    EXPECT_EQ(d.evaluation.decided_by, PolicyKind::Scp) << c->arn;
    EXPECT_EQ(decide(*c, "iam:ListUsers").evaluation.decision, Decision::ExplicitDeny);
  }
  // The management account is unaffected whatever its own attachments say.
  attach(deny, std::string(testing::kManagement));
  detach("p-FullAWSAccess", std::string(testing::kManagement));
  EXPECT_TRUE(allowed(management_, "s3:GetObject"));
  EXPECT_TRUE(allowed(management_admin_, "iam:ListUsers"));
  // Disabling SCPs lifts every cap.
  ok("DisablePolicyType", {{"RootId", root_}, {"PolicyType", "SERVICE_CONTROL_POLICY"}});
  EXPECT_EQ(view_.account_scps(member_), nullptr);
  EXPECT_TRUE(allowed(member_root_, "s3:GetObject"));
  EXPECT_TRUE(allowed(member_admin_, "iam:ListUsers"));
}

TEST_F(ScpTest, ScpsCapOrganizationsCallsToo) {
  // The member account's access role is what the management account assumes; SCPs on the
  // member apply to such sessions as to every principal of the account (keyed by account).
  enable_scps();
  std::string deny = create_scp("DenyAll", R"({"Version":"2012-10-17","Statement":[{"Effect":"Deny","Action":"*","Resource":"*"}]})");
  attach(deny, root_);
  EXPECT_FALSE(allowed(member_root_, "organizations:DescribeOrganization"));
  testing::Fields none;
  fails_as(member_root_, "DescribeOrganization", none, core::ErrorCode::AccessDeniedException);
  // Attached at the root, it still leaves the management account alone.
  ok("DescribeOrganization");
  EXPECT_TRUE(allowed(management_admin_, "iam:CreateUser"));
}

}  // namespace
}  // namespace iamd::organizations
