"""The services the local Celery stack needs (PostgreSQL, Redis), checked before anything starts, and the
small process and database helpers the stack uses."""

from __future__ import annotations

import ctypes
import signal
import socket
from typing import Any
from urllib.parse import urlsplit

PG = {"host": "127.0.0.1", "port": 5432, "user": "postgres"}
WAREHOUSE_DB = "test"
REDIS_URL = "redis://127.0.0.1:6379/3"


class StackUnavailable(RuntimeError):
    """PostgreSQL or Redis is not there: the stack cannot start (never a reason to skip silently)."""


def pg_connect(dbname: str = WAREHOUSE_DB, pg: dict[str, Any] | None = None) -> Any:
    import psycopg2

    conn = psycopg2.connect(dbname=dbname, connect_timeout=5, **(pg or PG))
    conn.autocommit = True
    return conn


def pg_exec(sql: str, dbname: str = WAREHOUSE_DB, pg: dict[str, Any] | None = None) -> None:
    conn = pg_connect(dbname, pg)
    try:
        with conn.cursor() as cur:
            cur.execute(sql)
    finally:
        conn.close()


def redis_ping(url: str = REDIS_URL, timeout: float = 3.0) -> None:
    u = urlsplit(url)
    with socket.create_connection((u.hostname or "127.0.0.1", u.port or 6379), timeout=timeout) as s:
        s.sendall(b"PING\r\n")
        answer = s.recv(64)
    if not answer.startswith(b"+PONG"):
        raise OSError(f"unexpected answer to PING: {answer[:20]!r}")


def require_services(pg: dict[str, Any] | None = None, redis_url: str = REDIS_URL) -> None:
    """Fail with a message that names the missing service and where it was looked for."""
    pg = pg or PG
    try:
        pg_connect("postgres", pg).close()
    except Exception as exc:  # noqa: BLE001 - any failure means the same thing here
        raise StackUnavailable(
            f"PostgreSQL at {pg['host']}:{pg['port']} (user {pg['user']}, trust auth) is "
            f"required for the Celery stack and is not reachable: {str(exc).strip()}"
        ) from None
    try:
        redis_ping(redis_url)
    except OSError as exc:
        raise StackUnavailable(
            f"Redis at {urlsplit(redis_url).netloc} is required as the Celery broker and is "
            f"not reachable: {exc}"
        ) from None


try:  # loaded here, not in the forked child: a child of a threaded process must not dlopen
    _LIBC: Any = ctypes.CDLL("libc.so.6", use_errno=True)
except OSError:
    _LIBC = None


def die_with_parent() -> None:
    """Child processes get SIGTERM if this process dies without cleaning up (Linux; best effort)."""
    if _LIBC is not None:
        _LIBC.prctl(1, signal.SIGTERM)  # PR_SET_PDEATHSIG
