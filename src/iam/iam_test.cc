// IAM handlers against the in-memory store: validation, conflicts, quotas and authorization, with
// no HTTP in the way.
#include <gtest/gtest.h>

#include <random>

#include "authz/view.h"
#include "core/arn.h"
#include "iam/service.h"
#include "iam/test_support.h"
#include "store/memory/memory_store.h"

namespace iamd::iam {
namespace {

using testing::child;
using testing::params;
using testing::TagSealer;
using testing::SeededRandom;

using core::ErrorCode;

class IamTest : public ::testing::Test {
 protected:
  IamTest() : view_(store_, sealer_), service_(Deps{store_, view_, random_, sealer_}) {
    service_.register_operations(registry_);
    root_.type = api::PrincipalType::Root;
    root_.account = "123456789012";
    root_.arn = core::root_arn(root_.account);
    root_.user_id = root_.account;
  }

  core::Result<api::Output> call(const api::Caller& caller, std::string_view action,
                                 std::initializer_list<std::pair<std::string, std::string>> p) {
    api::Context ctx;
    ctx.caller = caller;
    ctx.now = core::TimePoint(std::chrono::seconds(1700000000));
    api::ParamNode tree = params(p);
    api::Input in(tree);
    const api::Operation* op = registry_.find("iam", action);
    EXPECT_NE(op, nullptr) << action;
    return op->handler(ctx, in);
  }
  core::Result<api::Output> root_call(std::string_view action,
                                      std::initializer_list<std::pair<std::string, std::string>> p) {
    return call(root_, action, p);
  }

