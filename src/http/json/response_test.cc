// The JSON 1.1 response side: every OutNode kind, escaping, timestamps, errors. Each body is also
// parsed with Boost.JSON, standing in for botocore's json.loads.
#include "http/json/response.h"

#include <gtest/gtest.h>

#include <boost/json.hpp>

#include "core/time_format.h"

namespace iamd::http::json {
namespace {

using api::OutNode;
using core::ErrorCode;

boost::json::value parse(const std::string& body) {
  boost::system::error_code ec;
  auto v = boost::json::parse(body, ec);
  EXPECT_FALSE(ec) << body;
  return v;
}

TEST(JsonResponse, EveryKind) {
  api::Output out;
  auto& org = out.result.add_struct("Organization");
  org.add_string("Id", "o-abcdefghij");
  org.add_integer("Count", 42);
  org.add_boolean("AwsManaged", true);
  org.add_boolean("Off", false);
  org.add_timestamp("Created", "2023-11-14T22:13:20Z");
  auto& types = org.add_list("AvailablePolicyTypes");
  auto& t = types.add_item();
  t.add_string("Type", "SERVICE_CONTROL_POLICY");
  t.add_string("Status", "ENABLED");
  auto& names = out.result.add_list("Names");
  names.add_string_item("a");
  names.add_string_item("b");
  out.result.add_list("Empty");
  out.result.add_struct("EmptyStruct");
  auto& map = out.result.add_map("Attributes");
  map.add_entry("k1", "v1");
  map.add_entry("n", "7", OutNode::Kind::Integer);
  out.result.add_string("NextToken", "tok");

  std::string body = encode_response(out);
  EXPECT_EQ(body,
            R"({"Organization":{"Id":"o-abcdefghij","Count":42,"AwsManaged":true,"Off":false,)"
            R"("Created":1700000000,"AvailablePolicyTypes":[{"Type":"SERVICE_CONTROL_POLICY",)"
            R"("Status":"ENABLED"}]},"Names":["a","b"],"Empty":[],"EmptyStruct":{},)"
            R"("Attributes":{"k1":"v1","n":7},"NextToken":"tok"})");
  auto v = parse(body);
  EXPECT_EQ(v.at("Organization").at("Created").as_int64(), 1700000000);
  EXPECT_EQ(v.at("Attributes").at("n").as_int64(), 7);
}

TEST(JsonResponse, NoResultAndEmptyResult) {
  EXPECT_EQ(encode_response(api::Output::none()), "{}");
  EXPECT_EQ(encode_response(api::Output{}), "{}");
}

TEST(JsonResponse, TimestampsAreEpochSeconds) {
  api::Output out;
  out.result.add_timestamp("Whole", "1970-01-01T00:00:00Z");
  out.result.add_timestamp("Millis", "2023-11-14T22:13:20.123Z");
  out.result.add_timestamp("Offset", "2023-11-14T23:13:20+01:00");
  out.result.add_timestamp("Bad", "yesterday");
  EXPECT_EQ(encode_response(out),
            R"({"Whole":0,"Millis":1700000000.123,"Offset":1700000000,)"
            R"("Bad":"yesterday"})");
  auto v = parse(encode_response(out));
  EXPECT_DOUBLE_EQ(v.at("Millis").as_double(), 1700000000.123);
  // Round trip with the formatter handlers use.
  api::Output now;
  auto t = core::TimePoint(std::chrono::seconds(1234567890));
  now.result.add_timestamp("T", core::format_iso8601(t));
  EXPECT_EQ(encode_response(now), R"({"T":1234567890})");
}

TEST(JsonResponse, StringEscaping) {
  std::string s;
  append_json_string(s, "q\" b\\ n\n r\r t\t \b \f \x01 \x1f \x7f / é 😀");
  EXPECT_EQ(s, "\"q\\\" b\\\\ n\\n r\\r t\\t \\b \\f \\u0001 \\u001f \x7f / é 😀\"");
  EXPECT_EQ(parse(s).as_string(), "q\" b\\ n\n r\r t\t \b \f \x01 \x1f \x7f / é 😀");
  // Bytes that are not UTF-8 (bad lead, truncated, overlong, surrogate) become U+FFFD.
  s.clear();
  append_json_string(s, std::string("a\xff" "b\xc3" "\xc0\xaf" "\xed\xa0\x80" "z"));
  EXPECT_EQ(s, "\"a\xEF\xBF\xBD" "b\xEF\xBF\xBD\xEF\xBF\xBD\xEF\xBF\xBD"
               "\xEF\xBF\xBD\xEF\xBF\xBD\xEF\xBF\xBD" "z\"");
  parse(s);
  // Names are escaped too, and integers that are not numbers stay valid JSON.
  api::Output out;
  out.result.add_string("we\"ird", "x");
  out.result.add_integer("I", 1).text = "1; drop";
  EXPECT_EQ(encode_response(out), R"({"we\"ird":"x","I":"1; drop"})");
}

TEST(JsonResponse, Errors) {
  core::Error e{ErrorCode::AWSOrganizationsNotInUseException,
                "Your account is not a member of an organization."};
  EXPECT_EQ(encode_error(e),
            R"({"__type":"AWSOrganizationsNotInUseException",)"
            R"("Message":"Your account is not a member of an organization."})");
  ErrorField reason[] = {{"Reason", "INVALID_PATTERN"}};
  EXPECT_EQ(encode_error(core::Error{ErrorCode::InvalidInputException, "bad \"x\""}, reason),
            R"({"__type":"InvalidInputException","Message":"bad \"x\"","Reason":"INVALID_PATTERN"})");
  EXPECT_EQ(encode_error(core::Error{ErrorCode::UnknownOperationException, ""}),
            R"({"__type":"UnknownOperationException"})");
  EXPECT_EQ(core::http_status(ErrorCode::SerializationException), 400);
  EXPECT_EQ(core::http_status(ErrorCode::AccessDeniedException), 400);
  EXPECT_EQ(core::http_status(ErrorCode::ServiceException), 500);
  parse(encode_error(core::Error{ErrorCode::ServiceException, std::string("\xff\n")}));
}

