"""Starts a real iamd on a free loopback port with a temporary data directory, and gives tests
boto3 clients, the AWS CLI and a raw SigV4 signer to drive it."""

import datetime
import hashlib
import hmac
import http.client
import os
import shutil
import signal
import socket
import ssl
import subprocess
import tempfile
import time
import unittest
import urllib.parse

import boto3
import botocore.config

IAMD_BIN = os.environ.get("IAMD_BIN", os.path.join(os.path.dirname(__file__), "../../build/iamd"))
ACCOUNT_ID = "123456789012"
ROOT_KEY_ID = "AKIAIOSFODNN7EXAMPLE"
ROOT_SECRET = "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY"


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Iamd:
    """One iamd process. Keeps its data directory across restart() so persistence can be tested."""

    def __init__(self, data_dir=None, env=None, extra_args=()):
        self.data_dir = data_dir or tempfile.mkdtemp(prefix="iamd-test-")
        self.port = free_port()
        self.env = dict(os.environ)
        self.env.update({"IAMD_ACCOUNT_ID": ACCOUNT_ID, "IAMD_ROOT_ACCESS_KEY_ID": ROOT_KEY_ID,
                         "IAMD_ROOT_SECRET_ACCESS_KEY": ROOT_SECRET})
        self.env.update(env or {})
        self.extra_args = list(extra_args)
        self.proc = None
        self.log_path = os.path.join(self.data_dir, "server.log")

    @property
    def tls_cert(self):
        args = self.extra_args
        return args[args.index("--tls-cert") + 1] if "--tls-cert" in args else None

    @property
    def endpoint(self):
        return "%s://127.0.0.1:%d" % ("https" if self.tls_cert else "http", self.port)

    def _health_connection(self):
        if self.tls_cert:
            ctx = ssl.create_default_context(cafile=self.tls_cert)
            return http.client.HTTPSConnection("127.0.0.1", self.port, timeout=1, context=ctx)
        return http.client.HTTPConnection("127.0.0.1", self.port, timeout=1)

    def start(self):
        log = open(self.log_path, "ab")
        self.proc = subprocess.Popen(
            [IAMD_BIN, "serve", "--data-dir", self.data_dir, "--listen", "127.0.0.1:%d" % self.port]
            + self.extra_args,
            env=self.env, stdout=log, stderr=subprocess.STDOUT)
        deadline = time.time() + 15
        while time.time() < deadline:
            if self.proc.poll() is not None:
                raise RuntimeError("iamd exited with %s:\n%s" % (self.proc.returncode, self.log()))
            try:
                conn = self._health_connection()
                conn.request("GET", "/healthz")
                if conn.getresponse().status == 200:
                    return self
            except OSError:
                time.sleep(0.05)
        raise RuntimeError("iamd did not become healthy:\n" + self.log())

    def stop(self, sig=signal.SIGTERM):
        if self.proc and self.proc.poll() is None:
            self.proc.send_signal(sig)
            self.proc.wait(timeout=20)
        return self.proc.returncode if self.proc else None

    def restart(self, sig=signal.SIGTERM):
        self.stop(sig)
        return self.start()

    def cleanup(self):
        self.stop(signal.SIGKILL)
        shutil.rmtree(self.data_dir, ignore_errors=True)

    def log(self):
        try:
            with open(self.log_path, "rb") as f:
                return f.read().decode("utf-8", "replace")
        except OSError:
            return ""

    def client(self, service, key_id=ROOT_KEY_ID, secret=ROOT_SECRET, token=None,
               region="us-east-1", validate=True):
        """A boto3 client; validate=False lets bad input through to the server."""
        return boto3.client(
            service, endpoint_url=self.endpoint, region_name=region, verify=self.tls_cert,
            aws_access_key_id=key_id, aws_secret_access_key=secret, aws_session_token=token,
            config=botocore.config.Config(retries={"max_attempts": 1},
                                          parameter_validation=validate))

    def cli(self, *args, key_id=ROOT_KEY_ID, secret=ROOT_SECRET, check=True):
        """Runs the AWS CLI against this server; returns (exit code, stdout, stderr)."""
        env = {k: v for k, v in os.environ.items() if not k.startswith("AWS_")}
        env.update({"AWS_ACCESS_KEY_ID": key_id, "AWS_SECRET_ACCESS_KEY": secret,
                    "AWS_DEFAULT_REGION": "us-east-1", "AWS_PAGER": "",
                    "AWS_CONFIG_FILE": "/dev/null", "AWS_SHARED_CREDENTIALS_FILE": "/dev/null"})
        proc = subprocess.run(["aws", "--endpoint-url", self.endpoint, "--output", "json"]
                              + list(args), env=env, capture_output=True, text=True, timeout=60)
        if check and proc.returncode != 0:
            raise AssertionError("aws %s failed (%d): %s" % (" ".join(args), proc.returncode,
                                                             proc.stderr))
        return proc.returncode, proc.stdout, proc.stderr


