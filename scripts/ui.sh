#!/usr/bin/env bash
# The HR page: Airflow's api-server (its UI, and the Crosscheck plugin's app at /crosscheck/) on 127.0.0.1,
# reading the demo's warehouse with the demo's configuration unless CROSSCHECK_CONFIG and
# AIRFLOW_CONN_CROSSCHECK_WAREHOUSE say otherwise. SimpleAuthManager users: hr (role user: reads and
# clears findings), viewer (reads only), admin. Runs until Ctrl-C.
#   PORT=8080 (0: any free port)   CROSSCHECK_UI_USERS="hr:user,viewer:viewer,admin:admin"
set -euo pipefail
umask 077  # the house's policy for whatever handles candidate data: the passwords file, logs, the database
cd "$(dirname "$0")/.."
ROOT="$PWD"
PY="$ROOT/.venv/bin/python"

export CROSSCHECK_CONFIG="${CROSSCHECK_CONFIG:-sandbox/crosscheck.yaml}"
CROSSCHECK_CONFIG="$(realpath -m "$CROSSCHECK_CONFIG")"
export AIRFLOW_HOME="${AIRFLOW_HOME:-$ROOT/.var/airflow}"  # the one `make demo` used
if [ -z "${AIRFLOW_CONN_CROSSCHECK_WAREHOUSE:-}" ]; then
  AIRFLOW_CONN_CROSSCHECK_WAREHOUSE="$("$PY" -c 'import json, sys; print(json.dumps({"conn_type": "duckdb", "host": sys.argv[1]}))' \
    "$ROOT/.var/warehouse/crosscheck.duckdb")"
fi
export AIRFLOW_CONN_CROSSCHECK_WAREHOUSE

# The configuration and the warehouse are checked as `crosscheck` checks them, before Airflow starts.
"$PY" - <<'EOF' || exit 2
import sys
from include.cli_checks import UsageError, checked_config, open_warehouse
try:
    checked_config()
    open_warehouse(migrate=False).close()
except UsageError as exc:
    hint = " (`make demo` builds the demo warehouse)" if "no warehouse" in str(exc) else ""
    print(f"crosscheck ui: error: {exc}{hint}", file=sys.stderr)
    sys.exit(2)
EOF

PORT="${PORT:-8080}"
if [ "$PORT" = 0 ]; then
  PORT="$("$PY" -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')"
fi
mkdir -p "$AIRFLOW_HOME/logs"
export PYTHONPATH="$ROOT${PYTHONPATH:+:$PYTHONPATH}"
export AIRFLOW__CORE__DAGS_FOLDER="$ROOT/dags"
# the HR page plugin comes from its airflow.plugins entry point (make install); a plugins folder too would load it twice
export AIRFLOW__CORE__PLUGINS_FOLDER="$AIRFLOW_HOME/no-plugins"; mkdir -p "$AIRFLOW__CORE__PLUGINS_FOLDER"
export AIRFLOW__CORE__LOAD_EXAMPLES=False
export AIRFLOW__CORE__AUTH_MANAGER=airflow.api_fastapi.auth.managers.simple.simple_auth_manager.SimpleAuthManager
export AIRFLOW__CORE__SIMPLE_AUTH_MANAGER_USERS="${CROSSCHECK_UI_USERS:-hr:user,viewer:viewer,admin:admin}"
export AIRFLOW__CORE__SIMPLE_AUTH_MANAGER_ALL_ADMINS=False
export AIRFLOW__API__HOST=127.0.0.1 AIRFLOW__API__PORT="$PORT" AIRFLOW__API__WORKERS=1
# one secret for this server's lifetime: sessions end when it stops
export AIRFLOW__API_AUTH__JWT_SECRET="${AIRFLOW__API_AUTH__JWT_SECRET:-$("$PY" -c 'import secrets; print(secrets.token_urlsafe(32))')}"
export AIRFLOW__DAG_PROCESSOR__DAG_BUNDLE_CONFIG_LIST="[{\"name\": \"dags-folder\", \"classpath\": \"airflow.dag_processing.bundles.local.LocalDagBundle\", \"kwargs\": {\"path\": \"$ROOT/dags\"}}]"

LOG="$AIRFLOW_HOME/logs/ui-api-server.log"
echo "crosscheck ui: preparing Airflow's metadata database in $AIRFLOW_HOME ..."
.venv/bin/airflow db migrate >"$AIRFLOW_HOME/logs/ui-db-migrate.log" 2>&1 \
  || { echo "crosscheck ui: error: airflow db migrate failed; see $AIRFLOW_HOME/logs/ui-db-migrate.log" >&2; exit 1; }

.venv/bin/airflow api-server --host 127.0.0.1 --port "$PORT" --workers 1 >"$LOG" 2>&1 &
SERVER=$!
trap 'kill "$SERVER" 2>/dev/null || true; wait "$SERVER" 2>/dev/null || true' EXIT
trap 'exit 0' INT TERM

URL="http://127.0.0.1:$PORT"
"$PY" - "$URL/api/v2/monitor/health" "$SERVER" <<'EOF' || { echo "crosscheck ui: error: the api-server did not start; see $LOG" >&2; exit 1; }
import os, sys, time, urllib.request
url, pid = sys.argv[1], int(sys.argv[2])
deadline = time.monotonic() + 180
while time.monotonic() < deadline:
    try:
        os.kill(pid, 0)
    except OSError:
        sys.exit(1)
    try:
        with urllib.request.urlopen(url, timeout=2) as r:
            if r.status == 200:
                sys.exit(0)
    except OSError:
        time.sleep(0.5)
sys.exit(1)
EOF

PASSWORDS="$AIRFLOW_HOME/simple_auth_manager_passwords.json.generated"
chmod 600 "$PASSWORDS"  # also when an earlier, permissive run made it
echo
echo "Crosscheck HR page: $URL/crosscheck/   (also in the Airflow UI: Crosscheck, in the navigation)"
echo "Log in at $URL/ first (the page answers 401 without a session). Users (SimpleAuthManager):"
"$PY" - "$PASSWORDS" "$AIRFLOW__CORE__SIMPLE_AUTH_MANAGER_USERS" <<'EOF'
import json, sys
passwords = json.load(open(sys.argv[1], encoding="utf-8"))
what = {"viewer": "reads the report only", "user": "reads and clears findings",
        "op": "reads and clears findings", "admin": "reads and clears findings; administers Airflow"}
for entry in sys.argv[2].split(","):
    name, role = entry.split(":")[:2]
    print(f"  {name:<8} password {passwords.get(name, '?'):<18} role {role}: {what.get(role.lower(), role)}")
EOF
echo "Passwords are in $PASSWORDS (generated once; delete it for new ones). Server log: $LOG"
echo "Warehouse: $("$PY" -c 'from include.cli_checks import warehouse_conn, where; print(where(warehouse_conn()))')"
echo "Stop with Ctrl-C."
wait "$SERVER"
