// Baselines for bench/policy_bench.cc, run by bench/run.py beside it: decisions per second of
// @cloud-copilot/iam-simulate and of Cedar (@cedar-policy/cedar-wasm) on the same three scenarios,
// with equivalent policies, one thread (node is single-threaded), median of 5 repetitions.
//
//   node policy_baselines.mjs            prints one JSON object
//   BENCH_JS_SECONDS=0.5 (per repetition), BENCH_JS_REPS=5, BENCH_JS_WARMUP=1 (seconds, first)
//   BENCH_JS_ONLY=a,b,c (scenarios)
//
// Scenarios (as in policy_bench.cc; the request is alice's s3:GetObject on
// arn:aws:s3:::corp-data/home/alice/reports/2024.csv over TLS from 10.1.2.3 with MFA, allowed):
//   a  one 10-statement identity policy with wildcards and two conditions
//   b  10 managed policies (nine small ones and the 10-statement one), a permissions boundary and
//      a session policy
//   c  10,000 policies in memory (even: the 10-statement policy, odd: one Allow on bucket-i/*), two
//      of them (4242 and 7777) attached to the principal
//
// iam-simulate is measured two ways:
//   iam_simulate      its evaluation engine alone: `authorize()` (dist/esm/core_engine) with the
//                     policies parsed once by iam-policy's loadPolicy and the request built once,
//                     as iamd's benchmark compiles once and reuses its RequestContext. This is the
//                     fastest path the library has and the one the ratios use.
//   iam_simulate_api  the public `runSimulation()`: validates policies, action and context keys on
//                     every call (async), for reference.
//
// Cedar: the IAM policies translated statement by statement into Cedar policies (below), parsed
// once with preparsePolicySet and evaluated with statefulIsAuthorized; each call passes the
// request's entities and context as JSON, which is how the wasm API takes them. In (c) Cedar has no
// notion of attaching policies to a principal, so the translation scopes every policy of IAM policy
// i to `principal in Attachment::"pi"`, puts all of them (about 55,000 Cedar policies) in the one
// policy set, and makes alice a member of Attachment::"p4242" and Attachment::"p7777": that is
// `cedar`. `cedar_sliced` is the same request against only the two attached policies' translation.
//
// Translation (IAM -> Cedar), one Cedar policy per statement:
//   Allow / Deny                  permit / forbid
//   Action "svc:Get*" (any case)  context.action like "svc:get*" (the action is passed lower-cased
//                                 in the context, since IAM matches actions case-insensitively)
//   NotAction [..]                unless { <any of the patterns> }
//   Resource "*"                  no constraint
//   Resource "arn..*.."           resource.arn like "arn..*.."
//   ${aws:username} in Resource   Cedar has no string interpolation: the application puts the
//                                 part of the ARN that the variable stands for in an attribute
//                                 (resource.homeUser, resource.userName) and the policy compares it
//                                 with principal.username; the ARN pattern keeps a "*" there
//   Bool aws:SecureTransport      context.secureTransport == true
//   IpAddress aws:SourceIp        context.sourceIp.isInRange(ip("10.0.0.0/8")) || ...
//   BoolIfExists k false          !(context has k) || context.k == false
//   StringEquals k v              context has k && context.k == v
//   StringLike aws:userid AIDA*   principal.userid like "AIDA*"
//   permissions boundary, session policy (they grant nothing, they cap): each becomes one
//                                 `forbid ... unless { <what it allows> }`, so the single Cedar
//                                 decision is identity ∩ boundary ∩ session, as in IAM.
// Before timing, every engine must allow the benchmark request and agree with iamd's known answers
// on two more requests (an explicit deny and an implicit deny).

import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const HERE = dirname(fileURLToPath(import.meta.url));
const require = createRequire(import.meta.url);
const SECONDS = Number(process.env.BENCH_JS_SECONDS ?? '0.5');
const REPS = Number(process.env.BENCH_JS_REPS ?? '5');
const WARMUP = Number(process.env.BENCH_JS_WARMUP ?? '1');

