// LookupEvents against the in-memory audit index and an authz view over the in-memory store: the
// response members and their wire types, every error CloudTrail answers, pages and their tokens,
// account scoping and authorization.
#include <gtest/gtest.h>

#include <boost/json.hpp>

#include <chrono>
#include <string>
#include <utility>
#include <vector>

#include "api/operation.h"
#include "api/test_support.h"
#include "audit/memory_index.h"
#include "authz/test_support.h"
#include "authz/view.h"
#include "cloudtrail/service.h"
#include "http/json/response.h"
#include "store/entities.h"
#include "store/memory/memory_store.h"

namespace iamd::cloudtrail {
namespace {

using namespace api::testing;    // NOLINT(google-build-using-namespace): params, child, text
using namespace authz::testing;  // NOLINT(google-build-using-namespace): callers, SeededRandom
using core::ErrorCode;

constexpr std::string_view kAccount = "111111111111";
constexpr std::string_view kOther = "222222222222";
// "Now" for every call: 2026-01-01T00:00:00Z.
constexpr std::int64_t kNow = 1767225600;

core::TimePoint at(std::int64_t second, std::int64_t millis = 0) {
  return core::TimePoint(std::chrono::seconds(second) + std::chrono::milliseconds(millis));
}

std::vector<std::string> event_ids(const api::Output& out) {
  std::vector<std::string> ids;
  const api::OutNode* events = child(out.result, "Events");
  if (events == nullptr) return ids;
  for (const auto& e : events->children) ids.push_back(text(e, "EventId"));
  return ids;
}

std::string next_token(const api::Output& out) { return text(out.result, "NextToken"); }

Fields attribute(std::string key, std::string value, Fields more = {}) {
  more.emplace_back("LookupAttributes.member.1.AttributeKey", std::move(key));
  more.emplace_back("LookupAttributes.member.1.AttributeValue", std::move(value));
  return more;
}

class CloudTrailTest : public ::testing::Test {
 protected:
  CloudTrailTest()
      : view_(store_, sealer_),
        service_(Deps{index_, view_, [this] { ++waits_; }}) {
    service_.register_operations(registry_);
    pending_.reserve(1000);  // add() hands out references into it
    for (auto account : {kAccount, kOther}) {
      EXPECT_TRUE(store_.write([&](store::Transaction& tx) -> core::Status {
        return store::Entities(tx).put_account(
            store::Account{std::string(account), core::TimePoint{}, ""});
      }));
    }
  }

  /// An IAM user of `account` with `policy` inline (empty: none), written to the store.
  api::Caller user_of(std::string_view account, const std::string& name,
                      const std::string& policy) {
    return authz::testing::user_with_key(store_, random_, account, name, policy);
  }

  /// Writes a record of kAccount (or `account`) at `time`.
  audit::Record& add(std::string id, core::TimePoint time, std::string_view account = kAccount) {
    audit::Record r;
    r.account = std::string(account);
    r.time = time;
    r.event_id = std::move(id);
    r.event_name = "GetCallerIdentity";
    r.event_source = "sts.amazonaws.com";
    r.username = "alice";
    r.access_key_id = "AKIAALICE";
    r.read_only = true;
    r.json = R"({"eventID":")" + r.event_id + R"("})";
    pending_.push_back(std::move(r));
    return pending_.back();
  }
  void flush() {
    ASSERT_TRUE(index_.write(pending_));
    pending_.clear();
  }

