"""The warehouse interface, the same on DuckDB and PostgreSQL: migrations, upsert, JSON, transactions."""

from __future__ import annotations

import pytest

from include.warehouse import WarehouseError, connect
from include.warehouse.base import MIGRATIONS_DIR, migration_plan, to_pyformat
from include.warehouse.spec import parse_spec, postgres_params

# docs/WAREHOUSE.md: every table, and the public contract's columns in full
CONTRACT = {
    "discrepancies": {
        "finding_id",
        "candidate_id",
        "application_id",
        "kind",
        "severity",
        "summary",
        "question",
        "evidence",
        "rule_version",
        "status",
        "first_seen_run",
        "last_seen_run",
        "evidence_digest",
        "cleared_reason",
        "cleared_by",
        "cleared_at",
    },
    "pipeline_runs": {
        "run_id",
        "seq",
        "report_day",
        "dag_ids",
        "started_at",
        "ended_at",
        "state",
        "manifest",
        "findings_digest",
        "prev_hash",
        "hash",
    },
    "candidates": {
        "candidate_id",
        "source",
        "source_id",
        "first_name",
        "last_name",
        "emails",
        "phones",
        "consent_given",
        "consent",
        "orcid",
        "github_login",
        "linkedin_export_url",
        "updated_at",
        "record_url",
        "run_id",
    },
}
TABLES = {
    "candidates",
    "jobs",
    "applications",
    "employments",
    "educations",
    "registry_entities",
    "registry_names",
    "registry_lookups",
    "reviews",
    "watermarks",
    "quarantine",
    "landed_payloads",
    "erasures",
    "schema_migrations",
    "discrepancies",
    "pipeline_runs",
    "finding_clearances",
    "run_findings",
    "candidate_levels",
    "review_reads",
}


def test_migrations_create_every_table_and_are_idempotent(warehouse, warehouse_spec):
    assert TABLES <= set(warehouse.tables())
    for table, cols in CONTRACT.items():
        assert cols <= set(warehouse.columns(table)), table
    versions = [v for v, _, _ in migration_plan(warehouse.dialect)]
    assert warehouse.migrate() == []
    recorded = [
        r["version"] for r in warehouse.query("SELECT version FROM schema_migrations ORDER BY version")
    ]
    assert recorded == versions
    warehouse.close()
    again = connect(warehouse_spec)  # a second process or a later day
    try:
        assert again.migrate() == []
        assert again.query("SELECT COUNT(*) AS n FROM schema_migrations")[0]["n"] == len(versions)
    finally:
        again.close()


def test_json_columns_use_the_dialect_type(warehouse):
    expected = "JSONB" if warehouse.dialect == "postgres" else "JSON"
    assert warehouse.columns("discrepancies")["evidence"] == expected
    assert warehouse.columns("pipeline_runs")["manifest"] == expected


def test_upsert_inserts_then_updates_in_batches(warehouse):
    rows = [
        {
            "quarantine_id": f"q{i:05d}",
            "run_id": "r1",
            "source": "greenhouse",
            "dataset": "candidates",
            "record_key": str(i),
            "reason": "bad date",
            "raw": {"i": i, "tags": ["a", "ü"], "ok": None},
        }
        for i in range(1500)
    ]  # more than one multi-row batch
    assert warehouse.upsert("quarantine", rows, ["quarantine_id"]) == 1500
    changed = [{**r, "reason": "missing field", "raw": [r["raw"]["i"]]} for r in rows[:10]]
    assert warehouse.upsert("quarantine", changed, ["quarantine_id"]) == 10
    assert warehouse.query("SELECT COUNT(*) AS n FROM quarantine")[0]["n"] == 1500
    got = warehouse.query(
        "SELECT * FROM quarantine WHERE quarantine_id IN (?, ?) ORDER BY quarantine_id", ["q00003", "q01000"]
    )
    assert got[0]["reason"] == "missing field" and got[0]["raw"] == [3]
    assert got[1]["raw"] == {"i": 1000, "tags": ["a", "ü"], "ok": None}


