#!/usr/bin/env bash
# netpol-guard scale benchmark. One command per benchmark:
#
#   bench/scale/run.sh generate            synthetic clusters + AdmissionReviews (generate.py) into out/
#   bench/scale/run.sh app                 build (./mvnw package) and copy target/quarkus-app to out/app
#   bench/scale/run.sh manifests [SCALE..] guard fed from manifests: ready time, heap, decisions under load
#   bench/scale/run.sh informers [SCALE..] guard fed by informers from a real kube-apiserver + etcd
#                                          (default scale: large): load time, sync time, heap, decisions
#   bench/scale/run.sh churn [SCALE]        informers as above (default large), then pod churn through the API
#                                          (PodChurn.java, CHURN_RATE pod changes/s): guard CPU, snapshot
#                                          rebuilds, decision p50/p99, quiet vs under churn
#   bench/scale/run.sh soak [SCALE]        guard fed from manifests (default large), SOAK_RATE decisions/s paced over
#                                          CONNECTIONS for SOAK_SECONDS: errors, rate reached, latency per minute,
#                                          heap after full GC before and after, old generation and RSS every 30 s
#   bench/scale/run.sh restart             SIGTERM to a guard (k8s/examples, SHUTDOWN_DELAY=5s) while the load
#                                          driver runs: requests answered, refused or broken during shutdown
#   bench/scale/run.sh check [SCALE..]     `netpol-guard check --cluster <dir> --no-dns` wall time and max RSS
#   bench/scale/run.sh decisions [SCALE..] every request decided in-process (DecisionRun.java, no HTTP): CPU time
#                                          and bytes allocated per decision, per request; plot bench/scale/decisions.png
#   bench/scale/run.sh default             the embedded default (k8s/examples, no arguments), >= 10,000 decisions
#   bench/scale/run.sh report              results table (out/results.md) and plot (bench/scale/scale.png)
#   bench/scale/run.sh all                 everything above, in that order
#
# Environment (defaults): SCALES="small medium large", CONNECTIONS=8 (throughput runs; latency runs use 1),
# WARMUP=30 (s: the guard's warm-up before the measured runs), PHASE_WARMUP=5 (s each measured run sends first,
# unmeasured, also in the guard's log: every run is a new load-driver JVM, whose own start and JIT would otherwise
# be in its first seconds), DURATION=30 (s per measured run),
# GUARD_JAVA_OPTS="-Xmx460m -XX:+UseSerialGC" (as deployed: the heap k8s/base gives, 60 % of its 768Mi limit, and
# the collector its GC_CONTAINER_OPTIONS name), CHECK_RUNS=3,
# DEFAULT_COUNT=20000, INFLIGHT=64 (API load concurrency), KEEP_ETCD=1 (keep the loaded etcd data in
# out/etcd-<scale>/ so the next `informers` run skips the load; 0 deletes it), SKIP_BUILD=1 (`app`: only copy),
# BIN_DIR (kube-apiserver, etcd, kubectl; default ~/.kubeapitest/k8s/1.37.2-linux-amd64), CHURN_RATE=100
# (pod changes per second: each replacement is a delete, a create and a status write), SOAK_RATE=2000,
# SOAK_SECONDS=600, SOAK_FILTER='^(?!dynakube|namespace|edgeconnect)' (the request files sent: NetworkPolicy changes),
# LOAD_CLIENT=socket (LoadDriver --client: socket is a blocking TLS socket per connection, read and written by its
# own thread, as a Go client such as the API server does; jdk is java.net.http.HttpClient, whose own thread hops add
# ~2 ms to a client-side p99 on two cores).
# Results: out/results/*.json and *.txt; logs of every run under out/runs/.
set -euo pipefail

HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
ROOT="$(cd "$HERE/../.." && pwd)"
OUT="$HERE/out"
APP="${APP:-$OUT/app}"
RESULTS="${RESULTS:-$OUT/results}"
SCALES="${SCALES:-small medium large}"
CONNECTIONS="${CONNECTIONS:-8}"
DECISION_ROUNDS="${DECISION_ROUNDS:-50}"
DECISION_JAVA_OPTS="${DECISION_JAVA_OPTS:--Xmx2g}"
WARMUP="${WARMUP:-30}"
PHASE_WARMUP="${PHASE_WARMUP:-5}"
DURATION="${DURATION:-30}"
LOAD_CLIENT="${LOAD_CLIENT:-socket}"
GUARD_JAVA_OPTS="${GUARD_JAVA_OPTS:--Xmx460m -XX:+UseSerialGC}"
CHECK_RUNS="${CHECK_RUNS:-3}"
DEFAULT_COUNT="${DEFAULT_COUNT:-20000}"
INFLIGHT="${INFLIGHT:-64}"
KEEP_ETCD="${KEEP_ETCD:-1}"
CHURN_RATE="${CHURN_RATE:-100}"
SOAK_RATE="${SOAK_RATE:-2000}"
SOAK_SECONDS="${SOAK_SECONDS:-600}"
SOAK_FILTER="${SOAK_FILTER:-^(?!dynakube|namespace|edgeconnect)}"
BIN_DIR="${BIN_DIR:-${KUBE_API_TEST_DIR:-$HOME/.kubeapitest}/k8s/1.37.2-linux-amd64}"
TENANT_HOST="abc12345.live.dynatrace.com"
TENANT_IP="203.0.113.10"
mkdir -p "$OUT" "$RESULTS" "$OUT/runs"

