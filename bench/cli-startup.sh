#!/usr/bin/env bash
# Times the command line's start-up and the webhook's time to ready (see "CLI start-up" in bench/README.md).
# Every case runs RUNS times (default 5), interleaved with the other build when BASELINE_APP names one (a copy of
# another build's target/quarkus-app), and prints the median wall and CPU (user + sys) time.
#   bench/cli-startup.sh                                   this build
#   BASELINE_APP=/tmp/old-quarkus-app bench/cli-startup.sh this build and another one
# The webhook is started on ports 18080 and 19000 (not 8080/9000, which may be in use) and polled every 20 ms.
set -euo pipefail
cd "$(dirname "$0")/.."
runs="${RUNS:-5}"
app="target/quarkus-app"
[[ -f "$app/quarkus-run.jar" ]] || { echo "build first: ./mvnw package -DskipTests" >&2; exit 2; }
bin/netpol-guard --version >/dev/null 2>&1 # makes the class-data archive if the build is new
out="$(mktemp -d)"
trap 'rm -rf "$out"' EXIT

median() { sort -n | awk '{ v[NR] = $1 } END { print v[int((NR + 1) / 2)] }'; }

# one timed run: label, then the command; appends "wall cpu" to $out/<label>
timed() {
  local label="$1"; shift
  /usr/bin/time -f "%e %U %S" -o "$out/time" "$@" >/dev/null 2>&1 || true
  tail -1 "$out/time" | awk '{ printf "%s %.2f\n", $1, $2 + $3 }' >>"$out/$label"
}

ready() {
  local label="$1" jar="$2" start pid
  start=$(date +%s.%N)
  java -Dquarkus.http.port=18080 -Dquarkus.management.port=19000 -jar "$jar" >"$out/server.log" 2>&1 &
  pid=$!
  until curl -sf -o /dev/null http://localhost:19000/q/health/ready; do
    kill -0 "$pid" 2>/dev/null || { cat "$out/server.log" >&2; exit 1; }
    sleep 0.02
  done
  printf "%.2f -\n" "$(echo "$(date +%s.%N) - $start" | bc)" >>"$out/$label"
  kill "$pid"; wait "$pid" 2>/dev/null || true
}

builds=("this:$app")
[[ -n "${BASELINE_APP:-}" ]] && builds+=("baseline:$BASELINE_APP")
check=(check --cluster k8s/examples/cluster)
for _ in $(seq "$runs"); do
  for build in "${builds[@]}"; do
    name="${build%%:*}" dir="${build#*:}"
    timed "$name: java -jar check" java -jar "$dir/quarkus-run.jar" "${check[@]}"
    timed "$name: java -jar --help" java -jar "$dir/quarkus-run.jar" --help
    ready "$name: webhook to ready" "$dir/quarkus-run.jar"
  done
  timed "this: bin script check" bin/netpol-guard "${check[@]}"
  timed "this: bin script --help" bin/netpol-guard --help
done
printf '%-36s %9s %9s\n' "case (median of $runs)" "wall s" "cpu s"
for file in "$out"/*; do
  label="$(basename "$file")"
  [[ "$label" == time || "$label" == server.log ]] && continue
  printf '%-36s %9s %9s\n' "$label" "$(cut -d' ' -f1 "$file" | median)" "$(cut -d' ' -f2 "$file" | median)"
done
echo "load average $(cut -d' ' -f1-3 /proc/loadavg), $(nproc) cores, $(java -version 2>&1 | head -1)"
