"""Snapshot fixtures: small generated files (session-wide) and a fresh warehouse on each engine.

PostgreSQL is expected at 127.0.0.1:5432, database ``test``, as ``postgres`` (``CROSSCHECK_TEST_PG_USER``
overrides); each test gets its own schema through ``extra.search_path``. If PostgreSQL is not
reachable the Postgres variants FAIL with the reason, never skip.
"""

from __future__ import annotations

import itertools
import os
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

PG_HOST, PG_PORT, PG_DB = "127.0.0.1", 5432, "test"
N_ENTITIES, SEED = 240, 11
_counter = itertools.count(1)


@pytest.fixture(scope="session")
def snapshot_files(tmp_path_factory) -> Any:
    from sandbox.registry_files.generate import write_snapshot

    return write_snapshot(tmp_path_factory.mktemp("snapshots"), N_ENTITIES, seed=SEED, gleif_share=0.3)


@pytest.fixture(scope="session")
def truth() -> list[Any]:
    """The entities the files were written from, in file order."""
    from sandbox.registry_files.generate import entity_stream

    return list(entity_stream(N_ENTITIES, SEED, gleif_share=0.3))


def _pg_admin() -> tuple[Any, str]:
    import psycopg2

    user = os.environ.get("CROSSCHECK_TEST_PG_USER", "postgres")
    try:
        conn = psycopg2.connect(host=PG_HOST, port=PG_PORT, user=user, dbname=PG_DB, connect_timeout=5)
    except psycopg2.OperationalError as exc:
        pytest.fail(
            f"PostgreSQL is required for the postgres variant of the snapshot tests and is not reachable at "
            f"{PG_HOST}:{PG_PORT} (database {PG_DB!r}, user {user!r}): {str(exc).strip()}",
            pytrace=False,
        )
    conn.autocommit = True
    return conn, user


@pytest.fixture(scope="session")
def pg_admin() -> Iterator[dict[str, Any]]:
    conn, user = _pg_admin()
    prefix = f"cc_snap_{os.getpid()}_{uuid.uuid4().hex[:6]}"
    yield {"conn": conn, "user": user, "prefix": prefix}
    with conn.cursor() as cur:
        cur.execute("SELECT nspname FROM pg_namespace WHERE nspname LIKE %s", [prefix + "%"])
        for (name,) in cur.fetchall():
            cur.execute(f'DROP SCHEMA IF EXISTS "{name}" CASCADE')
    conn.close()


@pytest.fixture(params=["duckdb", "postgres"])
def wh_spec(request, tmp_path: Path) -> Iterator[dict[str, Any]]:
    if request.param == "duckdb":
        yield {"conn_type": "duckdb", "host": str(tmp_path / "warehouse.duckdb")}
        return
    pg = request.getfixturevalue("pg_admin")
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
def wh(wh_spec) -> Iterator[Any]:
    from include.warehouse import connect

    warehouse = connect(wh_spec)
    warehouse.migrate()
    yield warehouse
    warehouse.close()


@pytest.fixture
def loaded(wh, snapshot_files) -> Any:
    """A warehouse holding both generated snapshot files."""
    from include.snapshots.load import load_snapshot

    load_snapshot(wh, snapshot_files.companies_house)
    load_snapshot(wh, snapshot_files.gleif)
    return wh
