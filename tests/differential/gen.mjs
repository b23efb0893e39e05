// Seeded generator of random policies and requests for the differential test.
//
// Every case is in the format of `iamd policy eval-batch` (src/app/policy_batch.h), with policies
// as JSON objects; run.mjs turns the same case into an @cloud-copilot/iam-simulate Simulation.
// The generator stays inside what iam-simulate supports (its README and typings): identity
// policies, permission boundaries, one session policy, SCPs, one resource policy, all condition
// operators, policy variables with defaults; requests name real AWS actions on ARNs of the right
// resource type (iam-simulate validates both against its IAM data) and use global condition keys
// only (it drops other keys that do not apply to the action).
//
//   node gen.mjs [--n 3000] [--seed 20240601] [--out cases.jsonl]
//
// The same seed always gives the same cases.

import { writeFileSync } from 'node:fs';
import { pathToFileURL } from 'node:url';

export const DEFAULT_N = 3000;
export const DEFAULT_SEED = 20240601;

// mulberry32: small, fast, and identical on every platform.
export function rng(seed) {
  let a = seed >>> 0;
  const next = () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  const r = {
    next,
    int: (lo, hi) => lo + Math.floor(next() * (hi - lo + 1)), // inclusive
    chance: (p) => next() < p,
    pick: (arr) => arr[Math.floor(next() * arr.length)],
    some: (arr, lo, hi) => {
      const n = r.int(lo, Math.min(hi, arr.length));
      const copy = [...arr];
      const out = [];
      for (let i = 0; i < n; i++) out.push(copy.splice(Math.floor(next() * copy.length), 1)[0]);
      return out;
    },
  };
  return r;
}

const A = '111111111111'; // the principal's account
const B = '222222222222'; // another account (cross-account resources, foreign principals)
const REGION = 'us-east-1';

