// STS against the in-memory store: the keyring's lifecycle, AssumeRole decisions (trust-policy
// forms, ExternalId, MFA, durations, chaining, session tags and transitive tags, source identity,
// session policies), session authentication (tampered, foreign, expired tokens with a manual
// clock), how sessions are authorized afterwards (role policies, session policies, revocation,
// GetSessionToken and GetFederationToken restrictions), GetAccessKeyInfo and
// DecodeAuthorizationMessage.
#include <gtest/gtest.h>

#include "api/test_support.h"
#include "auth/totp.h"
#include "authz/test_support.h"
#include "authz/view.h"
#include "core/arn.h"
#include "core/time_format.h"
#include "crypto/base64.h"
#include "iam/mfa.h"
#include "iam/service.h"
#include "store/keyring.h"
#include "store/memory/memory_store.h"
#include "store/roles.h"
#include "sts/authenticate.h"
#include "sts/authorization_message.h"
#include "sts/common.h"
#include "sts/service.h"

namespace iamd::sts {
namespace {

using api::testing::child;
using api::testing::params;
using api::testing::text;
using authz::testing::root_caller;
using authz::testing::SeededRandom;
using core::ErrorCode;
using Params = api::testing::Fields;

constexpr std::int64_t kNow = 1700000000;  // 1700000000 % 30 == 20
constexpr char kAccount[] = "123456789012";
constexpr char kOther[] = "210987654321";

core::TimePoint at(std::int64_t seconds) { return core::TimePoint(std::chrono::seconds(seconds)); }

// Seals by tagging with the context, so a value moved to another record does not open.
class TagSealer final : public core::Sealer {
 public:
  std::string seal(std::string_view plaintext, std::string_view context) override {
    return std::string(context) + "|" + std::string(plaintext);
  }
  core::Result<core::Secret> open(std::string_view sealed, std::string_view context) const override {
    std::string prefix = std::string(context) + "|";
    if (!sealed.starts_with(prefix)) {
      return core::Error{ErrorCode::ServiceFailure, "sealed for another context"};
    }
    return core::Secret(std::string(sealed.substr(prefix.size())));
  }
};

std::string trust(const std::string& principal_json, const std::string& extra = "",
                  const std::string& actions = R"("sts:AssumeRole")") {
  return R"({"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":)" +
         principal_json + R"(,"Action":[)" + actions + "]" + extra + "}]}";
}

std::string allow(const std::string& action, const std::string& resource = "*",
                  const std::string& extra = "") {
  return R"({"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":")" + action +
         R"(","Resource":")" + resource + "\"" + extra + "}]}";
}

struct App {
  std::string serial;
  std::string key;
  std::string code(std::int64_t unix_seconds) const {
    return auth::totp::hotp(crypto::as_bytes(key),
                            static_cast<std::uint64_t>(unix_seconds / auth::totp::kStepSeconds));
  }
};

// Temporary credentials as a client holds them.
struct Creds {
  std::string key_id;
  std::string secret;
  std::string token;
  std::string arn;
  std::string id;
};

class StsTest : public ::testing::Test {
 protected:
  StsTest()
      : view_(store_, sealer_),
        iam_(iam::Deps{store_, view_, random_, sealer_}),
        sts_(Deps{store_, view_, random_, sealer_}) {
    iam_.register_operations(registry_);
    sts_.register_operations(registry_);
    root_ = root_caller(kAccount);
    EXPECT_TRUE(store_.write([&](store::Transaction& tx) -> core::Status {
      IAMD_TRY(store::Entities(tx).put_account(store::Account{kAccount, {}, ""}));
      return store::Entities(tx).put_account(store::Account{kOther, {}, ""});
    }));
    auto kr = store::maintain_keyring(store_, sealer_, random_, at(kNow));
    EXPECT_TRUE(kr && *kr);
  }

  core::Result<api::Output> call(const api::Caller& caller, std::string_view service,
                                 std::string_view action, const Params& p,
                                 std::int64_t now = kNow) {
    api::Context ctx;
    ctx.caller = caller;
    ctx.now = at(now);
    notes_ = {};
    ctx.audit = &notes_;
    api::ParamNode tree = params(p);
    api::Input in(tree);
    const api::Operation* op = registry_.find(service, action);
    EXPECT_NE(op, nullptr) << action;
    if (op == nullptr) return core::Error{ErrorCode::InvalidAction, std::string(action)};
    return op->handler(ctx, in);
  }
  void root_iam(std::string_view action, const Params& p, const api::Caller* root = nullptr) {
    auto out = call(root ? *root : root_, "iam", action, p);
    ASSERT_TRUE(out) << action << ": " << out.error().message;
  }

  // A user with an access key (the view knows the policies of users with keys), and optionally
  // an inline policy.
  api::Caller user(const std::string& name, const std::string& policy = "",
                   const std::string& account = kAccount) {
    api::Caller root = root_caller(account);
    root_iam("CreateUser", {{"UserName", name}}, &root);
    root_iam("CreateAccessKey", {{"UserName", name}}, &root);
    if (!policy.empty()) {
      root_iam("PutUserPolicy",
               {{"UserName", name}, {"PolicyName", "p"}, {"PolicyDocument", policy}}, &root);
    }
    auto out = call(root, "iam", "GetUser", {{"UserName", name}});
    EXPECT_TRUE(out);
    api::Caller c;
    c.type = api::PrincipalType::User;
    c.account = account;
    c.name = name;
    c.path = "/";
    c.arn = core::iam_arn(account, "user", "/", name);
    c.user_id = text(out->result, "User/UserId");
    return c;
  }

  std::string role(const std::string& name, const std::string& trust_policy,
                   const std::string& policy = "", const Params& extra = {},
                   const std::string& account = kAccount) {
    api::Caller root = root_caller(account);
    Params p{{"RoleName", name}, {"AssumeRolePolicyDocument", trust_policy}};
    p.insert(p.end(), extra.begin(), extra.end());
    root_iam("CreateRole", p, &root);
    if (!policy.empty()) {
      root_iam("PutRolePolicy",
               {{"RoleName", name}, {"PolicyName", "p"}, {"PolicyDocument", policy}}, &root);
    }
    return "arn:aws:iam::" + account + ":role/" + name;
  }

  core::Result<api::Output> assume(const api::Caller& caller, const std::string& role_arn,
                                   Params extra = {}, std::int64_t now = kNow) {
    Params p{{"RoleArn", role_arn}, {"RoleSessionName", "s1"}};
    for (auto& kv : extra) {
      auto it = std::find_if(p.begin(), p.end(), [&](auto& e) { return e.first == kv.first; });
      if (it != p.end()) {
        it->second = kv.second;
      } else {
        p.push_back(kv);
      }
    }
    return call(caller, "sts", "AssumeRole", p, now);
  }

  static Creds creds(const api::Output& out) {
    Creds c;
    c.key_id = text(out.result, "Credentials/AccessKeyId");
    c.secret = text(out.result, "Credentials/SecretAccessKey");
    c.token = text(out.result, "Credentials/SessionToken");
    c.arn = text(out.result, "AssumedRoleUser/Arn");
    c.id = text(out.result, "AssumedRoleUser/AssumedRoleId");
    return c;
  }

