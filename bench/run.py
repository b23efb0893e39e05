"""Runs the benchmarks and prints medians and ratios against baselines measured in the same run.

Microbenchmarks: every bench/*_bench binary, 5 repetitions, medians.
Policy decisions/s: policy_bench's scenarios beside @cloud-copilot/iam-simulate and Cedar (bench/js,
installed with npm ci on first use; skipped without node/npm).
Server: loadgen against iamd, the same binary with --no-audit, and moto_server (the baseline;
skipped when not installed): GetCallerIdentity and AssumeRole at 1 and 32 connections, 3 runs each
(BENCH_RUNS), medians; the two iamd servers' runs alternate, and the audit overhead is also printed
run by run (each audited run against the unaudited run after it) to show the machine's noise,
and beside it the CPU each request cost, the server's and the whole machine's.
BENCH_SERVER_ONLY=1 skips the microbenchmarks and the policy comparison.
"""

import json
import os
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request

BUILD = sys.argv[1] if len(sys.argv) > 1 else "build"
KEY, SECRET = "AKIAIOSFODNN7EXAMPLE", "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY"
SECONDS = float(os.environ.get("BENCH_SECONDS", "4"))
RUNS = int(os.environ.get("BENCH_RUNS", "3"))


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_http(url, proc, timeout=30):
    deadline = time.time() + timeout
    while time.time() < deadline:
        if proc.poll() is not None:
            raise RuntimeError("server exited early")
        try:
            urllib.request.urlopen(url, timeout=1)
            return
        except Exception as e:  # any HTTP answer means it is up
            if hasattr(e, "code"):
                return
            time.sleep(0.1)
    raise RuntimeError("server did not start: " + url)


def microbenchmarks():
    rows = []
    for name in sorted(os.listdir(BUILD + "/bench") if os.path.isdir(BUILD + "/bench") else []):
        path = os.path.join(BUILD, "bench", name)
        if not name.endswith("_bench") or not os.access(path, os.X_OK):
            continue
        out = subprocess.run([path, "--benchmark_repetitions=5",
                              "--benchmark_report_aggregates_only=true",
                              "--benchmark_format=json"], capture_output=True, text=True, check=True)
        for b in json.loads(out.stdout)["benchmarks"]:
            if b.get("aggregate_name") == "median":
                rows.append((b["run_name"], b["cpu_time"], b["time_unit"]))
    return rows


# Policy evaluation against JS baselines measured in the same run (bench/js/policy_baselines.mjs):
# iamd's decisions/s from policy_bench's medians (1e9 / ns) beside @cloud-copilot/iam-simulate's and
# Cedar's (cedar-wasm) on equivalent policies. Skipped when node/npm are missing or npm ci fails.
JS_DIR = os.path.join(os.path.dirname(os.path.abspath(__file__)), "js")
JS_SCENARIOS = [
    ("a", "BM_TenStatementPolicy", "10-statement identity policy, wildcards, 2 conditions"),
    ("b", "BM_TenManagedPlusBoundaryAndSession", "10 managed policies + boundary + session policy"),
    ("c", "BM_TwoOfTenThousandPolicies", "10,000 policies in the account, 2 attached"),
]


def js_baselines():
    node, npm = shutil.which("node"), shutil.which("npm")
    if not node or not npm:
        print("  node/npm not installed: JS baselines skipped")
        return None
    if not os.path.isdir(os.path.join(JS_DIR, "node_modules", "@cedar-policy", "cedar-wasm")):
        r = subprocess.run([npm, "ci", "--no-audit", "--no-fund"], cwd=JS_DIR, capture_output=True, text=True)
        if r.returncode != 0:
            print("  npm ci failed in bench/js: JS baselines skipped\n    " + r.stderr.strip()[-500:])
            return None
    results = {}
    for key, _, _ in JS_SCENARIOS:
        # One process per scenario: a crash or timeout loses one row, not the table.
        try:
            r = subprocess.run([node, "policy_baselines.mjs"], cwd=JS_DIR, capture_output=True,
                               text=True, timeout=900, env=dict(os.environ, BENCH_JS_ONLY=key))
        except subprocess.TimeoutExpired:
            print("  JS baselines, scenario %s: timed out" % key)
            continue
        if r.returncode != 0:
            print("  JS baselines, scenario %s failed: %s" % (key, r.stderr.strip()[-300:]))
            continue
        out = json.loads(r.stdout)
        results[key] = out["scenarios"][key]
        results["versions"] = "node %s, iam-simulate %s, cedar-wasm %s" % (
            out["node"], out["iam_simulate_version"], out["cedar_version"])
    return results