  core::Result<api::Output> call_as(const api::Caller& caller, const Fields& p) {
    api::Context ctx;
    ctx.caller = caller;
    ctx.now = at(kNow);
    api::ParamNode tree = params(p);
    api::Input in(tree);
    const api::Operation* op = registry_.find("cloudtrail", "LookupEvents");
    EXPECT_NE(op, nullptr);
    if (op == nullptr) return core::Error{ErrorCode::UnknownOperationException, ""};
    return op->handler(ctx, in);
  }
  api::Output ok(const Fields& p = {}) { return ok_as(root_caller(kAccount), p); }
  api::Output ok_as(const api::Caller& caller, const Fields& p = {}) {
    auto out = call_as(caller, p);
    EXPECT_TRUE(out) << (out ? "" : std::string(core::wire_code(out.error().code)) + " " +
                                        out.error().message);
    return out ? std::move(*out) : api::Output{};
  }
  /// The error of a call that must fail with `code` (and `message` when given).
  core::Error fails(const Fields& p, ErrorCode code, std::string_view message = {}) {
    auto out = call_as(root_caller(kAccount), p);
    EXPECT_FALSE(out) << "succeeded";
    if (out) return core::Error{ErrorCode::InternalFailure, ""};
    EXPECT_EQ(core::wire_code(out.error().code), core::wire_code(code)) << out.error().message;
    if (!message.empty()) {
      EXPECT_EQ(out.error().message, message);
    }
    return out.error();
  }