const simDist = join(HERE, 'node_modules/@cloud-copilot/iam-simulate/dist/esm');
const imp = (p) => import(pathToFileURL(join(simDist, p)).href);
const { authorize } = await imp('core_engine/CoreSimulatorEngine.js');
const { AwsRequestImpl } = await imp('request/request.js');
const { RequestContextImpl } = await imp('requestContext.js');
const { DiscoveryContextKeyConstraints } = await imp('context_keys/discoveryContextKeyConstraints.js');
const { runSimulation } = await import('@cloud-copilot/iam-simulate');
const { loadPolicy } = await import('@cloud-copilot/iam-policy');
const cedar = require('@cedar-policy/cedar-wasm/nodejs');

const A = '111111111111';

// ---- IAM policies: the same documents as policy_bench.cc ----

const st = (Effect, Action, Resource, extra = {}) => ({ Effect, Action, Resource, ...extra });

function tenStatementIam() {
  return {
    Version: '2012-10-17',
    Statement: [
      st('Allow', ['iam:Get*', 'iam:List*'], ['*']),
      st('Allow', ['s3:Get*', 's3:List*'], ['arn:aws:s3:::corp-*/home/${aws:username}/*'], {
        Condition: { Bool: { 'aws:SecureTransport': 'true' }, IpAddress: { 'aws:SourceIp': ['10.0.0.0/8', '192.168.0.0/16'] } },
      }),
      st('Deny', ['s3:Delete*', 's3:PutBucketPolicy'], ['*']),
      st('Allow', ['ec2:Describe*'], ['*']),
      st('Allow', ['sts:GetCallerIdentity'], ['*']),
      st('Allow', ['dynamodb:*Item', 'dynamodb:Query'], [`arn:aws:dynamodb:*:${A}:table/app-*`]),
      st('Deny', ['iam:*AccessKey*'], ['arn:aws:iam::*:user/${aws:username}']),
      st('Allow', ['kms:Decrypt'], [`arn:aws:kms:*:${A}:key/*`], {
        Condition: { StringEquals: { 'kms:ViaService': 's3.us-east-1.amazonaws.com' } },
      }),
      st('Allow', ['cloudwatch:Put*', 'logs:*'], ['*']),
      { Effect: 'Deny', NotAction: ['iam:*', 'sts:*'], Resource: ['*'], Condition: { BoolIfExists: { 'aws:MultiFactorAuthPresent': 'false' } } },
    ],
  };
}

function smallManagedIam(i) {
  return {
    Version: '2012-10-17',
    Statement: [
      st('Allow', [`svc${i}:*`], ['*']),
      st('Allow', ['s3:List*'], [`arn:aws:s3:::other-${i}`]),
      st('Deny', ['s3:Delete*'], ['*']),
    ],
  };
}

const boundaryIam = () => ({ Version: '2012-10-17', Statement: [st('Allow', ['s3:*', 'iam:Get*', 'ec2:*', 'sts:*'], ['*'])] });
const sessionIam = () => ({
  Version: '2012-10-17',
  Statement: [st('Allow', ['s3:Get*'], ['arn:aws:s3:::corp-*/*'], { Condition: { StringLike: { 'aws:userid': ['AIDA*'] } } })],
});
const singleIam = (i) => ({ Version: '2012-10-17', Statement: [st('Allow', ['s3:GetObject'], [`arn:aws:s3:::bucket-${i}/*`])] });

// ---- The same policies in Cedar (see the translation table above) ----

const scope = (att) => (att ? `principal in Attachment::"${att}"` : 'principal');

