"""Runs the benchmarks and prints medians and ratios against baselines measured in the same run.

Microbenchmarks: every bench/*_bench binary, 5 repetitions, medians.
Server: loadgen against iamd and against moto_server (the baseline; skipped when not installed),
GetCallerIdentity at 1 and 32 connections, 3 runs each, medians.
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


def load(port, connections):
    results = []
    for _ in range(RUNS):
        out = subprocess.run([os.path.join(BUILD, "bench", "loadgen"), "--port", str(port),
                              "--connections", str(connections), "--seconds", str(SECONDS),
                              "--key", KEY, "--secret", SECRET],
                             capture_output=True, text=True, check=True)
        results.append(json.loads(out.stdout))
    return {k: statistics.median(r[k] for r in results) for k in ("rps", "p50_us", "p99_us")}


def run_server(name, argv, port, env=None):
    proc = subprocess.Popen(argv, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        wait_http("http://127.0.0.1:%d/%s" % (port, "healthz" if name == "iamd" else ""), proc)
        return {c: load(port, c) for c in (1, 32)}
    finally:
        proc.terminate()
        proc.wait(timeout=30)


def main():
    print("## Microbenchmarks (median CPU time of 5 repetitions)")
    rows = microbenchmarks()
    for name, t, unit in rows:
        print("  %-40s %10.1f %s" % (name, t, unit))
    by_name = {n: t for n, t, _ in rows}
    verify = next((t for n, t in by_name.items() if n.startswith("BM_VerifyHeaderSigned")), None)
    floor = next((t for n, t in by_name.items() if n.startswith("BM_FloorHashes")), None)
    if verify and floor:
        print("  SigV4 verify / hash floor: %.2fx" % (verify / floor))

    data = tempfile.mkdtemp(prefix="iamd-bench-")
    port = free_port()
    env = dict(os.environ, IAMD_ACCOUNT_ID="123456789012", IAMD_ROOT_ACCESS_KEY_ID=KEY,
               IAMD_ROOT_SECRET_ACCESS_KEY=SECRET)
    print("\n## GetCallerIdentity over loopback (medians of %d x %.0fs runs)" % (RUNS, SECONDS))
    try:
        iamd = run_server("iamd", [os.path.join(BUILD, "iamd"), "serve", "--data-dir", data,
                                   "--listen", "127.0.0.1:%d" % port], port, env)
    finally:
        shutil.rmtree(data, ignore_errors=True)
    moto = None
    moto_bin = shutil.which("moto_server")
    if moto_bin:
        mport = free_port()
        moto = run_server("moto", [moto_bin, "-p", str(mport)], mport)
    else:
        print("  moto_server not installed: baseline skipped")
    print("  %-6s %-5s %12s %10s %10s %10s" % ("server", "conns", "req/s", "p50 us", "p99 us",
                                               "x moto"))
    for c in (1, 32):
        for name, res in (("iamd", iamd), ("moto", moto)):
            if res is None:
                continue
            ratio = ("%.1f" % (res[c]["rps"] / moto[c]["rps"])) if moto and moto[c]["rps"] else "-"
            print("  %-6s %-5d %12.0f %10.0f %10.0f %10s" % (name, c, res[c]["rps"],
                                                            res[c]["p50_us"], res[c]["p99_us"],
                                                            ratio if name == "iamd" else ""))


if __name__ == "__main__":
    main()
