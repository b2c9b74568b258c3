"""Run the installed ``crosscheck`` executable as a user would, in a throwaway environment, and build the
small DuckDB warehouses the compliance commands read, with the project's own functions."""

from __future__ import annotations

import json
import os
import resource
import subprocess
import sys
import time
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[2]
CROSSCHECK = Path(sys.executable).with_name("crosscheck")  # .venv/bin/crosscheck, the entry point
DEMO_CONFIG = ROOT / "sandbox" / "crosscheck.yaml"
DAGS = ["crosscheck_ingest", "crosscheck_check", "crosscheck_report"]


@dataclass
class Result:
    rc: int
    out: str
    err: str
    seconds: float  # wall-clock, which load from other work (a parallel test worker) stretches
    cpu_seconds: float  # user + system time of the command itself: the work it did before answering


def crosscheck(*args: str, env: dict[str, str], cwd: Path, timeout: float = 120) -> Result:
    t0, r0 = time.monotonic(), resource.getrusage(resource.RUSAGE_CHILDREN)
    proc = subprocess.run([str(CROSSCHECK), *args], env=env, cwd=cwd, capture_output=True, text=True,
                          timeout=timeout, check=False)
    r1 = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = (r1.ru_utime - r0.ru_utime) + (r1.ru_stime - r0.ru_stime)
    return Result(proc.returncode, proc.stdout, proc.stderr, time.monotonic() - t0, cpu)


def workshop(module: str, *args: str, env: dict[str, str], cwd: Path, timeout: float = 120) -> Result:
    """A workshop command (``python -m sandbox``, ``python -m evaluation``) as the demo runs it."""
    t0, r0 = time.monotonic(), resource.getrusage(resource.RUSAGE_CHILDREN)
    proc = subprocess.run([sys.executable, "-m", module, *args], env=env, cwd=cwd, capture_output=True, text=True,
                          timeout=timeout, check=False)
    r1 = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = (r1.ru_utime - r0.ru_utime) + (r1.ru_stime - r0.ru_stime)
    return Result(proc.returncode, proc.stdout, proc.stderr, time.monotonic() - t0, cpu)


def write_config(tmp: Path, extra: str = "") -> Path:
    path = tmp / "crosscheck.yaml"
    path.write_text(DEMO_CONFIG.read_text(encoding="utf-8") + f"\ndata_dir: {tmp / 'data'}\n" + extra,
                    encoding="utf-8")
    return path


def cli_env(tmp: Path, **overrides: str | None) -> dict[str, str]:
    """No connection or Crosscheck variable of the caller's; a fresh AIRFLOW_HOME (it must stay unmade
    when a check refuses the input); the warehouse a DuckDB file in ``tmp``. ``None`` unsets a variable."""
    env = {k: v for k, v in os.environ.items() if not k.startswith(("AIRFLOW_CONN_", "AIRFLOW__", "CROSSCHECK_"))}
    env["AIRFLOW_HOME"] = str(tmp / "airflow-home")
    env["CROSSCHECK_CONFIG"] = str(write_config(tmp))
    env["AIRFLOW_CONN_CROSSCHECK_WAREHOUSE"] = json.dumps({"conn_type": "duckdb", "host": str(tmp / "warehouse.duckdb")})
    for k, v in overrides.items():
        if v is None:
            env.pop(k, None)
        else:
            env[k] = v
    return env


def assert_refused(res: Result, *needles: str, rc: int = 2) -> str:
    """One line on stderr naming the problem, the exit status, no traceback, in under a second of the
    command's own CPU time (wall-clock on a loaded CI machine measured 1.7 s for 0.5 s of work; a hang is
    still caught by the 10 s wall-clock bound)."""
    lines = res.err.strip().splitlines()
    assert res.rc == rc, (res.rc, res.err, res.out)
    assert len(lines) == 1, res.err
    assert "Traceback" not in res.err
    for n in needles:
        assert n in lines[0], (n, lines[0])
    assert res.cpu_seconds < 1.0, f"took {res.cpu_seconds:.2f} s of CPU: {lines[0]}"
    assert res.seconds < 10.0, f"took {res.seconds:.2f} s: {lines[0]}"
    return lines[0]


def new_warehouse(path: Path) -> Any:
    from include.warehouse import connect

    wh = connect({"conn_type": "duckdb", "host": str(path)})
    wh.migrate()
    return wh


def add_candidates(wh: Any, ids: list[str], run_id: str = "cc-test") -> None:
    wh.upsert("candidates", [
        {"candidate_id": cid, "source": cid.split(":", 1)[0], "source_id": cid.split(":", 1)[1],
         "first_name": "Ana", "last_name": f"Silva{n}", "emails": [f"ana.silva{n}@example.net"],
         "consent_given": True, "run_id": run_id}
        for n, cid in enumerate(ids)], ["candidate_id"])


def seal(wh: Any, config_path: Path, state: str = "success", day: str = "2026-11-21") -> str:
    """A run sealed in the audit chain by the pipeline's own ``seal_run`` (failed: its last DAG failed)."""
    from include.config import load_config
    from include.pipeline.seal import seal_run
    from include.run_context import RunContext

    run = RunContext.new(date.fromisoformat(day))
    states = [{"dag_id": d, "state": "success", "seconds": 1.0} for d in DAGS]
    if state != "success":
        states[-1]["state"] = state
    seal_run(wh, load_config(config_path), run, states)
    return run.run_id
