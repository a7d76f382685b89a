#!/usr/bin/env bash
# Shared settings and helpers for the local Fabric network scripts. Sourced, never run.
# Everything listens on 127.0.0.1; all generated state lives in network/.runtime (gitignored).

NET_DIR="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
REPO_DIR="$(cd "$NET_DIR/.." && pwd)"
RT="$NET_DIR/.runtime"
CRYPTO="$RT/crypto"
ARTIFACTS="$RT/artifacts"
CFG="$RT/config"
DATA="$RT/data"
LOGS="$RT/logs"
PIDS="$RT/pids"

# Fabric v2.5.9 LTS, by pseudo-version: the only v2.5 version the Go proxy here serves (see network/README.md).
FABRIC_MODULE="github.com/hyperledger/fabric"
FABRIC_VERSION="v0.0.0-20240618194258-7c3876255bf0"
FABRIC_SUM="h1:IWNViWCrLReBEZ8EoM9iIZYP4xT6QvL+UqwKQg9eDvA="
FABRIC_BINS=(peer orderer configtxgen cryptogen osnadmin configtxlator)

# Fabric CA v1.5.15 (the Go proxy serves the tag). Module hash pinned at the first download.
FABRIC_CA_MODULE="github.com/hyperledger/fabric-ca"
FABRIC_CA_VERSION="v1.5.15"
FABRIC_CA_SUM="h1:55lQb2B/nWjpZZ8Ke/5dczoSh9juHT3OgrUFn640ks0="

CHANNELS=(bpjs-main bpjs-jawa)
CC_NAME=faskes
CC_VERSION=1.0
CC_ADDRESS=127.0.0.1:9999

ORGS=(BPJS RS Puskesmas)
ORDERERS=(orderer0 orderer1 orderer2)

org_domain()  { case "$1" in BPJS) echo bpjs.local;; RS) echo rs.local;; Puskesmas) echo puskesmas.local;; *) die "unknown org $1";; esac; }
org_msp()     { echo "$1MSP"; }
org_port()    { case "$1" in BPJS) echo 7051;; RS) echo 8051;; Puskesmas) echo 9051;; esac; }
org_ccport()  { case "$1" in BPJS) echo 7052;; RS) echo 8052;; Puskesmas) echo 9052;; esac; }
org_opsport() { case "$1" in BPJS) echo 9444;; RS) echo 9445;; Puskesmas) echo 9446;; esac; }
peer_name()   { echo "peer-$(echo "$1" | tr '[:upper:]' '[:lower:]')"; }

# Fabric CA per org (issue 14): the CA signs with the org's cryptogen CA key pair; its TLS server cert is a cryptogen
# node cert (host ca.<domain>) from the org's TLS CA. Runtime files per org: .runtime/ca/<org lowercase>/.
org_lc()      { echo "$1" | tr '[:upper:]' '[:lower:]'; }
ca_name()     { echo "ca-$(org_lc "$1")"; }
org_caport()  { case "$1" in BPJS) echo 7054;; RS) echo 8054;; Puskesmas) echo 9054;; esac; }
org_caopsport() { case "$1" in BPJS) echo 17054;; RS) echo 18054;; Puskesmas) echo 19054;; esac; }
ca_org()      { case "$1" in ca-bpjs) echo BPJS;; ca-rs) echo RS;; ca-puskesmas) echo Puskesmas;; *) die "unknown CA $1";; esac; }
ca_rt()       { echo "$RT/ca/$(org_lc "$1")"; }
org_cadir()   { local d; d=$(org_domain "$1"); echo "$CRYPTO/peerOrganizations/$d/ca"; }
ca_tlsdir()   { local d; d=$(org_domain "$1"); echo "$CRYPTO/peerOrganizations/$d/peers/ca.$d/tls"; }
CAS=(ca-bpjs ca-rs ca-puskesmas)

ord_port()    { case "$1" in orderer0) echo 7050;; orderer1) echo 7150;; orderer2) echo 7250;; esac; }
ord_opsport() { case "$1" in orderer0) echo 8443;; orderer1) echo 8444;; orderer2) echo 8445;; esac; }
ord_admport() { case "$1" in orderer0) echo 7053;; orderer1) echo 7153;; orderer2) echo 7253;; esac; }

ORD_DOMAIN=orderer.bpjs.local
ord_dir()     { echo "$CRYPTO/ordererOrganizations/$ORD_DOMAIN/orderers/$1.$ORD_DOMAIN"; }
ORD_ADMIN="$CRYPTO/ordererOrganizations/$ORD_DOMAIN/users/Admin@$ORD_DOMAIN"
ORD_TLSCA="$CRYPTO/ordererOrganizations/$ORD_DOMAIN/tlsca/tlsca.$ORD_DOMAIN-cert.pem"
peer_dir()    { local d; d=$(org_domain "$1"); echo "$CRYPTO/peerOrganizations/$d/peers/peer0.$d"; }
org_tlsca()   { local d; d=$(org_domain "$1"); echo "$CRYPTO/peerOrganizations/$d/tlsca/tlsca.$d-cert.pem"; }
org_admin()   { local d; d=$(org_domain "$1"); echo "$CRYPTO/peerOrganizations/$d/users/Admin@$d"; }

