// Virtual MFA devices against the in-memory store: the device lifecycle, TOTP checks with drift,
// code reuse, resync, quotas, conflicts, tags, and check_mfa_code as STS will call it.
#include <gtest/gtest.h>

#include <random>

#include "auth/totp.h"
#include "authz/view.h"
#include "core/arn.h"
#include "crypto/base64.h"
#include "iam/mfa.h"
#include "iam/service.h"
#include "iam/test_support.h"
#include "store/memory/memory_store.h"
#include "store/mfa.h"

namespace iamd::iam {
namespace {

using testing::child;
using testing::params;
using testing::TagSealer;
using testing::SeededRandom;

using core::ErrorCode;
using Params = std::initializer_list<std::pair<std::string, std::string>>;

constexpr std::int64_t kNow = 1700000000;  // a step boundary plus 20 s: 1700000000 % 30 == 20
constexpr char kAccount[] = "123456789012";

std::string entry(const api::OutNode& map, std::string_view key) {
  for (const auto& e : map.children) {
    if (e.children.size() == 2 && e.children[0].text == key) return e.children[1].text;
  }
  return "(absent)";
}

core::TimePoint at(std::int64_t seconds) { return core::TimePoint(std::chrono::seconds(seconds)); }

// A device as a test's authenticator app holds it.
struct App {
  std::string serial;
  std::string key;
  std::string code(std::int64_t unix_seconds) const {
    return auth::totp::hotp(crypto::as_bytes(key),
                            static_cast<std::uint64_t>(unix_seconds / auth::totp::kStepSeconds));
  }
};

class MfaTest : public ::testing::Test {
 protected:
  MfaTest() : view_(store_, sealer_), service_(Deps{store_, view_, random_, sealer_}) {
    service_.register_operations(registry_);
    root_.type = api::PrincipalType::Root;
    root_.account = kAccount;
    root_.arn = core::root_arn(kAccount);
    root_.user_id = kAccount;
  }

  core::Result<api::Output> call(const api::Caller& caller, std::string_view action, Params p,
                                 std::int64_t now = kNow) {
    api::Context ctx;
    ctx.caller = caller;
    ctx.now = at(now);
    api::ParamNode tree = params(p);
    api::Input in(tree);
    const api::Operation* op = registry_.find("iam", action);
    EXPECT_NE(op, nullptr) << action;
    if (op == nullptr) return core::Error{ErrorCode::InvalidAction, std::string(action)};
    return op->handler(ctx, in);
  }
  core::Result<api::Output> root_call(std::string_view action, Params p, std::int64_t now = kNow) {
    return call(root_, action, p, now);
  }

  App create_device(const std::string& name, const std::string& path = "/") {
    auto out = root_call("CreateVirtualMFADevice", {{"VirtualMFADeviceName", name}, {"Path", path}});
    EXPECT_TRUE(out) << (out ? "" : out.error().message);
    if (!out) return {};
    const api::OutNode* d = child(out->result, "VirtualMFADevice");
    App app;
    app.serial = child(*d, "SerialNumber")->text;
    auto seed = crypto::base64_decode(child(*d, "Base32StringSeed")->text);
    EXPECT_TRUE(seed);
    auto key = auth::totp::base32_decode(*seed);
    EXPECT_TRUE(key);
    app.key = *key;
    return app;
  }

  core::Status enable(const std::string& user, const App& app, std::int64_t now = kNow) {
    auto out = root_call("EnableMFADevice", {{"UserName", user},
                                             {"SerialNumber", app.serial},
                                             {"AuthenticationCode1", app.code(now - 30)},
                                             {"AuthenticationCode2", app.code(now)}},
                         now);
    if (!out) return out.error();
    return {};
  }

  std::string user_id(const std::string& name) {
    auto out = root_call("GetUser", {{"UserName", name}});
    EXPECT_TRUE(out);
    return child(*child(out->result, "User"), "UserId")->text;
  }

  core::Result<MfaCheck> check(std::string_view uid, const App& app, std::string_view code,
                               std::int64_t now) {
    return check_mfa_code(store_, sealer_, kAccount, uid, app.serial, code, at(now));
  }

