"""IAM roles: CreateRole/GetRole/ListRoles/UpdateRole/UpdateRoleDescription/UpdateAssumeRolePolicy/
DeleteRole, role tags, role inline and attached policies, role permissions boundaries, and the role
parts of the account-wide calls, driven through boto3 and the AWS CLI against a real iamd."""

import json
import os
import tempfile
import unittest

import botocore.exceptions

from harness import ACCOUNT_ID, ServerTestCase

ClientError = botocore.exceptions.ClientError

READ_ONLY = "arn:aws:iam::aws:policy/ReadOnlyAccess"
ADMIN = "arn:aws:iam::aws:policy/AdministratorAccess"

TRUST = {"Version": "2012-10-17",
         "Statement": [{"Effect": "Allow", "Principal": {"Service": "ec2.amazonaws.com"},
                        "Action": "sts:AssumeRole"}]}
# Spaces, newlines, '+' and '%' must all survive the URL-encoding of the trust policy.
SPACED_TRUST = ('{\n  "Version": "2012-10-17",\n  "Statement": [\n    {\n      "Effect": "Allow",\n'
                '      "Principal": {"AWS": "arn:aws:iam::%s:root"},\n'
                '      "Action": "sts:AssumeRole",\n'
                '      "Condition": {"StringEquals": {"sts:ExternalId": "a+b 100%%"}}\n'
                '    }\n  ]\n}' % ACCOUNT_ID)
DOC = {"Version": "2012-10-17",
       "Statement": [{"Effect": "Allow", "Action": "s3:GetObject", "Resource": "*"}]}


def role_arn(name, path="/"):
    return "arn:aws:iam::%s:role%s%s" % (ACCOUNT_ID, path, name)


def trust_for(principal):
    return json.dumps({"Version": "2012-10-17",
                       "Statement": [{"Effect": "Allow", "Principal": {"AWS": principal},
                                      "Action": "sts:AssumeRole"}]})