// Real actions with a resource of their type. `res(names)` builds the request ARN; `pat` lists
// resource patterns a policy might name for this family (with wildcards and variables).
const FAMILIES = [
  {
    service: 's3',
    actions: ['GetObject', 'PutObject', 'DeleteObject', 'GetObjectTagging'],
    res: (n, acct) => `arn:aws:s3:::${n.bucket}/${n.key}`,
    pats: (n) => [
      `arn:aws:s3:::${n.bucket}/*`,
      `arn:aws:s3:::${n.bucket}/${n.key}`,
      'arn:aws:s3:::corp-*/*',
      'arn:aws:s3:::corp-data/home/${aws:username}/*',
      'arn:aws:s3:::corp-data/home/${aws:PrincipalTag/team}/*',
      "arn:aws:s3:::corp-data/home/${aws:PrincipalTag/team, 'shared'}/*",
      'arn:aws:s3:::corp-?ata/*',
      'arn:aws:s3:::*/home/*',
      'arn:aws:s3:::other-bucket/*',
      `arn:aws:s3:::${n.bucket}`,
    ],
  },
  {
    service: 's3',
    actions: ['ListBucket', 'GetBucketPolicy'],
    res: (n) => `arn:aws:s3:::${n.bucket}`,
    pats: (n) => [
      `arn:aws:s3:::${n.bucket}`,
      'arn:aws:s3:::corp-*',
      'arn:aws:s3:::corp-data/*',
      'arn:aws:s3:::*',
      'arn:aws:s3:::other-bucket',
    ],
  },
  {
    service: 'dynamodb',
    actions: ['GetItem', 'PutItem', 'Query', 'DeleteItem'],
    res: (n, acct) => `arn:aws:dynamodb:${REGION}:${acct}:table/${n.table}`,
    pats: (n, acct) => [
      `arn:aws:dynamodb:${REGION}:${acct}:table/${n.table}`,
      `arn:aws:dynamodb:*:${acct}:table/app-*`,
      `arn:aws:dynamodb:*:*:table/*`,
      `arn:aws:dynamodb:us-west-2:${acct}:table/*`,
      `arn:aws:dynamodb:${REGION}:${B}:table/*`,
      `arn:aws:dynamodb:${REGION}:${acct}:table/\${aws:PrincipalTag/team}-*`,
      `arn:aws:dynamodb:${REGION}:${acct}:table/app-????`,
    ],
  },
  {
    service: 'sqs',
    actions: ['SendMessage', 'ReceiveMessage', 'DeleteQueue'],
    res: (n, acct) => `arn:aws:sqs:${REGION}:${acct}:${n.queue}`,
    pats: (n, acct) => [
      `arn:aws:sqs:${REGION}:${acct}:${n.queue}`,
      `arn:aws:sqs:*:${acct}:jobs-*`,
      `arn:aws:sqs:${REGION}:*:*`,
      `arn:aws:sqs:${REGION}:${acct}:\${aws:username}-queue`,
    ],
  },
  {
    service: 'iam',
    actions: ['CreateAccessKey', 'GetUser', 'DeleteUser', 'ListAccessKeys'],
    res: (n, acct) => `arn:aws:iam::${acct}:user/${n.user}`,
    pats: (n, acct) => [
      `arn:aws:iam::${acct}:user/\${aws:username}`,
      `arn:aws:iam::*:user/\${aws:username}`,
      `arn:aws:iam::${acct}:user/*`,
      `arn:aws:iam::${acct}:user/${n.user}`,
      `arn:aws:iam::${acct}:user/division_*`,
      `arn:aws:iam::${acct}:role/*`,
    ],
  },
  {
    service: 'iam',
    actions: ['GetRole', 'UpdateRole', 'TagRole'],
    res: (n, acct) => `arn:aws:iam::${acct}:role/${n.role}`,
    pats: (n, acct) => [
      `arn:aws:iam::${acct}:role/${n.role}`,
      `arn:aws:iam::${acct}:role/App*`,
      `arn:aws:iam::*:role/*`,
      `arn:aws:iam::${acct}:user/*`,
    ],
  },
  {
    service: 'lambda',
    actions: ['InvokeFunction', 'GetFunction'],
    res: (n, acct) => `arn:aws:lambda:${REGION}:${acct}:function:${n.fn}`,
    pats: (n, acct) => [
      `arn:aws:lambda:${REGION}:${acct}:function:${n.fn}`,
      `arn:aws:lambda:*:${acct}:function:app-*`,
      `arn:aws:lambda:${REGION}:${acct}:function:*`,
      `arn:aws:lambda:${REGION}:${acct}:function:app-*:*`,
    ],
  },
  {
    service: 'sns',
    actions: ['Publish', 'Subscribe'],
    res: (n, acct) => `arn:aws:sns:${REGION}:${acct}:${n.topic}`,
    pats: (n, acct) => [
      `arn:aws:sns:${REGION}:${acct}:${n.topic}`,
      `arn:aws:sns:*:*:alerts*`,
      `arn:aws:sns:${REGION}:${acct}:*`,
    ],
  },
  {
    // Role assumption: the resource policy is the role's trust policy, which must allow.
    service: 'sts',
    trust: true,
    actions: ['AssumeRole', 'TagSession'],
    res: (n, acct) => `arn:aws:iam::${acct}:role/${n.role}`,
    pats: (n, acct) => [`arn:aws:iam::${acct}:role/${n.role}`, `arn:aws:iam::${acct}:role/App*`, `arn:aws:iam::*:role/*`],
  },
  {
    service: 'ec2',
    actions: ['DescribeInstances', 'DescribeVpcs'], // wildcard-only actions: resource "*"
    res: () => '*',
    pats: () => ['*', `arn:aws:ec2:${REGION}:${A}:instance/*`],
  },
];

