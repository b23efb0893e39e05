// The IAM role APIs against the in-memory store: roles and their trust policies, role tags,
// inline and attached policies, boundaries, the role parts of ListEntitiesForPolicy,
// GetAccountAuthorizationDetails, GetAccountSummary and the simulator, authorization with
// resource and request tags, and the roles the authz view hands to STS.
#include <gtest/gtest.h>


#include "authz/view.h"
#include "core/arn.h"
#include "core/strings.h"
#include "iam/policy_documents.h"
#include "iam/service.h"
#include "iam/test_support.h"
#include "policy/json/parse_and_validate.h"
#include "store/memory/memory_store.h"
#include "store/roles.h"

namespace iamd::iam {
namespace {

using authz::testing::NullSealer;
using api::testing::member_names;
using api::testing::text;
using testing::child;
using testing::Fields;
using testing::params;
using testing::TagSealer;
using testing::SeededRandom;

using core::ErrorCode;


constexpr std::string_view kAccount = "123456789012";
constexpr std::string_view kReadOnly = "arn:aws:iam::aws:policy/ReadOnlyAccess";
constexpr std::string_view kAdmin = "arn:aws:iam::aws:policy/AdministratorAccess";

const std::string kTrust =
    R"({"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"Service":"ec2.amazonaws.com"},"Action":"sts:AssumeRole"}]})";
// Spaces, newlines and '+' must survive the URL-encoding of documents in responses.
const std::string kSpacedTrust =
    "{\n  \"Version\": \"2012-10-17\",\n  \"Statement\": [\n    {\"Effect\": \"Allow\",\n"
    "     \"Principal\": {\"AWS\": \"arn:aws:iam::123456789012:root\"},\n"
    "     \"Action\": \"sts:AssumeRole\",\n"
    "     \"Condition\": {\"StringEquals\": {\"sts:ExternalId\": \"a+b c\"}}}\n  ]\n}";
const std::string kDoc =
    R"({"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"s3:GetObject","Resource":"*"}]})";

std::string trust_for(const std::string& aws_principal) {
  return R"({"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"AWS":")" +
         aws_principal + R"("},"Action":"sts:AssumeRole"}]})";
}

// A valid identity policy of at least `min_size` non-whitespace characters.
std::string big_doc(size_t min_size) {
  std::string resources;
  for (int i = 0; policy_size(resources) < min_size; ++i) {
    if (i > 0) resources += ",";
    resources += "\"arn:aws:s3:::bucket-" + std::to_string(i) + "/*\"";
  }
  return R"({"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"s3:GetObject","Resource":[)" +
         resources + "]}]}";
}

class RolesTest : public ::testing::Test {
 protected:
  RolesTest() : view_(store_, sealer_), service_(Deps{store_, view_, random_, sealer_}) {
    service_.register_operations(registry_);
    root_.type = api::PrincipalType::Root;
    root_.account = std::string(kAccount);
    root_.arn = core::root_arn(root_.account);
    root_.user_id = root_.account;
    // The account exists, as bootstrap creates it: the view loads roles account by account.
    EXPECT_TRUE(store_.write([&](store::Transaction& tx) -> core::Status {
      return store::Entities(tx).put_account(store::Account{root_.account, {}, ""});
    }));
  }

  core::Result<api::Output> call(const api::Caller& caller, std::string_view action,
                                 const Fields& p) {
    api::Context ctx;
    ctx.caller = caller;
    ctx.now = core::TimePoint(std::chrono::seconds(1700000000 + ++clock_));
    api::ParamNode tree = params(p);
    api::Input in(tree);
    const api::Operation* op = registry_.find("iam", action);
    EXPECT_NE(op, nullptr) << action;
    if (op == nullptr) return core::Error{ErrorCode::InvalidAction, std::string(action)};
    return op->handler(ctx, in);
  }
  api::Output ok(std::string_view action, const Fields& p) {
    auto out = call(root_, action, p);
    EXPECT_TRUE(out) << action << ": " << (out ? "" : out.error().message);
    return out ? std::move(*out) : api::Output{};
  }
  void fails(std::string_view action, const Fields& p, ErrorCode code,
             std::string_view message = {}) {
    fails_as(root_, action, p, code, message);
  }
  void fails_as(const api::Caller& caller, std::string_view action, const Fields& p,
                ErrorCode code, std::string_view message = {}) {
    auto out = call(caller, action, p);
    ASSERT_FALSE(out) << action << " succeeded";
    EXPECT_EQ(out.error().code, code) << action << ": " << out.error().message;
    if (!message.empty()) {
      EXPECT_EQ(out.error().message, message) << action;
    }
  }

  const api::OutNode& role_of(const api::Output& out) {
    const api::OutNode* r = child(out.result, "Role");
    EXPECT_NE(r, nullptr);
    static const api::OutNode empty;
    return r == nullptr ? empty : *r;
  }
  std::string create_role(const std::string& name, const std::string& trust = kTrust,
                          const std::string& path = "/") {
    auto out = ok("CreateRole",
                  {{"RoleName", name}, {"AssumeRolePolicyDocument", trust}, {"Path", path}});
    return text(role_of(out), "Arn");
  }
  std::string create_policy(const std::string& name, const std::string& path = "/") {
    auto out = ok("CreatePolicy", {{"PolicyName", name}, {"PolicyDocument", kDoc}, {"Path", path}});
    const api::OutNode* p = child(out.result, "Policy");
    return p == nullptr ? std::string() : text(*p, "Arn");
  }
  std::string policy_field(std::string_view arn, std::string_view field) {
    auto out = ok("GetPolicy", {{"PolicyArn", std::string(arn)}});
    const api::OutNode* p = child(out.result, "Policy");
    return p == nullptr ? std::string() : text(*p, field);
  }
  std::vector<std::string> list_texts(const api::Output& out, std::string_view list,
                                      std::string_view field) {
    std::vector<std::string> v;
    const api::OutNode* l = child(out.result, list);
    if (l == nullptr) return v;
    for (const auto& item : l->children) v.push_back(field.empty() ? item.text : text(item, field));
    return v;
  }
  // An IAM user with an access key (so the view loads its policies) and `policy` inline.
  api::Caller user_with_policy(const std::string& name, const std::string& policy) {
    auto created = ok("CreateUser", {{"UserName", name}});
    ok("CreateAccessKey", {{"UserName", name}});
    ok("PutUserPolicy", {{"UserName", name}, {"PolicyName", "p"}, {"PolicyDocument", policy}});
    api::Caller c;
    c.type = api::PrincipalType::User;
    c.account = std::string(kAccount);
    c.arn = "arn:aws:iam::123456789012:user/" + name;
    c.name = name;
    c.path = "/";
    const api::OutNode* u = child(created.result, "User");
    c.user_id = u == nullptr ? "" : text(*u, "UserId");
    return c;
  }

  store::MemoryStore store_;
  SeededRandom random_{11};
  NullSealer sealer_;
  authz::View view_;
  Service service_;
  api::Registry registry_;
  api::Caller root_;
  int clock_ = 0;
};

// --- CreateRole / GetRole ----------------------------------------------------------------------

