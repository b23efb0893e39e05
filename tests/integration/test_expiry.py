"""Temporary credentials past their expiry, as the unmodified AWS CLI meets them. The shortest
session is 15 minutes, so the clock is moved instead of waited for: iamd and the CLI both run
under faketime (Debian's libfaketime), shifted alike, so the request's own date is always fresh
and only the token's expiry decides. Without faketime on PATH these tests are skipped."""

import datetime
import glob
import json
import os
import shutil
import subprocess
import unittest

from harness import ACCOUNT_ID, ROOT_KEY_ID, ROOT_SECRET, Iamd

FAKETIME = shutil.which("faketime")
# libfaketime cannot start a program that uses jemalloc, as iamd does (both hook early clock
# calls; libfaketime issue #130), so iamd runs under the moved clock with tcmalloc preloaded in
# jemalloc's place. Token expiry does not depend on the allocator.
TCMALLOC = next(iter(glob.glob("/usr/lib/*/libtcmalloc_minimal.so.4")), None)
# iamd gets libfaketime preloaded itself rather than through the faketime command, which would
# stand between the test and iamd's process (signals, exit status).
LIBFAKETIME = next(iter(glob.glob("/usr/lib/*/faketime/libfaketime.so.1")), None)


def shifted(offset):
    """A command prefix that runs a program with the clock moved by `offset` ("+2h")."""
    return [FAKETIME, "-f", offset] if offset else []


@unittest.skipUnless(FAKETIME and LIBFAKETIME and TCMALLOC,
                     "faketime or libtcmalloc-minimal4 is not installed")
class ExpiredCredentials(unittest.TestCase):
    """One role session issued at real time, then tried at later (faked) times."""

    @classmethod
    def setUpClass(cls):
        cls.server = Iamd().start()
        iam = cls.server.client("iam")
        # Root may not assume roles: a user with a key and the permission to does.
        iam.create_user(UserName="ann")
        key = iam.create_access_key(UserName="ann")["AccessKey"]
        iam.put_user_policy(UserName="ann", PolicyName="assume", PolicyDocument=json.dumps({
            "Version": "2012-10-17",
            "Statement": [{"Effect": "Allow", "Action": "sts:AssumeRole", "Resource": "*"}]}))
        iam.create_role(RoleName="short", AssumeRolePolicyDocument=json.dumps({
            "Version": "2012-10-17",
            "Statement": [{"Effect": "Allow", "Action": "sts:AssumeRole",
                           "Principal": {"AWS": "arn:aws:iam::%s:user/ann" % ACCOUNT_ID}}]}))
        sts = cls.server.client("sts", key_id=key["AccessKeyId"], secret=key["SecretAccessKey"])
        cls.role = sts.assume_role(RoleArn="arn:aws:iam::%s:role/short" % ACCOUNT_ID,
                                   RoleSessionName="brief", DurationSeconds=900)
        creds = cls.role["Credentials"]
        cls.session = (creds["AccessKeyId"], creds["SecretAccessKey"], creds["SessionToken"])
        token = sts.get_session_token(DurationSeconds=900)["Credentials"]
        cls.user_session = (token["AccessKeyId"], token["SecretAccessKey"], token["SessionToken"])

    @classmethod
    def tearDownClass(cls):
        cls.server.cleanup()

    def at(self, offset):
        """Restarts iamd with its clock moved by `offset` (same data: the tokens stay valid)."""
        self.server.stop()
        self.server.env.update({"LD_PRELOAD": TCMALLOC + ":" + LIBFAKETIME, "FAKETIME": offset,
                                "FAKETIME_DONT_FAKE_MONOTONIC": "1"})
        self.server.start()
        self.assertEqual(self.server.proc.poll(), None)

    def caller_identity(self, creds, offset):
        """`aws sts get-caller-identity` with `creds`, the CLI's clock moved by `offset`."""
        env = {k: v for k, v in os.environ.items() if not k.startswith("AWS_")}
        env.update({"AWS_ACCESS_KEY_ID": creds[0], "AWS_SECRET_ACCESS_KEY": creds[1],
                    "AWS_DEFAULT_REGION": "us-east-1", "AWS_PAGER": "",
                    "AWS_CONFIG_FILE": "/dev/null", "AWS_SHARED_CREDENTIALS_FILE": "/dev/null",
                    "AWS_MAX_ATTEMPTS": "1"})
        if len(creds) > 2:
            env["AWS_SESSION_TOKEN"] = creds[2]
        proc = subprocess.run(shifted(offset) + [
            "aws", "--endpoint-url", self.server.endpoint, "--output", "json",
            "sts", "get-caller-identity"], env=env, capture_output=True, text=True, timeout=60)
        return proc.returncode, proc.stdout, proc.stderr

    def test_valid_until_expiry_then_expired_token(self):
        left = self.role["Credentials"]["Expiration"] - datetime.datetime.now(datetime.timezone.utc)
        self.assertTrue(13 * 60 < left.total_seconds() <= 15 * 60, left)
        # Ten minutes on, the 15-minute session still works.
        self.at("+10m")
        code, out, err = self.caller_identity(self.session, "+10m")
        self.assertEqual(code, 0, err)
        self.assertEqual(json.loads(out)["Arn"],
                         "arn:aws:sts::%s:assumed-role/short/brief" % ACCOUNT_ID)
        # Twenty minutes on it has expired: ExpiredToken, with AWS's message.
        self.at("+20m")
        code, out, err = self.caller_identity(self.session, "+20m")
        self.assertNotEqual(code, 0)
        self.assertIn("ExpiredToken", err)
        self.assertIn("The security token included in the request is expired", err)
        # A GetSessionToken session expires the same way...
        code, out, err = self.caller_identity(self.user_session, "+20m")
        self.assertNotEqual(code, 0)
        self.assertIn("ExpiredToken", err)
        # ...while a long-term key signing at the same (moved) time is accepted: what was refused
        # is the token's age, not the request's date.
        code, out, err = self.caller_identity((ROOT_KEY_ID, ROOT_SECRET), "+20m")
        self.assertEqual(code, 0, err)
        self.assertEqual(json.loads(out)["Account"], ACCOUNT_ID)


if __name__ == "__main__":
    unittest.main()