// Action patterns for a request action `svc:Name`.
function actionPatterns(r, service, name) {
  const all = FAMILIES.flatMap((f) => f.actions.map((a) => `${f.service}:${a}`));
  const other = r.pick(all);
  const caseMix = (s) =>
    r.chance(0.5) ? s : [...s].map((c) => (r.chance(0.3) ? c.toUpperCase() : c.toLowerCase())).join('');
  const prefix = name.slice(0, r.int(1, Math.max(1, name.length - 1)));
  return [
    `${service}:${name}`,
    caseMix(`${service}:${name}`),
    `${service}:*`,
    `${service}:${prefix}*`,
    `${service}:?${name.slice(1)}`,
    `${service}:*${name.slice(-4)}`,
    '*',
    other,
    `${service}:List*`,
    `${service}:Get*`,
    `${service}:*Item`,
  ];
}

// Condition keys: how to produce a request value, and policy values per operator family.
const TEAMS = ['red', 'blue', 'Red', 'green'];
const USERS = ['alice', 'bob', 'division_abc'];
const TAGKEYS = ['env', 'team', 'cost', 'Owner'];

function ipIn(r) {
  return r.pick(['10.1.2.3', '10.200.0.9', '192.168.1.5', '203.0.113.7', '172.16.5.4', '2001:db8::1', '2001:db8:1234:5678::9']);
}

function isoDate(r) {
  const y = r.pick([2023, 2024, 2025]);
  const m = String(r.int(1, 12)).padStart(2, '0');
  const d = String(r.int(1, 28)).padStart(2, '0');
  const h = String(r.int(0, 23)).padStart(2, '0');
  return `${y}-${m}-${d}T${h}:00:00Z`;
}

function epochOf(iso) {
  return String(Math.floor(Date.parse(iso) / 1000));
}

const STRING_OPS = ['StringEquals', 'StringNotEquals', 'StringEqualsIgnoreCase', 'StringNotEqualsIgnoreCase', 'StringLike', 'StringNotLike'];
const NUMERIC_OPS = ['NumericEquals', 'NumericNotEquals', 'NumericLessThan', 'NumericLessThanEquals', 'NumericGreaterThan', 'NumericGreaterThanEquals'];
const DATE_OPS = ['DateEquals', 'DateNotEquals', 'DateLessThan', 'DateLessThanEquals', 'DateGreaterThan', 'DateGreaterThanEquals'];
const ARN_OPS = ['ArnEquals', 'ArnLike', 'ArnNotEquals', 'ArnNotLike'];