  store::MemoryStore store_;
  NullSealer sealer_;
  SeededRandom random_{11};
  authz::View view_;
  audit::MemoryIndex index_;
  int waits_ = 0;
  Service service_;
  api::Registry registry_;
  std::vector<audit::Record> pending_;
};

TEST_F(CloudTrailTest, IsServedAsAJsonService) {
  const api::ServiceInfo* s = api::find_service("cloudtrail");
  ASSERT_NE(s, nullptr);
  EXPECT_EQ(s->protocol, api::Protocol::Json);
  EXPECT_EQ(s->json_version, "1.1");
  EXPECT_EQ(api::find_service_by_target_prefix(
                "com.amazonaws.cloudtrail.v20131101.CloudTrail_20131101"),
            s);
}

TEST_F(CloudTrailTest, DefaultsToTheNinetyDaysBeforeNowNewestFirst) {
  add("too-old", at(kNow - 90 * 86400 - 1));
  add("oldest", at(kNow - 90 * 86400));
  add("recent", at(kNow - 60));
  add("now", at(kNow, 900));  // the same second as now: EndTime is inclusive at whole seconds
  add("future", at(kNow + 1));
  flush();
  api::Output out = ok();
  EXPECT_EQ(event_ids(out), (std::vector<std::string>{"now", "recent", "oldest"}));
  EXPECT_EQ(next_token(out), "<absent>");
  EXPECT_EQ(waits_, 1);  // the broker was drained before the lookup
}

TEST_F(CloudTrailTest, EventMembersAndTheirWireTypes) {
  auto& r = add("e1", at(kNow - 10, 250));
  r.event_name = "AssumeRole";
  r.read_only = false;
  r.resources = {{"AWS::IAM::Role", "arn:aws:iam::111111111111:role/demo"}, {"", "mystery"}};
  r.json = R"({"eventVersion":"1.08","eventName":"AssumeRole"})";
  const std::string json = r.json;
  auto& bare = add("e0", at(kNow - 20));
  bare.username = "";
  bare.access_key_id = "";
  flush();

  api::Output out = ok();
  const api::OutNode& events = *child(out.result, "Events");
  ASSERT_EQ(events.children.size(), 2u);
  const api::OutNode& e = events.children[0];
  EXPECT_EQ(text(e, "EventId"), "e1");
  EXPECT_EQ(text(e, "EventName"), "AssumeRole");
  EXPECT_EQ(text(e, "ReadOnly"), "false");
  EXPECT_EQ(child(e, "ReadOnly")->kind, api::OutNode::Kind::String);
  EXPECT_EQ(text(e, "AccessKeyId"), "AKIAALICE");
  EXPECT_EQ(child(e, "EventTime")->kind, api::OutNode::Kind::Timestamp);
  EXPECT_EQ(text(e, "EventSource"), "sts.amazonaws.com");
  EXPECT_EQ(text(e, "Username"), "alice");
  EXPECT_EQ(text(e, "CloudTrailEvent"), json);
  const api::OutNode& resources = *child(e, "Resources");
  ASSERT_EQ(resources.children.size(), 2u);
  EXPECT_EQ(text(resources.children[0], "ResourceType"), "AWS::IAM::Role");
  EXPECT_EQ(text(resources.children[0], "ResourceName"), "arn:aws:iam::111111111111:role/demo");
  EXPECT_EQ(child(resources.children[1], "ResourceType"), nullptr);  // unknown type: absent
  // Absent values are left out, not sent empty.
  const api::OutNode& b = events.children[1];
  EXPECT_EQ(child(b, "Username"), nullptr);
  EXPECT_EQ(child(b, "AccessKeyId"), nullptr);
  EXPECT_EQ(text(b, "ReadOnly"), "true");
  EXPECT_TRUE(child(b, "Resources")->children.empty());

  // On the wire (what botocore parses): EventTime epoch seconds as a number, ReadOnly a string,
  // CloudTrailEvent a string holding the record.
  auto body = boost::json::parse(http::json::encode_response(out));
  const auto& wire = body.at("Events").as_array().at(0).as_object();
  EXPECT_TRUE(wire.at("EventTime").is_number());
  EXPECT_EQ(wire.at("EventTime").to_number<double>(), static_cast<double>(kNow - 10));
  EXPECT_TRUE(wire.at("ReadOnly").is_string());
  EXPECT_EQ(wire.at("CloudTrailEvent").as_string(), json);
  EXPECT_FALSE(body.as_object().contains("NextToken"));
}

TEST_F(CloudTrailTest, EachAttributeFilters) {
  auto& a = add("a", at(kNow - 3));
  a.event_name = "AssumeRole";
  a.read_only = false;
  a.resources = {{"AWS::IAM::Role", "arn:aws:iam::111111111111:role/demo"}};
  auto& b = add("b", at(kNow - 2));
  b.event_source = "iam.amazonaws.com";
  b.username = "bob";
  b.access_key_id = "ASIABOB";
  flush();
  using V = std::vector<std::string>;
  EXPECT_EQ(event_ids(ok(attribute("EventId", "a"))), V{"a"});
  EXPECT_EQ(event_ids(ok(attribute("EventName", "AssumeRole"))), V{"a"});
  EXPECT_EQ(event_ids(ok(attribute("ReadOnly", "false"))), V{"a"});
  EXPECT_EQ(event_ids(ok(attribute("ReadOnly", "true"))), V{"b"});
  EXPECT_EQ(event_ids(ok(attribute("Username", "bob"))), V{"b"});
  EXPECT_EQ(event_ids(ok(attribute("ResourceType", "AWS::IAM::Role"))), V{"a"});
  EXPECT_EQ(event_ids(ok(attribute("ResourceName", "arn:aws:iam::111111111111:role/demo"))),
            V{"a"});
  EXPECT_EQ(event_ids(ok(attribute("EventSource", "iam.amazonaws.com"))), V{"b"});
  EXPECT_EQ(event_ids(ok(attribute("AccessKeyId", "ASIABOB"))), V{"b"});
}

TEST_F(CloudTrailTest, TimeWindowIsInclusiveAndTakesFractions) {
  add("a", at(kNow - 100));
  add("b", at(kNow - 50, 999));
  add("c", at(kNow - 10));
  flush();
  using V = std::vector<std::string>;
  EXPECT_EQ(event_ids(ok({{"StartTime", std::to_string(kNow - 100)},
                          {"EndTime", std::to_string(kNow - 50)}})),
            (V{"b", "a"}));
  // Fractions are accepted; the window still covers whole seconds as eventTime shows them.
  EXPECT_EQ(event_ids(ok({{"StartTime", std::to_string(kNow - 50) + ".5"},
                          {"EndTime", std::to_string(kNow - 10) + ".25"}})),
            (V{"c", "b"}));
  EXPECT_EQ(event_ids(ok({{"StartTime", "1.7672255e9"}})), (V{"c", "b", "a"}));
  // Only EndTime: the 90 days before it.
  EXPECT_EQ(event_ids(ok({{"EndTime", std::to_string(kNow - 20)}})), (V{"b", "a"}));
}

TEST_F(CloudTrailTest, PagesWithNextTokenAndTheSameParameters) {
  for (int i = 0; i < 7; ++i) add("e" + std::to_string(i), at(kNow - 100 + i / 3));  // ties
  flush();
  const std::vector<std::string> all = event_ids(ok());
  ASSERT_EQ(all.size(), 7u);
  std::vector<std::string> paged;
  Fields p = {{"MaxResults", "3"}, {"StartTime", std::to_string(kNow - 200)}};
  int pages = 0;
  while (true) {
    api::Output out = ok(p);
    ++pages;
    for (auto& id : event_ids(out)) paged.push_back(id);
    std::string token = next_token(out);
    if (token == "<absent>") break;
    ASSERT_LT(pages, 10);
    p = {{"MaxResults", "3"}, {"StartTime", std::to_string(kNow - 200)}, {"NextToken", token}};
  }
  EXPECT_EQ(pages, 3);
  EXPECT_EQ(paged, all);

  // The page size may change between pages (the CLI's --page-size / --max-items).
  std::string token =
      next_token(ok({{"MaxResults", "2"}, {"StartTime", std::to_string(kNow - 200)}}));
  EXPECT_EQ(event_ids(ok({{"StartTime", std::to_string(kNow - 200)}, {"NextToken", token}})).size(),
            5u);
}

TEST_F(CloudTrailTest, NextTokenOnlyForTheParametersItWasIssuedFor) {
  for (int i = 0; i < 3; ++i) add("e" + std::to_string(i), at(kNow - 10 + i));
  flush();
  const std::string token = next_token(ok(attribute("EventName", "GetCallerIdentity",
                                                    {{"MaxResults", "1"}})));
  ASSERT_NE(token, "<absent>");
  EXPECT_EQ(event_ids(ok(attribute("EventName", "GetCallerIdentity", {{"NextToken", token}}))),
            (std::vector<std::string>{"e1", "e0"}));
  const std::string msg =
      "The NextToken is not valid, or was issued for a request with different parameters.";
  fails(attribute("EventName", "AssumeRole", {{"NextToken", token}}),
        ErrorCode::InvalidNextTokenException, msg);
  fails(attribute("Username", "GetCallerIdentity", {{"NextToken", token}}),
        ErrorCode::InvalidNextTokenException, msg);
  fails({{"NextToken", token}}, ErrorCode::InvalidNextTokenException, msg);
  fails(attribute("EventName", "GetCallerIdentity",
                  {{"NextToken", token}, {"EndTime", std::to_string(kNow)}}),
        ErrorCode::InvalidNextTokenException, msg);
  fails(attribute("EventName", "GetCallerIdentity",
                  {{"NextToken", token}, {"EventCategory", "insight"}}),
        ErrorCode::InvalidNextTokenException, msg);
  // Another account cannot use it either.
  auto out = call_as(root_caller(kOther), attribute("EventName", "GetCallerIdentity",
                                                {{"NextToken", token}}));
  ASSERT_FALSE(out);
  EXPECT_EQ(out.error().code, ErrorCode::InvalidNextTokenException);
  // Not a token at all, truncated, tampered, or in the other base64 alphabet.
  for (std::string bad : {std::string(""), std::string("garbage"), token.substr(1),
                          token + "A", std::string(token.size(), 'A')}) {
    fails(attribute("EventName", "GetCallerIdentity", {{"NextToken", bad}}),
          ErrorCode::InvalidNextTokenException);
  }
  std::string flipped = token;
  flipped[5] = flipped[5] == 'A' ? 'B' : 'A';
  fails(attribute("EventName", "GetCallerIdentity", {{"NextToken", flipped}}),
        ErrorCode::InvalidNextTokenException);
}

TEST_F(CloudTrailTest, LookupAttributesErrors) {
  const std::string key_msg = "Lookup attribute key is not valid.";
  const std::string value_msg = "Lookup attribute value is not valid.";
  fails({{"LookupAttributes.member.1.AttributeKey", "EventName"},
         {"LookupAttributes.member.1.AttributeValue", "a"},
         {"LookupAttributes.member.2.AttributeKey", "Username"},
         {"LookupAttributes.member.2.AttributeValue", "b"}},
        ErrorCode::InvalidLookupAttributesException,
        "The list of lookup attributes can contain only one item.");
  fails(attribute("EventCategory", "x"), ErrorCode::InvalidLookupAttributesException, key_msg);
  fails(attribute("eventname", "x"), ErrorCode::InvalidLookupAttributesException, key_msg);
  fails({{"LookupAttributes.member.1.AttributeValue", "x"}},
        ErrorCode::InvalidLookupAttributesException, key_msg);
  fails({{"LookupAttributes.member.1.AttributeKey", "EventName"}},
        ErrorCode::InvalidLookupAttributesException, value_msg);
  fails(attribute("EventName", ""), ErrorCode::InvalidLookupAttributesException, value_msg);
  fails(attribute("EventName", std::string(2001, 'a')),
        ErrorCode::InvalidLookupAttributesException, value_msg);
  // '_', ' ', ',' and newline count twice toward the 2000.
  fails(attribute("EventName", std::string(1000, '_') + "a"),
        ErrorCode::InvalidLookupAttributesException, value_msg);
  fails(attribute("EventName", std::string(999, ' ') + ",\n"),
        ErrorCode::InvalidLookupAttributesException, value_msg);
  fails(attribute("ReadOnly", "yes"), ErrorCode::InvalidLookupAttributesException, value_msg);
  // At the limits: accepted. Characters, not bytes: 2000 two-byte characters are fine.
  ok(attribute("EventName", std::string(2000, 'a')));
  ok(attribute("EventName", std::string(1000, '_')));
  std::string two_byte;
  for (int i = 0; i < 2000; ++i) two_byte += "\xC3\xA9";
  ok(attribute("EventName", two_byte));
  // An empty list is no attribute.
  ok({{"LookupAttributes.member", ""}});
}

TEST_F(CloudTrailTest, TimeRangeErrors) {
  const std::string msg = "The start time must not be after the end time.";
  fails({{"StartTime", std::to_string(kNow - 10)}, {"EndTime", std::to_string(kNow - 20)}},
        ErrorCode::InvalidTimeRangeException, msg);
  fails({{"StartTime", std::to_string(kNow - 10) + ".6"},
         {"EndTime", std::to_string(kNow - 10) + ".5"}},
        ErrorCode::InvalidTimeRangeException, msg);
  // StartTime after the default EndTime (now).
  fails({{"StartTime", std::to_string(kNow + 3600)}}, ErrorCode::InvalidTimeRangeException, msg);
  fails({{"EndTime", "1e300"}}, ErrorCode::InvalidTimeRangeException,
        "The time range is outside the range of possible values.");
  fails({{"StartTime", "-1e12"}}, ErrorCode::InvalidTimeRangeException);
  // Equal is fine.
  ok({{"StartTime", std::to_string(kNow - 10)}, {"EndTime", std::to_string(kNow - 10)}});
}

TEST_F(CloudTrailTest, MaxResultsErrors) {
  fails({{"MaxResults", "0"}}, ErrorCode::InvalidMaxResultsException,
        "A max results value of 0 is invalid. Specify max results between 1 and 50.");
  fails({{"MaxResults", "51"}}, ErrorCode::InvalidMaxResultsException,
        "A max results value of 51 is invalid. Specify max results between 1 and 50.");
  fails({{"MaxResults", "-3"}}, ErrorCode::InvalidMaxResultsException);
  ok({{"MaxResults", "1"}});
  ok({{"MaxResults", "50"}});
}

TEST_F(CloudTrailTest, EventCategory) {
  add("e", at(kNow - 1));
  flush();
  fails({{"EventCategory", "management"}}, ErrorCode::InvalidEventCategoryException,
        "Event category management is not valid. The valid value is insight.");
  fails({{"EventCategory", "Insight"}}, ErrorCode::InvalidEventCategoryException);
  // iamd records no Insights events.
  api::Output out = ok({{"EventCategory", "insight"}});
  ASSERT_NE(child(out.result, "Events"), nullptr);
  EXPECT_TRUE(child(out.result, "Events")->children.empty());
  EXPECT_EQ(next_token(out), "<absent>");
}

TEST_F(CloudTrailTest, WrongJsonTypesAreSerializationErrors) {
  for (const Fields& p : std::vector<Fields>{
           {{"StartTime", "yesterday"}},
           {{"StartTime", "2024-01-01T00:00:00Z"}},
           {{"EndTime", "0x10"}},
           {{"EndTime", "1."}},
           {{"StartTime.Nested", "1"}},  // an object
           {{"MaxResults", "abc"}},
           {{"MaxResults", "5.5"}},
           {{"MaxResults.member.1", "5"}},  // an array
           {{"LookupAttributes", "EventName"}},
           {{"LookupAttributes.member.1.AttributeKey.x", "EventName"}},
           {{"NextToken.x", "t"}},
           {{"EventCategory.member.1", "insight"}},
       }) {
    auto out = call_as(root_caller(kAccount), p);
    ASSERT_FALSE(out) << p.front().first;
    EXPECT_EQ(out.error().code, ErrorCode::SerializationException) << p.front().first;
  }
}

TEST_F(CloudTrailTest, OnlyTheCallersAccount) {
  add("mine", at(kNow - 2));
  add("theirs", at(kNow - 1), kOther);
  flush();
  EXPECT_EQ(event_ids(ok()), std::vector<std::string>{"mine"});
  EXPECT_EQ(event_ids(ok(attribute("EventId", "theirs"))), std::vector<std::string>{});
  EXPECT_EQ(event_ids(ok_as(root_caller(kOther))), std::vector<std::string>{"theirs"});
}

TEST_F(CloudTrailTest, NeedsCloudTrailLookupEvents) {
  add("e", at(kNow - 1));
  flush();
  api::Caller nobody = user_of(kAccount, "nobody", "");
  auto out = call_as(nobody, {});
  ASSERT_FALSE(out);
  EXPECT_EQ(out.error().code, ErrorCode::AccessDeniedException);
  EXPECT_EQ(out.error().message,
            "User: arn:aws:iam::111111111111:user/nobody is not authorized to perform: "
            "cloudtrail:LookupEvents because no identity-based policy allows the "
            "cloudtrail:LookupEvents action");
  EXPECT_EQ(waits_, 0);  // refused before any lookup

  api::Caller other_action = user_of(
      kAccount, "reader",
      R"({"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"cloudtrail:Describe*","Resource":"*"}]})");
  EXPECT_FALSE(call_as(other_action, {}));

  api::Caller auditor = user_of(
      kAccount, "auditor",
      R"({"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"cloudtrail:LookupEvents","Resource":"*"}]})");
  EXPECT_EQ(event_ids(ok_as(auditor)), std::vector<std::string>{"e"});

  api::Caller denied = user_of(
      kAccount, "denied",
      R"({"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"*","Resource":"*"},{"Effect":"Deny","Action":"cloudtrail:Lookup*","Resource":"*"}]})");
  auto refused = call_as(denied, {});
  ASSERT_FALSE(refused);
  EXPECT_EQ(refused.error().code, ErrorCode::AccessDeniedException);
}

TEST_F(CloudTrailTest, WaitsForTheBrokerBeforeEveryLookup) {
  ok();
  ok(attribute("EventName", "x"));
  EXPECT_EQ(waits_, 2);
  fails({{"MaxResults", "0"}}, ErrorCode::InvalidMaxResultsException);
  EXPECT_EQ(waits_, 2);
}

}  // namespace
}  // namespace iamd::cloudtrail
