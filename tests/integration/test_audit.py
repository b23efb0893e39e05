"""The audit trail through real clients: CloudTrail records for every call, found with
`aws cloudtrail lookup-events` and boto3; the identity of root, IAM users and role sessions (with
the MFA flag); the cross-account AssumeRole pair sharing its sharedEventID; failed calls with
their error codes; no secret anywhere in the trail; no event lost when SIGTERM lands in a burst
of requests; RoleLastUsed and GetAccessKeyLastUsed fed from the trail; `iamd audit tail`."""

import datetime
import glob
import gzip
import json
import os
import signal
import subprocess
import threading
import time
import unittest

import botocore.exceptions

from harness import ACCOUNT_ID, IAMD_BIN, ROOT_SECRET, Iamd, ServerTestCase
from test_mfa import seed_key, totp

ClientError = botocore.exceptions.ClientError

TRUST_ACCOUNT = json.dumps({"Version": "2012-10-17", "Statement": [{
    "Effect": "Allow", "Principal": {"AWS": "arn:aws:iam::%s:root" % ACCOUNT_ID},
    "Action": ["sts:AssumeRole", "sts:SetSourceIdentity"]}]})
ALLOW_ALL = json.dumps({"Version": "2012-10-17", "Statement": [{
    "Effect": "Allow", "Action": "*", "Resource": "*"}]})
ALLOW_ASSUME = json.dumps({"Version": "2012-10-17", "Statement": [{
    "Effect": "Allow", "Action": ["sts:AssumeRole", "sts:SetSourceIdentity", "cloudtrail:LookupEvents"],
    "Resource": "*"}]})


def audit_lines(data_dir):
    """Every record line of the JSON-lines files, compressed or not."""
    lines = []
    for path in glob.glob(os.path.join(data_dir, "audit", "**", "*.jsonl*"), recursive=True):
        opener = gzip.open if path.endswith(".gz") else open
        with opener(path, "rt", encoding="utf-8") as f:
            lines.extend(line for line in f.read().splitlines() if line)
    return lines


