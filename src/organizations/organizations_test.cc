// The Organizations API against the in-memory store: the organization, accounts (and the access
// role CreateAccount makes), OUs, moves, SCP management, pagination, input validation as
// Organizations reports it, and who may call what.
#include <algorithm>
#include <regex>

#include "authz/view.h"
#include "organizations/test_support.h"
#include "store/organizations.h"
#include "store/roles.h"

namespace iamd::organizations {
namespace {

using core::ErrorCode;
using testing::child;
using testing::list_texts;
using testing::text;

bool matches(const std::string& s, const std::string& pattern) {
  return std::regex_match(s, std::regex(pattern));
}

class OrganizationsTest : public testing::OrgTest {};

TEST_F(OrganizationsTest, EverythingNeedsAnOrganization) {
  const std::string msg = "Your account is not a member of an organization.";
  for (auto action : {"DescribeOrganization", "ListRoots", "ListAccounts"}) {
    fails(action, {}, ErrorCode::AWSOrganizationsNotInUseException, msg);
  }
  fails("DescribeAccount", {{"AccountId", "222222222222"}},
        ErrorCode::AWSOrganizationsNotInUseException, msg);
  fails("CreateAccount", {{"AccountName", "a"}, {"Email", "a@example.com"}},
        ErrorCode::AWSOrganizationsNotInUseException, msg);
}

TEST_F(OrganizationsTest, CreateAndDescribeOrganization) {
  auto out = ok("CreateOrganization");  // FeatureSet defaults to ALL
  const api::OutNode& org = *child(out.result, "Organization");
  std::string id = text(org, "Id");
  EXPECT_TRUE(matches(id, "o-[a-z0-9]{10}")) << id;
  EXPECT_EQ(text(org, "Arn"), "arn:aws:organizations::111111111111:organization/" + id);
  EXPECT_EQ(text(org, "FeatureSet"), "ALL");
  EXPECT_EQ(text(org, "MasterAccountId"), "111111111111");
  EXPECT_EQ(text(org, "MasterAccountArn"),
            "arn:aws:organizations::111111111111:account/" + id + "/111111111111");
  EXPECT_EQ(text(org, "MasterAccountEmail"), "111111111111@iamd.invalid");
  EXPECT_EQ(list_texts(org, "AvailablePolicyTypes", "Type"),
            std::vector<std::string>{"SERVICE_CONTROL_POLICY"});

  fails("CreateOrganization", {}, ErrorCode::AlreadyInOrganizationException,
        "The AWS account is already a member of an organization.");
  auto described = ok("DescribeOrganization");
  EXPECT_EQ(text(*child(described.result, "Organization"), "Id"), id);

  auto roots = ok("ListRoots");
  const api::OutNode& root = child(roots.result, "Roots")->children.at(0);
  EXPECT_TRUE(matches(text(root, "Id"), "r-[0-9a-z]{4}"));
  EXPECT_EQ(text(root, "Arn"),
            "arn:aws:organizations::111111111111:root/" + id + "/" + text(root, "Id"));
  EXPECT_EQ(text(root, "Name"), "Root");
  EXPECT_TRUE(child(root, "PolicyTypes")->children.empty());  // nothing enabled yet

  auto accounts = ok("ListAccounts");
  ASSERT_EQ(child(accounts.result, "Accounts")->children.size(), 1u);
  const api::OutNode& management = child(accounts.result, "Accounts")->children[0];
  EXPECT_EQ(text(management, "Id"), "111111111111");
  EXPECT_EQ(text(management, "JoinedMethod"), "INVITED");
  EXPECT_EQ(text(management, "Status"), "ACTIVE");
  EXPECT_EQ(child(accounts.result, "NextToken"), nullptr);
}

TEST_F(OrganizationsTest, ConsolidatedBillingHasNoScps) {
  auto out = ok("CreateOrganization", {{"FeatureSet", "CONSOLIDATED_BILLING"}});
  EXPECT_TRUE(child(*child(out.result, "Organization"), "AvailablePolicyTypes")->children.empty());
  fails("EnablePolicyType", {{"RootId", root_id()}, {"PolicyType", "SERVICE_CONTROL_POLICY"}},
        ErrorCode::PolicyTypeNotAvailableForOrganizationException);
}

TEST_F(OrganizationsTest, CreateAccountMakesTheAccountAndItsAccessRole) {
  std::string org_id = create_organization();
  auto out = ok("CreateAccount", {{"AccountName", "Dev"},
                                  {"Email", "dev@example.com"},
                                  {"IamUserAccessToBilling", "DENY"},
                                  {"Tags.member.1.Key", "team"},
                                  {"Tags.member.1.Value", "core"}});
  const api::OutNode& status = *child(out.result, "CreateAccountStatus");
  EXPECT_TRUE(matches(text(status, "Id"), "car-[a-z0-9]{32}"));
  EXPECT_EQ(text(status, "State"), "SUCCEEDED");
  EXPECT_EQ(text(status, "AccountName"), "Dev");
  EXPECT_EQ(child(status, "FailureReason"), nullptr);
  std::string account = text(status, "AccountId");
  EXPECT_TRUE(matches(account, "[1-9][0-9]{11}")) << account;
  EXPECT_EQ(child(status, "RequestedTimestamp")->kind, api::OutNode::Kind::Timestamp);

  auto described = ok("DescribeCreateAccountStatus", {{"CreateAccountRequestId", text(status, "Id")}});
  EXPECT_EQ(text(*child(described.result, "CreateAccountStatus"), "AccountId"), account);

  auto acct = ok("DescribeAccount", {{"AccountId", account}});
  const api::OutNode& a = *child(acct.result, "Account");
  EXPECT_EQ(text(a, "Arn"), "arn:aws:organizations::111111111111:account/" + org_id + "/" + account);
  EXPECT_EQ(text(a, "Name"), "Dev");
  EXPECT_EQ(text(a, "Email"), "dev@example.com");
  EXPECT_EQ(text(a, "JoinedMethod"), "CREATED");
  EXPECT_EQ(text(a, "State"), "ACTIVE");

  // The account exists for IAM, with OrganizationAccountAccessRole trusting the management
  // account and holding AdministratorAccess.
  EXPECT_TRUE(store_.read([&](store::Transaction& tx) -> core::Status {
    auto stored = store::Entities(tx).find_account(account);
    EXPECT_TRUE(stored && stored->has_value());
    auto role = store::RoleEntities(tx).find_role(account, "OrganizationAccountAccessRole");
    EXPECT_TRUE(role && role->has_value());
    if (!role || !role->has_value()) return {};
    EXPECT_NE((*role)->assume_role_policy_document.find("arn:aws:iam::111111111111:root"),
              std::string::npos);
    auto attached =
        store::PolicyEntities(tx).attached_to(account, store::EntityKind::Role, (*role)->id);
    EXPECT_EQ(*attached,
              std::vector<std::string>{"arn:aws:iam::aws:policy/AdministratorAccess"});
    return {};
  }));
  auto role = view_.find_role_by_arn("arn:aws:iam::" + account + ":role/OrganizationAccountAccessRole");
  ASSERT_NE(role, nullptr);
  ASSERT_NE(role->trust, nullptr);
  ASSERT_EQ(role->policies->identity.size(), 1u);

  // A chosen role name; then a second account with the same email fails as AWS reports it.
  std::string other = create_account("Ops", "ops@example.com");
  auto custom = ok("CreateAccount", {{"AccountName", "Sec"},
                                     {"Email", "sec@example.com"},
                                     {"RoleName", "OrgAdmin"}});
  std::string sec = text(*child(custom.result, "CreateAccountStatus"), "AccountId");
  EXPECT_NE(view_.find_role_by_arn("arn:aws:iam::" + sec + ":role/OrgAdmin"), nullptr);
  auto dup = ok("CreateAccount", {{"AccountName", "Again"}, {"Email", "DEV@example.com"}});
  const api::OutNode& failed = *child(dup.result, "CreateAccountStatus");
  EXPECT_EQ(text(failed, "State"), "FAILED");
  EXPECT_EQ(text(failed, "FailureReason"), "EMAIL_ALREADY_EXISTS");
  EXPECT_EQ(child(failed, "AccountId"), nullptr);

  auto listed = ok("ListAccounts");
  EXPECT_EQ(child(listed.result, "Accounts")->children.size(), 4u);
  auto statuses = ok("ListCreateAccountStatus", {{"States.member.1", "FAILED"}});
  EXPECT_EQ(list_texts(statuses.result, "CreateAccountStatuses", "AccountName"),
            std::vector<std::string>{"Again"});
  EXPECT_EQ(child(ok("ListCreateAccountStatus").result, "CreateAccountStatuses")->children.size(),
            4u);
  fails("DescribeCreateAccountStatus", {{"CreateAccountRequestId", "car-00000000"}},
        ErrorCode::CreateAccountStatusNotFoundException);
  fails("DescribeAccount", {{"AccountId", "999999999999"}}, ErrorCode::AccountNotFoundException,
        "You specified an account that doesn't exist.");
  (void)other;
}

TEST_F(OrganizationsTest, InputIsCheckedAsOrganizationsChecksIt) {
  create_organization();
  invalid("CreateAccount", {{"AccountName", "a"}, {"Email", "not-an-email"}}, "INVALID_PATTERN");
  invalid("CreateAccount", {{"Email", "a@example.com"}}, "INPUT_REQUIRED");
  invalid("CreateAccount", {{"AccountName", std::string(51, 'x')}, {"Email", "a@example.com"}},
          "MAX_LENGTH_EXCEEDED");
  invalid("CreateAccount", {{"AccountName", "a"}, {"Email", "a@b.c"}}, "MIN_LENGTH_EXCEEDED");
  invalid("CreateAccount",
          {{"AccountName", "a"}, {"Email", "a@example.com"}, {"IamUserAccessToBilling", "MAYBE"}},
          "INVALID_ENUM");
  invalid("CreateAccount",
          {{"AccountName", "a"}, {"Email", "a@example.com"}, {"RoleName", "bad role"}},
          "INVALID_PATTERN");
  invalid("CreateAccount",
          {{"AccountName", "a"},
           {"Email", "a@example.com"},
           {"Tags.member.1.Key", "k"},
           {"Tags.member.1.Value", "1"},
           {"Tags.member.2.Key", "k"},
           {"Tags.member.2.Value", "2"}},
          "DUPLICATE_TAG_KEY");
  invalid("DescribeAccount", {{"AccountId", "12345"}}, "INVALID_PATTERN");
  invalid("ListAccounts", {{"MaxResults", "21"}}, "MAX_VALUE_EXCEEDED");
  invalid("ListAccounts", {{"MaxResults", "0"}}, "MIN_VALUE_EXCEEDED");
  invalid("ListAccounts", {{"NextToken", "zz"}}, "INVALID_NEXT_TOKEN");
  invalid("ListPolicies", {{"Filter", "NOPE"}}, "INVALID_ENUM");
  invalid("AttachPolicy", {{"PolicyId", "p-FullAWSAccess"}, {"TargetId", "o-abc"}},
          "INVALID_PATTERN");
  invalid("CreateOrganizationalUnit", {{"ParentId", "r-ab"}, {"Name", "x"}}, "INVALID_PATTERN");
  // The message is AWS's, as seen on the wire.
  fails("DescribeAccount", {{"AccountId", "x"}}, ErrorCode::InvalidInputException,
        "You provided a value that does not match the required pattern.");
  // A value of the wrong type is a serialization problem in the JSON protocol.
  fails("ListAccounts", {{"MaxResults", "many"}}, ErrorCode::SerializationException);
}

TEST_F(OrganizationsTest, Pagination) {
  create_organization();
  for (int i = 0; i < 4; ++i) create_account("a" + std::to_string(i), "a" + std::to_string(i) + "@example.com");
  std::vector<std::string> seen;
  std::string token;
  int pages = 0;
  do {
    testing::Fields p{{"MaxResults", "2"}};
    if (!token.empty()) p.emplace_back("NextToken", token);
    auto out = ok("ListAccounts", p);
    auto ids = list_texts(out.result, "Accounts", "Id");
    EXPECT_LE(ids.size(), 2u);
    seen.insert(seen.end(), ids.begin(), ids.end());
    const api::OutNode* next = child(out.result, "NextToken");
    token = next == nullptr ? "" : next->text;
    ++pages;
  } while (!token.empty() && pages < 10);
  EXPECT_EQ(pages, 3);
  EXPECT_EQ(seen.size(), 5u);
  EXPECT_TRUE(std::is_sorted(seen.begin(), seen.end()));
  EXPECT_EQ(std::adjacent_find(seen.begin(), seen.end()), seen.end());
}

TEST_F(OrganizationsTest, OrganizationalUnits) {
  create_organization();
  std::string root = root_id();
  std::string prod = create_unit(root, "Prod");
  EXPECT_TRUE(matches(prod, "ou-" + root.substr(2) + "-[a-z0-9]{8}")) << prod;
  fails("CreateOrganizationalUnit", {{"ParentId", root}, {"Name", "Prod"}},
        ErrorCode::DuplicateOrganizationalUnitException, "An OU with the same name already exists.");
  std::string web = create_unit(prod, "Web");
  create_unit(root, "Web");  // the same name under another parent is fine

  auto described = ok("DescribeOrganizationalUnit", {{"OrganizationalUnitId", web}});
  const api::OutNode& unit = *child(described.result, "OrganizationalUnit");
  EXPECT_EQ(text(unit, "Name"), "Web");
  EXPECT_TRUE(text(unit, "Arn").starts_with("arn:aws:organizations::111111111111:ou/o-"));
  EXPECT_EQ(list_texts(ok("ListOrganizationalUnitsForParent", {{"ParentId", prod}}).result,
                       "OrganizationalUnits", "Id"),
            std::vector<std::string>{web});
  EXPECT_EQ(child(ok("ListOrganizationalUnitsForParent", {{"ParentId", root}}).result,
                  "OrganizationalUnits")
                ->children.size(),
            2u);
  auto parents = ok("ListParents", {{"ChildId", web}});
  EXPECT_EQ(list_texts(parents.result, "Parents", "Id"), std::vector<std::string>{prod});
  EXPECT_EQ(list_texts(parents.result, "Parents", "Type"),
            std::vector<std::string>{"ORGANIZATIONAL_UNIT"});
  EXPECT_EQ(list_texts(ok("ListParents", {{"ChildId", prod}}).result, "Parents", "Type"),
            std::vector<std::string>{"ROOT"});
  EXPECT_EQ(list_texts(ok("ListChildren", {{"ParentId", prod}, {"ChildType", "ORGANIZATIONAL_UNIT"}})
                           .result,
                       "Children", "Id"),
            std::vector<std::string>{web});

  // Five levels of OUs under the root, no more.
  std::string parent = web;
  for (int depth = 3; depth <= 5; ++depth) parent = create_unit(parent, "L" + std::to_string(depth));
  core::Error deep = fails("CreateOrganizationalUnit", {{"ParentId", parent}, {"Name", "L6"}},
                           ErrorCode::ConstraintViolationException);
  EXPECT_EQ(error_reason(deep), "OU_DEPTH_LIMIT_EXCEEDED");

  fails("CreateOrganizationalUnit", {{"ParentId", "ou-" + root.substr(2) + "-zzzzzzzz"}, {"Name", "x"}},
        ErrorCode::ParentNotFoundException, "You specified parent that doesn't exist.");
  fails("DescribeOrganizationalUnit", {{"OrganizationalUnitId", "ou-abcd-zzzzzzzz"}},
        ErrorCode::OrganizationalUnitNotFoundException);
  fails("ListParents", {{"ChildId", "999999999999"}}, ErrorCode::ChildNotFoundException);

  auto renamed = ok("UpdateOrganizationalUnit", {{"OrganizationalUnitId", web}, {"Name", "Www"}});
  EXPECT_EQ(text(*child(renamed.result, "OrganizationalUnit"), "Name"), "Www");
  fails("UpdateOrganizationalUnit", {{"OrganizationalUnitId", prod}, {"Name", "Web"}},
        ErrorCode::DuplicateOrganizationalUnitException);

  fails("DeleteOrganizationalUnit", {{"OrganizationalUnitId", prod}},
        ErrorCode::OrganizationalUnitNotEmptyException);
  std::string empty = create_unit(root, "Empty");
  ok("DeleteOrganizationalUnit", {{"OrganizationalUnitId", empty}});
  fails("DescribeOrganizationalUnit", {{"OrganizationalUnitId", empty}},
        ErrorCode::OrganizationalUnitNotFoundException);
}

TEST_F(OrganizationsTest, MoveAccount) {
  create_organization();
  std::string root = root_id();
  std::string ou = create_unit(root, "Sandbox");
  std::string account = create_account("Dev", "dev@example.com");
  ok("MoveAccount", {{"AccountId", account}, {"SourceParentId", root}, {"DestinationParentId", ou}});
  EXPECT_EQ(list_texts(ok("ListAccountsForParent", {{"ParentId", ou}}).result, "Accounts", "Id"),
            std::vector<std::string>{account});
  EXPECT_EQ(list_texts(ok("ListParents", {{"ChildId", account}}).result, "Parents", "Id"),
            std::vector<std::string>{ou});
  EXPECT_EQ(list_texts(ok("ListChildren", {{"ParentId", ou}, {"ChildType", "ACCOUNT"}}).result,
                       "Children", "Type"),
            std::vector<std::string>{"ACCOUNT"});
  fails("MoveAccount", {{"AccountId", account}, {"SourceParentId", ou}, {"DestinationParentId", ou}},
        ErrorCode::DuplicateAccountException);
  fails("MoveAccount",
        {{"AccountId", account}, {"SourceParentId", root}, {"DestinationParentId", ou}},
        ErrorCode::AccountNotFoundException);  // not in that source
  fails("MoveAccount",
        {{"AccountId", account},
         {"SourceParentId", "ou-" + root.substr(2) + "-00000000"},
         {"DestinationParentId", root}},
        ErrorCode::SourceParentNotFoundException);
  fails("MoveAccount",
        {{"AccountId", account},
         {"SourceParentId", ou},
         {"DestinationParentId", "ou-" + root.substr(2) + "-00000000"}},
        ErrorCode::DestinationParentNotFoundException);
  fails("MoveAccount",
        {{"AccountId", "999999999999"}, {"SourceParentId", ou}, {"DestinationParentId", root}},
        ErrorCode::AccountNotFoundException);
  // The management account can be moved too.
  ok("MoveAccount", {{"AccountId", "111111111111"}, {"SourceParentId", root}, {"DestinationParentId", ou}});
}

TEST_F(OrganizationsTest, ServiceControlPolicies) {
  std::string org_id = create_organization();
  std::string root = root_id();
  std::string ou = create_unit(root, "Prod");
  std::string account = create_account("Dev", "dev@example.com");

  std::string deny = create_scp("DenyIam", testing::kScpDenyIam);
  EXPECT_TRUE(matches(deny, "p-[0-9a-z]{8}")) << deny;
  auto described = ok("DescribePolicy", {{"PolicyId", deny}});
  const api::OutNode& policy = *child(described.result, "Policy");
  EXPECT_EQ(text(policy, "Content"), testing::kScpDenyIam);
  const api::OutNode& summary = *child(policy, "PolicySummary");
  EXPECT_EQ(text(summary, "Arn"), "arn:aws:organizations::111111111111:policy/" + org_id +
                                      "/service_control_policy/" + deny);
  EXPECT_EQ(text(summary, "AwsManaged"), "false");
  EXPECT_EQ(child(summary, "AwsManaged")->kind, api::OutNode::Kind::Boolean);

  auto full = ok("DescribePolicy", {{"PolicyId", "p-FullAWSAccess"}});
  const api::OutNode& full_summary = *child(*child(full.result, "Policy"), "PolicySummary");
  EXPECT_EQ(text(full_summary, "Arn"),
            "arn:aws:organizations::aws:policy/service_control_policy/p-FullAWSAccess");
  EXPECT_EQ(text(full_summary, "Name"), "FullAWSAccess");
  EXPECT_EQ(text(full_summary, "Description"), "Allows access to every operation");
  EXPECT_EQ(text(full_summary, "AwsManaged"), "true");

  fails("CreatePolicy",
        {{"Name", "DenyIam"}, {"Description", ""}, {"Type", "SERVICE_CONTROL_POLICY"},
         {"Content", testing::kScpDenyIam}},
        ErrorCode::DuplicatePolicyException);
  fails("CreatePolicy",
        {{"Name", "Bad"}, {"Description", ""}, {"Type", "SERVICE_CONTROL_POLICY"},
         {"Content", R"({"Version":"2012-10-17","Statement":[{"Effect":"Deny","Principal":"*","Action":"*","Resource":"*"}]})"}},
        ErrorCode::MalformedPolicyDocumentException);
  fails("CreatePolicy",
        {{"Name", "Bad"}, {"Description", ""}, {"Type", "SERVICE_CONTROL_POLICY"}, {"Content", "{"}},
        ErrorCode::MalformedPolicyDocumentException);
  std::string big = R"({"Version":"2012-10-17","Statement":[{"Effect":"Deny","Action":"iam:*","Resource":"*","Sid":")" +
                    std::string(5100, 'a') + R"("}]})";
  core::Error too_big = fails("CreatePolicy",
                              {{"Name", "Big"}, {"Description", ""},
                               {"Type", "SERVICE_CONTROL_POLICY"}, {"Content", big}},
                              ErrorCode::ConstraintViolationException);
  EXPECT_EQ(error_reason(too_big), "POLICY_CONTENT_LIMIT_EXCEEDED");
  fails("CreatePolicy",
        {{"Name", "Tags"}, {"Description", ""}, {"Type", "TAG_POLICY"}, {"Content", "{}"}},
        ErrorCode::PolicyTypeNotAvailableForOrganizationException);

  // Attaching needs the type enabled on the root.
  fails("AttachPolicy", {{"PolicyId", deny}, {"TargetId", account}},
        ErrorCode::PolicyTypeNotEnabledException,
        "This operation can be performed only for enabled policy types.");
  fails("EnablePolicyType", {{"RootId", "r-zzzz"}, {"PolicyType", "SERVICE_CONTROL_POLICY"}},
        ErrorCode::RootNotFoundException);
  fails("EnablePolicyType", {{"RootId", root}, {"PolicyType", "TAG_POLICY"}},
        ErrorCode::PolicyTypeNotAvailableForOrganizationException);
  auto enabled = ok("EnablePolicyType", {{"RootId", root}, {"PolicyType", "SERVICE_CONTROL_POLICY"}});
  EXPECT_EQ(list_texts(*child(enabled.result, "Root"), "PolicyTypes", "Status"),
            std::vector<std::string>{"ENABLED"});
  fails("EnablePolicyType", {{"RootId", root}, {"PolicyType", "SERVICE_CONTROL_POLICY"}},
        ErrorCode::PolicyTypeAlreadyEnabledException);
  EXPECT_EQ(list_texts(ok("ListRoots").result.children.at(0).children.at(0), "PolicyTypes", "Type"),
            std::vector<std::string>{"SERVICE_CONTROL_POLICY"});

  // Enabling attached FullAWSAccess everywhere; what is created later gets it too.
  const std::vector<std::string> full_only{"p-FullAWSAccess"};
  EXPECT_EQ(scps_of(root), full_only);
  EXPECT_EQ(scps_of(ou), full_only);
  EXPECT_EQ(scps_of(account), full_only);
  EXPECT_EQ(scps_of("111111111111"), full_only);
  EXPECT_EQ(scps_of(create_unit(root, "Later")), full_only);
  EXPECT_EQ(scps_of(create_account("Later", "later@example.com")), full_only);

  attach(deny, account);
  fails("AttachPolicy", {{"PolicyId", deny}, {"TargetId", account}},
        ErrorCode::DuplicatePolicyAttachmentException);
  auto attached = scps_of(account);
  std::sort(attached.begin(), attached.end());
  std::vector<std::string> both{deny, "p-FullAWSAccess"};
  std::sort(both.begin(), both.end());
  EXPECT_EQ(attached, both);
  auto targets = ok("ListTargetsForPolicy", {{"PolicyId", deny}});
  EXPECT_EQ(list_texts(targets.result, "Targets", "TargetId"), std::vector<std::string>{account});
  EXPECT_EQ(list_texts(targets.result, "Targets", "Type"), std::vector<std::string>{"ACCOUNT"});
  EXPECT_EQ(list_texts(targets.result, "Targets", "Name"), std::vector<std::string>{"Dev"});

  // At most five SCPs per target; at least one while SCPs are enabled.
  for (int i = 0; i < 3; ++i) attach(create_scp("Extra" + std::to_string(i), testing::kScpAllowS3), account);
  std::string sixth = create_scp("Sixth", testing::kScpAllowS3);
  core::Error many = fails("AttachPolicy", {{"PolicyId", sixth}, {"TargetId", account}},
                           ErrorCode::ConstraintViolationException);
  EXPECT_EQ(error_reason(many), "MAX_POLICY_TYPE_ATTACHMENT_LIMIT_EXCEEDED");
  core::Error last = fails("DetachPolicy", {{"PolicyId", "p-FullAWSAccess"}, {"TargetId", ou}},
                           ErrorCode::ConstraintViolationException);
  EXPECT_EQ(error_reason(last), "MIN_POLICY_TYPE_ATTACHMENT_LIMIT_EXCEEDED");
  detach("p-FullAWSAccess", account);
  fails("DetachPolicy", {{"PolicyId", "p-FullAWSAccess"}, {"TargetId", account}},
        ErrorCode::PolicyNotAttachedException);

  // AWS managed policies cannot change; attached ones cannot be deleted.
  invalid("UpdatePolicy", {{"PolicyId", "p-FullAWSAccess"}, {"Name", "x"}}, "IMMUTABLE_POLICY");
  invalid("DeletePolicy", {{"PolicyId", "p-FullAWSAccess"}}, "IMMUTABLE_POLICY");
  fails("DeletePolicy", {{"PolicyId", deny}}, ErrorCode::PolicyInUseException);
  auto updated = ok("UpdatePolicy", {{"PolicyId", deny}, {"Name", "NoIam"}, {"Description", "new"}});
  EXPECT_EQ(text(*child(*child(updated.result, "Policy"), "PolicySummary"), "Name"), "NoIam");
  fails("UpdatePolicy", {{"PolicyId", deny}, {"Content", "[]"}},
        ErrorCode::MalformedPolicyDocumentException);
  detach(deny, account);
  ok("DeletePolicy", {{"PolicyId", deny}});
  fails("DescribePolicy", {{"PolicyId", deny}}, ErrorCode::PolicyNotFoundException);
  fails("AttachPolicy", {{"PolicyId", "p-00000000"}, {"TargetId", account}},
        ErrorCode::PolicyNotFoundException);
  fails("AttachPolicy", {{"PolicyId", sixth}, {"TargetId", "999999999999"}},
        ErrorCode::TargetNotFoundException, "You specified a target that doesn't exist.");
  fails("ListPoliciesForTarget", {{"TargetId", "999999999999"}, {"Filter", "SERVICE_CONTROL_POLICY"}},
        ErrorCode::TargetNotFoundException);

  auto all = list_texts(ok("ListPolicies", {{"Filter", "SERVICE_CONTROL_POLICY"}}).result,
                        "Policies", "Name");
  EXPECT_EQ(all.size(), 5u);  // FullAWSAccess, Extra0-2, Sixth
  EXPECT_NE(std::find(all.begin(), all.end(), "FullAWSAccess"), all.end());
  EXPECT_TRUE(list_texts(ok("ListPolicies", {{"Filter", "TAG_POLICY"}}).result, "Policies", "Id")
                  .empty());

  // Disabling the type detaches every SCP.
  auto disabled =
      ok("DisablePolicyType", {{"RootId", root}, {"PolicyType", "SERVICE_CONTROL_POLICY"}});
  EXPECT_TRUE(child(*child(disabled.result, "Root"), "PolicyTypes")->children.empty());
  EXPECT_TRUE(scps_of(account).empty());
  EXPECT_TRUE(scps_of(root).empty());
  fails("DisablePolicyType", {{"RootId", root}, {"PolicyType", "SERVICE_CONTROL_POLICY"}},
        ErrorCode::PolicyTypeNotEnabledException);
}

