"""`crosscheck run` stops on SIGTERM: a real run against a sandbox whose ATS answers slowly (the
sandbox's ``slow_ms`` fault), stopped by SIGTERM while a task waits on the source, as ``timeout``,
``systemctl stop`` or ``docker stop`` would. It must exit promptly, non-zero, and leave the run sealed
as failed in the audit chain."""

from __future__ import annotations

import json
import os
import signal
import stat
import subprocess
import time

import pytest

from tests.pipeline.conftest import CLI, make_env

STOP_WITHIN = 15.0  # seconds from SIGTERM to exit: killing Airflow and sealing the run


@pytest.fixture
def slow_sandbox(world):
    """A sandbox of its own (the session's must stay fault-free) where every answer takes 20 s."""
    from sandbox.server import Faults, Sandbox

    with Sandbox(world, faults={"*": Faults(slow_ms=20_000)}) as sb:
        yield sb


def _wait_for(predicate, seconds: float, proc: subprocess.Popen) -> None:
    deadline = time.monotonic() + seconds
    while not predicate():
        assert proc.poll() is None, f"crosscheck run ended early ({proc.returncode}): {proc.communicate()}"
        assert time.monotonic() < deadline, "the run did not reach the source in time"
        time.sleep(0.5)


def test_sigterm_stops_the_run_and_seals_it_failed(tmp_path, slow_sandbox):
    env = make_env(tmp_path, {"conn_type": "duckdb", "host": str(tmp_path / "warehouse.duckdb")}, slow_sandbox)
    proc = subprocess.Popen([*CLI, "run", "--date", "2026-11-21"], env=env.env, cwd=tmp_path,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        runs = tmp_path / "data" / "runs"
        # the run's first task has written its part: the next ones are waiting on the slow ATS
        _wait_for(lambda: any(runs.glob("*/manifest/start.json")), 240, proc)
        time.sleep(3)
        t0 = time.monotonic()
        proc.send_signal(signal.SIGTERM)
        out, err = proc.communicate(timeout=60)
        took = time.monotonic() - t0
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()
    assert proc.returncode == 128 + signal.SIGTERM, (proc.returncode, out, err)
    assert took < STOP_WITHIN, f"took {took:.1f}s to stop"
    assert "stopped by SIGTERM" in err and "Traceback" not in err, err

    run_id = next(runs.iterdir()).name
    assert (runs / run_id / "manifest.sealed").is_file()
    wh = env.warehouse()
    try:
        rows = wh.query("SELECT run_id, state, manifest FROM pipeline_runs", [])
    finally:
        wh.close()
    assert [(r["run_id"], r["state"]) for r in rows] == [(run_id, "failed")]
    manifest = rows[0]["manifest"]
    manifest = json.loads(manifest) if isinstance(manifest, str) else manifest
    assert [(d["dag_id"], d["state"], d.get("stopped_by")) for d in manifest["dag_runs"]] == [
        ("crosscheck_ingest", "failed", "SIGTERM")]
    # the run folder it leaves is private, as every task wrote it
    assert stat.S_IMODE(os.stat(runs / run_id).st_mode) == 0o700
