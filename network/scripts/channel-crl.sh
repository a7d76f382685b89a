#!/usr/bin/env bash
# bash network/scripts/channel-crl.sh <BPJS|RS|Puskesmas> <crl.pem>
# Puts an org CA's CRL into that org's MSP in the channel config of every channel (bpjs-main, bpjs-jawa), so the
# peers refuse the revoked certificates. Used by `npm run ledger:revoke`; runnable alone with a CRL from
# `fabric-ca-client gencrl`. Per channel: fetch the config block from the orderer, set
# Application.<Org>MSP.MSP.config.revocation_list to this CRL (one CA per org, so its newest CRL replaces the old one),
# compute the update with configtxlator, and submit it signed by the org's Admin (the MSP value's mod_policy is the
# org's Admins). Then wait (bounded, 60 s) until every peer has committed the config block.
set -euo pipefail
source "$(dirname "$0")/fabric-bin.sh"
[ $# -eq 2 ] || die "usage: channel-crl.sh <BPJS|RS|Puskesmas> <crl.pem>"
org=$1 crl=$2
org_domain "$org" >/dev/null
[ -s "$crl" ] && grep -q 'BEGIN X509 CRL' "$crl" || die "$crl is not a PEM CRL"
[ -f "$RT/.generated" ] || die "no network in $RT; run npm run network:up first"
ensure_fabric >/dev/null
msp=$(org_msp "$org")
work=$(mktemp -d); trap 'rm -rf "$work"' EXIT
ORD=(-o 127.0.0.1:7050 --tls --cafile "$ORD_TLSCA")
crl_b64=$(base64 -w0 "$crl")

height() { # org channel -> the org peer's block height
  (peer_admin_env "$1"; peer channel getinfo -c "$2" 2>/dev/null) | sed -n 's/^Blockchain info: //p' | jq -r '.height // 0'
}

for ch in "${CHANNELS[@]}"; do
  (
    peer_admin_env "$org"
    # Right after an orderer restart the fetch can fail until Raft has a leader: a few bounded retries.
    for i in 1 2 3 4 5 6 7 8 9 10; do
      peer channel fetch config "$work/$ch.block" -c "$ch" "${ORD[@]}" >"$work/fetch.log" 2>&1 && break
      [ "$i" -lt 10 ] || { cat "$work/fetch.log" >&2; die "could not fetch the config of $ch"; }
      sleep 1
    done
    configtxlator proto_decode --input "$work/$ch.block" --type common.Block | jq '.data.data[0].payload.data.config' >"$work/$ch.json"
    jq -e --arg m "$msp" '.channel_group.groups.Application.groups[$m]' "$work/$ch.json" >/dev/null || die "$msp is not in $ch"
    jq --arg m "$msp" --arg crl "$crl_b64" \
      '.channel_group.groups.Application.groups[$m].values.MSP.value.config.revocation_list = [$crl]' \
      "$work/$ch.json" >"$work/$ch.new.json"
    if cmp -s <(jq -S . "$work/$ch.json") <(jq -S . "$work/$ch.new.json"); then
      log "$ch: $msp already has this CRL"; exit 0
    fi
    configtxlator proto_encode --input "$work/$ch.json" --type common.Config --output "$work/$ch.pb"
    configtxlator proto_encode --input "$work/$ch.new.json" --type common.Config --output "$work/$ch.new.pb"
    configtxlator compute_update --channel_id "$ch" --original "$work/$ch.pb" --updated "$work/$ch.new.pb" --output "$work/$ch.update.pb"
    configtxlator proto_decode --input "$work/$ch.update.pb" --type common.ConfigUpdate \
      | jq --arg ch "$ch" '{payload: {header: {channel_header: {channel_id: $ch, type: 2}}, data: {config_update: .}}}' \
      >"$work/$ch.env.json"
    configtxlator proto_encode --input "$work/$ch.env.json" --type common.Envelope --output "$work/$ch.env.pb"
    # `peer channel update` signs the envelope as the local MSP identity: the org's Admin (peer_admin_env).
    peer channel update -f "$work/$ch.env.pb" -c "$ch" "${ORD[@]}" >"$work/update.log" 2>&1 \
      || { cat "$work/update.log" >&2; die "config update of $ch refused"; }
    # The new config block is the newest one: its number tells when every peer has it.
    peer channel fetch config "$work/$ch.after" -c "$ch" "${ORD[@]}" >/dev/null 2>&1 || die "could not re-fetch the config of $ch"
    configtxlator proto_decode --input "$work/$ch.after" --type common.Block | jq -r '.header.number' >"$work/$ch.number"
    log "$ch: CRL of $msp submitted in config block $(cat "$work/$ch.number")"
  )
  [ -f "$work/$ch.number" ] || continue
  n=$(cat "$work/$ch.number")
  deadline=$(( $(date +%s) + 60 ))
  for o in "${ORGS[@]}"; do
    # height prints nothing while the peer is busy or restarting: count that as not there yet.
    until h=$(height "$o" "$ch" 2>/dev/null); [ "${h:-0}" -gt "$n" ] 2>/dev/null; do
      [ "$(date +%s)" -lt "$deadline" ] || die "peer of $o did not commit config block $n of $ch within 60 s"
      sleep 0.3
    done
  done
  log "$ch: every peer has committed config block $n"
done
