"""Airflow hooks for the applicant-tracking systems: a Connection in, a connector client out.

Connection conventions (docs/CONTRACT.md): ``host`` = the API base URL (default: the public one),
``login`` = OAuth client id (Greenhouse), ``password`` = client secret / API key,
``extra.token_url`` = Greenhouse's token endpoint. Optional extras for both:
``rate_limit`` (``{"calls": 50, "period": 10}``, or ``null`` to switch the client-side limiter
off, e.g. against the local sandbox) and ``timeout`` (seconds).
"""

from __future__ import annotations

from typing import Any

from airflow.sdk.bases.hook import BaseHook

from connectors.greenhouse import HARVEST_HOST, GreenhouseClient
from connectors.lever import LEVER_HOST, LeverClient
from plugins.hooks.base import get_connection_dict


class ConnectionProblem(RuntimeError):
    """The connection is missing or incomplete; the message names the connection and the field."""


def base_url(spec: dict[str, Any], default: str) -> str:
    """``host`` as a URL: a full URL is used as is; a bare host name gets ``schema`` (http/https) and port."""
    host = (spec.get("host") or "").strip()
    if not host:
        return default
    if "://" in host:
        return host
    scheme = spec.get("schema") if spec.get("schema") in ("http", "https") else "https"
    return f"{scheme}://{host}" + (f":{spec['port']}" if spec.get("port") else "")


def rest_options(extra: dict[str, Any]) -> dict[str, Any]:
    out: dict[str, Any] = {}
    if "rate_limit" in extra:
        rl = extra["rate_limit"]
        if rl is None:
            out["rate_limit"] = None
        elif isinstance(rl, dict):
            out["rate_limit"] = (int(rl["calls"]), float(rl["period"]))
        else:
            out["rate_limit"] = (int(rl[0]), float(rl[1]))
    if extra.get("timeout") is not None:
        out["timeout"] = float(extra["timeout"])
    return out


def _spec(conn_id: str) -> dict[str, Any]:
    spec = get_connection_dict(conn_id)
    if spec is None:
        raise ConnectionProblem(f"Airflow connection {conn_id!r} is not defined "
                                f"(set AIRFLOW_CONN_{conn_id.upper()} or add it in the UI)")
    return spec


class GreenhouseHook(BaseHook):
    conn_name_attr = "greenhouse_conn_id"
    default_conn_name = "greenhouse_default"
    conn_type = "http"
    hook_name = "Greenhouse Harvest v3"

    def __init__(self, conn_id: str = default_conn_name, **kwargs: Any):
        super().__init__(**kwargs)
        self.conn_id = conn_id

    def get_client(self, **kw: Any) -> GreenhouseClient:
        spec = _spec(self.conn_id)
        extra = spec.get("extra") or {}
        if not spec.get("login") or not spec.get("password"):
            raise ConnectionProblem(f"connection {self.conn_id!r}: login (OAuth client id) and password "
                                    "(client secret) are both required")
        return GreenhouseClient(base_url(spec, HARVEST_HOST), spec["login"], spec["password"],
                                token_url=extra.get("token_url"), **{**rest_options(extra), **kw})


class LeverHook(BaseHook):
    conn_name_attr = "lever_conn_id"
    default_conn_name = "lever_default"
    conn_type = "http"
    hook_name = "Lever API v1"

    def __init__(self, conn_id: str = default_conn_name, **kwargs: Any):
        super().__init__(**kwargs)
        self.conn_id = conn_id

    def get_client(self, **kw: Any) -> LeverClient:
        spec = _spec(self.conn_id)
        if not spec.get("password"):
            raise ConnectionProblem(f"connection {self.conn_id!r}: password (the Lever API key) is required")
        return LeverClient(base_url(spec, LEVER_HOST), spec["password"],
                           **{**rest_options(spec.get("extra") or {}), **kw})
