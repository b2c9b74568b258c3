"""One warehouse interface over two engines (DuckDB by default, PostgreSQL in production).

Callers write portable SQL with ``?`` placeholders and pass plain Python values; JSON columns take
lists and dicts and come back as lists and dicts on both engines. The engine modules only say how
to open a connection, run a statement and manage a transaction, so that everything else (upsert,
migrations, JSON handling) behaves the same everywhere and is tested once per engine.
"""

from __future__ import annotations

import hashlib
import json
import re
import threading
from abc import ABC, abstractmethod
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, Self

MIGRATIONS_DIR = Path(__file__).resolve().parent / "migrations"
_MIGRATION_NAME = re.compile(r"^(\d{3})_([a-z0-9_]+?)(?:\.(duckdb|postgres))?\.sql$")
_IDENT = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*$")
JSON_TYPES = {"JSON", "JSONB"}
MAX_PARAMS_PER_STATEMENT = 4000  # multi-row VALUES batches: fast on DuckDB, well under libpq limits
IN_CHUNK = 500  # values per IN list in query_in / execute_in
STREAM_ROWS = 10_000  # rows fetched at a time by ``rows``


class WarehouseError(RuntimeError):
    """A warehouse misuse the caller can fix (unknown table or column, bad spec)."""


def now_iso() -> str:
    return datetime.now(UTC).isoformat(timespec="seconds")


_NAMED = (
    "relation",
    "column",
    "constraint",
    "table",
    "schema",
    "index",
    "type",
    "function",
    "database",
    "role",
)
_DOUBLE_QUOTED = re.compile(r'(\w+ )?"[^"\n]*"?')


def _keep_names(m: re.Match[str]) -> str:
    word = (m.group(1) or "").strip().lower()
    return m.group(0) if word in _NAMED else (m.group(1) or "") + '"<value>"'


def redact_engine_message(message: str) -> str:
    """An engine's error text without the values it quotes (they may be candidate data) or the
    statement context (psycopg2 interpolates values into it); names of tables and columns stay."""
    message = re.split(r"\n\s*LINE \d+:", message, maxsplit=1)[0]
    message = re.sub(r"'(?:[^']|'')*'?", "'<value>'", message)
    message = _DOUBLE_QUOTED.sub(_keep_names, message)
    message = re.sub(r"\)=\((?:[^()]|\([^()]*\))*\)", ")=(<value>)", message)
    return message.strip()


def placeholders(n: int) -> str:
    """``?, ?, ?`` for an IN list of ``n`` values."""
    return ", ".join("?" for _ in range(n))


def quote_ident(name: str) -> str:
    if not _IDENT.match(name):
        raise WarehouseError(f"not a plain SQL identifier: {name!r}")
    return f'"{name}"'


def canonical_json(value: Any) -> str:
    """The one serialisation every digest in the warehouse is computed over."""
    return json.dumps(value, sort_keys=True, separators=(",", ":"), ensure_ascii=False, allow_nan=False)


