#!/usr/bin/env python3
"""Results of the scale benchmark: table and plot.

  report.py OUT_DIR PNG                 reads OUT_DIR/results/*.json and */generated.json, writes
                                        OUT_DIR/results.md (tables) and PNG (needs matplotlib)
  report.py merge-guard RESULT.json GUARD_LOG FROM_LINE GUARD_CPU_MS LOAD
                                        adds to a LoadDriver result the guard's CPU time per request and the
                                        decision latencies the guard logged (lines after FROM_LINE)
"""
import datetime
import json
import os
import re
import sys

LATENCY = re.compile(r" latency=([0-9.]+)ms")
CPU = re.compile(r" cpu=([0-9.]+)ms")
OBJECT = re.compile(r" kind=(\S+) object=([^/ ]+)/")
NAMED_GROUPS = {"dynatrace": "hot-dynatrace", "kube-system": "kube-system", "hot-app": "hot-app", "bench-20": "bench-20",
                "bench-200": "bench-200"}


def group_of(line):
    """The request group of a decision log line: as the request files are named (default: cold)."""
    m = OBJECT.search(line)
    if not m:
        return "other"
    if m.group(1) in ("DynaKube", "EdgeConnect"):
        return "dynakube"
    return NAMED_GROUPS.get(m.group(2), "cold")
SCALE_ORDER = ["small", "medium", "large"]