TEST_F(RolesTest, CreateRoleReturnsAwsShape) {
  auto out = ok("CreateRole", {{"RoleName", "S3Access"},
                               {"Path", "/app/"},
                               {"AssumeRolePolicyDocument", kSpacedTrust},
                               {"Description", "reads buckets"},
                               {"MaxSessionDuration", "7200"},
                               {"PermissionsBoundary", std::string(kReadOnly)},
                               {"Tags.member.1.Key", "team"},
                               {"Tags.member.1.Value", "data"}});
  const api::OutNode& r = role_of(out);
  EXPECT_EQ(member_names(r),
            (std::vector<std::string>{"Path", "RoleName", "RoleId", "Arn", "CreateDate",
                                      "AssumeRolePolicyDocument", "Description",
                                      "MaxSessionDuration", "PermissionsBoundary", "Tags"}));
  EXPECT_EQ(text(r, "Path"), "/app/");
  EXPECT_EQ(text(r, "RoleName"), "S3Access");
  EXPECT_EQ(text(r, "RoleId").substr(0, 4), "AROA");
  EXPECT_EQ(text(r, "RoleId").size(), 21u);
  EXPECT_EQ(text(r, "Arn"), "arn:aws:iam::123456789012:role/app/S3Access");
  EXPECT_EQ(text(r, "CreateDate"), "2023-11-14T22:13:21Z");
  EXPECT_EQ(text(r, "AssumeRolePolicyDocument"), core::uri_encode(kSpacedTrust));
  EXPECT_EQ(text(r, "AssumeRolePolicyDocument").find('+'), std::string::npos);
  EXPECT_NE(text(r, "AssumeRolePolicyDocument").find("%2B"), std::string::npos);
  EXPECT_EQ(text(r, "Description"), "reads buckets");
  EXPECT_EQ(text(r, "MaxSessionDuration"), "7200");
  EXPECT_EQ(text(*child(r, "PermissionsBoundary"), "PermissionsBoundaryType"),
            "PermissionsBoundaryPolicy");
  EXPECT_EQ(text(*child(r, "PermissionsBoundary"), "PermissionsBoundaryArn"), kReadOnly);
  EXPECT_EQ(text(child(r, "Tags")->children.at(0), "Key"), "team");

  auto got = ok("GetRole", {{"RoleName", "s3access"}});  // names are case-insensitive
  const api::OutNode& g = role_of(got);
  EXPECT_EQ(member_names(g),
            (std::vector<std::string>{"Path", "RoleName", "RoleId", "Arn", "CreateDate",
                                      "AssumeRolePolicyDocument", "Description",
                                      "MaxSessionDuration", "PermissionsBoundary", "Tags",
                                      "RoleLastUsed"}));
  EXPECT_EQ(text(g, "RoleName"), "S3Access");
  EXPECT_EQ(text(g, "RoleId"), text(r, "RoleId"));
  EXPECT_EQ(text(g, "AssumeRolePolicyDocument"), core::uri_encode(kSpacedTrust));
  EXPECT_TRUE(child(g, "RoleLastUsed")->children.empty());  // never used: <RoleLastUsed/>
}

TEST_F(RolesTest, DefaultsAndMinimalShape) {
  auto out = ok("CreateRole", {{"RoleName", "plain"}, {"AssumeRolePolicyDocument", kTrust}});
  const api::OutNode& r = role_of(out);
  EXPECT_EQ(member_names(r),
            (std::vector<std::string>{"Path", "RoleName", "RoleId", "Arn", "CreateDate",
                                      "AssumeRolePolicyDocument", "MaxSessionDuration"}));
  EXPECT_EQ(text(r, "Path"), "/");
  EXPECT_EQ(text(r, "Arn"), "arn:aws:iam::123456789012:role/plain");
  EXPECT_EQ(text(r, "MaxSessionDuration"), "3600");
}

TEST_F(RolesTest, RoleLastUsedIsReported) {
  create_role("used");
  ASSERT_TRUE(store_.write([&](store::Transaction& tx) -> core::Status {
    store::RoleEntities r(tx);
    auto role = r.find_role(kAccount, "used");
    IAMD_TRY(role);
    return r.record_use(kAccount, (*role)->id, core::TimePoint(std::chrono::seconds(1700000500)),
                        "eu-west-1");
  }));
  auto got = ok("GetRole", {{"RoleName", "used"}});
  const api::OutNode* used = child(role_of(got), "RoleLastUsed");
  ASSERT_NE(used, nullptr);
  EXPECT_EQ(member_names(*used), (std::vector<std::string>{"LastUsedDate", "Region"}));
  EXPECT_EQ(text(*used, "LastUsedDate"), "2023-11-14T22:21:40Z");
  EXPECT_EQ(text(*used, "Region"), "eu-west-1");
}

TEST_F(RolesTest, NamesAreUniqueCaseInsensitively) {
  create_role("Admins");
  fails("CreateRole", {{"RoleName", "ADMINS"}, {"AssumeRolePolicyDocument", kTrust}},
        ErrorCode::EntityAlreadyExists, "Role with name ADMINS already exists.");
  fails("CreateRole",
        {{"RoleName", "admins"}, {"AssumeRolePolicyDocument", kTrust}, {"Path", "/other/"}},
        ErrorCode::EntityAlreadyExists, "Role with name admins already exists.");
}

TEST_F(RolesTest, MissingRolesAreNoSuchEntity) {
  const std::string msg = "The role with name ghost cannot be found.";
  fails("GetRole", {{"RoleName", "ghost"}}, ErrorCode::NoSuchEntity, msg);
  fails("UpdateRole", {{"RoleName", "ghost"}}, ErrorCode::NoSuchEntity, msg);
  fails("UpdateRoleDescription", {{"RoleName", "ghost"}, {"Description", "d"}},
        ErrorCode::NoSuchEntity, msg);
  fails("UpdateAssumeRolePolicy", {{"RoleName", "ghost"}, {"PolicyDocument", kTrust}},
        ErrorCode::NoSuchEntity, msg);
  fails("DeleteRole", {{"RoleName", "ghost"}}, ErrorCode::NoSuchEntity, msg);
  fails("TagRole", {{"RoleName", "ghost"}, {"Tags.member.1.Key", "k"}, {"Tags.member.1.Value", ""}},
        ErrorCode::NoSuchEntity, msg);
  fails("UntagRole", {{"RoleName", "ghost"}, {"TagKeys.member.1", "k"}}, ErrorCode::NoSuchEntity,
        msg);
  fails("ListRoleTags", {{"RoleName", "ghost"}}, ErrorCode::NoSuchEntity, msg);
  fails("PutRolePolicy", {{"RoleName", "ghost"}, {"PolicyName", "p"}, {"PolicyDocument", kDoc}},
        ErrorCode::NoSuchEntity, msg);
  fails("GetRolePolicy", {{"RoleName", "ghost"}, {"PolicyName", "p"}}, ErrorCode::NoSuchEntity,
        msg);
  fails("DeleteRolePolicy", {{"RoleName", "ghost"}, {"PolicyName", "p"}}, ErrorCode::NoSuchEntity,
        msg);
  fails("ListRolePolicies", {{"RoleName", "ghost"}}, ErrorCode::NoSuchEntity, msg);
  fails("AttachRolePolicy", {{"RoleName", "ghost"}, {"PolicyArn", std::string(kAdmin)}},
        ErrorCode::NoSuchEntity, msg);
  fails("DetachRolePolicy", {{"RoleName", "ghost"}, {"PolicyArn", std::string(kAdmin)}},
        ErrorCode::NoSuchEntity, msg);
  fails("ListAttachedRolePolicies", {{"RoleName", "ghost"}}, ErrorCode::NoSuchEntity, msg);
  fails("PutRolePermissionsBoundary",
        {{"RoleName", "ghost"}, {"PermissionsBoundary", std::string(kReadOnly)}},
        ErrorCode::NoSuchEntity, msg);
  fails("DeleteRolePermissionsBoundary", {{"RoleName", "ghost"}}, ErrorCode::NoSuchEntity, msg);
}

TEST_F(RolesTest, InputIsValidatedAgainstTheModel) {
  std::string long_name(65, 'r');
  fails("CreateRole", {{"RoleName", long_name}, {"AssumeRolePolicyDocument", kTrust}},
        ErrorCode::ValidationError,
        "1 validation error detected: Value '" + long_name +
            "' at 'roleName' failed to satisfy constraint: Member must have length less than or "
            "equal to 64");
  create_role(std::string(64, 'r'));
  fails("CreateRole", {{"RoleName", "bad name"}, {"AssumeRolePolicyDocument", kTrust}},
        ErrorCode::ValidationError,
        "1 validation error detected: Value 'bad name' at 'roleName' failed to satisfy "
        "constraint: Member must satisfy regular expression pattern: [\\w+=,.@-]+");
  fails("CreateRole", {{"RoleName", "r"}}, ErrorCode::ValidationError,
        "1 validation error detected: Value null at 'assumeRolePolicyDocument' failed to satisfy "
        "constraint: Member must not be null");
  fails("CreateRole",
        {{"RoleName", "r"}, {"AssumeRolePolicyDocument", kTrust}, {"MaxSessionDuration", "100"}},
        ErrorCode::ValidationError,
        "1 validation error detected: Value '100' at 'maxSessionDuration' failed to satisfy "
        "constraint: Member must have value greater than or equal to 3600");
  fails("CreateRole",
        {{"RoleName", "r"}, {"AssumeRolePolicyDocument", kTrust}, {"MaxSessionDuration", "50000"}},
        ErrorCode::ValidationError,
        "1 validation error detected: Value '50000' at 'maxSessionDuration' failed to satisfy "
        "constraint: Member must have value less than or equal to 43200");
  fails("CreateRole", {{"RoleName", "r"}, {"AssumeRolePolicyDocument", kTrust}, {"Path", "app"}},
        ErrorCode::ValidationError);
  fails("CreateRole",
        {{"RoleName", "r"}, {"AssumeRolePolicyDocument", kTrust},
         {"Description", std::string(1001, 'd')}},
        ErrorCode::ValidationError);
  fails("CreateRole",
        {{"RoleName", "r"}, {"AssumeRolePolicyDocument", kTrust}, {"Description", "bell\x07"}},
        ErrorCode::ValidationError);
  fails("UpdateRole", {{"RoleName", "r"}, {"MaxSessionDuration", "3599"}},
        ErrorCode::ValidationError);
  fails("CreateRole",
        {{"RoleName", "r"}, {"AssumeRolePolicyDocument", kTrust},
         {"PermissionsBoundary", "arn:aws:iam::123456789012:user/bob"}},
        ErrorCode::InvalidInput, "ARN arn:aws:iam::123456789012:user/bob is not valid.");
  // Nothing was created by the failures.
  fails("GetRole", {{"RoleName", "r"}}, ErrorCode::NoSuchEntity);
  ok("CreateRole", {{"RoleName", "max"},
                    {"AssumeRolePolicyDocument", kTrust},
                    {"MaxSessionDuration", "43200"},
                    {"Description", "caf\xc3\xa9 \xc2\xa1ok"}});
  EXPECT_EQ(text(role_of(ok("GetRole", {{"RoleName", "max"}})), "MaxSessionDuration"), "43200");
}

