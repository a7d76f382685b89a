#!/usr/bin/env bash
# Runs a command with a real Secret Service: a private D-Bus session and a gnome-keyring unlocked for that session.
# By default the keyring lives in a temp folder deleted afterwards (tests: never the user's own keyring).
# With FASKES_KEYRING_DIR set it persists there (the headless demo, where no desktop keychain exists), so saved
# credentials and the admins' sealing key survive a restart.
set -euo pipefail
if [ "${FASKES_IN_KEYRING:-}" = 1 ]; then exec "$@"; fi
export XDG_DATA_HOME
if [ -n "${FASKES_KEYRING_DIR:-}" ]; then
  mkdir -p "$FASKES_KEYRING_DIR" && chmod 700 "$FASKES_KEYRING_DIR"
  XDG_DATA_HOME=$FASKES_KEYRING_DIR
else
  XDG_DATA_HOME=$(mktemp -d /tmp/faskes-keyring.XXXXXX)
  trap 'rm -rf "$XDG_DATA_HOME"' EXIT
fi
export FASKES_IN_KEYRING=1
dbus-run-session -- bash -c '
  # The unlock password only guards this local keyring file; on a desktop the user'"'"'s own keychain is used instead.
  printf "faskes-local-keyring" | gnome-keyring-daemon --unlock --components=secrets >/dev/null 2>&1
  exec "$@"' keyring "$@" 2> >(grep -v "Failed to set fd limit" >&2)