  // The caller the Query endpoint would see for these credentials.
  api::Caller session_caller(const Creds& c, std::int64_t now = kNow) {
    auto caller = authenticate_session(view_, c.token, c.key_id, at(now));
    EXPECT_TRUE(caller) << (caller ? "" : caller.error().message);
    return caller ? *caller : api::Caller{};
  }
  api::Caller assumed(const api::Caller& caller, const std::string& role_arn, Params extra = {},
                      std::int64_t now = kNow) {
    auto out = assume(caller, role_arn, std::move(extra), now);
    EXPECT_TRUE(out) << (out ? "" : out.error().message);
    if (!out) return {};
    return session_caller(creds(*out), now);
  }

  bool allowed(const api::Caller& caller, std::string_view action, std::string_view resource = "*",
               std::int64_t now = kNow) {
    api::Context ctx;
    ctx.caller = caller;
    ctx.now = at(now);
    notes_ = {};
    ctx.audit = &notes_;
    return view_.authorize(ctx, authz::Request{action, resource}).allowed;
  }

  App mfa_device(const std::string& user_name) {
    auto out = call(root_, "iam", "CreateVirtualMFADevice",
                    {{"VirtualMFADeviceName", user_name + "-mfa"}});
    EXPECT_TRUE(out);
    App app;
    app.serial = text(out->result, "VirtualMFADevice/SerialNumber");
    auto seed = crypto::base64_decode(text(out->result, "VirtualMFADevice/Base32StringSeed"));
    app.key = *auth::totp::base32_decode(*seed);
    // Enabled with the two codes before kNow's step, so that kNow's code is still unspent.
    auto en = call(root_, "iam", "EnableMFADevice",
                   {{"UserName", user_name},
                    {"SerialNumber", app.serial},
                    {"AuthenticationCode1", app.code(kNow - 60)},
                    {"AuthenticationCode2", app.code(kNow - 30)}},
                   kNow - 30);
    EXPECT_TRUE(en) << (en ? "" : en.error().message);
    return app;
  }

  static void expect_error(const core::Result<api::Output>& out, ErrorCode code,
                           const std::string& message = "") {
    ASSERT_FALSE(out);
    EXPECT_EQ(out.error().code, code) << out.error().message;
    if (!message.empty()) {
      EXPECT_EQ(out.error().message, message);
    }
  }

  store::MemoryStore store_;
  SeededRandom random_{11};
  TagSealer sealer_;
  authz::View view_;
  iam::Service iam_;
  Service sts_;
  api::Registry registry_;
  api::AuditNotes notes_;  // what the latest call noted for the audit trail
  api::Caller root_;
};

// --- keyring -----------------------------------------------------------------------------------

TEST_F(StsTest, KeyringIsCreatedRotatedAndPruned) {
  ASSERT_EQ(view_.keyring()->active_id(), 1u);
  // Nothing due: no write, so the view is not invalidated.
  auto gen = store_.generation();
  auto again = store::maintain_keyring(store_, sealer_, random_, at(kNow + 3600));
  ASSERT_TRUE(again);
  EXPECT_FALSE(*again);
  EXPECT_EQ(store_.generation(), gen);

  auto bob = user("bob");
  auto arn = role("r", trust(R"({"AWS":")" + bob.arn + "\"}"));
  auto first = assume(bob, arn);
  ASSERT_TRUE(first);

  // After 24 h a new key seals; the old one still opens until 36 h after its retirement.
  const std::int64_t day = 24 * 3600;
  auto rotated = store::maintain_keyring(store_, sealer_, random_, at(kNow + day));
  ASSERT_TRUE(rotated);
  EXPECT_TRUE(*rotated);
  EXPECT_EQ(view_.keyring()->active_id(), 2u);
  EXPECT_NE(view_.keyring()->find(1), nullptr);
  EXPECT_TRUE(auth::open_session(creds(*first).token, *view_.keyring()));
  auto second = assume(bob, arn, {}, kNow + day);
  ASSERT_TRUE(second);
  auto opened = auth::open_session(creds(*second).token, *view_.keyring());
  ASSERT_TRUE(opened);

  ASSERT_TRUE(store::maintain_keyring(store_, sealer_, random_, at(kNow + day + 35 * 3600)));
  EXPECT_NE(view_.keyring()->find(1), nullptr);
  ASSERT_TRUE(store::maintain_keyring(store_, sealer_, random_, at(kNow + day + 36 * 3600)));
  EXPECT_EQ(view_.keyring()->find(1), nullptr);
  EXPECT_FALSE(auth::open_session(creds(*first).token, *view_.keyring()));
  EXPECT_TRUE(auth::open_session(creds(*second).token, *view_.keyring()));
}

TEST_F(StsTest, KeyringKeysAreSealedWithTheMasterKey) {
  ASSERT_TRUE(store_.read([&](store::Transaction& tx) -> core::Status {
    auto keys = store::KeyringEntities(tx).all();
    EXPECT_TRUE(keys);
    EXPECT_EQ(keys->size(), 1u);
    EXPECT_TRUE(keys->front().sealed_key.starts_with("keyring/0000000001|"));
    EXPECT_FALSE(keys->front().retired);
    return {};
  }));
}

// --- trust-policy forms ------------------------------------------------------------------------

TEST_F(StsTest, TrustNamingTheUserSufficesWithinTheAccount) {
  auto bob = user("bob");  // no identity policy at all
  auto arn = role("direct", trust(R"({"AWS":")" + bob.arn + "\"}"));
  auto out = assume(bob, arn);
  ASSERT_TRUE(out) << out.error().message;
  Creds c = creds(*out);
  EXPECT_TRUE(c.key_id.starts_with("ASIA")) << c.key_id;
  EXPECT_EQ(c.key_id.size(), 20u);
  EXPECT_EQ(c.secret.size(), 40u);
  EXPECT_EQ(c.arn, "arn:aws:sts::123456789012:assumed-role/direct/s1");
  EXPECT_TRUE(c.id.starts_with("AROA")) << c.id;
  EXPECT_TRUE(c.id.ends_with(":s1"));
  EXPECT_EQ(text(out->result, "Credentials/Expiration"), core::format_iso8601(at(kNow + 3600)));
  EXPECT_EQ(child(out->result, "PackedPolicySize"), nullptr);

  auto caller = session_caller(c);
  EXPECT_EQ(caller.type, api::PrincipalType::AssumedRole);
  EXPECT_EQ(caller.arn, c.arn);
  EXPECT_EQ(caller.user_id, c.id);
  auto who = call(caller, "sts", "GetCallerIdentity", {});
  ASSERT_TRUE(who);
  EXPECT_EQ(text(who->result, "Arn"), c.arn);
  EXPECT_EQ(text(who->result, "UserId"), c.id);
  EXPECT_EQ(text(who->result, "Account"), kAccount);
}

