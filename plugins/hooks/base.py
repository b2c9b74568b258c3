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


class ConnectionHook:
    """A source's connection, read once per client: the conventions every source hook shares."""

    default_conn_id = ""

    def __init__(self, conn_id: str | None = None):
        self.conn_id = conn_id or self.default_conn_id

    def connection(self) -> dict[str, Any]:
        spec = get_connection_dict(self.conn_id)
        if spec is None:
            raise RuntimeError(f"Airflow connection {self.conn_id!r} is not defined: set AIRFLOW_CONN_"
                               f"{self.conn_id.upper()} (see README, 'Connections')")
        return spec

    def options(self, conn: dict[str, Any], kw: dict[str, Any]) -> dict[str, Any]:
        """``extra.rate_limit`` ([calls, seconds]) replaces the client's documented limit (the sandbox lifts it)."""
        limit = (conn.get("extra") or {}).get("rate_limit")
        if limit is not None and "rate_limit" not in kw:
            if not (isinstance(limit, list | tuple) and len(limit) == 2 and all(
                    isinstance(x, int | float) and x > 0 for x in limit)):
                raise RuntimeError(f"Airflow connection {self.conn_id!r}: extra.rate_limit must be "
                                   "[calls, seconds], both positive")
            kw = {**kw, "rate_limit": (int(limit[0]), float(limit[1]))}
        return kw