def sha256_text(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def to_pyformat(sql: str) -> str:
    """``?`` placeholders to psycopg2's ``%s``, skipping string literals, quoted names and comments.

    ``%`` is doubled everywhere because psycopg2 formats the whole statement text.
    """
    out: list[str] = []
    i, n = 0, len(sql)
    while i < n:
        ch = sql[i]
        if ch in ("'", '"'):
            j = i + 1
            while j < n:
                if sql[j] == ch:
                    if j + 1 < n and sql[j + 1] == ch:  # doubled quote inside the literal
                        j += 2
                        continue
                    break
                j += 1
            out.append(sql[i : j + 1].replace("%", "%%"))
            i = j + 1
        elif sql.startswith("--", i):
            j = sql.find("\n", i)
            j = n if j < 0 else j
            out.append(sql[i:j].replace("%", "%%"))
            i = j
        elif sql.startswith("/*", i):
            j = sql.find("*/", i + 2)
            j = n if j < 0 else j + 2
            out.append(sql[i:j].replace("%", "%%"))
            i = j
        elif ch == "?":
            out.append("%s")
            i += 1
        elif ch == "%":
            out.append("%%")
            i += 1
        else:
            out.append(ch)
            i += 1
    return "".join(out)


def in_range(column: str, lo: str | None, hi: str | None) -> tuple[str, list[str]]:
    """`` AND column >= lo AND column < hi`` for a half-open range, each side left out when open
    (``None``), with its parameters: how a big table is read a range of keys at a time."""
    sql, params = "", []
    if lo is not None:
        sql, params = f" AND {column} >= ?", [lo]
    if hi is not None:
        sql, params = sql + f" AND {column} < ?", [*params, hi]
    return sql, params


class Warehouse(ABC):
    """The warehouse: ``execute``, ``query``, ``upsert``, ``transaction``, ``migrate``, ``close``."""

    dialect: str = ""

    def __init__(self) -> None:
        self._lock = threading.RLock()
        self._depth = 0
        self._columns: dict[str, dict[str, str]] = {}

    # -- what each engine provides -------------------------------------------------------------
    @abstractmethod
    def _run(self, sql: str, params: Sequence[Any]) -> tuple[list[str], list[str], list[tuple], int]:
        """Run one statement; return (column names, column type names, rows, rowcount)."""

    @abstractmethod
    def _begin(self) -> None: ...

    @abstractmethod
    def _commit(self) -> None: ...

    @abstractmethod
    def _rollback(self) -> None: ...

    @abstractmethod
    def _encode_json(self, value: Any) -> Any:
        """A Python value bound for a JSON column, as this engine's driver wants it."""

    @abstractmethod
    def _close(self) -> None: ...

    @abstractmethod
    def _stream(self, sql: str, params: Sequence[Any], size: int) -> Iterator[list[tuple]]:
        """Run one query; yield its rows ``size`` at a time, as the engine fetches them."""

    def _before_migrate(self) -> None:
        """Engine set-up that must precede the first migration (e.g. the Postgres schema)."""

    def lock(self, name: str) -> None:
        """Serialise writers on ``name`` until the transaction ends (no-op where writes are serial)."""

    def current_schema(self) -> str:
        return str(self.query("SELECT current_schema() AS s")[0]["s"])

    # -- the interface ----------------------------------------------------------------------------
    def execute(self, sql: str, params: Sequence[Any] | None = None) -> int:
        """Run a statement; return the number of rows it changed (or -1 when the engine cannot say)."""
        with self._lock:
            return self._run(sql, list(params or []))[3]

    def query(self, sql: str, params: Sequence[Any] | None = None) -> list[dict[str, Any]]:
        with self._lock:
            names, types, rows, _ = self._run(sql, list(params or []))
        json_idx = [i for i, t in enumerate(types) if t.upper() in JSON_TYPES]
        out = []
        for row in rows:
            d = dict(zip(names, row, strict=True))
            for i in json_idx:
                v = row[i]
                if isinstance(v, str):
                    d[names[i]] = json.loads(v)
            out.append(d)
        return out

    def rows(self, sql: str, params: Sequence[Any] | None = None, size: int = STREAM_ROWS) -> Iterator[tuple]:
        """A query's rows as plain tuples (JSON columns as text), fetched ``size`` at a time, so that a
        caller can go through a big table without holding it. No other statement may run on this
        warehouse until the iteration ends: an open result owns the connection."""
        with self._lock:
            for batch in self._stream(sql, list(params or []), size):
                yield from batch

    def query_in(
        self, sql: str, values: Sequence[Any], extra: Sequence[Any] | None = None, chunk: int = IN_CHUNK
    ) -> list[dict[str, Any]]:
        """``sql`` with ``{ids}`` standing for an IN list of ``values``, run ``chunk`` values at a time so
        that no statement carries thousands of parameters; ``extra`` parameters follow the values. Rows
        come back chunk by chunk: a caller that needs an order sorts them."""
        out: list[dict[str, Any]] = []
        for i in range(0, len(values), chunk):
            part = list(values[i : i + chunk])
            out.extend(self.query(sql.format(ids=placeholders(len(part))), [*part, *(extra or [])]))
        return out

    def execute_in(
        self, sql: str, values: Sequence[Any], extra: Sequence[Any] | None = None, chunk: int = IN_CHUNK
    ) -> int:
        """``execute`` of ``sql`` with ``{ids}`` standing for an IN list, in chunks; the rows changed
        (-1 when the engine cannot say)."""
        counts = []
        for i in range(0, len(values), chunk):
            part = list(values[i : i + chunk])
            counts.append(self.execute(sql.format(ids=placeholders(len(part))), [*part, *(extra or [])]))
        return -1 if -1 in counts else sum(counts)

    @contextmanager
    def transaction(self) -> Iterator[Warehouse]:
        """All-or-nothing; nested use joins the outer transaction."""
        with self._lock:
            outer = self._depth == 0
            if outer:
                self._begin()
            self._depth += 1
            try:
                yield self
            except BaseException:
                self._depth -= 1
                if outer:
                    self._rollback()
                raise
            self._depth -= 1
            if outer:
                self._commit()

    @property
    def in_transaction(self) -> bool:
        return self._depth > 0

    def tables(self) -> list[str]:
        rows = self.query(
            "SELECT table_name FROM information_schema.tables WHERE table_schema = current_schema() "
            "AND table_type = 'BASE TABLE' ORDER BY table_name"
        )
        return [r["table_name"] for r in rows]

    def columns(self, table: str) -> dict[str, str]:
        """Column name -> type name (upper case), in table order; cached until the next migration."""
        if table not in self._columns:
            rows = self.query(
                "SELECT column_name, data_type FROM information_schema.columns "
                "WHERE table_schema = current_schema() "
                "AND table_name = ? ORDER BY ordinal_position",
                [table],
            )
            if not rows:
                raise WarehouseError(f"no table {table!r} in the warehouse (did migrate() run?)")
            self._columns[table] = {r["column_name"]: str(r["data_type"]).upper() for r in rows}
        return self._columns[table]

    def upsert(self, table: str, rows: Sequence[dict[str, Any]], key: Sequence[str]) -> int:
        """INSERT ... ON CONFLICT (key) DO UPDATE, in multi-row batches; the last row wins for a repeated key.

        Rows with different column sets are written in separate groups, so that a column a row leaves
        out is never overwritten with NULL. Returns the number of distinct rows written.
        """
        if not rows:
            return 0
        cols = self.columns(table)
        if not key:
            raise WarehouseError(f"upsert into {table} needs a key")
        groups: dict[tuple[str, ...], dict[tuple, dict[str, Any]]] = {}
        for row in rows:
            unknown = [c for c in row if c not in cols]
            if unknown:
                raise WarehouseError(f"unknown column(s) {unknown} for table {table}")
            missing = [k for k in key if k not in row]
            if missing:
                raise WarehouseError(f"upsert into {table}: a row lacks key column(s) {missing}")
            names = tuple(row)
            groups.setdefault(names, {})[tuple(row[k] for k in key)] = row
        written = 0
        with self.transaction():
            for names, by_key in groups.items():
                written += self._upsert_group(table, cols, list(names), list(key), list(by_key.values()))
        return written

    def _upsert_group(
        self, table: str, cols: dict[str, str], names: list[str], key: list[str], rows: list[dict[str, Any]]
    ) -> int:
        json_cols = {c for c in names if cols[c] in JSON_TYPES}
        col_sql = ", ".join(quote_ident(c) for c in names)
        updates = [c for c in names if c not in key]
        conflict = ", ".join(quote_ident(k) for k in key)
        if updates:
            action = "DO UPDATE SET " + ", ".join(
                f"{quote_ident(c)} = excluded.{quote_ident(c)}" for c in updates
            )
        else:
            action = "DO NOTHING"
        one = "(" + ", ".join("?" for _ in names) + ")"
        per_batch = max(1, MAX_PARAMS_PER_STATEMENT // len(names))
        for start in range(0, len(rows), per_batch):
            batch = rows[start : start + per_batch]
            params: list[Any] = []
            for r in batch:
                for c in names:
                    v = r[c]
                    params.append(self._encode_json(v) if c in json_cols and v is not None else v)
            sql = (
                f"INSERT INTO {quote_ident(table)} ({col_sql}) VALUES {', '.join([one] * len(batch))} "
                f"ON CONFLICT ({conflict}) {action}"
            )
            self._run(sql, params)
        return len(rows)

    # -- bulk loading -----------------------------------------------------------------------------
    @contextmanager
    def session(self) -> Iterator[Self]:
        """Hold this warehouse across several statements that share session temp tables (other threads
        using the same object wait)."""
        with self._lock:
            yield self

    @property
    def json_type(self) -> str:
        """The SQL type of a JSON column on this engine (for temp tables)."""
        return "JSONB" if self.dialect == "postgres" else "JSON"

    def bulk_insert(self, table: str, columns: Sequence[str], rows: Sequence[Sequence[Any]]) -> int:
        """Append many rows (tuples in ``columns`` order) to ``table`` at once, on the engine's fast path
        (DuckDB scans a DataFrame, PostgreSQL takes COPY). Meant for session temp tables that set-based
        SQL then moves on; JSON values go in as JSON text. Returns the number of rows."""
        if not rows:
            return 0
        names = [quote_ident(c) for c in columns]
        quote_ident(table)
        with self._lock:
            self._bulk_insert(table, names, rows)
        return len(rows)

    def _bulk_insert(self, table: str, names: list[str], rows: Sequence[Sequence[Any]]) -> None:
        """Multi-row INSERTs: the portable path, which engines replace with a faster one."""
        one = "(" + ", ".join("?" for _ in names) + ")"
        per = max(1, MAX_PARAMS_PER_STATEMENT // len(names))
        for start in range(0, len(rows), per):
            chunk = rows[start : start + per]
            self._run(
                f"INSERT INTO {quote_ident(table)} ({', '.join(names)}) VALUES {', '.join([one] * len(chunk))}",
                [v for r in chunk for v in r],
            )

    # -- migrations -------------------------------------------------------------------------------
    def migrate(self) -> list[str]:
        """Apply every migration not yet recorded in ``schema_migrations``; return the versions applied.

        Each migration runs in its own transaction with its record, so a failure leaves the
        warehouse at the last good version and a second call is a no-op.
        """
        with self._lock:
            self._before_migrate()
            with self.transaction():
                self.lock("crosscheck_migrations")
                self.execute(
                    "CREATE TABLE IF NOT EXISTS schema_migrations (version TEXT PRIMARY KEY, "
                    "name TEXT, applied_at TEXT, checksum TEXT)"
                )
            plan = migration_plan(self.dialect)
            done = {r["version"] for r in self.query("SELECT version FROM schema_migrations")}
            applied: list[str] = []
            for version, name, text in plan:
                if version in done:
                    continue
                with self.transaction():
                    self.lock("crosscheck_migrations")
                    if self.query("SELECT 1 AS x FROM schema_migrations WHERE version = ?", [version]):
                        continue  # another process applied it while we waited for the lock
                    if text.strip():
                        self.execute(text)
                    self.execute(
                        "INSERT INTO schema_migrations (version, name, applied_at, checksum) "
                        "VALUES (?, ?, ?, ?)",
                        [version, name, now_iso(), sha256_text(text)],
                    )
                applied.append(version)
            self._columns.clear()
            return applied

    # -- lifecycle --------------------------------------------------------------------------------
    def close(self) -> None:
        with self._lock:
            self._close()

    def __enter__(self) -> Self:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


def migration_plan(dialect: str, folder: Path = MIGRATIONS_DIR) -> list[tuple[str, str, str]]:
    """(version, name, SQL) in version order; ``NNN_name.<dialect>.sql`` wins over ``NNN_name.sql``.

    A migration with only another dialect's variant is an empty step here (recorded, nothing run).
    ``@JSON@`` in a shared file becomes ``JSON`` on DuckDB and ``JSONB`` on Postgres.
    """
    found: dict[str, dict[str | None, Path]] = {}
    names: dict[str, str] = {}
    for p in sorted(folder.glob("*.sql")):
        m = _MIGRATION_NAME.match(p.name)
        if not m:
            raise WarehouseError(f"migration file name not of the form NNN_name[.dialect].sql: {p.name}")
        version, name, variant = m.groups()
        if names.setdefault(version, name) != name:
            raise WarehouseError(f"two migrations share version {version}: {names[version]}, {name}")
        found.setdefault(version, {})[variant] = p
    plan = []
    for version in sorted(found):
        variants = found[version]
        path = variants.get(dialect) or variants.get(None)
        text = path.read_text(encoding="utf-8") if path else ""
        text = text.replace("@JSON@", "JSONB" if dialect == "postgres" else "JSON")
        plan.append((version, names[version], text))
    return plan
