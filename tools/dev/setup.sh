#!/usr/bin/env bash
# Idempotent setup for a fresh Debian machine or a warm one: system packages, npm dependencies (root and chaincode)
# and the Fabric binaries. Every step checks first and skips what is already in place, so `npm start` and `npm test`
# can call it every time. Needs: Node >= 20.19 with npm, Go (only on the first Fabric build), apt (Debian).
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/../.."
log() { printf '[setup] %s\n' "$*" >&2; }
t0=$(date +%s)

# Chromium drives the e2e suite; gnome-keyring + dbus give keytar a real Secret Service; ffmpeg turns a QR image into
# the fake webcam's video; jq/curl are used by the network scripts; poppler-utils (pdftotext, pdfinfo) reads the PDFs the
# print e2e makes; softhsm2 is the PKCS#11 token the workstation's HSM enrolment is tested with; gcc and libc6-dev let
# cgo build fabric-ca-server (SQLite).
APT_PACKAGES=(chromium ffmpeg libsecret-1-0 gnome-keyring dbus dbus-x11 jq curl ca-certificates poppler-utils softhsm2 gcc libc6-dev)
missing=()
for p in "${APT_PACKAGES[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' || missing+=("$p")
done
if [ ${#missing[@]} -gt 0 ]; then
  SUDO=""; [ "$(id -u)" = 0 ] || SUDO="sudo"
  log "installing system packages: ${missing[*]}"
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi

# npm: reinstall only when the lockfile changed since the last install (npm keeps a copy in node_modules).
# The Electron binary cannot be downloaded on these machines and is not needed to build or test: skip it.
export ELECTRON_SKIP_BINARY_DOWNLOAD=1
if ! cmp -s package-lock.json node_modules/.faskes-lock 2>/dev/null; then
  log "npm ci (root; better-sqlite3 builds from source, about 2 minutes on a cold machine)"
  npm ci --no-audit --no-fund --loglevel=error
  cp package-lock.json node_modules/.faskes-lock
fi
if [ -f chaincode/package-lock.json ] && ! cmp -s chaincode/package-lock.json chaincode/node_modules/.faskes-lock 2>/dev/null; then
  log "npm ci (chaincode)"
  (cd chaincode && npm ci --no-audit --no-fund --loglevel=error && cp package-lock.json node_modules/.faskes-lock)
fi

# Fabric binaries: cached per user and version (built once; later runs only verify the marker).
bash network/scripts/fabric-bin.sh >/dev/null
bash network/scripts/fabric-ca-bin.sh >/dev/null

log "ready in $(( $(date +%s) - t0 ))s"
