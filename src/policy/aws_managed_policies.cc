#include "policy/aws_managed_policies.h"

#include <string>

namespace iamd::policy {
namespace {

// Documents as AWS publishes them, narrowed where noted to the services iamd serves.
constexpr AwsManagedPolicy kPolicies[] = {
    {"AdministratorAccess", "ANPAIWMBCKSKIEE64ZLYK", "/",
     "Provides full access to AWS services and resources.", "v1",
     R"({"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"*","Resource":"*"}]})"},
    {"PowerUserAccess", "ANPAJYRXTHIB4FOVS3ZXS", "/",
     "Provides full access to AWS services and resources, but does not allow management of Users "
     "and groups.",
     "v1",
     R"({"Version":"2012-10-17","Statement":[{"Effect":"Allow","NotAction":["iam:*","organizations:*","account:*"],"Resource":"*"},{"Effect":"Allow","Action":["account:GetAccountInformation","account:GetPrimaryEmail","account:ListRegions","iam:CreateServiceLinkedRole","iam:DeleteServiceLinkedRole","iam:ListRoles","organizations:DescribeOrganization"],"Resource":"*"}]})"},
    // AWS's ReadOnlyAccess lists read actions of every service; this is its part for the
    // services iamd serves.
    {"ReadOnlyAccess", "ANPAILL3HVNFSB6DCOWYQ", "/",
     "Provides read-only access to AWS services and resources.", "v1",
     R"({"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":["cloudtrail:Describe*","cloudtrail:Get*","cloudtrail:List*","cloudtrail:LookupEvents","ec2:Describe*","ec2:Get*","iam:Generate*","iam:Get*","iam:List*","iam:Simulate*","organizations:Describe*","organizations:List*","sts:GetAccessKeyInfo","sts:GetCallerIdentity","sts:GetSessionToken"],"Resource":"*"}]})"},
    {"IAMFullAccess", "ANPAI7XKCFMBPM3QQRRVQ", "/", "Provides full access to IAM via the AWS "
     "Management Console.", "v1",
     R"({"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":["iam:*","organizations:DescribeAccount","organizations:DescribeOrganization","organizations:DescribeOrganizationalUnit","organizations:DescribePolicy","organizations:ListChildren","organizations:ListParents","organizations:ListPoliciesForTarget","organizations:ListRoots","organizations:ListPolicies","organizations:ListTargetsForPolicy"],"Resource":"*"}]})"},
    {"IAMReadOnlyAccess", "ANPAJKSO7NDY4T57MWDSQ", "/",
     "Provides read only access to IAM via the AWS Management Console.", "v1",
     R"({"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":["iam:GenerateCredentialReport","iam:GenerateServiceLastAccessedDetails","iam:Get*","iam:List*","iam:SimulateCustomPolicy","iam:SimulatePrincipalPolicy"],"Resource":"*"}]})"},
    {"IAMUserChangePassword", "ANPAJ4L4MM2A7QIEB56MS", "/",
     "Provides the ability for an IAM user to change their own password.", "v1",
     R"({"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":["iam:ChangePassword"],"Resource":["arn:aws:iam::*:user/${aws:username}"]},{"Effect":"Allow","Action":["iam:GetAccountPasswordPolicy"],"Resource":"*"}]})"},
};

constexpr std::string_view kArnPrefix = "arn:aws:iam::aws:policy/";

}  // namespace

std::span<const AwsManagedPolicy> aws_managed_policies() { return kPolicies; }

const AwsManagedPolicy* find_aws_managed_policy(std::string_view arn) {
  if (!arn.starts_with(kArnPrefix)) return nullptr;
  std::string_view rest = arn.substr(kArnPrefix.size());
  for (const auto& p : kPolicies) {
    std::string full = std::string(p.path.substr(1)) + std::string(p.name);
    if (rest == full) return &p;
  }
  return nullptr;
}

}  // namespace iamd::policy
