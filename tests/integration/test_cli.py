"""The README's tour, through the unmodified AWS CLI."""

import json
import unittest

from harness import ACCOUNT_ID, ServerTestCase


class CliTest(ServerTestCase):
    def test_tour(self):
        _, out, _ = self.server.cli("iam", "create-user", "--user-name", "alice")
        user = json.loads(out)["User"]
        self.assertEqual(user["Arn"], "arn:aws:iam::%s:user/alice" % ACCOUNT_ID)
        _, out, _ = self.server.cli("iam", "create-access-key", "--user-name", "alice")
        key = json.loads(out)["AccessKey"]
        _, out, _ = self.server.cli("sts", "get-caller-identity", key_id=key["AccessKeyId"],
                                    secret=key["SecretAccessKey"])
        ident = json.loads(out)
        self.assertEqual(ident["Arn"], user["Arn"])
        self.assertEqual(ident["UserId"], user["UserId"])
        _, out, _ = self.server.cli("iam", "list-users")
        self.assertIn("alice", [u["UserName"] for u in json.loads(out)["Users"]])
        self.server.cli("iam", "create-group", "--group-name", "admins")
        self.server.cli("iam", "add-user-to-group", "--group-name", "admins", "--user-name", "alice")
        _, out, _ = self.server.cli("iam", "get-group", "--group-name", "admins")
        self.assertEqual([u["UserName"] for u in json.loads(out)["Users"]], ["alice"])

    def test_cli_reports_aws_errors(self):
        code, _, err = self.server.cli("iam", "get-user", "--user-name", "nobody", check=False)
        self.assertNotEqual(code, 0)
        self.assertIn("NoSuchEntity", err)
        self.assertIn("The user with name nobody cannot be found.", err)


if __name__ == "__main__":
    unittest.main()
