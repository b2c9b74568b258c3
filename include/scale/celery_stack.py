"""Airflow's distributed set-up as local processes: metadata in PostgreSQL, CeleryExecutor with Redis as
the broker, an execution API server and two Celery workers. The same stack as docker-compose.yml,
for machines where Docker cannot run (and for the test that proves the pipeline runs on it).

    python -m include.scale.celery_stack --date 2026-11-21 --world include/sandbox/data/seed-42
"""

from __future__ import annotations

import argparse
import json
import os
import secrets
import signal
import socket
import subprocess
import sys
import time
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from include.config import PROJECT_ROOT

PG = {"host": "127.0.0.1", "port": 5432, "user": "postgres"}
REDIS_URL = "redis://127.0.0.1:6379/3"


def worker_hostname() -> str:
    """``core.hostname_callable``: names each local worker, so a run shows which worker ran what."""
    return os.environ.get("CROSSCHECK_WORKER_NAME") or socket.getfqdn()


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def require_services() -> None:
    for name, port in (("PostgreSQL", 5432), ("Redis", 6379)):
        try:
            socket.create_connection(("127.0.0.1", port), timeout=3).close()
        except OSError as exc:
            raise RuntimeError(f"{name} on 127.0.0.1:{port} is required for the Celery stack: {exc}") from None


def _pg(dbname: str = "test", autocommit: bool = True) -> Any:
    import psycopg2

    conn = psycopg2.connect(dbname=dbname, **PG)
    conn.autocommit = autocommit
    return conn


@dataclass
class CeleryStack:
    home: Path
    workers: int = 2
    suffix: str = field(default_factory=lambda: secrets.token_hex(4))
    procs: list[subprocess.Popen] = field(default_factory=list)
    env: dict[str, str] = field(default_factory=dict)

    @property
    def metadata_db(self) -> str:
        return f"cc_airflow_{self.suffix}"

    @property
    def queue(self) -> str:
        return f"crosscheck-{self.suffix}"

    def build_env(self, base: dict[str, str]) -> dict[str, str]:
        port = free_port()
        url = f"postgresql+psycopg2://postgres@127.0.0.1:5432/{self.metadata_db}"
        env = {k: v for k, v in base.items() if not k.startswith("AIRFLOW__")}
        env.update({
            "AIRFLOW_HOME": str(self.home),
            "AIRFLOW__CORE__EXECUTOR": "CeleryExecutor",
            "AIRFLOW__CORE__LOAD_EXAMPLES": "False",
            "AIRFLOW__CORE__DAGS_FOLDER": str(PROJECT_ROOT / "dags"),
            "AIRFLOW__CORE__PLUGINS_FOLDER": str(PROJECT_ROOT / "plugins"),
            "AIRFLOW__CORE__HOSTNAME_CALLABLE": "include.scale.celery_stack.worker_hostname",
            "AIRFLOW__CORE__EXECUTION_API_SERVER_URL": f"http://127.0.0.1:{port}/execution/",
            "AIRFLOW__DATABASE__SQL_ALCHEMY_CONN": url,
            "AIRFLOW__CELERY__BROKER_URL": REDIS_URL,
            "AIRFLOW__CELERY__RESULT_BACKEND": f"db+postgresql://postgres@127.0.0.1:5432/{self.metadata_db}",
            "AIRFLOW__OPERATORS__DEFAULT_QUEUE": self.queue,
            "AIRFLOW__API_AUTH__JWT_SECRET": secrets.token_urlsafe(32),
            "AIRFLOW__API__PORT": str(port),
            "PYTHONPATH": str(PROJECT_ROOT),
        })
        self.env, self.api_port = env, port
        return env

    def start(self, base_env: dict[str, str]) -> CeleryStack:
        require_services()
        self.home.mkdir(parents=True, exist_ok=True)
        with _pg() as conn, conn.cursor() as cur:
            cur.execute(f'CREATE DATABASE "{self.metadata_db}"')
        env = self.build_env(base_env)
        airflow = str(Path(sys.executable).with_name("airflow"))
        subprocess.run([airflow, "db", "migrate"], env=env, check=True, capture_output=True, timeout=600)
        logs = self.home / "stack-logs"
        logs.mkdir(exist_ok=True)
        self._spawn([airflow, "api-server", "--port", str(self.api_port), "--host", "127.0.0.1",
                     "--apps", "execution"], env, logs / "api-server.log")
        for i in range(1, self.workers + 1):
            wenv = {**env, "CROSSCHECK_WORKER_NAME": f"worker-{i}"}
            self._spawn([airflow, "celery", "worker", "-H", f"worker-{i}@%h", "-c", "2", "-q", self.queue,
                         "--skip-serve-logs", "--without-gossip", "--without-mingle"], wenv, logs / f"worker-{i}.log")
        self._wait_for_port(self.api_port, 120)
        time.sleep(5)  # let the workers register with the broker
        return self

    def _spawn(self, cmd: list[str], env: dict[str, str], log: Path) -> None:
        fh = log.open("wb")
        self.procs.append(subprocess.Popen(cmd, env=env, stdout=fh, stderr=subprocess.STDOUT,
                                           start_new_session=True))

    def _wait_for_port(self, port: int, timeout: float) -> None:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            try:
                socket.create_connection(("127.0.0.1", port), timeout=1).close()
                return
            except OSError:
                if any(p.poll() is not None for p in self.procs):
                    raise RuntimeError(f"a stack process exited early; see {self.home / 'stack-logs'}") from None
                time.sleep(0.5)
        raise RuntimeError(f"the execution API did not come up on port {port}")

    def stop(self) -> None:
        for p in self.procs:
            try:
                os.killpg(p.pid, signal.SIGTERM)
            except ProcessLookupError:
                pass
        for p in self.procs:
            try:
                p.wait(timeout=20)
            except subprocess.TimeoutExpired:
                os.killpg(p.pid, signal.SIGKILL)
        self.procs.clear()
        try:
            with _pg() as conn, conn.cursor() as cur:
                cur.execute(f'DROP DATABASE IF EXISTS "{self.metadata_db}" WITH (FORCE)')
        except Exception:  # noqa: BLE001 - cleanup must not hide the run's own result
            pass

    def task_hosts(self) -> dict[str, set[str]]:
        """Which worker ran which task (task_id -> hostnames), from the metadata DB."""
        with _pg(self.metadata_db) as conn, conn.cursor() as cur:
            cur.execute("SELECT task_id, hostname FROM task_instance WHERE state = 'success'")
            out: dict[str, set[str]] = {}
            for task_id, host in cur.fetchall():
                out.setdefault(task_id, set()).add(host)
        return out


