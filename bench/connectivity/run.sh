#!/usr/bin/env bash
# The connectivity map against np-guard's netpol-analyzer: wall time (median of RUNS) and peak RSS of
#   bin/netpol-guard connectivity --cluster DIR                  (netpol-guard, its default launcher)
#   $NETPOL_ANALYZER list --dirpath DIR                          (the peer, when NETPOL_ANALYZER is set)
# on clusters of bench/scale/generate.py, the answers of both compared per pod pair (compare.py), and a plot of
# wall time and peak RSS against cluster size (plot.py, connectivity.png).
# Nothing here fetches or builds the peer: NETPOL_ANALYZER names a `netpolicy` binary built by hand.
#
# Environment: NETPOL_ANALYZER (peer binary; unset: netpol-guard only), SCALES (default "small p5k large"; a
# scale is a name of generate.py or NAME=PODS/NAMESPACES/POLICIES; p5k is 5000/100/500), PEER_SCALES (default
# "small p5k": the peer is not run at 100,000 pods), RUNS (3), PEER_RUNS (RUNS; a scale where a peer run timed out
# is not run again), PEER_TIMEOUT (seconds per peer run, 3600), COMPARE_SCALES ("small"), LAUNCH (bin: through
# bin/netpol-guard, the default; jar: java -jar quarkus-run.jar), JAVA_OPTS, SKIP_BUILD=1 (use OUT/launcher as it
# is), LARGE_DIR (an existing large cluster, default bench/scale/out/large/cluster when present), PLOT=0 (no plot),
# OUT (bench/connectivity/out).
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
launch="${LAUNCH:-bin}"
mkdir -p "$out/results" "$out/runs"

# A private copy of the build laid out like the repository (bin/, target/quarkus-app, k8s/ for the launcher's
# class-data archive), so that another build in the work tree cannot change it during a run.
copy="$out/launcher"
if [[ "${SKIP_BUILD:-0}" != 1 ]]; then
  (cd "$root" && ./mvnw -B -q -Dmaven.test.skip=true package)
  rm -rf "$copy" && mkdir -p "$copy/bin" "$copy/target"
  cp -r "$root/target/quarkus-app" "$copy/target/" && cp "$root/bin/netpol-guard" "$copy/bin/"
  ln -s "$root/k8s" "$copy/k8s"
fi
case "$launch" in
  bin) ours=("$copy/bin/netpol-guard"); "${ours[@]}" --version >/dev/null ;; # makes the archive before timing
  jar) ours=(java ${JAVA_OPTS:-} -jar "$copy/target/quarkus-app/quarkus-run.jar") ;;
  *) echo "LAUNCH=$launch: bin or jar" >&2; exit 2 ;;
esac
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
  local load
  load="$(cut -d' ' -f1-3 /proc/loadavg)"
  printf '%s\t%s\t%s\t%s\t%s\t%s\t%s\n' "$scale" "$tool" "$n" "$wall" "$rss" "$status" "$load" >> "$out/results/times.tsv"
  echo "$scale $tool run $n: ${wall} s, ${rss} KB, exit $status (load average $load)" >&2
  return "$status"
}

: > "$out/results/times.tsv"
: > "$out/results/scales.tsv"
for scale in $scales; do
  name="${scale%%=*}"
  dir="$(cluster_dir "$scale")"
  printf '%s\t%s\n' "$name" "$dir" >> "$out/results/scales.tsv"
  for n in $(seq 1 "$runs"); do
    timed netpol-guard "$name" "$n" "$out/runs/$name-netpol-guard.txt" "${ours[@]}" connectivity --cluster "$dir" || true
  done
  if [[ -n "$peer" && " $peer_scales " == *" $name "* ]]; then
    for n in $(seq 1 "$peer_runs"); do
      status=0
      timed netpol-analyzer "$name" "$n" "$out/runs/$name-netpol-analyzer-$n.txt" \
        timeout "$peer_timeout" "$peer" list --dirpath "$dir" || status=$?
      [[ "$status" == 124 ]] && break
    done
  fi
  if [[ -n "$peer" && " $compare_scales " == *" $name "* && -s "$out/runs/$name-netpol-analyzer-1.txt" ]]; then
    "${ours[@]}" connectivity --cluster "$dir" --group-by pod --output csv \
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
loads = {}
for scale, tool, n, wall, rss, status, load in rows:
    by.setdefault((scale, tool), []).append((float(wall), int(rss), int(status)))
    loads.setdefault((scale, tool), []).append(float(load.split()[0]))
print("| scale | tool | runs | wall, median (s) | all runs (s) | peak RSS, max (MiB) | exit codes | load average (1 min) at the end of each run |")
print("| --- | --- | ---: | ---: | --- | ---: | --- | --- |")
for (scale, tool), values in by.items():
    walls = [w for w, _, _ in values]
    print(f"| {scale} | {tool} | {len(values)} | {statistics.median(walls):.2f} | "
          f"{', '.join(f'{w:.2f}' for w in walls)} | {max(r for _, r, _ in values) / 1024:.0f} | "
          f"{', '.join(str(s) for _, _, s in values)} | {', '.join(f'{l:.1f}' for l in loads[(scale, tool)])} |")
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

if [[ "${PLOT:-1}" != 0 ]]; then
  py=python3
  if ! python3 -c 'import matplotlib' 2>/dev/null; then
    [[ -x "$out/venv/bin/python" ]] || { python3 -m venv "$out/venv" && "$out/venv/bin/pip" install -q matplotlib; }
    py="$out/venv/bin/python"
  fi
  "$py" "$here/plot.py" "$out" "$here/connectivity.png"
fi
