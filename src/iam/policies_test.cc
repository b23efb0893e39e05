// The IAM policy APIs against the in-memory store: managed policies and their versions,
// attachments, boundaries, inline policies and GetAccountAuthorizationDetails, with every
// error AWS gives for them.
#include <gtest/gtest.h>

#include <cstdio>

#include "authz/view.h"
#include "core/arn.h"
#include "core/strings.h"
#include "iam/aws_managed_policies.h"
#include "iam/policy_documents.h"
#include "iam/service.h"
#include "iam/test_support.h"
#include "policy/json/parse_and_validate.h"
#include "store/memory/memory_store.h"

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
constexpr std::string_view kAdmin = "arn:aws:iam::aws:policy/AdministratorAccess";
constexpr std::string_view kReadOnly = "arn:aws:iam::aws:policy/ReadOnlyAccess";

const std::string kDoc =
    R"({"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"s3:GetObject","Resource":"*"}]})";
const std::string kSpacedDoc =
    "{\n  \"Version\": \"2012-10-17\",\n  \"Statement\": [\n    {\"Sid\": \"A\", \"Effect\": "
    "\"Allow\", \"Action\": [\"s3:GetObject\", \"s3:PutObject\"], \"Resource\": \"*\"}\n  ]\n}";

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

class PoliciesTest : public ::testing::Test {
 protected:
  PoliciesTest() : view_(store_, sealer_), service_(Deps{store_, view_, random_, sealer_}) {
    service_.register_operations(registry_);
    root_ = root_of(std::string(kAccount));
  }

  static api::Caller root_of(const std::string& account) {
    api::Caller c;
    c.type = api::PrincipalType::Root;
    c.account = account;
    c.arn = core::root_arn(account);
    c.user_id = account;
    return c;
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
  core::Result<api::Output> root_call(std::string_view action, const Fields& p) {
    return call(root_, action, p);
  }
  // Succeeds, or fails the test with the error.
  api::Output ok(std::string_view action, const Fields& p) {
    auto out = root_call(action, p);
    EXPECT_TRUE(out) << action << ": " << (out ? "" : out.error().message);
    return out ? std::move(*out) : api::Output{};
  }
  // Fails with `code` (and `message` when given).
  void fails(std::string_view action, const Fields& p, ErrorCode code,
             std::string_view message = {}) {
    auto out = root_call(action, p);
    ASSERT_FALSE(out) << action << " succeeded";
    EXPECT_EQ(out.error().code, code) << action << ": " << out.error().message;
    if (!message.empty()) {
      EXPECT_EQ(out.error().message, message) << action;
    }
  }

  std::string create_policy(const std::string& name, const std::string& doc = kDoc,
                            const std::string& path = "/") {
    auto out = ok("CreatePolicy", {{"PolicyName", name}, {"PolicyDocument", doc}, {"Path", path}});
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

  store::MemoryStore store_;
  SeededRandom random_{7};
  NullSealer sealer_;
  authz::View view_;
  Service service_;
  api::Registry registry_;
  api::Caller root_;
  int clock_ = 0;
};

// --- managed policies --------------------------------------------------------------------------

TEST_F(PoliciesTest, CreatePolicyReturnsAwsShape) {
  auto out = ok("CreatePolicy", {{"PolicyName", "ReadBuckets"},
                                 {"Path", "/team/data/"},
                                 {"PolicyDocument", kDoc},
                                 {"Description", "read the buckets"},
                                 {"Tags.member.1.Key", "owner"},
                                 {"Tags.member.1.Value", "data"}});
  const api::OutNode* p = child(out.result, "Policy");
  ASSERT_NE(p, nullptr);
  EXPECT_EQ(
      member_names(*p),
      (std::vector<std::string>{"PolicyName", "PolicyId", "Arn", "Path", "DefaultVersionId",
                                "AttachmentCount", "PermissionsBoundaryUsageCount", "IsAttachable",
                                "Description", "CreateDate", "UpdateDate", "Tags"}));
  EXPECT_EQ(text(*p, "Arn"), "arn:aws:iam::123456789012:policy/team/data/ReadBuckets");
  EXPECT_EQ(text(*p, "PolicyId").substr(0, 4), "ANPA");
  EXPECT_EQ(text(*p, "PolicyId").size(), 21u);
  EXPECT_EQ(text(*p, "DefaultVersionId"), "v1");
  EXPECT_EQ(text(*p, "AttachmentCount"), "0");
  EXPECT_EQ(text(*p, "IsAttachable"), "true");
  EXPECT_EQ(text(*p, "Path"), "/team/data/");

  auto got = ok("GetPolicy", {{"PolicyArn", text(*p, "Arn")}});
  const api::OutNode* g = child(got.result, "Policy");
  ASSERT_NE(g, nullptr);
  EXPECT_EQ(text(*g, "PolicyId"), text(*p, "PolicyId"));
  EXPECT_EQ(text(*g, "Description"), "read the buckets");
  ASSERT_NE(child(*g, "Tags"), nullptr);
  EXPECT_EQ(text(child(*g, "Tags")->children.at(0), "Key"), "owner");
}

TEST_F(PoliciesTest, PolicyNamesAreUniqueCaseInsensitively) {
  create_policy("Readers");
  fails("CreatePolicy", {{"PolicyName", "READERS"}, {"PolicyDocument", kDoc}},
        ErrorCode::EntityAlreadyExists,
        "A policy called READERS already exists. Duplicate names are not allowed.");
  // Even on another path: names are per account.
  fails("CreatePolicy", {{"PolicyName", "readers"}, {"PolicyDocument", kDoc}, {"Path", "/x/"}},
        ErrorCode::EntityAlreadyExists);
}

TEST_F(PoliciesTest, InputIsValidatedAgainstTheModel) {
  fails("CreatePolicy", {{"PolicyName", "p"}, {"PolicyDocument", kDoc}, {"Path", "/a*b/"}},
        ErrorCode::ValidationError,
        "1 validation error detected: Value '/a*b/' at 'path' failed to satisfy constraint: "
        "Member must satisfy regular expression pattern: ((/[A-Za-z0-9\\.,\\+@=_-]+)*)/");
  fails("CreatePolicy", {{"PolicyName", "p"}, {"PolicyDocument", kDoc}, {"Path", "//"}},
        ErrorCode::ValidationError);
  fails("CreatePolicy", {{"PolicyName", "bad name"}, {"PolicyDocument", kDoc}},
        ErrorCode::ValidationError);
  fails("CreatePolicy", {{"PolicyName", "p"}}, ErrorCode::ValidationError,
        "1 validation error detected: Value null at 'policyDocument' failed to satisfy "
        "constraint: Member must not be null");
  fails("GetPolicyVersion", {{"PolicyArn", std::string(kAdmin)}, {"VersionId", "1"}},
        ErrorCode::ValidationError);
  fails("GetPolicy", {{"PolicyArn", "arn:aws:iam::123456789012:user/bob"}}, ErrorCode::InvalidInput,
        "ARN arn:aws:iam::123456789012:user/bob is not valid.");
}

TEST_F(PoliciesTest, MalformedDocumentsCarryThePolicyLanguageMessage) {
  const std::string docs[] = {
      "{",
      R"({"Statement":[{"Effect":"Allow","Action":"s3:GetObject","Resource":"*"}]})",
      R"({"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"s3:GetObject"}]})",
      R"({"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":"*","Action":"s3:GetObject","Resource":"*"}]})",
  };
  ok("CreateUser", {{"UserName", "u"}});
  for (const auto& doc : docs) {
    auto expected = policy::json::parse_and_validate(doc, policy::PolicyType::Identity);
    ASSERT_FALSE(expected) << doc;
    ASSERT_EQ(expected.error().code, ErrorCode::MalformedPolicyDocument);
    fails("CreatePolicy", {{"PolicyName", "p"}, {"PolicyDocument", doc}},
          ErrorCode::MalformedPolicyDocument, expected.error().message);
    fails("PutUserPolicy", {{"UserName", "u"}, {"PolicyName", "p"}, {"PolicyDocument", doc}},
          ErrorCode::MalformedPolicyDocument, expected.error().message);
  }
  fails("CreatePolicy",
        {{"PolicyName", "p"},
         {"PolicyDocument",
          R"({"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"s3:GetObject"}]})"}},
        ErrorCode::MalformedPolicyDocument, "Policy statement must contain resources.");
  // Nothing was created.
  fails("GetPolicy", {{"PolicyArn", "arn:aws:iam::123456789012:policy/p"}},
        ErrorCode::NoSuchEntity);
}

