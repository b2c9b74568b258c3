"""The compliance commands say OK only when it is: ``audit verify``, ``candidate export|erase`` and
``evaluate`` against real DuckDB warehouses in ``tmp_path``, through the installed executable."""

from __future__ import annotations

import json
import shutil
import stat
import subprocess
import sys
import time

import pytest

from sandbox.generator import generate
from tests.cli.cli_helpers import (
    add_candidates,
    assert_refused,
    cli_env,
    crosscheck,
    new_warehouse,
    seal,
    workshop,
)

ANA = "greenhouse:4829103"


def _mode(path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


@pytest.fixture
def env(tmp_path):
    return cli_env(tmp_path)


def test_verify_on_a_missing_warehouse_fails_and_creates_nothing(tmp_path, env):
    res = crosscheck("audit", "verify", env=env, cwd=tmp_path)
    assert_refused(res, f"no warehouse at {tmp_path / 'warehouse.duckdb'}")
    assert not (tmp_path / "warehouse.duckdb").exists()


def test_verify_on_a_file_that_is_no_warehouse(tmp_path, env):
    (tmp_path / "warehouse.duckdb").write_bytes(b"")
    assert_refused(crosscheck("audit", "verify", env=env, cwd=tmp_path), "cannot open the warehouse")


def test_verify_does_not_migrate_a_foreign_duckdb_file(tmp_path, env):
    import duckdb

    con = duckdb.connect(str(tmp_path / "warehouse.duckdb"))
    con.execute("CREATE TABLE t (x INTEGER)")
    con.close()
    assert_refused(crosscheck("audit", "verify", env=env, cwd=tmp_path), "holds no Crosscheck tables")
    con = duckdb.connect(str(tmp_path / "warehouse.duckdb"))
    assert [r[0] for r in con.execute("SHOW TABLES").fetchall()] == ["t"]
    con.close()


def test_verify_on_a_warehouse_with_no_runs_is_not_ok(tmp_path, env):
    new_warehouse(tmp_path / "warehouse.duckdb").close()
    res = crosscheck("audit", "verify", env=env, cwd=tmp_path)
    assert_refused(res, "has no runs", "nothing verified", rc=1)
    assert "OK" not in res.out


def test_verify_ok_then_broken(tmp_path, env):
    wh = new_warehouse(tmp_path / "warehouse.duckdb")
    run_id = seal(wh, tmp_path / "crosscheck.yaml")
    wh.close()
    res = crosscheck("audit", "verify", env=env, cwd=tmp_path)
    assert res.rc == 0 and "audit chain OK: 1 runs verified" in res.out, res.err
    wh = new_warehouse(tmp_path / "warehouse.duckdb")
    wh.execute("UPDATE pipeline_runs SET state = 'success ' WHERE run_id = ?", [run_id])
    wh.close()
    res = crosscheck("audit", "verify", env=env, cwd=tmp_path)
    assert res.rc == 1 and f"BROKEN at run {run_id}" in res.err


def test_erase_requires_by(tmp_path, env):
    res = crosscheck("candidate", "erase", ANA, env=env, cwd=tmp_path)
    assert res.rc == 2 and "the following arguments are required: --by" in res.err
    assert_refused(crosscheck("candidate", "erase", ANA, "--by", " ", env=env, cwd=tmp_path), "--by")


def _warehouse_with_ana(tmp_path):
    from connectors.http import Payload
    from include.landing import Lander

    wh = new_warehouse(tmp_path / "warehouse.duckdb")
    add_candidates(wh, [ANA, "greenhouse:4829555"])
    lander = Lander(tmp_path / "data" / "landing", "greenhouse", "2026-11-21", "cc-test")
    body = [{"id": 4829103, "first_name": "Ana", "last_name": "Silva0", "email_addresses": [{"value": "ana.silva0@example.net"}]},
            {"id": 4829555, "first_name": "Bob", "last_name": "Jones", "email_addresses": [{"value": "bob@example.org"}]}]
    lander(Payload(source="greenhouse", url="https://harvest.greenhouse.io/v3/candidates", status=200,
                   body=json.dumps(body).encode(), fetched_at=1700000000.0))
    files = lander.close()
    seal(wh, tmp_path / "crosscheck.yaml")
    wh.close()
    return files


def test_export_is_written_mode_600_even_over_a_readable_file(tmp_path, env):
    _warehouse_with_ana(tmp_path)
    out = tmp_path / "export.json"
    out.write_text("old")
    out.chmod(0o644)
    res = crosscheck("candidate", "export", ANA, "--out", str(out), env=env, cwd=tmp_path)
    assert res.rc == 0, res.err
    assert _mode(out) == 0o600
    data = json.loads(out.read_text())
    assert data["candidate"]["candidate_id"] == ANA and data["landing_files"]


def test_export_of_an_unknown_candidate_and_of_a_missing_warehouse(tmp_path, env):
    assert_refused(crosscheck("candidate", "export", ANA, env=env, cwd=tmp_path), "no warehouse at")
    _warehouse_with_ana(tmp_path)
    res = crosscheck("candidate", "export", "greenhouse:1", env=env, cwd=tmp_path)
    assert res.rc == 1 and "no data held for candidate 'greenhouse:1'" in res.err


def test_erase_leaves_the_rewritten_files_owner_only(tmp_path, env):
    files = _warehouse_with_ana(tmp_path)
    landed = [p for p in (tmp_path / "data" / "landing").rglob("*.jsonl.gz")]
    assert landed and files
    res = crosscheck("candidate", "erase", ANA, "--by", "dpo@example.test", env=env, cwd=tmp_path)
    assert res.rc == 0, res.err
    report = json.loads(res.out)
    assert report["files"] and report["tables"]["candidates"] == 1
    assert all(_mode(p) == 0o600 for p in landed)
    wh = new_warehouse(tmp_path / "warehouse.duckdb")
    assert wh.query("SELECT erased_by FROM erasures")[0]["erased_by"] == "dpo@example.test"
    wh.close()


@pytest.fixture(scope="module")
def small_world(tmp_path_factory):
    out = tmp_path_factory.mktemp("world")
    generate(42, out, n_candidates=12, report_day="2026-11-21")
    return out


def _world_ids(world):
    return [f"{c['ats']}:{c['id']}" for c in json.loads((world / "world.json").read_text())["candidates"]]


def test_evaluate_refuses_when_the_latest_run_failed(tmp_path, env, small_world):
    wh = new_warehouse(tmp_path / "warehouse.duckdb")
    add_candidates(wh, _world_ids(small_world))
    seal(wh, tmp_path / "crosscheck.yaml")
    failed = seal(wh, tmp_path / "crosscheck.yaml", state="failed")
    wh.close()
    res = workshop("evaluation", "--world", str(small_world), env=env, cwd=tmp_path)
    assert res.rc == 1
    assert f"the latest run {failed} (report day 2026-11-21) failed" in res.err
    assert "precision" not in res.out


def test_evaluate_refuses_another_worlds_warehouse(tmp_path, env, small_world):
    wh = new_warehouse(tmp_path / "warehouse.duckdb")
    ids = _world_ids(small_world)
    add_candidates(wh, ids[:-2] + ["lever:not-in-this-world"])
    seal(wh, tmp_path / "crosscheck.yaml")
    wh.close()
    res = workshop("evaluation", "--world", str(small_world), env=env, cwd=tmp_path)
    assert res.rc == 1
    assert "does not match the warehouse: 1 of the warehouse's 11 candidates are not in it and 2 of its 12" in res.err


def test_evaluate_scores_the_matching_world_and_honours_min(tmp_path, env, small_world):
    wh = new_warehouse(tmp_path / "warehouse.duckdb")
    add_candidates(wh, _world_ids(small_world))
    seal(wh, tmp_path / "crosscheck.yaml")
    wh.close()
    res = workshop("evaluation", "--world", str(small_world), env=env, cwd=tmp_path)
    assert res.rc == 0, res.err
    assert res.out.splitlines()[0].split() == ["kind", "precision", "recall", "tp", "fp", "fn"]
    # no findings at all: recall is 0 for every planted kind, so a minimum of 0.5 fails
    assert workshop("evaluation", "--world", str(small_world), "--min", "0.5", env=env, cwd=tmp_path).rc == 1


def test_evaluate_without_labels_or_runs(tmp_path, env, small_world):
    world = tmp_path / "world"
    shutil.copytree(small_world, world)
    (world / "labels.csv").unlink()
    new_warehouse(tmp_path / "warehouse.duckdb").close()
    assert_refused(workshop("evaluation", "--world", str(world), env=env, cwd=tmp_path), "no labels.csv")
    res = workshop("evaluation", "--world", str(small_world), env=env, cwd=tmp_path)
    assert res.rc == 1 and "the warehouse has no runs" in res.err


def test_sandbox_env_file_is_owner_only(tmp_path, env, small_world):
    env_file = tmp_path / "sandbox.env"
    proc = subprocess.Popen([sys.executable, "-m", "sandbox", "serve", "--world", str(small_world), "--port", "0",
                             "--env-file", str(env_file)], env=env, cwd=tmp_path,
                            stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    try:
        deadline = time.monotonic() + 30
        while not (env_file.exists() and env_file.stat().st_size) and time.monotonic() < deadline:
            time.sleep(0.1)
        assert env_file.exists(), proc.stderr.read().decode() if proc.poll() is not None else "no env file"
        assert _mode(env_file) == 0o600
        assert "AIRFLOW_CONN_LEVER_DEFAULT" in env_file.read_text()
    finally:
        proc.terminate()
        proc.wait(timeout=10)


# --- findings clear: the HR page's action, through the same include.findings.clear_and_rerender ---------


@pytest.fixture
def report_warehouse(tmp_path):
    """The report tests' day (open and cleared findings, a sealed run) in a DuckDB file, as ``env`` names it."""
    from tests.report.report_seed import seed, warehouse

    wh = warehouse(str(tmp_path / "warehouse.duckdb"))
    seed(wh)
    wh.close()
    return tmp_path / "warehouse.duckdb"


def _finding_row(path, finding_id):
    wh = new_warehouse(path)
    try:
        row = wh.query("SELECT status, cleared_reason, cleared_by FROM discrepancies WHERE finding_id = ?",
                       [finding_id])[0]
        n = wh.query("SELECT COUNT(*) AS n FROM finding_clearances WHERE finding_id = ?", [finding_id])[0]["n"]
    finally:
        wh.close()
    return row, n


def test_findings_clear_rerenders_the_report_then_refuses_clearing_again(tmp_path, env, report_warehouse):
    reports = tmp_path / "data" / "reports"
    assert not reports.exists()
    res = crosscheck("findings", "clear", "f-ana-reg", "--reason", "Registered under its former name",
                     "--by", "Hana Reviewer", env=env, cwd=tmp_path)
    assert res.rc == 0, res.err
    assert "finding f-ana-reg cleared by Hana Reviewer" in res.out
    assert str(reports / "report-2026-11-21-en.html") in res.out
    assert _finding_row(report_warehouse, "f-ana-reg") == (
        {"status": "cleared", "cleared_reason": "Registered under its former name", "cleared_by": "Hana Reviewer"}, 1)
    html = (reports / "report-2026-11-21-en.html").read_text(encoding="utf-8")
    assert "Cleared by Hana Reviewer" in html and "Registered under its former name" in html
    zh = (reports / "report-2026-11-21-zh_CN.html").read_text(encoding="utf-8")
    assert "Registered under its former name" in zh
    csv_row = (reports / "report-2026-11-21-en.csv").read_text(encoding="utf-8-sig").split(",f-ana-reg,")[1]
    assert "cleared" in csv_row.splitlines()[0]

    before = html
    again = crosscheck("findings", "clear", "f-ana-reg", "--reason", "something else", "--by", "Mallory",
                       env=env, cwd=tmp_path)
    line = assert_refused(again, "f-ana-reg is already cleared", rc=1)
    assert line.startswith("crosscheck: findings clear:")
    assert _finding_row(report_warehouse, "f-ana-reg") == (
        {"status": "cleared", "cleared_reason": "Registered under its former name", "cleared_by": "Hana Reviewer"}, 1)
    assert (reports / "report-2026-11-21-en.html").read_text(encoding="utf-8") == before


def test_findings_clear_refuses_a_finding_cleared_in_the_seeded_run(tmp_path, env, report_warehouse):
    row_before = _finding_row(report_warehouse, "f-wang-nc")
    assert row_before[0]["status"] == "cleared"
    res = crosscheck("findings", "clear", "f-wang-nc", "--reason", "again", "--by", "Hana", env=env, cwd=tmp_path)
    assert_refused(res, "f-wang-nc is already cleared", rc=1)
    assert _finding_row(report_warehouse, "f-wang-nc") == row_before
    assert not (tmp_path / "data" / "reports").exists()


def test_findings_clear_of_an_unknown_finding_and_with_an_empty_reason(tmp_path, env, report_warehouse):
    assert_refused(crosscheck("findings", "clear", "no-such", "--reason", "r", "--by", "Hana", env=env, cwd=tmp_path),
                   "no finding with id 'no-such'", rc=1)
    assert_refused(crosscheck("findings", "clear", "f-ana-reg", "--reason", "  ", "--by", "Hana", env=env, cwd=tmp_path),
                   "--reason and --by must not be empty")
    assert _finding_row(report_warehouse, "f-ana-reg") == (
        {"status": "open", "cleared_reason": None, "cleared_by": None}, 0)


def test_findings_clear_needs_a_warehouse_and_creates_none(tmp_path, env):
    res = crosscheck("findings", "clear", "f-ana-reg", "--reason", "r", "--by", "Hana", env=env, cwd=tmp_path)
    assert_refused(res, f"no warehouse at {tmp_path / 'warehouse.duckdb'}")
    assert not (tmp_path / "warehouse.duckdb").exists()