class RolesTest(ServerTestCase):
    def test_create_get_update_delete(self):
        created = self.iam.create_role(
            RoleName="AppRole", Path="/app/", AssumeRolePolicyDocument=SPACED_TRUST,
            Description="the app", MaxSessionDuration=7200, PermissionsBoundary=READ_ONLY,
            Tags=[{"Key": "team", "Value": "data"}])["Role"]
        self.assertEqual(created["Arn"], role_arn("AppRole", "/app/"))
        self.assertTrue(created["RoleId"].startswith("AROA"))
        self.assertEqual(len(created["RoleId"]), 21)
        self.assertEqual(created["Path"], "/app/")
        self.assertEqual(created["MaxSessionDuration"], 7200)
        self.assertEqual(created["Description"], "the app")
        # botocore URL-decodes and parses the document: it must come back as submitted.
        self.assertEqual(created["AssumeRolePolicyDocument"], json.loads(SPACED_TRUST))
        self.assertEqual(created["PermissionsBoundary"],
                         {"PermissionsBoundaryType": "PermissionsBoundaryPolicy",
                          "PermissionsBoundaryArn": READ_ONLY})
        self.assertEqual(created["Tags"], [{"Key": "team", "Value": "data"}])

        got = self.iam.get_role(RoleName="approle")["Role"]  # names are case-insensitive
        self.assertEqual(got["RoleName"], "AppRole")
        self.assertEqual(got["RoleId"], created["RoleId"])
        self.assertEqual(got["AssumeRolePolicyDocument"], json.loads(SPACED_TRUST))
        self.assertEqual(got["RoleLastUsed"], {})
        self.assertEqual(got["PermissionsBoundary"]["PermissionsBoundaryArn"], READ_ONLY)

        with self.assertRaises(ClientError) as ctx:
            self.iam.create_role(RoleName="APPROLE", AssumeRolePolicyDocument=json.dumps(TRUST))
        self.assertAwsError(ctx, "EntityAlreadyExists", 409, "Role with name APPROLE already exists.")

        # UpdateRole has an empty <UpdateRoleResult/>, which botocore's parser requires.
        response = self.iam.update_role(RoleName="AppRole", Description="changed",
                                        MaxSessionDuration=43200)
        self.assertEqual(response["ResponseMetadata"]["HTTPStatusCode"], 200)
        self.assertEqual(set(response), {"ResponseMetadata"})
        got = self.iam.get_role(RoleName="AppRole")["Role"]
        self.assertEqual(got["Description"], "changed")
        self.assertEqual(got["MaxSessionDuration"], 43200)

        described = self.iam.update_role_description(RoleName="AppRole",
                                                     Description="legacy form")["Role"]
        self.assertEqual(described["Description"], "legacy form")
        self.assertEqual(described["AssumeRolePolicyDocument"], json.loads(SPACED_TRUST))

        self.iam.update_assume_role_policy(RoleName="AppRole", PolicyDocument=json.dumps(TRUST))
        self.assertEqual(self.iam.get_role(RoleName="AppRole")["Role"]["AssumeRolePolicyDocument"],
                         TRUST)

        self.iam.delete_role(RoleName="AppRole")
        with self.assertRaises(ClientError) as ctx:
            self.iam.get_role(RoleName="AppRole")
        self.assertAwsError(ctx, "NoSuchEntity", 404, "The role with name AppRole cannot be found.")
        with self.assertRaises(ClientError) as ctx:
            self.iam.delete_role(RoleName="AppRole")
        self.assertAwsError(ctx, "NoSuchEntity", 404, "The role with name AppRole cannot be found.")

    def test_bad_input(self):
        with self.assertRaises(ClientError) as ctx:
            self.raw_iam.create_role(RoleName="r" * 65, AssumeRolePolicyDocument=json.dumps(TRUST))
        self.assertAwsError(ctx, "ValidationError", 400,
                            "1 validation error detected: Value '%s' at 'roleName' failed to "
                            "satisfy constraint: Member must have length less than or equal to 64"
                            % ("r" * 65))
        with self.assertRaises(ClientError) as ctx:
            self.raw_iam.create_role(RoleName="short", AssumeRolePolicyDocument=json.dumps(TRUST),
                                     MaxSessionDuration=100)
        self.assertAwsError(ctx, "ValidationError", 400,
                            "1 validation error detected: Value '100' at 'maxSessionDuration' "
                            "failed to satisfy constraint: Member must have value greater than or "
                            "equal to 3600")
        with self.assertRaises(ClientError) as ctx:
            self.raw_iam.create_role(RoleName="long", AssumeRolePolicyDocument=json.dumps(TRUST),
                                     MaxSessionDuration=50000)
        self.assertAwsError(ctx, "ValidationError", 400,
                            "1 validation error detected: Value '50000' at 'maxSessionDuration' "
                            "failed to satisfy constraint: Member must have value less than or "
                            "equal to 43200")
        self.iam.create_role(RoleName="existing", AssumeRolePolicyDocument=json.dumps(TRUST))
        with self.assertRaises(ClientError) as ctx:
            self.raw_iam.update_role(RoleName="existing", MaxSessionDuration=100)
        self.assertAwsError(ctx, "ValidationError", 400)

        with self.assertRaises(ClientError) as ctx:
            self.iam.create_role(RoleName="bad", AssumeRolePolicyDocument='{"Version": "2012-10-17",')
        self.assertAwsError(ctx, "MalformedPolicyDocument", 400)
        with_resource = {"Version": "2012-10-17",
                         "Statement": [{"Effect": "Allow",
                                        "Principal": {"Service": "ec2.amazonaws.com"},
                                        "Action": "sts:AssumeRole", "Resource": "*"}]}
        with self.assertRaises(ClientError) as ctx:
            self.iam.create_role(RoleName="bad", AssumeRolePolicyDocument=json.dumps(with_resource))
        self.assertAwsError(ctx, "MalformedPolicyDocument", 400, "Has prohibited field Resource")
        no_principal = {"Version": "2012-10-17",
                        "Statement": [{"Effect": "Allow", "Action": "sts:AssumeRole"}]}
        with self.assertRaises(ClientError) as ctx:
            self.iam.create_role(RoleName="bad", AssumeRolePolicyDocument=json.dumps(no_principal))
        self.assertAwsError(ctx, "MalformedPolicyDocument", 400, "Missing required field Principal")
        not_sts = {"Version": "2012-10-17",
                   "Statement": [{"Effect": "Allow", "Principal": {"Service": "ec2.amazonaws.com"},
                                  "Action": "s3:GetObject"}]}
        with self.assertRaises(ClientError) as ctx:
            self.iam.update_assume_role_policy(RoleName="existing",
                                               PolicyDocument=json.dumps(not_sts))
        self.assertAwsError(ctx, "MalformedPolicyDocument", 400,
                            "AssumeRole policy may only specify STS AssumeRole actions.")
        ghost = "arn:aws:iam::%s:user/ghost" % ACCOUNT_ID
        with self.assertRaises(ClientError) as ctx:
            self.iam.create_role(RoleName="bad", AssumeRolePolicyDocument=trust_for(ghost))
        self.assertAwsError(ctx, "MalformedPolicyDocument", 400,
                            'Invalid principal in policy: "AWS":"%s"' % ghost)
        services = ["service%d.amazonaws.com" % i for i in range(100)]
        big = json.dumps({"Version": "2012-10-17",
                          "Statement": [{"Effect": "Allow", "Principal": {"Service": services},
                                         "Action": "sts:AssumeRole"}]})
        with self.assertRaises(ClientError) as ctx:
            self.iam.create_role(RoleName="bad", AssumeRolePolicyDocument=big)
        self.assertAwsError(ctx, "LimitExceeded", 409, "Cannot exceed quota for ACLSizePerRole: 2048")
        with self.assertRaises(ClientError) as ctx:
            self.iam.get_role(RoleName="bad")
        self.assertAwsError(ctx, "NoSuchEntity", 404)

    def test_trust_principals_that_exist(self):
        user = self.iam.create_user(UserName="truster", Path="/eng/")["User"]
        self.iam.create_role(RoleName="by-user", AssumeRolePolicyDocument=trust_for(user["Arn"]))
        self.iam.create_role(RoleName="by-role",
                             AssumeRolePolicyDocument=trust_for(role_arn("by-user")))
        got = self.iam.get_role(RoleName="by-role")["Role"]
        self.assertEqual(got["AssumeRolePolicyDocument"]["Statement"][0]["Principal"],
                         {"AWS": role_arn("by-user")})
        # Principals of accounts this server does not hold are accepted as they are.
        self.iam.create_role(RoleName="by-other-account",
                             AssumeRolePolicyDocument=trust_for(
                                 "arn:aws:iam::210987654321:role/anything"))

    def test_list_roles_with_paginator(self):
        names = ["list-%02d" % i for i in range(7)]
        for i, name in enumerate(names):
            self.iam.create_role(RoleName=name, Path="/listing/" if i % 2 else "/",
                                 AssumeRolePolicyDocument=json.dumps(TRUST),
                                 Description="role %d" % i,
                                 Tags=[{"Key": "n", "Value": str(i)}],
                                 PermissionsBoundary=READ_ONLY)
        paginator = self.iam.get_paginator("list_roles")
        pages = list(paginator.paginate(PaginationConfig={"PageSize": 2}))
        self.assertGreater(len(pages), 3)
        roles = [r for p in pages for r in p["Roles"] if r["RoleName"].startswith("list-")]
        self.assertEqual([r["RoleName"] for r in roles], names)
        for r in roles:
            self.assertEqual(r["AssumeRolePolicyDocument"], TRUST)
            self.assertIn("Description", r)
            self.assertEqual(r["MaxSessionDuration"], 3600)
            self.assertNotIn("PermissionsBoundary", r)
            self.assertNotIn("Tags", r)
            self.assertNotIn("RoleLastUsed", r)
        odd = self.iam.list_roles(PathPrefix="/listing/")["Roles"]
        self.assertEqual([r["RoleName"] for r in odd], names[1::2])
        self.assertFalse(self.iam.list_roles(PathPrefix="/listing/")["IsTruncated"])

    def test_role_tags(self):
        self.iam.create_role(RoleName="tagged", AssumeRolePolicyDocument=json.dumps(TRUST),
                             Tags=[{"Key": "Department", "Value": "finance"}])
        self.iam.tag_role(RoleName="tagged", Tags=[{"Key": "department", "Value": "hr"},
                                                   {"Key": "cost", "Value": ""},
                                                   {"Key": "Zone", "Value": "a"}])
        self.assertEqual(self.iam.list_role_tags(RoleName="tagged")["Tags"],
                         [{"Key": "Zone", "Value": "a"}, {"Key": "cost", "Value": ""},
                          {"Key": "department", "Value": "hr"}])
        paginator = self.iam.get_paginator("list_role_tags")
        keys = [t["Key"] for p in paginator.paginate(RoleName="tagged",
                                                     PaginationConfig={"PageSize": 1})
                for t in p["Tags"]]
        self.assertEqual(keys, ["Zone", "cost", "department"])
        self.iam.untag_role(RoleName="tagged", TagKeys=["ZONE", "absent"])
        self.assertEqual([t["Key"] for t in self.iam.list_role_tags(RoleName="tagged")["Tags"]],
                         ["cost", "department"])
        with self.assertRaises(ClientError) as ctx:
            self.iam.tag_role(RoleName="tagged", Tags=[{"Key": "aws:reserved", "Value": "x"}])
        self.assertAwsError(ctx, "InvalidInput", 400)
        with self.assertRaises(ClientError) as ctx:
            self.iam.tag_role(RoleName="tagged", Tags=[{"Key": "k%d" % i, "Value": "v"}
                                                       for i in range(49)])
        self.assertAwsError(ctx, "LimitExceeded", 409)

    def test_inline_attached_boundary_and_delete_conflicts(self):
        self.iam.create_role(RoleName="worker", AssumeRolePolicyDocument=json.dumps(TRUST))
        spaced = json.dumps(DOC, indent=2)
        self.iam.put_role_policy(RoleName="worker", PolicyName="inline", PolicyDocument=spaced)
        got = self.iam.get_role_policy(RoleName="worker", PolicyName="inline")
        self.assertEqual(got["RoleName"], "worker")
        self.assertEqual(got["PolicyDocument"], DOC)
        self.assertEqual(self.iam.list_role_policies(RoleName="worker")["PolicyNames"], ["inline"])
        with self.assertRaises(ClientError) as ctx:
            self.iam.get_role_policy(RoleName="worker", PolicyName="none")
        self.assertAwsError(ctx, "NoSuchEntity", 404,
                            "The role policy with name none cannot be found.")

        own = self.iam.create_policy(PolicyName="WorkerPolicy",
                                     PolicyDocument=json.dumps(DOC))["Policy"]["Arn"]
        self.iam.attach_role_policy(RoleName="worker", PolicyArn=own)
        self.iam.attach_role_policy(RoleName="worker", PolicyArn=ADMIN)
        attached = self.iam.list_attached_role_policies(RoleName="worker")["AttachedPolicies"]
        self.assertEqual(attached, [{"PolicyName": "AdministratorAccess", "PolicyArn": ADMIN},
                                    {"PolicyName": "WorkerPolicy", "PolicyArn": own}])
        entities = self.iam.list_entities_for_policy(PolicyArn=own)
        self.assertEqual([r["RoleName"] for r in entities["PolicyRoles"]], ["worker"])
        self.assertEqual(self.iam.get_policy(PolicyArn=own)["Policy"]["AttachmentCount"], 1)

        self.iam.put_role_permissions_boundary(RoleName="worker", PermissionsBoundary=own)
        self.assertEqual(
            self.iam.get_role(RoleName="worker")["Role"]["PermissionsBoundary"]
            ["PermissionsBoundaryArn"], own)
        self.assertEqual(
            self.iam.get_policy(PolicyArn=own)["Policy"]["PermissionsBoundaryUsageCount"], 1)

        with self.assertRaises(ClientError) as ctx:
            self.iam.delete_role(RoleName="worker")
        self.assertAwsError(ctx, "DeleteConflict", 409,
                            "Cannot delete entity, must delete policies first.")
        self.iam.delete_role_policy(RoleName="worker", PolicyName="inline")
        with self.assertRaises(ClientError) as ctx:
            self.iam.delete_role(RoleName="worker")
        self.assertAwsError(ctx, "DeleteConflict", 409,
                            "Cannot delete entity, must detach all policies first.")
        self.iam.detach_role_policy(RoleName="worker", PolicyArn=own)
        self.iam.detach_role_policy(RoleName="worker", PolicyArn=ADMIN)
        with self.assertRaises(ClientError) as ctx:
            self.iam.detach_role_policy(RoleName="worker", PolicyArn=ADMIN)
        self.assertAwsError(ctx, "NoSuchEntity", 404, "Policy %s was not found." % ADMIN)
        self.iam.delete_role_permissions_boundary(RoleName="worker")
        self.assertNotIn("PermissionsBoundary", self.iam.get_role(RoleName="worker")["Role"])
        self.iam.delete_role(RoleName="worker")
        self.iam.delete_policy(PolicyArn=own)

    def test_attachment_quota(self):
        self.iam.create_role(RoleName="quota-role", AssumeRolePolicyDocument=json.dumps(TRUST))
        arns = [self.iam.create_policy(PolicyName="role-quota-%d" % i,
                                       PolicyDocument=json.dumps(DOC))["Policy"]["Arn"]
                for i in range(11)]
        for arn in arns[:10]:
            self.iam.attach_role_policy(RoleName="quota-role", PolicyArn=arn)
        with self.assertRaises(ClientError) as ctx:
            self.iam.attach_role_policy(RoleName="quota-role", PolicyArn=arns[10])
        self.assertAwsError(ctx, "LimitExceeded", 409, "Cannot exceed quota for PoliciesPerRole: 10")

    def test_account_details_and_summary(self):
        self.iam.create_role(RoleName="detail-role", Path="/svc/",
                             AssumeRolePolicyDocument=SPACED_TRUST,
                             Tags=[{"Key": "team", "Value": "x"}])
        self.iam.put_role_policy(RoleName="detail-role", PolicyName="own",
                                 PolicyDocument=json.dumps(DOC))
        self.iam.attach_role_policy(RoleName="detail-role", PolicyArn=READ_ONLY)
        paginator = self.iam.get_paginator("get_account_authorization_details")
        roles = [r for p in paginator.paginate(Filter=["Role"], PaginationConfig={"PageSize": 1})
                 for r in p["RoleDetailList"]]
        detail = [r for r in roles if r["RoleName"] == "detail-role"][0]
        self.assertEqual(detail["Arn"], role_arn("detail-role", "/svc/"))
        self.assertEqual(detail["AssumeRolePolicyDocument"], json.loads(SPACED_TRUST))
        self.assertEqual(detail["RolePolicyList"], [{"PolicyName": "own", "PolicyDocument": DOC}])
        self.assertEqual(detail["AttachedManagedPolicies"],
                         [{"PolicyName": "ReadOnlyAccess", "PolicyArn": READ_ONLY}])
        self.assertEqual(detail["InstanceProfileList"], [])
        self.assertEqual(detail["Tags"], [{"Key": "team", "Value": "x"}])

        summary = self.iam.get_account_summary()["SummaryMap"]
        self.assertEqual(summary["Roles"], len(self.iam.list_roles(MaxItems=1000)["Roles"]))
        self.assertEqual(summary["Policies"],
                         len(self.iam.list_policies(Scope="Local", MaxItems=1000)["Policies"]))

        sim = self.iam.simulate_principal_policy(PolicySourceArn=role_arn("detail-role", "/svc/"),
                                                 ActionNames=["s3:GetObject", "s3:PutObject"])
        self.assertEqual([r["EvalDecision"] for r in sim["EvaluationResults"]],
                         ["allowed", "implicitDeny"])

    def test_resource_tags_authorize(self):
        self.iam.create_role(RoleName="tag-a", AssumeRolePolicyDocument=json.dumps(TRUST),
                             Tags=[{"Key": "team", "Value": "a"}])
        self.iam.create_role(RoleName="tag-b", AssumeRolePolicyDocument=json.dumps(TRUST),
                             Tags=[{"Key": "team", "Value": "b"}])
        self.iam.create_user(UserName="team-a-admin")
        self.iam.put_user_policy(UserName="team-a-admin", PolicyName="p", PolicyDocument=json.dumps({
            "Version": "2012-10-17",
            "Statement": [{"Effect": "Allow", "Action": "iam:GetRole", "Resource": "*",
                           "Condition": {"StringEquals": {"aws:ResourceTag/team": "a"}}},
                          {"Effect": "Allow", "Action": "iam:CreateRole", "Resource": "*",
                           "Condition": {"StringEquals": {"aws:RequestTag/team": "a"}}}]}))
        key = self.iam.create_access_key(UserName="team-a-admin")["AccessKey"]
        admin = self.server.client("iam", key["AccessKeyId"], key["SecretAccessKey"])
        self.assertEqual(admin.get_role(RoleName="tag-a")["Role"]["RoleName"], "tag-a")
        with self.assertRaises(ClientError) as ctx:
            admin.get_role(RoleName="tag-b")
        self.assertAwsError(ctx, "AccessDenied", 403)
        with self.assertRaises(ClientError) as ctx:
            admin.create_role(RoleName="untagged", AssumeRolePolicyDocument=json.dumps(TRUST))
        self.assertAwsError(ctx, "AccessDenied", 403)
        admin.create_role(RoleName="tagged-by-admin", AssumeRolePolicyDocument=json.dumps(TRUST),
                          Tags=[{"Key": "team", "Value": "a"}])

    def test_roles_survive_restart(self):
        self.iam.create_role(RoleName="durable", AssumeRolePolicyDocument=SPACED_TRUST,
                             MaxSessionDuration=5400, Tags=[{"Key": "k", "Value": "v"}])
        self.iam.put_role_policy(RoleName="durable", PolicyName="p", PolicyDocument=json.dumps(DOC))
        self.server.restart()
        got = self.iam.get_role(RoleName="durable")["Role"]
        self.assertEqual(got["AssumeRolePolicyDocument"], json.loads(SPACED_TRUST))
        self.assertEqual(got["MaxSessionDuration"], 5400)
        self.assertEqual(got["Tags"], [{"Key": "k", "Value": "v"}])
        self.assertEqual(self.iam.list_role_policies(RoleName="durable")["PolicyNames"], ["p"])


