#!/usr/bin/env bash
# Start the sandbox on a free local port for WORLD, export its connections, run the given command, stop it.
set -euo pipefail
WORLD="$1"; shift
ENV_FILE="$(mktemp)"; rm -f "$ENV_FILE"
.venv/bin/python -m sandbox serve --world "$WORLD" --port 0 --env-file "$ENV_FILE" >/dev/null &
SB=$!
trap 'kill $SB 2>/dev/null || true; rm -f "$ENV_FILE"' EXIT
for _ in $(seq 1 100); do [ -s "$ENV_FILE" ] && break; sleep 0.1; done
[ -s "$ENV_FILE" ] || { echo "sandbox did not start" >&2; exit 1; }
# shellcheck disable=SC1090
source "$ENV_FILE"
"$@"