function tenStatementCedar(att) {
  const p = scope(att);
  return [
    `permit(${p}, action, resource) when { context.action like "iam:get*" || context.action like "iam:list*" };`,
    `permit(${p}, action, resource) when { (context.action like "s3:get*" || context.action like "s3:list*") && resource.arn like "arn:aws:s3:::corp-*/home/*/*" && resource has homeUser && principal has username && resource.homeUser == principal.username && context.secureTransport == true && (context.sourceIp.isInRange(ip("10.0.0.0/8")) || context.sourceIp.isInRange(ip("192.168.0.0/16"))) };`,
    `forbid(${p}, action, resource) when { context.action like "s3:delete*" || context.action == "s3:putbucketpolicy" };`,
    `permit(${p}, action, resource) when { context.action like "ec2:describe*" };`,
    `permit(${p}, action, resource) when { context.action == "sts:getcalleridentity" };`,
    `permit(${p}, action, resource) when { (context.action like "dynamodb:*item" || context.action == "dynamodb:query") && resource.arn like "arn:aws:dynamodb:*:${A}:table/app-*" };`,
    `forbid(${p}, action, resource) when { context.action like "iam:*accesskey*" && resource.arn like "arn:aws:iam::*:user/*" && resource has userName && principal has username && resource.userName == principal.username };`,
    `permit(${p}, action, resource) when { context.action == "kms:decrypt" && resource.arn like "arn:aws:kms:*:${A}:key/*" && context has kmsViaService && context.kmsViaService == "s3.us-east-1.amazonaws.com" };`,
    `permit(${p}, action, resource) when { context.action like "cloudwatch:put*" || context.action like "logs:*" };`,
    `forbid(${p}, action, resource) unless { context.action like "iam:*" || context.action like "sts:*" } when { !(context has mfaPresent) || context.mfaPresent == false };`,
  ];
}

function smallManagedCedar(i) {
  return [
    `permit(principal, action, resource) when { context.action like "svc${i}:*" };`,
    `permit(principal, action, resource) when { context.action like "s3:list*" && resource.arn == "arn:aws:s3:::other-${i}" };`,
    `forbid(principal, action, resource) when { context.action like "s3:delete*" };`,
  ];
}

const boundaryCedar = () => [
  'forbid(principal, action, resource) unless { context.action like "s3:*" || context.action like "iam:get*" || context.action like "ec2:*" || context.action like "sts:*" };',
];
const sessionCedar = () => [
  'forbid(principal, action, resource) unless { context.action like "s3:get*" && resource.arn like "arn:aws:s3:::corp-*/*" && principal has userid && principal.userid like "AIDA*" };',
];
const singleCedar = (i, att) => [`permit(${scope(att)}, action, resource) when { context.action == "s3:getobject" && resource.arn like "arn:aws:s3:::bucket-${i}/*" };`];

// ---- Requests ----

// The benchmark request, and two checks: an explicit deny (s3:DeleteObject) and an implicit deny
// (s3:GetObject outside alice's home).
const REQUESTS = [
  { action: 's3:GetObject', resource: 'arn:aws:s3:::corp-data/home/alice/reports/2024.csv', homeUser: 'alice', expect: 'allow' },
  { action: 's3:DeleteObject', resource: 'arn:aws:s3:::corp-data/home/alice/reports/2024.csv', homeUser: 'alice', expect: 'deny' },
  { action: 's3:GetObject', resource: 'arn:aws:s3:::corp-data/home/bob/x.csv', homeUser: 'bob', expect: 'deny' },
];

const IAM_CONTEXT = {
  'aws:username': 'alice',
  'aws:userid': 'AIDAALICE',
  'aws:PrincipalArn': `arn:aws:iam::${A}:user/alice`,
  'aws:SecureTransport': 'true',
  'aws:SourceIp': '10.1.2.3',
  'aws:MultiFactorAuthPresent': 'true',
  'aws:CurrentTime': '2024-06-01T12:00:00Z',
};

function simRequest(r) {
  return new AwsRequestImpl(`arn:aws:iam::${A}:user/alice`, { resource: r.resource, accountId: A }, r.action, new RequestContextImpl(IAM_CONTEXT), false);
}

