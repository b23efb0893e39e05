#include <gtest/gtest.h>

#include <boost/json.hpp>

#include <atomic>
#include <chrono>
#include <mutex>
#include <thread>

#include "audit/broker.h"
#include "audit/event.h"
#include "audit/render.h"
#include "core/time_format.h"

namespace iamd::audit {
namespace {

namespace json = boost::json;

// Deterministic, and thread-safe as core::Random must be (the broker renders on callers' threads).
class CountingRandom : public core::Random {
 public:
  void fill(std::span<std::uint8_t> out) override {
    std::lock_guard lock(mutex_);
    for (auto& b : out) b = static_cast<std::uint8_t>(next_++ * 37);
  }

 private:
  std::mutex mutex_;
  std::uint8_t next_ = 1;
};

class FixedClock : public core::Clock {
 public:
  core::TimePoint now() const override { return *core::parse_iso8601("2026-11-27T10:00:00Z"); }
};

api::ParamNode& set(api::ParamNode& root, std::initializer_list<std::string> path,
                    std::string value) {
  api::ParamNode* node = &root;
  for (const auto& segment : path) node = &node->children[segment];
  node->value = std::move(value);
  return root;
}

Identity iam_user() {
  Identity id;
  id.type = "IAMUser";
  id.principal_id = "AIDAEXAMPLE";
  id.arn = "arn:aws:iam::111111111111:user/alice";
  id.account_id = "111111111111";
  id.access_key_id = "AKIAEXAMPLE";
  id.user_name = "alice";
  return id;
}

Event assume_role_event() {
  Event e;
  e.identity = iam_user();
  e.time = *core::parse_iso8601("2026-11-27T09:30:15Z");
  e.service = "sts";
  e.event_name = "AssumeRole";
  e.region = "us-east-1";
  e.source_ip = "127.0.0.1";
  e.user_agent = "aws-cli/1.29";
  e.request_id = "req-1";
  set(e.request, {"Action"}, "AssumeRole");
  set(e.request, {"Version"}, "2011-06-15");
  set(e.request, {"RoleArn"}, "arn:aws:iam::111111111111:role/admin");
  set(e.request, {"RoleSessionName"}, "s1");
  set(e.request, {"DurationSeconds"}, "3600");
  set(e.request, {"TokenCode"}, "123456");
  set(e.request, {"SerialNumber"}, "arn:aws:iam::111111111111:mfa/alice");
  set(e.request, {"Tags", "member", "1", "Key"}, "team");
  set(e.request, {"Tags", "member", "1", "Value"}, "blue");
  set(e.request, {"Tags", "member", "2", "Key"}, "cost");
  set(e.request, {"Tags", "member", "2", "Value"}, "7");
  set(e.request, {"X-Amz-Security-Token"}, "tok");
  api::OutNode result{"", api::OutNode::Kind::Struct, "", {}};
  auto& creds = result.add_struct("Credentials");
  creds.add_string("AccessKeyId", "ASIAEXAMPLE");
  creds.add_string("SecretAccessKey", "very-secret");
  creds.add_string("SessionToken", "sealed-token");
  creds.add_timestamp("Expiration", "2026-11-27T10:30:15Z");
  auto& user = result.add_struct("AssumedRoleUser");
  user.add_string("AssumedRoleId", "AROAEXAMPLE:s1");
  user.add_string("Arn", "arn:aws:sts::111111111111:assumed-role/admin/s1");
  result.add_integer("PackedPolicySize", 6);
  e.response = std::move(result);
  e.resources.push_back(
      {"arn:aws:iam::111111111111:role/admin", "111111111111", "AWS::IAM::Role"});
  return e;
}

json::object parse(const Record& r) { return json::parse(r.json).as_object(); }

TEST(Render, AssumeRoleRecordHasCloudTrailShape) {
  CountingRandom random;
  auto records = render(assume_role_event(), random);
  ASSERT_EQ(records.size(), 1u);
  auto rec = parse(records[0]);
  EXPECT_EQ(rec["eventVersion"], "1.08");
  EXPECT_EQ(rec["eventTime"], "2026-11-27T09:30:15Z");
  EXPECT_EQ(rec["eventSource"], "sts.amazonaws.com");
  EXPECT_EQ(rec["eventName"], "AssumeRole");
  EXPECT_EQ(rec["awsRegion"], "us-east-1");
  EXPECT_EQ(rec["sourceIPAddress"], "127.0.0.1");
  EXPECT_EQ(rec["requestID"], "req-1");
  EXPECT_EQ(rec["eventID"], json::value(records[0].event_id));
  EXPECT_EQ(rec["readOnly"], false);
  EXPECT_EQ(rec["eventType"], "AwsApiCall");
  EXPECT_EQ(rec["managementEvent"], true);
  EXPECT_EQ(rec["recipientAccountId"], "111111111111");
  EXPECT_EQ(rec["eventCategory"], "Management");
  EXPECT_FALSE(rec.contains("sharedEventID"));
  EXPECT_FALSE(rec.contains("errorCode"));
  auto& id = rec["userIdentity"].as_object();
  EXPECT_EQ(id["type"], "IAMUser");
  EXPECT_EQ(id["userName"], "alice");
  EXPECT_EQ(id["accessKeyId"], "AKIAEXAMPLE");
  EXPECT_FALSE(id.contains("sessionContext"));

  auto& params = rec["requestParameters"].as_object();
  EXPECT_EQ(params["roleArn"], "arn:aws:iam::111111111111:role/admin");
  EXPECT_EQ(params["durationSeconds"], 3600);
  EXPECT_EQ(params["serialNumber"], "arn:aws:iam::111111111111:mfa/alice");
  EXPECT_FALSE(params.contains("tokenCode"));
  EXPECT_FALSE(params.contains("action"));
  EXPECT_FALSE(params.contains("x-Amz-Security-Token"));
  ASSERT_TRUE(params["tags"].is_array());
  EXPECT_EQ(params["tags"].as_array().size(), 2u);
  EXPECT_EQ(params["tags"].as_array()[1].as_object().at("value"), "7");

  auto& response = rec["responseElements"].as_object();
  auto& creds = response["credentials"].as_object();
  EXPECT_EQ(creds["accessKeyId"], "ASIAEXAMPLE");
  EXPECT_EQ(creds["expiration"], "Nov 27, 2026, 10:30:15 AM");
  EXPECT_FALSE(creds.contains("secretAccessKey"));
  EXPECT_FALSE(creds.contains("sessionToken"));
  EXPECT_EQ(response["packedPolicySize"], 6);
  EXPECT_EQ(response["assumedRoleUser"].as_object()["assumedRoleId"], "AROAEXAMPLE:s1");

  auto& resources = rec["resources"].as_array();
  ASSERT_EQ(resources.size(), 1u);
  EXPECT_EQ(resources[0].as_object().at("type"), "AWS::IAM::Role");
  EXPECT_EQ(resources[0].as_object().at("accountId"), "111111111111");

  for (const char* secret : {"very-secret", "sealed-token", "123456", "tok"}) {
    EXPECT_EQ(records[0].json.find(secret), std::string::npos) << secret;
  }
  EXPECT_EQ(records[0].username, "alice");
  EXPECT_EQ(records[0].event_source, "sts.amazonaws.com");
  ASSERT_FALSE(records[0].resources.empty());
  EXPECT_EQ(records[0].resources[0].name, "arn:aws:iam::111111111111:role/admin");
}

TEST(Render, CrossAccountCallGivesTwoCopiesSharingAnEventId) {
  CountingRandom random;
  Event e = assume_role_event();
  e.resources[0] = {"arn:aws:iam::222222222222:role/admin", "222222222222", "AWS::IAM::Role"};
  e.other_account = "222222222222";
  auto records = render(e, random);
  ASSERT_EQ(records.size(), 2u);
  auto caller = parse(records[0]);
  auto owner = parse(records[1]);
  EXPECT_EQ(caller["recipientAccountId"], "111111111111");
  EXPECT_EQ(owner["recipientAccountId"], "222222222222");
  EXPECT_EQ(records[1].account, "222222222222");
  ASSERT_TRUE(caller.contains("sharedEventID"));
  EXPECT_EQ(caller["sharedEventID"], owner["sharedEventID"]);
  EXPECT_NE(caller["eventID"], owner["eventID"]);
  EXPECT_EQ(caller["requestID"], owner["requestID"]);
  EXPECT_EQ(caller["userIdentity"].as_object()["type"], "IAMUser");
  auto& other = owner["userIdentity"].as_object();
  EXPECT_EQ(other["type"], "AWSAccount");
  EXPECT_EQ(other["principalId"], "AIDAEXAMPLE");
  EXPECT_EQ(other["accountId"], "111111111111");
  EXPECT_FALSE(other.contains("arn"));
  EXPECT_FALSE(other.contains("accessKeyId"));
}

TEST(Render, RoleSessionIdentityCarriesSessionContext) {
  CountingRandom random;
  Event e;
  e.identity.type = "AssumedRole";
  e.identity.principal_id = "AROAEXAMPLE:s1";
  e.identity.arn = "arn:aws:sts::111111111111:assumed-role/admin/s1";
  e.identity.account_id = "111111111111";
  e.identity.access_key_id = "ASIAEXAMPLE";
  e.identity.has_session = true;
  e.identity.session_created = *core::parse_iso8601("2026-11-27T09:00:00Z");
  e.identity.mfa_authenticated = true;
  e.identity.issuer = SessionIssuer{"Role", "AROAEXAMPLE", "arn:aws:iam::111111111111:role/admin",
                                    "111111111111", "admin"};
  e.identity.source_identity = "alice";
  e.time = core::TimePoint{};
  e.service = "iam";
  e.event_name = "ListUsers";
  e.error_code = "AccessDenied";
  e.error_message = "User: x is not authorized";
  auto records = render(e, random);
  ASSERT_EQ(records.size(), 1u);
  auto rec = parse(records[0]);
  EXPECT_EQ(rec["readOnly"], true);
  EXPECT_EQ(rec["errorCode"], "AccessDenied");
  EXPECT_TRUE(rec["requestParameters"].is_null());
  EXPECT_TRUE(rec["responseElements"].is_null());
  auto& session = rec["userIdentity"].as_object()["sessionContext"].as_object();
  EXPECT_EQ(session["attributes"].as_object()["mfaAuthenticated"], "true");
  EXPECT_EQ(session["attributes"].as_object()["creationDate"], "2026-11-27T09:00:00Z");
  EXPECT_EQ(session["sessionIssuer"].as_object()["userName"], "admin");
  EXPECT_EQ(session["sessionIssuer"].as_object()["type"], "Role");
  EXPECT_EQ(session["sourceIdentity"], "alice");
  EXPECT_TRUE(session["webIdFederationData"].as_object().empty());
  EXPECT_EQ(records[0].username, "s1");
}

TEST(Render, SecretsAreDroppedWhereverTheyAppear) {
  CountingRandom random;
  Event e;
  e.identity = iam_user();
  e.service = "iam";
  e.event_name = "CreateLoginProfile";
  set(e.request, {"UserName"}, "bob");
  set(e.request, {"Password"}, "Hunter2-Password!");
  set(e.request, {"PasswordResetRequired"}, "true");
  api::OutNode result{"", api::OutNode::Kind::Struct, "", {}};
  auto& key = result.add_struct("AccessKey");
  key.add_string("AccessKeyId", "AKIANEW");
  key.add_string("SecretAccessKey", "s3cr3t-value");
  auto& device = result.add_struct("VirtualMFADevice");
  device.add_string("Base32StringSeed", "SEEDSEEDSEED");
  device.add_string("QRCodePNG", "PNGDATA");
  e.response = std::move(result);
  auto records = render(e, random);
  const std::string& text = records[0].json;
  for (const char* secret : {"Hunter2-Password!", "s3cr3t-value", "SEEDSEEDSEED", "PNGDATA"}) {
    EXPECT_EQ(text.find(secret), std::string::npos) << secret;
  }
  auto rec = parse(records[0]);
  EXPECT_EQ(rec["requestParameters"].as_object()["passwordResetRequired"], true);
  EXPECT_EQ(rec["responseElements"].as_object()["accessKey"].as_object()["accessKeyId"],
            "AKIANEW");
  EXPECT_TRUE(is_secret_member("secretaccesskey"));
  EXPECT_FALSE(is_secret_member("UserName"));
}

TEST(Render, HostileTextStaysValidJson) {
  CountingRandom random;
  Event e;
  e.identity = iam_user();
  e.service = "iam";
  e.event_name = "GetUser";
  e.user_agent = std::string("agent \"quoted\" \\ \n\x01 \xff\xfe end") + std::string(2000, 'a');
  set(e.request, {"UserName"}, "caf\xc3\xa9");
  auto records = render(e, random);
  auto rec = parse(records[0]);
  std::string agent(rec["userAgent"].as_string());
  EXPECT_LE(agent.size(), 1024u + 16);
  EXPECT_NE(agent.find("\"quoted\""), std::string::npos);
  // Control bytes escaped, each byte that is not UTF-8 one U+FFFD, the rest as it came.
  const std::string_view expected = "agent \"quoted\" \\ \n\x01 \xEF\xBF\xBD\xEF\xBF\xBD end";
  EXPECT_EQ(agent.substr(0, expected.size()), expected);
  EXPECT_NE(records[0].json.find(R"(\u0001)"), std::string::npos);
  EXPECT_EQ(rec["requestParameters"].as_object()["userName"], "caf\xc3\xa9");
}

// Strings are copied eight bytes at a time while nothing needs escaping: every kind of byte that
// does, at every position around a word boundary, must still come out right.
TEST(Render, EscapesAtEveryPosition) {
  CountingRandom random;
  const std::vector<std::pair<std::string, std::string>> specials = {
      {"\"", "\""}, {"\\", "\\"}, {"\n", "\n"}, {"\x01", "\x01"}, {"\x1f", "\x1f"},
      {"\x7f", "\x7f"}, {"caf\xc3\xa9", "caf\xc3\xa9"}, {"\xff", "\xef\xbf\xbd"},
      {" ", " "}, {"~", "~"}};
  for (const auto& [raw, decoded] : specials) {
    for (std::size_t at = 0; at < 20; ++at) {
      Event e;
      e.identity = iam_user();
      e.service = "iam";
      e.event_name = "GetUser";
      e.user_agent = std::string(at, 'a') + raw + std::string(20 - at, 'b');
      auto records = render(e, random);
      auto rec = parse(records[0]);
      EXPECT_EQ(std::string(rec["userAgent"].as_string()),
                std::string(at, 'a') + decoded + std::string(20 - at, 'b'))
          << "byte " << static_cast<int>(static_cast<unsigned char>(raw[0])) << " at " << at;
    }
  }
}

TEST(Render, ReadOnlyFollowsTheActionName) {
  EXPECT_TRUE(is_read_only("GetCallerIdentity"));
  EXPECT_TRUE(is_read_only("ListRoles"));
  EXPECT_TRUE(is_read_only("LookupEvents"));
  EXPECT_TRUE(is_read_only("DecodeAuthorizationMessage"));
  EXPECT_FALSE(is_read_only("GetSessionToken"));
  EXPECT_FALSE(is_read_only("GetFederationToken"));
  EXPECT_FALSE(is_read_only("AssumeRole"));
  EXPECT_FALSE(is_read_only("CreateUser"));
}

TEST(Render, ResponseTimeFormat) {
  EXPECT_EQ(format_response_time(*core::parse_iso8601("2014-07-18T16:07:39Z")),
            "Jul 18, 2014, 4:07:39 PM");
  EXPECT_EQ(format_response_time(*core::parse_iso8601("2014-07-18T00:05:00Z")),
            "Jul 18, 2014, 12:05:00 AM");
}

// A sink that keeps what it is given; can be told to fail or to be slow.
class MemorySink : public Sink {
 public:
  core::Status write(std::span<Record> batch) override {
    if (delay.count() > 0) std::this_thread::sleep_for(delay);
    if (failures_left > 0) {
      --failures_left;
      return core::Error{core::ErrorCode::ServiceFailure, "disk full"};
    }
    std::lock_guard lock(mutex);
    for (const auto& r : batch) records.push_back(r);
    return {};
  }
  std::size_t size() {
    std::lock_guard lock(mutex);
    return records.size();
  }
  std::mutex mutex;
  std::vector<Record> records;
  std::atomic<int> failures_left{0};
  std::chrono::milliseconds delay{0};
};

Event simple_event(int n) {
  Event e;
  e.identity = iam_user();
  e.service = "sts";
  e.event_name = "GetCallerIdentity";
  e.request_id = "req-" + std::to_string(n);
  return e;
}

TEST(Broker, WaitForWritesSeesEveryEarlierEvent) {
  MemorySink sink;
  FixedClock clock;
  CountingRandom random;
  std::atomic<int> observed{0};
  Broker broker({&sink}, clock, random, [&](const Event&) { ++observed; },
                Broker::Options{.capacity = 64, .max_delay = std::chrono::seconds(10)});
  for (int i = 0; i < 10; ++i) broker.publish(simple_event(i));
  broker.wait_for_writes();
  EXPECT_EQ(sink.size(), 10u);
  EXPECT_EQ(observed.load(), 10);
  EXPECT_EQ(broker.written(), 10u);
  EXPECT_EQ(sink.records[3].json.find("\"requestID\":\"req-3\"") != std::string::npos, true);
}

TEST(Broker, StopWritesEverythingQueuedUnderBackPressure) {
  MemorySink sink;
  sink.delay = std::chrono::milliseconds(5);
  FixedClock clock;
  CountingRandom random;
  Broker broker({&sink}, clock, random, nullptr,
                Broker::Options{.capacity = 8, .max_delay = std::chrono::milliseconds(1)});
  std::vector<std::thread> threads;
  for (int t = 0; t < 4; ++t) {
    threads.emplace_back([&broker, t] {
      for (int i = 0; i < 200; ++i) broker.publish(simple_event(t * 1000 + i));
    });
  }
  for (auto& t : threads) t.join();
  broker.stop();
  EXPECT_EQ(sink.size(), 800u);
  broker.publish(simple_event(9999));  // after stop: written on the caller's thread
  EXPECT_EQ(sink.size(), 801u);
}

TEST(Broker, FailingSinkGetsTheBatchAgain) {
  MemorySink sink;
  sink.failures_left = 1;
  FixedClock clock;
  CountingRandom random;
  Broker broker({&sink}, clock, random, nullptr,
                Broker::Options{.capacity = 64, .max_delay = std::chrono::milliseconds(1)});
  broker.publish(simple_event(1));
  broker.wait_for_writes(std::chrono::seconds(10));
  EXPECT_EQ(sink.size(), 1u);
}

}  // namespace
}  // namespace iamd::audit
