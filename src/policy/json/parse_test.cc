// policy::json::parse: the grammar of spec §3.1 mapped onto the model, Strict vs Lenient, statement
// positions, duplicate keys, and hostile input (deep nesting, invalid UTF-8, lone surrogates).

#include "policy/json/parse.h"

#include <gtest/gtest.h>

#include <string>

#include "policy/json/parse_and_validate.h"
#include "policy/json/reader.h"

namespace iamd::policy::json {
namespace {

using core::ErrorCode;

constexpr std::string_view kSyntax = "Syntax errors in policy.";

Policy parse_ok(std::string_view text, ParseMode mode = ParseMode::Strict) {
  auto p = parse(text, mode);
  EXPECT_TRUE(p) << (p ? "" : p.error().message) << "\n" << text;
  return p ? *p : Policy{};
}

std::string parse_error(std::string_view text, ParseMode mode = ParseMode::Strict) {
  auto p = parse(text, mode);
  if (p) return "(parsed)";
  EXPECT_EQ(p.error().code, ErrorCode::MalformedPolicyDocument);
  return p.error().message;
}

std::string wrap(std::string_view statement) {
  return R"({"Version":"2012-10-17","Statement":)" + std::string(statement) + "}";
}

TEST(Parse, AdministratorAccess) {
  Policy p = parse_ok(R"({"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"*","Resource":"*"}]})");
  EXPECT_EQ(p.version, "2012-10-17");
  EXPECT_FALSE(p.id);
  ASSERT_EQ(p.statements.size(), 1u);
  const Statement& s = p.statements[0];
  EXPECT_EQ(s.effect, Effect::Allow);
  EXPECT_TRUE(s.has_action);
  EXPECT_FALSE(s.not_action);
  EXPECT_EQ(s.actions, std::vector<std::string>{"*"});
  EXPECT_TRUE(s.has_resource);
  EXPECT_EQ(s.resources, std::vector<std::string>{"*"});
  EXPECT_FALSE(s.sid);
  EXPECT_FALSE(s.principal);
  EXPECT_TRUE(s.conditions.empty());
}

TEST(Parse, StatementMayBeAnObjectOrAnArray) {
  Policy single = parse_ok(wrap(R"({"Effect":"Deny","NotAction":"iam:*","NotResource":["a","b"]})"));
  ASSERT_EQ(single.statements.size(), 1u);
  EXPECT_EQ(single.statements[0].effect, Effect::Deny);
  EXPECT_TRUE(single.statements[0].not_action);
  EXPECT_TRUE(single.statements[0].has_action);
  EXPECT_EQ(single.statements[0].actions, std::vector<std::string>{"iam:*"});
  EXPECT_TRUE(single.statements[0].not_resource);
  EXPECT_EQ(single.statements[0].resources, (std::vector<std::string>{"a", "b"}));

  Policy two = parse_ok(wrap(R"([{"Sid":"A","Effect":"Allow","Action":["s3:Get*","s3:List*"],"Resource":"*"},
                                 {"Sid":"B","Effect":"Deny","Action":"s3:Delete*","Resource":"*"}])"));
  ASSERT_EQ(two.statements.size(), 2u);
  EXPECT_EQ(two.statements[0].sid, "A");
  EXPECT_EQ(two.statements[0].actions, (std::vector<std::string>{"s3:Get*", "s3:List*"}));
  EXPECT_EQ(two.statements[1].sid, "B");
}

TEST(Parse, IdAndEmptyArraysAreKept) {
  Policy p = parse_ok(R"({"Version":"2012-10-17","Id":"my-policy","Statement":{"Effect":"Allow","Action":[],"Resource":[]}})");
  EXPECT_EQ(p.id, "my-policy");
  EXPECT_TRUE(p.statements[0].has_action);
  EXPECT_TRUE(p.statements[0].actions.empty());
  EXPECT_TRUE(p.statements[0].has_resource);
  EXPECT_TRUE(p.statements[0].resources.empty());
}

TEST(Parse, MissingElementsAreAbsent) {
  Policy p = parse_ok(R"({"Statement":{"Effect":"Allow"}})");
  EXPECT_EQ(p.version, "");
  EXPECT_FALSE(p.statements[0].has_action);
  EXPECT_FALSE(p.statements[0].has_resource);
}