def test_upsert_keeps_columns_a_row_leaves_out_and_last_row_wins(warehouse):
    warehouse.upsert(
        "watermarks",
        [{"source": "lever", "stream": "opps", "value": "1", "run_id": "r1"}],
        ["source", "stream"],
    )
    warehouse.upsert(
        "watermarks",
        [
            {"source": "lever", "stream": "opps", "value": "2"},
            {"source": "lever", "stream": "opps", "value": "3"},
        ],
        ["source", "stream"],
    )
    assert warehouse.query("SELECT value, run_id FROM watermarks") == [{"value": "3", "run_id": "r1"}]


def test_upsert_json_scalars_and_booleans_round_trip(warehouse):
    warehouse.upsert(
        "candidates",
        [
            {
                "candidate_id": "greenhouse:1",
                "emails": [],
                "consent": "yes",
                "consent_given": True,
                "phones": None,
            }
        ],
        ["candidate_id"],
    )
    row = warehouse.query("SELECT emails, consent, consent_given, phones FROM candidates")[0]
    assert row == {"emails": [], "consent": "yes", "consent_given": True, "phones": None}
    assert warehouse.query("SELECT candidate_id FROM candidates WHERE consent_given") == [
        {"candidate_id": "greenhouse:1"}
    ]


def test_upsert_rejects_unknown_tables_and_columns(warehouse):
    with pytest.raises(WarehouseError, match="unknown column"):
        warehouse.upsert("jobs", [{"job_id": "x", "nope": 1}], ["job_id"])
    with pytest.raises(WarehouseError, match="no table"):
        warehouse.upsert("not_a_table", [{"a": 1}], ["a"])


def test_transaction_rolls_back_and_nests(warehouse):
    with pytest.raises(RuntimeError), warehouse.transaction():
        warehouse.upsert("jobs", [{"job_id": "a", "name": "A"}], ["job_id"])
        with warehouse.transaction():
            warehouse.upsert("jobs", [{"job_id": "b", "name": "B"}], ["job_id"])
        raise RuntimeError("boom")
    assert warehouse.query("SELECT COUNT(*) AS n FROM jobs")[0]["n"] == 0
    with warehouse.transaction():
        warehouse.upsert("jobs", [{"job_id": "a", "name": "A"}], ["job_id"])
    assert warehouse.query("SELECT name FROM jobs WHERE job_id = ?", ["a"]) == [{"name": "A"}]


def test_placeholders_leave_literals_alone(warehouse):
    warehouse.upsert("jobs", [{"job_id": "j?1", "name": "100% remote?"}], ["job_id"])
    rows = warehouse.query("SELECT name, '?' AS q FROM jobs WHERE name LIKE '100%' AND job_id = ?", ["j?1"])
    assert rows == [{"name": "100% remote?", "q": "?"}]
    assert warehouse.execute("UPDATE jobs SET name = ? WHERE job_id = ?", ["x", "j?1"]) == 1


def test_engine_errors_do_not_echo_values(warehouse):
    with pytest.raises(WarehouseError) as err:
        warehouse.upsert("reviews", [{"review_id": "r", "rating": "ana.silva@example.net"}], ["review_id"])
    assert "ana.silva" not in str(err.value)


def test_to_pyformat_translates_only_placeholders():
    sql = "SELECT '?', \"a?\", x FROM t WHERE a = ? AND b LIKE 'x%' -- why?\n AND c = ?"
    assert (
        to_pyformat(sql) == "SELECT '?', \"a?\", x FROM t WHERE a = %s AND b LIKE 'x%%' -- why?\n AND c = %s"
    )


def test_specs_in_json_and_uri_form():
    assert parse_spec('{"conn_type": "duckdb", "host": "/tmp/w.duckdb"}')["host"] == "/tmp/w.duckdb"
    assert parse_spec("duckdb:///var/data/w.duckdb") == {
        "conn_type": "duckdb",
        "host": "/var/data/w.duckdb",
        "extra": {},
    }
    spec = parse_spec("postgresql://cc:p%40ss@db.internal:6543/crosscheck?search_path=wh&sslmode=require")
    params, path = postgres_params(spec)
    assert params["host"] == "db.internal" and params["port"] == 6543 and params["dbname"] == "crosscheck"
    assert params["user"] == "cc" and params["password"] == "p@ss" and params["sslmode"] == "require"
    assert path == ["wh"]
    _, path = postgres_params(
        parse_spec(
            {
                "conn_type": "postgres",
                "host": "h",
                "schema": "db",
                "extra": '{"options": "-c search_path=a,public"}',
            }
        )
    )
    assert path == ["a", "public"]
    with pytest.raises(WarehouseError, match="conn_type"):
        connect({"conn_type": "mysql", "host": "x"})


