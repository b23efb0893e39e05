// The known differences of known_differences.json (each documented, with the AWS text that
// justifies iamd, in KNOWN_DIFFERENCES.md), as counterfactual rewrites rather than patterns.
//
// Each entry's rewrite checks that a case uses the feature and, if so, re-expresses the feature
// in a form iam-simulate handles correctly while AWS's documented semantics stay the same (or, for
// root and federated users, spells out what AWS does for that principal). A disagreement is
// explained when, after applying every applicable rewrite, iamd's decision is unchanged and
// iam-simulate now reaches it. So a different bug that happens to sit in a case using one of these
// features still fails. The report names the smallest set of entries whose rewrites suffice.
//
// rewrites[id](case) -> rewritten copy, or null when the entry does not apply to the case.

const clone = (x) => JSON.parse(JSON.stringify(x));

const ALLOW_ALL = { Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: '*', Resource: '*' }] };
// A statement whose NotResource "*" excludes every resource never applies.
const ALLOW_NOTHING = { Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: '*', NotResource: '*' }] };

// Every policy of a case, as [policy, kind].
function policies(c) {
  const out = [];
  for (const p of c.identity ?? []) out.push([p, 'identity']);
  for (const p of c.boundary ?? []) out.push([p, 'boundary']);
  for (const p of c.session ?? []) out.push([p, 'session']);
  for (const lv of c.scps ?? []) for (const p of lv) out.push([p, 'scp']);
  if (c.resource_policy) out.push([c.resource_policy, 'resource']);
  return out;
}

function statements(p) {
  return Array.isArray(p.Statement) ? p.Statement : [p.Statement];
}

const asList = (v) => (Array.isArray(v) ? v : [v]);

// Condition clauses of every statement: [statement, op, key].
function clauses(c) {
  const out = [];
  for (const [p] of policies(c)) {
    for (const s of statements(p)) {
      for (const op of Object.keys(s.Condition ?? {})) {
        for (const key of Object.keys(s.Condition[op])) out.push([s, op, key]);
      }
    }
  }
  return out;
}

function contextHas(c, key) {
  const lower = key.toLowerCase();
  return Object.keys(c.request.context ?? {}).some((k) => k.toLowerCase() === lower);
}

function contextGet(c, key) {
  const lower = key.toLowerCase();
  const k = Object.keys(c.request.context ?? {}).find((x) => x.toLowerCase() === lower);
  return k === undefined ? undefined : c.request.context[k];
}

// ${key} and ${key, 'default'} in a string: [{whole, key, dflt}].
function variables(s) {
  const out = [];
  if (typeof s !== 'string') return out;
  const re = /\$\{([^}]*)\}/g;
  let m;
  while ((m = re.exec(s)) !== null) {
    const inner = m[1];
    if (inner === '*' || inner === '?' || inner === '$') continue;
    const comma = inner.indexOf(', ');
    if (comma >= 0 && /^'.*'$/.test(inner.slice(comma + 2).trim())) {
      out.push({ whole: m[0], key: inner.slice(0, comma).trim(), dflt: inner.slice(comma + 2).trim().slice(1, -1) });
    } else {
      out.push({ whole: m[0], key: inner.trim(), dflt: undefined });
    }
  }
  return out;
}

// Every string in the resource and condition elements of every policy.
function policyStrings(c) {
  const out = [];
  for (const [p] of policies(c)) {
    for (const s of statements(p)) {
      for (const el of ['Resource', 'NotResource']) if (s[el] !== undefined) out.push(...asList(s[el]));
      for (const op of Object.keys(s.Condition ?? {})) {
        for (const key of Object.keys(s.Condition[op])) out.push(...asList(s.Condition[op][key]).map(String));
      }
    }
  }
  return out;
}


const DATE_KEYS = ['aws:currenttime', 'aws:epochtime', 'aws:tokenissuetime'];
const isEpoch = (v) => /^\d+$/.test(String(v));
const epochToIso = (v) => new Date(Number(v) * 1000).toISOString().replace('.000Z', 'Z');

