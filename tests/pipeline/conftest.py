"""End-to-end fixtures: the sandbox in this process, `crosscheck run` in a clean child process."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import uuid
from dataclasses import dataclass
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
WORLD = ROOT / "sandbox" / "data" / "seed-42"
REPORT_DAY = "2026-11-21"
CLI = [sys.executable, "-m", "include.cli"]


@dataclass
class PipelineEnv:
    env: dict[str, str]
    tmp: Path
    warehouse_spec: dict
    sandbox: object
    config_path: Path

    def crosscheck(self, *args: str, check: bool = False, timeout: int = 900) -> subprocess.CompletedProcess:
        proc = subprocess.run([*CLI, *args], env=self.env, cwd=self.tmp, capture_output=True, text=True,
                              timeout=timeout, check=False)
        if check and proc.returncode != 0:
            raise AssertionError(f"crosscheck {' '.join(args)} failed ({proc.returncode}):\n"
                                 f"{proc.stdout[-4000:]}\n{proc.stderr[-6000:]}")
        return proc

    def workshop(self, module: str, *args: str, timeout: int = 300) -> subprocess.CompletedProcess:
        return subprocess.run([sys.executable, "-m", module, *args], env=self.env, cwd=self.tmp,
                              capture_output=True, text=True, timeout=timeout, check=False)

    def warehouse(self):
        from include.warehouse import connect

        wh = connect(self.warehouse_spec)
        wh.migrate()
        return wh


def postgres_spec(schema: str) -> dict:
    import psycopg2

    try:
        conn = psycopg2.connect(host="127.0.0.1", port=5432, user="postgres", dbname="test", connect_timeout=5)
    except psycopg2.OperationalError as exc:
        pytest.fail(f"PostgreSQL at 127.0.0.1:5432 (database 'test', trust auth) is required for this test "
                    f"and is not reachable: {exc}")
    with conn, conn.cursor() as cur:
        cur.execute(f'CREATE SCHEMA IF NOT EXISTS "{schema}"')
    conn.close()
    return {"conn_type": "postgres", "host": "127.0.0.1", "port": 5432, "login": "postgres", "schema": "test",
            "extra": {"search_path": schema}}


def drop_schema(schema: str) -> None:
    import psycopg2

    conn = psycopg2.connect(host="127.0.0.1", port=5432, user="postgres", dbname="test")
    conn.autocommit = True
    with conn.cursor() as cur:
        cur.execute(f'DROP SCHEMA IF EXISTS "{schema}" CASCADE')
    conn.close()


def make_env(tmp: Path, warehouse_spec: dict, sandbox) -> PipelineEnv:
    config = (ROOT / "sandbox" / "crosscheck.yaml").read_text(encoding="utf-8")
    config_path = tmp / "crosscheck.yaml"
    config_path.write_text(config + f"\ndata_dir: {tmp / 'data'}\n", encoding="utf-8")
    env = {k: v for k, v in os.environ.items() if not k.startswith(("AIRFLOW_CONN_", "AIRFLOW__"))}
    env.update({f"AIRFLOW_CONN_{k.upper()}": json.dumps(v) for k, v in sandbox.connections().items()})
    env["AIRFLOW_CONN_CROSSCHECK_WAREHOUSE"] = json.dumps(warehouse_spec)
    env["AIRFLOW_HOME"] = str(tmp / "airflow-home")  # a fresh, foreign AIRFLOW_HOME
    env["CROSSCHECK_CONFIG"] = str(config_path)
    env["PYTHONPATH"] = str(ROOT)
    return PipelineEnv(env, tmp, warehouse_spec, sandbox, config_path)


TEST_CANDIDATES = 80  # every kind is planted at this size; the demo and `make evaluate` use 400


@pytest.fixture(scope="session")
def world_dir(tmp_path_factory) -> Path:
    """A smaller world from the same generator (seed 42) keeps each pipeline run in the suite short."""
    from sandbox.generator import generate

    out = tmp_path_factory.mktemp("world-seed-42")
    generate(42, out, n_candidates=TEST_CANDIDATES, report_day=REPORT_DAY)
    return out


@pytest.fixture(scope="session")
def world(world_dir):
    from sandbox.world import World

    return World.load(world_dir)


@pytest.fixture(scope="session")
def sandbox(world):
    from sandbox.server import Sandbox

    with Sandbox(world) as sb:
        yield sb


@pytest.fixture(scope="session")
def duckdb_pipeline(tmp_path_factory, sandbox) -> PipelineEnv:
    tmp = tmp_path_factory.mktemp("e2e-duckdb")
    return make_env(tmp, {"conn_type": "duckdb", "host": str(tmp / "warehouse.duckdb")}, sandbox)


@pytest.fixture(scope="session")
def postgres_pipeline(tmp_path_factory, sandbox):
    tmp = tmp_path_factory.mktemp("e2e-postgres")
    schema = f"cc_e2e_{uuid.uuid4().hex[:8]}"
    env = make_env(tmp, postgres_spec(schema), sandbox)
    yield env
    drop_schema(schema)
    shutil.rmtree(tmp, ignore_errors=True)
