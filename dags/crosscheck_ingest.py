"""Daily ingestion: ATSs -> consenting candidates' profiles -> registries -> reviews.

Table of contents only: each task calls one function of ``include.pipeline.tasks``, handing it the
run context and the Airflow connections (``AirflowSources``).
"""

from __future__ import annotations

from datetime import datetime

from airflow.sdk import Asset, dag, get_current_context, task

from include.run_context import RunContext
from include.task_timeouts import execution_timeout, retry_delay
from plugins.hooks.sources import AirflowSources

INGESTED = Asset("crosscheck://warehouse/ingested")
DEFAULT_ARGS = {"owner": "crosscheck", "retries": 2, "retry_delay": retry_delay("crosscheck_ingest"),
                "execution_timeout": execution_timeout("crosscheck_ingest")}


@dag(dag_id="crosscheck_ingest", schedule="@daily", start_date=datetime(2026, 1, 1), catchup=False,
     max_active_runs=1, default_args=DEFAULT_ARGS, tags=["crosscheck", "ingest"])
def crosscheck_ingest():
    @task
    def start() -> dict:
        from include.pipeline.tasks import start_run

        return start_run(get_current_context(), AirflowSources())

    @task
    def ingest_ats(run: dict, source: str) -> dict:
        from include.pipeline.tasks import ingest_ats_task

        return ingest_ats_task(RunContext.from_dict(run), source, AirflowSources())

    @task
    def plan_profiles(run: dict) -> list[int]:
        from include.pipeline.tasks import plan_profiles_task

        return plan_profiles_task(RunContext.from_dict(run), AirflowSources())

    @task(max_active_tis_per_dagrun=4)
    def ingest_profiles(chunk: int, run: dict) -> dict:
        from include.pipeline.tasks import ingest_profiles_task

        return ingest_profiles_task(RunContext.from_dict(run), chunk, AirflowSources())

    @task
    def plan_registries(run: dict) -> list[int]:
        from include.pipeline.tasks import plan_registries_task

        return plan_registries_task(RunContext.from_dict(run), AirflowSources())

    @task(max_active_tis_per_dagrun=2)
    def ingest_registries(chunk: int, run: dict) -> dict:
        from include.pipeline.tasks import ingest_registries_task

        return ingest_registries_task(RunContext.from_dict(run), chunk, AirflowSources())

    @task
    def ingest_reviews(run: dict) -> dict:
        from include.pipeline.tasks import ingest_reviews_task

        return ingest_reviews_task(RunContext.from_dict(run), AirflowSources())

    @task(outlets=[INGESTED])
    def finish(run: dict) -> dict:
        from include.pipeline.tasks import finish_ingest

        ctx = get_current_context()
        ctx["outlet_events"][INGESTED].extra = dict(run)
        return finish_ingest(RunContext.from_dict(run), ctx)

    run = start()
    ats = [ingest_ats.override(task_id=f"ingest_{s}")(run, s) for s in ("greenhouse", "lever")]
    profile_chunks = plan_profiles(run)
    ats >> profile_chunks
    profiles = ingest_profiles.partial(run=run).expand(chunk=profile_chunks)
    registry_chunks = plan_registries(run)
    profiles >> registry_chunks
    registries = ingest_registries.partial(run=run).expand(chunk=registry_chunks)
    reviews = ingest_reviews(run)
    registries >> reviews >> finish(run)


crosscheck_ingest()