def policy_comparison(by_name):
    print("\n## Policy decisions/s: iamd vs @cloud-copilot/iam-simulate and Cedar (same run, one core)")
    js = js_baselines()
    if js is None:
        return
    if "versions" in js:
        print("  baselines: " + js["versions"])
    print("  %-3s %-50s %12s %12s %8s %12s %8s %12s %8s" % (
        "", "scenario", "iamd", "iam-simulate", "x", "Cedar", "x", "sim API", "x"))
    ratio = lambda a, b: ("%.0f" % (a / b)) if a and b else "-"
    fmt = lambda v: ("%.0f" % v) if v else "-"
    for key, bench_name, label in JS_SCENARIOS:
        ns = by_name.get(bench_name)
        iamd = 1e9 / ns if ns else None
        row = js.get(key, {})
        sim, cedar, api = row.get("iam_simulate"), row.get("cedar"), row.get("iam_simulate_api")
        print("  (%s) %-50s %12s %12s %8s %12s %8s %12s %8s" % (
            key, label, fmt(iamd), fmt(sim), ratio(iamd, sim), fmt(cedar), ratio(iamd, cedar),
            fmt(api), ratio(iamd, api)))
        if row.get("cedar_sliced"):
            print("      %-50s %12s %12s %8s %12s %8s" % (
                "  Cedar with only the 2 attached policies' set", "", "", "",
                fmt(row["cedar_sliced"]), ratio(iamd, row["cedar_sliced"])))
        if row.get("cedar_policies"):
            print("      %-50s" % ("  (Cedar policy set: %d policies, parsed in %d ms)" % (
                row["cedar_policies"], row.get("cedar_parse_ms", 0))))
    a_ns = by_name.get("BM_TenStatementPolicy")
    a = js.get("a", {})
    if a_ns and a.get("iam_simulate") and a.get("cedar"):
        iamd = 1e9 / a_ns
        print("  targets (a): >= 2,000,000/s: %s (%.0f); >= 100x iam-simulate: %s (%.0fx); "
              "faster than Cedar: %s (%.0fx)" % (
                  "met" if iamd >= 2e6 else "NOT met", iamd,
                  "met" if iamd >= 100 * a["iam_simulate"] else "NOT met", iamd / a["iam_simulate"],
                  "met" if iamd > a["cedar"] else "NOT met", iamd / a["cedar"]))


WORKLOADS = {
    "GetCallerIdentity": "Action=GetCallerIdentity&Version=2011-06-15",
    "AssumeRole": ("Action=AssumeRole&Version=2011-06-15&RoleSessionName=bench&RoleArn="
                   "arn%3Aaws%3Aiam%3A%3A123456789012%3Arole%2Fbench-role"),
}


TICK_US = 1e6 / os.sysconf("SC_CLK_TCK")


def machine_busy_ticks():
    """CPU time the whole machine spent busy (user, nice, system, irq, softirq), in ticks."""
    with open("/proc/stat") as f:
        fields = f.readline().split()[1:]
    return sum(int(fields[i]) for i in (0, 1, 2, 5, 6))


def process_ticks(pid):
    """User and system CPU time of process `pid` (all its threads), in ticks."""
    with open("/proc/%d/stat" % pid) as f:
        fields = f.read().rsplit(")", 1)[1].split()
    return int(fields[11]) + int(fields[12])


def load_once(port, connections, body, key, secret, pid=None):
    """loadgen's figures, plus the CPU each request cost: the server's (server_us) and the whole
    machine's, loadgen and kernel included (machine_us). On this two-core machine the load
    generator shares the cores, so throughput falls as the machine's CPU per request grows."""
    machine0, server0 = machine_busy_ticks(), process_ticks(pid) if pid else 0
    out = subprocess.run([os.path.join(BUILD, "bench", "loadgen"), "--port", str(port),
                          "--connections", str(connections), "--seconds", str(SECONDS),
                          "--key", key, "--secret", secret, "--body", body],
                         capture_output=True, text=True, check=True)
    result = json.loads(out.stdout)
    requests = max(1, result.get("requests", 0))
    result["machine_us"] = (machine_busy_ticks() - machine0) * TICK_US / requests
    result["server_us"] = (process_ticks(pid) - server0) * TICK_US / requests if pid else 0.0
    return result


