"""The small parts of the Celery stack that do not need the stack: the service check, the worker
hostname, and the Celery 5.7 compatibility patch."""

from __future__ import annotations

import socket

import pytest

from include.executor import celery_compat, hostname
from stack.services import PG, REDIS_URL, StackUnavailable, require_services


def _closed_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]  # nothing listens once the socket is closed


def test_a_missing_postgres_is_named():
    port = _closed_port()
    with pytest.raises(StackUnavailable, match=rf"PostgreSQL at 127.0.0.1:{port} .* not reachable"):
        require_services({**PG, "port": port}, REDIS_URL)


def test_a_missing_redis_is_named():
    port = _closed_port()
    with pytest.raises(StackUnavailable, match=rf"Redis at 127.0.0.1:{port} is required .* not reachable"):
        require_services(PG, f"redis://127.0.0.1:{port}/3")


def test_the_local_services_are_there():
    """The stack test needs them: this fails (never skips) on a machine without them."""
    require_services()


def test_each_worker_reports_its_own_name(monkeypatch):
    monkeypatch.setenv(hostname.WORKER_NAME_ENV, "worker-2")
    assert hostname.worker_hostname() == "worker-2"
    monkeypatch.delenv(hostname.WORKER_NAME_ENV)
    assert hostname.worker_hostname() == socket.getfqdn()
    from airflow.sdk._shared.module_loading import import_string

    assert import_string(hostname.HOSTNAME_CALLABLE) is hostname.worker_hostname


def test_the_celery_provider_imports_once_patched():
    from celery.backends import database

    celery_compat.patch_celery()
    assert callable(database.retry)
    assert celery_compat.patch_celery() is False  # idempotent
    from airflow.providers.celery.executors.celery_executor import CeleryExecutor

    assert issubclass(celery_compat.CeleryExecutor, CeleryExecutor)


def test_the_restored_retry_retries_database_errors_then_gives_up():
    from sqlalchemy.exc import DatabaseError

    calls = []

    @celery_compat._retry
    def flaky(fail_times: int) -> str:
        calls.append(1)
        if len(calls) <= fail_times:
            raise DatabaseError("SELECT 1", {}, Exception("connection reset"))
        return "ok"

    assert flaky(2) == "ok" and len(calls) == 3
    calls.clear()
    with pytest.raises(DatabaseError):
        flaky(5)
    assert len(calls) == 3
