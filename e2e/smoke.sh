#!/usr/bin/env bash
# Smoke test for the binaries built by build-binaries.sh: starts etcd and
# kube-apiserver on 127.0.0.1 (free high ports), talks to them with kubectl
# using a static admin token, then stops both. Loopback only, bounded waits,
# everything (processes, temp dir) cleaned up by a trap.
#
# Usage: e2e/smoke.sh [BIN_DIR]   (default: the cache dir from build-binaries.sh,
#                                  building the binaries first if needed)
set -euo pipefail

HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
STARTUP_TIMEOUT="${STARTUP_TIMEOUT:-120}" # seconds, per process
log() { echo "[smoke] $*" >&2; }

BIN_DIR="${1:-$("$HERE/build-binaries.sh" | tail -n 1)}"
for b in etcd kube-apiserver kubectl; do
  [[ -x "$BIN_DIR/$b" ]] || { log "missing $BIN_DIR/$b"; exit 1; }
done

WORK="$(mktemp -d "${TMPDIR:-/tmp}/netpol-guard-smoke.XXXXXX")"
ETCD_PID="" APISERVER_PID=""

stop_pid() { # pid name: SIGTERM, wait up to 10s, then SIGKILL
  local pid="$1" name="$2" i
  [[ -n "$pid" ]] && kill -0 "$pid" 2>/dev/null || return 0
  kill -TERM "$pid" 2>/dev/null || true
  for ((i = 0; i < 100; i++)); do
    kill -0 "$pid" 2>/dev/null || break
    sleep 0.1
  done
  if kill -0 "$pid" 2>/dev/null; then
    log "$name ($pid) did not stop on SIGTERM, killing"
    kill -KILL "$pid" 2>/dev/null || true
  fi
  wait "$pid" 2>/dev/null || true
}

cleanup() {
  local rc=$?
  stop_pid "$APISERVER_PID" kube-apiserver
  stop_pid "$ETCD_PID" etcd
  if [[ $rc -ne 0 ]]; then
    log "FAILED (exit $rc); last log lines:"
    tail -n 25 "$WORK/etcd.log" "$WORK/kube-apiserver.log" >&2 2>/dev/null || true
  fi
  rm -rf "$WORK"
  exit $rc
}
trap cleanup EXIT
trap 'exit 130' INT TERM

# A free TCP port on 127.0.0.1 (asks the kernel; falls back to probing).
free_port() {
  if command -v python3 >/dev/null 2>&1; then
    python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1]); s.close()'
    return
  fi
  local p
  for _ in $(seq 1 50); do
    p=$((20000 + RANDOM % 30000))
    if ! (exec 3<>"/dev/tcp/127.0.0.1/$p") 2>/dev/null; then echo "$p"; return; fi
  done
  return 1
}

# wait_for name pid timeout cmd...: poll cmd every 0.5s until it succeeds.
wait_for() {
  local name="$1" pid="$2" timeout="$3" deadline
  shift 3
  deadline=$(($(date +%s) + timeout))
  until "$@" >/dev/null 2>&1; do
    kill -0 "$pid" 2>/dev/null || { log "$name exited early"; return 1; }
    (($(date +%s) < deadline)) || { log "$name not ready after ${timeout}s"; return 1; }
    sleep 0.5
  done
}

ETCD_PORT="$(free_port)"
ETCD_PEER_PORT="$(free_port)"
API_PORT="$(free_port)"
while [[ "$ETCD_PEER_PORT" == "$ETCD_PORT" ]]; do ETCD_PEER_PORT="$(free_port)"; done
while [[ "$API_PORT" == "$ETCD_PORT" || "$API_PORT" == "$ETCD_PEER_PORT" ]]; do API_PORT="$(free_port)"; done
log "work dir $WORK; etcd 127.0.0.1:$ETCD_PORT (peer $ETCD_PEER_PORT), kube-apiserver 127.0.0.1:$API_PORT"

# --- certificates and credentials ------------------------------------------
PKI="$WORK/pki"
mkdir -p "$PKI"
openssl req -x509 -newkey rsa:2048 -nodes -days 1 \
  -keyout "$PKI/serving.key" -out "$PKI/serving.crt" \
  -subj "/CN=127.0.0.1" \
  -addext "subjectAltName=IP:127.0.0.1,DNS:localhost" 2>/dev/null
