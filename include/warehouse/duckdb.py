"""The embedded default: one DuckDB file, plain SQL with ``?`` parameters (no relational API).

DuckDB 2.0 streams results and an open result owns the connection, so every statement is read to
the end before the next one runs. One process at a time may open the file for writing; a second
process (a parallel Airflow task) waits for the lock instead of failing at once.
"""

from __future__ import annotations

import itertools
import json
import time
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import Any

import duckdb

from include.warehouse.base import Warehouse, WarehouseError, quote_ident, redact_engine_message

LOCK_WAIT_SECONDS = 120.0
_views = itertools.count(1)


class DuckDBWarehouse(Warehouse):
    dialect = "duckdb"

    def __init__(self, path: str | Path, lock_wait: float = LOCK_WAIT_SECONDS) -> None:
        super().__init__()
        self.path = str(path)
        if self.path != ":memory:":
            Path(self.path).parent.mkdir(parents=True, exist_ok=True)
        self._con = _open(self.path, lock_wait)

    def __repr__(self) -> str:
        return f"DuckDBWarehouse({self.path!r})"

    def _run(self, sql: str, params: Sequence[Any]) -> tuple[list[str], list[str], list[tuple], int]:
        try:
            cur = self._con.execute(sql, list(params)) if params else self._con.execute(sql)
            desc = cur.description or []
            rows = cur.fetchall() if desc else []
            count = cur.rowcount
        except duckdb.Error as exc:
            raise WarehouseError(f"DuckDB {type(exc).__name__}: {redact_engine_message(str(exc))}") from None
        names = [d[0] for d in desc]
        types = [str(d[1]) for d in desc]
        if names == ["Count"] and not sql.lstrip().upper().startswith(("SELECT", "WITH")):
            count = rows[0][0] if rows else count  # a DML statement reports how many rows it touched
        return names, types, rows, count

    def _stream(self, sql: str, params: Sequence[Any], size: int) -> Iterator[list[tuple]]:
        try:
            cur = self._con.execute(sql, list(params)) if params else self._con.execute(sql)
            while batch := cur.fetchmany(size):
                yield batch
        except duckdb.Error as exc:
            raise WarehouseError(f"DuckDB {type(exc).__name__}: {redact_engine_message(str(exc))}") from None

    def _begin(self) -> None:
        self._con.begin()

    def _commit(self) -> None:
        self._con.commit()

    def _rollback(self) -> None:
        self._con.rollback()

    def _encode_json(self, value: Any) -> Any:
        return json.dumps(value, ensure_ascii=False, allow_nan=False, default=str)

    def _close(self) -> None:
        self._con.close()

    def _bulk_insert(self, table: str, names: list[str], rows: Sequence[Sequence[Any]]) -> None:
        """The rows as a DataFrame of Python objects, registered as a view and scanned in one INSERT."""
        import pandas as pd

        frame = pd.DataFrame({str(i): pd.Series([r[i] for r in rows], dtype=object) for i in range(len(names))})
        view = f"cc_bulk_src_{next(_views)}"
        cols = ", ".join(names)
        picks = ", ".join(f'"{i}"' for i in range(len(names)))
        try:
            self._con.register(view, frame)
            try:
                self._con.execute(f"INSERT INTO {quote_ident(table)} ({cols}) SELECT {picks} FROM {view}")
            finally:
                self._con.unregister(view)
        except duckdb.Error as exc:
            raise WarehouseError(
                f"bulk load into {table} failed: DuckDB {type(exc).__name__}: {redact_engine_message(str(exc))}"
            ) from None


def _open(path: str, lock_wait: float) -> duckdb.DuckDBPyConnection:
    deadline = time.monotonic() + lock_wait
    pause = 0.05
    while True:
        try:
            return duckdb.connect(path)
        except duckdb.IOException as exc:
            if "lock" not in str(exc).lower() or time.monotonic() >= deadline:
                raise WarehouseError(f"could not open the DuckDB warehouse {path}: {exc}") from None
            time.sleep(pause)
            pause = min(pause * 2, 1.0)
