#!/usr/bin/env bash
# npm run network:up — bring the local Fabric network up, idempotently:
#  fresh machine: build/find binaries, generate crypto + channel genesis blocks, start 3 orderers + 3 peers,
#                 join channels (osnadmin, peer channel join), deploy chaincode `faskes` (CCaaS), seed demo cards;
#  stopped network: restart the processes on their existing data; running network: only verify health.
set -euo pipefail
source "$(dirname "$0")/fabric-bin.sh"
source "$(dirname "$0")/fabric-ca-bin.sh"
source "$(dirname "$0")/nodes.sh"

T0=$(now_ms)
ensure_fabric
ensure_fabric_ca
command -v jq >/dev/null || die "jq is required (apt-get install jq)"
command -v curl >/dev/null || die "curl is required (apt-get install curl)"

# retry N CMD...: ordering needs an elected Raft leader, which takes a few seconds after (re)start.
retry() {
  local n=$1 i; shift
  for i in $(seq 1 "$n"); do
    if "$@" >"$RT/last-cmd.log" 2>&1; then return 0; fi
    sleep 1
  done
  cat "$RT/last-cmd.log" >&2
  die "failed after $n attempts: $*"
}

# ---------- 1. config (re-copied every time so patches stay in one place) ----------
mkdir -p "$CFG" "$LOGS" "$PIDS" "$DATA"
cp -f "$FABRIC_SAMPLECONFIG/core.yaml" "$FABRIC_SAMPLECONFIG/orderer.yaml" "$CFG/"
chmod u+w "$CFG/core.yaml" "$CFG/orderer.yaml"
# v2.5 ignores an empty CORE_VM_ENDPOINT, and with the Docker endpoint set /healthz fails without Docker.
sed -i 's#^\(\s*endpoint:\) unix:///var/run/docker.sock#\1 ""#' "$CFG/core.yaml"
grep -q 'endpoint: ""' "$CFG/core.yaml" || die "could not blank vm.endpoint in core.yaml"

# ---------- 2. crypto + genesis blocks (once per network) ----------
if [ ! -f "$RT/.generated" ]; then
  log "generating crypto (cryptogen) and channel genesis blocks (configtxgen)"
  rm -rf "$CRYPTO" "$ARTIFACTS" "$DATA"
  cryptogen generate --config="$NET_DIR/config/crypto-config.yaml" --output="$CRYPTO" >/dev/null
  mkdir -p "$ARTIFACTS"
  FABRIC_CFG_PATH="$NET_DIR/config" configtxgen -profile BpjsMain -channelID bpjs-main -outputBlock "$ARTIFACTS/bpjs-main.block" 2>"$LOGS/configtxgen.log"
  FABRIC_CFG_PATH="$NET_DIR/config" configtxgen -profile BpjsJawa -channelID bpjs-jawa -outputBlock "$ARTIFACTS/bpjs-jawa.block" 2>>"$LOGS/configtxgen.log"
  date -Is >"$RT/.generated"
fi
# A network generated before the CAs existed lacks the CAs' TLS certs: add them without touching anything else.
for org in "${ORGS[@]}"; do
  if [ ! -f "$(ca_tlsdir "$org")/server.crt" ]; then
    log "adding the CA TLS certs to the existing crypto (cryptogen extend)"
    cryptogen extend --input="$CRYPTO" --config="$NET_DIR/config/crypto-config.yaml" >/dev/null
    break
  fi
done

# ---------- 3. processes ----------
for o in "${ORDERERS[@]}"; do start_orderer "$o"; done
for org in "${ORGS[@]}"; do start_peer "$org"; done
for org in "${ORGS[@]}"; do start_ca "$org"; done
for o in "${ORDERERS[@]}"; do wait_healthy "$o" 30; done
for org in "${ORGS[@]}"; do wait_healthy "$(peer_name "$org")" 30; done
for n in "${CAS[@]}"; do wait_healthy "$n" 30; done
log "orderers, peers and CAs healthy ($(( $(now_ms) - T0 )) ms)"

# The org admin's registrar identity at each CA (client home .runtime/ca/<org>/registrar): enrolled once per network,
# the three in parallel.
enrol_registrar() { # org
  local org=$1 reg; reg="$(ca_rt "$1")/registrar"
  [ ! -f "$reg/msp/signcerts/cert.pem" ] || return 0
  # Secret via the environment (FABRIC_CA_CLIENT_URL), not argv.
  FABRIC_CA_CLIENT_URL="https://admin:$(jq -r .secret "$(ca_rt "$org")/registrar.json")@localhost:$(org_caport "$org")" \
    "$FABRIC_CA_BIN/fabric-ca-client" enroll -H "$reg" --caname "$(ca_name "$org")" \
    --tls.certfiles "$(ca_rt "$org")/tls-cert.pem" >"$LOGS/registrar-enroll-$(org_lc "$org").log" 2>&1 \
    || { cat "$LOGS/registrar-enroll-$(org_lc "$org").log" >&2; die "could not enrol the registrar of $(ca_name "$org")"; }
  log "enrolled the registrar of $(ca_name "$org")"
}
pids=()
for org in "${ORGS[@]}"; do enrol_registrar "$org" & pids+=($!); done
for p in "${pids[@]}"; do wait "$p" || die "registrar enrolment failed"; done

