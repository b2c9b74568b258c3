"""Inputs that used to fail late or with a traceback: each is now one line and an exit status, before
any work is done. Paths the run writes (the warehouse, ``data_dir``), paths it reads (the
configuration: a FIFO or /dev/zero must not hang it), output paths (``--out``, ``--env-file``),
oversized arguments, the workshop's commands, and a NUL in a clearance."""

from __future__ import annotations

import json
import os
import stat
import uuid
from pathlib import Path

import pytest

from tests.cli.cli_helpers import (
    DEMO_CONFIG,
    add_candidates,
    assert_refused,
    cli_env,
    crosscheck,
    new_warehouse,
    seal,
    workshop,
)

DAY = "2026-11-21"
ANA = "greenhouse:4829103"
ROOT_USER = os.geteuid() == 0  # root writes through permission bits: the read-only places must be real ones


def _duckdb(path: str) -> str:
    return json.dumps({"conn_type": "duckdb", "host": path})


def _run_refused(tmp_path: Path, *needles: str, date: str = DAY, **env_overrides: str) -> str:
    env = cli_env(tmp_path, **env_overrides)
    env["AIRFLOW_CONN_LEVER_DEFAULT"] = json.dumps({"conn_type": "http", "host": "http://127.0.0.1:9",
                                                    "password": "k"})
    line = assert_refused(crosscheck("run", "--date", date, env=env, cwd=tmp_path, timeout=20), *needles)
    assert not (tmp_path / "airflow-home").exists(), "Airflow was prepared before the input was checked"
    return line


def _config_with(tmp_path: Path, extra: str) -> Path:
    """A configuration of its own name (``cli_env`` rewrites crosscheck.yaml)."""
    path = tmp_path / "other.yaml"
    path.write_text(DEMO_CONFIG.read_text(encoding="utf-8") + "\n" + extra, encoding="utf-8")
    return path


def _read_only_folder(tmp_path: Path) -> Path:
    if ROOT_USER:
        return Path("/sys/kernel")  # sysfs: not even root may create a file here
    folder = tmp_path / "read-only"
    folder.mkdir()
    folder.chmod(0o555)
    return folder


def _read_only_file(tmp_path: Path) -> Path:
    if ROOT_USER:
        return Path("/sys/kernel/uevent_seqnum")  # a regular file root cannot open for writing
    path = tmp_path / "read-only.duckdb"
    new_warehouse(path).close()
    path.chmod(0o444)
    return path


# --- crosscheck run: what it will write, checked before Airflow starts --------------------------------


def test_warehouse_path_that_is_a_folder(tmp_path):
    (tmp_path / "wh").mkdir()
    _run_refused(tmp_path, "AIRFLOW_CONN_CROSSCHECK_WAREHOUSE", "is a folder",
                 AIRFLOW_CONN_CROSSCHECK_WAREHOUSE=_duckdb(str(tmp_path / "wh")))


def test_warehouse_in_a_read_only_folder(tmp_path):
    folder = _read_only_folder(tmp_path)
    _run_refused(tmp_path, f"{folder}/crosscheck.duckdb", "cannot write in",
                 AIRFLOW_CONN_CROSSCHECK_WAREHOUSE=_duckdb(str(folder / "crosscheck.duckdb")))


def test_read_only_warehouse_file(tmp_path):
    path = _read_only_file(tmp_path)
    _run_refused(tmp_path, str(path), "not writable", AIRFLOW_CONN_CROSSCHECK_WAREHOUSE=_duckdb(str(path)))


def test_nul_in_the_warehouse_path_is_refused_not_truncated(tmp_path):
    target = tmp_path / "crosscheck.duckdb"
    line = _run_refused(tmp_path, "NUL", AIRFLOW_CONN_CROSSCHECK_WAREHOUSE=_duckdb(f"{target}\0.other"))
    assert "\\x00" in line
    assert not target.exists(), "the path before the NUL was written to"


def test_nul_in_the_warehouse_path_for_other_commands_too(tmp_path):
    env = cli_env(tmp_path, AIRFLOW_CONN_CROSSCHECK_WAREHOUSE=_duckdb(f"{tmp_path / 'w.duckdb'}\0x"))
    assert_refused(crosscheck("audit", "verify", env=env, cwd=tmp_path), "NUL")


def test_read_only_data_dir(tmp_path):
    folder = _read_only_folder(tmp_path)
    config = _config_with(tmp_path, f"data_dir: {folder / 'crosscheck-data'}\n")
    _run_refused(tmp_path, "data_dir", str(folder / "crosscheck-data"), "cannot write in",
                 CROSSCHECK_CONFIG=str(config))