TEST_F(StsTest, TrustNamingTheAccountNeedsTheIdentityAllow) {
  auto arn = role("acct", trust(R"({"AWS":"arn:aws:iam::123456789012:root"})"));
  auto bob = user("bob");
  auto denied = assume(bob, arn);
  expect_error(denied, ErrorCode::AccessDenied,
               "User: arn:aws:iam::123456789012:user/bob is not authorized to perform: "
               "sts:AssumeRole on resource: " +
                   arn + " because no identity-based policy allows the sts:AssumeRole action");
  auto carol = user("carol", allow("sts:AssumeRole", arn));
  EXPECT_TRUE(assume(carol, arn));
  // An identity Allow alone never suffices: the trust policy must name the caller or account.
  auto other = role("other", trust(R"({"Service":"ec2.amazonaws.com"})"));
  auto dave = user("dave", allow("sts:AssumeRole"));
  expect_error(assume(dave, other), ErrorCode::AccessDenied,
               "User: arn:aws:iam::123456789012:user/dave is not authorized to perform: "
               "sts:AssumeRole on resource: " + other);
}

TEST_F(StsTest, CrossAccountNeedsBothSides) {
  // Account B's role trusts account A; A's user needs an identity Allow as well.
  auto arn = role("third-party", trust(R"({"AWS":"123456789012"})"), "", {}, kOther);
  auto bob = user("bob");
  expect_error(assume(bob, arn), ErrorCode::AccessDenied);
  auto carol = user("carol", allow("sts:AssumeRole", arn));
  auto out = assume(carol, arn);
  ASSERT_TRUE(out) << out.error().message;
  EXPECT_EQ(creds(*out).arn, "arn:aws:sts::210987654321:assumed-role/third-party/s1");
  EXPECT_EQ(session_caller(creds(*out)).account, kOther);
  EXPECT_EQ(notes_.other_account, kOther);  // the role's account gets its own copy of the event
  // Naming the user directly is not enough across accounts either.
  auto direct = role("direct-x", trust(R"({"AWS":")" + bob.arn + "\"}"), "", {}, kOther);
  expect_error(assume(bob, direct), ErrorCode::AccessDenied);
}

TEST_F(StsTest, UnknownRolesAndRootAreRefused) {
  auto bob = user("bob", allow("sts:AssumeRole"));
  expect_error(assume(bob, "arn:aws:iam::123456789012:role/nope"), ErrorCode::AccessDenied,
               "User: arn:aws:iam::123456789012:user/bob is not authorized to perform: "
               "sts:AssumeRole on resource: arn:aws:iam::123456789012:role/nope");
  auto arn = role("r", trust(R"({"AWS":"arn:aws:iam::123456789012:root"})"));
  expect_error(assume(root_, arn), ErrorCode::AccessDenied,
               "Roles may not be assumed by root accounts.");
  expect_error(assume(bob, "arn:aws:s3:::not-a-role-at-all"), ErrorCode::ValidationError,
               "arn:aws:s3:::not-a-role-at-all is invalid");
  // Role ARNs are exact: a path must be given as the role has it.
  role("pathed", trust(R"({"AWS":")" + bob.arn + "\"}"), "", {{"Path", "/team/"}});
  expect_error(assume(bob, "arn:aws:iam::123456789012:role/pathed"), ErrorCode::AccessDenied);
  auto pathed = assume(bob, "arn:aws:iam::123456789012:role/team/pathed");
  ASSERT_TRUE(pathed);
  EXPECT_EQ(creds(*pathed).arn, "arn:aws:sts::123456789012:assumed-role/pathed/s1");
}

TEST_F(StsTest, ExternalId) {
  auto arn = role("vendor", trust(R"({"AWS":"123456789012"})",
                                  R"(,"Condition":{"StringEquals":{"sts:ExternalId":"ext-123"}})"));
  auto bob = user("bob", allow("sts:AssumeRole"));
  expect_error(assume(bob, arn), ErrorCode::AccessDenied);
  expect_error(assume(bob, arn, {{"ExternalId", "ext-124"}}), ErrorCode::AccessDenied);
  EXPECT_TRUE(assume(bob, arn, {{"ExternalId", "ext-123"}}));
  expect_error(assume(bob, arn, {{"ExternalId", "x"}}), ErrorCode::ValidationError,
               "1 validation error detected: Value 'x' at 'externalId' failed to satisfy "
               "constraint: Member must have length greater than or equal to 2");
}

TEST_F(StsTest, MfaConditionsAndCodes) {
  auto arn = role("admin",
                  trust(R"({"AWS":"123456789012"})",
                        R"(,"Condition":{"Bool":{"aws:MultiFactorAuthPresent":"true"}})"),
                  allow("iam:ListUsers", "*",
                        R"(,"Condition":{"NumericLessThan":{"aws:MultiFactorAuthAge":"600"}})"));
  auto bob = user("bob", allow("sts:AssumeRole"));
  App app = mfa_device("bob");
  expect_error(assume(bob, arn), ErrorCode::AccessDenied);
  expect_error(assume(bob, arn, {{"SerialNumber", app.serial}, {"TokenCode", "000000"}}),
               ErrorCode::AccessDenied, std::string(iam::kMfaFailedMessage));
  expect_error(assume(bob, arn, {{"SerialNumber", app.serial}}), ErrorCode::AccessDenied,
               std::string(iam::kMfaFailedMessage));
  auto out = assume(bob, arn, {{"SerialNumber", app.serial}, {"TokenCode", app.code(kNow)}});
  ASSERT_TRUE(out) << out.error().message;
  // A code is spent once.
  expect_error(assume(bob, arn, {{"SerialNumber", app.serial}, {"TokenCode", app.code(kNow)}}),
               ErrorCode::AccessDenied, std::string(iam::kMfaFailedMessage));
  // The session records MFA: aws:MultiFactorAuthPresent and aws:MultiFactorAuthAge hold on its
  // requests.
  auto session = session_caller(creds(*out));
  EXPECT_TRUE(session.session->mfa_present);
  EXPECT_TRUE(allowed(session, "iam:ListUsers", "*", kNow + 100));
  EXPECT_FALSE(allowed(session, "iam:ListUsers", "*", kNow + 700));
  // Another user's device is refused.
  auto carol = user("carol", allow("sts:AssumeRole"));
  expect_error(assume(carol, arn, {{"SerialNumber", app.serial}, {"TokenCode", app.code(kNow + 30)}},
                      kNow + 30),
               ErrorCode::AccessDenied, std::string(iam::kMfaFailedMessage));
}

