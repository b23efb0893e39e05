#include "policy/conditions/conditions.h"

#include <gtest/gtest.h>

#include <optional>
#include <ostream>

namespace iamd::policy::conditions {
namespace {

using Strings = std::vector<std::string>;

// One clause on key "k", evaluated against a context where "k" is absent, single- or multivalued.
struct Case {
  std::string op;
  Strings policy;
  std::optional<Strings> request;  // nullopt: the key is absent
  bool multi = false;
  bool expect = false;
};

Case one(std::string op, Strings policy, std::string value, bool expect) {
  return {std::move(op), std::move(policy), Strings{std::move(value)}, false, expect};
}
Case absent(std::string op, Strings policy, bool expect) {
  return {std::move(op), std::move(policy), std::nullopt, false, expect};
}
Case multi(std::string op, Strings policy, Strings values, bool expect) {
  return {std::move(op), std::move(policy), std::move(values), true, expect};
}

bool run(const Case& c) {
  auto op = parse_operator(c.op);
  EXPECT_TRUE(op.has_value()) << c.op;
  if (!op) return false;
  Clause clause = compile_clause(*op, Condition{c.op, "K", c.policy}, CompileOptions{true});
  RequestContext ctx;
  if (c.request) {
    if (c.multi) {
      ctx.set_multi("k", *c.request);
    } else {
      ctx.set("k", c.request->front());
    }
  }
  return evaluate_clause(clause, Env{ctx, nullptr});
}

void PrintTo(const Case& c, std::ostream* os) {
  *os << c.op << " [";
  for (const auto& v : c.policy) *os << "'" << v << "' ";
  *os << "] vs ";
  if (!c.request) {
    *os << "(absent)";
  } else {
    *os << (c.multi ? "multi [" : "[");
    for (const auto& v : *c.request) *os << "'" << v << "' ";
    *os << "]";
  }
  *os << " -> " << (c.expect ? "true" : "false");
}

class Operators : public ::testing::TestWithParam<Case> {};

TEST_P(Operators, Evaluate) {
  const Case& c = GetParam();
  std::string req = !c.request ? "(absent)" : c.request->empty() ? "[]" : c.request->front();
  EXPECT_EQ(run(c), c.expect) << c.op << " policy[0]=" << (c.policy.empty() ? "" : c.policy[0])
                              << " request[0]=" << req;
}

INSTANTIATE_TEST_SUITE_P(
    String, Operators,
    ::testing::Values(
        one("StringEquals", {"abc"}, "abc", true), one("StringEquals", {"abc"}, "ABC", false),
        absent("StringEquals", {"abc"}, false), one("StringEquals", {"a", "b"}, "b", true),
        one("StringEquals", {""}, "", true), one("StringNotEquals", {"a", "b"}, "c", true),
        one("StringNotEquals", {"a", "b"}, "a", false),
        one("StringNotEquals", {"a", "b"}, "b", false), absent("StringNotEquals", {"a"}, true),
        one("StringEqualsIgnoreCase", {"AbC"}, "aBc", true),
        one("StringEqualsIgnoreCase", {"abc"}, "abd", false),
        one("StringEqualsIgnoreCase", {"ÉCOLE"}, "école", true),
        one("StringEqualsIgnoreCase", {"ΣΑΣ"}, "σας", true),  // final sigma folds to sigma
        one("StringEqualsIgnoreCase", {"МИР"}, "мир", true),
        one("StringEqualsIgnoreCase", {"STRASSE"}, "straße", false),  // simple folding only
        absent("StringEqualsIgnoreCase", {"a"}, false),
        one("StringNotEqualsIgnoreCase", {"abc"}, "ABC", false),
        one("StringNotEqualsIgnoreCase", {"abc"}, "x", true),
        absent("StringNotEqualsIgnoreCase", {"abc"}, true),
        one("StringLike", {"home/*"}, "home/x/y", true),
        one("StringLike", {"home/*"}, "Home/x", false), one("StringLike", {"a?c"}, "abc", true),
        one("StringLike", {"x", "a*"}, "abc", true), absent("StringLike", {"*"}, false),
        one("StringNotLike", {"*.tmp"}, "a.tmp", false),
        one("StringNotLike", {"*.tmp"}, "a.txt", true),
        one("StringNotLike", {"*.tmp", "*.txt"}, "a.txt", false),
        absent("StringNotLike", {"*"}, true), one("StringLike", {"literal${*}"}, "literal*", true),
        one("StringLike", {"literal${*}"}, "literalX", false)));

INSTANTIATE_TEST_SUITE_P(
    Qualifiers, Operators,
    ::testing::Values(
        absent("StringEqualsIfExists", {"a"}, true), one("StringEqualsIfExists", {"a"}, "b", false),
        one("StringEqualsIfExists", {"a"}, "a", true),
        absent("StringNotEqualsIfExists", {"a"}, true),
        one("StringNotEqualsIfExists", {"a"}, "a", false),
        absent("NumericLessThanIfExists", {"5"}, true),
        one("NumericLessThanIfExists", {"5"}, "6", false),
        absent("DateLessThanIfExists", {"2020-01-01"}, true),
        absent("BoolIfExists", {"false"}, true), absent("IpAddressIfExists", {"10.0.0.0/8"}, true),
        absent("ArnLikeIfExists", {"*"}, true), absent("BinaryEqualsIfExists", {"YQ=="}, true),
        // ForAllValues: every request value matches some policy value; true when absent or empty.
        multi("ForAllValues:StringEquals", {"a", "b"}, {"a"}, true),
        multi("ForAllValues:StringEquals", {"a", "b"}, {"a", "b"}, true),
        multi("ForAllValues:StringEquals", {"a", "b"}, {"a", "c"}, false),
        multi("ForAllValues:StringEquals", {"a", "b"}, {}, true),
        absent("ForAllValues:StringEquals", {"a", "b"}, true),
        // ForAnyValue: some request value matches; false when absent or empty.
        multi("ForAnyValue:StringEquals", {"a", "b"}, {"c", "a"}, true),
        multi("ForAnyValue:StringEquals", {"a", "b"}, {"c"}, false),
        multi("ForAnyValue:StringEquals", {"a", "b"}, {}, false),
        absent("ForAnyValue:StringEquals", {"a", "b"}, false),
        absent("ForAnyValue:StringEqualsIfExists", {"a"}, true),
        // Negated inner operators apply per request value.
        multi("ForAllValues:StringNotEquals", {"a"}, {"b", "c"}, true),
        multi("ForAllValues:StringNotEquals", {"a"}, {"b", "a"}, false),
        multi("ForAllValues:StringNotEquals", {"a"}, {}, true),
        multi("ForAnyValue:StringNotEquals", {"a"}, {"a", "b"}, true),
        multi("ForAnyValue:StringNotEquals", {"a"}, {"a"}, false),
        multi("ForAnyValue:StringNotEquals", {"a"}, {}, false),
        multi("ForAnyValue:StringLike", {"dev-*"}, {"prod-1", "dev-2"}, true),
        multi("ForAllValues:StringLike", {"dev-*"}, {"dev-1", "prod"}, false),
        multi("ForAllValues:StringEqualsIgnoreCase", {"Dept", "Team"}, {"dept", "TEAM"}, true),
        multi("ForAnyValue:NumericGreaterThan", {"10"}, {"5", "11"}, true),
        multi("ForAllValues:NumericGreaterThan", {"10"}, {"5", "11"}, false),
        multi("ForAnyValue:ArnLike", {"arn:aws:iam::*:role/*"}, {"x", "arn:aws:iam::1:role/r"},
              true),
        multi("ForAllValues:IpAddress", {"10.0.0.0/8"}, {"10.1.1.1", "10.2.2.2"}, true),
        // Plain operators on a multivalued key: positive = any element, negated = no element.
        multi("StringEquals", {"a"}, {"x", "a"}, true),
        multi("StringNotEquals", {"a"}, {"x", "a"}, false),
        multi("StringNotEquals", {"a"}, {"x", "y"}, true), multi("StringEquals", {"a"}, {}, false),
        multi("StringNotEquals", {"a"}, {}, true)));

INSTANTIATE_TEST_SUITE_P(
    Numeric, Operators,
    ::testing::Values(
        one("NumericEquals", {"10"}, "10", true), one("NumericEquals", {"10"}, "10.0", true),
        one("NumericEquals", {"10"}, "1e1", true), one("NumericEquals", {"10"}, "abc", false),
        one("NumericEquals", {"10"}, "", false), absent("NumericEquals", {"10"}, false),
        one("NumericEquals", {"1", "2"}, "2", true), one("NumericNotEquals", {"10"}, "11", true),
        one("NumericNotEquals", {"10"}, "10", false),
        one("NumericNotEquals", {"10", "11"}, "11", false),
        one("NumericNotEquals", {"10"}, "abc", true),  // matches no policy value ⚠
        absent("NumericNotEquals", {"10"}, true), one("NumericLessThan", {"3600"}, "3599", true),
        one("NumericLessThan", {"3600"}, "3600", false),
        one("NumericLessThan", {"3600"}, "-1", true),
        one("NumericLessThanEquals", {"3600"}, "3600", true),
        one("NumericLessThanEquals", {"3600"}, "3600.001", false),
        one("NumericGreaterThan", {"0.5"}, "0.51", true),
        one("NumericGreaterThan", {"0.5"}, "0.5", false),
        one("NumericGreaterThanEquals", {"-2"}, "-2", true),
        one("NumericGreaterThanEquals", {"-2"}, "-3", false),
        one("NumericEquals", {"0.1"}, "0.10", true),
        // Exact decimals: a double would round these to equal values.
        one("NumericLessThan", {"0.3"}, "0.29999999999999999999", true),
        one("NumericGreaterThan", {"99999999999999999999"}, "100000000000000000000", true),
        one("NumericEquals", {"9007199254740993"}, "9007199254740992", false),
        one("NumericEquals", {"ten"}, "10", false), one("NumericNotEquals", {"ten"}, "10", true)));

INSTANTIATE_TEST_SUITE_P(
    Date, Operators,
    ::testing::Values(
        one("DateGreaterThan", {"2020-01-01T00:00:00Z"}, "2020-01-01T00:00:01Z", true),
        one("DateGreaterThan", {"2020-01-01T00:00:00Z"}, "2020-01-01T00:00:00Z", false),
        one("DateLessThan", {"2020-01-01T00:00:00Z"}, "1577836799", true),
        one("DateLessThan", {"1577836800"}, "2019-12-31T23:59:59Z", true),
        one("DateEquals", {"1577836800"}, "2020-01-01T00:00:00Z", true),
        one("DateEquals", {"1577836800"}, "2020-01-01", true),
        one("DateEquals", {"1577836800"}, "2020-01-01T02:00:00+02:00", true),
        one("DateEquals", {"2020-01-01T10:00+02:00"}, "2020-01-01T08:00:00Z", true),
        one("DateEquals", {"2020-01"}, "2020-01-01T00:00:00Z", true),
        one("DateNotEquals", {"2020-01-01"}, "2020-01-02", true),
        one("DateNotEquals", {"2020-01-01"}, "2020-01-01T00:00:00Z", false),
        absent("DateNotEquals", {"2020-01-01"}, true), absent("DateEquals", {"2020-01-01"}, false),
        one("DateLessThanEquals", {"2020-01-01T00:00:00.500Z"}, "1577836800.5", true),
        one("DateLessThanEquals", {"2020-01-01T00:00:00.500Z"}, "1577836800.501", false),
        one("DateGreaterThanEquals", {"2020-01"}, "2020-01-01T00:00:00Z", true),
        one("DateEquals", {"2020-01-01"}, "yesterday", false),
        one("DateEquals", {"not a date"}, "2020-01-01", false)));

INSTANTIATE_TEST_SUITE_P(
    BoolBinary, Operators,
    ::testing::Values(one("Bool", {"true"}, "true", true), one("Bool", {"true"}, "false", false),
                      one("Bool", {"true"}, "TRUE", true), one("Bool", {"True"}, "true", true),
                      one("Bool", {"true"}, "yes", false), absent("Bool", {"true"}, false),
                      one("Bool", {"false"}, "false", true), one("Bool", {"maybe"}, "true", false),
                      one("BinaryEquals", {"QmluYXJ5VmFsdWU="}, "BinaryValue", true),
                      one("BinaryEquals", {"QmluYXJ5VmFsdWU="}, "Other", false),
                      absent("BinaryEquals", {"QmluYXJ5VmFsdWU="}, false),
                      one("BinaryEquals", {"!!"}, "!!", false)));

INSTANTIATE_TEST_SUITE_P(
    Ip, Operators,
    ::testing::Values(
        one("IpAddress", {"203.0.113.0/24"}, "203.0.113.7", true),
        one("IpAddress", {"203.0.113.0/24"}, "203.0.114.1", false),
        absent("IpAddress", {"203.0.113.0/24"}, false),
        one("IpAddress", {"203.0.113.9"}, "203.0.113.9", true),  // no prefix: /32
        one("IpAddress", {"203.0.113.9"}, "203.0.113.8", false),
        one("IpAddress", {"203.0.113.77/24"}, "203.0.113.1", true),  // host bits ignored
        one("IpAddress", {"203.0.113.0/33"}, "203.0.113.1", false),  // invalid: never matches
        one("NotIpAddress", {"10.0.0.0/8", "192.168.0.0/16"}, "192.168.1.1", false),
        one("NotIpAddress", {"10.0.0.0/8", "192.168.0.0/16"}, "8.8.8.8", true),
        absent("NotIpAddress", {"10.0.0.0/8"}, true),
        one("IpAddress", {"2001:DB8:1234:5678::/64"}, "2001:db8:1234:5678:abcd::1", true),
        one("IpAddress", {"2001:DB8:1234:5678::/64"}, "2001:db8:1234:5679::1", false),
        one("IpAddress", {"2001:db8::1"}, "2001:0db8:0000:0000:0000:0000:0000:0001", true),
        one("IpAddress", {"2001:db8::1"}, "2001:db8::2", false),  // no prefix: /128
        one("IpAddress", {"::/0"}, "::1", true), one("IpAddress", {"::/0"}, "1.2.3.4", false),
        one("IpAddress", {"0.0.0.0/0"}, "1.2.3.4", true),
        one("IpAddress", {"0.0.0.0/0"}, "::1", false),
        one("IpAddress", {"10.0.0.0/8"}, "::ffff:10.1.2.3", true),
        one("IpAddress", {"::ffff:10.0.0.0/104"}, "10.9.9.9", true),
        one("IpAddress", {"10.0.0.0/8"}, "not-an-ip", false),
        one("NotIpAddress", {"10.0.0.0/8"}, "not-an-ip", true),
        one("IpAddress", {"2001:db8::/33"}, "2001:db8:8000::1", false),
        one("IpAddress", {"2001:db8::/33"}, "2001:db8:7fff::1", true),
        one("IpAddress", {"fe80::/10"}, "febf::1", true),
        one("IpAddress", {"fe80::/10"}, "fec0::1", false),
        one("IpAddress", {"::1/128"}, "0:0:0:0:0:0:0:1", true),
        one("IpAddress", {"1:2:3:4:5:6:7::/112"}, "1:2:3:4:5:6:7:ffff", true),
        one("IpAddress", {"::/128"}, "::", true)));

INSTANTIATE_TEST_SUITE_P(
    Arn, Operators,
    ::testing::Values(
        one("ArnLike", {"arn:aws:iam::*:role/*"}, "arn:aws:iam::123456789012:role/x", true),
        one("ArnLike", {"arn:aws:iam::*:role/*"}, "arn:aws:iam::123456789012:user/x", false),
        one("ArnEquals", {"arn:aws:s3:::bucket/*"}, "arn:aws:s3:::bucket/a/b", true),
        one("ArnEquals", {"arn:aws:iam::1:role/Admin"}, "arn:aws:iam::1:role/admin", false),
        // Per-component: `*` does not span the colons between components (spec §3.4 example)...
        one("ArnLike", {"arn:aws:someservice:*:111122223333:finance/*"},
            "arn:aws:someservice:us-east-2:999999999999:store/abc:111122223333:finance/"
            "document.txt",
            false),
        // ...while StringLike's does.
        one("StringLike", {"arn:aws:someservice:*:111122223333:finance/*"},
            "arn:aws:someservice:us-east-2:999999999999:store/abc:111122223333:finance/"
            "document.txt",
            true),
        one("ArnLike", {"arn:aws:s3:::b/x:y"}, "arn:aws:s3:::b/x:y",
            true),  // colons in the resource part
        one("ArnNotLike", {"arn:aws:iam::*:role/admin*"}, "arn:aws:iam::1:role/dev", true),
        one("ArnNotLike", {"arn:aws:iam::*:role/admin*"}, "arn:aws:iam::1:role/admin1", false),
        one("ArnNotEquals", {"arn:aws:iam::1:role/a"}, "arn:aws:iam::1:role/b", true),
        absent("ArnNotLike", {"arn:aws:iam::*:role/*"}, true), absent("ArnLike", {"*"}, false),
        one("ArnLike", {"arn:aws:iam::*:role/*"}, "not-an-arn", false),
        one("ArnNotLike", {"arn:aws:iam::*:role/*"}, "not-an-arn", true),
        one("ArnLike", {"*"}, "arn:aws:x:::y", true),
        one("ArnLike", {"arn:aws:iam::?:role/r"}, "arn:aws:iam::1:role/r", true),
        one("ArnLike", {"arn:aws:iam"}, "arn:aws:iam::1:role/r", false)));

INSTANTIATE_TEST_SUITE_P(
    Null, Operators,
    ::testing::Values(absent("Null", {"true"}, true), one("Null", {"true"}, "x", false),
                      one("Null", {"true"}, "", true), absent("Null", {"false"}, false),
                      one("Null", {"false"}, "x", true), multi("Null", {"false"}, {}, false),
                      multi("Null", {"true"}, {}, true), multi("Null", {"false"}, {"a"}, true),
                      one("Null", {"TRUE"}, "x", false), absent("Null", {"true", "false"}, true),
                      one("Null", {"true", "false"}, "x", true)));

TEST(Operators, EveryOperatorOfTheSpecIsRegistered) {
  const char* names[] = {"StringEquals",
                         "StringNotEquals",
                         "StringEqualsIgnoreCase",
                         "StringNotEqualsIgnoreCase",
                         "StringLike",
                         "StringNotLike",
                         "NumericEquals",
                         "NumericNotEquals",
                         "NumericLessThan",
                         "NumericLessThanEquals",
                         "NumericGreaterThan",
                         "NumericGreaterThanEquals",
                         "DateEquals",
                         "DateNotEquals",
                         "DateLessThan",
                         "DateLessThanEquals",
                         "DateGreaterThan",
                         "DateGreaterThanEquals",
                         "Bool",
                         "BinaryEquals",
                         "IpAddress",
                         "NotIpAddress",
                         "ArnEquals",
                         "ArnLike",
                         "ArnNotEquals",
                         "ArnNotLike",
                         "Null"};
  EXPECT_EQ(all_operators().size(), std::size(names));
  for (const char* n : names) {
    ASSERT_NE(find_operator(n), nullptr) << n;
    EXPECT_EQ(find_operator(n)->name, n);
  }
}

TEST(Operators, QualifiersParseGenerally) {
  auto op = parse_operator("ForAnyValue:StringLikeIfExists");
  ASSERT_TRUE(op);
  EXPECT_EQ(op->spec->name, "StringLike");
  EXPECT_EQ(op->set, SetQualifier::ForAnyValue);
  EXPECT_TRUE(op->if_exists);
  op = parse_operator("ForAllValues:NumericNotEquals");
  ASSERT_TRUE(op);
  EXPECT_EQ(op->set, SetQualifier::ForAllValues);
  EXPECT_TRUE(op->spec->negated);
  EXPECT_FALSE(op->if_exists);
  EXPECT_TRUE(parse_operator("NotIpAddressIfExists"));
  // Names are case-sensitive, as IAM's are.
  EXPECT_FALSE(parse_operator("stringequals"));
  EXPECT_FALSE(parse_operator("StringEqualsifexists"));
  EXPECT_FALSE(parse_operator("forallvalues:StringEquals"));
  EXPECT_FALSE(parse_operator("IfExists"));
  EXPECT_FALSE(parse_operator("ForAllValues:"));
  EXPECT_FALSE(parse_operator("StringMatches"));
  // Null takes no qualifiers.
  EXPECT_FALSE(parse_operator("NullIfExists"));
  EXPECT_FALSE(parse_operator("ForAnyValue:Null"));
}

TEST(Operators, AbsentKeysAreReportedExceptForNull) {
  // MissingKeys points into the compiled clauses' keys: the clauses must outlive it.
  auto compile = [](const std::string& op, Strings values) {
    return compile_clause(*parse_operator(op), Condition{op, "K", std::move(values)},
                          CompileOptions{true});
  };
  const Clause string_equals = compile("StringEquals", {"a"});
  const Clause null = compile("Null", {"true"});
  RequestContext ctx;
  MissingKeys missing;
  EXPECT_FALSE(evaluate_clause(string_equals, Env{ctx, &missing}));
  EXPECT_TRUE(evaluate_clause(null, Env{ctx, &missing}));
  EXPECT_EQ(missing.sorted_unique(), (Strings{"K"}));
}

TEST(Decimal, ParsesJsonNumbersExactly) {
  auto eq = [](const char* a, const char* b) {
    auto x = parse_decimal(a), y = parse_decimal(b);
    return x && y && compare(*x, *y) == 0;
  };
  EXPECT_TRUE(eq("1", "1.0"));
  EXPECT_TRUE(eq("100", "1e2"));
  EXPECT_TRUE(eq("0.001", "1E-3"));
  EXPECT_TRUE(eq("-0", "0"));
  EXPECT_TRUE(eq("+5", "5"));
  EXPECT_TRUE(eq(".5", "0.5"));
  EXPECT_TRUE(eq("000123.4500", "123.45"));
  EXPECT_FALSE(parse_decimal(""));
  EXPECT_FALSE(parse_decimal("-"));
  EXPECT_FALSE(parse_decimal("."));
  EXPECT_FALSE(parse_decimal("1e"));
  EXPECT_FALSE(parse_decimal("0x10"));
  EXPECT_FALSE(parse_decimal(" 1"));
  EXPECT_FALSE(parse_decimal("1 "));
  EXPECT_FALSE(parse_decimal("NaN"));
  EXPECT_FALSE(parse_decimal("inf"));
  EXPECT_FALSE(parse_decimal("1e99999999"));
  EXPECT_LT(compare(*parse_decimal("-10"), *parse_decimal("-9")), 0);
  EXPECT_GT(compare(*parse_decimal("0.00001"), *parse_decimal("-100000")), 0);
  EXPECT_GT(compare(*parse_decimal("12345678901234567890123456789012345678"),
                    *parse_decimal("12345678901234567890123456789012345677")),
            0);
}

TEST(Date, BothFormats) {
  EXPECT_EQ(parse_date("1577836800"), std::int64_t{1577836800} * 1'000'000'000);
  EXPECT_EQ(parse_date("2020-01-01T00:00:00Z"), parse_date("1577836800"));
  EXPECT_EQ(parse_date("2020-01-01T00:00:00.25Z"), *parse_date("1577836800") + 250'000'000);
  EXPECT_EQ(parse_date("2020-01-01T01:00:00+01:00"), parse_date("1577836800"));
  EXPECT_EQ(parse_date("2020-01-01"), parse_date("1577836800"));
  EXPECT_FALSE(parse_date(""));
  EXPECT_FALSE(parse_date("2020-13-01"));
  EXPECT_FALSE(parse_date("1e9"));
  EXPECT_FALSE(parse_date("99999999999999"));
}

TEST(Ip, ParsesTextForms) {
  EXPECT_TRUE(parse_ip("1.2.3.4"));
  EXPECT_FALSE(parse_ip("1.2.3"));
  EXPECT_FALSE(parse_ip("1.2.3.256"));
  EXPECT_FALSE(parse_ip("1.2.3.4.5"));
  EXPECT_FALSE(parse_ip("1..2.3"));
  EXPECT_TRUE(parse_ip("::"));
  EXPECT_TRUE(parse_ip("1::"));
  EXPECT_TRUE(parse_ip("1:2:3:4:5:6:7:8"));
  EXPECT_TRUE(parse_ip("1:2:3:4:5:6:1.2.3.4"));
  EXPECT_FALSE(parse_ip("1:2:3:4:5:6:7:8:9"));
  EXPECT_FALSE(parse_ip("1:2:3:4:5:6:7"));
  EXPECT_FALSE(parse_ip("1::2::3"));
  EXPECT_FALSE(parse_ip(":1:2"));
  EXPECT_FALSE(parse_ip("1:"));
  EXPECT_FALSE(parse_ip("12345::"));
  EXPECT_FALSE(parse_ip("g::"));
  EXPECT_FALSE(parse_ip("1:2:3:4:5:6:7::8"));  // `::` must stand for at least one group
  EXPECT_FALSE(parse_ip("fe80::1%eth0"));
  EXPECT_FALSE(parse_cidr("10.0.0.0/"));
  EXPECT_FALSE(parse_cidr("10.0.0.0/x"));
  EXPECT_FALSE(parse_cidr("::/129"));
  auto mapped = parse_ip("::ffff:1.2.3.4");
  ASSERT_TRUE(mapped);
  EXPECT_FALSE(mapped->v6);
  EXPECT_EQ(mapped->prefix, 32);
}

TEST(Base64, Decodes) {
  EXPECT_EQ(base64_decode(""), "");
  EXPECT_EQ(base64_decode("YQ=="), "a");
  EXPECT_EQ(base64_decode("YQ"), "a");
  EXPECT_EQ(base64_decode("YWI="), "ab");
  EXPECT_EQ(base64_decode("YWJj"), "abc");
  EXPECT_EQ(base64_decode("/+8="), std::string("\xff\xef"));
  EXPECT_FALSE(base64_decode("Y"));
  EXPECT_FALSE(base64_decode("YQ="));
  EXPECT_FALSE(base64_decode("Y@=="));
  EXPECT_FALSE(base64_decode("YR=="));  // non-zero leftover bits
}

TEST(FoldCase, SimpleFolding) {
  EXPECT_EQ(fold_case("HeLLo"), "hello");
  EXPECT_EQ(fold_case("\xC3\x84"), "\xC3\xA4");  // Ä -> ä
  EXPECT_EQ(fold_case("\xC3\x9F"), "\xC3\x9F");  // ß unchanged (no full folding)
  EXPECT_EQ(fold_case("\xE2\x84\xAA"), "k");     // Kelvin sign
  EXPECT_EQ(fold_case("\xFF"), "\xFF");          // invalid byte kept
  std::size_t pos = 0;
  EXPECT_TRUE(fold_match("ab", "ABc", pos));
  EXPECT_EQ(pos, 2u);
  EXPECT_FALSE(fold_match("abcd", "ABc", pos = 0));
}

}  // namespace
}  // namespace iamd::policy::conditions
