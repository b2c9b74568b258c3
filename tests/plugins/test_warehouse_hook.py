"""The ``crosscheck_warehouse`` hook opens the warehouse the one way the CLI does: only a run's first task
migrates (and may create a DuckDB file); every other task, and the HR page, refuses a warehouse that is
missing or behind the code in one line."""

from __future__ import annotations

import json

import pytest
from fastapi.testclient import TestClient

from include.warehouse import WarehouseOutOfDate, WarehouseUnavailable, connect
from include.warehouse.base import migration_plan
from plugins.crosscheck_ui import Principal, create_app
from plugins.hooks.warehouse import WarehouseHook
from tests.report.report_seed import config


@pytest.fixture
def db(tmp_path, monkeypatch):
    path = tmp_path / "wh" / "warehouse.duckdb"
    monkeypatch.setenv("AIRFLOW_CONN_CROSSCHECK_WAREHOUSE", json.dumps({"conn_type": "duckdb", "host": str(path)}))
    return path


def _forget_last_migration(path) -> int:
    wh = connect({"conn_type": "duckdb", "host": str(path)})
    try:
        plan = migration_plan(wh.dialect)
        wh.execute("DELETE FROM schema_migrations WHERE version = ?", [plan[-1][0]])
    finally:
        wh.close()
    return len(plan)


def test_only_an_open_that_migrates_creates_the_warehouse(db):
    with pytest.raises(WarehouseUnavailable, match=f"^no warehouse at {db}: `crosscheck run` creates it$"):
        WarehouseHook().get_warehouse()
    assert not db.exists()
    WarehouseHook().get_warehouse(migrate=True).close()
    wh = WarehouseHook().get_warehouse()
    try:
        assert {r["version"] for r in wh.query("SELECT version FROM schema_migrations")} == {
            v for v, _, _ in migration_plan("duckdb")}
    finally:
        wh.close()


def test_a_task_that_does_not_migrate_refuses_an_older_schema(db):
    WarehouseHook().get_warehouse(migrate=True).close()
    total = _forget_last_migration(db)
    with pytest.raises(WarehouseOutOfDate, match=f"is at migration {total - 1} of {total}"):
        WarehouseHook().get_warehouse()
    WarehouseHook().get_warehouse(migrate=True).close()  # the next run's first task brings it up to date
    WarehouseHook().get_warehouse().close()


def test_an_undefined_connection_names_the_variable(monkeypatch):
    monkeypatch.delenv("AIRFLOW_CONN_CROSSCHECK_OTHER", raising=False)
    with pytest.raises(WarehouseUnavailable, match="'crosscheck_other' is not defined: set AIRFLOW_CONN_CROSSCHECK_OTHER"):
        WarehouseHook("crosscheck_other").get_warehouse()


def test_the_hr_page_says_why_it_cannot_open_the_warehouse(db, tmp_path):
    WarehouseHook().get_warehouse(migrate=True).close()
    total = _forget_last_migration(db)
    app = create_app(verify_token=lambda token, method: Principal("hr1", "Hana Reviewer"), config=config(tmp_path))
    r = TestClient(app).get("/", headers={"Authorization": "Bearer t"})
    assert r.status_code == 503
    assert f"is at migration {total - 1} of {total}" in r.json()["detail"]
