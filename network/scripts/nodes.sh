#!/usr/bin/env bash
# Start functions for single nodes. Sourced (after fabric-bin.sh and ensure_fabric). Each node runs detached in its own
# session (setsid), logs to .runtime/logs/<name>.log, and keeps its data in .runtime/data/<name> across restarts.

start_orderer() { # orderer0|orderer1|orderer2
  local name=$1 d; d=$(ord_dir "$name")
  if is_running "$name"; then return 0; fi
  mkdir -p "$DATA/$name"
  (
    export FABRIC_CFG_PATH="$CFG"
    export FABRIC_LOGGING_SPEC=INFO
    export ORDERER_GENERAL_LISTENADDRESS=127.0.0.1
    export ORDERER_GENERAL_LISTENPORT; ORDERER_GENERAL_LISTENPORT=$(ord_port "$name")
    export ORDERER_GENERAL_LOCALMSPID=OrdererMSP
    export ORDERER_GENERAL_LOCALMSPDIR="$d/msp"
    export ORDERER_GENERAL_TLS_ENABLED=true
    export ORDERER_GENERAL_TLS_PRIVATEKEY="$d/tls/server.key"
    export ORDERER_GENERAL_TLS_CERTIFICATE="$d/tls/server.crt"
    export ORDERER_GENERAL_TLS_ROOTCAS="[$d/tls/ca.crt]"
    # Channels are created with the channel participation API (osnadmin), not a system channel.
    export ORDERER_GENERAL_BOOTSTRAPMETHOD=none
    export ORDERER_CHANNELPARTICIPATION_ENABLED=true
    export ORDERER_FILELEDGER_LOCATION="$DATA/$name/ledger"
    export ORDERER_CONSENSUS_WALDIR="$DATA/$name/etcdraft/wal"
    export ORDERER_CONSENSUS_SNAPDIR="$DATA/$name/etcdraft/snap"
    export ORDERER_OPERATIONS_LISTENADDRESS="127.0.0.1:$(ord_opsport "$name")"
    export ORDERER_OPERATIONS_TLS_ENABLED=true
    export ORDERER_OPERATIONS_TLS_CERTIFICATE="$d/tls/server.crt"
    export ORDERER_OPERATIONS_TLS_PRIVATEKEY="$d/tls/server.key"
    # Admin API (osnadmin) with mutual TLS: only holders of an orderer-org TLS client cert may join/remove channels.
    export ORDERER_ADMIN_LISTENADDRESS="127.0.0.1:$(ord_admport "$name")"
    export ORDERER_ADMIN_TLS_ENABLED=true
    export ORDERER_ADMIN_TLS_CERTIFICATE="$d/tls/server.crt"
    export ORDERER_ADMIN_TLS_PRIVATEKEY="$d/tls/server.key"
    export ORDERER_ADMIN_TLS_ROOTCAS="[$d/tls/ca.crt]"
    export ORDERER_ADMIN_TLS_CLIENTAUTHREQUIRED=true
    export ORDERER_ADMIN_TLS_CLIENTROOTCAS="[$d/tls/ca.crt]"
    export ORDERER_METRICS_PROVIDER=disabled
    spawn "$name" "$FABRIC_BIN/orderer"
  )
  log "started $name (pid $(pid_of "$name"))"
}

start_peer() { # BPJS|RS|Puskesmas
  local org=$1 name d port; name=$(peer_name "$org"); d=$(peer_dir "$org"); port=$(org_port "$org")
  if is_running "$name"; then return 0; fi
  mkdir -p "$DATA/$name"
  (
    export FABRIC_CFG_PATH="$CFG"
    export FABRIC_LOGGING_SPEC=INFO
    export CORE_PEER_ID="peer0.$(org_domain "$org")"
    export CORE_PEER_ADDRESS="127.0.0.1:$port"
    export CORE_PEER_LISTENADDRESS="127.0.0.1:$port"
    export CORE_PEER_CHAINCODEADDRESS="127.0.0.1:$(org_ccport "$org")"
    export CORE_PEER_CHAINCODELISTENADDRESS="127.0.0.1:$(org_ccport "$org")"
    # One peer per org: it bootstraps gossip from itself; the external endpoint lets other orgs (and the gateway's
    # discovery) find it, which cross-org endorsement and private-data dissemination need.
    export CORE_PEER_GOSSIP_BOOTSTRAP="127.0.0.1:$port"
    export CORE_PEER_GOSSIP_EXTERNALENDPOINT="127.0.0.1:$port"
    export CORE_PEER_LOCALMSPID; CORE_PEER_LOCALMSPID=$(org_msp "$org")
    export CORE_PEER_MSPCONFIGPATH="$d/msp"
    export CORE_PEER_TLS_ENABLED=true
    export CORE_PEER_TLS_CERT_FILE="$d/tls/server.crt"
    export CORE_PEER_TLS_KEY_FILE="$d/tls/server.key"
    export CORE_PEER_TLS_ROOTCERT_FILE="$d/tls/ca.crt"
    export CORE_PEER_FILESYSTEMPATH="$DATA/$name"
    export CORE_LEDGER_SNAPSHOTS_ROOTDIR="$DATA/$name/snapshots"
    export CORE_OPERATIONS_LISTENADDRESS="127.0.0.1:$(org_opsport "$org")"
    export CORE_OPERATIONS_TLS_ENABLED=true
    export CORE_OPERATIONS_TLS_CERT_FILE="$d/tls/server.crt"
    export CORE_OPERATIONS_TLS_KEY_FILE="$d/tls/server.key"
    export CORE_METRICS_PROVIDER=disabled
    # No Docker: chaincode only through our CCaaS builder scripts (network/builders/ccaas).
    export CORE_CHAINCODE_EXTERNALBUILDERS="[{name: ccaas, path: $NET_DIR/builders/ccaas}]"
    spawn "$name" "$FABRIC_BIN/peer" node start
  )
  log "started $name (pid $(pid_of "$name"))"
}