def test_data_dir_under_a_file(tmp_path):
    (tmp_path / "a-file").write_text("x")
    config = _config_with(tmp_path, f"data_dir: {tmp_path / 'a-file' / 'data'}\n")
    _run_refused(tmp_path, "data_dir", "is a file, not a folder", CROSSCHECK_CONFIG=str(config))


def test_nul_in_data_dir(tmp_path):
    config = _config_with(tmp_path, 'data_dir: "/tmp/data\\0x"\n')
    _run_refused(tmp_path, "data_dir", "NUL", CROSSCHECK_CONFIG=str(config))


@pytest.mark.parametrize("kind", ["fifo", "dev-zero", "folder"])
def test_config_that_is_not_a_regular_file_does_not_hang(tmp_path, kind):
    if kind == "fifo":
        path = tmp_path / "config.fifo"
        os.mkfifo(path)
        needle = "a FIFO"
    elif kind == "dev-zero":
        path, needle = Path("/dev/zero"), "a device"
    else:
        path, needle = tmp_path, "a folder"
    _run_refused(tmp_path, f"config {path}", needle, CROSSCHECK_CONFIG=str(path))


def test_a_120_kb_argument_gives_a_short_error_line(tmp_path):
    line = _run_refused(tmp_path, "--date", "is not a date", "(120002 characters)", date="x" * 120_000)
    assert len(line) < 600


def test_a_120_kb_config_path_gives_a_short_error_line(tmp_path):
    line = _run_refused(tmp_path, "config", "characters)", CROSSCHECK_CONFIG=str(tmp_path / ("y" * 120_000)))
    assert len(line) < 600


@pytest.mark.parametrize("value", ["soon", "0", "99999"])
def test_task_timeout_setting(tmp_path, value):
    _run_refused(tmp_path, "CROSSCHECK_TASK_TIMEOUT_MINUTES", f"{value!r}", "1 to 1440",
                 CROSSCHECK_TASK_TIMEOUT_MINUTES=value)


@pytest.mark.parametrize("value", ["soon", "-1", "3601"])
def test_task_retry_delay_setting(tmp_path, value):
    _run_refused(tmp_path, "CROSSCHECK_TASK_RETRY_DELAY_SECONDS", f"{value!r}", "0 to 3600",
                 CROSSCHECK_TASK_RETRY_DELAY_SECONDS=value)


# --- candidate export --out -----------------------------------------------------------------------


@pytest.fixture
def ana_env(tmp_path):
    env = cli_env(tmp_path)
    wh = new_warehouse(tmp_path / "warehouse.duckdb")
    add_candidates(wh, [ANA])
    seal(wh, tmp_path / "crosscheck.yaml")
    wh.close()
    return env


def test_export_into_a_missing_folder(tmp_path, ana_env):
    out = tmp_path / "nope" / "ana.json"
    assert_refused(crosscheck("candidate", "export", ANA, "--out", str(out), env=ana_env, cwd=tmp_path),
                   "--out", "no folder", str(tmp_path / "nope"))


def test_export_onto_a_folder(tmp_path, ana_env):
    assert_refused(crosscheck("candidate", "export", ANA, "--out", str(tmp_path), env=ana_env, cwd=tmp_path),
                   "--out", "is a folder")


def test_export_does_not_follow_a_symlink(tmp_path, ana_env):
    elsewhere = tmp_path / "elsewhere.txt"
    elsewhere.write_text("not yours")
    link = tmp_path / "ana.json"
    link.symlink_to(elsewhere)
    assert_refused(crosscheck("candidate", "export", ANA, "--out", str(link), env=ana_env, cwd=tmp_path),
                   "--out", "symbolic link")
    assert elsewhere.read_text() == "not yours"
    dangling = tmp_path / "dangling.json"
    dangling.symlink_to(tmp_path / "would-be-created.json")
    assert_refused(crosscheck("candidate", "export", ANA, "--out", str(dangling), env=ana_env, cwd=tmp_path),
                   "symbolic link")
    assert not (tmp_path / "would-be-created.json").exists()


def test_write_private_refuses_a_symlink_made_after_the_check(tmp_path):
    """The open itself refuses a link (O_NOFOLLOW), not only the check before it."""
    from include.cli_checks import UsageError, write_private

    target = tmp_path / "target"
    target.write_text("keep")
    (tmp_path / "out.json").symlink_to(target)
    with pytest.raises(UsageError, match="symbolic link"):
        write_private(tmp_path / "out.json", "{}")
    assert target.read_text() == "keep"


