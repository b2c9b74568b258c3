"""The one way to open the warehouse: ``warehouse_spec`` finds it, ``open_warehouse`` opens it, migrating
only when asked and otherwise refusing, in one line, a warehouse that is missing or behind the code."""

from __future__ import annotations

import json
from typing import Any

import pytest

from include.warehouse import (
    WAREHOUSE_ENV,
    WarehouseError,
    WarehouseOutOfDate,
    WarehouseUnavailable,
    open_warehouse,
    warehouse_spec,
    where,
)
from include.warehouse.base import migration_plan


def test_a_missing_warehouse_is_refused_unless_created(warehouse_spec: Any) -> None:
    with pytest.raises(WarehouseUnavailable, match="^no warehouse at ") as exc:
        open_warehouse(warehouse_spec, migrate=False)
    assert "\n" not in str(exc.value)
    wh = open_warehouse(warehouse_spec, migrate=True, create=True)
    try:
        versions = [v for v, _, _ in migration_plan(wh.dialect)]
        assert sorted(r["version"] for r in wh.query("SELECT version FROM schema_migrations")) == versions
    finally:
        wh.close()
    again = open_warehouse(warehouse_spec, migrate=False)  # current: opens without writing
    try:
        assert "discrepancies" in again.tables()
    finally:
        again.close()


def test_an_open_that_does_not_migrate_refuses_an_older_schema(warehouse_spec: Any) -> None:
    wh = open_warehouse(warehouse_spec, migrate=True, create=True)
    plan = migration_plan(wh.dialect)
    try:
        wh.execute("DELETE FROM schema_migrations WHERE version = ?", [plan[-1][0]])
    finally:
        wh.close()
    with pytest.raises(WarehouseOutOfDate) as exc:
        open_warehouse(warehouse_spec, migrate=False)
    message = str(exc.value)
    assert f"is at migration {len(plan) - 1} of {len(plan)}: `crosscheck run`" in message
    assert where(warehouse_spec) in message and "\n" not in message


def test_the_spec_comes_from_the_variable_then_the_lookup_then_the_default(tmp_path) -> None:
    pinned = {"conn_type": "duckdb", "host": str(tmp_path / "env.duckdb")}
    looked_up = {"conn_type": "duckdb", "host": str(tmp_path / "airflow.duckdb")}
    env = {WAREHOUSE_ENV: json.dumps(pinned)}
    assert warehouse_spec(env, lookup=lambda _: looked_up)["host"] == pinned["host"]
    assert warehouse_spec({}, lookup=lambda _: looked_up)["host"] == looked_up["host"]
    assert warehouse_spec({}, lookup=lambda _: None, default=tmp_path / "d.duckdb")["host"] == str(tmp_path / "d.duckdb")
    with pytest.raises(WarehouseUnavailable, match="'crosscheck_warehouse' is not defined: set " + WAREHOUSE_ENV):
        warehouse_spec({}, lookup=lambda _: None)
    with pytest.raises(WarehouseUnavailable, match="conn_type 'sqlite' is not a warehouse"):
        warehouse_spec({}, lookup=lambda _: {"conn_type": "sqlite", "host": "x"})


def test_where_never_shows_the_password() -> None:
    spec = "postgresql://crosscheck:s3cret-pw@db.internal:5433/hr?search_path=crosscheck"
    assert where(warehouse_spec({WAREHOUSE_ENV: spec})) == "postgres db.internal:5433/hr (search_path crosscheck)"


def test_bulk_insert_loads_rows_on_each_engine(warehouse) -> None:
    from include.warehouse.bulk import fill_temp_table

    rows = [(i, f"Müller & Söhne {i}" if i % 3 else None, json.dumps({"i": i})) for i in range(2500)]
    cols = [("n", "BIGINT"), ("name", "TEXT"), ("doc", warehouse.json_type)]
    with warehouse.session():
        assert fill_temp_table(warehouse, "cc_bulk_test", cols, rows) == len(rows)
        got = warehouse.query("SELECT n, name, doc FROM cc_bulk_test ORDER BY n")
    assert [(r["n"], r["name"], r["doc"]) for r in got] == [(n, name, json.loads(doc)) for n, name, doc in rows]


def test_a_failed_bulk_insert_does_not_quote_the_values(warehouse) -> None:
    from include.warehouse.bulk import fill_temp_table

    with pytest.raises(WarehouseError, match="^bulk load into cc_bulk_bad failed") as exc:
        fill_temp_table(warehouse, "cc_bulk_bad", [("n", "BIGINT")], [("ana.lopez@example.org",)])
    assert "ana.lopez" not in str(exc.value)
