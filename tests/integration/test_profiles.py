"""Shared-config profiles that make the AWS CLI and boto3 assume roles themselves
(spec/sts-federation.md §8): role_arn + source_profile, external_id, mfa_serial (the CLI prompts
"Enter MFA code for ...:" and reads the code on stdin when it has no terminal; boto3 gets a
prompter), role_session_name, and chained profiles with the one-hour cap."""

import json
import os
import shutil
import subprocess
import tempfile
import time
import unittest
from unittest import mock

import boto3
import botocore.exceptions
import botocore.session

from harness import ACCOUNT_ID, ServerTestCase
from test_sts import allow, role_arn, seed_key, totp, trust, user_arn

ClientError = botocore.exceptions.ClientError


class ProfilesTest(ServerTestCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        iam = cls.iam
        iam.create_user(UserName="prof")
        key = iam.create_access_key(UserName="prof")["AccessKey"]
        iam.put_user_policy(UserName="prof", PolicyName="p",
                            PolicyDocument=allow("sts:AssumeRole"))
        device = iam.create_virtual_mfa_device(VirtualMFADeviceName="prof-mfa")["VirtualMFADevice"]
        cls.serial, cls.mfa_key = device["SerialNumber"], seed_key(device["Base32StringSeed"])
        now = time.time()
        iam.enable_mfa_device(UserName="prof", SerialNumber=cls.serial,
                              AuthenticationCode1=totp(cls.mfa_key, now - 60),
                              AuthenticationCode2=totp(cls.mfa_key, now - 30))
        cls.last_code = None

        list_roles = allow("iam:ListRoles")
        iam.create_role(RoleName="prof-role", AssumeRolePolicyDocument=trust({"AWS": user_arn("prof")}))
        iam.put_role_policy(RoleName="prof-role", PolicyName="p", PolicyDocument=list_roles)
        iam.create_role(RoleName="prof-ext", AssumeRolePolicyDocument=trust(
            {"AWS": ACCOUNT_ID}, condition={"StringEquals": {"sts:ExternalId": "customer-7"}}))
        iam.create_role(RoleName="prof-mfa", AssumeRolePolicyDocument=trust(
            {"AWS": ACCOUNT_ID}, condition={"Bool": {"aws:MultiFactorAuthPresent": "true"}}))
        iam.put_role_policy(RoleName="prof-mfa", PolicyName="p", PolicyDocument=list_roles)
        iam.create_role(RoleName="prof-chain-1", MaxSessionDuration=43200,
                        AssumeRolePolicyDocument=trust({"AWS": user_arn("prof")}))
        iam.create_role(RoleName="prof-chain-2", MaxSessionDuration=43200,
                        AssumeRolePolicyDocument=trust({"AWS": role_arn("prof-chain-1")}))
        iam.put_role_policy(RoleName="prof-chain-2", PolicyName="p", PolicyDocument=list_roles)

        cls.home = tempfile.mkdtemp(prefix="iamd-profiles-")
        cls.config = os.path.join(cls.home, "config")
        with open(cls.config, "w") as f:
            f.write("""\
[profile base]
region = us-east-1
aws_access_key_id = {key}
aws_secret_access_key = {secret}

[profile role]
region = us-east-1
role_arn = {role}
source_profile = base
role_session_name = from-profile

[profile ext]
region = us-east-1
role_arn = {ext}
source_profile = base
external_id = customer-7

[profile ext-missing]
region = us-east-1
role_arn = {ext}
source_profile = base

[profile mfa]
region = us-east-1
role_arn = {mfa}
source_profile = base
mfa_serial = {serial}

[profile chain1]
region = us-east-1
role_arn = {chain1}
source_profile = base
duration_seconds = 7200

[profile chain]
region = us-east-1
role_arn = {chain2}
source_profile = chain1
role_session_name = chained

[profile chain-long]
region = us-east-1
role_arn = {chain2}
source_profile = chain1
duration_seconds = 7200
""".format(key=key["AccessKeyId"], secret=key["SecretAccessKey"], role=role_arn("prof-role"),
           ext=role_arn("prof-ext"), mfa=role_arn("prof-mfa"), serial=cls.serial,
           chain1=role_arn("prof-chain-1"), chain2=role_arn("prof-chain-2")))

    @classmethod
    def tearDownClass(cls):
        shutil.rmtree(cls.home, ignore_errors=True)
        super().tearDownClass()

    def env(self):
        env = {k: v for k, v in os.environ.items() if not k.startswith("AWS_")}
        env.update({"HOME": self.home, "AWS_CONFIG_FILE": self.config,
                    "AWS_SHARED_CREDENTIALS_FILE": os.path.join(self.home, "credentials"),
                    "AWS_ENDPOINT_URL": self.server.endpoint, "AWS_PAGER": ""})
        return env

    def aws(self, profile, *args, stdin=None):
        # A new session has no controlling terminal, so the CLI's getpass prompt falls back to
        # stderr and reads the code from stdin.
        return subprocess.run(["aws", "--profile", profile, "--output", "json"] + list(args),
                              env=self.env(), input=stdin, capture_output=True, text=True,
                              timeout=60, start_new_session=True)

    def fresh_code(self):
        # A code is accepted once per device: wait for a new time step if this one is spent.
        while True:
            now = time.time()
            code = totp(self.mfa_key, now)
            if code != type(self).last_code:
                type(self).last_code = code
                return code
            time.sleep(30 - now % 30 + 0.1)

    def boto_session(self, profile):
        # Credentials are resolved lazily (on the first call), and the STS client that assumes
        # the role reads AWS_ENDPOINT_URL then: the environment stays patched for the whole test
        # (setUp).
        return botocore.session.Session(profile=profile)

    def client(self, session, service):
        return boto3.Session(botocore_session=session).client(service)

    def setUp(self):
        if self._testMethodName.startswith("test_boto3"):
            patcher = mock.patch.dict(os.environ, self.env(), clear=True)
            patcher.start()
            self.addCleanup(patcher.stop)

    # --- the AWS CLI --------------------------------------------------------------------------

    def test_cli_role_profile(self):
        proc = self.aws("role", "sts", "get-caller-identity")
        self.assertEqual(proc.returncode, 0, proc.stderr)
        who = json.loads(proc.stdout)
        self.assertEqual(who["Arn"], "arn:aws:sts::%s:assumed-role/prof-role/from-profile" % ACCOUNT_ID)
        proc = self.aws("role", "iam", "list-roles")
        self.assertEqual(proc.returncode, 0, proc.stderr)
        proc = self.aws("role", "iam", "list-users")
        self.assertNotEqual(proc.returncode, 0)
        self.assertIn("AccessDenied", proc.stderr)

    def test_cli_external_id(self):
        proc = self.aws("ext", "sts", "get-caller-identity")
        self.assertEqual(proc.returncode, 0, proc.stderr)
        self.assertIn("assumed-role/prof-ext/", json.loads(proc.stdout)["Arn"])
        proc = self.aws("ext-missing", "sts", "get-caller-identity")
        self.assertNotEqual(proc.returncode, 0)
        self.assertIn("AccessDenied", proc.stderr)

    def test_cli_mfa_prompt(self):
        proc = self.aws("mfa", "sts", "get-caller-identity", stdin=self.fresh_code() + "\n")
        self.assertEqual(proc.returncode, 0, proc.stderr)
        self.assertIn("Enter MFA code for %s: " % self.serial, proc.stderr)
        self.assertIn("assumed-role/prof-mfa/", json.loads(proc.stdout)["Arn"])
        # The CLI caches the assumed credentials (~/.aws/cli/cache): no second prompt.
        proc = self.aws("mfa", "iam", "list-roles", stdin="")
        self.assertEqual(proc.returncode, 0, proc.stderr)
        self.assertNotIn("Enter MFA code", proc.stderr)

    def test_cli_chained_profiles(self):
        proc = self.aws("chain", "sts", "get-caller-identity")
        self.assertEqual(proc.returncode, 0, proc.stderr)
        self.assertEqual(json.loads(proc.stdout)["Arn"],
                         "arn:aws:sts::%s:assumed-role/prof-chain-2/chained" % ACCOUNT_ID)
        proc = self.aws("chain-long", "sts", "get-caller-identity")
        self.assertNotEqual(proc.returncode, 0)
        self.assertIn("ValidationError", proc.stderr)
        self.assertIn("1 hour session limit for roles assumed by role chaining", proc.stderr)

    # --- boto3 --------------------------------------------------------------------------------

    def test_boto3_role_profile(self):
        sts = self.client(self.boto_session("role"), "sts")
        who = sts.get_caller_identity()
        self.assertEqual(who["Arn"], "arn:aws:sts::%s:assumed-role/prof-role/from-profile" % ACCOUNT_ID)
        self.client(self.boto_session("role"), "iam").list_roles()

    def test_boto3_external_id_and_chain(self):
        self.assertIn("assumed-role/prof-ext/",
                      self.client(self.boto_session("ext"), "sts").get_caller_identity()["Arn"])
        with self.assertRaises(ClientError) as ctx:
            self.client(self.boto_session("ext-missing"), "sts").get_caller_identity()
        self.assertEqual(ctx.exception.response["Error"]["Code"], "AccessDenied")
        self.assertIn("assumed-role/prof-chain-2/chained",
                      self.client(self.boto_session("chain"), "sts").get_caller_identity()["Arn"])
        with self.assertRaises(ClientError) as ctx:
            self.client(self.boto_session("chain-long"), "sts").get_caller_identity()
        self.assertEqual(ctx.exception.response["Error"]["Code"], "ValidationError")

    def test_boto3_mfa_prompter(self):
        session = self.boto_session("mfa")
        prompts = []
        code = self.fresh_code()

        def prompter(prompt):
            prompts.append(prompt)
            return code

        provider = session.get_component("credential_provider").get_provider("assume-role")
        provider._prompter = prompter
        who = self.client(session, "sts").get_caller_identity()
        self.assertIn("assumed-role/prof-mfa/", who["Arn"])
        self.assertEqual(prompts, ["Enter MFA code for %s: " % self.serial])


if __name__ == "__main__":
    unittest.main()
