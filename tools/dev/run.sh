#!/usr/bin/env bash
# The README's run command: sets up what is missing, builds, and starts the workstation.
# Where an Electron binary is installed (a desktop), it opens the app; elsewhere it serves the same app through the
# browser shell and prints its URL. Remotes that are not configured use the demo stand-ins (local Fabric network,
# PCare and SATUSEHAT simulators), and the screen says so.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/../.."
bash tools/dev/setup.sh
npx electron-vite build >/dev/null
npm run -s network:up
electron_bin=$(node -e "try{process.stdout.write(require('electron'))}catch{}" 2>/dev/null || true)
if [ -n "$electron_bin" ] && [ -x "$electron_bin" ] && [ -n "${DISPLAY:-}${WAYLAND_DISPLAY:-}" ]; then
  # Desktop: the app itself, with the user's own keychain. The simulator runs beside it; the app uses it (and the
  # local network) only while no real PCare URL / peer is configured in Pengaturan.
  # Likewise the SATUSEHAT simulator, used while SATUSEHAT's environment in Pengaturan is "demo".
  mkdir -p .runtime/pcare-sim .runtime/satusehat-sim
  npx tsx tools/pcare-sim/main.ts --port 8787 --state .runtime/pcare-sim/state.json &
  sim=$!
  npx tsx tools/satusehat-sim/main.ts --port 8788 --state .runtime/satusehat-sim/state.json --quiet &
  ssim=$!
  trap 'kill $sim $ssim 2>/dev/null || true' EXIT
  FASKES_DEMO_PCARE_URL=http://127.0.0.1:8787 FASKES_DEMO_SATUSEHAT_URL=http://127.0.0.1:8788 FASKES_DEMO_LEDGER_DIR="$PWD/network/.runtime" "$electron_bin" .
  exit $?
fi
# Headless: the browser shell. Without a desktop session there is no keychain, so a local gnome-keyring under
# .runtime/ stands in for it (persisted, so saved credentials survive a restart).
if [ -z "${DBUS_SESSION_BUS_ADDRESS:-}" ]; then
  export FASKES_KEYRING_DIR="$PWD/.runtime/keyring"
  exec bash tools/dev/with-keyring.sh npx tsx tools/dev/workstation.ts "$@"
fi
exec npx tsx tools/dev/workstation.ts "$@"
