"""STS through boto3, the AWS CLI and the raw wire: AssumeRole credentials that sign requests,
trust-policy forms, ExternalId, MFA, role chaining and its one-hour cap, session tags and
transitive tags, session policies, source identity, GetSessionToken, GetFederationToken,
GetAccessKeyInfo, tampered / foreign / revoked tokens, tokens across a restart, and bad input
answered as AWS answers it. Expiry is tested at the unit level (sts_test, ManualClock): the
shortest session lasts 900 s."""

import base64
import hashlib
import hmac
import json
import os
import struct
import subprocess
import time
import unittest
import urllib.request
import xml.etree.ElementTree as ET

import botocore.exceptions

import harness
from harness import ACCOUNT_ID, ROOT_KEY_ID, ROOT_SECRET, Iamd, ServerTestCase, signed_post

ClientError = botocore.exceptions.ClientError
STS_NS = {"sts": "https://sts.amazonaws.com/doc/2011-06-15/"}


def totp(key, when):
    mac = hmac.new(key, struct.pack(">Q", int(when) // 30), hashlib.sha1).digest()
    offset = mac[-1] & 0x0F
    return "%06d" % ((struct.unpack(">I", mac[offset:offset + 4])[0] & 0x7FFFFFFF) % 1000000)


def seed_key(seed):
    text = seed.decode("ascii")
    return base64.b32decode(text + "=" * (-len(text) % 8))


def doc(statements):
    return json.dumps({"Version": "2012-10-17", "Statement": statements})


def allow(action, resource="*", condition=None):
    st = {"Effect": "Allow", "Action": action, "Resource": resource}
    if condition:
        st["Condition"] = condition
    return doc([st])


def trust(principal, actions=("sts:AssumeRole",), condition=None):
    st = {"Effect": "Allow", "Principal": principal, "Action": list(actions)}
    if condition:
        st["Condition"] = condition
    return doc([st])


def role_arn(name, account=ACCOUNT_ID):
    return "arn:aws:iam::%s:role/%s" % (account, name)


def user_arn(name):
    return "arn:aws:iam::%s:user/%s" % (ACCOUNT_ID, name)


class StsCase(ServerTestCase):
    """Helpers shared by the STS suites."""

    def make_user(self, name, policy=None):
        self.iam.create_user(UserName=name)
        key = self.iam.create_access_key(UserName=name)["AccessKey"]
        if policy:
            self.iam.put_user_policy(UserName=name, PolicyName="p", PolicyDocument=policy)
        return key["AccessKeyId"], key["SecretAccessKey"]

    def make_role(self, name, trust_policy, policy=None, **kwargs):
        self.iam.create_role(RoleName=name, AssumeRolePolicyDocument=trust_policy, **kwargs)
        if policy:
            self.iam.put_role_policy(RoleName=name, PolicyName="p", PolicyDocument=policy)
        return role_arn(name)

    def sts_as(self, creds, validate=True):
        return self.server.client("sts", key_id=creds[0], secret=creds[1],
                                  token=creds[2] if len(creds) > 2 else None, validate=validate)

    def iam_as(self, creds):
        return self.server.client("iam", key_id=creds[0], secret=creds[1],
                                  token=creds[2] if len(creds) > 2 else None)

    @staticmethod
    def temp(response):
        c = response["Credentials"]
        return c["AccessKeyId"], c["SecretAccessKey"], c["SessionToken"]

    def assume(self, creds, arn, **kwargs):
        kwargs.setdefault("RoleSessionName", "s1")
        return self.sts_as(creds).assume_role(RoleArn=arn, **kwargs)

    def mfa_device(self, user):
        device = self.iam.create_virtual_mfa_device(
            VirtualMFADeviceName=user + "-mfa")["VirtualMFADevice"]
        serial, key = device["SerialNumber"], seed_key(device["Base32StringSeed"])
        now = time.time()
        self.iam.enable_mfa_device(UserName=user, SerialNumber=serial,
                                   AuthenticationCode1=totp(key, now - 60),
                                   AuthenticationCode2=totp(key, now - 30))
        return serial, key


class AssumeRoleTest(StsCase):
    def test_credentials_sign_requests(self):
        alice = self.make_user("alice")
        arn = self.make_role("alice-admin", trust({"AWS": user_arn("alice")}))
        self.iam.attach_role_policy(RoleName="alice-admin",
                                    PolicyArn="arn:aws:iam::aws:policy/AdministratorAccess")
        # Alice alone may do nothing.
        with self.assertRaises(ClientError) as ctx:
            self.iam_as(alice).list_users()
        self.assertAwsError(ctx, "AccessDenied", 403)
        out = self.assume(alice, arn, DurationSeconds=900)
        creds = out["Credentials"]
        self.assertRegex(creds["AccessKeyId"], r"^ASIA[A-Z2-7]{16}$")
        self.assertEqual(len(creds["SecretAccessKey"]), 40)
        self.assertGreater(len(creds["SessionToken"]), 100)
        remaining = creds["Expiration"].timestamp() - time.time()
        self.assertTrue(850 < remaining <= 901, remaining)
        user = out["AssumedRoleUser"]
        self.assertEqual(user["Arn"], "arn:aws:sts::%s:assumed-role/alice-admin/s1" % ACCOUNT_ID)
        self.assertRegex(user["AssumedRoleId"], r"^AROA[A-Z2-7]{17}:s1$")
        self.assertNotIn("PackedPolicySize", out)

        session = self.temp(out)
        who = self.sts_as(session).get_caller_identity()
        self.assertEqual(who["Arn"], user["Arn"])
        self.assertEqual(who["UserId"], user["AssumedRoleId"])
        self.assertEqual(who["Account"], ACCOUNT_ID)
        names = [u["UserName"] for u in self.iam_as(session).list_users()["Users"]]
        self.assertIn("alice", names)
        # IAM sees a role session: its user name must be given.
        with self.assertRaises(ClientError) as ctx:
            self.iam_as(session).list_access_keys()
        self.assertAwsError(ctx, "ValidationError", 400)

        # A presigned GetCallerIdentity (as EKS authenticators and Vault use it) with the token.
        url = self.sts_as(session).generate_presigned_url("get_caller_identity", ExpiresIn=60,
                                                          HttpMethod="GET")
        self.assertIn("X-Amz-Security-Token=", url)
        with urllib.request.urlopen(url) as resp:
            self.assertIn("<Arn>%s</Arn>" % user["Arn"], resp.read().decode())
        # A wrong secret with the right token: the signature check fails.
        with self.assertRaises(ClientError) as ctx:
            self.sts_as((session[0], "x" * 40, session[2])).get_caller_identity()
        self.assertAwsError(ctx, "SignatureDoesNotMatch", 403)
        # The key without its token is unknown.
        with self.assertRaises(ClientError) as ctx:
            self.sts_as(session[:2]).get_caller_identity()
        self.assertAwsError(ctx, "InvalidClientTokenId", 403)

    def test_wire_response(self):
        bob = self.make_user("wire-bob")
        arn = self.make_role("wire-role", trust({"AWS": user_arn("wire-bob")},
                                                ("sts:AssumeRole", "sts:TagSession")))
        body = ("Action=AssumeRole&Version=2011-06-15&RoleArn=%s&RoleSessionName=John"
                "&Tags.member.1.Key=Project&Tags.member.1.Value=Unicorn" % arn).encode()
        status, headers, data = signed_post(self.server, body, service="sts", key_id=bob[0],
                                            secret=bob[1])
        self.assertEqual(status, 200, data)
        self.assertEqual(headers["content-type"], "text/xml")
        root = ET.fromstring(data)
        self.assertEqual(root.tag, "{%s}AssumeRoleResponse" % STS_NS["sts"])
        result = root.find("sts:AssumeRoleResult", STS_NS)
        self.assertEqual([c.tag.split("}")[1] for c in result],
                         ["Credentials", "AssumedRoleUser", "PackedPolicySize"])
        creds = result.find("sts:Credentials", STS_NS)
        self.assertEqual([c.tag.split("}")[1] for c in creds],
                         ["AccessKeyId", "SecretAccessKey", "SessionToken", "Expiration"])
        self.assertRegex(creds.find("sts:Expiration", STS_NS).text,
                         r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$")
        self.assertRegex(result.find("sts:PackedPolicySize", STS_NS).text, r"^\d+$")
        self.assertIsNotNone(root.find("sts:ResponseMetadata/sts:RequestId", STS_NS))

    def test_trust_forms(self):
        nobody = self.make_user("tf-nobody")
        allowed = self.make_user("tf-allowed", allow("sts:AssumeRole"))
        by_account = self.make_role("tf-account", trust({"AWS": "arn:aws:iam::%s:root" % ACCOUNT_ID}))
        with self.assertRaises(ClientError) as ctx:
            self.assume(nobody, by_account)
        self.assertAwsError(ctx, "AccessDenied", 403,
                            "User: %s is not authorized to perform: sts:AssumeRole on resource: "
                            "%s because no identity-based policy allows the sts:AssumeRole action"
                            % (user_arn("tf-nobody"), by_account))
        self.assume(allowed, by_account)
        by_user = self.make_role("tf-user", trust({"AWS": user_arn("tf-nobody")}))
        self.assume(nobody, by_user)
        with self.assertRaises(ClientError) as ctx:
            self.assume(allowed, by_user)
        self.assertAwsError(ctx, "AccessDenied", 403,
                            "User: %s is not authorized to perform: sts:AssumeRole on resource: %s"
                            % (user_arn("tf-allowed"), by_user))
        with self.assertRaises(ClientError) as ctx:
            self.assume(allowed, role_arn("tf-missing"))
        self.assertAwsError(ctx, "AccessDenied", 403)
        with self.assertRaises(ClientError) as ctx:
            self.sts.assume_role(RoleArn=by_account, RoleSessionName="root")
        self.assertAwsError(ctx, "AccessDenied", 403, "Roles may not be assumed by root accounts.")

    def test_external_id(self):
        # The third party is account A itself here (a second account is Organizations' to make):
        # the same-account semantics of sts:ExternalId.
        vendor = self.make_user("vendor", allow("sts:AssumeRole"))
        arn = self.make_role("vendor-access", trust(
            {"AWS": ACCOUNT_ID}, condition={"StringEquals": {"sts:ExternalId": "customer-42"}}))
        for bad in ({}, {"ExternalId": "customer-41"}):
            with self.assertRaises(ClientError) as ctx:
                self.assume(vendor, arn, **bad)
            self.assertAwsError(ctx, "AccessDenied", 403)
        self.assume(vendor, arn, ExternalId="customer-42")

    def test_user_without_rights_assumes_admin_role_with_mfa(self):
        weak = self.make_user("weak", allow("sts:AssumeRole"))
        serial, key = self.mfa_device("weak")
        arn = self.make_role("mfa-admin", trust(
            {"AWS": ACCOUNT_ID}, condition={"Bool": {"aws:MultiFactorAuthPresent": "true"}}))
        self.iam.attach_role_policy(RoleName="mfa-admin",
                                    PolicyArn="arn:aws:iam::aws:policy/AdministratorAccess")
        with self.assertRaises(ClientError) as ctx:
            self.iam_as(weak).create_user(UserName="made-by-weak")
        self.assertAwsError(ctx, "AccessDenied", 403)
        with self.assertRaises(ClientError) as ctx:
            self.assume(weak, arn)
        self.assertAwsError(ctx, "AccessDenied", 403)
        with self.assertRaises(ClientError) as ctx:
            self.assume(weak, arn, SerialNumber=serial, TokenCode="000000")
        self.assertAwsError(ctx, "AccessDenied", 403,
                            "MultiFactorAuthentication failed, unable to validate MFA code.  "
                            "Please verify your MFA serial number is valid and associated with "
                            "this user.")
        out = self.assume(weak, arn, SerialNumber=serial, TokenCode=totp(key, time.time()))
        admin = self.iam_as(self.temp(out))
        admin.create_user(UserName="made-by-weak")
        self.iam.delete_user(UserName="made-by-weak")

    def test_role_chaining_and_its_cap(self):
        hop = self.make_user("hop")
        first = self.make_role("chain-1", trust({"AWS": user_arn("hop")}), MaxSessionDuration=43200)
        second = self.make_role("chain-2", trust({"AWS": first}), allow("iam:ListRoles"),
                                MaxSessionDuration=43200)
        s1 = self.temp(self.assume(hop, first, DurationSeconds=7200))
        with self.assertRaises(ClientError) as ctx:
            self.assume(s1, second, DurationSeconds=7200)
        self.assertAwsError(ctx, "ValidationError", 400,
                            "The requested DurationSeconds exceeds the 1 hour session limit for "
                            "roles assumed by role chaining.")
        out = self.assume(s1, second, DurationSeconds=3600)
        self.assertEqual(out["AssumedRoleUser"]["Arn"],
                         "arn:aws:sts::%s:assumed-role/chain-2/s1" % ACCOUNT_ID)
        self.iam_as(self.temp(out)).list_roles()
        with self.assertRaises(ClientError) as ctx:
            self.assume(hop, second)
        self.assertAwsError(ctx, "AccessDenied", 403)
        with self.assertRaises(ClientError) as ctx:
            self.assume(hop, first, DurationSeconds=43201)
        self.assertAwsError(ctx, "ValidationError", 400)
        short = self.make_role("chain-short", trust({"AWS": user_arn("hop")}))
        with self.assertRaises(ClientError) as ctx:
            self.assume(hop, short, DurationSeconds=7200)
        self.assertAwsError(ctx, "ValidationError", 400,
                            "The requested DurationSeconds exceeds the MaxSessionDuration set for "
                            "this role.")

    def test_session_and_transitive_tags_through_a_chain(self):
        tagger = self.make_user("tagger")
        tag_actions = ("sts:AssumeRole", "sts:TagSession")
        first = self.make_role("tag-1", trust({"AWS": user_arn("tagger")}, tag_actions))
        team_only = allow("iam:ListRoles", condition={
            "StringEquals": {"aws:PrincipalTag/team": "blue"}})
        second = self.make_role("tag-2", trust({"AWS": first}, tag_actions), team_only)
        third = self.make_role("tag-3", trust({"AWS": second}, tag_actions), team_only)
        no_tags = self.make_role("tag-none", trust({"AWS": user_arn("tagger")}))
        with self.assertRaises(ClientError) as ctx:
            self.assume(tagger, no_tags, Tags=[{"Key": "team", "Value": "blue"}])
        self.assertAwsError(ctx, "AccessDenied", 403,
                            "User: %s is not authorized to perform: sts:TagSession on resource: %s"
                            % (user_arn("tagger"), no_tags))
        out = self.assume(tagger, first, Tags=[{"Key": "team", "Value": "blue"},
                                               {"Key": "cost", "Value": "cc-1"}],
                          TransitiveTagKeys=["team"])
        self.assertIn("PackedPolicySize", out)
        s1 = self.temp(out)
        s2 = self.temp(self.assume(s1, second))
        self.iam_as(s2).list_roles()
        s3 = self.temp(self.assume(s2, third))
        self.iam_as(s3).list_roles()
        # Not transitive: not carried.
        red = self.temp(self.assume(tagger, first, Tags=[{"Key": "team", "Value": "blue"}]))
        with self.assertRaises(ClientError) as ctx:
            self.iam_as(self.temp(self.assume(red, second))).list_roles()
        self.assertAwsError(ctx, "AccessDenied", 403)
        # An inherited transitive key cannot be passed again.
        with self.assertRaises(ClientError) as ctx:
            self.assume(s1, second, Tags=[{"Key": "Team", "Value": "red"}])
        self.assertAwsError(ctx, "ValidationError", 400)

    def test_session_policy_narrows(self):
        narrow_user = self.make_user("narrow")
        arn = self.make_role("narrow-admin", trust({"AWS": user_arn("narrow")}), allow("*"))
        full = self.iam_as(self.temp(self.assume(narrow_user, arn)))
        full.list_roles()
        full.list_users()
        out = self.assume(narrow_user, arn, Policy=allow("iam:ListUsers"))
        self.assertGreaterEqual(out["PackedPolicySize"], 1)
        narrow = self.iam_as(self.temp(out))
        narrow.list_users()
        with self.assertRaises(ClientError) as ctx:
            narrow.list_roles()
        self.assertAwsError(ctx, "AccessDenied", 403)
        self.assertIn("because no session policy allows the iam:ListRoles action",
                      ctx.exception.response["Error"]["Message"])
        managed = self.iam_as(self.temp(self.assume(
            narrow_user, arn, PolicyArns=[{"arn": "arn:aws:iam::aws:policy/IAMReadOnlyAccess"}])))
        managed.list_roles()
        with self.assertRaises(ClientError) as ctx:
            managed.create_user(UserName="nope")
        self.assertAwsError(ctx, "AccessDenied", 403)
        with self.assertRaises(ClientError) as ctx:
            self.assume(narrow_user, arn, Policy="{not json")
        self.assertAwsError(ctx, "MalformedPolicyDocument", 400)

    def test_source_identity(self):
        src = self.make_user("src")
        arn = self.make_role("src-role", trust({"AWS": user_arn("src")},
                                               ("sts:AssumeRole", "sts:SetSourceIdentity")))
        out = self.assume(src, arn, SourceIdentity="src-laptop")
        self.assertEqual(out["SourceIdentity"], "src-laptop")
        plain = self.make_role("src-plain", trust({"AWS": user_arn("src")}))
        with self.assertRaises(ClientError) as ctx:
            self.assume(src, plain, SourceIdentity="src-laptop")
        self.assertAwsError(ctx, "AccessDenied", 403)

    def test_revoked_sessions(self):
        rev = self.make_user("rev")
        arn = self.make_role("rev-role", trust({"AWS": user_arn("rev")}), allow("iam:ListRoles"))
        old = self.iam_as(self.temp(self.assume(rev, arn)))
        old.list_roles()
        time.sleep(1.1)  # aws:TokenIssueTime has one-second precision
        cutoff = time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime())
        self.iam.put_role_policy(
            RoleName="rev-role", PolicyName="AWSRevokeOlderSessions",
            PolicyDocument=doc([{"Effect": "Deny", "Action": ["*"], "Resource": ["*"],
                                 "Condition": {"DateLessThan": {"aws:TokenIssueTime": cutoff}}}]))
        with self.assertRaises(ClientError) as ctx:
            old.list_roles()
        self.assertAwsError(ctx, "AccessDenied", 403)
        self.assertIn("with an explicit deny in an identity-based policy",
                      ctx.exception.response["Error"]["Message"])
        self.iam_as(self.temp(self.assume(rev, arn))).list_roles()

    def test_revoke_sessions_cli(self):
        cli = self.make_user("cli-rev")
        arn = self.make_role("cli-rev-role", trust({"AWS": user_arn("cli-rev")}),
                             allow("iam:ListRoles"))
        old = self.iam_as(self.temp(self.assume(cli, arn)))
        old.list_roles()
        env = {k: v for k, v in os.environ.items() if not k.startswith("AWS_")}
        env.update({"IAMD_ROOT_ACCESS_KEY_ID": ROOT_KEY_ID,
                    "IAMD_ROOT_SECRET_ACCESS_KEY": ROOT_SECRET})
        proc = subprocess.run([harness.IAMD_BIN, "role", "revoke-sessions", "cli-rev-role",
                               "--data-dir", self.server.data_dir, "--account", ACCOUNT_ID,
                               "--endpoint", self.server.endpoint],
                              env=env, capture_output=True, text=True, timeout=30)
        self.assertEqual(proc.returncode, 0, proc.stderr)
        self.assertIn("revoked the sessions of role cli-rev-role", proc.stdout)
        with self.assertRaises(ClientError) as ctx:
            old.list_roles()
        self.assertAwsError(ctx, "AccessDenied", 403)
        policy = self.iam.get_role_policy(RoleName="cli-rev-role",
                                          PolicyName="AWSRevokeOlderSessions")["PolicyDocument"]
        self.assertEqual(policy["Statement"][0]["Effect"], "Deny")
        time.sleep(1.1)
        self.iam_as(self.temp(self.assume(cli, arn))).list_roles()
        # Wrong account, unknown role: a clear failure.
        proc = subprocess.run([harness.IAMD_BIN, "role", "revoke-sessions", "cli-rev-role",
                               "--data-dir", self.server.data_dir, "--account", "999999999999",
                               "--endpoint", self.server.endpoint],
                              env=env, capture_output=True, text=True, timeout=30)
        self.assertEqual(proc.returncode, 1)
        self.assertIn("not 999999999999", proc.stderr)
        proc = subprocess.run([harness.IAMD_BIN, "role", "revoke-sessions", "no-such-role",
                               "--data-dir", self.server.data_dir,
                               "--endpoint", self.server.endpoint],
                              env=env, capture_output=True, text=True, timeout=30)
        self.assertEqual(proc.returncode, 1)
        self.assertIn("NoSuchEntity", proc.stderr)

    def test_tampered_tokens(self):
        tam = self.make_user("tam")
        arn = self.make_role("tam-role", trust({"AWS": user_arn("tam")}))
        key, secret, token = self.temp(self.assume(tam, arn))
        raw = bytearray(base64.b64decode(token))
        raw[len(raw) // 2] ^= 1
        for bad in (base64.b64encode(bytes(raw)).decode(), token[:-8], "garbage", "A" * 40):
            with self.assertRaises(ClientError) as ctx:
                self.sts_as((key, secret, bad)).get_caller_identity()
            self.assertAwsError(ctx, "InvalidClientTokenId", 403,
                                "The security token included in the request is invalid.")
        # Another session's key with this token.
        other_key = self.temp(self.assume(tam, arn))[0]
        with self.assertRaises(ClientError) as ctx:
            self.sts_as((other_key, secret, token)).get_caller_identity()
        self.assertAwsError(ctx, "InvalidClientTokenId", 403)
        # A long-term key with a session token.
        with self.assertRaises(ClientError) as ctx:
            self.sts_as((ROOT_KEY_ID, ROOT_SECRET, token)).get_caller_identity()
        self.assertAwsError(ctx, "InvalidClientTokenId", 403)

    def test_cli_assume_role(self):
        self.make_user("cli-user")
        arn = self.make_role("cli-role", trust({"AWS": user_arn("cli-user")}))
        key = self.iam.create_access_key(UserName="cli-user")["AccessKey"]
        _, out, _ = self.server.cli("sts", "assume-role", "--role-arn", arn,
                                    "--role-session-name", "from-cli",
                                    key_id=key["AccessKeyId"], secret=key["SecretAccessKey"])
        data = json.loads(out)
        self.assertEqual(data["AssumedRoleUser"]["Arn"],
                         "arn:aws:sts::%s:assumed-role/cli-role/from-cli" % ACCOUNT_ID)
        self.assertTrue(data["Credentials"]["AccessKeyId"].startswith("ASIA"))


class SessionTokenTest(StsCase):
    def test_get_session_token(self):
        gst = self.make_user("gst", allow("iam:ListUsers"))
        out = self.sts_as(gst).get_session_token(DurationSeconds=900)
        session = self.temp(out)
        who = self.sts_as(session).get_caller_identity()
        self.assertEqual(who["Arn"], user_arn("gst"))
        # Without MFA: no IAM API; only AssumeRole and GetCallerIdentity in STS.
        with self.assertRaises(ClientError) as ctx:
            self.iam_as(session).list_users()
        self.assertAwsError(ctx, "AccessDenied", 403)
        with self.assertRaises(ClientError) as ctx:
            self.sts_as(session).get_session_token()
        self.assertAwsError(ctx, "AccessDenied", 403,
                            "Cannot call GetSessionToken with session credentials")
        # With MFA: the IAM API under the user's own policies.
        serial, key = self.mfa_device("gst")
        with self.assertRaises(ClientError) as ctx:
            self.sts_as(gst).get_session_token(SerialNumber=serial, TokenCode="000000")
        self.assertAwsError(ctx, "AccessDenied", 403)
        mfa = self.temp(self.sts_as(gst).get_session_token(SerialNumber=serial,
                                                           TokenCode=totp(key, time.time())))
        self.iam_as(mfa).list_users()
        with self.assertRaises(ClientError) as ctx:
            self.iam_as(mfa).list_roles()
        self.assertAwsError(ctx, "AccessDenied", 403)
        # GetSessionToken credentials can assume roles.
        arn = self.make_role("gst-role", trust({"AWS": user_arn("gst")}))
        self.assume(session, arn)
        # Root: at most one hour.
        root = self.sts.get_session_token(DurationSeconds=129600)["Credentials"]
        self.assertLess(root["Expiration"].timestamp() - time.time(), 3601)

    def test_get_federation_token(self):
        fed_user = self.make_user("fed-user", allow("*"))
        out = self.sts_as(fed_user).get_federation_token(Name="visitor",
                                                         Policy=allow("iam:ListUsers"))
        self.assertEqual(out["FederatedUser"]["Arn"],
                         "arn:aws:sts::%s:federated-user/visitor" % ACCOUNT_ID)
        self.assertEqual(out["FederatedUser"]["FederatedUserId"], "%s:visitor" % ACCOUNT_ID)
        session = self.temp(out)
        who = self.sts_as(session).get_caller_identity()
        self.assertEqual(who["Arn"], out["FederatedUser"]["Arn"])
        self.assertEqual(who["UserId"], "%s:visitor" % ACCOUNT_ID)
        # Never the IAM API; no STS but GetCallerIdentity.
        with self.assertRaises(ClientError) as ctx:
            self.iam_as(session).list_users()
        self.assertAwsError(ctx, "AccessDenied", 403)
        with self.assertRaises(ClientError) as ctx:
            self.sts_as(session).get_access_key_info(AccessKeyId=session[0])
        self.assertAwsError(ctx, "AccessDenied", 403)
        with self.assertRaises(ClientError) as ctx:
            self.sts_as(session).get_federation_token(Name="again")
        self.assertAwsError(ctx, "AccessDenied", 403)
        nobody = self.make_user("fed-nobody")
        with self.assertRaises(ClientError) as ctx:
            self.sts_as(nobody).get_federation_token(Name="visitor")
        self.assertAwsError(ctx, "AccessDenied", 403)

    def test_get_access_key_info(self):
        info = self.make_user("info", allow("sts:GetAccessKeyInfo"))
        arn = self.make_role("info-role", trust({"AWS": user_arn("info")}))
        session = self.temp(self.assume(info, arn))
        self.assertEqual(self.sts_as(info).get_access_key_info(AccessKeyId=session[0])["Account"],
                         ACCOUNT_ID)
        self.assertEqual(self.sts_as(info).get_access_key_info(AccessKeyId=info[0])["Account"],
                         ACCOUNT_ID)
        self.assertEqual(self.sts.get_access_key_info(AccessKeyId=ROOT_KEY_ID)["Account"],
                         ACCOUNT_ID)
        _, out, _ = self.server.cli("sts", "get-access-key-info", "--access-key-id", session[0])
        self.assertEqual(json.loads(out)["Account"], ACCOUNT_ID)


class BadInputTest(StsCase):
    """Every parameter's bounds, answered with AWS's (Coral) validation messages."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.iam.create_user(UserName="bad")
        key = cls.iam.create_access_key(UserName="bad")["AccessKey"]
        cls.bad = (key["AccessKeyId"], key["SecretAccessKey"])
        cls.iam.create_role(RoleName="bad-role", AssumeRolePolicyDocument=trust(
            {"AWS": user_arn("bad")}, ("sts:AssumeRole", "sts:TagSession")))
        cls.raw_sts = cls.server.client("sts", key_id=key["AccessKeyId"],
                                        secret=key["SecretAccessKey"], validate=False)

    def check(self, message, **kwargs):
        kwargs.setdefault("RoleArn", role_arn("bad-role"))
        kwargs.setdefault("RoleSessionName", "ok")
        with self.assertRaises(ClientError) as ctx:
            self.raw_sts.assume_role(**kwargs)
        self.assertAwsError(ctx, "ValidationError", 400, message)

    def test_duration_bounds(self):
        self.check("1 validation error detected: Value '899' at 'durationSeconds' failed to "
                   "satisfy constraint: Member must have value greater than or equal to 900",
                   DurationSeconds=899)
        self.check("1 validation error detected: Value '43201' at 'durationSeconds' failed to "
                   "satisfy constraint: Member must have value less than or equal to 43200",
                   DurationSeconds=43201)

    def test_session_name_bounds(self):
        self.check("1 validation error detected: Value 'x' at 'roleSessionName' failed to satisfy "
                   "constraint: Member must have length greater than or equal to 2",
                   RoleSessionName="x")
        self.check("1 validation error detected: Value '%s' at 'roleSessionName' failed to "
                   "satisfy constraint: Member must have length less than or equal to 64"
                   % ("a" * 65), RoleSessionName="a" * 65)
        self.check("1 validation error detected: Value 'no spaces' at 'roleSessionName' failed "
                   "to satisfy constraint: Member must satisfy regular expression pattern: "
                   "[\\w+=,.@-]*", RoleSessionName="no spaces")
        self.raw_sts.assume_role(RoleArn=role_arn("bad-role"), RoleSessionName="a" * 64)

    def test_policy_and_tags_bounds(self):
        big = allow("s3:GetObject", ["arn:aws:s3:::bucket-%04d/*" % i for i in range(80)])
        self.assertGreater(len(big), 2048)
        with self.assertRaises(ClientError) as ctx:
            self.raw_sts.assume_role(RoleArn=role_arn("bad-role"), RoleSessionName="ok",
                                     Policy=big)
        self.assertAwsError(ctx, "ValidationError", 400)
        self.assertIn("at 'policy' failed to satisfy constraint: Member must have length less "
                      "than or equal to 2048", ctx.exception.response["Error"]["Message"])
        tags = [{"Key": "k%d" % i, "Value": "v"} for i in range(51)]
        self.check("1 validation error detected: Value at 'tags' failed to satisfy constraint: "
                   "Member must have length less than or equal to 50", Tags=tags)
        self.raw_sts.assume_role(RoleArn=role_arn("bad-role"), RoleSessionName="ok",
                                 Tags=tags[:50])
        huge = [{"Key": ("%02d" % i) + "k" * 126, "Value": hashlib.sha512(b"%d" % i).hexdigest()
                 + hashlib.sha512(b"x%d" % i).hexdigest()} for i in range(50)]
        with self.assertRaises(ClientError) as ctx:
            self.raw_sts.assume_role(RoleArn=role_arn("bad-role"), RoleSessionName="ok", Tags=huge)
        self.assertAwsError(ctx, "PackedPolicyTooLarge", 400)

    def test_other_bounds(self):
        self.check("1 validation error detected: Value 'x' at 'externalId' failed to satisfy "
                   "constraint: Member must have length greater than or equal to 2", ExternalId="x")
        self.check("1 validation error detected: Value '12345' at 'tokenCode' failed to satisfy "
                   "constraint: Member must have length greater than or equal to 6",
                   SerialNumber="arn:aws:iam::%s:mfa/x" % ACCOUNT_ID, TokenCode="12345")
        self.check("1 validation error detected: Value 'aws:x' at 'sourceIdentity' failed to "
                   "satisfy constraint: Member must satisfy regular expression pattern: "
                   "[\\w+=,.@-]*", SourceIdentity="aws:x")
        with self.assertRaises(ClientError) as ctx:
            self.raw_sts.assume_role(RoleSessionName="ok")
        self.assertAwsError(ctx, "ValidationError", 400,
                            "1 validation error detected: Value null at 'roleArn' failed to "
                            "satisfy constraint: Member must not be null")
        with self.assertRaises(ClientError) as ctx:
            self.raw_sts.get_session_token(DurationSeconds=129601)
        self.assertAwsError(ctx, "ValidationError", 400)
        with self.assertRaises(ClientError) as ctx:
            self.raw_sts.get_federation_token(Name="x")
        self.assertAwsError(ctx, "ValidationError", 400)


class TokenLifetimeTest(unittest.TestCase):
    """Tokens across a restart, and tokens from another installation."""

    def setUp(self):
        self.server = Iamd().start()
        self.other = None

    def tearDown(self):
        self.server.cleanup()
        if self.other:
            self.other.cleanup()

    @staticmethod
    def prepare(server):
        iam = server.client("iam")
        iam.create_user(UserName="life")
        key = iam.create_access_key(UserName="life")["AccessKey"]
        iam.create_role(RoleName="life-role",
                        AssumeRolePolicyDocument=trust({"AWS": user_arn("life")}))
        sts = server.client("sts", key_id=key["AccessKeyId"], secret=key["SecretAccessKey"])
        c = sts.assume_role(RoleArn=role_arn("life-role"), RoleSessionName="life")["Credentials"]
        return c["AccessKeyId"], c["SecretAccessKey"], c["SessionToken"]

    def test_tokens_survive_a_restart(self):
        key, secret, token = self.prepare(self.server)
        self.server.restart()
        sts = self.server.client("sts", key_id=key, secret=secret, token=token)
        self.assertEqual(sts.get_caller_identity()["Arn"],
                         "arn:aws:sts::%s:assumed-role/life-role/life" % ACCOUNT_ID)
        # RoleLastUsed is batched off the request path and flushed at the latest on shutdown.
        last = self.server.client("iam").get_role(RoleName="life-role")["Role"]["RoleLastUsed"]
        self.assertEqual(last["Region"], "us-east-1")
        self.assertLess(abs(last["LastUsedDate"].timestamp() - time.time()), 120)

    def test_foreign_tokens_are_refused(self):
        # Another installation with the same account and root key but its own master key.
        self.other = Iamd().start()
        key, secret, token = self.prepare(self.other)
        self.prepare(self.server)
        sts = self.server.client("sts", key_id=key, secret=secret, token=token)
        with self.assertRaises(ClientError) as ctx:
            sts.get_caller_identity()
        err = ctx.exception.response
        self.assertEqual(err["Error"]["Code"], "InvalidClientTokenId")
        self.assertEqual(err["Error"]["Message"],
                         "The security token included in the request is invalid.")


if __name__ == "__main__":
    unittest.main()
