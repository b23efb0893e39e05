"""IAM users, groups, access keys, login profiles, the password policy, aliases and the account
summary, driven through boto3 against a real iamd."""

import unittest

import botocore.exceptions

from harness import ACCOUNT_ID, ServerTestCase

ClientError = botocore.exceptions.ClientError


class UsersTest(ServerTestCase):
    def test_create_get_list_update_delete(self):
        created = self.iam.create_user(UserName="alice", Path="/eng/",
                                       Tags=[{"Key": "team", "Value": "core"}])["User"]
        self.assertEqual(created["Arn"], "arn:aws:iam::%s:user/eng/alice" % ACCOUNT_ID)
        self.assertTrue(created["UserId"].startswith("AIDA"))
        self.assertEqual(len(created["UserId"]), 21)
        self.assertEqual(created["Path"], "/eng/")
        self.assertEqual(created["Tags"], [{"Key": "team", "Value": "core"}])

        got = self.iam.get_user(UserName="alice")["User"]
        self.assertEqual(got["UserId"], created["UserId"])
        self.assertEqual(got["CreateDate"], created["CreateDate"])

        names = [u["UserName"] for u in self.iam.list_users(PathPrefix="/eng/")["Users"]]
        self.assertIn("alice", names)
        self.assertNotIn("alice", [u["UserName"] for u in
                                   self.iam.list_users(PathPrefix="/ops/")["Users"]])

        self.iam.update_user(UserName="alice", NewUserName="alice2", NewPath="/ops/")
        moved = self.iam.get_user(UserName="alice2")["User"]
        self.assertEqual(moved["UserId"], created["UserId"])
        self.assertEqual(moved["Arn"], "arn:aws:iam::%s:user/ops/alice2" % ACCOUNT_ID)
        with self.assertRaises(ClientError) as ctx:
            self.iam.get_user(UserName="alice")
        self.assertAwsError(ctx, "NoSuchEntity", 404, "The user with name alice cannot be found.")

        self.iam.delete_user(UserName="alice2")
        with self.assertRaises(ClientError) as ctx:
            self.iam.delete_user(UserName="alice2")
        self.assertAwsError(ctx, "NoSuchEntity", 404)

    def test_names_are_unique_case_insensitively(self):
        self.iam.create_user(UserName="Bob")
        with self.assertRaises(ClientError) as ctx:
            self.iam.create_user(UserName="BOB")
        self.assertAwsError(ctx, "EntityAlreadyExists", 409, "User with name BOB already exists.")
        self.assertEqual(self.iam.get_user(UserName="bob")["User"]["UserName"], "Bob")

    def test_pagination_loops_over_every_user(self):
        for i in range(7):
            self.iam.create_user(UserName="page-user-%d" % i, Path="/paging/")
        first = self.iam.list_users(PathPrefix="/paging/", MaxItems=3)
        self.assertTrue(first["IsTruncated"])
        self.assertEqual(len(first["Users"]), 3)
        paginator = self.iam.get_paginator("list_users")
        seen = [u["UserName"] for page in paginator.paginate(PathPrefix="/paging/",
                                                            PaginationConfig={"PageSize": 2})
                for u in page["Users"]]
        self.assertEqual(sorted(seen), ["page-user-%d" % i for i in range(7)])

    def test_tags(self):
        self.iam.create_user(UserName="tagged")
        self.iam.tag_user(UserName="tagged", Tags=[{"Key": "Dept", "Value": "finance"},
                                                   {"Key": "cost", "Value": ""}])
        # Keys on users compare case-insensitively; the new case wins.
        self.iam.tag_user(UserName="tagged", Tags=[{"Key": "dept", "Value": "hr"}])
        tags = self.iam.list_user_tags(UserName="tagged")["Tags"]
        self.assertEqual(sorted((t["Key"], t["Value"]) for t in tags),
                         [("cost", ""), ("dept", "hr")])
        self.iam.untag_user(UserName="tagged", TagKeys=["DEPT", "absent"])
        self.assertEqual(self.iam.list_user_tags(UserName="tagged")["Tags"],
                         [{"Key": "cost", "Value": ""}])
        with self.assertRaises(ClientError) as ctx:
            self.iam.tag_user(UserName="tagged", Tags=[{"Key": "a", "Value": "1"},
                                                       {"Key": "A", "Value": "2"}])
        self.assertAwsError(ctx, "InvalidInput", 400)
        with self.assertRaises(ClientError) as ctx:
            self.iam.tag_user(UserName="tagged",
                              Tags=[{"Key": "k%d" % i, "Value": "v"} for i in range(50)])
        self.assertAwsError(ctx, "LimitExceeded", 409)
        with self.assertRaises(ClientError) as ctx:
            self.raw_iam.create_user(UserName="too-many-tags",
                                 Tags=[{"Key": "k%d" % i, "Value": "v"} for i in range(51)])
        self.assertAwsError(ctx, "ValidationError", 400)
        # The whole request failed: nothing was created.
        with self.assertRaises(ClientError):
            self.iam.get_user(UserName="too-many-tags")

    def test_delete_conflicts(self):
        self.iam.create_user(UserName="busy")
        self.iam.create_group(GroupName="busy-group")
        self.iam.add_user_to_group(UserName="busy", GroupName="busy-group")
        key = self.iam.create_access_key(UserName="busy")["AccessKey"]
        self.iam.create_login_profile(UserName="busy", Password="Secr3t-Passw0rd!")
        for blocker, remove in [
                ("login profile", lambda: self.iam.delete_login_profile(UserName="busy")),
                ("access keys", lambda: self.iam.delete_access_key(
                    UserName="busy", AccessKeyId=key["AccessKeyId"])),
                ("groups", lambda: self.iam.remove_user_from_group(UserName="busy",
                                                                   GroupName="busy-group"))]:
            with self.assertRaises(ClientError) as ctx:
                self.iam.delete_user(UserName="busy")
            self.assertAwsError(ctx, "DeleteConflict", 409)
            remove()
        self.iam.delete_user(UserName="busy")

    def test_get_user_without_name_as_root_and_as_user(self):
        me = self.iam.get_user()["User"]
        self.assertEqual(me["Arn"], "arn:aws:iam::%s:root" % ACCOUNT_ID)
        self.assertEqual(me["UserId"], ACCOUNT_ID)