def test_export_writes_mode_600_under_a_permissive_umask(tmp_path, ana_env):
    out = tmp_path / "ana.json"
    res = crosscheck("candidate", "export", ANA, "--out", str(out), env=ana_env, cwd=tmp_path)
    assert res.rc == 0, res.err
    assert stat.S_IMODE(out.stat().st_mode) == 0o600 and json.loads(out.read_text())["candidate"]


# --- the workshop's commands ----------------------------------------------------------------------


def test_sandbox_generate_onto_a_file(tmp_path):
    env = cli_env(tmp_path)
    (tmp_path / "a-file").write_text("x")
    assert_refused(workshop("sandbox", "generate", "--candidates", "5", "--out", str(tmp_path / "a-file"),
                            env=env, cwd=tmp_path), "--out", "a file, not a folder")
    assert_refused(workshop("sandbox", "generate", "--candidates", "5", "--out", str(tmp_path / "a-file" / "w"),
                            env=env, cwd=tmp_path), "--out", "is a file, not a folder")
    assert (tmp_path / "a-file").read_text() == "x"


@pytest.mark.parametrize("args, needles", [
    (["--port", "70000"], ["--port 70000", "0 (any free one) to 65535"]),
    (["--port", "-1"], ["--port -1"]),
    (["--host", "999.1.1.1", "--port", "0"], ["cannot listen on 999.1.1.1"]),
    (["--host", "no-such-host.invalid", "--port", "0"], ["cannot listen on no-such-host.invalid"]),
    (["--port", "0", "--env-file", "/no/such/folder/sandbox.env"], ["--env-file", "no folder /no/such/folder"]),
    (["--port", "0", "--env-file", "."], ["--env-file", "is a folder"]),
])
def test_sandbox_serve_bad_options(tmp_path, args, needles):
    assert_refused(workshop("sandbox", "serve", *args, env=cli_env(tmp_path), cwd=tmp_path, timeout=20), *needles)


def test_sandbox_serve_port_not_a_number(tmp_path):
    res = workshop("sandbox", "serve", "--port", "http", env=cli_env(tmp_path), cwd=tmp_path, timeout=20)
    assert res.rc == 2 and "invalid int value: 'http'" in res.err and "Traceback" not in res.err


@pytest.mark.parametrize("world_json, labels, needles", [
    ("{", "candidate_id,kind\n", ["world.json", "not valid JSON", "line 1, column 2"]),
    ("[]", "candidate_id,kind\n", ["world.json", "not a world"]),
    ('{"candidates": [{"name": "x"}]}', "candidate_id,kind\n", ["world.json", "not a world"]),
    ('{"candidates": []}', "who,what\n", ["labels.csv", "no candidate_id column"]),
    ('{"candidates": []}', b"\xff\xfe\x00garbage", ["labels.csv", "not UTF-8"]),
])
def test_evaluation_with_a_malformed_world(tmp_path, world_json, labels, needles):
    world = tmp_path / "world"
    world.mkdir()
    (world / "world.json").write_text(world_json, encoding="utf-8")
    if isinstance(labels, bytes):
        (world / "labels.csv").write_bytes(labels)
    else:
        (world / "labels.csv").write_text(labels, encoding="utf-8")
    new_warehouse(tmp_path / "warehouse.duckdb").close()
    assert_refused(workshop("evaluation", "--world", str(world), env=cli_env(tmp_path), cwd=tmp_path), *needles)


# --- a NUL in a clearance, on PostgreSQL ----------------------------------------------------------


@pytest.fixture
def pg_report_warehouse():
    from include.warehouse import connect
    from tests.pipeline.conftest import drop_schema, postgres_spec
    from tests.report.report_seed import seed

    schema = f"cc_nul_{uuid.uuid4().hex[:8]}"
    wh = connect(postgres_spec(schema))
    try:
        wh.migrate()
        seed(wh)
        yield wh
    finally:
        wh.close()
        drop_schema(schema)


@pytest.mark.parametrize("field", ["reason", "by"])
def test_a_nul_in_a_clearance_says_so_on_postgres(pg_report_warehouse, field):
    from include.findings import UnstorableText, clear_finding

    wh = pg_report_warehouse
    args = {"reason": "Explained on the phone", "by": "Hana"}
    args[field] = args[field][:4] + "\0" + args[field][4:]
    with pytest.raises(UnstorableText, match="NUL character"):
        clear_finding(wh, "f-ana-reg", args["reason"], args["by"])
    rows = wh.query("SELECT status FROM discrepancies WHERE finding_id = ?", ["f-ana-reg"])
    assert rows == [{"status": "open"}]