openssl genrsa -out "$PKI/sa.key" 2048 2>/dev/null
openssl rsa -in "$PKI/sa.key" -pubout -out "$PKI/sa.pub" 2>/dev/null
TOKEN="$(openssl rand -hex 24)"
# token,user,uid,"group1,group2"
echo "$TOKEN,smoke-admin,smoke-admin-uid,\"system:masters\"" >"$PKI/tokens.csv"

# --- etcd --------------------------------------------------------------------
START=$(date +%s)
"$BIN_DIR/etcd" \
  --name smoke \
  --data-dir "$WORK/etcd-data" \
  --listen-client-urls "http://127.0.0.1:$ETCD_PORT" \
  --advertise-client-urls "http://127.0.0.1:$ETCD_PORT" \
  --listen-peer-urls "http://127.0.0.1:$ETCD_PEER_PORT" \
  --initial-advertise-peer-urls "http://127.0.0.1:$ETCD_PEER_PORT" \
  --initial-cluster "smoke=http://127.0.0.1:$ETCD_PEER_PORT" \
  --unsafe-no-fsync \
  >"$WORK/etcd.log" 2>&1 &
ETCD_PID=$!
wait_for etcd "$ETCD_PID" "$STARTUP_TIMEOUT" curl -fsS --max-time 2 "http://127.0.0.1:$ETCD_PORT/health"
log "etcd ready in $(($(date +%s) - START))s (pid $ETCD_PID)"

# --- kube-apiserver ----------------------------------------------------------
START=$(date +%s)
"$BIN_DIR/kube-apiserver" \
  --etcd-servers "http://127.0.0.1:$ETCD_PORT" \
  --bind-address 127.0.0.1 \
  --advertise-address 127.0.0.1 \
  --secure-port "$API_PORT" \
  --tls-cert-file "$PKI/serving.crt" \
  --tls-private-key-file "$PKI/serving.key" \
  --cert-dir "$WORK/apiserver-certs" \
  --token-auth-file "$PKI/tokens.csv" \
  --authorization-mode RBAC \
  --service-account-issuer "https://127.0.0.1:$API_PORT" \
  --service-account-key-file "$PKI/sa.pub" \
  --service-account-signing-key-file "$PKI/sa.key" \
  --service-cluster-ip-range 10.0.0.0/24 \
  --endpoint-reconciler-type none \
  --allow-privileged \
  >"$WORK/kube-apiserver.log" 2>&1 &
APISERVER_PID=$!
wait_for kube-apiserver "$APISERVER_PID" "$STARTUP_TIMEOUT" \
  curl -fsS --max-time 2 -k -H "Authorization: Bearer $TOKEN" "https://127.0.0.1:$API_PORT/readyz"
log "kube-apiserver ready in $(($(date +%s) - START))s (pid $APISERVER_PID)"

# --- kubectl -------------------------------------------------------------------
export KUBECONFIG="$WORK/kubeconfig-unused" # ignore any ~/.kube/config
KUBECTL=("$BIN_DIR/kubectl" --server "https://127.0.0.1:$API_PORT" --token "$TOKEN"
  --insecure-skip-tls-verify --request-timeout 20s --cache-dir "$WORK/kube-cache")
# The "default" namespace is created asynchronously after readyz; wait for it.
wait_for "namespace default" "$APISERVER_PID" 30 "${KUBECTL[@]}" get ns default
"${KUBECTL[@]}" version
"${KUBECTL[@]}" get ns
RESOURCES="$("${KUBECTL[@]}" api-resources)" # captured: `| head` could SIGPIPE kubectl
head -n 10 <<<"$RESOURCES"
log "api-resources: $(($(wc -l <<<"$RESOURCES") - 1)) resource types"
"${KUBECTL[@]}" auth whoami

# Explicit stop (the trap would do it too) so the result line comes after it.
stop_pid "$APISERVER_PID" kube-apiserver
stop_pid "$ETCD_PID" etcd
APISERVER_PID="" ETCD_PID=""
log "OK: etcd + kube-apiserver + kubectl from $BIN_DIR work; both processes stopped"
