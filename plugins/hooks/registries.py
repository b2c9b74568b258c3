"""Airflow connections -> registry clients. ``host``: the API base URL (the public one when empty);
``password``: the Companies House API key or the OpenCorporates API token. GLEIF needs no key.
``extra.rate_limit`` (``[calls, seconds]``, optional) replaces the documented limit the client keeps
to, e.g. for a key with a higher quota, or for the local sandbox, which has no limit to respect."""

from __future__ import annotations

from typing import Any

from connectors.companies_house import CompaniesHouseClient
from connectors.gleif import GleifClient
from connectors.opencorporates import OpenCorporatesClient
from plugins.hooks.base import ConnectionHook


class _RegistryHook(ConnectionHook):
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
    default_conn_id = "companies_house_default"

    def get_client(self, **kw: Any) -> CompaniesHouseClient:
        conn = self.connection()
        return CompaniesHouseClient(self.host(conn), api_key=self._secret(conn, "API key"),
                                    **self.options(conn, kw))


class GleifHook(_RegistryHook):
    default_conn_id = "gleif_default"

    def get_client(self, **kw: Any) -> GleifClient:
        conn = self.connection()
        return GleifClient(self.host(conn), **self.options(conn, kw))


class OpenCorporatesHook(_RegistryHook):
    default_conn_id = "opencorporates_default"

    def get_client(self, **kw: Any) -> OpenCorporatesClient:
        conn = self.connection()
        return OpenCorporatesClient(self.host(conn), api_token=self._secret(conn, "API token"),
                                    **self.options(conn, kw))
