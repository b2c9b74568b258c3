"""Airflow's distributed set-up as local processes: metadata in a fresh PostgreSQL database, CeleryExecutor
with Redis as the broker, an execution API server and two Celery workers, and the warehouse on PostgreSQL
(DuckDB takes one writer at a time; the workers write concurrently). The same stack as docker-compose.yml,
for machines where Docker cannot run, and for the test that proves the pipeline runs on it.

    .venv/bin/python -m stack.celery_stack --date 2026-11-21

``crosscheck run --use-executor`` drives the run (``dag.test(use_executor=True)``): the CLI process is the
scheduler loop, queues every ready task instance on the CeleryExecutor, and the workers run them through
the execution API. Every resource is named after a random suffix (metadata database, warehouse schema,
broker keys, worker node names) and removed on exit, whatever happened.
"""

from __future__ import annotations

import argparse
import json
import os
import secrets
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from include.config import PROJECT_ROOT
from stack.processes import CeleryStack
from stack.services import PG, WAREHOUSE_DB, StackUnavailable, pg_exec, require_services

WORLD = PROJECT_ROOT / "sandbox" / "data" / "seed-42"
MAPPED_TASKS = ("ingest_profiles", "ingest_registries", "check_batch")

__all__ = ["MAPPED_TASKS", "WORLD", "CeleryRun", "CeleryStack", "StackUnavailable", "celery_pipeline", "main"]


@dataclass
class CeleryRun:
    """A pipeline run on the stack, alive until the context exits."""

    stack: CeleryStack
    proc: subprocess.CompletedProcess
    seconds: float
    warehouse_spec: dict[str, Any]

    @property
    def ok(self) -> bool:
        return self.proc.returncode == 0

    def warehouse(self) -> Any:
        from include.warehouse import connect

        wh = connect(self.warehouse_spec)
        wh.migrate()
        return wh

    def hosts_by_task(self) -> dict[str, set[str]]:
        out: dict[str, set[str]] = {}
        for ti in self.stack.task_instances():
            if ti["state"] == "success":
                out.setdefault(ti["task_id"], set()).add(ti["hostname"] or "?")
        return out

    def findings_by_kind(self) -> dict[str, int]:
        wh = self.warehouse()
        try:
            rows = wh.query("SELECT kind, COUNT(*) AS n FROM discrepancies GROUP BY kind ORDER BY kind", [])
        finally:
            wh.close()
        return {r["kind"]: int(r["n"]) for r in rows}


@contextmanager
def celery_pipeline(
    report_day: str,
    home: Path,
    world: Path = WORLD,
    workers: int = 2,
    base_env: dict[str, str] | None = None,
    timeout: float = 900,
    progress: Any = None,
) -> Iterator[CeleryRun]:
    """Sandbox, warehouse schema and stack, one ``crosscheck run --use-executor``; all removed on exit."""
    from sandbox.server import Sandbox
    from sandbox.world import World

    require_services()
    home = Path(home)
    home.mkdir(parents=True, exist_ok=True)
    schema = f"cc_wh_{secrets.token_hex(4)}"
    spec = {
        "conn_type": "postgres",
        "host": PG["host"],
        "port": PG["port"],
        "login": PG["user"],
        "schema": WAREHOUSE_DB,
        "extra": {"search_path": schema},
    }
    config = (PROJECT_ROOT / "sandbox" / "crosscheck.yaml").read_text(encoding="utf-8")
    config_path = home / "crosscheck.yaml"
    config_path.write_text(config + f"\ndata_dir: {home / 'data'}\n", encoding="utf-8")
    stack = CeleryStack(home, workers)
    with Sandbox(World.load(world)) as sandbox:
        base = {k: v for k, v in (base_env or os.environ).items() if not k.startswith("AIRFLOW_CONN_")}
        base.update({f"AIRFLOW_CONN_{k.upper()}": json.dumps(v) for k, v in sandbox.connections().items()})
        base["AIRFLOW_CONN_CROSSCHECK_WAREHOUSE"] = json.dumps(spec)
        base["CROSSCHECK_CONFIG"] = str(config_path)
        try:
            pg_exec(f'CREATE SCHEMA "{schema}"')
            stack.start(base)
            if progress:
                progress(stack)
            t0 = time.monotonic()
            proc = stack.crosscheck("run", "--date", report_day, "--use-executor", timeout=timeout)
            yield CeleryRun(stack, proc, time.monotonic() - t0, spec)
        finally:
            stack.stop()
            try:
                pg_exec(f'DROP SCHEMA IF EXISTS "{schema}" CASCADE')
            except Exception as exc:  # noqa: BLE001
                print(f"celery stack: could not drop schema {schema}: {exc}", file=sys.stderr)


def _print_stack(stack: CeleryStack) -> None:
    t = stack.timings
    print(
        f"celery stack: metadata database {stack.metadata_db} migrated in {t['db_migrate']:.0f}s; api-server "
        f"(port {stack.api_port}) and {stack.workers} workers up in {t['processes_up']:.0f}s; broker keys "
        f"{stack.key_prefix}*; logs in {stack.logs}",
        flush=True,
    )
    print("celery stack: crosscheck run --use-executor ... (a few minutes)", flush=True)


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--date", default="2026-11-21", help="report day D")
    ap.add_argument("--world", default=str(WORLD), help="the sandbox world to serve")
    ap.add_argument(
        "--home",
        default=str(PROJECT_ROOT / ".var" / "celery-stack"),
        help="AIRFLOW_HOME, logs (stack-logs/) and data of the stack",
    )
    ap.add_argument("--workers", type=int, default=2)
    args = ap.parse_args(argv)
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))  # run the clean-up on `kill`, too
    try:
        with celery_pipeline(
            args.date, Path(args.home), Path(args.world), args.workers, progress=_print_stack
        ) as run:
            print(run.proc.stdout.rstrip())
            print(f"pipeline on Celery: exit {run.proc.returncode} in {run.seconds:.0f}s")
            if not run.ok:
                print(run.proc.stderr[-4000:], file=sys.stderr)
                print(f"logs: {run.stack.logs}", file=sys.stderr)
                return run.proc.returncode or 1
            print("task instances per worker (task_instance.hostname):")
            for task, hosts in sorted(run.hosts_by_task().items()):
                print(f"  {task:28} {', '.join(sorted(hosts))}")
            print("findings by kind: " + ", ".join(f"{k}={n}" for k, n in run.findings_by_kind().items()))
            print(f"logs: {run.stack.logs}")
            return 0
    except StackUnavailable as exc:
        print(f"celery stack: {exc}", file=sys.stderr)
        return 2


if __name__ == "__main__":
    sys.exit(main())