TEST(JsonResponse, QueryErrorsBecomeJsonErrors) {
  struct Case {
    ErrorCode from, to;
  } cases[] = {
      {ErrorCode::InvalidClientTokenId, ErrorCode::UnrecognizedClientException},
      {ErrorCode::SignatureDoesNotMatch, ErrorCode::InvalidSignatureException},
      {ErrorCode::RequestExpired, ErrorCode::InvalidSignatureException},
      {ErrorCode::IncompleteSignature, ErrorCode::IncompleteSignatureException},
      {ErrorCode::MissingAuthenticationToken, ErrorCode::MissingAuthenticationTokenException},
      {ErrorCode::ExpiredToken, ErrorCode::ExpiredTokenException},
      {ErrorCode::AccessDenied, ErrorCode::AccessDeniedException},
      {ErrorCode::ValidationError, ErrorCode::ValidationException},
      {ErrorCode::Throttling, ErrorCode::ThrottlingException},
      {ErrorCode::MalformedQueryString, ErrorCode::SerializationException},
      {ErrorCode::InvalidInputException, ErrorCode::InvalidInputException},
      {ErrorCode::InternalFailure, ErrorCode::InternalFailure},
  };
  for (const auto& c : cases) {
    core::Error e = to_json_error(core::Error{c.from, "m"});
    EXPECT_EQ(e.code, c.to) << core::wire_code(c.from);
    EXPECT_EQ(e.message, "m");
  }
  EXPECT_EQ(content_type("1.1"), "application/x-amz-json-1.1");
  EXPECT_EQ(content_type("1.0"), "application/x-amz-json-1.0");
}

}  // namespace
}  // namespace iamd::http::json
