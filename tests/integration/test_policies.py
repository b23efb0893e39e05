"""Managed policies and their versions, attachments, permissions boundaries, inline policies and
GetAccountAuthorizationDetails, driven through boto3 and the AWS CLI against a real iamd."""

import json
import unittest

import botocore.exceptions

from harness import ACCOUNT_ID, ServerTestCase

ClientError = botocore.exceptions.ClientError

ADMIN = "arn:aws:iam::aws:policy/AdministratorAccess"
READ_ONLY = "arn:aws:iam::aws:policy/ReadOnlyAccess"
IAM_READ_ONLY = "arn:aws:iam::aws:policy/IAMReadOnlyAccess"

DOC = {"Version": "2012-10-17",
       "Statement": [{"Effect": "Allow", "Action": "s3:GetObject", "Resource": "*"}]}
# Spaces, newlines, '+' and '%' must all survive the URL-encoding of documents in responses.
SPACED = ('{\n  "Version": "2012-10-17",\n  "Statement": [\n    {\n      "Sid": "ReadTheBucket",\n'
          '      "Effect": "Allow",\n      "Action": ["s3:GetObject", "s3:ListBucket"],\n'
          '      "Resource": ["arn:aws:s3:::my+bucket", "arn:aws:s3:::my+bucket/100%/*"]\n'
          '    }\n  ]\n}')


def doc_of_size(min_chars):
    """A valid identity policy of at least `min_chars` non-whitespace characters."""
    resources = []
    while len(json.dumps({"Version": "2012-10-17", "Statement": [
            {"Effect": "Allow", "Action": "s3:GetObject", "Resource": resources}]},
            separators=(",", ":"))) < min_chars:
        resources.append("arn:aws:s3:::bucket-%d/*" % len(resources))
    return json.dumps({"Version": "2012-10-17", "Statement": [
        {"Effect": "Allow", "Action": "s3:GetObject", "Resource": resources}]},
        separators=(",", ":"))


def policy_arn(name, path="/"):
    return "arn:aws:iam::%s:policy%s%s" % (ACCOUNT_ID, path, name)


