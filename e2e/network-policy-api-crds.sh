#!/usr/bin/env bash
# Finds the CRDs of the Kubernetes network-policy-api project (sigs.k8s.io/network-policy-api) in the
# Go module cache, downloading the pinned releases through the Go module proxy when they are not
# there, and prints the path of each CRD file the e2e tests install, one a line, on stdout:
#   ClusterNetworkPolicy                                  (v1alpha2, v1beta1) from v0.3.0
#   AdminNetworkPolicy and BaselineAdminNetworkPolicy    (v1alpha1)          from v0.1.7
# The files come from each release's config/crd/standard/ (the "standard" channel); nothing is
# copied into the repository. Needs Go (the module proxy, or a module cache that already holds them).
# Progress and errors go to stderr. See e2e/README.md.
set -euo pipefail

MODULE=sigs.k8s.io/network-policy-api
# ClusterNetworkPolicy (policy.networking.k8s.io v1alpha2 and v1beta1, tiers Admin and Baseline).
CNP_VERSION=v0.3.0
# AdminNetworkPolicy and BaselineAdminNetworkPolicy (v1alpha1), which v0.3.0 no longer ships.
ANP_VERSION=v0.1.7

log() { echo "[network-policy-api-crds] $*" >&2; }

if ! command -v go >/dev/null 2>&1; then
  log "Go is not on the PATH: the e2e tests get the network-policy-api CRDs ($MODULE $CNP_VERSION and" \
    "$ANP_VERSION) with 'go mod download'. Install Go (https://go.dev/dl/) or put it on the PATH."
  exit 1
fi

# A throw-away module: 'go mod download module@version' needs no project, but run inside one it must
# not touch e2e/k8s or e2e/etcd (their go.sum is committed; -mod=readonly there).
TMP="$(mktemp -d "${TMPDIR:-/tmp}/npapi-crds.XXXXXX")"
trap 'rm -rf "$TMP"' EXIT
(cd "$TMP" && go mod init netpol-guard/e2e/npapi-crds >/dev/null 2>&1)

# The module's directory in the module cache ("Dir" of go mod download -json); downloads it when missing.
module_dir() {
  local version="$1" json dir
  if ! json="$(cd "$TMP" && GOFLAGS=-mod=mod go mod download -json "$MODULE@$version")"; then
    log "go mod download $MODULE@$version failed:"
    echo "$json" >&2
    log "(GOPROXY=$(go env GOPROXY); the e2e tests need the Go module proxy, or the module in $(go env GOMODCACHE))"
    exit 1
  fi
  dir="$(printf '%s\n' "$json" | sed -n 's/^[[:space:]]*"Dir":[[:space:]]*"\(.*\)",\{0,1\}[[:space:]]*$/\1/p' | head -n 1)"
  if [[ -z "$dir" || ! -d "$dir" ]]; then
    log "go mod download -json $MODULE@$version printed no module directory:"
    echo "$json" >&2
    exit 1
  fi
  echo "$dir"
}

crd() { # dir file
  local file="$1/config/crd/standard/$2"
  if [[ ! -f "$file" ]]; then
    log "missing $file (has the release's layout changed?)"
    exit 1
  fi
  echo "$file"
}

CNP_DIR="$(module_dir "$CNP_VERSION")"
ANP_DIR="$(module_dir "$ANP_VERSION")"
log "$MODULE $CNP_VERSION in $CNP_DIR, $ANP_VERSION in $ANP_DIR"
crd "$CNP_DIR" policy.networking.k8s.io_clusternetworkpolicies.yaml
crd "$ANP_DIR" policy.networking.k8s.io_adminnetworkpolicies.yaml
crd "$ANP_DIR" policy.networking.k8s.io_baselineadminnetworkpolicies.yaml
