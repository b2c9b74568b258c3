"""``crosscheck run`` runs each DAG in a process of its own (``include.cli_run._in_own_process``), so
that what one DAG's tasks held is given back before the next DAG begins: the run's peak memory is its
costliest DAG's, not the sum of all of them. The end-to-end runs in ``tests/pipeline`` go through it;
these tests pin what it promises."""

from __future__ import annotations

import io
import os

from include.cli_run import _in_own_process


def _rss_mib() -> float:
    with open("/proc/self/status", encoding="ascii") as fh:
        line = next(x for x in fh if x.startswith("VmRSS:"))
    return int(line.split()[1]) / 1024


def test_the_work_runs_in_another_process_and_its_result_comes_back():
    code, result = _in_own_process(lambda: {"pid": os.getpid(), "parent": os.getppid()}, io.StringIO())
    assert code == 0
    assert result["pid"] != os.getpid() and result["parent"] == os.getpid()


KEPT: list[bytearray] = []  # what a DAG's tasks leave behind: caches, a buffer pool


def test_what_the_work_held_is_not_kept_by_the_caller():
    before = _rss_mib()

    def hold() -> float:
        KEPT.append(bytearray(os.urandom(1 << 20)) * 300)  # 300 MiB, touched, and kept
        return len(KEPT[-1]) / 2**20

    code, held = _in_own_process(hold, io.StringIO())
    assert (code, held) == (0, 300.0)
    assert _rss_mib() - before < 100 and not KEPT


def test_a_failing_or_dying_work_is_a_failure_with_no_result(capfd):
    def fail() -> None:
        raise RuntimeError("the DAG could not start")

    assert _in_own_process(fail, io.StringIO()) == (1, None)
    assert "the DAG could not start" in capfd.readouterr().err
    code, result = _in_own_process(lambda: os._exit(7), io.StringIO())
    assert (code, result) == (7, None)


def test_the_execution_api_is_built_once_before_the_forks_and_answers_in_each_dag_process():
    """dag.test's in-process execution API builds its versioned routes on its first request (about 5 s);
    ``_warm_up`` builds them in the caller, so that each DAG's process finds them built, and a DAG's
    process still gets answers through a transport of its own (a fork carries no threads over)."""
    from airflow.sdk.execution_time.supervisor import InProcessTestSupervisor, in_process_api_server

    from include.cli_run import _warm_up

    _warm_up()
    app = in_process_api_server().app
    assert app._cadwyn_initialized is True

    def in_the_dag_process() -> dict:
        api = in_process_api_server()
        built = api.app is app and api.app._cadwyn_initialized
        response = InProcessTestSupervisor._api_client().get("health")
        return {"built": built, "status": response.status_code, "body": response.json()}

    for _ in range(2):  # one DAG after another, each in its own process
        code, result = _in_own_process(in_the_dag_process, io.StringIO())
        assert code == 0, result
        assert result["built"] is True
        assert result["status"] == 200 and result["body"].get("status") == "healthy"