# The chaincode server: one `fabric-chaincode-node server` process (chaincode/ npm start) that all three peers dial
# over TLS. CHAINCODE_ID must be the installed package id.
start_chaincode() {
  local name=chaincode cc; cc="$CRYPTO/peerOrganizations/bpjs.local/peers/ccaas.bpjs.local/tls"
  if is_running "$name"; then return 0; fi
  [ -f "$RT/package-id" ] || die "chaincode package id unknown; run npm run network:up"
  (
    cd "$REPO_DIR/chaincode"
    export CHAINCODE_SERVER_ADDRESS="$CC_ADDRESS"
    export CHAINCODE_ID; CHAINCODE_ID=$(cat "$RT/package-id")
    # fabric-chaincode-node reads CORE_* env as CLI options (yargs .env('CORE')).
    export CORE_CHAINCODE_TLS_CERT_FILE="$cc/server.crt"
    export CORE_CHAINCODE_TLS_KEY_FILE="$cc/server.key"
    export CORE_CHAINCODE_LOGGING_LEVEL=info
    spawn "$name" npm start --silent
  )
  log "started chaincode server (pid $(pid_of "$name"))"
}

# The org's Fabric CA (fabric-ca-server) on 127.0.0.1:<org_caport> with TLS. It issues the client identities
# (workstations, BPJS officer clients) with the org's cryptogen CA key pair, so the channel MSPs stay unchanged.
# Server home (SQLite DB with the registrations, config, idemix keys) is .runtime/data/ca-<org>, kept across restarts.
# The bootstrap registrar `admin` gets its per-network random secret from .runtime/ca/<org>/registrar.json.
ca_prepare() { # BPJS|RS|Puskesmas — write tls-cert.pem and (once) registrar.json
  local org=$1 dir; dir=$(ca_rt "$org")
  mkdir -p "$dir"; chmod 700 "$dir"
  [ -f "$(ca_tlsdir "$org")/server.crt" ] || die "no TLS cert for $(ca_name "$org") in $(ca_tlsdir "$org"); run npm run network:up"
  # What a client trusts for the CA's TLS: the org's TLS CA (the same one the org's peer chains to).
  cp -f "$(org_tlsca "$org")" "$dir/tls-cert.pem"
  if [ ! -f "$dir/registrar.json" ]; then
    (umask 077
     jq -n --arg url "https://localhost:$(org_caport "$org")" --arg name "$(ca_name "$org")" \
           --arg secret "$(od -An -tx1 -N18 /dev/urandom | tr -d ' \n')" \
       '{url: $url, caName: $name, enrollmentId: "admin", secret: $secret}' >"$dir/registrar.json.tmp")
    mv "$dir/registrar.json.tmp" "$dir/registrar.json"
  fi
}

start_ca() { # BPJS|RS|Puskesmas
  local org=$1 name home tls ca; name=$(ca_name "$org"); home="$DATA/$(ca_name "$org")"
  tls=$(ca_tlsdir "$org"); ca=$(org_cadir "$org")
  if is_running "$name"; then return 0; fi
  [ -n "${FABRIC_CA_BIN:-}" ] || die "FABRIC_CA_BIN unset (source fabric-ca-bin.sh and call ensure_fabric_ca)"
  ca_prepare "$org"
  mkdir -p "$home"; chmod 700 "$home"  # its generated config holds the bootstrap secret
  (
    export FABRIC_CA_SERVER_HOME="$home"
    # The secret goes through the environment (readable only by this user), not argv (visible to everyone in ps).
    export FABRIC_CA_SERVER_BOOT; FABRIC_CA_SERVER_BOOT="admin:$(jq -r .secret "$(ca_rt "$org")/registrar.json")"
    export FABRIC_CA_SERVER_OPERATIONS_LISTENADDRESS="127.0.0.1:$(org_caopsport "$org")"
    export FABRIC_CA_SERVER_METRICS_PROVIDER=disabled
    spawn "$name" "$FABRIC_CA_BIN/fabric-ca-server" start --address 127.0.0.1 --port "$(org_caport "$org")" \
      --ca.name "$name" --ca.certfile "$ca/ca.$(org_domain "$org")-cert.pem" --ca.keyfile "$ca/priv_sk" \
      --tls.enabled --tls.certfile "$tls/server.crt" --tls.keyfile "$tls/server.key"
  )
  log "started $name (pid $(pid_of "$name"))"
}

start_node() { # any node name
  case "$1" in
    orderer0|orderer1|orderer2) start_orderer "$1" ;;
    peer-bpjs) start_peer BPJS ;;
    peer-rs) start_peer RS ;;
    peer-puskesmas) start_peer Puskesmas ;;
    chaincode) start_chaincode ;;
    ca-bpjs|ca-rs|ca-puskesmas) start_ca "$(ca_org "$1")" ;;
    *) die "unknown node '$1' (orderer0..2, peer-bpjs, peer-rs, peer-puskesmas, chaincode, ca-bpjs, ca-rs, ca-puskesmas)" ;;
  esac
}
ALL_NODES=(orderer0 orderer1 orderer2 peer-bpjs peer-rs peer-puskesmas chaincode ca-bpjs ca-rs ca-puskesmas)
