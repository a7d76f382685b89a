#!/usr/bin/env bash
# npm run -s network:peer -- <BPJS|RS|Puskesmas> <peer CLI args...>
# Runs Fabric's own `peer` CLI as that org's Admin against that org's peer, e.g.
#   npm run -s network:peer -- RS chaincode query -C bpjs-main -n faskes -c '{"Args":["Card:ReadStatus","0009999000001"]}'
set -euo pipefail
source "$(dirname "$0")/fabric-bin.sh"
[ $# -ge 2 ] || die "usage: peer-cli.sh <BPJS|RS|Puskesmas> <peer args...>"
org=$1; shift
org_domain "$org" >/dev/null
ensure_fabric >/dev/null
peer_admin_env "$org"
exec "$FABRIC_BIN/peer" "$@"
