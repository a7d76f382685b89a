#!/usr/bin/env bash
# Locate or build the Hyperledger Fabric CA binaries (fabric-ca-server, fabric-ca-client). Sourced by the other
# scripts (`ensure_fabric_ca` exports FABRIC_CA_BIN); run directly to only build/verify:
# `npm run network:fabric-ca` prints the directory holding both binaries on stdout (logs go to stderr).
#   1. per-user cache ~/.cache/faskes/fabric-ca/<version>/bin, trusted only with its completion marker;
#   2. otherwise both binaries on PATH (`fabric-ca-server version` works; FASKES_FABRIC_FROM_PATH=0 disables this);
#   3. otherwise build from the pinned Go module source (needs Go and a C compiler: the server links SQLite via cgo).

# shellcheck source=lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

FABRIC_CA_CACHE="${FASKES_FABRIC_CA_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/faskes/fabric-ca}/$FABRIC_CA_VERSION"
FABRIC_CA_MARKER="$FABRIC_CA_CACHE/bin/.complete"

# The pinned fabric-ca module, hash-checked (go_module_dir in lib.sh); prints the module dir.
fabric_ca_module_dir() {
  go_module_dir "$FABRIC_CA_MODULE" "$FABRIC_CA_VERSION" "$FABRIC_CA_SUM" fabric-ca cmd/fabric-ca-server
}

build_fabric_ca() {
  command -v go >/dev/null 2>&1 || die "Go is not installed, and no built Fabric CA binaries were found in $FABRIC_CA_CACHE/bin or on PATH.
  Install Go >= 1.23 (https://go.dev/dl/, or apt-get install golang) and a C compiler (apt-get install gcc),
  or put fabric-ca-server and fabric-ca-client v1.5 on PATH."
  command -v "${CC:-gcc}" >/dev/null 2>&1 || die "a C compiler is needed to build fabric-ca-server (cgo SQLite): apt-get install gcc"
  local dir start name
  dir=$(fabric_ca_module_dir)
  log "building Fabric CA $FABRIC_CA_VERSION into $FABRIC_CA_CACHE/bin (cold: about two minutes)"
  mkdir -p "$FABRIC_CA_CACHE/bin"
  rm -f "$FABRIC_CA_MARKER"
  start=$(date +%s)
  for name in fabric-ca-server fabric-ca-client; do
    # Module zips carry no vendor/ code, so the dependencies come from the proxy, checked against the module's go.sum.
    # The version string is what the release Makefile injects (`fabric-ca-server version`). Temp name + rename: an
    # interrupted build never leaves a truncated binary.
    (cd "$dir" && CGO_ENABLED=1 GOFLAGS="-mod=mod -buildvcs=false" go build -trimpath \
        -ldflags "-X $FABRIC_CA_MODULE/lib/metadata.Version=${FABRIC_CA_VERSION#v}" \
        -o "$FABRIC_CA_CACHE/bin/.$name.tmp" "./cmd/$name") \
      || die "go build ./cmd/$name failed"
    mv -f "$FABRIC_CA_CACHE/bin/.$name.tmp" "$FABRIC_CA_CACHE/bin/$name"
    log "built $name"
  done
  printf 'version=%s\nsum=%s\nbuilt=%s\nseconds=%s\n' "$FABRIC_CA_VERSION" "$FABRIC_CA_SUM" "$(date -Is)" "$(( $(date +%s) - start ))" >"$FABRIC_CA_MARKER"
  log "Fabric CA binaries built in $(( $(date +%s) - start ))s"
}

# Sets and exports FABRIC_CA_BIN (dir with fabric-ca-server and fabric-ca-client), building them if needed.
ensure_fabric_ca() {
  if [ -f "$FABRIC_CA_MARKER" ]; then
    FABRIC_CA_BIN="$FABRIC_CA_CACHE/bin"
  elif [ "${FASKES_FABRIC_FROM_PATH:-1}" = 1 ] && command -v fabric-ca-server fabric-ca-client >/dev/null 2>&1 \
       && fabric-ca-server version >/dev/null 2>&1; then
    FABRIC_CA_BIN="$(dirname "$(command -v fabric-ca-server)")"
    log "using Fabric CA binaries from PATH ($FABRIC_CA_BIN)" >&2
  else
    build_fabric_ca >&2
    FABRIC_CA_BIN="$FABRIC_CA_CACHE/bin"
  fi
  export FABRIC_CA_BIN
}

if [ "${BASH_SOURCE[0]}" = "$0" ]; then
  set -euo pipefail
  ensure_fabric_ca
  printf '%s\n' "$FABRIC_CA_BIN"
fi
