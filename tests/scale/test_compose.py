"""docker-compose.yml cannot run here (no Docker daemon): these checks keep it consistent with the local
Celery stack that does run (stack/processes.py), so that what the stack test proves holds for it."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
import yaml

from include.executor.celery_compat import EXECUTOR
from include.executor.hostname import HOSTNAME_CALLABLE, WORKER_NAME_ENV
from include.warehouse.spec import parse_spec
from stack.processes import CeleryStack

ROOT = Path(__file__).resolve().parents[2]
# machine-local tuning of the test stack, not part of the deployment's contract
LOCAL_ONLY = {
    "AIRFLOW__API__PORT",
    "AIRFLOW__API__WORKERS",
    "AIRFLOW__LOGGING__LOGGING_LEVEL",
    "AIRFLOW__CELERY__SYNC_PARALLELISM",
}


def _defaults(value: str) -> str:
    """Compose's ``${VAR:-default}`` with its default; ``${VAR:?message}`` stays visible as ``<VAR>``."""
    value = re.sub(r"\$\{(\w+):-([^}]*)\}", r"\2", value)
    return re.sub(r"\$\{(\w+):\?[^}]*\}", r"<\1>", value)


@pytest.fixture(scope="module")
def compose() -> dict:
    return yaml.safe_load((ROOT / "docker-compose.yml").read_text(encoding="utf-8"))


@pytest.fixture(scope="module")
def airflow_env(compose) -> dict[str, str]:
    return {k: str(v) for k, v in compose["services"]["airflow-scheduler"]["environment"].items()}


def test_the_compose_stack_sets_what_the_local_stack_sets(airflow_env, tmp_path):
    local = CeleryStack(tmp_path).build_env({})
    wanted = {k for k in local if k.startswith("AIRFLOW__")} - LOCAL_ONLY
    assert wanted - set(airflow_env) == set()
    assert airflow_env["AIRFLOW__CORE__EXECUTOR"] == local["AIRFLOW__CORE__EXECUTOR"] == EXECUTOR
    assert airflow_env["AIRFLOW__CORE__HOSTNAME_CALLABLE"] == HOSTNAME_CALLABLE
    assert airflow_env["AIRFLOW__CORE__PLUGINS_FOLDER"] == "/opt/crosscheck/plugins"
    assert airflow_env["AIRFLOW__CORE__DAGS_FOLDER"] == "/opt/crosscheck/dags"
    bundles = json.loads(airflow_env["AIRFLOW__DAG_PROCESSOR__DAG_BUNDLE_CONFIG_LIST"])
    assert [(b["name"], b["kwargs"]["path"]) for b in bundles] == [("dags-folder", "/opt/crosscheck/dags")]


def test_workers_and_api_server_share_the_secret_and_the_execution_api(compose, airflow_env):
    services = compose["services"]
    assert _defaults(airflow_env["AIRFLOW__API_AUTH__JWT_SECRET"]) == "<CROSSCHECK_JWT_SECRET>"  # required
    url = airflow_env["AIRFLOW__CORE__EXECUTION_API_SERVER_URL"]
    assert re.fullmatch(r"http://airflow-apiserver:8080/execution/", url)
    assert services["airflow-apiserver"]["command"] == "api-server"
    workers = {name: s for name, s in services.items() if "worker" in name}
    assert sorted(workers) == ["airflow-worker-1", "airflow-worker-2"]
    for i, (_, svc) in enumerate(sorted(workers.items()), start=1):
        env = {k: str(v) for k, v in svc["environment"].items()}
        assert env[WORKER_NAME_ENV] == f"worker-{i}"
        assert env["AIRFLOW__API_AUTH__JWT_SECRET"] == airflow_env["AIRFLOW__API_AUTH__JWT_SECRET"]
        assert env["AIRFLOW__CORE__EXECUTION_API_SERVER_URL"] == url
        assert svc["command"][:3] == ["python", "-m", "include.executor.worker"]
        assert svc["command"][3:] == ["celery", "worker"]
    for name in ("airflow-scheduler", "airflow-dag-processor", "airflow-triggerer", "postgres", "redis"):
        assert name in services


def test_the_warehouse_is_the_postgres_database_the_init_script_creates(airflow_env):
    spec = parse_spec(_defaults(airflow_env["AIRFLOW_CONN_CROSSCHECK_WAREHOUSE"]))
    assert spec["conn_type"] == "postgres" and spec["host"] == "postgres"
    init = (ROOT / "scripts" / "postgres-init.sql").read_text(encoding="utf-8")
    assert f"CREATE ROLE {spec['login']} LOGIN PASSWORD '{spec['password']}'" in init
    assert f"CREATE DATABASE {spec['schema']} OWNER {spec['login']}" in init
    assert spec["extra"]["search_path"]
    broker = airflow_env["AIRFLOW__CELERY__BROKER_URL"]
    assert broker.startswith("redis://redis:6379/")
    assert airflow_env["AIRFLOW__CELERY__RESULT_BACKEND"].startswith("db+postgresql+psycopg2://")


def test_the_image_installs_the_lock_of_the_same_airflow(compose):
    dockerfile = (ROOT / "Dockerfile").read_text(encoding="utf-8")
    lock = (ROOT / "requirements.lock").read_text(encoding="utf-8")
    pinned = re.search(r"^apache-airflow==([\d.]+)$", lock, re.MULTILINE)
    assert pinned
    assert f"FROM apache/airflow:{pinned.group(1)}-python3.11" in dockerfile
    assert re.search(r"pip install .*-r /tmp/requirements.lock", dockerfile)
    assert compose["services"]["airflow-scheduler"]["image"].endswith(f":{pinned.group(1)}")
