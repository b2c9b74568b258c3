"""The ``crosscheck_warehouse`` connection: a DuckDB file by default, PostgreSQL in production."""

from __future__ import annotations

from typing import Any

from plugins.hooks.base import get_connection_dict

WAREHOUSE_CONN_ID = "crosscheck_warehouse"


class WarehouseHook:
    def __init__(self, conn_id: str = WAREHOUSE_CONN_ID):
        self.conn_id = conn_id

    def get_warehouse(self) -> Any:
        from include.warehouse import connect

        spec = get_connection_dict(self.conn_id)
        if spec is None:
            raise RuntimeError(f"Airflow connection {self.conn_id!r} is not defined: the DAGs have no default "
                               f"warehouse; set AIRFLOW_CONN_{self.conn_id.upper()} to a DuckDB file or PostgreSQL "
                               "(docs/DEPLOY.md, 'Connections')")
        wh = connect(spec)
        wh.migrate()
        return wh
