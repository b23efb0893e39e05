"""The third-party (cross-account) role with an external ID, end to end (spec/sts-federation.md
§3.3, §3.5): the management account A makes a member account B with Organizations; through B's
OrganizationAccountAccessRole it creates a role ThirdParty that trusts A's account on the condition
sts:ExternalId; users of A assume it with boto3 and through AWS CLI / boto3 shared-config profiles
(role_arn + source_profile + external_id). Both sides must allow: B's trust policy (with the right
external ID) and the caller's identity policy in A. The session then holds B's role policy only."""

import json
import os
import shutil
import tempfile
import unittest
from unittest import mock

import boto3
import botocore.exceptions

import test_profiles
from harness import ACCOUNT_ID
from test_organizations import ADMIN
from test_sts import StsCase, allow, doc, role_arn, trust, user_arn

ClientError = botocore.exceptions.ClientError

# Every character the ExternalId pattern [\w+=,.@:\/-]* allows beyond the word characters.
EXTERNAL_ID = "Customer_42:a+b=c,d.e@f/g-h"
ROLE_NAME = "ThirdParty"
SESSION = "vendor-session"
# What the session in B may do: read roles and users, nothing else.
ROLE_POLICY = allow(["iam:ListRoles", "iam:GetRole", "iam:ListUsers", "iam:GetUser"])


def not_authorized(caller, resource, action="sts:AssumeRole"):
    return "User: %s is not authorized to perform: %s on resource: %s" % (caller, action, resource)


