"""`crosscheck run` with the warehouse on PostgreSQL (a fresh schema per session), through Airflow,
asserted against the sandbox's labels: the production warehouse must give the same answers as DuckDB."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from evaluation.warehouse import labelled_pairs, score
from include.warehouse.base import MIGRATIONS_DIR, migration_plan, sha256_text
from sandbox.gen.candidates import KIND_SHARE

REPORT_DAY = "2026-11-21"
WORLD = Path(__file__).resolve().parents[2] / "sandbox" / "data" / "seed-42"
# the warehouse's state (per-run records such as landed_payloads and run_findings grow by design)
STATE = (
    "candidates",
    "applications",
    "jobs",
    "employments",
    "educations",
    "reviews",
    "discrepancies",
    "watermarks",
    "registry_entities",
)


@pytest.fixture(scope="module")
def first_run(postgres_pipeline):
    proc = postgres_pipeline.crosscheck("run", "--date", REPORT_DAY, check=True)
    return postgres_pipeline, proc


def _latest_run(wh) -> str:
    return wh.query("SELECT run_id FROM pipeline_runs ORDER BY seq DESC LIMIT 1", [])[0]["run_id"]


def _pairs(wh) -> set[tuple[str, str]]:
    rows = wh.query("SELECT candidate_id, kind FROM discrepancies WHERE last_seen_run = ?", [_latest_run(wh)])
    return {(r["candidate_id"], r["kind"]) for r in rows}


def _snapshot(env) -> dict:
    wh = env.warehouse()
    try:
        return {
            "findings": {
                r["finding_id"]: (r["first_seen_run"], r["kind"], r["status"])
                for r in wh.query("SELECT finding_id, first_seen_run, kind, status FROM discrepancies", [])
            },
            "counts": {t: wh.query(f"SELECT COUNT(*) AS n FROM {t}", [])[0]["n"] for t in STATE},
            "migrations": wh.query(
                "SELECT version, name, checksum, applied_at FROM schema_migrations ORDER BY version", []
            ),
            "runs": wh.query("SELECT run_id, state FROM pipeline_runs ORDER BY seq", []),
        }
    finally:
        wh.close()


def test_the_pipeline_runs_on_the_postgres_warehouse(first_run):
    env, proc = first_run
    for dag_id in ("crosscheck_ingest", "crosscheck_check", "crosscheck_report"):
        assert f"{dag_id}: success" in proc.stdout, proc.stdout[-2000:]
    wh = env.warehouse()
    try:
        assert wh.dialect == "postgres"
        schema = env.warehouse_spec["extra"]["search_path"]
        assert wh.current_schema() == schema
        assert {"discrepancies", "pipeline_runs", "candidates"} <= set(wh.tables())
        runs = wh.query("SELECT run_id, state FROM pipeline_runs", [])
        assert len(runs) == 1 and runs[0]["state"] == "success", runs
        # the search path isolated the run: every Crosscheck table it made is in its own schema, and no
        # other schema's pipeline_runs records it. Other schemas, public included, belong to whatever else
        # uses the shared database: only this run's own traces are asserted on, never their absence there.
        homes = wh.query(
            "SELECT table_schema, table_name FROM information_schema.tables "
            "WHERE table_name IN ('discrepancies', 'pipeline_runs', 'schema_migrations')",
            [],
        )
        elsewhere = []
        for row in homes:
            if row["table_name"] == "pipeline_runs" and row["table_schema"] != schema:
                qualified = f'"{row["table_schema"]}".pipeline_runs'
                try:
                    found = wh.query(f"SELECT run_id FROM {qualified} WHERE run_id = ?", [runs[0]["run_id"]])
                except Exception:  # noqa: BLE001, S112 - another project's table of that name, or one being dropped
                    continue
                elsewhere += [(row["table_schema"], r["run_id"]) for r in found]
    finally:
        wh.close()
    assert {(schema, t) for t in ("discrepancies", "pipeline_runs", "schema_migrations")} <= {
        (r["table_schema"], r["table_name"]) for r in homes
    }
    assert not elsewhere, elsewhere


def test_the_schema_comes_from_the_versioned_migrations(first_run):
    env, _ = first_run
    plan = migration_plan("postgres")
    rows = _snapshot(env)["migrations"]
    assert [r["version"] for r in rows] == [v for v, _, _ in plan]
    assert [r["name"] for r in rows] == [n for _, n, _ in plan]
    assert [r["checksum"] for r in rows] == [sha256_text(t) for _, _, t in plan]
    # the Postgres-only migrations really ran here (their indexes exist), not only their records
    wanted = {
        m.group(1)
        for p in MIGRATIONS_DIR.glob("*.postgres.sql")
        for m in re.finditer(r"CREATE INDEX IF NOT EXISTS (\w+)", p.read_text(encoding="utf-8"))
    }
    assert wanted
    wh = env.warehouse()
    try:
        indexes = {
            r["indexname"]
            for r in wh.query("SELECT indexname FROM pg_indexes WHERE schemaname = current_schema()", [])
        }
        evidence_type = wh.query(
            "SELECT data_type FROM information_schema.columns WHERE table_schema = "
            "current_schema() AND table_name = 'discrepancies' AND column_name = 'evidence'",
            [],
        )
    finally:
        wh.close()
    assert wanted <= indexes, sorted(wanted - indexes)
    assert evidence_type == [{"data_type": "jsonb"}]


def test_findings_of_every_kind_match_the_planted_labels(first_run, world_dir):
    env, _ = first_run
    wh = env.warehouse()
    try:
        predicted = _pairs(wh)
        evidence = wh.query("SELECT evidence FROM discrepancies LIMIT 5", [])
    finally:
        wh.close()
    assert {k for _, k in predicted} == set(KIND_SHARE), f"kinds missing: {set(KIND_SHARE) - {k for _, k in predicted}}"
    scores = score(predicted, labelled_pairs(world_dir))
    weak = {k: s for k, s in scores.items() if s["precision"] < 0.95 or s["recall"] < 0.95}
    assert not weak, json.dumps(weak, indent=1)
    assert all(isinstance(r["evidence"], (dict, list)) for r in evidence)  # JSONB decoded, as on DuckDB


def test_audit_chain_verifies(first_run):
    env, _ = first_run
    proc = env.crosscheck("audit", "verify")
    assert proc.returncode == 0, proc.stderr
    assert "audit chain OK: 1 runs verified" in proc.stdout


def test_rerun_is_idempotent(first_run):
    env, _ = first_run
    before = _snapshot(env)
    assert before["findings"] and before["counts"]["candidates"] > 0
    env.crosscheck("run", "--date", REPORT_DAY, check=True)
    after = _snapshot(env)
    assert after["findings"] == before["findings"]  # same ids, first seen in the first run, still open
    assert after["counts"] == before["counts"]  # no duplicate rows
    assert after["migrations"] == before["migrations"]  # nothing re-applied
    assert [r["state"] for r in after["runs"]] == ["success", "success"]
    wh = env.warehouse()
    try:
        latest = _pairs(wh)
    finally:
        wh.close()
    assert {k for _, k in latest} == set(KIND_SHARE)
    proc = env.crosscheck("audit", "verify")
    assert proc.returncode == 0 and "2 runs verified" in proc.stdout, proc.stderr
