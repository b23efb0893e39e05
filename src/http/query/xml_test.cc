#include "http/query/xml.h"

#include <gtest/gtest.h>

#include <cstdlib>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include "core/strings.h"

#ifdef IAMD_HAVE_EXPAT
#include <expat.h>
#endif

namespace iamd::http::query {
namespace {

using api::OutNode;
using api::Output;
using core::ErrorCode;

const api::ServiceInfo& iam() { return *api::find_service("iam"); }

std::string golden(const std::string& name) {
  const char* root = std::getenv("IAMD_SOURCE_DIR");
  std::string path = root ? std::string(root) + "/src/http/query/testdata/" + name
                          : std::string(IAMD_QUERY_TESTDATA) + "/" + name;
  std::ifstream in(path, std::ios::binary);
  EXPECT_TRUE(in) << "cannot open " << path;
  std::stringstream ss;
  ss << in.rdbuf();
  std::string text = ss.str();
  if (!text.empty() && text.back() == '\n') text.pop_back();  // editors add one
  return text;
}

// Text of every element named `element`, in document order, as an XML parser reports it.
// Without expat, a minimal decoder for exactly what the encoder writes stands in.
struct Parsed {
  bool well_formed = false;
  std::vector<std::string> texts;
  std::string xmlns;
};

#ifdef IAMD_HAVE_EXPAT
Parsed parse(const std::string& doc, const std::string& element) {
  struct State {
    const std::string* element;
    Parsed parsed;
    int depth_in_element = 0;
  } st{&element, {}, 0};
  XML_Parser p = XML_ParserCreate("UTF-8");
  XML_SetUserData(p, &st);
  XML_SetElementHandler(
      p,
      [](void* ud, const XML_Char* name, const XML_Char** attrs) {
        auto* s = static_cast<State*>(ud);
        for (int i = 0; attrs[i]; i += 2) {
          if (std::string(attrs[i]) == "xmlns" && s->parsed.xmlns.empty())
            s->parsed.xmlns = attrs[i + 1];
        }
        if (*s->element == name) {
          s->parsed.texts.emplace_back();
          s->depth_in_element = 1;
        } else if (s->depth_in_element > 0) {
          ++s->depth_in_element;
        }
      },
      [](void* ud, const XML_Char*) {
        auto* s = static_cast<State*>(ud);
        if (s->depth_in_element > 0) --s->depth_in_element;
      });
  XML_SetCharacterDataHandler(p, [](void* ud, const XML_Char* text, int len) {
    auto* s = static_cast<State*>(ud);
    if (s->depth_in_element == 1) s->parsed.texts.back().append(text, static_cast<size_t>(len));
  });
  st.parsed.well_formed =
      XML_Parse(p, doc.data(), static_cast<int>(doc.size()), /*isFinal=*/1) == XML_STATUS_OK;
  XML_ParserFree(p);
  return st.parsed;
}
#else
Parsed parse(const std::string& doc, const std::string& element) {
  Parsed parsed;
  parsed.well_formed = true;
  std::string open = "<" + element + ">", close = "</" + element + ">";
  for (size_t at = doc.find(open); at != std::string::npos; at = doc.find(open, at + 1)) {
    size_t start = at + open.size(), end = doc.find(close, start);
    std::string raw = doc.substr(start, end - start), text;
    for (size_t i = 0; i < raw.size(); ++i) {
      if (raw[i] != '&') {
        text += raw[i];
        continue;
      }
      size_t semi = raw.find(';', i);
      std::string ref = raw.substr(i + 1, semi - i - 1);
      text += ref == "amp"    ? "&"
              : ref == "lt"   ? "<"
              : ref == "gt"   ? ">"
              : ref == "quot" ? "\""
              : ref == "apos" ? "'"
              : ref == "#xD"  ? "\r"
                              : "?";
      i = semi;
    }
    parsed.texts.push_back(text);
  }
  return parsed;
}
#endif

// ---- golden bodies ----

TEST(EncodeResponse, NestedResultMatchesGolden) {
  Output out;
  auto& user = out.result.add_struct("User");
  user.add_string("Path", "/division_abc/subdivision_xyz/");
  user.add_string("UserName", "Bob");
  user.add_string("UserId", "AIDACKCEVSQ6C2EXAMPLE");
  user.add_string("Arn", "arn:aws:iam::123456789012:user/division_abc/subdivision_xyz/Bob");
  user.add_timestamp("CreateDate", "2012-05-08T23:34:01Z");
  auto& boundary = user.add_struct("PermissionsBoundary");
  boundary.add_string("PermissionsBoundaryType", "Policy");
  boundary.add_string("PermissionsBoundaryArn", "arn:aws:iam::123456789012:policy/boundary");
  auto& tags = user.add_list("Tags");
  auto& t1 = tags.add_item();
  t1.add_string("Key", "Dept");
  t1.add_string("Value", "R&D");
  auto& t2 = tags.add_item();
  t2.add_string("Key", "Empty");
  t2.add_string("Value", "");
  EXPECT_EQ(encode_response(iam(), "CreateUser", out, "7a62c49f-347e-4fc4-9331-6e8eEXAMPLE"),
            golden("create_user.xml"));
}

TEST(EncodeResponse, EmptyListMatchesGolden) {
  Output out;
  out.result.add_list("Roles");
  out.result.add_boolean("IsTruncated", false);
  EXPECT_EQ(encode_response(iam(), "ListRoles", out, "req-empty-list"), golden("empty_list.xml"));
}

TEST(EncodeResponse, MapMatchesGolden) {
  Output out;
  auto& map = out.result.add_map("SummaryMap");
  map.add_entry("Groups", "31", OutNode::Kind::Integer);
  map.add_entry("Users", "4", OutNode::Kind::Integer);
  map.add_entry("AccountMFAEnabled", "0", OutNode::Kind::Integer);
  EXPECT_EQ(encode_response(iam(), "GetAccountSummary", out, "req-map"), golden("map.xml"));
}

TEST(EncodeResponse, NoResultMatchesGolden) {
  EXPECT_EQ(encode_response(iam(), "DeleteRole", Output::none(), "req-no-result"),
            golden("no_result.xml"));
}

TEST(EncodeResponse, EmptyResultMatchesGolden) {
  // UpdateRole: the output shape has no members, yet botocore needs <UpdateRoleResult/>.
  EXPECT_EQ(encode_response(iam(), "UpdateRole", Output{}, "req-empty-result"),
            golden("empty_result.xml"));
}

TEST(EncodeError, SpecialCharactersMatchGolden) {
  core::Error e{ErrorCode::ValidationError,
                "1 validation error detected: Value 'a<b>&\"c\"' at 'roleSessionName' failed to "
                "satisfy constraint: Member must satisfy regular expression pattern: [\\w+=,.@-]*"};
  EXPECT_EQ(encode_error(api::find_service("sts")->xml_namespace, e, "req-error"),
            golden("error_special.xml"));
}

TEST(EncodeError, TypeAndCodeComeFromTheTable) {
  auto body = encode_error(iam().xml_namespace, {ErrorCode::ServiceFailure, "boom"}, "r");
  EXPECT_EQ(body,
            "<ErrorResponse xmlns=\"https://iam.amazonaws.com/doc/2010-05-08/\"><Error>"
            "<Type>Receiver</Type><Code>ServiceFailure</Code><Message>boom</Message></Error>"
            "<RequestId>r</RequestId></ErrorResponse>");
  body = encode_error(iam().xml_namespace, {ErrorCode::NoSuchEntity, ""}, "r");
  EXPECT_NE(body.find("<Type>Sender</Type><Code>NoSuchEntity</Code><Message></Message>"),
            std::string::npos);
}

TEST(EncodeResponse, EmptyStructsAndScalarsInLists) {
  Output out;
  out.result.add_struct("Empty");
  auto& names = out.result.add_list("PolicyNames");
  names.add_string_item("a");
  names.add_string_item("");
  EXPECT_EQ(encode_response(iam(), "X", out, "r"),
            "<XResponse xmlns=\"https://iam.amazonaws.com/doc/2010-05-08/\"><XResult><Empty/>"
            "<PolicyNames><member>a</member><member></member></PolicyNames></XResult>"
            "<ResponseMetadata><RequestId>r</RequestId></ResponseMetadata></XResponse>");
}

// ---- escaping ----

std::string escaped(std::string_view s, bool attribute = false) {
  std::string out;
  append_xml_text(out, s, attribute);
  return out;
}

TEST(XmlText, EscapesMarkupCharacters) {
  EXPECT_EQ(escaped("a&b<c>d\"e'f"), "a&amp;b&lt;c&gt;d&quot;e&apos;f");
  EXPECT_EQ(escaped("]]>"), "]]&gt;");
  EXPECT_EQ(escaped("plain text / : = + %20"), "plain text / : = + %20");
  EXPECT_EQ(escaped(""), "");
}

TEST(XmlText, WhitespaceControlsAndBadBytes) {
  EXPECT_EQ(escaped("a\tb\nc\rd"), "a\tb\nc&#xD;d");
  EXPECT_EQ(escaped("a\tb\n", /*attribute=*/true), "a&#x9;b&#xA;");
  // XML 1.0 cannot carry these at all, not even as &#x1;: they become U+FFFD.
  EXPECT_EQ(escaped(std::string("x\0y", 3)), "x\xEF\xBF\xBDy");
  EXPECT_EQ(escaped("\x01\x1F"), "\xEF\xBF\xBD\xEF\xBF\xBD");
  EXPECT_EQ(escaped("\xEF\xBF\xBE|\xEF\xBF\xBF"), "\xEF\xBF\xBD|\xEF\xBF\xBD");  // U+FFFE, U+FFFF
  EXPECT_EQ(escaped("\xFF"), "\xEF\xBF\xBD");
  EXPECT_EQ(escaped("\xC3"), "\xEF\xBF\xBD");                                  // truncated sequence
  EXPECT_EQ(escaped("\xC0\xAF"), "\xEF\xBF\xBD\xEF\xBF\xBD");                  // overlong
  EXPECT_EQ(escaped("\xED\xA0\x80"), "\xEF\xBF\xBD\xEF\xBF\xBD\xEF\xBF\xBD");  // surrogate
  // Valid non-ASCII passes through untouched, including DEL, C1 controls and astral planes.
  std::string ok =
      "\x7F \xC2\x85 \xC3\xA9 \xE2\x82\xAC \xEF\xBF\xBD \xF0\x9F\x98\x80 \xF4\x8F\xBF\xBF";
  EXPECT_EQ(escaped(ok), ok);
}

TEST(XmlText, RoundTripsThroughAParser) {
  const std::vector<std::string> values = {
      "",
      "plain",
      "a&b<c>d\"e'f",
      "&amp; is already escaped &lt;",
      "line1\nline2\r\nline3\ttab",
      "]]> <![CDATA[x]]>",
      "\xC3\xA9\xE2\x82\xAC\xF0\x9F\x98\x80",
      "%7B%22Version%22%3A%222012-10-17%22%7D",
  };
  for (const auto& v : values) {
    Output out;
    out.result.add_string("Value", v);
    auto doc = encode_response(iam(), "Echo", out, v);
    auto parsed = parse(doc, "Value");
    ASSERT_TRUE(parsed.well_formed) << doc;
    ASSERT_EQ(parsed.texts.size(), 1u);
    EXPECT_EQ(parsed.texts[0], v) << doc;
    auto ids = parse(doc, "RequestId").texts;
    ASSERT_EQ(ids.size(), 1u);
    EXPECT_EQ(ids[0], v);

    auto err = encode_error(iam().xml_namespace, {ErrorCode::InvalidInput, v}, "id");
    auto messages = parse(err, "Message");
    ASSERT_TRUE(messages.well_formed) << err;
    ASSERT_EQ(messages.texts.size(), 1u);
    EXPECT_EQ(messages.texts[0], v);
  }
}

TEST(XmlText, ForbiddenInputStillParses) {
  // Every byte value, and bytes that are not UTF-8, yield a document a strict parser accepts.
  std::string all;
  for (int c = 0; c < 256; ++c) all.push_back(static_cast<char>(c));
  all += "\xEF\xBF\xBE\xED\xA0\x80\xF4\x90\x80\x80\xE2\x82";
  Output out;
  out.result.add_list("Items").add_string_item(all);
  auto doc = encode_response(iam(), "Echo", out, all);
  auto parsed = parse(doc, "member");
  ASSERT_TRUE(parsed.well_formed) << doc;
  ASSERT_EQ(parsed.texts.size(), 1u);
  EXPECT_TRUE(core::is_valid_utf8(parsed.texts[0]));
}

#ifdef IAMD_HAVE_EXPAT
TEST(XmlText, NamespaceAttributeRoundTrips) {
  std::string ns = "urn:a&b<\"c\">\t\n\r";
  auto parsed = parse(encode_error(ns, {ErrorCode::InvalidInput, "m"}, "id"), "Message");
  ASSERT_TRUE(parsed.well_formed);
  EXPECT_EQ(parsed.xmlns, ns);
}
#endif

}  // namespace
}  // namespace iamd::http::query