TEST_F(StsTest, MfaAgeCondition) {
  auto arn = role("fresh",
                  trust(R"({"AWS":"123456789012"})",
                        R"(,"Condition":{"NumericLessThan":{"aws:MultiFactorAuthAge":"3600"}})"));
  auto bob = user("bob", allow("sts:AssumeRole"));
  App app = mfa_device("bob");
  expect_error(assume(bob, arn), ErrorCode::AccessDenied);  // absent: the condition fails
  EXPECT_TRUE(assume(bob, arn, {{"SerialNumber", app.serial}, {"TokenCode", app.code(kNow)}}));
  // GetSessionToken with MFA an hour ago: the session's MFA is too old.
  auto sts = call(bob, "sts", "GetSessionToken",
                  {{"SerialNumber", app.serial}, {"TokenCode", app.code(kNow + 30)}}, kNow + 30);
  ASSERT_TRUE(sts) << sts.error().message;
  Creds c = creds(*sts);
  auto session = session_caller(c, kNow + 60);
  EXPECT_TRUE(assume(session, arn, {}, kNow + 60));
  expect_error(assume(session, arn, {}, kNow + 30 + 3600), ErrorCode::AccessDenied);
}

// --- durations and chaining --------------------------------------------------------------------

TEST_F(StsTest, Durations) {
  auto bob = user("bob");
  auto arn = role("r", trust(R"({"AWS":")" + bob.arn + "\"}"));
  expect_error(assume(bob, arn, {{"DurationSeconds", "899"}}), ErrorCode::ValidationError,
               "1 validation error detected: Value '899' at 'durationSeconds' failed to satisfy "
               "constraint: Member must have value greater than or equal to 900");
  expect_error(assume(bob, arn, {{"DurationSeconds", "43201"}}), ErrorCode::ValidationError,
               "1 validation error detected: Value '43201' at 'durationSeconds' failed to satisfy "
               "constraint: Member must have value less than or equal to 43200");
  expect_error(assume(bob, arn, {{"DurationSeconds", "3601"}}), ErrorCode::ValidationError,
               "The requested DurationSeconds exceeds the MaxSessionDuration set for this role.");
  auto out = assume(bob, arn, {{"DurationSeconds", "900"}});
  ASSERT_TRUE(out);
  EXPECT_EQ(text(out->result, "Credentials/Expiration"), core::format_iso8601(at(kNow + 900)));
  auto longer = role("long", trust(R"({"AWS":")" + bob.arn + "\"}"), "",
                     {{"MaxSessionDuration", "43200"}});
  EXPECT_TRUE(assume(bob, longer, {{"DurationSeconds", "43200"}}));
}

TEST_F(StsTest, RoleChainingIsCappedAtOneHour) {
  auto bob = user("bob");
  auto first = role("first", trust(R"({"AWS":")" + bob.arn + "\"}"), "",
                    {{"MaxSessionDuration", "43200"}});
  auto second = role("second", trust(R"({"AWS":")" + first + "\"}"), "",
                     {{"MaxSessionDuration", "43200"}});
  auto s1 = assumed(bob, first, {{"DurationSeconds", "7200"}});
  expect_error(assume(s1, second, {{"DurationSeconds", "7200"}}), ErrorCode::ValidationError,
               "The requested DurationSeconds exceeds the 1 hour session limit for roles assumed "
               "by role chaining.");
  auto out = assume(s1, second);
  ASSERT_TRUE(out) << out.error().message;
  auto s2 = session_caller(creds(*out));
  EXPECT_TRUE(s2.session->chained);
  EXPECT_EQ(s2.session->source_arn, s1.arn);
  // A role session may not assume a role that does not trust its role.
  auto third = role("third", trust(R"({"AWS":")" + bob.arn + "\"}"));
  expect_error(assume(s1, third), ErrorCode::AccessDenied);
  // Trust naming the exact session ARN.
  auto fourth = role("fourth", trust(R"({"AWS":")" + s1.arn + "\"}"));
  EXPECT_TRUE(assume(s1, fourth));
}

TEST_F(StsTest, ChainingThroughARoleTrustIsCappedByTheSessionPolicy) {
  auto bob = user("bob");
  auto first = role("first", trust(R"({"AWS":")" + bob.arn + "\"}"));
  auto second = role("second", trust(R"({"AWS":")" + first + "\"}"));
  // A session policy that does not allow sts:AssumeRole caps a grant to the role ARN.
  auto capped = assumed(bob, first, {{"Policy", allow("s3:GetObject")}});
  expect_error(assume(capped, second), ErrorCode::AccessDenied);
  auto free = assumed(bob, first, {{"Policy", allow("sts:AssumeRole")}});
  EXPECT_TRUE(assume(free, second));
}

// --- tags and source identity ------------------------------------------------------------------

TEST_F(StsTest, SessionTagsNeedTagSessionAndCarryTransitively) {
  auto bob = user("bob");
  const std::string bob_principal = R"({"AWS":")" + bob.arn + "\"}";
  auto no_tags = role("no-tags", trust(bob_principal));
  expect_error(assume(bob, no_tags, {{"Tags.member.1.Key", "team"}, {"Tags.member.1.Value", "x"}}),
               ErrorCode::AccessDenied,
               "User: arn:aws:iam::123456789012:user/bob is not authorized to perform: "
               "sts:TagSession on resource: " + no_tags);

  auto first = role("first", trust(bob_principal, "", R"("sts:AssumeRole","sts:TagSession")"),
                    "", {{"Tags.member.1.Key", "Team"}, {"Tags.member.1.Value", "role-tag"}});
  // The second role's sessions may list users only for team "blue"; its trust lets the first
  // role's sessions in, with the tags they carry.
  auto second =
      role("second",
           trust(R"({"AWS":")" + first + "\"}", "", R"("sts:AssumeRole","sts:TagSession")"),
           allow("iam:ListUsers", "*",
                 R"(,"Condition":{"StringEquals":{"aws:PrincipalTag/team":"blue"}})"));
  auto s1 = assumed(bob, first,
                    {{"Tags.member.1.Key", "team"},
                     {"Tags.member.1.Value", "blue"},
                     {"Tags.member.2.Key", "cost"},
                     {"Tags.member.2.Value", "c1"},
                     {"TransitiveTagKeys.member.1", "team"}});
  // The chained session inherits the transitive tag "team" only.
  auto s2 = assumed(s1, second);
  EXPECT_TRUE(allowed(s2, "iam:ListUsers"));
  ASSERT_EQ(s2.session->tags.size(), 1u);
  EXPECT_EQ(s2.session->tags[0].first, "team");
  EXPECT_EQ(s2.session->transitive_tag_keys, std::vector<std::string>{"team"});
  // And hands it on again through a second hop.
  auto third = role("third",
                    trust(R"({"AWS":")" + second + "\"}", "", R"("sts:AssumeRole","sts:TagSession")"),
                    allow("iam:ListUsers", "*",
                          R"(,"Condition":{"StringEquals":{"aws:PrincipalTag/team":"blue"}})"));
  auto s3 = assumed(s2, third);
  EXPECT_TRUE(allowed(s3, "iam:ListUsers"));
  // Passing a tag that collides with an inherited transitive key fails.
  expect_error(assume(s1, second, {{"Tags.member.1.Key", "TEAM"}, {"Tags.member.1.Value", "red"}}),
               ErrorCode::ValidationError);
  // A session without the tag is not allowed by the condition.
  auto plain = assumed(bob, first, {{"Tags.member.1.Key", "team"}, {"Tags.member.1.Value", "red"}});
  auto s2_red = assumed(plain, second);
  EXPECT_FALSE(allowed(s2_red, "iam:ListUsers"));
}

