"""Cross-check: consenting candidates in batches through the rules; runs when ingestion lands."""

from __future__ import annotations

from datetime import datetime

from airflow.sdk import Asset, dag, get_current_context, task

from include.run_context import RunContext
from include.task_timeouts import execution_timeout, retry_delay
from plugins.hooks.sources import AirflowSources

INGESTED = Asset("crosscheck://warehouse/ingested")
DISCREPANCIES = Asset("crosscheck://warehouse/discrepancies")
DEFAULT_ARGS = {"owner": "crosscheck", "retries": 2, "retry_delay": retry_delay("crosscheck_check"),
                "execution_timeout": execution_timeout("crosscheck_check")}


@dag(dag_id="crosscheck_check", schedule=[INGESTED], start_date=datetime(2026, 1, 1), catchup=False,
     max_active_runs=1, default_args=DEFAULT_ARGS, tags=["crosscheck", "rules"])
def crosscheck_check():
    @task
    def plan() -> list[int]:
        from include.pipeline.tasks import plan_check_task

        return plan_check_task(RunContext.from_airflow(get_current_context()), AirflowSources())

    @task
    def check_batch(batch: int) -> dict:
        from include.pipeline.tasks import check_batch_task

        return check_batch_task(RunContext.from_airflow(get_current_context()), batch, AirflowSources())

    @task(outlets=[DISCREPANCIES])
    def write_findings() -> dict:
        from include.pipeline.tasks import finish_dag, write_findings_task

        ctx = get_current_context()
        run = RunContext.from_airflow(ctx)
        out = write_findings_task(run, AirflowSources())
        ctx["outlet_events"][DISCREPANCIES].extra = run.to_dict()
        finish_dag(run, ctx)
        return out

    check_batch.expand(batch=plan()) >> write_findings()


crosscheck_check()