function cedarCall(r, setId, attachments = []) {
  return {
    principal: { type: 'User', id: 'alice' },
    action: { type: 'Action', id: r.action },
    resource: { type: 'Resource', id: r.resource },
    context: { action: r.action.toLowerCase(), secureTransport: true, sourceIp: { __extn: { fn: 'ip', arg: '10.1.2.3' } }, mfaPresent: true },
    preparsedPolicySetId: setId,
    entities: [
      { uid: { type: 'User', id: 'alice' }, attrs: { username: 'alice', userid: 'AIDAALICE' }, parents: attachments.map((id) => ({ type: 'Attachment', id })) },
      { uid: { type: 'Resource', id: r.resource }, attrs: { arn: r.resource, homeUser: r.homeUser }, parents: [] },
    ],
  };
}

// ---- Engines per scenario ----

const simParams = () => ({ simulationMode: 'Strict', discoveryContextKeyConstraints: new DiscoveryContextKeyConstraints([]) });

function simEngine({ identity, boundary, session }) {
  const base = {
    identityPolicies: identity.map((p, i) => loadPolicy(p, { name: `p${i}` })),
    permissionBoundaries: boundary ? boundary.map((p, i) => loadPolicy(p, { name: `b${i}` })) : undefined,
    sessionPolicy: session ? loadPolicy(session, { name: 'session' }) : undefined,
    serviceControlPolicies: [],
    resourceControlPolicies: [],
    resourcePolicy: undefined,
    vpcEndpointPolicies: undefined,
    simulationParameters: simParams(),
    serviceSettings: { s3: {} },
  };
  return (req) => (authorize({ ...base, request: req }).result === 'Allowed' ? 'allow' : 'deny');
}

function simApiEngine({ identity, boundary, session }) {
  return async (r) => {
    const sim = {
      // runSimulation accepts a session policy only for a role or federated session principal.
      request: { principal: session ? `arn:aws:sts::${A}:assumed-role/AppRole/alice` : `arn:aws:iam::${A}:user/alice`, action: r.action, resource: { resource: r.resource, accountId: A }, contextVariables: IAM_CONTEXT },
      identityPolicies: identity.map((policy, i) => ({ name: `p${i}`, policy })),
      serviceControlPolicies: [],
      resourceControlPolicies: [],
    };
    if (boundary) sim.permissionBoundaryPolicies = boundary.map((policy, i) => ({ name: `b${i}`, policy }));
    if (session) sim.sessionPolicy = session;
    const res = await runSimulation(sim, {});
    if (res.resultType === 'error') throw new Error(JSON.stringify(res.errors));
    return res.overallResult === 'Allowed' ? 'allow' : 'deny';
  };
}

function cedarEngine(setId, policies, attachments) {
  const t0 = process.hrtime.bigint();
  const parsed = cedar.preparsePolicySet(setId, { staticPolicies: policies.join('\n') });
  if (parsed.type !== 'success') throw new Error(`cedar: ${JSON.stringify(parsed.errors).slice(0, 500)}`);
  const parseMs = Number(process.hrtime.bigint() - t0) / 1e6;
  const fn = (call) => {
    const a = cedar.statefulIsAuthorized(call);
    if (a.type !== 'success') throw new Error(`cedar: ${JSON.stringify(a.errors)}`);
    return a.response.decision;
  };
  return { fn, call: (r) => cedarCall(r, setId, attachments), parseMs, count: policies.length };
}

// ---- Timing ----

function median(xs) {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)];
}

// Decisions per second: REPS repetitions of about SECONDS each; the median.
function measure(fn, arg) {
  // Warm up first: V8 and the wasm tier-up take thousands of calls to settle.
  const w0 = process.hrtime.bigint();
  while (Number(process.hrtime.bigint() - w0) / 1e9 < WARMUP) for (let i = 0; i < 100; i++) fn(arg);
  let n = 1;
  for (;;) {
    const t0 = process.hrtime.bigint();
    for (let i = 0; i < n; i++) fn(arg);
    const s = Number(process.hrtime.bigint() - t0) / 1e9;
    if (s >= SECONDS / 4) {
      n = Math.max(1, Math.round((n * SECONDS) / s));
      break;
    }
    n *= 4;
  }
  const rates = [];
  for (let rep = 0; rep < REPS; rep++) {
    const t0 = process.hrtime.bigint();
    for (let i = 0; i < n; i++) fn(arg);
    rates.push(n / (Number(process.hrtime.bigint() - t0) / 1e9));
  }
  return median(rates);
}