export const rewrites = {
  // The account root user has full access in its own account; iam-simulate evaluates it like
  // any principal. Rewrite: give root an allow-all identity policy (iamd ignores identity
  // policies for root; iam-simulate then grants what AWS grants root).
  'root-user-full-access': (c) => {
    if (c.request.principal_type !== 'Root') return null;
    const r = clone(c);
    r.identity = [ALLOW_ALL];
    return r;
  },

  // A GetFederationToken session without a session policy has no permissions except what a
  // resource policy grants that session directly (AWS); iam-simulate uses the federating user's
  // identity policies as they are. Rewrite: pass a session policy that allows nothing, which is
  // what AWS's rule amounts to.
  'federated-user-needs-session-policy': (c) => {
    if (c.request.principal_type !== 'FederatedUser' || c.session) return null;
    const r = clone(c);
    r.session = [ALLOW_NOTHING];
    return r;
  },

  // A resource-policy Allow that names the session itself (its session ARN, or "*") is not limited
  // by the session policy; iam-simulate applies the session policy to every grant. Rewrite: drop
  // the session policy.
  'direct-grant-not-capped-by-session-policy': (c) => {
    if (!c.session || !c.resource_policy) return null;
    const names = (st) => {
      if (st.Effect !== 'Allow' || st.Principal === undefined) return false;
      if (st.Principal === '*') return true;
      const aws = asList(st.Principal.AWS ?? []);
      return aws.includes('*') || aws.includes(c.request.principal);
    };
    if (!statements(c.resource_policy).some(names)) return null;
    const r = clone(c);
    delete r.session;
    return r;
  },

  // A variable whose key is absent is "effectively null": inverted operators match it, positive
  // ones do not, and a Resource/NotResource entry holding it matches no resource (so NotResource
  // applies). iam-simulate makes such a value, and such a NotResource entry, never match. Rewrite:
  // put in the variable's place a literal that equals no request value and no resource.
  'unresolved-variable-is-null': (c) => {
    const r = clone(c);
    let found = false;
    const subst = (str) => {
      if (typeof str !== 'string') return str;
      let out = str;
      for (const v of variables(str)) {
        if (v.dflt === undefined && !contextHas(c, v.key)) {
          out = out.replace(v.whole, 'unset-value-7f3a');
          found = true;
        }
      }
      return out;
    };
    for (const [p] of policies(r)) {
      for (const st of statements(p)) {
        for (const el of ['Resource', 'NotResource']) {
          if (st[el] !== undefined) st[el] = Array.isArray(st[el]) ? st[el].map(subst) : subst(st[el]);
        }
        for (const op of Object.keys(st.Condition ?? {})) {
          for (const key of Object.keys(st.Condition[op])) {
            const v = st.Condition[op][key];
            st.Condition[op][key] = Array.isArray(v) ? v.map(subst) : subst(v);
          }
        }
      }
    }
    return found ? r : null;
  },

  // ...IfExists makes a condition true when its key is absent, set operators included;
  // iam-simulate evaluates ForAnyValue:...IfExists on an absent key as false. Rewrite: drop those
  // clauses (true by the rule).
  'ifexists-with-set-operator': (c) => {
    const hits = clauses(c).filter(([, op, key]) => /^For(Any|All)Value(s)?:/i.test(op) && /IfExists$/i.test(op) && !contextHas(c, key));
    if (hits.length === 0) return null;
    const r = clone(c);
    for (const [st, op, key] of clauses(r)) {
      if (/^For(Any|All)Value(s)?:/i.test(op) && /IfExists$/i.test(op) && !contextHas(r, key)) {
        delete st.Condition[op][key];
        if (Object.keys(st.Condition[op]).length === 0) delete st.Condition[op];
        if (Object.keys(st.Condition).length === 0) delete st.Condition;
      }
    }
    return r;
  },

  // 0.0.0.0/0 contains every IPv4 address; iam-simulate's mask for a zero-length prefix is
  // `-1 << 32`, which JavaScript evaluates as -1 (shift counts are taken mod 32), so /0 matches
  // only 0.0.0.0. Rewrite: the same set as two halves, 0.0.0.0/1 and 128.0.0.0/1.
  'ipv4-zero-prefix': (c) => {
    const r = clone(c);
    let found = false;
    for (const [st, op, key] of clauses(r)) {
      if (!/IpAddress/i.test(op)) continue;
      const vals = asList(st.Condition[op][key]);
      if (vals.includes('0.0.0.0/0')) {
        found = true;
        st.Condition[op][key] = vals.flatMap((v) => (v === '0.0.0.0/0' ? ['0.0.0.0/1', '128.0.0.0/1'] : [v]));
      }
    }
    return found ? r : null;
  },

  // Date operators compare instants, in ISO 8601 or epoch seconds on either side; iam-simulate
  // parses an all-digit value as seconds but an ISO value as milliseconds and compares the two
  // numbers. Rewrite: every epoch value (context date keys, Date* policy values) as ISO 8601.
  'date-epoch-seconds': (c) => {
    const r = clone(c);
    let found = false;
    for (const k of Object.keys(r.request.context ?? {})) {
      if (DATE_KEYS.includes(k.toLowerCase()) && isEpoch(r.request.context[k])) {
        found = true;
        r.request.context[k] = epochToIso(r.request.context[k]);
      }
    }
    for (const [st, op, key] of clauses(r)) {
      if (!/^Date/i.test(op.replace(/^For(Any|All)Values?:/i, ''))) continue;
      const vals = asList(st.Condition[op][key]);
      if (vals.some(isEpoch)) {
        found = true;
        st.Condition[op][key] = vals.map((v) => (isEpoch(v) ? epochToIso(v) : v));
      }
    }
    return found ? r : null;
  },

  // iam-simulate splits a policy resource at its first "/" or ":" to compare the "resource type"
  // literally, and does not skip the ":" inside ${aws:...}; a variable placed before any "/"
  // (e.g. arn:aws:sqs:us-east-1:111111111111:${aws:username}-queue) then never matches. AWS
  // allows variables anywhere in the resource part. Rewrite: substitute the variables by hand.
  'variable-before-resource-type-separator': (c) => {
    const r = clone(c);
    let found = false;
    for (const [p] of policies(r)) {
      for (const st of statements(p)) {
        for (const el of ['Resource', 'NotResource']) {
          if (st[el] === undefined) continue;
          const vals = asList(st[el]).map((v) => {
            const parts = v.split(':');
            if (parts.length < 6) return v;
            const tail = parts.slice(5).join(':');
            const slash = tail.indexOf('/');
            const dollar = tail.indexOf('${');
            if (dollar < 0 || (slash >= 0 && slash < dollar)) return v;
            let out = v;
            for (const x of variables(v)) {
              const val = contextGet(r, x.key);
              if (typeof val === 'string') out = out.replace(x.whole, val);
              else if (x.dflt !== undefined) out = out.replace(x.whole, x.dflt);
              else return v;
            }
            found = true;
            return out;
          });
          st[el] = Array.isArray(st[el]) ? vals : vals[0];
        }
      }
    }
    return found ? r : null;
  },

  // NotPrincipal with Deny excepts a caller only when every identity AWS checks for it is listed:
  // its account and user; its account, role and session; its account and federated-user session.
  // Listing the account excepts the account, not every principal in it (AWS's own example lists
  // Bob and Bob's account and denies "all principals except the user named Bob"). iam-simulate
  // excepts a caller when any one of those is listed. And with a permissions boundary, such a
  // statement denies the caller whatever it lists. Rewrite: decide the exception by that rule
  // and spell it out (drop the statement, or make it Principal "*").
  'notprincipal-deny-lists-every-identity': (c) => {
    if (!c.resource_policy) return null;
    const sts = statements(c.resource_policy);
    if (!sts.some((st) => st.Effect === 'Deny' && st.NotPrincipal !== undefined)) return null;
    const q = c.request;
    const acct = q.principal.split(':')[4];
    const excepted = (np) => {
      if (c.boundary) return false;
      const list = asList(np.AWS ?? []);
      const has = (x) => list.includes(x);
      if (!has(acct) && !has(`arn:aws:iam::${acct}:root`)) return false;
      switch (q.principal_type) {
        case 'Root': return true;
        case 'User': return has(q.principal);
        case 'AssumedRole': return has(q.principal) && has(q.role_arn);
        case 'FederatedUser': return has(q.principal);
        default: return false;
      }
    };
    const r = clone(c);
    const kept = [];
    for (const st of statements(r.resource_policy)) {
      if (st.Effect === 'Deny' && st.NotPrincipal !== undefined) {
        if (excepted(st.NotPrincipal)) continue;
        delete st.NotPrincipal;
        st.Principal = '*';
      }
      kept.push(st);
    }
    if (kept.length === 0) delete r.resource_policy;
    else r.resource_policy.Statement = kept;
    return r;
  },

  // An IP address without a prefix is a /32 (IPv4) or /128 (IPv6) range, so an IPv6 request is
  // outside a bare IPv4 address and NotIpAddress holds. iam-simulate answers false for
  // NotIpAddress when the families differ and the policy value has no prefix (it does treat a
  // prefixed range that way). Rewrite: write the prefixes out.
  'ip-address-without-prefix': (c) => {
    const r = clone(c);
    let found = false;
    for (const [st, op, key] of clauses(r)) {
      if (!/IpAddress/i.test(op)) continue;
      const vals = asList(st.Condition[op][key]);
      if (vals.some((v) => !String(v).includes('/'))) {
        found = true;
        st.Condition[op][key] = vals.map((v) => (String(v).includes('/') ? v : String(v).includes(':') ? `${v}/128` : `${v}/32`));
      }
    }
    return found ? r : null;
  },
};

