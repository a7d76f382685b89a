#!/usr/bin/env bash
# npm run network:down — stop every node, keep all data (the next network:up restarts on it).
set -euo pipefail
source "$(dirname "$0")/lib.sh"
# In parallel: each node may take a second or two to shut down cleanly.
for n in chaincode peer-bpjs peer-rs peer-puskesmas orderer0 orderer1 orderer2 ca-bpjs ca-rs ca-puskesmas; do stop_node "$n" & done
wait
log "network stopped (data kept in $RT; wipe with npm run network:reset)"