class RolesCliTest(ServerTestCase):
    def test_through_the_cli(self):
        with tempfile.TemporaryDirectory() as tmp:
            path = os.path.join(tmp, "trust.json")
            with open(path, "w") as f:
                f.write(SPACED_TRUST)
            _, out, _ = self.server.cli("iam", "create-role", "--role-name", "cli-role",
                                        "--path", "/cli/",
                                        "--assume-role-policy-document", "file://" + path,
                                        "--max-session-duration", "7200")
        role = json.loads(out)["Role"]
        self.assertEqual(role["Arn"], role_arn("cli-role", "/cli/"))
        self.assertEqual(role["AssumeRolePolicyDocument"], json.loads(SPACED_TRUST))

        _, out, _ = self.server.cli("iam", "get-role", "--role-name", "cli-role")
        self.assertEqual(json.loads(out)["Role"]["AssumeRolePolicyDocument"],
                         json.loads(SPACED_TRUST))
        # update-role prints nothing, but botocore has parsed its empty result.
        code, out, err = self.server.cli("iam", "update-role", "--role-name", "cli-role",
                                         "--description", "from the cli")
        self.assertEqual(code, 0, err)
        self.assertEqual(out.strip(), "")
        _, out, _ = self.server.cli("iam", "list-roles", "--path-prefix", "/cli/")
        listed = json.loads(out)["Roles"]
        self.assertEqual([(r["RoleName"], r["Description"]) for r in listed],
                         [("cli-role", "from the cli")])
        self.server.cli("iam", "attach-role-policy", "--role-name", "cli-role",
                        "--policy-arn", READ_ONLY)
        code, _, err = self.server.cli("iam", "delete-role", "--role-name", "cli-role",
                                       check=False)
        self.assertNotEqual(code, 0)
        self.assertIn("DeleteConflict", err)
        self.server.cli("iam", "detach-role-policy", "--role-name", "cli-role",
                        "--policy-arn", READ_ONLY)
        self.server.cli("iam", "delete-role", "--role-name", "cli-role")
        code, _, err = self.server.cli("iam", "get-role", "--role-name", "cli-role", check=False)
        self.assertNotEqual(code, 0)
        self.assertIn("The role with name cli-role cannot be found.", err)


if __name__ == "__main__":
    unittest.main()