log() { printf '[scale %s] %s\n' "$(date +%H:%M:%S)" "$*" >&2; }
load() { cut -d' ' -f1-3 /proc/loadavg; }
free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1]); s.close()'; }
now_ms() { date +%s%3N; }

PIDS=()
stop_pid() { # pid: SIGTERM, up to 15 s, then SIGKILL
  local pid="$1" i
  [[ -n "$pid" ]] && kill -0 "$pid" 2>/dev/null || return 0
  kill -TERM "$pid" 2>/dev/null || true
  for ((i = 0; i < 150; i++)); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
  kill -0 "$pid" 2>/dev/null && kill -KILL "$pid" 2>/dev/null || true
  wait "$pid" 2>/dev/null || true
}
cleanup() { local p; for p in "${PIDS[@]}"; do stop_pid "$p"; done; }
trap cleanup EXIT
trap 'exit 130' INT TERM

machine() {
  {
    echo "date: $(date -u +%FT%TZ)"
    echo "commit: $(git -C "$ROOT" rev-parse --short HEAD)"
    echo "cpus: $(nproc) x $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | xargs)"
    echo "memory: $(awk '/MemTotal/ {printf "%.1f GiB", $2/1048576}' /proc/meminfo)"
    echo "jdk: $(java -version 2>&1 | sed -n 2p)"
  } >"$RESULTS/machine.txt"
}

ensure_app() {
  [[ -f "$APP/quarkus-run.jar" ]] && return 0
  cmd_app
}

cmd_app() {
  if [[ "${SKIP_BUILD:-0}" != 1 ]]; then
    log "building (./mvnw -B -q -Dmaven.test.skip=true package)"
    (cd "$ROOT" && ./mvnw -B -q -Dmaven.test.skip=true package)
  fi
  rm -rf "$APP.tmp" && cp -r "$ROOT/target/quarkus-app" "$APP.tmp" && rm -rf "$APP" && mv "$APP.tmp" "$APP"
  git -C "$ROOT" rev-parse --short HEAD >"$APP/COMMIT"
  log "guard copied to $APP (commit $(cat "$APP/COMMIT"))"
}

ensure_tls() {
  [[ -f "$OUT/tls/tls.crt" ]] && return 0
  "$ROOT/certs/create-certs.sh" --out "$OUT/tls" --no-overlay --ip 127.0.0.1 --dns localhost >/dev/null
}

cmd_generate() {
  log "generating $SCALES"
  local specs
  specs="$(tr ' ' ',' <<<"$SCALES")"
  python3 "$HERE/generate.py" --out "$OUT" --scales "$specs"
}

ensure_generated() {
  local s
  for s in "$@"; do [[ -f "$OUT/$s/generated.json" ]] || SCALES="$s" cmd_generate; done
}

# start_guard RUN_DIR [ENV=VALUE...]: starts the guard with TLS on free ports; sets GUARD_PID, HTTP_PORT,
# HTTPS_PORT, MANAGEMENT_PORT (health and metrics, plain HTTP), GUARD_START_MS.
start_guard() {
  local run="$1"
  shift
  HTTP_PORT="$(free_port)"
  HTTPS_PORT="$(free_port)"
  MANAGEMENT_PORT="$(free_port)"
  ensure_tls
  GUARD_START_MS="$(now_ms)"
  # The certificate as system properties (the environment variables would need double underscores:
  # QUARKUS_TLS_KEY_STORE_PEM__0__CERT; with single ones there is silently no HTTPS port).
  (cd "$ROOT" && exec env QUARKUS_HTTP_PORT="$HTTP_PORT" QUARKUS_HTTP_SSL_PORT="$HTTPS_PORT" \
    QUARKUS_MANAGEMENT_PORT="$MANAGEMENT_PORT" NETPOL_GUARD_RESOLVER_DNS=false "$@" \
    java $GUARD_JAVA_OPTS "-Dquarkus.tls.key-store.pem.0.cert=$OUT/tls/tls.crt" \
    "-Dquarkus.tls.key-store.pem.0.key=$OUT/tls/tls.key" \
    "-Dnetpol-guard.hosts.\"$TENANT_HOST\"=$TENANT_IP" -jar "$APP/quarkus-run.jar") \
    >"$run/guard.log" 2>&1 &
  GUARD_PID=$!
  PIDS+=("$GUARD_PID")
}

# wait_ready TIMEOUT_S: polls /q/health/ready every 100 ms; prints the ms from start to UP.
wait_ready() {
  local deadline=$(($(date +%s) + $1))
  until curl -fsS --max-time 2 "http://127.0.0.1:$MANAGEMENT_PORT/q/health/ready" 2>/dev/null | grep -q '"UP"'; do
    kill -0 "$GUARD_PID" 2>/dev/null || { log "guard exited; see its log"; return 1; }
    (($(date +%s) < deadline)) || { log "guard not ready after $1 s"; return 1; }
    sleep 0.1
  done
  echo $(($(now_ms) - GUARD_START_MS))
}

