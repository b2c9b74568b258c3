"""Every DAG imports with zero errors, touches no connection, variable or network at parse time,
and follows the house conventions."""

from __future__ import annotations

import socket
from pathlib import Path
from unittest import mock

import pytest

DAGS = Path(__file__).resolve().parents[2] / "dags"
EXPECTED = {"crosscheck_ingest", "crosscheck_check", "crosscheck_report"}


def _forbidden(*args, **kwargs):
    raise AssertionError("DAG file touched a connection, variable or the network at parse time")


@pytest.fixture(scope="module")
def dagbag():
    from airflow.dag_processing.dagbag import DagBag

    with (
        mock.patch("airflow.sdk.BaseHook.get_connection", _forbidden),
        mock.patch("airflow.sdk.Variable.get", _forbidden),
        mock.patch.object(socket.socket, "connect", _forbidden),
    ):
        return DagBag(dag_folder=str(DAGS))


def test_no_import_errors(dagbag):
    assert dagbag.import_errors == {}


def test_expected_dags_present(dagbag):
    assert EXPECTED <= set(dagbag.dag_ids)


def test_conventions(dagbag):
    for dag_id, dag in dagbag.dags.items():
        assert "crosscheck" in dag.tags, dag_id
        assert dag.max_active_runs == 1, dag_id
        for t in dag.tasks:
            assert t.retries >= 1, f"{dag_id}.{t.task_id} has no retries"


def test_assets_wire_the_pipeline(dagbag):
    """ingest -> check -> report through Airflow Assets (data-aware scheduling)."""
    ingest_outlets = {o.uri for t in dagbag.dags["crosscheck_ingest"].tasks for o in t.outlets}
    check_outlets = {o.uri for t in dagbag.dags["crosscheck_check"].tasks for o in t.outlets}
    assert "crosscheck://warehouse/ingested" in ingest_outlets
    assert "crosscheck://warehouse/discrepancies" in check_outlets
    for dag_id, uri in (("crosscheck_check", "crosscheck://warehouse/ingested"),
                        ("crosscheck_report", "crosscheck://warehouse/discrepancies")):
        timetable = dagbag.dags[dag_id].timetable
        assert type(timetable).__name__ == "AssetTriggeredTimetable", dag_id
        assert uri in repr(timetable.asset_condition), dag_id


LIGHT = ("from include.run_context import", "from include.task_timeouts import",
         "from plugins.hooks.sources import")  # stdlib-only modules


def test_dag_files_are_thin():
    """A DAG file reads like a table of contents: no heavy imports at module level (the run context and the
    connections' adapter are the only product names it takes at parse time, and they import nothing heavy)."""
    for path in DAGS.glob("*.py"):
        head = [line for line in path.read_text().splitlines() if line.startswith(("import ", "from "))]
        for line in head:
            if line.startswith(LIGHT):
                continue
            assert not any(m in line for m in ("include.", "connectors", "pandas", "great_expectations",
                                               "duckdb", "requests")), f"{path.name}: {line}"


def test_what_dag_files_import_at_parse_time_is_light():
    import subprocess
    import sys

    code = ("import sys; import include.run_context, include.task_timeouts, plugins.hooks.sources; "
            "print(sorted(m for m in ('pandas', 'great_expectations', 'duckdb', 'requests', 'include.pipeline', "
            "'include.warehouse', 'connectors') if m in sys.modules))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout.strip()
    assert out == "[]"


def test_every_task_has_an_execution_timeout(dagbag):
    """A task that hangs (a source dripping bytes, a stuck lock) is stopped by Airflow and retried or
    failed, never left running: every task has a deadline, the per-DAG default when none is set."""
    from include.task_timeouts import DEFAULT_MINUTES

    for dag_id, dag in dagbag.dags.items():
        for t in dag.tasks:
            assert t.execution_timeout is not None, f"{dag_id}.{t.task_id} has no execution_timeout"
            assert t.execution_timeout.total_seconds() == DEFAULT_MINUTES[dag_id] * 60, f"{dag_id}.{t.task_id}"


def test_the_task_timeout_is_configurable(monkeypatch):
    from airflow.dag_processing.dagbag import DagBag

    monkeypatch.setenv("CROSSCHECK_TASK_TIMEOUT_MINUTES", "7")
    bag = DagBag(dag_folder=str(DAGS))
    assert bag.import_errors == {}
    for dag_id in EXPECTED:
        assert {t.execution_timeout.total_seconds() for t in bag.dags[dag_id].tasks} == {420}, dag_id
    # the monthly register load keeps its own, longer deadline
    snapshot = bag.dags["crosscheck_registry_snapshot"]
    assert {t.execution_timeout.total_seconds() for t in snapshot.tasks} == {4 * 3600}


def test_the_wait_between_tries_is_configurable(monkeypatch):
    """20 s between a daily task's tries (retention 5 min, the register load 2 min), unless
    ``CROSSCHECK_TASK_RETRY_DELAY_SECONDS`` sets the daily DAGs' wait (the tests set 1 s)."""
    from airflow.dag_processing.dagbag import DagBag

    from include.task_timeouts import DEFAULT_RETRY_SECONDS

    monkeypatch.delenv("CROSSCHECK_TASK_RETRY_DELAY_SECONDS", raising=False)
    bag = DagBag(dag_folder=str(DAGS))
    for dag_id, dag in bag.dags.items():
        assert {t.retry_delay.total_seconds() for t in dag.tasks} == {DEFAULT_RETRY_SECONDS[dag_id]}, dag_id
        assert {t.retries for t in dag.tasks} == {2}, dag_id
    assert DEFAULT_RETRY_SECONDS["crosscheck_ingest"] == 20
    monkeypatch.setenv("CROSSCHECK_TASK_RETRY_DELAY_SECONDS", "3")
    bag = DagBag(dag_folder=str(DAGS))
    for dag_id in EXPECTED:
        assert {t.retry_delay.total_seconds() for t in bag.dags[dag_id].tasks} == {3}, dag_id
    assert {t.retry_delay.total_seconds() for t in bag.dags["crosscheck_registry_snapshot"].tasks} == {120}
    monkeypatch.setenv("CROSSCHECK_TASK_RETRY_DELAY_SECONDS", "soon")
    bag = DagBag(dag_folder=str(DAGS))
    assert all("CROSSCHECK_TASK_RETRY_DELAY_SECONDS 'soon' is not a number of seconds" in e
               for e in bag.import_errors.values()) and bag.import_errors


def test_a_bad_task_timeout_is_a_one_line_import_error(monkeypatch):
    from airflow.dag_processing.dagbag import DagBag

    monkeypatch.setenv("CROSSCHECK_TASK_TIMEOUT_MINUTES", "an hour")
    bag = DagBag(dag_folder=str(DAGS))
    assert {Path(p).name for p in bag.import_errors} >= {"crosscheck_ingest.py", "crosscheck_check.py"}
    assert all("CROSSCHECK_TASK_TIMEOUT_MINUTES 'an hour' is not a number of minutes" in e
               for e in bag.import_errors.values())
