"""Everything survives a restart and a kill -9 right after the response."""

import os
import signal
import stat
import unittest

import botocore.exceptions

from harness import ACCOUNT_ID, Iamd


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