TEST_F(PoliciesTest, ManagedPolicySizeQuota) {
  std::string fits = big_doc(kManagedPolicySizeQuota - 200);
  ASSERT_LE(policy_size(fits), kManagedPolicySizeQuota);
  std::string arn = create_policy("Fits", fits);
  std::string too_big = big_doc(kManagedPolicySizeQuota + 1);
  fails("CreatePolicy", {{"PolicyName", "TooBig"}, {"PolicyDocument", too_big}},
        ErrorCode::LimitExceeded, "Cannot exceed quota for PolicySize: 6144");
  fails("CreatePolicyVersion", {{"PolicyArn", arn}, {"PolicyDocument", too_big}},
        ErrorCode::LimitExceeded, "Cannot exceed quota for PolicySize: 6144");
  // Whitespace does not count.
  std::string padded = kDoc;
  padded.insert(1, std::string(7000, ' '));
  create_policy("Padded", padded);
}

TEST_F(PoliciesTest, CustomerManagedPoliciesQuota) {
  // Fill the account up to the quota directly in the store; the next CreatePolicy is refused.
  ASSERT_TRUE(store_.write([&](store::Transaction& tx) -> core::Status {
    store::PolicyEntities p(tx);
    for (size_t i = 0; i < kCustomerManagedPoliciesQuota; ++i) {
      store::ManagedPolicy m;
      m.account = std::string(kAccount);
      m.name = "filler-" + std::to_string(i);
      m.id = "ANPAFILLER" + std::to_string(100000 + i);
      IAMD_TRY(p.put_policy(m));
      IAMD_TRY(p.put_version(m.account, m.name, store::PolicyVersion{"v1", kDoc, {}}));
    }
    return {};
  }));
  fails("CreatePolicy", {{"PolicyName", "OneTooMany"}, {"PolicyDocument", kDoc}},
        ErrorCode::LimitExceeded, "Cannot exceed quota for PoliciesPerAccount: 1500");
  ok("DeletePolicy", {{"PolicyArn", "arn:aws:iam::123456789012:policy/filler-0"}});
  create_policy("OneTooMany");
}

TEST_F(PoliciesTest, GetPolicyOfMissingPolicies) {
  fails("GetPolicy", {{"PolicyArn", "arn:aws:iam::123456789012:policy/nope"}},
        ErrorCode::NoSuchEntity,
        "Policy arn:aws:iam::123456789012:policy/nope does not exist or is not attachable.");
  std::string arn = create_policy("Here", kDoc, "/p/");
  // The ARN must name the policy exactly: path included.
  fails("GetPolicy", {{"PolicyArn", "arn:aws:iam::123456789012:policy/Here"}},
        ErrorCode::NoSuchEntity);
  // Another account's policies are not visible to it (the request is cross-account).
  auto other = call(root_of("210987654321"), "GetPolicy", {{"PolicyArn", arn}});
  ASSERT_FALSE(other);
  EXPECT_TRUE(other.error().code == ErrorCode::AccessDenied ||
              other.error().code == ErrorCode::NoSuchEntity)
      << other.error().message;
  fails("GetPolicy", {{"PolicyArn", "arn:aws:iam::aws:policy/NoSuchAwsPolicy"}},
        ErrorCode::NoSuchEntity,
        "Policy arn:aws:iam::aws:policy/NoSuchAwsPolicy does not exist or is not attachable.");
}

TEST_F(PoliciesTest, VersionsUpToFiveAndIdsNeverReused) {
  std::string arn = create_policy("Versioned");
  for (int i = 2; i <= 5; ++i) {
    auto out = ok("CreatePolicyVersion", {{"PolicyArn", arn}, {"PolicyDocument", kSpacedDoc}});
    const api::OutNode* v = child(out.result, "PolicyVersion");
    ASSERT_NE(v, nullptr);
    EXPECT_EQ(member_names(*v),
              (std::vector<std::string>{"VersionId", "IsDefaultVersion", "CreateDate"}));
    EXPECT_EQ(text(*v, "VersionId"), "v" + std::to_string(i));
    EXPECT_EQ(text(*v, "IsDefaultVersion"), "false");
  }
  fails("CreatePolicyVersion", {{"PolicyArn", arn}, {"PolicyDocument", kDoc}},
        ErrorCode::LimitExceeded,
        "A managed policy can have up to 5 versions. Before you create a new version, you must "
        "delete an existing version.");
  ok("DeletePolicyVersion", {{"PolicyArn", arn}, {"VersionId", "v2"}});
  auto v6 = ok("CreatePolicyVersion",
               {{"PolicyArn", arn}, {"PolicyDocument", kDoc}, {"SetAsDefault", "true"}});
  EXPECT_EQ(text(*child(v6.result, "PolicyVersion"), "VersionId"), "v6");
  EXPECT_EQ(text(*child(v6.result, "PolicyVersion"), "IsDefaultVersion"), "true");
  EXPECT_EQ(policy_field(arn, "DefaultVersionId"), "v6");

  fails("DeletePolicyVersion", {{"PolicyArn", arn}, {"VersionId", "v6"}}, ErrorCode::DeleteConflict,
        "Cannot delete the default version of a policy.");
  fails("GetPolicyVersion", {{"PolicyArn", arn}, {"VersionId", "v2"}}, ErrorCode::NoSuchEntity,
        "Policy " + arn + " version v2 does not exist or is not attachable.");
  fails("DeletePolicyVersion", {{"PolicyArn", arn}, {"VersionId", "v9"}}, ErrorCode::NoSuchEntity);
  fails("SetDefaultPolicyVersion", {{"PolicyArn", arn}, {"VersionId", "v2"}},
        ErrorCode::NoSuchEntity);

  ok("SetDefaultPolicyVersion", {{"PolicyArn", arn}, {"VersionId", "v3"}});
  EXPECT_EQ(policy_field(arn, "DefaultVersionId"), "v3");

  // Newest first, paged.
  std::vector<std::string> seen;
  std::string marker;
  for (int pages = 0; pages < 10; ++pages) {
    Fields f{{"PolicyArn", arn}, {"MaxItems", "2"}};
    if (!marker.empty()) f.emplace_back("Marker", marker);
    auto out = ok("ListPolicyVersions", f);
    for (const auto& v : child(out.result, "Versions")->children) {
      seen.push_back(text(v, "VersionId"));
      EXPECT_EQ(child(v, "Document"), nullptr);
      EXPECT_EQ(text(v, "IsDefaultVersion"), text(v, "VersionId") == "v3" ? "true" : "false");
    }
    if (text(out.result, "IsTruncated") == "false") break;
    marker = text(out.result, "Marker");
  }
  EXPECT_EQ(seen, (std::vector<std::string>{"v6", "v5", "v4", "v3", "v1"}));
}

