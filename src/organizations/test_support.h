#pragma once
// Test fixture for the Organizations handlers and SCP enforcement: an in-memory store, the authz
// view over it, the service, a management account, and helpers to call operations as root or as
// an IAM user (created straight in the store, with an access key so the view loads its policies).

#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "api/test_support.h"
#include "authz/test_support.h"
#include "authz/view.h"
#include "organizations/errors.h"
#include "organizations/service.h"
#include "store/entities.h"
#include "store/memory/memory_store.h"

namespace iamd::organizations::testing {

// params(), child(), text() and Fields, as the Organizations tests name them.
using namespace api::testing;  // NOLINT(google-build-using-namespace)
using authz::testing::NullSealer;
using authz::testing::SeededRandom;

/// The `field` of every item of list `list` in `out`.
inline std::vector<std::string> list_texts(const api::OutNode& out, std::string_view list,
                                           std::string_view field) {
  std::vector<std::string> v;
  const api::OutNode* l = child(out, list);
  if (l == nullptr) return v;
  for (const auto& item : l->children) v.push_back(text(item, field));
  return v;
}

inline constexpr std::string_view kManagement = "111111111111";
inline const std::string kScpDenyIam =
    R"({"Version":"2012-10-17","Statement":[{"Effect":"Deny","Action":"iam:*","Resource":"*"}]})";
inline const std::string kScpAllowS3 =
    R"({"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"s3:*","Resource":"*"}]})";
inline const std::string kAllowAll =
    R"({"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"*","Resource":"*"}]})";

class OrgTest : public ::testing::Test {
 protected:
  OrgTest() : view_(store_, sealer_), service_(Deps{store_, view_, random_}) {
    service_.register_operations(registry_);
    management_ = root_of(kManagement);
    EXPECT_TRUE(store_.write([&](store::Transaction& tx) -> core::Status {
      return store::Entities(tx).put_account(
          store::Account{std::string(kManagement), core::TimePoint{}, ""});
    }));
  }

  static api::Caller root_of(std::string_view account) {
    return authz::testing::root_caller(account);
  }

  /// An IAM user of `account` with `policy` inline (empty: none), written to the store.
  api::Caller user_of(std::string_view account, const std::string& name,
                      const std::string& policy) {
    return authz::testing::user_with_key(store_, random_, account, name, policy);
  }

  core::Result<api::Output> call(const api::Caller& caller, std::string_view action,
                                 const Fields& p = {}) {
    api::Context ctx;
    ctx.caller = caller;
    ctx.now = core::TimePoint(std::chrono::seconds(1700000000 + ++clock_));
    api::ParamNode tree = params(p);
    api::Input in(tree);
    const api::Operation* op = registry_.find("organizations", action);
    EXPECT_NE(op, nullptr) << action;
    if (op == nullptr) return core::Error{core::ErrorCode::UnknownOperationException, ""};
    return op->handler(ctx, in);
  }
  api::Output ok(std::string_view action, const Fields& p = {}) { return ok_as(management_, action, p); }
  api::Output ok_as(const api::Caller& caller, std::string_view action, const Fields& p = {}) {
    auto out = call(caller, action, p);
    EXPECT_TRUE(out) << action << ": " << (out ? "" : std::string(core::wire_code(out.error().code)) +
                                                          " " + out.error().message);
    return out ? std::move(*out) : api::Output{};
  }
  /// The error of a call that must fail with `code` (and `message` when given).
  core::Error fails_as(const api::Caller& caller, std::string_view action, const Fields& p,
                       core::ErrorCode code, std::string_view message = {}) {
    auto out = call(caller, action, p);
    EXPECT_FALSE(out) << action << " succeeded";
    if (out) return core::Error{core::ErrorCode::InternalFailure, ""};
    EXPECT_EQ(core::wire_code(out.error().code), core::wire_code(code))
        << action << ": " << out.error().message;
    if (!message.empty()) {
      EXPECT_EQ(out.error().message, message) << action;
    }
    return out.error();
  }
  core::Error fails(std::string_view action, const Fields& p, core::ErrorCode code,
                    std::string_view message = {}) {
    return fails_as(management_, action, p, code, message);
  }
  /// fails() with InvalidInputException and its Reason.
  void invalid(std::string_view action, const Fields& p, std::string_view reason) {
    core::Error e = fails(action, p, core::ErrorCode::InvalidInputException);
    EXPECT_EQ(error_reason(e), reason) << action << ": " << e.message;
  }

  // Shortcuts returning ids.
  std::string create_organization() {
    auto out = ok("CreateOrganization", {{"FeatureSet", "ALL"}});
    const api::OutNode* org = child(out.result, "Organization");
    return org == nullptr ? "" : text(*org, "Id");
  }
  std::string root_id() {
    auto ids = list_texts(ok("ListRoots").result, "Roots", "Id");
    return ids.empty() ? "" : ids.front();
  }
  std::string create_account(const std::string& name, const std::string& email) {
    auto out = ok("CreateAccount", {{"AccountName", name}, {"Email", email}});
    const api::OutNode* s = child(out.result, "CreateAccountStatus");
    return s == nullptr ? "" : text(*s, "AccountId");
  }
  std::string create_unit(const std::string& parent, const std::string& name) {
    auto out = ok("CreateOrganizationalUnit", {{"ParentId", parent}, {"Name", name}});
    const api::OutNode* u = child(out.result, "OrganizationalUnit");
    return u == nullptr ? "" : text(*u, "Id");
  }
  std::string create_scp(const std::string& name, const std::string& content) {
    auto out = ok("CreatePolicy", {{"Name", name},
                                   {"Description", "d"},
                                   {"Type", "SERVICE_CONTROL_POLICY"},
                                   {"Content", content}});
    const api::OutNode* p = child(out.result, "Policy");
    const api::OutNode* s = p == nullptr ? nullptr : child(*p, "PolicySummary");
    return s == nullptr ? "" : text(*s, "Id");
  }
  void enable_scps() {
    ok("EnablePolicyType", {{"RootId", root_id()}, {"PolicyType", "SERVICE_CONTROL_POLICY"}});
  }
  void attach(const std::string& policy, const std::string& target) {
    ok("AttachPolicy", {{"PolicyId", policy}, {"TargetId", target}});
  }
  void detach(const std::string& policy, const std::string& target) {
    ok("DetachPolicy", {{"PolicyId", policy}, {"TargetId", target}});
  }
  std::vector<std::string> scps_of(const std::string& target) {
    return list_texts(
        ok("ListPoliciesForTarget", {{"TargetId", target}, {"Filter", "SERVICE_CONTROL_POLICY"}})
            .result,
        "Policies", "Id");
  }

  /// The view's decision for `caller` performing `action` on `resource`.
  authz::Decision decide(const api::Caller& caller, std::string_view action,
                         std::string_view resource = "*") {
    api::Context ctx;
    ctx.caller = caller;
    ctx.now = core::TimePoint(std::chrono::seconds(1700000000));
    return view_.authorize(ctx, authz::Request{action, resource});
  }

  store::MemoryStore store_;
  NullSealer sealer_;
  SeededRandom random_{7};
  authz::View view_;
  Service service_;
  api::Registry registry_;
  api::Caller management_;
  int clock_ = 0;
};

}  // namespace iamd::organizations::testing
