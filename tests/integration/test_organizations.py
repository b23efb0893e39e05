"""AWS Organizations over the JSON 1.1 protocol: CreateOrganization, CreateAccount and its
OrganizationAccountAccessRole, OUs and MoveAccount, service control policies and their enforcement
in a member account, driven through boto3 against a real iamd.

Not registered in CMakeLists.txt yet: it needs the HTTP endpoint to route JSON 1.1 requests
(Content-Type application/x-amz-json-1.1, X-Amz-Target AWSOrganizationsV20161128.<Operation>) to
the "organizations" operations. Run it by hand with
  IAMD_BIN=build/iamd python3 -m unittest -v test_organizations
"""

import json
import unittest

import botocore.exceptions

from harness import ACCOUNT_ID, ROOT_KEY_ID, ROOT_SECRET, ServerTestCase, raw_request, sign_v4

ClientError = botocore.exceptions.ClientError

ADMIN = "arn:aws:iam::aws:policy/AdministratorAccess"
FULL_AWS_ACCESS = "p-FullAWSAccess"
SCP = "SERVICE_CONTROL_POLICY"
DENY_IAM = json.dumps({"Version": "2012-10-17",
                       "Statement": [{"Effect": "Deny", "Action": "iam:*", "Resource": "*"}]})
DENY_CREATE_USER = json.dumps({"Version": "2012-10-17",
                               "Statement": [{"Effect": "Deny", "Action": "iam:CreateUser",
                                              "Resource": "*"}]})


def json_post(server, target, body, key_id=ROOT_KEY_ID, secret=ROOT_SECRET):
    """A signed JSON 1.1 POST made by hand; returns (status, headers, parsed body or raw bytes)."""
    headers = {"content-type": "application/x-amz-json-1.1", "x-amz-target": target}
    headers = sign_v4("POST", "127.0.0.1:%d" % server.port, "/", "", headers, body, key_id, secret,
                      "organizations")
    status, response_headers, data = raw_request(server, "POST", body, headers)
    try:
        return status, response_headers, json.loads(data)
    except ValueError:
        return status, response_headers, data


class NoOrganizationTest(ServerTestCase):
    def test_not_in_use(self):
        org = self.server.client("organizations")
        for call in (org.describe_organization, org.list_roots, org.list_accounts):
            with self.assertRaises(ClientError) as ctx:
                call()
            self.assertAwsError(ctx, "AWSOrganizationsNotInUseException", 400,
                                "Your account is not a member of an organization.")


