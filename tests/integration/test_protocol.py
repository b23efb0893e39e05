"""The wire: SigV4 (header and presigned), the Query protocol's errors, and bad input of every
kind, each answered with AWS's error while the server stays up."""

import datetime
from xml.etree import ElementTree
import unittest
import urllib.request

import botocore.exceptions

from harness import (ACCOUNT_ID, ROOT_KEY_ID, ROOT_SECRET, ServerTestCase, presign_v4, raw_request,
                     sign_v4, signed_post)

ClientError = botocore.exceptions.ClientError


def error_of(body):
    """(Code, Message) of an AWS Query error body."""
    root = ElementTree.fromstring(body)
    ns = {"aws": root.tag[1:root.tag.index("}")]} if root.tag.startswith("{") else {}
    find = (lambda tag: root.find("aws:Error/aws:" + tag, ns)) if ns else (
        lambda tag: root.find("Error/" + tag))
    code, message = find("Code"), find("Message")
    return (code.text if code is not None else None,
            message.text if message is not None else None)


class SigV4Test(ServerTestCase):
    def test_root_identity(self):
        ident = self.sts.get_caller_identity()
        self.assertEqual(ident["Account"], ACCOUNT_ID)
        self.assertEqual(ident["Arn"], "arn:aws:iam::%s:root" % ACCOUNT_ID)
        self.assertEqual(ident["UserId"], ACCOUNT_ID)
        headers = ident["ResponseMetadata"]["HTTPHeaders"]
        self.assertEqual(headers["x-amzn-requestid"], ident["ResponseMetadata"]["RequestId"])
        self.assertIn("date", headers)

    def test_any_region_is_accepted(self):
        client = self.server.client("sts", region="eu-west-3")
        self.assertEqual(client.get_caller_identity()["Account"], ACCOUNT_ID)

    def test_presigned_url_made_by_botocore(self):
        url = self.sts.generate_presigned_url("get_caller_identity", ExpiresIn=300,
                                              HttpMethod="GET")
        self.assertIn("X-Amz-Signature=", url)
        with urllib.request.urlopen(url) as resp:
            body = resp.read().decode()
        self.assertIn("<Arn>arn:aws:iam::%s:root</Arn>" % ACCOUNT_ID, body)
        # Any change to the signed query breaks the signature.
        tampered = url.replace("X-Amz-Expires=300", "X-Amz-Expires=301")
        status, _, body = raw_request(self.server, "GET", path=tampered[len(self.server.endpoint):])
        self.assertEqual(status, 403)
        self.assertEqual(error_of(body)[0], "SignatureDoesNotMatch")
        # Signed for POST (botocore's default for Query operations) but sent as GET: the method is
        # part of the signature, as on AWS.
        post_url = self.sts.generate_presigned_url("get_caller_identity", ExpiresIn=300)
        status, _, body = raw_request(self.server, "GET", path=post_url[len(self.server.endpoint):])
        self.assertEqual((status, error_of(body)[0]), (403, "SignatureDoesNotMatch"))

    def test_expired_presigned_url(self):
        when = datetime.datetime.now(datetime.timezone.utc) - datetime.timedelta(minutes=5)
        path = presign_v4(self.server, "Action=GetCallerIdentity&Version=2011-06-15", ROOT_KEY_ID,
                          ROOT_SECRET, "sts", expires=60, when=when)
        status, _, body = raw_request(self.server, "GET", path=path)
        self.assertEqual((status, error_of(body)[0]), (400, "RequestExpired"))
        # The same URL, still valid, works: the failure above was the expiry alone.
        path = presign_v4(self.server, "Action=GetCallerIdentity&Version=2011-06-15", ROOT_KEY_ID,
                          ROOT_SECRET, "sts", expires=600, when=when)
        status, _, body = raw_request(self.server, "GET", path=path)
        self.assertEqual(status, 200, body)

    def test_wrong_secret(self):
        bad = self.server.client("sts", ROOT_KEY_ID, "x" * 40)
        with self.assertRaises(ClientError) as ctx:
            bad.get_caller_identity()
        self.assertAwsError(ctx, "SignatureDoesNotMatch", 403,
                            "The request signature we calculated does not match the signature you "
                            "provided. Check your AWS Secret Access Key and signing method. Consult "
                            "the service documentation for details.")

    def test_unknown_key(self):
        bad = self.server.client("sts", "AKIAUNKNOWNKEY000000", ROOT_SECRET)
        with self.assertRaises(ClientError) as ctx:
            bad.get_caller_identity()
        self.assertAwsError(ctx, "InvalidClientTokenId", 403,
                            "The security token included in the request is invalid.")

    def test_request_dated_twenty_minutes_ago(self):
        when = datetime.datetime.now(datetime.timezone.utc) - datetime.timedelta(minutes=20)
        status, _, body = signed_post(self.server, b"Action=GetCallerIdentity&Version=2011-06-15",
                                      service="sts", when=when)
        code, message = error_of(body)
        self.assertEqual((status, code), (403, "SignatureDoesNotMatch"))
        self.assertRegex(message, r"^Signature expired: \d{8}T\d{6}Z is now earlier than "
                                  r"\d{8}T\d{6}Z \(\d{8}T\d{6}Z - 15 min\.\)$")

    def test_request_dated_twenty_minutes_ahead(self):
        when = datetime.datetime.now(datetime.timezone.utc) + datetime.timedelta(minutes=20)
        status, _, body = signed_post(self.server, b"Action=GetCallerIdentity&Version=2011-06-15",
                                      service="sts", when=when)
        code, message = error_of(body)
        self.assertEqual((status, code), (403, "SignatureDoesNotMatch"))
        self.assertTrue(message.startswith("Signature not yet current: "), message)

    def test_unsigned_request(self):
        status, _, body = raw_request(self.server, "POST",
                                      b"Action=GetCallerIdentity&Version=2011-06-15",
                                      {"content-type": "application/x-www-form-urlencoded"})
        self.assertEqual((status, error_of(body)[0]), (403, "MissingAuthenticationToken"))

    def test_garbage_and_truncated_authorization_headers(self):
        body = b"Action=GetCallerIdentity&Version=2011-06-15"
        for auth in ["garbage", "AWS4-HMAC-SHA256", "AWS4-HMAC-SHA256 Credential=",
                     "AWS4-HMAC-SHA256 Credential=AKIAIOSFODNN7EXAMPLE/2015",
                     "AWS4-HMAC-SHA256 Credential=%s/20150830/us-east-1/sts/aws4_request, "
                     "SignedHeaders=host;x-amz-date" % ROOT_KEY_ID,
                     "AWS4-HMAC-SHA256 Credential=%s/20150830/us-east-1/sts/aws4_request, "
                     "SignedHeaders=host;x-amz-date, Signature=" % ROOT_KEY_ID + "z" * 64,
                     "AWS4-ECDSA-P256-SHA256 Credential=x, SignedHeaders=host, Signature=00",
                     "AWS4-HMAC-SHA256 " + "A" * 20000]:
            status, _, resp = raw_request(self.server, "POST", body, {
                "content-type": "application/x-www-form-urlencoded",
                "x-amz-date": datetime.datetime.now(datetime.timezone.utc).strftime("%Y%m%dT%H%M%SZ"),
                "authorization": auth})
            code, _ = error_of(resp) if resp.startswith(b"<") else (None, None)
            self.assertIn(status, (400, 403, 431), auth[:60])
            self.assertIn(code, ("IncompleteSignature", "MissingAuthenticationToken",
                                 "SignatureDoesNotMatch", "RequestHeaderFieldsTooLarge"), auth[:60])
        self.assertEqual(self.sts.get_caller_identity()["Account"], ACCOUNT_ID)

    def test_clients_in_turn_each_get_their_own_identity(self):
        # A server thread remembers each client's last Authorization header and, for the next one
        # that differs only in the signature, rereads little more than that. More clients than a
        # thread keeps headers for, taking turns, must each still be themselves, and a header that
        # differs from a remembered one only in a wrong signature must still be refused.
        clients = []
        for i in range(12):
            name = "turns-%d" % i
            user = self.iam.create_user(UserName=name)["User"]
            key = self.iam.create_access_key(UserName=name)["AccessKey"]
            clients.append((user, key, self.server.client("sts", key["AccessKeyId"],
                                                          key["SecretAccessKey"])))
        body = b"Action=GetCallerIdentity&Version=2011-06-15"
        for _ in range(3):
            for user, key, sts in clients:
                ident = sts.get_caller_identity()
                self.assertEqual((ident["Arn"], ident["UserId"]), (user["Arn"], user["UserId"]))
                secret = key["SecretAccessKey"]
                wrong = secret[:-1] + ("x" if secret[-1] != "x" else "y")
                status, _, resp = signed_post(self.server, body, "sts", key["AccessKeyId"], wrong)
                self.assertEqual((status, error_of(resp)[0]), (403, "SignatureDoesNotMatch"))
        # A key made inactive after its header was remembered is refused.
        user, key, sts = clients[0]
        self.iam.update_access_key(UserName=user["UserName"], AccessKeyId=key["AccessKeyId"],
                                   Status="Inactive")
        with self.assertRaises(ClientError) as ctx:
            sts.get_caller_identity()
        self.assertAwsError(ctx, "InvalidClientTokenId", 403)
        self.assertEqual(clients[1][2].get_caller_identity()["Arn"], clients[1][0]["Arn"])

    def test_scope_for_another_service(self):
        status, _, body = signed_post(self.server, b"Action=ListUsers&Version=2010-05-08",
                                      service="sts")
        self.assertEqual(status, 400)
        self.assertEqual(error_of(body)[0], "InvalidAction")