def medians(results):
    return {k: statistics.median(r[k] for r in results)
            for k in ("rps", "p50_us", "p99_us", "machine_us", "server_us")}


def prepare_iamd(port):
    """A user allowed to assume bench-role (the role's trust policy names the user's ARN)."""
    import boto3
    iam = boto3.client("iam", endpoint_url="http://127.0.0.1:%d" % port, region_name="us-east-1",
                       aws_access_key_id=KEY, aws_secret_access_key=SECRET)
    iam.create_user(UserName="bench")
    key = iam.create_access_key(UserName="bench")["AccessKey"]
    iam.create_role(RoleName="bench-role", AssumeRolePolicyDocument=json.dumps({
        "Version": "2012-10-17", "Statement": [{
            "Effect": "Allow", "Action": "sts:AssumeRole",
            "Principal": {"AWS": "arn:aws:iam::123456789012:user/bench"}}]}))
    return key["AccessKeyId"], key["SecretAccessKey"]


class Server:
    """A server under test: started, its credentials per workload ready for loadgen."""

    def __init__(self, name, argv, port, env=None):
        self.port = port
        self.proc = subprocess.Popen(argv, env=env, stdout=subprocess.DEVNULL,
                                     stderr=subprocess.DEVNULL)
        try:
            wait_http("http://127.0.0.1:%d/%s" % (port, "healthz" if name == "iamd" else ""),
                      self.proc)
            user = prepare_iamd(port) if name == "iamd" else (KEY, SECRET)
        except Exception:
            self.stop()
            raise
        self.keys = {w: (user if w == "AssumeRole" else (KEY, SECRET)) for w in WORKLOADS}

    def load(self, workload, connections):
        key, secret = self.keys[workload]
        return load_once(self.port, connections, WORKLOADS[workload], key, secret, self.proc.pid)

    def stop(self):
        self.proc.terminate()
        self.proc.wait(timeout=30)


def measure(servers, raw_out=None):
    """{server: {workload: {connections: medians}}}. Runs alternate between the servers, so a
    slow spell of the shared machine falls on all of them rather than on one. `raw_out`, if
    given, receives every run's figures: {server: {workload: {connections: [run, ...]}}}."""
    raw = {name: {w: {c: [] for c in (1, 32)} for w in WORKLOADS} for name in servers}
    for w in WORKLOADS:
        for c in (1, 32):
            for _ in range(RUNS):
                for name, server in servers.items():
                    raw[name][w][c].append(server.load(w, c))
    if raw_out is not None:
        raw_out.update(raw)
    return {name: {w: {c: medians(raw[name][w][c]) for c in (1, 32)} for w in WORKLOADS}
            for name in servers}


def main():
    if not os.environ.get("BENCH_SERVER_ONLY"):
        micro_and_policy()
    server_comparison()


def micro_and_policy():
    print("## Microbenchmarks (median CPU time of 5 repetitions)")
    rows = microbenchmarks()
    for name, t, unit in rows:
        print("  %-40s %10.1f %s" % (name, t, unit))
    by_name = {n: t for n, t, _ in rows}
    verify = by_name.get("BM_VerifyHeaderSigned")
    floor = by_name.get("BM_FloorHashes")
    if verify and floor:
        print("  SigV4 verify / hash floor: %.2fx" % (verify / floor))
    for clients, note in ((2, "each header remembered"), (64, "every header parsed in full")):
        in_turn = by_name.get("BM_VerifyHeaderSignedClientsInTurn/%d" % clients)
        if in_turn and floor:
            print("  ... %d clients in turn (%s): %.2fx" % (clients, note, in_turn / floor))
    session = by_name.get("BM_VerifySessionSigned")
    if verify and session:
        print("  session token open+verify / long-term verify: %.2fx" % (session / verify))
    unseen = by_name.get("BM_VerifySessionSignedTokenNotCached")
    if verify and unseen:
        print("  ... with a token the thread has not opened yet: %.2fx" % (unseen / verify))
    policy_comparison(by_name)


