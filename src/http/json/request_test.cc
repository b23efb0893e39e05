// The JSON 1.1 request side: bodies -> ParamNode (read back through api::Input as handlers do),
// X-Amz-Target parsing, Content-Type recognition and every error the decoder can give.
#include "http/json/request.h"

#include <gtest/gtest.h>

#include <string>

#include "api/input.h"

namespace iamd::http::json {
namespace {

using core::ErrorCode;

api::ParamNode decode_ok(std::string_view body) {
  auto r = decode_body(body);
  EXPECT_TRUE(r) << body << ": " << (r ? "" : r.error().message);
  return r ? std::move(*r) : api::ParamNode{};
}

void decode_fails(std::string_view body, ErrorCode code, std::string_view message_part = {}) {
  auto r = decode_body(body);
  ASSERT_FALSE(r) << body;
  EXPECT_EQ(r.error().code, code) << body << ": " << r.error().message;
  if (!message_part.empty()) {
    EXPECT_NE(r.error().message.find(message_part), std::string::npos) << r.error().message;
  }
}

const api::ParamNode* at(const api::ParamNode& n, std::initializer_list<std::string_view> path) {
  const api::ParamNode* cur = &n;
  for (auto seg : path) {
    auto it = cur->children.find(seg);
    if (it == cur->children.end()) return nullptr;
    cur = &it->second;
  }
  return cur;
}

TEST(JsonRequest, ScalarsStructsAndLists) {
  auto root = decode_ok(
      R"({"Name":"ou-1","MaxResults":5,"Big":18446744073709551615,"Neg":-3,"F":1.50,)"
      R"("On":true,"Off":false,"Parent":{"Id":"r-ab12"},"Ids":["a","b"],)"
      R"("Tags":[{"Key":"k1","Value":"v1"},{"Key":"k2","Value":""}]})");
  api::Input in(root);
  EXPECT_EQ(in.required_string("Name"), "ou-1");
  EXPECT_EQ(in.optional_int("MaxResults"), 5);
  EXPECT_EQ(in.optional_int("Neg"), -3);
  EXPECT_EQ(in.optional_bool("On"), true);
  EXPECT_EQ(in.optional_bool("Off"), false);
  // Numbers keep their text exactly.
  EXPECT_EQ(at(root, {"Big"})->value, "18446744073709551615");
  EXPECT_EQ(at(root, {"F"})->value, "1.50");
  EXPECT_EQ(at(root, {"Parent", "Id"})->value, "r-ab12");
  EXPECT_EQ(in.string_list("Ids"), (std::vector<std::string>{"a", "b"}));
  auto tags = in.list("Tags");
  ASSERT_EQ(tags.size(), 2u);
  EXPECT_EQ(tags[0].required_string("Key"), "k1");
  EXPECT_EQ(tags[1].required_string("Key"), "k2");
  EXPECT_EQ(tags[1].required_string("Value"), "");
  EXPECT_TRUE(in.finish());
  // Lists sit under "member" with 1-based indices, like the Query decoder's.
  EXPECT_EQ(at(root, {"Ids", "member", "2"})->value, "b");
  EXPECT_EQ(at(root, {"Tags", "member", "1", "Value"})->value, "v1");
}

TEST(JsonRequest, NullsEmptiesAndWhitespace) {
  auto root = decode_ok(" {\n \"A\" : null , \"L\" : [ ], \"S\": {}, \"N\": [null, \"x\"] }\r\n");
  EXPECT_EQ(at(root, {"A"}), nullptr);  // null: as if absent
  ASSERT_NE(at(root, {"L"}), nullptr);
  EXPECT_TRUE(at(root, {"L"})->children.empty());
  EXPECT_FALSE(at(root, {"L"})->value);
  ASSERT_NE(at(root, {"S"}), nullptr);
  EXPECT_EQ(at(root, {"N", "member", "1"}), nullptr);  // a null item keeps its position
  EXPECT_EQ(at(root, {"N", "member", "2"})->value, "x");
  api::Input in(root);
  EXPECT_FALSE(in.optional_string("A"));
  EXPECT_TRUE(in.list("L").empty());
  EXPECT_TRUE(in.has_list("L"));

  EXPECT_TRUE(decode_ok("").children.empty());
  EXPECT_TRUE(decode_ok("  \n").children.empty());
  EXPECT_TRUE(decode_ok("{}").children.empty());
}

TEST(JsonRequest, EscapesAndUnicode) {
  auto root = decode_ok(R"({"a\u0042c":"line\nnext \"q\" \u00e9\ud83d\ude00 \\","Ü":"ü"})");
  EXPECT_EQ(at(root, {"aBc"})->value, "line\nnext \"q\" \xC3\xA9\xF0\x9F\x98\x80 \\");
  EXPECT_EQ(at(root, {"\xC3\x9C"})->value, "\xC3\xBC");
  // Dots in member names are just characters (unlike Query parameter names).
  EXPECT_EQ(at(decode_ok(R"({"a.b":"1"})"), {"a.b"})->value, "1");
}

TEST(JsonRequest, MalformedBodies) {
  decode_fails("{", ErrorCode::SerializationException, "not valid JSON");
  decode_fails("{\"a\":}", ErrorCode::SerializationException);
  decode_fails("{\"a\":1,}", ErrorCode::SerializationException);  // no trailing commas
  decode_fails("{'a':1}", ErrorCode::SerializationException);
  decode_fails("{\"a\":1} x", ErrorCode::SerializationException, "after the JSON object");
  decode_fails("{\"a\":1}{}", ErrorCode::SerializationException);
  decode_fails("{/* c */}", ErrorCode::SerializationException);
  decode_fails("Action=ListRoots", ErrorCode::SerializationException);
  decode_fails("{\"a\":\"\xff\"}", ErrorCode::SerializationException);  // not UTF-8
  decode_fails("{\"a\":\"\x01\"}", ErrorCode::SerializationException);  // raw control character
}

TEST(JsonRequest, TopLevelMustBeAnObject) {
  for (std::string_view body : {"[]", "[{\"a\":1}]", "\"x\"", "5", "true", "null"}) {
    decode_fails(body, ErrorCode::SerializationException, "must be a JSON object");
  }
}

TEST(JsonRequest, DuplicateKeysAreRejected) {
  decode_fails(R"({"Name":"a","Name":"b"})", ErrorCode::SerializationException,
               "Duplicate member in the request body: Name");
  decode_fails(R"({"P":{"Id":"a","Id":"b"}})", ErrorCode::SerializationException);
  // The same key in different objects is fine.
  decode_ok(R"({"A":{"Id":"a"},"B":{"Id":"b"},"L":[{"Id":"1"},{"Id":"2"}]})");
}

TEST(JsonRequest, DepthLimit) {
  auto nested = [](std::size_t depth) {
    std::string s = "{}";
    for (std::size_t i = 1; i < depth; ++i) s = "{\"a\":" + s + "}";
    return s;
  };
  decode_ok(nested(kMaxDepth));
  decode_fails(nested(kMaxDepth + 1), ErrorCode::SerializationException, "nested deeper than 32");
  std::string arrays = "{\"a\":";
  for (std::size_t i = 1; i < kMaxDepth + 5; ++i) arrays += "[";
  decode_fails(arrays, ErrorCode::SerializationException, "nested deeper");
}

TEST(JsonRequest, SizeLimits) {
  std::string many = "{\"L\":[";
  for (std::size_t i = 0; i < kMaxValues; ++i) many += i == 0 ? "1" : ",1";
  many += "]}";
  decode_fails(many, ErrorCode::RequestEntityTooLarge, "at most 10000");
  std::string fits = "{\"L\":[";
  for (std::size_t i = 0; i < kMaxValues - 2; ++i) fits += i == 0 ? "1" : ",1";
  fits += "]}";
  decode_ok(fits);

  decode_ok("{\"" + std::string(kMaxKeyBytes, 'k') + "\":1}");
  decode_fails("{\"" + std::string(kMaxKeyBytes + 1, 'k') + "\":1}",
               ErrorCode::SerializationException);
  // Long values are the HTTP layer's to bound (body size), not the codec's.
  decode_ok("{\"v\":\"" + std::string(100000, 'x') + "\"}");
}

TEST(JsonRequest, Target) {
  auto t = parse_target("AWSOrganizationsV20161128.CreateAccount");
  ASSERT_TRUE(t);
  EXPECT_EQ(t->service->service, "organizations");
  EXPECT_EQ(t->service->json_version, "1.1");
  EXPECT_EQ(t->action, "CreateAccount");
  for (std::string_view bad : {"", "CreateAccount", "AWSOrganizationsV20161128.",
                               "AWSOrganizationsV20161127.CreateAccount",
                               "awsorganizationsv20161128.CreateAccount", ".CreateAccount"}) {
    auto r = parse_target(bad);
    ASSERT_FALSE(r) << bad;
    EXPECT_EQ(r.error().code, ErrorCode::UnknownOperationException) << bad;
    EXPECT_EQ(r.error().message, "");
  }
  // Query services have no target prefix.
  EXPECT_EQ(api::find_service_by_target_prefix(""), nullptr);
}

TEST(JsonRequest, ContentType) {
  EXPECT_TRUE(is_json_content_type("application/x-amz-json-1.1"));
  EXPECT_TRUE(is_json_content_type("application/x-amz-json-1.0"));
  EXPECT_TRUE(is_json_content_type("Application/X-Amz-Json-1.1; charset=utf-8"));
  EXPECT_TRUE(is_json_content_type(" application/x-amz-json-1.1 ;charset=UTF-8"));
  EXPECT_FALSE(is_json_content_type("application/json"));
  EXPECT_FALSE(is_json_content_type("application/x-www-form-urlencoded; charset=utf-8"));
  EXPECT_FALSE(is_json_content_type(""));
}

}  // namespace
}  // namespace iamd::http::json
