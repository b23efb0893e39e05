"""Everything survives a restart and a kill -9 right after the response."""

import os
import shutil
import signal
import stat
import subprocess
import tempfile
import unittest

import botocore.exceptions

from harness import ACCOUNT_ID, IAMD_BIN, Iamd


class PersistenceTest(unittest.TestCase):
    def setUp(self):
        self.server = Iamd().start()

    def tearDown(self):
        self.server.cleanup()

    def test_restart_and_kill_keep_everything(self):
        iam = self.server.client("iam")
        iam.create_user(UserName="persisted", Tags=[{"Key": "k", "Value": "v"}])
        iam.create_group(GroupName="kept")
        iam.add_user_to_group(UserName="persisted", GroupName="kept")
        key = iam.create_access_key(UserName="persisted")["AccessKey"]

        self.server.restart(signal.SIGTERM)
        iam = self.server.client("iam")
        self.assertEqual(iam.get_user(UserName="persisted")["User"]["Tags"],
                         [{"Key": "k", "Value": "v"}])
        sts = self.server.client("sts", key["AccessKeyId"], key["SecretAccessKey"])
        self.assertEqual(sts.get_caller_identity()["Arn"],
                         "arn:aws:iam::%s:user/persisted" % ACCOUNT_ID)

        # A write acknowledged just before kill -9 is durable.
        iam.create_user(UserName="last-before-kill")
        self.server.restart(signal.SIGKILL)
        iam = self.server.client("iam")
        self.assertEqual(iam.get_user(UserName="last-before-kill")["User"]["UserName"],
                         "last-before-kill")
        self.assertEqual([g["GroupName"] for g in
                          iam.list_groups_for_user(UserName="persisted")["Groups"]], ["kept"])

    def test_a_second_server_is_refused(self):
        # Same data directory: refused, whatever the port.
        other = Iamd(data_dir=self.server.data_dir)
        with self.assertRaises(RuntimeError) as ctx:
            other.start()
        self.assertIn("another iamd is already using", str(ctx.exception))
        # Same port, other data directory: refused, not silently shared.
        data_dir = tempfile.mkdtemp(prefix="iamd-test-")
        try:
            proc = subprocess.run([IAMD_BIN, "serve", "--data-dir", data_dir, "--listen",
                                   "127.0.0.1:%d" % self.server.port],
                                  capture_output=True, text=True, timeout=20)
            self.assertNotEqual(proc.returncode, 0)
            self.assertIn("Address already in use", proc.stderr)
        finally:
            shutil.rmtree(data_dir, ignore_errors=True)
        self.assertEqual(self.server.client("sts").get_caller_identity()["Account"], ACCOUNT_ID)

    def test_bad_environment_is_refused(self):
        for env, words in [({"IAMD_ACCOUNT_ID": "12345"}, "IAMD_ACCOUNT_ID must be 12 digits"),
                           ({"IAMD_ROOT_SECRET_ACCESS_KEY": ""}, "must be set together"),
                           ({"IAMD_MASTER_KEY": "xyz"}, "master key must be 64 hexadecimal")]:
            bad = Iamd(env=env)
            try:
                with self.assertRaises(RuntimeError) as ctx:
                    bad.start()
                self.assertIn(words, str(ctx.exception))
            finally:
                bad.cleanup()

    def test_generated_root_credentials_file(self):
        server = Iamd(env={"IAMD_ACCOUNT_ID": "", "IAMD_ROOT_ACCESS_KEY_ID": "",
                           "IAMD_ROOT_SECRET_ACCESS_KEY": ""}).start()
        try:
            path = os.path.join(server.data_dir, "root-credentials")
            self.assertEqual(stat.S_IMODE(os.stat(path).st_mode), 0o600)
            with open(path) as f:
                lines = dict(l.strip().split(" = ", 1) for l in f if " = " in l)
            sts = server.client("sts", lines["aws_access_key_id"], lines["aws_secret_access_key"])
            ident = sts.get_caller_identity()
            self.assertRegex(ident["Account"], r"^[1-9]\d{11}$")
            self.assertTrue(ident["Arn"].endswith(":root"))
            # The secret is sealed in the database, never stored in the clear.
            with open(os.path.join(server.data_dir, "iamd.db"), "rb") as db:
                self.assertNotIn(lines["aws_secret_access_key"].encode(), db.read())
            server.restart()
            self.assertEqual(server.client("sts", lines["aws_access_key_id"],
                                           lines["aws_secret_access_key"])
                             .get_caller_identity()["Account"], ident["Account"])
        finally:
            server.cleanup()


if __name__ == "__main__":
    unittest.main()
