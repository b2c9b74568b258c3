"""The warehouse: one interface (``Warehouse``) over DuckDB and PostgreSQL.

``warehouse_spec()`` finds the ``crosscheck_warehouse`` connection and ``open_warehouse(spec, migrate=...)``
opens it (the one way the CLI, the Airflow hook and the HR page do); ``connect(spec)`` opens a spec as is,
without checks or migrations (tests and tools).
"""

from include.warehouse.access import (
    WAREHOUSE_CONN_ID,
    WAREHOUSE_ENV,
    WarehouseOutOfDate,
    WarehouseUnavailable,
    open_warehouse,
    require_current,
    warehouse_spec,
    where,
)
from include.warehouse.base import Warehouse, WarehouseError
from include.warehouse.spec import connect

__all__ = [
    "WAREHOUSE_CONN_ID",
    "WAREHOUSE_ENV",
    "Warehouse",
    "WarehouseError",
    "WarehouseOutOfDate",
    "WarehouseUnavailable",
    "connect",
    "open_warehouse",
    "require_current",
    "warehouse_spec",
    "where",
]