async function measureAsync(fn, arg) {
  const rates = [];
  for (let rep = 0; rep < REPS; rep++) {
    let n = 0;
    const t0 = process.hrtime.bigint();
    let s = 0;
    while (s < SECONDS / 2) {
      await fn(arg);
      n++;
      s = Number(process.hrtime.bigint() - t0) / 1e9;
    }
    rates.push(n / s);
  }
  return median(rates);
}

// ---- Scenarios ----

function scenarios() {
  const ten = tenStatementIam();
  const managed = [...Array.from({ length: 9 }, (_, i) => smallManagedIam(i)), ten];
  const out = {};
  out.a = { iam: { identity: [ten] }, cedar: () => cedarEngine('a', tenStatementCedar(null), []) };
  out.b = {
    iam: { identity: managed, boundary: [boundaryIam()], session: sessionIam() },
    cedar: () => cedarEngine('b', [...Array.from({ length: 9 }, (_, i) => smallManagedCedar(i)).flat(), ...tenStatementCedar(null), ...boundaryCedar(), ...sessionCedar()], []),
  };
  // (c): 10,000 policies exist; the principal has 4242 (the 10-statement one) and 7777 attached.
  const population = Array.from({ length: 10000 }, (_, i) => (i % 2 === 0 ? tenStatementIam() : singleIam(i)));
  const loaded = population.map((p, i) => loadPolicy(p, { name: `p${i}` })); // in memory, like iamd's
  out.c = {
    iam: { identity: [population[4242], population[7777]] },
    loadedCount: loaded.length,
    cedar: () => cedarEngine('c', population.flatMap((_, i) => (i % 2 === 0 ? tenStatementCedar(`p${i}`) : singleCedar(i, `p${i}`))), ['p4242', 'p7777']),
    cedarSliced: () => cedarEngine('c-sliced', [...tenStatementCedar('p4242'), ...singleCedar(7777, 'p7777')], ['p4242', 'p7777']),
  };
  return out;
}

async function main() {
  const result = {
    node: process.version,
    cedar_version: cedar.getCedarVersion(),
    iam_simulate_version: require('./node_modules/@cloud-copilot/iam-simulate/package.json').version,
    seconds_per_rep: SECONDS,
    reps: REPS,
    scenarios: {},
  };
  const only = process.env.BENCH_JS_ONLY ? process.env.BENCH_JS_ONLY.split(',') : null;
  for (const [name, sc] of Object.entries(scenarios())) {
    if (only && !only.includes(name)) continue;
    process.stderr.write(`policy_baselines: scenario ${name}\n`);
    const sim = simEngine(sc.iam);
    const api = simApiEngine(sc.iam);
    const engines = { cedar: sc.cedar() };
    if (sc.cedarSliced) engines.cedar_sliced = sc.cedarSliced();
    // Equivalence first: every engine answers every check request as expected.
    for (const r of REQUESTS) {
      const got = { iam_simulate: sim(simRequest(r)), iam_simulate_api: await api(r) };
      for (const [k, e] of Object.entries(engines)) got[k] = e.fn(e.call(r));
      for (const [k, v] of Object.entries(got)) {
        if (v !== r.expect) throw new Error(`scenario ${name}: ${k} says ${v} for ${r.action} ${r.resource}, expected ${r.expect}`);
      }
    }
    const req = REQUESTS[0];
    const row = {
      iam_simulate: measure(sim, simRequest(req)),
      iam_simulate_api: await measureAsync(api, req),
    };
    for (const [k, e] of Object.entries(engines)) {
      row[k] = measure(e.fn, e.call(req));
      row[`${k}_policies`] = e.count;
      row[`${k}_parse_ms`] = Math.round(e.parseMs);
    }
    result.scenarios[name] = row;
  }
  process.stdout.write(JSON.stringify(result, null, 2) + '\n');
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
