"""Plots the connectivity benchmark against cluster size: wall time (median of the runs, bars from the fastest to
the slowest) and peak RSS (largest of the runs) of netpol-guard and, where it was run, netpol-analyzer. A peer run
that did not finish (timed out) is drawn as an open triangle: at least that long, and its RSS when it was stopped.
Reads OUT/results/times.tsv and OUT/results/scales.tsv (what run.sh writes) and each scale's generated.json.
Usage: plot.py OUT OUT.png"""
import csv
import json
import os
import statistics
import sys

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
from matplotlib.ticker import NullFormatter  # noqa: E402

TOOLS = {"netpol-guard": ("C0", "o"), "netpol-analyzer": ("C3", "s")}


def pods_per_scale(results):
    pods = {}
    with open(os.path.join(results, "scales.tsv")) as f:
        for name, cluster in csv.reader(f, delimiter="\t"):
            with open(os.path.join(cluster, "..", "generated.json")) as g:
                pods[name] = json.load(g)["pods"]
    return pods


def runs(results):
    by, loads = {}, []
    with open(os.path.join(results, "times.tsv")) as f:
        for scale, tool, _, wall, rss, status, load in csv.reader(f, delimiter="\t"):
            by.setdefault((tool, scale), []).append((float(wall), int(rss) / 1024, int(status)))
            loads.append(float(load.split()[0]))
    return by, loads


def main(out, png):
    results = os.path.join(out, "results")
    pods, (by, loads) = pods_per_scale(results), runs(results)
    fig, (time_ax, rss_ax) = plt.subplots(1, 2, figsize=(10, 4.2), dpi=90)
    for tool, (colour, marker) in TOOLS.items():
        done = sorted((pods[s], v) for (t, s), v in by.items() if t == tool and all(st == 0 for _, _, st in v))
        stopped = sorted((pods[s], v) for (t, s), v in by.items() if t == tool and any(st != 0 for _, _, st in v))
        if done:
            xs = [x for x, _ in done]
            walls = [[w for w, _, _ in v] for _, v in done]
            medians = [statistics.median(w) for w in walls]
            time_ax.errorbar(xs, medians, yerr=[[m - min(w) for m, w in zip(medians, walls)],
                                                 [max(w) - m for m, w in zip(medians, walls)]],
                             color=colour, marker=marker, capsize=3, label=f"{tool} (median)")
            rss_ax.plot(xs, [max(r for _, r, _ in v) for _, v in done], color=colour, marker=marker, label=tool)
            for x, m in zip(xs, medians):
                time_ax.annotate(f"{m:.3g} s", (x, m), textcoords="offset points", xytext=(5, -10), fontsize=7)
        for x, v in stopped:
            wall, rss = max(w for w, _, _ in v), max(r for _, r, _ in v)
            time_ax.plot([x], [wall], color=colour, marker="^", fillstyle="none", linestyle="none",
                         label=f"{tool} stopped unfinished")
            time_ax.annotate(f"> {wall / 60:.0f} min", (x, wall), textcoords="offset points", xytext=(5, -3),
                             fontsize=7)
            rss_ax.plot([x], [rss], color=colour, marker="^", fillstyle="none", linestyle="none",
                        label=f"{tool} when stopped")
    sizes = sorted(set(pods[s] for _, s in by))
    for ax in (time_ax, rss_ax):
        ax.set_xscale("log")
        ax.set_xticks(sizes, [f"{p:,}" for p in sizes], fontsize=8)
        ax.xaxis.set_minor_formatter(NullFormatter())
        ax.set_xlim(sizes[0] / 1.5, sizes[-1] * 2.5)
        ax.set_xlabel("pods in the cluster")
        ax.grid(True, which="both", linewidth=0.3)
        ax.legend(fontsize=7)
    time_ax.set_yscale("log")
    time_ax.set_ylabel("wall time, whole process (s)")
    rss_ax.set_ylabel("peak RSS (MiB)")
    rss_ax.set_ylim(bottom=0)
    time_ax.set_title("connectivity map: wall time", fontsize=10)
    rss_ax.set_title("connectivity map: peak memory", fontsize=10)
    fig.suptitle(f"{os.cpu_count()} cores, load average {min(loads):.0f} to {max(loads):.0f} after the runs",
                 fontsize=8, y=0.02)
    fig.tight_layout(rect=(0, 0.03, 1, 1))
    fig.savefig(png)
    print(f"plot: {png}")


if __name__ == "__main__":
    main(sys.argv[1], sys.argv[2])
