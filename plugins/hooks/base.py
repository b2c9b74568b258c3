"""Connection look-ups shared by every hook: a Connection in, plain values out."""

from __future__ import annotations

from typing import Any


def connection_defined(conn_id: str) -> bool:
    """True when the connection exists (env var, secrets backend or metadata DB); never raises."""
    return get_connection_dict(conn_id) is not None


def get_connection_dict(conn_id: str) -> dict[str, Any] | None:
    """The connection as a JSON-form dict, or None when it is not defined."""
    from airflow.sdk import BaseHook

    try:
        conn = BaseHook.get_connection(conn_id)
    except Exception:  # noqa: BLE001 - AirflowNotFoundException, or its task-SDK twin
        return None
    return {
        "conn_type": conn.conn_type, "host": conn.host, "port": conn.port, "login": conn.login,
        "password": conn.password, "schema": conn.schema, "extra": conn.extra_dejson or {},
    }
