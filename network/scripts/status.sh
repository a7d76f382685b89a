#!/usr/bin/env bash
# npm run network:status — per node: running?, pid, RSS, /healthz; then a chaincode query per channel.
# Exit code 0 only if every node is healthy and the chaincode answers.
set -uo pipefail
source "$(dirname "$0")/lib.sh"
[ -f "$RT/.generated" ] || { echo "no network (run npm run network:up)"; exit 1; }
ok=0; total_kb=0
rss_kb() { # RSS of the whole process group (npm + node for the chaincode)
  ps -o rss= -g "$1" 2>/dev/null | awk '{s+=$1} END {print s+0}'
}
peak_kb() { # peak RSS (VmHWM) since start, summed over the process group
  local p s=0 v
  for p in $(ps -o pid= -g "$1" 2>/dev/null); do
    v=$(awk '/^VmHWM:/ {print $2}' "/proc/$p/status" 2>/dev/null || true); s=$((s + ${v:-0}))
  done
  echo "$s"
}
total_peak=0
printf '%-16s %-8s %-8s %-7s %-8s %s\n' NODE STATE PID RSS_MB PEAK_MB HEALTH
for n in orderer0 orderer1 orderer2 peer-bpjs peer-rs peer-puskesmas chaincode ca-bpjs ca-rs ca-puskesmas; do
  if is_running "$n"; then
    pid=$(pid_of "$n"); kb=$(rss_kb "$pid"); total_kb=$((total_kb + kb)); pk=$(peak_kb "$pid"); total_peak=$((total_peak + pk))
    if node_healthy "$n"; then h=OK; else h=FAIL; ok=1; fi
    printf '%-16s %-8s %-8s %-7s %-8s %s\n' "$n" running "$pid" "$((kb / 1024))" "$((pk / 1024))" "$h"
  else
    printf '%-16s %-8s %-8s %-7s %-8s %s\n' "$n" stopped - - - -; ok=1
  fi
done
echo "total RSS now: $((total_kb / 1024)) MB, sum of per-process peaks: $((total_peak / 1024)) MB"
if [ $ok -eq 0 ]; then
  source "$(dirname "$0")/fabric-bin.sh"
  FABRIC_BIN="${FABRIC_CACHE}/bin"; [ -x "$FABRIC_BIN/peer" ] || FABRIC_BIN=$(dirname "$(command -v peer)")
  for ch in bpjs-main bpjs-jawa; do
    if (peer_admin_env BPJS; "$FABRIC_BIN/peer" chaincode query -C "$ch" -n faskes -c '{"Args":["History:ForPatient","0000000000000"]}' >/dev/null 2>&1); then
      echo "chaincode faskes on $ch: OK"
    else echo "chaincode faskes on $ch: FAIL"; ok=1; fi
  done
fi
exit $ok