@contextmanager
def celery_stack(home: Path, base_env: dict[str, str], workers: int = 2):
    stack = CeleryStack(home, workers)
    try:
        yield stack.start(base_env)
    finally:
        stack.stop()


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--date", default="2026-11-21")
    ap.add_argument("--world", default=str(PROJECT_ROOT / "include" / "sandbox" / "data" / "seed-42"))
    ap.add_argument("--home", default=str(PROJECT_ROOT / ".var" / "celery-stack"))
    args = ap.parse_args()
    from include.sandbox.server import serve

    sb = serve(Path(args.world), port=0)
    schema = f"cc_wh_{secrets.token_hex(3)}"
    with _pg() as conn, conn.cursor() as cur:
        cur.execute(f'CREATE SCHEMA "{schema}"')
    base = dict(os.environ)
    base.update({f"AIRFLOW_CONN_{k.upper()}": json.dumps(v) for k, v in sb.connections().items()})
    base["AIRFLOW_CONN_CROSSCHECK_WAREHOUSE"] = json.dumps(
        {"conn_type": "postgres", "host": "127.0.0.1", "port": 5432, "login": "postgres", "schema": "test",
         "extra": {"search_path": schema}})
    try:
        with celery_stack(Path(args.home), base) as stack:
            t0 = time.monotonic()
            proc = subprocess.run([sys.executable, "-m", "include.cli", "run", "--date", args.date,
                                   "--use-executor"], env=stack.env, text=True)
            print(f"pipeline on Celery: exit {proc.returncode} in {time.monotonic() - t0:.0f}s")
            for task, hosts in sorted(stack.task_hosts().items()):
                print(f"  {task:40} {', '.join(sorted(hosts))}")
            return proc.returncode
    finally:
        sb.stop()
        with _pg() as conn, conn.cursor() as cur:
            cur.execute(f'DROP SCHEMA IF EXISTS "{schema}" CASCADE')


if __name__ == "__main__":
    sys.exit(main())
