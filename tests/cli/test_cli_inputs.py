"""Bad input fails before Airflow starts: exit 2, one line naming the problem, in under a second.

Each test runs the installed ``crosscheck`` executable. ``AIRFLOW_HOME`` points at a folder that
``crosscheck run`` creates as soon as it prepares Airflow: that it is still absent proves the check
came first.
"""

from __future__ import annotations

import json
import subprocess
import sys
from datetime import UTC, datetime, timedelta

import pytest

from tests.cli.cli_helpers import ROOT, assert_refused, cli_env, crosscheck, write_config

DAY = "2026-11-21"


def _refused_before_airflow(tmp_path, *args, env=None, needles=()):
    env = env or cli_env(tmp_path)
    res = crosscheck(*args, env=env, cwd=tmp_path)
    line = assert_refused(res, *needles)
    assert not (tmp_path / "airflow-home").exists(), "Airflow was prepared before the input was checked"
    return line


@pytest.mark.parametrize("day, why", [("2026-02-30", "day is out of range for month"),
                                      ("2026-13-01", "month must be in 1..12")])
def test_impossible_date(tmp_path, day, why):
    _refused_before_airflow(tmp_path, "run", "--date", day, needles=("--date", day, why))


@pytest.mark.parametrize("day", ["tomorrow", "21/11/2026", "20261121"])
def test_not_a_date(tmp_path, day):
    _refused_before_airflow(tmp_path, "run", "--date", day, needles=("is not a date", "YYYY-MM-DD"))


def test_report_day_after_today_utc(tmp_path):
    tomorrow = (datetime.now(UTC).date() + timedelta(days=1)).isoformat()
    line = _refused_before_airflow(tmp_path, "run", "--date", tomorrow, needles=(tomorrow, "after today", "UTC"))
    assert datetime.now(UTC).date().isoformat() in line


def test_unknown_config_key(tmp_path):
    env = cli_env(tmp_path)
    write_config(tmp_path, "colour: blue\n")
    _refused_before_airflow(tmp_path, "run", "--date", DAY, env=env,
                            needles=(f"config {tmp_path / 'crosscheck.yaml'}", "colour: unknown key"))


def test_wrong_type_in_config(tmp_path):
    env = cli_env(tmp_path)
    path = write_config(tmp_path)
    path.write_text(path.read_text().replace("career_gap_months: 3", "career_gap_months: soon"))
    assert "soon" in path.read_text()
    _refused_before_airflow(tmp_path, "run", "--date", DAY, env=env,
                            needles=(f"config {path}: thresholds.career_gap_months: Input should be a valid integer",))


def test_broken_yaml_names_file_and_line(tmp_path):
    env = cli_env(tmp_path)
    path = tmp_path / "crosscheck.yaml"
    path.write_text("hiring_company:\n  name: Example Robotics Ltd\n thresholds: {career_gap_months: 3\n")
    _refused_before_airflow(tmp_path, "run", "--date", DAY, env=env,
                            needles=(f"config {path}", "not valid YAML", "line 3"))


def test_config_file_missing(tmp_path):
    env = cli_env(tmp_path, CROSSCHECK_CONFIG=str(tmp_path / "nope.yaml"))
    _refused_before_airflow(tmp_path, "run", "--date", DAY, env=env, needles=("nope.yaml", "no such file"))


def test_crosscheck_config_unset(tmp_path):
    env = cli_env(tmp_path, CROSSCHECK_CONFIG=None)
    _refused_before_airflow(tmp_path, "run", "--date", DAY, env=env,
                            needles=("CROSSCHECK_CONFIG is not set",
                                     "export CROSSCHECK_CONFIG=sandbox/crosscheck.yaml"))


def test_malformed_connection_json_names_the_variable_not_the_secret(tmp_path):
    env = cli_env(tmp_path, AIRFLOW_CONN_LEVER_DEFAULT='{"conn_type": "http", "password": "s3cr3t-key",}')
    line = _refused_before_airflow(tmp_path, "run", "--date", DAY, env=env,
                                   needles=("AIRFLOW_CONN_LEVER_DEFAULT", "not valid JSON", "column"))
    assert "s3cr3t" not in line


@pytest.mark.parametrize("var, value, why", [
    ("AIRFLOW_CONN_GREENHOUSE_DEFAULT", {"conn_type": "http", "password": "x"}, "login (the OAuth client id) is required"),
    ("AIRFLOW_CONN_REVIEWS_DEFAULT", {"conn_type": "http", "password": "x"}, "host"),
    ("AIRFLOW_CONN_ORCID_DEFAULT", {"host": "https://pub.orcid.org"}, "conn_type is required"),
    ("AIRFLOW_CONN_LEVER_DEFAULT", {"conn_type": "http", "pasword": "x"}, "unknown field 'pasword'"),
    ("AIRFLOW_CONN_GITHUB_DEFAULT", {"conn_type": "http", "port": "eighty"}, "port must be a whole number"),
    ("AIRFLOW_CONN_GLEIF_DEFAULT", {"conn_type": "http", "extra": "[1, 2]"}, "extra must be a JSON object"),
    ("AIRFLOW_CONN_CROSSCHECK_WAREHOUSE", {"conn_type": "sqlite", "host": "/tmp/x"}, "is not a warehouse"),
    ("AIRFLOW_CONN_MY_OWN_SOURCE", {"conn_type": "http", "login": 42}, "login must be text"),
])
def test_incomplete_connection(tmp_path, var, value, why):
    env = cli_env(tmp_path, **{var: json.dumps(value)})
    _refused_before_airflow(tmp_path, "run", "--date", DAY, env=env, needles=(var, why))


