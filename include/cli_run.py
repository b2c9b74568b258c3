"""``crosscheck run``: every DAG of the daily pipeline once, through Airflow, in this process.

Imported only once the command line and its inputs have been checked (``include.cli_checks``): Airflow
takes seconds to import, a bad input must not wait for it.
"""

from __future__ import annotations

import contextlib
import json
import os
import re
import sys
import time
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

from include.cli_checks import DEFAULT_WAREHOUSE, WAREHOUSE_ENV, open_warehouse, warehouse_conn, where
from include.config import IN_CHECKOUT, PROJECT_ROOT

VAR = PROJECT_ROOT / ".var"
DAG_ORDER = ("crosscheck_ingest", "crosscheck_check", "crosscheck_report")


def prepare_airflow_env() -> None:
    """In a checkout: point Airflow at this project's dags/ and plugins/, whatever AIRFLOW_HOME says; SQLite
    by default. Installed: Airflow's own configuration, untouched (the DAG folder holds the DAGs that
    ``crosscheck dags install`` copied; the plugin is an entry point)."""
    if not IN_CHECKOUT:
        return
    os.environ.setdefault("AIRFLOW_HOME", str(VAR / "airflow"))
    Path(os.environ["AIRFLOW_HOME"]).mkdir(parents=True, exist_ok=True)
    os.environ["AIRFLOW__CORE__DAGS_FOLDER"] = str(PROJECT_ROOT / "dags")
    from include.deploy import plugin_entry_point

    # the plugin: its entry point once installed (make install); else the folder (both would register it twice)
    folder = VAR / "no-plugins" if plugin_entry_point() else PROJECT_ROOT / "plugins"
    folder.mkdir(parents=True, exist_ok=True)
    os.environ["AIRFLOW__CORE__PLUGINS_FOLDER"] = str(folder)
    os.environ.setdefault("AIRFLOW__CORE__LOAD_EXAMPLES", "False")
    os.environ.setdefault("AIRFLOW__CORE__MAX_MAP_LENGTH", "1024")
    os.environ.setdefault("AIRFLOW__CORE__UNIT_TEST_MODE", "False")
    os.environ.setdefault("AIRFLOW__DAG_PROCESSOR__DAG_BUNDLE_CONFIG_LIST", json.dumps(
        [{"name": "dags-folder", "classpath": "airflow.dag_processing.bundles.local.LocalDagBundle",
          "kwargs": {"path": str(PROJECT_ROOT / "dags")}}]))
    if WAREHOUSE_ENV not in os.environ and DEFAULT_WAREHOUSE is not None:
        DEFAULT_WAREHOUSE.parent.mkdir(parents=True, exist_ok=True)
        os.environ[WAREHOUSE_ENV] = json.dumps({"conn_type": "duckdb", "host": str(DEFAULT_WAREHOUSE)})
    root = str(PROJECT_ROOT)
    if root not in sys.path:
        sys.path.insert(0, root)
    os.environ["PYTHONPATH"] = os.pathsep.join(filter(None, [root, os.environ.get("PYTHONPATH")]))


def init_airflow_db() -> None:
    from airflow.utils import db

    db.initdb() if hasattr(db, "initdb") else db.upgradedb()


@contextlib.contextmanager
def airflow_output_to(log_path: Path | None):
    """Send Airflow's console output (file descriptors 1 and 2) to a log file, keeping ours readable."""
    if log_path is None:
        yield sys.stdout
        return
    log_path.parent.mkdir(parents=True, exist_ok=True)
    sys.stdout.flush()
    sys.stderr.flush()
    saved_out, saved_err = os.dup(1), os.dup(2)
    console = os.fdopen(os.dup(saved_out), "w", buffering=1)
    with log_path.open("ab") as fh:
        os.dup2(fh.fileno(), 1)
        os.dup2(fh.fileno(), 2)
        try:
            yield console
        finally:
            sys.stdout.flush()
            sys.stderr.flush()
            os.dup2(saved_out, 1)
            os.dup2(saved_err, 2)
            os.close(saved_out)
            os.close(saved_err)
            console.close()


