"""Many rows into a warehouse session fast: a temp table filled by each engine's bulk path.

``Warehouse.upsert`` binds every value as a statement parameter, which is right for a run's few
thousand rows and too slow for a million. Here a batch goes into a session temp table in one
step (DuckDB scans a registered DataFrame; PostgreSQL takes ``COPY FROM STDIN``), and set-based SQL
moves it on. Other engines fall back to multi-row INSERTs through the public interface. The raw
connection is used only under the warehouse's own lock, inside its transaction.
"""

from __future__ import annotations

import csv
import io
import itertools
from collections.abc import Sequence
from contextlib import nullcontext
from typing import Any

from include.warehouse.base import WarehouseError, quote_ident, redact_engine_message

Columns = Sequence[tuple[str, str]]  # (name, SQL type)
_views = itertools.count(1)


def engine(wh: Any) -> str:
    """ "duckdb" or "postgres" when the fast path applies to this warehouse, else "generic"."""
    if getattr(wh, "_con", None) is None:
        return "generic"
    return wh.dialect if wh.dialect in ("duckdb", "postgres") else "generic"


def session(wh: Any) -> Any:
    """Hold the warehouse's lock across several statements that share session temp tables."""
    return getattr(wh, "_lock", None) or nullcontext()


def json_type(wh: Any) -> str:
    return "JSONB" if wh.dialect == "postgres" else "JSON"


def create_temp_table(wh: Any, name: str, columns: Columns) -> None:
    cols = ", ".join(f"{quote_ident(c)} {t}" for c, t in columns)
    if wh.dialect == "duckdb":
        wh.execute(f"CREATE OR REPLACE TEMP TABLE {quote_ident(name)} ({cols})")
    else:
        wh.execute(
            f"DROP TABLE IF EXISTS pg_temp.{quote_ident(name)}"
            if wh.dialect == "postgres"
            else f"DROP TABLE IF EXISTS {quote_ident(name)}"
        )
        wh.execute(f"CREATE TEMP TABLE {quote_ident(name)} ({cols})")


def drop_temp_table(wh: Any, name: str) -> None:
    target = f"pg_temp.{quote_ident(name)}" if wh.dialect == "postgres" else quote_ident(name)
    wh.execute(f"DROP TABLE IF EXISTS {target}")


def fill_temp_table(wh: Any, name: str, columns: Columns, rows: Sequence[Sequence[Any]]) -> int:
    """(Re)create session temp table ``name`` and put ``rows`` (tuples in column order) in it."""
    create_temp_table(wh, name, columns)
    if not rows:
        return 0
    kind = engine(wh)
    with wh._lock:
        try:
            if kind == "duckdb":
                _duckdb_insert(wh._con, name, [c for c, _ in columns], rows)
            elif kind == "postgres":
                _postgres_copy(wh._con, name, [c for c, _ in columns], rows)
            else:
                _generic_insert(wh, name, [c for c, _ in columns], rows)
        except _driver_errors() as exc:  # the driver's text may quote values
            raise WarehouseError(
                f"bulk load into {name} failed: {type(exc).__name__}: {redact_engine_message(str(exc))}"
            ) from None
    return len(rows)


def _driver_errors() -> tuple[type[BaseException], ...]:
    errors: list[type[BaseException]] = []
    try:
        import duckdb

        errors.append(duckdb.Error)
    except ImportError:  # pragma: no cover - duckdb is a project dependency
        pass
    try:
        import psycopg2

        errors.append(psycopg2.Error)
    except ImportError:  # pragma: no cover
        pass
    return tuple(errors)


def _duckdb_insert(con: Any, name: str, names: list[str], rows: Sequence[Sequence[Any]]) -> None:
    import pandas as pd

    frame = pd.DataFrame({c: pd.Series([r[i] for r in rows], dtype=object) for i, c in enumerate(names)})
    view = f"cc_bulk_src_{next(_views)}"
    con.register(view, frame)
    try:
        cols = ", ".join(quote_ident(c) for c in names)
        con.execute(f"INSERT INTO {quote_ident(name)} ({cols}) SELECT {cols} FROM {view}")
    finally:
        con.unregister(view)


def _postgres_copy(con: Any, name: str, names: list[str], rows: Sequence[Sequence[Any]]) -> None:
    buf = io.StringIO()
    out = csv.writer(buf, lineterminator="\n")
    for r in rows:
        out.writerow(["\\N" if v is None else v for v in r])
    buf.seek(0)
    cols = ", ".join(quote_ident(c) for c in names)
    with con.cursor() as cur:
        cur.copy_expert(f"COPY {quote_ident(name)} ({cols}) FROM STDIN WITH (FORMAT csv, NULL '\\N')", buf)


def _generic_insert(wh: Any, name: str, names: list[str], rows: Sequence[Sequence[Any]]) -> None:
    cols = ", ".join(quote_ident(c) for c in names)
    one = "(" + ", ".join("?" for _ in names) + ")"
    per = max(1, 2000 // len(names))
    for start in range(0, len(rows), per):
        chunk = rows[start : start + per]
        wh.execute(
            f"INSERT INTO {quote_ident(name)} ({cols}) VALUES {', '.join([one] * len(chunk))}",
            [v for r in chunk for v in r],
        )