class CrossAccountTest(StsCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        org = cls.server.client("organizations")
        org.create_organization(FeatureSet="ALL")
        cls.b = org.create_account(AccountName="Customer", Email="customer@example.com")[
            "CreateAccountStatus"]["AccountId"]
        cls.role = role_arn(ROLE_NAME, cls.b)

        # An administrator of A sets up B through B's OrganizationAccountAccessRole (a root user
        # does not call AssumeRole).
        iam = cls.iam
        iam.create_user(UserName="ops")
        iam.attach_user_policy(UserName="ops", PolicyArn=ADMIN)
        ops = iam.create_access_key(UserName="ops")["AccessKey"]
        ops_sts = cls.server.client("sts", key_id=ops["AccessKeyId"],
                                    secret=ops["SecretAccessKey"])
        creds = ops_sts.assume_role(RoleArn=role_arn("OrganizationAccountAccessRole", cls.b),
                                    RoleSessionName="setup")["Credentials"]
        b_iam = cls.server.client("iam", key_id=creds["AccessKeyId"],
                                  secret=creds["SecretAccessKey"], token=creds["SessionToken"])
        b_iam.create_role(RoleName=ROLE_NAME, AssumeRolePolicyDocument=trust(
            {"AWS": "arn:aws:iam::%s:root" % ACCOUNT_ID},
            condition={"StringEquals": {"sts:ExternalId": EXTERNAL_ID}}))
        b_iam.put_role_policy(RoleName=ROLE_NAME, PolicyName="read", PolicyDocument=ROLE_POLICY)
        b_iam.create_user(UserName="b-resident")

        # In A: the vendor may assume B's role (and only it); the outsider has no such policy.
        iam.create_role(RoleName="a-only", AssumeRolePolicyDocument=trust({"AWS": ACCOUNT_ID}))
        iam.create_user(UserName="vendor")
        iam.put_user_policy(UserName="vendor", PolicyName="assume-third-party",
                            PolicyDocument=allow("sts:AssumeRole", cls.role))
        key = iam.create_access_key(UserName="vendor")["AccessKey"]
        cls.vendor = (key["AccessKeyId"], key["SecretAccessKey"])
        iam.create_user(UserName="outsider")
        iam.put_user_policy(UserName="outsider", PolicyName="read",
                            PolicyDocument=allow(["iam:ListRoles", "sts:GetCallerIdentity"]))
        key = iam.create_access_key(UserName="outsider")["AccessKey"]
        cls.outsider = (key["AccessKeyId"], key["SecretAccessKey"])
        # Allowed by its identity policy, but capped by a boundary without sts:AssumeRole.
        boundary = iam.create_policy(PolicyName="list-only",
                                     PolicyDocument=allow("iam:List*"))["Policy"]["Arn"]
        iam.create_user(UserName="bounded", PermissionsBoundary=boundary)
        iam.put_user_policy(UserName="bounded", PolicyName="assume-third-party",
                            PolicyDocument=allow("sts:AssumeRole", cls.role))
        key = iam.create_access_key(UserName="bounded")["AccessKey"]
        cls.bounded = (key["AccessKeyId"], key["SecretAccessKey"])
        cls.write_profiles()

    @classmethod
    def write_profiles(cls):
        cls.home = tempfile.mkdtemp(prefix="iamd-xacct-")
        cls.config = os.path.join(cls.home, "config")
        with open(cls.config, "w") as f:
            f.write("""\
[profile vendor]
region = us-east-1
aws_access_key_id = {key}
aws_secret_access_key = {secret}

[profile third-party]
region = us-east-1
role_arn = {role}
source_profile = vendor
role_session_name = {session}
external_id = {external_id}

[profile third-party-wrong]
region = us-east-1
role_arn = {role}
source_profile = vendor
external_id = {external_id}-x

[profile third-party-missing]
region = us-east-1
role_arn = {role}
source_profile = vendor
""".format(key=cls.vendor[0], secret=cls.vendor[1], role=cls.role, session=SESSION,
           external_id=EXTERNAL_ID))

    @classmethod
    def tearDownClass(cls):
        shutil.rmtree(getattr(cls, "home", ""), ignore_errors=True)
        super().tearDownClass()

    # The profile suite's helpers: env() points the CLI and botocore at cls.config and this
    # server; aws() runs the CLI with a profile.
    env = test_profiles.ProfilesTest.env
    aws = test_profiles.ProfilesTest.aws

    def session_of(self, creds=None, **kwargs):
        kwargs.setdefault("RoleSessionName", SESSION)
        return self.temp(self.assume(creds or self.vendor, self.role, **kwargs))

    def assertDenied(self, creds, message, **kwargs):
        with self.assertRaises(ClientError) as ctx:
            self.assume(creds, self.role, **kwargs)
        self.assertAwsError(ctx, "AccessDenied", 403, message)

    # --- boto3 ----------------------------------------------------------------------------------

    def test_right_external_id(self):
        out = self.assume(self.vendor, self.role, RoleSessionName=SESSION,
                          ExternalId=EXTERNAL_ID)
        session_arn = "arn:aws:sts::%s:assumed-role/%s/%s" % (self.b, ROLE_NAME, SESSION)
        self.assertEqual(out["AssumedRoleUser"]["Arn"], session_arn)
        who = self.sts_as(self.temp(out)).get_caller_identity()
        self.assertEqual(who["Account"], self.b)
        self.assertEqual(who["Arn"], session_arn)
        self.assertEqual(who["UserId"], out["AssumedRoleUser"]["AssumedRoleId"])
        self.assertRegex(who["UserId"], r"^AROA[A-Z2-7]{17}:%s$" % SESSION)
        role_id = self.iam_as(self.temp(out)).get_role(RoleName=ROLE_NAME)["Role"]["RoleId"]
        self.assertEqual(who["UserId"], "%s:%s" % (role_id, SESSION))

    def test_wrong_or_missing_external_id(self):
        message = not_authorized(user_arn("vendor"), self.role)
        for bad in ({"ExternalId": EXTERNAL_ID + "-x"}, {"ExternalId": EXTERNAL_ID.lower()}, {}):
            with self.subTest(**bad):
                self.assertDenied(self.vendor, message, **bad)

    def test_external_id_bounds(self):
        raw = self.sts_as(self.vendor, validate=False)

        def check(value, constraint):
            with self.assertRaises(ClientError) as ctx:
                raw.assume_role(RoleArn=self.role, RoleSessionName=SESSION, ExternalId=value)
            self.assertAwsError(ctx, "ValidationError", 400,
                                "1 validation error detected: Value '%s' at 'externalId' failed "
                                "to satisfy constraint: Member must %s" % (value, constraint))

        check("x", "have length greater than or equal to 2")
        check("a" * 1225, "have length less than or equal to 1224")
        for value in ("no spaces", "semi;colon", "star*", "caf\u00e9"):
            with self.subTest(value=value):
                check(value, "satisfy regular expression pattern: [\\w+=,.@:\\/-]*")
        # The bounds themselves are valid input: refused by the trust policy, not by validation.
        for value in ("ab", "a" * 1224):
            with self.subTest(length=len(value)):
                self.assertDenied(self.vendor, not_authorized(user_arn("vendor"), self.role),
                                  ExternalId=value)

    def test_both_sides_must_allow(self):
        # The trust policy trusts A and the external ID is right, but no identity policy in A lets
        # the outsider assume the role (a trust policy naming A's account delegates to A's
        # policies).
        self.assertDenied(self.outsider,
                          not_authorized(user_arn("outsider"), self.role)
                          + " because no identity-based policy allows the sts:AssumeRole action",
                          ExternalId=EXTERNAL_ID)
        # A's permissions boundaries apply on A's side.
        self.assertDenied(self.bounded,
                          not_authorized(user_arn("bounded"), self.role)
                          + " because no permissions boundary allows the sts:AssumeRole action",
                          ExternalId=EXTERNAL_ID)
        # The vendor's identity policy names ThirdParty only, not B's other roles that trust A.
        org_role = role_arn("OrganizationAccountAccessRole", self.b)
        with self.assertRaises(ClientError) as ctx:
            self.assume(self.vendor, org_role, ExternalId=EXTERNAL_ID)
        self.assertAwsError(ctx, "AccessDenied", 403,
                            not_authorized(user_arn("vendor"), org_role)
                            + " because no identity-based policy allows the sts:AssumeRole action")
        # A role name that does not exist in B answers like a refusal.
        missing = role_arn("NoSuchRole", self.b)
        with self.assertRaises(ClientError) as ctx:
            self.assume(self.vendor, missing, ExternalId=EXTERNAL_ID)
        self.assertAwsError(ctx, "AccessDenied", 403)

    def test_session_holds_the_role_policy_of_b(self):
        session = self.session_of(ExternalId=EXTERNAL_ID)
        b_iam = self.iam_as(session)
        roles = {r["RoleName"]: r["Arn"] for r in b_iam.list_roles()["Roles"]}
        self.assertEqual(roles[ROLE_NAME], self.role)
        self.assertIn("OrganizationAccountAccessRole", roles)
        self.assertNotIn("a-only", roles)
        self.assertTrue(all(":%s:" % self.b in arn for arn in roles.values()), roles)
        self.assertEqual(b_iam.get_role(RoleName=ROLE_NAME)["Role"]["Arn"], self.role)

        # B's users, none of A's.
        users = [u["UserName"] for u in b_iam.list_users()["Users"]]
        self.assertEqual(users, ["b-resident"])
        for name in ("vendor", "ops"):
            with self.assertRaises(ClientError) as ctx:
                b_iam.get_user(UserName=name)
            self.assertAwsError(ctx, "NoSuchEntity", 404,
                                "The user with name %s cannot be found." % name)

        # Nothing beyond the role policy, whatever the vendor may do in A.
        session_arn = "arn:aws:sts::%s:assumed-role/%s/%s" % (self.b, ROLE_NAME, SESSION)
        with self.assertRaises(ClientError) as ctx:
            b_iam.create_user(UserName="made-by-vendor")
        self.assertAwsError(ctx, "AccessDenied", 403,
                            not_authorized(session_arn, "arn:aws:iam::%s:user/made-by-vendor"
                                           % self.b, "iam:CreateUser")
                            + " because no identity-based policy allows the iam:CreateUser action")
        with self.assertRaises(ClientError) as ctx:
            b_iam.put_role_policy(RoleName=ROLE_NAME, PolicyName="escalate",
                                  PolicyDocument=doc([{"Effect": "Allow", "Action": "*",
                                                       "Resource": "*"}]))
        self.assertAwsError(ctx, "AccessDenied", 403)
        # The session cannot assume the role again: the trust policy trusts A, not B.
        with self.assertRaises(ClientError) as ctx:
            self.assume(session, self.role, ExternalId=EXTERNAL_ID)
        self.assertAwsError(ctx, "AccessDenied", 403)

    # --- shared-config profiles -----------------------------------------------------------------

    def test_cli_profile(self):
        proc = self.aws("third-party", "sts", "get-caller-identity")
        self.assertEqual(proc.returncode, 0, proc.stderr)
        who = json.loads(proc.stdout)
        self.assertEqual(who["Account"], self.b)
        self.assertEqual(who["Arn"],
                         "arn:aws:sts::%s:assumed-role/%s/%s" % (self.b, ROLE_NAME, SESSION))
        proc = self.aws("third-party", "iam", "list-users")
        self.assertEqual(proc.returncode, 0, proc.stderr)
        self.assertEqual([u["UserName"] for u in json.loads(proc.stdout)["Users"]], ["b-resident"])
        proc = self.aws("third-party", "iam", "create-user", "--user-name", "made-by-cli")
        self.assertNotEqual(proc.returncode, 0)
        self.assertIn("AccessDenied", proc.stderr)

        for profile in ("third-party-wrong", "third-party-missing"):
            with self.subTest(profile=profile):
                proc = self.aws(profile, "sts", "get-caller-identity")
                self.assertNotEqual(proc.returncode, 0)
                self.assertIn("AccessDenied", proc.stderr)
                self.assertIn(not_authorized(user_arn("vendor"), self.role), proc.stderr)

    def test_boto3_profile(self):
        # Credentials are resolved on the first call, when the assume-role client reads
        # AWS_ENDPOINT_URL: the environment stays patched for the whole test.
        with mock.patch.dict(os.environ, self.env(), clear=True):
            session = boto3.Session(profile_name="third-party")
            who = session.client("sts").get_caller_identity()
            self.assertEqual(who["Account"], self.b)
            self.assertEqual(who["Arn"],
                             "arn:aws:sts::%s:assumed-role/%s/%s" % (self.b, ROLE_NAME, SESSION))
            self.assertIn(ROLE_NAME,
                          [r["RoleName"] for r in session.client("iam").list_roles()["Roles"]])
            with self.assertRaises(ClientError) as ctx:
                boto3.Session(profile_name="third-party-wrong").client(
                    "sts").get_caller_identity()
            self.assertAwsError(ctx, "AccessDenied", 403,
                                not_authorized(user_arn("vendor"), self.role))


if __name__ == "__main__":
    unittest.main()