TEST_F(PoliciesTest, GetPolicyVersionReturnsTheDocumentUrlEncoded) {
  std::string arn = create_policy("Encoded", kSpacedDoc);
  auto out = ok("GetPolicyVersion", {{"PolicyArn", arn}, {"VersionId", "v1"}});
  const api::OutNode* v = child(out.result, "PolicyVersion");
  ASSERT_NE(v, nullptr);
  EXPECT_EQ(member_names(*v),
            (std::vector<std::string>{"Document", "VersionId", "IsDefaultVersion", "CreateDate"}));
  std::string doc = text(*v, "Document");
  EXPECT_EQ(doc, core::uri_encode(kSpacedDoc));
  EXPECT_EQ(doc.find('+'), std::string::npos);
  EXPECT_NE(doc.find("%20"), std::string::npos);
  EXPECT_NE(doc.find("%0A"), std::string::npos);
  EXPECT_TRUE(doc.starts_with("%7B%0A%20%20%22Version%22%3A%20%222012-10-17%22"));
  EXPECT_EQ(text(*v, "IsDefaultVersion"), "true");
  EXPECT_EQ(encode_policy_document(R"({"Version":"2012-10-17"})"),
            "%7B%22Version%22%3A%222012-10-17%22%7D");
}

TEST_F(PoliciesTest, DeletePolicyConflicts) {
  std::string arn = create_policy("Busy");
  ok("CreateUser", {{"UserName", "ann"}});
  ok("AttachUserPolicy", {{"UserName", "ann"}, {"PolicyArn", arn}});
  fails("DeletePolicy", {{"PolicyArn", arn}}, ErrorCode::DeleteConflict,
        "Cannot delete a policy attached to entities.");
  ok("DetachUserPolicy", {{"UserName", "ann"}, {"PolicyArn", arn}});
  ok("CreatePolicyVersion", {{"PolicyArn", arn}, {"PolicyDocument", kDoc}});
  fails("DeletePolicy", {{"PolicyArn", arn}}, ErrorCode::DeleteConflict,
        "This policy has more than one version. Before you delete a policy, you must delete the "
        "policy's versions. The default version is deleted with the policy.");
  ok("DeletePolicyVersion", {{"PolicyArn", arn}, {"VersionId", "v2"}});
  // In use as a boundary also blocks deletion.
  ok("PutUserPermissionsBoundary", {{"UserName", "ann"}, {"PermissionsBoundary", arn}});
  fails("DeletePolicy", {{"PolicyArn", arn}}, ErrorCode::DeleteConflict);
  ok("DeleteUserPermissionsBoundary", {{"UserName", "ann"}});
  ok("DeletePolicy", {{"PolicyArn", arn}});
  fails("GetPolicy", {{"PolicyArn", arn}}, ErrorCode::NoSuchEntity);
  fails("DeletePolicy", {{"PolicyArn", arn}}, ErrorCode::NoSuchEntity);
  // The name is free again, and its versions start over.
  std::string again = create_policy("Busy");
  EXPECT_EQ(again, arn);
  fails("GetPolicyVersion", {{"PolicyArn", arn}, {"VersionId", "v2"}}, ErrorCode::NoSuchEntity);
}

TEST_F(PoliciesTest, AwsManagedPoliciesAreReadOnlyAndCountedPerAccount) {
  auto got = ok("GetPolicy", {{"PolicyArn", std::string(kAdmin)}});
  const api::OutNode* p = child(got.result, "Policy");
  ASSERT_NE(p, nullptr);
  EXPECT_EQ(text(*p, "Arn"), kAdmin);
  EXPECT_EQ(text(*p, "PolicyName"), "AdministratorAccess");
  EXPECT_EQ(text(*p, "AttachmentCount"), "0");
  auto version = ok("GetPolicyVersion", {{"PolicyArn", std::string(kAdmin)},
                                         {"VersionId", text(*p, "DefaultVersionId")}});
  EXPECT_EQ(text(*child(version.result, "PolicyVersion"), "Document"),
            core::uri_encode(std::string(find_aws_managed_policy(kAdmin)->document)));

  for (const auto& [action, extra] : std::vector<std::pair<std::string, Fields>>{
           {"DeletePolicy", {}},
           {"CreatePolicyVersion", {{"PolicyDocument", kDoc}}},
           {"DeletePolicyVersion", {{"VersionId", "v1"}}},
           {"SetDefaultPolicyVersion", {{"VersionId", "v1"}}},
           {"TagPolicy", {{"Tags.member.1.Key", "k"}, {"Tags.member.1.Value", "v"}}},
           {"UntagPolicy", {{"TagKeys.member.1", "k"}}}}) {
    Fields f{{"PolicyArn", std::string(kAdmin)}};
    f.insert(f.end(), extra.begin(), extra.end());
    fails(action, f, ErrorCode::AccessDenied,
          "User: arn:aws:iam::123456789012:root is not authorized to perform: iam:" + action +
              " on resource: " + std::string(kAdmin) +
              " because no resource-based policy allows the iam:" + action + " action");
  }
  auto tags = ok("ListPolicyTags", {{"PolicyArn", std::string(kAdmin)}});
  EXPECT_TRUE(child(tags.result, "Tags")->children.empty());

  ok("CreateUser", {{"UserName", "admin"}});
  ok("AttachUserPolicy", {{"UserName", "admin"}, {"PolicyArn", std::string(kAdmin)}});
  EXPECT_EQ(policy_field(kAdmin, "AttachmentCount"), "1");
  // Another account sees its own count.
  auto other = call(root_of("210987654321"), "GetPolicy", {{"PolicyArn", std::string(kAdmin)}});
  ASSERT_TRUE(other);
  EXPECT_EQ(text(*child(other->result, "Policy"), "AttachmentCount"), "0");
}

