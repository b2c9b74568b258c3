"""``crosscheck run``: every DAG of the daily pipeline once, through Airflow, in a child process this
one supervises (so that SIGTERM stops the run and seals it as failed: see ``run_pipeline``), each DAG
in a process of its own (``_in_own_process``).

Imported only once the command line and its inputs have been checked (``include.cli_checks``): Airflow
takes seconds to import, a bad input must not wait for it.
"""

from __future__ import annotations

import contextlib
import json
import os
import re
import signal
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


STOP_SIGNALS = (signal.SIGTERM, signal.SIGINT, signal.SIGHUP)


class _Stopped(Exception):
    def __init__(self, signum: int) -> None:
        super().__init__(signum)
        self.signum = signum


def run_pipeline(report_day: date, use_executor: bool = False, verbose: bool = False, full: bool = False) -> int:
    """Every DAG of the daily pipeline once, in dependency order, through Airflow.

    Airflow runs in a child process; this one only waits for it. Airflow's task runner replaces the
    SIGTERM handler of the process it runs tasks in (it calls the operator's ``on_kill`` and goes on),
    so a run inside this process could not be stopped by ``timeout``, ``systemctl stop`` or ``docker
    stop``. Here a SIGTERM, SIGINT or SIGHUP kills the child's process group, seals the run as failed
    (what it read so far, the DAG it was in) and exits 128 + the signal's number. ``full``: every
    candidate re-checked (``RunContext.full``), not only those whose inputs or due dates say so."""
    prepare_airflow_env()
    from include.run_context import RunContext

    run = RunContext.new(report_day, full=full)
    log_path = None if verbose else Path(os.environ["AIRFLOW_HOME"]) / "logs" / f"crosscheck-{run.run_id}.log"
    if log_path:
        print(f"crosscheck: run {run.run_id} for report day {report_day}; Airflow's log: {log_path}", flush=True)
    rc = _supervise(run, use_executor, log_path)
    if rc != 0 and log_path is not None:
        _print_errors(log_path)
    return rc


def _supervise(run: Any, use_executor: bool, log_path: Path | None) -> int:
    def stop(signum: int, _frame: Any) -> None:
        raise _Stopped(signum)

    sys.stdout.flush()
    sys.stderr.flush()
    read_end, write_end = os.pipe()
    previous = {s: signal.signal(s, stop) for s in STOP_SIGNALS}
    pid, parent = -1, os.getpid()
    try:
        pid = os.fork()
        if pid == 0:  # the child: Airflow, in its own process group
            _child(run, use_executor, log_path, read_end, write_end, previous, parent)
        os.close(write_end)
        with contextlib.suppress(OSError):
            os.setpgid(pid, pid)  # also done by the child: whichever runs first
        _, status = os.waitpid(pid, 0)
        code = os.waitstatus_to_exitcode(status)
        return code if code >= 0 else 128 - code
    except _Stopped as stopped:
        for s in STOP_SIGNALS:
            signal.signal(s, signal.SIG_IGN)  # a second signal must not cut the sealing short
        name = signal.Signals(stopped.signum).name
        if pid > 0:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(pid, signal.SIGKILL)
            os.waitpid(pid, 0)
        states = _stopped_states(_read_states(read_end), name)
        print(f"crosscheck: stopped by {name}; sealing run {run.run_id} as failed", file=sys.stderr, flush=True)
        _seal_failed(run, states, sys.stderr)
        return 128 + stopped.signum
    finally:
        for s, handler in previous.items():
            signal.signal(s, handler)
        with contextlib.suppress(OSError):
            os.close(read_end)


def _child(run: Any, use_executor: bool, log_path: Path | None, read_end: int, write_end: int,
           previous: dict[Any, Any], parent: int) -> None:
    """Never returns: runs the DAGs, reports each DAG's state on the pipe, and exits with the run's status."""
    code = 1
    try:
        _die_with_parent(parent)
        os.setpgid(0, 0)
        os.close(read_end)
        for s, handler in previous.items():
            signal.signal(s, handler)
        with airflow_output_to(log_path) as console:
            code = _run_dags(run, use_executor, console, os.fdopen(write_end, "w", buffering=1))
    except BaseException:  # noqa: BLE001 - the child must never return into the parent's code
        import traceback

        traceback.print_exc()
    finally:
        with contextlib.suppress(Exception):
            sys.stdout.flush()
            sys.stderr.flush()
        os._exit(code)


def _die_with_parent(parent: int) -> None:
    """Linux: the kernel kills this process when the supervising one dies, even by SIGKILL, so that no
    run goes on unsupervised (and unsealed) behind a killed ``crosscheck run``."""
    if not sys.platform.startswith("linux"):
        return
    import ctypes

    with contextlib.suppress(OSError, AttributeError):
        libc = ctypes.CDLL(None, use_errno=True)
        libc.prctl(1, signal.SIGKILL, 0, 0, 0)  # PR_SET_PDEATHSIG
        if os.getppid() != parent:  # the parent died before the request took effect
            os._exit(1)


def _read_states(read_end: int) -> list[dict[str, Any]]:
    """What the child reported before it was stopped: one JSON line per DAG started and finished."""
    os.set_blocking(read_end, False)
    data = b""
    with contextlib.suppress(BlockingIOError, OSError):
        while chunk := os.read(read_end, 65536):
            data += chunk
    states: dict[str, dict[str, Any]] = {}
    for line in data.decode("utf-8", "replace").splitlines():
        with contextlib.suppress(ValueError):
            entry = json.loads(line)
            states[entry["dag_id"]] = entry
    return list(states.values())