// One condition clause {op, key, values} for the given request context.
function condition(r, ctx, principal) {
  const kind = r.pick(['string', 'string', 'tagkeys', 'numeric', 'date', 'bool', 'ip', 'arn', 'null', 'string']);
  const ifExists = () => (r.chance(0.25) ? 'IfExists' : '');
  switch (kind) {
    case 'string': {
      const key = r.pick(['aws:PrincipalTag/team', 'aws:username', 'aws:RequestedRegion', 'aws:ResourceTag/env', 'aws:RequestTag/env', 'AWS:PrincipalTag/Team']);
      const op = r.pick(STRING_OPS);
      const pool = /team/i.test(key)
        ? [...TEAMS, 'r*', '?ed', '${aws:username}', "${aws:PrincipalTag/missing, 'red'}"]
        : key === 'aws:username'
          ? [...USERS, 'a*', '${aws:PrincipalTag/team}', 'division_*']
          : key === 'aws:RequestedRegion'
            ? ['us-east-1', 'us-west-2', 'us-*', 'eu-*']
            : ['prod', 'dev', 'Prod', 'p*', '${aws:PrincipalTag/team}'];
      // Wildcards only mean something to the Like operators; elsewhere they are literal text.
      const values = r.some(pool, 1, 3);
      const setOp = r.chance(0.08) ? r.pick(['ForAnyValue:', 'ForAllValues:']) : '';
      return { op: setOp + op + ifExists(), key, values };
    }
    case 'tagkeys': {
      const op = r.pick(['StringEquals', 'StringLike', 'StringNotEquals', 'StringNotLike', 'StringEqualsIgnoreCase']);
      const setOp = r.pick(['ForAllValues:', 'ForAnyValue:']);
      const values = r.some([...TAGKEYS, 'e*', 'team', 'Cost'], 1, 3);
      return { op: setOp + op + ifExists(), key: 'aws:TagKeys', values };
    }
    case 'numeric': {
      const op = r.pick(NUMERIC_OPS);
      const values = r.some(['3600', '600', '0', '86400', 300, '1.5e3', '7200.0'], 1, 2);
      return { op: op + ifExists(), key: 'aws:MultiFactorAuthAge', values };
    }
    case 'date': {
      const op = r.pick(DATE_OPS);
      const key = r.pick(['aws:CurrentTime', 'aws:CurrentTime', 'aws:EpochTime', 'aws:TokenIssueTime']);
      const base = isoDate(r);
      const v = r.pick([base, base, base.slice(0, 10), epochOf(base), ctx['aws:CurrentTime'] ?? base]);
      return { op: op + ifExists(), key, values: [v] };
    }
    case 'bool': {
      const key = r.pick(['aws:SecureTransport', 'aws:MultiFactorAuthPresent', 'aws:ViaAWSService']);
      return { op: 'Bool' + ifExists(), key, values: [r.pick(['true', 'false', true, false])] };
    }
    case 'ip': {
      const op = r.pick(['IpAddress', 'NotIpAddress']);
      const values = r.some(['10.0.0.0/8', '192.168.0.0/16', '203.0.113.7', '203.0.113.0/24', '172.16.0.0/12', '2001:db8::/32', '2001:DB8:1234:5678::/64', '0.0.0.0/0'], 1, 2);
      return { op: op + ifExists(), key: 'aws:SourceIp', values };
    }
    case 'arn': {
      const op = r.pick(ARN_OPS);
      const values = r.some([
        `arn:aws:iam::${A}:role/App*`,
        `arn:aws:iam::${A}:user/alice`,
        `arn:aws:iam::${A}:user/*`,
        `arn:aws:iam::*:role/AppRole`,
        `arn:aws:iam::${B}:*`,
        `arn:aws:iam::${A}:user/\${aws:username}`,
        `arn:aws:iam::${A}:*`,
      ], 1, 2);
      const key = r.pick(['aws:PrincipalArn', 'aws:PrincipalArn', 'aws:SourceArn']);
      return { op: op + ifExists(), key, values };
    }
    case 'null': {
      const key = r.pick(['aws:PrincipalTag/team', 'aws:MultiFactorAuthAge', 'aws:TagKeys', 'aws:SourceIp', 'aws:username', 'aws:TokenIssueTime']);
      return { op: 'Null', key, values: [r.pick(['true', 'false', true])] };
    }
  }
  throw new Error('unreachable');
}

function conditionBlock(r, ctx, principal) {
  const block = {};
  const n = r.int(1, 3);
  for (let i = 0; i < n; i++) {
    const c = condition(r, ctx, principal);
    block[c.op] ??= {};
    block[c.op][c.key] = c.values.length === 1 && r.chance(0.5) ? c.values[0] : c.values;
  }
  return block;
}

function statement(r, req, ctx, principal, { allowConditions = true, principalElement = null, denyRate = 0.12, trust = false } = {}) {
  const s = {};
  if (r.chance(0.2)) s.Sid = 'S' + r.int(0, 1e6);
  s.Effect = r.chance(denyRate) ? 'Deny' : 'Allow';
  if (principalElement) Object.assign(s, principalElement(s.Effect));
  const [service, name] = req.action.split(':');
  const acts = r.some(actionPatterns(r, service, name), 1, 3);
  if (r.chance(0.12)) s.NotAction = acts.length === 1 ? acts[0] : acts;
  else s.Action = acts.length === 1 && r.chance(0.5) ? acts[0] : acts;
  const fam = req.family;
  // Role trust policies have no Resource element.
  if (trust) {
    if (allowConditions && r.chance(0.35)) s.Condition = conditionBlock(r, ctx, principal);
    return s;
  }
  const pats = ['*', req.resource === '*' ? '*' : req.resource, ...fam.pats(req.names, req.resourceAccount)];
  const ress = [...new Set(r.some(pats, 1, 2))];
  if (r.chance(0.12)) s.NotResource = ress.length === 1 ? ress[0] : ress;
  else s.Resource = ress.length === 1 && r.chance(0.5) ? ress[0] : ress;
  if (allowConditions && r.chance(0.45)) s.Condition = conditionBlock(r, ctx, principal);
  return s;
}