def sign_v4(method, host, path, query, headers, body, key_id, secret, service, region="us-east-1",
            when=None):
    """A small independent SigV4 signer (Authorization header form) for hand-made requests."""
    when = when or datetime.datetime.now(datetime.timezone.utc)
    amz_date = when.strftime("%Y%m%dT%H%M%SZ")
    date = amz_date[:8]
    headers = dict(headers)
    headers["host"] = host
    headers["x-amz-date"] = amz_date
    signed = sorted(k.lower() for k in headers)
    canonical_headers = "".join("%s:%s\n" % (k, " ".join(str(headers[k]).split())) for k in signed)
    pairs = sorted(urllib.parse.parse_qsl(query, keep_blank_values=True))
    canonical_query = "&".join("%s=%s" % (urllib.parse.quote(k, safe="-_.~"),
                                          urllib.parse.quote(v, safe="-_.~")) for k, v in pairs)
    payload_hash = hashlib.sha256(body).hexdigest()
    creq = "\n".join([method, path, canonical_query, canonical_headers, ";".join(signed),
                      payload_hash])
    scope = "%s/%s/%s/aws4_request" % (date, region, service)
    sts = "\n".join(["AWS4-HMAC-SHA256", amz_date, scope,
                     hashlib.sha256(creq.encode()).hexdigest()])
    k = ("AWS4" + secret).encode()
    for part in (date, region, service, "aws4_request"):
        k = hmac.new(k, part.encode(), hashlib.sha256).digest()
    signature = hmac.new(k, sts.encode(), hashlib.sha256).hexdigest()
    headers["Authorization"] = "AWS4-HMAC-SHA256 Credential=%s/%s, SignedHeaders=%s, Signature=%s" % (
        key_id, scope, ";".join(signed), signature)
    return headers


def raw_request(server, method, body=b"", headers=None, path="/", timeout=10):
    """Sends one request as given; returns (status, headers dict, body bytes)."""
    conn = http.client.HTTPConnection("127.0.0.1", server.port, timeout=timeout)
    conn.request(method, path, body=body, headers=headers or {})
    resp = conn.getresponse()
    data = resp.read()
    result = (resp.status, {k.lower(): v for k, v in resp.getheaders()}, data)
    conn.close()
    return result


def signed_post(server, body, service="iam", key_id=ROOT_KEY_ID, secret=ROOT_SECRET, when=None,
                extra_headers=None):
    """A POST of `body` (bytes) signed as botocore would sign it."""
    headers = {"content-type": "application/x-www-form-urlencoded; charset=utf-8"}
    headers.update(extra_headers or {})
    headers = sign_v4("POST", "127.0.0.1:%d" % server.port, "/", "", headers, body, key_id, secret,
                      service, when=when)
    return raw_request(server, "POST", body, headers)


class ServerTestCase(unittest.TestCase):
    """Starts one iamd for the whole class."""

    server = None

    @classmethod
    def setUpClass(cls):
        cls.server = Iamd().start()
        cls.iam = cls.server.client("iam")
        cls.sts = cls.server.client("sts")
        cls.raw_iam = cls.server.client("iam", validate=False)

    @classmethod
    def tearDownClass(cls):
        if cls.server:
            cls.server.cleanup()

    def assertAwsError(self, ctx, code, status=None, message=None):
        err = ctx.exception.response
        self.assertEqual(err["Error"]["Code"], code, err)
        if status is not None:
            self.assertEqual(err["ResponseMetadata"]["HTTPStatusCode"], status, err)
        if message is not None:
            self.assertEqual(err["Error"]["Message"], message, err)


def presign_v4(server, query, key_id, secret, service, expires, when=None, region="us-east-1"):
    """A presigned GET path ("/?...&X-Amz-Signature=...") made by hand, for any date."""
    when = when or datetime.datetime.now(datetime.timezone.utc)
    amz_date = when.strftime("%Y%m%dT%H%M%SZ")
    scope = "%s/%s/%s/aws4_request" % (amz_date[:8], region, service)
    params = urllib.parse.parse_qsl(query, keep_blank_values=True) + [
        ("X-Amz-Algorithm", "AWS4-HMAC-SHA256"), ("X-Amz-Credential", "%s/%s" % (key_id, scope)),
        ("X-Amz-Date", amz_date), ("X-Amz-Expires", str(expires)), ("X-Amz-SignedHeaders", "host")]
    enc = lambda s: urllib.parse.quote(s, safe="-_.~")
    canonical_query = "&".join("%s=%s" % (enc(k), enc(v)) for k, v in sorted(params))
    creq = "\n".join(["GET", "/", canonical_query, "host:127.0.0.1:%d\n" % server.port, "host",
                      hashlib.sha256(b"").hexdigest()])
    sts = "\n".join(["AWS4-HMAC-SHA256", amz_date, scope,
                     hashlib.sha256(creq.encode()).hexdigest()])
    k = ("AWS4" + secret).encode()
    for part in (amz_date[:8], region, service, "aws4_request"):
        k = hmac.new(k, part.encode(), hashlib.sha256).digest()
    return "/?%s&X-Amz-Signature=%s" % (canonical_query,
                                        hmac.new(k, sts.encode(), hashlib.sha256).hexdigest())
