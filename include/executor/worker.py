"""``python -m include.executor.worker celery worker ...``: ``airflow celery worker ...`` with the Celery
compatibility patch applied (``include.executor.celery_compat``) and the pipeline's heavy modules imported once, before
Celery forks its pool. Every task runs in a process forked from a pool process, so a module imported here
is imported once per worker instead of once per task: Great Expectations alone takes seconds to import,
and most ingest tasks validate a batch.
"""

from __future__ import annotations

import logging
import sys

from include.executor.celery_compat import patch_celery

log = logging.getLogger(__name__)

PRELOAD = (
    "include.pipeline.tasks",
    "include.engine.run",
    "include.report.render",
    "plugins.hooks.sources",
    "plugins.hooks.warehouse",
    "include.warehouse.postgres",
)


def preload() -> list[str]:
    """Import what tasks import; a module that fails here is left to fail in its task, visibly."""
    import importlib

    loaded = []
    for name in PRELOAD:
        try:
            importlib.import_module(name)
            loaded.append(name)
        except Exception as exc:  # noqa: BLE001 - an optional speed-up must never stop the worker
            log.warning("could not preload %s: %s", name, exc)
    try:
        from include.quality.gx import gx_module

        gx_module()
        loaded.append("great_expectations")
    except Exception as exc:  # noqa: BLE001
        log.warning("could not preload great_expectations: %s", exc)
    return loaded


def main(argv: list[str] | None = None) -> int:
    patch_celery()
    from airflow.__main__ import main as airflow_main  # Airflow's configuration first, as its CLI does

    args = sys.argv[1:] if argv is None else argv
    if args[:2] == ["celery", "worker"]:
        preload()

    sys.argv = ["airflow", *args]
    return int(airflow_main() or 0)


if __name__ == "__main__":
    sys.exit(main())
