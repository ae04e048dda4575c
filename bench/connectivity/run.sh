#!/usr/bin/env bash
# The connectivity map against np-guard's netpol-analyzer: wall time (median of RUNS) and peak RSS of
#   java -jar quarkus-run.jar connectivity --cluster DIR        (netpol-guard)
#   $NETPOL_ANALYZER list --dirpath DIR                          (the peer, when NETPOL_ANALYZER is set)
# on clusters of bench/scale/generate.py, and the answers of both compared per pod pair (compare.py).
# Nothing here fetches or builds the peer: NETPOL_ANALYZER names a `netpolicy` binary built by hand.
#
# Environment: NETPOL_ANALYZER (peer binary; unset: netpol-guard only), SCALES (default "small p5k large"; a
# scale is a name of generate.py or NAME=PODS/NAMESPACES/POLICIES; p5k is 5000/100/500), PEER_SCALES (default
# "small p5k": the peer is not run at 100,000 pods), RUNS (3), PEER_RUNS (RUNS), PEER_TIMEOUT (seconds per peer
# run, 3600), COMPARE_SCALES ("small"), JAVA_OPTS, SKIP_BUILD=1 (use OUT/app as it is), LARGE_DIR (an existing
# large cluster, default bench/scale/out/large/cluster when present), OUT (bench/connectivity/out).
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
root="$(cd "$here/../.." && pwd)"
out="${OUT:-$here/out}"
scales="${SCALES:-small p5k large}"
peer_scales="${PEER_SCALES:-small p5k}"
runs="${RUNS:-3}"
peer_runs="${PEER_RUNS:-$runs}"
peer_timeout="${PEER_TIMEOUT:-3600}"
compare_scales="${COMPARE_SCALES:-small}"
peer="${NETPOL_ANALYZER:-}"
large_dir="${LARGE_DIR:-$root/bench/scale/out/large/cluster}"
mkdir -p "$out/results" "$out/runs"

if [[ "${SKIP_BUILD:-0}" != 1 ]]; then
  (cd "$root" && ./mvnw -B -q -Dmaven.test.skip=true package)
  rm -rf "$out/app" && cp -r "$root/target/quarkus-app" "$out/app"
fi
if [[ -n "$peer" && ! -x "$peer" ]]; then
  echo "NETPOL_ANALYZER=$peer is not an executable" >&2
  exit 2
fi

spec() {  # the generate.py scale of a name
  case "$1" in
    p5k) echo "p5k=5000/100/500" ;;
    *) echo "$1" ;;
  esac
}

cluster_dir() {
  local name="${1%%=*}"
  if [[ "$name" == large && -d "$large_dir" ]]; then
    echo "$large_dir"
    return
  fi
  if [[ ! -d "$out/$name/cluster" ]]; then
    python3 "$root/bench/scale/generate.py" --out "$out" --scales "$(spec "$1")" >&2
  fi
  echo "$out/$name/cluster"
}

# one timed run: tool, scale, run number, output file, command...
timed() {
  local tool="$1" scale="$2" n="$3" result="$4"
  shift 4
  local log="$out/runs/$scale-$tool-$n.time"
  local status=0
  /usr/bin/time -v "$@" > "$result" 2> "$log" || status=$?
  local wall rss
  wall=$(python3 -c 'import re,sys; t=re.search(r"Elapsed \(wall clock\) time \(h:mm:ss or m:ss\): (\S+)", open(sys.argv[1]).read()).group(1).split(":"); print(sum(float(x) * 60 ** i for i, x in enumerate(reversed(t))))' "$log")
  rss=$(awk '/Maximum resident set size/ {print $NF}' "$log")
  printf '%s\t%s\t%s\t%s\t%s\t%s\n' "$scale" "$tool" "$n" "$wall" "$rss" "$status" >> "$out/results/times.tsv"
  echo "$scale $tool run $n: ${wall} s, ${rss} KB, exit $status ($(uptime | sed 's/.*load average/load average/'))" >&2
}

: > "$out/results/times.tsv"
for scale in $scales; do
  name="${scale%%=*}"
  dir="$(cluster_dir "$scale")"
  for n in $(seq 1 "$runs"); do
    timed netpol-guard "$name" "$n" "$out/runs/$name-netpol-guard.txt" \
      java ${JAVA_OPTS:-} -jar "$out/app/quarkus-run.jar" connectivity --cluster "$dir"
  done
  if [[ -n "$peer" && " $peer_scales " == *" $name "* ]]; then
    for n in $(seq 1 "$peer_runs"); do
      timed netpol-analyzer "$name" "$n" "$out/runs/$name-netpol-analyzer-$n.txt" \
        timeout "$peer_timeout" "$peer" list --dirpath "$dir"
    done
  fi
  if [[ -n "$peer" && " $compare_scales " == *" $name "* && -s "$out/runs/$name-netpol-analyzer-1.txt" ]]; then
    java ${JAVA_OPTS:-} -jar "$out/app/quarkus-run.jar" connectivity --cluster "$dir" --group-by pod --output csv \
      > "$out/runs/$name-netpol-guard-pods.csv" 2>/dev/null
    python3 "$here/compare.py" "$dir" "$out/runs/$name-netpol-guard-pods.csv" "$out/runs/$name-netpol-analyzer-1.txt" \
      > "$out/results/compare-$name.txt"
    echo "answers compared: $out/results/compare-$name.txt" >&2
  fi
done

python3 - "$out/results/times.tsv" > "$out/results/summary.md" <<'PY'
import statistics, sys
rows = [line.rstrip("\n").split("\t") for line in open(sys.argv[1]) if line.strip()]
by = {}
for scale, tool, n, wall, rss, status in rows:
    by.setdefault((scale, tool), []).append((float(wall), int(rss), int(status)))
print("| scale | tool | runs | wall, median (s) | all runs (s) | peak RSS, max (MiB) | exit codes |")
print("| --- | --- | ---: | ---: | --- | ---: | --- |")
for (scale, tool), values in by.items():
    walls = [w for w, _, _ in values]
    print(f"| {scale} | {tool} | {len(values)} | {statistics.median(walls):.2f} | "
          f"{', '.join(f'{w:.2f}' for w in walls)} | {max(r for _, r, _ in values) / 1024:.0f} | "
          f"{', '.join(str(s) for _, _, s in values)} |")
print()
for scale in dict.fromkeys(s for s, _ in by):
    ours, peer = by.get((scale, "netpol-guard")), by.get((scale, "netpol-analyzer"))
    if ours and peer:
        wall = statistics.median(w for w, _, _ in peer) / statistics.median(w for w, _, _ in ours)
        rss = max(r for _, r, _ in peer) / max(r for _, r, _ in ours)
        if any(s != 0 for _, _, s in peer):
            print(f"{scale}: the peer did not finish (exit {[s for _, _, s in peer]}, 124 = timed out): netpol-guard "
                  f"more than {wall:.0f}x faster (median wall)")
        else:
            print(f"{scale}: netpol-guard {wall:.1f}x faster (median wall), peer's peak RSS {rss:.2f}x ours")
PY
cat "$out/results/summary.md"
