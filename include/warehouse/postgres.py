"""PostgreSQL in production: psycopg2, ``?`` translated to ``%s``, JSON columns as JSONB.

The connection runs in autocommit and ``transaction()`` issues BEGIN/COMMIT itself, so a read
never leaves an idle transaction open. JSON comes back as text and is decoded in one place (the
base class), exactly as on DuckDB. A ``search_path`` isolates a deployment, or a test, in a schema.
"""

from __future__ import annotations

import contextlib
import csv
import io
import itertools
import json
from collections.abc import Iterator, Sequence
from functools import partial
from typing import Any

import psycopg2
import psycopg2.extras

from include.warehouse.base import Warehouse, WarehouseError, quote_ident, redact_engine_message, to_pyformat

JSON_OIDS = {114: "JSON", 3802: "JSONB"}
_cursors = itertools.count(1)
_dumps = partial(json.dumps, ensure_ascii=False, allow_nan=False, default=str)


def _as_text(text: str) -> str:
    return text


class PostgresWarehouse(Warehouse):
    dialect = "postgres"

    def __init__(self, params: dict[str, Any], search_path: list[str] | None = None) -> None:
        super().__init__()
        self._where = (
            f"{params.get('host', 'localhost')}:{params.get('port', 5432)}/{params.get('dbname', '')}"
        )
        try:
            self._con = psycopg2.connect(**params)
        except psycopg2.Error as exc:
            raise WarehouseError(
                f"could not connect to the PostgreSQL warehouse at {self._where}: {str(exc).strip()}"
            ) from None
        self._con.autocommit = True
        psycopg2.extras.register_default_json(self._con, loads=_as_text)  # decoded once, in the base class
        psycopg2.extras.register_default_jsonb(self._con, loads=_as_text)
        self.search_path = [s for s in (search_path or []) if s]
        for name in self.search_path:
            quote_ident(name)
        if self.search_path:
            self._run("SET search_path TO " + ", ".join(quote_ident(s) for s in self.search_path), [])

    def __repr__(self) -> str:
        return f"PostgresWarehouse({self._where!r}, search_path={self.search_path!r})"

    def _run(self, sql: str, params: Sequence[Any]) -> tuple[list[str], list[str], list[tuple], int]:
        try:
            with self._con.cursor() as cur:
                cur.execute(to_pyformat(sql), tuple(params))
                desc = cur.description or []
                rows = cur.fetchall() if desc else []
                count = cur.rowcount
        except psycopg2.Error as exc:
            code = getattr(exc, "pgcode", None) or type(exc).__name__
            raise WarehouseError(f"PostgreSQL error {code}: {redact_engine_message(str(exc))}") from None
        names = [d.name for d in desc]
        types = [JSON_OIDS.get(d.type_code, "") for d in desc]
        return names, types, rows, count

    def _stream(self, sql: str, params: Sequence[Any], size: int) -> Iterator[list[tuple]]:
        """A server-side cursor (WITH HOLD, as the connection is in autocommit), fetched ``size`` at a time."""
        cur = self._con.cursor(name=f"cc_rows_{next(_cursors)}", withhold=True)
        try:
            cur.execute(to_pyformat(sql), tuple(params))
            while batch := cur.fetchmany(size):
                yield batch
        except psycopg2.Error as exc:
            code = getattr(exc, "pgcode", None) or type(exc).__name__
            raise WarehouseError(f"PostgreSQL error {code}: {redact_engine_message(str(exc))}") from None
        finally:
            with contextlib.suppress(psycopg2.Error):  # a cursor whose DECLARE failed does not exist
                cur.close()

    def _begin(self) -> None:
        self._run("BEGIN", [])

    def _commit(self) -> None:
        self._run("COMMIT", [])

    def _rollback(self) -> None:
        if not self._con.closed:
            self._run("ROLLBACK", [])

    def _encode_json(self, value: Any) -> Any:
        return psycopg2.extras.Json(value, dumps=_dumps)

    def _close(self) -> None:
        if not self._con.closed:
            self._con.close()

    def _bulk_insert(self, table: str, names: list[str], rows: Sequence[Sequence[Any]]) -> None:
        """``COPY ... FROM STDIN`` in CSV, ``\\N`` for NULL."""
        buf = io.StringIO()
        out = csv.writer(buf, lineterminator="\n")
        for r in rows:
            out.writerow(["\\N" if v is None else v for v in r])
        buf.seek(0)
        sql = f"COPY {quote_ident(table)} ({', '.join(names)}) FROM STDIN WITH (FORMAT csv, NULL '\\N')"
        try:
            with self._con.cursor() as cur:
                cur.copy_expert(sql, buf)
        except psycopg2.Error as exc:
            code = getattr(exc, "pgcode", None) or type(exc).__name__
            raise WarehouseError(
                f"bulk load into {table} failed: PostgreSQL error {code}: {redact_engine_message(str(exc))}"
            ) from None

    def lock(self, name: str) -> None:
        self._run("SELECT pg_advisory_xact_lock(hashtext(?))", [name])

    def _before_migrate(self) -> None:
        """Create the first schema of the search path when missing (a fresh deployment or test)."""
        if not self.search_path:
            return
        schema = self.search_path[0]
        if self.query("SELECT 1 AS x FROM pg_namespace WHERE nspname = ?", [schema]):
            return
        with self.transaction():
            self.lock("crosscheck_schema")
            self.execute(f"CREATE SCHEMA IF NOT EXISTS {quote_ident(schema)}")
