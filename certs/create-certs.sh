#!/usr/bin/env bash
# Creates a CA and a serving certificate for the netpol-guard admission webhook with openssl.
# Run with --help for usage. See certs/README.md for installation and renewal.
set -euo pipefail

usage() {
    cat <<'USAGE'
Usage: certs/create-certs.sh [options]

Creates a CA (ca.key, ca.crt) and a serving certificate (tls.key, tls.crt) signed by it for
  <service>.<namespace>.svc and <service>.<namespace>.svc.cluster.local
plus any names given with --dns and --ip.

Options:
  --out DIR          where to write every file (default: certs/out)
  --overlay DIR      also copy tls.crt, tls.key and ca.crt to DIR and write DIR/webhook-ca-bundle.yaml,
                     the caBundle patch read by k8s/overlays/plain (default: k8s/overlays/plain/tls)
  --no-overlay       do not write the overlay files
  --dns NAME         extra DNS name in the serving certificate (repeatable), e.g. localhost
  --ip IP            extra IP address in the serving certificate (repeatable), e.g. 127.0.0.1
  --service NAME     the webhook Service name (default: netpol-guard)
  --namespace NS     the webhook Service namespace (default: netpol-guard)
  --days N           validity of the serving certificate in days (default: 365)
  --ca-days N        validity of a new CA in days (default: 3650)
  --reuse-ca         keep the existing CA in --out (ca.key, ca.crt) and only issue a new serving
                     certificate, so the caBundle stays the same
  --force            replace existing keys and certificates
  -h, --help         show this help

Files written to --out:
  ca.key, ca.crt     the CA (keep ca.key private)
  ca.crt.b64         ca.crt base64-encoded on one line: the webhook's clientConfig.caBundle
  tls.key, tls.crt   the serving key and certificate (kustomize secret inputs, secret netpol-guard-tls)
USAGE
}

fail() {
    echo "create-certs.sh: error: $*" >&2
    exit 1
}

need_value() {
    [[ $# -ge 2 && -n "$2" ]] || fail "$1 needs a value (see --help)"
}

script_dir=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
repo_dir=$(dirname "$script_dir")

out="$script_dir/out"
overlay="$repo_dir/k8s/overlays/plain/tls"
write_overlay=true
service=netpol-guard
namespace=netpol-guard
days=365
ca_days=3650
reuse_ca=false
force=false
dns_names=()
ip_addresses=()

while [[ $# -gt 0 ]]; do
    case "$1" in
        --out) need_value "$@"; out=$2; shift 2 ;;
        --overlay) need_value "$@"; overlay=$2; write_overlay=true; shift 2 ;;
        --no-overlay) write_overlay=false; shift ;;
        --dns) need_value "$@"; dns_names+=("$2"); shift 2 ;;
        --ip) need_value "$@"; ip_addresses+=("$2"); shift 2 ;;
        --service) need_value "$@"; service=$2; shift 2 ;;
        --namespace) need_value "$@"; namespace=$2; shift 2 ;;
        --days) need_value "$@"; days=$2; shift 2 ;;
        --ca-days) need_value "$@"; ca_days=$2; shift 2 ;;
        --reuse-ca) reuse_ca=true; shift ;;
        --force) force=true; shift ;;
        -h|--help) usage; exit 0 ;;
        *) echo "create-certs.sh: error: unknown argument: $1" >&2; usage >&2; exit 2 ;;
    esac
done

command -v openssl >/dev/null 2>&1 || fail "openssl is not installed"
[[ "$days" =~ ^[1-9][0-9]*$ ]] || fail "--days must be a positive number, got '$days'"
[[ "$ca_days" =~ ^[1-9][0-9]*$ ]] || fail "--ca-days must be a positive number, got '$ca_days'"
dns_label='^[a-z0-9]([-a-z0-9]*[a-z0-9])?$'
[[ "$service" =~ $dns_label ]] || fail "--service must be a DNS label, got '$service'"
[[ "$namespace" =~ $dns_label ]] || fail "--namespace must be a DNS label, got '$namespace'"
for name in ${dns_names[@]+"${dns_names[@]}"}; do
    [[ "$name" =~ ^(\*\.)?[A-Za-z0-9]([-A-Za-z0-9.]*[A-Za-z0-9])?$ ]] || fail "--dns: not a DNS name: '$name'"
done
for ip in ${ip_addresses[@]+"${ip_addresses[@]}"}; do
    [[ "$ip" =~ ^[0-9.]+$ || "$ip" =~ ^[0-9A-Fa-f:.]+$ ]] && [[ "$ip" == *[.:]* ]] || fail "--ip: not an IP address: '$ip'"
done

# Refuse to overwrite private keys unless --force.
existing=()
if [[ "$reuse_ca" == true ]]; then
    [[ -f "$out/ca.key" && -f "$out/ca.crt" ]] || fail "--reuse-ca: no CA in $out (ca.key and ca.crt); run once without --reuse-ca"
else
    [[ -e "$out/ca.key" ]] && existing+=("$out/ca.key")