// --- trust policies ----------------------------------------------------------------------------

TEST_F(RolesTest, TrustPoliciesAreValidatedAsTrustPolicies) {
  const std::string docs[] = {
      "{",
      R"({"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"sts:AssumeRole"}]})",
      R"({"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"Service":"ec2.amazonaws.com"},"Action":"s3:GetObject"}]})",
      R"({"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"Service":"ec2.amazonaws.com"},"Action":"sts:AssumeRole","Resource":"*"}]})",
      R"({"Version":"2012-10-17","Statement":[{"Effect":"Deny","NotPrincipal":{"AWS":"123456789012"},"Action":"sts:AssumeRole"}]})",
  };
  const std::string messages[] = {
      "",  // the parser's own message
      "Missing required field Principal",
      "AssumeRole policy may only specify STS AssumeRole actions.",
      "Has prohibited field Resource",
      "",
  };
  create_role("target");
  for (size_t i = 0; i < std::size(docs); ++i) {
    auto expected = policy::json::parse_and_validate(docs[i], policy::PolicyType::Trust);
    ASSERT_FALSE(expected) << docs[i];
    ASSERT_EQ(expected.error().code, ErrorCode::MalformedPolicyDocument);
    if (!messages[i].empty()) {
      EXPECT_EQ(expected.error().message, messages[i]);
    }
    fails("CreateRole", {{"RoleName", "bad"}, {"AssumeRolePolicyDocument", docs[i]}},
          ErrorCode::MalformedPolicyDocument, expected.error().message);
    fails("UpdateAssumeRolePolicy", {{"RoleName", "target"}, {"PolicyDocument", docs[i]}},
          ErrorCode::MalformedPolicyDocument, expected.error().message);
  }
  fails("GetRole", {{"RoleName", "bad"}}, ErrorCode::NoSuchEntity);

  // A permissions policy is no trust policy, and a trust policy no permissions policy.
  fails("CreateRole", {{"RoleName", "bad"}, {"AssumeRolePolicyDocument", kDoc}},
        ErrorCode::MalformedPolicyDocument);
  fails("PutRolePolicy", {{"RoleName", "target"}, {"PolicyName", "p"}, {"PolicyDocument", kTrust}},
        ErrorCode::MalformedPolicyDocument);
}

TEST_F(RolesTest, TrustPolicySizeQuota) {
  std::string services;
  for (int i = 0; policy_size(services) < 2100; ++i) {
    if (i > 0) services += ",";
    services += "\"service" + std::to_string(i) + ".amazonaws.com\"";
  }
  std::string big =
      R"({"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"Service":[)" +
      services + R"(]},"Action":"sts:AssumeRole"}]})";
  ASSERT_TRUE(policy::json::parse_and_validate(big, policy::PolicyType::Trust));
  ASSERT_GT(policy_size(big), 2048u);
  fails("CreateRole", {{"RoleName", "big"}, {"AssumeRolePolicyDocument", big}},
        ErrorCode::LimitExceeded, "Cannot exceed quota for ACLSizePerRole: 2048");
  create_role("small");
  fails("UpdateAssumeRolePolicy", {{"RoleName", "small"}, {"PolicyDocument", big}},
        ErrorCode::LimitExceeded, "Cannot exceed quota for ACLSizePerRole: 2048");
  // Whitespace does not count.
  std::string padded = kTrust;
  padded.insert(1, 3000, ' ');
  ok("UpdateAssumeRolePolicy", {{"RoleName", "small"}, {"PolicyDocument", padded}});
}

TEST_F(RolesTest, TrustPrincipalsMustExist) {
  ok("CreateUser", {{"UserName", "bob"}, {"Path", "/eng/"}});
  create_role("chain", kTrust, "/svc/");
  auto invalid = [](const std::string& arn) {
    return "Invalid principal in policy: \"AWS\":\"" + arn + "\"";
  };
  for (const std::string arn : {"arn:aws:iam::123456789012:user/ghost",
                                "arn:aws:iam::123456789012:user/bob",  // wrong path
                                "arn:aws:iam::123456789012:user/eng/BOB",  // wrong case
                                "arn:aws:iam::123456789012:role/svc/nochain",
                                "arn:aws:iam::123456789012:role/chain"}) {
    fails("CreateRole", {{"RoleName", "t"}, {"AssumeRolePolicyDocument", trust_for(arn)}},
          ErrorCode::MalformedPolicyDocument, invalid(arn));
  }
  // A principal in an array is checked too.
  std::string mixed = R"({"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"AWS":["arn:aws:iam::123456789012:user/eng/bob","arn:aws:iam::123456789012:user/gone"]},"Action":"sts:AssumeRole"}]})";
  fails("CreateRole", {{"RoleName", "t"}, {"AssumeRolePolicyDocument", mixed}},
        ErrorCode::MalformedPolicyDocument, invalid("arn:aws:iam::123456789012:user/gone"));

  for (const std::string arn : {"arn:aws:iam::123456789012:user/eng/bob",
                                "arn:aws:iam::123456789012:role/svc/chain",
                                "arn:aws:iam::123456789012:root", "123456789012",
                                // Accounts this server does not hold may have any principals.
                                "arn:aws:iam::210987654321:user/someone",
                                "arn:aws:iam::210987654321:role/anything",
                                "arn:aws:sts::123456789012:assumed-role/chain/session", "*"}) {
    ok("CreateRole", {{"RoleName", "t"}, {"AssumeRolePolicyDocument", trust_for(arn)}});
    ok("DeleteRole", {{"RoleName", "t"}});
  }
  create_role("target");
  fails("UpdateAssumeRolePolicy",
        {{"RoleName", "target"},
         {"PolicyDocument", trust_for("arn:aws:iam::123456789012:user/ghost")}},
        ErrorCode::MalformedPolicyDocument, invalid("arn:aws:iam::123456789012:user/ghost"));

  // Another account held by this server: its users must exist too.
  ASSERT_TRUE(store_.write([&](store::Transaction& tx) -> core::Status {
    return store::Entities(tx).put_account(store::Account{"210987654321", {}, ""});
  }));
  fails("CreateRole",
        {{"RoleName", "t"},
         {"AssumeRolePolicyDocument", trust_for("arn:aws:iam::210987654321:user/someone")}},
        ErrorCode::MalformedPolicyDocument,
        invalid("arn:aws:iam::210987654321:user/someone"));
}

TEST_F(RolesTest, UpdateAssumeRolePolicyReplacesTheDocument) {
  create_role("trusting");
  ok("UpdateAssumeRolePolicy", {{"RoleName", "TRUSTING"}, {"PolicyDocument", kSpacedTrust}});
  auto got = ok("GetRole", {{"RoleName", "trusting"}});
  EXPECT_EQ(text(role_of(got), "AssumeRolePolicyDocument"), core::uri_encode(kSpacedTrust));
  auto out = call(root_, "UpdateAssumeRolePolicy", {{"RoleName", "trusting"}, {"PolicyDocument", kTrust}});
  ASSERT_TRUE(out);
  EXPECT_FALSE(out->has_result);
  fails("UpdateAssumeRolePolicy", {{"RoleName", "trusting"}}, ErrorCode::ValidationError,
        "1 validation error detected: Value null at 'policyDocument' failed to satisfy "
        "constraint: Member must not be null");
}

// --- ListRoles ---------------------------------------------------------------------------------