TEST(Parse, PrincipalStarIsAnyButAwsStarIsATypedValue) {
  Policy p = parse_ok(wrap(R"([{"Effect":"Allow","Principal":"*","Action":"sts:AssumeRole"},
                               {"Effect":"Allow","Principal":{"AWS":"*"},"Action":"sts:AssumeRole"},
                               {"Effect":"Deny","NotPrincipal":{"AWS":["arn:aws:iam::123456789012:root","111122223333"],"Service":"ec2.amazonaws.com"},"Action":"*"}])"));
  ASSERT_TRUE(p.statements[0].principal);
  EXPECT_TRUE(p.statements[0].principal->any);
  EXPECT_TRUE(p.statements[0].principal->by_type.empty());
  ASSERT_TRUE(p.statements[1].principal);
  EXPECT_FALSE(p.statements[1].principal->any);
  ASSERT_EQ(p.statements[1].principal->by_type.size(), 1u);
  EXPECT_EQ(p.statements[1].principal->by_type[0].first, "AWS");
  EXPECT_EQ(p.statements[1].principal->by_type[0].second, std::vector<std::string>{"*"});
  EXPECT_FALSE(p.statements[2].principal);
  ASSERT_TRUE(p.statements[2].not_principal);
  const auto& by_type = p.statements[2].not_principal->by_type;
  ASSERT_EQ(by_type.size(), 2u);  // document order
  EXPECT_EQ(by_type[0].first, "AWS");
  EXPECT_EQ(by_type[0].second,
            (std::vector<std::string>{"arn:aws:iam::123456789012:root", "111122223333"}));
  EXPECT_EQ(by_type[1].first, "Service");
  EXPECT_EQ(by_type[1].second, std::vector<std::string>{"ec2.amazonaws.com"});
}

TEST(Parse, ConditionNumbersAndBooleansBecomeTheirJsonText) {
  Policy p = parse_ok(wrap(R"({"Effect":"Allow","Action":"*","Resource":"*","Condition":{
      "NumericLessThan":{"aws:MultiFactorAuthAge":3600,"s3:max-keys":[10,"20",1.50e3,-0]},
      "Bool":{"aws:SecureTransport":true,"aws:MultiFactorAuthPresent":[false]},
      "StringEquals":{"aws:username":"bob","aws:PrincipalTag/team":[]}}})"));
  const auto& c = p.statements[0].conditions;
  ASSERT_EQ(c.size(), 6u);
  EXPECT_EQ(c[0].op, "NumericLessThan");
  EXPECT_EQ(c[0].key, "aws:MultiFactorAuthAge");
  EXPECT_EQ(c[0].values, std::vector<std::string>{"3600"});
  EXPECT_EQ(c[1].values, (std::vector<std::string>{"10", "20", "1.50e3", "-0"}));
  EXPECT_EQ(c[2].op, "Bool");
  EXPECT_EQ(c[2].values, std::vector<std::string>{"true"});
  EXPECT_EQ(c[3].values, std::vector<std::string>{"false"});
  EXPECT_EQ(c[4].values, std::vector<std::string>{"bob"});
  EXPECT_EQ(c[5].key, "aws:PrincipalTag/team");
  EXPECT_TRUE(c[5].values.empty());
}

TEST(Parse, EmptyConditionBlocksAddNothing) {
  Policy p = parse_ok(wrap(R"({"Effect":"Allow","Action":"*","Resource":"*","Condition":{"DateGreaterThan":{},"x":{}}})"));
  EXPECT_TRUE(p.statements[0].conditions.empty());
  p = parse_ok(wrap(R"({"Effect":"Allow","Action":"*","Resource":"*","Condition":{}})"));
  EXPECT_TRUE(p.statements[0].conditions.empty());
}