fi
[[ -e "$out/tls.key" ]] && existing+=("$out/tls.key")
[[ "$write_overlay" == true && -e "$overlay/tls.key" ]] && existing+=("$overlay/tls.key")
if [[ ${#existing[@]} -gt 0 && "$force" != true ]]; then
    fail "refusing to overwrite existing key(s): ${existing[*]} (use --force to replace them, --reuse-ca to keep the CA)"
fi

mkdir -p "$out"
[[ "$write_overlay" == true ]] && mkdir -p "$overlay"
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
umask 077

# Subject alternative names: the Service names the API server calls, then the extra names.
sans="DNS:$service.$namespace.svc,DNS:$service.$namespace.svc.cluster.local"
for name in ${dns_names[@]+"${dns_names[@]}"}; do sans="$sans,DNS:$name"; done
for ip in ${ip_addresses[@]+"${ip_addresses[@]}"}; do sans="$sans,IP:$ip"; done

serial() {
    echo "0x$(openssl rand -hex 16)"
}

# openssl with its chatter kept out of the way, and shown when it fails.
ssl() {
    if ! openssl "$@" 2>"$work/openssl.log"; then
        echo "create-certs.sh: error: openssl $1 failed:" >&2
        sed 's/^/  /' "$work/openssl.log" >&2
        exit 1
    fi
}

if [[ "$reuse_ca" == true ]]; then
    cp "$out/ca.key" "$work/ca.key"
    cp "$out/ca.crt" "$work/ca.crt"
else
    ssl genpkey -algorithm RSA -pkeyopt rsa_keygen_bits:2048 -out "$work/ca.key"
    ssl req -x509 -new -key "$work/ca.key" -sha256 -days "$ca_days" -set_serial "$(serial)" \
        -subj "/CN=netpol-guard-ca" \
        -addext "basicConstraints=critical,CA:TRUE,pathlen:0" \
        -addext "keyUsage=critical,keyCertSign,cRLSign" \
        -addext "subjectKeyIdentifier=hash" \
        -out "$work/ca.crt"
fi

ssl genpkey -algorithm RSA -pkeyopt rsa_keygen_bits:2048 -out "$work/tls.key"
ssl req -new -key "$work/tls.key" -subj "/CN=$service.$namespace.svc" -out "$work/tls.csr"
cat > "$work/tls.ext" <<EXT
basicConstraints=critical,CA:FALSE
keyUsage=critical,digitalSignature,keyEncipherment
extendedKeyUsage=serverAuth
subjectKeyIdentifier=hash
authorityKeyIdentifier=keyid,issuer
subjectAltName=$sans
EXT
ssl x509 -req -in "$work/tls.csr" -CA "$work/ca.crt" -CAkey "$work/ca.key" -set_serial "$(serial)" \
    -days "$days" -sha256 -extfile "$work/tls.ext" -out "$work/tls.crt"
ssl verify -CAfile "$work/ca.crt" "$work/tls.crt" >/dev/null
base64 < "$work/ca.crt" | tr -d '\n' > "$work/ca.crt.b64"

# Install: certificates readable, keys private. Each file is replaced by a rename, so a running
# guard never reads half a file (it re-reads tls.crt and tls.key every quarkus.tls.reload-period).
install_file() { # source target mode
    cp "$1" "$2.tmp.$$"
    chmod "$3" "$2.tmp.$$"
    mv -f "$2.tmp.$$" "$2"
}
install_file "$work/ca.key" "$out/ca.key" 600
install_file "$work/ca.crt" "$out/ca.crt" 644
install_file "$work/ca.crt.b64" "$out/ca.crt.b64" 644
install_file "$work/tls.key" "$out/tls.key" 600
install_file "$work/tls.crt" "$out/tls.crt" 644
echo "wrote $out/{ca.key,ca.crt,ca.crt.b64,tls.key,tls.crt}" >&2

if [[ "$write_overlay" == true ]]; then
    install_file "$work/tls.key" "$overlay/tls.key" 600
    install_file "$work/tls.crt" "$overlay/tls.crt" 644
    install_file "$work/ca.crt" "$overlay/ca.crt" 644
    cat > "$work/webhook-ca-bundle.yaml" <<PATCH
# Written by certs/create-certs.sh: the CA that signed the serving certificate in tls.crt.
apiVersion: admissionregistration.k8s.io/v1
kind: ValidatingWebhookConfiguration
metadata:
  name: netpol-guard
webhooks:
- name: networkpolicies.netpol-guard.io
  clientConfig:
    caBundle: $(cat "$work/ca.crt.b64")
- name: namespaces.netpol-guard.io
  clientConfig:
    caBundle: $(cat "$work/ca.crt.b64")
- name: dynatrace.netpol-guard.io
  clientConfig:
    caBundle: $(cat "$work/ca.crt.b64")
- name: clusterpolicies.netpol-guard.io
  clientConfig:
    caBundle: $(cat "$work/ca.crt.b64")
PATCH
    install_file "$work/webhook-ca-bundle.yaml" "$overlay/webhook-ca-bundle.yaml" 644
    echo "wrote $overlay/{tls.key,tls.crt,ca.crt,webhook-ca-bundle.yaml} for k8s/overlays/plain" >&2
fi
echo "serving certificate names: ${sans//,/, }" >&2
