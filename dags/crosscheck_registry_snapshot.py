"""Monthly registry snapshots: Companies House basic company data and the GLEIF golden copy into the warehouse.

Table of contents only: the files come from the run's conf (``{"files": [path | {"path", "registry"}]}``
or ``{"snapshot_dir": dir}``), else from ``.var/snapshots/`` (installed: ``<data_dir>/snapshots``); each
file is one mapped task calling ``include.snapshots.load.load_snapshot``; then every stored name is normalised again if the
normaliser changed. Loading the same file again leaves the same state.
"""

from __future__ import annotations

from datetime import datetime

from airflow.sdk import Asset, dag, get_current_context, task

from include.task_timeouts import execution_timeout, retry_delay

SNAPSHOT = Asset("crosscheck://warehouse/registry_snapshot")
DEFAULT_ARGS = {
    "owner": "crosscheck",
    "retries": 2,
    "retry_delay": retry_delay("crosscheck_registry_snapshot"),
    "execution_timeout": execution_timeout("crosscheck_registry_snapshot"),
}


@dag(
    dag_id="crosscheck_registry_snapshot",
    schedule="@monthly",
    start_date=datetime(2026, 1, 1),
    catchup=False,
    max_active_runs=1,
    default_args=DEFAULT_ARGS,
    tags=["crosscheck", "registry"],
)
def crosscheck_registry_snapshot():
    @task
    def plan() -> list[dict]:
        from include.snapshots.load import plan_files
        from plugins.hooks.warehouse import WarehouseHook

        WarehouseHook().get_warehouse(migrate=True).close()  # once per run; the mapped loads only check
        dag_run = get_current_context().get("dag_run")
        return plan_files(getattr(dag_run, "conf", None) or {})

    @task(max_active_tis_per_dagrun=1)
    def load(item: dict) -> dict:
        from include.private import private_umask
        from include.snapshots.load import load_snapshot
        from plugins.hooks.warehouse import WarehouseHook

        private_umask()
        wh = WarehouseHook().get_warehouse()
        try:
            return load_snapshot(wh, item["path"], item.get("registry")).as_dict()
        finally:
            wh.close()

    @task
    def refresh_normalised(reports: list[dict]) -> dict:
        """Stored names follow the current normaliser, API-cached ones included."""
        from include.snapshots.normalised import renormalise_if_stale
        from plugins.hooks.warehouse import WarehouseHook

        wh = WarehouseHook().get_warehouse()
        try:
            return {"renormalised": renormalise_if_stale(wh)}
        finally:
            wh.close()

    @task(outlets=[SNAPSHOT])
    def summarise(reports: list[dict], refreshed: dict) -> dict:
        reports = list(reports)
        return {
            "files": len(reports),
            "entities": sum(r["entities"] for r in reports),
            "names": sum(r["names"] for r in reports),
            "malformed": sum(r["malformed"] for r in reports),
            **refreshed,
        }

    reports = load.expand(item=plan())
    summarise(reports, refresh_normalised(reports))


crosscheck_registry_snapshot()
