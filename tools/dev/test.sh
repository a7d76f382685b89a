#!/usr/bin/env bash
# The README's test command: sets up what is missing, then runs every suite against real parts
# (SQLite files, the local Fabric network, the PCare simulator, gnome-keyring, Chromium).
# Starts the Fabric network if it is not running and stops it again at the end if it started it.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/../.."
bash tools/dev/setup.sh
exec bash tools/dev/with-keyring.sh bash tools/dev/test-steps.sh "$@"
