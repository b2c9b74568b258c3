"""The warehouse: one interface (``Warehouse``) over DuckDB and PostgreSQL; ``connect(spec)`` opens one."""

from include.warehouse.base import Warehouse, WarehouseError
from include.warehouse.spec import connect

__all__ = ["Warehouse", "WarehouseError", "connect"]
