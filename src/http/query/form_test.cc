#include "http/query/form.h"

#include <gtest/gtest.h>

#include <string>

#include "api/input.h"
#include "core/strings.h"

namespace iamd::http::query {
namespace {

using core::ErrorCode;

Fields decode_ok(std::string_view text) {
  auto r = decode_form(text);
  EXPECT_TRUE(r) << text << ": " << (r ? "" : r.error().message);
  return r ? *r : Fields{};
}

api::ParamNode parse_ok(std::string_view text) {
  auto r = parse_params(text, "");
  EXPECT_TRUE(r) << text << ": " << (r ? "" : r.error().message);
  return r ? *r : api::ParamNode{};
}

core::Error parse_error(std::string_view text) {
  auto r = parse_params(text, "");
  EXPECT_FALSE(r) << text;
  return r ? core::Error{ErrorCode::InternalFailure, "no error"} : r.error();
}

const api::ParamNode& at(const api::ParamNode& node, std::initializer_list<std::string_view> path) {
  const api::ParamNode* n = &node;
  for (auto seg : path) {
    auto it = n->children.find(seg);
    if (it == n->children.end()) {
      ADD_FAILURE() << "missing segment " << seg;
      static const api::ParamNode kEmpty;
      return kEmpty;
    }
    n = &it->second;
  }
  return *n;
}

// ---- decode_form ----

TEST(DecodeForm, PlusPercentAndEmptyValues) {
  auto f = decode_ok("A=hello+world&B=%2B%20%41%c3%a9&C=&D&E=x=y");
  ASSERT_EQ(f.size(), 5u);
  EXPECT_EQ(f[0], (Field{"A", "hello world"}));
  EXPECT_EQ(f[1], (Field{"B", "+ A\xC3\xA9"}));
  EXPECT_EQ(f[2], (Field{"C", ""}));
  EXPECT_EQ(f[3], (Field{"D", ""}));     // no '=': a name with an empty value
  EXPECT_EQ(f[4], (Field{"E", "x=y"}));  // only the first '=' separates
}

TEST(DecodeForm, NamesAreDecodedToo) {
  auto f = decode_ok("Tags%2Emember.1+x=%7B%22a%22%7D");
  ASSERT_EQ(f.size(), 1u);
  EXPECT_EQ(f[0], (Field{"Tags.member.1 x", "{\"a\"}"}));
}

TEST(DecodeForm, EmptyFieldsAreSkipped) {
  EXPECT_TRUE(decode_ok("").empty());
  EXPECT_TRUE(decode_ok("&&&").empty());
  auto f = decode_ok("&a=1&&b=2&");
  ASSERT_EQ(f.size(), 2u);
  EXPECT_EQ(f[0].first, "a");
  EXPECT_EQ(f[1].first, "b");
}

TEST(DecodeForm, KeepsWireOrderAndRawUtf8) {
  auto f = decode_ok("z=1&a=\xE2\x82\xAC&m=%F0%9F%98%80");
  ASSERT_EQ(f.size(), 3u);
  EXPECT_EQ(f[0].first, "z");
  EXPECT_EQ(f[1].second, "\xE2\x82\xAC");
  EXPECT_EQ(f[2].second, "\xF0\x9F\x98\x80");
}

TEST(DecodeForm, MalformedPercentEncoding) {
  for (std::string_view bad : {"a=%G1", "a=%", "a=%4", "a=1%", "%=1", "a%2=1", "a=%zz", "a=%%41",
                               "a=%4G&b=1", "a=ok&b=%"}) {
    auto r = decode_form(bad);
    ASSERT_FALSE(r) << bad;
    EXPECT_EQ(r.error().code, ErrorCode::MalformedQueryString) << bad;
    EXPECT_NE(r.error().message.find("percent-encoding"), std::string::npos);
  }
  auto r = decode_form("abc=1&def=x%Q");
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().message, "Malformed percent-encoding at byte 11 of the query string");
}

TEST(DecodeForm, InvalidUtf8) {
  for (std::string_view bad :
       {"a=%FF", "a=%C0%AF" /* overlong '/' */, "a=%ED%A0%80" /* surrogate */,
        "a=%F4%90%80%80" /* > U+10FFFF */, "a=%C3", "a=\xFF", "a=\xC3(", "%FF=1", "\x80=1"}) {
    auto r = decode_form(bad);
    ASSERT_FALSE(r) << bad;
    EXPECT_EQ(r.error().code, ErrorCode::MalformedQueryString) << bad;
    EXPECT_NE(r.error().message.find("UTF-8"), std::string::npos);
  }
  EXPECT_EQ(decode_form("Name=%FF").error().message,
            "The value of parameter Name is not valid UTF-8");
}

TEST(DecodeForm, FieldLimit) {
  std::string text;
  for (size_t i = 0; i < kMaxFields; ++i) {
    text += 'a';
    text += std::to_string(i);  // (not "a" + to_string: GCC 12 -Wrestrict false positive)
    text += "=x&&";
  }
  EXPECT_EQ(decode_ok(text).size(), kMaxFields);  // empty fields do not count
  text += "one=more";
  auto r = decode_form(text);
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().code, ErrorCode::RequestEntityTooLarge);
}