# heap_after_gc PID: full GC, then the used heap in MiB (G1: "garbage-first heap total N K, used M K").
heap_after_gc() {
  jcmd "$1" GC.run >/dev/null
  sleep 1
  # G1: one "garbage-first heap total N K, used M K" line; the serial and parallel collectors: one line per generation
  jcmd "$1" GC.heap_info | awk '/total/ && /used/ && !/Metaspace|class space/ {for (i = 1; i <= NF; i++) if ($i == "used") {v = $(i+1); sub(/K,?/, "", v); sum += v}} END {printf "%.1f", sum / 1024}'
}

rss_mib() { awk '/VmRSS/ {printf "%.0f", $2/1024}' "/proc/$1/status"; }

cpu_ms() { awk -v t="$(getconf CLK_TCK)" '{printf "%.0f", ($14+$15)*1000/t}' "/proc/$1/stat"; }

drive() { # drive CONNECTIONS LABEL REQUEST_DIR JSON [extra LoadDriver options]
  local connections="$1" label="$2" dir="$3" json="$4"
  shift 4
  java "$HERE/LoadDriver.java" --url "https://127.0.0.1:$HTTPS_PORT/validate" \
    --requests "$dir" --connections "$connections" --duration "$DURATION" --label "$label" --json "$json" \
    --client "$LOAD_CLIENT" "$@"
}

# measured NAME CONNECTIONS REQUEST_DIR [LoadDriver options]: one measured run (the guard is warm; the driver, a new
# JVM, sends PHASE_WARMUP seconds unmeasured first), plus the guard's CPU time per request (/proc/PID/stat, all its
# threads: GC and JIT included, over the whole run) and the decision latencies it logged itself (parse + judge,
# without HTTP and TLS) while the driver measured, into $RESULTS/NAME.json
measured() {
  local name="$1" connections="$2" dir="$3" c0 c1 l0
  shift 3
  c0="$(cpu_ms "$GUARD_PID")"
  l0="$(wc -l <"$RUN/guard.log")"
  echo "--- $name (load average $(load))"
  drive "$connections" "$name" "$dir" "$RESULTS/$name.json" --warmup "$PHASE_WARMUP" "$@"
  c1="$(cpu_ms "$GUARD_PID")"
  python3 "$HERE/report.py" merge-guard "$RESULTS/$name.json" "$RUN/guard.log" "$l0" "$((c1 - c0))" "$(load)"
}

# measure_decisions SOURCE SCALE: warm-up, then latency (1 connection, every request; then only the
# requests in namespaces of fixed size), then throughput ($CONNECTIONS connections: NetworkPolicy
# requests, then every request)
measure_decisions() {
  local source="$1" scale="$2" requests="$OUT/$2/requests"
  {
    echo "--- warm-up ${WARMUP}s, $CONNECTIONS connections (load average $(load))"
    drive "$CONNECTIONS" warm-up "$requests" /dev/null --warmup "$WARMUP" --duration 1 | head -2
    measured "$source-$scale-c1" 1 "$requests" --subset '^(?!dynakube)'
    # only the namespaces whose size does not grow with the cluster: their cost must not either
    measured "$source-$scale-c1-own" 1 "$requests" --filter '^(bench-20|bench-200|cold)--' --duration 15
    measured "$source-$scale-c$CONNECTIONS-np" "$CONNECTIONS" "$requests" --filter '^(?!dynakube)'
    measured "$source-$scale-c$CONNECTIONS-all" "$CONNECTIONS" "$requests"
  } | tee "$RESULTS/$source-$scale-decisions.txt"
  curl -fsS "http://127.0.0.1:$MANAGEMENT_PORT/q/metrics" >"$RUN/metrics.txt" 2>/dev/null || true
}

cmd_manifests() {
  ensure_app
  local scale run ready heap rss
  for scale in "$@"; do
    ensure_generated "$scale"
    run="$OUT/runs/manifests-$scale-$(date +%H%M%S)"
    RUN="$run"
    mkdir -p "$run"
    log "manifests/$scale: starting the guard ($GUARD_JAVA_OPTS); load average $(load)"
    start_guard "$run" NETPOL_GUARD_SERVER_SOURCE=manifests NETPOL_GUARD_SERVER_MANIFESTS="$OUT/$scale/cluster"
    ready="$(wait_ready 600)"
    heap="$(heap_after_gc "$GUARD_PID")"
    rss="$(rss_mib "$GUARD_PID")"
    log "manifests/$scale: ready in $ready ms, heap after GC $heap MiB, RSS $rss MiB"
    measure_decisions manifests "$scale"
    local heap2
    heap2="$(heap_after_gc "$GUARD_PID")"
    printf '{"source":"manifests","scale":"%s","readyMs":%s,"heapAfterGcMiB":%s,"heapAfterLoadMiB":%s,"rssMiB":%s,"javaOpts":"%s","load":"%s"}\n' \
      "$scale" "$ready" "$heap" "$heap2" "$rss" "$GUARD_JAVA_OPTS" "$(load)" >"$RESULTS/manifests-$scale.json"
    stop_pid "$GUARD_PID"
  done
}