# ---------- 4. channels ----------
for ch in "${CHANNELS[@]}"; do
  for o in "${ORDERERS[@]}"; do
    osn=(--orderer-address "127.0.0.1:$(ord_admport "$o")" --ca-file "$ORD_TLSCA"
         --client-cert "$ORD_ADMIN/tls/client.crt" --client-key "$ORD_ADMIN/tls/client.key")
    # Right after a restart the admin endpoint can fail `list` although the orderer has the channel; the join then
    # answers 405 "already exists", which counts as joined. A failed connection is retried, then reported.
    if ! osnadmin channel list "${osn[@]}" --channelID "$ch" 2>/dev/null | grep -q '"name": "'"$ch"'"'; then
      for i in $(seq 1 10); do
        # osnadmin exits 0 on any HTTP answer: the status line tells what happened (201 = joined).
        out=$(osnadmin channel join "${osn[@]}" --channelID "$ch" --config-block "$ARTIFACTS/$ch.block" 2>&1) || true
        if grep -q "Status: 201" <<<"$out"; then log "$o joined $ch"; break; fi
        if grep -q "already exists" <<<"$out"; then break; fi
        [ "$i" -lt 10 ] || { echo "$out" >&2; die "$o could not join $ch"; }
        sleep 1
      done
    fi
  done
  for org in "${ORGS[@]}"; do
    (
      peer_admin_env "$org"
      # `channel list` can fail for a moment after a restart, so a join saying "already exists" also counts as joined.
      if ! peer channel list 2>/dev/null | grep -qx "$ch"; then
        for i in $(seq 1 10); do
          if out=$(peer channel join -b "$ARTIFACTS/$ch.block" 2>&1); then log "peer of $org joined $ch"; break; fi
          if grep -q "already exists" <<<"$out"; then break; fi
          [ "$i" -lt 10 ] || { echo "$out" >&2; die "peer of $org could not join $ch"; }
          sleep 1
        done
      fi
    )
  done
done

# ---------- 5. chaincode package (deterministic: same crypto -> same bytes -> same package id) ----------
PKG="$RT/chaincode/$CC_NAME.tgz"
if [ ! -f "$RT/package-id" ]; then
  log "packaging chaincode $CC_NAME for CCaaS"
  rm -rf "$RT/chaincode" && mkdir -p "$RT/chaincode/src" "$RT/chaincode/pkg"
  # Peers dial the chaincode server over TLS; its cert (cryptogen host ccaas.bpjs.local) is issued by the BPJS TLS CA.
  jq -n --arg addr "$CC_ADDRESS" --rawfile ca "$(org_tlsca BPJS)" \
    '{address: $addr, dial_timeout: "10s", tls_required: true, client_auth_required: false, root_cert: $ca}' \
    >"$RT/chaincode/src/connection.json"
  printf '{"type":"ccaas","label":"%s_%s"}\n' "$CC_NAME" "$CC_VERSION" >"$RT/chaincode/pkg/metadata.json"
  tarz() { tar --sort=name --mtime=@0 --owner=0 --group=0 --numeric-owner --format=gnu -C "$1" -cf - "${@:2}" | gzip -n; }
  tarz "$RT/chaincode/src" connection.json >"$RT/chaincode/pkg/code.tar.gz"
  tarz "$RT/chaincode/pkg" code.tar.gz metadata.json >"$PKG.tmp"
  mv "$PKG.tmp" "$PKG"
  FABRIC_CFG_PATH="$CFG" peer lifecycle chaincode calculatepackageid "$PKG" >"$RT/package-id.tmp"
  mv "$RT/package-id.tmp" "$RT/package-id"
fi
PKG_ID=$(cat "$RT/package-id")

for org in "${ORGS[@]}"; do
  (
    peer_admin_env "$org"
    if ! peer lifecycle chaincode queryinstalled --output json 2>/dev/null | jq -e --arg id "$PKG_ID" '.installed_chaincodes[]? | select(.package_id == $id)' >/dev/null; then
      retry 5 peer lifecycle chaincode install "$PKG"
      log "installed $PKG_ID on peer of $org"
    fi
  )
done