TEST(Parse, StringsDecodeEscapesAndSurrogatePairs) {
  Policy p = parse_ok(wrap(R"({"Sid":"a","Effect":"Allow","Action":"*","Resource":"arn:aws:s3:::b/\u00e9\ud83d\ude00\"\\\/\b\f\n\r\t"})"));
  EXPECT_EQ(p.statements[0].resources[0], "arn:aws:s3:::b/\xC3\xA9\xF0\x9F\x98\x80\"\\/\b\f\n\r\t");
  p = parse_ok(wrap("{\"Effect\":\"Allow\",\"Action\":\"*\",\"Resource\":\"arn:aws:s3:::caf\xC3\xA9\"}"));
  EXPECT_EQ(p.statements[0].resources[0], "arn:aws:s3:::caf\xC3\xA9");
}

TEST(Positions, StatementStartAndEndAreLineAndColumn) {
  std::string text =
      "{\n"
      "  \"Version\": \"2012-10-17\",\n"
      "  \"Statement\": [\n"
      "    {\"Effect\": \"Allow\", \"Action\": \"*\", \"Resource\": \"*\"},\n"
      "    {\n"
      "      \"Sid\": \"\xC3\xA9t\xC3\xA9\", \"Effect\": \"Deny\",\n"
      "      \"Action\": \"iam:*\", \"Resource\": \"*\"\n"
      "    }\n"
      "  ]\n"
      "}\n";
  Policy p = parse_ok(text, ParseMode::Lenient);  // the Sid is not alphanumeric; parsing keeps it
  ASSERT_EQ(p.statements.size(), 2u);
  EXPECT_EQ(p.statements[0].start.line, 4);
  EXPECT_EQ(p.statements[0].start.column, 5);
  EXPECT_EQ(p.statements[0].end.line, 4);
  EXPECT_EQ(p.statements[0].end.column, 55);
  EXPECT_EQ(p.statements[1].start.line, 5);
  EXPECT_EQ(p.statements[1].start.column, 5);
  EXPECT_EQ(p.statements[1].end.line, 8);
  EXPECT_EQ(p.statements[1].end.column, 5);
}

TEST(Positions, ColumnsCountCharactersNotBytes) {
  // Two 2-byte characters and one 4-byte character before the statement: 3 columns, not 8.
  std::string text = "{\"Id\":\"\xC3\xA9\xC3\xA9\xF0\x9F\x98\x80\",\"Statement\":{\"Effect\":\"Allow\"}}";
  Policy p = parse_ok(text, ParseMode::Lenient);
  // {"Id":"ééX","Statement":  -> the statement's '{' is character 25.
  EXPECT_EQ(p.statements[0].start.line, 1);
  EXPECT_EQ(p.statements[0].start.column, 25);
  EXPECT_EQ(p.statements[0].end.column, 42);
}

TEST(Positions, SingleStatementObjectAndCrLf) {
  Policy p = parse_ok("{\r\n\"Version\":\"2012-10-17\",\r\n\"Statement\":\r\n\t{\"Effect\":\"Allow\",\"Action\":\"*\",\"Resource\":\"*\"}\r\n}");
  EXPECT_EQ(p.statements[0].start.line, 4);
  EXPECT_EQ(p.statements[0].start.column, 2);
  EXPECT_EQ(p.statements[0].end.line, 4);
}

TEST(Strict, DuplicateKeysAreSyntaxErrorsAtEveryLevel) {
  const char* cases[] = {
      R"({"Version":"2012-10-17","Version":"2012-10-17","Statement":{"Effect":"Allow","Action":"*","Resource":"*"}})",
      R"({"Version":"2012-10-17","Statement":{"Effect":"Allow","Effect":"Deny","Action":"*","Resource":"*"}})",
      R"({"Version":"2012-10-17","Statement":{"Effect":"Allow","Action":"a:b","Action":"a:c","Resource":"*"}})",
      R"({"Version":"2012-10-17","Statement":{"Effect":"Allow","Action":"*","Resource":"*","Condition":{"Bool":{"aws:SecureTransport":"true"},"Bool":{"aws:ViaAWSService":"true"}}}})",
      R"({"Version":"2012-10-17","Statement":{"Effect":"Allow","Action":"*","Resource":"*","Condition":{"Bool":{"aws:SecureTransport":"true","aws:SecureTransport":"false"}}}})",
      R"({"Version":"2012-10-17","Statement":{"Effect":"Allow","Principal":{"Service":"a.amazonaws.com","Service":"b.amazonaws.com"},"Action":"sts:AssumeRole"}})",
      R"({"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"*","Resource":"*","Sid":"a","Sid":"a"}]})",
  };
  for (const char* text : cases) EXPECT_EQ(parse_error(text), kSyntax) << text;
}