# soak SCALE: a long paced run against one guard; the heap after a full GC at its start and its end, the old
# generation (jstat OU) and RSS every 30 s in between, and the decisions per 100 ms (timeline) show whether
# anything grows.
cmd_soak() {
  local scale="${1:-large}" run heap0 heap1 sampler
  ensure_app
  ensure_generated "$scale"
  run="$OUT/runs/soak-$scale-$(date +%H%M%S)"
  RUN="$run"
  mkdir -p "$run"
  log "soak/$scale: starting the guard ($GUARD_JAVA_OPTS); load average $(load)"
  start_guard "$run" NETPOL_GUARD_SERVER_SOURCE=manifests NETPOL_GUARD_SERVER_MANIFESTS="$OUT/$scale/cluster"
  wait_ready 600 >/dev/null
  drive "$CONNECTIONS" soak-warm-up "$OUT/$scale/requests" /dev/null --filter "$SOAK_FILTER" --warmup 30 --duration 1 \
    >/dev/null
  heap0="$(heap_after_gc "$GUARD_PID")"
  log "soak/$scale: heap after full GC $heap0 MiB; $SOAK_RATE decisions/s for $SOAK_SECONDS s (load average $(load))"
  (
    while kill -0 "$GUARD_PID" 2>/dev/null; do
      printf '%s %s %s %s %s\n' "$(date +%s)" "$(jstat -gc "$GUARD_PID" | awk 'NR == 2 {printf "%.1f", $8 / 1024}')" \
        "$(rss_mib "$GUARD_PID")" "$(cpu_ms "$GUARD_PID")" "$(load)"
      sleep 30
    done
  ) >"$run/samples.txt" 2>/dev/null &
  sampler=$!
  local c0 c1
  c0="$(cpu_ms "$GUARD_PID")"
  drive "$CONNECTIONS" "soak-$scale" "$OUT/$scale/requests" "$RESULTS/soak-$scale.json" --filter "$SOAK_FILTER" \
    --warmup 0 --duration "$SOAK_SECONDS" --rate "$SOAK_RATE" --timeline "$run/timeline.txt" | head -3
  c1="$(cpu_ms "$GUARD_PID")"
  kill "$sampler" 2>/dev/null || true
  heap1="$(heap_after_gc "$GUARD_PID")"
  log "soak/$scale: heap after full GC $heap0 -> $heap1 MiB; samples (epoch, old gen MiB, RSS MiB, guard CPU ms, load) in $run/samples.txt"
  python3 "$HERE/report.py" soak "$RESULTS/soak-$scale.json" "$run/samples.txt" "$run/timeline.txt" "$heap0" "$heap1" \
    "$((c1 - c0))" | tee "$RESULTS/soak-$scale.txt"
  stop_pid "$GUARD_PID"
}

# --- kube-apiserver + etcd (flags of e2e/smoke.sh) -------------------------------------------
start_control_plane() { # DATA_DIR RUN_DIR: sets API_URL, TOKEN, ETCD_PID, APISERVER_PID
  local data="$1" run="$2" pki="$1/pki" etcd_port etcd_peer api_port
  for b in etcd kube-apiserver kubectl; do [[ -x "$BIN_DIR/$b" ]] || { log "missing $BIN_DIR/$b (e2e/build-binaries.sh)"; exit 1; }; done
  if [[ ! -f "$pki/tokens.csv" ]]; then
    mkdir -p "$pki"
    openssl req -x509 -newkey rsa:2048 -nodes -days 30 -keyout "$pki/serving.key" -out "$pki/serving.crt" \
      -subj "/CN=127.0.0.1" -addext "subjectAltName=IP:127.0.0.1,DNS:localhost" 2>/dev/null
    openssl genrsa -out "$pki/sa.key" 2048 2>/dev/null
    openssl rsa -in "$pki/sa.key" -pubout -out "$pki/sa.pub" 2>/dev/null
    echo "$(openssl rand -hex 24),bench-admin,bench-admin-uid,\"system:masters\"" >"$pki/tokens.csv"
  fi
  TOKEN="$(cut -d, -f1 "$pki/tokens.csv")"
  etcd_port="$(free_port)"; etcd_peer="$(free_port)"; api_port="$(free_port)"
  "$BIN_DIR/etcd" --name bench --data-dir "$data/etcd" \
    --listen-client-urls "http://127.0.0.1:$etcd_port" --advertise-client-urls "http://127.0.0.1:$etcd_port" \
    --listen-peer-urls "http://127.0.0.1:$etcd_peer" --initial-advertise-peer-urls "http://127.0.0.1:$etcd_peer" \
    --initial-cluster "bench=http://127.0.0.1:$etcd_peer" --unsafe-no-fsync --quota-backend-bytes 8589934592 \
    >"$run/etcd.log" 2>&1 &
  ETCD_PID=$!
  PIDS+=("$ETCD_PID")
  local deadline=$(($(date +%s) + 120))
  until curl -fsS --max-time 2 "http://127.0.0.1:$etcd_port/health" >/dev/null 2>&1; do
    (($(date +%s) < deadline)) || { log "etcd not ready"; tail "$run/etcd.log"; exit 1; }; sleep 0.5
  done
  "$BIN_DIR/kube-apiserver" --etcd-servers "http://127.0.0.1:$etcd_port" \
    --bind-address 127.0.0.1 --advertise-address 127.0.0.1 --secure-port "$api_port" \
    --tls-cert-file "$pki/serving.crt" --tls-private-key-file "$pki/serving.key" --cert-dir "$data/apiserver-certs" \
    --token-auth-file "$pki/tokens.csv" --authorization-mode RBAC \
    --service-account-issuer "https://127.0.0.1:$api_port" --service-account-key-file "$pki/sa.pub" \
    --service-account-signing-key-file "$pki/sa.key" --service-cluster-ip-range 10.96.0.0/16 \
    --endpoint-reconciler-type none --allow-privileged \
    >"$run/kube-apiserver.log" 2>&1 &
  APISERVER_PID=$!
  PIDS+=("$APISERVER_PID")
  API_URL="https://127.0.0.1:$api_port"
  deadline=$(($(date +%s) + 300))
  until curl -fsS --max-time 2 -k -H "Authorization: Bearer $TOKEN" "$API_URL/readyz" >/dev/null 2>&1; do
    kill -0 "$APISERVER_PID" 2>/dev/null || { log "kube-apiserver exited"; tail "$run/kube-apiserver.log"; exit 1; }
    (($(date +%s) < deadline)) || { log "kube-apiserver not ready"; exit 1; }; sleep 0.5
  done
  cat >"$run/kubeconfig" <<EOF
apiVersion: v1
kind: Config
clusters: [{name: bench, cluster: {server: "$API_URL", insecure-skip-tls-verify: true}}]
users: [{name: bench-admin, user: {token: "$TOKEN"}}]
contexts: [{name: bench, context: {cluster: bench, user: bench-admin}}]
current-context: bench
EOF
  KUBECTL=("$BIN_DIR/kubectl" --kubeconfig "$run/kubeconfig" --request-timeout 60s)
}

