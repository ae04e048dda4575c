#!/usr/bin/env bash
# Builds netpol-guard and the JMH benchmarks, runs the engine benchmarks, generates a synthetic
# cluster and times `netpol-guard probe` on it. Results go to $OUT (default bench/out/), a summary
# to stdout. Every step is configurable through the environment:
#
#   OUT=bench/out          where results and the generated cluster go
#   SKIP_BUILD=1           use the jars already built
#   SKIP_JMH=1 / SKIP_PROBE=1
#   JMH_FILTER=EngineBenchmark   regexp of benchmarks to run
#   JMH_PARAMS="-p policies=100" extra -p options
#   JMH_FORKS=1 JMH_WARMUP_ITERATIONS=3 JMH_WARMUP_TIME=2s JMH_ITERATIONS=5 JMH_TIME=2s
#   JMH_EXTRA="-prof gc"   anything else for JMH (profilers, -jvmArgs ...)
#   PROBES=100000 NAMESPACES=50 PODS=1000 POLICIES=1000 SEED=42   generated cluster
#   PROBE_RUNS=3           runs of `probe` (the median is reported)
#   PROBE_JAVA_OPTS=""     JVM options for `probe` (e.g. -Xmx512m)
#   SKIP_CPU_TIME=1        skip the CPU-time run (CpuTimeRun: same scenarios, timed in thread CPU
#                          time, which a busy machine disturbs much less than JMH's wall time)
#   CPU_TIME_POLICIES="10 100 1000"  CPU_ROUNDS=7 CPU_ROUND_MS=500 CPU_WARMUP_MS=3000
set -euo pipefail

ROOT="$(cd "$(dirname "$0")/.." && pwd)"
BENCH="$ROOT/bench"
OUT="${OUT:-$BENCH/out}"
mkdir -p "$OUT"
OUT="$(cd "$OUT" && pwd)"

JMH_FILTER="${JMH_FILTER:-EngineBenchmark}"
JMH_FORKS="${JMH_FORKS:-1}"
JMH_WARMUP_ITERATIONS="${JMH_WARMUP_ITERATIONS:-3}"
JMH_WARMUP_TIME="${JMH_WARMUP_TIME:-2s}"
JMH_ITERATIONS="${JMH_ITERATIONS:-5}"
JMH_TIME="${JMH_TIME:-2s}"
JMH_PARAMS="${JMH_PARAMS:-}"
JMH_EXTRA="${JMH_EXTRA:-}"
PROBES="${PROBES:-100000}"
NAMESPACES="${NAMESPACES:-50}"
PODS="${PODS:-1000}"
POLICIES="${POLICIES:-1000}"
SEED="${SEED:-42}"
PROBE_RUNS="${PROBE_RUNS:-3}"
PROBE_JAVA_OPTS="${PROBE_JAVA_OPTS:-}"
CPU_TIME_POLICIES="${CPU_TIME_POLICIES:-10 100 1000}"

log() { printf '\n==> %s\n' "$*" >&2; }

if [[ "${SKIP_BUILD:-0}" != 1 ]]; then
  log "building netpol-guard (./mvnw install -DskipTests)"
  (cd "$ROOT" && ./mvnw -B -q install -DskipTests)
  log "building the benchmarks (bench/engine)"
  (cd "$ROOT" && ./mvnw -B -q -f bench/engine/pom.xml package)
  echo "$(cd "$ROOT" && git rev-parse --short HEAD 2>/dev/null || echo unknown)$(cd "$ROOT" && git diff --quiet HEAD -- src pom.xml 2>/dev/null || echo ' + uncommitted changes in src/pom.xml') (built $(date -u +%Y-%m-%dT%H:%M:%SZ))" > "$BENCH/engine/target/built-from.txt"
fi

# target/ is shared with whoever else builds in this work tree: time a private copy of the CLI, so
# that a rebuild in the middle of a run cannot swap the classes under it.
if [[ "${SKIP_BUILD:-0}" != 1 || ! -f "$OUT/cli/quarkus-run.jar" ]]; then
  rm -rf "$OUT/cli"
  cp -r "$ROOT/target/quarkus-app" "$OUT/cli"