TEST_F(OrganizationsTest, WhoMayCall) {
  create_organization();
  std::string member = create_account("Dev", "dev@example.com");
  api::Caller member_root = root_of(member);
  // Members may describe the organization, nothing else.
  auto described = ok_as(member_root, "DescribeOrganization");
  EXPECT_EQ(text(*child(described.result, "Organization"), "MasterAccountId"), "111111111111");
  const std::string denied = "You don't have permissions to access this resource.";
  fails_as(member_root, "ListAccounts", {}, ErrorCode::AccessDeniedException, denied);
  fails_as(member_root, "CreateAccount", {{"AccountName", "x"}, {"Email", "x@example.com"}},
           ErrorCode::AccessDeniedException, denied);
  fails_as(member_root, "CreateOrganization", {}, ErrorCode::AlreadyInOrganizationException);
  // An account outside every organization.
  api::Caller outsider = root_of("333333333333");
  fails_as(outsider, "DescribeOrganization", {}, ErrorCode::AWSOrganizationsNotInUseException);

  // IAM users of the management account need organizations:* permissions.
  api::Caller nobody = user_of("111111111111", "nobody", "");
  core::Error e = fails_as(nobody, "ListAccounts", {}, ErrorCode::AccessDeniedException);
  EXPECT_EQ(e.message,
            "User: arn:aws:iam::111111111111:user/nobody is not authorized to perform: "
            "organizations:ListAccounts on resource: * because no identity-based policy allows "
            "the organizations:ListAccounts action");
  api::Caller reader = user_of(
      "111111111111", "reader",
      R"({"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":["organizations:List*","organizations:Describe*"],"Resource":"*"}]})");
  ok_as(reader, "ListAccounts");
  ok_as(reader, "DescribeAccount", {{"AccountId", member}});
  fails_as(reader, "CreateOrganizationalUnit", {{"ParentId", root_id()}, {"Name", "x"}},
           ErrorCode::AccessDeniedException);
  // Resource-level permissions use the Organizations ARNs.
  api::Caller scoped = user_of(
      "111111111111", "scoped",
      R"({"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"organizations:DescribeAccount","Resource":"arn:aws:organizations::111111111111:account/o-*/)" +
          member + R"("}]})");
  ok_as(scoped, "DescribeAccount", {{"AccountId", member}});
  fails_as(scoped, "DescribeAccount", {{"AccountId", "111111111111"}},
           ErrorCode::AccessDeniedException);
  // A denied caller learns nothing about which policies exist.
  fails_as(nobody, "DescribePolicy", {{"PolicyId", "p-00000000"}},
           ErrorCode::AccessDeniedException);
}

TEST_F(OrganizationsTest, ErrorReasonsRoundTrip) {
  EXPECT_EQ(error_reason(invalid_input(InvalidInputReason::InvalidPattern)), "INVALID_PATTERN");
  EXPECT_EQ(error_reason(invalid_input(InvalidInputReason::InvalidNextToken)),
            "INVALID_NEXT_TOKEN");
  EXPECT_EQ(error_reason(constraint_violation(ConstraintReason::OuNumberLimitExceeded)),
            "OU_NUMBER_LIMIT_EXCEEDED");
  EXPECT_EQ(error_reason(not_in_use()), "");
  EXPECT_EQ(error_reason(core::Error{ErrorCode::InvalidInputException, "other words"}), "");
}

}  // namespace
}  // namespace iamd::organizations