TEST_F(PoliciesTest, ListPoliciesScopesAndFilters) {
  std::string local = create_policy("LocalOne", kDoc, "/eng/");
  std::string bound = create_policy("BoundaryOne");
  ok("CreateUser", {{"UserName", "lu"}, {"PermissionsBoundary", bound}});
  ok("AttachUserPolicy", {{"UserName", "lu"}, {"PolicyArn", local}});

  auto arns = [&](const Fields& f) { return list_texts(ok("ListPolicies", f), "Policies", "Arn"); };
  auto contains = [](const std::vector<std::string>& v, std::string_view s) {
    return std::find(v.begin(), v.end(), s) != v.end();
  };
  auto all = arns({});
  EXPECT_TRUE(contains(all, kAdmin));
  EXPECT_TRUE(contains(all, local));
  auto aws = arns({{"Scope", "AWS"}});
  EXPECT_TRUE(contains(aws, kAdmin));
  EXPECT_TRUE(contains(aws, kReadOnly));
  EXPECT_FALSE(contains(aws, local));
  for (const auto& a : aws) EXPECT_TRUE(a.starts_with("arn:aws:iam::aws:policy/")) << a;
  auto mine = arns({{"Scope", "Local"}});
  EXPECT_EQ(mine.size(), 2u);
  EXPECT_FALSE(contains(mine, kAdmin));
  EXPECT_EQ(arns({{"Scope", "Local"}, {"PathPrefix", "/eng/"}}), (std::vector<std::string>{local}));
  EXPECT_EQ(arns({{"OnlyAttached", "true"}}), (std::vector<std::string>{bound, local}));
  EXPECT_EQ(arns({{"OnlyAttached", "true"}, {"PolicyUsageFilter", "PermissionsPolicy"}}),
            (std::vector<std::string>{local}));
  EXPECT_EQ(arns({{"OnlyAttached", "true"}, {"PolicyUsageFilter", "PermissionsBoundary"}}),
            (std::vector<std::string>{bound}));
  ok("AttachUserPolicy", {{"UserName", "lu"}, {"PolicyArn", std::string(kReadOnly)}});
  EXPECT_EQ(arns({{"OnlyAttached", "true"}, {"Scope", "AWS"}}),
            (std::vector<std::string>{std::string(kReadOnly)}));

  // ListPolicies leaves out Description and Tags.
  auto out = ok("ListPolicies", {{"Scope", "AWS"}, {"MaxItems", "1"}});
  const api::OutNode& first = child(out.result, "Policies")->children.at(0);
  EXPECT_EQ(child(first, "Description"), nullptr);
  EXPECT_EQ(text(out.result, "IsTruncated"), "true");

  fails("ListPolicies", {{"Scope", "Everything"}}, ErrorCode::ValidationError,
        "1 validation error detected: Value 'Everything' at 'scope' failed to satisfy "
        "constraint: Member must satisfy enum value set: [All, AWS, Local]");
}

TEST_F(PoliciesTest, ListPoliciesPagesOverEverything) {
  for (int i = 0; i < 7; ++i) create_policy("paged-" + std::to_string(i));
  auto expected = list_texts(ok("ListPolicies", {}), "Policies", "Arn");
  std::vector<std::string> seen;
  std::string marker;
  for (int pages = 0; pages < 50; ++pages) {
    Fields f{{"MaxItems", "3"}};
    if (!marker.empty()) f.emplace_back("Marker", marker);
    auto out = ok("ListPolicies", f);
    auto page = list_texts(out, "Policies", "Arn");
    seen.insert(seen.end(), page.begin(), page.end());
    if (text(out.result, "IsTruncated") == "false") {
      EXPECT_EQ(child(out.result, "Marker"), nullptr);
      break;
    }
    marker = text(out.result, "Marker");
  }
  EXPECT_EQ(seen, expected);
  EXPECT_EQ(expected.size(), 7u + aws_managed_policies().size());
}

TEST_F(PoliciesTest, PolicyTagsAreCaseSensitive) {
  std::string arn = create_policy("Tagged");
  ok("TagPolicy", {{"PolicyArn", arn},
                   {"Tags.member.1.Key", "Env"},
                   {"Tags.member.1.Value", "prod"},
                   {"Tags.member.2.Key", "env"},
                   {"Tags.member.2.Value", "dev"}});
  ok("TagPolicy",
     {{"PolicyArn", arn}, {"Tags.member.1.Key", "Env"}, {"Tags.member.1.Value", "qa"}});
  auto out = ok("ListPolicyTags", {{"PolicyArn", arn}});
  EXPECT_EQ(list_texts(out, "Tags", "Key"), (std::vector<std::string>{"Env", "env"}));
  EXPECT_EQ(list_texts(out, "Tags", "Value"), (std::vector<std::string>{"qa", "dev"}));
  ok("UntagPolicy", {{"PolicyArn", arn}, {"TagKeys.member.1", "env"}});
  EXPECT_EQ(list_texts(ok("ListPolicyTags", {{"PolicyArn", arn}}), "Tags", "Key"),
            (std::vector<std::string>{"Env"}));
  fails("TagPolicy",
        {{"PolicyArn", arn}, {"Tags.member.1.Key", "aws:x"}, {"Tags.member.1.Value", "v"}},
        ErrorCode::InvalidInput);
  fails("TagPolicy", {{"PolicyArn", arn}}, ErrorCode::ValidationError);
  fails("TagPolicy",
        {{"PolicyArn", arn}, {"Tags.member.1.Key", "Env"}, {"Tags.member.1.Value", "a"},
         {"Tags.member.2.Key", "Env"}, {"Tags.member.2.Value", "b"}},
        ErrorCode::InvalidInput);
  Fields many{{"PolicyArn", arn}};
  for (int i = 0; i < 50; ++i) {
    char key[40], value[40], tag[8];
    std::snprintf(key, sizeof key, "Tags.member.%d.Key", i + 1);
    std::snprintf(value, sizeof value, "Tags.member.%d.Value", i + 1);
    std::snprintf(tag, sizeof tag, "k%d", i);
    many.emplace_back(key, tag);
    many.emplace_back(value, "v");
  }
  fails("TagPolicy", many, ErrorCode::LimitExceeded);
  // Paged listing.
  auto page = ok("ListPolicyTags", {{"PolicyArn", arn}, {"MaxItems", "1"}});
  EXPECT_EQ(text(page.result, "IsTruncated"), "false");
}

// --- attachments and boundaries ----------------------------------------------------------------