class ManagedPoliciesTest(ServerTestCase):
    def test_create_get_list_delete(self):
        created = self.iam.create_policy(
            PolicyName="ReadBuckets", Path="/data/", PolicyDocument=json.dumps(DOC),
            Description="Reads the buckets", Tags=[{"Key": "owner", "Value": "data"}])["Policy"]
        arn = policy_arn("ReadBuckets", "/data/")
        self.assertEqual(created["Arn"], arn)
        self.assertTrue(created["PolicyId"].startswith("ANPA"))
        self.assertEqual(len(created["PolicyId"]), 21)
        self.assertEqual(created["DefaultVersionId"], "v1")
        self.assertEqual(created["AttachmentCount"], 0)
        self.assertEqual(created["PermissionsBoundaryUsageCount"], 0)
        self.assertTrue(created["IsAttachable"])
        self.assertEqual(created["Path"], "/data/")

        got = self.iam.get_policy(PolicyArn=arn)["Policy"]
        self.assertEqual(got["PolicyId"], created["PolicyId"])
        self.assertEqual(got["Description"], "Reads the buckets")
        self.assertEqual(got["Tags"], [{"Key": "owner", "Value": "data"}])
        version = self.iam.get_policy_version(PolicyArn=arn, VersionId="v1")["PolicyVersion"]
        self.assertEqual(version["Document"], DOC)  # botocore URL-decodes and parses it
        self.assertTrue(version["IsDefaultVersion"])

        local = self.iam.list_policies(Scope="Local")["Policies"]
        self.assertIn(arn, [p["Arn"] for p in local])
        self.assertNotIn("Description", [p for p in local if p["Arn"] == arn][0])
        self.assertEqual([p["Arn"] for p in
                          self.iam.list_policies(Scope="Local", PathPrefix="/data/")["Policies"]],
                         [arn])

        with self.assertRaises(ClientError) as ctx:
            self.iam.create_policy(PolicyName="READBUCKETS", PolicyDocument=json.dumps(DOC))
        self.assertAwsError(ctx, "EntityAlreadyExists", 409,
                            "A policy called READBUCKETS already exists. Duplicate names are not "
                            "allowed.")

        self.iam.tag_policy(PolicyArn=arn, Tags=[{"Key": "env", "Value": "prod"}])
        self.assertEqual(sorted(t["Key"] for t in self.iam.list_policy_tags(PolicyArn=arn)["Tags"]),
                         ["env", "owner"])
        self.iam.untag_policy(PolicyArn=arn, TagKeys=["owner"])
        self.assertEqual(self.iam.list_policy_tags(PolicyArn=arn)["Tags"],
                         [{"Key": "env", "Value": "prod"}])

        self.iam.delete_policy(PolicyArn=arn)
        with self.assertRaises(ClientError) as ctx:
            self.iam.get_policy(PolicyArn=arn)
        self.assertAwsError(ctx, "NoSuchEntity", 404,
                            "Policy %s does not exist or is not attachable." % arn)

    def test_versions(self):
        arn = self.iam.create_policy(PolicyName="Versioned",
                                     PolicyDocument=json.dumps(DOC))["Policy"]["Arn"]
        for i in range(2, 6):
            v = self.iam.create_policy_version(PolicyArn=arn, PolicyDocument=SPACED)
            self.assertEqual(v["PolicyVersion"]["VersionId"], "v%d" % i)
            self.assertFalse(v["PolicyVersion"]["IsDefaultVersion"])
            self.assertNotIn("Document", v["PolicyVersion"])
        with self.assertRaises(ClientError) as ctx:
            self.iam.create_policy_version(PolicyArn=arn, PolicyDocument=json.dumps(DOC))
        self.assertAwsError(ctx, "LimitExceeded", 409,
                            "A managed policy can have up to 5 versions. Before you create a new "
                            "version, you must delete an existing version.")
        self.iam.delete_policy_version(PolicyArn=arn, VersionId="v2")
        v6 = self.iam.create_policy_version(PolicyArn=arn, PolicyDocument=SPACED,
                                            SetAsDefault=True)["PolicyVersion"]
        self.assertEqual(v6["VersionId"], "v6")  # ids are never reused
        self.assertTrue(v6["IsDefaultVersion"])
        self.assertEqual(self.iam.get_policy(PolicyArn=arn)["Policy"]["DefaultVersionId"], "v6")
        got = self.iam.get_policy_version(PolicyArn=arn, VersionId="v6")["PolicyVersion"]
        self.assertEqual(got["Document"], json.loads(SPACED))

        with self.assertRaises(ClientError) as ctx:
            self.iam.delete_policy_version(PolicyArn=arn, VersionId="v6")
        self.assertAwsError(ctx, "DeleteConflict", 409,
                            "Cannot delete the default version of a policy.")
        with self.assertRaises(ClientError) as ctx:
            self.iam.get_policy_version(PolicyArn=arn, VersionId="v2")
        self.assertAwsError(ctx, "NoSuchEntity", 404,
                            "Policy %s version v2 does not exist or is not attachable." % arn)
        self.iam.set_default_policy_version(PolicyArn=arn, VersionId="v3")

        paginator = self.iam.get_paginator("list_policy_versions")
        versions = [v for page in paginator.paginate(PolicyArn=arn,
                                                     PaginationConfig={"PageSize": 2})
                    for v in page["Versions"]]
        self.assertEqual([v["VersionId"] for v in versions], ["v6", "v5", "v4", "v3", "v1"])
        self.assertEqual([v["VersionId"] for v in versions if v["IsDefaultVersion"]], ["v3"])

        with self.assertRaises(ClientError) as ctx:
            self.iam.delete_policy(PolicyArn=arn)
        self.assertAwsError(ctx, "DeleteConflict", 409)
        for v in ("v1", "v4", "v5", "v6"):
            self.iam.delete_policy_version(PolicyArn=arn, VersionId=v)
        self.iam.delete_policy(PolicyArn=arn)

    def test_malformed_documents_and_size_quota(self):
        no_resource = {"Version": "2012-10-17",
                       "Statement": [{"Effect": "Allow", "Action": "s3:GetObject"}]}
        with self.assertRaises(ClientError) as ctx:
            self.iam.create_policy(PolicyName="Bad", PolicyDocument=json.dumps(no_resource))
        self.assertAwsError(ctx, "MalformedPolicyDocument", 400,
                            "Policy statement must contain resources.")
        with self.assertRaises(ClientError) as ctx:
            self.iam.create_policy(PolicyName="Bad", PolicyDocument='{"Version": "2012-10-17",')
        self.assertAwsError(ctx, "MalformedPolicyDocument", 400)
        with self.assertRaises(ClientError) as ctx:
            self.raw_iam.create_policy(PolicyName="Bad", PolicyDocument=json.dumps(DOC),
                                       Path="no-slashes")
        self.assertAwsError(ctx, "ValidationError", 400)

        fits = doc_of_size(6000)
        self.iam.create_policy(PolicyName="Large", PolicyDocument=fits)
        with self.assertRaises(ClientError) as ctx:
            self.iam.create_policy(PolicyName="TooLarge", PolicyDocument=doc_of_size(6145))
        self.assertAwsError(ctx, "LimitExceeded", 409, "Cannot exceed quota for PolicySize: 6144")
        # Whitespace does not count toward the quota.
        self.iam.create_policy(PolicyName="Airy",
                               PolicyDocument=json.dumps(json.loads(fits), indent=8))

    def test_aws_managed_policies(self):
        paginator = self.iam.get_paginator("list_policies")
        aws = [p for page in paginator.paginate(Scope="AWS", PaginationConfig={"PageSize": 2})
               for p in page["Policies"]]
        arns = [p["Arn"] for p in aws]
        for expected in (ADMIN, READ_ONLY, IAM_READ_ONLY):
            self.assertIn(expected, arns)
        self.assertTrue(all(a.startswith("arn:aws:iam::aws:policy/") for a in arns), arns)
        self.assertEqual(len(arns), len(set(arns)))
        admin = self.iam.get_policy(PolicyArn=ADMIN)["Policy"]
        doc = self.iam.get_policy_version(PolicyArn=ADMIN, VersionId=admin["DefaultVersionId"])
        self.assertEqual(doc["PolicyVersion"]["Document"]["Statement"][0]["Action"], "*")

        self.iam.create_user(UserName="aws-managed-user")
        self.iam.attach_user_policy(UserName="aws-managed-user", PolicyArn=READ_ONLY)
        self.assertEqual(self.iam.get_policy(PolicyArn=READ_ONLY)["Policy"]["AttachmentCount"], 1)
        attached = self.iam.list_policies(Scope="AWS", OnlyAttached=True)["Policies"]
        self.assertEqual([p["Arn"] for p in attached], [READ_ONLY])

        for call in (lambda: self.iam.delete_policy(PolicyArn=ADMIN),
                     lambda: self.iam.create_policy_version(PolicyArn=ADMIN,
                                                            PolicyDocument=json.dumps(DOC)),
                     lambda: self.iam.tag_policy(PolicyArn=ADMIN,
                                                 Tags=[{"Key": "k", "Value": "v"}])):
            with self.assertRaises(ClientError) as ctx:
                call()
            self.assertAwsError(ctx, "AccessDenied", 403)
        self.iam.detach_user_policy(UserName="aws-managed-user", PolicyArn=READ_ONLY)
        self.iam.delete_user(UserName="aws-managed-user")

    def test_through_the_cli(self):
        _, out, _ = self.server.cli("iam", "create-policy", "--policy-name", "CliPolicy",
                                    "--policy-document", SPACED)
        arn = json.loads(out)["Policy"]["Arn"]
        self.assertEqual(arn, policy_arn("CliPolicy"))
        _, out, _ = self.server.cli("iam", "get-policy-version", "--policy-arn", arn,
                                    "--version-id", "v1")
        self.assertEqual(json.loads(out)["PolicyVersion"]["Document"], json.loads(SPACED))
        self.server.cli("iam", "create-user", "--user-name", "cli-user")
        self.server.cli("iam", "attach-user-policy", "--user-name", "cli-user",
                        "--policy-arn", arn)
        _, out, _ = self.server.cli("iam", "list-entities-for-policy", "--policy-arn", arn)
        self.assertEqual([u["UserName"] for u in json.loads(out)["PolicyUsers"]], ["cli-user"])
        code, _, err = self.server.cli("iam", "delete-policy", "--policy-arn", arn, check=False)
        self.assertNotEqual(code, 0)
        self.assertIn("DeleteConflict", err)
        self.server.cli("iam", "detach-user-policy", "--user-name", "cli-user",
                        "--policy-arn", arn)
        self.server.cli("iam", "delete-policy", "--policy-arn", arn)