TEST_F(RolesTest, ListRolesFiltersAndPages) {
  for (int i = 0; i < 7; ++i) create_role("r" + std::to_string(i), kTrust, i % 2 ? "/odd/" : "/");
  ok("UpdateRole", {{"RoleName", "r1"}, {"Description", "one"}});
  ok("TagRole", {{"RoleName", "r1"}, {"Tags.member.1.Key", "k"}, {"Tags.member.1.Value", "v"}});
  ok("PutRolePermissionsBoundary",
     {{"RoleName", "r1"}, {"PermissionsBoundary", std::string(kReadOnly)}});

  auto all = ok("ListRoles", {});
  EXPECT_EQ(list_texts(all, "Roles", "RoleName"),
            (std::vector<std::string>{"r0", "r1", "r2", "r3", "r4", "r5", "r6"}));
  EXPECT_EQ(text(all.result, "IsTruncated"), "false");
  EXPECT_EQ(child(all.result, "Marker"), nullptr);
  const api::OutNode& r1 = child(all.result, "Roles")->children.at(1);
  EXPECT_EQ(member_names(r1),
            (std::vector<std::string>{"Path", "RoleName", "RoleId", "Arn", "CreateDate",
                                      "AssumeRolePolicyDocument", "Description",
                                      "MaxSessionDuration"}));
  EXPECT_EQ(text(r1, "AssumeRolePolicyDocument"), core::uri_encode(kTrust));

  EXPECT_EQ(list_texts(ok("ListRoles", {{"PathPrefix", "/odd/"}}), "Roles", "RoleName"),
            (std::vector<std::string>{"r1", "r3", "r5"}));

  std::vector<std::string> seen;
  std::string marker;
  for (int pages = 0; pages < 10; ++pages) {
    Fields f{{"MaxItems", "3"}};
    if (!marker.empty()) f.emplace_back("Marker", marker);
    auto page = ok("ListRoles", f);
    for (const auto& n : list_texts(page, "Roles", "RoleName")) seen.push_back(n);
    if (text(page.result, "IsTruncated") == "false") break;
    marker = text(page.result, "Marker");
  }
  EXPECT_EQ(seen, (std::vector<std::string>{"r0", "r1", "r2", "r3", "r4", "r5", "r6"}));
  fails("ListRoles", {{"MaxItems", "0"}}, ErrorCode::ValidationError);
  fails("ListRoles", {{"PathPrefix", "odd"}}, ErrorCode::ValidationError);
}

TEST_F(RolesTest, RolesQuota) {
  ASSERT_TRUE(store_.write([&](store::Transaction& tx) -> core::Status {
    store::RoleEntities r(tx);
    for (int i = 0; i < 1000; ++i) {
      store::Role role;
      role.account = std::string(kAccount);
      role.name = "filler-" + std::to_string(i);
      role.id = "AROAFILLER" + std::to_string(100000 + i);
      role.assume_role_policy_document = kTrust;
      IAMD_TRY(r.put_role(role));
    }
    return {};
  }));
  fails("CreateRole", {{"RoleName", "OneTooMany"}, {"AssumeRolePolicyDocument", kTrust}},
        ErrorCode::LimitExceeded, "Cannot exceed quota for RolesPerAccount: 1000");
  ok("DeleteRole", {{"RoleName", "filler-0"}});
  create_role("OneTooMany");
}

// --- UpdateRole / UpdateRoleDescription --------------------------------------------------------

TEST_F(RolesTest, UpdateRoleHasAnEmptyResult) {
  create_role("upd");
  auto out = ok("UpdateRole", {{"RoleName", "upd"}, {"Description", "new"},
                               {"MaxSessionDuration", "10800"}});
  EXPECT_TRUE(out.has_result);  // <UpdateRoleResult/>, which botocore requires
  EXPECT_TRUE(out.result.children.empty());
  auto got = ok("GetRole", {{"RoleName", "upd"}});
  EXPECT_EQ(text(role_of(got), "Description"), "new");
  EXPECT_EQ(text(role_of(got), "MaxSessionDuration"), "10800");
  // Omitted members keep their values.
  ok("UpdateRole", {{"RoleName", "upd"}, {"MaxSessionDuration", "3600"}});
  got = ok("GetRole", {{"RoleName", "upd"}});
  EXPECT_EQ(text(role_of(got), "Description"), "new");
  EXPECT_EQ(text(role_of(got), "MaxSessionDuration"), "3600");
  ok("UpdateRole", {{"RoleName", "upd"}});
  // An empty description clears it.
  ok("UpdateRole", {{"RoleName", "upd"}, {"Description", ""}});
  EXPECT_EQ(child(role_of(ok("GetRole", {{"RoleName", "upd"}})), "Description"), nullptr);
}

TEST_F(RolesTest, UpdateRoleDescriptionReturnsTheRole) {
  create_role("legacy");
  auto out = ok("UpdateRoleDescription", {{"RoleName", "legacy"}, {"Description", "described"}});
  const api::OutNode& r = role_of(out);
  EXPECT_EQ(text(r, "RoleName"), "legacy");
  EXPECT_EQ(text(r, "Description"), "described");
  EXPECT_EQ(text(r, "AssumeRolePolicyDocument"), core::uri_encode(kTrust));
  fails("UpdateRoleDescription", {{"RoleName", "legacy"}}, ErrorCode::ValidationError);
}

// --- DeleteRole --------------------------------------------------------------------------------

TEST_F(RolesTest, DeleteRoleConflicts) {
  std::string arn = create_policy("Held");
  create_role("held");
  ok("PutRolePolicy", {{"RoleName", "held"}, {"PolicyName", "p"}, {"PolicyDocument", kDoc}});
  ok("AttachRolePolicy", {{"RoleName", "held"}, {"PolicyArn", arn}});
  ok("PutRolePermissionsBoundary", {{"RoleName", "held"}, {"PermissionsBoundary", arn}});
  ok("TagRole", {{"RoleName", "held"}, {"Tags.member.1.Key", "k"}, {"Tags.member.1.Value", "v"}});

  fails("DeleteRole", {{"RoleName", "held"}}, ErrorCode::DeleteConflict,
        "Cannot delete entity, must delete policies first.");
  ok("DeleteRolePolicy", {{"RoleName", "held"}, {"PolicyName", "p"}});
  fails("DeleteRole", {{"RoleName", "held"}}, ErrorCode::DeleteConflict,
        "Cannot delete entity, must detach all policies first.");
  ok("DetachRolePolicy", {{"RoleName", "held"}, {"PolicyArn", arn}});
  EXPECT_EQ(policy_field(arn, "PermissionsBoundaryUsageCount"), "1");
  // The boundary and the tags do not block deletion.
  ok("DeleteRole", {{"RoleName", "HELD"}});
  EXPECT_EQ(policy_field(arn, "PermissionsBoundaryUsageCount"), "0");
  fails("GetRole", {{"RoleName", "held"}}, ErrorCode::NoSuchEntity);
  ok("DeletePolicy", {{"PolicyArn", arn}});
  // The name is free again, with a new id.
  create_role("held");
}

// --- tags --------------------------------------------------------------------------------------

