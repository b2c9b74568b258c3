"""Airflow connections -> registry clients. ``host``: the API base URL (the public one when empty);
``password``: the Companies House API key or the OpenCorporates API token. GLEIF needs no key.
``extra.rate_limit`` (``[calls, seconds]``, optional) replaces the documented limit the client keeps
to, e.g. for a key with a higher quota, or for the local sandbox, which has no limit to respect."""

from __future__ import annotations

from typing import Any

from connectors.companies_house import CompaniesHouseClient
from connectors.gleif import GleifClient
from connectors.opencorporates import OpenCorporatesClient
from plugins.hooks.base import get_connection_dict


class _RegistryHook:
    default_conn_name = ""

    def __init__(self, conn_id: str | None = None):
        self.conn_id = conn_id or self.default_conn_name

    def connection(self) -> dict[str, Any]:
        spec = get_connection_dict(self.conn_id)
        if spec is None:
            raise RuntimeError(f"Airflow connection {self.conn_id!r} is not defined: set AIRFLOW_CONN_"
                               f"{self.conn_id.upper()} (see README, 'Connections')")
        return spec

    def host(self, conn: dict[str, Any]) -> str | None:
        """The base URL; a bare host name (URI-form connection) gets https and, if set, the port."""
        host = (conn.get("host") or "").strip()
        if not host or "://" in host:
            return host or None
        return f"https://{host}" + (f":{conn['port']}" if conn.get("port") else "")

    def options(self, conn: dict[str, Any], kw: dict[str, Any]) -> dict[str, Any]:
        limit = (conn.get("extra") or {}).get("rate_limit")
        if limit is not None and "rate_limit" not in kw:
            if not (isinstance(limit, list | tuple) and len(limit) == 2 and all(
                    isinstance(x, int | float) and x > 0 for x in limit)):
                raise RuntimeError(f"Airflow connection {self.conn_id!r}: extra.rate_limit must be "
                                   "[calls, seconds], both positive")
            kw = {**kw, "rate_limit": (int(limit[0]), float(limit[1]))}
        return kw

    def _secret(self, conn: dict[str, Any], what: str) -> str:
        if not conn.get("password"):
            raise RuntimeError(f"Airflow connection {self.conn_id!r} has no password: put the {what} there")
        return str(conn["password"])


class CompaniesHouseHook(_RegistryHook):
    default_conn_name = "companies_house_default"

    def get_client(self, **kw: Any) -> CompaniesHouseClient:
        conn = self.connection()
        return CompaniesHouseClient(self.host(conn), api_key=self._secret(conn, "API key"),
                                    **self.options(conn, kw))


class GleifHook(_RegistryHook):
    default_conn_name = "gleif_default"

    def get_client(self, **kw: Any) -> GleifClient:
        conn = self.connection()
        return GleifClient(self.host(conn), **self.options(conn, kw))


class OpenCorporatesHook(_RegistryHook):
    default_conn_name = "opencorporates_default"

    def get_client(self, **kw: Any) -> OpenCorporatesClient:
        conn = self.connection()
        return OpenCorporatesClient(self.host(conn), api_token=self._secret(conn, "API token"),
                                    **self.options(conn, kw))