TEST_F(StsTest, TagValidation) {
  auto bob = user("bob");
  auto arn = role("r", trust(R"({"AWS":")" + bob.arn + "\"}", "",
                             R"("sts:AssumeRole","sts:TagSession")"));
  Params many;
  for (int i = 1; i <= 51; ++i) {
    std::string key = "k";
    key += std::to_string(i);
    many.emplace_back("Tags.member." + std::to_string(i) + ".Key", key);
    many.emplace_back("Tags.member." + std::to_string(i) + ".Value", "v");
  }
  expect_error(assume(bob, arn, many), ErrorCode::ValidationError,
               "1 validation error detected: Value at 'tags' failed to satisfy constraint: Member "
               "must have length less than or equal to 50");
  many.resize(100);
  EXPECT_TRUE(assume(bob, arn, many));
  expect_error(assume(bob, arn, {{"Tags.member.1.Key", "aws:x"}, {"Tags.member.1.Value", "v"}}),
               ErrorCode::ValidationError);
  expect_error(assume(bob, arn,
                      {{"Tags.member.1.Key", "a"}, {"Tags.member.1.Value", "v"},
                       {"Tags.member.2.Key", "A"}, {"Tags.member.2.Value", "w"}}),
               ErrorCode::ValidationError);
  expect_error(assume(bob, arn, {{"Tags.member.1.Key", "a"}, {"Tags.member.1.Value", "v"},
                                 {"TransitiveTagKeys.member.1", "b"}}),
               ErrorCode::ValidationError);
  // 50 tags of the longest key and value are within the limits but not the packed size.
  Params big;
  for (int i = 1; i <= 50; ++i) {
    std::string key = std::to_string(i) + std::string(125, 'k');
    std::string value;
    std::mt19937 rng(i);
    for (int j = 0; j < 256; ++j) value.push_back("abcdefghijklmnopqrstuvwxyz0123456789"[rng() % 36]);
    big.emplace_back("Tags.member." + std::to_string(i) + ".Key", key.substr(0, 128));
    big.emplace_back("Tags.member." + std::to_string(i) + ".Value", value);
  }
  auto packed = assume(bob, arn, big);
  ASSERT_FALSE(packed);
  EXPECT_EQ(packed.error().code, ErrorCode::PackedPolicyTooLarge);
  auto small = assume(bob, arn, {{"Tags.member.1.Key", "a"}, {"Tags.member.1.Value", "v"}});
  ASSERT_TRUE(small);
  int size = std::stoi(text(small->result, "PackedPolicySize"));
  EXPECT_GE(size, 1);
  EXPECT_LE(size, 5);
}

TEST_F(StsTest, TagConditionsOnTheTrustPolicy) {
  auto bob = user("bob");
  auto arn = role(
      "r",
      R"({"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"AWS":")" + bob.arn +
          R"("},"Action":"sts:AssumeRole"},{"Effect":"Allow","Principal":{"AWS":")" + bob.arn +
          R"("},"Action":"sts:TagSession","Condition":{"StringEquals":{"aws:RequestTag/team":"blue"},"ForAllValues:StringEquals":{"aws:TagKeys":["team"],"sts:TransitiveTagKeys":["team"]}}}]})");
  EXPECT_TRUE(assume(bob, arn, {{"Tags.member.1.Key", "team"}, {"Tags.member.1.Value", "blue"},
                                {"TransitiveTagKeys.member.1", "team"}}));
  expect_error(assume(bob, arn, {{"Tags.member.1.Key", "team"}, {"Tags.member.1.Value", "red"}}),
               ErrorCode::AccessDenied);
  expect_error(assume(bob, arn, {{"Tags.member.1.Key", "team"}, {"Tags.member.1.Value", "blue"},
                                 {"Tags.member.2.Key", "x"}, {"Tags.member.2.Value", "y"}}),
               ErrorCode::AccessDenied);
}

TEST_F(StsTest, PrincipalTagsAndSessionNameInTrustConditions) {
  auto bob = user("bob");
  root_iam("TagUser", {{"UserName", "bob"}, {"Tags.member.1.Key", "dept"},
                       {"Tags.member.1.Value", "eng"}});
  auto arn = role("r", trust(R"({"AWS":")" + bob.arn + "\"}",
                             R"(,"Condition":{"StringEquals":{"aws:PrincipalTag/dept":"eng"},)"
                             R"("StringLike":{"sts:RoleSessionName":"${aws:username}"}})"));
  expect_error(assume(bob, arn), ErrorCode::AccessDenied);  // session name s1 != bob
  EXPECT_TRUE(assume(bob, arn, {{"RoleSessionName", "bob"}}));
}

TEST_F(StsTest, SourceIdentityIsGuardedAndImmutable) {
  auto bob = user("bob");
  const std::string p = R"({"AWS":")" + bob.arn + "\"}";
  auto without = role("without", trust(p));
  expect_error(assume(bob, without, {{"SourceIdentity", "bob-laptop"}}), ErrorCode::AccessDenied,
               "User: arn:aws:iam::123456789012:user/bob is not authorized to perform: "
               "sts:SetSourceIdentity on resource: " + without);
  auto first = role("first", trust(p, "", R"("sts:AssumeRole","sts:SetSourceIdentity")"));
  auto out = assume(bob, first, {{"SourceIdentity", "bob-laptop"}});
  ASSERT_TRUE(out) << out.error().message;
  EXPECT_EQ(text(out->result, "SourceIdentity"), "bob-laptop");
  auto s1 = session_caller(creds(*out));
  EXPECT_EQ(s1.session->source_identity, "bob-laptop");

  // Carried through chaining: the next role must allow sts:SetSourceIdentity too, and
  // aws:SourceIdentity / sts:SourceIdentity hold the value.
  const std::string p1 = R"({"AWS":")" + first + "\"}";
  auto plain = role("plain", trust(p1));
  expect_error(assume(s1, plain), ErrorCode::AccessDenied);
  auto second = role("second",
                     trust(p1,
                           R"(,"Condition":{"StringEquals":{"aws:SourceIdentity":"bob-laptop",)"
                           R"("sts:SourceIdentity":"bob-laptop"}})",
                           R"("sts:AssumeRole","sts:SetSourceIdentity")"),
                     allow("iam:ListRoles", "*",
                           R"(,"Condition":{"StringEquals":{"aws:SourceIdentity":"bob-laptop"}})"));
  auto chained = assume(s1, second);
  ASSERT_TRUE(chained) << chained.error().message;
  EXPECT_EQ(text(chained->result, "SourceIdentity"), "bob-laptop");
  EXPECT_TRUE(allowed(session_caller(creds(*chained)), "iam:ListRoles"));
  // A different value is refused; the same one is fine.
  expect_error(assume(s1, second, {{"SourceIdentity", "someone-else"}}), ErrorCode::AccessDenied);
  EXPECT_TRUE(assume(s1, second, {{"SourceIdentity", "bob-laptop"}}));
  expect_error(assume(bob, first, {{"SourceIdentity", "aws:x"}}), ErrorCode::ValidationError);
}

