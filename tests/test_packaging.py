"""`connectors` and `include` are also names of PyPI packages: make sure ours are the ones imported."""

from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def test_connectors_and_include_come_from_the_repo():
    import connectors
    import include
    import plugins

    for mod in (connectors, include, plugins):
        assert Path(mod.__file__).resolve().parent.parent == ROOT, mod.__file__


def test_config_rejects_unknown_keys_and_wrong_types(tmp_path):
    import pytest

    from include.config import ConfigError, load_config

    good = load_config(ROOT / "sandbox" / "crosscheck.yaml")
    assert good.thresholds.career_gap_months == 3
    bad = tmp_path / "c.yaml"
    bad.write_text("hiring_company: {name: X}\nthresholds: {career_gap_monthz: 3}\n")
    with pytest.raises(ConfigError, match="thresholds.career_gap_monthz: unknown key"):
        load_config(bad)
    bad.write_text("hiring_company: {name: X}\nthresholds: {career_gap_months: soon}\n")
    with pytest.raises(ConfigError, match="thresholds.career_gap_months"):
        load_config(bad)


def test_crosscheck_config_must_be_absolute_for_airflows_processes(tmp_path, monkeypatch):
    import pytest

    from include.config import ConfigError, absolute_config_env, load_config

    (tmp_path / "c.yaml").write_text("hiring_company: {name: X}\n")
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("CROSSCHECK_CONFIG", "c.yaml")
    with pytest.raises(ConfigError, match="CROSSCHECK_CONFIG=c.yaml is a relative path: give an absolute one"):
        load_config()
    absolute_config_env()  # what the CLI does first: against the shell's directory, for every child process
    assert load_config().hiring_company.name == "X"
    assert Path(__import__("os").environ["CROSSCHECK_CONFIG"]) == tmp_path / "c.yaml"


def test_a_relative_data_dir_starts_at_the_config_files_folder_whatever_the_working_directory(tmp_path, monkeypatch):
    import pytest

    from include.config import Config, ConfigError, load_config

    conf_dir = tmp_path / "etc"
    conf_dir.mkdir()
    (conf_dir / "c.yaml").write_text("hiring_company: {name: X}\ndata_dir: ../data\n")
    (tmp_path / "elsewhere").mkdir()
    monkeypatch.chdir(tmp_path / "elsewhere")
    assert load_config(conf_dir / "c.yaml").data_path() == tmp_path / "data"
    (conf_dir / "d.yaml").write_text("hiring_company: {name: X}\n")
    assert load_config(conf_dir / "d.yaml").data_path() == conf_dir / ".var" / "data"  # the default, same rule
    with pytest.raises(ConfigError, match="relative and this configuration was not read from a file"):
        Config.model_validate({"hiring_company": {"name": "X"}}).data_path()


def test_the_demo_config_keeps_the_checkouts_data_folder():
    from include.config import load_config

    assert load_config(ROOT / "sandbox" / "crosscheck.yaml").data_path() == ROOT / ".var" / "data"


def test_installed_there_is_no_default_warehouse_and_a_duckdb_path_must_be_absolute(monkeypatch):
    import json

    import pytest

    from include import cli_checks
    from include.cli_checks import UsageError, warehouse_conn

    with pytest.raises(UsageError, match="host 'wh.duckdb' is a relative path"):
        warehouse_conn({"AIRFLOW_CONN_CROSSCHECK_WAREHOUSE": json.dumps({"conn_type": "duckdb", "host": "wh.duckdb"})})
    assert warehouse_conn({})["host"] == str(ROOT / ".var" / "warehouse" / "crosscheck.duckdb")  # a checkout's
    monkeypatch.setattr(cli_checks, "DEFAULT_WAREHOUSE", None)  # as in an installed wheel
    with pytest.raises(UsageError, match="AIRFLOW_CONN_CROSSCHECK_WAREHOUSE is not set: an installed Crosscheck"):
        warehouse_conn({})


def test_installed_snapshot_files_are_read_from_data_dir(tmp_path, monkeypatch):
    from include.snapshots import load

    data = tmp_path / "data"
    (data / "snapshots").mkdir(parents=True)
    (data / "snapshots" / "BasicCompanyData-2026-11-01.csv").write_text("CompanyName\n")
    (tmp_path / "c.yaml").write_text(f"hiring_company: {{name: X}}\ndata_dir: {data}\n")
    monkeypatch.setenv("CROSSCHECK_CONFIG", str(tmp_path / "c.yaml"))
    monkeypatch.setattr(load, "IN_CHECKOUT", False)
    assert [p["path"] for p in load.plan_files({})] == [str(data / "snapshots" / "BasicCompanyData-2026-11-01.csv")]
    assert [p["path"] for p in load.plan_files({"files": ["extra/x.csv"]})] == [str(data / "extra" / "x.csv")]