class OrganizationsTest(ServerTestCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.org = cls.server.client("organizations")
        cls.raw_org = cls.server.client("organizations", validate=False)
        cls.organization = cls.org.create_organization(FeatureSet="ALL")["Organization"]
        cls.root_id = cls.org.list_roots()["Roots"][0]["Id"]

    def create_account(self, name):
        status = self.org.create_account(AccountName=name, Email="%s@example.com" % name.lower())
        return status["CreateAccountStatus"]

    def test_organization(self):
        o = self.organization
        self.assertRegex(o["Id"], r"^o-[a-z0-9]{10}$")
        self.assertEqual(o["Arn"], "arn:aws:organizations::%s:organization/%s" % (ACCOUNT_ID, o["Id"]))
        self.assertEqual(o["FeatureSet"], "ALL")
        self.assertEqual(o["MasterAccountId"], ACCOUNT_ID)
        self.assertEqual(o["MasterAccountArn"],
                         "arn:aws:organizations::%s:account/%s/%s" % (ACCOUNT_ID, o["Id"], ACCOUNT_ID))
        self.assertEqual(self.org.describe_organization()["Organization"], o)
        with self.assertRaises(ClientError) as ctx:
            self.org.create_organization()
        self.assertAwsError(ctx, "AlreadyInOrganizationException", 400)

        roots = self.org.list_roots()["Roots"]
        self.assertEqual(len(roots), 1)
        self.assertRegex(roots[0]["Id"], r"^r-[0-9a-z]{4}$")
        self.assertEqual(roots[0]["Name"], "Root")
        self.assertEqual(roots[0]["Arn"], "arn:aws:organizations::%s:root/%s/%s"
                         % (ACCOUNT_ID, o["Id"], roots[0]["Id"]))

    def test_create_account(self):
        status = self.create_account("Dev")
        self.assertEqual(status["State"], "SUCCEEDED")
        self.assertRegex(status["Id"], r"^car-[a-z0-9]{32}$")
        self.assertRegex(status["AccountId"], r"^\d{12}$")
        # Timestamps arrive as epoch numbers and botocore turns them into datetimes.
        self.assertEqual(status["RequestedTimestamp"].year >= 2024, True)
        described = self.org.describe_create_account_status(CreateAccountRequestId=status["Id"])
        self.assertEqual(described["CreateAccountStatus"]["AccountId"], status["AccountId"])

        account = self.org.describe_account(AccountId=status["AccountId"])["Account"]
        self.assertEqual(account["Name"], "Dev")
        self.assertEqual(account["Email"], "dev@example.com")
        self.assertEqual(account["JoinedMethod"], "CREATED")
        self.assertEqual(account["Status"], "ACTIVE")

        ids = [a["Id"] for page in self.org.get_paginator("list_accounts").paginate(
            PaginationConfig={"PageSize": 1}) for a in page["Accounts"]]
        self.assertIn(ACCOUNT_ID, ids)
        self.assertIn(status["AccountId"], ids)
        self.assertEqual(len(ids), len(set(ids)))

        again = self.org.create_account(AccountName="Again", Email="DEV@example.com")
        self.assertEqual(again["CreateAccountStatus"]["State"], "FAILED")
        self.assertEqual(again["CreateAccountStatus"]["FailureReason"], "EMAIL_ALREADY_EXISTS")

        with self.assertRaises(ClientError) as ctx:
            self.org.describe_account(AccountId="999999999999")
        self.assertAwsError(ctx, "AccountNotFoundException", 400)

    def test_units_and_move(self):
        account = self.create_account("Mover")["AccountId"]
        prod = self.org.create_organizational_unit(ParentId=self.root_id, Name="Prod")
        ou = prod["OrganizationalUnit"]
        self.assertRegex(ou["Id"], r"^ou-%s-[a-z0-9]{8}$" % self.root_id[2:])
        with self.assertRaises(ClientError) as ctx:
            self.org.create_organizational_unit(ParentId=self.root_id, Name="Prod")
        self.assertAwsError(ctx, "DuplicateOrganizationalUnitException", 400)
        units = self.org.list_organizational_units_for_parent(ParentId=self.root_id)
        self.assertIn(ou["Id"], [u["Id"] for u in units["OrganizationalUnits"]])

        self.org.move_account(AccountId=account, SourceParentId=self.root_id,
                              DestinationParentId=ou["Id"])
        in_ou = self.org.list_accounts_for_parent(ParentId=ou["Id"])["Accounts"]
        self.assertEqual([a["Id"] for a in in_ou], [account])
        self.assertEqual(self.org.list_parents(ChildId=account)["Parents"],
                         [{"Id": ou["Id"], "Type": "ORGANIZATIONAL_UNIT"}])
        children = self.org.list_children(ParentId=ou["Id"], ChildType="ACCOUNT")["Children"]
        self.assertEqual(children, [{"Id": account, "Type": "ACCOUNT"}])
        with self.assertRaises(ClientError) as ctx:
            self.org.move_account(AccountId=account, SourceParentId=ou["Id"],
                                  DestinationParentId=ou["Id"])
        self.assertAwsError(ctx, "DuplicateAccountException", 400)
        with self.assertRaises(ClientError) as ctx:
            self.org.list_accounts_for_parent(ParentId="ou-%s-00000000" % self.root_id[2:])
        self.assertAwsError(ctx, "ParentNotFoundException", 400)

    def test_service_control_policies(self):
        account = self.create_account("Scp")["AccountId"]
        created = self.org.create_policy(Name="DenyIam", Description="no IAM", Type=SCP,
                                         Content=DENY_IAM)["Policy"]
        policy_id = created["PolicySummary"]["Id"]
        self.assertRegex(policy_id, r"^p-[0-9a-z]{8}$")
        self.assertFalse(created["PolicySummary"]["AwsManaged"])
        self.assertEqual(json.loads(created["Content"]), json.loads(DENY_IAM))
        with self.assertRaises(ClientError) as ctx:
            self.org.attach_policy(PolicyId=policy_id, TargetId=account)
        self.assertAwsError(ctx, "PolicyTypeNotEnabledException", 400)
        with self.assertRaises(ClientError) as ctx:
            self.org.create_policy(Name="Bad", Description="", Type=SCP, Content="{")
        self.assertAwsError(ctx, "MalformedPolicyDocumentException", 400)

        root = self.org.enable_policy_type(RootId=self.root_id, PolicyType=SCP)["Root"]
        self.assertEqual(root["PolicyTypes"], [{"Type": SCP, "Status": "ENABLED"}])
        attached = self.org.list_policies_for_target(TargetId=account, Filter=SCP)["Policies"]
        self.assertEqual([p["Id"] for p in attached], [FULL_AWS_ACCESS])
        self.assertEqual(attached[0]["Arn"],
                         "arn:aws:organizations::aws:policy/service_control_policy/p-FullAWSAccess")
        self.assertTrue(attached[0]["AwsManaged"])

        self.org.attach_policy(PolicyId=policy_id, TargetId=account)
        with self.assertRaises(ClientError) as ctx:
            self.org.attach_policy(PolicyId=policy_id, TargetId=account)
        self.assertAwsError(ctx, "DuplicatePolicyAttachmentException", 400)
        targets = self.org.list_targets_for_policy(PolicyId=policy_id)["Targets"]
        self.assertEqual([(t["TargetId"], t["Type"]) for t in targets], [(account, "ACCOUNT")])
        names = [p["Name"] for p in self.org.list_policies(Filter=SCP)["Policies"]]
        self.assertIn("FullAWSAccess", names)
        self.assertIn("DenyIam", names)

        with self.assertRaises(ClientError) as ctx:
            self.org.detach_policy(PolicyId=FULL_AWS_ACCESS, TargetId=self.root_id)
        self.assertAwsError(ctx, "ConstraintViolationException", 400)
        self.assertEqual(ctx.exception.response.get("Reason"),
                         "MIN_POLICY_TYPE_ATTACHMENT_LIMIT_EXCEEDED")
        with self.assertRaises(ClientError) as ctx:
            self.org.delete_policy(PolicyId=policy_id)
        self.assertAwsError(ctx, "PolicyInUseException", 400)
        self.org.detach_policy(PolicyId=policy_id, TargetId=account)
        self.org.delete_policy(PolicyId=policy_id)
        with self.assertRaises(ClientError) as ctx:
            self.org.describe_policy(PolicyId=policy_id)
        self.assertAwsError(ctx, "PolicyNotFoundException", 400)

    def test_invalid_input(self):
        with self.assertRaises(ClientError) as ctx:
            self.raw_org.describe_account(AccountId="12345")
        self.assertAwsError(ctx, "InvalidInputException", 400,
                            "You provided a value that does not match the required pattern.")
        self.assertEqual(ctx.exception.response.get("Reason"), "INVALID_PATTERN")
        with self.assertRaises(ClientError) as ctx:
            self.raw_org.list_accounts(MaxResults=50)
        self.assertAwsError(ctx, "InvalidInputException", 400)
        self.assertEqual(ctx.exception.response.get("Reason"), "MAX_VALUE_EXCEEDED")

    def test_json_protocol(self):
        status, headers, body = json_post(self.server, "AWSOrganizationsV20161128.DescribeOrganization",
                                          b"{}")
        self.assertEqual(status, 200, body)
        self.assertTrue(headers["content-type"].startswith("application/x-amz-json-1.1"))
        self.assertIn("x-amzn-requestid", headers)
        self.assertEqual(body["Organization"]["Id"], self.organization["Id"])

        status, _, body = json_post(self.server, "AWSOrganizationsV20161128.NoSuchThing", b"{}")
        self.assertEqual(status, 400)
        self.assertTrue(body["__type"].endswith("UnknownOperationException"), body)
        status, _, body = json_post(self.server, "AWSOrganizationsV20161128.ListAccounts", b"{nope")
        self.assertEqual(status, 400)
        self.assertTrue(body["__type"].endswith("SerializationException"), body)
        status, _, body = json_post(self.server, "AWSOrganizationsV20161128.ListAccounts",
                                    b'{"MaxResults": 1, "MaxResults": 2}')
        self.assertEqual(status, 400)
        self.assertTrue(body["__type"].endswith("SerializationException"), body)
        status, _, body = json_post(self.server, "AWSOrganizationsV20161128.ListRoots", b"{}",
                                    secret="wrong" + ROOT_SECRET)
        self.assertEqual(status, 400)
        self.assertTrue(body["__type"].endswith("InvalidSignatureException"), body)


class ScpEnforcementTest(ServerTestCase):
    """SCPs in a member account, seen through the member account's OrganizationAccountAccessRole
    (assumed by an administrator of the management account). The member account's root user has no
    credentials (AWS gives it none either); that SCPs cap it too is covered by the unit tests
    (src/organizations/scp_test.cc)."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.org = cls.server.client("organizations")
        cls.org.create_organization(FeatureSet="ALL")
        cls.root_id = cls.org.list_roots()["Roots"][0]["Id"]
        cls.org.enable_policy_type(RootId=cls.root_id, PolicyType=SCP)
        cls.member = cls.org.create_account(AccountName="Member", Email="member@example.com")[
            "CreateAccountStatus"]["AccountId"]
        # An administrator in the management account: root users do not call AssumeRole.
        cls.iam.create_user(UserName="ops")
        cls.iam.attach_user_policy(UserName="ops", PolicyArn=ADMIN)
        key = cls.iam.create_access_key(UserName="ops")["AccessKey"]
        cls.ops_sts = cls.server.client("sts", key_id=key["AccessKeyId"],
                                        secret=key["SecretAccessKey"])

    def member_iam(self):
        role_arn = "arn:aws:iam::%s:role/OrganizationAccountAccessRole" % self.member
        try:
            creds = self.ops_sts.assume_role(RoleArn=role_arn, RoleSessionName="ops")["Credentials"]
        except ClientError as e:
            if e.response["Error"]["Code"] in ("InvalidAction", "UnknownOperationException"):
                self.skipTest("sts:AssumeRole is not served yet")
            raise
        return self.server.client("iam", key_id=creds["AccessKeyId"],
                                  secret=creds["SecretAccessKey"], token=creds["SessionToken"])

    def test_scp_caps_the_member_account(self):
        iam = self.member_iam()
        roles = [r["RoleName"] for r in iam.list_roles()["Roles"]]
        self.assertIn("OrganizationAccountAccessRole", roles)
        iam.create_user(UserName="before-scp")

        deny = self.org.create_policy(Name="DenyCreateUser", Description="", Type=SCP,
                                      Content=DENY_CREATE_USER)["Policy"]["PolicySummary"]["Id"]
        self.org.attach_policy(PolicyId=deny, TargetId=self.member)
        with self.assertRaises(ClientError) as ctx:
            iam.create_user(UserName="after-scp")
        self.assertAwsError(ctx, "AccessDenied", 403)
        self.assertRegex(ctx.exception.response["Error"]["Message"],
                         r"explicit deny in a service control policy")
        iam.list_roles()  # FullAWSAccess still allows the rest

        # The management account is not restricted, even with the SCP on the root.
        self.org.attach_policy(PolicyId=deny, TargetId=self.root_id)
        self.iam.create_user(UserName="management-user")

        # Without FullAWSAccess on the account, only what its SCPs allow remains: nothing.
        self.org.detach_policy(PolicyId=FULL_AWS_ACCESS, TargetId=self.member)
        with self.assertRaises(ClientError) as ctx:
            iam.list_roles()
        self.assertAwsError(ctx, "AccessDenied", 403)
        self.assertIn("service control policy", ctx.exception.response["Error"]["Message"])

        # Moving the account under an OU: the OU's SCPs apply as well.
        self.org.attach_policy(PolicyId=FULL_AWS_ACCESS, TargetId=self.member)
        self.org.detach_policy(PolicyId=deny, TargetId=self.member)
        self.org.detach_policy(PolicyId=deny, TargetId=self.root_id)
        iam.create_user(UserName="allowed-again")
        ou = self.org.create_organizational_unit(ParentId=self.root_id, Name="Locked")[
            "OrganizationalUnit"]["Id"]
        self.org.attach_policy(PolicyId=deny, TargetId=ou)
        self.org.move_account(AccountId=self.member, SourceParentId=self.root_id,
                              DestinationParentId=ou)
        with self.assertRaises(ClientError) as ctx:
            iam.create_user(UserName="under-ou")
        self.assertAwsError(ctx, "AccessDenied", 403)


if __name__ == "__main__":
    unittest.main()
