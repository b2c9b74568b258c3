"""`crosscheck run` names the cause of a failed task on stderr, whatever the exception is called.

The connectors' exceptions are ``SourceError`` and its subclasses ``MalformedResponse``, ``NotFound``
and ``AuthError``: only some end in "Error". Through Airflow: Greenhouse answering bodies that are
not JSON fails the ingest task with ``MalformedResponse``, and the summary says so. Without
Airflow, a real Python traceback of ``NotFound`` in a log is named the same way.
"""

from __future__ import annotations

import subprocess
import sys

from include.cli_run import _print_errors
from tests.pipeline.conftest import REPORT_DAY
from tests.pipeline.pipeline_state import duckdb_env, failed_tasks, faults


def test_a_failed_run_names_a_malformed_response(tmp_path_factory, sandbox):
    env = duckdb_env(tmp_path_factory.mktemp("error-summary"), sandbox)
    env.env.pop("AIRFLOW_CONN_LEVER_DEFAULT")
    with faults(sandbox, {"greenhouse": {"truncate_every": 1}}):
        proc = env.crosscheck("run", "--date", REPORT_DAY)
    assert proc.returncode != 0
    assert "ingest_greenhouse" in failed_tasks(proc.stdout, "crosscheck_ingest")
    summary = [line for line in proc.stderr.splitlines() if line.startswith("crosscheck: error: ")]
    assert any(line.startswith("crosscheck: error: MalformedResponse: greenhouse: ") for line in summary), \
        proc.stderr[-2000:]


def test_the_summary_names_not_found_from_a_real_traceback(tmp_path, capsys):
    log = tmp_path / "airflow.log"
    code = ("from connectors.http import NotFound\n"
            "raise NotFound('orcid', '/v3.0/{orcid}/employments', 'HTTP 404: not found', 404)\n")
    with log.open("w") as fh:
        proc = subprocess.run([sys.executable, "-c", code], stderr=fh, check=False)
    assert proc.returncode == 1
    _print_errors(log)
    assert capsys.readouterr().err.splitlines() == [
        "crosscheck: error: NotFound: orcid: HTTP 404: not found (/v3.0/{orcid}/employments)"]