class AttachmentsTest(ServerTestCase):
    def test_attach_detach_list(self):
        self.iam.create_user(UserName="att-user", Path="/ops/")
        self.iam.create_group(GroupName="att-group")
        arn = self.iam.create_policy(PolicyName="Attachable", Path="/team/",
                                     PolicyDocument=json.dumps(DOC))["Policy"]["Arn"]
        self.iam.attach_user_policy(UserName="att-user", PolicyArn=arn)
        self.iam.attach_user_policy(UserName="att-user", PolicyArn=arn)  # again: no change
        self.iam.attach_user_policy(UserName="att-user", PolicyArn=ADMIN)
        self.iam.attach_group_policy(GroupName="att-group", PolicyArn=arn)
        self.assertEqual(self.iam.get_policy(PolicyArn=arn)["Policy"]["AttachmentCount"], 2)

        attached = self.iam.list_attached_user_policies(UserName="att-user")["AttachedPolicies"]
        self.assertEqual(attached, [{"PolicyName": "AdministratorAccess", "PolicyArn": ADMIN},
                                    {"PolicyName": "Attachable", "PolicyArn": arn}])
        self.assertEqual(self.iam.list_attached_user_policies(
            UserName="att-user", PathPrefix="/team/")["AttachedPolicies"],
            [{"PolicyName": "Attachable", "PolicyArn": arn}])
        paginator = self.iam.get_paginator("list_attached_user_policies")
        paged = [p["PolicyArn"] for page in paginator.paginate(
            UserName="att-user", PaginationConfig={"PageSize": 1}) for p in page["AttachedPolicies"]]
        self.assertEqual(paged, [ADMIN, arn])
        self.assertEqual(self.iam.list_attached_group_policies(
            GroupName="att-group")["AttachedPolicies"],
            [{"PolicyName": "Attachable", "PolicyArn": arn}])

        entities = self.iam.list_entities_for_policy(PolicyArn=arn)
        self.assertEqual([u["UserName"] for u in entities["PolicyUsers"]], ["att-user"])
        self.assertEqual([g["GroupName"] for g in entities["PolicyGroups"]], ["att-group"])
        self.assertEqual(entities["PolicyRoles"], [])
        only_groups = self.iam.list_entities_for_policy(PolicyArn=arn, EntityFilter="Group")
        self.assertEqual(only_groups["PolicyUsers"], [])
        self.assertEqual([g["GroupName"] for g in only_groups["PolicyGroups"]], ["att-group"])
        by_path = self.iam.list_entities_for_policy(PolicyArn=arn, PathPrefix="/ops/")
        self.assertEqual([u["UserName"] for u in by_path["PolicyUsers"]], ["att-user"])
        self.assertEqual(by_path["PolicyGroups"], [])

        missing = policy_arn("Missing")
        with self.assertRaises(ClientError) as ctx:
            self.iam.attach_user_policy(UserName="att-user", PolicyArn=missing)
        self.assertAwsError(ctx, "NoSuchEntity", 404,
                            "Policy %s does not exist or is not attachable." % missing)
        with self.assertRaises(ClientError) as ctx:
            self.iam.detach_group_policy(GroupName="att-group", PolicyArn=ADMIN)
        self.assertAwsError(ctx, "NoSuchEntity", 404)

        with self.assertRaises(ClientError) as ctx:
            self.iam.delete_policy(PolicyArn=arn)
        self.assertAwsError(ctx, "DeleteConflict", 409,
                            "Cannot delete a policy attached to entities.")
        with self.assertRaises(ClientError) as ctx:
            self.iam.delete_user(UserName="att-user")
        self.assertAwsError(ctx, "DeleteConflict", 409,
                            "Cannot delete entity, must detach all policies first.")
        with self.assertRaises(ClientError) as ctx:
            self.iam.delete_group(GroupName="att-group")
        self.assertAwsError(ctx, "DeleteConflict", 409,
                            "Cannot delete entity, must detach all policies first.")
        self.iam.detach_user_policy(UserName="att-user", PolicyArn=arn)
        self.iam.detach_user_policy(UserName="att-user", PolicyArn=ADMIN)
        self.iam.detach_group_policy(GroupName="att-group", PolicyArn=arn)
        self.assertEqual(self.iam.list_attached_user_policies(
            UserName="att-user")["AttachedPolicies"], [])
        self.iam.delete_user(UserName="att-user")
        self.iam.delete_group(GroupName="att-group")
        self.iam.delete_policy(PolicyArn=arn)

    def test_attachment_quota(self):
        self.iam.create_user(UserName="quota-user")
        arns = [self.iam.create_policy(PolicyName="quota-%d" % i,
                                       PolicyDocument=json.dumps(DOC))["Policy"]["Arn"]
                for i in range(11)]
        for arn in arns[:10]:
            self.iam.attach_user_policy(UserName="quota-user", PolicyArn=arn)
        with self.assertRaises(ClientError) as ctx:
            self.iam.attach_user_policy(UserName="quota-user", PolicyArn=arns[10])
        self.assertAwsError(ctx, "LimitExceeded", 409,
                            "Cannot exceed quota for PoliciesPerUser: 10")

    def test_attached_policies_grant_access(self):
        self.iam.create_user(UserName="operator")
        key = self.iam.create_access_key(UserName="operator")["AccessKey"]
        operator = self.server.client("iam", key["AccessKeyId"], key["SecretAccessKey"])
        with self.assertRaises(ClientError) as ctx:
            operator.list_policies(Scope="Local")
        self.assertAwsError(ctx, "AccessDenied", 403)
        self.iam.attach_user_policy(UserName="operator", PolicyArn=IAM_READ_ONLY)
        operator.list_policies(Scope="Local")
        with self.assertRaises(ClientError) as ctx:
            operator.create_policy(PolicyName="NotAllowed", PolicyDocument=json.dumps(DOC))
        self.assertAwsError(ctx, "AccessDenied", 403)

    def test_permissions_boundaries(self):
        missing = policy_arn("NoSuchBoundary")
        with self.assertRaises(ClientError) as ctx:
            self.iam.create_user(UserName="unbounded", PermissionsBoundary=missing)
        self.assertAwsError(ctx, "NoSuchEntity", 404,
                            "Policy %s does not exist or is not attachable." % missing)
        with self.assertRaises(ClientError):
            self.iam.get_user(UserName="unbounded")

        user = self.iam.create_user(UserName="bounded", PermissionsBoundary=READ_ONLY)["User"]
        self.assertEqual(user["PermissionsBoundary"]["PermissionsBoundaryArn"], READ_ONLY)
        self.assertEqual(
            self.iam.get_policy(PolicyArn=READ_ONLY)["Policy"]["PermissionsBoundaryUsageCount"], 1)
        own = self.iam.create_policy(PolicyName="OwnBoundary",
                                     PolicyDocument=json.dumps(DOC))["Policy"]["Arn"]
        self.iam.put_user_permissions_boundary(UserName="bounded", PermissionsBoundary=own)
        got = self.iam.get_user(UserName="bounded")["User"]
        self.assertEqual(got["PermissionsBoundary"]["PermissionsBoundaryArn"], own)
        self.assertEqual(
            self.iam.get_policy(PolicyArn=READ_ONLY)["Policy"]["PermissionsBoundaryUsageCount"], 0)
        bounded = self.iam.list_policies(OnlyAttached=True,
                                         PolicyUsageFilter="PermissionsBoundary")["Policies"]
        self.assertEqual([p["Arn"] for p in bounded], [own])
        users = self.iam.list_entities_for_policy(PolicyArn=own,
                                                  PolicyUsageFilter="PermissionsBoundary")
        self.assertEqual([u["UserName"] for u in users["PolicyUsers"]], ["bounded"])
        with self.assertRaises(ClientError) as ctx:
            self.iam.put_user_permissions_boundary(UserName="bounded",
                                                   PermissionsBoundary=missing)
        self.assertAwsError(ctx, "NoSuchEntity", 404)

        self.iam.delete_user_permissions_boundary(UserName="bounded")
        self.assertNotIn("PermissionsBoundary", self.iam.get_user(UserName="bounded")["User"])
        self.iam.delete_user(UserName="bounded")
        self.iam.delete_policy(PolicyArn=own)


