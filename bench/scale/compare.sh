#!/usr/bin/env bash
# Compares the answers of two builds of the guard on the generated requests: every request body of a
# scale is sent to both (plain HTTP), three rounds in the same order (the later rounds hit the caches
# the earlier ones filled), and the AdmissionReview responses must be the same: byte-identical, or equal
# once JSON objects (the response's, and the suggested policies inside the denial message) are compared
# without regard to key order, which follows the JVM's randomised iteration order of immutable maps.
#
#   bench/scale/compare.sh APP_DIR_A APP_DIR_B [SCALE...]     (APP_DIR = a copy of target/quarkus-app)
set -euo pipefail
HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
OUT="$HERE/out"
A="$1" B="$2"
shift 2
SCALES=("${@:-small medium large}")
free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1]); s.close()'; }
PIDS=()
trap 'for p in "${PIDS[@]}"; do kill "$p" 2>/dev/null || true; done' EXIT

start() { # APP SCALE LOG: sets PORT
  local port management
  port="$(free_port)"
  management="$(free_port)"
  java -Xmx576m -Dquarkus.http.port="$port" -Dquarkus.http.ssl-port="$(free_port)" \
    -Dquarkus.management.port="$management" \
    -Dnetpol-guard.server.source=manifests -Dnetpol-guard.server.manifests="$OUT/$2/cluster" \
    -Dnetpol-guard.resolver.dns=false '-Dnetpol-guard.hosts."abc12345.live.dynatrace.com"=203.0.113.10' \
    -jar "$1/quarkus-run.jar" >"$3" 2>&1 &
  PIDS+=($!)
  # health is on the management port
  until curl -fsS "http://127.0.0.1:$management/q/health/ready" >/dev/null 2>&1; do sleep 0.2; done
  PORT="$port"
}

failed=0
for scale in ${SCALES[*]}; do
  start "$A" "$scale" "$OUT/runs/compare-a-$scale.log"
  pa="$PORT"
  start "$B" "$scale" "$OUT/runs/compare-b-$scale.log"
  pb="$PORT"
  n=0
  for round in 1 2 3; do
    for f in "$OUT/$scale/requests"/*.json; do
      ra="$(curl -fsS -X POST -H 'Content-Type: application/json' --data-binary @"$f" "http://127.0.0.1:$pa/validate")"
      rb="$(curl -fsS -X POST -H 'Content-Type: application/json' --data-binary @"$f" "http://127.0.0.1:$pb/validate")"
      n=$((n + 1))
      if [[ "$ra" != "$rb" ]] && ! python3 "$HERE/compare.py" "$ra" "$rb"; then
        echo "DIFFERENT ($scale, round $round): $(basename "$f")"
        failed=1
      fi
    done
  done
  echo "$scale: $n responses compared"
  for p in "${PIDS[@]}"; do kill "$p" 2>/dev/null || true; done
  for p in "${PIDS[@]}"; do wait "$p" 2>/dev/null || true; done
  PIDS=()
done
[[ $failed == 0 ]] && echo "identical" || { echo "responses differ"; exit 1; }
