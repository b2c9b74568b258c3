"""The one way to open the warehouse, for the CLI, the Airflow hook and the HR page alike.

``warehouse_spec`` finds the ``crosscheck_warehouse`` connection: the ``AIRFLOW_CONN_CROSSCHECK_WAREHOUSE``
variable first, then a look-up the caller passes in (the hook passes Airflow's, so a secrets backend or
the metadata database works too), then a default DuckDB file when the caller has one (the CLI does;
Airflow tasks do not, so a deployment without the connection fails instead of writing a stray file).

``open_warehouse(spec, migrate=...)`` opens it. Migrations run once per run: in the run's first task
and in CLI commands that write. Every other open checks that the schema is at the current migration
and otherwise fails with one line saying what to run.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Any

from include.warehouse.base import Warehouse, WarehouseError, migration_plan
from include.warehouse.spec import connect, parse_spec

WAREHOUSE_CONN_ID = "crosscheck_warehouse"
WAREHOUSE_ENV = "AIRFLOW_CONN_CROSSCHECK_WAREHOUSE"
WAREHOUSE_KINDS = ("duckdb", "postgres", "postgresql")
UPDATE_HINT = "`crosscheck run` (or the crosscheck_ingest DAG, whose first task migrates) brings it up to date"

ConnectionLookup = Callable[[str], dict[str, Any] | None]


class WarehouseUnavailable(WarehouseError):
    """The warehouse cannot be used as asked: not configured, missing, unreachable or out of date.
    The message is one line a user can act on, and never holds a password."""


class WarehouseOutOfDate(WarehouseUnavailable):
    """The warehouse's schema is behind this code's migrations."""


def warehouse_spec(
    environ: Mapping[str, str] | None = None,
    *,
    lookup: ConnectionLookup | None = None,
    default: str | Path | None = None,
    conn_id: str = WAREHOUSE_CONN_ID,
) -> dict[str, Any]:
    """The warehouse connection as a dict (Airflow's JSON form), checked to be a warehouse."""
    env = os.environ if environ is None else environ
    variable = "AIRFLOW_CONN_" + conn_id.upper()
    raw = (env.get(variable) or "").strip()
    if raw:
        try:
            conn = parse_spec(raw)
        except Exception as exc:  # noqa: BLE001 - WarehouseError or a JSON error: name the variable
            raise WarehouseUnavailable(f"{variable}: {_first_line(exc)}") from None
        return check_spec(conn, variable)
    if lookup is not None:
        found = lookup(conn_id)
        if found is not None:
            return check_spec(parse_spec(found), f"Airflow connection {conn_id!r}")
    if default is not None:
        return {"conn_type": "duckdb", "host": str(default), "extra": {}}
    raise WarehouseUnavailable(f"Airflow connection {conn_id!r} is not defined: set {variable} "
                               "(the DAGs have no default warehouse: a DuckDB file or PostgreSQL, docs/DEPLOY.md)")


def check_spec(conn: dict[str, Any], name: str) -> dict[str, Any]:
    kind = str(conn.get("conn_type") or "").lower()
    if kind not in WAREHOUSE_KINDS:
        raise WarehouseUnavailable(f"{name}: conn_type {kind!r} is not a warehouse: use duckdb or postgres")
    if kind == "duckdb" and not (conn.get("host") or conn.get("schema")):
        raise WarehouseUnavailable(f"{name}: a duckdb warehouse needs host: the path to the .duckdb file")
    return conn


def where(conn: dict[str, Any]) -> str:
    """The warehouse as a user names it (never with its password)."""
    if str(conn.get("conn_type")).lower() == "duckdb":
        return str(conn.get("host") or conn.get("schema"))
    search = (conn.get("extra") or {}).get("search_path")
    return (f"postgres {conn.get('host') or 'localhost'}:{conn.get('port') or 5432}/{conn.get('schema') or 'postgres'}"
            + (f" (search_path {search})" if search else ""))


def open_warehouse(spec: dict[str, Any] | str, *, migrate: bool, create: bool = False) -> Warehouse:
    """The warehouse ``spec`` names, opened and at the current migration.

    ``migrate=True`` applies pending migrations (the run's first task, CLI commands that write);
    ``migrate=False`` refuses a warehouse that needs them (``WarehouseOutOfDate``). ``create=False``:
    a missing warehouse (no DuckDB file, or no Crosscheck tables) is an error, not a new empty one.
    """
    conn = parse_spec(spec)
    place = where(conn)
    if str(conn.get("conn_type")).lower() == "duckdb":
        path = Path(str(conn.get("host") or conn.get("schema")))
        if str(path) != ":memory:" and not create and not path.is_file():
            raise WarehouseUnavailable(f"no warehouse at {path}: `crosscheck run` creates it")
    try:
        wh = connect(conn)
    except Exception as exc:  # noqa: BLE001 - one line naming the warehouse, whatever the driver raised
        raise WarehouseUnavailable(f"cannot open the warehouse at {place}: {_first_line(exc)[:300]}") from None
    try:
        if not create and "schema_migrations" not in wh.tables():
            raise WarehouseUnavailable(f"no warehouse at {place}: it holds no Crosscheck tables")
        if migrate:
            wh.migrate()
        else:
            require_current(wh, place)
    except BaseException:
        wh.close()
        raise
    return wh


def schema_position(wh: Warehouse) -> tuple[int, int]:
    """(migrations applied, migrations this code has), counting only this code's migrations."""
    plan = [version for version, _, _ in migration_plan(wh.dialect)]
    if "schema_migrations" not in wh.tables():
        return 0, len(plan)
    done = {r["version"] for r in wh.query("SELECT version FROM schema_migrations")}
    return sum(1 for v in plan if v in done), len(plan)


def require_current(wh: Warehouse, place: str | None = None) -> None:
    """Fail with one line unless every migration this code has is applied."""
    done, total = schema_position(wh)
    if done < total:
        raise WarehouseOutOfDate(f"the warehouse at {place or wh!r} is at migration {done} of {total}: {UPDATE_HINT}")


def _first_line(exc: BaseException) -> str:
    text = str(exc).strip()
    return text.splitlines()[0] if text else type(exc).__name__
