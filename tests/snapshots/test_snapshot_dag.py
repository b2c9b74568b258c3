"""The monthly snapshot DAG: parses cleanly with no I/O at parse time, and loads files when run."""

from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
from pathlib import Path
from unittest import mock

ROOT = Path(__file__).resolve().parents[2]
DAG_FILE = ROOT / "dags" / "crosscheck_registry_snapshot.py"


def _forbidden(*args, **kwargs):
    raise AssertionError("the snapshot DAG touched a connection, variable or the network at parse time")


def test_dag_imports_cleanly_and_follows_conventions():
    from airflow.dag_processing.dagbag import DagBag

    with (
        mock.patch("airflow.sdk.BaseHook.get_connection", _forbidden),
        mock.patch("airflow.sdk.Variable.get", _forbidden),
        mock.patch.object(socket.socket, "connect", _forbidden),
    ):
        bag = DagBag(dag_folder=str(DAG_FILE))
    assert bag.import_errors == {}
    dag = bag.dags["crosscheck_registry_snapshot"]
    assert dag.max_active_runs == 1 and not dag.catchup
    assert {"crosscheck", "registry"} <= set(dag.tags)
    assert "0 0 1 * *" in repr(dag.timetable)  # @monthly
    assert all(t.retries >= 1 for t in dag.tasks)
    imports = [ln for ln in DAG_FILE.read_text().splitlines() if ln.startswith(("import ", "from "))]
    light = ("from include.task_timeouts import",)  # stdlib only (tests/dags checks what it pulls in)
    assert not [ln for ln in imports if not ln.startswith(light) and ("include" in ln or "plugins" in ln or "duckdb" in ln)]


_RUN = """
import json, sys
from datetime import UTC, datetime
from airflow.utils import db
db.initdb() if hasattr(db, "initdb") else db.upgradedb()
from airflow.dag_processing.dagbag import DagBag
dag = DagBag(dag_folder=sys.argv[1]).get_dag("crosscheck_registry_snapshot")
dr = dag.test(logical_date=datetime.now(UTC), run_conf=json.loads(sys.argv[2]))
print("STATE", dr.state)
"""


def test_a_run_loads_the_files_in_its_conf(tmp_path, snapshot_files):
    from include.warehouse import connect

    spec = {"conn_type": "duckdb", "host": str(tmp_path / "wh.duckdb")}
    env = dict(
        os.environ,
        AIRFLOW_HOME=str(tmp_path / "airflow"),
        AIRFLOW__CORE__LOAD_EXAMPLES="False",
        AIRFLOW__CORE__DAGS_FOLDER=str(DAG_FILE.parent),
        AIRFLOW__CORE__UNIT_TEST_MODE="False",
        AIRFLOW_CONN_CROSSCHECK_WAREHOUSE=json.dumps(spec),
        PYTHONPATH=str(ROOT),
    )
    conf = {
        "files": [
            str(snapshot_files.companies_house),
            {"path": str(snapshot_files.gleif), "registry": "gleif"},
        ]
    }
    out = subprocess.run(
        [sys.executable, "-c", _RUN, str(DAG_FILE), json.dumps(conf)],
        check=False,
        env=env,
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert "STATE success" in out.stdout, out.stdout[-2000:] + out.stderr[-4000:]
    wh = connect(spec)
    try:
        counts = {
            r["registry"]: r["n"]
            for r in wh.query("SELECT registry, count(*) AS n FROM registry_entities GROUP BY registry")
        }
    finally:
        wh.close()
    assert counts == snapshot_files.counts
