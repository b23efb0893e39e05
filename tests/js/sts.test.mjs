// The AWS SDK for JavaScript v3 against iamd: a real server on loopback, roles created with
// @aws-sdk/client-iam, and @aws-sdk/credential-providers' fromTemporaryCredentials assuming them
// (plain, with ExternalId, and chained) for @aws-sdk/client-sts and client-iam calls.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";

import {
  IAMClient,
  CreateAccessKeyCommand,
  CreateRoleCommand,
  CreateUserCommand,
  ListRolesCommand,
  ListUsersCommand,
  PutRolePolicyCommand,
  PutUserPolicyCommand,
} from "@aws-sdk/client-iam";
import { STSClient, GetCallerIdentityCommand, AssumeRoleCommand } from "@aws-sdk/client-sts";
import { fromTemporaryCredentials } from "@aws-sdk/credential-providers";

const ACCOUNT = "123456789012";
const ROOT = {
  accessKeyId: "AKIAIOSFODNN7EXAMPLE",
  secretAccessKey: "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY",
};
const region = "us-east-1";

let server;
let dataDir;
let endpoint;

function freePort() {
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.listen(0, "127.0.0.1", () => {
      const { port } = s.address();
      s.close(() => resolve(port));
    });
    s.on("error", reject);
  });
}

