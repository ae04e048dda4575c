#!/usr/bin/env bash
# Builds kube-apiserver, kubectl and etcd from the upstream Go modules pinned in
# e2e/k8s/go.mod and e2e/etcd/go.mod, and caches them outside the repo in the
# layout fabric8 kube-api-test reads (offline mode):
#   ${KUBE_API_TEST_DIR:-~/.kubeapitest}/k8s/<KUBE_VERSION>-<os>-<arch>/{kube-apiserver,etcd,kubectl}
# Needs only Go and the Go module proxy (no GitHub, no Docker).
# Progress goes to stderr; the last line on stdout is the cache directory.
set -euo pipefail

# The single version pin. Must match `require k8s.io/kubernetes` in k8s/go.mod
# (and the staging replaces there, v0.<minor>.<patch>). Written without "v":
# kube-api-test parses directory names as plain numbers.
KUBE_VERSION=1.37.2

HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
log() { echo "[build-binaries] $*" >&2; }

# Without Go (binaries already cached, e.g. restored by CI), the platform comes from uname.
if command -v go >/dev/null 2>&1; then
  GOOS_="$(go env GOOS)"
  GOARCH_="$(go env GOARCH)"
else
  GOOS_="$(uname -s | tr '[:upper:]' '[:lower:]')"
  case "$(uname -m)" in
    x86_64 | amd64) GOARCH_=amd64 ;;
    aarch64 | arm64) GOARCH_=arm64 ;;
    *) GOARCH_="$(uname -m)" ;;
  esac
fi
KUBEAPITEST_DIR="${KUBE_API_TEST_DIR:-$HOME/.kubeapitest}"
CACHE_DIR="$KUBEAPITEST_DIR/k8s/${KUBE_VERSION}-${GOOS_}-${GOARCH_}"
BINS=(kube-apiserver kubectl etcd)

all_present() {
  local b
  for b in "${BINS[@]}"; do [[ -x "$CACHE_DIR/$b" ]] || return 1; done
}

if all_present; then
  log "all binaries already present in $CACHE_DIR, nothing to do"
  echo "$CACHE_DIR"
  exit 0
fi

command -v go >/dev/null 2>&1 || { log "binaries missing in $CACHE_DIR and no Go to build them"; exit 1; }

# Guard against a version pin that drifted from k8s/go.mod.
PINNED="$(cd "$HERE/k8s" && go list -m -f '{{.Version}}' k8s.io/kubernetes)"
if [[ "$PINNED" != "v$KUBE_VERSION" ]]; then
  log "KUBE_VERSION=$KUBE_VERSION but $HERE/k8s/go.mod requires k8s.io/kubernetes $PINNED"
  exit 1
fi

mkdir -p "$CACHE_DIR"
# Serialize concurrent callers (a second caller waits, then finds the binaries).
if command -v flock >/dev/null 2>&1; then
  exec 9>"$CACHE_DIR/.build.lock"
  flock 9
  if all_present; then
    log "binaries were built by a concurrent caller: $CACHE_DIR"
    echo "$CACHE_DIR"
    exit 0
  fi
fi

STAGE="$(mktemp -d "$CACHE_DIR/.staging.XXXXXX")"
trap 'rm -rf "$STAGE"' EXIT

KMAJOR="${KUBE_VERSION%%.*}"
KMINOR="${KUBE_VERSION#*.}"; KMINOR="${KMINOR%%.*}"
BUILD_DATE="$(date -u ${SOURCE_DATE_EPOCH:+--date=@$SOURCE_DATE_EPOCH} +%Y-%m-%dT%H:%M:%SZ)"
# Same -X flags as kubernetes' hack/lib/version.sh, so `--version` and kubectl's
# server/client version report v$KUBE_VERSION (otherwise v0.0.0-master+$Format...).
VERSION_LDFLAGS=""
for pkg in k8s.io/client-go/pkg/version k8s.io/component-base/version; do
  VERSION_LDFLAGS+=" -X $pkg.gitVersion=v$KUBE_VERSION"
  VERSION_LDFLAGS+=" -X $pkg.gitMajor=$KMAJOR -X $pkg.gitMinor=$KMINOR"
  VERSION_LDFLAGS+=" -X $pkg.gitTreeState=clean -X $pkg.buildDate=$BUILD_DATE"
done

export CGO_ENABLED=0 GOOS="$GOOS_" GOARCH="$GOARCH_" GOFLAGS="-mod=readonly -buildvcs=false"

build() { # name moduledir package ldflags
  local name="$1" dir="$2" pkg="$3" ldflags="$4" t0 t1
  if [[ -x "$CACHE_DIR/$name" ]]; then
    log "$name: already present, skipping"
    return 0
  fi
  log "$name: building $pkg (in $dir) ..."
  t0=$(date +%s)
  (cd "$dir" && nice -n 19 go build -trimpath -ldflags "$ldflags" -o "$STAGE/$name" "$pkg")
  t1=$(date +%s)
  mv -f "$STAGE/$name" "$CACHE_DIR/$name"
  log "$name: done in $((t1 - t0))s, $(du -h "$CACHE_DIR/$name" | cut -f1)"
}

T_START=$(date +%s)
log "go: $(go version); target: $CACHE_DIR"
build kube-apiserver "$HERE/k8s" k8s.io/kubernetes/cmd/kube-apiserver "-s -w$VERSION_LDFLAGS"
build kubectl "$HERE/k8s" k8s.io/kubernetes/cmd/kubectl "-s -w$VERSION_LDFLAGS"
build etcd "$HERE/etcd" . "-s -w"
log "all built in $(($(date +%s) - T_START))s"

"$CACHE_DIR/kube-apiserver" --version >&2
"$CACHE_DIR/kubectl" version --client >&2
"$CACHE_DIR/etcd" --version >&2
echo "$CACHE_DIR"
