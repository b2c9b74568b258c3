"""The ``crosscheck_warehouse`` connection: a DuckDB file by default, PostgreSQL in production.

The hook resolves the connection through Airflow (environment, secrets backend or metadata database) and
opens it with ``include.warehouse.open_warehouse``. Only a run's first task asks for ``migrate=True``;
every other task checks that the schema is current and fails with one line if it is not.
"""

from __future__ import annotations

from include.warehouse import WAREHOUSE_CONN_ID, Warehouse, open_warehouse, warehouse_spec
from plugins.hooks.base import get_connection_dict


class WarehouseHook:
    def __init__(self, conn_id: str = WAREHOUSE_CONN_ID):
        self.conn_id = conn_id

    def get_warehouse(self, *, migrate: bool = False) -> Warehouse:
        """The warehouse, at the current migration. ``migrate=True`` (a run's first task) applies pending
        migrations and creates a missing DuckDB file; otherwise a missing or older warehouse is an error."""
        spec = warehouse_spec(lookup=get_connection_dict, conn_id=self.conn_id)
        return open_warehouse(spec, migrate=migrate, create=migrate)
