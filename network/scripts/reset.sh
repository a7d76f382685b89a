#!/usr/bin/env bash
# npm run network:reset — stop everything and delete all generated state (crypto, ledgers, logs), then bring a fresh
# network up. `network:reset -- --no-up` only wipes.
set -euo pipefail
source "$(dirname "$0")/lib.sh"
"$(dirname "$0")/down.sh"
rm -rf "$RT"
log "wiped $RT"
if [ "${1:-}" != --no-up ]; then exec "$(dirname "$0")/up.sh"; fi
