"""Plots CPU time per decision against cluster size from DecisionRun's JSON results
(results/decisions-in-process-<scale>.json): the median over every request, its p99, and the heaviest request
groups. Usage: decisions_plot.py RESULTS_DIR OUT.png"""
import json
import os
import sys

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402

PODS = {"small": 1_000, "medium": 10_000, "large": 100_000}
GROUPS = ["hot-dynatrace--update-activegate-narrow", "dynakube--update-appmon-namespace-selector",
          "namespace--start-fullstack-monitoring", "hot-app--delete-allow-dynatrace", "hot-dynatrace--create-harmless"]


def main(results, png):
    points = []
    for scale, pods in PODS.items():
        path = os.path.join(results, f"decisions-in-process-{scale}.json")
        if os.path.exists(path):
            with open(path) as f:
                points.append((pods, json.load(f)))
    if not points:
        sys.exit(f"no decisions-in-process-*.json in {results}")
    fig, ax = plt.subplots(figsize=(7.5, 4.5), dpi=90)
    xs = [p for p, _ in points]
    ax.plot(xs, [r["cpu_p50_ms"] for _, r in points], "o-", label="all requests, median")
    ax.plot(xs, [r["cpu_p99_ms"] for _, r in points], "o--", label="all requests, p99")
    for group in GROUPS:
        ys = [r["requests"].get(group, {}).get("cpu_p50_ms") for _, r in points]
        if all(y is not None for y in ys):
            ax.plot(xs, ys, ".:", label=group + " (median)")
    ax.axhline(2, color="grey", linewidth=0.8)
    ax.text(xs[0], 2.2, "budget 2 ms", color="grey", fontsize=8)
    ax.set_xscale("log")
    ax.set_yscale("log")
    ax.set_xlabel("pods in the cluster")
    ax.set_ylabel("CPU ms per decision (in-process)")
    ax.set_title("netpol-guard decisions against cluster size")
    ax.legend(fontsize=7)
    fig.tight_layout()
    fig.savefig(png)
    print(f"plot: {png}")


if __name__ == "__main__":
    main(sys.argv[1], sys.argv[2])