def test_unreachable_postgres_is_a_clear_error():
    with pytest.raises(WarehouseError, match="could not connect to the PostgreSQL warehouse at 127.0.0.1:1"):
        connect(
            {
                "conn_type": "postgres",
                "host": "127.0.0.1",
                "port": 1,
                "login": "x",
                "password": "secret-pw",
                "schema": "db",
            }
        )


def test_migration_plan_picks_the_dialect_variant(tmp_path):
    (tmp_path / "001_base.sql").write_text("CREATE TABLE t (j @JSON@);")
    (tmp_path / "002_idx.postgres.sql").write_text("CREATE INDEX i ON t (j);")
    (tmp_path / "003_fix.sql").write_text("generic")
    (tmp_path / "003_fix.duckdb.sql").write_text("duck")
    assert migration_plan("postgres", tmp_path) == [
        ("001", "base", "CREATE TABLE t (j JSONB);"),
        ("002", "idx", "CREATE INDEX i ON t (j);"),
        ("003", "fix", "generic"),
    ]
    assert migration_plan("duckdb", tmp_path) == [
        ("001", "base", "CREATE TABLE t (j JSON);"),
        ("002", "idx", ""),
        ("003", "fix", "duck"),
    ]
    (tmp_path / "004-bad.sql").write_text("")
    with pytest.raises(WarehouseError, match="NNN_name"):
        migration_plan("duckdb", tmp_path)
    assert migration_plan("duckdb", MIGRATIONS_DIR)  # the shipped folder is well formed


def test_a_second_process_waits_for_the_duckdb_file(tmp_path):
    import subprocess
    import sys
    import time

    from include.config import PROJECT_ROOT

    path = tmp_path / "w.duckdb"
    holder = connect({"conn_type": "duckdb", "host": str(path)})
    holder.migrate()
    code = (
        "import sys; from include.warehouse import connect; "
        "wh = connect({'conn_type': 'duckdb', 'host': sys.argv[1], "
        "'extra': {'lock_wait_seconds': sys.argv[2]}}); "
        "print(wh.query('SELECT COUNT(*) AS n FROM schema_migrations')[0]['n'])"
    )
    quick = subprocess.run(
        [sys.executable, "-c", code, str(path), "0"],
        cwd=PROJECT_ROOT,
        capture_output=True,
        check=False,
        text=True,
        timeout=60,
    )
    assert quick.returncode != 0 and "could not open the DuckDB warehouse" in quick.stderr
    waiting = subprocess.Popen(
        [sys.executable, "-c", code, str(path), "30"],
        cwd=PROJECT_ROOT,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    time.sleep(1.0)
    holder.close()
    out, err = waiting.communicate(timeout=60)
    assert waiting.returncode == 0, err
    assert int(out.strip()) > 0


def test_ingest_deletes_per_candidate_in_batches(warehouse):
    """Re-read candidates' jobs are replaced by batched deletes: every batch boundary, only those sources."""
    from include.warehouse.candidates import delete_candidate_rows

    rows = [{"employment_id": f"e{c}{s}", "candidate_id": f"c{c}", "source": s, "employer": "X", "run_id": "r"}
            for c in range(5) for s in ("lever", "linkedin", "orcid")]
    warehouse.upsert("employments", rows, ["employment_id"])
    delete_candidate_rows(warehouse, "employments", ["c0", "c1", "c2"], ["lever", "linkedin"], chunk=2)
    left = {(r["candidate_id"], r["source"]) for r in warehouse.query("SELECT candidate_id, source FROM employments")}
    assert left == {(f"c{c}", "orcid") for c in range(3)} | {(f"c{c}", s) for c in (3, 4)
                                                             for s in ("lever", "linkedin", "orcid")}
    delete_candidate_rows(warehouse, "employments", ["c3", "c4", "c0"], chunk=1)
    assert {r["candidate_id"] for r in warehouse.query("SELECT candidate_id FROM employments")} == {"c1", "c2"}
