#!/usr/bin/env bash
# The demo: a sandbox world for today, the whole daily pipeline once through Airflow, where the report is.
set -euo pipefail
cd "$(dirname "$0")/.."
TODAY="${TODAY:-$(date -u +%Y-%m-%d)}"
WORLD=".var/worlds/seed-42-$TODAY"
if [ ! -s "$WORLD/world.json" ]; then
  .venv/bin/crosscheck sandbox generate --seed 42 --report-day "$TODAY" --out "$WORLD"
fi
export CROSSCHECK_CONFIG="${CROSSCHECK_CONFIG:-include/sandbox/crosscheck.yaml}"
bash scripts/with_sandbox.sh "$WORLD" .venv/bin/crosscheck run --date "$TODAY"
.venv/bin/crosscheck audit verify
echo
echo "Precision and recall against the planted labels:"
.venv/bin/crosscheck evaluate --world "$WORLD"