  store::MemoryStore store_;
  SeededRandom random_{7};
  TagSealer sealer_;
  authz::View view_;
  Service service_;
  api::Registry registry_;
  api::Caller root_;
};

TEST_F(MfaTest, CreateReturnsSeedAndQrCodeOnceAndSealsTheSeed) {
  auto out = root_call("CreateVirtualMFADevice",
                       {{"VirtualMFADeviceName", "JaneMFA"}, {"Path", "/eng/"},
                        {"Tags.member.1.Key", "team"}, {"Tags.member.1.Value", "core"}});
  ASSERT_TRUE(out) << out.error().message;
  const api::OutNode* d = child(out->result, "VirtualMFADevice");
  ASSERT_NE(d, nullptr);
  EXPECT_EQ(child(*d, "SerialNumber")->text, "arn:aws:iam::123456789012:mfa/eng/JaneMFA");
  auto seed = crypto::base64_decode(child(*d, "Base32StringSeed")->text);
  ASSERT_TRUE(seed);
  EXPECT_EQ(seed->size(), 64u);
  EXPECT_EQ(seed->find_first_not_of("ABCDEFGHIJKLMNOPQRSTUVWXYZ234567"), std::string::npos);
  auto png = crypto::base64_decode(child(*d, "QRCodePNG")->text);
  ASSERT_TRUE(png);
  EXPECT_EQ(png->substr(0, 8), std::string("\x89PNG\r\n\x1a\n", 8));
  ASSERT_NE(child(*d, "Tags"), nullptr);

  // The store holds only the sealed seed.
  ASSERT_TRUE(store_.read([&](store::Transaction& tx) -> core::Status {
    auto raw = tx.get("acct/123456789012/mfa/eng/janemfa");
    EXPECT_TRUE(raw && raw->has_value());
    if (raw && raw->has_value()) {
      EXPECT_EQ((*raw)->find(*seed), std::string::npos);
    }
    return {};
  }));

  // The same path and name (in any case) again is a conflict; another path is not.
  auto again = root_call("CreateVirtualMFADevice",
                         {{"VirtualMFADeviceName", "janemfa"}, {"Path", "/eng/"}});
  ASSERT_FALSE(again);
  EXPECT_EQ(again.error().code, ErrorCode::EntityAlreadyExists);
  EXPECT_EQ(again.error().message, "MFADevice entity at the same path and name already exists.");
  EXPECT_TRUE(root_call("CreateVirtualMFADevice", {{"VirtualMFADeviceName", "JaneMFA"}}));

  // The seed is never listed.
  auto listed = root_call("ListVirtualMFADevices", {});
  ASSERT_TRUE(listed);
  const api::OutNode* list = child(listed->result, "VirtualMFADevices");
  ASSERT_EQ(list->children.size(), 2u);
  for (const auto& item : list->children) {
    EXPECT_EQ(child(item, "Base32StringSeed"), nullptr);
    EXPECT_EQ(child(item, "QRCodePNG"), nullptr);
    EXPECT_EQ(child(item, "User"), nullptr);
  }
}

TEST_F(MfaTest, ValidatesInput) {
  auto bad = root_call("CreateVirtualMFADevice", {{"VirtualMFADeviceName", "bad name"}});
  ASSERT_FALSE(bad);
  EXPECT_EQ(bad.error().code, ErrorCode::ValidationError);
  ASSERT_TRUE(root_call("CreateUser", {{"UserName", "alice"}}));
  App app = create_device("alice-mfa");
  auto short_code = root_call("EnableMFADevice", {{"UserName", "alice"},
                                                  {"SerialNumber", app.serial},
                                                  {"AuthenticationCode1", "12345"},
                                                  {"AuthenticationCode2", "12345a"}});
  ASSERT_FALSE(short_code);
  EXPECT_EQ(short_code.error().code, ErrorCode::ValidationError);
  EXPECT_NE(short_code.error().message.find("2 validation errors detected"), std::string::npos)
      << short_code.error().message;
  // Codes are not echoed back.
  EXPECT_EQ(short_code.error().message.find("12345a"), std::string::npos);
}

TEST_F(MfaTest, EnableListDeactivateDelete) {
  ASSERT_TRUE(root_call("CreateUser", {{"UserName", "alice"}}));
  App app = create_device("alice-mfa");

  // Wrong codes, swapped codes and unknown devices are refused; nothing is enabled.
  auto wrong = root_call("EnableMFADevice", {{"UserName", "alice"},
                                             {"SerialNumber", app.serial},
                                             {"AuthenticationCode1", "000000"},
                                             {"AuthenticationCode2", "000000"}});
  ASSERT_FALSE(wrong);
  EXPECT_EQ(wrong.error().code, ErrorCode::InvalidAuthenticationCode);
  EXPECT_EQ(wrong.error().message, "Authentication code for device is not valid.");
  auto swapped = root_call("EnableMFADevice", {{"UserName", "alice"},
                                               {"SerialNumber", app.serial},
                                               {"AuthenticationCode1", app.code(kNow)},
                                               {"AuthenticationCode2", app.code(kNow - 30)}});
  ASSERT_FALSE(swapped);
  EXPECT_EQ(swapped.error().code, ErrorCode::InvalidAuthenticationCode);
  auto missing = root_call("EnableMFADevice",
                           {{"UserName", "alice"},
                            {"SerialNumber", "arn:aws:iam::123456789012:mfa/nope"},
                            {"AuthenticationCode1", app.code(kNow - 30)},
                            {"AuthenticationCode2", app.code(kNow)}});
  ASSERT_FALSE(missing);
  EXPECT_EQ(missing.error().code, ErrorCode::NoSuchEntity);
  EXPECT_EQ(missing.error().message,
            "VirtualMFADevice with serial number arn:aws:iam::123456789012:mfa/nope doesn't "
            "exist.");
  auto no_user = root_call("EnableMFADevice", {{"UserName", "nobody"},
                                               {"SerialNumber", app.serial},
                                               {"AuthenticationCode1", app.code(kNow - 30)},
                                               {"AuthenticationCode2", app.code(kNow)}});
  ASSERT_FALSE(no_user);
  EXPECT_EQ(no_user.error().code, ErrorCode::NoSuchEntity);

  ASSERT_TRUE(enable("alice", app));
  auto twice = enable("alice", app, kNow + 60);
  ASSERT_FALSE(twice);
  EXPECT_EQ(twice.error().code, ErrorCode::EntityAlreadyExists);

  auto listed = root_call("ListMFADevices", {{"UserName", "alice"}});
  ASSERT_TRUE(listed);
  const api::OutNode* devices = child(listed->result, "MFADevices");
  ASSERT_EQ(devices->children.size(), 1u);
  EXPECT_EQ(child(devices->children[0], "UserName")->text, "alice");
  EXPECT_EQ(child(devices->children[0], "SerialNumber")->text, app.serial);
  EXPECT_EQ(child(devices->children[0], "EnableDate")->text, "2023-11-14T22:13:20Z");
  EXPECT_EQ(child(listed->result, "IsTruncated")->text, "false");

  auto got = root_call("GetMFADevice", {{"UserName", "alice"}, {"SerialNumber", app.serial}});
  ASSERT_TRUE(got) << got.error().message;
  EXPECT_EQ(child(got->result, "UserName")->text, "alice");

  auto assigned = root_call("ListVirtualMFADevices", {{"AssignmentStatus", "Assigned"}});
  ASSERT_TRUE(assigned);
  const api::OutNode* vlist = child(assigned->result, "VirtualMFADevices");
  ASSERT_EQ(vlist->children.size(), 1u);
  const api::OutNode* user = child(vlist->children[0], "User");
  ASSERT_NE(user, nullptr);
  EXPECT_EQ(child(*user, "UserName")->text, "alice");
  EXPECT_EQ(child(*user, "Arn")->text, "arn:aws:iam::123456789012:user/alice");
  ASSERT_NE(child(vlist->children[0], "EnableDate"), nullptr);
  auto unassigned = root_call("ListVirtualMFADevices", {{"AssignmentStatus", "Unassigned"}});
  ASSERT_TRUE(unassigned);
  EXPECT_TRUE(child(unassigned->result, "VirtualMFADevices")->children.empty());

  // Neither the device nor the user can go while the device is enabled.
  auto del_device = root_call("DeleteVirtualMFADevice", {{"SerialNumber", app.serial}});
  ASSERT_FALSE(del_device);
  EXPECT_EQ(del_device.error().code, ErrorCode::DeleteConflict);
  EXPECT_EQ(del_device.error().message, "MFA device is still in use.");
  auto del_user = root_call("DeleteUser", {{"UserName", "alice"}});
  ASSERT_FALSE(del_user);
  EXPECT_EQ(del_user.error().code, ErrorCode::DeleteConflict);
  EXPECT_EQ(del_user.error().message, "Cannot delete entity, must delete MFA device first.");

  ASSERT_TRUE(root_call("DeactivateMFADevice", {{"UserName", "alice"}, {"SerialNumber", app.serial}}));
  auto again = root_call("DeactivateMFADevice", {{"UserName", "alice"}, {"SerialNumber", app.serial}});
  ASSERT_FALSE(again);
  EXPECT_EQ(again.error().code, ErrorCode::NoSuchEntity);
  EXPECT_TRUE(child(root_call("ListMFADevices", {{"UserName", "alice"}})->result, "MFADevices")
                  ->children.empty());
  ASSERT_TRUE(root_call("DeleteVirtualMFADevice", {{"SerialNumber", app.serial}}));
  auto gone = root_call("DeleteVirtualMFADevice", {{"SerialNumber", app.serial}});
  ASSERT_FALSE(gone);
  EXPECT_EQ(gone.error().code, ErrorCode::NoSuchEntity);
  EXPECT_TRUE(root_call("DeleteUser", {{"UserName", "alice"}}));
}

TEST_F(MfaTest, CheckMfaCodeAcceptsEachCodeOnce) {
  ASSERT_TRUE(root_call("CreateUser", {{"UserName", "bob"}}));
  ASSERT_TRUE(root_call("CreateUser", {{"UserName", "carol"}}));
  App app = create_device("bob-mfa");
  const std::string bob = user_id("bob");

  // Not enabled yet.
  auto early = check(bob, app, app.code(kNow), kNow);
  ASSERT_TRUE(early);
  EXPECT_EQ(early->outcome, MfaCheck::Outcome::NotEnabled);

  ASSERT_TRUE(enable("bob", app));
  // The codes used to enable the device are spent.
  auto spent = check(bob, app, app.code(kNow), kNow);
  ASSERT_TRUE(spent);
  EXPECT_EQ(spent->outcome, MfaCheck::Outcome::CodeReused);

  const std::int64_t later = kNow + 300;
  auto wrong = check(bob, app, "000000", later);
  ASSERT_TRUE(wrong);
  EXPECT_EQ(wrong->outcome, MfaCheck::Outcome::InvalidCode);
  auto malformed = check(bob, app, "12ab56", later);
  ASSERT_TRUE(malformed);
  EXPECT_EQ(malformed->outcome, MfaCheck::Outcome::InvalidCode);

  auto ok = check(bob, app, app.code(later), later);
  ASSERT_TRUE(ok);
  EXPECT_TRUE(ok->matched());
  EXPECT_EQ(ok->step, later / 30);
  auto reused = check(bob, app, app.code(later), later + 5);
  ASSERT_TRUE(reused);
  EXPECT_EQ(reused->outcome, MfaCheck::Outcome::CodeReused);

  // One step of drift either way; two is too much.
  const std::int64_t t2 = later + 600;
  auto behind = check(bob, app, app.code(t2 - 30), t2);
  ASSERT_TRUE(behind);
  EXPECT_TRUE(behind->matched());
  auto ahead = check(bob, app, app.code(t2 + 30), t2);
  ASSERT_TRUE(ahead);
  EXPECT_TRUE(ahead->matched());
  // The current step's code is older than the accepted one now: refused.
  auto older = check(bob, app, app.code(t2), t2);
  ASSERT_TRUE(older);
  EXPECT_EQ(older->outcome, MfaCheck::Outcome::CodeReused);
  const std::int64_t t3 = t2 + 600;
  auto far = check(bob, app, app.code(t3 + 90), t3);
  ASSERT_TRUE(far);
  EXPECT_EQ(far->outcome, MfaCheck::Outcome::InvalidCode);

  // Another principal, an unknown device, another account.
  auto other = check(user_id("carol"), app, app.code(t3), t3);
  ASSERT_TRUE(other);
  EXPECT_EQ(other->outcome, MfaCheck::Outcome::NotEnabled);
  auto as_root = check("root", app, app.code(t3), t3);
  ASSERT_TRUE(as_root);
  EXPECT_EQ(as_root->outcome, MfaCheck::Outcome::NotEnabled);
  auto unknown = check_mfa_code(store_, sealer_, kAccount, bob,
                                "arn:aws:iam::123456789012:mfa/unknown", app.code(t3), at(t3));
  ASSERT_TRUE(unknown);
  EXPECT_EQ(unknown->outcome, MfaCheck::Outcome::NoSuchDevice);
  auto foreign = check_mfa_code(store_, sealer_, "210987654321", bob, app.serial, app.code(t3),
                                at(t3));
  ASSERT_TRUE(foreign);
  EXPECT_EQ(foreign->outcome, MfaCheck::Outcome::NoSuchDevice);
  auto hardware = check_mfa_code(store_, sealer_, kAccount, bob, "GAHT12345678", app.code(t3),
                                 at(t3));
  ASSERT_TRUE(hardware);
  EXPECT_EQ(hardware->outcome, MfaCheck::Outcome::NoSuchDevice);

  // Refusals write nothing: the code of t3 is still good after all of the above.
  auto fine = check(bob, app, app.code(t3), t3);
  ASSERT_TRUE(fine);
  EXPECT_TRUE(fine->matched());

  auto serials = enabled_mfa_serials(store_, kAccount, bob);
  ASSERT_TRUE(serials);
  EXPECT_EQ(*serials, std::vector<std::string>{app.serial});
}

TEST_F(MfaTest, ResyncReanchorsADriftedDevice) {
  ASSERT_TRUE(root_call("CreateUser", {{"UserName", "dan"}}));
  App app = create_device("dan-mfa");
  ASSERT_TRUE(enable("dan", app));
  const std::string dan = user_id("dan");

  // The device's clock runs 3 minutes (6 steps) fast.
  const std::int64_t later = kNow + 3000;
  auto drifted = check(dan, app, app.code(later + 180), later);
  ASSERT_TRUE(drifted);
  EXPECT_EQ(drifted->outcome, MfaCheck::Outcome::InvalidCode);

  auto wrong = root_call("ResyncMFADevice", {{"UserName", "dan"},
                                             {"SerialNumber", app.serial},
                                             {"AuthenticationCode1", "111111"},
                                             {"AuthenticationCode2", "222222"}},
                         later);
  ASSERT_FALSE(wrong);
  EXPECT_EQ(wrong.error().code, ErrorCode::InvalidAuthenticationCode);
  ASSERT_TRUE(root_call("ResyncMFADevice", {{"UserName", "dan"},
                                            {"SerialNumber", app.serial},
                                            {"AuthenticationCode1", app.code(later + 150)},
                                            {"AuthenticationCode2", app.code(later + 180)}},
                        later));
  // From now on the device's own (fast) codes are accepted; an in-sync code still is too.
  const std::int64_t t2 = later + 600;
  auto fast = check(dan, app, app.code(t2 + 180), t2);
  ASSERT_TRUE(fast);
  EXPECT_TRUE(fast->matched());
  const std::int64_t t3 = t2 + 600;
  auto in_sync = check(dan, app, app.code(t3), t3);
  ASSERT_TRUE(in_sync);
  EXPECT_TRUE(in_sync->matched());
}

TEST_F(MfaTest, ResyncNeedsTheDeviceEnabledForThatUser) {
  ASSERT_TRUE(root_call("CreateUser", {{"UserName", "erin"}}));
  App app = create_device("erin-mfa");
  auto out = root_call("ResyncMFADevice", {{"UserName", "erin"},
                                           {"SerialNumber", app.serial},
                                           {"AuthenticationCode1", app.code(kNow - 30)},
                                           {"AuthenticationCode2", app.code(kNow)}});
  ASSERT_FALSE(out);
  EXPECT_EQ(out.error().code, ErrorCode::NoSuchEntity);
}

TEST_F(MfaTest, AtMostEightDevicesPerUser) {
  ASSERT_TRUE(root_call("CreateUser", {{"UserName", "frank"}}));
  for (int i = 0; i < 8; ++i) {
    App app = create_device("frank-" + std::to_string(i));
    ASSERT_TRUE(enable("frank", app)) << i;
  }
  App ninth = create_device("frank-8");
  auto out = enable("frank", ninth);
  ASSERT_FALSE(out);
  EXPECT_EQ(out.error().code, ErrorCode::LimitExceeded);
  EXPECT_EQ(out.error().message, "Cannot exceed quota for MFADevicesPerUser: 8");

  auto summary = root_call("GetAccountSummary", {});
  ASSERT_TRUE(summary);
  const api::OutNode* map = child(summary->result, "SummaryMap");
  EXPECT_EQ(entry(*map, "MFADevices"), "9");
  EXPECT_EQ(entry(*map, "MFADevicesInUse"), "8");
  EXPECT_EQ(entry(*map, "AccountMFAEnabled"), "0");
}

TEST_F(MfaTest, RootDevicesCountForAccountMfaEnabled) {
  App app = create_device("root-account-mfa-device");
  // Root's devices are enabled outside the API (EnableMFADevice needs a UserName); do it in the
  // store as the console would.
  ASSERT_TRUE(store_.write([&](store::Transaction& tx) -> core::Status {
    store::MfaEntities m(tx);
    auto d = m.find_device(kAccount, "root-account-mfa-device");
    EXPECT_TRUE(d && d->has_value());
    (*d)->user_id = std::string(store::kRootOwner);
    (*d)->enable_date = at(kNow);
    return m.put_device(**d);
  }));
  auto summary = root_call("GetAccountSummary", {});
  ASSERT_TRUE(summary);
  EXPECT_EQ(entry(*child(summary->result, "SummaryMap"), "AccountMFAEnabled"), "1");
  auto mine = root_call("ListMFADevices", {});
  ASSERT_TRUE(mine);
  ASSERT_EQ(child(mine->result, "MFADevices")->children.size(), 1u);
  auto ok = check("root", app, app.code(kNow + 60), kNow + 60);
  ASSERT_TRUE(ok);
  EXPECT_TRUE(ok->matched());
  auto listed = root_call("ListVirtualMFADevices", {});
  ASSERT_TRUE(listed);
  const api::OutNode* user = child(child(listed->result, "VirtualMFADevices")->children[0], "User");
  ASSERT_NE(user, nullptr);
  EXPECT_EQ(child(*user, "Arn")->text, "arn:aws:iam::123456789012:root");
  ASSERT_TRUE(root_call("DeactivateMFADevice", {{"SerialNumber", app.serial}}));
}

TEST_F(MfaTest, TagsAreCaseSensitive) {
  App app = create_device("tagged");
  ASSERT_TRUE(root_call("TagMFADevice", {{"SerialNumber", app.serial},
                                         {"Tags.member.1.Key", "Dept"},
                                         {"Tags.member.1.Value", "finance"},
                                         {"Tags.member.2.Key", "dept"},
                                         {"Tags.member.2.Value", "hr"}}));
  ASSERT_TRUE(root_call("TagMFADevice", {{"SerialNumber", app.serial},
                                         {"Tags.member.1.Key", "Dept"},
                                         {"Tags.member.1.Value", "ops"}}));
  auto tags = root_call("ListMFADeviceTags", {{"SerialNumber", app.serial}});
  ASSERT_TRUE(tags);
  const api::OutNode* list = child(tags->result, "Tags");
  ASSERT_EQ(list->children.size(), 2u);
  EXPECT_EQ(child(list->children[0], "Key")->text, "Dept");
  EXPECT_EQ(child(list->children[0], "Value")->text, "ops");
  EXPECT_EQ(child(list->children[1], "Key")->text, "dept");
  ASSERT_TRUE(root_call("UntagMFADevice", {{"SerialNumber", app.serial},
                                           {"TagKeys.member.1", "dept"},
                                           {"TagKeys.member.2", "absent"}}));
  tags = root_call("ListMFADeviceTags", {{"SerialNumber", app.serial}, {"MaxItems", "1"}});
  ASSERT_TRUE(tags);
  EXPECT_EQ(child(tags->result, "Tags")->children.size(), 1u);
  EXPECT_EQ(child(tags->result, "IsTruncated")->text, "false");
  auto reserved = root_call("TagMFADevice", {{"SerialNumber", app.serial},
                                             {"Tags.member.1.Key", "aws:x"},
                                             {"Tags.member.1.Value", "y"}});
  ASSERT_FALSE(reserved);
  EXPECT_EQ(reserved.error().code, ErrorCode::InvalidInput);
  auto missing = root_call("ListMFADeviceTags",
                           {{"SerialNumber", "arn:aws:iam::123456789012:mfa/missing"}});
  ASSERT_FALSE(missing);
  EXPECT_EQ(missing.error().code, ErrorCode::NoSuchEntity);
}

TEST_F(MfaTest, ListVirtualMfaDevicesPages) {
  for (int i = 0; i < 5; ++i) create_device("dev-" + std::to_string(i));
  std::vector<std::string> seen;
  std::optional<std::string> marker;
  for (int guard = 0; guard < 10; ++guard) {
    core::Result<api::Output> page =
        marker ? root_call("ListVirtualMFADevices", {{"MaxItems", "2"}, {"Marker", *marker}})
               : root_call("ListVirtualMFADevices", {{"MaxItems", "2"}});
    ASSERT_TRUE(page);
    for (const auto& item : child(page->result, "VirtualMFADevices")->children) {
      seen.push_back(child(item, "SerialNumber")->text);
    }
    if (child(page->result, "IsTruncated")->text != "true") break;
    marker = child(page->result, "Marker")->text;
  }
  ASSERT_EQ(seen.size(), 5u);
  EXPECT_EQ(seen[0], "arn:aws:iam::123456789012:mfa/dev-0");
  EXPECT_EQ(seen[4], "arn:aws:iam::123456789012:mfa/dev-4");
}

TEST_F(MfaTest, UsersNeedPermission) {
  ASSERT_TRUE(root_call("CreateUser", {{"UserName", "gina"}}));
  api::Caller gina;
  gina.type = api::PrincipalType::User;
  gina.account = kAccount;
  gina.arn = "arn:aws:iam::123456789012:user/gina";
  gina.name = "gina";
  gina.user_id = user_id("gina");
  auto denied = call(gina, "CreateVirtualMFADevice", {{"VirtualMFADeviceName", "gina"}});
  ASSERT_FALSE(denied);
  EXPECT_EQ(denied.error().code, ErrorCode::AccessDenied);
  EXPECT_NE(denied.error().message.find("iam:CreateVirtualMFADevice on resource: "
                                        "arn:aws:iam::123456789012:mfa/gina"),
            std::string::npos)
      << denied.error().message;
  // A denied caller learns nothing about which devices exist.
  auto probe = call(gina, "DeleteVirtualMFADevice",
                    {{"SerialNumber", "arn:aws:iam::123456789012:mfa/nothing"}});
  ASSERT_FALSE(probe);
  EXPECT_EQ(probe.error().code, ErrorCode::AccessDenied);
  auto list = call(gina, "ListMFADevices", {});
  ASSERT_FALSE(list);
  EXPECT_EQ(list.error().code, ErrorCode::AccessDenied);
}

}  // namespace
}  // namespace iamd::iam
