// Differential test: the same random cases through `iamd policy eval-batch` and through
// @cloud-copilot/iam-simulate; decisions are compared case by case.
//
//   IAMD_BIN=build/iamd node run.mjs [--n 3000] [--seed 20240601] [--show 5] [--only 12,40]
//                                    [--verbose] [--failures failures.jsonl] [--no-shrink]
//                                    [--cases cases.jsonl (instead of generating)]
//
// A disagreement that the entries of known_differences.json explain (KNOWN_DIFFERENCES.md: each is
// documented AWS behaviour that iam-simulate gets wrong, confirmed per case by a counterfactual
// re-run, see known_differences.mjs) counts as passed and is tallied per entry; any other
// disagreement, any case iam-simulate rejects (the generator strayed outside what it supports) and
// any failed eval-batch protocol check fails. The first failures are printed shrunk to a minimal
// case that still disagrees the same way. The last line is "differential: N passed, M failed".
// Exit status 0 when nothing failed, 1 otherwise, 2 on a harness error.

import { spawnSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

import { runSimulation } from '@cloud-copilot/iam-simulate';

import { generate, parseArgs } from './gen.mjs';
import { explainDifference, rewrites } from './known_differences.mjs';

const HERE = dirname(fileURLToPath(import.meta.url));
const IAMD = process.env.IAMD_BIN;
if (!IAMD) {
  console.error('run.mjs: set IAMD_BIN to the iamd binary');
  process.exit(2);
}

const SIM_DECISION = { Allowed: 'Allow', ExplicitlyDenied: 'ExplicitDeny', ImplicitlyDenied: 'ImplicitDeny' };

// The neutral case -> an iam-simulate Simulation.
export function toSimulation(c) {
  const sim = {
    request: {
      principal: c.request.principal,
      action: c.request.action,
      resource: { resource: c.request.resource, accountId: c.request.resource_account },
      contextVariables: c.request.context ?? {},
    },
    identityPolicies: (c.identity ?? []).map((policy, i) => ({ name: `identity${i}`, policy })),
    serviceControlPolicies: (c.scps ?? []).map((level, l) => ({
      orgIdentifier: `ou-level${l}`,
      policies: level.map((policy, i) => ({ name: `scp${l}-${i}`, policy })),
    })),
    resourceControlPolicies: [],
    // iam-simulate filters aws:ResourceTag/* for S3 unless bucket ABAC is on; keep every key.
    additionalSettings: { s3: { bucketAbacEnabled: true } },
  };
  if (c.boundary) sim.permissionBoundaryPolicies = c.boundary.map((policy, i) => ({ name: `boundary${i}`, policy }));
  if (c.session) {
    if (c.session.length !== 1) throw new Error('iam-simulate takes exactly one session policy');
    sim.sessionPolicy = c.session[0];
  }
  if (c.resource_policy) sim.resourcePolicy = c.resource_policy;
  return sim;
}

export async function simulate(c) {
  const res = await runSimulation(toSimulation(c), {});
  if (res.resultType === 'error') return { error: JSON.stringify(res.errors), raw: res };
  const ignored = res.resultType === 'single' ? res.result.ignoredContextKeys ?? [] : [];
  if (ignored.length > 0) return { error: `iam-simulate ignored context keys ${ignored.join(', ')}`, raw: res };
  return { decision: SIM_DECISION[res.overallResult], raw: res };
}

export function iamdBatch(cases) {
  const input = cases.map((c) => JSON.stringify(c)).join('\n') + '\n';
  const p = spawnSync(IAMD, ['policy', 'eval-batch'], { input, maxBuffer: 1 << 30, encoding: 'utf8' });
  if (p.status !== 0) throw new Error(`iamd policy eval-batch exited ${p.status}: ${p.stderr}`);
  const lines = p.stdout.split('\n').filter((l) => l.length > 0);
  if (lines.length !== cases.length) {
    throw new Error(`iamd answered ${lines.length} lines for ${cases.length} cases`);
  }
  return lines.map((l) => JSON.parse(l));
}

// The eval-batch protocol itself: one answer per non-blank line, an {"error"} for bad lines (bad
// JSON, not an object, a bad policy, an over-long line) and the case's id echoed back.
function protocolChecks() {
  const good = { id: 'g', identity: [JSON.stringify({ Version: '2012-10-17', Statement: { Effect: 'Allow', Action: 's3:*', Resource: '*' } })], request: { action: 's3:GetObject', resource: 'arn:aws:s3:::b/k', principal: 'arn:aws:iam::111111111111:user/u' } };
  const lines = [
    JSON.stringify(good),
    '{not json',
    '',
    '[1,2]',
    JSON.stringify({ id: 'p', identity: ['{"Statement":[]}'], request: good.request }),
    JSON.stringify({ id: 'r', identity: [] }),
    'x'.repeat((1 << 20) + 10),
    JSON.stringify({ id: 't', identity: [], request: { action: 'sts:GetCallerIdentity', principal: 'arn:aws:iam::111111111111:root' } }),
  ];
  const p = spawnSync(IAMD, ['policy', 'eval-batch'], { input: lines.join('\n'), maxBuffer: 1 << 26, encoding: 'utf8' });
  const out = p.stdout.split('\n').filter((l) => l.length > 0).map((l) => JSON.parse(l));
  const failures = [];
  const expect = (cond, what) => { if (!cond) failures.push(what); };
  expect(p.status === 0, `exit status ${p.status}`);
  expect(out.length === 7, `${out.length} answers for 7 non-blank lines`);
  if (out.length === 7) {
    expect(out[0].id === 'g' && out[0].decision === 'Allow' && Array.isArray(out[0].matched), 'a good case is answered with its id and decision');
    expect(typeof out[1].error === 'string', 'bad JSON gives an error');
    expect(typeof out[2].error === 'string', 'a non-object gives an error');
    expect(out[3].id === 'p' && /Syntax errors/.test(out[3].error ?? ''), 'a bad policy gives the parser\'s error, with the id');
    expect(out[4].id === 'r' && typeof out[4].error === 'string', 'a case without request gives an error');
    expect(/longer than/.test(out[5].error ?? ''), 'an over-long line gives an error');
    expect(out[6].id === 't' && out[6].decision === 'Allow', 'the line after an over-long one is still evaluated');
  }
  return failures;
}

function loadKnown() {
  const entries = JSON.parse(readFileSync(join(HERE, 'known_differences.json'), 'utf8')).differences;
  for (const e of entries) {
    if (!rewrites[e.id]) throw new Error(`known_differences.json: no rewrite for ${e.id}`);
  }
  return entries;
}

// The known differences that explain a disagreement, if any (counterfactual re-runs, see
// known_differences.mjs).
const ENGINES = {
  iamd: (c) => {
    const [o] = iamdBatch([c]);
    return o.decision ?? `error: ${o.error}`;
  },
  simulate: async (c) => {
    const r = await simulate(c);
    return r.decision ?? `error: ${r.error}`;
  },
};

async function explain(known, c, iamd) {
  const ids = await explainDifference(c, iamd, known.map((e) => e.id), ENGINES);
  return ids ? ids.join('+') : null;
}

async function compare(known, c, iamdOut) {
  const sim = await simulate(c);
  if (sim.error) return { kind: 'sim-error', sim, iamd: iamdOut };
  if (iamdOut.error) return { kind: 'iamd-error', sim, iamd: iamdOut };
  if (iamdOut.decision === sim.decision) return { kind: 'agree', sim, iamd: iamdOut };
  const k = await explain(known, c, iamdOut.decision);
  if (k) return { kind: 'known', known: k, sim, iamd: iamdOut };
  return { kind: 'disagree', sim, iamd: iamdOut };
}

// Greedy shrinking: drop policies, statements, condition clauses, list entries and context keys
// while the case still fails the same way. Each step is one iamd call and one simulation.
async function shrink(known, c, first) {
  const stillFails = async (cand) => {
    try {
      const [out] = iamdBatch([cand]);
      const r = await compare(known, cand, out);
      return r.kind === first.kind && r.iamd.decision === first.iamd.decision &&
        r.sim.decision === first.sim.decision;
    } catch {
      return false;
    }
  };
  const clone = (x) => JSON.parse(JSON.stringify(x));
  const edits = (cur) => {
    const out = [];
    const push = (f) => out.push(() => { const n = clone(cur); return f(n) === false ? null : n; });
    for (const field of ['identity', 'boundary', 'session']) {
      if (!cur[field]) continue;
      push((n) => { delete n[field]; });
      // An empty boundary or session list is not "none" (it allows nothing): drop the field instead.
      if (cur[field].length > 1 || field === 'identity') cur[field].forEach((_, i) => push((n) => { n[field].splice(i, 1); }));
    }
    if (cur.scps) {
      push((n) => { delete n.scps; });
      cur.scps.forEach((lv, l) => {
        push((n) => { n.scps.splice(l, 1); if (n.scps.length === 0) delete n.scps; });
        lv.forEach((_, i) => push((n) => { if (n.scps[l].length < 2) return false; n.scps[l].splice(i, 1); }));
      });
    }
    if (cur.resource_policy) push((n) => { delete n.resource_policy; });
    const policies = [];
    for (const field of ['identity', 'boundary', 'session']) (cur[field] ?? []).forEach((_, i) => policies.push((n) => n[field][i]));
    (cur.scps ?? []).forEach((lv, l) => lv.forEach((_, i) => policies.push((n) => n.scps[l][i])));
    if (cur.resource_policy) policies.push((n) => n.resource_policy);
    for (const get of policies) {
      const p = get(cur);
      const sts = Array.isArray(p.Statement) ? p.Statement : [p.Statement];
      sts.forEach((s, si) => {
        const st = (n) => { const q = get(n); if (!Array.isArray(q.Statement)) q.Statement = [q.Statement]; return q.Statement[si]; };
        if (sts.length > 1) push((n) => { const q = get(n); q.Statement = (Array.isArray(q.Statement) ? q.Statement : [q.Statement]).filter((_, j) => j !== si); });
        if (s.Sid) push((n) => { delete st(n).Sid; });
        for (const el of ['Action', 'NotAction', 'Resource', 'NotResource']) {
          if (Array.isArray(s[el]) && s[el].length > 1) s[el].forEach((_, j) => push((n) => { st(n)[el].splice(j, 1); }));
        }
        if (s.Condition) {
          push((n) => { delete st(n).Condition; });
          for (const op of Object.keys(s.Condition)) {
            push((n) => { delete st(n).Condition[op]; if (Object.keys(st(n).Condition).length === 0) delete st(n).Condition; });
            for (const key of Object.keys(s.Condition[op])) {
              push((n) => { delete st(n).Condition[op][key]; if (Object.keys(st(n).Condition[op]).length === 0) return false; });
              const v = s.Condition[op][key];
              if (Array.isArray(v) && v.length > 1) v.forEach((_, j) => push((n) => { st(n).Condition[op][key].splice(j, 1); }));
            }
          }
        }
      });
    }
    for (const key of Object.keys(cur.request.context ?? {})) push((n) => { delete n.request.context[key]; });
    return out;
  };
  let cur = clone(c);
  for (let progress = true; progress;) {
    progress = false;
    for (const e of edits(cur)) {
      const cand = e();
      if (cand && (await stillFails(cand))) {
        cur = cand;
        progress = true;
        break;
      }
    }
  }
  return cur;
}

function simSummary(raw) {
  if (!raw || raw.resultType !== 'single') return raw;
  const a = raw.result.analysis;
  const sets = (x) => x && { result: x.result, allow: x.allowStatements?.map((s) => `${s.policyId}#${s.explain.identifier}`), deny: x.denyStatements?.map((s) => `${s.policyId}#${s.explain.identifier}`) };
  return {
    overallResult: raw.overallResult,
    sameAccount: a.sameAccount,
    blockedBy: a.blockedBy,
    identity: sets(a.identityAnalysis),
    boundary: sets(a.permissionBoundaryAnalysis),
    session: sets(a.sessionAnalysis),
    resource: sets(a.resourceAnalysis),
    scp: a.scpAnalysis && { result: a.scpAnalysis.result },
  };
}

async function main() {
  const opts = { show: 5, shrink: true, ...parseArgs(process.argv.slice(2)) };
  const failuresFile = opts.failures;
  const known = loadKnown();
  let cases = opts.cases
    ? readFileSync(opts.cases, 'utf8').split('\n').filter((l) => l.trim()).map((l) => JSON.parse(l))
    : generate(opts.n, opts.seed);
  if (opts.only) cases = cases.filter((c) => opts.only.includes(c.id));

  const started = Date.now();
  const outs = iamdBatch(cases);
  const iamdMs = Date.now() - started;
  const tally = { agree: 0, known: 0, disagree: 0, 'sim-error': 0, 'iamd-error': 0 };
  const perKnown = {};
  const decisions = {};
  const failures = [];
  const simStarted = Date.now();
  for (let i = 0; i < cases.length; i++) {
    const r = await compare(known, cases[i], outs[i]);
    tally[r.kind]++;
    if (r.kind === 'known') perKnown[r.known] = (perKnown[r.known] ?? 0) + 1;
    if (r.kind === 'agree') decisions[r.iamd.decision] = (decisions[r.iamd.decision] ?? 0) + 1;
    if (r.kind !== 'agree' && r.kind !== 'known') failures.push({ c: cases[i], r });
    if (opts.verbose) console.log(JSON.stringify({ id: cases[i].id, kind: r.kind, iamd: r.iamd.decision ?? r.iamd.error, sim: r.sim.decision ?? r.sim.error }));
  }
  const simMs = Date.now() - simStarted;

  for (const { c, r } of failures.slice(0, opts.show)) {
    console.log(`\n--- case ${c.id}: ${r.kind}: iamd ${r.iamd.decision ?? 'error ' + r.iamd.error}, iam-simulate ${r.sim.decision ?? 'error ' + r.sim.error}`);
    const small = opts.shrink ? await shrink(known, c, r) : c;
    const [o] = iamdBatch([small]);
    const s = await simulate(small);
    console.log('minimal case (eval-batch line):');
    console.log(JSON.stringify(small));
    console.log('iamd:', JSON.stringify(o));
    console.log('iam-simulate:', JSON.stringify(s.error ? { error: s.error } : simSummary(s.raw)));
  }
  if (failuresFile) writeFileSync(failuresFile, failures.map(({ c }) => JSON.stringify(c)).join('\n') + '\n');

  const protocol = protocolChecks();
  for (const f of protocol) console.log(`eval-batch protocol check failed: ${f}`);
  const passed = tally.agree + tally.known;
  const failed = tally.disagree + tally['sim-error'] + tally['iamd-error'] + protocol.length;
  console.log(`\nseed ${opts.seed}, ${cases.length} cases; iamd ${iamdMs} ms, iam-simulate ${simMs} ms`);
  console.log(`agreed: ${tally.agree} (${Object.entries(decisions).map(([k, v]) => `${k} ${v}`).join(', ')})`);
  console.log(`known differences: ${tally.known}${Object.keys(perKnown).length ? ' (' + Object.entries(perKnown).map(([k, v]) => `${k} ${v}`).join(', ') + ')' : ''}`);
  console.log(`disagreements: ${tally.disagree}; iam-simulate rejected: ${tally['sim-error']}; iamd errors: ${tally['iamd-error']}; eval-batch protocol: ${protocol.length ? protocol.length + ' failed' : 'ok'}`);
  console.log(`differential: ${passed} passed, ${failed} failed`);
  process.exitCode = failed === 0 ? 0 : 1;
}

main().catch((e) => {
  console.error(e);
  process.exit(2);
});
