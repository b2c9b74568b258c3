"""The stack's processes: a fresh metadata database, ``airflow db migrate``, an execution API server and N
Celery workers, all sharing one configuration (environment variables, as in docker-compose.yml), and
their clean-up. ``stack.celery_stack`` runs the pipeline on it."""

from __future__ import annotations

import json
import os
import secrets
import signal
import socket
import subprocess
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from include.config import PROJECT_ROOT
from include.executor.celery_compat import EXECUTOR as CELERY_EXECUTOR
from include.executor.hostname import HOSTNAME_CALLABLE, WORKER_NAME_ENV
from stack.services import PG, REDIS_URL, die_with_parent, pg_connect, pg_exec, require_services


@dataclass
class CeleryStack:
    home: Path
    workers: int = 2
    concurrency: int = 2
    redis_url: str = REDIS_URL
    pg: dict[str, Any] = field(default_factory=lambda: dict(PG))
    suffix: str = field(default_factory=lambda: secrets.token_hex(4))
    procs: dict[str, subprocess.Popen] = field(default_factory=dict)
    env: dict[str, str] = field(default_factory=dict)
    timings: dict[str, float] = field(default_factory=dict)
    api_port: int = 0
    _db_created: bool = False

    @property
    def metadata_db(self) -> str:
        return f"cc_airflow_{self.suffix}"

    @property
    def key_prefix(self) -> str:
        """Every broker key of this stack starts with it: stacks sharing one Redis never see each other's
        tasks, while tasks keep Airflow's ``default`` queue (a custom ``[operators] default_queue`` does not
        reach the task instances that ``dag.test`` queues in 3.3: they stay on ``default``)."""
        return f"crosscheck-{self.suffix}:"

    @property
    def logs(self) -> Path:
        return self.home / "stack-logs"

    def worker_names(self) -> list[str]:
        return [f"worker-{i}" for i in range(1, self.workers + 1)]

    def build_env(self, base: dict[str, str]) -> dict[str, str]:
        """One configuration for every process; the JWT secret is what lets workers talk to the API server."""
        with socket.socket() as s:
            s.bind(("127.0.0.1", 0))
            self.api_port = s.getsockname()[1]
        pg = f"postgres@{self.pg['host']}:{self.pg['port']}/{self.metadata_db}"
        env = {k: v for k, v in base.items() if not k.startswith("AIRFLOW__")}
        env.update(
            {
                "AIRFLOW_HOME": str(self.home / "airflow-home"),
                "AIRFLOW__CORE__EXECUTOR": CELERY_EXECUTOR,  # the provider's, through include/executor/celery_compat.py
                "AIRFLOW__CORE__LOAD_EXAMPLES": "False",
                "AIRFLOW__CORE__DAGS_FOLDER": str(PROJECT_ROOT / "dags"),
                # the HR page plugin comes from its airflow.plugins entry point (make install): no plugins folder
                "AIRFLOW__CORE__PLUGINS_FOLDER": str(self.home / "no-plugins"),
                "AIRFLOW__CORE__MAX_MAP_LENGTH": "1024",
                "AIRFLOW__CORE__HOSTNAME_CALLABLE": HOSTNAME_CALLABLE,
                "AIRFLOW__CORE__EXECUTION_API_SERVER_URL": f"http://127.0.0.1:{self.api_port}/execution/",
                "AIRFLOW__DAG_PROCESSOR__DAG_BUNDLE_CONFIG_LIST": json.dumps(
                    [
                        {
                            "name": "dags-folder",
                            "classpath": "airflow.dag_processing.bundles.local.LocalDagBundle",
                            "kwargs": {"path": str(PROJECT_ROOT / "dags")},
                        }
                    ]
                ),
                "AIRFLOW__DATABASE__SQL_ALCHEMY_CONN": f"postgresql+psycopg2://{pg}",
                "AIRFLOW__CELERY__BROKER_URL": self.redis_url,
                "AIRFLOW__CELERY__RESULT_BACKEND": f"db+postgresql+psycopg2://{pg}",
                "AIRFLOW__CELERY__WORKER_CONCURRENCY": str(self.concurrency),
                "AIRFLOW__CELERY__SYNC_PARALLELISM": "1",
                "AIRFLOW__CELERY_BROKER_TRANSPORT_OPTIONS__VISIBILITY_TIMEOUT": "21600",
                "AIRFLOW__CELERY_BROKER_TRANSPORT_OPTIONS__GLOBAL_KEYPREFIX": self.key_prefix,
                "AIRFLOW__API_AUTH__JWT_SECRET": secrets.token_urlsafe(32),
                "AIRFLOW__API__PORT": str(self.api_port),
                "AIRFLOW__API__WORKERS": "1",
                "AIRFLOW__LOGGING__LOGGING_LEVEL": "INFO",
                "PYTHONPATH": os.pathsep.join(filter(None, [str(PROJECT_ROOT), base.get("PYTHONPATH")])),
            }
        )
        self.env = env
        return env

    def start(self, base_env: dict[str, str]) -> CeleryStack:
        require_services(self.pg, self.redis_url)
        self.logs.mkdir(parents=True, exist_ok=True)
        env = self.build_env(base_env)
        pg_exec(f'CREATE DATABASE "{self.metadata_db}"', "postgres", self.pg)
        self._db_created = True
        t0 = time.monotonic()
        migrate = subprocess.run(
            [self.airflow, "db", "migrate"], check=False, env=env, capture_output=True, text=True, timeout=600
        )
        (self.logs / "db-migrate.log").write_text(migrate.stdout + migrate.stderr, encoding="utf-8")
        if migrate.returncode != 0:
            raise RuntimeError(f"airflow db migrate failed; see {self.logs / 'db-migrate.log'}")
        self.timings["db_migrate"] = time.monotonic() - t0
        t0 = time.monotonic()
        self._spawn(
            "api-server",
            [
                self.airflow,
                "api-server",
                "--host",
                "127.0.0.1",
                "--port",
                str(self.api_port),
                "--apps",
                "execution",
                "--workers",
                "1",
            ],
            env,
        )
        for name in self.worker_names():
            self._spawn(
                name,
                [
                    sys.executable,
                    "-m",
                    "include.executor.worker",
                    "celery",
                    "worker",
                    "--celery-hostname",
                    f"{name}-{self.suffix}@%h",
                    "--concurrency",
                    str(self.concurrency),
                    "--pid",
                    str(self.home / f"{name}.pid"),
                    "--skip-serve-logs",
                    "--without-gossip",
                    "--without-mingle",
                ],
                {**env, WORKER_NAME_ENV: name},
            )
        self._wait(self._api_healthy, 180, "the execution API server did not answer /execution/health")
        self._wait(self._workers_ready, 180, "the Celery workers did not answer a ping")
        self.timings["processes_up"] = time.monotonic() - t0
        return self

    @property
    def airflow(self) -> str:
        return str(Path(sys.executable).with_name("airflow"))

    def _spawn(self, name: str, cmd: list[str], env: dict[str, str]) -> None:
        with (self.logs / f"{name}.log").open("wb") as fh:
            self.procs[name] = subprocess.Popen(
                cmd,
                env=env,
                cwd=self.home,
                stdout=fh,
                stderr=subprocess.STDOUT,
                stdin=subprocess.DEVNULL,
                start_new_session=True,
                preexec_fn=die_with_parent,  # noqa: PLW1509 - only prctl
            )

    def _wait(self, ready: Any, timeout: float, what: str) -> None:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            dead = [n for n, p in self.procs.items() if p.poll() is not None]
            if dead:
                raise RuntimeError(f"stack process(es) {', '.join(dead)} exited early; see {self.logs}")
            if ready():
                return
            time.sleep(1)
        raise RuntimeError(f"{what} within {timeout:.0f}s; see {self.logs}")

    def _api_healthy(self) -> bool:
        import urllib.request

        try:
            with urllib.request.urlopen(f"http://127.0.0.1:{self.api_port}/execution/health", timeout=2) as r:
                return r.status == 200
        except OSError:
            return False

    def _workers_ready(self) -> bool:
        from celery import Celery

        app = Celery(broker=self.redis_url, broker_transport_options={"global_keyprefix": self.key_prefix})
        try:
            replies = app.control.ping(timeout=1.5)
        except Exception:  # noqa: BLE001 - not up yet
            return False
        finally:
            app.close()
        up = {name.split("@", 1)[0] for reply in replies for name in reply}
        return all(f"{w}-{self.suffix}" in up for w in self.worker_names())

    def crosscheck(
        self, *args: str, timeout: float = 900, cwd: Path | None = None
    ) -> subprocess.CompletedProcess:
        """A ``crosscheck`` command with the stack's configuration; its output also lands in stack-logs.

        A command that outlives ``timeout`` is killed and reported as failed (exit -9), with what it printed.
        """
        cmd = [sys.executable, "-m", "include.cli", *args]
        try:
            proc = subprocess.run(
                cmd,
                check=False,
                env=self.env,
                cwd=cwd or self.home,
                capture_output=True,
                text=True,
                timeout=timeout,
                preexec_fn=die_with_parent,  # only prctl
            )
        except subprocess.TimeoutExpired as exc:
            out = exc.stdout.decode() if isinstance(exc.stdout, bytes) else exc.stdout or ""
            err = exc.stderr.decode() if isinstance(exc.stderr, bytes) else exc.stderr or ""
            proc = subprocess.CompletedProcess(cmd, -9, out, err + f"\ntimed out after {timeout:.0f}s")
        name = "crosscheck-" + "-".join(a.strip("-") for a in args[:2])
        (self.logs / f"{name}.log").write_text(proc.stdout + proc.stderr, encoding="utf-8")
        return proc

    def task_instances(self) -> list[dict[str, Any]]:
        """Every task instance the metadata database holds: which worker ran what, in which state."""
        conn = pg_connect(self.metadata_db, self.pg)
        try:
            with conn.cursor() as cur:
                cur.execute(
                    "SELECT dag_id, task_id, map_index, state, hostname, queue FROM task_instance "
                    "ORDER BY dag_id, task_id, map_index"
                )
                names = [d.name for d in cur.description]
                return [dict(zip(names, row, strict=True)) for row in cur.fetchall()]
        finally:
            conn.close()

    def stop(self) -> None:
        """Stop every process, drop the metadata database and the broker keys; never raises."""
        for p in self.procs.values():
            if p.poll() is None:
                try:
                    os.killpg(p.pid, signal.SIGTERM)
                except ProcessLookupError:
                    pass
        for p in self.procs.values():
            try:
                p.wait(timeout=30)
            except subprocess.TimeoutExpired:
                try:
                    os.killpg(p.pid, signal.SIGKILL)
                    p.wait(timeout=10)
                except (ProcessLookupError, subprocess.TimeoutExpired):
                    print(f"celery stack: process {p.pid} did not stop", file=sys.stderr)
        self.procs.clear()
        if self._db_created:
            try:
                pg_exec(f'DROP DATABASE IF EXISTS "{self.metadata_db}" WITH (FORCE)', "postgres", self.pg)
                self._db_created = False
            except Exception as exc:  # noqa: BLE001 - cleanup must not hide the run's own result
                print(f"celery stack: could not drop {self.metadata_db}: {exc}", file=sys.stderr)
        self._purge_broker()

    def _purge_broker(self) -> None:
        try:
            import redis

            r = redis.Redis.from_url(self.redis_url, socket_timeout=3)
            keys = list(r.scan_iter(match=f"*{self.suffix}*"))
            if keys:
                r.delete(*keys)
            for binding in r.scan_iter(match="_kombu.binding.*"):
                stale = [m for m in r.smembers(binding) if self.suffix.encode() in m]
                if stale:
                    r.srem(binding, *stale)
            r.close()
        except Exception as exc:  # noqa: BLE001 - best effort: the keys are namespaced by the suffix anyway
            print(f"celery stack: could not purge the broker keys {self.key_prefix}*: {exc}", file=sys.stderr)
