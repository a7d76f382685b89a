#!/usr/bin/env bash
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/../.."
export ELECTRON_SKIP_BINARY_DOWNLOAD=1
declare -a timings=()
step() {
  local name=$1; shift
  printf '\n=== %s\n' "$name"
  local s; s=$(date +%s)
  "$@"
  timings+=("$(printf '%-28s %4ss' "$name" "$(( $(date +%s) - s ))")")
}

started_network=0
cleanup() {
  if [ "$started_network" = 1 ] && [ "${FASKES_KEEP_NETWORK:-0}" != 1 ]; then npm run -s network:down || true; fi
  printf '\n=== step timings\n'; printf '%s\n' "${timings[@]}"
}
trap cleanup EXIT

step typecheck npm run -s typecheck
step lint npm run -s lint
step unused-exports npm run -s knip
step unit npx vitest run
step chaincode-unit bash -c 'cd chaincode && npm run -s build && npm test'
step build npx electron-vite build
step security npm run -s test:security
if ! npm run -s network:status >/dev/null 2>&1; then started_network=1; fi
step network-up npm run -s network:up
step pcare-simulator npm run -s test:pcare
step satusehat-simulator npm run -s test:satusehat
step ledger-integration npm run -s test:ledger
step sync-fault-crash npm run -s test:sync
step e2e npm run -s test:e2e
