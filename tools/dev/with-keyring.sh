#!/usr/bin/env bash
# Runs a command with a real Secret Service: a private D-Bus session and a gnome-keyring unlocked for that session.
# By default the keyring lives in a temp folder deleted afterwards (tests: never the user's own keyring).
# With FASKES_KEYRING_DIR set it persists there (the headless demo, where no desktop keychain exists), so saved
# credentials, the admins' sealing key and the database key survive a restart.
#
# The keyring's unlock password is random: a new one per run for a temp keyring, and for a persisted keyring one
# generated at its first use and kept in a 0600 file OUTSIDE the checkout (FASKES_KEYRING_PASSWORD_FILE, default
# ~/.config/faskes-workstation/keyring-password), so a copy of the project folder or of .runtime/keyring alone does
# not open it. Losing that file means the keyring cannot be opened again (docs/data-at-rest.md).
set -euo pipefail
if [ "${FASKES_IN_KEYRING:-}" = 1 ]; then exec "$@"; fi
new_password() { (umask 077 && head -c 32 /dev/urandom | base64 | tr -d '\n=+/' >"$1"); }
export XDG_DATA_HOME FASKES_KEYRING_PASSWORD_FILE
if [ -n "${FASKES_KEYRING_DIR:-}" ]; then
  mkdir -p "$FASKES_KEYRING_DIR" && chmod 700 "$FASKES_KEYRING_DIR"
  XDG_DATA_HOME=$FASKES_KEYRING_DIR
  FASKES_KEYRING_PASSWORD_FILE=${FASKES_KEYRING_PASSWORD_FILE:-${XDG_CONFIG_HOME:-$HOME/.config}/faskes-workstation/keyring-password}
  if [ ! -s "$FASKES_KEYRING_PASSWORD_FILE" ]; then
    if [ -n "$(ls -A "$FASKES_KEYRING_DIR/keyrings" 2>/dev/null)" ]; then
      # A keyring made before the password was per install: a new password would not open it, and there is no
      # supported way to re-key it from here. Say so instead of starting with a locked keychain.
      echo "with-keyring: $FASKES_KEYRING_DIR holds a keyring from before per-install passwords (issue 13)." >&2
      echo "  Move it aside to start a new one (saved credentials are entered again; see docs/data-at-rest.md):" >&2
      echo "  mv '$FASKES_KEYRING_DIR' '$FASKES_KEYRING_DIR.old'" >&2
      exit 1
    fi
    mkdir -p "$(dirname "$FASKES_KEYRING_PASSWORD_FILE")" && chmod 700 "$(dirname "$FASKES_KEYRING_PASSWORD_FILE")"
    new_password "$FASKES_KEYRING_PASSWORD_FILE"
  fi
  chmod 600 "$FASKES_KEYRING_PASSWORD_FILE"
else
  XDG_DATA_HOME=$(mktemp -d /tmp/faskes-keyring.XXXXXX)
  trap 'rm -rf "$XDG_DATA_HOME"' EXIT
  FASKES_KEYRING_PASSWORD_FILE=$XDG_DATA_HOME/keyring-password
  new_password "$FASKES_KEYRING_PASSWORD_FILE"
fi
export FASKES_IN_KEYRING=1
dbus-run-session -- bash -c '
  # Read from the 0600 file on stdin: the password is never on a command line or in the environment.
  gnome-keyring-daemon --unlock --components=secrets <"$FASKES_KEYRING_PASSWORD_FILE" >/dev/null 2>&1
  unset FASKES_KEYRING_PASSWORD_FILE
  exec "$@"' keyring "$@" 2> >(grep -v "Failed to set fd limit" >&2)