TEST_F(PoliciesTest, AttachDetachAndList) {
  ok("CreateUser", {{"UserName", "bob"}});
  ok("CreateGroup", {{"GroupName", "devs"}});
  std::string a = create_policy("Alpha", kDoc, "/team/");
  std::string b = create_policy("beta");
  ok("AttachUserPolicy", {{"UserName", "bob"}, {"PolicyArn", a}});
  ok("AttachUserPolicy", {{"UserName", "bob"}, {"PolicyArn", a}});  // again: no change
  ok("AttachUserPolicy", {{"UserName", "bob"}, {"PolicyArn", std::string(kAdmin)}});
  ok("AttachGroupPolicy", {{"GroupName", "devs"}, {"PolicyArn", b}});
  EXPECT_EQ(policy_field(a, "AttachmentCount"), "1");

  auto listed = ok("ListAttachedUserPolicies", {{"UserName", "bob"}});
  EXPECT_EQ(list_texts(listed, "AttachedPolicies", "PolicyName"),
            (std::vector<std::string>{"AdministratorAccess", "Alpha"}));
  EXPECT_EQ(list_texts(listed, "AttachedPolicies", "PolicyArn"),
            (std::vector<std::string>{std::string(kAdmin), a}));
  EXPECT_EQ(member_names(child(listed.result, "AttachedPolicies")->children.at(0)),
            (std::vector<std::string>{"PolicyName", "PolicyArn"}));
  EXPECT_EQ(
      list_texts(ok("ListAttachedUserPolicies", {{"UserName", "bob"}, {"PathPrefix", "/team/"}}),
                 "AttachedPolicies", "PolicyArn"),
      (std::vector<std::string>{a}));
  auto page1 = ok("ListAttachedUserPolicies", {{"UserName", "bob"}, {"MaxItems", "1"}});
  EXPECT_EQ(text(page1.result, "IsTruncated"), "true");
  auto page2 = ok("ListAttachedUserPolicies",
                  {{"UserName", "bob"}, {"Marker", text(page1.result, "Marker")}});
  EXPECT_EQ(list_texts(page2, "AttachedPolicies", "PolicyArn"), (std::vector<std::string>{a}));
  EXPECT_EQ(list_texts(ok("ListAttachedGroupPolicies", {{"GroupName", "devs"}}), "AttachedPolicies",
                       "PolicyArn"),
            (std::vector<std::string>{b}));

  fails("AttachUserPolicy",
        {{"UserName", "bob"}, {"PolicyArn", "arn:aws:iam::123456789012:policy/missing"}},
        ErrorCode::NoSuchEntity,
        "Policy arn:aws:iam::123456789012:policy/missing does not exist or is not attachable.");
  fails("AttachUserPolicy", {{"UserName", "nobody"}, {"PolicyArn", a}}, ErrorCode::NoSuchEntity,
        "The user with name nobody cannot be found.");
  fails("AttachGroupPolicy", {{"GroupName", "nogroup"}, {"PolicyArn", a}}, ErrorCode::NoSuchEntity,
        "The group with name nogroup cannot be found.");
  fails("AttachUserPolicy", {{"UserName", "bob"}, {"PolicyArn", "not-an-arn-at-all-really"}},
        ErrorCode::InvalidInput);
  fails("DetachUserPolicy", {{"UserName", "bob"}, {"PolicyArn", b}}, ErrorCode::NoSuchEntity,
        "Policy " + b + " was not found.");

  ok("DetachUserPolicy", {{"UserName", "bob"}, {"PolicyArn", a}});
  ok("DetachGroupPolicy", {{"GroupName", "devs"}, {"PolicyArn", b}});
  EXPECT_EQ(list_texts(ok("ListAttachedUserPolicies", {{"UserName", "bob"}}), "AttachedPolicies",
                       "PolicyArn"),
            (std::vector<std::string>{std::string(kAdmin)}));
  EXPECT_TRUE(list_texts(ok("ListAttachedGroupPolicies", {{"GroupName", "devs"}}),
                         "AttachedPolicies", "PolicyArn")
                  .empty());
}

TEST_F(PoliciesTest, AttachmentQuotas) {
  ok("CreateUser", {{"UserName", "full"}});
  ok("CreateGroup", {{"GroupName", "fullg"}});
  std::vector<std::string> arns;
  for (const char* name : {"q0", "q1", "q2", "q3", "q4", "q5", "q6", "q7", "q8", "q9", "q10"}) {
    arns.push_back(create_policy(name));
  }
  for (int i = 0; i < 10; ++i) {
    ok("AttachUserPolicy", {{"UserName", "full"}, {"PolicyArn", arns[i]}});
    ok("AttachGroupPolicy", {{"GroupName", "fullg"}, {"PolicyArn", arns[i]}});
  }
  fails("AttachUserPolicy", {{"UserName", "full"}, {"PolicyArn", arns[10]}},
        ErrorCode::LimitExceeded, "Cannot exceed quota for PoliciesPerUser: 10");
  fails("AttachGroupPolicy", {{"GroupName", "fullg"}, {"PolicyArn", arns[10]}},
        ErrorCode::LimitExceeded, "Cannot exceed quota for PoliciesPerGroup: 10");
  // Re-attaching one already attached is still fine at the quota.
  ok("AttachUserPolicy", {{"UserName", "full"}, {"PolicyArn", arns[0]}});
}

TEST_F(PoliciesTest, ListEntitiesForPolicy) {
  std::string arn = create_policy("Shared");
  ok("CreateUser", {{"UserName", "u1"}, {"Path", "/ops/"}});
  ok("CreateUser", {{"UserName", "u2"}, {"PermissionsBoundary", arn}});
  ok("CreateGroup", {{"GroupName", "g1"}});
  ok("AttachUserPolicy", {{"UserName", "u1"}, {"PolicyArn", arn}});
  ok("AttachUserPolicy", {{"UserName", "u2"}, {"PolicyArn", arn}});
  ok("AttachGroupPolicy", {{"GroupName", "g1"}, {"PolicyArn", arn}});

  auto all = ok("ListEntitiesForPolicy", {{"PolicyArn", arn}});
  EXPECT_EQ(member_names(all.result), (std::vector<std::string>{"PolicyGroups", "PolicyUsers",
                                                                "PolicyRoles", "IsTruncated"}));
  EXPECT_EQ(list_texts(all, "PolicyUsers", "UserName"), (std::vector<std::string>{"u1", "u2"}));
  EXPECT_EQ(list_texts(all, "PolicyGroups", "GroupName"), (std::vector<std::string>{"g1"}));
  EXPECT_EQ(list_texts(all, "PolicyUsers", "UserId")[0].substr(0, 4), "AIDA");
  EXPECT_EQ(list_texts(all, "PolicyGroups", "GroupId")[0].substr(0, 4), "AGPA");

  auto users = ok("ListEntitiesForPolicy", {{"PolicyArn", arn}, {"EntityFilter", "User"}});
  EXPECT_EQ(list_texts(users, "PolicyUsers", "UserName"), (std::vector<std::string>{"u1", "u2"}));
  EXPECT_TRUE(list_texts(users, "PolicyGroups", "GroupName").empty());
  auto groups = ok("ListEntitiesForPolicy", {{"PolicyArn", arn}, {"EntityFilter", "Group"}});
  EXPECT_TRUE(list_texts(groups, "PolicyUsers", "UserName").empty());
  EXPECT_EQ(list_texts(groups, "PolicyGroups", "GroupName"), (std::vector<std::string>{"g1"}));
  auto ops = ok("ListEntitiesForPolicy", {{"PolicyArn", arn}, {"PathPrefix", "/ops/"}});
  EXPECT_EQ(list_texts(ops, "PolicyUsers", "UserName"), (std::vector<std::string>{"u1"}));
  EXPECT_TRUE(list_texts(ops, "PolicyGroups", "GroupName").empty());
  auto bounded = ok("ListEntitiesForPolicy",
                    {{"PolicyArn", arn}, {"PolicyUsageFilter", "PermissionsBoundary"}});
  EXPECT_EQ(list_texts(bounded, "PolicyUsers", "UserName"), (std::vector<std::string>{"u2"}));

  std::vector<std::string> seen;
  std::string marker;
  for (int pages = 0; pages < 10; ++pages) {
    Fields f{{"PolicyArn", arn}, {"MaxItems", "1"}};
    if (!marker.empty()) f.emplace_back("Marker", marker);
    auto out = ok("ListEntitiesForPolicy", f);
    for (const auto& n : list_texts(out, "PolicyGroups", "GroupName")) seen.push_back(n);
    for (const auto& n : list_texts(out, "PolicyUsers", "UserName")) seen.push_back(n);
    if (text(out.result, "IsTruncated") == "false") break;
    marker = text(out.result, "Marker");
  }
  EXPECT_EQ(seen, (std::vector<std::string>{"g1", "u1", "u2"}));
  fails("ListEntitiesForPolicy", {{"PolicyArn", "arn:aws:iam::123456789012:policy/none"}},
        ErrorCode::NoSuchEntity);
}