function policy(r, req, ctx, principal, opts = {}) {
  const n = r.int(opts.min ?? 1, opts.max ?? 4);
  const sts = [];
  for (let i = 0; i < n; i++) sts.push(statement(r, req, ctx, principal, opts));
  // Sids must be unique within a policy.
  const seen = new Set();
  for (const s of sts) {
    if (s.Sid && seen.has(s.Sid)) delete s.Sid;
    if (s.Sid) seen.add(s.Sid);
  }
  return { Version: '2012-10-17', Statement: sts.length === 1 && r.chance(0.3) ? sts[0] : sts };
}

// An SCP or boundary often starts from "allow everything" and carves out; sometimes it is narrow.
function guardrail(r, req, ctx, principal) {
  const p = policy(r, req, ctx, principal, { min: 1, max: 3, denyRate: 0.25 });
  if (r.chance(0.6)) {
    const sts = Array.isArray(p.Statement) ? p.Statement : [p.Statement];
    p.Statement = [{ Effect: 'Allow', Action: '*', Resource: '*' }, ...sts];
  }
  return p;
}

function makePrincipal(r) {
  const x = r.next();
  const kind = x < 0.45 ? 'User' : x < 0.8 ? 'AssumedRole' : x < 0.96 ? 'FederatedUser' : 'Root';
  const user = r.pick(USERS);
  switch (kind) {
    case 'User':
      return { kind, arn: `arn:aws:iam::${A}:user/${user}`, name: user, principalArn: `arn:aws:iam::${A}:user/${user}` };
    case 'AssumedRole': {
      const role = r.pick(['AppRole', 'AdminRole']);
      const sess = r.pick(['s1', 'alice']);
      return { kind, arn: `arn:aws:sts::${A}:assumed-role/${role}/${sess}`, roleArn: `arn:aws:iam::${A}:role/${role}`, principalArn: `arn:aws:iam::${A}:role/${role}` };
    }
    case 'FederatedUser':
      return { kind, arn: `arn:aws:sts::${A}:federated-user/${user}`, sourceUserArn: `arn:aws:iam::${A}:user/${user}`, principalArn: `arn:aws:sts::${A}:federated-user/${user}` };
    case 'Root':
      return { kind, arn: `arn:aws:iam::${A}:root`, principalArn: `arn:aws:iam::${A}:root` };
  }
  throw new Error('unreachable');
}