fi
CLI_JAR="$OUT/cli/quarkus-run.jar"
BENCH_JAR="$BENCH/engine/target/benchmarks.jar"

{
  echo "date:    $(date -u +%Y-%m-%dT%H:%M:%SZ)"
  echo "built:   $(cat "$BENCH/engine/target/built-from.txt" 2>/dev/null || echo 'unknown (built outside run-engine.sh)')"
  echo "cpus:    $(nproc) x $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2- | sed 's/^ *//')"
  echo "memory:  $(awk '/MemTotal/ {printf "%.1f GiB", $2/1048576}' /proc/meminfo)"
  echo "jdk:     $(java -version 2>&1 | head -2 | tail -1)"
} > "$OUT/machine.txt"
loadavg() { cut -d' ' -f1-3 /proc/loadavg; }
echo "load average (1/5/15 min) before JMH: $(loadavg)" > "$OUT/load.txt"

if [[ "${SKIP_JMH:-0}" != 1 ]]; then
  log "JMH: $JMH_FILTER -f $JMH_FORKS -wi $JMH_WARMUP_ITERATIONS -w $JMH_WARMUP_TIME -i $JMH_ITERATIONS -r $JMH_TIME $JMH_PARAMS $JMH_EXTRA"
  # shellcheck disable=SC2086
  java -jar "$BENCH_JAR" "$JMH_FILTER" -f "$JMH_FORKS" -wi "$JMH_WARMUP_ITERATIONS" -w "$JMH_WARMUP_TIME" \
    -i "$JMH_ITERATIONS" -r "$JMH_TIME" -t 1 $JMH_PARAMS $JMH_EXTRA \
    -rf json -rff "$OUT/jmh.json" | tee "$OUT/jmh.txt" >&2
fi

echo "load average (1/5/15 min) after JMH: $(loadavg)" >> "$OUT/load.txt"

if [[ "${SKIP_CPU_TIME:-0}" != 1 ]]; then
  log "CPU-time run of the same scenarios (policies: $CPU_TIME_POLICIES)"
  # shellcheck disable=SC2086
  java -cp "$BENCH_JAR" io.netpolguard.bench.CpuTimeRun $CPU_TIME_POLICIES > "$OUT/cputime.raw"
  grep -v '^\[setup\]' "$OUT/cputime.raw" | grep -v '^$' > "$OUT/cputime.txt"
  cat "$OUT/cputime.txt" >&2
fi

if [[ "${SKIP_PROBE:-0}" != 1 ]]; then
  log "generating the probe cluster into $OUT"
  python3 "$BENCH/generate-probe-cluster.py" "$OUT" --namespaces "$NAMESPACES" --pods "$PODS" \
    --policies "$POLICIES" --probes "$PROBES" --seed "$SEED"
  head -n 1 "$OUT/probes.yaml" > "$OUT/probes-1.yaml"

  TIME_V=""
  if /usr/bin/time -v true >/dev/null 2>&1; then TIME_V="/usr/bin/time -v"; fi

  # run_probe LABEL PROBES_FILE: PROBE_RUNS runs; appends "label wall_seconds max_rss_kb" lines
  run_probe() {
    local label="$1" file="$2" i start end rss cpu
    for ((i = 1; i <= PROBE_RUNS; i++)); do
      start=$(date +%s%N)
      # shellcheck disable=SC2086
      if ! $TIME_V java $PROBE_JAVA_OPTS -jar "$CLI_JAR" probe --cluster "$OUT/cluster" --probes "$file" \
          --output json > "$OUT/probe-results-$label.json" 2> "$OUT/probe-$label-$i.stderr"; then
        echo "probe failed; see $OUT/probe-$label-$i.stderr" >&2
        tail -5 "$OUT/probe-$label-$i.stderr" >&2
        exit 1
      fi
      end=$(date +%s%N)
      rss=$(awk -F: '/Maximum resident set size/ {gsub(/ /, "", $2); print $2}' "$OUT/probe-$label-$i.stderr")
      cpu=$(awk -F: '/User time \(seconds\)|System time \(seconds\)/ {t += $2} END {printf "%d", t * 1000}' \
        "$OUT/probe-$label-$i.stderr")
      echo "$label $(( (end - start) / 1000000 )) ${rss:-0} ${cpu:-0}" >> "$OUT/probe-times.txt"
      log "probe $label run $i: $(( (end - start) / 1000000 )) ms wall, ${cpu:-?} ms CPU, max RSS ${rss:-?} kB"
    done
  }
  : > "$OUT/probe-times.txt"
  log "timing probe: 1 probe (startup + reading the cluster), $PROBE_RUNS runs"
  run_probe one "$OUT/probes-1.yaml"
  log "timing probe: $PROBES probes, $PROBE_RUNS runs"
  run_probe all "$OUT/probes.yaml"
  grep -c '"allowed" : true' "$OUT/probe-results-all.json" > "$OUT/probe-allowed-count.txt" || true
  echo "load average (1/5/15 min) after probe: $(loadavg)" >> "$OUT/load.txt"
