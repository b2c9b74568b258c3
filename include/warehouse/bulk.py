"""Many rows into a warehouse session fast: session temp tables filled by ``Warehouse.bulk_insert``.

``Warehouse.upsert`` binds every value as a statement parameter, which is right for a run's few
thousand rows and too slow for a million. Here a batch goes into a session temp table in one step
(each engine's fast path: DuckDB scans a DataFrame, PostgreSQL takes ``COPY FROM STDIN``), and
set-based SQL moves it on. Callers that use several temp tables together hold ``wh.session()``.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from include.warehouse.base import Warehouse, quote_ident

Columns = Sequence[tuple[str, str]]  # (name, SQL type)


def create_temp_table(wh: Warehouse, name: str, columns: Columns) -> None:
    cols = ", ".join(f"{quote_ident(c)} {t}" for c, t in columns)
    if wh.dialect == "duckdb":
        wh.execute(f"CREATE OR REPLACE TEMP TABLE {quote_ident(name)} ({cols})")
    else:
        drop_temp_table(wh, name)
        wh.execute(f"CREATE TEMP TABLE {quote_ident(name)} ({cols})")


def drop_temp_table(wh: Warehouse, name: str) -> None:
    target = f"pg_temp.{quote_ident(name)}" if wh.dialect == "postgres" else quote_ident(name)
    wh.execute(f"DROP TABLE IF EXISTS {target}")


def fill_temp_table(wh: Warehouse, name: str, columns: Columns, rows: Sequence[Sequence[Any]]) -> int:
    """(Re)create session temp table ``name`` and put ``rows`` (tuples in column order) in it."""
    with wh.session():
        create_temp_table(wh, name, columns)
        return wh.bulk_insert(name, [c for c, _ in columns], rows)
