#!/usr/bin/env bash
# Precision/recall per kind on two generator seeds, each in a fresh warehouse, through the whole pipeline.
set -euo pipefail
cd "$(dirname "$0")/.."
# Employer-name matching on real listed-company names (no pipeline, ~3 s): engine vs WRatio per class.
.venv/bin/python -m include.engine.name_eval
echo
DAY="${DAY:-2026-11-21}"
export CROSSCHECK_CONFIG="${CROSSCHECK_CONFIG:-include/sandbox/crosscheck.yaml}"  # required by crosscheck run
for SEED in 42 7; do
  WORLD=".var/worlds/seed-$SEED-$DAY"
  [ -s "$WORLD/world.json" ] || .venv/bin/crosscheck sandbox generate --seed "$SEED" --report-day "$DAY" --out "$WORLD"
  export AIRFLOW_CONN_CROSSCHECK_WAREHOUSE="{\"conn_type\": \"duckdb\", \"host\": \"$PWD/.var/eval/seed-$SEED.duckdb\"}"
  rm -f ".var/eval/seed-$SEED.duckdb"; mkdir -p .var/eval
  bash scripts/with_sandbox.sh "$WORLD" .venv/bin/crosscheck run --date "$DAY" >/dev/null
  echo "== seed $SEED (report day $DAY)"
  .venv/bin/crosscheck evaluate --world "$WORLD"
done