class GroupsTest(ServerTestCase):
    def test_groups_and_membership(self):
        group = self.iam.create_group(GroupName="devs", Path="/teams/")["Group"]
        self.assertTrue(group["GroupId"].startswith("AGPA"))
        self.assertEqual(group["Arn"], "arn:aws:iam::%s:group/teams/devs" % ACCOUNT_ID)
        with self.assertRaises(ClientError) as ctx:
            self.iam.create_group(GroupName="DEVS")
        self.assertAwsError(ctx, "EntityAlreadyExists", 409)
        for name in ("carol", "dave"):
            self.iam.create_user(UserName=name)
            self.iam.add_user_to_group(GroupName="devs", UserName=name)
        self.iam.add_user_to_group(GroupName="devs", UserName="carol")  # idempotent
        got = self.iam.get_group(GroupName="devs")
        self.assertEqual([u["UserName"] for u in got["Users"]], ["carol", "dave"])
        self.assertEqual([g["GroupName"] for g in
                          self.iam.list_groups_for_user(UserName="carol")["Groups"]], ["devs"])
        with self.assertRaises(ClientError) as ctx:
            self.iam.delete_group(GroupName="devs")
        self.assertAwsError(ctx, "DeleteConflict", 409,
                            "Cannot delete entity, must remove users from group first.")
        self.iam.update_group(GroupName="devs", NewGroupName="developers")
        self.assertEqual([g["GroupName"] for g in
                          self.iam.list_groups_for_user(UserName="dave")["Groups"]],
                         ["developers"])
        for name in ("carol", "dave"):
            self.iam.remove_user_from_group(GroupName="developers", UserName=name)
        with self.assertRaises(ClientError) as ctx:
            self.iam.remove_user_from_group(GroupName="developers", UserName="carol")
        self.assertAwsError(ctx, "NoSuchEntity", 404)
        self.iam.delete_group(GroupName="developers")
        with self.assertRaises(ClientError) as ctx:
            self.iam.get_group(GroupName="developers")
        self.assertAwsError(ctx, "NoSuchEntity", 404,
                            "The group with name developers cannot be found.")
        self.assertNotIn("developers", [g["GroupName"] for g in self.iam.list_groups()["Groups"]])