def _stopped_states(states: list[dict[str, Any]], signal_name: str) -> list[dict[str, Any]]:
    """The DAG that was running when the signal came is recorded as failed, naming the signal."""
    out = [dict(s) for s in states]
    for s in out:
        if s.get("state") == "running":
            s["state"] = "failed"
            s["stopped_by"] = signal_name
            s["seconds"] = round(time.monotonic() - float(s.pop("started", time.monotonic())), 1)
    if not out:
        out = [{"dag_id": DAG_ORDER[0], "state": "failed", "seconds": 0.0, "stopped_by": signal_name}]
    return out


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


def _run_dags(run: Any, use_executor: bool, console: Any, progress: Any = None) -> int:
    """The DAGs in order; each DAG's start and end are written to ``progress`` (one JSON line each) for
    the supervising process."""
    def report(entry: dict[str, Any]) -> None:
        if progress is not None:
            progress.write(json.dumps(entry) + "\n")
            progress.flush()

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
    run_conf = run.to_dict()
    states: list[dict[str, Any]] = []
    _warm_up()
    for dag_id in DAG_ORDER:
        t0 = time.monotonic()
        report({"dag_id": dag_id, "state": "running", "seconds": 0.0, "started": t0})
        code, result = _in_own_process(lambda dag_id=dag_id: _test_dag(bag, dag_id, run_conf, use_executor),
                                       console)
        state = result["state"] if code == 0 and result else "failed"
        failed = result["failed"] if code == 0 and result else []
        states.append({"dag_id": dag_id, "state": state, "seconds": round(time.monotonic() - t0, 1)})
        report(states[-1])
        print(f"crosscheck: {dag_id}: {state} in {states[-1]['seconds']}s"
              + (f" (failed tasks: {', '.join(failed)})" if failed else "")
              + ("" if code == 0 else f" (its process ended with status {code})"), file=console, flush=True)
        if state != "success":
            _seal_failed(run, states, console)
            return 1
    _print_outputs(run, console)
    return 0


# What every DAG's process imports to run its first task (dag.test's in-process execution API and task
# runner): imported once here, before the forks, each DAG process finds it imported instead of paying for
# it again. Only what every DAG needs: a module one DAG alone uses would count in every DAG's memory.
WARM_MODULES = ("airflow.api_fastapi.execution_api.app", "airflow.sdk.execution_time.supervisor",
                "airflow.sdk.execution_time.task_runner")


def _warm_up() -> None:
    import importlib

    for name in WARM_MODULES:
        with contextlib.suppress(ImportError):  # another Airflow release: the DAG process imports what it needs
            importlib.import_module(name)
    # dag.test's in-process execution API (one per process, cached) builds its app on the first task, and its
    # versioned routes (Cadwyn) on the first request: about 5 s, which each DAG's process would pay again.
    # Built here, before the forks; its transport (an event loop in a thread, which a fork would not carry
    # over) is left for each DAG's process to start. Another Airflow or Cadwyn release: the DAG process builds
    # what is missing itself.
    with contextlib.suppress(Exception):
        from airflow.sdk.execution_time.supervisor import in_process_api_server

        app = in_process_api_server().app
        if getattr(app, "_cadwyn_initialized", True) is False:
            app._cadwyn_initialize()


def _in_own_process(work: Any, console: Any) -> tuple[int, Any]:
    """Run ``work()`` in a child process of its own (forked: Airflow's ORM disposes of its pooled
    connections in the child); its exit status and what it returned (JSON, through a pipe; ``None`` if it
    died first). Each DAG runs so, one after the other: whatever one DAG's tasks held (Python's heap,
    DuckDB's buffer pool, the register's index) goes back to the system when it ends, so the run's peak
    memory is its costliest DAG's, not the sum of all of them. The child stays in this process's group:
    the supervisor's ``killpg`` stops it too."""
    sys.stdout.flush()
    sys.stderr.flush()
    console.flush()
    read_end, write_end = os.pipe()
    parent = os.getpid()
    pid = os.fork()
    if pid == 0:
        code = 1
        try:
            os.close(read_end)
            _die_with_parent(parent)
            result = work()
            with os.fdopen(write_end, "w") as out:
                json.dump(result, out)
            code = 0
        except BaseException:  # noqa: BLE001 - the child must never return into the parent's loop
            import traceback

            traceback.print_exc()
        finally:
            with contextlib.suppress(Exception):
                console.flush()
                sys.stdout.flush()
                sys.stderr.flush()
            os._exit(code)
    os.close(write_end)
    with os.fdopen(read_end, "r") as fh:
        text = fh.read()
    _, status = os.waitpid(pid, 0)
    return os.waitstatus_to_exitcode(status), (json.loads(text) if text else None)


def _test_dag(bag: Any, dag_id: str, run_conf: dict[str, Any], use_executor: bool) -> dict[str, Any]:
    """One DAG run through ``dag.test``: its state and the tasks that neither succeeded nor were skipped."""
    dr = bag.get_dag(dag_id).test(logical_date=datetime.now(UTC), run_conf=run_conf, use_executor=use_executor)
    return {"state": str(getattr(dr.state, "value", dr.state)),
            "failed": [ti.task_id for ti in dr.get_task_instances()
                       if str(getattr(ti.state, "value", ti.state)) not in ("success", "skipped")]}


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