def pct(sorted_values, p):
    if not sorted_values:
        return 0.0
    rank = max(1, int(-(-p * len(sorted_values) // 100)))  # nearest rank
    return sorted_values[min(len(sorted_values), rank) - 1]


LOGGED_AT = re.compile(r"^(\d{4}-\d\d-\d\d \d\d:\d\d:\d\d),(\d{3}) ")


def logged_at(line):
    """The time of a guard log line (the JVM's local time, as this machine's), in seconds since the epoch; 0 if none."""
    m = LOGGED_AT.match(line)
    if not m:
        return 0.0
    return datetime.datetime.strptime(m.group(1), "%Y-%m-%d %H:%M:%S").timestamp() + int(m.group(2)) / 1000.0


def merge_guard(result_path, log_path, from_line, cpu_ms, load):
    with open(result_path) as f:
        result = json.load(f)
    server = []
    server_cpu = []  # the deciding thread's CPU time, where the guard logs it
    by_group = {}
    decided = 0  # every decision of the phase, the driver's warm-up included: what the guard's CPU time was spent on
    measured_from = result.get("measuredFromEpochMs", 0) / 1000.0
    with open(log_path, errors="replace") as f:
        for i, line in enumerate(f):
            if i >= from_line:
                m = LATENCY.search(line)
                if m:
                    decided += 1
                    if logged_at(line) >= measured_from:
                        server.append(float(m.group(1)))
                        cpu = CPU.search(line)
                        if cpu:
                            server_cpu.append(float(cpu.group(1)))
                        by_group.setdefault(group_of(line), []).append(float(m.group(1)))
    server.sort()
    server_cpu.sort()
    result["serverLatencyByGroupMs"] = {}
    for g, values in sorted(by_group.items()):
        values.sort()
        result["serverLatencyByGroupMs"][g] = {"count": len(values), "p50": pct(values, 50), "p90": pct(values, 90),
                                               "p99": pct(values, 99), "max": values[-1]}
    requests = max(1, decided)
    result["guardCpuMs"] = cpu_ms
    result["guardCpuMsPerRequest"] = round(cpu_ms / requests, 4)
    result["loadAfter"] = load
    result["serverLatencyMs"] = {"count": len(server), "p50": pct(server, 50), "p90": pct(server, 90),
                                 "p99": pct(server, 99), "max": server[-1] if server else 0}
    if server_cpu:
        result["serverCpuMs"] = {"count": len(server_cpu), "p50": pct(server_cpu, 50), "p90": pct(server_cpu, 90),
                                 "p99": pct(server_cpu, 99), "max": server_cpu[-1]}
    with open(result_path, "w") as f:
        json.dump(result, f)
        f.write("\n")
    print(f"guard CPU {cpu_ms / requests:.3f} ms per request; guard-logged decision latency ms "
          f"p50 {pct(server, 50):.3f} p99 {pct(server, 99):.3f} ({len(server)} decisions)"
          + (f", its CPU time p50 {pct(server_cpu, 50):.3f} p99 {pct(server_cpu, 99):.3f}" if server_cpu else "")
          + f"; load average after {load}")


def load_json(path):
    try:
        with open(path) as f:
            return json.load(f)
    except (OSError, ValueError):
        return None


def fmt_ms(v):
    return "–" if v is None else (f"{v:.2f}" if v < 10 else f"{v:.1f}" if v < 100 else f"{v:.0f}")


def report(out, png):
    res = os.path.join(out, "results")
    scales = [s for s in SCALE_ORDER if os.path.exists(os.path.join(out, s, "generated.json"))]
    gen = {s: load_json(os.path.join(out, s, "generated.json")) for s in scales}
    lines = []
    machine = ""
    if os.path.exists(os.path.join(res, "machine.txt")):
        machine = open(os.path.join(res, "machine.txt")).read().strip()
    lines.append("Machine:\n\n```\n" + machine + "\n```\n")

    lines.append("| scale | pods | label sets | namespaces | NetworkPolicies | ready (manifests) | heap after GC | "
                 "`check` wall | `check` max RSS |")
    lines.append("|---|---:|---:|---:|---:|---:|---:|---:|---:|")
    for s in scales:
        g = gen[s]
        m = load_json(os.path.join(res, f"manifests-{s}.json")) or {}
        c = load_json(os.path.join(res, f"check-{s}.json")) or {}
        lines.append(f"| {s} | {g['pods']:,} | {g['labelSets']:,} | {g['namespaces']:,} | {g['networkPolicies']:,} | "
                     f"{m.get('readyMs', '–')} ms | {m.get('heapAfterGcMiB', '–')} MiB | "
                     f"{c.get('medianMs', '–')} ms | {max(c.get('maxRssMiB', [0]) or [0])} MiB |")
    lines.append("")

    for source in ("manifests", "informers"):
        rows = []
        for s in scales:
            c1 = load_json(os.path.join(res, f"{source}-{s}-c1.json"))
            if not c1:
                continue
            c8np = next((load_json(os.path.join(res, n)) for n in sorted(os.listdir(res))
                         if re.fullmatch(f"{source}-{s}-c\\d+-np.json", n)), None) or {}
            c8all = next((load_json(os.path.join(res, n)) for n in sorted(os.listdir(res))
                          if re.fullmatch(f"{source}-{s}-c\\d+-all.json", n)), None) or {}
            np_groups = {k: v for k, v in c1["perGroup"].items() if k != "dynakube"}
            rows.append((s, c1, np_groups, c8np, c8all))
        if not rows:
            continue
        lines.append(f"Decisions, guard fed from {source} (latency: 1 connection, client-side; throughput: "
                     f"{rows[0][3].get('connections', '?')} connections):\n")
        lines.append("| scale | NP p50 | NP p90 | NP p99 | NP max | all p99 (incl. DynaKube) | DynaKube p50 | "
                     "guard CPU/NP decision | NP decisions/s | all decisions/s |")
        lines.append("|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|")
        for s, c1, npg, c8np, c8all in rows:
            np_lat = np_latency(c1)
            dk = c1["perGroup"].get("dynakube", {}).get("latencyMs", {})
            lines.append(f"| {s} | {fmt_ms(np_lat['p50'])} | {fmt_ms(np_lat['p90'])} | {fmt_ms(np_lat['p99'])} | "
                         f"{fmt_ms(np_lat['max'])} | {fmt_ms(c1['latencyMs']['p99'])} | {fmt_ms(dk.get('p50'))} | "
                         f"{c8np.get('guardCpuMsPerRequest', 0):.3f} ms | {c8np.get('throughput', 0):,.0f} | "
                         f"{c8all.get('throughput', 0):,.0f} |")
        lines.append("")
        owns = [(s, load_json(os.path.join(res, f"{source}-{s}-c1-own.json"))) for s, *_ in rows]
        if any(o for _, o in owns):
            lines.append(f"Only the namespaces of fixed size ({source}, bench-20, bench-200, cold; 1 connection, 15 s):\n")
            lines.append("| scale | guard CPU per decision | guard-logged p50 / p99 ms | client p50 / p99 ms |")
            lines.append("|---|---:|---:|---:|")
            for s, o in owns:
                if o:
                    lines.append(f"| {s} | {o['guardCpuMsPerRequest']:.3f} ms | {o['serverLatencyMs']['p50']:.3f} / "
                                 f"{o['serverLatencyMs']['p99']:.2f} | {o['latencyMs']['p50']:.2f} / {o['latencyMs']['p99']:.2f} |")
            lines.append("")
        lines.append(f"Per request group ({source}, 1 connection), guard-logged decision time (parse + judge, no HTTP/TLS) "
                     f"p50 / p99 ms:\n")
        groups = sorted({g for _, c1, *_ in rows for g in c1.get("serverLatencyByGroupMs", {})})
        lines.append("| group | " + " | ".join(s for s, *_ in rows) + " |")
        lines.append("|---|" + "---:|" * len(rows))
        for g in groups:
            cells = []
            for s, c1, *_ in rows:
                v = c1.get("serverLatencyByGroupMs", {}).get(g)
                cells.append(f"{v['p50']:.3f} / {v['p99']:.2f}" if v else "–")
            lines.append(f"| {g} | " + " | ".join(cells) + " |")
        lines.append("")
        lines.append(f"Per request group ({source}, 1 connection), client-side p50 / p99 ms:\n")
        groups = sorted({g for _, c1, *_ in rows for g in c1["perGroup"]})
        lines.append("| group | " + " | ".join(s for s, *_ in rows) + " |")
        lines.append("|---|" + "---:|" * len(rows))
        for g in groups:
            cells = []
            for s, c1, *_ in rows:
                v = c1["perGroup"].get(g, {}).get("latencyMs")
                cells.append(f"{fmt_ms(v['p50'])} / {fmt_ms(v['p99'])}" if v else "–")
            lines.append(f"| {g} | " + " | ".join(cells) + " |")
        lines.append("")

    inf = [load_json(os.path.join(res, f"informers-{s}.json")) for s in scales]
    inf = [i for i in inf if i]
    if inf:
        lines.append("| informers | pods | ready (2nd start) | ready (1st start) | heap after GC | heap after load runs | RSS | etcd |")
        lines.append("|---|---:|---:|---:|---:|---:|---:|---:|")
        for i in inf:
            lines.append(f"| {i['scale']} | {i['pods']:,} | {i['readyMs'] / 1000:.1f} s | {i['readyMsFirstStart'] / 1000:.1f} s | "
                         f"{i['heapAfterGcMiB']} MiB | {i['heapAfterLoadMiB']} MiB | {i['rssMiB']} MiB | {i['etcdMiB']} MiB |")
        lines.append("")
    d = load_json(os.path.join(res, "default-c1.json"))
    if d:
        lines.append(f"Embedded default (k8s/examples, 4 requests round-robin, 1 connection): {d['requests']:,} decisions, "
                     f"p50 {d['latencyMs']['p50']:.3f} ms, p90 {d['latencyMs']['p90']:.3f} ms, p99 {d['latencyMs']['p99']:.3f} ms, "
                     f"max {d['latencyMs']['max']:.1f} ms; guard-logged p50 {d['serverLatencyMs']['p50']:.3f} ms, "
                     f"p99 {d['serverLatencyMs']['p99']:.3f} ms; {d['throughput']:,.0f} decisions/s.\n")
    with open(os.path.join(out, "results.md"), "w") as f:
        f.write("\n".join(lines) + "\n")
    print("\n".join(lines))
    plot(out, png, scales, gen)


def np_latency(c1):
    """Latency percentiles over the NetworkPolicy requests (LoadDriver --subset '^(?!dynakube)')."""
    return c1.get("subset", {}).get("latencyMs") or {"p50": None, "p90": None, "p99": None, "max": None}


def plot(out, png, scales, gen):
    try:
        import matplotlib
        matplotlib.use("Agg")
        import matplotlib.pyplot as plt
    except ImportError:
        print("matplotlib missing: no plot", file=sys.stderr)
        return
    res = os.path.join(out, "results")
    pods = []
    p50, p99, p99all, check = [], [], [], []
    groups = {}
    for s in scales:
        c1 = load_json(os.path.join(res, f"manifests-{s}-c1.json"))
        if not c1:
            continue
        pods.append(gen[s]["pods"])
        lat = np_latency(c1)
        p50.append(lat["p50"])
        p99.append(lat["p99"])
        p99all.append(c1["latencyMs"]["p99"])
        c = load_json(os.path.join(res, f"check-{s}.json")) or {}
        check.append(c.get("medianMs", float("nan")) / 1000)
        own = load_json(os.path.join(res, f"manifests-{s}-c1-own.json")) or {}
        for g, v in c1.get("serverLatencyByGroupMs", {}).items():
            v = own.get("serverLatencyByGroupMs", {}).get(g, v)  # the run with only these, when there is one
            groups.setdefault(g, {})[gen[s]["pods"]] = v["p50"]
        if own:
            groups.setdefault("own-cpu", {})[gen[s]["pods"]] = own["guardCpuMsPerRequest"]
    if not pods:
        return
    fig, (a, b) = plt.subplots(1, 2, figsize=(11, 4.2), dpi=90)
    a.plot(pods, p50, "o-", label="NetworkPolicy decision p50")
    a.plot(pods, p99, "s-", label="NetworkPolicy decision p99")
    a.plot(pods, p99all, "^--", label="all requests p99 (incl. DynaKube)")
    a.axhline(5, color="grey", lw=0.8, ls=":", label="target p99 5 ms")
    a.set_xscale("log")
    a.set_yscale("log")
    a.set_xlabel("cluster size (pods; policies = pods / 10)")
    a.set_ylabel("latency, ms (1 connection, client side)")
    a2 = a.twinx()
    a2.plot(pods, check, "d-", color="tab:red", label="check command wall time (s)")
    a2.set_ylabel("check command wall time, s (incl. JVM start)", color="tab:red")
    h1, l1 = a.get_legend_handles_labels()
    h2, l2 = a2.get_legend_handles_labels()
    a.legend(h1 + h2, l1 + l2, fontsize=7, loc="upper left")
    a.set_title("Cost growth with the cluster", fontsize=10)
    names = {"bench-20": "bench-20 (20 pods, 5 policies, same at every scale)",
             "bench-200": "bench-200 (200 pods, 20 policies, same at every scale)",
             "cold": "cold app namespaces (~100 pods)",
             "hot-app": "hot-app (3 % of pods, 5 % of policies)",
             "hot-dynatrace": "dynatrace (every monitored app talks to it)",
             "kube-system": "kube-system default-deny (denied)"}
    names["dynakube"] = "DynaKube updates (whole cluster)"
    for g in ["bench-20", "bench-200", "cold", "kube-system", "hot-app", "hot-dynatrace", "dynakube"]:
        if g in groups:
            xs = sorted(groups[g])
            b.plot(xs, [groups[g][x] for x in xs], "o-", label=names[g])
    if "own-cpu" in groups:
        xs = sorted(groups["own-cpu"])
        b.plot(xs, [groups["own-cpu"][x] for x in xs], "k--", lw=1,
               label="guard CPU per decision, bench-20/200 + cold only (incl. HTTPS, JSON, GC)")
    b.set_xscale("log")
    b.set_yscale("log")
    b.set_xlabel("cluster size (pods)")
    b.set_ylabel("ms per decision (p50 guard-logged: parse + judge)")
    b.set_title("A NetworkPolicy decision costs what its own namespace costs", fontsize=10)
    b.legend(fontsize=7, loc="upper left")
    fig.tight_layout()
    fig.savefig(png)
    print(f"plot: {png}")


def soak(result_path, samples_path, timeline_path, heap0, heap1, cpu_ms):
    """Summary of a soak run: rate and errors per minute, latency, heap before/after, old generation and RSS trend."""
    result = load_json(result_path)
    per_minute = {}
    for line in open(timeline_path):
        if not line[:1].isdigit():
            continue  # the header
        ms, ok, status, refused, broken = (int(v) for v in line.split())
        minute = per_minute.setdefault(ms // 60000, [0, 0])
        minute[0] += ok
        minute[1] += status + refused + broken
    minutes = [per_minute[k] for k in sorted(per_minute)]
    samples = [line.split() for line in open(samples_path) if len(line.split()) >= 4]
    old = [float(s[1]) for s in samples]
    rss = [int(s[2]) for s in samples]
    lat = result["latencyMs"]
    print(f"soak: {result['requests']} decisions in {result['seconds']:.0f} s, target {result['targetRate']:.0f}/s, "
          f"reached {result['throughput']:.0f}/s, errors {result['errors']} (driver), "
          f"{sum(m[1] for m in minutes)} (timeline: non-200, refused, broken)")
    print(f"latency from when each request was due: p50 {lat['p50']:.2f} ms, p99 {lat['p99']:.2f} ms, max {lat['max']:.2f} ms")
    print("per minute (decisions/s): " + ", ".join(f"{m[0] / 60:.0f}" for m in minutes))
    print(f"heap after full GC: {heap0} MiB before, {heap1} MiB after")
    if old:
        print(f"old generation (every 30 s): first {old[0]:.0f} MiB, min {min(old):.0f}, max {max(old):.0f}, last {old[-1]:.0f}")
        print(f"RSS: first {rss[0]} MiB, max {max(rss)}, last {rss[-1]}")
    print(f"guard CPU: {float(cpu_ms) / 1000 / max(result['seconds'], 1):.2f} cores on average")


def main():
    if len(sys.argv) > 1 and sys.argv[1] == "merge-guard":
        merge_guard(sys.argv[2], sys.argv[3], int(sys.argv[4]), float(sys.argv[5]), sys.argv[6])
    elif len(sys.argv) > 1 and sys.argv[1] == "soak":
        soak(*sys.argv[2:8])
    else:
        report(sys.argv[1], sys.argv[2])


if __name__ == "__main__":
    main()
