"""Churn phase figures from two scrapes of the guard's /q/metrics and its CPU time.

  churn.py PHASE METRICS_BEFORE METRICS_AFTER CPU_MS SECONDS LOAD [LOADDRIVER_JSON]

Prints one JSON line: the phase, its length, the guard's CPU (ms and cores), the snapshot rebuilds in the phase
(count, mean, and p50/p99/max as the upper bounds of the histogram buckets they fall in), the load average, and the
client-side decision p50/p99 of the load driver run, when one was given.
"""
import json
import re
import sys

LINE = re.compile(r'^(netpol_guard_snapshot_rebuild_seconds_(?:count|sum|bucket))(\{[^}]*\})?\s+([0-9.eE+-]+|NaN)')


def scrape(path):
    count = total = 0.0
    buckets = {}
    with open(path) as f:
        for line in f:
            m = LINE.match(line)
            if not m:
                continue
            name, labels, value = m.group(1), m.group(2) or "", float(m.group(3))
            if name.endswith("_count"):
                count = value
            elif name.endswith("_sum"):
                total = value
            else:
                le = re.search(r'le="([^"]+)"', labels).group(1)
                buckets[float("inf") if le == "+Inf" else float(le)] = value
    return count, total, buckets


def quantile(buckets, q, n):
    """Upper bound of the bucket holding the q-quantile of n observations (cumulative counts)."""
    if n <= 0:
        return None
    for le in sorted(buckets):
        if buckets[le] >= q * n:
            return le
    return None


def main():
    phase, before, after, cpu_ms, seconds, load = sys.argv[1:7]
    c0, s0, b0 = scrape(before)
    c1, s1, b1 = scrape(after)
    n = c1 - c0
    delta = {le: b1.get(le, 0) - b0.get(le, 0) for le in b1}
    result = {
        "phase": phase,
        "seconds": float(seconds),
        "guardCpuMs": int(cpu_ms),
        "guardCores": round(int(cpu_ms) / 1000 / float(seconds), 3),
        "rebuilds": int(n),
        "rebuildMeanMs": round((s1 - s0) / n * 1000, 1) if n else None,
        "rebuildP50MsAtMost": round(quantile(delta, 0.5, n) * 1000, 1) if n else None,
        "rebuildP99MsAtMost": round(quantile(delta, 0.99, n) * 1000, 1) if n else None,
        "rebuildCpuShare": round((s1 - s0) * 1000 / int(cpu_ms), 2) if n and int(cpu_ms) else None,
        "load": load,
    }
    if len(sys.argv) > 7:
        run = json.load(open(sys.argv[7]))
        result["decisions"] = run["requests"]
        result["decisionErrors"] = run["errors"]
        result["decisionsPerSecond"] = run["throughput"]
        result["clientP50Ms"] = run["latencyMs"]["p50"]
        result["clientP99Ms"] = run["latencyMs"]["p99"]
        if "serverLatencyMs" in run:
            result["guardLoggedP50Ms"] = run["serverLatencyMs"]["p50"]
            result["guardLoggedP99Ms"] = run["serverLatencyMs"]["p99"]
            if "serverCpuMs" in run:
                result["guardLoggedCpuP50Ms"] = run["serverCpuMs"]["p50"]
                result["guardLoggedCpuP99Ms"] = run["serverCpuMs"]["p99"]
    print(json.dumps(result))


main()
