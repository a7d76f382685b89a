#!/usr/bin/env bash
# Runs a command with a real Secret Service: a private D-Bus session and a gnome-keyring unlocked with a throwaway
# password, its keyring files in a temp folder (never the user's own keyring). keytar then stores for real.
set -euo pipefail
if [ "${FASKES_IN_KEYRING:-}" = 1 ]; then exec "$@"; fi
export XDG_DATA_HOME; XDG_DATA_HOME=$(mktemp -d /tmp/faskes-keyring.XXXXXX)
trap 'rm -rf "$XDG_DATA_HOME"' EXIT
export FASKES_IN_KEYRING=1
dbus-run-session -- bash -c '
  # The password only protects this temporary keyring for the length of the session.
  printf "faskes-test-keyring" | gnome-keyring-daemon --unlock --components=secrets >/dev/null 2>&1
  exec "$@"' keyring "$@" 2> >(grep -v "Failed to set fd limit" >&2)
