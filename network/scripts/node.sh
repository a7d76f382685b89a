#!/usr/bin/env bash
# npm run network:node -- <stop|start|restart> <node|group>...
# Stop/start single nodes for fault tests, keeping their data. Nodes: orderer0 orderer1 orderer2 peer-bpjs peer-rs
# peer-puskesmas chaincode ca-bpjs ca-rs ca-puskesmas; groups: orderers, peers, cas, all. `start` waits until the node reports healthy.
# Examples: npm run network:node -- stop peer-rs ; npm run network:node -- stop orderers ; ... -- start orderers
# `npm run network:node -- ready` waits until a transaction commits again (after restarting orderers the Raft
# election takes a few seconds; until then submits fail with UNAVAILABLE).
set -euo pipefail
source "$(dirname "$0")/fabric-bin.sh"
source "$(dirname "$0")/fabric-ca-bin.sh"
source "$(dirname "$0")/nodes.sh"
[ "${1:-}" = ready ] || [ $# -ge 2 ] || die "usage: node.sh <stop|start|restart> <node|orderers|peers|cas|all>...  |  node.sh ready"
action=$1; shift
names=()
for a in "$@"; do
  case "$a" in
    orderers) names+=("${ORDERERS[@]}") ;;
    peers) names+=(peer-bpjs peer-rs peer-puskesmas) ;;
    cas) names+=("${CAS[@]}") ;;
    all) names+=("${ALL_NODES[@]}") ;;
    *) names+=("$a") ;;
  esac
done
[ -f "$RT/.generated" ] || die "no network in $RT; run npm run network:up first"
case "$action" in
  stop) for n in "${names[@]}"; do stop_node "$n" & done; wait ;;
  start|restart)
    ensure_fabric
    ensure_fabric_ca
    if [ "$action" = restart ]; then for n in "${names[@]}"; do stop_node "$n" & done; wait; fi
    for n in "${names[@]}"; do start_node "$n"; done
    for n in "${names[@]}"; do wait_healthy "$n" 30; done
    log "healthy: ${names[*]}" ;;
  ready) # block until a transaction commits (Raft leader elected, peers connected); bounded to 60 s
    (cd "$REPO_DIR" && npx tsx network/scripts/seed.ts --probe) ;;
  *) die "unknown action $action" ;;
esac