// ---- build_params ----

TEST(BuildParams, FlattenedNamesBecomeATree) {
  auto root = parse_ok(
      "Action=CreateRole&Version=2010-05-08&RoleName=r"
      "&Tags.member.1.Key=k&Tags.member.1.Value=v&Tags.member.2.Key=k2&Tags.member.2.Value=");
  EXPECT_EQ(at(root, {"Action"}).value, "CreateRole");
  EXPECT_EQ(at(root, {"Version"}).value, "2010-05-08");
  EXPECT_EQ(at(root, {"RoleName"}).value, "r");
  EXPECT_EQ(at(root, {"Tags", "member", "1", "Key"}).value, "k");
  EXPECT_EQ(at(root, {"Tags", "member", "1", "Value"}).value, "v");
  EXPECT_EQ(at(root, {"Tags", "member", "2", "Value"}).value, "");  // empty tag value is valid
  EXPECT_FALSE(at(root, {"Tags"}).value.has_value());
  EXPECT_FALSE(at(root, {"Tags", "member", "1"}).value.has_value());
  EXPECT_EQ(root.children.size(), 4u);
}

TEST(BuildParams, BotocoreBody) {
  // The exact body botocore 1.43.11 sends for SimulateCustomPolicy (note '+' for spaces).
  auto root = parse_ok(
      "Action=SimulateCustomPolicy&Version=2010-05-08"
      "&PolicyInputList.member.1=%7B%22Version%22%3A+%222012-10-17%22%7D"
      "&ActionNames.member.1=s3%3AGetObject&ActionNames.member.2=iam%3AGet%2A"
      "&ContextEntries.member.1.ContextKeyName=aws%3ASourceIp"
      "&ContextEntries.member.1.ContextKeyValues.member.1=1.2.3.4"
      "&ContextEntries.member.1.ContextKeyValues.member.2=5.6.7.8"
      "&ContextEntries.member.1.ContextKeyType=ipList"
      "&CallerArn=arn%3Aaws%3Aiam%3A%3A123456789012%3Auser%2Fa+b%2Bc%C3%A9");
  api::Input in(root);
  EXPECT_EQ(in.string_list("PolicyInputList"),
            (std::vector<std::string>{"{\"Version\": \"2012-10-17\"}"}));
  EXPECT_EQ(in.string_list("ActionNames"), (std::vector<std::string>{"s3:GetObject", "iam:Get*"}));
  EXPECT_EQ(in.optional_string("CallerArn"), "arn:aws:iam::123456789012:user/a b+c\xC3\xA9");
  auto entries = in.list("ContextEntries");
  ASSERT_EQ(entries.size(), 1u);
  EXPECT_EQ(entries[0].optional_string("ContextKeyType"), "ipList");
  EXPECT_TRUE(in.finish());
}

TEST(BuildParams, EmptyListIsAnEmptyValue) {
  auto root = parse_ok("Action=CreateOpenIDConnectProvider&ThumbprintList=&Url=https%3A%2F%2Fx");
  const auto& list = at(root, {"ThumbprintList"});
  EXPECT_EQ(list.value, "");
  EXPECT_TRUE(list.children.empty());
  api::Input in(root);
  EXPECT_TRUE(in.has_list("ThumbprintList"));
  EXPECT_TRUE(in.string_list("ThumbprintList").empty());
}