def server_comparison():
    env = dict(os.environ, IAMD_ACCOUNT_ID="123456789012", IAMD_ROOT_ACCESS_KEY_ID=KEY,
               IAMD_ROOT_SECRET_ACCESS_KEY=SECRET)
    print("\n## Requests over loopback (medians of %d x %.0fs runs)" % (RUNS, SECONDS))
    # iamd as it ships, and the same binary with the audit trail off (what recording every call
    # costs), measured in alternation.
    dirs = [tempfile.mkdtemp(prefix="iamd-bench-") for _ in range(2)]
    servers = {}
    try:
        for name, data, extra in (("iamd", dirs[0], []), ("quiet", dirs[1], ["--no-audit"])):
            port = free_port()
            servers[name] = Server("iamd", [os.path.join(BUILD, "iamd"), "serve", "--data-dir",
                                            data, "--listen", "127.0.0.1:%d" % port] + extra,
                                   port, env)
        runs = {}
        results = measure(servers, runs)
    finally:
        for server in servers.values():
            server.stop()
        for data in dirs:
            shutil.rmtree(data, ignore_errors=True)
    iamd, quiet = results["iamd"], results["quiet"]
    moto = None
    moto_bin = shutil.which("moto_server")
    if moto_bin:
        mport = free_port()
        server = Server("moto", [moto_bin, "-p", str(mport)], mport)
        try:
            moto = measure({"moto": server})["moto"]
        finally:
            server.stop()
    else:
        print("  moto_server not installed: baseline skipped")
    print("  %-18s %-6s %-5s %12s %10s %10s %10s" % ("action", "server", "conns", "req/s",
                                                      "p50 us", "p99 us", "x moto"))
    for w in WORKLOADS:
        for c in (1, 32):
            for name, res in (("iamd", iamd), ("moto", moto)):
                if res is None:
                    continue
                r, m = res[w][c], moto[w][c] if moto else None
                ratio = ("%.1f" % (r["rps"] / m["rps"])) if m and m["rps"] else "-"
                print("  %-18s %-6s %-5d %12.0f %10.0f %10.0f %10s" % (
                    w, name, c, r["rps"], r["p50_us"], r["p99_us"],
                    ratio if name == "iamd" else ""))
    print("\n## Audit trail on vs off (same binary, runs alternating; overhead = 1 - on/off)")
    print("  %-18s %-5s %12s %12s %9s %10s %10s" % ("action", "conns", "on req/s", "off req/s",
                                                    "overhead", "on p99", "off p99"))
    for w in WORKLOADS:
        for c in (1, 32):
            on, off = iamd[w][c], quiet[w][c]
            print("  %-18s %-5d %12.0f %12.0f %8.1f%% %10.0f %10.0f" % (
                w, c, on["rps"], off["rps"], 100.0 * (1 - on["rps"] / off["rps"]) if off["rps"] else 0,
                on["p99_us"], off["p99_us"]))
    # Each on run beside the off run that followed it: the spread is the machine's noise.
    print("  per run (each on run against the off run after it):")
    for w in WORKLOADS:
        for c in (1, 32):
            paired = ["%.1f%%" % (100.0 * (1 - a["rps"] / b["rps"]))
                      for a, b in zip(runs["iamd"][w][c], runs["quiet"][w][c]) if b["rps"]]
            print("    %-18s %-5d %s" % (w, c, "  ".join(paired)))
    # CPU per request varies far less from run to run than throughput does on a shared machine;
    # with both cores busy, throughput is the machine's CPU divided by this.
    print("  CPU per request, medians (server: the iamd process; machine: all of it, loadgen and "
          "kernel included):")
    print("  %-18s %-5s %11s %11s %9s %12s %12s %9s" % (
        "action", "conns", "server on", "server off", "added", "machine on", "machine off",
        "added"))
    for w in WORKLOADS:
        for c in (1, 32):
            on, off = iamd[w][c], quiet[w][c]
            print("  %-18s %-5d %9.2fus %9.2fus %8.1f%% %10.2fus %10.2fus %8.1f%%" % (
                w, c, on["server_us"], off["server_us"],
                100.0 * (on["server_us"] / off["server_us"] - 1) if off["server_us"] else 0,
                on["machine_us"], off["machine_us"],
                100.0 * (on["machine_us"] / off["machine_us"] - 1) if off["machine_us"] else 0))


if __name__ == "__main__":
    main()