// The smallest set of entries whose rewrites, applied together (in `ids` order), make
// iam-simulate reach iamd's decision without changing iamd's; null when no set does. engines = { iamd: (case) => decision, simulate: async (case) => decision }.
export async function explainDifference(c, iamdDecision, ids, engines) {
  // Candidates: entries that apply to the case itself, or to it after the earlier entries'
  // rewrites (one rewrite can enable another: a session policy added for a federated user).
  // A set is applied in `ids` order, each rewrite to the result of the ones before it.
  const candidates = new Set(ids.filter((id) => rewrites[id](c) !== null));
  let all = c;
  for (const id of ids) {
    const r = rewrites[id](all);
    if (r !== null) {
      candidates.add(id);
      all = r;
    }
  }
  const applicable = ids.filter((id) => candidates.has(id));
  if (applicable.length === 0) return null;
  const apply = (set) => {
    let cur = c;
    for (const id of set) cur = rewrites[id](cur) ?? cur;
    return cur;
  };
  const works = async (set) => {
    const r = apply(set);
    return engines.iamd(r) === iamdDecision && (await engines.simulate(r)) === iamdDecision;
  };
  // Smallest subsets first (at most 2^6 tries; beyond that, single entries and all of them).
  const sizes = applicable.length <= 6 ? applicable.map((_, k) => k + 1) : [1, applicable.length];
  for (const size of sizes) {
    for (const set of subsets(applicable, size)) if (await works(set)) return set;
  }
  return null;
}

function* subsets(list, size, start = 0, prefix = []) {
  if (prefix.length === size) {
    yield prefix;
    return;
  }
  for (let i = start; i < list.length; i++) yield* subsets(list, size, i + 1, [...prefix, list[i]]);
}