TEST(BuildParams, ListsOutOfOrderAreOrderedByTheReader) {
  auto root = parse_ok(
      "ClientIDList.member.10=j&ClientIDList.member.2=b&ClientIDList.member.1=a"
      "&ClientIDList.member.3=c&ClientIDList.member.4=d&ClientIDList.member.5=e"
      "&ClientIDList.member.6=f&ClientIDList.member.7=g&ClientIDList.member.8=h"
      "&ClientIDList.member.9=i");
  EXPECT_EQ(at(root, {"ClientIDList", "member"}).children.size(), 10u);
  api::Input in(root);
  auto items = in.string_list("ClientIDList");
  EXPECT_EQ(items, (std::vector<std::string>{"a", "b", "c", "d", "e", "f", "g", "h", "i", "j"}));
  EXPECT_TRUE(in.finish());
}

TEST(BuildParams, NestedLists) {
  auto root = parse_ok(
      "ContextEntries.member.2.ContextKeyName=aws%3AUserAgent"
      "&ContextEntries.member.1.ContextKeyName=aws%3ASourceIp"
      "&ContextEntries.member.1.ContextKeyValues.member.2=5.6.7.8"
      "&ContextEntries.member.1.ContextKeyValues.member.1=1.2.3.4"
      "&ContextEntries.member.1.ContextKeyType=ip");
  const auto& e1 = at(root, {"ContextEntries", "member", "1"});
  EXPECT_EQ(at(e1, {"ContextKeyName"}).value, "aws:SourceIp");
  EXPECT_EQ(at(e1, {"ContextKeyType"}).value, "ip");
  EXPECT_EQ(at(e1, {"ContextKeyValues", "member", "1"}).value, "1.2.3.4");
  EXPECT_EQ(at(e1, {"ContextKeyValues", "member", "2"}).value, "5.6.7.8");
  EXPECT_EQ(at(root, {"ContextEntries", "member", "2", "ContextKeyName"}).value, "aws:UserAgent");

  api::Input in(root);
  auto entries = in.list("ContextEntries");
  ASSERT_EQ(entries.size(), 2u);
  EXPECT_EQ(entries[0].string_list("ContextKeyValues"),
            (std::vector<std::string>{"1.2.3.4", "5.6.7.8"}));
}

TEST(BuildParams, Maps) {
  auto root = parse_ok(
      "Attrs.entry.2.key=b&Attrs.entry.2.value=2&Attrs.entry.1.key=a&Attrs.entry.1.value=");
  EXPECT_EQ(at(root, {"Attrs", "entry", "1", "key"}).value, "a");
  EXPECT_EQ(at(root, {"Attrs", "entry", "1", "value"}).value, "");
  EXPECT_EQ(at(root, {"Attrs", "entry", "2", "key"}).value, "b");
  EXPECT_EQ(at(root, {"Attrs", "entry", "2", "value"}).value, "2");
}

TEST(BuildParams, DuplicateParameters) {
  for (std::string_view text :
       {"A=1&A=2", "A=1&A=1", "A=&A=", "A&A=", "T.member.1.Key=a&T.member.1.Key=b", "A=1&A=%31",
        "A+B=1&A%20B=2"}) {
    auto e = parse_error(text);
    EXPECT_EQ(e.code, ErrorCode::MalformedQueryString) << text;
    EXPECT_EQ(e.message.rfind("Duplicate parameter: ", 0), 0u) << text << ": " << e.message;
  }
  EXPECT_EQ(parse_error("X=1&Tags.member.1.Key=a&Tags.member.1.Key=a").message,
            "Duplicate parameter: Tags.member.1.Key");
}

TEST(BuildParams, EmptySegments) {
  for (std::string_view text :
       {"a..b=1", ".a=1", "a.=1", "=1", "=", ".=1", "..=1", "Tags.member..Key=1"}) {
    auto e = parse_error(text);
    EXPECT_EQ(e.code, ErrorCode::MalformedQueryString) << text;
    EXPECT_EQ(e.message.rfind("Invalid parameter name: ", 0), 0u) << text << ": " << e.message;
  }
  EXPECT_EQ(parse_error("a..b=1").message, "Invalid parameter name: 'a..b'");
}