class InlinePoliciesTest(ServerTestCase):
    def test_user_inline_policies(self):
        self.iam.create_user(UserName="inline-user")
        self.iam.put_user_policy(UserName="inline-user", PolicyName="spaced",
                                 PolicyDocument=SPACED)
        self.iam.put_user_policy(UserName="inline-user", PolicyName="compact",
                                 PolicyDocument=json.dumps(DOC))
        got = self.iam.get_user_policy(UserName="inline-user", PolicyName="spaced")
        self.assertEqual(got["UserName"], "inline-user")
        self.assertEqual(got["PolicyName"], "spaced")
        self.assertEqual(got["PolicyDocument"], json.loads(SPACED))
        self.assertEqual(self.iam.list_user_policies(UserName="inline-user")["PolicyNames"],
                         ["compact", "spaced"])
        paginator = self.iam.get_paginator("list_user_policies")
        self.assertEqual([n for page in paginator.paginate(UserName="inline-user",
                                                           PaginationConfig={"PageSize": 1})
                          for n in page["PolicyNames"]], ["compact", "spaced"])
        # Put replaces.
        self.iam.put_user_policy(UserName="inline-user", PolicyName="spaced",
                                 PolicyDocument=json.dumps(DOC))
        self.assertEqual(self.iam.get_user_policy(UserName="inline-user",
                                                  PolicyName="spaced")["PolicyDocument"], DOC)

        with self.assertRaises(ClientError) as ctx:
            self.iam.get_user_policy(UserName="inline-user", PolicyName="absent")
        self.assertAwsError(ctx, "NoSuchEntity", 404,
                            "The user policy with name absent cannot be found.")
        with self.assertRaises(ClientError) as ctx:
            self.iam.put_user_policy(UserName="inline-user", PolicyName="principal",
                                     PolicyDocument=json.dumps({
                                         "Version": "2012-10-17",
                                         "Statement": [{"Effect": "Allow", "Principal": "*",
                                                        "Action": "s3:GetObject",
                                                        "Resource": "*"}]}))
        self.assertAwsError(ctx, "MalformedPolicyDocument", 400,
                            "Policy document should not specify a principal.")

        with self.assertRaises(ClientError) as ctx:
            self.iam.delete_user(UserName="inline-user")
        self.assertAwsError(ctx, "DeleteConflict", 409,
                            "Cannot delete entity, must delete policies first.")
        self.iam.delete_user_policy(UserName="inline-user", PolicyName="spaced")
        self.iam.delete_user_policy(UserName="inline-user", PolicyName="compact")
        self.assertEqual(self.iam.list_user_policies(UserName="inline-user")["PolicyNames"], [])
        self.iam.delete_user(UserName="inline-user")

    def test_group_inline_policies(self):
        self.iam.create_group(GroupName="inline-group")
        self.iam.put_group_policy(GroupName="inline-group", PolicyName="p", PolicyDocument=SPACED)
        got = self.iam.get_group_policy(GroupName="inline-group", PolicyName="p")
        self.assertEqual(got["GroupName"], "inline-group")
        self.assertEqual(got["PolicyDocument"], json.loads(SPACED))
        self.assertEqual(self.iam.list_group_policies(GroupName="inline-group")["PolicyNames"],
                         ["p"])
        with self.assertRaises(ClientError) as ctx:
            self.iam.delete_group(GroupName="inline-group")
        self.assertAwsError(ctx, "DeleteConflict", 409,
                            "Cannot delete entity, must delete policies first.")
        with self.assertRaises(ClientError) as ctx:
            self.iam.delete_group_policy(GroupName="inline-group", PolicyName="q")
        self.assertAwsError(ctx, "NoSuchEntity", 404,
                            "The group policy with name q cannot be found.")
        self.iam.delete_group_policy(GroupName="inline-group", PolicyName="p")
        self.iam.delete_group(GroupName="inline-group")

    def test_aggregate_size_quotas(self):
        self.iam.create_user(UserName="quota-inline")
        half = doc_of_size(1100)
        self.iam.put_user_policy(UserName="quota-inline", PolicyName="one", PolicyDocument=half)
        with self.assertRaises(ClientError) as ctx:
            self.iam.put_user_policy(UserName="quota-inline", PolicyName="two",
                                     PolicyDocument=half)
        self.assertAwsError(ctx, "LimitExceeded", 409,
                            "Maximum policy size of 2048 bytes exceeded for user quota-inline.")
        self.iam.create_group(GroupName="quota-inline-group")
        third = doc_of_size(2000)
        for name in ("one", "two"):
            self.iam.put_group_policy(GroupName="quota-inline-group", PolicyName=name,
                                      PolicyDocument=third)
        with self.assertRaises(ClientError) as ctx:
            self.iam.put_group_policy(GroupName="quota-inline-group", PolicyName="three",
                                      PolicyDocument=third)
        self.assertAwsError(ctx, "LimitExceeded", 409,
                            "Maximum policy size of 5120 bytes exceeded for group "
                            "quota-inline-group.")