TEST_F(RolesTest, RoleTagsAreCaseInsensitiveAndSorted) {
  create_role("tagged");
  ok("TagRole", {{"RoleName", "tagged"},
                 {"Tags.member.1.Key", "Department"},
                 {"Tags.member.1.Value", "finance"},
                 {"Tags.member.2.Key", "cost"},
                 {"Tags.member.2.Value", ""},
                 {"Tags.member.3.Key", "Zone"},
                 {"Tags.member.3.Value", "a"}});
  // Tagging department= replaces Department=.
  ok("TagRole", {{"RoleName", "tagged"},
                 {"Tags.member.1.Key", "department"},
                 {"Tags.member.1.Value", "hr"}});
  auto listed = ok("ListRoleTags", {{"RoleName", "tagged"}});
  EXPECT_EQ(list_texts(listed, "Tags", "Key"),
            (std::vector<std::string>{"Zone", "cost", "department"}));
  EXPECT_EQ(list_texts(listed, "Tags", "Value"), (std::vector<std::string>{"a", "", "hr"}));
  EXPECT_EQ(text(listed.result, "IsTruncated"), "false");

  auto page1 = ok("ListRoleTags", {{"RoleName", "tagged"}, {"MaxItems", "2"}});
  EXPECT_EQ(list_texts(page1, "Tags", "Key"), (std::vector<std::string>{"Zone", "cost"}));
  EXPECT_EQ(text(page1.result, "IsTruncated"), "true");
  auto page2 =
      ok("ListRoleTags", {{"RoleName", "tagged"}, {"Marker", text(page1.result, "Marker")}});
  EXPECT_EQ(list_texts(page2, "Tags", "Key"), (std::vector<std::string>{"department"}));

  ok("UntagRole", {{"RoleName", "tagged"}, {"TagKeys.member.1", "ZONE"},
                   {"TagKeys.member.2", "absent"}});
  EXPECT_EQ(list_texts(ok("ListRoleTags", {{"RoleName", "tagged"}}), "Tags", "Key"),
            (std::vector<std::string>{"cost", "department"}));
  auto got = ok("GetRole", {{"RoleName", "tagged"}});
  EXPECT_EQ(child(role_of(got), "Tags")->children.size(), 2u);

  fails("TagRole", {{"RoleName", "tagged"}, {"Tags.member.1.Key", "aws:owner"},
                    {"Tags.member.1.Value", "x"}},
        ErrorCode::InvalidInput,
        "User-defined tag keys can't start with 'aws:'. This prefix is reserved for AWS internal "
        "use.");
  fails("TagRole", {{"RoleName", "tagged"}, {"Tags.member.1.Key", "a"},
                    {"Tags.member.1.Value", "1"}, {"Tags.member.2.Key", "A"},
                    {"Tags.member.2.Value", "2"}},
        ErrorCode::InvalidInput,
        "Duplicate tag keys found. Please note that Tag keys are case insensitive.");
  fails("TagRole", {{"RoleName", "tagged"}}, ErrorCode::ValidationError);
  fails("UntagRole", {{"RoleName", "tagged"}}, ErrorCode::ValidationError);
  fails("CreateRole", {{"RoleName", "t2"}, {"AssumeRolePolicyDocument", kTrust},
                       {"Tags.member.1.Key", "k"}, {"Tags.member.1.Value", "1"},
                       {"Tags.member.2.Key", "K"}, {"Tags.member.2.Value", "2"}},
        ErrorCode::InvalidInput);
  fails("GetRole", {{"RoleName", "t2"}}, ErrorCode::NoSuchEntity);

  // 50 tags at most.
  Fields many{{"RoleName", "tagged"}};
  for (int i = 0; i < 49; ++i) {
    many.emplace_back(std::string("Tags.member.").append(std::to_string(i + 1)).append(".Key"), std::string("k").append(std::to_string(i)));
    many.emplace_back(std::string("Tags.member.").append(std::to_string(i + 1)).append(".Value"), "v");
  }
  fails("TagRole", many, ErrorCode::LimitExceeded);
  ok("UntagRole", {{"RoleName", "tagged"}, {"TagKeys.member.1", "cost"}});
  ok("TagRole", many);
  EXPECT_EQ(list_texts(ok("ListRoleTags", {{"RoleName", "tagged"}}), "Tags", "Key").size(), 50u);
}

// --- inline policies ---------------------------------------------------------------------------

TEST_F(RolesTest, RoleInlinePoliciesRoundTrip) {
  create_role("worker");
  const std::string spaced =
      "{\n  \"Version\": \"2012-10-17\",\n  \"Statement\": [{\"Effect\": \"Allow\", "
      "\"Action\": \"s3:GetObject\", \"Resource\": \"arn:aws:s3:::a+b/*\"}]\n}";
  ok("PutRolePolicy", {{"RoleName", "worker"}, {"PolicyName", "b-read"}, {"PolicyDocument", spaced}});
  ok("PutRolePolicy", {{"RoleName", "worker"}, {"PolicyName", "a-read"}, {"PolicyDocument", kDoc}});
  auto got = ok("GetRolePolicy", {{"RoleName", "WORKER"}, {"PolicyName", "b-read"}});
  EXPECT_EQ(member_names(got.result),
            (std::vector<std::string>{"RoleName", "PolicyName", "PolicyDocument"}));
  EXPECT_EQ(text(got.result, "RoleName"), "worker");
  EXPECT_EQ(text(got.result, "PolicyDocument"), core::uri_encode(spaced));
  ok("PutRolePolicy", {{"RoleName", "worker"}, {"PolicyName", "b-read"}, {"PolicyDocument", kDoc}});
  got = ok("GetRolePolicy", {{"RoleName", "worker"}, {"PolicyName", "b-read"}});
  EXPECT_EQ(text(got.result, "PolicyDocument"), core::uri_encode(kDoc));

  EXPECT_EQ(list_texts(ok("ListRolePolicies", {{"RoleName", "worker"}}), "PolicyNames", ""),
            (std::vector<std::string>{"a-read", "b-read"}));
  auto page = ok("ListRolePolicies", {{"RoleName", "worker"}, {"MaxItems", "1"}});
  EXPECT_EQ(list_texts(page, "PolicyNames", ""), (std::vector<std::string>{"a-read"}));
  EXPECT_EQ(text(page.result, "IsTruncated"), "true");
  page = ok("ListRolePolicies", {{"RoleName", "worker"}, {"Marker", text(page.result, "Marker")}});
  EXPECT_EQ(list_texts(page, "PolicyNames", ""), (std::vector<std::string>{"b-read"}));

  fails("GetRolePolicy", {{"RoleName", "worker"}, {"PolicyName", "none"}}, ErrorCode::NoSuchEntity,
        "The role policy with name none cannot be found.");
  fails("DeleteRolePolicy", {{"RoleName", "worker"}, {"PolicyName", "none"}},
        ErrorCode::NoSuchEntity, "The role policy with name none cannot be found.");
  fails("PutRolePolicy",
        {{"RoleName", "worker"},
         {"PolicyName", "p"},
         {"PolicyDocument",
          R"({"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"s3:GetObject"}]})"}},
        ErrorCode::MalformedPolicyDocument, "Policy statement must contain resources.");
  fails("PutRolePolicy", {{"RoleName", "worker"}, {"PolicyName", "bad name"},
                          {"PolicyDocument", kDoc}},
        ErrorCode::ValidationError);
  ok("DeleteRolePolicy", {{"RoleName", "worker"}, {"PolicyName", "a-read"}});
  EXPECT_EQ(list_texts(ok("ListRolePolicies", {{"RoleName", "worker"}}), "PolicyNames", ""),
            (std::vector<std::string>{"b-read"}));
}

TEST_F(RolesTest, RoleInlinePoliciesShareOneQuota) {
  create_role("quota");
  std::string big = big_doc(4000);
  ASSERT_LE(2 * policy_size(big), 10240u);
  ASSERT_GT(3 * policy_size(big), 10240u);
  ok("PutRolePolicy", {{"RoleName", "quota"}, {"PolicyName", "one"}, {"PolicyDocument", big}});
  ok("PutRolePolicy", {{"RoleName", "quota"}, {"PolicyName", "two"}, {"PolicyDocument", big}});
  // Replacing a policy counts only its new size.
  ok("PutRolePolicy", {{"RoleName", "quota"}, {"PolicyName", "two"}, {"PolicyDocument", big}});
  fails("PutRolePolicy", {{"RoleName", "quota"}, {"PolicyName", "three"}, {"PolicyDocument", big}},
        ErrorCode::LimitExceeded, "Maximum policy size of 10240 bytes exceeded for role quota.");
  ok("PutRolePolicy", {{"RoleName", "quota"}, {"PolicyName", "three"}, {"PolicyDocument", kDoc}});
}

// --- attachments and boundaries ----------------------------------------------------------------