TEST(BuildParams, ValueAndStructureConflict) {
  struct Case {
    std::string_view text;
    std::string_view message;
  };
  for (const auto& c : std::initializer_list<Case>{
           {"A=1&A.B=2", "Parameter A cannot have both a value and nested parameters"},
           {"A.B=2&A=1", "Parameter A cannot have both a value and nested parameters"},
           {"A.B=1&A.B.C=2", "Parameter A.B cannot have both a value and nested parameters"},
           {"A.B.C=2&A.B=1", "Parameter A.B cannot have both a value and nested parameters"},
           {"Tags=&Tags.member.1.Key=k",
            "Parameter Tags cannot have both a value and nested parameters"}}) {
    auto e = parse_error(c.text);
    EXPECT_EQ(e.code, ErrorCode::MalformedQueryString) << c.text;
    EXPECT_EQ(e.message, c.message) << c.text;
  }
}

TEST(BuildParams, NameLengthLimit) {
  std::string ok(kMaxNameBytes, 'n');
  EXPECT_TRUE(parse_params(ok + "=1", ""));
  auto e = parse_error(ok + "n=1");
  EXPECT_EQ(e.code, ErrorCode::MalformedQueryString);
  // The message repeats a bounded prefix of the name, never all of it.
  EXPECT_EQ(e.message.rfind("Parameter name longer than 512 bytes: nnnn", 0), 0u) << e.message;
  EXPECT_LT(e.message.size(), 200u);
  EXPECT_EQ(e.message.substr(e.message.size() - 3), "...");
}

TEST(BuildParams, EchoedNamesAreCutOnACharacterBoundary) {
  std::string name;
  while (name.size() < kMaxNameBytes + 10) name += "\xC3\xA9";  // two-byte characters
  auto e = parse_error(name + "=1");
  ASSERT_EQ(e.code, ErrorCode::MalformedQueryString);
  EXPECT_TRUE(core::is_valid_utf8(e.message)) << e.message;
}

TEST(BuildParams, DepthLimit) {
  std::string name = "a";
  for (size_t i = 1; i < kMaxDepth; ++i) name += ".a";
  EXPECT_TRUE(parse_params(name + "=1", ""));
  auto e = parse_error(name + ".a=1");
  EXPECT_EQ(e.code, ErrorCode::MalformedQueryString);
  EXPECT_EQ(e.message.rfind("Parameter name nested deeper than 16 levels: ", 0), 0u) << e.message;
}

TEST(BuildParams, FieldLimitAppliesToPreparedFields) {
  Fields fields(kMaxFields + 1, Field{"a", "b"});
  auto r = build_params(fields);
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().code, ErrorCode::RequestEntityTooLarge);
}

// ---- merging query string and body ----

TEST(Merge, QueryAndBodyTogether) {
  auto r =
      parse_params("X-Amz-Date=20240101T000000Z", "Action=GetCallerIdentity&Version=2011-06-15");
  ASSERT_TRUE(r) << r.error().message;
  EXPECT_EQ(at(*r, {"Action"}).value, "GetCallerIdentity");
  EXPECT_EQ(at(*r, {"X-Amz-Date"}).value, "20240101T000000Z");

  auto merged = merge_fields(decode_ok("a=1"), decode_ok("b=2&c=3"));
  ASSERT_TRUE(merged);
  EXPECT_EQ(*merged, (Fields{{"a", "1"}, {"b", "2"}, {"c", "3"}}));
}

TEST(Merge, ANameInBothIsADuplicate) {
  auto r = parse_params("Action=GetCallerIdentity", "Action=AssumeRole");
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().code, ErrorCode::MalformedQueryString);
  EXPECT_EQ(r.error().message, "Duplicate parameter: Action");
}

TEST(Merge, ErrorsFromEitherPart) {
  EXPECT_EQ(parse_params("a=%", "b=1").error().code, ErrorCode::MalformedQueryString);
  EXPECT_EQ(parse_params("a=1", "b=%FF").error().code, ErrorCode::MalformedQueryString);
}

TEST(Merge, FieldLimitCountsBothParts) {
  Fields half(kMaxFields / 2 + 1, Field{"a", "b"});
  auto r = merge_fields(half, half);
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().code, ErrorCode::RequestEntityTooLarge);
  EXPECT_TRUE(merge_fields(Fields(kMaxFields / 2, Field{"a", "b"}),
                           Fields(kMaxFields / 2, Field{"c", "d"})));
}

}  // namespace
}  // namespace iamd::http::query
