"""The policy language enforced on every call: a user can do exactly what its policies allow, an
explicit deny wins, a boundary caps, a group's policy applies, and the simulator agrees with the
enforcement."""

import json
import unittest

import botocore.exceptions

from harness import ACCOUNT_ID, ServerTestCase

ClientError = botocore.exceptions.ClientError


def doc(*statements):
    return json.dumps({"Version": "2012-10-17", "Statement": list(statements)})


def allow(action, resource="*", **extra):
    return dict({"Effect": "Allow", "Action": action, "Resource": resource}, **extra)


def deny(action, resource="*", **extra):
    return dict({"Effect": "Deny", "Action": action, "Resource": resource}, **extra)


class EnforcementTest(ServerTestCase):
    def user_with_key(self, name, path="/"):
        self.iam.create_user(UserName=name, Path=path)
        key = self.iam.create_access_key(UserName=name)["AccessKey"]
        return self.server.client("iam", key["AccessKeyId"], key["SecretAccessKey"])

    def assertDenied(self, fn, action, resource=None, reason="no identity-based policy allows"):
        with self.assertRaises(ClientError) as ctx:
            fn()
        err = ctx.exception.response["Error"]
        self.assertEqual(err["Code"], "AccessDenied", err)
        self.assertEqual(ctx.exception.response["ResponseMetadata"]["HTTPStatusCode"], 403)
        self.assertIn("is not authorized to perform: %s" % action, err["Message"])
        if resource:
            self.assertIn("on resource: %s" % resource, err["Message"])
        self.assertIn(reason, err["Message"])

    def test_exactly_what_the_policy_allows(self):
        iam = self.user_with_key("reader")
        self.assertDenied(iam.list_users, "iam:ListUsers",
                          "arn:aws:iam::%s:user/" % ACCOUNT_ID)
        self.iam.put_user_policy(UserName="reader", PolicyName="list",
                                 PolicyDocument=doc(allow("iam:List*")))
        self.assertIn("reader", [u["UserName"] for u in iam.list_users()["Users"]])
        self.assertDenied(lambda: iam.create_user(UserName="nope"), "iam:CreateUser",
                          "arn:aws:iam::%s:user/nope" % ACCOUNT_ID)
        self.assertDenied(lambda: iam.get_user(UserName="reader"), "iam:GetUser")

    def test_resource_scoping_and_variables(self):
        iam = self.user_with_key("selfservice")
        self.iam.put_user_policy(
            UserName="selfservice", PolicyName="own-keys",
            PolicyDocument=doc(allow(["iam:ListAccessKeys", "iam:GetUser"],
                                     "arn:aws:iam::*:user/${aws:username}")))
        self.assertEqual(iam.get_user(UserName="selfservice")["User"]["UserName"], "selfservice")
        self.assertEqual(len(iam.list_access_keys(UserName="selfservice")["AccessKeyMetadata"]), 1)
        self.iam.create_user(UserName="someone-else")
        self.assertDenied(lambda: iam.get_user(UserName="someone-else"), "iam:GetUser",
                          "arn:aws:iam::%s:user/someone-else" % ACCOUNT_ID)

    def test_explicit_deny_wins(self):
        iam = self.user_with_key("denied")
        self.iam.put_user_policy(UserName="denied", PolicyName="all",
                                 PolicyDocument=doc(allow("*")))
        self.iam.put_user_policy(UserName="denied", PolicyName="no-groups",
                                 PolicyDocument=doc(deny("iam:*Group*")))
        iam.list_users()
        self.assertDenied(iam.list_groups, "iam:ListGroups",
                          reason="with an explicit deny in an identity-based policy")

    def test_group_policy_applies(self):
        iam = self.user_with_key("member")
        self.iam.create_group(GroupName="readers")
        self.iam.put_group_policy(GroupName="readers", PolicyName="read",
                                  PolicyDocument=doc(allow("iam:ListGroups")))
        self.assertDenied(iam.list_groups, "iam:ListGroups")
        self.iam.add_user_to_group(GroupName="readers", UserName="member")
        iam.list_groups()
        self.iam.remove_user_from_group(GroupName="readers", UserName="member")
        self.assertDenied(iam.list_groups, "iam:ListGroups")

    def test_managed_policies_and_boundary_cap(self):
        iam = self.user_with_key("bounded")
        self.iam.attach_user_policy(UserName="bounded",
                                    PolicyArn="arn:aws:iam::aws:policy/IAMReadOnlyAccess")
        iam.list_users()
        iam.list_groups()
        boundary = self.iam.create_policy(PolicyName="only-users",
                                          PolicyDocument=doc(allow("iam:ListUsers")))["Policy"]
        self.iam.put_user_permissions_boundary(UserName="bounded",
                                               PermissionsBoundary=boundary["Arn"])
        iam.list_users()
        self.assertDenied(iam.list_groups, "iam:ListGroups",
                          reason="no permissions boundary allows")
        self.iam.delete_user_permissions_boundary(UserName="bounded")
        iam.list_groups()

    def test_conditions_on_tags_and_transport(self):
        iam = self.user_with_key("tagger")
        self.iam.tag_user(UserName="tagger", Tags=[{"Key": "team", "Value": "blue"}])
        self.iam.put_user_policy(UserName="tagger", PolicyName="tagged", PolicyDocument=doc(
            allow("iam:CreateUser", Condition={
                "StringEquals": {"aws:RequestTag/team": "${aws:PrincipalTag/team}"},
                "ForAllValues:StringEquals": {"aws:TagKeys": ["team"]}}),
            deny("iam:CreateUser", Condition={"Bool": {"aws:SecureTransport": "true"}})))
        iam.create_user(UserName="blue-1", Tags=[{"Key": "team", "Value": "blue"}])
        self.assertDenied(lambda: iam.create_user(UserName="red-1",
                                                  Tags=[{"Key": "team", "Value": "red"}]),
                          "iam:CreateUser")
        self.assertDenied(lambda: iam.create_user(UserName="untagged"), "iam:CreateUser")

    def test_policy_arn_condition_on_attach(self):
        iam = self.user_with_key("delegated-admin")
        readonly = "arn:aws:iam::aws:policy/IAMReadOnlyAccess"
        self.iam.create_user(UserName="managed-by-delegate")
        self.iam.put_user_policy(UserName="delegated-admin", PolicyName="attach-readonly-only",
                                 PolicyDocument=doc(allow("iam:AttachUserPolicy", Condition={
                                     "ArnEquals": {"iam:PolicyARN": readonly}})))
        iam.attach_user_policy(UserName="managed-by-delegate", PolicyArn=readonly)
        self.assertDenied(lambda: iam.attach_user_policy(
            UserName="managed-by-delegate", PolicyArn="arn:aws:iam::aws:policy/AdministratorAccess"),
            "iam:AttachUserPolicy")

    def test_simulator_agrees_with_enforcement(self):
        iam = self.user_with_key("simulated")
        self.iam.put_user_policy(UserName="simulated", PolicyName="p",
                                 PolicyDocument=doc(allow("iam:List*"), deny("iam:ListGroups")))
        arn = "arn:aws:iam::%s:user/simulated" % ACCOUNT_ID
        results = self.iam.simulate_principal_policy(
            PolicySourceArn=arn,
            ActionNames=["iam:ListUsers", "iam:ListGroups", "iam:CreateUser"])["EvaluationResults"]
        decisions = {r["EvalActionName"]: r["EvalDecision"] for r in results}
        self.assertEqual(decisions, {"iam:ListUsers": "allowed", "iam:ListGroups": "explicitDeny",
                                     "iam:CreateUser": "implicitDeny"})
        iam.list_users()
        self.assertDenied(iam.list_groups, "iam:ListGroups", reason="explicit deny")
        self.assertDenied(lambda: iam.create_user(UserName="x"), "iam:CreateUser")
        denied = [r for r in results if r["EvalActionName"] == "iam:ListGroups"][0]
        self.assertEqual(len(denied["MatchedStatements"]), 1)
        self.assertEqual(denied["MatchedStatements"][0]["SourcePolicyId"], "p")

    def test_simulate_custom_policy_and_context_keys(self):
        policy = doc(allow("iam:CreateUser", Condition={"IpAddress": {"aws:SourceIp": "10.0.0.0/8"}}))
        res = self.iam.simulate_custom_policy(
            PolicyInputList=[policy], ActionNames=["iam:CreateUser"],
            ContextEntries=[{"ContextKeyName": "aws:SourceIp", "ContextKeyValues": ["10.1.2.3"],
                             "ContextKeyType": "ip"}])["EvaluationResults"][0]
        self.assertEqual(res["EvalDecision"], "allowed")
        self.assertEqual(res["MatchedStatements"][0]["SourcePolicyId"], "PolicyInputList.1")
        self.assertEqual(res["MatchedStatements"][0]["StartPosition"]["Line"], 1)
        res = self.iam.simulate_custom_policy(PolicyInputList=[policy],
                                              ActionNames=["iam:CreateUser"])["EvaluationResults"][0]
        self.assertEqual(res["EvalDecision"], "implicitDeny")
        self.assertEqual(res["MissingContextValues"], ["aws:SourceIp"])
        keys = self.iam.get_context_keys_for_custom_policy(PolicyInputList=[policy])
        self.assertEqual(keys["ContextKeyNames"], ["aws:SourceIp"])

    def test_get_caller_identity_needs_no_permission(self):
        self.iam.create_user(UserName="nobody-allowed")
        self.iam.put_user_policy(UserName="nobody-allowed", PolicyName="deny-all",
                                 PolicyDocument=doc(deny("*")))
        key = self.iam.create_access_key(UserName="nobody-allowed")["AccessKey"]
        sts = self.server.client("sts", key["AccessKeyId"], key["SecretAccessKey"])
        self.assertTrue(sts.get_caller_identity()["Arn"].endswith(":user/nobody-allowed"))


if __name__ == "__main__":
    unittest.main()