TEST(Lenient, DuplicateKeysKeepTheLastValue) {
  Policy p = parse_ok(R"({"Version":"2008-10-17","Version":"2012-10-17","Statement":{"Effect":"Allow","Effect":"Deny","Action":"a:b","Action":"a:c","Resource":"*",
      "Condition":{"Bool":{"k":"1","k":"2"},"Null":{"x":"true"},"Bool":{"j":"3"}}}})",
                      ParseMode::Lenient);
  EXPECT_EQ(p.version, "2012-10-17");
  EXPECT_EQ(p.statements[0].effect, Effect::Deny);
  EXPECT_EQ(p.statements[0].actions, std::vector<std::string>{"a:c"});
  const auto& c = p.statements[0].conditions;
  ASSERT_EQ(c.size(), 2u);
  EXPECT_EQ(c[0].op, "Null");
  EXPECT_EQ(c[1].op, "Bool");
  EXPECT_EQ(c[1].key, "j");
}

TEST(Lenient, UnknownElementsAreIgnoredAndEffectCaseIsForgiven) {
  Policy p = parse_ok(R"({"Version":"2012-10-17","Future":1,"Statement":{"Effect":"allow","Action":"*","Resource":"*","Comment":{"x":[1]}}})",
                      ParseMode::Lenient);
  EXPECT_EQ(p.statements[0].effect, Effect::Allow);
  // A stored document with no statements still loads (it grants nothing).
  EXPECT_TRUE(parse_ok(R"({"Version":"2012-10-17","Statement":[]})", ParseMode::Lenient).statements.empty());
  EXPECT_TRUE(parse_ok(R"({"Version":"2012-10-17"})", ParseMode::Lenient).statements.empty());
  // But Lenient never invents an Effect or guesses between Action and NotAction.
  EXPECT_EQ(parse_error(wrap(R"({"Action":"*","Resource":"*"})"), ParseMode::Lenient), kSyntax);
  EXPECT_EQ(parse_error(wrap(R"({"Effect":"Allow","Action":"*","NotAction":"a:b","Resource":"*"})"),
                        ParseMode::Lenient),
            kSyntax);
  EXPECT_EQ(parse_error("{", ParseMode::Lenient), kSyntax);
}