class AuthorizationDetailsTest(ServerTestCase):
    def test_details_with_paginator(self):
        arn = self.iam.create_policy(PolicyName="Detailed", PolicyDocument=SPACED)["Policy"]["Arn"]
        self.iam.create_policy_version(PolicyArn=arn, PolicyDocument=json.dumps(DOC),
                                       SetAsDefault=True)
        self.iam.create_user(UserName="detail-user", PermissionsBoundary=READ_ONLY)
        self.iam.create_group(GroupName="detail-group")
        self.iam.add_user_to_group(GroupName="detail-group", UserName="detail-user")
        self.iam.put_user_policy(UserName="detail-user", PolicyName="own", PolicyDocument=SPACED)
        self.iam.attach_user_policy(UserName="detail-user", PolicyArn=arn)
        self.iam.put_group_policy(GroupName="detail-group", PolicyName="gp",
                                  PolicyDocument=json.dumps(DOC))
        self.iam.attach_group_policy(GroupName="detail-group", PolicyArn=ADMIN)

        paginator = self.iam.get_paginator("get_account_authorization_details")
        pages = list(paginator.paginate(PaginationConfig={"PageSize": 1}))
        self.assertGreater(len(pages), 1)
        users = [u for p in pages for u in p["UserDetailList"]]
        groups = [g for p in pages for g in p["GroupDetailList"]]
        roles = [r for p in pages for r in p["RoleDetailList"]]
        policies = [x for p in pages for x in p["Policies"]]
        self.assertEqual(roles, [])
        self.assertEqual([u["UserName"] for u in users], ["detail-user"])
        user = users[0]
        self.assertEqual(user["UserPolicyList"], [{"PolicyName": "own",
                                                   "PolicyDocument": json.loads(SPACED)}])
        self.assertEqual(user["GroupList"], ["detail-group"])
        self.assertEqual(user["AttachedManagedPolicies"],
                         [{"PolicyName": "Detailed", "PolicyArn": arn}])
        self.assertEqual(user["PermissionsBoundary"]["PermissionsBoundaryArn"], READ_ONLY)
        self.assertEqual([g["GroupName"] for g in groups], ["detail-group"])
        self.assertEqual(groups[0]["GroupPolicyList"], [{"PolicyName": "gp",
                                                         "PolicyDocument": DOC}])
        self.assertEqual(groups[0]["AttachedManagedPolicies"],
                         [{"PolicyName": "AdministratorAccess", "PolicyArn": ADMIN}])
        # The account's own policies, and the AWS managed ones it uses.
        self.assertEqual(sorted(p["Arn"] for p in policies), sorted([arn, ADMIN, READ_ONLY]))
        detailed = [p for p in policies if p["Arn"] == arn][0]
        self.assertEqual(detailed["DefaultVersionId"], "v2")
        self.assertEqual(detailed["AttachmentCount"], 1)
        self.assertEqual({v["VersionId"]: v["Document"] for v in detailed["PolicyVersionList"]},
                         {"v1": json.loads(SPACED), "v2": DOC})

        only = self.iam.get_account_authorization_details(Filter=["LocalManagedPolicy"])
        self.assertEqual(only["UserDetailList"], [])
        self.assertEqual(only["GroupDetailList"], [])
        self.assertEqual([p["Arn"] for p in only["Policies"]], [arn])
        with self.assertRaises(ClientError) as ctx:
            self.raw_iam.get_account_authorization_details(Filter=["Everything"])
        self.assertAwsError(ctx, "ValidationError", 400)

        _, out, _ = self.server.cli("iam", "get-account-authorization-details",
                                    "--filter", "User")
        cli_users = json.loads(out)["UserDetailList"]
        self.assertEqual(cli_users[0]["UserPolicyList"][0]["PolicyDocument"], json.loads(SPACED))


if __name__ == "__main__":
    unittest.main()
