"""HTTPS: iamd serves TLS when given a certificate, and the policy context knows it."""

import json
import os
import shutil
import subprocess
import tempfile
import unittest

from harness import ACCOUNT_ID, Iamd


@unittest.skipUnless(shutil.which("openssl"), "openssl command not installed")
class TlsTest(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.cert_dir = tempfile.mkdtemp(prefix="iamd-tls-")
        cls.cert = os.path.join(cls.cert_dir, "cert.pem")
        cls.key = os.path.join(cls.cert_dir, "key.pem")
        subprocess.run(["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "2",
                        "-subj", "/CN=127.0.0.1", "-addext", "subjectAltName=IP:127.0.0.1",
                        "-keyout", cls.key, "-out", cls.cert],
                       check=True, capture_output=True)
        cls.server = Iamd(extra_args=["--tls-cert", cls.cert, "--tls-key", cls.key]).start()

    @classmethod
    def tearDownClass(cls):
        cls.server.cleanup()
        shutil.rmtree(cls.cert_dir, ignore_errors=True)

    def test_https_and_secure_transport(self):
        self.assertTrue(self.server.endpoint.startswith("https://"))
        sts = self.server.client("sts")
        self.assertEqual(sts.get_caller_identity()["Account"], ACCOUNT_ID)
        iam = self.server.client("iam")
        iam.create_user(UserName="tls-user")
        iam.put_user_policy(UserName="tls-user", PolicyName="tls-only", PolicyDocument=json.dumps({
            "Version": "2012-10-17", "Statement": [{
                "Effect": "Allow", "Action": "iam:ListUsers", "Resource": "*",
                "Condition": {"Bool": {"aws:SecureTransport": "true"}}}]}))
        key = iam.create_access_key(UserName="tls-user")["AccessKey"]
        user_iam = self.server.client("iam", key["AccessKeyId"], key["SecretAccessKey"])
        self.assertIn("tls-user", [u["UserName"] for u in user_iam.list_users()["Users"]])


if __name__ == "__main__":
    unittest.main()