// Every wrong element shape of spec §3.8's first row.
TEST(Strict, SyntaxErrors) {
  const std::string cases[] = {
      "This is not a json document",
      "",
      "[]",
      "\"policy\"",
      R"({"Version":"2012-10-17"})",
      R"({"Version":"2012-10-17","Statement":[]})",
      R"({"Version":"2012-10-17","Statement":["afd"]})",
      R"({"Version":"2012-10-17","Statement":"x"})",
      R"({"Version":"2012-10-17","Statement":{"Effect":"Allow","Action":"*","Resource":"*"},"Extra field":"value"})",
      R"({"Version":2012,"Statement":{"Effect":"Allow","Action":"*","Resource":"*"}})",
      R"({"Version":"2013-10-17","Statement":{"Effect":"Allow","Action":"*","Resource":"*"}})",
      R"({"Version":"","Statement":{"Effect":"Allow","Action":"*","Resource":"*"}})",
      R"({"Version":"2012-10-17","Id":["x"],"Statement":{"Effect":"Allow","Action":"*","Resource":"*"}})",
      R"({"Version":"2012-10-17","Id":{},"Statement":{"Effect":"Allow","Action":"*","Resource":"*"}})",
      wrap(R"({"Effect":"Allow","Action":"*","Resource":"*","Extra field":"value"})"),
      wrap(R"({"Effect":"invalid","Action":"*","Resource":"*"})"),
      wrap(R"({"Effect":["Allow"],"Action":"*","Resource":"*"})"),
      wrap(R"({"Action":"s3:ListBucket","Resource":"*"})"),
      wrap(R"({"Effect":"Allow","Action":"*","Resource":{"a":"arn:aws:s3:::b"}})"),
      wrap(R"({"Effect":"Deny","Action":"*","Resource":["adfdf",{}]})"),
      wrap(R"({"Effect":"Allow","Action":"*","Resource":"*","NotResource":[]})"),
      wrap(R"({"Effect":"Deny","Action":[[]],"Resource":"*"})"),
      wrap(R"({"Effect":"Allow","NotAction":"s3:x","Action":[],"Resource":"*"})"),
      wrap(R"({"Effect":"Allow","Action":{},"Resource":"*"})"),
      wrap(R"({"Effect":"Allow","Action":1,"Resource":"*"})"),
      wrap(R"({"Effect":"Allow","Action":null,"Resource":"*"})"),
      wrap(R"({"Effect":"Allow","Action":"*","Resource":"*","Condition":[]})"),
      wrap(R"({"Effect":"Allow","Action":"*","Resource":"*","Condition":"a"})"),
      wrap(R"({"Effect":"Allow","Action":"*","Resource":"*","Condition":{"a":"b"}})"),
      wrap(R"({"Effect":"Allow","Action":"*","Resource":"*","Condition":{"DateGreaterThan":"b"}})"),
      wrap(R"({"Effect":"Allow","Action":"*","Resource":"*","Condition":{"DateGreaterThan":[]}})"),
      wrap(R"({"Effect":"Allow","Action":"*","Resource":"*","Condition":{"DateGreaterThan":{"a":{}}}})"),
      wrap(R"({"Effect":"Allow","Action":"*","Resource":"*","Condition":{"StringEquals":{"a":null}}})"),
      wrap(R"({"Effect":"Allow","Action":"*","Resource":"*","Condition":{"StringEquals":{"a":[["x"]]}}})"),
      wrap(R"({"Effect":"Allow","Action":"*","Resource":"*","Condition":{"x":{"a":"1"}}})"),
      wrap(R"({"Effect":"Allow","Action":"*","Resource":"*","Condition":{"ForAnyValue::StringEqualsIfExists":{"a":"asf"}}})"),
      wrap(R"({"Effect":"Allow","Action":"*","Resource":"*","Condition":[{"ForAllValues:StringEquals":{"aws:TagKeys":"Department"}}]})"),
      wrap(R"({"Sid":{},"Effect":"Allow","Action":"*","Resource":"*"})"),
      wrap(R"({"Sid":[],"Effect":"Allow","Action":"*","Resource":"*"})"),
      wrap(R"({"Effect":"Allow","Principal":"arn:aws:iam::123456789012:root","Action":"*"})"),
      wrap(R"({"Effect":"Allow","Principal":["*"],"Action":"*"})"),
      wrap(R"({"Effect":"Allow","Principal":{"AWS":{"x":"y"}},"Action":"*"})"),
      wrap(R"({"Effect":"Allow","Principal":{"AWS":[1]},"Action":"*"})"),
      wrap(R"({"Effect":"Allow","Principal":{},"Action":"sts:AssumeRole"})"),
      wrap(R"({"Effect":"Allow","Principal":{"AWS":[]},"Action":"sts:AssumeRole"})"),
      wrap(R"({"Effect":"Allow","Principal":{"Everyone":"*"},"Action":"sts:AssumeRole"})"),
      wrap(R"({"effect":"Allow","Action":"*","Resource":"*"})"),
  };
  for (const auto& text : cases) EXPECT_EQ(parse_error(text), kSyntax) << text;
}

TEST(Strict, UnknownOperatorWithAnEmptyBlockIsAccepted) {
  parse_ok(wrap(R"({"Effect":"Allow","Action":"*","Resource":"*","Condition":{"x":{},"y":{}}})"));
  parse_ok(wrap(R"({"Effect":"Allow","Action":"*","Resource":"*","Condition":{"ForAnyValue:StringEqualsIfExists":{"a":"b"}}})"));
}