load_cluster() { # SCALE DATA_DIR RUN_DIR
  local scale="$1" data="$2" run="$3" t0 t1
  local deadline=$(($(date +%s) + 60))
  until "${KUBECTL[@]}" get ns default >/dev/null 2>&1; do (($(date +%s) < deadline)) || exit 1; sleep 0.5; done
  "${KUBECTL[@]}" apply --server-side -f "$ROOT/src/test/resources/e2e/crds/" >/dev/null
  "${KUBECTL[@]}" wait --for condition=established --timeout=60s crd/dynakubes.dynatrace.com >/dev/null
  log "informers/$scale: loading $(wc -l <"$OUT/$scale/api/03-pods.ndjson") pods etc. into the API server (load average $(load))"
  t0="$(now_ms)"
  java "$HERE/ApiLoad.java" --server "$API_URL" --token "$TOKEN" --inflight "$INFLIGHT" "$OUT/$scale"/api/*.ndjson \
    | tee "$RESULTS/informers-$scale-load.txt"
  t1="$(now_ms)"
  echo "load wall time: $(((t1 - t0) / 1000)) s; load average after: $(load)" | tee -a "$RESULTS/informers-$scale-load.txt"
  touch "$data/LOADED"
}

cmd_informers() {
  ensure_app
  local scale run data ready heap rss opts
  for scale in "$@"; do
    ensure_generated "$scale"
    run="$OUT/runs/informers-$scale-$(date +%H%M%S)"
    RUN="$run"
    data="$OUT/etcd-$scale"
    mkdir -p "$run"
    if [[ ! -f "$data/LOADED" ]]; then rm -rf "$data"; fi
    mkdir -p "$data"
    log "informers/$scale: starting etcd + kube-apiserver"
    start_control_plane "$data" "$run"
    if [[ ! -f "$data/LOADED" ]]; then load_cluster "$scale" "$data" "$run"; fi
    "${KUBECTL[@]}" get --raw /metrics 2>/dev/null \
      | grep -E '^apiserver_(storage|resource)_objects\{.*resource="(pods|networkpolicies|namespaces)"' >"$run/objects.txt" || true
    du -sm "$data/etcd" | cut -f1 >"$run/etcd-mib.txt"
    log "informers/$scale: $(tr '\n' ' ' <"$run/objects.txt") etcd $(cat "$run/etcd-mib.txt") MiB"
    # Sync: two guard starts (the first also warms the API server's caches and the OS page cache);
    # the second is measured under load.
    local i
    for i in 1 2; do
      log "informers/$scale: guard start $i ($GUARD_JAVA_OPTS); load average $(load)"
      local loadavg
      loadavg="$(load)"
      start_guard "$run" NETPOL_GUARD_SERVER_SOURCE=cluster KUBECONFIG="$run/kubeconfig"
      ready="$(wait_ready 900)"
      heap="$(heap_after_gc "$GUARD_PID")"
      rss="$(rss_mib "$GUARD_PID")"
      log "informers/$scale: ready (all informers listed, snapshot built) in $ready ms; heap after GC $heap MiB; RSS $rss MiB"
      cp "$run/guard.log" "$run/guard-$i.log"
      if [[ $i == 2 ]]; then
        curl -fsS "http://127.0.0.1:$HTTP_PORT/flows" >"$run/flows.json" 2>/dev/null || true
        measure_decisions informers "$scale"
        local heap2
        heap2="$(heap_after_gc "$GUARD_PID")"
        printf '{"source":"informers","scale":"%s","pods":%s,"readyMs":%s,"readyMsFirstStart":%s,"heapAfterGcMiB":%s,"heapAfterLoadMiB":%s,"rssMiB":%s,"etcdMiB":%s,"javaOpts":"%s","loadBeforeStart":"%s"}\n' \
          "$scale" "$(python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["pods"])' "$OUT/$scale/generated.json")" "$ready" "$first_ready" "$heap" "$heap2" "$rss" \
          "$(cat "$run/etcd-mib.txt")" "$GUARD_JAVA_OPTS" "$loadavg" >"$RESULTS/informers-$scale.json"
      else
        first_ready="$ready"
      fi
      stop_pid "$GUARD_PID"
    done
    stop_pid "$APISERVER_PID"
    stop_pid "$ETCD_PID"
    [[ "$KEEP_ETCD" == 1 ]] || rm -rf "$data"
  done
}

# churn_phase NAME SECONDS [LoadDriver options]: the guard's CPU and snapshot rebuilds over SECONDS, with a
# measured decision run (1 connection) when LoadDriver options are given, else idle; one JSON line into
# $RESULTS/churn-NAME.json
churn_phase() {
  local name="$1" seconds="$2" c0 c1 l0 t0 t1
  shift 2
  curl -fsS "http://127.0.0.1:$MANAGEMENT_PORT/q/metrics" >"$RUN/metrics-$name-0.txt"
  c0="$(cpu_ms "$GUARD_PID")"; t0="$(now_ms)"; l0="$(wc -l <"$RUN/guard.log")"
  if [[ $# -gt 0 ]]; then
    drive 1 "churn-$name" "$OUT/$SCALE/requests" "$RESULTS/churn-$name-decisions.json" --warmup "$PHASE_WARMUP" \
      --duration "$seconds" "$@" \
      >"$RUN/driver-$name.txt"
  else
    sleep "$seconds"
  fi
  c1="$(cpu_ms "$GUARD_PID")"; t1="$(now_ms)"
  curl -fsS "http://127.0.0.1:$MANAGEMENT_PORT/q/metrics" >"$RUN/metrics-$name-1.txt"
  local extra=()
  if [[ $# -gt 0 ]]; then
    python3 "$HERE/report.py" merge-guard "$RESULTS/churn-$name-decisions.json" "$RUN/guard.log" "$l0" "$((c1 - c0))" "$(load)" >/dev/null
    extra=("$RESULTS/churn-$name-decisions.json")
  fi
  python3 "$HERE/churn.py" "$name" "$RUN/metrics-$name-0.txt" "$RUN/metrics-$name-1.txt" "$((c1 - c0))" \
    "$(python3 -c "print(($t1 - $t0) / 1000)")" "$(load)" "${extra[@]}" | tee "$RESULTS/churn-$name.json"
}

# churn SCALE: the informers set-up, then four phases of DURATION: idle and deciding, quiet and under churn
cmd_churn() {
  ensure_app
  SCALE="${1:-large}"
  local run data ready churn_pid
  ensure_generated "$SCALE"
  run="$OUT/runs/churn-$SCALE-$(date +%H%M%S)"
  RUN="$run"
  data="$OUT/etcd-$SCALE"
  mkdir -p "$run"
  # churn changes the pods: each run starts from a copy of the freshly loaded etcd (kept in etcd-SCALE.loaded)
  rm -rf "$data"
  if [[ -f "$data.loaded/LOADED" ]]; then cp -a "$data.loaded" "$data"; fi
  mkdir -p "$data"
  log "churn/$SCALE: starting etcd + kube-apiserver"
  start_control_plane "$data" "$run"
  if [[ ! -f "$data/LOADED" ]]; then
    load_cluster "$SCALE" "$data" "$run"
    stop_pid "$APISERVER_PID"
    stop_pid "$ETCD_PID"
    rm -rf "$data.loaded" && cp -a "$data" "$data.loaded"
    start_control_plane "$data" "$run"
  fi
  log "churn/$SCALE: starting the guard ($GUARD_JAVA_OPTS); load average $(load)"
  start_guard "$run" NETPOL_GUARD_SERVER_SOURCE=cluster KUBECONFIG="$run/kubeconfig"
  ready="$(wait_ready 900)"
  log "churn/$SCALE: ready in $ready ms; warm-up ${WARMUP}s; load average $(load)"
  drive "$CONNECTIONS" warm-up "$OUT/$SCALE/requests" /dev/null --warmup "$WARMUP" --duration 1 >/dev/null
  {
    echo "--- quiet (load average $(load))"
    churn_phase quiet-idle "$DURATION"
    churn_phase quiet-decisions "$DURATION" --filter '^(?!dynakube)'
    churn_phase quiet-own "$DURATION" --filter '^(bench-20|bench-200|cold)--'
    echo "--- churn: $CHURN_RATE pod changes/s through the API (load average $(load))"
    java "$HERE/PodChurn.java" --server "$API_URL" --token "$TOKEN" --api "$OUT/$SCALE/api" --rate "$CHURN_RATE" \
      --duration 3600 >"$RESULTS/churn-driver.json" 2>"$run/churn-driver.err" &
    churn_pid=$!
    PIDS+=("$churn_pid")
    sleep 15 # the driver's JVM start and its first replacements
    churn_phase churn-idle "$DURATION"
    churn_phase churn-decisions "$DURATION" --filter '^(?!dynakube)'
    churn_phase churn-own "$DURATION" --filter '^(bench-20|bench-200|cold)--'
    stop_pid "$churn_pid"
    echo "--- churn driver: $(cat "$RESULTS/churn-driver.json")"
    echo "--- after churn: $("${KUBECTL[@]}" get --raw /metrics 2>/dev/null | grep -E '^apiserver_(storage|resource)_objects\{.*resource="pods"' || true)"
  } | tee "$RESULTS/churn-$SCALE.txt"
  stop_pid "$GUARD_PID"
  stop_pid "$APISERVER_PID"
  stop_pid "$ETCD_PID"
  rm -rf "$data"
  [[ "$KEEP_ETCD" == 1 ]] || rm -rf "$data.loaded"
}

# restart: one guard answering 4 connections; SIGTERM after 8 s; what the load driver saw from then on, per
# 100 ms (its --timeline), and when readiness went DOWN and the process exited. No kubelet or kube-proxy here: the
# endpoint removal that makes the shutdown delay useful in a cluster cannot be shown (see README).
cmd_restart() {
  ensure_app
  local run="$OUT/runs/restart-$(date +%H%M%S)" delay="${SHUTDOWN_DELAY:-5s}" term_ms down_ms="" exit_ms driver_pid
  RUN="$run"
  mkdir -p "$run"
  start_guard "$run" NETPOL_GUARD_SERVER_SOURCE=manifests NETPOL_GUARD_SERVER_MANIFESTS="$ROOT/k8s/examples" \
    QUARKUS_SHUTDOWN_DELAY="$delay"
  wait_ready 120 >/dev/null
  log "restart: guard ready; warm-up ${WARMUP}s; load average $(load)"
  drive 4 warm-up "$ROOT/k8s/examples/requests" /dev/null --warmup "$WARMUP" --duration 1 >/dev/null
  java "$HERE/LoadDriver.java" --url "https://127.0.0.1:$HTTPS_PORT/validate" --requests "$ROOT/k8s/examples/requests" \
    --connections 4 --warmup 0 --duration 20 --label restart --json "$RESULTS/restart-driver.json" \
    --timeline "$run/timeline.txt" >"$run/driver.txt" 2>&1 &
  driver_pid=$!
  PIDS+=("$driver_pid")
  sleep 8
  term_ms="$(now_ms)"
  kill -TERM "$GUARD_PID"
  while kill -0 "$GUARD_PID" 2>/dev/null; do
    if [[ -z "$down_ms" ]] && ! curl -fsS --max-time 1 "http://127.0.0.1:$MANAGEMENT_PORT/q/health/ready" >/dev/null 2>&1; then
      down_ms="$(now_ms)"
    fi
    sleep 0.05
  done
  exit_ms="$(now_ms)"
  wait "$driver_pid" || true
  python3 - "$run/timeline.txt" "$term_ms" "${down_ms:-0}" "$exit_ms" "$delay" "$(load)" <<'PY' | tee "$RESULTS/restart.json"
import json, sys
path, term, down, exit_, delay, load = sys.argv[1], int(sys.argv[2]), int(sys.argv[3]), int(sys.argv[4]), sys.argv[5], sys.argv[6]
rows = [list(map(int, line.split())) for line in open(path).read().splitlines()[1:]]
failing = [ms for ms, ok, other, refused, broken in rows if ms + 100 > term and other + refused + broken > 0]
first_failure = failing[0] if failing else exit_
phases = {"beforeSigterm": [0, 0, 0, 0], "sigtermToFirstFailure": [0, 0, 0, 0], "firstFailureToExit": [0, 0, 0, 0],
          "afterExit": [0, 0, 0, 0]}
for ms, *counts in rows:
    name = ("beforeSigterm" if ms + 100 <= term else "sigtermToFirstFailure" if ms < first_failure
            else "firstFailureToExit" if ms < exit_ else "afterExit")
    for i, c in enumerate(counts):
        phases[name][i] += c
names = ["ok", "otherStatus", "refused", "broken"]
print(json.dumps({"shutdownDelay": delay, "readinessDownAfterMs": down - term if down else None,
                  "firstFailureAfterMs": first_failure - term, "exitAfterMs": exit_ - term,
                  **{k: dict(zip(names, v)) for k, v in phases.items()}, "load": load}))
PY
}

cmd_check() {
  ensure_app
  local scale i t0 t1 times=() rss=()
  for scale in "$@"; do
    ensure_generated "$scale"
    times=()
    rss=()
    echo "load average before: $(load)" >"$RESULTS/check-$scale.txt"
    for ((i = 1; i <= CHECK_RUNS; i++)); do
      t0="$(now_ms)"
      set +e
      /usr/bin/time -v java $GUARD_JAVA_OPTS -jar "$APP/quarkus-run.jar" check --cluster "$OUT/$scale/cluster" --no-dns \
        --host "$TENANT_HOST=$TENANT_IP" --output json >"$OUT/runs/check-$scale.json" 2>"$OUT/runs/check-$scale.stderr"
      local rc=$?
      set -e
      t1="$(now_ms)"
      ((rc <= 1)) || { log "check failed ($rc)"; tail "$OUT/runs/check-$scale.stderr"; exit 1; }
      times+=($((t1 - t0)))
      rss+=("$(awk -F: '/Maximum resident/ {printf "%.0f", $2/1024}' "$OUT/runs/check-$scale.stderr")")
      log "check/$scale run $i: $((t1 - t0)) ms, exit $rc, max RSS ${rss[-1]} MiB, load $(load)"
    done
    local median
    median="$(printf '%s\n' "${times[@]}" | sort -n | sed -n "$(((CHECK_RUNS + 1) / 2))p")"
    python3 - "$OUT/runs/check-$scale.json" >>"$RESULTS/check-$scale.txt" <<'EOF'
import json, sys
print("summary:", json.load(open(sys.argv[1]))["summary"])
EOF
    echo "wall ms: ${times[*]}; max RSS MiB: ${rss[*]}; load after: $(load)" >>"$RESULTS/check-$scale.txt"
    printf '{"scale":"%s","medianMs":%s,"runsMs":[%s],"maxRssMiB":[%s]}\n' "$scale" "$median" \
      "$(IFS=,; echo "${times[*]}")" "$(IFS=,; echo "${rss[*]}")" >"$RESULTS/check-$scale.json"
  done
}

cmd_default() {
  ensure_app
  local run="$OUT/runs/default-$(date +%H%M%S)" ready
  RUN="$run"
  mkdir -p "$run"
  HTTP_PORT="$(free_port)"; HTTPS_PORT="$(free_port)"; MANAGEMENT_PORT="$(free_port)"
  ensure_tls
  GUARD_START_MS="$(now_ms)"
  # exactly `java -jar target/quarkus-app/quarkus-run.jar` (no kubeconfig: the embedded k8s/examples),
  # plus ports and the certificate; run from the repository root like the README says.
  (cd "$ROOT" && exec env -u KUBECONFIG QUARKUS_HTTP_PORT="$HTTP_PORT" QUARKUS_HTTP_SSL_PORT="$HTTPS_PORT" \
    QUARKUS_MANAGEMENT_PORT="$MANAGEMENT_PORT" java "-Dquarkus.tls.key-store.pem.0.cert=$OUT/tls/tls.crt" "-Dquarkus.tls.key-store.pem.0.key=$OUT/tls/tls.key" \
    -jar "$APP/quarkus-run.jar") >"$run/guard.log" 2>&1 &
  GUARD_PID=$!
  PIDS+=("$GUARD_PID")
  ready="$(wait_ready 120)"
  log "default: ready in $ready ms; $DEFAULT_COUNT decisions after ${WARMUP}s warm-up; load average $(load)"
  {
    echo "--- warm-up ${WARMUP}s (load average $(load))"
    drive 1 warm-up "$ROOT/k8s/examples/requests" /dev/null --warmup "$WARMUP" --duration 1 | head -2
    measured default-c1 1 "$ROOT/k8s/examples/requests" --count "$DEFAULT_COUNT" --duration 600
  } | tee "$RESULTS/default.txt"
  stop_pid "$GUARD_PID"
}

cmd_decisions() {
  ensure_app
  local scale
  for scale in "$@"; do
    ensure_generated "$scale"
    log "decisions at $scale ($DECISION_ROUNDS rounds of every request), load $(load)"
    echo "load average before: $(load)" >"$RESULTS/decisions-in-process-$scale.txt"
    java $DECISION_JAVA_OPTS -cp "$APP/app/*:$APP/lib/main/*" "$HERE/DecisionRun.java" "$OUT/$scale/cluster" \
      "$OUT/$scale/requests" "$DECISION_ROUNDS" '.*' "$RESULTS/decisions-in-process-$scale.json" \
      | tee -a "$RESULTS/decisions-in-process-$scale.txt"
    echo "load average after: $(load)" >>"$RESULTS/decisions-in-process-$scale.txt"
  done
  local py=python3
  python3 -c 'import matplotlib' 2>/dev/null || { ensure_venv; py="$OUT/venv/bin/python"; }
  "$py" "$HERE/decisions_plot.py" "$RESULTS" "$HERE/decisions.png"
}

ensure_venv() {
  if [[ ! -x "$OUT/venv/bin/python" ]]; then
    log "installing matplotlib into $OUT/venv (pip)"
    python3 -m venv "$OUT/venv" && "$OUT/venv/bin/pip" install -q matplotlib
  fi
}

cmd_report() {
  local py=python3
  python3 -c 'import matplotlib' 2>/dev/null || { ensure_venv; py="$OUT/venv/bin/python"; }
  "$py" "$HERE/report.py" "$OUT" "$HERE/scale.png"
}

machine
cmd="${1:-}"
shift || true
case "$cmd" in
  generate) [[ $# -gt 0 ]] && SCALES="$*"; cmd_generate ;;
  app) cmd_app ;;
  manifests) cmd_manifests ${*:-$SCALES} ;;
  informers) cmd_informers ${*:-large} ;;
  churn) cmd_churn "${1:-large}" ;;
  restart) cmd_restart ;;
  soak) cmd_soak "${1:-large}" ;;
  check) cmd_check ${*:-$SCALES} ;;
  default) cmd_default ;;
  decisions) cmd_decisions ${*:-$SCALES} ;;
  report) cmd_report ;;
  all)
    cmd_generate
    cmd_app
    cmd_default
    cmd_check $SCALES
    cmd_manifests $SCALES
    cmd_informers large
    cmd_report
    ;;
  *) sed -n '2,20p' "$0"; exit 2 ;;
esac