// --- session policies --------------------------------------------------------------------------

TEST_F(StsTest, SessionPoliciesNarrow) {
  auto bob = user("bob");
  auto arn = role("admin", trust(R"({"AWS":")" + bob.arn + "\"}"), allow("*"));
  auto full = assumed(bob, arn);
  EXPECT_TRUE(allowed(full, "iam:ListRoles"));
  EXPECT_TRUE(allowed(full, "iam:ListUsers"));

  auto out = assume(bob, arn, {{"Policy", allow("iam:ListUsers")}});
  ASSERT_TRUE(out);
  EXPECT_GE(std::stoi(text(out->result, "PackedPolicySize")), 1);
  auto narrow = session_caller(creds(*out));
  EXPECT_TRUE(allowed(narrow, "iam:ListUsers"));
  EXPECT_FALSE(allowed(narrow, "iam:ListRoles"));
  auto denied = call(narrow, "iam", "ListRoles", {});
  expect_error(denied, ErrorCode::AccessDenied);
  EXPECT_NE(denied.error().message.find("because no session policy allows the iam:ListRoles action"),
            std::string::npos)
      << denied.error().message;

  // Managed session policies: same account or AWS managed.
  auto managed = assumed(bob, arn,
                         {{"PolicyArns.member.1.arn", "arn:aws:iam::aws:policy/IAMReadOnlyAccess"}});
  EXPECT_TRUE(allowed(managed, "iam:ListRoles"));
  EXPECT_FALSE(allowed(managed, "iam:CreateRole"));
  expect_error(assume(bob, arn, {{"PolicyArns.member.1.arn",
                                  "arn:aws:iam::210987654321:policy/theirs"}}),
               ErrorCode::ValidationError);
  // The session policy never adds: the role has no s3 permission without "*"... here it has, so
  // take a role that allows only ListUsers.
  auto small = role("small", trust(R"({"AWS":")" + bob.arn + "\"}"), allow("iam:ListUsers"));
  auto capped = assumed(bob, small, {{"Policy", allow("*")}});
  EXPECT_TRUE(allowed(capped, "iam:ListUsers"));
  EXPECT_FALSE(allowed(capped, "iam:ListRoles"));
}

TEST_F(StsTest, SessionPolicyValidation) {
  auto bob = user("bob");
  auto arn = role("r", trust(R"({"AWS":")" + bob.arn + "\"}"));
  expect_error(assume(bob, arn, {{"Policy", "{not json"}}), ErrorCode::MalformedPolicyDocument);
  std::string big = R"({"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"s3:GetObject","Resource":[)";
  for (int i = 0; big.size() < 2100; ++i) big += (i ? "," : "") + std::string("\"arn:aws:s3:::b") + std::to_string(i) + "/*\"";
  big += "]}]}";
  auto over = assume(bob, arn, {{"Policy", big}});
  ASSERT_FALSE(over);
  EXPECT_EQ(over.error().code, ErrorCode::ValidationError);
  EXPECT_NE(over.error().message.find("at 'policy' failed to satisfy constraint: Member must have "
                                      "length less than or equal to 2048"),
            std::string::npos)
      << over.error().message;
  Params arns;
  for (int i = 1; i <= 11; ++i) {
    arns.emplace_back("PolicyArns.member." + std::to_string(i) + ".arn",
                      "arn:aws:iam::aws:policy/ReadOnlyAccess");
  }
  expect_error(assume(bob, arn, arns), ErrorCode::ValidationError,
               "1 validation error detected: Value at 'policyArns' failed to satisfy constraint: "
               "Member must have length less than or equal to 10");
}

TEST_F(StsTest, BadSessionNames) {
  auto bob = user("bob");
  auto arn = role("r", trust(R"({"AWS":")" + bob.arn + "\"}"));
  expect_error(assume(bob, arn, {{"RoleSessionName", "x"}}), ErrorCode::ValidationError,
               "1 validation error detected: Value 'x' at 'roleSessionName' failed to satisfy "
               "constraint: Member must have length greater than or equal to 2");
  expect_error(assume(bob, arn, {{"RoleSessionName", std::string(65, 'a')}}),
               ErrorCode::ValidationError,
               "1 validation error detected: Value '" + std::string(65, 'a') +
                   "' at 'roleSessionName' failed to satisfy constraint: Member must have length "
                   "less than or equal to 64");
  expect_error(assume(bob, arn, {{"RoleSessionName", "bad name!"}}), ErrorCode::ValidationError,
               "1 validation error detected: Value 'bad name!' at 'roleSessionName' failed to "
               "satisfy constraint: Member must satisfy regular expression pattern: [\\w+=,.@-]*");
  expect_error(call(bob, "sts", "AssumeRole", {}), ErrorCode::ValidationError,
               "2 validation errors detected: Value null at 'roleArn' failed to satisfy "
               "constraint: Member must not be null; Value null at 'roleSessionName' failed to "
               "satisfy constraint: Member must not be null");
  EXPECT_TRUE(assume(bob, arn, {{"RoleSessionName", "a+b=c,d.e@f-g_h"}}));
}

// --- authenticating sessions -------------------------------------------------------------------

TEST_F(StsTest, TokensAreCheckedWhenUsed) {
  auto bob = user("bob");
  auto arn = role("r", trust(R"({"AWS":")" + bob.arn + "\"}"));
  auto out = assume(bob, arn, {{"DurationSeconds", "900"}});
  ASSERT_TRUE(out);
  Creds c = creds(*out);
  ASSERT_TRUE(authenticate_session(view_, c.token, c.key_id, at(kNow + 899)));
  // Expired (a manual clock: 900 s later).
  auto expired = authenticate_session(view_, c.token, c.key_id, at(kNow + 900));
  ASSERT_FALSE(expired);
  EXPECT_EQ(expired.error().code, ErrorCode::ExpiredToken);
  EXPECT_EQ(expired.error().message, "The security token included in the request is expired");
  // Another key id with this token.
  auto other_key = authenticate_session(view_, c.token, "ASIAAAAAAAAAAAAAAAAA", at(kNow));
  ASSERT_FALSE(other_key);
  EXPECT_EQ(other_key.error().code, ErrorCode::InvalidClientTokenId);
  EXPECT_EQ(other_key.error().message, "The security token included in the request is invalid.");
  // Tampered: one character changed.
  std::string tampered = c.token;
  tampered[tampered.size() / 2] = tampered[tampered.size() / 2] == 'A' ? 'B' : 'A';
  auto bad = authenticate_session(view_, tampered, c.key_id, at(kNow));
  ASSERT_FALSE(bad);
  EXPECT_EQ(bad.error().code, ErrorCode::InvalidClientTokenId);
  EXPECT_FALSE(authenticate_session(view_, "not a token", c.key_id, at(kNow)));
  EXPECT_FALSE(authenticate_session(view_, "", c.key_id, at(kNow)));

  // Foreign: a token from another installation (another master key, another keyring).
  store::MemoryStore other_store;
  SeededRandom other_random(99);
  TagSealer other_sealer;
  authz::View other_view(other_store, other_sealer);
  ASSERT_TRUE(store::maintain_keyring(other_store, other_sealer, other_random, at(kNow)));
  auth::Session forged = **auth::open_session(c.token, *view_.keyring());
  auto foreign = mint(forged, *other_view.keyring(), other_random);
  ASSERT_TRUE(foreign);
  auto refused = authenticate_session(view_, *foreign, forged.access_key_id, at(kNow));
  ASSERT_FALSE(refused);
  EXPECT_EQ(refused.error().code, ErrorCode::InvalidClientTokenId);
}