TEST_F(RolesTest, AttachDetachAndList) {
  create_role("att");
  std::string a = create_policy("Alpha", "/team/");
  std::string b = create_policy("beta");
  ok("AttachRolePolicy", {{"RoleName", "att"}, {"PolicyArn", a}});
  ok("AttachRolePolicy", {{"RoleName", "att"}, {"PolicyArn", a}});  // again: no change
  ok("AttachRolePolicy", {{"RoleName", "att"}, {"PolicyArn", std::string(kAdmin)}});
  EXPECT_EQ(policy_field(a, "AttachmentCount"), "1");
  EXPECT_EQ(policy_field(kAdmin, "AttachmentCount"), "1");

  auto listed = ok("ListAttachedRolePolicies", {{"RoleName", "att"}});
  EXPECT_EQ(list_texts(listed, "AttachedPolicies", "PolicyName"),
            (std::vector<std::string>{"AdministratorAccess", "Alpha"}));
  EXPECT_EQ(list_texts(listed, "AttachedPolicies", "PolicyArn"),
            (std::vector<std::string>{std::string(kAdmin), a}));
  EXPECT_EQ(list_texts(ok("ListAttachedRolePolicies", {{"RoleName", "att"}, {"PathPrefix", "/team/"}}),
                       "AttachedPolicies", "PolicyArn"),
            (std::vector<std::string>{a}));
  auto page1 = ok("ListAttachedRolePolicies", {{"RoleName", "att"}, {"MaxItems", "1"}});
  EXPECT_EQ(text(page1.result, "IsTruncated"), "true");
  auto page2 = ok("ListAttachedRolePolicies",
                  {{"RoleName", "att"}, {"Marker", text(page1.result, "Marker")}});
  EXPECT_EQ(list_texts(page2, "AttachedPolicies", "PolicyArn"), (std::vector<std::string>{a}));

  fails("AttachRolePolicy",
        {{"RoleName", "att"}, {"PolicyArn", "arn:aws:iam::123456789012:policy/missing"}},
        ErrorCode::NoSuchEntity,
        "Policy arn:aws:iam::123456789012:policy/missing does not exist or is not attachable.");
  fails("AttachRolePolicy", {{"RoleName", "att"}, {"PolicyArn", "not-an-arn-at-all-really"}},
        ErrorCode::InvalidInput, "ARN not-an-arn-at-all-really is not valid.");
  fails("DetachRolePolicy", {{"RoleName", "att"}, {"PolicyArn", b}}, ErrorCode::NoSuchEntity,
        "Policy " + b + " was not found.");

  // ListEntitiesForPolicy names the role.
  ok("CreateUser", {{"UserName", "u1"}});
  ok("AttachUserPolicy", {{"UserName", "u1"}, {"PolicyArn", a}});
  auto entities = ok("ListEntitiesForPolicy", {{"PolicyArn", a}});
  EXPECT_EQ(list_texts(entities, "PolicyRoles", "RoleName"), (std::vector<std::string>{"att"}));
  EXPECT_EQ(member_names(child(entities.result, "PolicyRoles")->children.at(0)),
            (std::vector<std::string>{"RoleName", "RoleId"}));
  EXPECT_EQ(list_texts(entities, "PolicyUsers", "UserName"), (std::vector<std::string>{"u1"}));
  auto only_roles = ok("ListEntitiesForPolicy", {{"PolicyArn", a}, {"EntityFilter", "Role"}});
  EXPECT_EQ(list_texts(only_roles, "PolicyRoles", "RoleName"), (std::vector<std::string>{"att"}));
  EXPECT_TRUE(list_texts(only_roles, "PolicyUsers", "UserName").empty());

  ok("DetachRolePolicy", {{"RoleName", "att"}, {"PolicyArn", a}});
  EXPECT_EQ(policy_field(a, "AttachmentCount"), "1");  // the user's
  EXPECT_EQ(list_texts(ok("ListAttachedRolePolicies", {{"RoleName", "att"}}), "AttachedPolicies",
                       "PolicyArn"),
            (std::vector<std::string>{std::string(kAdmin)}));
}

TEST_F(RolesTest, AttachmentQuota) {
  create_role("full");
  std::vector<std::string> arns;
  for (int i = 0; i < 11; ++i) arns.push_back(create_policy(std::string("q").append(std::to_string(i))));
  for (int i = 0; i < 10; ++i) ok("AttachRolePolicy", {{"RoleName", "full"}, {"PolicyArn", arns[i]}});
  fails("AttachRolePolicy", {{"RoleName", "full"}, {"PolicyArn", arns[10]}},
        ErrorCode::LimitExceeded, "Cannot exceed quota for PoliciesPerRole: 10");
  ok("AttachRolePolicy", {{"RoleName", "full"}, {"PolicyArn", arns[0]}});
}

TEST_F(RolesTest, PermissionsBoundaries) {
  std::string missing = "arn:aws:iam::123456789012:policy/NotThere";
  fails("CreateRole", {{"RoleName", "nb"}, {"AssumeRolePolicyDocument", kTrust},
                       {"PermissionsBoundary", missing}},
        ErrorCode::NoSuchEntity, "Policy " + missing + " does not exist or is not attachable.");
  fails("GetRole", {{"RoleName", "nb"}}, ErrorCode::NoSuchEntity);

  ok("CreateRole", {{"RoleName", "bounded"}, {"AssumeRolePolicyDocument", kTrust},
                    {"PermissionsBoundary", std::string(kReadOnly)}});
  EXPECT_EQ(policy_field(kReadOnly, "PermissionsBoundaryUsageCount"), "1");
  EXPECT_EQ(policy_field(kReadOnly, "AttachmentCount"), "0");

  std::string mine = create_policy("MyBoundary");
  ok("PutRolePermissionsBoundary", {{"RoleName", "bounded"}, {"PermissionsBoundary", mine}});
  EXPECT_EQ(policy_field(kReadOnly, "PermissionsBoundaryUsageCount"), "0");
  EXPECT_EQ(policy_field(mine, "PermissionsBoundaryUsageCount"), "1");
  auto got = ok("GetRole", {{"RoleName", "bounded"}});
  EXPECT_EQ(text(*child(role_of(got), "PermissionsBoundary"), "PermissionsBoundaryArn"), mine);
  auto users = ok("ListEntitiesForPolicy",
                  {{"PolicyArn", mine}, {"PolicyUsageFilter", "PermissionsBoundary"}});
  EXPECT_EQ(list_texts(users, "PolicyRoles", "RoleName"), (std::vector<std::string>{"bounded"}));
  fails("PutRolePermissionsBoundary", {{"RoleName", "bounded"}, {"PermissionsBoundary", missing}},
        ErrorCode::NoSuchEntity, "Policy " + missing + " does not exist or is not attachable.");
  fails("PutRolePermissionsBoundary",
        {{"RoleName", "bounded"}, {"PermissionsBoundary", "arn:aws:iam::123456789012:role/x"}},
        ErrorCode::InvalidInput);

  ok("DeleteRolePermissionsBoundary", {{"RoleName", "bounded"}});
  EXPECT_EQ(policy_field(mine, "PermissionsBoundaryUsageCount"), "0");
  EXPECT_EQ(child(role_of(ok("GetRole", {{"RoleName", "bounded"}})), "PermissionsBoundary"),
            nullptr);
  ok("DeleteRolePermissionsBoundary", {{"RoleName", "bounded"}});  // none left: still fine
}

// --- account-wide views ------------------------------------------------------------------------

TEST_F(RolesTest, AuthorizationDetailsListRoles) {
  std::string arn = create_policy("Attached");
  ok("CreateRole", {{"RoleName", "detailed"},
                    {"Path", "/svc/"},
                    {"AssumeRolePolicyDocument", kSpacedTrust},
                    {"PermissionsBoundary", std::string(kReadOnly)},
                    {"Tags.member.1.Key", "team"},
                    {"Tags.member.1.Value", "x"}});
  ok("PutRolePolicy", {{"RoleName", "detailed"}, {"PolicyName", "own"}, {"PolicyDocument", kDoc}});
  ok("AttachRolePolicy", {{"RoleName", "detailed"}, {"PolicyArn", arn}});
  create_role("another");
  ok("CreateUser", {{"UserName", "someone"}});

  auto out = ok("GetAccountAuthorizationDetails", {});
  EXPECT_EQ(list_texts(out, "RoleDetailList", "RoleName"),
            (std::vector<std::string>{"another", "detailed"}));
  const api::OutNode& role = child(out.result, "RoleDetailList")->children.at(1);
  EXPECT_EQ(member_names(role),
            (std::vector<std::string>{"Path", "RoleName", "RoleId", "Arn", "CreateDate",
                                      "AssumeRolePolicyDocument", "InstanceProfileList",
                                      "RolePolicyList", "AttachedManagedPolicies",
                                      "PermissionsBoundary", "Tags", "RoleLastUsed"}));
  EXPECT_EQ(text(role, "Arn"), "arn:aws:iam::123456789012:role/svc/detailed");
  EXPECT_EQ(text(role, "AssumeRolePolicyDocument"), core::uri_encode(kSpacedTrust));
  EXPECT_EQ(text(child(role, "RolePolicyList")->children.at(0), "PolicyDocument"),
            core::uri_encode(kDoc));
  EXPECT_EQ(text(child(role, "AttachedManagedPolicies")->children.at(0), "PolicyArn"), arn);
  EXPECT_EQ(text(*child(role, "PermissionsBoundary"), "PermissionsBoundaryArn"), kReadOnly);
  EXPECT_TRUE(child(role, "InstanceProfileList")->children.empty());

  auto only = ok("GetAccountAuthorizationDetails", {{"Filter.member.1", "Role"}});
  EXPECT_TRUE(child(only.result, "UserDetailList")->children.empty());
  EXPECT_TRUE(child(only.result, "Policies")->children.empty());
  EXPECT_EQ(list_texts(only, "RoleDetailList", "RoleName"),
            (std::vector<std::string>{"another", "detailed"}));
  auto no_roles = ok("GetAccountAuthorizationDetails", {{"Filter.member.1", "User"}});
  EXPECT_TRUE(child(no_roles.result, "RoleDetailList")->children.empty());

  // Paging visits users, roles and policies once each, in that order.
  std::vector<std::string> seen;
  std::string marker;
  for (int pages = 0; pages < 20; ++pages) {
    Fields f{{"MaxItems", "1"}};
    if (!marker.empty()) f.emplace_back("Marker", marker);
    auto page = ok("GetAccountAuthorizationDetails", f);
    for (const auto& n : list_texts(page, "UserDetailList", "UserName")) seen.push_back(n);
    for (const auto& n : list_texts(page, "RoleDetailList", "RoleName")) seen.push_back(n);
    for (const auto& n : list_texts(page, "Policies", "PolicyName")) seen.push_back(n);
    if (text(page.result, "IsTruncated") == "false") break;
    marker = text(page.result, "Marker");
  }
  EXPECT_EQ(seen, (std::vector<std::string>{"someone", "another", "detailed", "Attached",
                                            "ReadOnlyAccess"}));
}