log()  { printf '[network %s] %s\n' "$(date +%H:%M:%S)" "$*"; }
die()  { printf '[network] ERROR: %s\n' "$*" >&2; exit 1; }
now_ms() { date +%s%3N; }

# Download (or find in the module cache) a pinned Go module and check its hash; prints the module dir.
# sum.golang.org is unreachable here, so the checksum DB is skipped for this one module and the hash is pinned instead.
# Usage: go_module_dir <module> <version> <pinned h1: sum> <label for messages> <subdir the dir must hold>
go_module_dir() {
  local module=$1 version=$2 pinned=$3 label=$4 need=$5 json sum dir
  json=$(cd /tmp && GONOSUMDB="$module" GOFLAGS=-mod=mod go mod download -json "$module@$version") \
    || die "go mod download $module@$version failed (is the Go module proxy reachable?)"
  sum=$(printf '%s' "$json" | sed -n 's/^[[:space:]]*"Sum": "\(.*\)",*$/\1/p')
  dir=$(printf '%s' "$json" | sed -n 's/^[[:space:]]*"Dir": "\(.*\)",*$/\1/p')
  [ "$sum" = "$pinned" ] || die "$label module hash mismatch: got '$sum', pinned '$pinned'. Refusing to build."
  [ -d "$dir/$need" ] || die "$label module dir $dir has no $need"
  printf '%s\n' "$dir"
}

# ---- process management: every node runs in its own session, so its pid is also its process group id ----

pid_of() { [ -f "$PIDS/$1.pid" ] && cat "$PIDS/$1.pid" || true; }
# A pid file is only trusted if that process is alive and still the command we started (pids get reused).
is_running() {
  local pid; pid=$(pid_of "$1")
  [ -n "$pid" ] && kill -0 "$pid" 2>/dev/null && tr '\0' '\n' 2>/dev/null <"/proc/$pid/environ" | grep -qx "FASKES_NODE=$1"
}

# spawn NAME CMD...  (env for the node must already be exported by the caller, in a subshell)
spawn() {
  local name=$1; shift
  mkdir -p "$LOGS" "$PIDS"
  printf '\n==== start %s ====\n' "$(date -Is)" >>"$LOGS/$name.log"
  setsid env FASKES_NODE="$name" "$@" >>"$LOGS/$name.log" 2>&1 </dev/null &
  echo $! >"$PIDS/$name.pid"
}

stop_node() {
  local name=$1 pid i
  if ! is_running "$name"; then rm -f "$PIDS/$name.pid"; return 0; fi
  pid=$(pid_of "$name")
  kill -TERM -- "-$pid" 2>/dev/null || kill -TERM "$pid" 2>/dev/null || true
  for i in $(seq 1 50); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
  if kill -0 "$pid" 2>/dev/null; then kill -KILL -- "-$pid" 2>/dev/null || true; fi
  rm -f "$PIDS/$name.pid"
  log "stopped $name (pid $pid)"
}

# ---- health ----

# /healthz on the TLS operations endpoint of a node.
healthz() { # port cafile
  curl -fsS --max-time 2 --cacert "$2" "https://127.0.0.1:$1/healthz" >/dev/null 2>&1
}
node_healthy() {
  case "$1" in
    orderer*) healthz "$(ord_opsport "$1")" "$ORD_TLSCA" ;;
    peer-bpjs) healthz 9444 "$(org_tlsca BPJS)" ;;
    peer-rs) healthz 9445 "$(org_tlsca RS)" ;;
    peer-puskesmas) healthz 9446 "$(org_tlsca Puskesmas)" ;;
    chaincode) (exec 3<>/dev/tcp/127.0.0.1/9999) 2>/dev/null ;;
    # The CA has no TLS /healthz on its API port; GET /cainfo over TLS proves it serves (DB open, CA key loaded).
    ca-*) curl -fsS --max-time 2 --cacert "$(org_tlsca "$(ca_org "$1")")" \
            "https://127.0.0.1:$(org_caport "$(ca_org "$1")")/cainfo" >/dev/null 2>&1 ;;
  esac
}
wait_healthy() { # name timeout_s
  local name=$1 deadline=$(( $(date +%s) + ${2:-30} ))
  while ! node_healthy "$name"; do
    is_running "$name" || die "$name exited during start; see $LOGS/$name.log"
    [ "$(date +%s)" -lt "$deadline" ] || die "$name not healthy after ${2:-30}s; see $LOGS/$name.log"
    sleep 0.2
  done
}

# ---- peer CLI as an org admin ----
peer_admin_env() { # org
  local org=$1
  export FABRIC_CFG_PATH="$CFG"
  export CORE_PEER_TLS_ENABLED=true
  export CORE_PEER_LOCALMSPID; CORE_PEER_LOCALMSPID=$(org_msp "$org")
  export CORE_PEER_TLS_ROOTCERT_FILE; CORE_PEER_TLS_ROOTCERT_FILE=$(org_tlsca "$org")
  export CORE_PEER_MSPCONFIGPATH; CORE_PEER_MSPCONFIGPATH="$(org_admin "$org")/msp"
  export CORE_PEER_ADDRESS="127.0.0.1:$(org_port "$org")"
}
