"""Source name -> connector client, through the source's Airflow connection (None when not defined)."""

from __future__ import annotations

import importlib
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from plugins.hooks.base import connection_defined

if TYPE_CHECKING:  # DAG files import this module at parse time: nothing heavy here
    from include.warehouse.base import Warehouse

HOOKS: dict[str, tuple[str, str]] = {
    "greenhouse": ("plugins.hooks.ats", "GreenhouseHook"),
    "lever": ("plugins.hooks.ats", "LeverHook"),
    "companies_house": ("plugins.hooks.registries", "CompaniesHouseHook"),
    "gleif": ("plugins.hooks.registries", "GleifHook"),
    "opencorporates": ("plugins.hooks.registries", "OpenCorporatesHook"),
    "orcid": ("plugins.hooks.profiles", "OrcidHook"),
    "github": ("plugins.hooks.profiles", "GithubHook"),
    "reviews": ("plugins.hooks.profiles", "ReviewsHook"),
}


def conn_id_of(source: str) -> str:
    return f"{source}_default"


def make_client(source: str, on_payload: Callable[..., None] | None = None) -> Any:
    if not connection_defined(conn_id_of(source)):
        return None
    module, name = HOOKS[source]
    hook = getattr(importlib.import_module(module), name)(conn_id_of(source))
    return hook.get_client(on_payload=on_payload)


class AirflowSources:
    """The deployment's side of ``include.pipeline.tasks.Sources``: the warehouse and each source's client,
    through Airflow connections. The DAG files hand one to every task body."""

    def warehouse(self, migrate: bool = False) -> Warehouse:
        from plugins.hooks.warehouse import WarehouseHook

        return WarehouseHook().get_warehouse(migrate=migrate)

    def client(self, source: str, on_payload: Callable[..., None] | None = None) -> Any:
        return make_client(source, on_payload)

    def defined(self, source: str) -> bool:
        return connection_defined(conn_id_of(source))
