"""How long one try of a task may run before Airflow stops it (``execution_timeout``), per DAG, and how
long Airflow waits before the next try (``retry_delay``).

The defaults are about twice the longest task measured at 100,000 applications (docs/SCALE.md: the
whole ingest DAG took 66 min, check 4 min, report 2 min on 2 shared cores), so a healthy large run is
never stopped while a stuck one is. A source that keeps a request open is normally cut off far sooner
by the HTTP core's per-request budget; the task timeout is the backstop for whatever that does not
cover. ``CROSSCHECK_TASK_TIMEOUT_MINUTES`` replaces every default of the daily DAGs with one figure
(whole minutes, 1 to 1440); ``crosscheck run`` checks it before Airflow starts, and a DAG file refuses
to load with a bad value. ``CROSSCHECK_TASK_RETRY_DELAY_SECONDS`` (0 to 3600) likewise replaces the
daily DAGs' wait between tries (20 s; retention 5 min): a site whose sources recover slowly waits
longer, a test of a failing source waits less.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from datetime import timedelta

TIMEOUT_ENV = "CROSSCHECK_TASK_TIMEOUT_MINUTES"
MAX_MINUTES = 24 * 60
DEFAULT_MINUTES = {
    "crosscheck_ingest": 120,
    "crosscheck_check": 60,
    "crosscheck_report": 30,
    "crosscheck_retention": 60,
    "crosscheck_registry_snapshot": 240,  # loads a whole national register; its own figure, not the daily one
}
DAILY = ("crosscheck_ingest", "crosscheck_check", "crosscheck_report", "crosscheck_retention")
RETRY_ENV = "CROSSCHECK_TASK_RETRY_DELAY_SECONDS"
MAX_RETRY_SECONDS = 3600
DEFAULT_RETRY_SECONDS = {
    "crosscheck_ingest": 20,
    "crosscheck_check": 20,
    "crosscheck_report": 20,
    "crosscheck_retention": 300,
    "crosscheck_registry_snapshot": 120,
}


class TimeoutSettingError(ValueError):
    """``CROSSCHECK_TASK_TIMEOUT_MINUTES`` or ``CROSSCHECK_TASK_RETRY_DELAY_SECONDS`` is not a whole number
    in range."""


def _setting(name: str, low: int, high: int, unit: str, environ: Mapping[str, str] | None) -> int | None:
    """A whole number from ``low`` to ``high`` in the environment variable ``name``, or None when it is
    unset or empty."""
    env = os.environ if environ is None else environ
    raw = (env.get(name) or "").strip()
    if not raw:
        return None
    if not raw.isdigit() or not low <= int(raw) <= high:
        shown = raw if len(raw) <= 40 else raw[:40] + "…"
        raise TimeoutSettingError(f"{name} {shown!r} is not a number of {unit} from {low} to {high}")
    return int(raw)


def override_minutes(environ: Mapping[str, str] | None = None) -> int | None:
    """The operator's figure from ``CROSSCHECK_TASK_TIMEOUT_MINUTES``, or None when it is unset or empty."""
    return _setting(TIMEOUT_ENV, 1, MAX_MINUTES, "minutes", environ)


def execution_timeout(dag_id: str, environ: Mapping[str, str] | None = None) -> timedelta:
    """The ``execution_timeout`` of every task of ``dag_id``."""
    minutes = override_minutes(environ) if dag_id in DAILY else None
    return timedelta(minutes=minutes or DEFAULT_MINUTES[dag_id])


def override_retry_seconds(environ: Mapping[str, str] | None = None) -> int | None:
    """The operator's figure from ``CROSSCHECK_TASK_RETRY_DELAY_SECONDS``, or None when it is unset or empty."""
    return _setting(RETRY_ENV, 0, MAX_RETRY_SECONDS, "seconds", environ)


def retry_delay(dag_id: str, environ: Mapping[str, str] | None = None) -> timedelta:
    """The ``retry_delay`` of every task of ``dag_id``."""
    seconds = override_retry_seconds(environ) if dag_id in DAILY else None
    return timedelta(seconds=DEFAULT_RETRY_SECONDS[dag_id] if seconds is None else seconds)
