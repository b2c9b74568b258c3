"""``crosscheck doctor``: each check, failing for the reason it names, in this process with the real
Airflow configuration, DuckDB and file system (one end-to-end pass is tests/deploy/test_wheel_deploy.py)."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest

from include import deploy
from include.cli_checks import open_warehouse

ROOT = Path(__file__).resolve().parents[2]
CONFIG = "hiring_company: {name: Example Robotics Ltd}\ndata_dir: DATA\n"
GOOD_LEVER = json.dumps({"conn_type": "http", "password": "k"})


@pytest.fixture
def env(tmp_path, monkeypatch):
    """A configuration with a private data_dir, a DuckDB warehouse migrated by ``open_warehouse``, an ATS."""
    for name in list(os.environ):
        if name.startswith("AIRFLOW_CONN_"):
            monkeypatch.delenv(name)
    data = tmp_path / "data"
    data.mkdir(mode=0o700)
    data.chmod(0o700)
    cfg = tmp_path / "crosscheck.yaml"
    cfg.write_text(CONFIG.replace("DATA", str(data)))
    monkeypatch.setenv("CROSSCHECK_CONFIG", str(cfg))
    db = tmp_path / "wh" / "crosscheck.duckdb"
    monkeypatch.setenv("AIRFLOW_CONN_CROSSCHECK_WAREHOUSE", json.dumps({"conn_type": "duckdb", "host": str(db)}))
    monkeypatch.setenv("AIRFLOW_CONN_LEVER_DEFAULT", GOOD_LEVER)
    open_warehouse(create=True).close()
    return tmp_path


def _by_name(checks: list[deploy.Check]) -> dict[str, deploy.Check]:
    return {c.name: c for c in checks}


def test_a_good_environment_passes_every_check(env):
    found = list(deploy.doctor())
    assert [c.line() for c in found if not c.ok] == []
    assert {"config", "data_dir", "warehouse", "dags", "executor", "plugin", "connection lever_default"} <= {
        c.name for c in found}


def test_config_unset_or_relative_fails(env, monkeypatch):
    monkeypatch.delenv("CROSSCHECK_CONFIG")
    assert not deploy.check_config().ok and "is not set" in deploy.check_config().detail
    monkeypatch.setenv("CROSSCHECK_CONFIG", "crosscheck.yaml")
    check = deploy.check_config()
    assert not check.ok and "relative path" in check.detail


def test_data_dir_missing_open_to_others_or_unwritable_fails(env):
    data = env / "data"
    data.chmod(0o755)
    check = deploy.check_data_dir()
    assert not check.ok and "mode 755" in check.detail and "chmod 700" in check.detail
    data.rmdir()
    check = deploy.check_data_dir()
    assert not check.ok and "does not exist" in check.detail and "install -d -m 700" in check.detail
    data.write_text("a file where the folder should be")
    check = deploy.check_data_dir()
    assert not check.ok and "is not a folder" in check.detail


@pytest.mark.skipif(os.geteuid() == 0, reason="root writes to any folder whatever its mode")
def test_data_dir_not_writable_fails(env):
    (env / "data").chmod(0o500)
    check = deploy.check_data_dir()
    assert not check.ok and "not writable" in check.detail


def test_a_connection_missing_a_required_field_fails_without_echoing_values(env, monkeypatch):
    monkeypatch.setenv("AIRFLOW_CONN_COMPANIES_HOUSE_DEFAULT", json.dumps({"conn_type": "http", "login": "s3cr3t"}))
    checks = _by_name(deploy.check_connections())
    bad = checks["connection companies_house_default"]
    assert not bad.ok and "password (the Companies House API key) is required" in bad.detail
    assert "s3cr3t" not in bad.line()
    assert checks["connection lever_default"].ok
    assert checks["connection orcid_default"].ok  # not defined: skipped, not an error


def test_no_ats_fails(env, monkeypatch):
    monkeypatch.delenv("AIRFLOW_CONN_LEVER_DEFAULT")
    checks = _by_name(deploy.check_connections())
    assert not checks["connections"].ok and "no applicant-tracking system" in checks["connections"].detail


def test_an_installed_deployment_without_a_warehouse_connection_fails(env, monkeypatch):
    monkeypatch.delenv("AIRFLOW_CONN_CROSSCHECK_WAREHOUSE")
    monkeypatch.setattr(deploy, "IN_CHECKOUT", False)
    check = _by_name(deploy.check_connections())["connection crosscheck_warehouse"]
    assert not check.ok and "AIRFLOW_CONN_CROSSCHECK_WAREHOUSE" in check.detail


def test_a_missing_or_unmigrated_warehouse_fails(env, monkeypatch):
    wh = open_warehouse()
    try:
        newest = wh.query("SELECT max(version) AS v FROM schema_migrations")[0]["v"]
        wh.execute("DELETE FROM schema_migrations WHERE version = ?", [newest])
    finally:
        wh.close()
    check = deploy.check_warehouse()
    assert not check.ok and f"is at migration {int(newest) - 1} of {int(newest)}" in check.detail and "crosscheck migrate" in check.detail
    missing = env / "nowhere" / "x.duckdb"
    monkeypatch.setenv("AIRFLOW_CONN_CROSSCHECK_WAREHOUSE", json.dumps({"conn_type": "duckdb", "host": str(missing)}))
    check = deploy.check_warehouse()
    assert not check.ok and f"no warehouse at {missing}" in check.detail
    assert not missing.exists()  # a check creates nothing


def test_dag_files_absent_or_stale_fail(env, monkeypatch):
    monkeypatch.setattr(deploy, "IN_CHECKOUT", False)
    monkeypatch.setattr(deploy, "packaged_dags", lambda: ROOT / "dags")
    monkeypatch.setenv("AIRFLOW__CORE__DAGS_FOLDER", str(env / "dags"))
    check = deploy.check_dag_files()
    assert not check.ok and "crosscheck dags install" in check.detail
    target, done = deploy.install_dags()
    assert target == env / "dags" / "crosscheck" and set(done.values()) == {"added"}
    assert deploy.check_dag_files().ok
    (target / "crosscheck_ingest.py").write_text("# an older version\n")
    (target / "crosscheck_gone.py").write_text("# no longer shipped\n")
    check = deploy.check_dag_files()
    assert not check.ok and "crosscheck_ingest.py" in check.detail
    _, done = deploy.install_dags()
    assert done["crosscheck_ingest.py"] == "updated" and done["crosscheck_gone.py"] == "removed"
    assert done["crosscheck_check.py"] == "unchanged" and deploy.check_dag_files().ok


def test_an_executor_that_does_not_load_fails(env, monkeypatch):
    monkeypatch.setenv("AIRFLOW__CORE__EXECUTOR", "no_such_module.NoExecutor")
    check = deploy.check_executor()
    assert not check.ok and "cannot be loaded" in check.detail


def test_celery_needs_the_compat_executor_and_a_broker_that_answers(env, monkeypatch):
    monkeypatch.setenv("AIRFLOW__CORE__EXECUTOR", "airflow.providers.celery.executors.celery_executor.CeleryExecutor")
    check = deploy.check_executor()
    assert not check.ok and deploy.CELERY_COMPAT in check.detail
    monkeypatch.setenv("AIRFLOW__CORE__EXECUTOR", deploy.CELERY_COMPAT)
    monkeypatch.setenv("AIRFLOW__CELERY__BROKER_URL", "redis://127.0.0.1:9/0")  # the discard port: nothing listens
    check = deploy.check_executor()
    assert not check.ok and "broker" in check.detail


def test_an_auth_manager_that_lets_everyone_in_or_does_not_load_fails(env, monkeypatch):
    monkeypatch.setenv("AIRFLOW__CORE__AUTH_MANAGER",
                       "airflow.api_fastapi.auth.managers.simple.simple_auth_manager.SimpleAuthManager")
    monkeypatch.setenv("AIRFLOW__CORE__SIMPLE_AUTH_MANAGER_ALL_ADMINS", "True")
    check = deploy.check_auth_manager()
    assert not check.ok and "all_admins" in check.detail
    monkeypatch.setenv("AIRFLOW__CORE__AUTH_MANAGER", "no_such_module.NoManager")
    check = deploy.check_auth_manager()
    assert not check.ok and "cannot be loaded" in check.detail


def test_an_installed_package_without_the_plugin_entry_point_fails(env, monkeypatch):
    monkeypatch.setattr(deploy, "IN_CHECKOUT", False)
    monkeypatch.setattr(deploy, "PLUGIN_ENTRY_POINT", "not_crosscheck_ui")
    check = deploy.check_auth_manager()
    assert not check.ok and "entry point" in check.detail


def test_the_command_prints_one_line_per_check_and_exits_1_on_a_failure(env, monkeypatch, capsys):
    from include.cli import main

    assert main(["doctor"]) == 0
    out = capsys.readouterr().out.splitlines()
    assert out[0].startswith("crosscheck ") and all(line.startswith("ok  ") for line in out[1:])
    (env / "data").chmod(0o750)
    assert main(["doctor"]) == 1
    captured = capsys.readouterr()
    assert any(line.startswith("FAIL  data_dir:") for line in captured.out.splitlines())
    assert "1 check(s) failed" in captured.err and "Traceback" not in captured.err


def test_a_plugin_airflow_cannot_load_fails(env, tmp_path):
    """As the issue saw it: a plugins folder whose files import what is not installed. In a process of its
    own, since Airflow loads plugins once per process."""
    import subprocess
    import sys

    folder = tmp_path / "plugins"
    folder.mkdir()
    (folder / "copied_hooks.py").write_text("import no_such_package_crosscheck  # noqa\n")
    run_env = {**os.environ, "AIRFLOW__CORE__PLUGINS_FOLDER": str(folder), "PYTHONPATH": str(ROOT)}
    res = subprocess.run([sys.executable, "-m", "include.cli", "doctor"], env=run_env, cwd=tmp_path,
                         capture_output=True, text=True, timeout=300, check=False)
    assert res.returncode == 1, res.stdout + res.stderr
    (line,) = [x for x in res.stdout.splitlines() if x.startswith("FAIL")]
    assert line.startswith("FAIL  plugin: Airflow's plugin loader failed on 1 plugin(s)")
    assert "no_such_package_crosscheck" in line and "Traceback" not in res.stderr