fi

python3 - "$OUT" "$PROBES" <<'EOF'
import json, os, statistics, sys
out, probes = sys.argv[1], int(sys.argv[2])
lines = [open(os.path.join(out, "machine.txt")).read().rstrip(),
         open(os.path.join(out, "load.txt")).read().rstrip(), ""]
jmh = os.path.join(out, "jmh.json")
if os.path.exists(jmh):
    # "best" is the fastest measurement iteration: on a shared, noisy machine it is the closest to
    # what the code does with a core to itself.
    lines.append(f"{'benchmark':<28}{'policies/ns':>12}{'ops/s (mean)':>14}{'error (99.9%)':>16}"
                 f"{'ns/op':>9}{'best ops/s':>13}{'best ns/op':>11}")
    rows = []
    for r in json.load(open(jmh)):
        m = r["primaryMetric"]
        best = max(x for fork in m["rawData"] for x in fork)
        rows.append((r["benchmark"].rsplit(".", 1)[1], int(r.get("params", {}).get("policies", 0)),
                     m["score"], m["scoreError"], best))
    for name, pol, score, err, best in sorted(rows):
        err_s = f"±{err:,.0f}" if err == err else "n/a"
        lines.append(f"{name:<28}{pol:>12}{score:>14,.0f}{err_s:>16}{1e9 / score:>9,.0f}{best:>13,.0f}"
                     f"{1e9 / best:>11,.0f}")
    lines.append("")
cputime = os.path.join(out, "cputime.txt")
if os.path.exists(cputime):
    lines.append("CPU time per evaluation (thread CPU time, not disturbed by descheduling):")
    lines.append(open(cputime).read().rstrip())
    lines.append("")
times = os.path.join(out, "probe-times.txt")
if os.path.exists(times) and os.path.getsize(times):
    data = {}
    for line in open(times):
        label, ms, rss, cpu = line.split()
        data.setdefault(label, []).append((int(ms), int(rss), int(cpu)))
    gen = open(os.path.join(out, "generated.txt")).read().strip()
    lines.append(f"probe cluster: {gen}")
    allowed = os.path.join(out, "probe-allowed-count.txt")
    if os.path.exists(allowed):
        lines.append(f"probe verdicts: {open(allowed).read().strip()} allowed of {probes}")
    for label, desc in (("one", "1 probe (startup + cluster)"), ("all", f"{probes} probes")):
        if label in data:
            ms = [m for m, _, _ in data[label]]
            cpu = [c for _, _, c in data[label]]
            rss = max(r for _, r, _ in data[label])
            lines.append(f"probe {desc:<30} wall median {statistics.median(ms) / 1000:6.2f} s "
                         f"(runs: {', '.join(f'{m / 1000:.2f}' for m in ms)}), "
                         f"CPU (user+sys) median {statistics.median(cpu) / 1000:6.2f} s, max RSS {rss / 1024:,.0f} MiB")
    if "one" in data and "all" in data:
        med = lambda label, i: statistics.median(row[i] for row in data[label])
        per = (med("all", 0) - med("one", 0)) / probes
        per_cpu = (med("all", 2) - med("one", 2)) / probes
        lines.append(f"probe marginal cost: {per * 1000:.1f} µs wall, {per_cpu * 1000:.1f} µs CPU per probe "
                     "(parse + evaluate + explain + JSON)")
summary = "\n".join(lines)
open(os.path.join(out, "summary.txt"), "w").write(summary + "\n")
print(summary)
EOF