TEST_F(RolesTest, AccountSummaryCountsRolesAndPolicies) {
  auto entry = [&](const api::Output& out, std::string_view key) {
    for (const auto& e : child(out.result, "SummaryMap")->children) {
      if (text(e, "key") == key) return text(e, "value");
    }
    return std::string("<absent>");
  };
  auto before = ok("GetAccountSummary", {});
  EXPECT_EQ(entry(before, "Roles"), "0");
  EXPECT_EQ(entry(before, "Policies"), "0");
  create_role("one");
  create_role("two");
  create_policy("p1");
  ok("AttachRolePolicy", {{"RoleName", "one"}, {"PolicyArn", std::string(kAdmin)}});
  auto after = ok("GetAccountSummary", {});
  EXPECT_EQ(entry(after, "Roles"), "2");
  EXPECT_EQ(entry(after, "Policies"), "1");
  EXPECT_EQ(entry(after, "RolesQuota"), "1000");
}

TEST_F(RolesTest, SimulatePrincipalPolicyOfARole) {
  create_role("sim", kTrust, "/x/");
  ok("PutRolePolicy", {{"RoleName", "sim"}, {"PolicyName", "read"}, {"PolicyDocument", kDoc}});
  ok("AttachRolePolicy", {{"RoleName", "sim"}, {"PolicyArn", std::string(kReadOnly)}});
  const std::string arn = "arn:aws:iam::123456789012:role/x/sim";
  auto out = ok("SimulatePrincipalPolicy", {{"PolicySourceArn", arn},
                                            {"ActionNames.member.1", "s3:GetObject"},
                                            {"ActionNames.member.2", "s3:PutObject"}});
  const auto& results = child(out.result, "EvaluationResults")->children;
  ASSERT_EQ(results.size(), 2u);
  EXPECT_EQ(text(results[0], "EvalDecision"), "allowed");
  EXPECT_EQ(text(results[1], "EvalDecision"), "implicitDeny");

  // A boundary that does not allow s3:GetObject caps it.
  std::string narrow = create_policy("Narrow");  // allows s3:GetObject
  ok("PutRolePermissionsBoundary",
     {{"RoleName", "sim"}, {"PermissionsBoundary", "arn:aws:iam::aws:policy/IAMReadOnlyAccess"}});
  out = ok("SimulatePrincipalPolicy",
           {{"PolicySourceArn", arn}, {"ActionNames.member.1", "s3:GetObject"}});
  EXPECT_EQ(text(child(out.result, "EvaluationResults")->children.at(0), "EvalDecision"),
            "implicitDeny");
  ok("PutRolePermissionsBoundary", {{"RoleName", "sim"}, {"PermissionsBoundary", narrow}});
  out = ok("SimulatePrincipalPolicy",
           {{"PolicySourceArn", arn}, {"ActionNames.member.1", "s3:GetObject"}});
  EXPECT_EQ(text(child(out.result, "EvaluationResults")->children.at(0), "EvalDecision"),
            "allowed");

  fails("SimulatePrincipalPolicy",
        {{"PolicySourceArn", "arn:aws:iam::123456789012:role/sim"},  // path missing
         {"ActionNames.member.1", "s3:GetObject"}},
        ErrorCode::NoSuchEntity, "The role with name sim cannot be found.");
  auto keys = ok("GetContextKeysForPrincipalPolicy", {{"PolicySourceArn", arn}});
  EXPECT_NE(child(keys.result, "ContextKeyNames"), nullptr);
}

// --- authorization -----------------------------------------------------------------------------

TEST_F(RolesTest, CallersWithoutPermissionAreDenied) {
  create_role("secret-role");
  api::Caller mallory = user_with_policy(
      "mallory",
      R"({"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"s3:*","Resource":"*"}]})");
  fails_as(mallory, "CreateRole", {{"RoleName", "r"}, {"AssumeRolePolicyDocument", kTrust}},
           ErrorCode::AccessDenied,
           "User: arn:aws:iam::123456789012:user/mallory is not authorized to perform: "
           "iam:CreateRole on resource: arn:aws:iam::123456789012:role/r because no "
           "identity-based policy allows the iam:CreateRole action");
  // A denied caller learns nothing about which roles exist.
  fails_as(mallory, "GetRole", {{"RoleName", "nobody"}}, ErrorCode::AccessDenied);
  fails_as(mallory, "GetRole", {{"RoleName", "secret-role"}}, ErrorCode::AccessDenied);
  fails_as(mallory, "ListRoles", {}, ErrorCode::AccessDenied);
  fails_as(mallory, "DeleteRole", {{"RoleName", "secret-role"}}, ErrorCode::AccessDenied);
  fails_as(mallory, "AttachRolePolicy",
           {{"RoleName", "secret-role"}, {"PolicyArn", std::string(kAdmin)}},
           ErrorCode::AccessDenied);
}