def run_pipeline(report_day: date, use_executor: bool = False, verbose: bool = False) -> int:
    """Every DAG of the daily pipeline once, in dependency order, through Airflow."""
    prepare_airflow_env()
    from include.run_context import RunContext

    run = RunContext.new(report_day)
    log_path = None if verbose else Path(os.environ["AIRFLOW_HOME"]) / "logs" / f"crosscheck-{run.run_id}.log"
    if log_path:
        print(f"crosscheck: run {run.run_id} for report day {report_day}; Airflow's log: {log_path}", flush=True)
    with airflow_output_to(log_path) as console:
        rc = _run_dags(run, use_executor, console)
    if rc != 0 and log_path is not None:
        _print_errors(log_path)
    return rc


# The last line of a task's traceback: a module-qualified exception of any name
# ("connectors.http.MalformedResponse: ..."), or a bare one named like an exception ("ValueError: ...").
ERROR_LINE = re.compile(r"^\s*(?:(?:[a-z_]\w*\.)+[A-Z]\w*|\w*(?:Error|Exception|Rejected))\b[^:]*: .+")
QUALIFIED = re.compile(r"^(?:[a-z_]\w*\.)+(?=[A-Z])")


def _print_errors(log_path: Path, most: int = 5) -> None:
    """The failing tasks' own error lines (source errors name the source and endpoint, never a body)."""
    try:
        lines = log_path.read_text(encoding="utf-8", errors="replace").splitlines()
    except OSError:
        return
    errors = list(dict.fromkeys(QUALIFIED.sub("", line.strip()) for line in lines if ERROR_LINE.match(line)))
    for line in errors[-most:]:
        print(f"crosscheck: error: {line[:500]}", file=sys.stderr)


def _run_dags(run: Any, use_executor: bool, console: Any) -> int:
    if IN_CHECKOUT:
        init_airflow_db()  # the checkout's own SQLite; a deployment's metadata database is `airflow db migrate`'s
    from airflow.configuration import conf
    from airflow.dag_processing.dagbag import DagBag

    folder = str(PROJECT_ROOT / "dags") if IN_CHECKOUT else conf.get("core", "dags_folder")
    bag = DagBag(dag_folder=folder)
    missing = [d for d in DAG_ORDER if d not in bag.dag_ids]
    if missing and not bag.import_errors:
        print(f"crosscheck: the DAG folder {folder} lacks {', '.join(missing)}: "
              "`crosscheck dags install` copies them there", file=console)
        return 2
    if bag.import_errors:
        for path, err in bag.import_errors.items():
            print(f"DAG import error in {path}:\n{err}", file=console)
        return 2
    conf = run.to_dict()
    states: list[dict[str, Any]] = []
    for dag_id in DAG_ORDER:
        dag = bag.get_dag(dag_id)
        t0 = time.monotonic()
        dr = dag.test(logical_date=datetime.now(UTC), run_conf=conf, use_executor=use_executor)
        state = str(getattr(dr.state, "value", dr.state))
        failed = [ti.task_id for ti in dr.get_task_instances() if str(getattr(ti.state, "value", ti.state))
                  not in ("success", "skipped")]
        states.append({"dag_id": dag_id, "state": state, "seconds": round(time.monotonic() - t0, 1)})
        print(f"crosscheck: {dag_id}: {state} in {states[-1]['seconds']}s"
              + (f" (failed tasks: {', '.join(failed)})" if failed else ""), file=console, flush=True)
        if state != "success":
            _seal_failed(run, states, console)
            return 1
    _print_outputs(run, console)
    return 0


def _seal_failed(run: Any, states: list[dict[str, Any]], console: Any) -> None:
    """A failed run is recorded in the audit chain too: what was read before it failed, and that it failed."""
    from include.config import load_config
    from include.pipeline.seal import seal_run

    try:
        wh = open_warehouse(create=True)
        try:
            seal_run(wh, load_config(), run, states)
        finally:
            wh.close()
    except Exception as exc:  # noqa: BLE001 - the failure itself is what the caller must see
        print(f"crosscheck: could not record the failed run in the audit chain: {exc}", file=console)


def _print_outputs(run: Any, console: Any) -> None:
    from include.config import load_config
    from include.pipeline.runs import read_parts

    parts = read_parts(load_config(), run)
    report = parts.get("report", {}).get("paths", {})
    print(f"crosscheck: warehouse: {where(warehouse_conn())}", file=console)
    for locale, paths in report.items():
        print(f"crosscheck: report ({locale}): {paths['html']}", file=console)
        print(f"crosscheck: findings CSV ({locale}): {paths['csv']}", file=console)