# ---------- 6. chaincode server ----------
if [ ! -f "$REPO_DIR/chaincode/dist/index.js" ] || [ -n "$(find "$REPO_DIR/chaincode/src" -newer "$REPO_DIR/chaincode/dist/index.js" -name '*.ts' 2>/dev/null | head -1)" ]; then
  log "building chaincode (chaincode/: npm run build)"
  [ -d "$REPO_DIR/chaincode/node_modules" ] || (cd "$REPO_DIR/chaincode" && npm ci --no-audit --no-fund >"$LOGS/chaincode-npm.log" 2>&1)
  (cd "$REPO_DIR/chaincode" && npm run build --silent >"$LOGS/chaincode-build.log" 2>&1) || die "chaincode build failed; see $LOGS/chaincode-build.log"
  # A running server still has the old code loaded. The package id stays the same (CCaaS packages hold only
  # connection.json), so restarting the process is enough for dev; a definition change needs a new sequence.
  stop_node chaincode
elif [ -f "$PIDS/chaincode.pid" ] && [ -n "$(find "$REPO_DIR/chaincode/dist" -newer "$PIDS/chaincode.pid" -name '*.js' 2>/dev/null | head -1)" ]; then
  # Built by hand (cd chaincode && npm run build) after the server started: it still runs the old code.
  log "chaincode/dist is newer than the running server: restarting it"
  stop_node chaincode
fi
start_chaincode
wait_healthy chaincode 30

# ---------- 7. lifecycle: approve x3, commit, per channel ----------
# The definition's --version names the definition (collections, policies), not the code: CCaaS code changes need only
# a server restart (step 6). Change CC_DEFINITION whenever chaincode/collections_config.json or the endorsement
# policy changes: a running network then gets the next sequence (committed + 1), a fresh one starts at 1.
CC_DEFINITION="2-bpjsPeserta"
ORD_ARGS=(-o 127.0.0.1:7050 --tls --cafile "$ORD_TLSCA")
[ -f "$REPO_DIR/chaincode/collections_config.json" ] || die "chaincode/collections_config.json missing"
for ch in "${CHANNELS[@]}"; do
  committed_json=$( (peer_admin_env BPJS; peer lifecycle chaincode querycommitted --channelID "$ch" --name "$CC_NAME" --output json 2>/dev/null || true) )
  committed=$(jq -r '.sequence // 0' <<<"${committed_json:-"{}"}")
  if [ "$(jq -r '.version // ""' <<<"${committed_json:-"{}"}")" = "$CC_DEFINITION" ]; then continue; fi
  CC_ARGS=(--name "$CC_NAME" --version "$CC_DEFINITION" --sequence "$(( ${committed:-0} + 1 ))"
           --collections-config "$REPO_DIR/chaincode/collections_config.json")
  for org in "${ORGS[@]}"; do
    (
      peer_admin_env "$org"
      ready=$(peer lifecycle chaincode checkcommitreadiness --channelID "$ch" "${CC_ARGS[@]}" --output json 2>/dev/null | jq -r --arg m "$(org_msp "$org")" '.approvals[$m] // false')
      if [ "$ready" != true ]; then
        retry 20 peer lifecycle chaincode approveformyorg "${ORD_ARGS[@]}" --channelID "$ch" "${CC_ARGS[@]}" --package-id "$PKG_ID"
        log "$org approved $CC_NAME on $ch"
      fi
    )
  done
  # No --signature-policy: the definition uses the channel's /Channel/Application/Endorsement = MAJORITY (2 of 3 orgs).
  # Claims and cards need BPJS on top through state-based endorsement and bpjsPeserta's collection policy
  # (chaincode/README.md#trust-model).
  peers=()
  for org in "${ORGS[@]}"; do peers+=(--peerAddresses "127.0.0.1:$(org_port "$org")" --tlsRootCertFiles "$(org_tlsca "$org")"); done
  (peer_admin_env BPJS; retry 20 peer lifecycle chaincode commit "${ORD_ARGS[@]}" --channelID "$ch" "${CC_ARGS[@]}" "${peers[@]}")
  log "committed $CC_NAME on $ch"
done

# ---------- 8. health: a chaincode query through every peer ----------
for ch in "${CHANNELS[@]}"; do
  for org in "${ORGS[@]}"; do
    # As BPJS's Admin (BPJS reads every patient; the faskes reads need a workstation identity) through this org's
    # peer: a real contract call, not only the contract API's metadata.
    (peer_admin_env BPJS; export CORE_PEER_ADDRESS="127.0.0.1:$(org_port "$org")" CORE_PEER_TLS_ROOTCERT_FILE; CORE_PEER_TLS_ROOTCERT_FILE=$(org_tlsca "$org")
     retry 30 peer chaincode query -C "$ch" -n "$CC_NAME" -c '{"Args":["History:ForPatient","0000000000000"]}')
  done
done
log "chaincode answers on all peers of ${CHANNELS[*]} ($(( $(now_ms) - T0 )) ms)"

# ---------- 9. seed demo cards (idempotent by noKartu) ----------
if [ "${FASKES_SKIP_SEED:-0}" != 1 ]; then
  (cd "$REPO_DIR" && npx tsx network/scripts/seed.ts) || die "seeding demo cards failed"
fi
log "network up in $(( $(now_ms) - T0 )) ms — status: npm run network:status"