class AuditTrailTest(ServerTestCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.secrets = [ROOT_SECRET]
        cls.ct = cls.server.client("cloudtrail")
        iam = cls.iam
        iam.create_user(UserName="alice")
        iam.put_user_policy(UserName="alice", PolicyName="assume", PolicyDocument=ALLOW_ASSUME)
        key = iam.create_access_key(UserName="alice")["AccessKey"]
        cls.alice_key = key["AccessKeyId"]
        cls.secrets.append(key["SecretAccessKey"])
        password = "Correct-Horse-Battery-9"
        iam.create_login_profile(UserName="alice", Password=password)
        cls.secrets.append(password)
        device = iam.create_virtual_mfa_device(VirtualMFADeviceName="alice")["VirtualMFADevice"]
        cls.serial = device["SerialNumber"]
        cls.mfa_key = seed_key(device["Base32StringSeed"])
        cls.secrets.append(device["Base32StringSeed"].decode("ascii"))
        now = time.time()
        codes = (totp(cls.mfa_key, now - 30), totp(cls.mfa_key, now))
        iam.enable_mfa_device(UserName="alice", SerialNumber=cls.serial,
                              AuthenticationCode1=codes[0], AuthenticationCode2=codes[1])
        cls.mfa_codes = list(codes)
        role = iam.create_role(RoleName="auditor", AssumeRolePolicyDocument=TRUST_ACCOUNT)["Role"]
        cls.role_arn = role["Arn"]
        iam.put_role_policy(RoleName="auditor", PolicyName="all", PolicyDocument=ALLOW_ALL)

        cls.alice_sts = cls.server.client("sts", cls.alice_key, key["SecretAccessKey"])
        code = totp(cls.mfa_key, time.time() + 30)  # the enable codes are spent
        cls.mfa_codes.append(code)
        creds = cls.alice_sts.assume_role(RoleArn=cls.role_arn, RoleSessionName="alice-mfa",
                                          SerialNumber=cls.serial, TokenCode=code,
                                          SourceIdentity="alice")["Credentials"]
        cls.secrets += [creds["SecretAccessKey"], creds["SessionToken"]]
        cls.session = creds
        cls.session_iam = cls.server.client("iam", creds["AccessKeyId"], creds["SecretAccessKey"],
                                            creds["SessionToken"])
        cls.session_iam.list_roles()
        cls.session_ct = cls.server.client("cloudtrail", creds["AccessKeyId"],
                                           creds["SecretAccessKey"], creds["SessionToken"])

    def lookup(self, key, value, client=None):
        client = client or self.ct
        pages = client.get_paginator("lookup_events").paginate(
            LookupAttributes=[{"AttributeKey": key, "AttributeValue": value}])
        return [e for page in pages for e in page["Events"]]

    def records(self, key, value, client=None):
        return [json.loads(e["CloudTrailEvent"]) for e in self.lookup(key, value, client)]

    def test_cli_lookup_shows_assume_role_with_user_identity_and_mfa(self):
        _, out, _ = self.server.cli("cloudtrail", "lookup-events", "--lookup-attributes",
                                    "AttributeKey=EventName,AttributeValue=AssumeRole")
        events = json.loads(out)["Events"]
        self.assertTrue(events)
        mine = [json.loads(e["CloudTrailEvent"]) for e in events
                if e.get("Username") == "alice"]
        self.assertTrue(mine, events)
        rec = mine[0]
        self.assertEqual(rec["eventSource"], "sts.amazonaws.com")
        self.assertEqual(rec["eventVersion"], "1.08")
        self.assertEqual(rec["userIdentity"]["type"], "IAMUser")
        self.assertEqual(rec["userIdentity"]["userName"], "alice")
        self.assertEqual(rec["userIdentity"]["accessKeyId"], self.alice_key)
        self.assertEqual(rec["requestParameters"]["roleArn"], self.role_arn)
        self.assertEqual(rec["requestParameters"]["serialNumber"], self.serial)
        self.assertEqual(rec["requestParameters"]["sourceIdentity"], "alice")
        self.assertNotIn("tokenCode", rec["requestParameters"])
        creds = rec["responseElements"]["credentials"]
        self.assertEqual(creds["accessKeyId"], self.session["AccessKeyId"])
        self.assertNotIn("secretAccessKey", creds)
        self.assertNotIn("sessionToken", creds)
        self.assertEqual(rec["resources"], [{"ARN": self.role_arn, "accountId": ACCOUNT_ID,
                                             "type": "AWS::IAM::Role"}])
        self.assertEqual(rec["recipientAccountId"], ACCOUNT_ID)
        self.assertFalse(rec["readOnly"])
        self.assertEqual(rec["eventType"], "AwsApiCall")
        self.assertNotIn("sharedEventID", rec)
        event = [e for e in events if e.get("Username") == "alice"][0]
        self.assertEqual(event["ReadOnly"], "false")
        self.assertEqual(event["AccessKeyId"], self.alice_key)
        self.assertIn({"ResourceType": "AWS::IAM::Role", "ResourceName": self.role_arn},
                      event["Resources"])

    def test_role_session_identity_carries_session_context(self):
        records = self.records("AccessKeyId", self.session["AccessKeyId"])
        names = [r["eventName"] for r in records]
        self.assertIn("ListRoles", names)
        rec = records[names.index("ListRoles")]
        ident = rec["userIdentity"]
        self.assertEqual(ident["type"], "AssumedRole")
        self.assertEqual(ident["arn"],
                         "arn:aws:sts::%s:assumed-role/auditor/alice-mfa" % ACCOUNT_ID)
        self.assertTrue(ident["principalId"].startswith("AROA"))
        self.assertTrue(ident["principalId"].endswith(":alice-mfa"))
        ctx = ident["sessionContext"]
        self.assertEqual(ctx["attributes"]["mfaAuthenticated"], "true")
        self.assertRegex(ctx["attributes"]["creationDate"], r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$")
        self.assertEqual(ctx["sessionIssuer"]["type"], "Role")
        self.assertEqual(ctx["sessionIssuer"]["arn"], self.role_arn)
        self.assertEqual(ctx["sessionIssuer"]["userName"], "auditor")
        self.assertEqual(ctx["sourceIdentity"], "alice")
        self.assertTrue(rec["readOnly"])
        self.assertIsNone(rec["responseElements"])

    def test_root_identity_and_failed_call_with_error_code(self):
        with self.assertRaises(ClientError):
            self.sts.assume_role(RoleArn=self.role_arn, RoleSessionName="root-try")
        records = [r for r in self.records("EventName", "AssumeRole")
                   if r["userIdentity"]["type"] == "Root"]
        self.assertTrue(records)
        rec = records[0]
        self.assertEqual(rec["userIdentity"]["arn"], "arn:aws:iam::%s:root" % ACCOUNT_ID)
        self.assertEqual(rec["userIdentity"]["principalId"], ACCOUNT_ID)
        self.assertEqual(rec["errorCode"], "AccessDenied")
        self.assertIn("Roles may not be assumed by root accounts", rec["errorMessage"])
        self.assertIsNone(rec["responseElements"])

    def test_validation_errors_and_bad_signatures_are_recorded(self):
        raw = self.server.client("iam", validate=False)
        with self.assertRaises(ClientError):
            raw.get_user(UserName="x" * 200)
        recs = [r for r in self.records("EventName", "GetUser")
                if r.get("errorCode") == "ValidationError"]
        self.assertTrue(recs)
        bad = self.server.client("iam", self.alice_key, "wrong-secret")
        with self.assertRaises(ClientError):
            bad.list_users()
        recs = [r for r in self.records("EventName", "ListUsers")
                if r.get("errorCode") == "SignatureDoesNotMatch"]
        self.assertTrue(recs)
        self.assertEqual(recs[0]["userIdentity"]["type"], "Unknown")
        self.assertEqual(recs[0]["userIdentity"]["accessKeyId"], self.alice_key)
        self.assertNotIn("wrong-secret", json.dumps(recs[0]))

    def test_lookup_attributes(self):
        self.iam.create_group(GroupName="auditors")
        events = self.lookup("ResourceName", "auditors")
        self.assertEqual([e["EventName"] for e in events], ["CreateGroup"])
        self.assertIn({"ResourceType": "AWS::IAM::Group", "ResourceName": "auditors"},
                      events[0]["Resources"])
        by_id = self.lookup("EventId", events[0]["EventId"])
        self.assertEqual([e["EventId"] for e in by_id], [events[0]["EventId"]])
        self.assertTrue(all(e["EventSource"] == "sts.amazonaws.com"
                            for e in self.lookup("EventSource", "sts.amazonaws.com")))
        self.assertTrue(all(e["ReadOnly"] == "true" for e in self.lookup("ReadOnly", "true")))
        users = self.lookup("Username", "alice")
        self.assertTrue(users)
        self.assertTrue(all(e["Username"] == "alice" for e in users))
        roles = self.lookup("ResourceType", "AWS::IAM::Role")
        self.assertIn("CreateRole", [e["EventName"] for e in roles])

    def test_newest_first_time_range_and_pages(self):
        for i in range(7):
            self.iam.tag_user(UserName="alice", Tags=[{"Key": "k%d" % i, "Value": "v"}])
        events = self.lookup("EventName", "TagUser")
        self.assertEqual(len(events), 7)
        times = [e["EventTime"] for e in events]
        self.assertEqual(times, sorted(times, reverse=True))
        tags = [json.loads(e["CloudTrailEvent"])["requestParameters"]["tags"][0]["key"]
                for e in events]
        self.assertEqual(tags, ["k%d" % i for i in reversed(range(7))])
        page = self.ct.lookup_events(
            LookupAttributes=[{"AttributeKey": "EventName", "AttributeValue": "TagUser"}],
            MaxResults=3)
        self.assertEqual(len(page["Events"]), 3)
        self.assertIn("NextToken", page)
        # The CLI pages through with --max-items and --page-size.
        _, out, _ = self.server.cli("cloudtrail", "lookup-events", "--lookup-attributes",
                                    "AttributeKey=EventName,AttributeValue=TagUser",
                                    "--page-size", "2", "--max-items", "5")
        self.assertEqual(len(json.loads(out)["Events"]), 5)
        future = datetime.datetime.now(datetime.timezone.utc) + datetime.timedelta(hours=1)
        none = self.ct.lookup_events(StartTime=future, EndTime=future + datetime.timedelta(hours=1))
        self.assertEqual(none["Events"], [])
        past = datetime.datetime.now(datetime.timezone.utc) - datetime.timedelta(hours=1)
        some = self.ct.lookup_events(
            StartTime=past, LookupAttributes=[{"AttributeKey": "EventName",
                                               "AttributeValue": "TagUser"}])
        self.assertEqual(len(some["Events"]), 7)

    def test_bad_input_answered_as_cloudtrail(self):
        raw = self.server.client("cloudtrail", validate=False)
        now = datetime.datetime.now(datetime.timezone.utc)
        cases = [
            (dict(StartTime=now, EndTime=now - datetime.timedelta(hours=1)),
             "InvalidTimeRangeException"),
            (dict(LookupAttributes=[{"AttributeKey": "Colour", "AttributeValue": "x"}]),
             "InvalidLookupAttributesException"),
            (dict(LookupAttributes=[{"AttributeKey": "EventName", "AttributeValue": "a"},
                                    {"AttributeKey": "Username", "AttributeValue": "b"}]),
             "InvalidLookupAttributesException"),
            (dict(NextToken="not-a-token"), "InvalidNextTokenException"),
            (dict(MaxResults=0), "InvalidMaxResultsException"),
            (dict(MaxResults=51), "InvalidMaxResultsException"),
            (dict(EventCategory="data"), "InvalidEventCategoryException"),
        ]
        for params, code in cases:
            with self.subTest(code=code, params=str(params)):
                with self.assertRaises(ClientError) as ctx:
                    raw.lookup_events(**params)
                self.assertAwsError(ctx, code, 400)
        # A token is bound to the parameters it was issued for.
        page = self.ct.lookup_events(MaxResults=1)
        with self.assertRaises(ClientError) as ctx:
            self.ct.lookup_events(MaxResults=1, NextToken=page["NextToken"],
                                  LookupAttributes=[{"AttributeKey": "EventName",
                                                     "AttributeValue": "TagUser"}])
        self.assertAwsError(ctx, "InvalidNextTokenException", 400)

    def test_lookup_needs_permission_and_sees_only_its_account(self):
        self.iam.create_user(UserName="nobody")
        key = self.iam.create_access_key(UserName="nobody")["AccessKey"]
        self.secrets.append(key["SecretAccessKey"])
        ct = self.server.client("cloudtrail", key["AccessKeyId"], key["SecretAccessKey"])
        with self.assertRaises(ClientError) as ctx:
            ct.lookup_events()
        self.assertAwsError(ctx, "AccessDeniedException", 400)
        denied = self.records("EventName", "LookupEvents")
        self.assertIn("AccessDeniedException", [r.get("errorCode") for r in denied])

    def test_last_used_fed_from_the_trail(self):
        used = self.iam.get_access_key_last_used(AccessKeyId=self.alice_key)["AccessKeyLastUsed"]
        self.assertEqual(used["ServiceName"], "sts")
        self.assertLess(abs(used["LastUsedDate"].timestamp() - time.time()), 300)
        self.session_iam.get_user(UserName="alice")
        role = self.iam.get_role(RoleName="auditor")["Role"]
        self.assertIn("LastUsedDate", role["RoleLastUsed"])
        self.assertLess(abs(role["RoleLastUsed"]["LastUsedDate"].timestamp() - time.time()), 300)
        self.assertEqual(role["RoleLastUsed"]["Region"], "us-east-1")

    def test_tail_prints_one_line_per_event(self):
        self.iam.create_user(UserName="tail-marker")
        # Records reach the files within the broker's delay.
        deadline = time.time() + 5
        out = ""
        while time.time() < deadline:
            out = subprocess.run([IAMD_BIN, "audit", "tail", "--data-dir", self.server.data_dir,
                                  "-n", "50"], capture_output=True, text=True, timeout=30).stdout
            if "CreateUser" in out and "tail-marker" not in out:
                break
            time.sleep(0.2)
        lines = [l for l in out.splitlines() if " CreateUser " in l]
        self.assertTrue(lines, out)
        self.assertIn(ACCOUNT_ID, lines[-1])
        self.assertIn("arn:aws:iam::%s:root" % ACCOUNT_ID, lines[-1])
        self.assertIn(" OK ", lines[-1] + " ")

    def test_tail_follow_prints_new_events(self):
        proc = subprocess.Popen([IAMD_BIN, "audit", "tail", "--data-dir", self.server.data_dir,
                                 "-n", "0", "--follow"], stdout=subprocess.PIPE, text=True)
        try:
            time.sleep(0.5)
            self.iam.create_user(UserName="followed")
            got = []
            timer = threading.Timer(10, proc.kill)
            timer.start()
            for line in proc.stdout:
                got.append(line)
                if " CreateUser " in line:
                    break
            timer.cancel()
            self.assertTrue(any(" CreateUser " in l for l in got), got)
        finally:
            proc.send_signal(signal.SIGINT)
            proc.wait(timeout=10)

    def test_zz_no_secret_anywhere_in_the_trail(self):
        # Runs last (zz): every other test has added its calls and secrets by now.
        self.ct.lookup_events(MaxResults=1)  # the trail has caught up with every earlier call
        lines = audit_lines(self.server.data_dir)
        self.assertGreater(len(lines), 30)
        text = "\n".join(lines)
        for secret in self.secrets + self.mfa_codes:
            self.assertNotIn(secret, text)
        for line in lines:
            json.loads(line)
        looked_up = json.dumps([e for e in self.ct.get_paginator("lookup_events").paginate()
                                .build_full_result()["Events"]], default=str)
        for secret in self.secrets + self.mfa_codes:
            self.assertNotIn(secret, looked_up)


class CrossAccountAuditTest(ServerTestCase):
    def test_pair_shares_shared_event_id(self):
        org = self.server.client("organizations")
        org.create_organization(FeatureSet="ALL")
        status = org.create_account(AccountName="B", Email="b@example.com")["CreateAccountStatus"]
        account_b = status["AccountId"]
        # Roles may not be assumed by root: an administrator of the management account does it.
        self.iam.create_user(UserName="admin")
        self.iam.put_user_policy(UserName="admin", PolicyName="all", PolicyDocument=ALLOW_ALL)
        admin_key = self.iam.create_access_key(UserName="admin")["AccessKey"]
        admin_sts = self.server.client("sts", admin_key["AccessKeyId"],
                                       admin_key["SecretAccessKey"])
        admin = admin_sts.assume_role(
            RoleArn="arn:aws:iam::%s:role/OrganizationAccountAccessRole" % account_b,
            RoleSessionName="setup")["Credentials"]
        b_iam = self.server.client("iam", admin["AccessKeyId"], admin["SecretAccessKey"],
                                   admin["SessionToken"])
        b_iam.create_role(RoleName="partner", AssumeRolePolicyDocument=TRUST_ACCOUNT)
        self.iam.create_user(UserName="carol")
        self.iam.put_user_policy(UserName="carol", PolicyName="assume",
                                 PolicyDocument=ALLOW_ASSUME)
        key = self.iam.create_access_key(UserName="carol")["AccessKey"]
        carol = self.server.client("sts", key["AccessKeyId"], key["SecretAccessKey"])
        role_arn = "arn:aws:iam::%s:role/partner" % account_b
        carol.assume_role(RoleArn=role_arn, RoleSessionName="carol-b")

        ct_a = self.server.client("cloudtrail")
        ct_b = self.server.client("cloudtrail", admin["AccessKeyId"], admin["SecretAccessKey"],
                                  admin["SessionToken"])

        def find(client):
            events = client.lookup_events(LookupAttributes=[
                {"AttributeKey": "ResourceName", "AttributeValue": role_arn}])["Events"]
            return [json.loads(e["CloudTrailEvent"]) for e in events
                    if e["EventName"] == "AssumeRole"]

        in_a, in_b = find(ct_a), find(ct_b)
        self.assertEqual(len(in_a), 1, in_a)
        self.assertEqual(len(in_b), 1, in_b)
        a, b = in_a[0], in_b[0]
        self.assertEqual(a["sharedEventID"], b["sharedEventID"])
        self.assertNotEqual(a["eventID"], b["eventID"])
        self.assertEqual(a["requestID"], b["requestID"])
        self.assertEqual(a["recipientAccountId"], ACCOUNT_ID)
        self.assertEqual(b["recipientAccountId"], account_b)
        self.assertEqual(a["userIdentity"]["type"], "IAMUser")
        self.assertEqual(a["userIdentity"]["userName"], "carol")
        self.assertEqual(b["userIdentity"]["type"], "AWSAccount")
        self.assertEqual(b["userIdentity"]["accountId"], ACCOUNT_ID)
        self.assertEqual(b["userIdentity"]["principalId"], a["userIdentity"]["principalId"])
        self.assertEqual(a["resources"][0]["accountId"], account_b)
        # The role's account sees its own setup calls, not the caller account's.
        names_b = {e["EventName"] for e in ct_b.lookup_events()["Events"]}
        self.assertIn("CreateRole", names_b)
        self.assertNotIn("CreateOrganization", names_b)


class ShutdownTest(unittest.TestCase):
    def test_sigterm_during_a_burst_loses_no_event(self):
        server = Iamd().start()
        try:
            answered = []
            lock = threading.Lock()
            stop = threading.Event()

            def hammer():
                sts = server.client("sts")
                while not stop.is_set():
                    try:
                        rid = sts.get_caller_identity()["ResponseMetadata"]["RequestId"]
                    except Exception:  # the server is going away
                        return
                    with lock:
                        answered.append(rid)

            threads = [threading.Thread(target=hammer) for _ in range(8)]
            for t in threads:
                t.start()
            time.sleep(1.5)
            server.proc.send_signal(signal.SIGTERM)
            self.assertEqual(server.proc.wait(timeout=30), 0)
            stop.set()
            for t in threads:
                t.join(timeout=30)
            self.assertGreater(len(answered), 50)
            recorded = {json.loads(l)["requestID"] for l in audit_lines(server.data_dir)}
            missing = [r for r in answered if r not in recorded]
            self.assertEqual(missing, [], "%d of %d answered requests have no event"
                             % (len(missing), len(answered)))
            # The index holds them too: a restarted server finds every one.
            server.start()
            ct = server.client("cloudtrail")
            found = ct.get_paginator("lookup_events").paginate(LookupAttributes=[
                {"AttributeKey": "EventName", "AttributeValue": "GetCallerIdentity"}],
            ).build_full_result()["Events"]
            ids = {json.loads(e["CloudTrailEvent"])["requestID"] for e in found}
            self.assertTrue(set(answered) <= ids)
        finally:
            server.cleanup()

    def test_no_audit_flag_records_nothing(self):
        server = Iamd(extra_args=["--no-audit"]).start()
        try:
            server.client("sts").get_caller_identity()
            server.stop()
            self.assertEqual(audit_lines(server.data_dir), [])
        finally:
            server.cleanup()


if __name__ == "__main__":
    unittest.main()