TEST_F(StsTest, RevokedSessionsAreDenied) {
  auto bob = user("bob");
  auto arn = role("r", trust(R"({"AWS":")" + bob.arn + "\"}"), allow("iam:ListUsers"));
  auto old_session = assumed(bob, arn, {}, kNow);
  EXPECT_TRUE(allowed(old_session, "iam:ListUsers", "*", kNow + 10));
  root_iam("PutRolePolicy",
           {{"RoleName", "r"},
            {"PolicyName", "AWSRevokeOlderSessions"},
            {"PolicyDocument",
             R"({"Version":"2012-10-17","Statement":[{"Effect":"Deny","Action":["*"],"Resource":["*"],"Condition":{"DateLessThan":{"aws:TokenIssueTime":")" +
                 core::format_iso8601(at(kNow + 10)) + R"("}}}]})"}});
  EXPECT_FALSE(allowed(old_session, "iam:ListUsers", "*", kNow + 20));
  auto new_session = assumed(bob, arn, {}, kNow + 20);
  EXPECT_TRUE(allowed(new_session, "iam:ListUsers", "*", kNow + 20));
  // Deleting the role ends its sessions' permissions too.
  root_iam("DeleteRolePolicy", {{"RoleName", "r"}, {"PolicyName", "p"}});
  root_iam("DeleteRolePolicy", {{"RoleName", "r"}, {"PolicyName", "AWSRevokeOlderSessions"}});
  root_iam("DeleteRole", {{"RoleName", "r"}});
  EXPECT_FALSE(allowed(new_session, "iam:ListUsers", "*", kNow + 30));
}

TEST_F(StsTest, RoleSessionContextKeys) {
  auto bob = user("bob");
  auto arn = role("keys", trust(R"({"AWS":")" + bob.arn + "\"}"),
                  R"({"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"iam:ListUsers","Resource":"*","Condition":{)"
                  R"("StringEquals":{"aws:PrincipalType":"AssumedRole","aws:PrincipalArn":"arn:aws:iam::123456789012:role/keys"},)"
                  R"("StringLike":{"aws:userid":"AROA*:s1"},"Bool":{"aws:MultiFactorAuthPresent":"false"},)"
                  R"("DateGreaterThan":{"aws:TokenIssueTime":"2023-01-01T00:00:00Z"}}}]})");
  auto s = assumed(bob, arn);
  EXPECT_TRUE(allowed(s, "iam:ListUsers"));
}

// --- GetSessionToken and GetFederationToken ----------------------------------------------------

TEST_F(StsTest, GetSessionToken) {
  auto bob = user("bob", allow("iam:ListUsers"));
  auto out = call(bob, "sts", "GetSessionToken", {});
  ASSERT_TRUE(out) << out.error().message;
  EXPECT_EQ(text(out->result, "Credentials/Expiration"), core::format_iso8601(at(kNow + 43200)));
  Creds c = creds(*out);
  auto s = session_caller(c);
  EXPECT_EQ(s.type, api::PrincipalType::User);
  EXPECT_EQ(s.arn, bob.arn);
  EXPECT_EQ(s.user_id, bob.user_id);
  EXPECT_EQ(s.name, "bob");
  // Without MFA: no IAM API.
  auto iam_call = call(s, "iam", "ListUsers", {});
  expect_error(iam_call, ErrorCode::AccessDenied);
  // Session credentials cannot get another session token, nor any STS but AssumeRole and
  // GetCallerIdentity.
  expect_error(call(s, "sts", "GetSessionToken", {}), ErrorCode::AccessDenied,
               "Cannot call GetSessionToken with session credentials");
  expect_error(call(s, "sts", "GetFederationToken", {{"Name", "x1"}}), ErrorCode::AccessDenied,
               "Cannot call GetFederationToken with session credentials");
  expect_error(call(s, "sts", "GetAccessKeyInfo", {{"AccessKeyId", c.key_id}}),
               ErrorCode::AccessDenied);
  EXPECT_TRUE(call(s, "sts", "GetCallerIdentity", {}));

  // With MFA: the IAM API, under the user's own policies.
  App app = mfa_device("bob");
  auto wrong = call(bob, "sts", "GetSessionToken",
                    {{"SerialNumber", app.serial}, {"TokenCode", "123456"}});
  expect_error(wrong, ErrorCode::AccessDenied, std::string(iam::kMfaFailedMessage));
  auto with_mfa = call(bob, "sts", "GetSessionToken",
                       {{"SerialNumber", app.serial}, {"TokenCode", app.code(kNow)},
                        {"DurationSeconds", "900"}});
  ASSERT_TRUE(with_mfa) << with_mfa.error().message;
  auto m = session_caller(creds(*with_mfa));
  EXPECT_TRUE(call(m, "iam", "ListUsers", {}));
  expect_error(call(m, "iam", "ListRoles", {}), ErrorCode::AccessDenied);

  // Root: at most an hour.
  auto root_out = call(root_, "sts", "GetSessionToken", {{"DurationSeconds", "7200"}});
  ASSERT_TRUE(root_out);
  EXPECT_EQ(text(root_out->result, "Credentials/Expiration"), core::format_iso8601(at(kNow + 3600)));
  auto rs = session_caller(creds(*root_out));
  EXPECT_EQ(rs.type, api::PrincipalType::Root);
  EXPECT_EQ(rs.arn, core::root_arn(kAccount));
  expect_error(call(bob, "sts", "GetSessionToken", {{"DurationSeconds", "129601"}}),
               ErrorCode::ValidationError);
}

