#!/usr/bin/env bash
# Runs the end-to-end tests against a real kube-apiserver (see e2e/README.md):
#   1. builds and caches kube-apiserver, etcd and kubectl when the cache is empty
#      (e2e/build-binaries.sh; ~20 ms when cached, 5-12 min when not), and makes sure the
#      network-policy-api CRDs are in the Go module cache (e2e/network-policy-api-crds.sh);
#   2. ./mvnw -B verify -Pe2e: unit tests, package, then the e2e tests (failsafe, **/e2e/**/*IT.java).
# The e2e tests would build the binaries themselves too; doing it first shows the build's progress
# and keeps its time out of the test's.
#
# Usage: e2e/run.sh [--e2e-only] [extra Maven arguments...]
#   --e2e-only   skip the unit tests (surefire) and run only the e2e tests
set -euo pipefail

HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
ROOT="$(dirname "$HERE")"
log() { echo "[e2e/run] $*" >&2; }

MAVEN_ARGS=()
if [[ "${1:-}" == "--e2e-only" ]]; then
  shift
  MAVEN_ARGS+=(-Dtest=none -Dsurefire.failIfNoSpecifiedTests=false)
fi

command -v openssl >/dev/null 2>&1 || { log "missing openssl (certificates for the API server and the guard)"; exit 1; }

T0=$(date +%s)
BIN_DIR="$("$HERE/build-binaries.sh" | tail -n 1)"
# The network-policy-api CRDs of ClusterPolicyIT, from the Go module cache (downloaded when missing):
# fails here, with the reason, when Go is missing or the module proxy cannot be reached.
"$HERE/network-policy-api-crds.sh" >/dev/null
T1=$(date +%s)
log "binaries in $BIN_DIR, network-policy-api CRDs in the Go module cache ($((T1 - T0)) s)"

cd "$ROOT"
set +e
./mvnw -B verify -Pe2e ${MAVEN_ARGS[@]+"${MAVEN_ARGS[@]}"} "$@"
rc=$?
set -e
log "./mvnw -B verify -Pe2e finished with exit code $rc in $(($(date +%s) - T1)) s; e2e logs in target/e2e/"
exit $rc