TEST_F(PoliciesTest, PermissionsBoundaries) {
  std::string missing = "arn:aws:iam::123456789012:policy/NotThere";
  fails("CreateUser", {{"UserName", "nb"}, {"PermissionsBoundary", missing}},
        ErrorCode::NoSuchEntity, "Policy " + missing + " does not exist or is not attachable.");
  fails("GetUser", {{"UserName", "nb"}}, ErrorCode::NoSuchEntity);

  auto created =
      ok("CreateUser", {{"UserName", "bounded"}, {"PermissionsBoundary", std::string(kReadOnly)}});
  const api::OutNode* u = child(created.result, "User");
  ASSERT_NE(u, nullptr);
  ASSERT_NE(child(*u, "PermissionsBoundary"), nullptr);
  EXPECT_EQ(text(*child(*u, "PermissionsBoundary"), "PermissionsBoundaryArn"), kReadOnly);
  EXPECT_EQ(policy_field(kReadOnly, "PermissionsBoundaryUsageCount"), "1");
  EXPECT_EQ(policy_field(kReadOnly, "AttachmentCount"), "0");

  std::string mine = create_policy("MyBoundary");
  ok("PutUserPermissionsBoundary", {{"UserName", "bounded"}, {"PermissionsBoundary", mine}});
  EXPECT_EQ(policy_field(kReadOnly, "PermissionsBoundaryUsageCount"), "0");
  EXPECT_EQ(policy_field(mine, "PermissionsBoundaryUsageCount"), "1");
  auto got = ok("GetUser", {{"UserName", "bounded"}});
  EXPECT_EQ(
      text(*child(*child(got.result, "User"), "PermissionsBoundary"), "PermissionsBoundaryArn"),
      mine);
  fails("PutUserPermissionsBoundary", {{"UserName", "bounded"}, {"PermissionsBoundary", missing}},
        ErrorCode::NoSuchEntity, "Policy " + missing + " does not exist or is not attachable.");
  fails("PutUserPermissionsBoundary", {{"UserName", "ghost"}, {"PermissionsBoundary", mine}},
        ErrorCode::NoSuchEntity, "The user with name ghost cannot be found.");

  ok("DeleteUserPermissionsBoundary", {{"UserName", "bounded"}});
  EXPECT_EQ(policy_field(mine, "PermissionsBoundaryUsageCount"), "0");
  got = ok("GetUser", {{"UserName", "bounded"}});
  EXPECT_EQ(child(*child(got.result, "User"), "PermissionsBoundary"), nullptr);
  ok("DeleteUserPermissionsBoundary", {{"UserName", "bounded"}});  // none left: still fine

  // A boundary does not block DeleteUser, and the policy stops counting the user.
  ok("PutUserPermissionsBoundary", {{"UserName", "bounded"}, {"PermissionsBoundary", mine}});
  ok("DeleteUser", {{"UserName", "bounded"}});
  EXPECT_EQ(policy_field(mine, "PermissionsBoundaryUsageCount"), "0");
  ok("DeletePolicy", {{"PolicyArn", mine}});
}

// --- inline policies ---------------------------------------------------------------------------

TEST_F(PoliciesTest, UserInlinePoliciesRoundTrip) {
  ok("CreateUser", {{"UserName", "ivy"}});
  ok("PutUserPolicy",
     {{"UserName", "ivy"}, {"PolicyName", "b-read"}, {"PolicyDocument", kSpacedDoc}});
  ok("PutUserPolicy", {{"UserName", "ivy"}, {"PolicyName", "a-read"}, {"PolicyDocument", kDoc}});
  auto got = ok("GetUserPolicy", {{"UserName", "ivy"}, {"PolicyName", "b-read"}});
  EXPECT_EQ(member_names(got.result),
            (std::vector<std::string>{"UserName", "PolicyName", "PolicyDocument"}));
  EXPECT_EQ(text(got.result, "UserName"), "ivy");
  EXPECT_EQ(text(got.result, "PolicyDocument"), core::uri_encode(kSpacedDoc));
  // Put replaces.
  ok("PutUserPolicy", {{"UserName", "ivy"}, {"PolicyName", "b-read"}, {"PolicyDocument", kDoc}});
  got = ok("GetUserPolicy", {{"UserName", "ivy"}, {"PolicyName", "b-read"}});
  EXPECT_EQ(text(got.result, "PolicyDocument"), core::uri_encode(kDoc));

  auto listed = ok("ListUserPolicies", {{"UserName", "ivy"}});
  EXPECT_EQ(list_texts(listed, "PolicyNames", ""), (std::vector<std::string>{"a-read", "b-read"}));
  EXPECT_EQ(text(listed.result, "IsTruncated"), "false");
  auto page = ok("ListUserPolicies", {{"UserName", "ivy"}, {"MaxItems", "1"}});
  EXPECT_EQ(list_texts(page, "PolicyNames", ""), (std::vector<std::string>{"a-read"}));
  EXPECT_EQ(text(page.result, "Marker"), "a-read");
  page = ok("ListUserPolicies", {{"UserName", "ivy"}, {"Marker", "a-read"}});
  EXPECT_EQ(list_texts(page, "PolicyNames", ""), (std::vector<std::string>{"b-read"}));

  fails("GetUserPolicy", {{"UserName", "ivy"}, {"PolicyName", "none"}}, ErrorCode::NoSuchEntity,
        "The user policy with name none cannot be found.");
  fails("GetUserPolicy", {{"UserName", "nobody"}, {"PolicyName", "a-read"}},
        ErrorCode::NoSuchEntity, "The user with name nobody cannot be found.");
  fails("PutUserPolicy", {{"UserName", "nobody"}, {"PolicyName", "x"}, {"PolicyDocument", kDoc}},
        ErrorCode::NoSuchEntity, "The user with name nobody cannot be found.");
  fails("DeleteUserPolicy", {{"UserName", "ivy"}, {"PolicyName", "none"}}, ErrorCode::NoSuchEntity,
        "The user policy with name none cannot be found.");
  ok("DeleteUserPolicy", {{"UserName", "ivy"}, {"PolicyName", "a-read"}});
  EXPECT_EQ(list_texts(ok("ListUserPolicies", {{"UserName", "ivy"}}), "PolicyNames", ""),
            (std::vector<std::string>{"b-read"}));
}