def test_uri_form_warehouse_with_an_unknown_scheme(tmp_path):
    env = cli_env(tmp_path, AIRFLOW_CONN_CROSSCHECK_WAREHOUSE="mysql://u@h/db")
    _refused_before_airflow(tmp_path, "audit", "verify", env=env,
                            needles=("AIRFLOW_CONN_CROSSCHECK_WAREHOUSE", "mysql"))


def test_the_checks_import_neither_airflow_nor_pandas_nor_gx(tmp_path):
    """The import overhead is the whole cost of a refusal: the CLI and its checks stay light."""
    env = cli_env(tmp_path)
    code = ("import sys\nfrom include.cli import main\nrc = main(['run', '--date', 'tomorrow'])\n"
            "heavy = [m for m in ('airflow', 'pandas', 'great_expectations', 'numpy') if m in sys.modules]\n"
            "print(rc, heavy)\n")
    out = subprocess.run([sys.executable, "-c", code], env=env, cwd=ROOT, capture_output=True, text=True,
                         timeout=60, check=True).stdout
    assert out.strip() == "2 []"


def test_no_ats_connection_is_refused_before_airflow(tmp_path):
    """At least one ATS. Without one, the run stops here, not in its first Airflow task."""
    env = cli_env(tmp_path, AIRFLOW_CONN_ORCID_DEFAULT='{"conn_type": "http"}')  # a source, but no ATS
    _refused_before_airflow(tmp_path, "run", "--date", DAY, env=env,
                            needles=("no applicant-tracking system is configured",
                                     "AIRFLOW_CONN_GREENHOUSE_DEFAULT or AIRFLOW_CONN_LEVER_DEFAULT"))


def _metadata_db(path, conn_ids):
    import sqlite3

    con = sqlite3.connect(path)
    con.execute("CREATE TABLE connection (id INTEGER PRIMARY KEY, conn_id VARCHAR(250) UNIQUE)")
    con.executemany("INSERT INTO connection (conn_id) VALUES (?)", [(c,) for c in conn_ids])
    con.commit()
    con.close()


def test_where_an_ats_connection_may_be_defined(tmp_path):
    """An ATS in the environment (JSON or URI form), in the default SQLite metadata database, or where this
    check cannot look without Airflow (a secrets backend, another metadata database): not refused."""
    from include.cli_checks import UsageError, check_an_ats

    home = tmp_path / "home"
    base = {"AIRFLOW_HOME": str(home)}
    with pytest.raises(UsageError, match="AIRFLOW_CONN_GREENHOUSE_DEFAULT or AIRFLOW_CONN_LEVER_DEFAULT"):
        check_an_ats(base)
    assert not home.exists()
    check_an_ats({**base, "AIRFLOW_CONN_LEVER_DEFAULT": "http://:key@api.lever.co"})
    check_an_ats({**base, "AIRFLOW_CONN_GREENHOUSE_DEFAULT": '{"conn_type": "http"}'})
    with pytest.raises(UsageError):
        check_an_ats({**base, "AIRFLOW_CONN_LEVER_DEFAULT": "  "})
    check_an_ats({**base, "AIRFLOW__SECRETS__BACKEND": "airflow.secrets.local_filesystem.LocalFilesystemBackend"})
    check_an_ats({**base, "AIRFLOW__DATABASE__SQL_ALCHEMY_CONN": "postgresql+psycopg2://u@127.0.0.1/airflow"})

    home.mkdir()
    _metadata_db(home / "airflow.db", ["orcid_default"])
    before = (home / "airflow.db").read_bytes()
    with pytest.raises(UsageError):
        check_an_ats(base)  # a metadata database without an ATS connection
    assert (home / "airflow.db").read_bytes() == before  # read only
    other = tmp_path / "other.db"
    _metadata_db(other, ["lever_default"])
    check_an_ats({**base, "AIRFLOW__DATABASE__SQL_ALCHEMY_CONN": f"sqlite:///{other}"})
    (home / "airflow.cfg").write_text(f"[database]\nsql_alchemy_conn = sqlite:///{other}\n")
    check_an_ats(base)
    (home / "airflow.cfg").write_text("[secrets]\nbackend = my.vault.Backend\n")
    check_an_ats(base)
