"""Virtual MFA devices through boto3, the AWS CLI and the raw wire: create, enable with two
consecutive TOTP codes computed here from the returned seed, list, resync, deactivate, delete,
tags, the DeleteUser conflict and the account summary's MFA counts."""

import base64
import hashlib
import hmac
import json
import os
import re
import struct
import tempfile
import time
import unittest
import urllib.parse
import xml.etree.ElementTree as ET

import botocore.exceptions

from harness import ACCOUNT_ID, ServerTestCase, signed_post

ClientError = botocore.exceptions.ClientError
PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"
NS = {"iam": "https://iam.amazonaws.com/doc/2010-05-08/"}


def totp(key, when):
    """RFC 6238: HMAC-SHA-1 over the 30-second step, dynamic truncation, 6 digits."""
    mac = hmac.new(key, struct.pack(">Q", int(when) // 30), hashlib.sha1).digest()
    offset = mac[-1] & 0x0F
    return "%06d" % ((struct.unpack(">I", mac[offset:offset + 4])[0] & 0x7FFFFFFF) % 1000000)


def seed_key(seed):
    """boto3 hands a blob back base64-decoded: the bytes are the base32 text of the seed."""
    text = seed.decode("ascii")
    return base64.b32decode(text + "=" * (-len(text) % 8))


class MfaDevicesTest(ServerTestCase):
    def create(self, name, **kwargs):
        device = self.iam.create_virtual_mfa_device(VirtualMFADeviceName=name,
                                                    **kwargs)["VirtualMFADevice"]
        return device["SerialNumber"], seed_key(device["Base32StringSeed"])

    def enable(self, user, serial, key):
        now = time.time()
        self.iam.enable_mfa_device(UserName=user, SerialNumber=serial,
                                   AuthenticationCode1=totp(key, now - 30),
                                   AuthenticationCode2=totp(key, now))

    def test_create_returns_seed_and_qr_code(self):
        device = self.iam.create_virtual_mfa_device(
            VirtualMFADeviceName="JaneMFA", Path="/eng/",
            Tags=[{"Key": "team", "Value": "core"}])["VirtualMFADevice"]
        self.assertEqual(device["SerialNumber"], "arn:aws:iam::%s:mfa/eng/JaneMFA" % ACCOUNT_ID)
        seed = device["Base32StringSeed"]
        self.assertRegex(seed.decode("ascii"), r"^[A-Z2-7]{64}$")
        self.assertEqual(len(seed_key(seed)), 40)
        self.assertTrue(device["QRCodePNG"].startswith(PNG_SIGNATURE), device["QRCodePNG"][:16])
        self.assertEqual(device["Tags"], [{"Key": "team", "Value": "core"}])
        with self.assertRaises(ClientError) as ctx:
            self.iam.create_virtual_mfa_device(VirtualMFADeviceName="JaneMFA", Path="/eng/")
        self.assertAwsError(ctx, "EntityAlreadyExists", 409)
        # The seed is returned once: listings never carry it.
        listed = self.iam.list_virtual_mfa_devices()["VirtualMFADevices"]
        mine = [d for d in listed if d["SerialNumber"] == device["SerialNumber"]]
        self.assertEqual(len(mine), 1)
        self.assertNotIn("Base32StringSeed", mine[0])
        self.assertNotIn("QRCodePNG", mine[0])

    def test_lifecycle(self):
        self.iam.create_user(UserName="mfa-alice")
        serial, key = self.create("mfa-alice-device")
        now = time.time()

        for code1, code2 in [("000000", "000000"),
                             (totp(key, now), totp(key, now - 30))]:  # swapped: not consecutive
            with self.assertRaises(ClientError) as ctx:
                self.iam.enable_mfa_device(UserName="mfa-alice", SerialNumber=serial,
                                           AuthenticationCode1=code1, AuthenticationCode2=code2)
            self.assertAwsError(ctx, "InvalidAuthenticationCode", 403,
                                "Authentication code for device is not valid.")
        self.assertEqual(self.iam.list_mfa_devices(UserName="mfa-alice")["MFADevices"], [])

        self.enable("mfa-alice", serial, key)
        with self.assertRaises(ClientError) as ctx:
            self.enable("mfa-alice", serial, key)
        self.assertAwsError(ctx, "EntityAlreadyExists", 409)

        devices = self.iam.list_mfa_devices(UserName="mfa-alice")["MFADevices"]
        self.assertEqual([(d["UserName"], d["SerialNumber"]) for d in devices],
                         [("mfa-alice", serial)])
        self.assertIn("EnableDate", devices[0])
        got = self.iam.get_mfa_device(UserName="mfa-alice", SerialNumber=serial)
        self.assertEqual(got["SerialNumber"], serial)

        assigned = self.iam.list_virtual_mfa_devices(AssignmentStatus="Assigned")
        entry = [d for d in assigned["VirtualMFADevices"] if d["SerialNumber"] == serial]
        self.assertEqual(len(entry), 1)
        self.assertEqual(entry[0]["User"]["UserName"], "mfa-alice")
        self.assertEqual(entry[0]["User"]["Arn"], "arn:aws:iam::%s:user/mfa-alice" % ACCOUNT_ID)
        self.assertIn("EnableDate", entry[0])
        unassigned = self.iam.list_virtual_mfa_devices(AssignmentStatus="Unassigned")
        self.assertNotIn(serial, [d["SerialNumber"] for d in unassigned["VirtualMFADevices"]])

        with self.assertRaises(ClientError) as ctx:
            self.iam.delete_virtual_mfa_device(SerialNumber=serial)
        self.assertAwsError(ctx, "DeleteConflict", 409)
        with self.assertRaises(ClientError) as ctx:
            self.iam.delete_user(UserName="mfa-alice")
        self.assertAwsError(ctx, "DeleteConflict", 409,
                            "Cannot delete entity, must delete MFA device first.")

        self.iam.deactivate_mfa_device(UserName="mfa-alice", SerialNumber=serial)
        self.assertEqual(self.iam.list_mfa_devices(UserName="mfa-alice")["MFADevices"], [])
        unassigned = self.iam.list_virtual_mfa_devices(AssignmentStatus="Unassigned")
        self.assertIn(serial, [d["SerialNumber"] for d in unassigned["VirtualMFADevices"]])
        with self.assertRaises(ClientError) as ctx:
            self.iam.deactivate_mfa_device(UserName="mfa-alice", SerialNumber=serial)
        self.assertAwsError(ctx, "NoSuchEntity", 404)

        self.iam.delete_virtual_mfa_device(SerialNumber=serial)
        with self.assertRaises(ClientError) as ctx:
            self.iam.delete_virtual_mfa_device(SerialNumber=serial)
        self.assertAwsError(ctx, "NoSuchEntity", 404,
                            "VirtualMFADevice with serial number %s doesn't exist." % serial)
        self.iam.delete_user(UserName="mfa-alice")

    def test_resync(self):
        self.iam.create_user(UserName="mfa-bob")
        serial, key = self.create("mfa-bob-device")
        self.enable("mfa-bob", serial, key)
        now = time.time()
        with self.assertRaises(ClientError) as ctx:
            self.iam.resync_mfa_device(UserName="mfa-bob", SerialNumber=serial,
                                       AuthenticationCode1="123456", AuthenticationCode2="654321")
        self.assertAwsError(ctx, "InvalidAuthenticationCode", 403)
        # A device one minute fast: its next two codes re-anchor it.
        self.iam.resync_mfa_device(UserName="mfa-bob", SerialNumber=serial,
                                   AuthenticationCode1=totp(key, now + 60),
                                   AuthenticationCode2=totp(key, now + 90))
        # The same codes again are spent.
        with self.assertRaises(ClientError) as ctx:
            self.iam.resync_mfa_device(UserName="mfa-bob", SerialNumber=serial,
                                       AuthenticationCode1=totp(key, now + 60),
                                       AuthenticationCode2=totp(key, now + 90))
        self.assertAwsError(ctx, "InvalidAuthenticationCode", 403)

    def test_validation(self):
        serial, _ = self.create("mfa-validation")
        self.iam.create_user(UserName="mfa-val-user")
        with self.assertRaises(ClientError) as ctx:
            self.raw_iam.enable_mfa_device(UserName="mfa-val-user", SerialNumber=serial,
                                           AuthenticationCode1="12345",
                                           AuthenticationCode2="abcdef")
        self.assertAwsError(ctx, "ValidationError", 400)
        with self.assertRaises(ClientError) as ctx:
            self.raw_iam.create_virtual_mfa_device(VirtualMFADeviceName="no spaces")
        self.assertAwsError(ctx, "ValidationError", 400)
        with self.assertRaises(ClientError) as ctx:
            self.iam.enable_mfa_device(UserName="mfa-val-user",
                                       SerialNumber="arn:aws:iam::%s:mfa/absent" % ACCOUNT_ID,
                                       AuthenticationCode1="123456", AuthenticationCode2="123456")
        self.assertAwsError(ctx, "NoSuchEntity", 404)

    def test_tags(self):
        serial, _ = self.create("mfa-tagged")
        self.iam.tag_mfa_device(SerialNumber=serial, Tags=[{"Key": "Dept", "Value": "finance"},
                                                           {"Key": "cost", "Value": ""}])
        self.iam.tag_mfa_device(SerialNumber=serial, Tags=[{"Key": "Dept", "Value": "hr"}])
        tags = self.iam.list_mfa_device_tags(SerialNumber=serial)["Tags"]
        self.assertEqual(tags, [{"Key": "Dept", "Value": "hr"}, {"Key": "cost", "Value": ""}])
        self.iam.untag_mfa_device(SerialNumber=serial, TagKeys=["cost", "absent"])
        self.assertEqual(self.iam.list_mfa_device_tags(SerialNumber=serial)["Tags"],
                         [{"Key": "Dept", "Value": "hr"}])
        with self.assertRaises(ClientError) as ctx:
            self.iam.tag_mfa_device(SerialNumber=serial, Tags=[{"Key": "aws:x", "Value": "y"}])
        self.assertAwsError(ctx, "InvalidInput", 400)

    def test_pagination(self):
        serials = {self.create("mfa-page-%d" % i, Path="/paging/")[0] for i in range(5)}
        paginator = self.iam.get_paginator("list_virtual_mfa_devices")
        seen = [d["SerialNumber"] for page in paginator.paginate(PaginationConfig={"PageSize": 2})
                for d in page["VirtualMFADevices"]]
        self.assertEqual(len(seen), len(set(seen)))
        self.assertTrue(serials <= set(seen))

    def test_users_list_their_own_devices(self):
        self.iam.create_user(UserName="mfa-carol")
        self.iam.put_user_policy(UserName="mfa-carol", PolicyName="own-mfa", PolicyDocument=json.dumps({
            "Version": "2012-10-17",
            "Statement": [{"Effect": "Allow", "Action": "iam:ListMFADevices",
                           "Resource": "arn:aws:iam::*:user/${aws:username}"}]}))
        access = self.iam.create_access_key(UserName="mfa-carol")["AccessKey"]
        serial, key = self.create("mfa-carol-device")
        self.enable("mfa-carol", serial, key)
        carol = self.server.client("iam", access["AccessKeyId"], access["SecretAccessKey"])
        devices = carol.list_mfa_devices()["MFADevices"]
        self.assertEqual([d["SerialNumber"] for d in devices], [serial])
        with self.assertRaises(ClientError) as ctx:
            carol.list_virtual_mfa_devices()
        self.assertAwsError(ctx, "AccessDenied", 403)

    def test_wire_blob_is_base64_of_the_base32_text(self):
        body = urllib.parse.urlencode({"Action": "CreateVirtualMFADevice", "Version": "2010-05-08",
                                       "VirtualMFADeviceName": "mfa-wire"}).encode()
        status, _, data = signed_post(self.server, body)
        self.assertEqual(status, 200, data)
        root = ET.fromstring(data)
        device = root.find("iam:CreateVirtualMFADeviceResult/iam:VirtualMFADevice", NS)
        seed = base64.b64decode(device.find("iam:Base32StringSeed", NS).text, validate=True)
        self.assertRegex(seed.decode("ascii"), r"^[A-Z2-7]{64}$")
        png = base64.b64decode(device.find("iam:QRCodePNG", NS).text, validate=True)
        self.assertTrue(png.startswith(PNG_SIGNATURE))

    def test_cli_writes_the_qr_code_png(self):
        with tempfile.TemporaryDirectory() as tmp:
            png_path = os.path.join(tmp, "qr.png")
            _, out, _ = self.server.cli("iam", "create-virtual-mfa-device",
                                        "--virtual-mfa-device-name", "mfa-cli",
                                        "--outfile", png_path, "--bootstrap-method", "QRCodePNG")
            self.assertEqual(json.loads(out)["VirtualMFADevice"]["SerialNumber"],
                             "arn:aws:iam::%s:mfa/mfa-cli" % ACCOUNT_ID)
            with open(png_path, "rb") as f:
                self.assertTrue(f.read().startswith(PNG_SIGNATURE))
            seed_path = os.path.join(tmp, "seed.txt")
            self.server.cli("iam", "create-virtual-mfa-device", "--virtual-mfa-device-name",
                            "mfa-cli-2", "--outfile", seed_path,
                            "--bootstrap-method", "Base32StringSeed")
            with open(seed_path, "rb") as f:
                self.assertRegex(f.read().decode("ascii"), r"^[A-Z2-7]{64}$")


class MfaSummaryTest(ServerTestCase):
    def summary(self):
        m = self.iam.get_account_summary()["SummaryMap"]
        return m["MFADevices"], m["MFADevicesInUse"], m["AccountMFAEnabled"]

    def test_account_summary_counts(self):
        self.assertEqual(self.summary(), (0, 0, 0))
        self.iam.create_user(UserName="summary-user")
        device = self.iam.create_virtual_mfa_device(
            VirtualMFADeviceName="summary-device")["VirtualMFADevice"]
        self.iam.create_virtual_mfa_device(VirtualMFADeviceName="summary-spare")
        self.assertEqual(self.summary(), (2, 0, 0))
        key = seed_key(device["Base32StringSeed"])
        now = time.time()
        self.iam.enable_mfa_device(UserName="summary-user", SerialNumber=device["SerialNumber"],
                                   AuthenticationCode1=totp(key, now - 30),
                                   AuthenticationCode2=totp(key, now))
        self.assertEqual(self.summary(), (2, 1, 0))
        self.iam.deactivate_mfa_device(UserName="summary-user",
                                       SerialNumber=device["SerialNumber"])
        self.iam.delete_virtual_mfa_device(SerialNumber=device["SerialNumber"])
        self.assertEqual(self.summary(), (1, 0, 0))


if __name__ == "__main__":
    unittest.main()