TEST_F(PoliciesTest, GroupInlinePoliciesRoundTrip) {
  ok("CreateGroup", {{"GroupName", "ops"}});
  ok("PutGroupPolicy", {{"GroupName", "ops"}, {"PolicyName", "p"}, {"PolicyDocument", kSpacedDoc}});
  auto got = ok("GetGroupPolicy", {{"GroupName", "ops"}, {"PolicyName", "p"}});
  EXPECT_EQ(member_names(got.result),
            (std::vector<std::string>{"GroupName", "PolicyName", "PolicyDocument"}));
  EXPECT_EQ(text(got.result, "PolicyDocument"), core::uri_encode(kSpacedDoc));
  EXPECT_EQ(list_texts(ok("ListGroupPolicies", {{"GroupName", "ops"}}), "PolicyNames", ""),
            (std::vector<std::string>{"p"}));
  fails("GetGroupPolicy", {{"GroupName", "ops"}, {"PolicyName", "q"}}, ErrorCode::NoSuchEntity,
        "The group policy with name q cannot be found.");
  fails("DeleteGroupPolicy", {{"GroupName", "ops"}, {"PolicyName", "q"}}, ErrorCode::NoSuchEntity,
        "The group policy with name q cannot be found.");
  fails("ListGroupPolicies", {{"GroupName", "nope"}}, ErrorCode::NoSuchEntity,
        "The group with name nope cannot be found.");
  ok("DeleteGroupPolicy", {{"GroupName", "ops"}, {"PolicyName", "p"}});
  EXPECT_TRUE(
      list_texts(ok("ListGroupPolicies", {{"GroupName", "ops"}}), "PolicyNames", "").empty());
}

TEST_F(PoliciesTest, InlinePolicySizeQuotasAreAggregate) {
  ok("CreateUser", {{"UserName", "quota"}});
  std::string half = big_doc(1000);
  ASSERT_LT(policy_size(half) + policy_size(kDoc), kUserPolicySizeQuota);
  ASSERT_GT(2 * policy_size(half), kUserPolicySizeQuota);
  ok("PutUserPolicy", {{"UserName", "quota"}, {"PolicyName", "one"}, {"PolicyDocument", half}});
  // Replacing a policy counts only its new size.
  ok("PutUserPolicy", {{"UserName", "quota"}, {"PolicyName", "one"}, {"PolicyDocument", half}});
  fails("PutUserPolicy", {{"UserName", "quota"}, {"PolicyName", "two"}, {"PolicyDocument", half}},
        ErrorCode::LimitExceeded, "Maximum policy size of 2048 bytes exceeded for user quota.");
  ok("PutUserPolicy", {{"UserName", "quota"}, {"PolicyName", "two"}, {"PolicyDocument", kDoc}});

  ok("CreateGroup", {{"GroupName", "gq"}});
  std::string big = big_doc(2400);
  ASSERT_LE(2 * policy_size(big), kGroupPolicySizeQuota);
  ASSERT_GT(3 * policy_size(big), kGroupPolicySizeQuota);
  ok("PutGroupPolicy", {{"GroupName", "gq"}, {"PolicyName", "one"}, {"PolicyDocument", big}});
  ok("PutGroupPolicy", {{"GroupName", "gq"}, {"PolicyName", "two"}, {"PolicyDocument", big}});
  fails("PutGroupPolicy", {{"GroupName", "gq"}, {"PolicyName", "three"}, {"PolicyDocument", big}},
        ErrorCode::LimitExceeded, "Maximum policy size of 5120 bytes exceeded for group gq.");
}

TEST_F(PoliciesTest, DeleteUserAndGroupConflicts) {
  std::string arn = create_policy("Held");
  ok("CreateUser", {{"UserName", "held"}});
  ok("CreateGroup", {{"GroupName", "heldg"}});
  ok("PutUserPolicy", {{"UserName", "held"}, {"PolicyName", "p"}, {"PolicyDocument", kDoc}});
  ok("AttachUserPolicy", {{"UserName", "held"}, {"PolicyArn", arn}});
  ok("PutGroupPolicy", {{"GroupName", "heldg"}, {"PolicyName", "p"}, {"PolicyDocument", kDoc}});
  ok("AttachGroupPolicy", {{"GroupName", "heldg"}, {"PolicyArn", arn}});

  fails("DeleteUser", {{"UserName", "held"}}, ErrorCode::DeleteConflict,
        "Cannot delete entity, must delete policies first.");
  ok("DeleteUserPolicy", {{"UserName", "held"}, {"PolicyName", "p"}});
  fails("DeleteUser", {{"UserName", "held"}}, ErrorCode::DeleteConflict,
        "Cannot delete entity, must detach all policies first.");
  ok("DetachUserPolicy", {{"UserName", "held"}, {"PolicyArn", arn}});
  ok("DeleteUser", {{"UserName", "held"}});

  fails("DeleteGroup", {{"GroupName", "heldg"}}, ErrorCode::DeleteConflict,
        "Cannot delete entity, must delete policies first.");
  ok("DeleteGroupPolicy", {{"GroupName", "heldg"}, {"PolicyName", "p"}});
  fails("DeleteGroup", {{"GroupName", "heldg"}}, ErrorCode::DeleteConflict,
        "Cannot delete entity, must detach all policies first.");
  ok("DetachGroupPolicy", {{"GroupName", "heldg"}, {"PolicyArn", arn}});
  ok("DeleteGroup", {{"GroupName", "heldg"}});
  ok("DeletePolicy", {{"PolicyArn", arn}});
}

// --- GetAccountAuthorizationDetails ------------------------------------------------------------

