"""Daily retention: erase every candidate whose data is older than ``retention.candidate_days``.

Table of contents only: one task calling ``include.audit.retention.purge_expired`` with the DAG
run's own time, so a re-run of the same day erases nothing more.
"""

from __future__ import annotations

from datetime import datetime

from airflow.sdk import dag, get_current_context, task

from include.task_timeouts import execution_timeout, retry_delay

DEFAULT_ARGS = {"owner": "crosscheck", "retries": 2, "retry_delay": retry_delay("crosscheck_retention"),
                "execution_timeout": execution_timeout("crosscheck_retention")}


@dag(dag_id="crosscheck_retention", schedule="@daily", start_date=datetime(2026, 1, 1), catchup=False,
     max_active_runs=1, default_args=DEFAULT_ARGS, tags=["crosscheck", "retention"])
def crosscheck_retention():
    @task
    def purge_expired() -> dict:
        from include.audit.retention import purge_expired as purge
        from include.config import load_config
        from include.private import private_umask
        from plugins.hooks.warehouse import WarehouseHook

        private_umask()
        ctx = get_current_context()
        now = ctx.get("data_interval_end") or ctx["dag_run"].run_after
        wh = WarehouseHook().get_warehouse(migrate=True)  # the run's only task
        try:
            return purge(wh, load_config(), now)
        finally:
            wh.close()

    purge_expired()


crosscheck_retention()