class AccessKeysTest(ServerTestCase):
    def test_key_lifecycle_and_signing(self):
        self.iam.create_user(UserName="erin")
        key = self.iam.create_access_key(UserName="erin")["AccessKey"]
        self.assertTrue(key["AccessKeyId"].startswith("AKIA"))
        self.assertEqual(len(key["AccessKeyId"]), 20)
        self.assertEqual(len(key["SecretAccessKey"]), 40)
        self.assertEqual(key["Status"], "Active")
        listed = self.iam.list_access_keys(UserName="erin")["AccessKeyMetadata"]
        self.assertEqual([k["AccessKeyId"] for k in listed], [key["AccessKeyId"]])
        self.assertNotIn("SecretAccessKey", listed[0])

        erin_sts = self.server.client("sts", key["AccessKeyId"], key["SecretAccessKey"])
        ident = erin_sts.get_caller_identity()
        self.assertEqual(ident["Arn"], "arn:aws:iam::%s:user/erin" % ACCOUNT_ID)
        self.assertEqual(ident["UserId"], self.iam.get_user(UserName="erin")["User"]["UserId"])
        self.assertEqual(ident["Account"], ACCOUNT_ID)

        used = self.iam.get_access_key_last_used(AccessKeyId=key["AccessKeyId"])
        self.assertEqual(used["UserName"], "erin")
        self.assertEqual(used["AccessKeyLastUsed"]["ServiceName"], "sts")
        self.assertEqual(used["AccessKeyLastUsed"]["Region"], "us-east-1")
        self.assertIn("LastUsedDate", used["AccessKeyLastUsed"])

        # Until policies exist, a user may call nothing but GetCallerIdentity.
        erin_iam = self.server.client("iam", key["AccessKeyId"], key["SecretAccessKey"])
        with self.assertRaises(ClientError) as ctx:
            erin_iam.list_users()
        self.assertAwsError(ctx, "AccessDenied", 403,
                            "User: arn:aws:iam::%s:user/erin is not authorized to perform: "
                            "iam:ListUsers on resource: arn:aws:iam::%s:user/ because no "
                            "identity-based policy allows the iam:ListUsers action"
                            % (ACCOUNT_ID, ACCOUNT_ID))

        self.iam.update_access_key(UserName="erin", AccessKeyId=key["AccessKeyId"],
                                   Status="Inactive")
        with self.assertRaises(ClientError) as ctx:
            erin_sts.get_caller_identity()
        self.assertAwsError(ctx, "InvalidClientTokenId", 403)
        self.iam.update_access_key(UserName="erin", AccessKeyId=key["AccessKeyId"],
                                   Status="Active")
        self.assertEqual(erin_sts.get_caller_identity()["Account"], ACCOUNT_ID)

        self.iam.delete_access_key(UserName="erin", AccessKeyId=key["AccessKeyId"])
        with self.assertRaises(ClientError) as ctx:
            erin_sts.get_caller_identity()
        self.assertAwsError(ctx, "InvalidClientTokenId", 403,
                            "The security token included in the request is invalid.")

    def test_at_most_two_keys(self):
        self.iam.create_user(UserName="frank")
        self.iam.create_access_key(UserName="frank")
        self.iam.create_access_key(UserName="frank")
        with self.assertRaises(ClientError) as ctx:
            self.iam.create_access_key(UserName="frank")
        self.assertAwsError(ctx, "LimitExceeded", 409, "Cannot exceed quota for AccessKeysPerUser: 2")

    def test_unknown_key_and_other_users_key(self):
        self.iam.create_user(UserName="gina")
        self.iam.create_user(UserName="hank")
        key = self.iam.create_access_key(UserName="gina")["AccessKey"]
        with self.assertRaises(ClientError) as ctx:
            self.iam.delete_access_key(UserName="hank", AccessKeyId=key["AccessKeyId"])
        self.assertAwsError(ctx, "NoSuchEntity", 404)
        with self.assertRaises(ClientError) as ctx:
            self.raw_iam.update_access_key(UserName="gina", AccessKeyId=key["AccessKeyId"],
                                           Status="Bogus")
        self.assertAwsError(ctx, "ValidationError", 400)
        never = self.iam.get_access_key_last_used(AccessKeyId=key["AccessKeyId"])
        self.assertEqual(never["AccessKeyLastUsed"], {"ServiceName": "N/A", "Region": "N/A"})