TEST_F(StsTest, GetFederationToken) {
  auto bob = user("bob", allow("*"));
  auto nobody = user("nobody");
  expect_error(call(nobody, "sts", "GetFederationToken", {{"Name", "fed"}}),
               ErrorCode::AccessDenied);
  auto out = call(bob, "sts", "GetFederationToken", {{"Name", "fed"}});
  ASSERT_TRUE(out) << out.error().message;
  EXPECT_EQ(text(out->result, "FederatedUser/Arn"), "arn:aws:sts::123456789012:federated-user/fed");
  EXPECT_EQ(text(out->result, "FederatedUser/FederatedUserId"), "123456789012:fed");
  Creds c = creds(*out);
  auto fed = session_caller(c);
  EXPECT_EQ(fed.type, api::PrincipalType::FederatedUser);
  // No session policy: no permissions.
  EXPECT_FALSE(allowed(fed, "s3:GetObject"));
  auto who = call(fed, "sts", "GetCallerIdentity", {});
  ASSERT_TRUE(who);
  EXPECT_EQ(text(who->result, "Arn"), "arn:aws:sts::123456789012:federated-user/fed");
  EXPECT_EQ(text(who->result, "UserId"), "123456789012:fed");

  auto with_policy = call(bob, "sts", "GetFederationToken",
                          {{"Name", "fed2"}, {"Policy", allow("s3:GetObject")}});
  ASSERT_TRUE(with_policy);
  auto fed2 = session_caller(creds(*with_policy));
  EXPECT_TRUE(allowed(fed2, "s3:GetObject"));
  EXPECT_FALSE(allowed(fed2, "s3:PutObject"));
  // Never the IAM API, and no STS but GetCallerIdentity.
  auto fed_all = call(bob, "sts", "GetFederationToken", {{"Name", "fed3"}, {"Policy", allow("*")}});
  ASSERT_TRUE(fed_all);
  auto fed3 = session_caller(creds(*fed_all));
  expect_error(call(fed3, "iam", "ListUsers", {}), ErrorCode::AccessDenied);
  auto arn = role("r", trust(R"({"AWS":"arn:aws:sts::123456789012:federated-user/fed3"})"));
  expect_error(assume(fed3, arn), ErrorCode::AccessDenied);
  expect_error(call(fed3, "sts", "GetAccessKeyInfo", {{"AccessKeyId", c.key_id}}),
               ErrorCode::AccessDenied);
  // A user's permissions cap the federated session.
  auto limited = user("limited", allow("s3:GetObject"));
  auto lim = call(limited, "sts", "GetFederationToken", {{"Name", "fed4"}});
  expect_error(lim, ErrorCode::AccessDenied);  // no sts:GetFederationToken
  expect_error(call(bob, "sts", "GetFederationToken", {{"Name", "x"}}), ErrorCode::ValidationError);
  // Root may federate; at most an hour.
  auto r = call(root_, "sts", "GetFederationToken",
                {{"Name", "rootfed"}, {"Policy", allow("iam:ListUsers")}, {"DurationSeconds", "7200"}});
  ASSERT_TRUE(r) << r.error().message;
  EXPECT_EQ(text(r->result, "Credentials/Expiration"), core::format_iso8601(at(kNow + 3600)));
  auto rf = session_caller(creds(*r));
  EXPECT_TRUE(allowed(rf, "s3:ListBuckets") == false);
}

// --- GetAccessKeyInfo, DecodeAuthorizationMessage, RoleLastUsed --------------------------------

TEST_F(StsTest, AccessKeyInfo) {
  for (std::string account : {"123456789012", "000000000001", "999999999999", "210987654321"}) {
    SeededRandom r(7);
    std::string id = make_session_access_key_id(r, account);
    EXPECT_EQ(account_of_session_key(id), account) << id;
  }
  auto bob = user("bob", allow("sts:GetAccessKeyInfo"));
  auto arn = role("r", trust(R"({"AWS":")" + bob.arn + "\"}"));
  auto out = assume(bob, arn);
  ASSERT_TRUE(out);
  auto info = call(bob, "sts", "GetAccessKeyInfo", {{"AccessKeyId", creds(*out).key_id}});
  ASSERT_TRUE(info) << info.error().message;
  EXPECT_EQ(text(info->result, "Account"), kAccount);
  auto nobody = user("nobody");
  expect_error(call(nobody, "sts", "GetAccessKeyInfo", {{"AccessKeyId", creds(*out).key_id}}),
               ErrorCode::AccessDenied);
  expect_error(call(bob, "sts", "GetAccessKeyInfo", {{"AccessKeyId", "short"}}),
               ErrorCode::ValidationError);
}

TEST_F(StsTest, DecodeAuthorizationMessage) {
  const std::string json =
      R"({"allowed":"false","explicitDeny":"false","matchedStatements":"","failures":"","context":{}})";
  std::string encoded =
      encode_authorization_message(json, at(kNow + 3600), *view_.keyring(), random_);
  auto bob = user("bob", allow("sts:DecodeAuthorizationMessage"));
  auto out = call(bob, "sts", "DecodeAuthorizationMessage", {{"EncodedMessage", encoded}});
  ASSERT_TRUE(out) << out.error().message;
  EXPECT_EQ(text(out->result, "DecodedMessage"), json);
  auto nobody = user("nobody");
  expect_error(call(nobody, "sts", "DecodeAuthorizationMessage", {{"EncodedMessage", encoded}}),
               ErrorCode::AccessDenied);
  expect_error(call(bob, "sts", "DecodeAuthorizationMessage", {{"EncodedMessage", "garbage"}}),
               ErrorCode::InvalidAuthorizationMessage);
  expect_error(call(bob, "sts", "DecodeAuthorizationMessage", {{"EncodedMessage", encoded}},
                    kNow + 3601),
               ErrorCode::InvalidAuthorizationMessage);
  EXPECT_EQ(core::wire_code(ErrorCode::InvalidAuthorizationMessage),
            "InvalidAuthorizationMessageException");
  EXPECT_EQ(core::http_status(ErrorCode::InvalidAuthorizationMessage), 400);
}

TEST_F(StsTest, AssumeRoleNotesTheRoleForTheAuditTrail) {
  auto bob = user("bob");
  auto arn = role("r", trust(R"({"AWS":")" + bob.arn + "\"}"));
  ASSERT_TRUE(assume(bob, arn));
  ASSERT_EQ(notes_.resources.size(), 1u);
  EXPECT_EQ(notes_.resources[0].arn, arn);
  EXPECT_EQ(notes_.resources[0].type, "AWS::IAM::Role");
  EXPECT_EQ(notes_.resources[0].account, bob.account);
  EXPECT_EQ(notes_.other_account, "");  // same account: one copy of the event
}

TEST_F(StsTest, RoleLastUsedIsBatched) {
  auto bob = user("bob");
  auto arn = role("r", trust(R"({"AWS":")" + bob.arn + "\"}"));
  auto gen = store_.generation();
  ASSERT_TRUE(assume(bob, arn));
  EXPECT_EQ(store_.generation(), gen);  // nothing written on the request path
  auto found = view_.find_role_by_arn(arn);
  ASSERT_NE(found, nullptr);
  sts_.record_role_use(found->account, found->id, at(kNow), "us-east-1");  // the audit writer's call
  EXPECT_EQ(store_.generation(), gen);
  ASSERT_TRUE(sts_.flush_role_use());
  auto out = call(root_, "iam", "GetRole", {{"RoleName", "r"}});
  ASSERT_TRUE(out);
  EXPECT_EQ(text(out->result, "Role/RoleLastUsed/LastUsedDate"), core::format_iso8601(at(kNow)));
  EXPECT_EQ(text(out->result, "Role/RoleLastUsed/Region"), "us-east-1");
}

}  // namespace
}  // namespace iamd::sts