TEST(Strict, EffectInAnotherCaseFailsLegacyParsing) {
  EXPECT_EQ(parse_error(wrap(R"({"Effect":"denY","Action":"*","Resource":"*"})")),
            "The policy failed legacy parsing");
  // Syntax errors anywhere in the document come first.
  EXPECT_EQ(parse_error(wrap(R"([{"Effect":"allow","Action":"*","Resource":"*"},{"Effect":"Allow","Action":"*","Resource":"*","Condition":{"x":{"a":"b"}}}])")),
            kSyntax);
}

TEST(Json, RejectsWhatRfc8259Rejects) {
  const std::string cases[] = {
      R"({"Statement":{"Effect":"Allow",}})",         // trailing comma
      R"({"Statement":[{"Effect":"Allow"},]})",
      R"({"Statement":{"Effect":"Allow"}} x)",        // content after the document
      R"({"Statement":{"Effect":"Allow"}}{})",
      "{'Statement':{}}",                             // single quotes
      "{\"Statement\":{} // comment\n}",
      "{\"Statement\":{\"Effect\":\"Al\nlow\"}}",     // raw control character
      "{\"Statement\":{\"Effect\":\"Al\tlow\"}}",
      R"({"Statement":{"Effect":"\x41llow"}})",       // invalid escape
      R"({"Statement":{"Effect":"\u12"}})",
      R"({"Sid":01})", R"({"Sid":1.})", R"({"Sid":.5})", R"({"Sid":+1})", R"({"Sid":1e})",
      R"({"Sid":-})", R"({"Sid":tru})", R"({"Sid":nul})", R"({"Sid":NaN})",
      R"({"Statement")", R"({"Statement":)", R"({"Statement":{)", "{", "}", "[", "\"abc",
      "\xEF\xBB\xBF{\"Version\":\"2012-10-17\",\"Statement\":{\"Effect\":\"Allow\",\"Action\":\"*\",\"Resource\":\"*\"}}",
  };
  for (const auto& text : cases) EXPECT_EQ(parse_error(text), kSyntax) << text;
  // Lenient reads a stored document with a BOM.
  parse_ok("\xEF\xBB\xBF{\"Version\":\"2012-10-17\",\"Statement\":{\"Effect\":\"Allow\",\"Action\":\"*\",\"Resource\":\"*\"}}",
           ParseMode::Lenient);
}

TEST(Json, RejectsInvalidUtf8AndLoneSurrogates) {
  const std::string bad_strings[] = {
      "\xC3",              // truncated
      "\xC0\xAF",          // overlong '/'
      "\xE0\x80\xAF",      // overlong
      "\xED\xA0\x80",      // encoded surrogate U+D800
      "\xF4\x90\x80\x80",  // past U+10FFFF
      "\x80",              // stray continuation byte
      "\xFF",
      "\xC3\x28",
      "\\ud800",           // lone high surrogate
      "\\ud800x",
      "\\ud800\\u0041",    // high surrogate + non-surrogate
      "\\udc00",           // lone low surrogate
      "\\udbff\\udbff",
  };
  for (const auto& s : bad_strings) {
    std::string text = wrap(R"({"Effect":"Allow","Action":"*","Resource":")" + s + "\"}");
    EXPECT_EQ(parse_error(text), kSyntax) << s;
    EXPECT_EQ(parse_error(text, ParseMode::Lenient), kSyntax) << s;
  }
  // Outside strings only JSON's own characters may appear.
  EXPECT_EQ(parse_error("{\"Version\":\"2012-10-17\"\xC2\xA0}"), kSyntax);
}

TEST(Json, NestingIsBoundedAndNeverRecursesDeeply) {
  // 64 levels read; 65 do not. Neither is a policy, but the reader must answer, not crash.
  std::string ok = std::string(64, '[') + std::string(64, ']');
  EXPECT_TRUE(detail::read(ok));
  std::string deep = std::string(65, '[') + std::string(65, ']');
  detail::ReadError error;
  EXPECT_FALSE(detail::read(deep, detail::Bom::Reject, &error));
  EXPECT_EQ(error.what, "nesting too deep");
  EXPECT_EQ(error.at.column, 65);
  std::string hostile = std::string(200000, '[');
  EXPECT_FALSE(detail::read(hostile));
  std::string objects;
  for (int i = 0; i < 100000; ++i) objects += "{\"a\":";
  EXPECT_EQ(parse_error(objects), kSyntax);
  // Inside a policy the limit counts the document's own object.
  std::string id = R"({"Version":"2012-10-17","Id":)" + std::string(70, '[') + std::string(70, ']') +
                   R"(,"Statement":{"Effect":"Allow","Action":"*","Resource":"*"}})";
  EXPECT_EQ(parse_error(id, ParseMode::Lenient), kSyntax);
}