class LoginProfilesTest(ServerTestCase):
    def test_login_profile_and_password_policy(self):
        self.iam.create_user(UserName="ivy")
        with self.assertRaises(ClientError) as ctx:
            self.iam.get_login_profile(UserName="ivy")
        self.assertAwsError(ctx, "NoSuchEntity", 404)
        with self.assertRaises(ClientError) as ctx:
            self.iam.get_account_password_policy()
        self.assertAwsError(ctx, "NoSuchEntity", 404)

        # AWS's default policy: 8+ characters from three classes.
        with self.assertRaises(ClientError) as ctx:
            self.iam.create_login_profile(UserName="ivy", Password="short")
        self.assertAwsError(ctx, "PasswordPolicyViolation", 400)
        self.assertNotIn("short", ctx.exception.response["Error"]["Message"])

        self.iam.update_account_password_policy(MinimumPasswordLength=12, RequireSymbols=True,
                                                MaxPasswordAge=90, PasswordReusePrevention=3)
        policy = self.iam.get_account_password_policy()["PasswordPolicy"]
        self.assertEqual(policy["MinimumPasswordLength"], 12)
        self.assertTrue(policy["RequireSymbols"])
        self.assertFalse(policy["RequireNumbers"])
        self.assertTrue(policy["ExpirePasswords"])
        self.assertEqual(policy["MaxPasswordAge"], 90)

        with self.assertRaises(ClientError) as ctx:
            self.iam.create_login_profile(UserName="ivy", Password="longbutnosymbol")
        self.assertAwsError(ctx, "PasswordPolicyViolation", 400)
        profile = self.iam.create_login_profile(UserName="ivy", Password="long-with-symbol!",
                                                PasswordResetRequired=True)["LoginProfile"]
        self.assertEqual(profile["UserName"], "ivy")
        self.assertTrue(profile["PasswordResetRequired"])
        with self.assertRaises(ClientError) as ctx:
            self.iam.create_login_profile(UserName="ivy", Password="long-with-symbol!")
        self.assertAwsError(ctx, "EntityAlreadyExists", 409)

        # Reuse prevention remembers the current password.
        with self.assertRaises(ClientError) as ctx:
            self.iam.update_login_profile(UserName="ivy", Password="long-with-symbol!")
        self.assertAwsError(ctx, "PasswordPolicyViolation", 400)
        self.iam.update_login_profile(UserName="ivy", Password="another-secret!",
                                      PasswordResetRequired=False)
        self.assertFalse(self.iam.get_login_profile(UserName="ivy")["LoginProfile"]
                         ["PasswordResetRequired"])

        with self.assertRaises(ClientError) as ctx:
            self.raw_iam.update_account_password_policy(MinimumPasswordLength=5)
        self.assertAwsError(ctx, "ValidationError", 400)
        self.iam.delete_account_password_policy()
        with self.assertRaises(ClientError) as ctx:
            self.iam.delete_account_password_policy()
        self.assertAwsError(ctx, "NoSuchEntity", 404)
        self.iam.delete_login_profile(UserName="ivy")
        with self.assertRaises(ClientError) as ctx:
            self.iam.delete_login_profile(UserName="ivy")
        self.assertAwsError(ctx, "NoSuchEntity", 404)


class AccountTest(ServerTestCase):
    def test_alias_and_summary(self):
        self.assertEqual(self.iam.list_account_aliases()["AccountAliases"], [])
        self.iam.create_account_alias(AccountAlias="example-corp")
        self.assertEqual(self.iam.list_account_aliases()["AccountAliases"], ["example-corp"])
        for bad in ("-bad", "bad--alias", "Upper", "123456789012", "ab"):
            with self.assertRaises(ClientError, msg=bad) as ctx:
                self.raw_iam.create_account_alias(AccountAlias=bad)
            self.assertIn(ctx.exception.response["Error"]["Code"], ("ValidationError", "InvalidInput"))
        self.iam.delete_account_alias(AccountAlias="example-corp")
        self.assertEqual(self.iam.list_account_aliases()["AccountAliases"], [])

        before = self.iam.get_account_summary()["SummaryMap"]
        self.iam.create_user(UserName="counted")
        after = self.iam.get_account_summary()["SummaryMap"]
        self.assertEqual(after["Users"], before["Users"] + 1)
        self.assertEqual(after["UsersQuota"], 5000)
        self.assertEqual(after["AccessKeysPerUserQuota"], 2)
        self.assertEqual(after["AccountAccessKeysPresent"], 1)


if __name__ == "__main__":
    unittest.main()
