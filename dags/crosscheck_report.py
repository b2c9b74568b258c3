"""The HR report and the run's seal in the audit chain; runs when new findings are written."""

from __future__ import annotations

from datetime import datetime

from airflow.sdk import Asset, dag, get_current_context, task

from include.run_context import RunContext
from include.task_timeouts import execution_timeout, retry_delay
from plugins.hooks.sources import AirflowSources

DISCREPANCIES = Asset("crosscheck://warehouse/discrepancies")
DEFAULT_ARGS = {"owner": "crosscheck", "retries": 2, "retry_delay": retry_delay("crosscheck_report"),
                "execution_timeout": execution_timeout("crosscheck_report")}


@dag(dag_id="crosscheck_report", schedule=[DISCREPANCIES], start_date=datetime(2026, 1, 1), catchup=False,
     max_active_runs=1, default_args=DEFAULT_ARGS, tags=["crosscheck", "report"])
def crosscheck_report():
    @task
    def build_report() -> dict:
        from include.pipeline.tasks import build_report_task

        return build_report_task(RunContext.from_airflow(get_current_context()), AirflowSources())

    @task
    def email_report(report: dict) -> dict:
        from include.pipeline.tasks import email_report_task

        return email_report_task(RunContext.from_airflow(get_current_context()), report)

    @task
    def seal(report: dict) -> dict:
        from include.pipeline.tasks import finish_dag, seal_task

        ctx = get_current_context()
        run = RunContext.from_airflow(ctx)
        finish_dag(run, ctx)
        return seal_task(run, AirflowSources())

    report = build_report()
    email_report(report) >> seal(report)


crosscheck_report()
