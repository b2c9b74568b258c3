"""The ``warehouse`` fixture: every warehouse test runs on DuckDB (a temp file) and on PostgreSQL.

PostgreSQL is expected at 127.0.0.1:5432, database ``test``, trust auth as ``postgres`` or ``root``
(``CROSSCHECK_TEST_PG_USER`` overrides). Each test gets a fresh schema of a per-session prefix; all
are dropped at the end. If PostgreSQL is unreachable the Postgres variants FAIL, never skip.
"""

from __future__ import annotations

import itertools
import os
import uuid
from collections.abc import Iterator
from typing import Any

import pytest

PG_HOST, PG_PORT, PG_DB = "127.0.0.1", 5432, "test"
_counter = itertools.count(1)


def _pg_admin() -> Any:
    import psycopg2

    users = (
        [os.environ["CROSSCHECK_TEST_PG_USER"]]
        if os.environ.get("CROSSCHECK_TEST_PG_USER")
        else ["postgres", "root"]
    )
    errors = []
    for user in users:
        try:
            conn = psycopg2.connect(host=PG_HOST, port=PG_PORT, user=user, dbname=PG_DB, connect_timeout=5)
            conn.autocommit = True
            return conn, user
        except psycopg2.OperationalError as exc:
            errors.append(f"as {user}: {str(exc).strip()}")
    pytest.fail(
        f"PostgreSQL is required for the postgres variant of the warehouse tests and is not reachable at "
        f"{PG_HOST}:{PG_PORT} (database {PG_DB!r}, trust auth): " + "; ".join(errors),
        pytrace=False,
    )


@pytest.fixture(scope="session")
def pg_session() -> Iterator[dict[str, Any]]:
    conn, user = _pg_admin()
    prefix = f"cc_wh_{os.getpid()}_{uuid.uuid4().hex[:6]}"
    yield {"user": user, "prefix": prefix, "conn": conn}
    with conn.cursor() as cur:
        cur.execute("SELECT nspname FROM pg_namespace WHERE nspname LIKE %s", [prefix + "%"])
        for (name,) in cur.fetchall():
            cur.execute(f'DROP SCHEMA IF EXISTS "{name}" CASCADE')
    conn.close()


@pytest.fixture(params=["duckdb", "postgres"])
def warehouse_spec(request, tmp_path) -> Iterator[dict[str, Any]]:
    """A connection spec of a fresh, empty warehouse on each engine."""
    if request.param == "duckdb":
        yield {"conn_type": "duckdb", "host": str(tmp_path / "warehouse.duckdb")}
        return
    pg = request.getfixturevalue("pg_session")
    schema = f"{pg['prefix']}_{next(_counter)}"
    yield {
        "conn_type": "postgres",
        "host": PG_HOST,
        "port": PG_PORT,
        "login": pg["user"],
        "schema": PG_DB,
        "extra": {"search_path": schema},
    }
    with pg["conn"].cursor() as cur:
        cur.execute(f'DROP SCHEMA IF EXISTS "{schema}" CASCADE')


@pytest.fixture
def warehouse(warehouse_spec):
    from include.warehouse import connect

    wh = connect(warehouse_spec)
    wh.migrate()
    yield wh
    wh.close()
