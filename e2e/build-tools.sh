#!/usr/bin/env bash
# Builds helm and promtool from the upstream Go modules pinned in e2e/helm/go.mod and
# e2e/promtool/go.mod and caches them outside the repo:
#   ${KUBE_API_TEST_DIR:-~/.kubeapitest}/tools/<name>-<version>-<os>-<arch>/<name>
# Usage: e2e/build-tools.sh helm|promtool
# Progress goes to stderr; the only line on stdout is the path of the binary.
set -euo pipefail

HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
log() { echo "[build-tools] $*" >&2; }

NAME="${1:-}"
case "$NAME" in
  # name) module directory, main package, module whose version names the cache directory
  helm) DIR="$HERE/helm"; PKG=helm.sh/helm/v3/cmd/helm; MOD=helm.sh/helm/v3 ;;
  promtool) DIR="$HERE/promtool"; PKG=github.com/prometheus/prometheus/cmd/promtool; MOD=github.com/prometheus/prometheus ;;
  *) log "usage: $0 helm|promtool"; exit 2 ;;
esac

# The version is read from go.mod without Go (go.mod is the single pin), so cached
# binaries are found on a machine without Go.
VERSION="$(awk -v m="$MOD" '$1 == "require" && $2 == m {print $3} $1 == m {print $2}' "$DIR/go.mod" | head -n 1)"
[[ -n "$VERSION" ]] || { log "no version of $MOD in $DIR/go.mod"; exit 1; }

if command -v go >/dev/null 2>&1; then
  GOOS_="$(go env GOOS)"; GOARCH_="$(go env GOARCH)"
else
  GOOS_="$(uname -s | tr '[:upper:]' '[:lower:]')"
  case "$(uname -m)" in
    x86_64 | amd64) GOARCH_=amd64 ;;
    aarch64 | arm64) GOARCH_=arm64 ;;
    *) GOARCH_="$(uname -m)" ;;
  esac
fi
CACHE_DIR="${KUBE_API_TEST_DIR:-$HOME/.kubeapitest}/tools/$NAME-$VERSION-$GOOS_-$GOARCH_"
BIN="$CACHE_DIR/$NAME"

if [[ -x "$BIN" ]]; then
  echo "$BIN"
  exit 0
fi
command -v go >/dev/null 2>&1 || { log "$BIN missing and no Go to build it"; exit 1; }

mkdir -p "$CACHE_DIR"
# Serialize concurrent callers (a second caller waits, then finds the binary).
if command -v flock >/dev/null 2>&1; then
  exec 9>"$CACHE_DIR/.build.lock"
  flock 9
  if [[ -x "$BIN" ]]; then echo "$BIN"; exit 0; fi
fi

STAGE="$(mktemp -d "$CACHE_DIR/.staging.XXXXXX")"
trap 'rm -rf "$STAGE"' EXIT

case "$NAME" in
  helm) LDFLAGS="-s -w -X helm.sh/helm/v3/internal/version.version=$VERSION"; TAGS="" ;;
  # remove_all_sd leaves out every service discovery plugin (AWS, Azure, GCE, Kubernetes, ... SDKs): the rule
  # checks and tests need none, and the build takes a fraction of the time.
  promtool) LDFLAGS="-s -w -X github.com/prometheus/common/version.Version=${VERSION#v}"; TAGS="remove_all_sd" ;;
esac

log "$NAME: building $PKG $VERSION (in $DIR, first use only; minutes, see e2e/README.md) ..."
T0=$(date +%s)
(cd "$DIR" && CGO_ENABLED=0 GOFLAGS="-mod=readonly -buildvcs=false" \
  nice -n 19 go build -trimpath -tags "$TAGS" -ldflags "$LDFLAGS" -o "$STAGE/$NAME" "$PKG")
mv -f "$STAGE/$NAME" "$BIN"
log "$NAME: done in $(($(date +%s) - T0)) s: $BIN"
echo "$BIN"