function makeContext(r, principal) {
  const ctx = {};
  const now = isoDate(r);
  ctx['aws:CurrentTime'] = now;
  ctx['aws:EpochTime'] = epochOf(now);
  ctx['aws:SecureTransport'] = r.pick(['true', 'false']);
  if (r.chance(0.85)) ctx['aws:SourceIp'] = ipIn(r);
  ctx['aws:RequestedRegion'] = r.pick(['us-east-1', 'us-west-2', 'eu-west-1']);
  ctx['aws:PrincipalArn'] = principal.principalArn;
  ctx['aws:PrincipalAccount'] = A;
  ctx['aws:PrincipalType'] = { User: 'User', AssumedRole: 'AssumedRole', FederatedUser: 'FederatedUser', Root: 'Account' }[principal.kind];
  if (principal.kind === 'User') ctx['aws:username'] = principal.name;
  if (principal.kind !== 'Root' && r.chance(0.6)) ctx['aws:PrincipalTag/team'] = r.pick(TEAMS);
  if (r.chance(0.5)) ctx['aws:MultiFactorAuthPresent'] = r.pick(['true', 'false']);
  if (r.chance(0.5)) ctx['aws:MultiFactorAuthAge'] = String(r.pick([0, 30, 599, 600, 3600, 5000, 90000]));
  if (principal.kind === 'AssumedRole' || principal.kind === 'FederatedUser') {
    if (r.chance(0.7)) ctx['aws:TokenIssueTime'] = isoDate(r);
  }
  // A request without tags has no aws:TagKeys at all (never an empty list: see KNOWN_DIFFERENCES.md).
  if (r.chance(0.5)) ctx['aws:TagKeys'] = r.some(TAGKEYS, 1, 3);
  if (r.chance(0.4)) ctx['aws:RequestTag/env'] = r.pick(['prod', 'dev', 'Prod']);
  if (r.chance(0.4)) ctx['aws:ResourceTag/env'] = r.pick(['prod', 'dev', 'Prod']);
  if (r.chance(0.3)) ctx['aws:ViaAWSService'] = r.pick(['true', 'false']);
  return ctx;
}

function resourcePolicy(r, req, ctx, principal) {
  const principals = [
    () => '*',
    () => ({ AWS: '*' }),
    () => ({ AWS: principal.kind === 'User' ? principal.arn : `arn:aws:iam::${A}:user/alice` }),
    () => ({ AWS: principal.roleArn ?? `arn:aws:iam::${A}:role/AppRole` }),
    () => ({ AWS: principal.kind === 'AssumedRole' ? principal.arn : `arn:aws:sts::${A}:assumed-role/AppRole/s1` }),
    () => ({ AWS: principal.kind === 'FederatedUser' ? principal.arn : `arn:aws:sts::${A}:federated-user/bob` }),
    () => ({ AWS: principal.sourceUserArn ?? `arn:aws:iam::${A}:user/bob` }),
    () => ({ AWS: A }),
    () => ({ AWS: `arn:aws:iam::${A}:root` }),
    () => ({ AWS: B }),
    () => ({ AWS: `arn:aws:iam::${B}:user/eve` }),
    () => ({ Service: 'lambda.amazonaws.com' }),
  ];
  const element = (effect) => {
    // (Trust policies may not use NotPrincipal.)
    if (effect === 'Deny' && !req.family.trust && r.chance(0.35)) {
      // NotPrincipal with Deny: "everyone except"; a session must list its role and account too.
      // Half the time the list AWS recommends (the caller's account and every ARN it has), half
      // the time a random part of it plus a bystander.
      const full = [`arn:aws:iam::${A}:root`, principal.arn, ...(principal.roleArn ? [principal.roleArn] : [])];
      const except = r.chance(0.5) ? full : r.some([...full, A, `arn:aws:iam::${A}:user/alice`], 1, 3);
      return { NotPrincipal: { AWS: [...new Set(except)] } };
    }
    const pick = r.pick(principals)();
    if (r.chance(0.15) && typeof pick === 'object' && pick.AWS && !String(pick.AWS).includes('*')) {
      const other = r.pick(principals)();
      if (typeof other === 'object' && other.AWS && other.AWS !== '*') return { Principal: { AWS: [pick.AWS, other.AWS] } };
    }
    return { Principal: pick };
  };
  return policy(r, req, ctx, principal, { min: 1, max: 3, principalElement: element, trust: !!req.family.trust, denyRate: 0.25 });
}

