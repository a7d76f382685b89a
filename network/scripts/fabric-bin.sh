#!/usr/bin/env bash
# Locate or build the Fabric binaries and the sample configs. Sourced by the other scripts; run directly to just
# build/verify (`bash network/scripts/fabric-bin.sh`).
#   1. per-user cache ~/.cache/faskes/fabric/<version>/bin, trusted only with its completion marker;
#   2. otherwise binaries already on PATH (`peer version` works);
#   3. otherwise build from the Go module source (needs Go; ~2-3 min cold on 2 cores).
# Exports FABRIC_BIN (dir with the binaries) and FABRIC_SAMPLECONFIG (dir with core.yaml / orderer.yaml).

# shellcheck source=lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

FABRIC_CACHE="${FASKES_FABRIC_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/faskes/fabric}/$FABRIC_VERSION"
FABRIC_MARKER="$FABRIC_CACHE/bin/.complete"

require_go() {
  command -v go >/dev/null 2>&1 || die "Go is not installed, and no built Fabric binaries were found in $FABRIC_CACHE/bin or on PATH.
  Install Go >= 1.22 (https://go.dev/dl/, or apt-get install golang) and run 'npm run network:up' again,
  or put Fabric v2.5 binaries (peer, orderer, configtxgen, cryptogen, osnadmin) on PATH."
}

# The pinned Fabric module, hash-checked (go_module_dir in lib.sh); prints the module dir.
fabric_module_dir() {
  go_module_dir "$FABRIC_MODULE" "$FABRIC_VERSION" "$FABRIC_SUM" Fabric sampleconfig
}

build_fabric() {
  require_go
  local dir start name had_marker=0
  dir=$(fabric_module_dir)
  log "building Fabric $FABRIC_VERSION (v2.5.9) into $FABRIC_CACHE/bin (cold: a few minutes)"
  mkdir -p "$FABRIC_CACHE/bin"
  # A complete cache that only lacks binaries added to FABRIC_BINS later keeps the ones it has.
  [ -f "$FABRIC_MARKER" ] && had_marker=1
  rm -f "$FABRIC_MARKER"
  start=$(date +%s)
  for name in "${FABRIC_BINS[@]}"; do
    if [ "$had_marker" = 1 ] && [ -x "$FABRIC_CACHE/bin/$name" ]; then continue; fi
    # Build to a temp name and rename, so an interrupted build never leaves a truncated binary behind.
    (cd "$dir" && GOFLAGS="-mod=mod -buildvcs=false" go build -trimpath -o "$FABRIC_CACHE/bin/.$name.tmp" "./cmd/$name") \
      || die "go build ./cmd/$name failed"
    mv -f "$FABRIC_CACHE/bin/.$name.tmp" "$FABRIC_CACHE/bin/$name"
    log "built $name"
  done
  printf 'version=%s\nsum=%s\nbuilt=%s\nseconds=%s\n' "$FABRIC_VERSION" "$FABRIC_SUM" "$(date -Is)" "$(( $(date +%s) - start ))" >"$FABRIC_MARKER"
  log "Fabric binaries built in $(( $(date +%s) - start ))s"
}

ensure_fabric() {
  local name missing=0
  for name in "${FABRIC_BINS[@]}"; do [ -x "$FABRIC_CACHE/bin/$name" ] || missing=1; done
  if [ -f "$FABRIC_MARKER" ] && [ "$missing" = 0 ]; then
    FABRIC_BIN="$FABRIC_CACHE/bin"
  elif [ ! -f "$FABRIC_MARKER" ] && [ "${FASKES_FABRIC_FROM_PATH:-1}" = 1 ] && command -v peer >/dev/null 2>&1 \
       && peer version >/dev/null 2>&1 && command -v "${FABRIC_BINS[@]}" >/dev/null 2>&1; then
    FABRIC_BIN="$(dirname "$(command -v peer)")"
    log "using Fabric binaries from PATH ($FABRIC_BIN)"
  else
    build_fabric
    FABRIC_BIN="$FABRIC_CACHE/bin"
  fi
  # Sample configs: a release tarball ships them in ../config next to bin/; otherwise take them from the module source.
  if [ -n "${FABRIC_CFG_SRC:-}" ]; then
    FABRIC_SAMPLECONFIG="$FABRIC_CFG_SRC"
  elif [ "$FABRIC_BIN" != "$FABRIC_CACHE/bin" ] && [ -f "$FABRIC_BIN/../config/core.yaml" ]; then
    FABRIC_SAMPLECONFIG="$FABRIC_BIN/../config"
  else
    require_go
    FABRIC_SAMPLECONFIG="$(fabric_module_dir)/sampleconfig"
  fi
  export FABRIC_BIN FABRIC_SAMPLECONFIG
  export PATH="$FABRIC_BIN:$PATH"
}

if [ "${BASH_SOURCE[0]}" = "$0" ]; then
  set -euo pipefail
  ensure_fabric
  log "FABRIC_BIN=$FABRIC_BIN"
  log "FABRIC_SAMPLECONFIG=$FABRIC_SAMPLECONFIG"
fi