TEST_F(PoliciesTest, AuthorizationDetailsListEverythingEncoded) {
  std::string arn = create_policy("Detailed", kSpacedDoc);
  ok("CreatePolicyVersion", {{"PolicyArn", arn}, {"PolicyDocument", kDoc}});
  ok("CreateUser", {{"UserName", "dora"},
                    {"PermissionsBoundary", std::string(kReadOnly)},
                    {"Tags.member.1.Key", "team"},
                    {"Tags.member.1.Value", "x"}});
  ok("CreateGroup", {{"GroupName", "staff"}});
  ok("AddUserToGroup", {{"GroupName", "staff"}, {"UserName", "dora"}});
  ok("PutUserPolicy",
     {{"UserName", "dora"}, {"PolicyName", "own"}, {"PolicyDocument", kSpacedDoc}});
  ok("AttachUserPolicy", {{"UserName", "dora"}, {"PolicyArn", arn}});
  ok("PutGroupPolicy", {{"GroupName", "staff"}, {"PolicyName", "gp"}, {"PolicyDocument", kDoc}});
  ok("AttachGroupPolicy", {{"GroupName", "staff"}, {"PolicyArn", std::string(kAdmin)}});

  auto out = ok("GetAccountAuthorizationDetails", {});
  EXPECT_EQ(member_names(out.result),
            (std::vector<std::string>{"UserDetailList", "GroupDetailList", "RoleDetailList",
                                      "Policies", "IsTruncated"}));
  const api::OutNode& user = child(out.result, "UserDetailList")->children.at(0);
  EXPECT_EQ(member_names(user),
            (std::vector<std::string>{"Path", "UserName", "UserId", "Arn", "CreateDate",
                                      "UserPolicyList", "GroupList", "AttachedManagedPolicies",
                                      "PermissionsBoundary", "Tags"}));
  EXPECT_EQ(text(child(user, "UserPolicyList")->children.at(0), "PolicyDocument"),
            core::uri_encode(kSpacedDoc));
  EXPECT_EQ(child(user, "GroupList")->children.at(0).text, "staff");
  EXPECT_EQ(text(child(user, "AttachedManagedPolicies")->children.at(0), "PolicyArn"), arn);
  EXPECT_EQ(text(*child(user, "PermissionsBoundary"), "PermissionsBoundaryType"),
            "PermissionsBoundaryPolicy");
  const api::OutNode& group = child(out.result, "GroupDetailList")->children.at(0);
  EXPECT_EQ(member_names(group),
            (std::vector<std::string>{"Path", "GroupName", "GroupId", "Arn", "CreateDate",
                                      "GroupPolicyList", "AttachedManagedPolicies"}));
  EXPECT_EQ(text(child(group, "GroupPolicyList")->children.at(0), "PolicyDocument"),
            core::uri_encode(kDoc));
  EXPECT_TRUE(child(out.result, "RoleDetailList")->children.empty());

  // Policies: the account's own, and the AWS managed ones it uses (attached or as a boundary).
  auto names = list_texts(out, "Policies", "PolicyName");
  EXPECT_EQ(names, (std::vector<std::string>{"AdministratorAccess", "Detailed", "ReadOnlyAccess"}));
  const api::OutNode& detailed = child(out.result, "Policies")->children.at(1);
  EXPECT_EQ(
      member_names(detailed),
      (std::vector<std::string>{"PolicyName", "PolicyId", "Arn", "Path", "DefaultVersionId",
                                "AttachmentCount", "PermissionsBoundaryUsageCount", "IsAttachable",
                                "CreateDate", "UpdateDate", "PolicyVersionList"}));
  const auto& versions = child(detailed, "PolicyVersionList")->children;
  ASSERT_EQ(versions.size(), 2u);
  EXPECT_EQ(text(versions[0], "VersionId"), "v2");
  EXPECT_EQ(text(versions[0], "IsDefaultVersion"), "false");
  EXPECT_EQ(text(versions[1], "Document"), core::uri_encode(kSpacedDoc));
  EXPECT_EQ(text(versions[1], "IsDefaultVersion"), "true");

  // Filter.
  auto only = ok("GetAccountAuthorizationDetails",
                 {{"Filter.member.1", "LocalManagedPolicy"}, {"Filter.member.2", "Group"}});
  EXPECT_TRUE(child(only.result, "UserDetailList")->children.empty());
  EXPECT_EQ(list_texts(only, "GroupDetailList", "GroupName"), (std::vector<std::string>{"staff"}));
  EXPECT_EQ(list_texts(only, "Policies", "PolicyName"), (std::vector<std::string>{"Detailed"}));
  fails("GetAccountAuthorizationDetails", {{"Filter.member.1", "Everything"}},
        ErrorCode::ValidationError);

  // Paging across all four lists visits every item once.
  std::vector<std::string> seen;
  std::string marker;
  for (int pages = 0; pages < 20; ++pages) {
    Fields f{{"MaxItems", "1"}};
    if (!marker.empty()) f.emplace_back("Marker", marker);
    auto page = ok("GetAccountAuthorizationDetails", f);
    size_t items = 0;
    for (const auto& list : {"UserDetailList", "GroupDetailList", "RoleDetailList", "Policies"}) {
      items += child(page.result, list)->children.size();
    }
    EXPECT_EQ(items, 1u);
    for (const auto& n : list_texts(page, "UserDetailList", "UserName")) seen.push_back(n);
    for (const auto& n : list_texts(page, "GroupDetailList", "GroupName")) seen.push_back(n);
    for (const auto& n : list_texts(page, "Policies", "PolicyName")) seen.push_back(n);
    if (text(page.result, "IsTruncated") == "false") break;
    marker = text(page.result, "Marker");
  }
  EXPECT_EQ(seen, (std::vector<std::string>{"dora", "staff", "AdministratorAccess", "Detailed",
                                            "ReadOnlyAccess"}));
}

// --- authorization -----------------------------------------------------------------------------

TEST_F(PoliciesTest, CallersWithoutPermissionAreDenied) {
  ok("CreateUser", {{"UserName", "mallory"}});
  api::Caller mallory;
  mallory.type = api::PrincipalType::User;
  mallory.account = std::string(kAccount);
  mallory.arn = "arn:aws:iam::123456789012:user/mallory";
  mallory.name = "mallory";
  auto denied = call(mallory, "CreatePolicy", {{"PolicyName", "p"}, {"PolicyDocument", kDoc}});
  ASSERT_FALSE(denied);
  EXPECT_EQ(denied.error().code, ErrorCode::AccessDenied);
  // A denied caller learns nothing about which policies exist.
  auto probe = call(mallory, "GetPolicy", {{"PolicyArn", "arn:aws:iam::123456789012:policy/x"}});
  ASSERT_FALSE(probe);
  EXPECT_EQ(probe.error().code, ErrorCode::AccessDenied);
  auto attach = call(mallory, "AttachUserPolicy",
                     {{"UserName", "mallory"}, {"PolicyArn", std::string(kAdmin)}});
  ASSERT_FALSE(attach);
  EXPECT_EQ(attach.error().code, ErrorCode::AccessDenied);
}

}  // namespace
}  // namespace iamd::iam
