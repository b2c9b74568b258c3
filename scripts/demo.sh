#!/usr/bin/env bash
# The demo: a sandbox world for today, the whole daily pipeline once through Airflow, where the report is.
set -euo pipefail
cd "$(dirname "$0")/.."
TODAY="${TODAY:-$(date -u +%Y-%m-%d)}"
WORLD=".var/worlds/seed-42-$TODAY"
if [ ! -s "$WORLD/world.json" ]; then
  .venv/bin/python -m sandbox generate --seed 42 --report-day "$TODAY" --out "$WORLD"
fi
export CROSSCHECK_CONFIG="${CROSSCHECK_CONFIG:-sandbox/crosscheck.yaml}"
# The default warehouse holds one demo world: a demo on another day has another world (its candidates
# differ), so the previous day's warehouse is set aside rather than mixed in (evaluate would refuse it).
if [ -z "${AIRFLOW_CONN_CROSSCHECK_WAREHOUSE:-}" ]; then
  WH=".var/warehouse/crosscheck.duckdb"
  if [ -f "$WH" ] && [ "$(cat "$WH.world" 2>/dev/null || true)" != "$WORLD" ]; then
    OLD="$WH.$(basename "$(cat "$WH.world" 2>/dev/null || echo unknown-world)")"
    mv "$WH" "$OLD"
    if [ -f "$WH.wal" ]; then mv "$WH.wal" "$OLD.wal"; fi  # DuckDB's write-ahead log belongs to that file
    ANCHORS=".var/data/audit/anchors.jsonl"  # the signed heads of that warehouse's chain go with it
    if [ -f "$ANCHORS" ]; then mv "$ANCHORS" "$OLD.anchors.jsonl"; fi
    echo "crosscheck demo: the warehouse held another day's demo world; moved it to $OLD"
  fi
  mkdir -p "$(dirname "$WH")"
  echo "$WORLD" > "$WH.world"
fi
bash scripts/with_sandbox.sh "$WORLD" .venv/bin/crosscheck run --date "$TODAY"
# the sandbox's seals are signed with its test key: verify with the public half only, and require it
AUDIT_PUBLIC="$(.venv/bin/python -c 'import json; from sandbox.credentials import audit_key_connection as k; print(json.dumps(k(with_private_key=False)))')"
AIRFLOW_CONN_CROSSCHECK_AUDIT_KEY="$AUDIT_PUBLIC" .venv/bin/crosscheck audit verify --require-anchor
echo
.venv/bin/python scripts/demo_notices.py
echo
.venv/bin/python scripts/demo_dossier.py
echo
echo "Precision and recall against the planted labels:"
.venv/bin/python -m evaluation --world "$WORLD"