export function generateCase(r, index) {
  const principal = makePrincipal(r);
  const family = r.pick(FAMILIES);
  const name = r.pick(family.actions);
  const names = {
    bucket: r.pick(['corp-data', 'corp-logs', 'public-site', 'corp-bata']),
    key: r.pick(['home/alice/report.csv', 'home/red/notes.txt', 'home/shared/a.txt', 'index.html', 'home/Red/x']),
    table: r.pick(['app-main', 'app-logs', 'red-items', 'orders']),
    queue: r.pick(['jobs-high', 'alice-queue', 'bob-queue', 'misc']),
    user: r.pick(['alice', 'bob', 'division_abc/sub/jane', 'carol']),
    role: r.pick(['AppRole', 'AdminRole', 'BuildRole']),
    fn: r.pick(['app-api', 'app-worker', 'cron']),
    topic: r.pick(['alerts', 'alerts-prod', 'billing']),
  };
  // Cross-account: the resource lives in account B (its ARN says so where ARNs carry accounts).
  const crossAccount = !['ec2', 'iam'].includes(family.service) && r.chance(0.12);
  const resourceAccount = crossAccount ? B : A;
  const req = {
    family,
    names,
    action: `${family.service}:${name}`,
    resource: family.res(names, resourceAccount),
    resourceAccount,
  };
  const ctx = makeContext(r, principal);

  const c = { id: index };
  const isRoot = principal.kind === 'Root';
  c.identity = [];
  if (!isRoot) {
    const n = r.pick([0, 1, 1, 1, 2, 2, 3]);
    for (let i = 0; i < n; i++) c.identity.push(policy(r, req, ctx, principal));
  }
  if (!isRoot && principal.kind !== 'FederatedUser' && r.chance(0.25)) c.boundary = [guardrail(r, req, ctx, principal)];
  const sessionCapable = principal.kind === 'AssumedRole' || principal.kind === 'FederatedUser';
  if (sessionCapable && (principal.kind === 'FederatedUser' ? r.chance(0.85) : r.chance(0.35))) {
    c.session = [policy(r, req, ctx, principal, { min: 1, max: 3 })];
  }
  if (r.chance(0.25)) {
    const levels = r.int(1, 2);
    c.scps = [];
    for (let l = 0; l < levels; l++) {
      const lv = [guardrail(r, req, ctx, principal)];
      if (r.chance(0.3)) lv.push(guardrail(r, req, ctx, principal));
      c.scps.push(lv);
    }
  }
  const wantsRbp = family.trust || (req.resource !== '*' && (crossAccount ? r.chance(0.8) : r.chance(0.3)));
  if (wantsRbp) c.resource_policy = resourcePolicy(r, req, ctx, principal);
  if (family.trust) c.resource_policy_required = true;
  c.request = {
    action: req.action,
    resource: req.resource,
    principal: principal.arn,
    principal_type: principal.kind,
    resource_account: resourceAccount,
    context: ctx,
  };
  if (principal.roleArn) c.request.role_arn = principal.roleArn;
  if (principal.sourceUserArn) c.request.source_user_arn = principal.sourceUserArn;
  return c;
}

export function generate(n = DEFAULT_N, seed = DEFAULT_SEED) {
  const r = rng(seed);
  const out = [];
  for (let i = 0; i < n; i++) out.push(generateCase(r, i));
  return out;
}

export function parseArgs(argv) {
  const opts = { n: DEFAULT_N, seed: DEFAULT_SEED };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    const val = () => argv[++i];
    if (a === '--n') opts.n = parseInt(val(), 10);
    else if (a === '--seed') opts.seed = parseInt(val(), 10);
    else if (a === '--out') opts.out = val();
    else if (a === '--show') opts.show = parseInt(val(), 10);
    else if (a === '--only') opts.only = val().split(',').map((x) => parseInt(x, 10));
    else if (a === '--verbose') opts.verbose = true;
    else if (a === '--failures') opts.failures = val();
    else if (a === '--no-shrink') opts.shrink = false;
    else if (a === '--cases') opts.cases = val();
    else throw new Error(`unknown argument ${a}`);
  }
  return opts;
}

if (import.meta.url === pathToFileURL(process.argv[1]).href) {
  const opts = parseArgs(process.argv.slice(2));
  const lines = generate(opts.n, opts.seed).map((c) => JSON.stringify(c)).join('\n') + '\n';
  if (opts.out) writeFileSync(opts.out, lines);
  else process.stdout.write(lines);
}
