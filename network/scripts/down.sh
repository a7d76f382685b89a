#!/usr/bin/env bash
# npm run network:down — stop every node, keep all data (the next network:up restarts on it).
set -euo pipefail
source "$(dirname "$0")/lib.sh"
for n in chaincode peer-bpjs peer-rs peer-puskesmas orderer0 orderer1 orderer2; do stop_node "$n"; done
log "network stopped (data kept in $RT; wipe with npm run network:reset)"