TEST(Json, ManyMembersStayFast) {
  // Duplicate detection sorts; a quadratic scan would take seconds here.
  std::string text = "{\"Version\":\"2012-10-17\",\"Statement\":{\"Effect\":\"Allow\",\"Action\":\"*\",\"Resource\":\"*\",\"Condition\":{\"StringEquals\":{";
  for (int i = 0; i < 20000; ++i) {
    if (i) text += ',';
    text += "\"k";
    text += std::to_string(i);
    text += "\":\"v\"";
  }
  text += "}}}}";
  Policy p = parse_ok(text);
  EXPECT_EQ(p.statements[0].conditions.size(), 20000u);
  text.insert(text.size() - 4, ",\"k7\":\"w\"");
  EXPECT_EQ(parse_error(text), kSyntax);
}

TEST(Reader, ReportsWhereItStopped) {
  detail::ReadError error;
  EXPECT_FALSE(detail::read("{\n  \"a\": [1, 2,]\n}", detail::Bom::Reject, &error));
  EXPECT_EQ(error.at.line, 2);
  EXPECT_EQ(error.at.column, 14);  // the ']' where a value should be
  auto node = detail::read(" {\"a\" : -1.5E+3 , \"b\":[true,false,null]} ");
  ASSERT_TRUE(node);
  ASSERT_EQ(node->members.size(), 2u);
  EXPECT_EQ(node->members[0].value.kind, detail::Node::Kind::Number);
  EXPECT_EQ(node->members[0].value.text, "-1.5E+3");
  EXPECT_EQ(node->members[0].value.start.column, 9);
  EXPECT_EQ(node->members[0].value.end.column, 15);
  EXPECT_EQ(node->members[1].value.items.size(), 3u);
  EXPECT_EQ(node->members[1].value.items[2].kind, detail::Node::Kind::Null);
  EXPECT_EQ(node->start.column, 2);
  EXPECT_EQ(node->end.column, 40);
}

TEST(Reader, DecodesNulAndKeepsDuplicates) {
  auto node = detail::read(R"({"k":"a\u0000b","k":2})");
  ASSERT_TRUE(node);
  ASSERT_EQ(node->members.size(), 2u);
  EXPECT_EQ(node->members[0].value.text, std::string("a\0b", 3));
}

TEST(ParseAndValidate, OrdersTheEffectCaseErrorAfterTheVersionCheck) {
  const std::string no_version = R"({"Statement":{"Effect":"denY","Action":"s3:ListBucket","Resource":"*"}})";
  auto p = parse_and_validate(no_version, PolicyType::Identity);
  ASSERT_FALSE(p);
  EXPECT_EQ(p.error().message, "Policy document must be version 2012-10-17 or greater.");
  // Trust policies accept a missing Version, so the legacy error is next.
  p = parse_and_validate(R"({"Statement":{"Effect":"allow","Principal":{"Service":"ec2.amazonaws.com"},"Action":"sts:AssumeRole"}})",
                         PolicyType::Trust);
  ASSERT_FALSE(p);
  EXPECT_EQ(p.error().message, "The policy failed legacy parsing");
  p = parse_and_validate(wrap(R"({"Effect":"Allow","Action":"s3:ListBucket","Resource":"*"})"),
                         PolicyType::Identity);
  ASSERT_TRUE(p) << p.error().message;
  EXPECT_EQ(p->statements[0].actions[0], "s3:ListBucket");
  p = parse_and_validate("nope", PolicyType::Identity);
  ASSERT_FALSE(p);
  EXPECT_EQ(p.error().code, ErrorCode::MalformedPolicyDocument);
  EXPECT_EQ(p.error().message, kSyntax);
}

}  // namespace
}  // namespace iamd::policy::json
