"""Airflow connections -> registry clients. ``host``: the API base URL (the public one when empty);
``password``: the Companies House API key or the OpenCorporates API token. GLEIF needs no key."""

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

    def _secret(self, conn: dict[str, Any], what: str) -> str:
        if not conn.get("password"):
            raise RuntimeError(f"Airflow connection {self.conn_id!r} has no password: put the {what} there")
        return str(conn["password"])


class CompaniesHouseHook(_RegistryHook):
    default_conn_name = "companies_house_default"

    def get_client(self, **kw: Any) -> CompaniesHouseClient:
        conn = self.connection()
        return CompaniesHouseClient(self.host(conn), api_key=self._secret(conn, "API key"), **kw)


class GleifHook(_RegistryHook):
    default_conn_name = "gleif_default"

    def get_client(self, **kw: Any) -> GleifClient:
        return GleifClient(self.host(self.connection()), **kw)


class OpenCorporatesHook(_RegistryHook):
    default_conn_name = "opencorporates_default"

    def get_client(self, **kw: Any) -> OpenCorporatesClient:
        conn = self.connection()
        return OpenCorporatesClient(self.host(conn), api_token=self._secret(conn, "API token"), **kw)