  store::MemoryStore store_;
  SeededRandom random_{42};
  TagSealer sealer_;
  authz::View view_;
  Service service_;
  api::Registry registry_;
  api::Caller root_;
};

TEST_F(IamTest, CreateUserReturnsAwsShapes) {
  auto out = root_call("CreateUser", {{"UserName", "alice"}, {"Path", "/eng/"}});
  ASSERT_TRUE(out) << out.error().message;
  const api::OutNode* user = child(out->result, "User");
  ASSERT_NE(user, nullptr);
  EXPECT_EQ(child(*user, "Arn")->text, "arn:aws:iam::123456789012:user/eng/alice");
  EXPECT_EQ(child(*user, "UserId")->text.substr(0, 4), "AIDA");
  EXPECT_EQ(child(*user, "CreateDate")->text, "2023-11-14T22:13:20Z");
}

TEST_F(IamTest, DuplicateNamesDifferingInCaseConflict) {
  ASSERT_TRUE(root_call("CreateUser", {{"UserName", "Admins"}}));
  auto again = root_call("CreateUser", {{"UserName", "ADMINS"}});
  ASSERT_FALSE(again);
  EXPECT_EQ(again.error().code, ErrorCode::EntityAlreadyExists);
  EXPECT_EQ(again.error().message, "User with name ADMINS already exists.");
}

TEST_F(IamTest, InvalidInputWritesNothing) {
  auto bad = root_call("CreateUser", {{"UserName", "ok"}, {"Tags.member.1.Key", "aws:reserved"},
                                      {"Tags.member.1.Value", "x"}});
  ASSERT_FALSE(bad);
  EXPECT_EQ(bad.error().code, ErrorCode::InvalidInput);
  auto get = root_call("GetUser", {{"UserName", "ok"}});
  ASSERT_FALSE(get);
  EXPECT_EQ(get.error().code, ErrorCode::NoSuchEntity);
}

TEST_F(IamTest, AccessKeysAreSealedAndLimited) {
  ASSERT_TRUE(root_call("CreateUser", {{"UserName", "bob"}}));
  auto k1 = root_call("CreateAccessKey", {{"UserName", "bob"}});
  ASSERT_TRUE(k1);
  const api::OutNode* key = child(k1->result, "AccessKey");
  std::string id = child(*key, "AccessKeyId")->text;
  std::string secret = child(*key, "SecretAccessKey")->text;
  ASSERT_TRUE(root_call("CreateAccessKey", {{"UserName", "bob"}}));
  auto k3 = root_call("CreateAccessKey", {{"UserName", "bob"}});
  ASSERT_FALSE(k3);
  EXPECT_EQ(k3.error().code, ErrorCode::LimitExceeded);

  // The store holds the sealed form; the view opens it for authentication.
  ASSERT_TRUE(store_.read([&](store::Transaction& tx) -> core::Status {
    auto raw = tx.get("accesskey/" + id);
    EXPECT_TRUE(raw && raw->has_value());
    EXPECT_EQ((*raw)->find(secret), std::string::npos);
    return {};
  }));
  auto cred = view_.find_credential(id);
  ASSERT_NE(cred, nullptr);
  EXPECT_EQ(cred->secret.reveal(), secret);
  EXPECT_EQ(cred->caller.arn, "arn:aws:iam::123456789012:user/bob");
  EXPECT_EQ(cred->caller.type, api::PrincipalType::User);

  ASSERT_TRUE(root_call("UpdateAccessKey",
                        {{"UserName", "bob"}, {"AccessKeyId", id}, {"Status", "Inactive"}}));
  EXPECT_FALSE(view_.find_credential(id)->active);
  ASSERT_TRUE(root_call("DeleteAccessKey", {{"UserName", "bob"}, {"AccessKeyId", id}}));
  EXPECT_EQ(view_.find_credential(id), nullptr);
}

TEST_F(IamTest, UsersMayOnlyAskWhoTheyAre) {
  ASSERT_TRUE(root_call("CreateUser", {{"UserName", "carol"}}));
  api::Caller carol;
  carol.type = api::PrincipalType::User;
  carol.account = root_.account;
  carol.arn = "arn:aws:iam::123456789012:user/carol";
  carol.name = "carol";
  auto denied = call(carol, "CreateUser", {{"UserName", "mallory"}});
  ASSERT_FALSE(denied);
  EXPECT_EQ(denied.error().code, ErrorCode::AccessDenied);
  EXPECT_EQ(denied.error().message,
            "User: arn:aws:iam::123456789012:user/carol is not authorized to perform: "
            "iam:CreateUser on resource: arn:aws:iam::123456789012:user/mallory because no "
            "identity-based policy allows the iam:CreateUser action");
  // A denied caller learns nothing about which users exist.
  auto probe = call(carol, "GetUser", {{"UserName", "nobody"}});
  ASSERT_FALSE(probe);
  EXPECT_EQ(probe.error().code, ErrorCode::AccessDenied);
}

TEST_F(IamTest, GroupsBlockDeletionUntilEmpty) {
  ASSERT_TRUE(root_call("CreateUser", {{"UserName", "dan"}}));
  ASSERT_TRUE(root_call("CreateGroup", {{"GroupName", "ops"}}));
  ASSERT_TRUE(root_call("AddUserToGroup", {{"GroupName", "ops"}, {"UserName", "dan"}}));
  auto del_group = root_call("DeleteGroup", {{"GroupName", "ops"}});
  ASSERT_FALSE(del_group);
  EXPECT_EQ(del_group.error().code, ErrorCode::DeleteConflict);
  auto del_user = root_call("DeleteUser", {{"UserName", "dan"}});
  ASSERT_FALSE(del_user);
  EXPECT_EQ(del_user.error().code, ErrorCode::DeleteConflict);
  ASSERT_TRUE(root_call("RemoveUserFromGroup", {{"GroupName", "ops"}, {"UserName", "dan"}}));
  EXPECT_TRUE(root_call("DeleteUser", {{"UserName", "dan"}}));
  EXPECT_TRUE(root_call("DeleteGroup", {{"GroupName", "ops"}}));
}

TEST_F(IamTest, PasswordPolicyIsEnforced) {
  ASSERT_TRUE(root_call("CreateUser", {{"UserName", "erin"}}));
  ASSERT_TRUE(root_call("UpdateAccountPasswordPolicy",
                        {{"MinimumPasswordLength", "10"}, {"RequireNumbers", "true"}}));
  auto weak = root_call("CreateLoginProfile", {{"UserName", "erin"}, {"Password", "abcdefghij"}});
  ASSERT_FALSE(weak);
  EXPECT_EQ(weak.error().code, ErrorCode::PasswordPolicyViolation);
  EXPECT_EQ(weak.error().message.find("abcdefghij"), std::string::npos);
  EXPECT_TRUE(root_call("CreateLoginProfile", {{"UserName", "erin"}, {"Password", "abcdefghi1"}}));
}

TEST_F(IamTest, PaginationCoversEveryUserOnce) {
  for (int i = 0; i < 9; ++i) {
    ASSERT_TRUE(root_call("CreateUser", {{"UserName", "u" + std::to_string(i)}}));
  }
  std::vector<std::string> seen;
  std::string marker;
  for (int pages = 0; pages < 10; ++pages) {
    auto out = marker.empty() ? root_call("ListUsers", {{"MaxItems", "4"}})
                              : root_call("ListUsers", {{"MaxItems", "4"}, {"Marker", marker}});
    ASSERT_TRUE(out);
    for (const auto& u : child(out->result, "Users")->children) {
      seen.push_back(child(u, "UserName")->text);
    }
    if (child(out->result, "IsTruncated")->text == "false") break;
    marker = child(out->result, "Marker")->text;
  }
  EXPECT_EQ(seen.size(), 9u);
  std::sort(seen.begin(), seen.end());
  EXPECT_EQ(std::unique(seen.begin(), seen.end()), seen.end());
}

}  // namespace
}  // namespace iamd::iam
