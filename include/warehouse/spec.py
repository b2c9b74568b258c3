"""An Airflow connection (JSON form or URI) to a warehouse.

``{"conn_type": "duckdb", "host": "<file>"}`` or ``duckdb:///abs/path.duckdb``;
``{"conn_type": "postgres", "host", "port", "login", "password", "schema": "<database>",
"extra": {"search_path": "...", "sslmode": ...}}`` or ``postgresql://user:pw@host:5432/db?search_path=x``.
As in Airflow, a Postgres connection's ``schema`` is the database; the search path is in ``extra``.
"""

from __future__ import annotations

import json
import re
from typing import Any
from urllib.parse import parse_qsl, unquote, urlsplit

from include.warehouse.base import Warehouse, WarehouseError

# libpq keywords passed through from ``extra`` (Airflow's Postgres hook does the same)
LIBPQ_KEYS = {
    "sslmode",
    "sslcert",
    "sslkey",
    "sslrootcert",
    "sslcrl",
    "connect_timeout",
    "application_name",
    "options",
    "keepalives",
    "keepalives_idle",
    "keepalives_interval",
    "keepalives_count",
    "target_session_attrs",
    "gssencmode",
    "client_encoding",
}
DEFAULT_CONNECT_TIMEOUT = 10


def connect(spec: dict[str, Any] | str) -> Warehouse:
    """Open the warehouse an Airflow connection describes. Call ``migrate()`` before first use."""
    conn = parse_spec(spec)
    kind = str(conn.get("conn_type") or "").lower()
    extra = conn.get("extra") or {}
    if kind == "duckdb":
        from include.warehouse.duckdb import DuckDBWarehouse

        path = conn.get("host") or conn.get("schema")
        if not path:
            raise WarehouseError("a duckdb warehouse connection needs 'host': the path to the .duckdb file")
        lock_wait = float(extra.get("lock_wait_seconds", 120))
        return DuckDBWarehouse(path, lock_wait=lock_wait)
    if kind in ("postgres", "postgresql"):
        from include.warehouse.postgres import PostgresWarehouse

        params, search_path = postgres_params(conn)
        return PostgresWarehouse(params, search_path)
    raise WarehouseError(f"unsupported warehouse conn_type {kind!r}: use 'duckdb' or 'postgres'")


def parse_spec(spec: dict[str, Any] | str) -> dict[str, Any]:
    if isinstance(spec, dict):
        conn = dict(spec)
    elif isinstance(spec, str) and spec.strip().startswith("{"):
        conn = json.loads(spec)
    elif isinstance(spec, str):
        conn = parse_uri(spec.strip())
    else:
        raise WarehouseError(f"a warehouse spec is a dict or a string, not {type(spec).__name__}")
    extra = conn.get("extra")
    if isinstance(extra, str):
        conn["extra"] = json.loads(extra) if extra.strip() else {}
    elif extra is None:
        conn["extra"] = {}
    return conn


def parse_uri(uri: str) -> dict[str, Any]:
    scheme, _, rest = uri.partition("://")
    scheme = scheme.lower()
    if scheme == "duckdb":
        path = rest.split("?", 1)[0]
        if path in ("", ":memory:", "/:memory:"):
            return {"conn_type": "duckdb", "host": ":memory:"}
        return {"conn_type": "duckdb", "host": unquote(path)}
    if scheme in ("postgres", "postgresql"):
        u = urlsplit(uri)
        extra: dict[str, Any] = {}
        for k, v in parse_qsl(u.query, keep_blank_values=True):
            if k == "__extra__":
                extra.update(json.loads(v))
            else:
                extra[k] = v
        return {
            "conn_type": "postgres",
            "host": u.hostname or "",
            "port": u.port,
            "login": unquote(u.username) if u.username else None,
            "password": unquote(u.password) if u.password else None,
            "schema": unquote(u.path.lstrip("/")) or None,
            "extra": extra,
        }
    raise WarehouseError(f"unsupported warehouse URI scheme {scheme!r}: use duckdb:/// or postgresql://")


def postgres_params(conn: dict[str, Any]) -> tuple[dict[str, Any], list[str]]:
    """psycopg2 keyword arguments and the search path (``extra.search_path`` or ``-c search_path=``)."""
    extra = dict(conn.get("extra") or {})
    params: dict[str, Any] = {
        "host": conn.get("host") or "localhost",
        "port": int(conn.get("port") or 5432),
        "dbname": conn.get("schema") or "postgres",
        "connect_timeout": DEFAULT_CONNECT_TIMEOUT,
    }
    if conn.get("login"):
        params["user"] = conn["login"]
    if conn.get("password"):
        params["password"] = conn["password"]
    search = extra.pop("search_path", None)
    options = str(extra.get("options") or "")
    m = re.search(r"-c\s*search_path\s*=\s*([^\s]+)", options)
    if m and not search:
        search = m.group(1)
    for k, v in extra.items():
        if k in LIBPQ_KEYS:
            params[k] = v
    paths = [s.strip().strip('"') for s in str(search).split(",")] if search else []
    return params, [p for p in paths if p]