class QueryProtocolTest(ServerTestCase):
    def post(self, body, service="iam"):
        status, headers, resp = signed_post(self.server, body, service=service)
        return status, error_of(resp), resp

    def test_unknown_and_missing_action(self):
        status, (code, message), _ = self.post(b"Action=FlyToTheMoon&Version=2010-05-08")
        self.assertEqual((status, code), (400, "InvalidAction"))
        self.assertEqual(message, "Could not find operation FlyToTheMoon for version 2010-05-08")
        status, (code, _), _ = self.post(b"Version=2010-05-08")
        self.assertEqual((status, code), (400, "MissingAction"))

    def test_names_too_long_or_with_bad_characters(self):
        status, (code, message), _ = self.post(
            b"Action=CreateUser&Version=2010-05-08&UserName=" + b"a" * 65)
        self.assertEqual((status, code), (400, "ValidationError"))
        self.assertEqual(message, "1 validation error detected: Value '%s' at 'userName' failed to "
                                  "satisfy constraint: Member must have length less than or equal "
                                  "to 64" % ("a" * 65))
        status, (code, message), _ = self.post(
            b"Action=CreateUser&Version=2010-05-08&UserName=bad%2Fname%21")
        self.assertEqual((status, code), (400, "ValidationError"))
        self.assertIn("Member must satisfy regular expression pattern: [\\w+=,.@-]+", message)
        status, (code, message), _ = self.post(b"Action=CreateUser&Version=2010-05-08")
        self.assertEqual((status, code), (400, "ValidationError"))
        self.assertEqual(message, "1 validation error detected: Value null at 'userName' failed to "
                                  "satisfy constraint: Member must not be null")
        status, (code, _), _ = self.post(
            b"Action=CreateUser&Version=2010-05-08&UserName=ok&Path=no-slashes")
        self.assertEqual((status, code), (400, "ValidationError"))

    def test_malformed_form_body(self):
        for body in (b"Action=ListUsers&Version=2010-05-08&Marker=%G1",
                     b"Action=ListUsers&Version=2010-05-08&Marker=%",
                     b"Action=ListUsers&Version=2010-05-08&a..b=1"):
            status, (code, _), _ = self.post(body)
            self.assertEqual(code, "MalformedQueryString", body)
            self.assertEqual(status, 404, body)

    def test_duplicate_parameters(self):
        status, (code, message), _ = self.post(
            b"Action=CreateUser&Version=2010-05-08&UserName=a&UserName=b")
        self.assertEqual(code, "MalformedQueryString")
        self.assertIn("UserName", message)
        with self.assertRaises(ClientError):
            self.iam.get_user(UserName="a")

    def test_non_utf8_bytes(self):
        status, (code, _), _ = self.post(b"Action=CreateUser&Version=2010-05-08&UserName=%FF%FE")
        self.assertEqual((status, code), (404, "MalformedQueryString"))

    def test_body_over_the_limit(self):
        body = b"Action=ListUsers&Version=2010-05-08&Marker=" + b"x" * (2 * 1024 * 1024)
        try:
            status, _, resp = raw_request(self.server, "POST", body, {
                "content-type": "application/x-www-form-urlencoded"})
        except (ConnectionError, OSError):
            status, resp = 413, b"<Code>RequestEntityTooLarge</Code>"  # closed mid-upload
        self.assertEqual(status, 413)
        self.assertIn(b"RequestEntityTooLarge", resp)
        self.assertEqual(self.sts.get_caller_identity()["Account"], ACCOUNT_ID)

    def test_get_with_query_parameters_is_accepted(self):
        query = "Action=ListUsers&Version=2010-05-08"
        headers = sign_v4("GET", "127.0.0.1:%d" % self.server.port, "/", query, {}, b"",
                          ROOT_KEY_ID, ROOT_SECRET, "iam")
        status, _, body = raw_request(self.server, "GET", headers=headers, path="/?" + query)
        self.assertEqual(status, 200, body)
        self.assertIn(b"<ListUsersResponse xmlns=\"https://iam.amazonaws.com/doc/2010-05-08/\">",
                      body)

    def test_error_envelope_shape(self):
        status, headers, body = signed_post(
            self.server, b"Action=GetUser&Version=2010-05-08&UserName=nobody")
        self.assertEqual(status, 404)
        text = body.decode()
        self.assertTrue(text.startswith(
            '<ErrorResponse xmlns="https://iam.amazonaws.com/doc/2010-05-08/"><Error>'
            "<Type>Sender</Type><Code>NoSuchEntity</Code>"), text)
        self.assertIn("<RequestId>%s</RequestId>" % headers["x-amzn-requestid"], text)

    def test_health_and_metrics(self):
        status, _, body = raw_request(self.server, "GET", path="/healthz")
        self.assertEqual((status, body), (200, b"ok\n"))
        self.iam.list_users()
        status, headers, body = raw_request(self.server, "GET", path="/metrics")
        self.assertEqual(status, 200)
        self.assertIn(b'iamd_http_requests_total{service="iam",action="ListUsers",status="200"}',
                      body)
        self.assertIn(b"iamd_http_request_duration_seconds_bucket", body)


if __name__ == "__main__":
    unittest.main()