TEST_F(RolesTest, RequestAndResourceTagsAndConditionKeysAuthorize) {
  create_role("team-a");
  ok("TagRole", {{"RoleName", "team-a"}, {"Tags.member.1.Key", "team"},
                 {"Tags.member.1.Value", "a"}});
  create_role("team-b");
  ok("TagRole", {{"RoleName", "team-b"}, {"Tags.member.1.Key", "team"},
                 {"Tags.member.1.Value", "b"}});
  std::string bound = create_policy("RequiredBoundary");
  const std::string policy = R"({"Version":"2012-10-17","Statement":[
    {"Effect":"Allow","Action":["iam:GetRole","iam:TagRole","iam:PutRolePolicy"],"Resource":"*",
     "Condition":{"StringEquals":{"aws:ResourceTag/team":"a"}}},
    {"Effect":"Allow","Action":"iam:CreateRole","Resource":"*",
     "Condition":{"StringEquals":{"aws:RequestTag/team":"a","iam:PermissionsBoundary":")" +
                             bound + R"("}}},
    {"Effect":"Allow","Action":["iam:AttachRolePolicy","iam:DetachRolePolicy"],"Resource":"*",
     "Condition":{"ArnEquals":{"iam:PolicyARN":"arn:aws:iam::aws:policy/ReadOnlyAccess"}}},
    {"Effect":"Allow","Action":"iam:PutRolePermissionsBoundary","Resource":"*",
     "Condition":{"StringEquals":{"iam:PermissionsBoundary":")" +
                             bound + R"("}}},
    {"Effect":"Deny","Action":"iam:UntagRole","Resource":"*",
     "Condition":{"ForAnyValue:StringEquals":{"aws:TagKeys":"team"}}},
    {"Effect":"Allow","Action":"iam:UntagRole","Resource":"*"}]})";
  api::Caller admin = user_with_policy("delegate", policy);

  // aws:ResourceTag/team
  EXPECT_TRUE(call(admin, "GetRole", {{"RoleName", "team-a"}}));
  fails_as(admin, "GetRole", {{"RoleName", "team-b"}}, ErrorCode::AccessDenied);

  // aws:RequestTag/team and iam:PermissionsBoundary on CreateRole
  fails_as(admin, "CreateRole", {{"RoleName", "n1"}, {"AssumeRolePolicyDocument", kTrust},
                                 {"PermissionsBoundary", bound}},
           ErrorCode::AccessDenied);
  fails_as(admin, "CreateRole", {{"RoleName", "n1"}, {"AssumeRolePolicyDocument", kTrust},
                                 {"Tags.member.1.Key", "team"}, {"Tags.member.1.Value", "a"}},
           ErrorCode::AccessDenied);
  fails_as(admin, "CreateRole",
           {{"RoleName", "n1"}, {"AssumeRolePolicyDocument", kTrust},
            {"PermissionsBoundary", std::string(kReadOnly)},
            {"Tags.member.1.Key", "team"}, {"Tags.member.1.Value", "a"}},
           ErrorCode::AccessDenied);
  EXPECT_TRUE(call(admin, "CreateRole",
                   {{"RoleName", "n1"}, {"AssumeRolePolicyDocument", kTrust},
                    {"PermissionsBoundary", bound},
                    {"Tags.member.1.Key", "team"}, {"Tags.member.1.Value", "a"}}));
  // Its tags make the new role the delegate's to read.
  EXPECT_TRUE(call(admin, "GetRole", {{"RoleName", "n1"}}));
  EXPECT_TRUE(call(admin, "PutRolePolicy",
                   {{"RoleName", "n1"}, {"PolicyName", "p"}, {"PolicyDocument", kDoc}}));

  // iam:PolicyARN on Attach/DetachRolePolicy
  EXPECT_TRUE(call(admin, "AttachRolePolicy",
                   {{"RoleName", "team-b"}, {"PolicyArn", std::string(kReadOnly)}}));
  fails_as(admin, "AttachRolePolicy", {{"RoleName", "team-b"}, {"PolicyArn", std::string(kAdmin)}},
           ErrorCode::AccessDenied);
  EXPECT_TRUE(call(admin, "DetachRolePolicy",
                   {{"RoleName", "team-b"}, {"PolicyArn", std::string(kReadOnly)}}));

  // iam:PermissionsBoundary on PutRolePermissionsBoundary is the boundary being set.
  EXPECT_TRUE(call(admin, "PutRolePermissionsBoundary",
                   {{"RoleName", "team-b"}, {"PermissionsBoundary", bound}}));
  fails_as(admin, "PutRolePermissionsBoundary",
           {{"RoleName", "team-b"}, {"PermissionsBoundary", std::string(kReadOnly)}},
           ErrorCode::AccessDenied);

  // aws:TagKeys: TagRole needs the resource tag, UntagRole may not remove "team".
  EXPECT_TRUE(call(admin, "TagRole", {{"RoleName", "team-a"}, {"Tags.member.1.Key", "env"},
                                      {"Tags.member.1.Value", "dev"}}));
  fails_as(admin, "TagRole", {{"RoleName", "team-b"}, {"Tags.member.1.Key", "env"},
                              {"Tags.member.1.Value", "dev"}},
           ErrorCode::AccessDenied);
  EXPECT_TRUE(call(admin, "UntagRole", {{"RoleName", "team-a"}, {"TagKeys.member.1", "env"}}));
  fails_as(admin, "UntagRole", {{"RoleName", "team-a"}, {"TagKeys.member.1", "team"}},
           ErrorCode::AccessDenied);
}

TEST_F(RolesTest, BoundaryKeyGuardsRolesWithThatBoundary) {
  std::string bound = create_policy("DelegatedBoundary");
  ok("CreateRole", {{"RoleName", "inside"}, {"AssumeRolePolicyDocument", kTrust},
                    {"PermissionsBoundary", bound}});
  create_role("outside");
  api::Caller admin = user_with_policy(
      "delegate2", R"({"Version":"2012-10-17","Statement":[
    {"Effect":"Allow","Action":["iam:PutRolePolicy","iam:AttachRolePolicy","iam:DeleteRolePermissionsBoundary"],"Resource":"*",
     "Condition":{"StringEquals":{"iam:PermissionsBoundary":")" + bound + R"("}}}]})");
  EXPECT_TRUE(call(admin, "PutRolePolicy",
                   {{"RoleName", "inside"}, {"PolicyName", "p"}, {"PolicyDocument", kDoc}}));
  fails_as(admin, "PutRolePolicy",
           {{"RoleName", "outside"}, {"PolicyName", "p"}, {"PolicyDocument", kDoc}},
           ErrorCode::AccessDenied);
  EXPECT_TRUE(call(admin, "AttachRolePolicy",
                   {{"RoleName", "inside"}, {"PolicyArn", std::string(kAdmin)}}));
  fails_as(admin, "AttachRolePolicy",
           {{"RoleName", "outside"}, {"PolicyArn", std::string(kAdmin)}}, ErrorCode::AccessDenied);
  EXPECT_TRUE(call(admin, "DeleteRolePermissionsBoundary", {{"RoleName", "inside"}}));
}

// --- the authz view's roles (for STS) ----------------------------------------------------------

TEST_F(RolesTest, ViewServesRolesByArnAndId) {
  std::string attached = create_policy("AttachedToRole");
  auto created = ok("CreateRole", {{"RoleName", "Assumable"},
                                   {"Path", "/svc/"},
                                   {"AssumeRolePolicyDocument", kSpacedTrust},
                                   {"MaxSessionDuration", "7200"},
                                   {"PermissionsBoundary", std::string(kReadOnly)},
                                   {"Tags.member.1.Key", "team"},
                                   {"Tags.member.1.Value", "a"}});
  std::string id = text(role_of(created), "RoleId");
  ok("PutRolePolicy", {{"RoleName", "Assumable"}, {"PolicyName", "own"}, {"PolicyDocument", kDoc}});
  ok("AttachRolePolicy", {{"RoleName", "Assumable"}, {"PolicyArn", attached}});

  const std::string arn = "arn:aws:iam::123456789012:role/svc/Assumable";
  auto role = view_.find_role_by_arn(arn);
  ASSERT_NE(role, nullptr);
  EXPECT_EQ(role->id, id);
  EXPECT_EQ(role->name, "Assumable");
  EXPECT_EQ(role->path, "/svc/");
  EXPECT_EQ(role->arn, arn);
  EXPECT_EQ(role->account, kAccount);
  EXPECT_EQ(role->max_session_duration, 7200);
  ASSERT_NE(role->trust, nullptr);
  EXPECT_EQ(policy::model_of(*role->trust).statements.size(), 1u);
  ASSERT_NE(role->policies, nullptr);
  EXPECT_EQ(role->policies->identity.size(), 2u);  // inline + attached
  EXPECT_EQ(role->policies->boundary, view_.managed_policy(kReadOnly));
  ASSERT_EQ(role->policies->tags.size(), 1u);
  EXPECT_EQ(role->policies->tags[0].key, "team");

  EXPECT_EQ(view_.find_role_by_id(id), role);
  EXPECT_EQ(view_.role_policies(id), role->policies);
  // Role names compare case-sensitively in ARNs, and the path is part of it.
  EXPECT_EQ(view_.find_role_by_arn("arn:aws:iam::123456789012:role/svc/assumable"), nullptr);
  EXPECT_EQ(view_.find_role_by_arn("arn:aws:iam::123456789012:role/Assumable"), nullptr);

  // Changes show up; deleted roles vanish.
  ok("UpdateRole", {{"RoleName", "Assumable"}, {"MaxSessionDuration", "3600"}});
  EXPECT_EQ(view_.find_role_by_arn(arn)->max_session_duration, 3600);
  ok("DeleteRolePolicy", {{"RoleName", "Assumable"}, {"PolicyName", "own"}});
  ok("DetachRolePolicy", {{"RoleName", "Assumable"}, {"PolicyArn", attached}});
  EXPECT_TRUE(view_.find_role_by_id(id)->policies->identity.empty());
  ok("DeleteRole", {{"RoleName", "Assumable"}});
  EXPECT_EQ(view_.find_role_by_arn(arn), nullptr);
  EXPECT_EQ(view_.find_role_by_id(id), nullptr);
  EXPECT_EQ(view_.role_policies(id), nullptr);
}

TEST_F(RolesTest, ViewDeniesEverythingWhenABoundaryVanishes) {
  // A role whose stored boundary no longer exists gets a boundary that allows nothing.
  create_role("orphan");
  ASSERT_TRUE(store_.write([&](store::Transaction& tx) -> core::Status {
    store::RoleEntities r(tx);
    auto role = r.find_role(kAccount, "orphan");
    IAMD_TRY(role);
    (*role)->permissions_boundary_arn = "arn:aws:iam::123456789012:policy/Gone";
    return r.put_role(**role);
  }));
  auto role = view_.find_role_by_arn("arn:aws:iam::123456789012:role/orphan");
  ASSERT_NE(role, nullptr);
  ASSERT_NE(role->policies->boundary, nullptr);
  EXPECT_TRUE(policy::model_of(*role->policies->boundary).statements.empty());
}

}  // namespace
}  // namespace iamd::iam
