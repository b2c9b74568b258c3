"""The Celery provider 3.26 imports ``celery.backends.database.retry`` at the top of
``celery_executor_utils``: with a Celery that lacks it, neither the CeleryExecutor nor ``airflow celery
worker`` can even be imported. The pinned Celery (5.6.3 in requirements.lock) has it, so on the pinned
versions this module does nothing; it keeps a deployment working whose environment holds a Celery
without it. ``patch_celery()`` puts back a decorator with the old meaning (retry a result-backend read up
to three times on a database error) when, and only when, it is missing.

Every process that imports the provider needs the patch first:
- the executor (scheduler loop, ``crosscheck run --use-executor``): ``[core] executor`` names
  ``include.executor.celery_compat.CeleryExecutor``, which patches on import;
- the workers: ``python -m include.executor.worker celery worker ...`` (``airflow celery worker ...`` with the
  patch applied first).
"""

from __future__ import annotations

import functools
import logging
from collections.abc import Callable
from typing import Any

log = logging.getLogger(__name__)

EXECUTOR = "include.executor.celery_compat.CeleryExecutor"


def patch_celery() -> bool:
    """Restore ``celery.backends.database.retry`` if missing; True when it had to."""
    from celery.backends import database

    if hasattr(database, "retry"):
        return False
    database.retry = _retry  # type: ignore[attr-defined]
    return True


def _retry(fun: Callable[..., Any]) -> Callable[..., Any]:
    from sqlalchemy.exc import DatabaseError, InvalidRequestError
    from sqlalchemy.orm.exc import StaleDataError

    @functools.wraps(fun)
    def inner(*args: Any, **kwargs: Any) -> Any:
        max_retries = kwargs.pop("max_retries", 3)
        for attempt in range(1, max_retries + 1):
            try:
                return fun(*args, **kwargs)
            except (DatabaseError, InvalidRequestError, StaleDataError):
                if attempt >= max_retries:
                    raise
                log.warning(
                    "result backend call %s failed; retrying (%d left)",
                    fun.__name__,
                    max_retries - attempt,
                    exc_info=True,
                )
        return None

    return inner


def __getattr__(name: str) -> Any:
    """``CeleryExecutor`` is built on first access, so that importing this module stays cheap."""
    if name != "CeleryExecutor":
        raise AttributeError(name)
    patch_celery()
    from airflow.providers.celery.executors.celery_executor import CeleryExecutor as ProviderExecutor

    cls = type(
        "CeleryExecutor",
        (ProviderExecutor,),
        {"__module__": __name__, "__doc__": "The provider's CeleryExecutor, patched."},
    )
    globals()["CeleryExecutor"] = cls
    return cls