async function waitHealthy(url, deadlineMs) {
  const until = Date.now() + deadlineMs;
  while (Date.now() < until) {
    try {
      const r = await fetch(url + "/healthz");
      if (r.ok) return;
    } catch {
      // not up yet
    }
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error("iamd did not become healthy");
}

const doc = (statements) => JSON.stringify({ Version: "2012-10-17", Statement: statements });
const allow = (action) => doc([{ Effect: "Allow", Action: action, Resource: "*" }]);
const trust = (principal, condition) =>
  doc([{ Effect: "Allow", Principal: principal, Action: "sts:AssumeRole", ...(condition ? { Condition: condition } : {}) }]);
const roleArn = (name) => `arn:aws:iam::${ACCOUNT}:role/${name}`;

const iamAs = (credentials) => new IAMClient({ region, endpoint, credentials, maxAttempts: 1 });
const stsAs = (credentials) => new STSClient({ region, endpoint, credentials, maxAttempts: 1 });

let user; // { accessKeyId, secretAccessKey } of "js-user"

before(async () => {
  const bin = process.env.IAMD_BIN;
  assert.ok(bin, "IAMD_BIN must name the iamd binary");
  dataDir = mkdtempSync(join(tmpdir(), "iamd-js-"));
  const port = await freePort();
  endpoint = `http://127.0.0.1:${port}`;
  server = spawn(bin, ["serve", "--data-dir", dataDir, "--listen", `127.0.0.1:${port}`], {
    env: {
      ...process.env,
      IAMD_ACCOUNT_ID: ACCOUNT,
      IAMD_ROOT_ACCESS_KEY_ID: ROOT.accessKeyId,
      IAMD_ROOT_SECRET_ACCESS_KEY: ROOT.secretAccessKey,
    },
    stdio: "ignore",
  });
  await waitHealthy(endpoint, 15000);

  const iam = iamAs(ROOT);
  await iam.send(new CreateUserCommand({ UserName: "js-user" }));
  const key = await iam.send(new CreateAccessKeyCommand({ UserName: "js-user" }));
  user = { accessKeyId: key.AccessKey.AccessKeyId, secretAccessKey: key.AccessKey.SecretAccessKey };
  await iam.send(new PutUserPolicyCommand({ UserName: "js-user", PolicyName: "p", PolicyDocument: allow("sts:AssumeRole") }));
  await iam.send(new CreateRoleCommand({
    RoleName: "js-role",
    AssumeRolePolicyDocument: trust({ AWS: `arn:aws:iam::${ACCOUNT}:user/js-user` }),
  }));
  await iam.send(new PutRolePolicyCommand({ RoleName: "js-role", PolicyName: "p", PolicyDocument: allow("iam:ListRoles") }));
  await iam.send(new CreateRoleCommand({
    RoleName: "js-vendor",
    AssumeRolePolicyDocument: trust({ AWS: ACCOUNT }, { StringEquals: { "sts:ExternalId": "js-ext" } }),
  }));
  await iam.send(new CreateRoleCommand({
    RoleName: "js-chained",
    AssumeRolePolicyDocument: trust({ AWS: roleArn("js-role") }),
  }));
  await iam.send(new PutRolePolicyCommand({ RoleName: "js-chained", PolicyName: "p", PolicyDocument: allow("iam:ListUsers") }));
});

after(() => {
  if (server) server.kill("SIGKILL");
  if (dataDir) rmSync(dataDir, { recursive: true, force: true });
});

test("GetCallerIdentity with long-term keys", async () => {
  const who = await stsAs(user).send(new GetCallerIdentityCommand({}));
  assert.equal(who.Arn, `arn:aws:iam::${ACCOUNT}:user/js-user`);
  assert.equal(who.Account, ACCOUNT);
});

test("AssumeRole returns ASIA credentials that sign requests", async () => {
  const out = await stsAs(user).send(new AssumeRoleCommand({ RoleArn: roleArn("js-role"), RoleSessionName: "js-direct" }));
  assert.match(out.Credentials.AccessKeyId, /^ASIA[A-Z2-7]{16}$/);
  assert.ok(out.Credentials.Expiration instanceof Date);
  assert.equal(out.AssumedRoleUser.Arn, `arn:aws:sts::${ACCOUNT}:assumed-role/js-role/js-direct`);
  const credentials = {
    accessKeyId: out.Credentials.AccessKeyId,
    secretAccessKey: out.Credentials.SecretAccessKey,
    sessionToken: out.Credentials.SessionToken,
  };
  const who = await stsAs(credentials).send(new GetCallerIdentityCommand({}));
  assert.equal(who.Arn, out.AssumedRoleUser.Arn);
  assert.equal(who.UserId, out.AssumedRoleUser.AssumedRoleId);
});

test("fromTemporaryCredentials assumes the role", async () => {
  const credentials = fromTemporaryCredentials({
    masterCredentials: user,
    params: { RoleArn: roleArn("js-role"), RoleSessionName: "js-provider", DurationSeconds: 900 },
    clientConfig: { region, endpoint },
  });
  const who = await stsAs(credentials).send(new GetCallerIdentityCommand({}));
  assert.equal(who.Arn, `arn:aws:sts::${ACCOUNT}:assumed-role/js-role/js-provider`);
  const roles = await iamAs(credentials).send(new ListRolesCommand({}));
  assert.ok(roles.Roles.some((r) => r.RoleName === "js-role"));
  await assert.rejects(iamAs(credentials).send(new ListUsersCommand({})), (err) => {
    assert.equal(err.name, "AccessDenied");
    assert.equal(err.$metadata.httpStatusCode, 403);
    return true;
  });
});

test("fromTemporaryCredentials with an ExternalId", async () => {
  const good = fromTemporaryCredentials({
    masterCredentials: user,
    params: { RoleArn: roleArn("js-vendor"), RoleSessionName: "js-ext", ExternalId: "js-ext" },
    clientConfig: { region, endpoint },
  });
  const who = await stsAs(good).send(new GetCallerIdentityCommand({}));
  assert.equal(who.Arn, `arn:aws:sts::${ACCOUNT}:assumed-role/js-vendor/js-ext`);
  const bad = fromTemporaryCredentials({
    masterCredentials: user,
    params: { RoleArn: roleArn("js-vendor"), RoleSessionName: "js-ext", ExternalId: "wrong" },
    clientConfig: { region, endpoint },
  });
  await assert.rejects(stsAs(bad).send(new GetCallerIdentityCommand({})), (err) => {
    assert.equal(err.name, "AccessDenied");
    return true;
  });
});

test("chained fromTemporaryCredentials (role to role) and the one-hour cap", async () => {
  const first = fromTemporaryCredentials({
    masterCredentials: user,
    params: { RoleArn: roleArn("js-role"), RoleSessionName: "hop-1" },
    clientConfig: { region, endpoint },
  });
  const second = fromTemporaryCredentials({
    masterCredentials: first,
    params: { RoleArn: roleArn("js-chained"), RoleSessionName: "hop-2" },
    clientConfig: { region, endpoint },
  });
  const who = await stsAs(second).send(new GetCallerIdentityCommand({}));
  assert.equal(who.Arn, `arn:aws:sts::${ACCOUNT}:assumed-role/js-chained/hop-2`);
  const users = await iamAs(second).send(new ListUsersCommand({}));
  assert.ok(users.Users.some((u) => u.UserName === "js-user"));
  const tooLong = fromTemporaryCredentials({
    masterCredentials: first,
    params: { RoleArn: roleArn("js-chained"), RoleSessionName: "hop-2", DurationSeconds: 7200 },
    clientConfig: { region, endpoint },
  });
  await assert.rejects(stsAs(tooLong).send(new GetCallerIdentityCommand({})), (err) => {
    assert.equal(err.name, "ValidationError");
    assert.match(err.message, /1 hour session limit for roles assumed by role chaining/);
    return true;
  });
});
