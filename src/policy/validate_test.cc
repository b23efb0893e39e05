// validate(), check() and quota_size(): every MalformedPolicyDocument message of spec §3.8 in
// AWS's order, valid documents of every policy type, check()'s warnings with their JSON pointers,
// and the actions.def lookups. Cases marked "moto" are from the emulator's suite validated against
// IAM; the rest follow the spec and are listed in the README's compatibility table where AWS's
// behaviour is unconfirmed.

#include "policy/validate.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <set>
#include <string>

#include "policy/actions.h"
#include "policy/json/parse.h"
#include "policy/json/parse_and_validate.h"
#include "policy/validate_internal.h"
#include "policy/validate_values.h"

namespace iamd::policy {
namespace {

using json::ParseMode;

constexpr std::string_view kSyntax = "Syntax errors in policy.";
constexpr std::string_view kVersion = "Policy document must be version 2012-10-17 or greater.";
constexpr std::string_view kLegacy = "The policy failed legacy parsing";
constexpr std::string_view kSidChars =
    "Statement IDs (SID) must be alpha-numeric. Check that your input satisfies the regular "
    "expression [0-9A-Za-z]*";
constexpr std::string_view kSidUnique = "Statement IDs (SID) in a single policy must be unique.";
constexpr std::string_view kActions = "Policy statement must contain actions.";
constexpr std::string_view kResources = "Policy statement must contain resources.";
constexpr std::string_view kNoPrincipal = "Policy document should not specify a principal.";
constexpr std::string_view kMissingPrincipal = "Missing required field Principal";
constexpr std::string_view kTrustActions = "AssumeRole policy may only specify STS AssumeRole actions.";
constexpr std::string_view kProhibitedResource = "Has prohibited field Resource";
constexpr std::string_view kNoVendor =
    "Actions/Conditions must be prefaced by a vendor, e.g., iam, sdb, ec2, etc.";
constexpr std::string_view kColons = "Actions/Condition can contain only one colon.";
constexpr std::string_view kIamPath =
    "IAM resource path must either be \"*\" or start with user/, federated-user/, role/, group/, "
    "instance-profile/, mfa/, server-certificate/, policy/, sms-mfa/, saml-provider/, "
    "oidc-provider/, report/, access-report/.";
constexpr std::string_view kVendorRegex =
    "Resource vendor must be fully qualified and cannot contain regexes.";

// "" when the document is accepted, else the message of the first error.
std::string first_error(std::string_view text, PolicyType type) {
  auto p = json::parse_and_validate(text, type);
  if (p) return "";
  EXPECT_EQ(p.error().code, core::ErrorCode::MalformedPolicyDocument);
  return p.error().message;
}

std::string v12(std::string_view statements) {
  return R"({"Version":"2012-10-17","Statement":)" + std::string(statements) + "}";
}

struct Case {
  const char* what;
  PolicyType type;
  std::string document;
  std::string_view message;
};

const PolicyType kIdentity = PolicyType::Identity;
const PolicyType kTrust = PolicyType::Trust;

std::vector<Case> error_cases() {
  return {
      // Syntax (the element shapes are covered in json/parse_test.cc)
      {"not JSON (moto)", kIdentity, "This is not a json document", kSyntax},
      {"unknown Version (moto)", kIdentity, R"({"Version":"2013-10-17","Statement":{"Effect":"Allow","Action":"s3:ListBucket","Resource":"*"}})", kSyntax},
      {"unknown Version in a trust policy", kTrust, R"({"Version":"2012-10-18","Statement":{"Effect":"Allow","Principal":"*","Action":"sts:AssumeRole"}})", kSyntax},
      {"empty Statement (moto)", kIdentity, v12("[]"), kSyntax},
      {"unknown operator with keys (moto)", kIdentity, v12(R"({"Effect":"Allow","Action":"s3:ListBucket","Resource":"*","Condition":{"x":{"a":"1"}}})"), kSyntax},
      {"unknown principal type", kTrust, v12(R"({"Effect":"Allow","Principal":{"aws":"123456789012"},"Action":"sts:AssumeRole"})"), kSyntax},
      // Version
      {"no Version (moto)", kIdentity, R"({"Statement":{"Effect":"Allow","Action":"s3:ListBucket","Resource":"arn:aws:s3:::example_bucket"}})", kVersion},
      {"2008-10-17 (moto)", kIdentity, R"({"Version":"2008-10-17","Statement":{"Effect":"Allow","Action":"s3:ListBucket","Resource":"*"}})", kVersion},
      {"boundary needs 2012-10-17", PolicyType::Boundary, R"({"Statement":{"Effect":"Allow","Action":"*","Resource":"*"}})", kVersion},
      {"session policy needs 2012-10-17", PolicyType::Session, R"({"Version":"2008-10-17","Statement":{"Effect":"Allow","Action":"*","Resource":"*"}})", kVersion},
      {"SCP needs 2012-10-17", PolicyType::Scp, R"({"Statement":{"Effect":"Deny","Action":"*","Resource":"*"}})", kVersion},
      {"Version before duplicate Sids (moto)", kIdentity, R"({"Statement":[{"Sid":"sdf","Effect":"Allow","Action":"s3:ListBucket","Resource":"*"},{"Sid":"sdf","Effect":"Allow"}]})", kVersion},
      {"Version before Date legacy (moto)", kIdentity, R"({"Statement":{"Effect":"Allow","Action":"s3:ListBucket","Resource":"*","Condition":{"DateGreaterThan":{"a":"sdfdsf"}}}})", kVersion},
      {"Version before Effect case (moto)", kIdentity, R"({"Statement":{"Effect":"denY","Action":"s3:ListBucket","Resource":"*"}})", kVersion},
      // Legacy parsing
      {"Effect case (moto)", kIdentity, v12(R"({"Effect":"denY","Action":"s3:ListBucket","Resource":"*"})"), kLegacy},
      {"Effect case before resource shape (moto)", kIdentity, v12(R"({"Effect":"allow","Resource":"arn:aws:s3:us-east-1::example_bucket"})"), kLegacy},
      {"Effect case before duplicate Sid (moto)", kIdentity, v12(R"([{"Sid":"sdf","Effect":"aLLow","Action":"s3:ListBucket","Resource":"*"},{"Sid":"sdf","Effect":"Allow"}])"), kLegacy},
      {"Date not a date (moto)", kIdentity, v12(R"({"Effect":"Allow","Action":"s3:ListBucket","Resource":"*","Condition":{"DateGreaterThan":{"a":"sdfdsf"}}})"), kLegacy},
      {"Date legacy before missing actions (moto)", kIdentity, v12(R"({"Effect":"Allow","Condition":{"DateGreaterThan":{"a":"sdfdsf"}}})"), kLegacy},
      {"Date month 13 (moto)", kIdentity, v12(R"({"Effect":"Allow","Action":"s3:ListBucket","Resource":"*","Condition":{"DateLessThanEquals":{"a":"234-13"}}})"), kLegacy},
      {"Date one-digit zone (moto)", kIdentity, v12(R"({"Effect":"Allow","Action":"s3:ListBucket","Resource":"*","Condition":{"DateLessThanEquals":{"a":"2016-12-13t2:00:00.593194+1"}}})"), kLegacy},
      {"Date fraction too long (moto)", kIdentity, v12(R"({"Effect":"Allow","Action":"s3:ListBucket","Resource":"*","Condition":{"DateLessThanEquals":{"a":"2016-12-13t2:00:00.1999999999+10:59"}}})"), kLegacy},
      {"Date epoch past 2^63-1 (moto)", kIdentity, v12(R"({"Effect":"Allow","Action":"s3:ListBucket","Resource":"*","Condition":{"DateLessThan":{"a":"9223372036854775808"}}})"), kLegacy},
      {"Date as a JSON fraction", kIdentity, v12(R"({"Effect":"Allow","Action":"*","Resource":"*","Condition":{"ForAnyValue:DateEqualsIfExists":{"a":[1.5]}}})"), kLegacy},
      {"Date legacy before partition error (moto)", kIdentity, v12(R"({"Effect":"Allow","Action":"s3:ListBucket","Resource":"arn:error:s3:::example_bucket","Condition":{"DateGreaterThan":{"a":"sdfdsf"}}})"), kLegacy},
      {"empty service part (moto)", kIdentity, v12(R"({"Effect":"Allow","NotAction":"s3:ListBucket","Resource":"arn:aws::::example_bucket"})"), kLegacy},
      {"short ARN with empty part (moto)", kIdentity, v12(R"({"Effect":"Allow","Action":"s3:ListBucket","Resource":"arn:aws:s3::example_bucket"})"), kLegacy},
      {"short ARN before missing actions (moto)", kIdentity, v12(R"({"Effect":"Allow","Resource":"arn:aws:s3::example_bucket"})"), kLegacy},
      {"NotResource short ARN (moto)", kIdentity, v12(R"({"Effect":"Allow","Action":"s3:ListBucket","NotResource":"arn:aws:s3::example_bucket"})"), kLegacy},
      {"empty service, short (moto)", kIdentity, v12(R"({"Effect":"Allow","Action":"s3:ListBucket","Resource":"arn:aws::fdsasf"})"), kLegacy},
      // Sid
      {"Sid with dashes, before uniqueness", kIdentity, v12(R"([{"Sid":"autogenerated-id","Effect":"Allow","Action":"s3:ListBucket","Resource":"*"},{"Sid":"autogenerated-id","Effect":"Allow","Action":"s3:GetObject","Resource":"*"}])"), kSidChars},
      {"Sid with spaces", kIdentity, v12(R"({"Sid":"Allow all","Effect":"Allow","Action":"*","Resource":"*"})"), kSidChars},
      {"Sid with underscore in an SCP", PolicyType::Scp, v12(R"({"Sid":"deny_regions","Effect":"Deny","Action":"*","Resource":"*"})"), kSidChars},
      {"Sid with dash in a trust policy", kTrust, v12(R"({"Sid":"a-b","Effect":"Allow","Principal":{"Service":"ec2.amazonaws.com"},"Action":"sts:AssumeRole"})"), kSidChars},
      {"duplicate Sid (moto)", kIdentity, v12(R"([{"Sid":"sdf","Effect":"Allow","Action":"s3:ListBucket","Resource":"*"},{"Sid":"sdf","Effect":"Allow"}])"), kSidUnique},
      {"duplicate Sid in a trust policy", kTrust, v12(R"([{"Sid":"A","Effect":"Allow","Principal":"*","Action":"sts:AssumeRole"},{"Sid":"A","Effect":"Allow","Principal":"*","Action":"sts:TagSession"}])"), kSidUnique},
      // Actions present
      {"no Action (moto)", kIdentity, v12(R"({"Effect":"Allow","Resource":"arn:aws:s3:::example_bucket"})"), kActions},
      {"only Effect (moto)", kIdentity, v12(R"({"Effect":"Allow"})"), kActions},
      {"empty Action (moto)", kIdentity, v12(R"({"Effect":"Allow","Action":[],"Resource":"*"})"), kActions},
      {"first statement lacks actions (moto)", kIdentity, v12(R"([{"Effect":"Deny"},{"Effect":"Allow","Action":"s3:ListBucket","Resource":"*"}])"), kActions},
      {"trust statement lacks actions", kTrust, v12(R"({"Effect":"Allow","Principal":{"Service":"ec2.amazonaws.com"}})"), kActions},
      // Resource format (reported after Sid and Action checks)
      {"not an ARN (moto)", kIdentity, v12(R"({"Effect":"Allow","Action":"s3:ListBucket","Resource":"invalid resource"})"), R"(Resource invalid resource must be in ARN format or "*".)"},
      {"empty resource (moto)", kIdentity, v12(R"({"Effect":"Allow","Action":"s3:ListBucket","Resource":""})"), R"(Resource  must be in ARN format or "*".)"},
      {"resource before action format (moto)", kIdentity, v12(R"({"Effect":"Allow","Action":"s:3:ListBucket","Resource":"sdfsadf"})"), R"(Resource sdfsadf must be in ARN format or "*".)"},
      {"resource in a list (moto)", kIdentity, v12(R"({"Effect":"Allow","Action":"s3:ListBucket","Resource":["adf"]})"), R"(Resource adf must be in ARN format or "*".)"},
      {"partition, nothing after (moto)", kIdentity, v12(R"({"Effect":"Allow","NotAction":"s3s:ListBucket","Resource":"a:bsdfdsafsad"})"), R"(Partition "bsdfdsafsad" is not valid for resource "arn:bsdfdsafsad:*:*:*:*".)"},
      {"partition, one part (moto)", kIdentity, v12(R"({"Effect":"Allow","NotAction":"s3s:ListBucket","Resource":"a:b:cadfsdf"})"), R"(Partition "b" is not valid for resource "arn:b:cadfsdf:*:*:*".)"},
      {"partition, many parts (moto)", kIdentity, v12(R"({"Effect":"Allow","NotAction":"s3s:ListBucket","Resource":"a:b:c:d:e:f:g:h"})"), R"(Partition "b" is not valid for resource "arn:b:c:d:e:f:g:h".)"},
      {"partition, no arn prefix (moto)", kIdentity, v12(R"({"Effect":"Allow","Action":"s3:ListBucket","Resource":"aws:s3:::example_bucket"})"), R"(Partition "s3" is not valid for resource "arn:s3:::example_bucket:*".)"},
      {"partition, smallest entry reported (moto)", kIdentity, v12(R"({"Effect":"Allow","Action":"s3:ListBucket","Resource":["arn:error:s3:::example_bucket","arn:error:s3::example_bucket"]})"), R"(Partition "error" is not valid for resource "arn:error:s3:::example_bucket".)"},
      {"IAM resource path (moto)", kIdentity, v12(R"({"Effect":"Allow","Action":"s3:ListBucket","Resource":"arn:aws:iam:::example_bucket"})"), kIamPath},
      {"IAM wildcard right after the type", kIdentity, v12(R"({"Effect":"Allow","Action":"iam:GetUser","Resource":"arn:aws:iam::123456789012:u*"})"), kIamPath},
      {"IAM region (moto)", kIdentity, v12(R"({"Effect":"Allow","Action":"s3:ListBucket","Resource":"arn:aws:iam:us-east-1::example_bucket"})"), "IAM resource arn:aws:iam:us-east-1::example_bucket cannot contain region information."},
      {"S3 region (moto)", kIdentity, v12(R"({"Effect":"Allow","Action":"s3:ListBucket","Resource":"arn:aws:s3:us-east-1::example_bucket"})"), "Resource arn:aws:s3:us-east-1::example_bucket can not contain region information."},
      {"no vendor (moto)", kIdentity, v12(R"({"Effect":"Allow","Action":"s3:ListBucket","Resource":"arn:aws"})"), kVendorRegex},
      {"wildcard vendor", kIdentity, v12(R"({"Effect":"Allow","Action":"s3:ListBucket","Resource":"arn:aws:s3*:::bucket"})"), kVendorRegex},
      {"resource error in a session policy", PolicyType::Session, v12(R"({"Effect":"Allow","Action":"s3:*","Resource":"bucket"})"), R"(Resource bucket must be in ARN format or "*".)"},
      // Action format
      {"no vendor (moto)", kIdentity, v12(R"({"Effect":"Allow","Action":"invalid","Resource":"arn:aws:s3:::example_bucket"})"), kNoVendor},
      {"empty NotAction (moto)", kIdentity, v12(R"({"Effect":"Allow","NotAction":"","Resource":"arn:aws:s3:::example_bucket"})"), kNoVendor},
      {"action format before missing resources (moto)", kIdentity, v12(R"({"Effect":"Allow","Action":"invalid"})"), kNoVendor},
      {"vendor with a space (moto)", kIdentity, v12(R"({"Effect":"Allow","Action":"a a:ListBucket","Resource":"*"})"), "Vendor a a is not valid"},
      {"vendor with a wildcard", kIdentity, v12(R"({"Effect":"Allow","Action":"iam*:GetUser","Resource":"*"})"), "Vendor iam* is not valid"},
      {"two colons (moto)", kIdentity, v12(R"({"Effect":"Allow","Action":"s3:List:Bucket","Resource":"*"})"), kColons},
      {"two colons, second statement (moto)", kIdentity, v12(R"([{"Effect":"Allow","Action":"s3s:ListBucket","Resource":"*"},{"Effect":"Allow","Action":"s:3s:ListBucket","Resource":"*"}])"), kColons},
      {"action format in a trust policy", kTrust, v12(R"({"Effect":"Allow","Principal":"*","Action":"AssumeRole"})"), kNoVendor},
      // Resources present
      {"no Resource (moto)", kIdentity, v12(R"({"Effect":"Allow","Action":"s3:ListBucket"})"), kResources},
      {"empty Resource (moto)", kIdentity, v12(R"({"Effect":"Allow","Action":"s3:ListBucket","Resource":[]})"), kResources},
      {"boundary without Resource", PolicyType::Boundary, v12(R"({"Effect":"Allow","Action":"*"})"), kResources},
      {"session policy without Resource", PolicyType::Session, v12(R"({"Effect":"Allow","Action":"s3:GetObject"})"), kResources},
      {"SCP without Resource", PolicyType::Scp, v12(R"({"Effect":"Deny","Action":"*"})"), kResources},
      {"resource policy without Resource", PolicyType::Resource, v12(R"({"Effect":"Allow","Principal":"*","Action":"s3:GetObject"})"), kResources},
      {"trust policy with Resource (observed)", kTrust, v12(R"({"Effect":"Allow","Action":["route53:ChangeResourceRecordSets"],"Resource":["arn:aws:route53:::hostedzone/*"]})"), kProhibitedResource},
      {"trust policy with NotResource", kTrust, v12(R"({"Effect":"Allow","Principal":{"Service":"ec2.amazonaws.com"},"Action":"sts:AssumeRole","NotResource":"*"})"), kProhibitedResource},
      // Principal present / prohibited
      {"Principal in an identity policy", kIdentity, v12(R"({"Effect":"Allow","Principal":"*","Action":"*","Resource":"*"})"), kNoPrincipal},
      {"NotPrincipal in an identity policy", kIdentity, v12(R"({"Effect":"Deny","NotPrincipal":{"AWS":"123456789012"},"Action":"*","Resource":"*"})"), kNoPrincipal},
      {"Principal in a boundary", PolicyType::Boundary, v12(R"({"Effect":"Allow","Principal":{"AWS":"*"},"Action":"*","Resource":"*"})"), kNoPrincipal},
      {"Principal in a session policy", PolicyType::Session, v12(R"({"Effect":"Allow","Principal":"*","Action":"*","Resource":"*"})"), kNoPrincipal},
      {"Principal in an SCP", PolicyType::Scp, v12(R"({"Effect":"Deny","Principal":"*","Action":"*","Resource":"*"})"), kNoPrincipal},
      {"trust policy without Principal", kTrust, v12(R"({"Effect":"Allow","Action":"sts:AssumeRole"})"), kMissingPrincipal},
      {"trust policy with only NotPrincipal", kTrust, v12(R"({"Effect":"Deny","NotPrincipal":{"AWS":"123456789012"},"Action":"sts:AssumeRole"})"), kMissingPrincipal},
      {"trust policy with NotPrincipal", kTrust, v12(R"({"Effect":"Deny","Principal":"*","NotPrincipal":{"AWS":"123456789012"},"Action":"sts:AssumeRole"})"), "Has prohibited field NotPrincipal"},
      {"resource policy without Principal", PolicyType::Resource, v12(R"({"Effect":"Allow","Action":"s3:GetObject","Resource":"arn:aws:s3:::b/*"})"), kMissingPrincipal},
      // Trust-policy actions
      {"trust policy granting S3", kTrust, v12(R"({"Effect":"Allow","Principal":{"Service":"ec2.amazonaws.com"},"Action":"s3:GetObject"})"), kTrustActions},
      {"trust policy granting another STS action", kTrust, v12(R"({"Effect":"Allow","Principal":"*","Action":["sts:AssumeRole","sts:GetCallerIdentity"]})"), kTrustActions},
      {"trust policy granting sts:*", kTrust, v12(R"({"Effect":"Allow","Principal":"*","Action":"sts:*"})"), kTrustActions},
      {"trust policy wildcard covering AssumeRoot", kTrust, v12(R"({"Effect":"Allow","Principal":"*","Action":"sts:Assume*"})"), kTrustActions},
      {"trust policy wildcard matching nothing", kTrust, v12(R"({"Effect":"Allow","Principal":"*","Action":"sts:Frob*"})"), kTrustActions},
      {"trust policy with NotAction", kTrust, v12(R"({"Effect":"Allow","Principal":"*","NotAction":"sts:AssumeRole"})"), kTrustActions},
      {"trust actions before principal values", kTrust, v12(R"({"Effect":"Allow","Principal":{"AWS":"nobody"},"Action":"iam:PassRole"})"), kTrustActions},
      // Principal values
      {"group as principal", kTrust, v12(R"({"Effect":"Allow","Principal":{"AWS":"arn:aws:iam::123456789012:group/Devs"},"Action":"sts:AssumeRole"})"), R"(Invalid principal in policy: "AWS":"arn:aws:iam::123456789012:group/Devs")"},
      {"wildcard in a principal ARN", kTrust, v12(R"({"Effect":"Allow","Principal":{"AWS":"arn:aws:iam::123456789012:role/*"},"Action":"sts:AssumeRole"})"), R"(Invalid principal in policy: "AWS":"arn:aws:iam::123456789012:role/*")"},
      {"wildcard account", kTrust, v12(R"({"Effect":"Allow","Principal":{"AWS":["123456789012","arn:aws:iam::*:root"]},"Action":"sts:AssumeRole"})"), R"(Invalid principal in policy: "AWS":"arn:aws:iam::*:root")"},
      {"short account id", kTrust, v12(R"({"Effect":"Allow","Principal":{"AWS":"12345"},"Action":"sts:AssumeRole"})"), R"(Invalid principal in policy: "AWS":"12345")"},
      {"principal ARN with a region", kTrust, v12(R"({"Effect":"Allow","Principal":{"AWS":"arn:aws:iam:us-east-1:123456789012:root"},"Action":"sts:AssumeRole"})"), R"(Invalid principal in policy: "AWS":"arn:aws:iam:us-east-1:123456789012:root")"},
      {"session ARN without session name", kTrust, v12(R"({"Effect":"Allow","Principal":{"AWS":"arn:aws:sts::123456789012:assumed-role/R"},"Action":"sts:AssumeRole"})"), R"(Invalid principal in policy: "AWS":"arn:aws:sts::123456789012:assumed-role/R")"},
      {"service not a DNS name", kTrust, v12(R"({"Effect":"Allow","Principal":{"Service":"EC2"},"Action":"sts:AssumeRole"})"), R"(Invalid principal in policy: "SERVICE":"EC2")"},
      {"unknown federated provider", kTrust, v12(R"({"Effect":"Allow","Principal":{"Federated":"idp.example.com"},"Action":"sts:AssumeRoleWithWebIdentity"})"), R"(Invalid principal in policy: "FEDERATED":"idp.example.com")"},
      {"canonical user in a trust policy", kTrust, v12(R"({"Effect":"Allow","Principal":{"CanonicalUser":"79a59df900b949e55d96a1e698fbacedfd6e09d98eacf8f8d5218e7cd47ef2be"},"Action":"sts:AssumeRole"})"), R"(Invalid principal in policy: "CANONICALUSER":"79a59df900b949e55d96a1e698fbacedfd6e09d98eacf8f8d5218e7cd47ef2be")"},
      {"bad principal in a resource policy", PolicyType::Resource, v12(R"({"Effect":"Allow","Principal":{"AWS":"bob"},"Action":"s3:GetObject","Resource":"arn:aws:s3:::b/*"})"), R"(Invalid principal in policy: "AWS":"bob")"},
  };
}

// "allow", "denY": the model cannot hold the spelling, so only parse_and_validate sees it.
bool has_effect_in_other_case(std::string_view document) {
  for (std::string_view spelling : {"\"allow\"", "\"denY\"", "\"aLLow\""}) {
    if (document.find(spelling) != std::string_view::npos) return true;
  }
  return false;
}

TEST(Validate, ErrorsInAwsOrder) {
  for (const Case& c : error_cases()) {
    EXPECT_EQ(first_error(c.document, c.type), c.message) << c.what << "\n" << c.document;
  }
}

TEST(Validate, ParseThenValidateAgreesWithParseAndValidate) {
  // The two-call path gives the same first error, except for an Effect in the wrong case, which
  // only parse_and_validate can order after the Version check.
  for (const Case& c : error_cases()) {
    if (has_effect_in_other_case(c.document)) continue;
    auto parsed = json::parse(c.document, ParseMode::Strict);
    std::string message = parsed ? "" : parsed.error().message;
    if (parsed) {
      auto status = validate(*parsed, c.type);
      message = status ? "" : status.error().message;
    }
    EXPECT_EQ(message, c.message) << c.what;
  }
}

TEST(Validate, CheckReportsTheFirstErrorFirst) {
  for (const Case& c : error_cases()) {
    auto parsed = json::parse(c.document, ParseMode::Lenient);
    if (!parsed || c.message == kSyntax || has_effect_in_other_case(c.document)) continue;
    auto findings = check(*parsed, c.type);
    auto first = std::find_if(findings.begin(), findings.end(), [](const Finding& f) {
      return f.severity == Finding::Severity::Error;
    });
    ASSERT_NE(first, findings.end()) << c.what;
    EXPECT_EQ(first->message, c.message) << c.what;
  }
}

// Valid documents of every policy type: AWS documentation examples and moto's accepted corpus.
struct Valid {
  const char* what;
  PolicyType type;
  std::string document;
};

std::vector<Valid> valid_cases() {
  return {
      {"AdministratorAccess", kIdentity, v12(R"([{"Effect":"Allow","Action":"*","Resource":"*"}])")},
      {"AdministratorAccess as a boundary", PolicyType::Boundary, v12(R"([{"Effect":"Allow","Action":"*","Resource":"*"}])")},
      {"session policy", PolicyType::Session, v12(R"({"Effect":"Allow","Action":["s3:GetObject","s3:ListBucket"],"Resource":["arn:aws:s3:::b","arn:aws:s3:::b/*"]})")},
      {"PowerUserAccess shape", kIdentity, v12(R"([{"Effect":"Allow","NotAction":["iam:*","organizations:*","account:*"],"Resource":"*"},
          {"Effect":"Allow","Action":["iam:CreateServiceLinkedRole","iam:DeleteServiceLinkedRole","iam:ListRoles","organizations:DescribeOrganization"],"Resource":"*"}])")},
      {"EC2 trust policy", kTrust, v12(R"({"Effect":"Allow","Principal":{"Service":"ec2.amazonaws.com"},"Action":"sts:AssumeRole"})")},
      {"legacy EC2 trust policy", kTrust, R"({"Version":"2008-10-17","Statement":[{"Sid":"","Effect":"Allow","Principal":{"Service":["ec2.amazonaws.com"]},"Action":["sts:AssumeRole"]}]})"},
      {"trust policy without Version", kTrust, R"({"Statement":{"Effect":"Allow","Principal":{"Service":"lambda.amazonaws.com"},"Action":"sts:AssumeRole"}})"},
      {"cross-account trust with ExternalId", kTrust, v12(R"({"Effect":"Allow","Principal":{"AWS":"arn:aws:iam::111122223333:root"},"Action":"sts:AssumeRole","Condition":{"StringEquals":{"sts:ExternalId":"Unique ID Assigned by Example Corp"}}})")},
      {"MFA trust", kTrust, v12(R"({"Effect":"Allow","Principal":{"AWS":["111122223333","arn:aws:iam::123456789012:user/division_abc/subdivision_xyz/JaneDoe"]},"Action":["sts:AssumeRole","sts:TagSession","sts:SetSourceIdentity"],"Condition":{"Bool":{"aws:MultiFactorAuthPresent":true},"NumericLessThan":{"aws:MultiFactorAuthAge":3600}}})")},
      {"trust of roles, sessions, federated users and unique ids", kTrust, v12(R"({"Effect":"Allow","Principal":{"AWS":["arn:aws:iam::123456789012:role/application_abc/component_xyz/RDSAccess","arn:aws:sts::123456789012:assumed-role/Accounting-Role/JaneDoe","arn:aws:sts::123456789012:federated-user/JohnDoe","AIDACKCEVSQ6C2EXAMPLE","arn:aws-cn:iam::123456789012:root","*"]},"Action":"sts:AssumeRole*"})")},
      {"SAML trust", kTrust, v12(R"({"Effect":"Allow","Principal":{"Federated":"arn:aws:iam::123456789012:saml-provider/ADFS"},"Action":"sts:AssumeRoleWithSAML","Condition":{"StringEquals":{"SAML:aud":"https://signin.aws.amazon.com/saml"}}})")},
      {"GitHub OIDC trust", kTrust, v12(R"({"Effect":"Allow","Principal":{"Federated":"arn:aws:iam::123456789012:oidc-provider/token.actions.githubusercontent.com"},"Action":"sts:AssumeRoleWithWebIdentity","Condition":{"StringEquals":{"token.actions.githubusercontent.com:aud":"sts.amazonaws.com"},"StringLike":{"token.actions.githubusercontent.com:sub":"repo:octo-org/*"}}})")},
      {"Cognito trust", kTrust, v12(R"({"Effect":"Allow","Principal":{"Federated":"cognito-identity.amazonaws.com"},"Action":["sts:AssumeRoleWithWebIdentity","sts:TagSession"],"Condition":{"StringEquals":{"cognito-identity.amazonaws.com:aud":"us-east-1:12345678-abcd-abcd-abcd-123456789012"},"ForAnyValue:StringLike":{"cognito-identity.amazonaws.com:amr":"authenticated"}}})")},
      {"trust with Action *", kTrust, v12(R"({"Effect":"Allow","Principal":{"Service":["ec2.amazonaws.com","ecs-tasks.amazonaws.com"]},"Action":"*"})")},
      {"trust with case-insensitive actions", kTrust, v12(R"({"Effect":"Allow","Principal":"*","Action":["STS:assumerole","sts:SetContext","sts:AssumeRoleWith*"],"Condition":{"StringEquals":{"aws:PrincipalOrgID":"o-a1b2c3d4e5"}}})")},
      {"SCP denying regions", PolicyType::Scp, v12(R"([{"Sid":"DenyAllOutsideEU","Effect":"Deny","NotAction":["a4b:*","cloudfront:*","iam:*","organizations:*","route53:*","sts:*","support:*"],"Resource":"*","Condition":{"StringNotEquals":{"aws:RequestedRegion":["eu-central-1","eu-west-1"]},"ArnNotLike":{"aws:PrincipalARN":["arn:aws:iam::*:role/Role1AllowedToBypassThisSCP"]}}}])")},
      {"SCP with NotResource", PolicyType::Scp, v12(R"({"Effect":"Deny","Action":"s3:*","NotResource":["arn:aws:s3:::logs","arn:aws:s3:::logs/*"]})")},
      {"S3 bucket policy with a spaced Sid", PolicyType::Resource, v12(R"([{"Sid":"Allow public read","Effect":"Allow","Principal":"*","Action":"s3:GetObject","Resource":"arn:aws:s3:::examplebucket/*"},
          {"Sid":"DenyOthers","Effect":"Deny","NotPrincipal":{"AWS":["arn:aws:iam::444455556666:user/Bob","arn:aws:iam::444455556666:root"]},"Action":"s3:*","Resource":["arn:aws:s3:::examplebucket","arn:aws:s3:::examplebucket/*"]},
          {"Effect":"Allow","Principal":{"CanonicalUser":"79a59df900b949e55d96a1e698fbacedfd6e09d98eacf8f8d5218e7cd47ef2be"},"Action":"s3:GetObject","Resource":"arn:aws:s3:::examplebucket/*"}])")},
      {"manage own credentials (variables)", kIdentity, v12(R"([{"Sid":"AllowViewAccountInfo","Effect":"Allow","Action":["iam:GetAccountPasswordPolicy","iam:GetAccountSummary","iam:ListVirtualMFADevices"],"Resource":"*"},
          {"Sid":"AllowManageOwnPasswords","Effect":"Allow","Action":["iam:ChangePassword","iam:GetUser"],"Resource":"arn:aws:iam::*:user/${aws:username}"},
          {"Sid":"AllowManageOwnVirtualMFADevice","Effect":"Allow","Action":["iam:CreateVirtualMFADevice","iam:DeleteVirtualMFADevice"],"Resource":"arn:aws:iam::*:mfa/${aws:username}"},
          {"Sid":"DenyAllExceptListedIfNoMFA","Effect":"Deny","NotAction":["iam:CreateVirtualMFADevice","iam:EnableMFADevice","iam:GetUser","iam:ListMFADevices","iam:ListVirtualMFADevices","iam:ResyncMFADevice","sts:GetSessionToken"],"Resource":"*","Condition":{"BoolIfExists":{"aws:MultiFactorAuthPresent":"false"}}}])")},
      {"S3 home folders (variables)", kIdentity, v12(R"([{"Effect":"Allow","Action":"s3:ListBucket","Resource":"arn:aws:s3:::bucket-name","Condition":{"StringLike":{"s3:prefix":["","home/","home/${aws:userid}/*"]}}},
          {"Effect":"Allow","Action":"s3:*","Resource":["arn:aws:s3:::bucket-name/home/${aws:userid}","arn:aws:s3:::bucket-name/home/${aws:userid}/*"]}])")},
      {"moto: odd action text", kIdentity, v12(R"({"Effect":"Allow","Action":"iam: asdf safdsf af ","Resource":"arn:aws:s3:::example_bucket"})")},
      {"moto: resource list with *", kIdentity, v12(R"({"Effect":"Allow","Action":"s3:ListBucket","Resource":["arn:aws:s3:::example_bucket","*"]})")},
      {"moto: unknown service", kIdentity, v12(R"({"Effect":"Allow","Action":"service-prefix:action-name","Resource":"*","Condition":{"DateGreaterThan":{"aws:CurrentTime":"2017-07-01T00:00:00Z"},"DateLessThan":{"aws:CurrentTime":"2017-12-31T23:59:59Z"}}})")},
      {"moto: IAM user with empty account", kIdentity, v12(R"({"Effect":"Allow","Action":"s3:ListBucket","Resource":"arn:aws:iam:::user/example_bucket"})")},
      {"moto: three-part ARN", kIdentity, v12(R"({"Effect":"Allow","Action":"s3:ListBucket","Resource":"arn:aws:fdsasf"})")},
      {"moto: regional ARNs of other services", kIdentity, v12(R"({"Effect":"Allow","Action":"s3:ListBucket","Resource":["arn:aws:cloudwatch:us-east-1::example_bucket","arn:aws:ec2:us-east-1::example_bucket","arn:aws:invalid-service:us-east-1::example_bucket"]})")},
      {"moto: empty condition blocks", kIdentity, v12(R"({"Effect":"Allow","Action":"s3:ListBucket","Resource":"*","Condition":{"DateGreaterThan":{},"x":{},"y":{}}})")},
      {"moto: empty value list", kIdentity, v12(R"({"Effect":"Allow","Action":"s3:ListBucket","Resource":"*","Condition":{"DateGreaterThan":{"a":[]}}})")},
      {"moto: loose legacy dates", kIdentity, v12(R"({"Effect":"Allow","Action":"s3:ListBucket","Resource":"*","Condition":{"DateGreaterThan":{"a":"01T"},"DateLessThanEquals":{"a":["2019-07-01T13:20:15Z","2016-12-13T21:20:37.593194+00:00","2016-12-13t2:00:00.593194+23"]},"DateLessThan":{"a":"-292275054"}}})")},
      {"dates with a western zone and epoch numbers", kIdentity, v12(R"({"Effect":"Allow","Action":"*","Resource":"*","Condition":{"DateGreaterThan":{"aws:CurrentTime":["2020-01-01T00:00:00-05:00",1577836800]}}})")},
      {"moto: set operators and IfExists", kIdentity, v12(R"({"Effect":"Allow","Action":"s3:ListBucket","Resource":"*","Condition":{"StringEqualsIfExists":{"a":"asf"},"ForAnyValue:StringEqualsIfExists":{"a":"asf"},"ForAllValues:StringEquals":{"aws:TagKeys":"Department"}}})")},
      {"moto: empty Sids repeat", kIdentity, v12(R"([{"Sid":"","Effect":"Allow","Action":"rds:*","Resource":["arn:aws:rds:region:*:*"]},{"Sid":"","Effect":"Allow","Action":["rds:Describe*"],"Resource":["*"]}])")},
      {"moto: S3 access points are regional", kIdentity, v12(R"({"Sid":"","Effect":"Allow","Action":["s3:*"],"Resource":["arn:aws:s3:us-west-2:123456789012:accesspoint/my-access-point","arn:aws:s3:us-west-2:123456789012:accesspoint/my-access-point/object/*"]})")},
      {"moto: vendors with dots and dashes", kIdentity, v12(R"({"Effect":"Allow","Action":["s3-s:ListBucket","s3.s:ListBucket","aaaaaadsfdsafsadfsadfaaaaa:ListBucket"],"Resource":"*"})")},
      {"moto: NotAction with NotResource", kIdentity, v12(R"({"Effect":"Allow","NotAction":"s3:ListBucket","NotResource":"*"})")},
      {"Id and every IAM resource type", kIdentity, R"({"Version":"2012-10-17","Id":"x","Statement":{"Effect":"Allow","Action":"iam:*","Resource":["arn:aws:iam::123456789012:*","arn:aws:iam::123456789012:root","arn:aws:iam::123456789012:role/*","arn:aws:iam::aws:policy/AdministratorAccess","arn:aws-us-gov:iam::123456789012:user/*","arn:*:iam::*:oidc-provider/*"]}})"},
      {"numbers and booleans in conditions", kIdentity, v12(R"({"Effect":"Allow","Action":"*","Resource":"*","Condition":{"NumericLessThanEquals":{"s3:max-keys":[10,"20"]},"Bool":{"aws:SecureTransport":true},"Null":{"aws:TokenIssueTime":false},"IpAddress":{"aws:SourceIp":["203.0.113.0/24","2001:DB8:1234:5678::/64"]}}})")},
  };
}

TEST(Validate, AcceptsValidDocumentsOfEveryType) {
  for (const Valid& c : valid_cases()) {
    EXPECT_EQ(first_error(c.document, c.type), "") << c.what << "\n" << c.document;
    auto parsed = json::parse(c.document, ParseMode::Strict);
    ASSERT_TRUE(parsed) << c.what;
    auto findings = check(*parsed, c.type);
    for (const Finding& f : findings) {
      EXPECT_EQ(f.severity, Finding::Severity::Warning) << c.what << ": " << f.message << " at " << f.pointer;
    }
  }
}

// Finds the warning whose message contains `needle`.
const Finding* find_finding(const std::vector<Finding>& findings, std::string_view needle) {
  for (const Finding& f : findings) {
    if (f.message.find(needle) != std::string::npos) return &f;
  }
  return nullptr;
}

std::vector<Finding> check_text(std::string_view text, PolicyType type = kIdentity) {
  auto parsed = json::parse(text, ParseMode::Lenient);
  EXPECT_TRUE(parsed) << text;
  return parsed ? check(*parsed, type) : std::vector<Finding>{};
}

TEST(Check, AdministratorAccessIsClean) {
  EXPECT_TRUE(check_text(v12(R"({"Effect":"Allow","Action":"*","Resource":"*"})")).empty());
}

TEST(Check, WarnsAboutUnknownActions) {
  auto findings = check_text(v12(R"({"Effect":"Allow","Action":["foo:Bar","iam:CreateUsr","iam:Frobnicate*","iam:Get*","ec2:CreateVolume","s3:GetObject","IAM:createrole","iam:","*:Get*"],"Resource":"*"})"));
  const Finding* f = find_finding(findings, "Unknown service prefix \"foo\"");
  ASSERT_TRUE(f);
  EXPECT_EQ(f->severity, Finding::Severity::Warning);
  EXPECT_EQ(f->pointer, "/Statement/0/Action/0");
  f = find_finding(findings, "Unknown action \"iam:CreateUsr\"");
  ASSERT_TRUE(f);
  EXPECT_EQ(f->pointer, "/Statement/0/Action/1");
  f = find_finding(findings, "\"iam:Frobnicate*\" matches no iam action");
  ASSERT_TRUE(f);
  EXPECT_EQ(f->pointer, "/Statement/0/Action/2");
  f = find_finding(findings, "names no action");
  ASSERT_TRUE(f);
  EXPECT_EQ(f->pointer, "/Statement/0/Action/7");
  EXPECT_EQ(findings.size(), 4u);  // ec2 is a partial table; s3 is known; case does not matter
}

TEST(Check, WarnsAboutConditionsThatCanNeverBeTrue) {
  auto findings = check_text(v12(R"({"Effect":"Deny","Action":"*","Resource":"*","Condition":{
      "NumericLessThan":{"aws:MultiFactorAuthAge":"abc"},
      "DateGreaterThan":{"aws:CurrentTime":"01T"},
      "Bool":{"aws:SecureTransport":"yes"},
      "IpAddress":{"aws:SourceIp":["10.0.0.0/8","300.1.1.1/8"]},
      "NotIpAddress":{"aws:VpcSourceIp":"2001:db8::/129"},
      "BinaryEquals":{"x:y":"not base64!"},
      "Null":{"aws:TokenIssueTime":"maybe"},
      "NumericGreaterThan":{"aws:CurrentTime":"5"},
      "StringEquals":{"aws:PrincipalTag/team":[]}}})"));
  auto expect_at = [&](std::string_view needle, std::string_view pointer) {
    const Finding* f = find_finding(findings, needle);
    ASSERT_TRUE(f) << needle;
    EXPECT_EQ(f->pointer, pointer) << needle;
    EXPECT_EQ(f->severity, Finding::Severity::Warning);
  };
  expect_at("NumericLessThan value \"abc\"", "/Statement/0/Condition/NumericLessThan/aws:MultiFactorAuthAge");
  expect_at("DateGreaterThan value \"01T\"", "/Statement/0/Condition/DateGreaterThan/aws:CurrentTime");
  expect_at("Bool value \"yes\"", "/Statement/0/Condition/Bool/aws:SecureTransport");
  expect_at("IpAddress value \"300.1.1.1/8\"", "/Statement/0/Condition/IpAddress/aws:SourceIp");
  expect_at("NotIpAddress value \"2001:db8::/129\"", "/Statement/0/Condition/NotIpAddress/aws:VpcSourceIp");
  expect_at("BinaryEquals value", "/Statement/0/Condition/BinaryEquals/x:y");
  expect_at("Null value \"maybe\"", "/Statement/0/Condition/Null/aws:TokenIssueTime");
  expect_at("NumericGreaterThan cannot compare \"aws:CurrentTime\"", "/Statement/0/Condition/NumericGreaterThan/aws:CurrentTime");
  expect_at("has no values", "/Statement/0/Condition/StringEquals/aws:PrincipalTag~1team");
  for (const Finding& f : findings) EXPECT_EQ(f.severity, Finding::Severity::Warning) << f.message;
}

TEST(Check, WarnsAboutVariablesTheyWillNotSubstitute) {
  auto findings = check_text(R"({"Version":"2008-10-17","Statement":{"Effect":"Allow","Principal":{"AWS":"123456789012"},"Action":"sts:AssumeRole","Condition":{"StringEquals":{"aws:username":"${aws:username}"}}}})",
                             kTrust);
  const Finding* f = find_finding(findings, "not substituted unless Version");
  ASSERT_TRUE(f);
  EXPECT_EQ(f->pointer, "/Statement/0");
  findings = check_text(v12(R"({"Effect":"Allow","Action":"*","Resource":"*","Condition":{"NumericEquals":{"aws:MultiFactorAuthAge":"${aws:EpochTime}"}}})"));
  ASSERT_TRUE(find_finding(findings, "not substituted in Numeric condition values"));
  EXPECT_EQ(findings.size(), 1u);
}

TEST(Check, WarnsAboutOverBroadStatements) {
  auto findings = check_text(v12(R"({"Effect":"Allow","NotAction":"iam:*","Resource":"*"})"));
  const Finding* f = find_finding(findings, "Allow with NotAction and Resource \"*\"");
  ASSERT_TRUE(f);
  EXPECT_EQ(f->pointer, "/Statement/0/NotAction");
  EXPECT_TRUE(check_text(v12(R"({"Effect":"Deny","NotAction":"iam:*","Resource":"*"})")).empty());

  findings = check_text(v12(R"({"Effect":"Allow","Principal":{"AWS":"*"},"Action":"sts:AssumeRole"})"), kTrust);
  ASSERT_TRUE(find_finding(findings, "any AWS principal assume the role"));
  EXPECT_TRUE(check_text(v12(R"({"Effect":"Allow","Principal":{"AWS":"*"},"Action":"sts:AssumeRole","Condition":{"StringEquals":{"aws:PrincipalOrgID":"o-a1b2c3d4e5"}}})"),
                         kTrust).empty());
  findings = check_text(v12(R"({"Effect":"Allow","NotPrincipal":{"AWS":"123456789012"},"Action":"s3:GetObject","Resource":"arn:aws:s3:::b/*"})"),
                        PolicyType::Resource);
  ASSERT_TRUE(find_finding(findings, "NotPrincipal with Allow"));
}

TEST(Check, WarnsAboutSetOperatorMisuse) {
  auto findings = check_text(v12(R"({"Effect":"Allow","Action":"iam:TagUser","Resource":"*","Condition":{"ForAllValues:StringEquals":{"aws:TagKeys":["CostCenter"]}}})"));
  const Finding* f = find_finding(findings, "ForAllValues with Allow is also true");
  ASSERT_TRUE(f);
  EXPECT_EQ(f->pointer, "/Statement/0/Condition/ForAllValues:StringEquals/aws:TagKeys");
  EXPECT_EQ(findings.size(), 1u);
  EXPECT_TRUE(check_text(v12(R"({"Effect":"Allow","Action":"iam:TagUser","Resource":"*","Condition":{"ForAllValues:StringEquals":{"aws:TagKeys":["CostCenter"]},"Null":{"AWS:TAGKEYS":"false"}}})")).empty());
  findings = check_text(v12(R"({"Effect":"Deny","Action":"*","Resource":"*","Condition":{"ForAnyValue:StringEquals":{"aws:username":"bob"},"StringEquals":{"aws:TagKeys":"a"},"NullIfExists":{"aws:username":"true"}}})"));
  ASSERT_TRUE(find_finding(findings, "\"aws:username\" is single-valued"));
  ASSERT_TRUE(find_finding(findings, "\"aws:TagKeys\" is multivalued"));
  ASSERT_TRUE(find_finding(findings, "IfExists has no effect on Null"));
}

TEST(Check, CollectsEveryErrorInOrder) {
  auto findings = check_text(R"({"Statement":[{"Sid":"a-b","Effect":"Allow","Action":["nope","s3:a:b"],"Resource":["bad","arn:aws:iam:us-east-1::x"]},
                                              {"Sid":"a-b","Effect":"Allow","Principal":"*","Action":"foo:Bar"}]})");
  std::vector<std::pair<std::string, std::string>> errors;
  for (const Finding& f : findings) {
    if (f.severity == Finding::Severity::Error) errors.emplace_back(f.message, f.pointer);
  }
  std::vector<std::pair<std::string, std::string>> expected = {
      {std::string(kVersion), ""},
      {std::string(kSidChars), "/Statement/0/Sid"},
      {std::string(kSidChars), "/Statement/1/Sid"},
      {std::string(kSidUnique), "/Statement/1/Sid"},
      {R"(Resource bad must be in ARN format or "*".)", "/Statement/0/Resource/0"},
      {"IAM resource arn:aws:iam:us-east-1::x cannot contain region information.", "/Statement/0/Resource/1"},
      {std::string(kNoVendor), "/Statement/0/Action/0"},
      {std::string(kColons), "/Statement/0/Action/1"},
      {std::string(kResources), "/Statement/1"},
      {std::string(kNoPrincipal), "/Statement/1/Principal"},
  };
  EXPECT_EQ(errors, expected);
  EXPECT_TRUE(find_finding(findings, "Unknown service prefix \"foo\""));
}

TEST(Check, ModelBuiltInCodeIsValidatedToo) {
  // validate() does not need the JSON adapter: a Policy built in code gets the same checks.
  Policy p;
  p.version = "2012-10-17";
  Statement s;
  s.effect = Effect::Allow;
  s.has_action = true;
  s.actions = {"sts:AssumeRole"};
  s.principal = Principals{false, {{"Service", {"ec2.amazonaws.com"}}}};
  p.statements.push_back(s);
  EXPECT_TRUE(validate(p, kTrust));
  auto status = validate(p, kIdentity);
  ASSERT_FALSE(status);
  EXPECT_EQ(status.error().message, kResources);
  p.statements[0].conditions.push_back({"StringEqualz", "a", {"b"}});
  status = validate(p, kTrust);
  ASSERT_FALSE(status);
  EXPECT_EQ(status.error().message, kSyntax);
  p.statements.clear();
  EXPECT_EQ(validate(p, kTrust).error().message, kSyntax);
}

TEST(Values, Recognizers) {
  using namespace detail;
  for (auto v : {"0", "-1", "+2.5", ".5", "1.", "1e3", "-1.5E-3"}) EXPECT_TRUE(is_number(v)) << v;
  for (auto v : {"", "-", ".", "e3", "1e", "1x", "0x10", " 1"}) EXPECT_FALSE(is_number(v)) << v;
  for (auto v : {"2020", "2020-01", "2020-01-01", "2020-01-01T00:00Z", "2020-01-01T23:59:60Z",
                 "2020-01-01T00:00:01.5+05:30", "2020-01-01t00:00:01-05:00", "1577836800", "-1"}) {
    EXPECT_TRUE(is_w3c_date(v)) << v;
  }
  for (auto v : {"", "-", "01T", "2020-13", "2020-01-32", "2020-01-01T24:00Z", "2020-01-01T00",
                 "2020-01-01T00:00+5", "2020-1-01", "12345678901234567890"}) {
    EXPECT_FALSE(is_w3c_date(v)) << v;
  }
  for (auto v : {"203.0.113.0/24", "10.0.0.1", "::/0", "2001:DB8:1234:5678::/64", "::1",
                 "::ffff:192.0.2.1", "1:2:3:4:5:6:7:8"}) {
    EXPECT_TRUE(is_cidr(v)) << v;
  }
  for (auto v : {"", "1.2.3", "256.0.0.0", "1.2.3.4/33", "1.2.3.4/", "1::2::3", "1:2:3:4:5:6:7:8:9",
                 "12345::", "::/129", "1.2.3.4/-1"}) {
    EXPECT_FALSE(is_cidr(v)) << v;
  }
  for (auto v : {"QmluYXJ5", "QQ==", "QUI=", "+/+/"}) EXPECT_TRUE(is_base64(v)) << v;
  for (auto v : {"", "QQ", "Q===", "QQ=A", "a b="}) EXPECT_FALSE(is_base64(v)) << v;
  EXPECT_TRUE(is_bool_text("TRUE"));
  EXPECT_FALSE(is_bool_text("yes"));
  // IAM's loose legacy Date check (moto's cases, validated against IAM).
  for (auto v : {"01T", "-292275054", "2016-12-13t2:00:00.593194+23", "2019-07-01T13:20:15Z",
                 "9223372036854775807", "2020-01-01T00:00:00-05:00"}) {
    EXPECT_TRUE(is_legacy_date(v)) << v;
  }
  for (auto v : {"sdfdsf", "234-13", "2016-12-13t2:00:00.593194+1", "-", "",
                 "2016-12-13t2:00:00.1999999999+10:59", "9223372036854775808", "1.5"}) {
    EXPECT_FALSE(is_legacy_date(v)) << v;
  }
}

TEST(QuotaSize, CountsCharactersOtherThanJsonWhitespace) {
  EXPECT_EQ(quota_size(""), 0u);
  EXPECT_EQ(quota_size(" \t\r\n"), 0u);
  std::string compact = R"({"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"*","Resource":"*"}]})";
  std::string pretty = "{\n  \"Version\": \"2012-10-17\",\n  \"Statement\": [\n    {\n      \"Effect\": \"Allow\",\n"
                       "      \"Action\": \"*\",\n      \"Resource\": \"*\"\n    }\n  ]\n}\n";
  EXPECT_EQ(quota_size(compact), compact.size());
  EXPECT_EQ(quota_size(pretty), compact.size());
  EXPECT_EQ(quota_size("\"caf\xC3\xA9 \xF0\x9F\x98\x80\""), 7u);  // characters, not bytes
  EXPECT_EQ(quota_size("a\vb\fc"), 5u);  // only JSON's four whitespace characters are free
}

TEST(Actions, TableLookups) {
  const ActionInfo* create_role = find_action("iam:createrole");
  ASSERT_TRUE(create_role);
  EXPECT_EQ(create_role->service, "iam");
  EXPECT_EQ(create_role->name, "CreateRole");
  EXPECT_EQ(create_role->level, AccessLevel::Write);
  EXPECT_EQ(create_role->resource_types, "role");
  EXPECT_EQ(find_action("iam:CreateRole"), nullptr);  // keys are lower-case
  EXPECT_EQ(find_action("iam:createrolez"), nullptr);
  EXPECT_EQ(find_action("sts:assumerole")->name, "AssumeRole");
  EXPECT_EQ(find_action("organizations:describeorganization")->level, AccessLevel::Read);
  EXPECT_EQ(find_action("cloudtrail:lookupevents")->level, AccessLevel::Read);
  EXPECT_EQ(find_action("ec2:runinstances")->level, AccessLevel::Write);
  EXPECT_EQ(find_action("iam:putrolepolicy")->level, AccessLevel::PermissionsManagement);
  EXPECT_EQ(find_action("iam:tagrole")->level, AccessLevel::Tagging);
  EXPECT_EQ(find_action("iam:listroles")->level, AccessLevel::List);
  EXPECT_EQ(access_level_name(AccessLevel::PermissionsManagement), "Permissions management");

  EXPECT_TRUE(is_known_service("iam"));
  EXPECT_TRUE(is_known_service("IAM"));
  EXPECT_TRUE(is_known_service("s3"));
  EXPECT_FALSE(is_known_service("s4"));
  EXPECT_TRUE(has_complete_action_table("Organizations"));
  EXPECT_FALSE(has_complete_action_table("ec2"));
  EXPECT_FALSE(has_complete_action_table("s3"));
  EXPECT_TRUE(actions_of("s3").empty());
  EXPECT_EQ(actions_of("sts").size(), 15u);
  for (const ActionInfo& a : actions_of("cloudtrail")) EXPECT_EQ(a.service, "cloudtrail");
}

TEST(Actions, TableIsSortedUniqueAndContiguous) {
  std::set<std::string_view> keys, services_done;
  std::string_view service, previous;
  for (const ActionInfo& a : all_actions()) {
    EXPECT_TRUE(keys.insert(a.key).second) << "duplicate " << a.key;
    if (a.service != service) {
      EXPECT_FALSE(services_done.count(a.service)) << a.service << " rows are not contiguous";
      services_done.insert(service);
      service = a.service;
      previous = "";
    }
    EXPECT_LT(previous, a.name) << a.service << ":" << a.name << " out of order";
    previous = a.name;
    EXPECT_FALSE(a.resource_types.empty());
    EXPECT_EQ(a.key.size(), a.service.size() + 1 + a.name.size());
  }
  EXPECT_GT(actions_of("iam").size(), 170u);
  EXPECT_GT(actions_of("organizations").size(), 50u);
}

TEST(Actions, GlobMatchesLikeIam) {
  EXPECT_TRUE(action_glob_match("iam:*AccessKey*", "iam:createaccesskey"));
  EXPECT_TRUE(action_glob_match("IAM:*accesskey*", "iam:ListAccessKeys"));
  EXPECT_TRUE(action_glob_match("*", ""));
  EXPECT_TRUE(action_glob_match("s3:Get?bject", "s3:GetObject"));
  EXPECT_FALSE(action_glob_match("s3:Get?bject", "s3:Getbject"));
  EXPECT_TRUE(action_glob_match("a*b*c", "aXXbYYbZc"));
  EXPECT_FALSE(action_glob_match("a*b*c", "aXXbYYbZ"));
  EXPECT_TRUE(action_glob_match("**a**", "xxa"));
  EXPECT_FALSE(action_glob_match("", "a"));
}

}  // namespace
}  // namespace iamd::policy
